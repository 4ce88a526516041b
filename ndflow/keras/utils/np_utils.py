"""Keras 2's `keras.utils.np_utils` module path: `from keras.utils.np_utils import
to_categorical` (and `normalize`), the same functions as keras.utils."""
from . import normalize, to_categorical  # noqa: F401

__all__ = ["to_categorical", "normalize"]
