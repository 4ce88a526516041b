"""File datasets: TextLineDataset, TFRecordDataset, FixedLengthRecordDataset, list_files."""
import glob as _glob
import os


from ..framework import dtypes
from ..framework.errors import DataLossError, InvalidArgumentError
from ..framework.tensor import TensorSpec
from ..framework.tensor_shape import TensorShape
from ..io import tfrecord
from . import structure
from .dataset import UNKNOWN, DatasetV2

_STRING = TensorSpec(TensorShape([]), dtypes.string)


def _scalar_bytes(value):
    return structure.holding(value)


def _filenames(filenames, what):
    """The file names as a list of str (a string, a list, a string tensor, or a dataset)."""
    if isinstance(filenames, DatasetV2):
        spec = filenames._spec
        if not isinstance(spec, TensorSpec) or spec.dtype != dtypes.string:
            raise TypeError(f"{what}: a dataset of file names must have scalar tf.string "
                            f"elements; got {spec}.")
        return filenames
    arr = structure.to_array(filenames, dtypes.string)
    names = [v.decode("utf-8") for v in arr.reshape(-1)]
    if not names:
        raise InvalidArgumentError(f"{what}: `filenames` is empty.")
    return names


class _FileDataset(DatasetV2):
    _what = "Dataset"

    def __init__(self, filenames, compression_type=None, num_parallel_reads=None):
        self._files = _filenames(filenames, self._what)
        if isinstance(self._files, DatasetV2):
            self._inputs = (self._files,)
        self._compression = tfrecord.compression_name(compression_type or "",
                                                      f"{self._what}: compression_type")
        self._parallel = num_parallel_reads
        self._spec = _STRING

    def _names(self):
        if isinstance(self._files, DatasetV2):
            return (e[0][()].decode("utf-8") for e in self._files._iterate())
        return iter(self._files)

    def _read(self, path):  # pragma: no cover - each reader defines it
        raise NotImplementedError

    def _iterate(self):
        n = self._parallel
        if n is None or n == 1 or isinstance(self._files, DatasetV2):
            for path in self._names():
                yield from self._read(path)
            return
        cycle = os.cpu_count() or 1 if n == -1 else int(n)
        pending = list(self._names())
        active = []
        while pending or active:  # round-robin over up to `cycle` open files, one record each
            while pending and len(active) < cycle:
                active.append(self._read(pending.pop(0)))
            for reader in list(active):
                item = next(reader, None)
                if item is None:
                    active.remove(reader)
                else:
                    yield item

    def _cardinality(self):
        return UNKNOWN


class TextLineDataset(_FileDataset):
    """The lines of one or more text files, without their line endings.

    Args:
      filenames: a file name, a list of them, or a dataset of them.
      compression_type: '', 'ZLIB' or 'GZIP'.
      buffer_size: accepted; files are read through Python's buffered I/O.
      num_parallel_reads: files read at once, their lines interleaved.
    """
    _what = "TextLineDataset"

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None, name=None):
        super().__init__(filenames, compression_type, num_parallel_reads)

    def _read(self, path):
        f = tfrecord.open_for_reading(path, self._compression)
        try:
            if self._compression == "ZLIB":
                data = f.read(1 << 62)
                lines = data.split(b"\n")
                if lines and lines[-1] == b"":
                    lines.pop()
                for line in lines:
                    yield (_scalar_bytes(line[:-1] if line.endswith(b"\r") else line),)
                return
            for line in f:
                if line.endswith(b"\n"):
                    line = line[:-1]
                if line.endswith(b"\r"):
                    line = line[:-1]
                yield (_scalar_bytes(line),)
        finally:
            f.close()


class TFRecordDataset(_FileDataset):
    """The records of one or more TFRecord files (framing and checksums checked).

    Args:
      filenames: a file name, a list of them, or a dataset of them.
      compression_type: '', 'ZLIB' or 'GZIP'.
      buffer_size: accepted.
      num_parallel_reads: files read at once, their records interleaved.
    """
    _what = "TFRecordDataset"

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None, name=None):
        super().__init__(filenames, compression_type, num_parallel_reads)

    def _read(self, path):
        for record in tfrecord.iterate_records(path, self._compression):
            yield (_scalar_bytes(record),)


class FixedLengthRecordDataset(_FileDataset):
    """Records of `record_bytes` bytes each, after `header_bytes` and before `footer_bytes`."""
    _what = "FixedLengthRecordDataset"

    def __init__(self, filenames, record_bytes, header_bytes=None, footer_bytes=None,
                 buffer_size=None, compression_type=None, num_parallel_reads=None, name=None):
        super().__init__(filenames, compression_type, num_parallel_reads)
        self._record = int(record_bytes)
        self._header = int(header_bytes or 0)
        self._footer = int(footer_bytes or 0)
        if self._record <= 0:
            raise InvalidArgumentError(f"FixedLengthRecordDataset: `record_bytes` must be "
                                       f"positive; received {record_bytes}.")

    def _read(self, path):
        f = tfrecord.open_for_reading(path, self._compression)
        try:
            data = f.read()
        finally:
            f.close()
        body = data[self._header:len(data) - self._footer if self._footer else len(data)]
        if len(body) % self._record:
            raise DataLossError(f"{path}: the file holds {len(body)} bytes of records, not a "
                                f"multiple of record_bytes={self._record}.")
        for start in range(0, len(body), self._record):
            yield (_scalar_bytes(body[start:start + self._record]),)


def matching_files(patterns):
    """The files matching the glob `patterns`, sorted (tf.io.matching_files)."""
    arr = structure.to_array(patterns, dtypes.string)
    found = set()
    for p in arr.reshape(-1):
        pattern = p.decode("utf-8")
        found.update(_glob.glob(pattern))
    return sorted(found)


def list_files(file_pattern, shuffle=None, seed=None):
    from .sources import TensorSliceDataset
    files = matching_files(file_pattern)
    if not files:
        arr = structure.to_array(file_pattern, dtypes.string)
        shown = ", ".join(p.decode("utf-8") for p in arr.reshape(-1))
        raise InvalidArgumentError(f"Dataset.list_files(): No files matched pattern: {shown}")
    ds = TensorSliceDataset(structure.string_array(files))
    if shuffle is None or shuffle:
        ds = ds.shuffle(len(files), seed=seed)
    return ds


