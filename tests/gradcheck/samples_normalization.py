"""Gradient-check samples for normalization_ops' MulAdd (`x * a + b` in one buffer), reached
through tf.nn.batch_normalization and fused_batch_norm as users reach it, and the fused
training batch norm (BatchNormTraining, its gradient op BatchNormTrainingGrad)."""
import ndflow as tf
from ndflow.ops.normalization_ops import batch_norm_training, fused_batch_norm

from .spec import Sample


def _bn_given_stats(x, mean, variance, offset, scale):
    return tf.nn.batch_normalization(x, mean, variance * variance + 0.5, offset, scale, 1e-3)


def _bn_batch_stats(x, offset, scale):
    mean, variance = tf.nn.moments(x, [0, 1, 2])
    return tf.nn.batch_normalization(x, mean, variance, offset, scale, 1e-3)


def _fused_inference(x, scale, offset, mean, variance):
    # (tf.compat.v1.nn.fused_batch_norm builds graph ops; its eager function is this one)
    y, _, _ = fused_batch_norm(x, scale, offset, mean, variance * variance + 0.5,
                               is_training=False)
    return y


def _bn_training(x, scale, offset):
    y, mean, variance = batch_norm_training(x, scale * scale + 0.5, offset, 1e-3)
    return [y, mean, variance * 2.0]


def _bn_training_grad(x, dy, scale):
    """BatchNormTrainingGrad: dx of the fused batch norm for the incoming gradient dy."""
    with tf.GradientTape() as tape:
        tape.watch(x)
        y, _, _ = batch_norm_training(x, scale * scale + 0.5, scale * 0.0, 1e-3)
    return tape.gradient(y, x, output_gradients=dy)


SAMPLES = [
    Sample("BatchNormTraining", _bn_training, shapes=[(3, 2, 2, 3), (3,), (3,)],
           second_order=True, atol=1e-5, rtol=1e-4),
    Sample("BatchNormTraining", lambda x, s, o: batch_norm_training(x, s, o, 0.01)[0],
           shapes=[(5, 4), (4,), (4,)], low=0.2),
    Sample("BatchNormTrainingGrad", _bn_training_grad, shapes=[(4, 2, 3), (4, 2, 3), (3,)],
           atol=1e-5, rtol=1e-4),
    Sample("MulAdd", _bn_given_stats, shapes=[(2, 3, 2, 4), (4,), (4,), (4,), (4,)],
           second_order=True),
    Sample("MulAdd", _bn_batch_stats, shapes=[(3, 2, 2, 3), (3,), (3,)]),
    Sample("MulAdd", _fused_inference, shapes=[(2, 2, 3, 3), (3,), (3,), (3,), (3,)]),
    # the shift broadcasts to a larger shape than x * a: the unfused path
    Sample("MulAdd", lambda x, m, v, o: tf.nn.batch_normalization(x, m, v * v + 1.0, o, None,
                                                                  1e-3),
           shapes=[(3, 1), (1,), (1,), (2, 3, 4)]),
]
