"""keras.ops on ndflow against the installed Keras 3: the same values and dtypes for the
same calls (skipped where Keras is absent), and the ops working on symbolic Keras inputs."""
import numpy as np
import pytest

import ndflow as tf
from ndflow import keras
from ndflow.keras import ops

from .keras_reference import reference_keras

RNG = np.random.default_rng(0)
F = RNG.standard_normal((2, 3, 4)).astype(np.float32)
M = RNG.standard_normal((3, 4)).astype(np.float32)
V = RNG.standard_normal((4,)).astype(np.float32)
I = np.arange(12, dtype=np.int32).reshape(3, 4)
P = np.abs(F) + 0.1
ONE_HOT = np.eye(4, dtype=np.float32)[[0, 1, 3]]
UNNORMALISED = (np.abs(M) + 0.1) / (np.abs(M).max() + 1.0)

CASES = [
    ("arange", (5,), {}), ("arange", (1, 7, 2), {}), ("arange", (0.0, 1.0, 0.25), {}),
    ("ones", ((2, 3),), {}), ("zeros", ((2,),), {"dtype": "int32"}), ("full", ((2, 2), 7), {}),
    ("full", ((2,), 1.5), {}), ("eye", (3,), {}), ("eye", (3, 4), {"k": 1}),
    ("linspace", (0.0, 1.0, 5), {}), ("tri", (3,), {}), ("tril", (M,), {}),
    ("triu", (M,), {"k": 1}), ("ones_like", (I,), {}), ("zeros_like", (F,), {}),
    ("full_like", (I, 3), {}),
    ("add", (F, 1.5), {}), ("add", (I, 2), {}), ("add", (I, 0.5), {}),
    ("subtract", (F, M), {}), ("multiply", (I, I), {}), ("divide", (I, 4), {}),
    ("true_divide", (F, 2.0), {}), ("maximum", (F, 0.0), {}), ("minimum", (I, 5), {}),
    ("power", (P, 2.0), {}), ("mod", (I, 5), {}), ("floor_divide", (I, 5), {}),
    ("equal", (I, 3), {}), ("greater", (F, 0.0), {}), ("less_equal", (I, 6), {}),
    ("logical_and", (I > 3, I < 8), {}), ("logical_not", (I > 3,), {}),
    ("sqrt", (P,), {}), ("sqrt", (I,), {}), ("exp", (F,), {}), ("log", (P,), {}),
    ("log1p", (P,), {}), ("tanh", (F,), {}), ("sin", (I,), {}), ("abs", (F,), {}),
    ("negative", (I,), {}), ("square", (F,), {}), ("sign", (F,), {}), ("floor", (F,), {}),
    ("ceil", (F,), {}), ("round", (F * 3,), {}), ("clip", (F, -0.5, 0.5), {}),
    ("clip", (I, 2, 9), {}), ("where", (F > 0, F, 0.0), {}), ("isnan", (F,), {}),
    ("sum", (F,), {}), ("sum", (I,), {"axis": 1}), ("sum", (I > 4,), {}),
    ("mean", (F,), {"axis": (0, 2)}), ("mean", (I,), {}), ("mean", (F,), {"keepdims": True}),
    ("max", (F,), {"axis": -1}), ("min", (I,), {}), ("prod", (I + 1,), {"axis": 0}),
    ("var", (F,), {"axis": 1}), ("std", (F,), {}), ("any", (I > 10,), {"axis": 0}),
    ("all", (I >= 0,), {}), ("argmax", (F,), {"axis": -1}), ("argmax", (F,), {}),
    ("argmin", (M,), {"axis": 0, "keepdims": True}), ("cumsum", (I,), {"axis": 1}),
    ("cumsum", (I,), {}), ("cumprod", (P,), {"axis": 0}), ("count_nonzero", (I,), {}),
    ("reshape", (F, (6, 4)), {}), ("reshape", (F, (-1,)), {}), ("transpose", (F,), {}),
    ("transpose", (F, (2, 0, 1)), {}), ("expand_dims", (M, 1), {}),
    ("expand_dims", (M, (0, 2)), {}), ("squeeze", (F[:1],), {}), ("ravel", (I,), {}),
    ("concatenate", ([M, M],), {}), ("concatenate", ([F, F],), {"axis": -1}),
    ("stack", ([V, V],), {"axis": 1}), ("tile", (M, 2), {}), ("tile", (V, (2, 1)), {}),
    ("repeat", (M, 2), {}), ("repeat", (M, 3), {"axis": 0}), ("flip", (M,), {"axis": 1}),
    ("roll", (I, 1), {"axis": 1}), ("roll", (I, -2), {}), ("swapaxes", (F, 0, 2), {}),
    ("moveaxis", (F, 0, -1), {}), ("broadcast_to", (V, (3, 4)), {}),
    ("pad", (M, ((1, 0), (0, 2))), {}), ("take", (M, [2, 0]), {"axis": 0}),
    ("take", (I, [1, 5]), {}), ("take_along_axis", (M, np.argsort(M, axis=1)), {"axis": 1}),
    ("sort", (M,), {}), ("argsort", (M,), {"axis": 0}), ("matmul", (M, M.T), {}),
    ("matmul", (F, M.T), {}), ("dot", (M, V), {}), ("dot", (M.T, M), {}),
    ("tensordot", (M, M, ((1,), (1,))), {}), ("einsum", ("ij,kj->ik", M, M), {}),
    ("outer", (V, V), {}), ("vdot", (V, V), {}),
    ("relu", (F,), {}), ("sigmoid", (F,), {}), ("softplus", (F,), {}), ("silu", (F,), {}),
    ("leaky_relu", (F,), {}), ("elu", (F,), {}), ("selu", (F,), {}), ("gelu", (F,), {}),
    ("gelu", (F,), {"approximate": False}), ("softmax", (F,), {}),
    ("log_softmax", (F,), {"axis": 1}), ("hard_sigmoid", (F,), {}), ("relu6", (F * 8,), {}),
    ("log_sigmoid", (F,), {}), ("one_hot", (np.array([0, 2, 1]), 3), {}),
    ("logsumexp", (F,), {"axis": -1}), ("erf", (F,), {}), ("rsqrt", (P,), {}),
    ("normalize", (M,), {}), ("norm", (M,), {}), ("norm", (M,), {"axis": 1}),
    ("binary_crossentropy", ((M > 0).astype("float32"), np.abs(np.tanh(M))), {}),
    # float32 one-hot targets: TensorFlow's Keras backend refuses float64 targets with float32
    # outputs, and the reference may be that backend when TensorFlow imported Keras first.
    ("categorical_crossentropy", (ONE_HOT, M), {"from_logits": True}),
    ("sparse_categorical_crossentropy", (np.array([0, 1, 3]), M), {"from_logits": True}),
    ("categorical_crossentropy",
     (ONE_HOT, np.abs(M) / np.abs(M).sum(1, keepdims=True)), {}),
    # Unnormalised probabilities below 1: every backend normalises them alike (values above
    # 1 are clipped before normalising by the TensorFlow backend, after it by JAX's).
    ("sparse_categorical_crossentropy", (np.array([0, 1, 3]), UNNORMALISED), {}),
    ("segment_sum", (M, np.array([0, 0, 1])), {"num_segments": 2}),
    ("segment_max", (M, np.array([0, 1, 1])), {"num_segments": 2}),
    ("arcsin", (np.tanh(F),), {}), ("arccos", (np.tanh(M),), {}), ("arctan", (F,), {}),
    ("arctan2", (F, P), {}), ("sinh", (F,), {}), ("cosh", (I,), {}), ("arcsinh", (F,), {}),
    ("arccosh", (P + 1,), {}), ("arctanh", (np.tanh(F),), {}),
    ("cast", (F, "int32"), {}), ("convert_to_tensor", ([1, 2],), {}),
    ("convert_to_tensor", ([1.0, 2.5],), {}),
]


