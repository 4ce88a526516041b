"""TFRecord files: TensorFlow's record framing, written and read with checks.

Each record is `uint64 length | uint32 masked_crc32c(length) | data | uint32
masked_crc32c(data)`, little-endian. Files may be compressed as a whole with GZIP or ZLIB.
A record whose checksum does not match, or a file that ends inside a record, raises
DataLossError naming the file and the record's offset.
"""
import gzip
import os
import struct
import tempfile
import zlib

from ..framework.errors import DataLossError, InvalidArgumentError, NotFoundError
from .crc32c import masked_crc32c

_COMPRESSIONS = {"": "", None: "", "NONE": "", "GZIP": "GZIP", "ZLIB": "ZLIB"}


def compression_name(compression_type, what="compression_type"):
    if isinstance(compression_type, TFRecordOptions):
        return compression_type.compression_type
    key = compression_type.upper() if isinstance(compression_type, str) else compression_type
    if isinstance(key, int):  # TF1's TFRecordCompressionType enum: NONE 0, ZLIB 1, GZIP 2
        key = {0: "", 1: "ZLIB", 2: "GZIP"}.get(key, key)
    if key not in _COMPRESSIONS:
        raise ValueError(f"{what} must be one of '', 'ZLIB' or 'GZIP'; received "
                         f"{compression_type!r}.")
    return _COMPRESSIONS[key]


class TFRecordCompressionType:
    """tf.compat.v1.io.TFRecordCompressionType."""
    NONE = 0
    ZLIB = 1
    GZIP = 2


class TFRecordOptions:
    """tf.io.TFRecordOptions: how a TFRecord file is compressed."""

    compression_type_map = {0: "", 1: "ZLIB", 2: "GZIP"}

    def __init__(self, compression_type=None, flush_mode=None, input_buffer_size=None,
                 output_buffer_size=None, window_bits=None, compression_level=None,
                 compression_method=None, mem_level=None, compression_strategy=None):
        self.compression_type = compression_name(compression_type)
        self.compression_level = -1 if compression_level is None else int(compression_level)

    @classmethod
    def get_compression_type_string(cls, options):
        if options is None:
            return ""
        if isinstance(options, TFRecordOptions):
            return options.compression_type
        return compression_name(options)


def frame(record):
    """`record` (bytes) framed as one TFRecord."""
    header = struct.pack("<Q", len(record))
    return b"".join((header, struct.pack("<I", masked_crc32c(header)), record,
                     struct.pack("<I", masked_crc32c(record))))


class _ZlibWriter:
    def __init__(self, f, level):
        self._f = f
        self._c = zlib.compressobj(level)

    def write(self, data):
        self._f.write(self._c.compress(data))

    def flush(self):
        self._f.write(self._c.flush(zlib.Z_SYNC_FLUSH))
        self._f.flush()

    def close(self):
        self._f.write(self._c.flush())
        self._f.flush()


