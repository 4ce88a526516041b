"""tf.debugging: assertions (assert_equal, assert_shapes, Assert...) and check_numerics."""
from .. import ops as _ops  # noqa: F401  (registers every op, filling the export table)
from ..util.export import populate as _populate

_populate(globals(), "debugging")
