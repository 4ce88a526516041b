"""Eager tensors: conversion, operators, indexing, printing, dtypes."""
import numpy as np
import pytest

import ndflow as tf
from ndflow.framework.errors import InvalidArgumentError


def test_printing_like_tensorflow():
    t = tf.constant([1.0, 2.0])
    assert str(t) == "tf.Tensor([1. 2.], shape=(2,), dtype=float32)"
    assert repr(t) == ("<tf.Tensor: shape=(2,), dtype=float32, "
                       "numpy=array([1., 2.], dtype=float32)>")
    assert str(tf.constant(3)) == "tf.Tensor(3, shape=(), dtype=int32)"


def test_scalar_reprs_show_the_scalar_as_tensorflow_does():
    # TensorFlow 2.21's reprs (NumPy 2): numpy=1.5, not numpy=array(1.5, dtype=float32)
    assert repr(tf.constant(1.5)) == "<tf.Tensor: shape=(), dtype=float32, numpy=1.5>"
    assert repr(tf.constant(0.1)) == "<tf.Tensor: shape=(), dtype=float32, numpy=0.1>"
    assert repr(tf.constant(3)) == "<tf.Tensor: shape=(), dtype=int32, numpy=3>"
    assert repr(tf.constant(True)) == "<tf.Tensor: shape=(), dtype=bool, numpy=True>"
    assert repr(tf.constant("ab")) == "<tf.Tensor: shape=(), dtype=string, numpy=b'ab'>"
    assert repr(tf.Variable(1.5)) == "<tf.Variable 'Variable:0' shape=() dtype=float32, numpy=1.5>"


def test_default_dtypes():
    assert tf.constant(1.0).dtype == tf.float32
    assert tf.constant(1).dtype == tf.int32
    assert tf.constant([1, 2]).dtype == tf.int32
    assert tf.constant(True).dtype == tf.bool
    assert tf.constant(np.array([1.0])).dtype == tf.float64  # NumPy arrays keep their dtype
    assert tf.constant([1, 2], dtype=tf.float32).dtype == tf.float32


def test_properties_and_protocols():
    t = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    assert t.shape == (2, 3) and t.shape.as_list() == [2, 3]
    assert t.ndim == 2 and len(t) == 2
    assert np.asarray(t).dtype == np.float32
    rows = list(t)
    assert len(rows) == 2 and rows[1].numpy().tolist() == [3.0, 4.0, 5.0]
    assert float(tf.constant(2.5)) == 2.5 and int(tf.constant(3)) == 3
    assert bool(tf.constant(1.0)) is True
    assert f"{tf.constant(0.5):.2f}" == "0.50"


