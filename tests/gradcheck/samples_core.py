"""Gradient-check samples for the ops of array_ops, indexing_ops, join_ops, sort_ops,
math_ops, scan_ops, linalg_ops, clip_ops, nn_ops and activation_ops (conv/pool/dropout live
in samples_conv.py).

Each `fn` takes float64 tensors; integer arguments (indices, labels, masks) are baked in
as constants. Samples cover plain and broadcasting shapes and every attribute that
changes the gradient path.
"""
import numpy as np

import ndflow as tf
from ndflow.framework.registry import execute
from ndflow.ops import activation_ops as ACT
from ndflow.ops import array_ops as A
from ndflow.ops import indexing_ops as IX
from ndflow.ops import join_ops as J
from ndflow.ops import math_ops as M
from ndflow.ops import nn_ops as NN

from .spec import Sample

SAMPLES = []
BROADCAST_PAIRS = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((), (2, 3))]


def add(*samples):
    SAMPLES.extend(samples)


def const(value, dtype=None):
    return tf.constant(value, dtype=dtype)


# --- conversion, identity and the autodiff helpers -----------------------------------------------

_QUANTIZED = np.arange(-32, 33).reshape(5, 13) / 32.0  # exact in float32, so casts lose nothing
add(
    Sample("Cast", lambda x: tf.cast(tf.cast(x, tf.float32), tf.float64), inputs=[_QUANTIZED]),
    Sample("Identity", lambda x: tf.identity(x), shapes=[(3, 4)], second_order=True),
    Sample("SumToLike", lambda g, x: A.sum_to_like(g, x), shapes=[(3, 4), (4,)],
           second_order=True),
    Sample("SumToLike", lambda g, x: A.sum_to_like(g, x), shapes=[(2, 4, 3), (4, 1)],
           second_order=True),
    Sample("BroadcastToLike", lambda g, x: A.broadcast_to_like(g, x), shapes=[(4,), (3, 4)],
           second_order=True),
    Sample("BroadcastToLike", lambda g, x: A.broadcast_to_like(g, x), shapes=[(3, 1), (2, 3, 4)],
           second_order=True),
    Sample("BroadcastTo", lambda x: tf.broadcast_to(x, [3, 4]), shapes=[(4,)]),
    Sample("BroadcastTo", lambda x: tf.broadcast_to(x, [2, 3, 4]), shapes=[(3, 1)],
           second_order=True),
    Sample("Reshape", lambda x: tf.reshape(x, [4, 3]), shapes=[(3, 4)], second_order=True),
    Sample("Reshape", lambda x: tf.reshape(x, [-1]), shapes=[(2, 3, 2)]),
    Sample("ReshapeLike", lambda g, x: A.reshape_like(g, x), shapes=[(12,), (3, 4)],
           second_order=True),
    Sample("ReshapeDynamic", lambda x: execute(A.RESHAPE_DYNAMIC, (x, const([2, 6]))),
           shapes=[(3, 4)], second_order=True),
    Sample("ExpandDims", lambda x: tf.expand_dims(x, 0), shapes=[(3, 4)]),
    Sample("ExpandDims", lambda x: tf.expand_dims(x, -1), shapes=[(3, 4)], second_order=True),
    Sample("Squeeze", lambda x: tf.squeeze(x, axis=[1]), shapes=[(3, 1, 4)], second_order=True),
    Sample("Squeeze", lambda x: tf.squeeze(x), shapes=[(1, 3, 1)]),
    Sample("Transpose", lambda x: tf.transpose(x), shapes=[(3, 4)]),
    Sample("Transpose", lambda x: tf.transpose(x, [1, 0, 2]), shapes=[(2, 3, 4)],
           second_order=True),
    Sample("Transpose", lambda x: tf.transpose(x, [2, 0, 1]), shapes=[(2, 3, 4)]),
)

# --- joining, splitting, indexing and selection ----------------------------------------------------

