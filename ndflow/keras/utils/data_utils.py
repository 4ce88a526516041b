"""Downloads into a local cache (atomic, hash-checked), get_file, split_dataset, PyDataset.

Every file lands under its final name only once it is complete and verified: it is written
to a temporary file in the same directory and renamed with os.replace, so an interrupted or
corrupt download never leaves a partial file behind.
"""
import contextlib
import gzip
import hashlib
import http.client
import numbers
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile
import zlib

import numpy as np

from ...util.atomic import _new_file_mode, atomic_write
from ...framework.errors import DataLossError, UnavailableError

DOWNLOAD_TIMEOUT_S = 30
_CHUNK = 1 << 16


# ----------------------------------------------------------------------------- cache


def cache_root():
    """ndflow's cache directory: ~/.ndflow, or <tmp>/.ndflow where the home is not writable."""
    root = os.path.join(os.path.expanduser("~"), ".ndflow")
    probe = root if os.path.isdir(root) else os.path.dirname(root)
    if not os.access(probe, os.W_OK):
        root = os.path.join(tempfile.gettempdir(), ".ndflow")
    return root


def write_atomically(path, source):
    """Copies the binary stream `source` to `path` through a temporary file and a rename."""
    return atomic_write(path, lambda out: shutil.copyfileobj(source, out))


def _remove_quietly(path):
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


# ----------------------------------------------------------------------------- hashes


def hash_file(path, algorithm="sha256", decompressed=False):
    """Hex digest of a file's bytes, or of its gunzipped contents with `decompressed=True`
    (for a file that is not gzip, its bytes). Corrupt gzip data raises DataLossError."""
    from ..datasets.idx import open_decompressed
    digest = hashlib.new(algorithm)
    opener = open_decompressed if decompressed else (lambda p: open(p, "rb"))
    try:
        with opener(path) as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    except (EOFError, gzip.BadGzipFile, zlib.error) as e:
        raise DataLossError(f"{path}: corrupt or truncated gzip data ({e})") from None
    return digest.hexdigest()


def _resolve_hash_algorithm(hash_algorithm, file_hash):
    if hash_algorithm not in ("auto", "sha256", "md5"):
        raise ValueError("get_file: `hash_algorithm` must be 'auto', 'sha256' or 'md5'. "
                         f"Received: hash_algorithm={hash_algorithm!r}")
    if hash_algorithm == "auto":  # Keras's rule: a 64-character hash is SHA-256, else MD5
        return "sha256" if file_hash is None or len(file_hash) == 64 else "md5"
    return hash_algorithm


# ----------------------------------------------------------------------------- downloads


def download(urls, target, expected_hash=None, algorithm="sha256", decompressed=False,
             timeout=DOWNLOAD_TIMEOUT_S, verbose=True):
    """Fetches the first of `urls` that yields a complete file matching `expected_hash`.

    The hash is of the file's bytes, or of its gunzipped contents with `decompressed=True`.
    Raises UnavailableError when no URL could be reached, DataLossError when data came but
    was truncated or did not match (each URL's reason listed); nothing is left at `target`.
    """
    if isinstance(urls, str):
        urls = [urls]
    failures, got_data = [], False
    for url in urls:
        if verbose:
            print(f"Downloading data from {url}", flush=True)
        try:
            _fetch_one(url, target, expected_hash, algorithm, decompressed, timeout)
            return target
        except UnavailableError as e:
            failures.append(f"  {url}: {e}")
        except DataLossError as e:
            got_data = True
            failures.append(f"  {url}: {e}")
    reasons = "\n".join(failures)
    name = os.path.basename(target)
    if got_data:
        raise DataLossError(f"Could not download a valid {name}; every source failed:\n"
                            f"{reasons}\nNothing was written to {target}.")
    raise UnavailableError(f"Could not download {name}; no source could be reached:\n"
                           f"{reasons}")