def _np(x):
    return np.asarray(x)


@pytest.mark.parametrize("name,args,kwargs", CASES, ids=[f"{c[0]}-{i}"
                                                       for i, c in enumerate(CASES)])
def test_values_and_dtypes_equal_keras(name, args, kwargs):
    k = reference_keras()
    expected = getattr(k.ops, name)(*args, **kwargs)
    got = getattr(ops, name)(*args, **kwargs)
    expected_np, got_np = k.ops.convert_to_numpy(expected), ops.convert_to_numpy(got)
    assert got_np.shape == expected_np.shape
    assert got_np.dtype == expected_np.dtype, (got_np.dtype, expected_np.dtype)
    np.testing.assert_allclose(got_np, expected_np, rtol=2e-5, atol=2e-6)


def test_multi_output_ops_equal_keras():
    k = reference_keras()
    for a, b in zip(ops.split(np.arange(10), [3, 5]), k.ops.split(np.arange(10), [3, 5])):
        np.testing.assert_array_equal(_np(a), k.ops.convert_to_numpy(b))
    values, indices = ops.top_k(M, 2)
    kv, ki = k.ops.top_k(M, 2)
    np.testing.assert_allclose(_np(values), k.ops.convert_to_numpy(kv))
    np.testing.assert_array_equal(_np(indices), k.ops.convert_to_numpy(ki))
    mean, var = ops.moments(F, axes=(0, 1))
    km, kv = k.ops.moments(F, axes=(0, 1))
    np.testing.assert_allclose(_np(mean), k.ops.convert_to_numpy(km), rtol=1e-5)
    np.testing.assert_allclose(_np(var), k.ops.convert_to_numpy(kv), rtol=1e-5)