add(
    Sample("Pack", lambda a, b: tf.stack([a, b]), shapes=[(3, 4), (3, 4)], second_order=True),
    Sample("Pack", lambda a, b, c: tf.stack([a, b, c], axis=-1), shapes=[(2, 3)] * 3),
    Sample("Unpack", lambda x: tf.unstack(x, num=3, axis=1), shapes=[(2, 3, 4)],
           second_order=True),
    Sample("Unpack", lambda x: tf.unstack(x, num=3)[1], shapes=[(3, 2)]),
    Sample("ConcatV2", lambda a, b: tf.concat([a, b], 0), shapes=[(2, 3), (4, 3)],
           second_order=True),
    Sample("ConcatV2", lambda a, b, c: tf.concat([a, b, c], -1), shapes=[(2, 1), (2, 3), (2, 2)]),
    Sample("ConcatGrad", lambda g, a, b: execute(J.CONCAT_GRAD, (g, a, b), {"axis": 1}),
           shapes=[(2, 5), (2, 2), (2, 3)], second_order=True),
    Sample("GetItem", lambda x: x[1:, ::-1], shapes=[(3, 4)], second_order=True),
    Sample("GetItem", lambda x: x[:, 1], shapes=[(3, 4)]),
    Sample("GetItem", lambda x: x[..., None, -2], shapes=[(2, 3, 4)]),
    Sample("GetItem", lambda x: x[const([0, 2, 0])], shapes=[(3, 4)], second_order=True),
    Sample("GetItem", lambda x: x[const([[True, False, True, True]] * 3)], shapes=[(3, 4)]),
    Sample("GetItemGrad",
           lambda g, x: execute(IX.GETITEM_GRAD, (g, x), {"key": (slice(1, None), 0)}),
           shapes=[(2,), (3, 4)], second_order=True),
    Sample("GetItemGrad",
           lambda g, x: execute(IX.GETITEM_GRAD, (g, x), {"key": (np.array([0, 2, 0]),)}),
           shapes=[(3, 4), (3, 4)], second_order=True),
    Sample("Select", lambda x, y: tf.where(const(np.arange(12).reshape(3, 4) % 3 == 0), x, y),
           shapes=[(3, 4), (3, 4)], second_order=True),
    Sample("Select", lambda x, y: tf.where(const([True, False, True, False]), x, y),
           shapes=[(3, 4), (4,)]),
)

# --- elementwise binary ops, on plain and broadcasting shapes ----------------------------------

_BINARY = [
    ("AddV2", lambda x, y: x + y, {}),
    ("Sub", lambda x, y: x - y, {}),
    ("Mul", lambda x, y: x * y, {}),
    ("RealDiv", lambda x, y: x / y, {"low": 0.5, "high": 2.0}),
    ("Pow", lambda x, y: tf.pow(x, y), {"low": 0.5, "high": 2.0}),
    ("Maximum", lambda x, y: tf.maximum(x, y), {}),
    ("Minimum", lambda x, y: tf.minimum(x, y), {}),
    ("SquaredDifference", lambda x, y: tf.math.squared_difference(x, y), {}),
]
for _name, _fn, _options in _BINARY:
    for _shapes in BROADCAST_PAIRS:
        add(Sample(_name, _fn, shapes=list(_shapes), second_order=_shapes[1] == (4,),
                   **_options))
add(
    Sample("AddV2", lambda x: x + 2.5, shapes=[(3,)], second_order=True),
    Sample("RealDiv", lambda y: 1.5 / y, shapes=[(3,)], low=0.5, high=2.0),
    Sample("FloorMod", lambda x, y: tf.math.floormod(x, y),
           inputs=[[[0.3, 2.55, -1.2, 3.7], [1.45, -0.4, 5.1, 0.6]], [1.1, 0.9, 1.3, 1.7]]),
)

# --- elementwise unary ops -----------------------------------------------------------------------

