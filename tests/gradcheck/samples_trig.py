"""Gradient-check samples for the inverse trigonometric and hyperbolic ops (trig_ops.py),
with inputs kept inside each function's domain."""
import ndflow as tf

from .spec import Sample

SAMPLES = [
    Sample("Asin", lambda x: tf.math.asin(x), shapes=[(3, 4)], low=-0.8, high=0.8,
           second_order=True),
    Sample("Acos", lambda x: tf.math.acos(x), shapes=[(3, 4)], low=-0.8, high=0.8),
    Sample("Atan", lambda x: tf.math.atan(x), shapes=[(3, 4)], low=-3.0, high=3.0,
           second_order=True),
    Sample("Sinh", lambda x: tf.math.sinh(x), shapes=[(3, 4)], second_order=True),
    Sample("Cosh", lambda x: tf.math.cosh(x), shapes=[(3, 4)], second_order=True),
    Sample("Asinh", lambda x: tf.math.asinh(x), shapes=[(3, 4)], low=-3.0, high=3.0),
    Sample("Acosh", lambda x: tf.math.acosh(x), shapes=[(3, 4)], low=1.2, high=4.0),
    Sample("Atanh", lambda x: tf.math.atanh(x), shapes=[(3, 4)], low=-0.8, high=0.8),
    Sample("Atan2", lambda y, x: tf.math.atan2(y, x), shapes=[(3, 4), (3, 4)], low=0.2,
           high=2.0, second_order=True),
    Sample("Atan2", lambda y, x: tf.math.atan2(y, x), shapes=[(3, 4), (4,)], low=0.2,
           high=2.0),
]
