"""Linear algebra: matmul, tensordot, einsum and norms (vector p-norms, matrix norms)."""
import functools
import math

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import ALL, execute, fallback_infer, op
from ..framework.shape_fns import broadcast_shape
from ..framework.tensor import EagerTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from . import array_ops as A
from . import math_ops as M
from .array_ops import cast, convert_to_tensor, squeeze
from .join_ops import stack

_NO = {}


# --- matrix products ------------------------------------------------------------------------

def _matmul_infer(ts, attrs):
    a, b = ts[0].shape, ts[1].shape
    dtype = ts[0].dtype
    if a.rank is None or b.rank is None:
        return [(TensorShape(None), dtype)]
    if a.rank < 2 or b.rank < 2:
        raise InvalidArgumentError(f"MatMul: inputs must be at least rank 2, got shapes {a} and "
                                   f"{b}.")
    ad, bd = list(a.dims), list(b.dims)
    if attrs.get("transpose_a"):
        ad[-1], ad[-2] = ad[-2], ad[-1]
    if attrs.get("transpose_b"):
        bd[-1], bd[-2] = bd[-2], bd[-1]
    if ad[-1] is not None and bd[-2] is not None and ad[-1] != bd[-2]:
        raise InvalidArgumentError(
            f"MatMul: shapes {a} and {b} are incompatible: inner dimensions {ad[-1]} and "
            f"{bd[-2]} differ.")
    batch = broadcast_shape([TensorShape(ad[:-2]), TensorShape(bd[:-2])], "MatMul")
    return [(TensorShape(list(batch.dims) + [ad[-2], bd[-1]]), dtype)]


def _t(xp, x):
    return x.T if x.ndim == 2 else xp.swapaxes(x, -1, -2)


@op("MatMul", unify=ALL, infer=_matmul_infer)
def MATMUL(xp, a, b, transpose_a=False, transpose_b=False):
    if transpose_a:
        a = _t(xp, a)
    if transpose_b:
        b = _t(xp, b)
    if a.ndim == 2 and b.ndim == 2:
        return xp.dot(a, b)
    return xp.matmul(a, b)


def _mm(a, b, ta=False, tb=False):
    return execute(MATMUL, (a, b), {"transpose_a": ta, "transpose_b": tb} if ta or tb else _NO)


@MATMUL.gradient
def _matmul_grad(op, g, *, needs=(True, True)):
    a, b = op.inputs
    if a.dtype.is_complex:  # TensorFlow's convention: the products with the conjugates
        from .complex_ops import conj
        a, b = conj(a), conj(b)
    ta, tb = op.attrs.get("transpose_a", False), op.attrs.get("transpose_b", False)
    if not ta and not tb:
        ga, gb = (lambda: _mm(g, b, tb=True)), (lambda: _mm(a, g, ta=True))
    elif not ta and tb:
        ga, gb = (lambda: _mm(g, b)), (lambda: _mm(g, a, ta=True))
    elif ta and not tb:
        ga, gb = (lambda: _mm(b, g, tb=True)), (lambda: _mm(a, g))
    else:
        ga, gb = (lambda: _mm(b, g, ta=True, tb=True)), (lambda: _mm(g, a, ta=True, tb=True))
    return [ga() if needs[0] else None, gb() if needs[1] else None]


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    """Multiplies matrices: `a @ b`, batched over leading dimensions.

    Inputs of rank > 2 are batches of matrices (the batch dimensions broadcast). The `@` operator
    on tensors calls this op.

    Args:
      a: A `Tensor` of rank >= 2 (float, int or complex).
      b: A `Tensor` of `a`'s dtype and rank >= 2.
      transpose_a: If true, `a`'s last two dimensions are transposed first.
      transpose_b: If true, `b`'s last two dimensions are transposed first.
      adjoint_a: Like `transpose_a`, conjugating complex values.
      adjoint_b: Like `transpose_b`, conjugating complex values.
      a_is_sparse: A hint, ignored.
      b_is_sparse: A hint, ignored.
      output_type: Optional result dtype (for integer inputs).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of shape `batch + [rows of a, columns of b]`.

    Raises:
      InvalidArgumentError: If the inner dimensions differ (the message names both shapes) or
        the dtypes differ.

    Gradient: `dy @ b^T` for `a` and `a^T @ dy` for `b`.

    Example:

    >>> ndflow.matmul([[1.0, 2.0]], [[3.0], [4.0]]).numpy()
    array([[11.]], dtype=float32)
    """
    ta, tb = bool(transpose_a or adjoint_a), bool(transpose_b or adjoint_b)
    attrs = {"transpose_a": ta, "transpose_b": tb} if ta or tb else _NO
    return execute(MATMUL, (a, b), attrs, name)


