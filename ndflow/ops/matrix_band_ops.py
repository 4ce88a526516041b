"""tf.linalg.band_part: keep a band around the diagonal of each innermost matrix, zero the
rest (with num_lower=-1, num_upper=0 it is the lower triangle: the causal attention mask)."""
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.shape_fns import unary
from .array_ops import _static_ints


def _check_band(shape, num_lower, num_upper):
    """Raises unless `shape` (a list, None for unknown dimensions) can hold the band."""
    if len(shape) < 2:
        raise InvalidArgumentError(f"MatrixBandPart: input must be at least 2-D, got shape "
                                   f"{tuple(shape)}.")
    for what, value, dim, side in (("num_lower", num_lower, shape[-2], "rows"),
                                   ("num_upper", num_upper, shape[-1], "columns")):
        if dim is not None and value > dim:
            raise InvalidArgumentError(f"MatrixBandPart: {what} must be negative or at most "
                                       f"the matrix's {side} ({dim}); got {what}={value}.")


def _band_infer(ts, attrs):
    if ts[0].shape.rank is not None:
        _check_band(ts[0].shape.as_list(), attrs["num_lower"], attrs["num_upper"])
    return unary(ts, attrs)


@op("MatrixBandPart", infer=_band_infer)
def MATRIX_BAND_PART(xp, x, num_lower, num_upper):
    _check_band(list(x.shape), num_lower, num_upper)
    rows, cols = x.shape[-2:]
    below = xp.arange(rows)[:, None] - xp.arange(cols)[None, :]  # m - n
    keep = xp.ones((rows, cols), dtype=bool)
    if num_lower >= 0:
        keep &= below <= num_lower
    if num_upper >= 0:
        keep &= -below <= num_upper
    return xp.where(keep, x, xp.zeros((), dtype=x.dtype))


@MATRIX_BAND_PART.gradient
def _band_part_grad(op, g):
    return [execute(MATRIX_BAND_PART, (g,), op.attrs)]


def band_part(input, num_lower, num_upper, name=None):  # noqa: A002
    """Copies a tensor, zeroing everything outside a band around each matrix's diagonal.

    Element `[..., m, n]` is kept when `(num_lower < 0 or m - n <= num_lower) and
    (num_upper < 0 or n - m <= num_upper)`.

    Args:
      input: A `Tensor` of rank >= 2: a batch of matrices in its last two dimensions.
      num_lower: Number of subdiagonals to keep; negative keeps the whole lower triangle.
      num_upper: Number of superdiagonals to keep; negative keeps the whole upper triangle.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `input`'s shape and dtype.

    Raises:
      InvalidArgumentError: If `input` has rank below 2, or a band is wider than the matrix.
    """
    bounds = {}
    for what, value in (("num_lower", num_lower), ("num_upper", num_upper)):
        ints = _static_ints(value, what, "band_part")
        if len(ints) != 1:
            raise InvalidArgumentError(f"band_part: {what} must be a scalar, got {value!r}.")
        bounds[what] = int(ints[0])
    return execute(MATRIX_BAND_PART, (input,), bounds, name)


from ..util.export import export_many  # noqa: E402

export_many("linalg", {"band_part": band_part})
export_many("v1", {"matrix_band_part": band_part})
export_many("v1.linalg", {"band_part": band_part})
