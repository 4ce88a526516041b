"""tf.math.asin / acos / atan / atan2 / sinh / cosh / asinh / acosh / atanh: NumPy's values,
float32 kept, TensorFlow 2's top-level names; gradients are in the registry-wide check."""
import numpy as np
import pytest

import ndflow as tf

CASES = [("asin", np.arcsin, 0.9), ("acos", np.arccos, 0.9), ("atan", np.arctan, 5.0),
         ("sinh", np.sinh, 3.0), ("cosh", np.cosh, 3.0), ("asinh", np.arcsinh, 5.0),
         ("atanh", np.arctanh, 0.9)]


@pytest.mark.parametrize("name,reference,bound", CASES)
def test_values_dtype_and_names(name, reference, bound):
    x = np.linspace(-bound, bound, 7).astype(np.float32)
    out = getattr(tf.math, name)(x)
    assert out.dtype == tf.float32 and getattr(tf, name) is getattr(tf.math, name)
    np.testing.assert_allclose(out.numpy(), reference(x), rtol=1e-6, atol=1e-7)


def test_acosh_domain_and_atan2_quadrants():
    np.testing.assert_allclose(tf.math.acosh([1.0, 2.0, 10.0]).numpy(),
                               np.arccosh([1.0, 2.0, 10.0]).astype(np.float32), rtol=1e-6)
    assert np.isnan(tf.math.acosh([0.5]).numpy()).all()
    y = np.array([1.0, 1.0, -1.0, -1.0, 0.0], np.float32)
    x = np.array([1.0, -1.0, -1.0, 1.0, -2.0], np.float32)
    np.testing.assert_allclose(tf.math.atan2(y, x).numpy(), np.arctan2(y, x), rtol=1e-6)
    with tf.GradientTape() as tape:
        yt = tf.constant([3.0])
        tape.watch(yt)
        angle = tf.atan2(yt, tf.constant([4.0]))
    np.testing.assert_allclose(tape.gradient(angle, yt).numpy(), [4.0 / 25.0], rtol=1e-6)
