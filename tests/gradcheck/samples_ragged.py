"""Gradient-check samples for ragged tensors: RaggedToTensor and its transpose, and the
ragged reductions (segment ops on the values of a RaggedTensor built from a dense input)."""
import ndflow as tf

from .spec import Sample

RT = tf.RaggedTensor


def _rt(x, lengths=(2, 0, 3)):
    return RT.from_row_lengths(x, list(lengths))


SAMPLES = [
    Sample("RaggedToTensor", lambda x: _rt(x).to_tensor(), shapes=[(5,)]),
    Sample("RaggedToTensor", lambda x: _rt(x).to_tensor(shape=[3, 2, None]) * 2.0,
           shapes=[(5, 2)]),
    Sample("RaggedToTensor", lambda x: RT.from_nested_row_lengths(x, [[2, 1], [1, 0, 3]])
           .to_tensor(default_value=1.0), shapes=[(4,)]),
    Sample("RaggedToTensorGrad", lambda x: _to_tensor_grad(x), shapes=[(5,)]),
    Sample("UnsortedSegmentSum", lambda x: tf.reduce_sum(_rt(x), axis=1), shapes=[(5,)]),
    Sample("UnsortedSegmentSum", lambda x: tf.reduce_mean(_rt(x, (2, 1, 2)), axis=1),
           shapes=[(5, 3)]),
    Sample("UnsortedSegmentSum", lambda x: tf.reduce_sum(_rt(x), axis=0), shapes=[(5,)]),
    # no empty row for max: its value is the dtype's lowest, which finite differences
    # cannot step around
    Sample("UnsortedSegmentMax", lambda x: tf.reduce_max(_rt(x, (2, 1, 2)), axis=1),
           shapes=[(5,)]),
    Sample("UnsortedSegmentMin", lambda x: tf.reduce_min(_rt(x, (1, 1, 3)), axis=0),
           shapes=[(5,)]),
    Sample("UnsortedSegmentSum", lambda x: tf.reduce_mean(RT.from_nested_row_lengths(
        x, [[2, 0, 1], [1, 2, 3]]), axis=1).flat_values, shapes=[(6,)]),
    Sample("UnsortedSegmentMax", lambda x: tf.reduce_max(RT.from_nested_row_lengths(
        x, [[2, 1], [2, 2, 2]]), axis=0).flat_values, shapes=[(6,)]),
    Sample("GatherV2", lambda x: tf.ragged.map_flat_values(tf.sin, tf.gather(_rt(x), [2, 0]))
           .to_tensor(), shapes=[(5,)]),
    Sample("GatherV2", lambda x: tf.concat([_rt(x), _rt(x * 2.0)], axis=1).to_tensor(),
           shapes=[(5,)]),
]


def _to_tensor_grad(x):
    """RaggedToTensorGrad through a tape: d/dx of sum(to_tensor(x) * w) is w read back."""
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(_rt(x).to_tensor() * tf.sin(_rt(x).to_tensor()))
    return tape.gradient(y, x)
