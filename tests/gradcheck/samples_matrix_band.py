"""Gradient-check samples for MatrixBandPart (tf.linalg.band_part: a fixed 0/1 mask)."""
import ndflow as tf

from .spec import Sample

SAMPLES = [
    Sample("MatrixBandPart", lambda x: tf.linalg.band_part(x * x, -1, 0), shapes=[(4, 4)],
           second_order=True),
    Sample("MatrixBandPart", lambda x: tf.linalg.band_part(x, 1, 2), shapes=[(2, 3, 5)]),
]
