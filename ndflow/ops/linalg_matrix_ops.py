"""tf.linalg's matrix functions: inverse, determinants, solves, decompositions (Cholesky,
QR, SVD, self-adjoint eigen) and the diagonal helpers, over batches of matrices in the last
two dimensions.

The kernels are NumPy's LAPACK routines, which keep float32 in float32. Gradients follow the
usual matrix-calculus identities (e.g. d(A^-1) = -A^-1 dA A^-1). Decompositions whose input
is symmetric (Cholesky, eigh) read only its lower triangle, as TensorFlow's do; their
gradients are those of a symmetric input. SVD and QR fix the sign of each singular or
orthogonal vector as LAPACK does, which may differ from TensorFlow's (Eigen's) choice.
"""
import numpy as np

from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape
from . import array_ops as A
from . import math_ops as M
from .linalg_ops import matmul
from .creation_ops import eye
from .matrix_band_ops import band_part


def _square(name, shape):
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise InvalidArgumentError(f"{name}: input must be a batch of square matrices "
                                   f"[..., M, M], got shape {tuple(shape)}.")


def _square_infer(name, out=lambda s: s):
    def infer(ts, attrs):
        s = ts[0].shape
        if s.rank is not None and None not in s.as_list()[-2:]:
            _square(name, s.as_list())
        return [(out(s), ts[0].dtype)]
    return infer


def _lapack(xp, name, fn, *arrays):
    """Runs an `xp.linalg` routine, reporting a singular or non-definite matrix as
    TensorFlow's InvalidArgumentError."""
    try:
        return fn(*arrays)
    except getattr(xp.linalg, "LinAlgError", ValueError) as e:
        raise InvalidArgumentError(f"{name}: {e} (the input is not invertible / not "
                                   "positive definite).") from None


