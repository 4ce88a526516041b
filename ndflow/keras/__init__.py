"""ndflow.keras: the Keras API (Keras 3 behaviour, Keras 2 spellings accepted) on ndflow.

Submodules load on first use, so `import ndflow` stays light.
"""
import importlib

_SUBMODULES = ("activations", "backend", "callbacks", "constraints", "datasets", "initializers",
               "layers", "losses", "metrics", "models", "optimizers", "regularizers", "saving",
               "utils", "applications", "preprocessing", "mixed_precision", "wrappers", "ops",
               "random", "config", "tree")
# Keras 3's top-level names for classes that live in submodules (keras.Layer, ...)
_CLASSES = {"Layer": "layers", "InputSpec": "layers", "Input": "layers", "Loss": "losses",
            "Metric": "metrics", "Optimizer": "optimizers", "Sequential": "models",
            "Model": "models"}


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _CLASSES:
        return getattr(importlib.import_module(f".{_CLASSES[name]}", __name__), name)
    if name == "Variable":
        from .variable import Variable
        return Variable
    if name == "version":
        return lambda: __version__
    if name in ("name_scope", "device"):
        return _ndflow.name_scope if name == "name_scope" else _ndflow.device
    raise AttributeError(f"module 'ndflow.keras' has no attribute {name!r}")


import ndflow as _ndflow  # noqa: E402

__version__ = _ndflow.version.KERAS_VERSION  # Keras API level + ndflow label: "3.0.0+ndflow.0.1.0"