@pytest.mark.parametrize("op,ref", [
    (lambda a, b: a + b, np.add), (lambda a, b: a - b, np.subtract),
    (lambda a, b: a * b, np.multiply), (lambda a, b: a / b, np.divide),
    (lambda a, b: a // b, np.floor_divide), (lambda a, b: a % b, np.mod),
    (lambda a, b: a ** b, np.power), (lambda a, b: a < b, np.less),
    (lambda a, b: a <= b, np.less_equal), (lambda a, b: a > b, np.greater),
    (lambda a, b: a >= b, np.greater_equal),
])
def test_binary_operators_match_numpy(op, ref):
    a = np.array([[1.5, 2.0, 3.0]], np.float32)
    b = np.array([[0.5], [2.0]], np.float32)
    out = op(tf.constant(a), tf.constant(b))
    np.testing.assert_allclose(out.numpy(), ref(a, b), rtol=1e-6)
    out = op(tf.constant(a), b)  # NumPy operand
    np.testing.assert_allclose(out.numpy(), ref(a, b), rtol=1e-6)
    out = op(a, tf.constant(b))  # reflected operators
    np.testing.assert_allclose(np.asarray(out), ref(a, b), rtol=1e-6)


def test_python_scalars_keep_float32():
    t = tf.constant([1.0, 2.0])
    for out in (t * 0.1, 0.1 * t, t + 1, t / 3, 2 ** t, t - np.float64(0.5) * 1.0):
        assert out.dtype == tf.float32
    assert (t * np.array([0.1, 0.2])).dtype == tf.float32  # float64 array adopts float32


def test_int_times_fraction_raises_like_tensorflow():
    with pytest.raises(TypeError):
        tf.constant([1, 2]) * 0.5


def test_mismatched_tensor_dtypes_raise():
    with pytest.raises(InvalidArgumentError, match="same dtype"):
        tf.constant([1.0]) + tf.constant([1.0], dtype=tf.float64)


def test_unary_and_logical_operators():
    t = tf.constant([-1.0, 2.0])
    assert (-t).numpy().tolist() == [1.0, -2.0]
    assert abs(t).numpy().tolist() == [1.0, 2.0]
    b = tf.constant([True, False])
    assert (~b).numpy().tolist() == [False, True]
    assert (b & tf.constant([True, True])).numpy().tolist() == [True, False]
    assert (b | tf.constant([False, True])).numpy().tolist() == [True, True]
    assert (t == tf.constant([-1.0, 0.0])).numpy().tolist() == [True, False]
    assert (t != tf.constant([-1.0, 0.0])).numpy().tolist() == [False, True]


def test_matmul_operator_and_errors():
    a = tf.constant(np.ones((2, 3), np.float32))
    b = tf.constant(np.ones((3, 4), np.float32))
    assert (a @ b).shape == (2, 4)
    with pytest.raises(InvalidArgumentError, match="MatMul"):
        tf.matmul(a, a)


@pytest.mark.parametrize("key", [
    1, -1, slice(None, None, -1), (Ellipsis, 0), (None, 1), (slice(0, 2), slice(None, None, 2)),
    ([0, 2, 2],), (1, Ellipsis, None), (np.array([True, False, True]),),
])
def test_indexing_matches_numpy(key):
    a = np.arange(3 * 4 * 2, dtype=np.float32).reshape(3, 4, 2)
    np.testing.assert_array_equal(tf.constant(a)[key].numpy(), a[key])


def test_tensor_as_index():
    a = np.arange(10, dtype=np.float32)
    t = tf.constant(a)
    assert t[tf.constant(3)].numpy() == 3.0
    np.testing.assert_array_equal(t[tf.constant([1, 5])].numpy(), a[[1, 5]])


def test_dtype_objects():
    assert tf.float32.as_numpy_dtype is np.float32
    assert tf.float32.is_floating and not tf.int32.is_floating
    assert tf.int32.is_integer and tf.uint8.is_unsigned and tf.bool.is_bool
    assert tf.as_dtype("float32") == tf.float32 and tf.as_dtype(np.int64) == tf.int64
    assert tf.string.name == "string"
    with pytest.raises(TypeError):
        tf.as_dtype("no-such-type")


def test_tensor_shape():
    s = tf.TensorShape([None, 2])
    assert s.as_list() == [None, 2] and s.rank == 2
    assert s.is_compatible_with([5, 2]) and not s.is_compatible_with([5, 3])
    assert s.merge_with([4, None]).as_list() == [4, 2]
    assert str(s) == "(None, 2)"
    assert tf.TensorShape(None).rank is None
    with pytest.raises(ValueError):
        tf.TensorShape(None).as_list()
    assert not s.is_fully_defined() and tf.TensorShape([2, 3]).num_elements() == 6


def test_variable_basics():
    v = tf.Variable([1.0, 2.0], name="w")
    assert v.name == "w:0" and v.trainable and v.dtype == tf.float32
    v.assign([3.0, 4.0])
    v.assign_add([1.0, 1.0])
    v.assign_sub(tf.constant([0.5, 0.5]))
    np.testing.assert_allclose(v.numpy(), [3.5, 4.5])
    assert (v * 2).numpy().tolist() == [7.0, 9.0]
    with pytest.raises(InvalidArgumentError, match="shape"):
        v.assign([1.0, 2.0, 3.0])
    assert "tf.Variable 'w:0'" in repr(v)


def test_seeds_reproduce():
    tf.random.set_seed(7)
    a = tf.random.normal([3]).numpy(), tf.random.uniform([2]).numpy()
    tf.random.set_seed(7)
    b = tf.random.normal([3]).numpy(), tf.random.uniform([2]).numpy()
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    c = tf.random.normal([3], seed=3).numpy()
    d = tf.random.normal([3], seed=3).numpy()
    assert not np.array_equal(c, d)  # an op seed is a stream, as in TensorFlow
    tf.random.set_seed(7)
    np.testing.assert_array_equal(tf.random.normal([3], seed=3).numpy(), c)
    assert tf.random.normal([2, 2]).dtype == tf.float32


def test_graph_random_ops_reproduce_per_session():
    import ndflow.compat.v1 as v1
    v1.set_random_seed(1)
    r = v1.random_normal([4])
    with v1.Session() as s1:
        a = s1.run(r)
    with v1.Session() as s2:
        b = s2.run(r)
    np.testing.assert_array_equal(a, b)
