"""tf.io.parse_single_sequence_example / parse_sequence_example: a tf.train.SequenceExample's
context (parsed as an Example's features) and its feature lists (one Feature per step).

Sequence features: FixedLenSequenceFeature gives [steps] + shape (a batch is padded with
zeros and reports each example's length), VarLenFeature a SparseTensor of
dense shape [steps, longest step], RaggedFeature a RaggedTensor [steps, None].
"""
import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape
from . import example_pb, parsing
from .parsing import FixedLenSequenceFeature, VarLenFeature


def _steps(flists, key, dtype):
    """The per-step value arrays of feature list `key`, or None when it is absent."""
    if key not in flists:
        return None
    return [parsing.values_of(f, key, dtype) for f in flists[key].feature]


def _dense_steps(flists, key, spec):
    d = parsing.kind_of(spec.dtype, key)
    shape = [int(s) for s in spec.shape]
    steps = _steps(flists, key, d)
    if steps is None:
        if not spec.allow_missing:
            raise InvalidArgumentError(
                f"Name: <unknown>, Feature list '{key}' is required but could not be found.  "
                f"Did you mean to include it in feature_list_dense_missing_assumed_empty or "
                f"feature_list_dense_defaults?")
        return parsing.empty(d, [0] + shape)
    per = int(np.prod(shape)) if shape else 1
    for t, v in enumerate(steps):
        if v.size != per:
            raise InvalidArgumentError(f"Name: <unknown>, Key: {key}, Index: {t}.  Number of "
                                       f"values != expected.  values size: {v.size} but "
                                       f"output shape: {shape}")
    if not steps:
        return parsing.empty(d, [0] + shape)
    return np.stack(steps).reshape([len(steps)] + shape).astype(parsing._np_type(d))


def _sparse_steps(flists, key, spec):
    d = parsing.kind_of(spec.dtype, key)
    steps = _steps(flists, key, d) or []
    indices = [(t, k) for t, v in enumerate(steps) for k in range(v.size)]
    values = np.concatenate(steps).astype(parsing._np_type(d)) if steps else parsing.empty(d)
    longest = max((v.size for v in steps), default=0)
    return (np.asarray(indices, np.int64).reshape(-1, 2), values,
            np.asarray([len(steps), longest], np.int64))


def _ragged_steps(flists, key, spec):
    d = parsing.kind_of(spec.dtype, key)
    steps = _steps(flists, spec.value_key or key, d) or []
    values = np.concatenate(steps).astype(parsing._np_type(d)) if steps else parsing.empty(d)
    lengths = [v.size for v in steps]
    return values, [np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)]


def _parse_proto(serialized, index):
    seq = example_pb.classes()["SequenceExample"]()
    try:
        seq.ParseFromString(bytes(serialized))
    except Exception as e:  # noqa: BLE001 - protobuf's DecodeError
        raise InvalidArgumentError(f"Could not parse example input, value: "
                                   f"{bytes(serialized)[:40]!r} (sequence example {index}): "
                                   f"{e}") from e
    return seq.context.feature, seq.feature_lists.feature_list


@op("ParseSequenceExample", host=True, multi_output=True, differentiable=False,
    infer=lambda ts, a: _infer(ts[0].shape, a))
def PARSE_SEQUENCE_EXAMPLE(xp, serialized, context, sequence):
    batch = np.asarray(serialized, dtype=object)
    single = batch.ndim == 0
    protos = [_parse_proto(r, i) for i, r in enumerate(batch.reshape(-1))]
    outputs = parsing.feature_outputs([p[0] for p in protos], single, *context)
    flists = [p[1] for p in protos]
    dense, sparse, ragged = sequence
    lengths = []
    for key, spec in dense:
        parts = [_dense_steps(f, key, spec) for f in flists]
        if single:
            outputs.append(parts[0])
            continue
        d = dtypes.as_dtype(spec.dtype)
        outputs.append(parsing.pad_stack(parts, d, None, [int(s) for s in spec.shape]))
        lengths.append(np.asarray([p.shape[0] for p in parts], np.int64))
    for key, spec in sparse:
        parts = [_sparse_steps(f, key, spec) for f in flists]
        d = dtypes.as_dtype(spec.dtype)
        outputs += list(parts[0]) if single else list(parsing.sparse_batch(parts, d, 2))
    for key, spec in ragged:
        parts = [_ragged_steps(f, key, spec) for f in flists]
        d = dtypes.as_dtype(spec.dtype)
        values, splits = parts[0] if single else parsing.ragged_batch(parts, d)
        outputs += [values] + list(splits)
    return outputs + lengths


