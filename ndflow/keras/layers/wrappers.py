"""Keras 2's module path `keras.layers.wrappers`: its names are the layers of
ndflow.keras.layers, looked up on first use (see _keras2_paths)."""
from ._keras2_paths import install

install(globals(), "wrappers")