class TFRecordWriter:
    """tf.io.TFRecordWriter: writes records to a TFRecord file.

    The file is written under a temporary name in the same directory and renamed into place
    by `close()` (or leaving the `with` block), so readers never see half a file.

    Args:
      path: the file to write.
      options: a `tf.io.TFRecordOptions`, or a compression type string ('', 'GZIP', 'ZLIB').
    """

    def __init__(self, path, options=None):
        self._path = os.fspath(path)
        compression = TFRecordOptions.get_compression_type_string(options)
        level = options.compression_level if isinstance(options, TFRecordOptions) else -1
        directory = os.path.dirname(os.path.abspath(self._path))
        if not os.path.isdir(directory):
            raise NotFoundError(f"TFRecordWriter: cannot create {self._path!r}: the directory "
                                f"{directory!r} does not exist.")
        fd, self._tmp = tempfile.mkstemp(prefix=f".{os.path.basename(self._path)}.",
                                         suffix=".tmp", dir=directory)
        self._raw = os.fdopen(fd, "wb")
        if compression == "GZIP":
            self._f = gzip.GzipFile(fileobj=self._raw, mode="wb",
                                    compresslevel=9 if level < 0 else level, mtime=0)
        elif compression == "ZLIB":
            self._f = _ZlibWriter(self._raw, level)
        else:
            self._f = self._raw
        self._closed = False

    def write(self, record):
        """Writes one record (bytes or str)."""
        if self._closed:
            raise ValueError(f"TFRecordWriter for {self._path!r} is closed.")
        if isinstance(record, str):
            record = record.encode("utf-8")
        self._f.write(frame(bytes(record)))

    def flush(self):
        if not self._closed:
            self._f.flush()

    def close(self):
        """Finishes the file and renames it into place."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._f is not self._raw:
                self._f.close()
            self._raw.flush()
            os.fsync(self._raw.fileno())
            self._raw.close()
            os.chmod(self._tmp, 0o666 & ~_umask())
            os.replace(self._tmp, self._path)
        except BaseException:
            if os.path.exists(self._tmp):
                os.unlink(self._tmp)
            raise

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:  # leave any previous file as it was
            self._closed = True
            self._raw.close()
            if os.path.exists(self._tmp):
                os.unlink(self._tmp)
        return False

    def __del__(self):
        if not getattr(self, "_closed", True):
            try:
                self.close()
            except Exception:  # noqa: BLE001 - never raise from a finalizer
                pass


def _umask():
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class _ZlibReader:
    def __init__(self, f):
        self._f = f
        self._d = zlib.decompressobj()
        self._buf = b""

    def read(self, n):
        while len(self._buf) < n:
            chunk = self._f.read(65536)
            if not chunk:
                self._buf += self._d.flush()
                break
            self._buf += self._d.decompress(chunk)
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def close(self):
        self._f.close()


def open_for_reading(path, compression_type="", buffer_size=None):
    """A binary file object reading `path` decompressed."""
    path = os.fspath(path)
    compression = compression_name(compression_type)
    try:
        raw = open(path, "rb")
    except FileNotFoundError:
        raise NotFoundError(f"{path}; No such file or directory") from None
    except IsADirectoryError:
        raise InvalidArgumentError(f"{path} is a directory, not a file.") from None
    if compression == "GZIP":  # a GzipFile never closes the file object it was given
        raw.close()
        return gzip.open(path, "rb")
    if compression == "ZLIB":
        return _ZlibReader(raw)
    return raw


def _read_exact(f, n, path, offset):
    try:
        data = f.read(n)
    except (EOFError, OSError, zlib.error) as e:
        raise DataLossError(f"{path}: the compressed stream is corrupted or truncated near "
                            f"record offset {offset}: {e}") from e
    return data


def iterate_records(path, compression_type="", check_crc=True):
    """Yields the records of the TFRecord file `path` as bytes."""
    f = open_for_reading(path, compression_type)
    path = os.fspath(path)
    try:
        offset = 0
        while True:
            header = _read_exact(f, 12, path, offset)
            if not header:
                return
            if len(header) < 12:
                raise DataLossError(f"{path}: truncated record at offset {offset}: the file "
                                    f"ends inside a record header ({len(header)} of 12 bytes).")
            length_bytes = header[:8]
            (length,) = struct.unpack("<Q", length_bytes)
            (length_crc,) = struct.unpack("<I", header[8:])
            if check_crc and masked_crc32c(length_bytes) != length_crc:
                raise DataLossError(f"{path}: corrupted record at offset {offset}: the length "
                                    f"checksum does not match.")
            data = _read_exact(f, length + 4, path, offset)
            if len(data) < length + 4:
                raise DataLossError(f"{path}: truncated record at offset {offset}: the record "
                                    f"needs {length + 4} bytes after its header, the file has "
                                    f"{len(data)}.")
            record = data[:length]
            (data_crc,) = struct.unpack("<I", data[length:])
            if check_crc and masked_crc32c(record) != data_crc:
                raise DataLossError(f"{path}: corrupted record at offset {offset}: the data "
                                    f"checksum does not match.")
            yield record
            offset += 12 + length + 4
    finally:
        f.close()


def tf_record_iterator(path, options=None):
    """tf.compat.v1.io.tf_record_iterator: the records of a TFRecord file, as bytes."""
    return iterate_records(path, TFRecordOptions.get_compression_type_string(options))