def _infer(batch_shape, attrs):
    lead = parsing.lead_dims(batch_shape)
    dense, sparse, ragged = attrs["sequence"]
    specs = parsing.output_specs(lead, *attrs["context"])
    specs += parsing.output_specs(lead, dense, (), ())
    specs += parsing.output_specs(lead, (), sparse, ragged, dense_prefix=(None,))
    if lead:
        specs += [(TensorShape(lead), dtypes.int64)] * len(dense)
    return specs


def _split(context_features, sequence_features):
    context = parsing.split_features(context_features, "context_features")
    sequence = parsing.split_features(sequence_features, "sequence_features",
                                      dense_types=(FixedLenSequenceFeature,))
    for key, spec in sequence[0]:
        if spec.default_value is not None:  # TensorFlow pads feature lists with zeros only
            raise ValueError(f"Value feature_list.dense_defaults[{key}] must be None")
    for key, spec in sequence[1]:
        if not isinstance(spec, VarLenFeature):
            raise TypeError(f"sequence_features: feature {key!r}: a SparseFeature is not "
                            f"supported in sequence features; use VarLenFeature.")
    for key, spec in sequence[2]:
        if spec.partitions:
            raise ValueError(f"sequence_features: RaggedFeature {key!r} with partitions is "
                             f"not supported in ndflow; the feature list's steps are its "
                             f"rows.")
    for key, spec in context[0]:
        if isinstance(spec, FixedLenSequenceFeature):
            raise TypeError(f"context_features: feature {key!r}: FixedLenSequenceFeature "
                            f"belongs in sequence_features.")
    return context, sequence


def _parse(serialized, context_features, sequence_features, name):
    context, sequence = _split(context_features, sequence_features)
    tensor = parsing.serialized_input(serialized)
    out = execute(PARSE_SEQUENCE_EXAMPLE, (tensor,), {"context": context,
                                                      "sequence": sequence},
                  name or "ParseSequenceExample")
    out = list(out) if isinstance(out, (list, tuple)) else [out]
    lead = parsing.lead_dims(tensor.shape)
    n_ctx = len(parsing.output_specs(lead, *context))
    n_dense = len(sequence[0])
    n_rest = len(parsing.output_specs(lead, (), sequence[1], sequence[2], dense_prefix=(None,)))
    ctx = parsing.pack_outputs(out[:n_ctx], *context, lead)
    seq = parsing.pack_outputs(out[n_ctx:n_ctx + n_dense], sequence[0], (), (), lead)
    seq.update(parsing.pack_outputs(out[n_ctx + n_dense:n_ctx + n_dense + n_rest], (),
                                    sequence[1], sequence[2], lead, dense_prefix=(None,)))
    lengths = dict(zip([k for k, _ in sequence[0]], out[n_ctx + n_dense + n_rest:]))
    return ctx, seq, lengths


def parse_single_sequence_example(serialized, context_features=None, sequence_features=None,
                                  example_name=None, name=None):
    """Parses one serialized `tf.train.SequenceExample`.

    Args:
      serialized: a scalar `tf.string`.
      context_features: dict of key to FixedLenFeature, VarLenFeature, SparseFeature or
        RaggedFeature, read from the context.
      sequence_features: dict of key to FixedLenSequenceFeature, VarLenFeature or
        RaggedFeature (without partitions), read from the feature lists.
      example_name: unused (a name for error messages in TensorFlow).
      name: optional name of the op.

    Returns:
      A pair of dicts (context, feature lists).
    """
    ctx, seq, _ = _parse(serialized, context_features, sequence_features, name)
    return ctx, seq


def parse_sequence_example(serialized, context_features=None, sequence_features=None,
                           example_names=None, name=None):
    """Parses a batch (vector) of serialized `tf.train.SequenceExample`s.

    Args: as `parse_single_sequence_example`, with `serialized` a vector.

    Returns:
      A triple of dicts (context, feature lists, lengths): dense feature lists are padded
      to the longest example with zeros (empty strings) and `lengths[key]` gives each
      example's number of steps.
    """
    return _parse(serialized, context_features, sequence_features, name)

