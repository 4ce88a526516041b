"""tf.lookup: lookup tables and their initializers (ndflow/ops/lookup_ops.py)."""
from .. import ops as _ops  # noqa: F401  (registers every op)
from ..util.export import populate as _populate
from . import experimental  # noqa: F401

_populate(globals(), "lookup")
