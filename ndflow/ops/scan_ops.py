"""Scans: cumsum and cumprod along an axis (exclusive and reverse forms)."""
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.shape_fns import unary
from ..framework.tensor import EagerTensor


def _check_axis(name, x, axis):
    if not -max(x.ndim, 1) <= axis < max(x.ndim, 1):
        raise InvalidArgumentError(f"{name}: axis {axis} is out of range for an input of shape "
                                   f"{x.shape}.")


def _cumulative(xp, x, axis, exclusive, reverse, accumulate, identity):
    _check_axis("Cumulative op", x, axis)
    if x.ndim == 0:
        return x
    if reverse:
        x = xp.flip(x, axis)
    out = accumulate(x, axis=axis, dtype=x.dtype)
    if exclusive:  # shift by one along axis, starting from the identity element
        first = xp.full_like(xp.take(out, [0], axis=axis), identity)
        rest = xp.take(out, xp.arange(out.shape[axis] - 1), axis=axis)
        out = xp.concatenate([first, rest], axis=axis)
    return xp.flip(out, axis) if reverse else out


@op("Cumsum", infer=unary)
def CUMSUM(xp, x, axis, exclusive, reverse):
    return _cumulative(xp, x, axis, exclusive, reverse, xp.cumsum, 0)


@CUMSUM.gradient
def _cumsum_grad(op, g):
    attrs = dict(op.attrs, reverse=not op.attrs["reverse"])
    return [execute(CUMSUM, (g,), attrs)]


@op("Cumprod", infer=unary)
def CUMPROD(xp, x, axis, exclusive, reverse):
    return _cumulative(xp, x, axis, exclusive, reverse, xp.cumprod, 1)


@CUMPROD.gradient
def _cumprod_grad(op, g):
    # d out_j / d x_i = out_j / x_i for every j that includes x_i (inputs away from zero)
    x, out = op.inputs[0], op.outputs[0]
    attrs = dict(op.attrs, reverse=not op.attrs["reverse"])
    return [execute(CUMSUM, (out * g,), attrs) / x]


def _cumulative_attrs(axis, exclusive, reverse):
    if isinstance(axis, EagerTensor):
        axis = axis._value.item()
    return {"axis": int(axis), "exclusive": bool(exclusive), "reverse": bool(reverse)}


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative sum of `x` along `axis`.

    Element `i` is the sum of elements `0..i`. `exclusive=True` leaves out element `i` itself
    (the first result is 0); `reverse=True` accumulates from the end.

    Args:
      x: A numeric `Tensor`.
      axis: The axis to accumulate along (default 0).
      exclusive: If true, exclude the current element.
      reverse: If true, accumulate in reverse order.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `x`'s shape and dtype.

    Example:

    >>> ndflow.cumsum([1, 2, 3]).numpy()
    array([1, 3, 6], dtype=int32)
    """
    return execute(CUMSUM, (x,), _cumulative_attrs(axis, exclusive, reverse), name)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative product of `x` along `axis`.

    Element `i` is the product of elements `0..i`. `exclusive=True` leaves out element `i` itself
    (the first result is 1); `reverse=True` accumulates from the end.

    Args:
      x: A numeric `Tensor`.
      axis: The axis to accumulate along (default 0).
      exclusive: If true, exclude the current element.
      reverse: If true, accumulate in reverse order.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `x`'s shape and dtype.
    """
    return execute(CUMPROD, (x,), _cumulative_attrs(axis, exclusive, reverse), name)


from ..util.export import export_many  # noqa: E402

export_many("", {"cumsum": cumsum})
export_many("math", {"cumsum": cumsum, "cumprod": cumprod})
export_many("v1", {"cumprod": cumprod})
