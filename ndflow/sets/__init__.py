"""tf.sets: set operations over the last dimension (ndflow/ops/set_ops.py)."""
from .. import ops as _ops  # noqa: F401  (registers every op)
from ..util.export import populate as _populate

_populate(globals(), "sets")
