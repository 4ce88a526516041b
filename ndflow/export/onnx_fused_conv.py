"""ONNX conversions of the fused convolution ops (ndflow/ops/fused_conv_ops.py).

Keras' Conv2D emits one FusedConv2D (conv + bias + ReLU) and, in inference graphs, a
MaxPooling2D after it folds into FusedConv2DMaxPool. ONNX's `Conv` takes the bias as its
third input; the activation and the pool are the ONNX `Relu` and `MaxPool` nodes after it,
all between one pair of NHWC <-> NCHW transposes.
"""
from ..framework.errors import UnimplementedError
from .onnx_ops import _TO_NCHW, _TO_NHWC, _check_2d, _spatial, converts


def _pad_mode(op, padding):
    if not isinstance(padding, str):
        raise UnimplementedError(f"ndflow.export.onnx: {op.type} {op.name!r} has explicit "
                                 "paddings; SAME and VALID export.", op=op)
    return "SAME_UPPER" if padding.upper() == "SAME" else "VALID"


@converts("FusedConv2D", "FusedConv2DMaxPool")
def _fused_conv2d(b, op, ins):
    _check_2d(op)  # (the fused ops are NHWC)
    x = b.node("Transpose", [ins[0]], op.name + "/to_nchw", perm=_TO_NCHW)
    kernel = b.node("Transpose", [ins[1]], op.name + "/kernel_oihw", perm=[3, 2, 0, 1])
    attrs = {"strides": _spatial(op.attrs["strides"], True),
             "dilations": _spatial(op.attrs["dilations"], True),
             "auto_pad": _pad_mode(op, op.attrs["padding"])}
    kernel_shape = op.inputs[1].shape
    if kernel_shape.rank == 4 and None not in kernel_shape.dims[:2]:
        attrs["kernel_shape"] = list(kernel_shape.dims[:2])
    y = b.node("Conv", [x, kernel, ins[2]], op.name + "/conv", **attrs)
    if op.attrs["activation"] == "Relu":
        y = b.node("Relu", [y], op.name + "/relu")
    if op.type == "FusedConv2DMaxPool":
        y = b.node("MaxPool", [y], op.name + "/pool",
                   kernel_shape=_spatial(op.attrs["ksize"], True),
                   strides=_spatial(op.attrs["pool_strides"], True),
                   auto_pad=_pad_mode(op, op.attrs["pool_padding"]))
    return b.node("Transpose", [y], op.name, perm=_TO_NHWC)
