"""FusedConv2D: a 2-D convolution, its bias add and its activation as one op (NHWC).

Keras' `Conv2D(activation="relu")` computes relu(conv2d(x, w) + b); as three ops the bias
add and the ReLU each read and write the whole output once more, after it has left the
cache. TensorFlow's grappler rewrites that chain into one `_FusedConv2D`; here the layer
emits this op itself. Its kernel adds the bias and applies the activation to each chunk of
the convolution's output right after the chunk's GEMM (still in cache). Its gradient is
fused the same way: `BiasReluGrad` masks the output gradient with y > 0 and sums the bias
gradient in the same pass, then the ordinary Conv2DBackpropInput / Conv2DBackpropFilter
take the masked gradient. Both are registered ops with gradients of their own, so
higher-order and graph-mode gradients work as for the unfused chain.
"""
from ..framework.registry import ALL, execute, op
from ..framework.tensor import EagerTensor
from ..framework.tensor_shape import TensorShape
from . import array_ops as A
from . import conv_kernels_jit as K
from . import winograd as W
from .conv_ops import (BIAS_ADD, BIAS_ADD_GRAD, CONV2D_BACKPROP_FILTER, CONV2D_BACKPROP_INPUT,
                       _check_bias, _check_depth, _check_rank, _conv2d_infer, _conv_forward,
                       _dims, _geometry, _pad, _winograd)
from .nn_ops import RELU_GRAD
from .pooling_ops import MAX_POOL_GRAD, MAX_POOL_GRAD_GRAD, _max_pool_grad_nhwc, _max_pool_nhwc

ACTIVATIONS = ("", "Relu")
_NO = {}
_NHWC = {"data_format": "NHWC"}


def _fused_infer(ts, attrs):
    _, w, b = ts
    _check_bias("FusedConv2D", (None, None, None, (_dims(w) or [None] * 4)[3]), _dims(b),
                "NHWC")
    return _conv2d_infer(ts[:2], dict(attrs, data_format="NHWC"))


def _epilogue(xp, b, relu):
    """Adds `b` to a (rows, channels) chunk and applies the ReLU, in place."""
    if K.usable(xp, b):
        return lambda rows: K.bias_act_inplace(rows, b, relu)

    def finish(rows):
        xp.add(rows, b, out=rows)
        if relu:
            xp.maximum(rows, 0, out=rows)
    return finish


def _one_channel_3x3(xp, x, w, b, strides, dilations):
    """Whether the convolution runs as the compiled direct loop (`K.conv3x3_c1`): a 3x3
    filter over one input channel, stride 1, no dilation."""
    return w.shape[:3] == (3, 3, 1) and strides == dilations == (1, 1) and \
        K.usable(xp, x, w, b)


@op("FusedConv2D", unify=ALL, infer=_fused_infer)
def FUSED_CONV2D(xp, x, w, b, strides, padding, dilations, activation):
    """activation(conv2d(x, w) + b) for NHWC `x`, HWIO `w` and `b` of the output depth."""
    _check_rank("FusedConv2D", "input", x.shape, 4)
    _check_rank("FusedConv2D", "filter", w.shape, 4)
    _check_depth("FusedConv2D", x.shape, w.shape, x.shape[3], w.shape[2])
    _check_bias("FusedConv2D", (None, None, None, w.shape[3]), b.shape, "NHWC")
    if _one_channel_3x3(xp, x, w, b, strides, dilations):  # W5's first layer: one pass
        oh, ow, pads = _geometry("FusedConv2D", x.shape[1], x.shape[2], (3, 3), strides,
                                 dilations, padding)
        return K.conv3x3_c1(xp, _pad(xp, x, pads), w, b, (oh, ow), activation == "Relu")
    oh, ow, pads = _geometry("FusedConv2D", x.shape[1], x.shape[2], w.shape[:2], strides,
                             dilations, padding)
    if _winograd(xp, w.shape[:2], strides, dilations, padding, w.shape[2], w.shape[3],
                 x.shape[0] * oh * ow, x, w, b):  # bias and ReLU in its output transform
        return W.conv3x3(xp, x, w, pads, (oh, ow), b, activation == "Relu")
    return _conv_forward(xp, x, w, strides, padding, dilations, "FusedConv2D",
                         _epilogue(xp, b, activation == "Relu"))


def _bias_relu_grad_infer(ts, attrs):
    dims = _dims(ts[0])
    depth = dims[-1] if dims else None
    return [(ts[0].shape, ts[0].dtype), (TensorShape([depth]), ts[0].dtype)]


@op("BiasReluGrad", multi_output=True, unify=ALL, grad_inputs=(0,),
    infer=_bias_relu_grad_infer)
