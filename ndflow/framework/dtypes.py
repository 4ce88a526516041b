"""DType: TensorFlow's dtype objects, each backed by a NumPy dtype."""
import builtins as _builtins

import numpy as np


class DType:
    """A tensor's element type: `ndflow.float32`, `ndflow.int64`, `ndflow.string`...

    Each DType wraps the NumPy dtype its values are stored in and answers questions about it
    (`is_floating`, `is_integer`, `is_bool`, `size`, `min`, `max`). `ndflow.as_dtype` converts
    names, NumPy dtypes and Python types to a DType.

    Args:
      name: The TensorFlow name, e.g. "float32".
      np_dtype: The matching NumPy dtype.

    Example:

    >>> ndflow.as_dtype("float32") is ndflow.float32
    True
    """
    __slots__ = ("name", "_np")

    def __init__(self, name, np_dtype):
        self.name = name
        self._np = np_dtype

    @property
    def as_numpy_dtype(self):
        return self._np.type if self._np is not None and self._np.kind != "O" else object

    @property
    def base_dtype(self):
        return self

    @property
    def is_floating(self):
        return self._np is not None and self._np.kind == "f"

    @property
    def is_integer(self):
        return self._np is not None and self._np.kind in "iu"

    @property
    def is_unsigned(self):
        return self._np is not None and self._np.kind == "u"

    @property
    def is_bool(self):
        return self._np is not None and self._np.kind == "b"

    @property
    def is_complex(self):
        return self._np is not None and self._np.kind == "c"

    @property
    def is_numeric(self):
        return self.is_floating or self.is_integer or self.is_complex

    @property
    def size(self):
        return self._np.itemsize if self._np is not None else None

    @property
    def min(self):
        return np.finfo(self._np).min if self.is_floating else np.iinfo(self._np).min

    @property
    def max(self):
        return np.finfo(self._np).max if self.is_floating else np.iinfo(self._np).max

    def is_compatible_with(self, other):
        return self == as_dtype(other)

    def __eq__(self, other):
        if other is None:
            return False
        if not isinstance(other, DType):
            try:
                other = as_dtype(other)
            except TypeError:
                return False
        return self.name == other.name

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return "tf." + self.name

    __str__ = __repr__

    def __reduce__(self):
        return as_dtype, (self.name,)


float16 = half = DType("float16", np.dtype(np.float16))
float32 = DType("float32", np.dtype(np.float32))
float64 = double = DType("float64", np.dtype(np.float64))
int8 = DType("int8", np.dtype(np.int8))
int16 = DType("int16", np.dtype(np.int16))
int32 = DType("int32", np.dtype(np.int32))
int64 = DType("int64", np.dtype(np.int64))
uint8 = DType("uint8", np.dtype(np.uint8))
uint16 = DType("uint16", np.dtype(np.uint16))
uint32 = DType("uint32", np.dtype(np.uint32))
uint64 = DType("uint64", np.dtype(np.uint64))
bool = DType("bool", np.dtype(np.bool_))  # noqa: A001 - TensorFlow's public name
complex64 = DType("complex64", np.dtype(np.complex64))
complex128 = DType("complex128", np.dtype(np.complex128))
string = DType("string", np.dtype(object))  # object arrays holding bytes
# An opaque Python value flowing between kernels (TensorArray lists, while-loop histories).
variant = DType("variant", None)

_ALL = [float16, float32, float64, int8, int16, int32, int64, uint8, uint16,
        uint32, uint64, bool, complex64, complex128, string, variant]
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update({"half": float16, "float": float32, "double": float64,
                 "bool_": bool, "str": string, "object": string})
_BY_NP = {d._np: d for d in _ALL if d._np is not None}
# The DataType enum values of TensorFlow's types.proto, which tf.as_dtype also accepts.
_BY_ENUM = {1: float32, 2: float64, 3: int32, 4: uint8, 5: int16, 6: int8, 7: string,
            8: complex64, 9: int64, 10: bool, 17: uint16, 18: complex128, 19: float16,
            22: uint32, 23: uint64}


def as_dtype(value):
    """Converts a DType, a name, a NumPy dtype or a Python type to a `DType`.

    Args:
      value: E.g. `ndflow.float32`, "float32", `numpy.float32`, `np.dtype("int64")`, `float`
        (float32), `int` (int32), `bool` or `str` (string).

    Returns:
      The `DType`.

    Raises:
      TypeError: If `value` names no supported dtype.

    Example:

    >>> ndflow.as_dtype("int64")
    tf.int64
    """
    if isinstance(value, DType):
        return value
    if value is float:
        return float32
    if value is int:
        return int32
    if value is _builtins.bool:
        return bool
    if value is str or value is bytes:
        return string
    if type(value) is int and value in _BY_ENUM:  # TensorFlow's DataType enum: as_dtype(2) is float64
        return _BY_ENUM[value]
    if isinstance(value, str):
        d = _BY_NAME.get(value)
        if d is not None:
            return d
    try:
        npd = np.dtype(value)
    except TypeError:
        npd = None
    if npd is not None:
        d = _BY_NP.get(npd)
        if d is not None:
            return d
        if npd.kind in "USO":  # text, bytes, or objects holding bytes (serialized protos)
            return string
    raise TypeError(f"Cannot convert {value!r} to a dtype. Expected a tf.DType, "
                    f"a dtype name such as 'float32', or a NumPy dtype.")



def from_numpy(np_dtype):
    """Fast lookup of the DType for a NumPy dtype (used on hot paths)."""
    d = _BY_NP.get(np_dtype)
    if d is None:
        return as_dtype(np_dtype)
    return d
