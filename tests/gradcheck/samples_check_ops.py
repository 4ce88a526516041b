"""Gradient-check samples for CheckNumerics (identity on finite values)."""
import ndflow as tf

from .spec import Sample

SAMPLES = [
    Sample("CheckNumerics", lambda x: tf.debugging.check_numerics(x * x, "x squared"),
           shapes=[(2, 3)], second_order=True),
]
