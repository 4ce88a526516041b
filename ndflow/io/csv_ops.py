"""tf.io.decode_csv: CSV records (string tensors) to one tensor per column."""
import csv

import numpy as np

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor import EagerTensor, TensorLike


def _column_default(default, index):
    """(dtype, value or None when the column is required) of one record_defaults entry."""
    if isinstance(default, TensorLike):
        arr = np.asarray(default.numpy()) if hasattr(default, "numpy") else None
        if arr is None:
            raise TypeError(f"decode_csv: record_defaults[{index}] must be a constant.")
        dtype = default.dtype
    else:
        if isinstance(default, np.ndarray):
            arr = default
        elif isinstance(default, (list, tuple)):
            arr = np.asarray(default, dtype=object) if not default or isinstance(
                default[0], (str, bytes)) else np.asarray(default)
        else:
            arr = np.asarray([default], dtype=object if isinstance(default, (str, bytes))
                             else None)
        flat = arr.reshape(-1)
        if flat.size and isinstance(flat[0], (str, bytes, np.str_, np.bytes_)):
            dtype = dtypes.string
        elif arr.dtype.kind == "f":
            dtype = dtypes.float32
        elif arr.dtype.kind in "iu":
            dtype = dtypes.int32 if arr.dtype.itemsize <= 4 or all(
                -2**31 <= int(v) < 2**31 for v in flat) else dtypes.int64
        elif arr.dtype.kind == "b":
            raise TypeError(f"decode_csv: record_defaults[{index}] has an unsupported type "
                            f"bool.")
        elif flat.size == 0:
            dtype = dtypes.float32
        else:
            dtype = dtypes.as_dtype(arr.dtype)
    flat = np.asarray(arr).reshape(-1)
    if flat.size > 1:
        raise ValueError(f"decode_csv: record_defaults[{index}] must hold at most one value; "
                         f"received {flat.size}.")
    if dtype.name not in ("float32", "float64", "int32", "int64", "string"):
        raise TypeError(f"decode_csv: record_defaults[{index}] has unsupported type "
                        f"{dtype.name}; use float32, float64, int32, int64 or string.")
    value = None
    if flat.size:
        v = flat[0]
        value = (v.encode() if isinstance(v, str) else bytes(v)) if dtype == dtypes.string \
            else v
    return dtype, value


def _convert(text, dtype, default, column, record, na_value):
    if text == "" or (na_value and text == na_value):
        if default is None:
            raise InvalidArgumentError(f"Field {column} is required but missing in record "
                                       f"{record}!")
        return default
    if dtype == dtypes.string:
        return text.encode("utf-8")
    try:
        if dtype.is_integer:
            return int(text)
        return float(text)
    except ValueError:
        raise InvalidArgumentError(f"Field {column} in record {record} is not a valid "
                                   f"{dtype.name}: {text}") from None


def _default_input(default, index):
    """record_defaults[index] as a tensor input of the op (its dtype checked): a tensor as
    it is (a graph tensor's value is read when the op runs), a Python value or list as a
    constant."""
    if isinstance(default, TensorLike):
        dtype = default.dtype
        if dtype.name not in _CSV_TYPES:
            raise TypeError(f"decode_csv: record_defaults[{index}] has unsupported type "
                            f"{dtype.name}; use float32, float64, int32, int64 or string.")
        if default.shape.rank is not None and default.shape.num_elements() is not None \
                and default.shape.num_elements() > 1:
            raise ValueError(f"decode_csv: record_defaults[{index}] must hold at most one "
                             f"value; received shape {default.shape}.")
        return default
    dtype, value = _column_default(default, index)
    if dtype == dtypes.string:
        arr = np.empty((0,) if value is None else (1,), dtype=object)
        if value is not None:
            arr[0] = value
    else:
        arr = np.asarray([] if value is None else [value], dtype._np)
    return convert_to_tensor(arr, dtype=dtype)


_CSV_TYPES = ("float32", "float64", "int32", "int64", "string")