def _fetch_one(url, target, expected_hash, algorithm, decompressed, timeout):
    directory = os.path.dirname(os.path.abspath(target))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".part",
                               dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            received, announced = _stream(url, out, timeout)
            out.flush()
            os.fsync(out.fileno())
        if announced is not None and received != announced:
            raise DataLossError(f"truncated download: received {received} of the {announced} "
                                "bytes announced by the server")
        if expected_hash is not None:
            actual = hash_file(tmp, algorithm, decompressed)
            if actual != expected_hash.lower():
                what = "decompressed contents" if decompressed else "file"
                raise DataLossError(f"{algorithm.upper()} of the {what} is {actual}, expected "
                                    f"{expected_hash}: the download is corrupt or not the "
                                    "expected file")
        os.chmod(tmp, _new_file_mode(target))
        os.replace(tmp, target)
    except BaseException:
        _remove_quietly(tmp)
        raise


def _stream(url, out, timeout):
    """Copies the body at `url` into `out`; returns (bytes received, Content-Length or None)."""
    try:
        response = urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as e:
        raise UnavailableError(f"HTTP error {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        raise UnavailableError(f"cannot connect ({e.reason})") from None
    except (OSError, http.client.HTTPException) as e:
        raise UnavailableError(f"cannot connect ({e})") from None
    with response:
        length = response.headers.get("Content-Length")
        announced = int(length) if length and length.isdigit() else None
        received = 0
        while True:
            try:
                chunk = response.read(_CHUNK)
            except (OSError, http.client.HTTPException) as e:  # reset, timeout, IncompleteRead
                raise DataLossError(f"download interrupted after {received} bytes ({e!r})") \
                    from None
            if not chunk:
                return received, announced
            out.write(chunk)
            received += len(chunk)


# ----------------------------------------------------------------------------- get_file

_ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar", ".zip")


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None, force_download=False):
    """keras.utils.get_file: downloads `origin` into `cache_dir/cache_subdir/fname` unless
    it is already there (and matches `file_hash`), and returns the local path.

    `cache_dir` defaults to ~/.ndflow. `file_hash` is a SHA-256 or MD5 hex digest of the
    file. With `extract=True` the tar/zip archive is unpacked into a directory named after
    it (its archive suffix removed) and that directory's path is returned; when the archive
    holds a single top-level directory of that same name, that directory is returned.
    """
    if origin is None:
        raise ValueError("get_file: argument `origin` (the URL to download) is required. "
                         "Received: origin=None")
    if untar:
        warnings.warn("get_file: `untar` is deprecated; use `extract=True`.",
                      DeprecationWarning, stacklevel=2)
        extract = True
    if md5_hash is not None:
        warnings.warn("get_file: `md5_hash` is deprecated; use `file_hash`.",
                      DeprecationWarning, stacklevel=2)
        file_hash, hash_algorithm = md5_hash, "md5"
    algorithm = _resolve_hash_algorithm(hash_algorithm, file_hash)
    datadir = os.path.join(os.path.expanduser(cache_dir) if cache_dir else cache_root(),
                           cache_subdir)  # an absolute cache_subdir wins, as in Keras
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError("get_file: cannot derive a file name from origin "
                             f"{origin!r}; pass `fname`.")
    fpath = os.path.join(datadir, os.path.expanduser(fname))
    if extract and not fpath.lower().endswith(_ARCHIVE_SUFFIXES):
        fpath += ".archive"  # keep the archive apart from the directory named `fname`

    if _needs_download(fpath, file_hash, algorithm, force_download):
        download([origin], fpath, expected_hash=file_hash, algorithm=algorithm)
    if extract:
        return extract_archive(fpath, archive_format)
    return fpath


def _needs_download(fpath, file_hash, algorithm, force_download):
    if force_download or not os.path.exists(fpath):
        return True
    if file_hash is not None and hash_file(fpath, algorithm) != file_hash.lower():
        warnings.warn(f"{fpath} does not match the expected {algorithm} hash; "
                      "downloading it again.", stacklevel=3)
        return True
    return False


