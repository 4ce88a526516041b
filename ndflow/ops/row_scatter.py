"""Row segment sums, the kernel of a row lookup's (an embedding's) dense gradient.

`sum_rows(xp, g, ids, rows)` is `out = zeros((rows,) + row shape); np.add.at(out, ids, g)`:
each output row the sum of the rows of g whose id it is, added in the order they come.
NumPy's `ufunc.at` runs a generic indexed loop at ~10 ns per element (W7's embedding
gradient, 6,400 ids x 64 features: 5 ms; its projected table, 6,400 x 1,024: 57 ms). Here
the same additions in the same order (so the same numbers) run as one compiled loop with
Numba (`ndflow.util.jit`; 0.07 ms and 2 ms), else, on NumPy, as one sum per distinct id over
the rows sorted by id (a stable sort keeps their order; 5.5 ms for the 6,400 x 1,024 case),
else (other devices, many distinct ids per row) as `xp.add.at`.
"""
from ..util import jit


@jit.kernel
def _sum_rows(out, ids, g):
    """out (zeros) += rows of g at ids, in order; 0, or the position + 1 of the first id out
    of range (then nothing is added)."""
    rows = out.shape[0]
    for k in range(ids.size):
        i = ids[k]
        if i < -rows or i >= rows:
            return k + 1
    for k in range(ids.size):
        i = ids[k]
        target = out[i + rows if i < 0 else i]
        source = g[k]
        for j in range(source.size):
            target[j] += source[j]
    return 0


def _flat(xp, g, ids, width):
    return xp.ascontiguousarray(g).reshape(ids.size, width), \
        xp.ascontiguousarray(ids).reshape(-1)


def _sorted_sums(xp, out, ids, g):
    """out (zeros, (rows, width)) filled with one sequential sum over axis 0 per distinct
    id, the rows grouped by a stable sort (NumPy's sum over axis 0 adds row after row)."""
    order = xp.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    bounds = (xp.flatnonzero(sorted_ids[1:] != sorted_ids[:-1]) + 1).tolist()
    grouped = g[order]
    for start, stop in zip([0] + bounds, bounds + [ids.size]):
        xp.add.reduce(grouped[start:stop], axis=0, out=out[int(sorted_ids[start])])


def sum_rows(xp, g, ids, rows):
    """The `(rows,) + g.shape[ids.ndim:]` array whose row r is the sum, in order, of the rows
    of g at the positions where `ids == r` (`np.add.at` into zeros).

    Args:
      xp: The array module of the arrays.
      g: Values of shape `ids.shape + row shape`.
      ids: Integer row ids of any shape (negative ones count from the end, as in NumPy).
      rows: The number of output rows.

    Raises:
      IndexError: An id out of range (NumPy's, from `add.at`).
    """
    out = xp.zeros((rows,) + g.shape[ids.ndim:], g.dtype)
    width = 1
    for d in out.shape[1:]:
        width *= d
    numpy = xp.__name__ == "numpy"
    if numpy and ids.dtype.kind in "iu" and g.dtype.kind == "f" and ids.size and width:
        flat_g, flat_ids = _flat(xp, g, ids, width)
        flat_out = out.reshape(rows, width)
        if jit.enabled() and g.dtype.itemsize in (4, 8):
            if not _sum_rows(flat_out, flat_ids, flat_g):
                return out
        elif flat_ids.min() >= -rows and flat_ids.max() < rows and ids.size * width >= 200 * \
                min(rows, ids.size):  # ~2 us a distinct id against ~10 ns an element
            _sorted_sums(xp, flat_out, xp.where(flat_ids < 0, flat_ids + rows, flat_ids),
                         flat_g)
            return out
    xp.add.at(out, ids, g)  # also raises NumPy's IndexError for an id out of range
    return out
