"""Gradient-check samples for EagerPyFunc (tf.py_function): the gradient comes from the tape
its Python function ran under."""
import ndflow as tf

from .spec import Sample

SAMPLES = [
    Sample("EagerPyFunc",
           lambda x, y: tf.py_function(lambda a, b: a * tf.sin(b), [x, y], tf.float64),
           shapes=[(2, 3), (3,)]),
    Sample("EagerPyFunc",
           lambda x: tf.py_function(lambda a: [tf.exp(a), a * a], [x * 2.0],
                                    [tf.float64, tf.float64]),
           shapes=[(4,)]),
]
