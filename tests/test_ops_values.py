"""Op values against NumPy, and the errors bad arguments raise."""
import math

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework.errors import InvalidArgumentError

RNG = np.random.default_rng(7)
X34 = RNG.standard_normal((3, 4)).astype(np.float32)
X234 = RNG.standard_normal((2, 3, 4)).astype(np.float32)


def close(actual, expected, **kwargs):
    actual = actual.numpy() if hasattr(actual, "numpy") else np.asarray(actual)
    np.testing.assert_allclose(actual, expected, rtol=kwargs.get("rtol", 1e-6),
                               atol=kwargs.get("atol", 1e-6))


# --- elementwise and reductions of the core, on several shapes ----------------------------------

UNARY = [
    (tf.negative, np.negative, None), (tf.abs, np.abs, None), (tf.square, np.square, None),
    (tf.exp, np.exp, None), (tf.sin, np.sin, None), (tf.cos, np.cos, None),
    (tf.tanh, np.tanh, None), (tf.sigmoid, lambda x: 1 / (1 + np.exp(-x)), None),
    (tf.sqrt, np.sqrt, "positive"), (tf.math.log, np.log, "positive"),
    (tf.math.log1p, np.log1p, "positive"), (tf.sign, np.sign, None),
]


@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 3, 4)])
@pytest.mark.parametrize("fn,ref,domain", UNARY)
def test_unary_values(fn, ref, domain, shape):
    x = RNG.standard_normal(shape).astype(np.float32)
    if domain == "positive":
        x = np.abs(x) + 0.1
    close(fn(x), ref(x), rtol=1e-5)


@pytest.mark.parametrize("shapes", [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 3), (4, 1))])
@pytest.mark.parametrize("fn,ref", [(tf.add, np.add), (tf.subtract, np.subtract),
                                    (tf.multiply, np.multiply), (tf.maximum, np.maximum),
                                    (tf.minimum, np.minimum), (tf.divide, np.divide)])
def test_binary_values_broadcast(fn, ref, shapes):
    a = RNG.standard_normal(shapes[0]).astype(np.float32)
    b = RNG.uniform(0.5, 2, shapes[1]).astype(np.float32)
    close(fn(a, b), ref(a, b))


@pytest.mark.parametrize("axis", [None, 0, -1, [0, 2]])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("fn,ref", [(tf.reduce_sum, np.sum), (tf.reduce_mean, np.mean),
                                    (tf.reduce_max, np.max), (tf.reduce_min, np.min),
                                    (tf.reduce_prod, np.prod)])
def test_reductions(fn, ref, axis, keepdims):
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    close(fn(X234, axis=axis, keepdims=keepdims), ref(X234, axis=np_axis, keepdims=keepdims),
          rtol=1e-5)


# --- indexing, joining, sorting and generated tensors ------------------------------------------

def test_tile_and_its_errors():
    close(tf.tile(X34, [2, 3]), np.tile(X34, (2, 3)))
    close(tf.tile(X234, tf.constant([1, 2, 1])), np.tile(X234, (1, 2, 1)))
    with pytest.raises(InvalidArgumentError, match=r"Tile.*\[2\].*\(3, 4\)|Tile: expected"):
        tf.tile(X34, [2])


@pytest.mark.parametrize("mode", ["CONSTANT", "REFLECT", "SYMMETRIC"])
def test_pad_modes(mode):
    paddings = [[1, 2], [2, 1]]
    expected = np.pad(X34, paddings, mode=mode.lower())
    close(tf.pad(X34, paddings, mode=mode), expected)
    close(tf.pad(X34, paddings, mode=mode.lower()), expected)


def test_pad_constant_value_and_errors():
    close(tf.pad(X34, [[0, 1], [1, 0]], constant_values=7.0),
          np.pad(X34, [[0, 1], [1, 0]], constant_values=7.0))
    with pytest.raises(InvalidArgumentError, match="REFLECT"):
        tf.pad(X34, [[3, 0], [0, 0]], "REFLECT")  # at most 2 for a dimension of 3
    with pytest.raises(InvalidArgumentError, match="paddings"):
        tf.pad(X34, [[1, 1]])
    with pytest.raises(ValueError, match="mode"):
        tf.pad(X34, [[1, 1], [1, 1]], "WRAP")


