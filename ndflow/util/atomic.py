"""Atomic file writes: a temporary file in the target's directory, renamed into place, so
an interrupted or failed write leaves the previous file (or none), never half a file."""
import os
import tempfile


def _new_file_mode(path):
    if os.path.exists(path):
        return os.stat(path).st_mode & 0o777
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask  # what open() would give (mkstemp's own files are 0o600)


def atomic_write(path, write):
    """Calls `write(binary_file)` on a temporary file next to `path`, then renames it over
    `path`; on any error the temporary file is removed and `path` is left as it was."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp",
                               dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _new_file_mode(path))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def atomic_write_bytes(path, data):
    return atomic_write(path, lambda f: f.write(data))
