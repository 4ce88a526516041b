"""tf.image: resizing, cropping, flipping, colour conversions and adjustments, boxes
(non-max suppression, crop_and_resize, drawing) and image quality measures.

The functions are defined next to their ops (ndflow/ops/image_*_ops.py; decode_*/encode_*
in ndflow/io/image_codecs.py) and exported here.
Resizes compute in float32 like TensorFlow's, except that float64 images stay float64
(TensorFlow returns float32 for them).
"""
from .. import ops as _ops  # noqa: F401  (registers every op)
from ..io import image_codecs as _image_codecs  # noqa: F401  (decode_*/encode_*)
from ..util.export import populate as _populate

_populate(globals(), "image")
