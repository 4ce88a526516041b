"""The real Keras 3 as a reference implementation, or a pytest skip where it is absent.

`reference_keras()` imports the installed Keras once (this test package is named
`keras_api`, so `keras` is always the library). The torch backend is used by default
(Keras's numpy backend needs jax for some ops).
"""
import os
import sys

import pytest

_cache = []


def _is_real(module):
    return module is not None and hasattr(module, "ops") and hasattr(module, "losses")


def _import_installed_keras():
    import keras  # the installed Keras 3 (these tests live in tests/keras_api, not a `keras`)
    keras.ops.convert_to_numpy(keras.ops.ones(1))  # the backend works
    return keras


def reference_keras():
    if _cache:
        if _cache[0] is None:
            pytest.skip("Keras 3 is not installed or has no usable backend")
        return _cache[0]
    import importlib.util
    saved = os.environ.get("KERAS_BACKEND")
    # A backend that can train (Keras 3's numpy backend cannot fit): jax, else torch.
    os.environ["KERAS_BACKEND"] = saved or (
        "jax" if importlib.util.find_spec("jax") else
        "torch" if importlib.util.find_spec("torch") else "numpy")
    current = sys.modules.get("keras")
    try:
        keras = current if _is_real(current) else _import_installed_keras()
    except Exception:  # not installed, or no backend
        keras = None
    finally:  # leave the environment as it was for other tests' Keras subprocesses
        if saved is None:
            del os.environ["KERAS_BACKEND"]
        else:
            os.environ["KERAS_BACKEND"] = saved
    _cache.append(keras)
    return reference_keras()


def to_numpy(value):
    return reference_keras().ops.convert_to_numpy(value)
