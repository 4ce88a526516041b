"""Gradient-check samples for tf.roll and the space/depth block rearrangements
(ndflow/ops/manip_ops.py)."""
import ndflow as tf

from .spec import Sample

SAMPLES = [
    Sample("Roll", lambda x: tf.roll(x, [1, -2], [0, 1]), shapes=[(3, 5)]),
    Sample("SpaceToDepth", lambda x: tf.nn.space_to_depth(x, 2), shapes=[(1, 4, 6, 2)]),
    Sample("DepthToSpace", lambda x: tf.nn.depth_to_space(x, 2), shapes=[(2, 2, 3, 8)]),
]
