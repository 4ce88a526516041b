"""tf.linalg's matrix functions (inverse, determinants, solves, Cholesky, eigh, SVD, QR,
diagonals, lstsq, pinv) against TensorFlow 2.21's values and gradients on the same inputs
(tests/fixtures/tf_linalg.npz, written by tools/make_tf_linalg_fixtures.py from the cases
in its `results`, which this test runs on ndflow); the ops are in the registry-wide gradient
check too."""
import importlib.util
import os

import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE = np.load(os.path.join(ROOT, "tests", "fixtures", "tf_linalg.npz"))


def _cases():
    spec = importlib.util.spec_from_file_location(
        "make_tf_linalg_fixtures", os.path.join(ROOT, "tools", "make_tf_linalg_fixtures.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.results(tf)


OURS = _cases()


@pytest.mark.parametrize("name", sorted(FIXTURE.files))
def test_values_and_gradients_equal_tensorflow(name):
    got, want = OURS[name], FIXTURE[name]
    assert got.dtype == want.dtype == np.float32
    scale = max(1.0, float(np.abs(want).max()))
    np.testing.assert_allclose(got, want, rtol=0, atol=2e-5 * scale)


def test_every_fixture_case_is_computed():
    assert sorted(OURS) == sorted(FIXTURE.files)


def test_tf1_normal_equation_program():
    # HOML 1st ed. ch. 9: linear regression by the normal equation in a TF1 graph.
    rng = np.random.default_rng(1)
    data = rng.standard_normal((50, 3)).astype(np.float32)
    target = (data @ np.array([[1.5], [-2.0], [0.5]], np.float32) + 3.0).astype(np.float32)
    with tf.Graph().as_default():
        X = v1.constant(np.c_[np.ones((50, 1), np.float32), data], name="X")
        y = v1.constant(target, name="y")
        XT = v1.transpose(X)
        theta = v1.matmul(v1.matmul(v1.matrix_inverse(v1.matmul(XT, X)), XT), y)
        with v1.Session() as sess:
            theta_value = theta.eval()
    np.testing.assert_allclose(theta_value.ravel(), [3.0, 1.5, -2.0, 0.5], atol=1e-4)


def test_bad_inputs_are_named():
    with pytest.raises(tf.errors.InvalidArgumentError, match="square matrices"):
        tf.linalg.inv(tf.ones([2, 3]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="not invertible"):
        tf.linalg.inv(tf.zeros([2, 2]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="positive definite"):
        tf.linalg.cholesky(-tf.eye(2))
    with pytest.raises(ValueError, match="k=1"):
        tf.linalg.diag([1., 2.], k=1)
    with pytest.raises(NotImplementedError, match="singular vectors"):
        x = tf.Variable(np.eye(2, dtype=np.float32) * 2)
        with tf.GradientTape() as tape:
            _, u, _ = tf.linalg.svd(x)
            loss = tf.reduce_sum(u)
        tape.gradient(loss, x)


def test_shapes_and_dtypes():
    x = tf.constant(np.random.default_rng(2).standard_normal((3, 4, 2)))
    s, u, v = tf.linalg.svd(x, full_matrices=True)
    assert (s.shape, u.shape, v.shape) == ((3, 2), (3, 4, 4), (3, 2, 2)) and s.dtype == tf.float64
    q, r = tf.linalg.qr(x)
    assert (q.shape, r.shape) == ((3, 4, 2), (3, 2, 2))
    np.testing.assert_allclose((q @ r).numpy(), x.numpy(), atol=1e-12)
    graph_inv = tf.function(lambda m: tf.linalg.inv(m)).get_concrete_function(
        tf.TensorSpec([None, 3, 3]))
    assert graph_inv.structured_outputs.shape.as_list() == [None, 3, 3]
