"""Python and NumPy values as arrays, by TensorFlow's typing rules.

Python floats become float32 and ints int32 (int64 when they do not fit), NumPy float64
arrays become float32; a Python int that does not fit the dtype asked for is an error,
not a wrapped number; a Python scalar next to a tensor stays weakly typed so
`float32_tensor * 0.1` stays float32.
"""
import numpy as np

from . import dtypes


def default_array(value):
    """A Python/NumPy value as an array with TensorFlow's default dtypes (float32, int32)."""
    if isinstance(value, np.ndarray):  # text becomes a tf.string value; other objects pass
        if value.dtype.kind in "US" or (value.dtype.kind == "O" and value.size and all(
                isinstance(v, (str, bytes)) for v in value.flat)):
            return string_array(value)
        return value
    if isinstance(value, np.generic):
        return np.asarray(value)
    if isinstance(value, bool):
        return np.asarray(value, np.bool_)
    if isinstance(value, float):
        return np.asarray(value, np.float32)
    if isinstance(value, int):
        if -2**31 <= value < 2**31:
            return np.asarray(value, np.int32)
        _check_int_range(value, np.dtype(np.int64))
        return np.asarray(value, np.int64)
    if isinstance(value, (str, bytes)):
        return string_array(value)
    arr = np.asarray(value)
    if arr.dtype.kind == "O" and arr.size and all(
            isinstance(v, int) for v in arr.reshape(-1)):  # Python ints beyond int64
        _check_int_range(value, np.dtype(np.int64), arr)
    if arr.dtype == np.float64:
        return arr.astype(np.float32)
    if arr.dtype == np.int64 and (arr.size == 0 or (arr.min() >= -2**31 and arr.max() < 2**31)):
        return arr.astype(np.int32)
    if arr.dtype.kind in "OUS":
        return string_array(arr)
    return arr


def cast_array(value, np_dtype):
    """`value` as an array of `np_dtype`; refuses to drop a fractional part silently."""
    if np_dtype.kind == "O":
        return string_array(value)
    if isinstance(value, np.ndarray) and value.dtype == np_dtype:
        return value
    if np_dtype.kind in "iu" and not isinstance(value, (np.ndarray, np.generic)):
        _check_int_range(value, np_dtype)  # Python ints must fit (NumPy arrays wrap, as in TF)
    arr = np.asarray(value)
    if np_dtype.kind in "iub" and arr.dtype.kind in "fc":
        if not np.all(np.mod(arr, 1) == 0):
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype "
                            f"{dtypes.from_numpy(np_dtype).name}")
    return arr.astype(np_dtype, copy=False)


def string_array(value):
    """`value` (str, bytes, nested lists of them, a NumPy text array) as a tf.string value: an
    object array of bytes (str is encoded as UTF-8, as TensorFlow does)."""
    arr = np.asarray(value, dtype=object)
    flat = arr.reshape(-1)
    if all(v.__class__ is bytes for v in flat):
        return arr
    out = np.empty(flat.shape, dtype=object)
    for i, v in enumerate(flat):
        if not isinstance(v, (str, bytes)):
            raise TypeError(f"Cannot convert {value!r} to a tensor: expected str or bytes "
                            f"elements for a tf.string tensor, got {type(v).__name__} {v!r}.")
        out[i] = v.encode("utf-8") if isinstance(v, str) else bytes(v)
    return out.reshape(arr.shape)


def _check_int_range(value, np_dtype, arr=None):
    """Raises ValueError when a Python int (or nested list of them) is out of `np_dtype`'s range."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        ints = (value,)
    else:
        if arr is None:
            try:
                arr = np.asarray(value)
            except (OverflowError, ValueError, TypeError):
                return
        if arr.dtype.kind not in "iuO" or not arr.size:
            return
        if arr.dtype.kind in "iu":
            info = np.iinfo(np_dtype)
            lo, hi = int(arr.min()), int(arr.max())
            if lo >= info.min and hi <= info.max:
                return
            ints = (lo, hi)
        else:
            ints = [v for v in arr.reshape(-1) if isinstance(v, int) and not isinstance(v, bool)]
    info = np.iinfo(np_dtype)
    for v in ints:
        if not info.min <= v <= info.max:
            name = dtypes.from_numpy(np_dtype).name
            raise ValueError(f"Can't convert Python int {v} to {name}: it is out of range "
                             f"[{info.min}, {info.max}] (the value does not fit {name}).")


def _weak_scalar(value, np_dtype):
    """Python scalar kept weakly typed (NumPy 2, NEP 50) so `float32 * 0.1` stays float32."""
    kind = np_dtype.kind
    if kind in "fc":
        return value
    if kind in "iu" and not isinstance(value, float):
        return value
    return cast_array(value, np_dtype)
