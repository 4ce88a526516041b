"""tf.random."""
import types as _types

from .. import ops as _ops  # noqa: F401  (registers every op)
from ..util.export import populate as _populate
from .generator import (Generator, create_rng_state, get_global_generator,  # noqa: F401
                        set_global_generator)

_populate(globals(), "random")
# tf.random.experimental: Generator and its helpers under their TF 2.0-2.2 names
experimental = _types.SimpleNamespace(
    Generator=Generator, create_rng_state=create_rng_state,
    get_global_generator=get_global_generator, set_global_generator=set_global_generator)