def BIAS_RELU_GRAD(xp, dy, y):
    """(dy * (y > 0), its sum over every axis but the last): the gradients of relu(z) at
    the pre-activation z and at a bias added along the last axis, from one pass over dy."""
    c = dy.shape[-1] if dy.ndim else 1
    dy2, y2 = dy.reshape(-1, c), y.reshape(-1, c)
    if dy.shape == y.shape and K.usable(xp, dy, y):
        dz, db = K.bias_relu_grad(xp, dy2, y2)
        return dz.reshape(dy.shape), db
    dz = RELU_GRAD.kernel(xp, dy2, y2)  # (large: split over the cores)
    return dz.reshape(dy.shape), xp.ones(dz.shape[0], dtype=dz.dtype) @ dz


def _conv_attrs(op_):
    return {"strides": op_.attrs["strides"], "padding": op_.attrs["padding"],
            "dilations": op_.attrs["dilations"], "data_format": "NHWC"}


def _pool_relu_grad_infer(ts, attrs):
    dims = _dims(ts[0])
    return [(ts[0].shape, ts[2].dtype), (TensorShape([dims[-1] if dims else None]), ts[2].dtype)]


@op("MaxPoolBiasReluGrad", multi_output=True, unify=ALL, grad_inputs=(2,),
    infer=_pool_relu_grad_infer)
def MAX_POOL_BIAS_RELU_GRAD(xp, y, pooled, dpooled, ksize, strides, padding):
    """BiasReluGrad(MaxPoolGrad(y, pooled, dpooled), y) for NHWC `y`, a ReLU's output that
    is max-pooled into `pooled`: one pass over y and dz, where the two ops make four (the
    gradient of relu -> max pool of a FusedConv2D, W5's two layers)."""
    _, _, pads = _geometry("MaxPoolBiasReluGrad", y.shape[1], y.shape[2], ksize, strides,
                           (1, 1), padding)
    if strides[0] >= ksize[0] and strides[1] >= ksize[1] and pooled.shape == dpooled.shape \
            and K.usable(xp, y, pooled, dpooled):
        return K.max_pool_relu_grad(xp, y, pooled, dpooled, ksize, strides, pads)
    d = _max_pool_grad_nhwc(xp, y, pooled, dpooled, ksize, strides, padding)
    return BIAS_RELU_GRAD.kernel(xp, d, y)


def _pooled_relu_grad(op_, dy):
    """When `dy` is the graph's max-pool gradient of this op's (ReLU) output alone, the op
    computing (dz, db) from the pool's gradient directly (the MaxPoolGrad node is then left
    unused and pruned from plans); None otherwise (and always eagerly: it has run)."""
    if isinstance(dy, EagerTensor):
        return None
    src = getattr(dy, "op", None)
    if src is None or src.op_def is not MAX_POOL_GRAD or \
            src.inputs[0] is not op_.outputs[0] or src.attrs["data_format"] != "NHWC":
        return None
    attrs = {k: src.attrs[k] for k in ("ksize", "strides", "padding")}
    return execute(MAX_POOL_BIAS_RELU_GRAD, tuple(src.inputs), attrs)


@MAX_POOL_BIAS_RELU_GRAD.gradient
def _max_pool_bias_relu_grad_grad(op_, ddz, ddb):
    # linear in dpooled: the ReLU mask, then the gather at each window's first maximum
    y, pooled, _ = op_.inputs
    if ddz is None and ddb is None:
        return [None, None, None]
    if ddb is not None:
        ddz = execute(BIAS_ADD, (A.zeros_like(y) if ddz is None else ddz, ddb), _NHWC)
    g = execute(RELU_GRAD, (ddz, y), _NO)
    attrs = dict({k: op_.attrs[k] for k in ("ksize", "strides", "padding")},
                 data_format="NHWC")
    return [None, None, execute(MAX_POOL_GRAD_GRAD, (y, pooled, g), attrs)]


@FUSED_CONV2D.gradient
def _fused_conv2d_grad(op_, dy, *, needs=(True, True, True)):
    x, w, _ = op_.inputs
    if op_.attrs["activation"] == "Relu":
        fused = _pooled_relu_grad(op_, dy)
        dz, db = fused if fused is not None else \
            execute(BIAS_RELU_GRAD, (dy, op_.outputs[0]), _NO)
    else:
        dz, db = dy, execute(BIAS_ADD_GRAD, (dy,), _NHWC)
    attrs = _conv_attrs(op_)
    return [execute(CONV2D_BACKPROP_INPUT, (A.shape(x), w, dz), attrs) if needs[0] else None,
            execute(CONV2D_BACKPROP_FILTER, (x, A.shape(w), dz), attrs) if needs[1] else None,
            db]


