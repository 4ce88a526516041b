"""Comparing a case's ndflow result with TensorFlow's stored one (shared by the string and
ragged fixture tests)."""
import json
import math
import os

import pytest

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")


def load(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
        return json.load(f)["cases"]


def _same(a, b, path):
    if isinstance(a, dict) and isinstance(b, dict):
        assert sorted(a) == sorted(b), f"{path}: keys {sorted(a)} != {sorted(b)}"
        for k in a:
            _same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), f"{path}: lengths {len(a)} != {len(b)} ({a} vs {b})"
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, (int, float)) and isinstance(b, (int, float)), f"{path}: {a} {b}"
        assert math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-30), f"{path}: {a} != {b}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def check(case, expected, encode):
    """Runs `case` and compares with TensorFlow's `expected` (a result or an error class)."""
    if "error" in expected:
        from ndflow import errors
        cls = getattr(errors, expected["error"], None) or getattr(__builtins__, expected["error"],
                                                                  None)
        if cls is None:
            import builtins
            cls = getattr(builtins, expected["error"])
        with pytest.raises(cls):
            case()
        return
    _same(encode(case()), expected, "result")