def _matmul_operator(a, b):
    return execute(MATMUL, (a, b), _NO)


MATMUL.fast = np.matmul  # the array-only form dispatch and plans call without attributes


@MATMUL.bind_to
def _bind_matmul(xp, operation, store, shapes):
    ta, tb = operation.attrs.get("transpose_a"), operation.attrs.get("transpose_b")
    if shapes[0].rank != 2 or shapes[1].rank != 2:
        return functools.partial(MATMUL.kernel, xp, **operation.attrs)
    # ndarray.dot: NumPy 2's np.dot goes through a Python-level dispatcher first (one more
    # Python call per product, ~11 of W1's 54 per tf.function step); same BLAS, same numbers
    # (CuPy's ndarray has the same method)
    dot = xp.ndarray.dot
    if not ta and not tb:
        return dot
    if ta and tb:
        return lambda a, b: dot(a.T, b.T)
    if ta:
        return lambda a, b: dot(a.T, b)
    return lambda a, b: dot(a, b.T)


# --- tensordot and einsum -----------------------------------------------------------------------

def _tensordot_axes(axes, rank_a, rank_b):
    if isinstance(axes, EagerTensor):
        axes = axes._value.tolist()
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        if n < 0 or n > min(rank_a, rank_b):
            raise ValueError(f"tensordot: axes must be in [0, {min(rank_a, rank_b)}] for ranks "
                             f"{rank_a} and {rank_b}, got {n}.")
        return list(range(rank_a - n, rank_a)), list(range(n))
    if len(axes) != 2:
        raise ValueError(f"tensordot: axes must be an int or a pair of lists, got {axes!r}.")
    a_axes, b_axes = ([int(v)] if isinstance(v, (int, np.integer)) else [int(i) for i in v]
                      for v in axes)
    if len(a_axes) != len(b_axes):
        raise ValueError(f"tensordot: the two axis lists must have the same length, got "
                         f"{a_axes} and {b_axes}.")
    return [a % rank_a for a in a_axes], [b % rank_b for b in b_axes]



def _reshape_target(t, groups):
    """Target shape for reshaping t into one dimension per group of axes: ints where
    known, -1 for a single unknown one, scalar tensors when several are unknown."""
    sizes = []
    for axes in groups:
        dims = [t.shape.dims[a] for a in axes]
        sizes.append(None if None in dims else math.prod(dims))
    if sizes.count(None) <= 1:
        return [-1 if s is None else s for s in sizes]
    dynamic = A.shape(t)
    return [s if s is not None else
            M.reduce_prod(stack([dynamic[a] for a in axes])) for s, axes in zip(sizes, groups)]


def tensordot(a, b, axes, name=None):
    """Sums the products of `a` and `b` over the given axes (a generalised matrix product).

    Computed by transposing and reshaping both to matrices and one matmul.

    Args:
      a: A `Tensor`.
      b: A `Tensor` of `a`'s dtype.
      axes: An int N (the last N axes of `a` with the first N of `b`) or a pair of lists
        `[axes_of_a, axes_of_b]` of equal length.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` whose shape is `a`'s free axes followed by `b`'s.

    Raises:
      InvalidArgumentError: If the contracted dimensions differ.

    Example:

    >>> ndflow.tensordot(ndflow.ones([2, 3]), ndflow.ones([3, 4]), axes=1).shape
    TensorShape([2, 4])
    """
    a = A.convert_to_tensor(a)
    # a NumPy/Python operand takes the other's dtype, as in TensorFlow's binary ops
    b = b if isinstance(b, TensorLike) else A.convert_to_tensor(b, dtype=a.dtype)
    if a.shape.rank is None or b.shape.rank is None:
        raise ValueError("tensordot: the ranks of both inputs must be known.")
    a_axes, b_axes = _tensordot_axes(axes, a.shape.rank, b.shape.rank)
    for i, j in zip(a_axes, b_axes):
        da, db = a.shape.dims[i], b.shape.dims[j]
        if da is not None and db is not None and da != db:
            raise InvalidArgumentError(f"tensordot: dimension {i} of a (shape {a.shape}) and "
                                       f"dimension {j} of b (shape {b.shape}) differ: {da} vs "
                                       f"{db}.")
    free_a = [i for i in range(a.shape.rank) if i not in a_axes]
    free_b = [i for i in range(b.shape.rank) if i not in b_axes]
    a_matrix = _as_matrix(a, free_a + a_axes, _reshape_target(a, [free_a, a_axes]))
    b_matrix = _as_matrix(b, b_axes + free_b, _reshape_target(b, [b_axes, free_b]))
    product = matmul(a_matrix, b_matrix)
    free = [(a, i) for i in free_a] + [(b, i) for i in free_b]
    unknown = sum(1 for t, i in free if t.shape.dims[i] is None)
    if unknown <= 1:
        out_dims = [-1 if t.shape.dims[i] is None else t.shape.dims[i] for t, i in free]
    else:
        out_dims = [t.shape.dims[i] if t.shape.dims[i] is not None else A.shape(t)[i]
                    for t, i in free]
    return A.reshape(product, out_dims, name=name)


