"""Keras 2's `keras.utils.vis_utils` module path: `from keras.utils.vis_utils import
plot_model` (and `model_to_dot`), the same functions as keras.utils."""
from .plotting import model_to_dot, plot_model  # noqa: F401

__all__ = ["plot_model", "model_to_dot"]