_UNARY = [
    ("Neg", tf.negative, {}), ("Abs", tf.abs, {"away_from": (0.0,)}),
    ("Sign", tf.sign, {"away_from": (0.0,)}), ("Square", tf.square, {}),
    ("Sqrt", tf.sqrt, {"low": 0.5, "high": 2.0}), ("Rsqrt", tf.math.rsqrt, {"low": 0.5, "high": 2.0}),
    ("Exp", tf.exp, {}), ("Expm1", tf.math.expm1, {}), ("Log", tf.math.log, {"low": 0.5, "high": 2.0}),
    ("Log1p", tf.math.log1p, {"low": -0.5, "high": 1.0}), ("Sin", tf.sin, {}),
    ("Cos", tf.cos, {}), ("Tan", tf.math.tan, {}),
    ("Reciprocal", tf.math.reciprocal, {"low": 0.5, "high": 2.0}), ("Tanh", tf.tanh, {}),
    ("Sigmoid", tf.sigmoid, {"low": -3.0, "high": 3.0}),
    ("Erf", tf.math.erf, {"low": -2.0, "high": 2.0}),
    ("Relu", tf.nn.relu, {"away_from": (0.0,)}),
    ("Relu6", tf.nn.relu6, {"low": -2.0, "high": 8.0, "away_from": (0.0, 6.0)}),
    ("Elu", tf.nn.elu, {"low": -2.0, "high": 2.0, "away_from": (0.0,)}),
    ("Selu", tf.nn.selu, {"low": -2.0, "high": 2.0, "away_from": (0.0,)}),
    ("LeakyRelu", tf.nn.leaky_relu, {"away_from": (0.0,)}),
    ("LeakyRelu", lambda x: tf.nn.leaky_relu(x, alpha=0.01), {"away_from": (0.0,)}),
    ("Softplus", tf.nn.softplus, {"low": -3.0, "high": 3.0}),
    ("Softsign", tf.nn.softsign, {"low": -3.0, "high": 3.0, "away_from": (0.0,)}),
]
for _name, _fn, _options in _UNARY:
    add(Sample(_name, _fn, shapes=[(3, 4)], second_order=True, **_options))

add(
    Sample("TanhGrad", lambda y, g: execute(M.TANH_GRAD, (y, g), {}), shapes=[(3, 4), (3, 4)],
           second_order=True),
    Sample("SigmoidGrad", lambda y, g: execute(M.SIGMOID_GRAD, (y, g), {}),
           shapes=[(3, 4), (3, 4)], second_order=True),
    Sample("ReluGrad", lambda g, y: execute(NN.RELU_GRAD, (g, y), {}), shapes=[(3, 4), (3, 4)],
           away_from=(0.0,), second_order=True),
    Sample("Relu6Grad", lambda g, x: execute(ACT.RELU6_GRAD, (g, x), {}),
           shapes=[(3, 4), (3, 4)], low=-2.0, high=8.0, away_from=(0.0, 6.0), second_order=True),
    Sample("EluGrad", lambda g, y: execute(ACT.ELU_GRAD, (g, y), {}), shapes=[(3, 4), (3, 4)],
           low=-0.9, high=2.0, away_from=(0.0,), second_order=True),
    Sample("SeluGrad", lambda g, y: execute(ACT.SELU_GRAD, (g, y), {}), shapes=[(3, 4), (3, 4)],
           low=-1.5, high=2.0, away_from=(0.0,), second_order=True),
    Sample("LeakyReluGrad",
           lambda g, x: execute(ACT.LEAKY_RELU_GRAD, (g, x), {"alpha": 0.2}),
           shapes=[(3, 4), (3, 4)], away_from=(0.0,), second_order=True),
    # composed activations, checked through the primitive each one rests on
    Sample("Erf", lambda x: tf.nn.gelu(x), shapes=[(3, 4)], low=-3.0, high=3.0,
           second_order=True),
    Sample("Tanh", lambda x: tf.nn.gelu(x, approximate=True), shapes=[(3, 4)], low=-3.0,
           high=3.0, second_order=True),
    Sample("Sigmoid", lambda x: tf.nn.swish(x), shapes=[(3, 4)], second_order=True),
    Sample("Softplus", lambda x: tf.math.log_sigmoid(x), shapes=[(3, 4)], low=-3.0, high=3.0),
)

# --- reductions ----------------------------------------------------------------------------------

_AXES = [None, 0, -1, [0, 2]]
for _name, _fn, _options in [
        ("Sum", tf.reduce_sum, {}), ("Mean", tf.reduce_mean, {}), ("Max", tf.reduce_max, {}),
        ("Min", tf.reduce_min, {}), ("Prod", tf.reduce_prod, {"low": 0.5, "high": 1.5})]:
    for _axis in _AXES:
        for _keep in (False, True):
            add(Sample(_name, lambda x, f=_fn, a=_axis, k=_keep: f(x, axis=a, keepdims=k),
                       shapes=[(2, 3, 4)], second_order=_axis == -1, **_options))