def _as_matrix(t, perm, shape):
    if perm != list(range(len(perm))):
        t = A.transpose(t, perm)
    return A.reshape(t, shape)


def _parse(equation, count):
    """(input subscripts, output subscripts) with the implicit output made explicit."""
    equation = equation.replace(" ", "")
    if "->" in equation:
        lhs, out = equation.split("->")
    else:  # implicit mode: letters that appear once, in alphabetical order
        lhs = equation
        letters = lhs.replace(",", "").replace(".", "")
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
        if "..." in lhs:
            out = "..." + out
    inputs = lhs.split(",")
    if len(inputs) != count:
        raise InvalidArgumentError(f"Einsum: equation {equation!r} names {len(inputs)} operands "
                                   f"but {count} were given.")
    return inputs, out


def _einsum_infer(ts, attrs):
    inputs, out = _parse(attrs["equation"], len(ts))
    if "..." in attrs["equation"] or any(t.shape.rank is None for t in ts):
        return fallback_infer(EINSUM, ts, attrs)
    sizes = {}
    for subscripts, t in zip(inputs, ts):
        if len(subscripts) != t.shape.rank:
            raise InvalidArgumentError(f"Einsum: subscripts {subscripts!r} do not match the "
                                       f"operand of shape {t.shape}.")
        for letter, d in zip(subscripts, t.shape.dims):
            known = sizes.get(letter)
            if known is not None and d is not None and known != d and 1 not in (known, d):
                raise InvalidArgumentError(f"Einsum: dimension {letter!r} is {known} in one "
                                           f"operand and {d} in another "
                                           f"({attrs['equation']!r}).")
            if known is None or known == 1:
                sizes[letter] = d
    return [(TensorShape([sizes.get(c) for c in out]), ts[0].dtype)]


@op("Einsum", infer=_einsum_infer)
def EINSUM(xp, *operands, equation):
    return xp.einsum(equation, *operands)


@EINSUM.gradient
def _einsum_grad(op, g):
    inputs, out = _parse(op.attrs["equation"], len(op.inputs))
    grads = []
    for i, (subscripts, x) in enumerate(zip(inputs, op.inputs)):
        if len(set(subscripts)) != len(subscripts) or "." in subscripts:
            raise NotImplementedError(f"Einsum: no gradient for repeated subscripts or ellipsis "
                                      f"({op.attrs['equation']!r}).")
        others = [s for j, s in enumerate(inputs) if j != i]
        other_tensors = [t for j, t in enumerate(op.inputs) if j != i]
        available = set(out).union(*others)
        # letters only this operand has were summed away: the gradient is constant along them
        kept = "".join(c for c in subscripts if c in available)
        equation = ",".join([out] + others) + "->" + kept
        grad = execute(EINSUM, (g,) + tuple(other_tensors), {"equation": equation})
        for axis, c in enumerate(subscripts):
            if c not in available:
                grad = A.expand_dims(grad, axis)
        grads.append(A.broadcast_to_like(grad, x) if kept != subscripts else grad)
    return grads


def einsum(equation, *inputs, **kwargs):
    """Contracts tensors as an Einstein-summation `equation` says, e.g. "ij,jk->ik".

    Letters repeated across inputs and absent from the output are summed over; "..." stands for
    broadcast dimensions.

    Args:
      equation: The subscripts string, with an optional "->output" part.
      *inputs: The `Tensor`s, one per comma-separated input term.
      **kwargs: `name` (optional); other keywords are not supported.

    Returns:
      The contracted `Tensor`.

    Raises:
      InvalidArgumentError: If the equation does not match the inputs.

    Example:

    >>> ndflow.einsum("ij,j->i", [[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0]).numpy()
    array([3., 7.], dtype=float32)
    """
    kwargs.pop("name", None)
    kwargs.pop("optimize", None)
    if kwargs:
        raise TypeError(f"einsum: unexpected keyword arguments {sorted(kwargs)}.")
    if not inputs:
        raise ValueError("einsum: at least one operand is required.")
    _parse(equation, len(inputs))  # checks the operand count before anything runs
    return execute(EINSUM, tuple(inputs), {"equation": equation.replace(" ", "")})


