"""tf.contrib.seq2seq (TensorFlow 1's sequence-to-sequence decoders), also the maths of
`ndflow.addons.seq2seq`.

`helpers` (TrainingHelper / samplers), `decoder` (BasicDecoder, dynamic_decode),
`attention` (Bahdanau and Luong attention, AttentionWrapper) and `beam_search`
(BeamSearchDecoder, tile_batch, gather_tree); `sequence_loss` lives with the RNNs.
"""
from .attention import (AttentionWrapper, AttentionWrapperState, BahdanauAttention,
                        BahdanauMonotonicAttention, LuongAttention, LuongMonotonicAttention,
                        hardmax, monotonic_attention, safe_cumprod)
from .beam_search import (BeamSearchDecoder, BeamSearchDecoderOutput, BeamSearchDecoderState,
                          FinalBeamSearchDecoderOutput, gather_tree, tile_batch)
from .decoder import BasicDecoder, BasicDecoderOutput, Decoder, dynamic_decode
from .helpers import (CustomHelper, GreedyEmbeddingHelper, InferenceHelper,
                      SampleEmbeddingHelper, Sampler as Helper,
                      ScheduledEmbeddingTrainingHelper, TrainingHelper)

_NAMES = dict(
    AttentionWrapper=AttentionWrapper, AttentionWrapperState=AttentionWrapperState,
    BahdanauAttention=BahdanauAttention, LuongAttention=LuongAttention,
    BahdanauMonotonicAttention=BahdanauMonotonicAttention,
    LuongMonotonicAttention=LuongMonotonicAttention,
    BasicDecoder=BasicDecoder, BasicDecoderOutput=BasicDecoderOutput, Decoder=Decoder,
    BeamSearchDecoder=BeamSearchDecoder, BeamSearchDecoderOutput=BeamSearchDecoderOutput,
    BeamSearchDecoderState=BeamSearchDecoderState,
    FinalBeamSearchDecoderOutput=FinalBeamSearchDecoderOutput, Helper=Helper,
    TrainingHelper=TrainingHelper, GreedyEmbeddingHelper=GreedyEmbeddingHelper,
    SampleEmbeddingHelper=SampleEmbeddingHelper, CustomHelper=CustomHelper,
    InferenceHelper=InferenceHelper,
    ScheduledEmbeddingTrainingHelper=ScheduledEmbeddingTrainingHelper)
_FUNCTIONS = dict(dynamic_decode=dynamic_decode, tile_batch=tile_batch,
                  gather_tree=gather_tree, hardmax=hardmax,
                  monotonic_attention=monotonic_attention, safe_cumprod=safe_cumprod)
# methods that make ops, run by compat.v1 in its default graph (TF1 builds graphs)
_GRAPH_METHODS = ("__init__", "zero_state", "__call__", "initialize", "step", "finalize")


def tf1_names(in_default_graph):
    """The names of tf.contrib.seq2seq for compat.v1: its functions, and subclasses of the
    classes whose methods make ops, wrapped by `in_default_graph`."""
    out = {n: in_default_graph(f) for n, f in _FUNCTIONS.items()}
    for name, cls in _NAMES.items():
        methods = [m for m in _GRAPH_METHODS if m in vars(cls) or any(
            m in vars(base) for base in cls.__mro__[1:-1] if base.__module__.startswith(
                __name__))]
        if issubclass(cls, tuple) or not methods:
            out[name] = cls
            continue
        body = {m: in_default_graph(getattr(cls, m)) for m in methods}
        body.update(__doc__=cls.__doc__, __module__=cls.__module__,
                    __qualname__=cls.__qualname__)
        out[name] = type(name, (cls,), body)
    return out
