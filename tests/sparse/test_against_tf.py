"""ndflow's sparse, segment and set ops against TensorFlow's results
(tests/fixtures/tf_sparse.npz, written by tools/make_tf_sparse_fixtures.py from the cases in
tf_cases.py)."""
import os

import numpy as np
import pytest

import ndflow as tf

from . import tf_cases

FIXTURE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "tf_sparse.npz")
EXPECTED = np.load(FIXTURE, allow_pickle=False)
CASES = tf_cases.cases(tf)


def _plain(a):
    a = np.asarray(a)
    return a.astype(str) if a.dtype.kind in "OS" else a


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tensorflow(name):
    result = CASES[name]()
    if isinstance(result, tf.sparse.SparseTensor):
        for part in ("indices", "values", "dense_shape"):
            got = _plain(getattr(result, part).numpy())
            want = EXPECTED[f"{name}.{part}"]
            assert got.dtype.kind == want.dtype.kind or part != "values", (part, got, want)
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=part) \
                if got.dtype.kind != "U" else np.testing.assert_array_equal(got, want)
        assert result.values.dtype.name == str(EXPECTED[f"{name}.values"].dtype) or \
            EXPECTED[f"{name}.values"].dtype.kind == "U"
    elif isinstance(result, list):
        for i, r in enumerate(result):
            np.testing.assert_allclose(r, EXPECTED[f"{name}.{i}"], rtol=1e-5, atol=1e-6)
    else:
        got = _plain(result.numpy() if hasattr(result, "numpy") else result)
        want = EXPECTED[name]
        assert got.shape == want.shape and got.dtype == want.dtype, (got, want)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
