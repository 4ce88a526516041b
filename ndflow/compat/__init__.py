"""tf.compat: the TF1 API lives in ndflow.compat.v1."""


def __getattr__(name):
    import importlib
    if name in ("v1", "v2"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(name)
