"""TF1 learning-rate schedules (tf.compat.v1.train.exponential_decay and friends).

Each takes the global step (a tensor or variable) and returns the decayed learning rate
as a float32 tensor, computed where the step lives (a TF1 graph, or eagerly).
"""
import math

from ..framework import dtypes
from ..ops import array_ops as A
from ..ops import math_ops as M


def _step_and_rate(learning_rate, global_step, fn):
    if global_step is None:
        raise ValueError(f"global_step is required for {fn}.")
    lr = A.convert_to_tensor(learning_rate, dtype=dtypes.float32) if not hasattr(
        learning_rate, "dtype") else learning_rate
    step = M.cast(global_step, lr.dtype)
    return lr, step


def _progress(step, decay_steps, staircase):
    p = step / M.cast(decay_steps, step.dtype)
    return M.floor(p) if staircase else p


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """`learning_rate * decay_rate ** (global_step / decay_steps)` (an integer power when
    `staircase`)."""
    lr, step = _step_and_rate(learning_rate, global_step, "exponential_decay")
    return M.multiply(lr, M.pow(M.cast(decay_rate, lr.dtype),
                                _progress(step, decay_steps, staircase)), name=name)


def piecewise_constant(x, boundaries, values, name=None):
    """`values[0]` while `x <= boundaries[0]`, `values[i]` while `boundaries[i-1] < x <=
    boundaries[i]`, `values[-1]` after the last boundary.

    Raises:
      ValueError: unless len(values) == len(boundaries) + 1.
    """
    if len(values) != len(boundaries) + 1:
        raise ValueError("The length of boundaries should be 1 less than the length of "
                         f"values; got {len(boundaries)} boundaries and {len(values)} values.")
    x = A.convert_to_tensor(x)
    vals = [A.convert_to_tensor(v) for v in values]
    dtype = vals[0].dtype
    out = A.zeros([], dtype) + vals[-1]
    # from the last interval backwards, so the first true condition wins
    for b, v in reversed(list(zip(boundaries, vals[:-1]))):
        out = A.where(M.less_equal(x, M.cast(b, x.dtype)), M.cast(v, dtype), out)
    return A.identity(out, name=name) if name else out


def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001,
                     power=1.0, cycle=False, name=None):
    """`(lr - end) * (1 - step / decay_steps) ** power + end`, with the step clipped at
    `decay_steps` (or `decay_steps` stretched to the next multiple when `cycle`)."""
    lr, step = _step_and_rate(learning_rate, global_step, "polynomial_decay")
    steps = M.cast(decay_steps, lr.dtype)
    if cycle:
        multiplier = A.where(M.equal(step, 0.0), A.ones_like(step), M.ceil(step / steps))
        steps = steps * multiplier
    else:
        step = M.minimum(step, steps)
    frac = 1.0 - step / steps
    end = M.cast(end_learning_rate, lr.dtype)
    return M.add((lr - end) * M.pow(frac, M.cast(power, lr.dtype)), end, name=name)


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    """`lr * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps)) +
    alpha)`."""
    lr, step = _step_and_rate(learning_rate, global_step, "cosine_decay")
    steps = M.cast(decay_steps, lr.dtype)
    step = M.minimum(step, steps)
    cosine = 0.5 * (1.0 + M.cos(math.pi * step / steps))
    return M.multiply(lr, (1.0 - alpha) * cosine + alpha, name=name)


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                       name=None):
    """`lr / (1 + decay_rate * global_step / decay_steps)` (floored ratio when staircase)."""
    lr, step = _step_and_rate(learning_rate, global_step, "inverse_time_decay")
    denom = 1.0 + M.cast(decay_rate, lr.dtype) * _progress(step, decay_steps, staircase)
    return M.divide(lr, denom, name=name)


def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """`lr * exp(-decay_rate * global_step / decay_steps)` (floored ratio when staircase)."""
    lr, step = _step_and_rate(learning_rate, global_step, "natural_exp_decay")
    exponent = -M.cast(decay_rate, lr.dtype) * _progress(step, decay_steps, staircase)
    return M.multiply(lr, M.exp(exponent), name=name)


def cosine_decay_restarts(learning_rate, global_step, first_decay_steps, t_mul=2.0, m_mul=1.0,
                          alpha=0.0, name=None):
    """Cosine decay with warm restarts (SGDR): period i lasts `first_decay_steps * t_mul**i`
    steps and starts from `learning_rate * m_mul**i`."""
    lr, step = _step_and_rate(learning_rate, global_step, "cosine_decay_restarts")
    fraction = step / M.cast(first_decay_steps, lr.dtype)
    if t_mul == 1.0:
        i_restart = M.floor(fraction)
        fraction = fraction - i_restart
    else:
        i_restart = M.floor(M.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
        sum_r = (1.0 - M.pow(M.cast(t_mul, lr.dtype), i_restart)) / (1.0 - t_mul)
        fraction = (fraction - sum_r) / M.pow(M.cast(t_mul, lr.dtype), i_restart)
    m_fac = M.pow(M.cast(m_mul, lr.dtype), i_restart)
    cosine = 0.5 * m_fac * (1.0 + M.cos(math.pi * fraction))
    return M.multiply(lr, (1.0 - alpha) * cosine + alpha, name=name)


def linear_cosine_decay(learning_rate, global_step, decay_steps, num_periods=0.5, alpha=0.0,
                        beta=0.001, name=None):
    """`lr * ((alpha + linear) * cosine + beta)` with `linear = 1 - step / decay_steps` and
    `cosine = 0.5 * (1 + cos(2 pi num_periods step / decay_steps))`, step clipped."""
    lr, step = _step_and_rate(learning_rate, global_step, "linear_cosine_decay")
    steps = M.cast(decay_steps, lr.dtype)
    step = M.minimum(step, steps)
    linear = (steps - step) / steps
    fraction = 2.0 * num_periods * (step / steps)
    cosine = 0.5 * (1.0 + M.cos(math.pi * fraction))
    return M.multiply(lr, (alpha + linear) * cosine + beta, name=name)


NAMES = {"exponential_decay": exponential_decay, "piecewise_constant": piecewise_constant,
         "polynomial_decay": polynomial_decay, "cosine_decay": cosine_decay,
         "inverse_time_decay": inverse_time_decay, "natural_exp_decay": natural_exp_decay,
         "cosine_decay_restarts": cosine_decay_restarts,
         "linear_cosine_decay": linear_cosine_decay}
