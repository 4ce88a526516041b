"""ndflow's tf.signal, complex and tf.audio ops against TensorFlow 2.21's results
(tests/fixtures/tf_signal.npz, written by tools/make_tf_signal_fixtures.py from the cases in
tf_cases.py): values, dtypes and shapes, and gradients."""
import os

import numpy as np
import pytest

import ndflow as tf

from . import tf_cases

FIXTURE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "tf_signal.npz")
EXPECTED = np.load(FIXTURE, allow_pickle=False)
CASES = tf_cases.cases(tf)


def _close(got, want, what):
    # float32 tolerance, relative to the result's scale (FFT sums grow with the length)
    scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
    atol = 2e-6 * scale
    if what.startswith("mel_") and want.dtype == np.float32:
        # TensorFlow computes the filterbank in float32: mel values near 3000 (ulp 2.4e-4)
        # move its weights by up to ~1e-5; ndflow computes in float64 and rounds once
        atol = 1.5e-5
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=atol, err_msg=what)


def test_every_case_has_a_fixture():
    names = {k.rsplit(".", 1)[0] if k.startswith("grad_") else k for k in EXPECTED.files}
    assert names == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tensorflow(name):
    result = CASES[name]()
    if isinstance(result, list):
        for i, r in enumerate(result):
            want = EXPECTED[f"{name}.{i}"]
            assert r.dtype == want.dtype and r.shape == want.shape, (r.dtype, want.dtype)
            _close(r, want, f"{name} gradient {i}")
    else:
        got = result.numpy() if hasattr(result, "numpy") else result
        want = EXPECTED[name]
        assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype,
                                                                      want.shape, want.dtype)
        _close(got, want, name)
