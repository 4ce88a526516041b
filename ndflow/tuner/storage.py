"""Atomic JSON files: written to a temporary file in the same directory, then renamed, so
a process killed at any moment leaves either the old file or the new one. Each carries a
SHA-256 of its content (key `ndflow_sha256`), verified on read, so a corrupted state file is
refused rather than resuming a search with changed values."""
import hashlib
import json
import os

from ..framework.errors import DataLossError
from ..util.atomic import atomic_write_bytes

MAX_BYTES = 64 << 20   # tuner state files are small; a larger one is not ours


CHECKSUM_KEY = "ndflow_sha256"


def _digest(data):
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=_default)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def write_json(path, data):
    data = json.loads(json.dumps(data, default=_default))  # what a reader will see
    data[CHECKSUM_KEY] = _digest(data)
    text = json.dumps(data, indent=1)
    atomic_write_bytes(path, text.encode("utf-8"))


def read_json(path):
    """The JSON object stored at `path`.

    Raises:
      DataLossError: naming `path`, when it is larger than any tuner state, not UTF-8, not
        JSON, nested too deeply, or not a JSON object.
    """
    size = os.path.getsize(path)
    if size > MAX_BYTES:
        raise DataLossError(f"{path}: {size} bytes is not a tuner state file (at most "
                            f"{MAX_BYTES}).")
    try:
        with open(path, "rb") as f:
            data = json.loads(f.read().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise DataLossError(f"{path}: not a readable tuner state file "
                            f"({type(e).__name__}: {e}).") from None
    if not isinstance(data, dict):
        raise DataLossError(f"{path}: not a tuner state file (a JSON {type(data).__name__} "
                            "where an object was expected).")
    if CHECKSUM_KEY in data and data.pop(CHECKSUM_KEY) != _digest(data):
        raise DataLossError(f"{path}: its content does not match the checksum ndflow stored "
                            "with it (the file is corrupted).")
    return data


def _default(value):
    if hasattr(value, "item"):  # NumPy scalars
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"Cannot store {type(value).__name__} in a JSON trial file: {value!r}")