add(
    Sample("SumGrad",
           lambda g, x: execute(M.SUM_GRAD, (g, x), {"axis": 1, "keepdims": False}),
           shapes=[(2, 4), (2, 3, 4)], second_order=True),
    Sample("SumGrad",
           lambda g, x: execute(M.SUM_GRAD, (g, x), {"axis": None, "keepdims": True}),
           shapes=[(1, 1), (3, 4)]),
    Sample("MeanGrad",
           lambda g, x: execute(M.MEAN_GRAD, (g, x), {"axis": (0, 2), "keepdims": False}),
           shapes=[(3,), (2, 3, 4)], second_order=True),
    Sample("MeanGrad",
           lambda g, x: execute(M.MEAN_GRAD, (g, x), {"axis": -1, "keepdims": True}),
           shapes=[(3, 1), (3, 4)]),
    Sample("AddN", lambda a, b, c: tf.add_n([a, b, c]), shapes=[(3, 4)] * 3, second_order=True),
    Sample("AddN", lambda a, b: tf.add_n([a, b]), shapes=[(3, 4), (4,)]),
)

# --- matrix products -------------------------------------------------------------------------

for _ta in (False, True):
    for _tb in (False, True):
        add(Sample("MatMul",
                   lambda a, b, ta=_ta, tb=_tb: tf.matmul(a, b, transpose_a=ta, transpose_b=tb),
                   shapes=[(4, 3) if _ta else (3, 4), (2, 4) if _tb else (4, 2)],
                   second_order=_ta == _tb))
add(
    Sample("MatMul", lambda a, b: tf.matmul(a, b), shapes=[(2, 3, 4), (2, 4, 2)],
           second_order=True),
    Sample("MatMul", lambda a, b: tf.matmul(a, b), shapes=[(2, 3, 4), (1, 4, 2)]),
    Sample("MatMul", lambda a, b: a @ b, shapes=[(2, 2, 3), (3, 2)]),
    Sample("MatMul", lambda a, b: tf.tensordot(a, b, 1), shapes=[(2, 3), (3, 4)]),
    Sample("MatMul", lambda a, b: tf.tensordot(a, b, [[0, 2], [1, 0]]),
           shapes=[(2, 3, 4), (4, 2, 2)], second_order=True),
    Sample("Einsum", lambda a, b: tf.einsum("ij,jk->ik", a, b), shapes=[(2, 3), (3, 4)],
           second_order=True),
    Sample("Einsum", lambda a, b: tf.einsum("bij,bjk->bik", a, b), shapes=[(2, 2, 3), (2, 3, 2)]),
    Sample("Einsum", lambda a, b: tf.einsum("ij,k->ik", a, b), shapes=[(2, 3), (4,)],
           second_order=True),
    Sample("Einsum", lambda a: tf.einsum("ij->j", a), shapes=[(3, 4)]),
    Sample("Einsum", lambda a, b: tf.einsum("ij,ij", a, b), shapes=[(3, 4), (3, 4)]),
)

# --- softmax and losses ------------------------------------------------------------------------

add(
    Sample("Softmax", lambda x: tf.nn.softmax(x), shapes=[(3, 4)], second_order=True),
    Sample("Softmax", lambda x: tf.nn.softmax(x, axis=0), shapes=[(3, 4)]),
    Sample("LogSoftmax", lambda x: tf.nn.log_softmax(x), shapes=[(3, 4)], second_order=True),
    Sample("LogSoftmax", lambda x: tf.nn.log_softmax(x, axis=0), shapes=[(3, 4)]),
    # labels must be distributions (the fused gradient is softmax - labels, as in TF)
    Sample("SoftmaxCrossEntropyWithLogits",
           lambda logits, labels: tf.nn.softmax_cross_entropy_with_logits(
               labels / tf.reduce_sum(labels, axis=-1, keepdims=True), logits),
           shapes=[(3, 4), (3, 4)], low=0.1, high=1.0, second_order=True),
    Sample("SparseSoftmaxCrossEntropyWithLogits",
           lambda logits: tf.nn.sparse_softmax_cross_entropy_with_logits(const([3, 0, 1]),
                                                                         logits),
           shapes=[(3, 4)], second_order=True),
)

# --- indexing, joining, sorting and generated tensors -------------------------------------------

