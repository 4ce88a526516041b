"""tfa.seq2seq.sampler: the samplers are `ndflow.compat.seq2seq.helpers`' (TF1's helpers
are the same classes with their data in the constructor); `serialize` / `deserialize` give
the Keras decoders' configs their sampler."""
from ...compat.seq2seq.helpers import (CustomSampler, GreedyEmbeddingSampler,
                                       InferenceSampler, SampleEmbeddingSampler, Sampler,
                                       ScheduledEmbeddingTrainingSampler, TrainingSampler)

__all__ = ["CustomSampler", "GreedyEmbeddingSampler", "InferenceSampler",
           "SampleEmbeddingSampler", "Sampler", "ScheduledEmbeddingTrainingSampler",
           "TrainingSampler", "serialize", "deserialize"]


def _layer_config(fn, what):
    if fn is None:
        return None
    from ...keras.layers.base import Layer
    from ...keras.models.serialization import serialize_layer
    if not isinstance(fn, Layer):
        raise NotImplementedError(f"A sampler's {what} is serializable only when it is a "
                                  f"Keras layer or None. Received: {fn!r}")
    return serialize_layer(fn)


def serialize(sampler):
    """The config dict of a sampler: `{"class_name": ..., "config": {...}}`."""
    kind = type(sampler)
    if kind is TrainingSampler:
        config = {"time_major": sampler._time_major}
    elif kind is ScheduledEmbeddingTrainingSampler:
        config = {"sampling_probability": sampler._probability,
                  "embedding_fn": _layer_config(sampler._embedding_fn, "embedding_fn"),
                  "time_major": sampler._time_major, "seed": sampler._seed,
                  "scheduling_seed": sampler._scheduling_seed}
    elif kind is GreedyEmbeddingSampler:
        config = {"embedding_fn": _layer_config(sampler._embedding_fn, "embedding_fn")}
    elif kind is SampleEmbeddingSampler:
        config = {"embedding_fn": _layer_config(sampler._embedding_fn, "embedding_fn"),
                  "softmax_temperature": sampler._temperature, "seed": sampler._seed}
    else:
        raise NotImplementedError(f"{kind.__name__} cannot be serialized (its functions are "
                                  "Python code).")
    return {"class_name": kind.__name__, "config": config}


def deserialize(config, custom_objects=None):
    """The sampler of a config made by `serialize`."""
    from ...keras.models.serialization import deserialize_layer
    kinds = {k.__name__: k for k in (TrainingSampler, ScheduledEmbeddingTrainingSampler,
                                     GreedyEmbeddingSampler, SampleEmbeddingSampler)}
    if not isinstance(config, dict) or config.get("class_name") not in kinds:
        raise ValueError(f"Unknown sampler config. Received: {config!r}")
    kwargs = dict(config.get("config", {}))
    if kwargs.get("embedding_fn") is not None:
        kwargs["embedding_fn"] = deserialize_layer(kwargs["embedding_fn"], custom_objects)
    return kinds[config["class_name"]](**kwargs)
