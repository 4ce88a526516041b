"""tf.nn normalization: batch_normalization, fused_batch_norm and local response
normalization (lrn), and the fused batch norm that Keras' BatchNormalization trains with.

`ChannelWindowSum` sums each element's neighbourhood along the last axis (the window of
lrn); a symmetric window sum is its own adjoint, so its gradient is itself applied to the
incoming gradient. `MulAdd` is `x * a + b` in one output buffer: batch normalization
applies its statistics as one scale and one shift per channel, as TensorFlow's
`tf.nn.batch_normalization` does, without a temporary the size of `x`. `BatchNormTraining`
normalizes with the batch's own statistics in three passes over `x`, and its gradient op
`BatchNormTrainingGrad` takes two; that gradient's own gradient differentiates the same
formula written with primitives, so higher derivatives work as for composed ops.
"""
from ..framework.errors import InvalidArgumentError
from ..framework.registry import ALL, execute, op
from ..framework.shape_fns import broadcast, unary
from ..framework.tensor_shape import TensorShape
from . import math_ops as M
from .array_ops import cast, convert_to_tensor, reshape, size
from .array_ops import shape as shape_op
from .join_ops import stack as join_stack
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


_ROWS = 1 << 16  # elements per chunk of MulAdd: the product is still in cache for the add


def _per_channel(v, depth):
    """True when `v` broadcasts against (..., depth) along the last axis only."""
    return v.ndim == 0 or (v.shape[-1] in (1, depth) and v.size == v.shape[-1])


