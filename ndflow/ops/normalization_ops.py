"""tf.nn normalization: batch_normalization, fused_batch_norm and local response
normalization (lrn), composed of primitives so their gradients come from the parts.

The one primitive here, `ChannelWindowSum`, sums each element's neighbourhood along the
last axis (the window of lrn); a symmetric window sum is its own adjoint, so its gradient
is itself applied to the incoming gradient.
"""
from ..framework.registry import execute, op
from ..framework.shape_fns import unary
from . import math_ops as M
from .array_ops import cast, convert_to_tensor, reshape, size
from .nn_ops import moments


@op("ChannelWindowSum", infer=unary)
def CHANNEL_WINDOW_SUM(xp, x, radius):
    depth = x.shape[-1]
    pad = [(0, 0)] * (x.ndim - 1) + [(radius + 1, radius)]
    c = xp.cumsum(xp.pad(x, pad), axis=-1)
    return c[..., 2 * radius + 1:2 * radius + 1 + depth] - c[..., :depth]


@CHANNEL_WINDOW_SUM.gradient
def _channel_window_sum_grad(op, g):
    return [execute(CHANNEL_WINDOW_SUM, (g,), op.attrs)]


def channel_window_sum(x, radius):
    """out[..., d] = sum(x[..., d - radius : d + radius + 1]) (zeros past the edges)."""
    return execute(CHANNEL_WINDOW_SUM, (x,), {"radius": int(radius)})


def local_response_normalization(input, depth_radius=5, bias=1.0, alpha=1.0,  # noqa: A002
                                 beta=0.5, name=None):
    """tf.nn.lrn: `input / (bias + alpha * sqr_sum) ** beta`, where `sqr_sum` sums the
    squares of the `2 * depth_radius + 1` neighbours along the last (depth) axis.

    Args:
      input: a 4-D float tensor (NHWC).
      depth_radius: half-width of the window (an int >= 0).
      bias, alpha, beta: floats of the formula above.

    Raises:
      ValueError: if `input` is not 4-D or `depth_radius` is negative.
    """
    x = convert_to_tensor(input)
    if x.shape.rank is not None and x.shape.rank != 4:
        raise ValueError(f"lrn: input must be 4-D (NHWC), got shape {x.shape}.")
    if int(depth_radius) < 0:
        raise ValueError(f"lrn: depth_radius must be >= 0, got {depth_radius}.")
    sqr_sum = channel_window_sum(M.square(x), depth_radius)
    return x * M.pow(sqr_sum * alpha + bias, -float(beta))


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """Normalises `x` with given statistics: `scale * (x - mean) / sqrt(variance + epsilon) +
    offset`.

    The statistics (e.g. from `nn.moments`) broadcast against `x`.

    Args:
      x: A floating-point `Tensor`.
      mean: The mean, broadcastable against `x`.
      variance: The variance, broadcastable against `x`.
      offset: The offset `beta`, or None.
      scale: The scale `gamma`, or None.
      variance_epsilon: A small float added to the variance.
      name: A name for the operation (optional).

    Returns:
      The normalised `Tensor`, of `x`'s shape.
    """
    x = convert_to_tensor(x)
    inv = M.rsqrt(variance + variance_epsilon)
    if scale is not None:
        inv = inv * scale
    shift = (offset - mean * inv) if offset is not None else -mean * inv
    return x * cast(inv, x.dtype) + cast(shift, x.dtype)


def fused_batch_norm(x, scale, offset, mean=None, variance=None, epsilon=0.001,
                     data_format="NHWC", is_training=True, name=None,
                     exponential_avg_factor=1.0):
    """tf.nn.fused_batch_norm over the channel axis of a 4-D tensor.

    Returns:
      `(y, batch_mean, batch_variance)`. Training: the batch statistics normalize `x`
      and the returned variance is the unbiased (n / (n - 1)) one; with
      `exponential_avg_factor` f < 1 the returned statistics are `(1 - f) * given + f *
      batch`. Inference: `mean`/`variance` normalize `x` and are returned.

    Raises:
      ValueError: for a bad data_format, a non-4-D `x`, or inference without statistics.
    """
    fmt = str(data_format).upper()
    if fmt not in ("NHWC", "NCHW"):
        raise ValueError(f"fused_batch_norm: data_format must be 'NHWC' or 'NCHW', got "
                         f"{data_format!r}.")
    x = convert_to_tensor(x)
    if x.shape.rank is not None and x.shape.rank != 4:
        raise ValueError(f"fused_batch_norm: x must be 4-D, got shape {x.shape}.")
    epsilon = max(float(epsilon), 1.001e-5)  # the smallest epsilon TF's kernels accept
    axes, bshape = ([0, 1, 2], [-1]) if fmt == "NHWC" else ([0, 2, 3], [1, -1, 1, 1])
    stats = (lambda t: t) if fmt == "NHWC" else (lambda t: reshape(t, bshape))
    if not is_training:
        if mean is None or variance is None:
            raise ValueError("fused_batch_norm: mean and variance must be given when "
                             "is_training=False.")
        y = batch_normalization(x, stats(mean), stats(variance), stats(offset), stats(scale),
                                epsilon)
        return y, convert_to_tensor(mean), convert_to_tensor(variance)
    batch_mean, batch_var = moments(x, axes)
    y = batch_normalization(x, stats(batch_mean), stats(batch_var), stats(offset),
                            stats(scale), epsilon)
    n = M.cast(size(x) // size(batch_var), batch_var.dtype)
    unbiased = batch_var * n / M.maximum(n - 1.0, 1.0)
    f = float(exponential_avg_factor)
    if f != 1.0:
        if mean is None or variance is None:
            raise ValueError("fused_batch_norm: exponential_avg_factor != 1 needs the running "
                             "mean and variance.")
        batch_mean = mean * (1.0 - f) + batch_mean * f
        unbiased = variance * (1.0 - f) + unbiased * f
    return y, batch_mean, unbiased


from ..util.export import export_many  # noqa: E402

export_many("nn", {"batch_normalization": batch_normalization, "lrn": local_response_normalization,
                   "local_response_normalization": local_response_normalization})
export_many("v1.nn", {"fused_batch_norm": fused_batch_norm})
