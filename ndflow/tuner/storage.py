"""Atomic JSON files: written to a temporary file in the same directory, then renamed, so
a process killed at any moment leaves either the old file or the new one."""
import json

from ..util.atomic import atomic_write_bytes


def write_json(path, data):
    text = json.dumps(data, indent=1, default=_default)
    atomic_write_bytes(path, text.encode("utf-8"))


def read_json(path):
    with open(path) as f:
        return json.load(f)


def _default(value):
    if hasattr(value, "item"):  # NumPy scalars
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"Cannot store {type(value).__name__} in a JSON trial file: {value!r}")