@op("MulAdd", unify=ALL, infer=broadcast("MulAdd"))
def MUL_ADD(xp, x, a, b):
    shape = xp.broadcast(x, a, b).shape
    if shape != x.shape:
        return x * a + b
    out = xp.empty(shape, dtype=xp.result_type(x, a, b))
    depth = shape[-1] if shape else 1
    if x.ndim >= 2 and x.flags.c_contiguous and _per_channel(a, depth) and \
            _per_channel(b, depth) and x.size > 2 * _ROWS:
        a, b = a.reshape(-1), b.reshape(-1)
        rows, flat = max(1, _ROWS // depth), out.reshape(-1, depth)
        x2 = x.reshape(-1, depth)
        for i in range(0, x2.shape[0], rows):
            part = flat[i:i + rows]
            xp.multiply(x2[i:i + rows], a, out=part)
            part += b
        return out
    xp.multiply(x, a, out=out)
    out += b
    return out


@MUL_ADD.gradient
def _mul_add_grad(op_, g):
    x, a, _ = op_.inputs
    return [g * a, g * x, g]  # autodiff sums each down to its input's shape


# --- batch normalization with the batch's statistics, fused --------------------------------------
# Composed of primitives, a training step's batch norm streams its activation through memory
# about six times forward (mean, difference, square, mean, scale, shift) and ten backward;
# these two ops do it in three passes forward (mean, variance, scale-and-shift) and two
# backward (the two channel sums, then dx), a chunk of rows at a time in cache.

def _rows2d(xp, x):
    x = xp.ascontiguousarray(x)
    return x.reshape(-1, x.shape[-1]) if x.ndim else x.reshape(1, 1)


def _column_sum(xp, x2):
    """Per-channel sum over the rows of `x2`: a ones-vector GEMV, 10x faster than add.reduce
    over short rows (which adds them one at a time) and more accurate (BLAS keeps several
    partial sums)."""
    return xp.ones(x2.shape[0], dtype=x2.dtype) @ x2


def _chunked_column_sum(xp, count, depth, dtype, chunk):
    """Per-channel sum of chunk(i, j), the values of rows i:j computed in cache, accumulated
    in float64 across chunks."""
    rows = max(1, _ROWS // depth)
    ones = xp.ones(min(rows, count), dtype=dtype)
    total = xp.zeros(depth, dtype=xp.float64)
    for i in range(0, count, rows):
        j = min(i + rows, count)
        total += ones[:j - i] @ chunk(i, j)
    return total


def _bn_infer(ts, attrs):
    x = ts[0]
    depth = x.shape.dims[-1] if x.shape.rank else None
    return [(x.shape, x.dtype), (TensorShape([depth]), x.dtype), (TensorShape([depth]), x.dtype)]


@op("BatchNormTraining", multi_output=True, unify=ALL, infer=_bn_infer)
def BATCH_NORM_TRAINING(xp, x, scale, offset, epsilon):
    """(y, mean, variance): `x` normalized with its own per-channel (last axis) mean and
    population variance, then scaled and shifted."""
    x2 = _rows2d(xp, x)
    count, depth = x2.shape
    for name, v in (("scale", scale), ("offset", offset)):
        if v.shape != (depth,):
            raise InvalidArgumentError(
                f"BatchNormTraining: {name} must have shape ({depth},) to match the last "
                f"dimension of x (shape {tuple(x.shape)}); got shape {tuple(v.shape)}.")
    mean = (_column_sum(xp, x2) / max(count, 1)).astype(x.dtype)
    buf = xp.empty((min(count, max(1, _ROWS // depth)), depth), dtype=x.dtype)

    def squared(i, j):
        t = xp.subtract(x2[i:j], mean, out=buf[:j - i])
        return xp.multiply(t, t, out=t)
    variance = (_chunked_column_sum(xp, count, depth, x.dtype, squared) /
                max(count, 1)).astype(x.dtype)
    a = scale / xp.sqrt(variance + epsilon)
    y = MUL_ADD.kernel(xp, x2, a, offset - mean * a).reshape(x.shape)
    return y, mean, variance


@op("BatchNormTrainingGrad", multi_output=True, unify=ALL,
    infer=lambda ts, a: [(ts[1].shape, ts[1].dtype), (ts[2].shape, ts[2].dtype),
                         (ts[2].shape, ts[2].dtype)])
def BATCH_NORM_TRAINING_GRAD(xp, dy, x, scale, mean, variance, dmean, dvariance, epsilon):
    """(dx, dscale, doffset) of BatchNormTraining, given the gradients of its three outputs."""
    x2, dy2 = _rows2d(xp, x), _rows2d(xp, dy)
    count = max(x2.shape[0], 1)
    inv = 1 / xp.sqrt(variance + epsilon)
    rows = max(1, _ROWS // x2.shape[1])
    buf = xp.empty((min(x2.shape[0], rows), x2.shape[1]), dtype=x.dtype)
    sum_dy = _column_sum(xp, dy2)

    def centred_dy(i, j):
        t = xp.subtract(x2[i:j], mean, out=buf[:j - i])
        return xp.multiply(t, dy2[i:j], out=t)
    sum_dy_xc = _chunked_column_sum(xp, x2.shape[0], x2.shape[1], x.dtype,
                                    centred_dy).astype(x.dtype)
    # dx = k1 * dy + k2 * (x - mean) + k0, per channel
    k1 = scale * inv
    k2 = dvariance * (2 / count) - k1 * inv * inv * sum_dy_xc / count
    k0 = dmean / count - k1 * sum_dy / count
    dx2 = MUL_ADD.kernel(xp, dy2, k1, k0 - mean * k2)
    for i in range(0, x2.shape[0], rows):
        part = dx2[i:i + rows]
        part += xp.multiply(x2[i:i + rows], k2, out=buf[:part.shape[0]])
    return dx2.reshape(x.shape), sum_dy_xc * inv, sum_dy


def _bn_training_grad_composed(dy, x, scale, mean, variance, dmean, dvariance, epsilon):
    """BatchNormTrainingGrad written with primitives (its own gradient differentiates it)."""
    shape = None
    if x.shape.rank is None:  # as (rows, channels), reduced over the rows
        shape = shape_op(x)
        rows = join_stack([-1, size(mean)])
        x, dy = reshape(x, rows), reshape(dy, rows)
    axes = list(range(x.shape.rank - 1))
    count = M.cast(size(x) // size(mean), x.dtype)
    inv = M.rsqrt(variance + epsilon)
    xc = x - mean
    sum_dy = M.reduce_sum(dy, axes)
    sum_dy_xc = M.reduce_sum(dy * xc, axes)
    k1 = scale * inv
    dx = k1 * dy + xc * (dvariance * 2.0 / count - k1 * inv * inv * sum_dy_xc / count) + \
        (dmean - k1 * sum_dy) / count
    return [dx if shape is None else reshape(dx, shape), sum_dy_xc * inv, sum_dy]


def _vjp(fn, inputs, output_grads):
    """Gradients of fn(*inputs) (a list of tensors) w.r.t. `inputs` for `output_grads`."""
    from ..framework.autodiff import GradientTape, gradients
    from ..framework.tensor import EagerTensor
    if all(isinstance(t, EagerTensor) for t in inputs):
        with GradientTape() as tape:
            for t in inputs:
                tape.watch(t)
            outs = fn(*inputs)
        return tape.gradient(outs, list(inputs), output_gradients=output_grads)
    # partial derivatives: fn sees identities of the inputs, so their own dependencies (the
    # batch statistics depend on x) are not followed a second time
    from .array_ops import identity
    leaves = [identity(t) for t in inputs]
    return gradients(fn(*leaves), leaves, grad_ys=output_grads)


@BATCH_NORM_TRAINING.gradient
def _batch_norm_training_grad(op_, dy, dmean, dvariance):
    x, scale, _ = op_.inputs
    y, mean, variance = op_.outputs
    from .array_ops import zeros_like
    dy = zeros_like(y) if dy is None else dy
    dmean = zeros_like(mean) if dmean is None else dmean
    dvariance = zeros_like(variance) if dvariance is None else dvariance
    return execute(BATCH_NORM_TRAINING_GRAD, (dy, x, scale, mean, variance, dmean, dvariance),
                   {"epsilon": op_.attrs["epsilon"]})


@BATCH_NORM_TRAINING_GRAD.gradient
def _batch_norm_training_grad_grad(op_, ddx, ddscale, ddoffset):
    from .array_ops import zeros_like
    outs = op_.outputs
    grads = [zeros_like(o) if g is None else g for g, o in zip((ddx, ddscale, ddoffset), outs)]
    eps = op_.attrs["epsilon"]
    return _vjp(lambda *t: _bn_training_grad_composed(*t, eps), list(op_.inputs), grads)


def batch_norm_training(x, scale, offset, epsilon):
    """(y, mean, variance) of `x` normalized over every axis but the last with its own
    statistics (population variance), scaled by `scale` and shifted by `offset`."""
    return execute(BATCH_NORM_TRAINING, (x, scale, offset), {"epsilon": float(epsilon)})


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
    return execute(MUL_ADD, (x, cast(inv, x.dtype), cast(shift, x.dtype)), {}, name)


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
    if fmt == "NHWC":
        y, batch_mean, batch_var = batch_norm_training(x, scale, offset, epsilon)
    else:
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
