"""tf.lookup.experimental: the mutable tables."""
from .. import ops as _ops  # noqa: F401  (registers every op)
from ..util.export import populate as _populate

_populate(globals(), "lookup.experimental")
