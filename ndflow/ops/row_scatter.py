"""Row scatter-add, the kernel of a gather's (an embedding lookup's) dense gradient.

`out[indices[k]] += g[k]` for every k in order, as `np.add.at(out, indices, g)` does.
NumPy's `ufunc.at` runs a generic indexed loop, ~10 ns per element: an embedding gradient
of 6,400 ids x 64 features takes ~5 ms. With Numba (`ndflow.util.jit`) one compiled loop
does the same additions in the same order (the same numbers) in ~0.1 ms; without it, or
for other devices and dtypes, `xp.add.at` runs.
"""
from ..util import jit


@jit.kernel
def _add_rows(out, indices, g):
    """0 after adding every row; else the first index out of range (nothing added)."""
    rows = out.shape[0]
    for k in range(indices.size):
        i = indices[k]
        if i < -rows or i >= rows:
            return k + 1
    for k in range(indices.size):
        i = indices[k]
        target = out[i + rows if i < 0 else i]
        source = g[k]
        for j in range(source.size):
            target[j] += source[j]
    return 0


def _compiled(xp, out, indices, g):
    return (jit.enabled() and xp.__name__ == "numpy" and out.ndim >= 1
            and out.flags.c_contiguous and out.dtype == g.dtype and out.dtype.kind == "f"
            and out.dtype.itemsize in (4, 8) and indices.dtype.kind in "iu"
            and g.shape == indices.shape + out.shape[1:])


def scatter_add_rows(xp, out, indices, g):
    """In place: `out[indices[k]] += g[k]` along out's first axis, duplicates accumulated in
    order (`xp.add.at(out, indices, g)`).

    Args:
      xp: The array module of the arrays.
      out: The `(rows, ...)` array to add into.
      indices: Integer row indices of any shape, all in `[0, rows)` (checked by the caller).
      g: The values, of shape `indices.shape + out.shape[1:]`.
    """
    if _compiled(xp, out, indices, g):
        width = out[0].size if out.shape[0] else 0
        flat_out = out.reshape(out.shape[0], width)  # a view: out is C-contiguous
        flat_g = xp.ascontiguousarray(g).reshape(indices.size, width)
        if not _add_rows(flat_out, xp.ascontiguousarray(indices).reshape(-1), flat_g):
            return out
    xp.add.at(out, indices, g)  # also raises NumPy's IndexError for an index out of range
    return out
