"""Atomic file writes: a temporary file in the target's directory, renamed into place, so
an interrupted or failed write leaves the previous file (or none), never half a file.

A temporary file is named `.<target name>.<random>.tmp` and is locked (`flock`) by its
writer for as long as the write lasts. A process killed mid-write (SIGKILL, power loss)
leaves its temporary file behind, unlocked; the next successful write of the same target
removes such stale files. A file still locked belongs to a writer that is alive and is
never touched.
"""
import contextlib
import os
import re
import shutil
import tempfile
import time

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

# Without flock (Windows) a temporary file is only presumed stale when this old.
_UNLOCKED_STALE_AGE_S = 3600.0
# With flock: the writer locks its file right after creating it; this margin covers that
# instant, so a file is removed only when unlocked and older than this.
_LOCKED_STALE_AGE_S = 2.0


def _new_file_mode(path):
    if os.path.exists(path):
        return os.stat(path).st_mode & 0o777
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask  # what open() would give (mkstemp's own files are 0o600)


def _lock(fd, blocking=True):
    """Takes an exclusive flock on `fd`; returns False when not blocking and it is held."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _temp_prefix(path):
    return f".{os.path.basename(path)}."


def _temp_name_pattern(path):
    # mkstemp/mkdtemp insert 8 characters from [a-z0-9_]
    return re.compile(re.escape(_temp_prefix(path)) + r"[a-z0-9_]{8}\.tmp")


def remove_stale_temporaries(path, keep=()):
    """Removes the temporary files (and directories) that writers of `path` killed mid-write
    left next to it. Temporaries of writers still running are locked and left alone.

    Args:
      path: the target whose temporaries are looked for, in its own directory.
      keep: names (in that directory) never to remove.

    Returns:
      The list of paths removed.
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    pattern = _temp_name_pattern(path)
    removed = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    now = time.time()
    for name in names:
        if name in keep or not pattern.fullmatch(name):
            continue
        candidate = os.path.join(directory, name)
        try:
            age = now - os.lstat(candidate).st_mtime
            if age < (_LOCKED_STALE_AGE_S if fcntl is not None else _UNLOCKED_STALE_AGE_S):
                continue
            if os.path.islink(candidate):
                continue
            fd = os.open(candidate, os.O_RDONLY)
        except OSError:
            continue
        try:
            if not _lock(fd, blocking=False):
                continue  # a live writer holds it
            if os.path.isdir(candidate):
                shutil.rmtree(candidate, ignore_errors=True)
            else:
                os.unlink(candidate)
            removed.append(candidate)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def atomic_write(path, write):
    """Writes a file atomically: `write(binary_file)` fills a temporary file next to `path`,
    which is then flushed to disk and renamed over `path`.

    On any error (or interruption) the temporary file is removed and `path` is left as it
    was. After a successful write, stale temporaries of `path` left by killed writers are
    removed.

    Args:
      path: the file to write (str or path-like). Its directory is created if needed.
      write: a callable taking the open binary file object.

    Returns:
      `path`, as a str.

    Example:

    >>> atomic_write("weights.bin", lambda f: f.write(b"..."))  # doctest: +SKIP
    'weights.bin'
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=directory)
    try:
        _lock(fd)
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
            os.chmod(tmp, _new_file_mode(path))
            os.replace(tmp, path)  # still locked: a cleaner never sees it unlocked
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    remove_stale_temporaries(path)
    return path


def atomic_write_bytes(path, data):
    """Writes the bytes `data` to `path` atomically (see `atomic_write`)."""
    return atomic_write(path, lambda f: f.write(data))


def atomic_write_directory(path, files):
    """Writes a directory of files atomically: they are written into a temporary directory
    next to `path`, which then replaces `path` (an old directory there is removed only once
    replaced).

    Args:
      path: the directory to create or replace.
      files: dict of file name -> bytes.

    Returns:
      `path`, as a str.
    """
    path = os.fspath(path)
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=_temp_prefix(path), suffix=".tmp", dir=parent)
    fd = os.open(tmp, os.O_RDONLY)
    try:
        _lock(fd)
        for name, data in files.items():
            os.makedirs(os.path.dirname(os.path.join(tmp, name)), exist_ok=True)  # assets/..
            with open(os.path.join(tmp, name), "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        if os.path.isdir(path) and not os.path.islink(path):
            # ".old", not ".tmp": killed between the two renames, the previous directory
            # is kept there for recovery instead of being swept as a stale temporary.
            old = tempfile.mkdtemp(prefix=_temp_prefix(path), suffix=".old", dir=parent)
            os.rmdir(old)
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            if os.path.lexists(path):
                os.unlink(path)
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        os.close(fd)
    remove_stale_temporaries(path)
    return path


@contextlib.contextmanager
def directory_lock(directory):
    """Holds an exclusive lock on `directory` (flock on the directory itself; no lock file
    is created) so that read-modify-write sequences of several processes on files in it
    do not interleave. A no-op where flock is unavailable."""
    directory = os.fspath(directory)
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        _lock(fd)
        yield
    finally:
        os.close(fd)  # closing releases the lock