def extract_archive(archive_path, archive_format="auto"):
    """Unpacks a tar or zip archive next to itself (see get_file); returns the directory.

    Members that would land outside the target (absolute paths, '..', links) are refused.
    Extraction goes to a temporary directory renamed into place, so it is all or nothing.
    """
    formats = {"auto": ("tar", "zip"), "tar": ("tar",), "zip": ("zip",)}
    if archive_format is None:
        return archive_path
    if isinstance(archive_format, str):
        if archive_format not in formats:
            raise ValueError("get_file: `archive_format` must be 'auto', 'tar', 'zip' or "
                             f"None. Received: archive_format={archive_format!r}")
        archive_format = formats[archive_format]
    stem = _archive_stem(archive_path)
    if os.path.isdir(stem):
        return _single_inner_dir(stem)
    tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(stem)}.", dir=os.path.dirname(stem))
    try:
        if "tar" in archive_format and tarfile.is_tarfile(archive_path):
            with tarfile.open(archive_path) as archive:
                _check_tar_members(archive, archive_path)
                # the "data" filter (Python >= 3.11.4) also drops unsafe permission bits
                safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                archive.extractall(tmp, **safe)
        elif "zip" in archive_format and zipfile.is_zipfile(archive_path):
            with zipfile.ZipFile(archive_path) as archive:
                _check_zip_members(archive, archive_path)
                archive.extractall(tmp)
        else:
            raise DataLossError(f"{archive_path}: not a {' or '.join(archive_format)} archive")
        os.replace(tmp, stem)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return _single_inner_dir(stem)


def _archive_stem(path):
    lower = path.lower()
    for suffix in _ARCHIVE_SUFFIXES + (".archive",):
        if lower.endswith(suffix):
            return path[: -len(suffix)]
    return path + "_extracted"


def _single_inner_dir(directory):
    entries = os.listdir(directory)
    inner = os.path.join(directory, os.path.basename(directory))
    if entries == [os.path.basename(directory)] and os.path.isdir(inner):
        return inner
    return directory


def _is_inside(name):
    normalized = os.path.normpath(name)
    return not (os.path.isabs(name) or normalized == ".." or normalized.startswith(".." + os.sep))


def _check_tar_members(archive, archive_path):
    for member in archive.getmembers():
        unsafe = not _is_inside(member.name) or member.isdev()
        if member.issym() or member.islnk():
            target = os.path.join(os.path.dirname(member.name), member.linkname)
            unsafe = unsafe or os.path.isabs(member.linkname) or not _is_inside(target)
        if unsafe:
            raise DataLossError(f"{archive_path}: refusing to extract member {member.name!r}: "
                                "it would be written outside the extraction directory")


def _check_zip_members(archive, archive_path):
    for name in archive.namelist():
        if not _is_inside(name):
            raise DataLossError(f"{archive_path}: refusing to extract member {name!r}: "
                                "it would be written outside the extraction directory")


