"""tf.random."""
import types as _types

from .. import ops as _ops  # noqa: F401  (registers every op)
from ..util.export import EXPORTS as _EXPORTS
from ..util.export import populate as _populate

_populate(globals(), "random")
# tf.random.experimental: Generator and its helpers under their TF 2.0-2.2 names
experimental = _types.SimpleNamespace(**_EXPORTS.get("random.experimental", {}))
