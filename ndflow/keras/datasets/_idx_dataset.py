"""Finding, downloading and reading an MNIST-style dataset: four IDX files.

Where files are looked for, in order (the first directory with all four wins):
  1. $NDFLOW_DATA_DIR/<name>/     (when NDFLOW_DATA_DIR is set)
  2. ~/.ndflow/datasets/<name>/   (the download cache)
Each file under its conventional name, gzip (`train-images-idx3-ubyte.gz`) or not
(`train-images-idx3-ubyte`). A dataset may also accept Keras's own .npz there.
Missing files are downloaded into the cache from the dataset's mirrors, tried in order, or
from $NDFLOW_DATASETS_MIRROR/<name>/ when that variable is set (a local mirror, tests).
"""
import hashlib
import os
import zlib
from dataclasses import dataclass, field

import numpy as np

from ...framework.errors import DataLossError, NotFoundError, UnavailableError
from ..utils.data_utils import cache_root, download
from ..utils.npz_files import read_npz
from .idx import open_decompressed, read_idx

DATA_DIR_ENV = "NDFLOW_DATA_DIR"
MIRROR_ENV = "NDFLOW_DATASETS_MIRROR"
ROLES = ("x_train", "y_train", "x_test", "y_test")


@dataclass(frozen=True)
class IdxFile:
    name: str                  # conventional name without .gz, e.g. "train-images-idx3-ubyte"
    sha256: str
    # What the hash covers: "contents" (the decompressed IDX bytes, independent of the
    # gzip compressor) or "gz" (the .gz file as published, where only that is known).
    hash_of: str = "contents"


@dataclass(frozen=True)
class IdxDataset:
    name: str                  # also the subdirectory searched and cached into
    title: str                 # for messages
    mirrors: tuple             # base URLs serving <file>.gz, tried in order
    files: dict                # role (x_train, y_train, x_test, y_test) -> IdxFile
    npz_name: str = None       # Keras's single-file form, accepted where found
    offline_hint: str = ""     # appended to the "not found" message
    image_shape: tuple = field(default=(28, 28))


def cache_dir(spec):
    return os.path.join(cache_root(), "datasets", spec.name)


def search_dirs(spec):
    dirs = []
    data_dir = os.environ.get(DATA_DIR_ENV)
    if data_dir:
        dirs.append(os.path.join(os.path.expanduser(data_dir), spec.name))
    dirs.append(cache_dir(spec))
    return dirs


def mirror_urls(spec):
    override = os.environ.get(MIRROR_ENV)
    if override:
        return [f"{override.rstrip('/')}/{spec.name}/"]
    return list(spec.mirrors)


def load(spec, path=None):
    """((x_train, y_train), (x_test, y_test)) for `spec`, found, downloaded or from `path`.

    `path`: a directory holding the files (missing ones are downloaded into it), or a .npz
    file (Keras's `mnist.npz` form; a bare name is looked for in the search directories).
    """
    if path is not None:
        path = os.path.expanduser(os.fspath(path))
        if os.path.isdir(path):
            return _load_from(spec, [path], download_into=path, verify=False)
        npz = _find_npz(spec, path)
        if npz is not None:
            return load_npz(npz)
        if os.path.isabs(path) or os.sep in path or not path.endswith(".npz"):
            raise NotFoundError(f"{spec.title}: path={path!r} is neither a directory nor an "
                                ".npz file")
        # A bare Keras cache name such as "mnist.npz" that is nowhere: use the IDX files.
    return _load_from(spec, search_dirs(spec), download_into=cache_dir(spec))


def _load_from(spec, directories, download_into, verify=True):
    """The first directory holding all four files wins. Files in the download cache must
    be the published ones (their SHA-256, as Keras's get_file checks its cache): a damaged
    one is downloaded again. The data directory and `path=` hold the user's own data and
    are only checked for form."""
    cache = os.path.abspath(cache_dir(spec))
    for directory in directories:
        found = _find_idx_files(spec, directory)
        if len(found) == len(ROLES):
            if not (verify and os.path.abspath(directory) == cache and _damaged(spec, found)):
                return _read_all(spec, found)
        elif spec.npz_name and os.path.isfile(os.path.join(directory, spec.npz_name)):
            return load_npz(os.path.join(directory, spec.npz_name))
    found = _find_idx_files(spec, download_into)
    damaged = _damaged(spec, found) if verify and os.path.abspath(download_into) == cache \
        else {}
    missing = [role for role in ROLES if role not in found or role in damaged]
    for role in missing:
        try:
            found[role] = _download(spec, role, download_into, directories, missing)
        except NotFoundError:
            if role in damaged:
                raise DataLossError(damaged[role]) from None
            raise
    return _read_all(spec, found)


