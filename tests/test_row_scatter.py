"""ndflow.ops.row_scatter.sum_rows equals np.add.at into zeros on every path (compiled loop,
sorted sums, add.at): the same additions in the same order, so the same numbers."""
import numpy as np
import pytest

from ndflow.ops.row_scatter import sum_rows


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rows, row_shape, ids_shape", [
    (65, (64,), (64, 10)),     # many ids per row: the sorted sums without numba
    (7, (3, 2), (50,)),        # narrow rows: add.at without numba
    (5, (), (9,)), (4, (6,), (0,)), (3, (400,), (2, 5))])
def test_equals_add_at(jit_mode, dtype, rows, row_shape, ids_shape):
    rng = np.random.default_rng(0)
    ids = rng.integers(-rows, rows, ids_shape)
    g = rng.standard_normal(ids_shape + row_shape).astype(dtype)
    expected = np.zeros((rows,) + row_shape, dtype)
    np.add.at(expected, ids, g)
    for index_dtype in (np.int32, np.int64):
        out = sum_rows(np, g, ids.astype(index_dtype), rows)
        assert out.dtype == dtype and out.shape == expected.shape
        np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("width", [1, 300])
def test_out_of_range_raises(jit_mode, width):
    with pytest.raises(IndexError):
        sum_rows(np, np.ones((2, width), np.float32), np.array([0, 3]), 3)


def test_integer_values_take_add_at(jit_mode):
    out = sum_rows(np, np.ones((2, 2), np.int32), np.array([1, 1]), 3)
    np.testing.assert_array_equal(out, [[0, 0], [2, 2], [0, 0]])
