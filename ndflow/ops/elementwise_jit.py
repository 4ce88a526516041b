"""Compiled loops for the small elementwise ops and sums of a plan, where NumPy's per-call
setup costs more than the arithmetic.

On the (4, 10) arrays of a small MLP a same-shape ufunc costs ~0.3 us, but adding a bias row
to a batch sets up NumPy's general broadcasting iterator (~0.9 us), a sum over the batch
axis a reduction (~0.9-1.0 us), and SigmoidGrad's three ufuncs take ~1.0 us. As plan lines,
the kernels here cost 0.45-0.6 us (Numba's own call ~0.17 us, the rest their Python
wrapper). They do the same IEEE operations in the same order as the NumPy code, so the
numbers are the same: `np.add.reduce` over a leading axis adds the rows one after another,
as `_column_sum_loop` does (tests/test_elementwise_jit.py checks both paths against each
other). On larger arrays they win too (a (32, 512) bias add 3.6 -> 1.5 us, its batch sum
2.3 -> 1.2 us), since NumPy's broadcast and reduce loops are slower than one compiled pass.

Plan binders use them when `usable` says so: Numba installed and enabled, NumPy arrays of
float32 or float64 (`ndflow.util.jit`); eager ops keep NumPy's ufuncs. The first plan that
uses one pays Numba's import and compiles (a W1 tf.function's first call 0.01 -> 0.73 s).
"""
import numpy as np

from ..util import jit, parallel

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def usable(xp, dtype):
    """True when the compiled loops can run on NumPy arrays of `dtype` (a NumPy dtype)."""
    return xp is np and np.dtype(dtype) in _FLOATS and jit.enabled()


@jit.kernel
def _bias_act_loop(x, b, out, relu):
    """out[r, k] = x[r, k] + b[k], then max(., 0) when relu (as np.maximum: NaN kept); out
    may be x."""
    zero = x.dtype.type(0)
    for r in range(x.shape[0]):
        for k in range(x.shape[1]):
            v = x[r, k] + b[k]
            if relu and not (v >= zero or v != v):
                v = zero
            out[r, k] = v


def bias_act(x2, b, out2, relu):
    """out2 = x2 (rows, channels) + b, then ReLU when `relu`, in one pass; pieces of rows run
    on every core when the array is large (parallel.MIN_ITEMS elements a piece)."""
    rows, c = x2.shape

    def piece(r0, r1):
        _bias_act_loop(x2[r0:r1], b, out2[r0:r1], relu)
    parallel.split(piece, rows, max(1, parallel.MIN_ITEMS // max(c, 1)))


@jit.kernel
def _column_sum_loop(x, out):
    """out[k] = x[0, k] + x[1, k] + ..., added in row order as np.add.reduce(x, 0) adds."""
    for k in range(x.shape[1]):
        out[k] = x[0, k]
    for r in range(1, x.shape[0]):
        for k in range(x.shape[1]):
            out[k] += x[r, k]


@jit.kernel
def _sigmoid_grad_loop(y, g, out):
    """out = (1 - y) * y * g over (rows, k) arrays, in SigmoidGrad's order; out may be g."""
    one = y.dtype.type(1)
    for r in range(y.shape[0]):
        for k in range(y.shape[1]):
            out[r, k] = (one - y[r, k]) * y[r, k] * g[r, k]


@jit.kernel
def _tanh_grad_loop(y, g, out):
    """out = (1 - y * y) * g over (rows, k) arrays, in TanhGrad's order; out may be g."""
    one = y.dtype.type(1)
    for r in range(y.shape[0]):
        for k in range(y.shape[1]):
            out[r, k] = (one - y[r, k] * y[r, k]) * g[r, k]


def _as_rows(shape):
    """The (rows, k) view a loop over 2-D arrays takes of an array of `shape`; None when
    `shape` is 2-D already (no reshape needed)."""
    if len(shape) == 2:
        return None
    return (int(np.prod(shape[:-1])), shape[-1]) if shape else (1, 1)


def add_row(shape, dtype, row_first):
    """A kernel adding a (k,) row to every row of an array of static `shape` (..., k), with
    an optional out buffer as a ufunc takes; `row_first`: the row is the first argument."""
    rows, empty = _as_rows(shape), np.empty
    # below two pieces' worth, one direct call of the loop (no split and closure per call)
    small = int(np.prod(shape[:-1])) < 2 * max(1, parallel.MIN_ITEMS // max(shape[-1], 1))
    loop = _bias_act_loop.dispatcher() if small else None

    def add(a, b, out=None):
        x, row = (b, a) if row_first else (a, b)
        if out is None:
            out = empty(shape, dtype)
        x2, out2 = (x, out) if rows is None else (x.reshape(rows), out.reshape(rows))
        if loop is not None:
            loop(x2, row, out2, False)
        else:
            bias_act(x2, row, out2, False)
        return out
    add.nin, add.nout = 2, 1  # as a ufunc's: a plan may pass x's own buffer as out
    return add


def leading_sum(xp, shape, lead, keepdims, dtype):
    """A kernel summing an array of static `shape` over its first `lead` axes, or None where
    the compiled loop does not apply: not `usable`, no rows, or a single column (which NumPy
    sums pairwise, in another order)."""
    rows, cols = int(np.prod(shape[:lead])), int(np.prod(shape[lead:]))
    if not usable(xp, dtype) or rows < 1 or cols < 2:
        return None
    out_shape = (1,) * lead + tuple(shape[lead:]) if keepdims else tuple(shape[lead:])
    loop, empty = _column_sum_loop.dispatcher(), np.empty
    as_rows, reshape_out = len(shape) != 2, out_shape != (cols,)

    def leading_sum(x, *_):  # (SumToLike passes the target as well)
        out = empty(cols, dtype)
        loop(x.reshape(rows, cols) if as_rows else x, out)
        return out.reshape(out_shape) if reshape_out else out
    return leading_sum


def activation_grad(shape, dtype, kernel):
    """SigmoidGrad's or TanhGrad's kernel (y, g) -> dx over arrays of static `shape`, with an
    optional out buffer (which may be g's own)."""
    loop, empty, rows = kernel.dispatcher(), np.empty, _as_rows(shape)

    def grad(y, g, out=None):
        if out is None:
            out = empty(shape, dtype)
        if rows is None:
            loop(y, g, out)
        else:
            loop(y.reshape(rows), g.reshape(rows), out.reshape(rows))
        return out
    grad.nin, grad.nout = 2, 1
    return grad
