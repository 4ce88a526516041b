"""tf.audio: decode_wav and encode_wav (16-bit PCM WAV). The functions are defined next to
their ops (ndflow/ops/wav_ops.py) and exported here."""
from .. import ops as _ops  # noqa: F401  (registers every op)
from ..util.export import populate as _populate

_populate(globals(), "audio")
