"""tf.io.read_file / write_file (ops, so they run in graphs and dataset functions),
tf.io.matching_files, and tf.io.gfile on the local file system."""
import glob as _glob
import os
import shutil

import numpy as np

from ..framework import dtypes
from ..framework.errors import NotFoundError
from ..framework.registry import execute, op
from ..framework.tensor import EagerTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from ..util.atomic import atomic_write_bytes


def _text(value):
    if isinstance(value, np.ndarray):
        value = value[()] if value.ndim == 0 else value
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


@op("ReadFile", host=True, stateful=True, differentiable=False,
    infer=lambda ts, a: [(TensorShape([]), dtypes.string)])
def READ_FILE(xp, filename):
    path = _text(filename)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise NotFoundError(f"{path}; No such file or directory") from None
    out = np.empty((), dtype=object)
    out[()] = data
    return out


@op("WriteFile", host=True, side_effect=True, differentiable=False, infer=lambda ts, a: [])
def WRITE_FILE(xp, filename, contents):
    atomic_write_bytes(_text(filename), bytes(np.asarray(contents, dtype=object)[()]))


def _string(value):
    if isinstance(value, TensorLike):
        return value
    from ..data.structure import string_array
    return EagerTensor(string_array(value))


def read_file(filename, name=None):
    """The contents of the file `filename` as a scalar string tensor."""
    return execute(READ_FILE, (_string(filename),), {}, name or "ReadFile")


def write_file(filename, contents, name=None):
    """Writes `contents` (a scalar string) to `filename` (atomically); an op in a graph."""
    out = execute(WRITE_FILE, (_string(filename), _string(contents)), {}, name or "WriteFile")
    return out if hasattr(out, "graph") else None


def matching_files(pattern, name=None):
    """Returns the file names matching a glob pattern, sorted.

    Args:
      pattern: A glob pattern such as "data/*.tfrecord" (or a list of them).
      name: A name for the operation (optional).

    Returns:
      A 1-D `string` tensor of paths.
    """
    from ..data.readers import matching_files as _match
    from ..data.structure import string_array
    return EagerTensor(string_array(_match(pattern)).reshape(-1))


class GFile:
    """tf.io.gfile.GFile: a file object (local files)."""

    def __init__(self, name, mode="r"):
        self._f = open(os.fspath(name), mode)

    def __getattr__(self, attr):
        return getattr(self._f, attr)

    def __iter__(self):
        return iter(self._f)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()
        return False

    def size(self):
        return os.fstat(self._f.fileno()).st_size


class gfile:  # noqa: N801 - TensorFlow's module name
    """tf.io.gfile on the local file system."""
    GFile = GFile
    Open = GFile

    @staticmethod
    def exists(path):
        """Tells whether `path` exists.

        Args:
          path: A local file-system path.

        Returns:
          A bool.
        """
        return os.path.exists(path)

    @staticmethod
    def glob(pattern):
        """Returns the paths matching a glob pattern, sorted.

        Args:
          pattern: A glob pattern, e.g. "logs/*.csv".

        Returns:
          A list of strings.
        """
        return sorted(_glob.glob(pattern))

    @staticmethod
    def makedirs(path):
        """Creates a directory and any missing parents (no error if it exists).

        Args:
          path: A local file-system path.
        """
        os.makedirs(path, exist_ok=True)

    @staticmethod
    def mkdir(path):
        """Creates one directory (its parent must exist).

        Args:
          path: A local file-system path.

        Raises:
          FileExistsError: If it exists already.
        """
        os.mkdir(path)

    @staticmethod
    def listdir(path):
        """Lists the entries of a directory, sorted (without '.' and '..').

        Args:
          path: A local file-system path.

        Returns:
          A list of names.

        Raises:
          NotFoundError: If `path` is not a directory.
        """
        if not os.path.isdir(path):
            raise NotFoundError(f"Could not find directory {path}")
        return sorted(os.listdir(path))

    @staticmethod
    def isdir(path):
        """Tells whether `path` is a directory.

        Args:
          path: A local file-system path.

        Returns:
          A bool.
        """
        return os.path.isdir(path)

    @staticmethod
    def remove(path):
        """Deletes a file.

        Args:
          path: A local file-system path.

        Raises:
          NotFoundError: If `path` does not exist.
        """
        if not os.path.exists(path):
            raise NotFoundError(f"{path}; No such file or directory")
        os.remove(path)

    @staticmethod
    def rmtree(path):
        """Deletes a directory and everything in it.

        Args:
          path: A local file-system path.

        Raises:
          NotFoundError: If `path` does not exist.
        """
        if not os.path.exists(path):
            raise NotFoundError(f"{path}; No such file or directory")
        shutil.rmtree(path)

    @staticmethod
    def rename(src, dst, overwrite=False):
        """Renames (moves) `src` to `dst`, atomically on one file system.

        Args:
          src: The existing path.
          dst: The new path.
          overwrite: Whether an existing `dst` may be replaced.

        Raises:
          AlreadyExistsError: If `dst` exists and `overwrite` is false.
        """
        if os.path.exists(dst) and not overwrite:
            from ..framework.errors import AlreadyExistsError
            raise AlreadyExistsError(f"file already exists: {dst}")
        os.replace(src, dst)

    @staticmethod
    def copy(src, dst, overwrite=False):
        """Copies the file `src` to `dst`.

        Args:
          src: The file to copy.
          dst: The destination path.
          overwrite: Whether an existing `dst` may be replaced.

        Raises:
          AlreadyExistsError: If `dst` exists and `overwrite` is false.
        """
        if os.path.exists(dst) and not overwrite:
            from ..framework.errors import AlreadyExistsError
            raise AlreadyExistsError(f"file already exists: {dst}")
        shutil.copyfile(src, dst)

    @staticmethod
    def walk(top, topdown=True, onerror=None):
        """Walks a directory tree, like `os.walk`.

        Args:
          top: The root directory.
          topdown: Whether to yield a directory before its subdirectories.
          onerror: Optional function called with an `OSError`.

        Returns:
          An iterator of `(dirpath, dirnames, filenames)`.
        """
        return os.walk(top, topdown=topdown, onerror=onerror)

    @staticmethod
    def stat(path):
        """Returns the file's status, as `os.stat` does (`.st_size`, `.st_mtime`...).

        Args:
          path: A local file-system path.

        Returns:
          An `os.stat_result`.
        """
        return os.stat(path)