def test_nonzero_and_one_argument_where_equal_keras():
    k = reference_keras()
    for got, want in zip(ops.where(I % 3 == 0), k.ops.where(I % 3 == 0)):
        np.testing.assert_array_equal(_np(got), k.ops.convert_to_numpy(want))
    for got, want in zip(ops.nonzero(I > 7), k.ops.nonzero(I > 7)):
        np.testing.assert_array_equal(_np(got), k.ops.convert_to_numpy(want))


def test_shape_control_flow_and_updates():
    assert ops.shape(F) == (2, 3, 4)
    assert ops.while_loop(lambda i: i < 5, lambda i: i + 2, 0).numpy() == 6
    i, total = ops.while_loop(lambda i, t: i < 4, lambda i, t: (i + 1, t + i), (0, 0))
    assert (int(i), int(total)) == (4, 6)
    assert int(ops.fori_loop(0, 5, lambda i, v: v + i, 0)) == 10
    carry, ys = ops.scan(lambda c, x: (c + x, c * x), 0.0, np.arange(4.0, dtype="float32"))
    assert float(carry) == 6.0 and ys.numpy().tolist() == [0.0, 0.0, 2.0, 9.0]
    updated = ops.slice_update(np.zeros((3, 4), "float32"), (1, 1), np.ones((2, 2), "float32"))
    assert updated.numpy().sum() == 4 and updated.numpy()[1:3, 1:3].min() == 1
    assert ops.cond(True, lambda: 1, lambda: 2) == 1
    assert ops.dtype(I) == "int32" and ops.is_tensor(ops.ones(2))


def test_ops_in_a_functional_model_and_a_custom_layer():
    class Scale(keras.layers.Layer):
        def call(self, x):
            return ops.mean(ops.square(x), axis=-1, keepdims=True) * ops.ones((1, 1))

    inputs = keras.Input((None, 4))
    b, t = ops.shape(inputs)[0], ops.shape(inputs)[1]
    flat = ops.reshape(inputs, (b, t * 4)) if isinstance(t, int) else inputs
    out = Scale()(ops.transpose(ops.softmax(inputs), (0, 1, 2)))
    model = keras.Model(inputs, [out, flat])
    y, _ = model(F)
    expected = np.mean(np.square(tf.nn.softmax(F).numpy()), axis=-1, keepdims=True)
    np.testing.assert_allclose(_np(y), expected, rtol=1e-6)

    @tf.function
    def symbolic(x):
        return ops.sum(ops.where(x > 0, x, ops.zeros_like(x)), axis=0), ops.shape(x)

    total, shape = symbolic(tf.constant(M))
    np.testing.assert_allclose(_np(total), np.where(M > 0, M, 0).sum(0), rtol=1e-6)
    assert tuple(int(s) for s in shape) == (3, 4)


def test_crossentropy_with_float64_targets_stays_float32():
    # Keras' JAX backend computes float64 one-hot targets against float32 outputs in float32
    # (its TensorFlow backend refuses them); ndflow follows the JAX backend.
    from_float32 = ops.categorical_crossentropy(ONE_HOT, M, from_logits=True)
    from_float64 = ops.categorical_crossentropy(ONE_HOT.astype(np.float64), M, from_logits=True)
    assert ops.convert_to_numpy(from_float64).dtype == np.float32
    np.testing.assert_allclose(ops.convert_to_numpy(from_float64),
                               ops.convert_to_numpy(from_float32), rtol=1e-6)
