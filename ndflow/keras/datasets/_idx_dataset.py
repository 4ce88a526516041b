"""Finding, downloading and reading an MNIST-style dataset: four IDX files.

Where files are looked for, in order (the first directory with all four wins):
  1. $NDFLOW_DATA_DIR/<name>/     (when NDFLOW_DATA_DIR is set)
  2. ~/.ndflow/datasets/<name>/   (the download cache)
Each file under its conventional name, gzip (`train-images-idx3-ubyte.gz`) or not
(`train-images-idx3-ubyte`). A dataset may also accept Keras's own .npz there.
Missing files are downloaded into the cache from the dataset's mirrors, tried in order, or
from $NDFLOW_DATASETS_MIRROR/<name>/ when that variable is set (a local mirror, tests).
"""
import os
from dataclasses import dataclass, field

import numpy as np

from ...framework.errors import DataLossError, NotFoundError, UnavailableError
from ..utils.data_utils import cache_root, download
from ..utils.npz_files import read_npz
from .idx import read_idx

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
            return _load_from(spec, [path], download_into=path)
        npz = _find_npz(spec, path)
        if npz is not None:
            return load_npz(npz)
        if os.path.isabs(path) or os.sep in path or not path.endswith(".npz"):
            raise NotFoundError(f"{spec.title}: path={path!r} is neither a directory nor an "
                                ".npz file")
        # A bare Keras cache name such as "mnist.npz" that is nowhere: use the IDX files.
    return _load_from(spec, search_dirs(spec), download_into=cache_dir(spec))


def _load_from(spec, directories, download_into):
    for directory in directories:
        found = _find_idx_files(spec, directory)
        if len(found) == len(ROLES):
            return _read_all(spec, found)
        if spec.npz_name and os.path.isfile(os.path.join(directory, spec.npz_name)):
            return load_npz(os.path.join(directory, spec.npz_name))
    found = _find_idx_files(spec, download_into)
    missing = [role for role in ROLES if role not in found]
    for role in missing:
        found[role] = _download(spec, role, download_into, directories, missing)
    return _read_all(spec, found)


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