@BIAS_RELU_GRAD.gradient
def _bias_relu_grad_grad(op_, ddz, ddb):
    # both outputs are linear in dy through the same mask: d/d dy = mask * (ddz + ddb)
    dy, y = op_.inputs
    if ddz is None and ddb is None:
        return [None, None]
    if ddb is not None:
        ddz = execute(BIAS_ADD, (A.zeros_like(dy) if ddz is None else ddz, ddb), _NHWC)
    return [execute(RELU_GRAD, (ddz, y), _NO), None]


def fused_conv2d(x, w, b, strides, padding, dilations=(1, 1), activation=""):
    """activation(conv2d(x, w) + b) as one FusedConv2D op (NHWC; what Keras' Conv2D emits).

    Args:
      x: A 4-D NHWC tensor.
      w: A (height, width, in_channels, out_channels) filter.
      b: A 1-D bias of out_channels.
      strides: (stride_h, stride_w).
      padding: "SAME", "VALID", or ((top, bottom), (left, right)).
      dilations: (rate_h, rate_w).
      activation: "" (none) or "Relu".

    Returns:
      The NHWC output `Tensor`.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"fused_conv2d: activation must be one of {ACTIVATIONS}. "
                         f"Received: activation={activation!r}")
    attrs = {"strides": tuple(int(s) for s in strides), "padding": padding,
             "dilations": tuple(int(d) for d in dilations), "activation": activation}
    return execute(FUSED_CONV2D, (x, w, b), attrs)


def max_pool_bias_relu_grad(y, pooled, dpooled, ksize, strides, padding):
    """(dz, db): the gradients at the pre-activation and the bias of relu -> max pool (NHWC),
    given the ReLU's output `y`, the pool's output `pooled` and its gradient `dpooled`.

    What FusedConv2D's gradient computes in graphs where its ReLU output is max-pooled.

    Args:
      y: The ReLU's output (the pool's input), NHWC.
      pooled: The max pool of `y`.
      dpooled: The gradient of `pooled`.
      ksize: (height, width) of the pool's window.
      strides: (height, width) of its step.
      padding: "SAME" or "VALID".

    Returns:
      (dz shaped like `y`, db of `y`'s depth).
    """
    attrs = {"ksize": tuple(int(k) for k in ksize), "strides": tuple(int(s) for s in strides),
             "padding": str(padding).upper()}
    return execute(MAX_POOL_BIAS_RELU_GRAD, (y, pooled, dpooled), attrs)


# --- inference: the convolution and the max pool after it, a block of images at a time ------

BLOCK_BYTES = 1 << 21  # convolution output per block: pooled while in cache, never stored


def _conv_pool_infer(ts, attrs):
    from .pooling_ops import _pool_infer_dims
    (shape, dtype), = _fused_infer(ts, attrs)
    pool = {"ksize": attrs["ksize"], "strides": attrs["pool_strides"],
            "padding": attrs["pool_padding"], "data_format": "NHWC"}
    return [(TensorShape(_pool_infer_dims("MaxPool", shape.dims, pool)), dtype)]


def _pool_in_kernel(xp, x, w, b, strides, padding, dilations, activation, ksize,
                    pool_strides, conv_geometry, pool_geometry):
    """The pooled output computed inside the convolution's own compiled loop, when the pool
    is 2x2 stride 2 from the output's corner and the convolution is W5's first layer (3x3
    over one channel) or a Winograd one (its 2x2 output tiles are the pool's windows);
    None otherwise. Same numbers as pooling the FusedConv2D output, and neither the output
    nor its blocks are stored (W6's CNN, a 1000-image batch, CPU ms at one thread, against
    the convolution then the pool: conv1 23.4 -> 7.6, conv2 64.9 -> 48.7;
    `benchmarks/bench_cnn_kernels.py --batch 1000 --only infer`)."""
    oh, ow, pads = conv_geometry
    ph, pw, pool_pads = pool_geometry
    if tuple(ksize) != (2, 2) or tuple(pool_strides) != (2, 2) or \
            pool_pads[0][0] or pool_pads[1][0] or 2 * ph > oh or 2 * pw > ow or \
            not ph or not pw:
        return None
    relu = activation == "Relu"
    if _one_channel_3x3(xp, x, w, b, strides, dilations):
        return K.conv3x3_c1(xp, _pad(xp, x, pads), w, b, (oh, ow), relu, (ph, pw))
    if _winograd(xp, w.shape[:2], strides, dilations, padding, w.shape[2], w.shape[3],
                 x.shape[0] * oh * ow, x, w, b):
        return W.conv3x3(xp, x, w, pads, (oh, ow), b, relu, pooled_hw=(ph, pw))
    return None


@op("FusedConv2DMaxPool", unify=ALL, infer=_conv_pool_infer)
def FUSED_CONV2D_MAX_POOL(xp, x, w, b, strides, padding, dilations, activation, ksize,
                          pool_strides, pool_padding):
    """max_pool(activation(conv2d(x, w) + b)) for NHWC `x`, a block of images at a time:
    the convolution's output (W6's largest array: 100 MB for a 1000-image batch of W5's
    first layer) is pooled while in cache and never stored whole."""
    n = x.shape[0]
    oh, ow, pads = _geometry("FusedConv2DMaxPool", x.shape[1], x.shape[2], w.shape[:2],
                             strides, dilations, padding)
    ph, pw, pool_pads = _geometry("FusedConv2DMaxPool", oh, ow, ksize, pool_strides, (1, 1),
                                  pool_padding)
    pooled = _pool_in_kernel(xp, x, w, b, strides, padding, dilations, activation, ksize,
                             pool_strides, (oh, ow, pads), (ph, pw, pool_pads))
    if pooled is not None:
        return pooled
    out = xp.empty((n, ph, pw, w.shape[3]), dtype=xp.result_type(x.dtype, w.dtype))
    step = max(1, BLOCK_BYTES // max(oh * ow * w.shape[3] * out.dtype.itemsize, 1))
    for i in range(0, n, step):
        y = FUSED_CONV2D.kernel(xp, x[i:i + step], w, b, strides, padding, dilations,
                                activation)
        out[i:i + step] = _max_pool_nhwc(xp, y, ksize, pool_strides, pool_padding)
    return out


@FUSED_CONV2D_MAX_POOL.gradient
def _fused_conv2d_max_pool_grad(op_, dy, *, needs=(True, True, True)):
    # an inference fusion keeps no activations: the convolution's output is recomputed
    x, w, b = op_.inputs
    attrs = _conv_attrs(op_)
    y = execute(FUSED_CONV2D, (x, w, b), {k: op_.attrs[k] for k in
                                           ("strides", "padding", "dilations", "activation")})
    pool = {"ksize": op_.attrs["ksize"], "strides": op_.attrs["pool_strides"],
            "padding": op_.attrs["pool_padding"]}
    if op_.attrs["activation"] == "Relu":
        dz, db = execute(MAX_POOL_BIAS_RELU_GRAD, (y, op_.outputs[0], dy), pool)
    else:
        dz = execute(MAX_POOL_GRAD, (y, op_.outputs[0], dy), dict(pool, data_format="NHWC"))
        db = execute(BIAS_ADD_GRAD, (dz,), _NHWC)
    return [execute(CONV2D_BACKPROP_INPUT, (A.shape(x), w, dz), attrs) if needs[0] else None,
            execute(CONV2D_BACKPROP_FILTER, (x, A.shape(w), dz), attrs) if needs[1] else None,
            db]


def fused_conv2d_max_pool(x, w, b, strides, padding, dilations, activation, ksize,
                          pool_strides, pool_padding):
    """max_pool2d(fused_conv2d(x, w, b, ...), ksize, pool_strides, pool_padding) as one op
    (NHWC; what Keras' MaxPooling2D emits after a Conv2D in inference graphs).

    Args:
      x, w, b, strides, padding, dilations, activation: As for `fused_conv2d`.
      ksize: (height, width) of the pool's window.
      pool_strides: (height, width) of the pool's step.
      pool_padding: "SAME" or "VALID".

    Returns:
      The pooled NHWC `Tensor`.
    """
    attrs = {"strides": tuple(int(s) for s in strides), "padding": padding,
             "dilations": tuple(int(d) for d in dilations), "activation": activation,
             "ksize": tuple(int(k) for k in ksize),
             "pool_strides": tuple(int(s) for s in pool_strides),
             "pool_padding": str(pool_padding).upper()}
    return execute(FUSED_CONV2D_MAX_POOL, (x, w, b), attrs)


def fuse_max_pool(y, ksize, strides, padding):
    """The FusedConv2DMaxPool computing max_pool2d(y) (NHWC) when `y` is the output of a
    FusedConv2D in a graph that nothing uses yet, so the convolution's output need not be
    stored; None otherwise (eager tensors: the convolution has run already)."""
    op_ = getattr(y, "op", None)
    if isinstance(y, EagerTensor) or op_ is None or \
            getattr(op_, "op_def", None) is not FUSED_CONV2D or y.consumers():
        return None
    a = op_.attrs
    return fused_conv2d_max_pool(*op_.inputs, a["strides"], a["padding"], a["dilations"],
                                 a["activation"], ksize, strides, padding)
