"""tf.experimental: the names TensorFlow keeps there that ndflow has (DynamicRaggedShape)."""
from .. import ragged as _ragged  # noqa: F401  (exports DynamicRaggedShape)
from ..util.export import populate as _populate

_populate(globals(), "experimental")
