"""tf.complex, tf.math.real/imag/conj/angle and complex Abs/Mul/RealDiv: dtypes, static
dtypes in graphs, and TensorFlow's gradient convention (for a real loss L of z = x + iy
the gradient is dL/dx + i dL/dy, so d Re(a * b) / da = conj(b))."""
import numpy as np
import pytest

import ndflow as tf
from ndflow.framework.errors import InvalidArgumentError

A = np.array([1 + 2j, -0.5 + 0.25j], np.complex64)
B = np.array([3 - 1j, 2 + 4j], np.complex64)


def test_dtypes():
    z = tf.complex(tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0]))
    assert z.dtype == tf.complex64
    z64 = tf.complex(tf.constant([1.0], tf.float64), tf.constant([3.0], tf.float64))
    assert z64.dtype == tf.complex128 and tf.math.real(z64).dtype == tf.float64
    for fn in (tf.math.real, tf.math.imag, tf.math.angle, tf.abs):
        assert fn(z).dtype == tf.float32
    assert tf.math.conj(z).dtype == tf.complex64
    x = tf.constant([-1.0, 2.0])
    assert tf.math.real(x) is x
    np.testing.assert_array_equal(tf.math.imag(x).numpy(), [0.0, 0.0])
    np.testing.assert_allclose(tf.math.angle(x).numpy(), [np.pi, 0.0])
    assert tf.math.conj(x) is x
    with pytest.raises(InvalidArgumentError):
        tf.complex(tf.constant([1], tf.int32), tf.constant([2], tf.int32))


def test_graph_static_dtypes():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.complex64)])
    def parts(z):
        outs = (tf.abs(z), tf.math.real(z), tf.math.angle(z), tf.signal.rfft(tf.abs(z)))
        assert [o.dtype for o in outs] == [tf.float32, tf.float32, tf.float32, tf.complex64]
        return outs
    outs = parts(tf.constant(A))
    np.testing.assert_allclose(outs[0].numpy(), np.abs(A), rtol=1e-6)


def _graph_grad(fn):
    @tf.function
    def grad(a, b):
        with tf.GradientTape() as tape:
            tape.watch([a, b])
            u = fn(a, b)
            loss = tf.reduce_sum(tf.math.real(u) + 2.0 * tf.math.imag(u))
        return tape.gradient(loss, [a, b])
    return [g.numpy() for g in grad(tf.constant(A), tf.constant(B))]


def test_mul_and_div_gradients_conjugate_in_graphs():
    w = np.complex64(1 + 2j)  # the gradient for u of Re(u) + 2 Im(u)
    ga, gb = _graph_grad(lambda a, b: a * b)
    np.testing.assert_allclose(ga, w * np.conj(B), rtol=1e-6)
    np.testing.assert_allclose(gb, w * np.conj(A), rtol=1e-6)
    ga, gb = _graph_grad(lambda a, b: a / b)
    np.testing.assert_allclose(ga, w / np.conj(B), rtol=1e-5)
    np.testing.assert_allclose(gb, -w * np.conj(A / B / B), rtol=1e-5)


def test_complex_gradients_conjugate_eagerly_and_in_graphs():
    a, b = tf.constant(A), tf.constant(B)
    with tf.GradientTape() as tape:
        tape.watch(a)
        loss = tf.reduce_sum(tf.math.real(a * b))
    np.testing.assert_allclose(tape.gradient(loss, a).numpy(), np.conj(B), rtol=1e-6)
    cases = [(tf.square, lambda z: 2 * z), (tf.exp, np.exp), (tf.math.log, lambda z: 1 / z),
             (tf.sqrt, lambda z: 0.5 / np.sqrt(z)), (tf.math.reciprocal, lambda z: -1 / z ** 2)]
    for fn, derivative in cases:  # TensorFlow's convention: dy * conj(f'(z))
        def grad(z, fn=fn):
            with tf.GradientTape() as tape:
                tape.watch(z)
                value = tf.reduce_sum(tf.math.real(fn(z)))
            return tape.gradient(value, z)
        for run in (grad, tf.function(grad)):  # the array gradients, then the graph ones
            np.testing.assert_allclose(run(a).numpy(), np.conj(derivative(A)), rtol=1e-5,
                                       err_msg=fn.__name__)

    def matmul_grad(m):
        with tf.GradientTape() as tape:
            tape.watch(m)
            value = tf.reduce_sum(tf.math.real(tf.matmul(m, m)))
        return tape.gradient(value, m)
    m = np.array([[1 + 2j, 0.5 - 1j], [-1 + 0.5j, 2 + 0j]], np.complex64)
    ones = np.ones((2, 2))
    want = ones @ np.conj(m).T + np.conj(m).T @ ones
    for run in (matmul_grad, tf.function(matmul_grad)):
        np.testing.assert_allclose(run(tf.constant(m)).numpy(), want, rtol=1e-5)


def test_abs_gradient_is_z_over_abs():
    z = tf.constant(np.array([3 + 4j, 0j], np.complex64))
    with tf.GradientTape() as tape:
        tape.watch(z)
        loss = tf.reduce_sum(tf.abs(z))
    np.testing.assert_allclose(tape.gradient(loss, z).numpy(), [0.6 + 0.8j, 0j], rtol=1e-6)
