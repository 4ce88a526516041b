"""Variable reads and writes as functions (tf.assign and friends)."""
from ..framework.variables import Variable


def _check(ref, fn):
    if not isinstance(ref, Variable):
        raise TypeError(f"{fn}: expected a Variable as the first argument, got {ref!r}.")


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """TF1: sets a variable to `value`.

    The same as `ref.assign(value)`. In a TF1 graph it returns an op that performs the update
    when run; eagerly the update happens at once.

    Args:
      ref: A `Variable`.
      value: A `Tensor` (or convertible value) of `ref`'s dtype and shape.
      validate_shape: Accepted for TensorFlow compatibility.
      use_locking: Accepted for TensorFlow compatibility; ignored.
      name: A name for the operation (optional).

    Returns:
      The variable's new value (a tensor in graphs).

    Raises:
      TypeError: If `ref` is not a variable.
    """
    _check(ref, "assign")
    return ref.assign(value, name=name)


def assign_add(ref, value, use_locking=None, name=None):
    """TF1: adds `value` to a variable.

    The same as `ref.assign_add(value)`. In a TF1 graph it returns an op that performs the update
    when run; eagerly the update happens at once.

    Args:
      ref: A `Variable`.
      value: A `Tensor` (or convertible value) of `ref`'s dtype and shape.
      use_locking: Accepted for TensorFlow compatibility; ignored.
      name: A name for the operation (optional).

    Returns:
      The variable's new value (a tensor in graphs).

    Raises:
      TypeError: If `ref` is not a variable.
    """
    _check(ref, "assign_add")
    return ref.assign_add(value, name=name)


def assign_sub(ref, value, use_locking=None, name=None):
    """TF1: subtracts `value` from a variable.

    The same as `ref.assign_sub(value)`. In a TF1 graph it returns an op that performs the update
    when run; eagerly the update happens at once.

    Args:
      ref: A `Variable`.
      value: A `Tensor` (or convertible value) of `ref`'s dtype and shape.
      use_locking: Accepted for TensorFlow compatibility; ignored.
      name: A name for the operation (optional).

    Returns:
      The variable's new value (a tensor in graphs).

    Raises:
      TypeError: If `ref` is not a variable.
    """
    _check(ref, "assign_sub")
    return ref.assign_sub(value, name=name)


# --- sliced assignment: v[0, 1].assign(x), v[:, 2].assign(x) -------------------------------
# `v[key]` is an ordinary tensor (a read of v, indexed); the slice of a variable also
# remembers (v, key), so that its `assign` writes v with `key` replaced. The engine is not
# touched: the remembered pairs live in a table keyed by the tensor's id (entries leave with
# their tensor), and `assign` is a property that plain tensors answer with AttributeError.

import weakref  # noqa: E402

from ..framework.registry import execute, op  # noqa: E402
from ..framework.tensor import EagerTensor, SymbolicTensor  # noqa: E402
from .indexing_ops import _real_key, getitem, normalize_key  # noqa: E402

_SLICES = {}  # id(sliced tensor) -> (weakref to it, variable, key)


@op("TensorSetItem", differentiable=False, infer=lambda ts, a: [(ts[0].shape, ts[0].dtype)])
def TENSOR_SET_ITEM(xp, x, value, *index_arrays, key):
    """`x` with `x[key]` replaced by `value` (broadcast to the indexed shape)."""
    out = x.copy()
    out[_real_key(key, index_arrays) if index_arrays else key] = value
    return out


def set_item(x, key, value):
    """A copy of tensor `x` with `x[key] = value` (NumPy-style key)."""
    from .array_ops import cast, convert_to_tensor
    x = convert_to_tensor(x)
    value = convert_to_tensor(value, dtype_hint=x.dtype)
    if value.dtype != x.dtype:
        value = cast(value, x.dtype)
    items, extra = normalize_key(key)
    return execute(TENSOR_SET_ITEM, (x, value) + tuple(extra), {"key": tuple(items)},
                   "TensorSetItem")


def _variable_getitem(var, key):
    out = getitem(var, key)
    ident = id(out)
    _SLICES[ident] = (weakref.ref(out, lambda _, i=ident: _SLICES.pop(i, None)), var, key)
    return out


def _sliced_assign(tensor):
    entry = _SLICES.get(id(tensor))
    if entry is None or entry[0]() is not tensor:
        raise AttributeError(f"'{type(tensor).__name__}' object has no attribute 'assign' "
                             "(only a slice of a Variable, v[...], can be assigned to)")
    _, var, key = entry

    def assign(value, use_locking=None, name=None, read_value=True):
        """Writes `value` into this slice of the variable it was taken from."""
        return var.assign(set_item(var.read_value(), key, value), name=name,
                          read_value=read_value)
    return assign


def _tensor_dir(tensor):
    """dir() of a tensor lists `assign` only on a Variable slice (TensorFlow attaches it to
    those alone), so programs that print dir(tensor) see TensorFlow's names."""
    names = object.__dir__(tensor)
    entry = _SLICES.get(id(tensor))
    if entry is None or entry[0]() is not tensor:
        names = [n for n in names if n != "assign"]
    return names


Variable.__getitem__ = _variable_getitem
EagerTensor.assign = SymbolicTensor.assign = property(_sliced_assign)
EagerTensor.__dir__ = SymbolicTensor.__dir__ = _tensor_dir


from ..util.export import export_many  # noqa: E402

export_many("v1", {"assign": assign, "assign_add": assign_add, "assign_sub": assign_sub})
