"""keras.preprocessing.sequence: `pad_sequences` (the keras.utils one)."""
from ..utils.sequence_utils import pad_sequences  # noqa: F401
