"""Finding or downloading a dataset's single file (boston_housing.npz, imdb.npz, the CIFAR
binary archives...), as mnist's loader does for its IDX files.

Where a file is looked for, in order:
  1. `path=` when it names an existing file (or a directory, for loaders that read one);
  2. $NDFLOW_DATA_DIR/<dataset>/<file>   (when NDFLOW_DATA_DIR is set);
  3. ~/.ndflow/datasets/<dataset>/<file> (the download cache; its files must have the
     published hash, checked once per process).
What is missing is downloaded into the cache from the published origin, or from
$NDFLOW_DATASETS_MIRROR/<dataset>/<file> when set (a local mirror, tests), hash-checked,
written atomically. No network and no file: a NotFoundError saying where to put it.
"""
import os

from ...framework.errors import DataLossError, NotFoundError, UnavailableError
from ..utils.data_utils import cache_root, download, hash_file
from ._idx_dataset import DATA_DIR_ENV, MIRROR_ENV

_VERIFIED = set()  # (path, size, mtime) of cached files whose hash matched, this process


def cache_dir(dataset):
    return os.path.join(cache_root(), "datasets", dataset)


def search_dirs(dataset):
    dirs = []
    data_dir = os.environ.get(DATA_DIR_ENV)
    if data_dir:
        dirs.append(os.path.join(os.path.expanduser(data_dir), dataset))
    dirs.append(cache_dir(dataset))
    return dirs


def locate(dataset, filename, origin, file_hash, algorithm="sha256", path=None, title=None,
           allow_dir=False):
    """The local path of `filename` of `dataset`, found or downloaded (module docstring).

    Args:
      dataset: The subdirectory searched and cached into ("imdb").
      filename: The file's conventional name ("imdb.npz").
      origin: The URL it is published at.
      file_hash: Its published hash (hex) and `algorithm` ("sha256" or "md5").
      path: The user's `path=`: an existing file (or directory with `allow_dir`) is used as
        it is, unverified (the user's own data); a bare name replaces `filename`.
      title: The dataset's name in messages.

    Raises:
      NotFoundError: When `path` names nothing, or the file is nowhere and cannot be
        downloaded (the message says where to put it).
      DataLossError: When a download (or a cached file) does not have the published hash.
    """
    title = title or dataset
    if path is not None:
        candidate = os.path.expanduser(os.fspath(path))
        if os.path.isfile(candidate) or (allow_dir and os.path.isdir(candidate)):
            return candidate
        if os.path.isabs(candidate) or os.sep in candidate:
            raise NotFoundError(f"{title}: path={path!r} does not exist.")
        if candidate != filename:
            file_hash = None  # another file under a name of the user's: its hash is unknown
        filename = candidate
    cache = cache_dir(dataset)
    for directory in search_dirs(dataset):
        found = os.path.join(directory, filename)
        if os.path.isfile(found):
            if directory == cache and file_hash is not None and not _matches(found, file_hash,
                                                                             algorithm):
                break  # damaged cache entry: download it again
            return found
    target = os.path.join(cache, filename)
    mirror = os.environ.get(MIRROR_ENV)
    url = f"{mirror.rstrip('/')}/{dataset}/{filename}" if mirror else origin
    try:
        download([url], target, expected_hash=file_hash, algorithm=algorithm)
    except UnavailableError as e:
        raise NotFoundError(_offline_message(dataset, filename, title, str(e))) from None
    return target


def _matches(path, file_hash, algorithm):
    stat = os.stat(path)
    key = (os.path.abspath(path), stat.st_size, stat.st_mtime_ns)
    if key in _VERIFIED:
        return True
    try:
        ok = hash_file(path, algorithm) == file_hash.lower()
    except DataLossError:
        ok = False
    if ok:
        _VERIFIED.add(key)
    return ok


def _offline_message(dataset, filename, title, reason):
    dirs = search_dirs(dataset)
    data_dir = os.environ.get(DATA_DIR_ENV)
    env_note = (f"${DATA_DIR_ENV}={data_dir}" if data_dir else
                f"${DATA_DIR_ENV} is not set; when set, ${DATA_DIR_ENV}/{dataset} is searched "
                "first")
    return "\n".join([f"{title}: {filename} is missing and could not be downloaded.",
                      f"Looked in ({env_note}):"] + [f"  {d}" for d in dirs] + [
                      reason,
                      f"To fix: put {filename} in {dirs[-1]}, or in <dir>/{dataset}/ and set "
                      f"{DATA_DIR_ENV}=<dir>, or pass load_data(path=<the file>)."])