def adjoint(matrix, name=None):
    """Transposes (and conjugates, for complex dtypes) the last two dimensions.

    Args:
      matrix: A `Tensor` of rank >= 2.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of shape `[..., N, M]` for an input `[..., M, N]`.
    """
    return matrix_transpose(matrix, name, conjugate=True)


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Transposes the last two dimensions of `a` (conjugating when `conjugate`).

    Args:
      a: A `Tensor` of rank >= 2 (its rank must be known).
      name: A name for the operation (optional).
      conjugate: Also take the complex conjugate.

    Returns:
      `a` with its last two dimensions swapped.
    """
    a = A.convert_to_tensor(a)
    rank = a.shape.rank
    if rank is None or rank < 2:
        raise ValueError(f"matrix_transpose: the input must have a known rank >= 2, got "
                         f"shape {a.shape}.")
    return A.transpose(a, list(range(rank - 2)) + [rank - 1, rank - 2], name=name,
                       conjugate=conjugate)


def _t(x):
    return matrix_transpose(x, conjugate=True)


def _scalar_per_matrix(x):
    return A.expand_dims(A.expand_dims(x, -1), -1)


# --- inverse, determinant, solves ------------------------------------------------------------

@op("MatrixInverse", infer=_square_infer("MatrixInverse"))
def MATRIX_INVERSE(xp, x, adjoint=False):
    _square("MatrixInverse", x.shape)
    inv = _lapack(xp, "MatrixInverse", xp.linalg.inv, x)
    return xp.conj(xp.swapaxes(inv, -1, -2)) if adjoint else inv


@MATRIX_INVERSE.gradient
def _inverse_grad(op, g):
    y = op.outputs[0]  # d(Y) = -Y dA Y for Y = A^-1; with adjoint, Y = A^-H
    if op.attrs.get("adjoint"):
        return [-matmul(y, matmul(g, y, adjoint_a=True), adjoint_b=False)]
    return [-matmul(y, matmul(g, y, adjoint_b=True), adjoint_a=True)]


def inv(input, adjoint=False, name=None):  # noqa: A002
    """The inverse of each square matrix (of its adjoint, with `adjoint=True`).

    Args:
      input: A float or complex `Tensor` `[..., M, M]`.
      adjoint: Invert the conjugate transpose instead.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the same shape and dtype.

    Raises:
      InvalidArgumentError: A matrix is not square or not invertible.
    """
    return execute(MATRIX_INVERSE, (input,), {"adjoint": bool(adjoint)}, name)


@op("MatrixDeterminant", infer=_square_infer("MatrixDeterminant", lambda s: s[:-2]))
def MATRIX_DETERMINANT(xp, x):
    _square("MatrixDeterminant", x.shape)
    return xp.asarray(xp.linalg.det(x), dtype=x.dtype)


@MATRIX_DETERMINANT.gradient
def _determinant_grad(op, g):  # d det(A) = det(A) tr(A^-1 dA)
    x = op.inputs[0]
    return [_scalar_per_matrix(g * op.outputs[0]) * inv(x, adjoint=True)]


def det(input, name=None):  # noqa: A002
    """The determinant of each square matrix.

    Args:
      input: A float or complex `Tensor` `[..., M, M]`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` `[...]` of the same dtype.
    """
    return execute(MATRIX_DETERMINANT, (input,), {}, name)


def _slogdet_infer(ts, attrs):
    s = ts[0].shape
    return [(s[:-2], ts[0].dtype)] * 2


@op("LogMatrixDeterminant", multi_output=True, infer=_slogdet_infer, grad_inputs=(0,))
def LOG_MATRIX_DETERMINANT(xp, x):
    _square("LogMatrixDeterminant", x.shape)
    sign, logdet = xp.linalg.slogdet(x)
    return [xp.asarray(sign, dtype=x.dtype), xp.asarray(logdet, dtype=x.dtype)]


@LOG_MATRIX_DETERMINANT.gradient
def _slogdet_grad(op, g_sign, g_log):  # d log|det A| = tr(A^-1 dA); the sign is flat
    if g_log is None:
        return [None]
    return [_scalar_per_matrix(g_log) * inv(op.inputs[0], adjoint=True)]


def slogdet(input, name=None):  # noqa: A002
    """The sign and the log of the absolute value of each matrix's determinant.

    Args:
      input: A float `Tensor` `[..., M, M]`.
      name: A name for the operation (optional).

    Returns:
      `(sign, log_abs_determinant)`, two `Tensor`s `[...]`.
    """
    return tuple(execute(LOG_MATRIX_DETERMINANT, (input,), {}, name))


def _solve_infer(ts, attrs):
    return [(ts[1].shape, ts[1].dtype)]


@op("MatrixSolve", infer=_solve_infer)
def MATRIX_SOLVE(xp, matrix, rhs, adjoint=False):
    _square("MatrixSolve", matrix.shape)
    if adjoint:
        matrix = xp.conj(xp.swapaxes(matrix, -1, -2))
    return _lapack(xp, "MatrixSolve", xp.linalg.solve, matrix, rhs).astype(rhs.dtype)


@MATRIX_SOLVE.gradient
def _solve_grad(op, g):  # X = A^-1 B: dB = A^-H g, dA = -dB X^H (adjoint: -X dB^H)
    matrix, x, adj = op.inputs[0], op.outputs[0], op.attrs.get("adjoint", False)
    g_rhs = solve(matrix, g, adjoint=not adj)
    g_matrix = -matmul(x, g_rhs, adjoint_b=True) if adj else -matmul(g_rhs, x, adjoint_b=True)
    return [g_matrix, g_rhs]


def solve(matrix, rhs, adjoint=False, name=None):
    """Solves `matrix @ x = rhs` (or `adjoint(matrix) @ x = rhs`) for each batch entry.

    Args:
      matrix: A `Tensor` `[..., M, M]`.
      rhs: A `Tensor` `[..., M, K]`.
      adjoint: Solve with the conjugate transpose of `matrix`.
      name: A name for the operation (optional).

    Returns:
      `x`, a `Tensor` `[..., M, K]`.
    """
    return execute(MATRIX_SOLVE, (matrix, rhs), {"adjoint": bool(adjoint)}, name)


@op("MatrixTriangularSolve", infer=_solve_infer)
def MATRIX_TRIANGULAR_SOLVE(xp, matrix, rhs, lower=True, adjoint=False):
    _square("MatrixTriangularSolve", matrix.shape)
    tri = xp.tril(matrix) if lower else xp.triu(matrix)
    if adjoint:
        tri = xp.conj(xp.swapaxes(tri, -1, -2))
    return _lapack(xp, "MatrixTriangularSolve", xp.linalg.solve, tri, rhs).astype(rhs.dtype)


@MATRIX_TRIANGULAR_SOLVE.gradient
def _triangular_solve_grad(op, g):
    matrix, x = op.inputs[0], op.outputs[0]
    lower, adj = op.attrs.get("lower", True), op.attrs.get("adjoint", False)
    g_rhs = triangular_solve(matrix, g, lower=lower, adjoint=not adj)
    g_matrix = -matmul(x, g_rhs, adjoint_b=True) if adj else -matmul(g_rhs, x, adjoint_b=True)
    return [band_part(g_matrix, -1, 0) if lower else band_part(g_matrix, 0, -1), g_rhs]


def triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """Solves `matrix @ x = rhs` where `matrix` is triangular (only that triangle is read).

    Args:
      matrix: A `Tensor` `[..., M, M]`.
      rhs: A `Tensor` `[..., M, K]`.
      lower: Whether `matrix` is lower (default) or upper triangular.
      adjoint: Solve with the conjugate transpose of the triangle.
      name: A name for the operation (optional).

    Returns:
      `x`, a `Tensor` `[..., M, K]`.
    """
    return execute(MATRIX_TRIANGULAR_SOLVE, (matrix, rhs),
                   {"lower": bool(lower), "adjoint": bool(adjoint)}, name)


# --- decompositions ---------------------------------------------------------------------------

@op("Cholesky", infer=_square_infer("Cholesky"))
def CHOLESKY(xp, x):
    _square("Cholesky", x.shape)
    return _lapack(xp, "Cholesky", xp.linalg.cholesky, x)


@CHOLESKY.gradient
def _cholesky_grad(op, g):
    # A = L L^H. With P = Phi(L^H g) (its lower triangle, the diagonal halved), the
    # gradient of a symmetric input is sym(L^-H P L^-1) / 2; L^-H P L^-1 by two solves.
    chol = op.outputs[0]
    middle = matmul(chol, g, adjoint_a=True)
    middle = band_part(middle, -1, 0) - 0.5 * set_diag(A.zeros_like(middle), diag_part(middle))
    left = triangular_solve(chol, middle, adjoint=True)               # L^-H P
    grad = _t(triangular_solve(chol, _t(left), adjoint=True))         # (L^-H P) L^-1
    return [0.5 * (grad + _t(grad))]


def cholesky(input, name=None):  # noqa: A002
    """The lower-triangular Cholesky factor `L` of each Hermitian positive-definite matrix
    (`input = L @ adjoint(L)`); only the lower triangle of `input` is read.

    Args:
      input: A float `Tensor` `[..., M, M]`.
      name: A name for the operation (optional).

    Returns:
      `L`, a `Tensor` of the same shape.
    """
    return execute(CHOLESKY, (input,), {}, name)


def _eigh_infer(ts, attrs):
    s = ts[0].shape
    return [(s[:-1], ts[0].dtype), (s, ts[0].dtype)]


@op("SelfAdjointEigV2", multi_output=True, infer=_eigh_infer)
def SELF_ADJOINT_EIG(xp, x):
    _square("SelfAdjointEigV2", x.shape)
    return list(xp.linalg.eigh(x))


@SELF_ADJOINT_EIG.gradient
def _eigh_grad(op, g_e, g_v):
    # A = V diag(e) V^H: dA = V (diag(g_e) + F * (V^H g_v)) V^H, F_ij = 1 / (e_j - e_i).
    e, v = op.outputs
    middle = A.zeros_like(v)
    if g_v is not None:
        gap = A.expand_dims(e, -2) - A.expand_dims(e, -1)
        middle = M.divide_no_nan(A.ones_like(gap), gap) * matmul(v, g_v, adjoint_a=True)
    if g_e is not None:
        middle = middle + set_diag(A.zeros_like(v), g_e)
    grad = matmul(v, matmul(middle, v, adjoint_b=True))
    # the kernel reads the lower triangle: fold the upper part's gradient onto it
    return [band_part(grad + _t(grad), -1, 0) - set_diag(A.zeros_like(grad), diag_part(grad))]


def eigh(tensor, name=None):
    """The eigenvalues (ascending) and eigenvectors of each self-adjoint matrix; only the
    lower triangle is read.

    Args:
      tensor: A float `Tensor` `[..., N, N]`.
      name: A name for the operation (optional).

    Returns:
      `(e, v)`: eigenvalues `[..., N]` and eigenvectors as the columns of `v` `[..., N, N]`.
    """
    return tuple(execute(SELF_ADJOINT_EIG, (tensor,), {}, name))


def eigvalsh(tensor, name=None):
    """The eigenvalues (ascending) of each self-adjoint matrix `[..., N, N]` (lower triangle
    read)."""
    return execute(SELF_ADJOINT_EIG, (tensor,), {}, name)[0]


def _svd_infer(ts, attrs):
    s = ts[0].shape
    if s.rank is None:
        return [(TensorShape(None), ts[0].dtype)] * 3
    m, n = s[-2], s[-1]
    k = None if m is None or n is None else min(m, n)
    full = attrs["full_matrices"]
    return [(s[:-2].concatenate([k]), ts[0].dtype),
            (s[:-2].concatenate([m, m if full else k]), ts[0].dtype),
            (s[:-2].concatenate([n, n if full else k]), ts[0].dtype)]


@op("Svd", multi_output=True, infer=_svd_infer)
def SVD(xp, x, compute_uv=True, full_matrices=False):
    if x.ndim < 2:
        raise InvalidArgumentError(f"Svd: input must be at least 2-D, got shape {x.shape}.")
    if not compute_uv:
        return [xp.linalg.svd(x, compute_uv=False), xp.zeros((0,), x.dtype),
                xp.zeros((0,), x.dtype)]
    u, s, vh = xp.linalg.svd(x, full_matrices=full_matrices)
    return [s, u, xp.conj(xp.swapaxes(vh, -1, -2))]


@SVD.gradient
def _svd_grad(op, g_s, g_u, g_v):
    # Only the singular values are differentiated: ds = U^H dA V on the leading block.
    if g_u is not None or g_v is not None:
        raise NotImplementedError("svd: gradients through the singular vectors u and v are "
                                  "not implemented in ndflow (those through s are).")
    x = op.inputs[0]
    if not op.attrs.get("compute_uv", True):
        _, u, v = execute(SVD, (x,), {"compute_uv": True, "full_matrices": False})
    else:
        _, u, v = op.outputs
        if op.attrs.get("full_matrices"):  # the leading min(M, N) vectors
            k = min(x.shape[-2], x.shape[-1])
            u, v = u[..., :k], v[..., :k]
    return [matmul(u * A.expand_dims(g_s, -2), v, adjoint_b=True)]


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """The singular value decomposition `tensor = u @ diag(s) @ adjoint(v)` of each matrix.

    The gradient flows through `s` only.

    Args:
      tensor: A float `Tensor` `[..., M, N]`.
      full_matrices: Return square `u` `[..., M, M]` and `v` `[..., N, N]` instead of their
        first `min(M, N)` columns.
      compute_uv: Also return `u` and `v`.
      name: A name for the operation (optional).

    Returns:
      `s` `[..., min(M, N)]` (descending) when not `compute_uv`, else `(s, u, v)`.
    """
    out = execute(SVD, (tensor,), {"compute_uv": bool(compute_uv),
                                   "full_matrices": bool(full_matrices)}, name)
    return tuple(out) if compute_uv else out[0]


def _qr_infer(ts, attrs):
    s = ts[0].shape
    if s.rank is None:
        return [(TensorShape(None), ts[0].dtype)] * 2
    m, n = s[-2], s[-1]
    k = m if attrs["full_matrices"] or m is None or n is None else min(m, n)
    return [(s[:-2].concatenate([m, k]), ts[0].dtype), (s[:-2].concatenate([k, n]),
                                                         ts[0].dtype)]


@op("Qr", multi_output=True, differentiable=False, infer=_qr_infer)
def QR(xp, x, full_matrices=False):
    if x.ndim < 2:
        raise InvalidArgumentError(f"Qr: input must be at least 2-D, got shape {x.shape}.")
    q, r = xp.linalg.qr(x, mode="complete" if full_matrices else "reduced")
    return [q, r]


def qr(input, full_matrices=False, name=None):  # noqa: A002
    """The QR decomposition `input = q @ r` of each matrix (not differentiable in ndflow).

    Args:
      input: A float `Tensor` `[..., M, N]`.
      full_matrices: Return the square `q` `[..., M, M]` and `r` `[..., M, N]`.
      name: A name for the operation (optional).

    Returns:
      `(q, r)`: `q` with orthonormal columns, `r` upper triangular.
    """
    return tuple(execute(QR, (input,), {"full_matrices": bool(full_matrices)}, name))


# --- diagonals ---------------------------------------------------------------------------------

def _diag_infer(ts, attrs):
    s = ts[0].shape
    return [(s.concatenate([s[-1]]) if s.rank else TensorShape(None), ts[0].dtype)]


@op("MatrixDiag", infer=_diag_infer)
def MATRIX_DIAG(xp, diagonal):
    n = diagonal.shape[-1]
    out = xp.zeros(diagonal.shape + (n,), diagonal.dtype)
    idx = xp.arange(n)
    out[..., idx, idx] = diagonal
    return out


def _diag_part_infer(ts, attrs):
    s = ts[0].shape
    if s.rank is None:
        return [(TensorShape(None), ts[0].dtype)]
    m, n = s[-2], s[-1]
    return [(s[:-2].concatenate([None if m is None or n is None else min(m, n)]),
             ts[0].dtype)]


@op("MatrixDiagPart", infer=_diag_part_infer)
def MATRIX_DIAG_PART(xp, x):
    if x.ndim < 2:
        raise InvalidArgumentError(f"MatrixDiagPart: input must be at least 2-D, got shape "
                                   f"{x.shape}.")
    return xp.diagonal(x, axis1=-2, axis2=-1).copy()


@op("MatrixSetDiag", infer=lambda ts, a: [(ts[0].shape, ts[0].dtype)])
def MATRIX_SET_DIAG(xp, x, diagonal):
    k = min(x.shape[-2:])
    if diagonal.shape != x.shape[:-2] + (k,):
        raise InvalidArgumentError(f"MatrixSetDiag: diagonal must have shape "
                                   f"{x.shape[:-2] + (k,)} for input {x.shape}, got "
                                   f"{diagonal.shape}.")
    out = x.copy()
    idx = xp.arange(k)
    out[..., idx, idx] = diagonal
    return out


@MATRIX_DIAG.gradient
def _diag_grad(op, g):
    return [diag_part(g)]


@MATRIX_DIAG_PART.gradient
def _diag_part_grad(op, g):
    return [set_diag(A.zeros_like(op.inputs[0]), g)]


@MATRIX_SET_DIAG.gradient
def _set_diag_grad(op, g):
    return [set_diag(g, A.zeros_like(op.inputs[1])), diag_part(g)]


def _main_diagonal_only(k, what):
    if k != 0:
        raise ValueError(f"{what}: only the main diagonal (k=0) is supported in ndflow, got "
                         f"k={k}.")


def diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0,
         align="RIGHT_LEFT"):
    """A batch of square matrices `[..., N, N]` with `diagonal` `[..., N]` on their main
    diagonal and zeros elsewhere (only k=0 and the default sizes are supported).

    Args:
      diagonal: A `Tensor` `[..., N]`.
      name: A name for the operation (optional).
      k, num_rows, num_cols, padding_value, align: TensorFlow's band arguments; only their
        defaults are supported.

    Returns:
      A `Tensor` `[..., N, N]`.
    """
    _main_diagonal_only(k, "diag")
    if num_rows != -1 or num_cols != -1 or padding_value != 0:
        raise ValueError("diag: num_rows, num_cols and padding_value are not supported in "
                         "ndflow.")
    return execute(MATRIX_DIAG, (diagonal,), {}, name)


def diag_part(input, name="diag_part", k=0, padding_value=0, align="RIGHT_LEFT"):  # noqa: A002
    """The main diagonal `[..., min(M, N)]` of each matrix `[..., M, N]` (k=0 only)."""
    _main_diagonal_only(k, "diag_part")
    return execute(MATRIX_DIAG_PART, (input,), {}, name)


def set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT"):  # noqa: A002
    """`input` with its main diagonal replaced by `diagonal` `[..., min(M, N)]` (k=0 only)."""
    _main_diagonal_only(k, "set_diag")
    return execute(MATRIX_SET_DIAG, (input, diagonal), {}, name)


def trace(x, name=None):
    """The sum of each matrix's main diagonal: `[...]` for `x` `[..., M, N]`."""
    return M.reduce_sum(diag_part(x), axis=-1, name=name)


# --- composites -------------------------------------------------------------------------------

def matvec(a, b, transpose_a=False, adjoint_a=False, name=None):
    """The product of each matrix `a` `[..., M, N]` with the vector `b` `[..., N]`."""
    return A.squeeze(matmul(a, A.expand_dims(b, -1), transpose_a=transpose_a,
                            adjoint_a=adjoint_a), -1, name=name)


def cholesky_solve(chol, rhs, name=None):
    """Solves `A x = rhs` given the Cholesky factor `chol` of `A` (from `cholesky`)."""
    y = triangular_solve(chol, rhs, lower=True)
    return triangular_solve(chol, y, lower=True, adjoint=True, name=name)


def logdet(matrix, name=None):
    """The log of the determinant of each Hermitian positive-definite matrix (through its
    Cholesky factor: `2 * sum(log(diag(L)))`)."""
    return 2.0 * M.reduce_sum(M.log(diag_part(cholesky(matrix))), axis=-1, name=name)


def lstsq(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """The least-squares solution of `matrix @ x = rhs` for each batch entry, with an optional
    ridge term `l2_regularizer * |x|^2`, by the normal equations (TensorFlow's `fast`
    path; `fast=False` is not supported).

    Args:
      matrix: A `Tensor` `[..., M, N]`.
      rhs: A `Tensor` `[..., M, K]`.
      l2_regularizer: A non-negative scalar.
      fast: Must be True.
      name: A name for the operation (optional).

    Returns:
      `x`, a `Tensor` `[..., N, K]`.
    """
    if not fast:
        raise ValueError("lstsq: only fast=True (the normal equations) is supported in "
                         "ndflow.")
    matrix, rhs = A.convert_to_tensor(matrix), A.convert_to_tensor(rhs)
    m, n = matrix.shape[-2], matrix.shape[-1]
    if m is None or n is None:
        raise ValueError("lstsq: the matrix's last two dimensions must be known.")
    if m >= n:  # overdetermined: x = (A^H A + l I)^-1 A^H b
        gram = matmul(matrix, matrix, adjoint_a=True) + l2_regularizer * eye(n,
                                                                             dtype=matrix.dtype)
        return cholesky_solve(cholesky(gram), matmul(matrix, rhs, adjoint_a=True), name=name)
    gram = matmul(matrix, matrix, adjoint_b=True) + l2_regularizer * eye(m, dtype=matrix.dtype)
    return matmul(matrix, cholesky_solve(cholesky(gram), rhs), adjoint_a=True, name=name)


def pinv(a, rcond=None, validate_args=False, name=None):
    """The Moore-Penrose pseudo-inverse of each matrix, from its SVD: singular values below
    `rcond * max(s)` (default `10 * max(M, N) * eps`) count as zero. Not differentiable
    (the SVD's vectors are not)."""
    a = A.convert_to_tensor(a)
    s, u, v = svd(a)
    if rcond is None:
        dims = A.shape(a)
        size = M.cast(M.maximum(dims[-2], dims[-1]), a.dtype)
        rcond = 10.0 * np.finfo(a.dtype.as_numpy_dtype).eps * size
    cutoff = rcond * M.reduce_max(s, axis=-1, keepdims=True)
    s_inv = M.divide_no_nan(A.ones_like(s), A.where(s > cutoff, s, A.zeros_like(s)))
    return matmul(v * A.expand_dims(s_inv, -2), u, adjoint_b=True, name=name)


def matrix_solve_ls(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """TF1's name of `tf.linalg.lstsq`."""
    return lstsq(matrix, rhs, l2_regularizer, fast, name)


from ..util.export import export_many  # noqa: E402

_LINALG = {"inv": inv, "det": det, "slogdet": slogdet, "solve": solve,
           "triangular_solve": triangular_solve, "cholesky": cholesky,
           "cholesky_solve": cholesky_solve, "qr": qr, "svd": svd, "eigh": eigh,
           "eigvalsh": eigvalsh, "diag": diag, "diag_part": diag_part, "set_diag": set_diag,
           "trace": trace, "adjoint": adjoint, "matrix_transpose": matrix_transpose,
           "matvec": matvec, "logdet": logdet, "lstsq": lstsq, "pinv": pinv}
export_many("linalg", _LINALG)
export_many("v1.linalg", _LINALG)
export_many("v1", {"matrix_inverse": inv, "matrix_determinant": det, "matrix_solve": solve,
                   "matrix_triangular_solve": triangular_solve, "cholesky": cholesky,
                   "cholesky_solve": cholesky_solve, "qr": qr, "svd": svd,
                   "self_adjoint_eig": eigh, "self_adjoint_eigvals": eigvalsh,
                   "matrix_diag": diag, "matrix_diag_part": diag_part,
                   "matrix_set_diag": set_diag, "matrix_transpose": matrix_transpose,
                   "trace": trace, "matrix_solve_ls": matrix_solve_ls})