_REPEATED = np.array([[0, 2, 2, 1], [1, 1, 0, 0]])
add(
    Sample("TakeAlongAxis", lambda x: tf.sort(x), shapes=[(3, 4)], second_order=True),
    Sample("TakeAlongAxis", lambda x: tf.sort(x, axis=0, direction="DESCENDING"),
           shapes=[(3, 4)]),
    Sample("TakeAlongAxisGrad",
           lambda g, x: IX.take_along_axis_grad(g, x, const(_REPEATED), -1),
           shapes=[(2, 4), (2, 3)], second_order=True),
    Sample("Tile", lambda x: tf.tile(x, [2, 3]), shapes=[(2, 3)], second_order=True),
    Sample("Tile", lambda x: tf.tile(x, [1, 2, 1]), shapes=[(2, 1, 3)]),
    Sample("TileDynamic", lambda x: execute(J.TILE_DYNAMIC, (x, const([2, 3]))), shapes=[(2, 3)],
           second_order=True),
    Sample("TileDynamicGrad", lambda g, x: execute(J.TILE_DYNAMIC_GRAD, (g, x, const([2, 1]))),
           shapes=[(4, 3), (2, 3)], second_order=True),
    Sample("TileGrad", lambda g, x: execute(J.TILE_GRAD, (g, x), {"multiples": (2, 3)}),
           shapes=[(4, 6), (2, 2)], second_order=True),
    Sample("Pad", lambda x: tf.pad(x, [[1, 2], [0, 1]]), shapes=[(2, 3)], second_order=True),
    Sample("Pad", lambda x: tf.pad(x, [[1, 2], [0, 1]], constant_values=3.0), shapes=[(2, 3)]),
    Sample("Pad", lambda x: tf.pad(x, [[1, 1], [2, 2]], "REFLECT"), shapes=[(3, 4)],
           second_order=True),
    Sample("Pad", lambda x: tf.pad(x, [[2, 1], [0, 3]], "SYMMETRIC"), shapes=[(3, 4)]),
    Sample("MirrorPadGrad",
           lambda g, x: execute(J.MIRROR_PAD_GRAD, (g, x), {
               "paddings": ((1, 2), (2, 0)), "mode": "REFLECT", "constant_values": 0}),
           shapes=[(6, 6), (3, 4)], second_order=True),
    Sample("MirrorPadGrad",
           lambda g, x: execute(J.MIRROR_PAD_GRAD, (g, x), {
               "paddings": ((2, 2), (1, 3)), "mode": "SYMMETRIC", "constant_values": 0}),
           shapes=[(7, 8), (3, 4)]),
    Sample("Slice", lambda x: tf.slice(x, [1, 0], [2, -1]), shapes=[(3, 4)], second_order=True),
    Sample("Slice", lambda x: tf.slice(x, [0, 1, 1], [2, 1, 2]), shapes=[(2, 3, 4)]),
    Sample("GatherV2", lambda x: tf.gather(x, const([2, 0, 2])), shapes=[(3, 4)],
           second_order=True),
    Sample("GatherV2", lambda x: tf.gather(x, const([[1, 3], [0, 0]]), axis=-1),
           shapes=[(2, 4)]),
    Sample("GatherV2", lambda x: tf.gather(x, const([[1, 1], [0, 2]]), axis=1, batch_dims=1),
           shapes=[(2, 3, 2)], second_order=True),
    Sample("GatherGrad",
           lambda g, x: execute(IX.GATHER_GRAD, (g, x, const([1, 1, 0])),
                                {"axis": 1, "batch_dims": 0}),
           shapes=[(2, 3), (2, 4)], second_order=True),
    Sample("GatherNd", lambda x: tf.gather_nd(x, const([[0, 1], [2, 3], [0, 1]])),
           shapes=[(3, 4)], second_order=True),
    Sample("GatherNd", lambda x: tf.gather_nd(x, const([[1], [0]])), shapes=[(2, 3, 2)]),
    Sample("GatherNdGrad",
           lambda g, x: execute(IX.GATHER_ND_GRAD, (g, x, const([[1, 0], [1, 0]])), {}),
           shapes=[(2,), (2, 3)], second_order=True),
    Sample("SplitV", lambda x: tf.split(x, 2, axis=1), shapes=[(3, 4)], second_order=True),
    Sample("SplitV", lambda x: tf.split(x, [1, -1, 1])[1], shapes=[(5, 2)]),
    Sample("ReverseV2", lambda x: tf.reverse(x, [0]), shapes=[(3, 4)], second_order=True),
    Sample("ReverseV2", lambda x: tf.reverse(x, [-1, 0]), shapes=[(2, 3, 4)]),
    Sample("GetItem", lambda x: tf.boolean_mask(x, const([True, False, True])), shapes=[(3, 4)]),
    Sample("GetItem", lambda x: tf.boolean_mask(x, const([False, True, True, False]), axis=1),
           shapes=[(2, 4, 2)]),
    Sample("BroadcastToLike", lambda a, b: tf.meshgrid(a, b), shapes=[(3,), (2,)]),
    Sample("BroadcastToLike", lambda a, b, c: tf.meshgrid(a, b, c, indexing="ij"),
           shapes=[(2,), (3,), (2,)]),
)

