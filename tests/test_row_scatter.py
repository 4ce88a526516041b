"""ndflow.ops.row_scatter.scatter_add_rows equals np.add.at on both paths (compiled loop
and NumPy): same additions in the same order, so the same numbers."""
import numpy as np
import pytest

from ndflow.ops.row_scatter import scatter_add_rows
from ndflow.util import jit


@pytest.fixture(params=[True, False], ids=["jit", "numpy"])
def jit_mode(request):
    if request.param and not jit.available():
        pytest.skip("numba is not installed")
    with jit.use_jit(request.param):
        yield request.param


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("out_shape, ids_shape", [((65, 8), (64, 10)), ((7, 3, 2), (50,)),
                                                  ((5,), (9,)), ((4, 6), (0,))])
def test_equals_add_at(jit_mode, dtype, out_shape, ids_shape):
    rng = np.random.default_rng(0)
    ids = rng.integers(-out_shape[0], out_shape[0], ids_shape).astype(np.int64)
    g = rng.standard_normal(ids_shape + out_shape[1:]).astype(dtype)
    expected = rng.standard_normal(out_shape).astype(dtype)
    out = expected.copy()
    np.add.at(expected, ids, g)
    assert scatter_add_rows(np, out, ids.astype(np.int32), g) is out
    np.testing.assert_array_equal(out, expected)


def test_out_of_range_raises_and_adds_nothing(jit_mode):
    out = np.zeros((3, 2), np.float32)
    with pytest.raises(IndexError):
        scatter_add_rows(np, out, np.array([0, 3]), np.ones((2, 2), np.float32))
    np.testing.assert_array_equal(out, 0)


def test_other_dtypes_and_layouts_take_add_at(jit_mode):
    out = np.zeros((3, 2), np.int32)
    scatter_add_rows(np, out, np.array([1, 1]), np.ones((2, 2), np.int32))
    np.testing.assert_array_equal(out, [[0, 0], [2, 2], [0, 0]])
    out = np.zeros((2, 3), np.float32).T  # not C-contiguous
    scatter_add_rows(np, out, np.array([2, 2, 0]), np.ones((3, 2), np.float32))
    np.testing.assert_array_equal(out, [[1, 1], [0, 0], [2, 2]])
