"""ndflow.keras: the Keras API (Keras 3 behaviour, Keras 2 spellings accepted) on ndflow.

Submodules load on first use, so `import ndflow` stays light.
"""
import importlib

_SUBMODULES = ("activations", "backend", "callbacks", "constraints", "datasets", "initializers",
               "layers", "losses", "metrics", "models", "optimizers", "regularizers", "saving",
               "utils", "applications", "preprocessing", "mixed_precision", "wrappers", "ops",
               "random")


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in ("Sequential", "Model", "Input", "InputSpec"):
        if name in ("Input", "InputSpec"):
            return getattr(importlib.import_module(".layers", __name__), name)
        return getattr(importlib.import_module(".models", __name__), name)
    raise AttributeError(f"module 'ndflow.keras' has no attribute {name!r}")


import ndflow as _ndflow  # noqa: E402

__version__ = _ndflow.version.KERAS_VERSION  # Keras API level + ndflow label: "3.0.0+ndflow.0.1.0"