# ----------------------------------------------------------------------------- split_dataset


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Splits arrays (one array, or a tuple/list/dict of arrays of equal length) into a left
    and a right part of the same structure, like keras.utils.split_dataset.

    Sizes: a float in (0, 1) is a fraction of the samples, an int a count; a missing size is
    the complement of the other. With `shuffle`, samples are permuted first by a generator
    seeded with `seed` (the global NumPy state is left alone).
    """
    arrays, rebuild = _flatten_arrays(dataset)
    total = len(arrays[0])
    left, right = _split_sizes(left_size, right_size, total)
    order = np.arange(total)
    if shuffle:
        order = np.random.default_rng(seed).permutation(total)
    left_rows, right_rows = order[:left], order[total - right:]
    return (rebuild([a[left_rows] for a in arrays]),
            rebuild([a[right_rows] for a in arrays]))


def _flatten_arrays(dataset):
    """(list of arrays, function rebuilding the original structure from such a list)."""
    if isinstance(dataset, dict):
        keys = list(dataset)
        arrays = [np.asarray(dataset[k]) for k in keys]
        rebuild = lambda parts: dict(zip(keys, parts))  # noqa: E731
    elif isinstance(dataset, (tuple, list)):
        arrays = [np.asarray(a) for a in dataset]
        kind = type(dataset)
        rebuild = lambda parts: kind(parts)  # noqa: E731
    else:
        arrays = [np.asarray(dataset)]
        rebuild = lambda parts: parts[0]  # noqa: E731
    if not arrays or any(a.ndim == 0 for a in arrays):
        raise TypeError("split_dataset: `dataset` must be an array or a tuple, list or dict of "
                        f"arrays with a sample dimension. Received: {type(dataset).__name__}")
    lengths = {len(a) for a in arrays}
    if len(lengths) > 1:
        raise ValueError("split_dataset: all arrays must have the same length. Received "
                         f"lengths {[len(a) for a in arrays]}")
    return arrays, rebuild


def _split_sizes(left_size, right_size, total):
    if left_size is None and right_size is None:
        raise ValueError("split_dataset: at least one of `left_size` or `right_size` must be "
                         "given. Received: left_size=None and right_size=None")
    left = _size_as_count("left_size", left_size, total)
    right = _size_as_count("right_size", right_size, total)
    if left is None:
        left = total - right
    if right is None:
        right = total - left
    if left + right > total:
        raise ValueError(f"split_dataset: left_size + right_size = {left + right} samples is "
                         f"more than the dataset's {total}")
    for side, count in (("left", left), ("right", right)):
        if count == 0:
            raise ValueError(f"split_dataset: with {total} samples, left_size={left_size} and "
                             f"right_size={right_size}, the {side} split would be empty")
    return left, right


def _size_as_count(name, size, total):
    if size is None:
        return None
    if isinstance(size, bool) or not isinstance(size, numbers.Real):
        raise TypeError(f"split_dataset: `{name}` must be an int, a float or None. "
                        f"Received: {name}={size!r} of type {type(size).__name__}")
    if isinstance(size, numbers.Integral):
        if not 0 < size < total:
            raise ValueError(f"split_dataset: `{name}` must be a positive int smaller than "
                             f"the {total} samples, or a float in (0, 1). Received: "
                             f"{name}={size}")
        return int(size)
    if not 0.0 < size < 1.0:
        raise ValueError(f"split_dataset: `{name}` as a fraction must be in (0, 1). "
                         f"Received: {name}={size}")
    return int(round(size * total))


# ----------------------------------------------------------------------------- PyDataset


class PyDataset:
    """keras.utils.PyDataset (also `Sequence`): a dataset of batches, indexed by batch number.

    Subclasses implement `__getitem__(index)` returning one batch (e.g. `(x, y)`) and
    `__len__()` the number of batches; `on_epoch_end` is called after each epoch (shuffle
    there). Batches are produced in the calling thread: `workers`, `use_multiprocessing` and
    `max_queue_size` are accepted for Keras compatibility.
    """

    # Class-level defaults, so subclasses that skip super().__init__() still work (Keras 2
    # Sequence subclasses commonly do).
    _workers = 1
    _use_multiprocessing = False
    _max_queue_size = 10

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    workers = property(lambda self: self._workers)
    use_multiprocessing = property(lambda self: self._use_multiprocessing)
    max_queue_size = property(lambda self: self._max_queue_size)

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement "
                                  "`__getitem__(self, index)` returning one batch")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement `__len__(self)` "
                                  "returning the number of batches")

    @property
    def num_batches(self):
        """The number of batches, or None for a dataset without `__len__` (infinite)."""
        try:
            return len(self)
        except NotImplementedError:
            return None

    def on_epoch_begin(self):
        pass

    def on_epoch_end(self):
        pass

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]


Sequence = PyDataset
