"""keras.wrappers: Keras 2's scikit-learn wrappers (`keras.wrappers.scikit_learn`)."""


def __getattr__(name):
    if name == "scikit_learn":
        import importlib
        return importlib.import_module(".scikit_learn", __name__)
    raise AttributeError(f"module 'ndflow.keras.wrappers' has no attribute {name!r}")