_VERIFIED = set()   # (path, size, mtime) of files whose SHA-256 matched, in this process


def _damaged(spec, found):
    """{role: message} for the found files whose SHA-256 is not the published one's."""
    damaged = {}
    for role, path in found.items():
        idx_file = spec.files[role]
        if idx_file.hash_of == "gz" and not path.endswith(".gz"):
            continue  # only the .gz as published has a known hash
        stat = os.stat(path)
        key = (os.path.abspath(path), stat.st_size, stat.st_mtime_ns)
        if key in _VERIFIED:
            continue
        digest = hashlib.sha256()
        try:
            with (open_decompressed(path) if idx_file.hash_of == "contents"
                  else open(path, "rb")) as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
        except (OSError, EOFError, zlib.error) as e:
            damaged[role] = f"{path}: corrupt or truncated data ({e})"
            continue
        if digest.hexdigest() == idx_file.sha256:
            _VERIFIED.add(key)
        else:
            damaged[role] = (
                f"{path}: SHA-256 {digest.hexdigest()} is not that of the published "
                f"{spec.title} file ({idx_file.sha256}): the cached file is damaged and could "
                "not be downloaded again. Delete it, or place the published file there.")
    return damaged


def _find_idx_files(spec, directory):
    found = {}
    for role, idx_file in spec.files.items():
        for candidate in (idx_file.name + ".gz", idx_file.name):
            candidate = os.path.join(directory, candidate)
            if os.path.isfile(candidate):
                found[role] = candidate
                break
    return found


def _find_npz(spec, path):
    if os.path.isfile(path):
        return path
    if not os.path.isabs(path):
        for directory in search_dirs(spec):
            if os.path.isfile(os.path.join(directory, path)):
                return os.path.join(directory, path)
    return None


def _download(spec, role, directory, searched, missing):
    idx_file = spec.files[role]
    target = os.path.join(directory, idx_file.name + ".gz")
    urls = [base + idx_file.name + ".gz" for base in mirror_urls(spec)]
    try:
        download(urls, target, expected_hash=idx_file.sha256,
                 decompressed=idx_file.hash_of == "contents")
    except UnavailableError as e:
        raise NotFoundError(_offline_message(spec, searched, missing, str(e))) from None
    return target


def _offline_message(spec, searched, missing, reason):
    data_dir = os.environ.get(DATA_DIR_ENV)
    env_note = (f"${DATA_DIR_ENV}={data_dir}" if data_dir else
                f"${DATA_DIR_ENV} is not set; when set, ${DATA_DIR_ENV}/{spec.name} is "
                "searched first")
    lines = [f"{spec.title} files are missing and could not be downloaded.",
             "Missing: " + ", ".join(spec.files[role].name + ".gz" for role in missing),
             f"Looked in ({env_note}):"] + [f"  {d}" for d in searched] + [
             reason,
             "To fix: put the four files (gzip or uncompressed, conventional names) in "
             f"{searched[-1]}, or in a directory <dir>/{spec.name}/ and set "
             f"{DATA_DIR_ENV}=<dir>, or pass load_data(path=<directory with the files>)."]
    if spec.offline_hint:
        lines.append(spec.offline_hint)
    return "\n".join(lines)


def _read_all(spec, paths):
    arrays = {role: read_idx(paths[role]) for role in ROLES}
    for split in ("train", "test"):
        x, y = arrays["x_" + split], arrays["y_" + split]
        _check(x.dtype == np.uint8 and x.shape[1:] == spec.image_shape, paths["x_" + split],
               f"expected uint8 images of shape (n, {', '.join(map(str, spec.image_shape))}), "
               f"found {x.dtype} {x.shape}")
        _check(y.dtype == np.uint8 and y.ndim == 1, paths["y_" + split],
               f"expected a vector of uint8 labels, found {y.dtype} {y.shape}")
        _check(len(x) == len(y), paths["y_" + split],
               f"{len(y)} labels for the {len(x)} images in {paths['x_' + split]}")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _check(ok, path, message):
    if not ok:
        raise DataLossError(f"{path}: {message}")


def load_npz(path):
    """Keras's mnist.npz (x_train, y_train, x_test, y_test), read without pickle.

    Raises:
      DataLossError: naming `path`, when it is not a readable .npz (truncated, corrupted),
        lacks one of the four arrays, or an array's header claims more data than stored.
    """
    arrays = read_npz(path, required=ROLES, what="a dataset .npz")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
