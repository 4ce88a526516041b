"""tfa.seq2seq.sampler: the samplers are `ndflow.compat.seq2seq.helpers`' (TF1's helpers
are the same classes with their data in the constructor)."""
from ...compat.seq2seq.helpers import (CustomSampler, GreedyEmbeddingSampler,
                                       InferenceSampler, SampleEmbeddingSampler, Sampler,
                                       ScheduledEmbeddingTrainingSampler, TrainingSampler)

__all__ = ["CustomSampler", "GreedyEmbeddingSampler", "InferenceSampler",
           "SampleEmbeddingSampler", "Sampler", "ScheduledEmbeddingTrainingSampler",
           "TrainingSampler"]
