"""keras.optimizers.schedules: learning rates as functions of the step, written with ndflow
ops so a schedule evaluated at `optimizer.iterations` traces into tf.function."""
import math as _math

from ...framework import dtypes as _dtypes
from ...framework.errors import InvalidArgumentError as _InvalidArgumentError
from ...ops import array_ops as _A
from ...ops import math_ops as _M


def _step(step):
    """The step (int, tensor or the optimizer's iterations Variable) as a float32 tensor."""
    if hasattr(step, "read_value"):
        step = step.read_value()
    step = _A.convert_to_tensor(step)
    return step if step.dtype == _dtypes.float32 else _A.cast(step, _dtypes.float32)


class LearningRateSchedule:
    """Base class of learning-rate schedules: `schedule(step)` returns the rate for a step.

    Pass an instance as an optimizer's `learning_rate`; the optimizer calls it with its
    `iterations` at every update. Subclasses implement `__call__(step)` and `get_config()`.

    Example:

    >>> from ndflow import keras
    >>> class Halving(keras.optimizers.schedules.LearningRateSchedule):
    ...     def __call__(self, step):
    ...         return 0.1 * 0.5 ** ndflow.cast(step, "float32")
    ...     def get_config(self):
    ...         return {}
    >>> round(float(Halving()(2)), 4)
    0.025
    """
    def __call__(self, step):
        raise NotImplementedError

    def get_config(self):
        raise NotImplementedError

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class ExponentialDecay(LearningRateSchedule):
    """initial * decay_rate ** (step / decay_steps) (the exponent floored when staircase)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        if decay_steps <= 0:
            raise _InvalidArgumentError(f"Argument `decay_steps` must be > 0. "
                                       f"Received: decay_steps={decay_steps}")
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def __call__(self, step):
        p = _step(step) / float(self.decay_steps)
        if self.staircase:
            p = _M.floor(p)
        return float(self.initial_learning_rate) * _M.pow(float(self.decay_rate), p)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """initial / (1 + decay_rate * step / decay_steps)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def __call__(self, step):
        p = _step(step) / float(self.decay_steps)
        if self.staircase:
            p = _M.floor(p)
        return float(self.initial_learning_rate) / (1.0 + float(self.decay_rate) * p)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """values[i] while boundaries[i-1] < step <= boundaries[i]."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise _InvalidArgumentError(
                f"The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}.")
        self.boundaries, self.values, self.name = list(boundaries), list(values), name

    def __call__(self, step):
        step = _step(step)
        # walk from the last interval down so the first matching boundary wins
        out = _A.fill(_A.shape(step), float(self.values[-1])) if step.shape.rank else \
            _A.constant(float(self.values[-1]))
        for boundary, value in reversed(list(zip(self.boundaries, self.values[:-1]))):
            out = _A.where(step <= float(boundary), _A.ones_like(out) * float(value), out)
        return out

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """(initial - end) * (1 - step / decay_steps) ** power + end; with `cycle` the horizon
    grows to the next multiple of decay_steps."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay"):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.end_learning_rate, self.power, self.cycle, self.name = \
            end_learning_rate, power, cycle, name

    def __call__(self, step):
        step = _step(step)
        steps = float(self.decay_steps)
        if self.cycle:
            multiplier = _A.where(_M.equal(step, 0.0), _A.ones_like(step), _M.ceil(step / steps))
            horizon = steps * multiplier
        else:
            horizon = steps
            step = _M.minimum(step, steps)
        fraction = step / horizon
        start, end = float(self.initial_learning_rate), float(self.end_learning_rate)
        return (start - end) * _M.pow(1.0 - fraction, float(self.power)) + end

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Optional linear warmup from `initial_learning_rate` to `warmup_target` over
    `warmup_steps`, then cosine decay over `decay_steps` down to `alpha` times the start."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        if decay_steps <= 0:
            raise _InvalidArgumentError(f"Argument `decay_steps` must be > 0. "
                                       f"Received: decay_steps={decay_steps}")
        self.initial_learning_rate, self.decay_steps, self.alpha = \
            initial_learning_rate, decay_steps, alpha
        self.name, self.warmup_target, self.warmup_steps = name, warmup_target, warmup_steps

    def _decay(self, step, start):
        fraction = step / float(self.decay_steps)
        cosine = 0.5 * (1.0 + _M.cos(_math.pi * fraction))
        return start * ((1.0 - float(self.alpha)) * cosine + float(self.alpha))

    def __call__(self, step):
        step = _step(step)
        start = float(self.initial_learning_rate)
        if self.warmup_target is None:
            return self._decay(_M.minimum(step, float(self.decay_steps)), start)
        warmup = float(self.warmup_steps)
        target = float(self.warmup_target)
        step = _M.minimum(step, float(self.decay_steps) + warmup)
        warming = start + (target - start) * (step / max(warmup, 1.0))
        decaying = self._decay(_M.maximum(step - warmup, 0.0), target)
        return _A.where(step < warmup, warming, decaying)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR, Loshchilov & Hutter 2017).

    The first period lasts `first_decay_steps` steps; period i lasts `t_mul**i` times as
    long and starts from `initial_learning_rate * m_mul**i`; within a period the rate follows
    `initial * m_mul**i * ((1 - alpha) * 0.5 * (1 + cos(pi * fraction)) + alpha)`.

    Args:
      initial_learning_rate: The rate at step 0.
      first_decay_steps: The length of the first period.
      t_mul: How much longer each period is than the one before (default 2.0).
      m_mul: How much lower each period starts than the one before (default 1.0).
      alpha: The floor, as a fraction of the period's starting rate (default 0.0).
      name: The schedule's name (default "SGDRDecay").
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0, name="SGDRDecay"):
        if first_decay_steps <= 0:
            raise _InvalidArgumentError(f"Argument `first_decay_steps` must be > 0. "
                                       f"Received: first_decay_steps={first_decay_steps}")
        self.initial_learning_rate, self.first_decay_steps = \
            initial_learning_rate, first_decay_steps
        self._t_mul, self._m_mul, self.alpha, self.name = t_mul, m_mul, alpha, name

    def __call__(self, step):
        from ...train.learning_rate_decay import cosine_decay_restarts
        return cosine_decay_restarts(float(self.initial_learning_rate), _step(step),
                                     float(self.first_decay_steps), float(self._t_mul),
                                     float(self._m_mul), float(self.alpha))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


_CLASSES = {c.__name__: c for c in (ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay,
                                     PolynomialDecay, CosineDecay, CosineDecayRestarts)}


def serialize(schedule):
    """Describes a learning-rate schedule as JSON-compatible data.

    Args:
      schedule: A `LearningRateSchedule`.

    Returns:
      A dict with "module", "class_name" and "config".
    """
    return {"module": "keras.optimizers.schedules", "class_name": type(schedule).__name__,
            "config": schedule.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    """Creates a learning-rate schedule from the output of `serialize`.

    Args:
      config: A dict with "class_name" and "config".
      custom_objects: Optional dict mapping names to user-defined schedules.

    Returns:
      A `LearningRateSchedule`.

    Raises:
      InvalidArgumentError: If the class name is unknown.
    """
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _CLASSES.get(name)
    if cls is None:
        raise _InvalidArgumentError(f"Unknown learning rate schedule: {name!r}.")
    return cls.from_config(config["config"])