def test_slice():
    close(tf.slice(X234, [1, 0, 2], [1, -1, 2]), X234[1:2, :, 2:4])
    with pytest.raises(InvalidArgumentError, match=r"Slice.*\(2, 3, 4\)"):
        tf.slice(X234, [1, 0, 2], [2, 1, 1])


def test_gather_variants():
    close(tf.gather(X34, [2, 0, 2]), X34[[2, 0, 2]])
    close(tf.gather(X34, [[1, 3], [0, 0]], axis=1), X34[:, [[1, 3], [0, 0]]])
    close(tf.gather(X34, [3], axis=-1), X34[:, [3]])
    indices = np.array([[1, 1], [0, 2]])
    batched = tf.gather(X234, indices, axis=1, batch_dims=1)
    close(batched, np.stack([X234[b][indices[b]] for b in range(2)]))
    assert tf.gather(X34, tf.constant([0, 1], tf.int64)).shape == (2, 4)


def test_gather_errors():
    with pytest.raises(InvalidArgumentError, match=r"indices contain 5.*\[0, 3\)"):
        tf.gather(X34, [0, 5])
    with pytest.raises(TypeError, match="indices"):
        tf.gather(X34, [0.5])


def test_gather_nd():
    close(tf.gather_nd(X34, [[0, 1], [2, 3]]), X34[[0, 2], [1, 3]])
    close(tf.gather_nd(X234, [[1], [0]]), X234[[1, 0]])
    close(tf.gather_nd(X234, [[[1, 2]]]), X234[1, 2][None, None])
    with pytest.raises(InvalidArgumentError, match="GatherNd"):
        tf.gather_nd(X34, [[0, 9]])


def test_split():
    parts = tf.split(X34, 2, axis=1)
    for p, e in zip(parts, np.split(X34, 2, axis=1)):
        close(p, e)
    parts = tf.split(X34, [1, -1, 1], axis=1)
    assert [p.shape.as_list() for p in parts] == [[3, 1], [3, 2], [3, 1]]
    close(parts[1], X34[:, 1:3])
    with pytest.raises(InvalidArgumentError, match="evenly divisible"):
        tf.split(X34, 3, axis=1)
    with pytest.raises(InvalidArgumentError, match="add up"):
        tf.split(X34, [1, 1], axis=1)


def test_eye_range_linspace():
    close(tf.eye(3), np.eye(3))
    close(tf.eye(2, 3, batch_shape=[2]), np.broadcast_to(np.eye(2, 3), (2, 2, 3)))
    close(tf.range(5), np.arange(5))
    close(tf.range(2, 11, 3), np.arange(2, 11, 3))
    close(tf.range(1.0, 0.0, -0.25), np.arange(1.0, 0.0, -0.25))
    close(tf.linspace(0.0, 1.0, 5), np.linspace(0, 1, 5))
    close(tf.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=-1),
          np.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=-1))
    with pytest.raises(InvalidArgumentError, match="delta != 0"):
        tf.range(0, 5, 0)
    with pytest.raises(InvalidArgumentError, match="start <= limit"):
        tf.range(5, 0, 1)


def test_reverse_sort_argsort():
    close(tf.reverse(X234, [0, -1]), X234[::-1, :, ::-1])
    close(tf.sort(X34), np.sort(X34, axis=-1))
    close(tf.sort(X34, axis=0, direction="DESCENDING"), -np.sort(-X34, axis=0))
    close(tf.argsort(X34), np.argsort(X34, axis=-1))
    ties = tf.argsort([3.0, 1.0, 3.0, 1.0], direction="DESCENDING")
    assert ties.numpy().tolist() == [0, 2, 1, 3]  # stable among equal values, like TF
    assert tf.argsort(X34).dtype == tf.int32
    with pytest.raises(ValueError, match="direction"):
        tf.sort(X34, direction="UP")


def test_boolean_mask_and_meshgrid():
    mask = np.array([True, False, True])
    close(tf.boolean_mask(X34, mask), X34[mask])
    mask2 = X34 > 0
    close(tf.boolean_mask(X34, mask2), X34[mask2])
    close(tf.boolean_mask(X234, [True, False, False, True], axis=2), X234[:, :, [0, 3]])
    with pytest.raises(InvalidArgumentError, match="boolean_mask"):
        tf.boolean_mask(X34, [True, False])
    a, b = np.arange(3.0, dtype=np.float32), np.arange(2.0, dtype=np.float32)
    for got, want in zip(tf.meshgrid(a, b), np.meshgrid(a, b)):
        close(got, want)
    for got, want in zip(tf.meshgrid(a, b, a, indexing="ij"),
                         np.meshgrid(a, b, a, indexing="ij")):
        close(got, want)


