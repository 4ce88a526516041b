"""tf.signal: Fourier transforms, framing, windows, short-time Fourier transforms, mel
filterbanks, DCTs and MFCCs. The functions are defined next to their ops
(ndflow/ops/signal_ops.py) and exported here."""
from .. import ops as _ops  # noqa: F401  (registers every op)
from ..util.export import populate as _populate

_populate(globals(), "signal")