# --- scans, erf, safe division, norms, clipping, moments, counting -------------------------------

for _exclusive in (False, True):
    for _reverse in (False, True):
        add(Sample("Cumsum", lambda x, e=_exclusive, r=_reverse: tf.cumsum(
            x, axis=1, exclusive=e, reverse=r), shapes=[(2, 4)], second_order=not _exclusive),
            Sample("Cumprod", lambda x, e=_exclusive, r=_reverse: tf.math.cumprod(
                x, axis=-1, exclusive=e, reverse=r), shapes=[(2, 4)], low=0.5, high=1.5,
                second_order=_reverse))
add(
    Sample("Cumsum", lambda x: tf.cumsum(x), shapes=[(3, 2)]),
    Sample("TopKV2", lambda x: tf.math.top_k(x, k=2).values, shapes=[(3, 4)], second_order=True),
    Sample("TopKV2", lambda x: tf.nn.top_k(x, k=3)[0], shapes=[(2, 2, 5)]),
    # at a zero divisor (or a zero x in xlogy) the function jumps, so finite differences
    # are taken only in the inputs it stays smooth in there
    Sample("Select", lambda x: tf.math.divide_no_nan(x, const([[2.0, 0.0, -0.8], [0.0, 1.3, 0.6]],
                                                             tf.float64)),
           shapes=[(2, 3)], second_order=True),
    Sample("Select", lambda x, y: tf.math.divide_no_nan(x, y), shapes=[(2, 3), (3,)],
           low=0.5, high=2.0, second_order=True),
    Sample("Select", lambda y: tf.math.xlogy(const([[0.0, -2.0, 0.5], [0.3, 0.0, -1.1]],
                                                   tf.float64), y),
           inputs=[[[0.0, 0.7, 0.8], [0.4, 0.0, 0.6]]], second_order=True),
    Sample("Select", lambda x, y: tf.math.xlogy(x, y), shapes=[(2, 3), (2, 3)], low=0.5,
           high=2.0, second_order=True),
    Sample("Rsqrt", lambda x: tf.math.l2_normalize(x, axis=-1), shapes=[(3, 4)],
           second_order=True),
    Sample("Sqrt", lambda x: tf.norm(x), shapes=[(3, 4)], second_order=True),
    Sample("Sqrt", lambda x: tf.norm(x, axis=1, keepdims=True), shapes=[(3, 4)]),
    Sample("Max", lambda x: tf.norm(x, ord=1, axis=[0, 1]), shapes=[(3, 4)], away_from=(0.0,)),
    Sample("Pow", lambda x: tf.norm(x, ord=3, axis=0), shapes=[(3, 4)], away_from=(0.0,)),
    Sample("Sqrt", lambda x: tf.math.reduce_euclidean_norm(x, axis=0), shapes=[(3, 4)]),
    Sample("Mean", lambda x: tf.nn.moments(x, axes=[0])[1], shapes=[(3, 4)], second_order=True),
    Sample("Mean", lambda x: tf.add_n(list(tf.nn.moments(x, axes=[0, 1], keepdims=True))),
           shapes=[(3, 4)]),
    Sample("RealDiv", lambda x: tf.clip_by_norm(x, 0.5), shapes=[(3, 4)], second_order=True),
    Sample("RealDiv", lambda x: tf.clip_by_norm(x, 10.0, axes=[1]), shapes=[(3, 4)]),
    Sample("Mul", lambda a, b: tf.clip_by_global_norm([a, b], 0.7)[0][1],
           shapes=[(3, 4), (2,)], second_order=True),
)