# --- norms ------------------------------------------------------------------------------------

def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """Computes the Euclidean norm `sqrt(sum(x**2))` along `axis`.

    Args:
      input_tensor: A numeric `Tensor`.
      axis: `None` (every axis), an int or a list of ints.
      keepdims: If true, reduced axes are kept with length 1.
      name: A name for the operation (optional).

    Returns:
      The reduced `Tensor`, of `input_tensor`'s dtype.
    """
    x = convert_to_tensor(input_tensor)
    if x.dtype.is_integer:  # TensorFlow keeps the integer dtype (truncating the root)
        norm_ = reduce_euclidean_norm(cast(x, dtypes.float64), axis, keepdims)
        return cast(norm_, x.dtype, name=name)
    return M.sqrt(M.reduce_sum(M.square(x), axis=axis, keepdims=keepdims), name=name)


def _norm_axes(axis, rank):
    if axis is None:
        return None
    if isinstance(axis, EagerTensor):
        axis = axis._value.tolist()
    axes = (int(axis),) if isinstance(axis, (int, np.integer)) else tuple(int(a) for a in axis)
    if len(axes) not in (1, 2):
        raise ValueError(f"norm: axis must be None, an int or a pair of ints, got {axis!r}.")
    return axes


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None,  # noqa: A002
         keep_dims=None):
    """Computes a vector norm or a matrix norm.

    With `axis` None or an int, the vector p-norm `sum(|x|**ord) ** (1/ord)` over all elements or
    along that axis; with a pair of axes, a matrix norm of those two dimensions ("euclidean"
    is then the Frobenius norm; "fro", 1 and `numpy.inf` are also accepted).

    Args:
      tensor: A floating-point `Tensor`.
      ord: "euclidean" (default), "fro", a positive number, or `numpy.inf`.
      axis: None, an int, or a pair of ints for matrix norms.
      keepdims: If true, reduced axes are kept with length 1.
      name: A name for the operation (optional).
      keep_dims: TF1's name for `keepdims`.

    Returns:
      The norm, a `Tensor` of `tensor`'s dtype.

    Raises:
      ValueError: For a matrix norm with another `ord` (e.g. 2).

    Example:

    >>> float(ndflow.norm([3.0, 4.0]))
    5.0
    """
    keep = bool(keepdims if keepdims is not None else (keep_dims or False))
    x = convert_to_tensor(tensor)
    axes = _norm_axes(axis, x.shape.rank)
    if axes is not None and len(axes) == 2:
        return _matrix_norm(x, ord, axes, keep, name)
    axis_arg = None if axes is None else axes[0]
    if ord in ("euclidean", "fro", 2, 2.0):
        return reduce_euclidean_norm(x, axis_arg, keep, name=name)
    if ord in (1, 1.0):
        return M.reduce_sum(M.abs(x), axis=axis_arg, keepdims=keep, name=name)
    if ord == np.inf:
        return M.reduce_max(M.abs(x), axis=axis_arg, keepdims=keep, name=name)
    if isinstance(ord, (int, float)) and ord > 0:
        summed = M.reduce_sum(M.pow(M.abs(x), float(ord)), axis=axis_arg, keepdims=keep)
        return M.pow(summed, 1.0 / ord, name=name)
    raise ValueError(f"norm: ord must be 'euclidean', 'fro', a positive number or np.inf, got "
                     f"{ord!r}.")


def _matrix_norm(x, ord, axes, keep, name):  # noqa: A002
    rows, cols = axes
    if ord in ("euclidean", "fro"):
        return M.sqrt(M.reduce_sum(M.square(x), axis=axes, keepdims=keep), name=name)
    if ord in (1, np.inf):  # max column sum / max row sum of absolute values
        summed_axis, max_axis = (rows, cols) if ord == 1 else (cols, rows)
        sums = M.reduce_sum(M.abs(x), axis=summed_axis, keepdims=True)
        out = M.reduce_max(sums, axis=max_axis, keepdims=True)
        return out if keep else squeeze(out, axis=axes, name=name)
    raise ValueError(f"norm: for matrices (a pair of axes) ord must be 'euclidean', 'fro', 1 or "
                     f"np.inf, got {ord!r}.")


from ..util.export import export_many  # noqa: E402

export_many("", {"matmul": matmul, "tensordot": tensordot, "einsum": einsum, "norm": norm})
export_many("linalg", {"matmul": matmul, "tensordot": tensordot, "einsum": einsum, "norm": norm})
export_many("math", {"reduce_euclidean_norm": reduce_euclidean_norm})