@pytest.mark.parametrize("axes,b_shape", [(0, (2,)), (1, (4, 2)), (2, (3, 4)),
                                          ([[1, 2], [0, 1]], (3, 4, 2)),
                                          ([[0, 2], [2, 0]], (4, 5, 2))])
def test_tensordot(axes, b_shape):
    b = RNG.standard_normal(b_shape).astype(np.float32)
    np_axes = axes if isinstance(axes, int) else tuple(tuple(x) for x in axes)
    close(tf.tensordot(X234, b, axes), np.tensordot(X234, b, np_axes), rtol=1e-5, atol=1e-5)


def test_tensordot_mismatch():
    with pytest.raises(InvalidArgumentError, match="tensordot"):
        tf.tensordot(X34, X34, 1)


@pytest.mark.parametrize("equation,shapes", [
    ("ij,jk->ik", [(3, 4), (4, 2)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    ("ij->ji", [(3, 4)]), ("ij->", [(3, 4)]), ("ij,ij", [(3, 4), (3, 4)]),
    ("i,j->ij", [(3,), (4,)])])
def test_einsum(equation, shapes):
    arrays = [RNG.standard_normal(s).astype(np.float32) for s in shapes]
    close(tf.einsum(equation, *arrays), np.einsum(equation, *arrays), rtol=1e-5, atol=1e-5)


# --- scans, erf, safe division, norms, clipping, moments, counting ------------------------------

def _np_cumsum(x, axis, exclusive, reverse):
    if reverse:
        x = np.flip(x, axis)
    out = np.cumsum(x, axis=axis)
    if exclusive:
        out = out - x
    return np.flip(out, axis) if reverse else out


@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_cumsum_and_cumprod(axis, exclusive, reverse):
    close(tf.cumsum(X34, axis, exclusive, reverse), _np_cumsum(X34, axis, exclusive, reverse),
          rtol=1e-5, atol=1e-5)
    logs = tf.math.cumprod(np.exp(X34), axis, exclusive, reverse)
    close(np.log(logs.numpy()), _np_cumsum(X34, axis, exclusive, reverse), rtol=1e-5,
          atol=1e-5)


def test_top_k():
    result = tf.math.top_k(X34, k=2)
    assert type(result).__name__ == "TopKV2"
    order = np.argsort(-X34, axis=-1)[:, :2]
    close(result.values, np.take_along_axis(X34, order, -1))
    assert result.indices.dtype == tf.int32
    assert result.indices.numpy().tolist() == order.tolist()
    assert tf.nn.top_k([1.0, 3.0, 3.0]).indices.numpy().tolist() == [1]
    with pytest.raises(InvalidArgumentError, match="at least k=5"):
        tf.math.top_k(X34, k=5)


def test_erf_divide_no_nan_xlogy():
    x = np.linspace(-3, 3, 13).astype(np.float32)
    close(tf.math.erf(x), [math.erf(v) for v in x])
    close(tf.math.divide_no_nan([1.0, 2.0, 3.0], [2.0, 0.0, -1.0]), [0.5, 0.0, -3.0])
    close(tf.math.xlogy([0.0, 2.0, 0.0], [0.0, 3.0, 5.0]), [0.0, 2 * np.log(3.0), 0.0])


def test_norms():
    close(tf.norm(X34), np.linalg.norm(X34), rtol=1e-5)
    close(tf.norm(X34, axis=1, keepdims=True), np.linalg.norm(X34, axis=1, keepdims=True))
    close(tf.norm(X34, ord=1, axis=0), np.linalg.norm(X34, ord=1, axis=0))
    close(tf.norm(X34, ord=np.inf), np.max(np.abs(X34)))
    close(tf.norm(X34, ord=3, axis=-1), np.sum(np.abs(X34) ** 3, axis=-1) ** (1 / 3), rtol=1e-5)
    for order in ("fro", 1, np.inf):
        close(tf.norm(X34, ord=order, axis=[0, 1]), np.linalg.norm(X34, ord=order), rtol=1e-5)
    close(tf.math.reduce_euclidean_norm(X34, axis=0), np.linalg.norm(X34, axis=0))
    assert tf.math.reduce_euclidean_norm([3, 4]).numpy() == 5
    with pytest.raises(ValueError, match="ord"):
        tf.norm(X34, ord=-1)


def test_l2_normalize_and_clipping():
    close(tf.math.l2_normalize(X34, axis=1), X34 / np.linalg.norm(X34, axis=1, keepdims=True),
          rtol=1e-5)
    close(tf.nn.l2_normalize(np.zeros(3, np.float32)), np.zeros(3))
    norm = np.linalg.norm(X34)
    close(tf.clip_by_norm(X34, 1.0), X34 / norm, rtol=1e-5)
    close(tf.clip_by_norm(X34, 100.0), X34)
    close(tf.clip_by_norm(np.zeros((2, 2), np.float32), 1.0), np.zeros((2, 2)))
    clipped, global_norm = tf.clip_by_global_norm([X34, None, X234], 2.0)
    total = np.sqrt(np.sum(X34 ** 2) + np.sum(X234 ** 2))
    close(global_norm, total, rtol=1e-5)
    assert clipped[1] is None
    close(clipped[0], X34 * 2.0 / total, rtol=1e-5)
    with pytest.raises(TypeError, match="sequence"):
        tf.clip_by_global_norm(tf.constant(X34), 1.0)


def test_moments_count_nonzero_bincount():
    mean, variance = tf.nn.moments(X234, axes=[0, 2])
    close(mean, X234.mean(axis=(0, 2)))
    close(variance, X234.var(axis=(0, 2)), rtol=1e-5)
    mean, variance = tf.nn.moments(X234, axes=[1], keepdims=True)
    assert mean.shape == (2, 1, 4) and variance.shape == (2, 1, 4)
    x = np.array([[0, 1, 2], [0, 0, 3]])
    assert tf.math.count_nonzero(x).numpy() == 3
    assert tf.math.count_nonzero(x, axis=1).numpy().tolist() == [2, 1]
    assert tf.math.count_nonzero(x).dtype == tf.int64
    assert tf.math.bincount([1, 1, 3]).numpy().tolist() == [0, 2, 0, 1]
    assert tf.math.bincount([1, 1, 3], minlength=6).numpy().tolist() == [0, 2, 0, 1, 0, 0]
    close(tf.math.bincount([0, 2, 2], weights=[0.5, 1.0, 2.0]), [0.5, 0.0, 3.0])


# --- activations -------------------------------------------------------------------------------

SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805
ACTIVATIONS = [
    (tf.nn.relu6, lambda x: np.clip(x, 0, 6)),
    (tf.nn.elu, lambda x: np.where(x > 0, x, np.expm1(x))),
    (tf.nn.selu, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x))),
    (tf.nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x)),
    (lambda x: tf.nn.leaky_relu(x, alpha=0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
    (tf.nn.softplus, lambda x: np.log1p(np.exp(x))),
    (tf.math.softplus, lambda x: np.log1p(np.exp(x))),
    (tf.nn.softsign, lambda x: x / (1 + np.abs(x))),
    (tf.nn.swish, lambda x: x / (1 + np.exp(-x))),
    (tf.nn.silu, lambda x: x / (1 + np.exp(-x))),
    (tf.math.log_sigmoid, lambda x: -np.log1p(np.exp(-x))),
    (tf.nn.gelu, lambda x: 0.5 * x * (1 + np.vectorize(math.erf)(x / np.sqrt(2)))),
    (lambda x: tf.nn.gelu(x, approximate=True),
     lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))),
]


@pytest.mark.parametrize("fn,ref", ACTIVATIONS)
def test_activation_values(fn, ref):
    x = np.linspace(-8, 8, 33).astype(np.float32)
    close(fn(x), ref(x.astype(np.float64)), rtol=1e-5, atol=1e-6)


def test_softplus_and_log_sigmoid_are_stable_for_large_inputs():
    x = np.array([-1000.0, -50.0, 50.0, 1000.0], np.float32)
    close(tf.nn.softplus(x), [0.0, np.exp(-50.0), 50.0, 1000.0])
    close(tf.math.log_sigmoid(x), [-1000.0, -50.0, -np.exp(-50.0), 0.0])
    assert np.all(np.isfinite(tf.nn.elu(x).numpy()))
