"""tf.data.experimental.CsvDataset and make_csv_dataset."""
import collections
import csv

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.tensor import TensorSpec
from ..framework.tensor_shape import TensorShape
from ..io import csv_ops, tfrecord
from .dataset import UNKNOWN, DatasetV2
from .readers import _filenames, matching_files


def _parse_line(line, columns, delim, quote, na_value, select, index, path):
    text = line.decode("utf-8") if isinstance(line, bytes) else line
    fields = next(csv.reader([text], delimiter=delim,
                             quoting=csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE), [""])
    if select is not None:
        if select and max(select) >= len(fields):
            raise InvalidArgumentError(f"{path}: expect {max(select) + 1} fields but have "
                                       f"{len(fields)} in record {index}")
        fields = [fields[i] for i in select]
    if len(fields) != len(columns):
        raise InvalidArgumentError(f"{path}: expect {len(columns)} fields but have "
                                   f"{len(fields)} in record {index}")
    out = []
    for c, (text_value, (dtype, default)) in enumerate(zip(fields, columns)):
        value = csv_ops._convert(text_value, dtype, default, c, index, na_value)
        if dtype == dtypes.string:
            a = np.empty((), dtype=object)
            a[()] = value
        else:
            a = np.asarray(value, dtype=dtype._np)
        out.append(a)
    return tuple(out)


class CsvDataset(DatasetV2):
    """The records of CSV files, one tuple of scalars (one per column) each.

    Args:
      filenames: a file name, a list of them, or a dataset of them.
      record_defaults: one entry per (selected) column: its type as a dtype, or a
        one-value list giving the type and the value of an empty field.
      header: whether each file starts with a header line to skip.
      select_cols / exclude_cols: the columns to keep or drop (sorted indices).
    """

    def __init__(self, filenames, record_defaults, compression_type=None, buffer_size=None,
                 header=False, field_delim=",", use_quote_delim=True, na_value="",
                 select_cols=None, exclude_cols=None, name=None):
        self._files = _filenames(filenames, "CsvDataset")
        self._compression = tfrecord.compression_name(compression_type or "")
        columns = []
        for i, d in enumerate(record_defaults):
            if isinstance(d, dtypes.DType) or d in (str, int, float):
                columns.append((dtypes.as_dtype(d), None))
            else:
                columns.append(csv_ops._column_default(d, i))
        self._columns = tuple(columns)
        if select_cols is not None and exclude_cols is not None:
            raise ValueError("CsvDataset: give at most one of select_cols and exclude_cols.")
        self._select = None if select_cols is None else [int(c) for c in select_cols]
        self._exclude = None if exclude_cols is None else set(int(c) for c in exclude_cols)
        self._header, self._delim, self._quote = bool(header), field_delim, use_quote_delim
        self._na = na_value
        self._spec = tuple(TensorSpec(TensorShape([]), d) for d, _ in self._columns)

    def _names(self):
        if isinstance(self._files, DatasetV2):
            return [e[0][()].decode("utf-8") for e in self._files._iterate()]
        return self._files

    def _iterate(self):
        for path in self._names():
            f = tfrecord.open_for_reading(path, self._compression)
            try:
                lines = f.read().split(b"\n") if self._compression else f
                index = 0
                for number, line in enumerate(lines):
                    line = line.rstrip(b"\n").rstrip(b"\r")
                    if (number == 0 and self._header) or not line:
                        continue
                    select = self._select
                    if self._exclude is not None:
                        count = len(next(csv.reader([line.decode("utf-8")],
                                                    delimiter=self._delim)))
                        select = [i for i in range(count) if i not in self._exclude]
                    yield _parse_line(line, self._columns, self._delim, self._quote, self._na,
                                      select, index, path)
                    index += 1
            finally:
                f.close()

    def _cardinality(self):
        return UNKNOWN


def _infer_type(values, na_value):
    present = [v for v in values if v != "" and v != na_value]
    for dtype, convert in ((dtypes.int32, int), (dtypes.float32, float)):
        try:
            converted = [convert(v) for v in present]
        except ValueError:
            continue
        if dtype == dtypes.int32 and any(not -2**31 <= c < 2**31 for c in converted):
            return dtypes.int64
        return dtype
    return dtypes.string


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None,
                     label_name=None, select_columns=None, field_delim=",",
                     use_quote_delim=True, na_value="", header=True, num_epochs=None,
                     shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                     prefetch_buffer_size=None, num_parallel_reads=None, sloppy=False,
                     num_rows_for_inference=100, compression_type=None, ignore_errors=False,
                     encoding="utf-8"):
    """Batches of (features dict, label) — or features alone without `label_name` — read
    from CSV files, column names from the header, column types inferred from the first
    `num_rows_for_inference` rows unless `column_defaults` gives them."""
    files = matching_files(file_pattern)
    if not files:
        raise InvalidArgumentError(f"make_csv_dataset: no files match {file_pattern!r}.")
    with open(files[0], newline="", encoding=encoding) as f:
        rows = list(row for _, row in zip(range(num_rows_for_inference + 1),
                                          csv.reader(f, delimiter=field_delim)))
    if column_names is None:
        if not header:
            raise ValueError("make_csv_dataset: `column_names` is needed when the files have "
                             "no header.")
        column_names = rows[0]
    column_names = list(column_names)
    if len(set(column_names)) != len(column_names):
        raise ValueError(f"make_csv_dataset: column names must be unique; got {column_names}.")
    select = None
    if select_columns is not None:
        select = sorted(column_names.index(c) if isinstance(c, str) else int(c)
                        for c in select_columns)
    keep = select if select is not None else list(range(len(column_names)))
    names = [column_names[i] for i in keep]
    if label_name is not None and label_name not in names:
        raise ValueError(f"make_csv_dataset: label_name {label_name!r} is not one of the "
                         f"columns {names}.")
    if column_defaults is None:
        body = rows[1:] if header else rows
        column_defaults = [_infer_type([r[i] if i < len(r) else "" for r in body], na_value)
                           for i in keep]
        column_defaults = [[d._np.type(0).item()] if d != dtypes.string else [""]
                           for d in column_defaults]
    ds = CsvDataset(files, column_defaults, compression_type, header=header,
                    field_delim=field_delim, use_quote_delim=use_quote_delim, na_value=na_value,
                    select_cols=select)
    if ignore_errors:
        ds = ds.ignore_errors()
    if num_epochs != 1:
        ds = ds.repeat(num_epochs)
    if shuffle:
        ds = ds.shuffle(shuffle_buffer_size, shuffle_seed)

    def to_features(*columns):
        features = collections.OrderedDict(zip(names, columns))
        if label_name is None:
            return features
        label = features.pop(label_name)
        return features, label
    ds = ds.batch(batch_size).map(to_features)
    return ds.prefetch(-1 if prefetch_buffer_size is None else prefetch_buffer_size)
