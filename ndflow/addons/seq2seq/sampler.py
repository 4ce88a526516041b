"""tfa.seq2seq.sampler: the samplers are `ndflow.compat.seq2seq.helpers`' (TF1's helpers
are the same classes with their data in the constructor)."""
from ...compat.seq2seq.helpers import (GreedyEmbeddingSampler, SampleEmbeddingSampler,
                                       Sampler, TrainingSampler)

__all__ = ["GreedyEmbeddingSampler", "SampleEmbeddingSampler", "Sampler", "TrainingSampler"]
