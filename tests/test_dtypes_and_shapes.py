"""dtype preservation (float32 stays float32, integers stay integers) and static shape
inference with unknown dimensions in graph mode."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as tf1
from ndflow.framework.errors import InvalidArgumentError

F32 = np.arange(1, 13, dtype=np.float32).reshape(3, 4) / 10
F64 = np.linspace(0.5, 1.5, 4)  # float64, as NumPy makes it


# --- dtypes ------------------------------------------------------------------------------------

FLOAT_FAMILY = {
    "binary with python scalar": lambda x: x * 0.1 + 2.5,
    "binary with float64 array": lambda x: tf.add(x, F64) / F64,
    "pow": lambda x: tf.pow(x, 2.0),
    "maximum": lambda x: tf.maximum(x, 0.5),
    "clip": lambda x: tf.clip_by_value(x, 0.2, 0.8),
    "unary": lambda x: tf.exp(tf.sqrt(x)),
    "reduction": lambda x: tf.reduce_mean(x, axis=0),
    "matmul": lambda x: tf.matmul(x, tf.transpose(x)),
    "tile/pad/slice": lambda x: tf.slice(tf.pad(tf.tile(x, [1, 2]), [[1, 1], [0, 0]]), [0, 0],
                                         [2, 3]),
    "gather": lambda x: tf.gather(x, [0, 2]),
    "gather_nd": lambda x: tf.gather_nd(x, [[0, 1]]),
    "split": lambda x: tf.split(x, 2, axis=1)[0],
    "reverse/sort": lambda x: tf.sort(tf.reverse(x, [1])),
    "boolean_mask": lambda x: tf.boolean_mask(x, [True, False, True]),
    "tensordot": lambda x: tf.tensordot(x, F64, 1),
    "einsum": lambda x: tf.einsum("ij,kj->ik", x, x),
    "cumsum": lambda x: tf.cumsum(x, axis=1, exclusive=True),
    "cumprod": lambda x: tf.math.cumprod(x, reverse=True),
    "top_k": lambda x: tf.math.top_k(x, 2).values,
    "erf": tf.math.erf,
    "divide_no_nan": lambda x: tf.math.divide_no_nan(x, 0.0),
    "xlogy": lambda x: tf.math.xlogy(x, 2.0),
    "l2_normalize": lambda x: tf.math.l2_normalize(x, axis=1),
    "moments": lambda x: tf.nn.moments(x, [0])[1],
    "norm": lambda x: tf.norm(x, ord=3, axis=1),
    "clip_by_norm": lambda x: tf.clip_by_norm(x, 0.5),
    "clip_by_global_norm": lambda x: tf.clip_by_global_norm([x], 0.5)[0][0],
    "relu6": tf.nn.relu6, "elu": tf.nn.elu, "selu": tf.nn.selu,
    "leaky_relu": tf.nn.leaky_relu, "softplus": tf.nn.softplus, "softsign": tf.nn.softsign,
    "gelu": tf.nn.gelu, "gelu tanh": lambda x: tf.nn.gelu(x, approximate=True),
    "swish": tf.nn.swish, "log_sigmoid": tf.math.log_sigmoid,
    "softmax": tf.nn.softmax,
}


@pytest.mark.parametrize("name", sorted(FLOAT_FAMILY))
def test_float32_stays_float32(name):
    out = FLOAT_FAMILY[name](tf.constant(F32))
    assert out.dtype == tf.float32, f"{name} gave {out.dtype.name}"
    assert out.numpy().dtype == np.float32


@pytest.mark.parametrize("name", ["unary", "reduction", "gather", "cumsum", "elu", "gelu",
                                  "top_k", "tile/pad/slice"])
def test_float32_gradients_stay_float32(name):
    x = tf.constant(F32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = FLOAT_FAMILY[name](x)
    assert tape.gradient(y, x).dtype == tf.float32


def test_float64_stays_float64():
    x = tf.constant(F32.astype(np.float64))
    for name in ("unary", "cumsum", "gelu", "softplus", "erf", "norm"):
        assert FLOAT_FAMILY[name](x).dtype == tf.float64, name


def test_integer_ops_stay_integer():
    ints = tf.constant([[3, 1, 2], [0, 5, 4]])
    assert ints.dtype == tf.int32
    for out in (tf.tile(ints, [2, 1]), tf.pad(ints, [[1, 0], [0, 1]]), tf.gather(ints, [1]),
                tf.reverse(ints, [0]), tf.sort(ints), tf.cumsum(ints, axis=1),
                tf.math.top_k(ints, 2).values, tf.split(ints, 3, axis=1)[0],
                tf.slice(ints, [0, 1], [2, 1]), ints * 2, ints + 1):
        assert out.dtype == tf.int32
    assert tf.pad(ints, [[1, 0], [0, 0]], constant_values=7).numpy()[0].tolist() == [7, 7, 7]
    assert tf.math.reduce_euclidean_norm(tf.constant([3, 4])).dtype == tf.int32
    assert tf.math.count_nonzero(ints).dtype == tf.int64


def test_range_and_linspace_dtype_inference():
    assert tf.range(5).dtype == tf.int32
    assert tf.range(0, 5, 2).dtype == tf.int32
    assert tf.range(0, 1.0, 0.5).dtype == tf.float32
    assert tf.range(1.5).dtype == tf.float32
    assert tf.range(tf.constant(4, tf.int64)).dtype == tf.int64
    assert tf.range(5, dtype=tf.float64).dtype == tf.float64
    assert tf.linspace(0.0, 1.0, 3).dtype == tf.float32
    assert tf.eye(2).dtype == tf.float32 and tf.eye(2, dtype=tf.int32).dtype == tf.int32


def test_int_tensor_times_fraction_raises_type_error():
    with pytest.raises(TypeError):
        tf.constant([1, 2]) * 0.5
    assert (tf.constant([1, 2]) * 2.0).dtype == tf.int32  # a whole float converts, as in TF


def test_mixed_float_dtypes_are_refused():
    with pytest.raises(InvalidArgumentError, match="same dtype"):
        tf.add(tf.constant(F32), tf.constant(F64))


# --- static shapes with unknown dimensions (TF1 graphs) ------------------------------------------

def _shape(t):
    return t.shape.as_list() if t.shape.rank is not None else None


SHAPE_CASES = {
    "elementwise": (lambda x: tf1.nn.elu(x) * 2.0 + tf1.math.erf(x), [None, 3]),
    "broadcast": (lambda x: x + tf1.ones([4, 1, 3]), [4, None, 3]),
    "reduce": (lambda x: tf1.reduce_sum(x, axis=1, keepdims=True), [None, 1]),
    "matmul": (lambda x: tf1.matmul(x, tf1.ones([3, 5])), [None, 5]),
    "tile": (lambda x: tf1.tile(x, [2, 3]), [None, 9]),
    "pad": (lambda x: tf1.pad(x, [[1, 1], [2, 0]]), [None, 5]),
    "reflect pad": (lambda x: tf1.pad(x, [[0, 0], [1, 1]], "REFLECT"), [None, 5]),
    "slice": (lambda x: tf1.slice(x, [0, 1], [-1, 2]), [None, 2]),
    "slice known": (lambda x: tf1.slice(x, [1, 0], [2, -1]), [2, 3]),
    "getitem": (lambda x: x[1:, ::2], [None, 2]),
    "gather rows": (lambda x: tf1.gather(x, [0, 0, 1, 2]), [4, 3]),
    "gather cols": (lambda x: tf1.gather(x, [[0, 1]], axis=1), [None, 1, 2]),
    "gather_nd": (lambda x: tf1.gather_nd(x, [[0], [1]]), [2, 3]),
    "split": (lambda x: tf1.split(x, [1, 2], axis=1)[1], [None, 2]),
    "split rows": (lambda x: tf1.split(x, 2)[0], [None, 3]),
    "reverse": (lambda x: tf1.reverse(x, [0]), [None, 3]),
    "sort": (lambda x: tf1.sort(x, axis=0), [None, 3]),
    "argsort": (lambda x: tf1.argsort(x), [None, 3]),
    "boolean_mask": (lambda x: tf1.boolean_mask(x, x[:, 0] > 0), [None, 3]),
    "tensordot": (lambda x: tf1.tensordot(x, tf1.ones([3, 2, 2]), 1), [None, 2, 2]),
    "einsum": (lambda x: tf1.einsum("ij,jk->ik", x, tf1.ones([3, 7])), [None, 7]),
    "cumsum": (lambda x: tf1.cumsum(x, axis=1, reverse=True), [None, 3]),
    "top_k": (lambda x: tf1.nn.top_k(x, 2).indices, [None, 2]),
    "moments": (lambda x: tf1.nn.moments(x, [0])[0], [3]),
    "norm": (lambda x: tf1.norm(x, axis=1), [None]),
    "clip_by_norm": (lambda x: tf1.clip_by_norm(x, 1.0), [None, 3]),
    "l2_normalize": (lambda x: tf1.math.l2_normalize(x, axis=-1), [None, 3]),
    "activations": (lambda x: tf1.nn.gelu(tf1.nn.selu(tf1.nn.relu6(x))), [None, 3]),
    "range": (lambda x: tf1.range(tf1.shape(x)[0]), [None]),
    "range known": (lambda x: tf1.range(2, 8, 2), [3]),
    "meshgrid": (lambda x: tf1.meshgrid(tf1.range(4), tf1.range(2))[0], [2, 4]),
}


@pytest.mark.parametrize("name", sorted(SHAPE_CASES))
def test_static_shape_with_unknown_batch(name):
    fn, expected = SHAPE_CASES[name]
    x = tf1.placeholder(tf1.float32, [None, 3])
    out = fn(x)
    assert _shape(out) == expected


@pytest.mark.parametrize("name", ["tile", "pad", "slice", "gather cols", "split", "tensordot",
                                  "top_k", "range", "boolean_mask", "einsum"])
def test_graph_values_match_their_static_shapes(name):
    fn, expected = SHAPE_CASES[name]
    x = tf1.placeholder(tf1.float32, [None, 3])
    out = fn(x)
    with tf1.Session() as sess:
        value = sess.run(out, {x: np.arange(-6, 9, dtype=np.float32).reshape(5, 3)})
    assert tf.TensorShape(expected).is_compatible_with(value.shape)


def test_static_shape_errors_name_the_op_and_shapes():
    x = tf1.placeholder(tf1.float32, [None, 3])
    with pytest.raises(InvalidArgumentError, match=r"Tile.*\(None, 3\)|Tile.*\[\?, 3\]|Tile"):
        tf1.tile(x, [2])
    with pytest.raises(InvalidArgumentError, match="Slice"):
        tf1.slice(x, [0, 2], [-1, 2])
    with pytest.raises(InvalidArgumentError, match="SplitV.*divisible"):
        tf1.split(x, 2, axis=1)
    with pytest.raises(InvalidArgumentError, match="TopKV2.*k=4"):
        tf1.nn.top_k(x, 4)
    with pytest.raises(InvalidArgumentError, match="GatherV2"):
        tf1.gather(x, [0], axis=2)
