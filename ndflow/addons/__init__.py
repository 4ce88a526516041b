"""ndflow.addons: stands for TensorFlow Addons (`import tensorflow_addons as tfa`), for the
TF2 programs that use it: `import ndflow.addons as tfa`.

Only `tfa.seq2seq` is provided (samplers, BasicDecoder, attention, beam search,
dynamic_decode, SequenceLoss).
"""
from . import seq2seq

__all__ = ["seq2seq"]