def _default_value(array, dtype, index):
    """The value of an empty field from one default (None: the column is required)."""
    flat = np.asarray(array).reshape(-1)
    if flat.size > 1:
        raise InvalidArgumentError(f"There should only be 1 default per field but field "
                                   f"{index} has {flat.size}")
    if not flat.size:
        return None
    v = flat[0]
    if dtype == dtypes.string:
        return v.encode() if isinstance(v, str) else bytes(v)
    return v


@op("DecodeCSV", host=True, multi_output=True, differentiable=False,
    infer=lambda ts, a: [(ts[0].shape, t.dtype) for t in ts[1:]])
def DECODE_CSV(xp, records, *defaults, field_delim, use_quote_delim, na_value, select_cols,
               types):
    columns = [(d, _default_value(a, d, i)) for i, (d, a) in enumerate(zip(types, defaults))]
    records = np.asarray(records, dtype=object)
    outs = [np.empty(records.shape, dtype=object if d == dtypes.string else d._np)
            for d, _ in columns]
    for index, record in enumerate(records.reshape(-1)):
        line = record.decode("utf-8") if isinstance(record, bytes) else str(record)
        reader = csv.reader([line], delimiter=field_delim,
                            quoting=csv.QUOTE_MINIMAL if use_quote_delim else csv.QUOTE_NONE)
        fields = next(reader, [""])
        if select_cols is not None:
            if max(select_cols) >= len(fields):
                raise InvalidArgumentError(f"Expect {max(select_cols) + 1} fields but have "
                                           f"{len(fields)} in record {index}")
            fields = [fields[i] for i in select_cols]
        if len(fields) != len(columns):
            raise InvalidArgumentError(f"Expect {len(columns)} fields but have {len(fields)} "
                                       f"in record {index}")
        pos = np.unravel_index(index, records.shape) if records.ndim else ()
        for c, (text, (dtype, default)) in enumerate(zip(fields, columns)):
            outs[c][pos] = _convert(text, dtype, default, c, index, na_value)
    return outs


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, name=None,
               na_value="", select_cols=None):
    """Converts CSV records to tensors, one per column, each of the shape of `records`.

    Args:
      records: a string tensor; each element is one CSV line.
      record_defaults: one entry per column: a one-value list (or tensor) giving the
        column's type and the value of an empty field, or an empty list/tensor (such as
        `tf.constant([], tf.float32)`) for a required column.
      field_delim: the one-character field separator.
      use_quote_delim: whether double quotes group a field containing the delimiter.
      name: optional name of the op.
      na_value: an extra string read as a missing value.
      select_cols: the (sorted) columns to keep.

    Returns:
      A list of tensors, one per column, of the dtypes of `record_defaults`.

    Raises:
      InvalidArgumentError: when a record has the wrong number of fields, a field is not a
        number of its column's type, or a required field is empty.
    """
    if len(field_delim) != 1:
        raise ValueError(f"decode_csv: field_delim must be one character; received "
                         f"{field_delim!r}.")
    defaults = tuple(_default_input(d, i) for i, d in enumerate(record_defaults))
    if select_cols is not None:
        select_cols = tuple(int(c) for c in select_cols)
        if list(select_cols) != sorted(set(select_cols)):
            raise ValueError("decode_csv: select_cols must be sorted without duplicates.")
        if len(select_cols) != len(defaults):
            raise ValueError(f"decode_csv: len(select_cols)={len(select_cols)} must equal "
                             f"len(record_defaults)={len(defaults)}.")
    if not isinstance(records, TensorLike):
        from ..data.structure import string_array
        records = EagerTensor(string_array(records))
    out = execute(DECODE_CSV, (records,) + defaults, {
        "field_delim": field_delim, "use_quote_delim": bool(use_quote_delim),
        "na_value": na_value, "select_cols": select_cols,
        "types": tuple(d.dtype for d in defaults)}, name or "DecodeCSV")
    return list(out) if isinstance(out, (list, tuple)) else [out]
