"""tf.audio: decode_wav and encode_wav (16-bit PCM WAV, ndflow/audio/wav.py)."""
from .. import ops as _ops  # noqa: F401  (registers every op)
from . import wav as _wav  # noqa: F401
from ..util.export import populate as _populate

_populate(globals(), "audio")
