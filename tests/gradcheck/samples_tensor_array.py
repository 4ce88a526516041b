"""Gradient-check samples for the TensorArray (TensorList) ops."""
import ndflow as tf

from .spec import Sample


def _ta(n):
    return tf.TensorArray(tf.float64, size=n)


SAMPLES = [
    Sample("TensorListFromTensor", lambda x: _ta(3).unstack(x).stack() * x, shapes=[(3, 2)]),
    Sample("TensorListStack", lambda x: tf.sin(_ta(3).unstack(x).stack()), shapes=[(3, 2)]),
    Sample("TensorListGetItem", lambda x: _ta(3).unstack(x).read(1) * 2.0, shapes=[(3, 2)]),
    Sample("TensorListSetItem", lambda x, y: _ta(2).write(0, x).write(1, x * y).stack(),
           shapes=[(2,), (2,)]),
    Sample("TensorListGather", lambda x: _ta(3).unstack(x).gather([2, 0, 2]), shapes=[(3, 2)]),
    Sample("TensorListScatter", lambda x: _ta(3).scatter([2, 0], x).gather([0, 2]),
           shapes=[(2, 2)]),
]
