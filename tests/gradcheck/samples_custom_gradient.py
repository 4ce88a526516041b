"""Gradient-check samples for IdentityN (tf.identity_n and the op behind tf.custom_gradient)."""
import ndflow as tf

from .spec import Sample


@tf.custom_gradient
def _log1pexp(x):
    """softplus with its gradient given by hand (in ops of x, so it has a second order)."""
    def grad(upstream):
        return upstream * tf.sigmoid(x)
    return tf.math.log(1.0 + tf.exp(x)), grad


@tf.custom_gradient
def _product(x, y):
    def grad(upstream):
        return upstream * y, upstream * x
    return x * y, grad


SAMPLES = [
    Sample("IdentityN", lambda x, y: tf.identity_n([x * y, tf.sin(x)]), shapes=[(2, 3), (2, 3)]),
    Sample("IdentityN", lambda x: _log1pexp(x * 3.0), shapes=[(3, 2)], second_order=True),
    Sample("IdentityN", lambda x, y: _product(tf.sin(x), y), shapes=[(2, 3), (2, 3)],
           second_order=True),
]
