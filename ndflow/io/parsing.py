"""tf.io.parse_example / parse_single_example: FixedLenFeature, FixedLenSequenceFeature,
VarLenFeature and SparseFeature (SparseTensors) and RaggedFeature (RaggedTensors).

One op (`ParseExample`) parses, so parsing runs eagerly, in Session.run and inside traced
dataset functions alike. The per-record readers and the batchers here are shared with
the SequenceExample parser (sequence_parsing.py).
"""
import collections

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape
from ..ops.sparse_tensor import SparseTensor
from . import example_pb

FixedLenFeature = collections.namedtuple("FixedLenFeature", ["shape", "dtype", "default_value"])
FixedLenFeature.__new__.__defaults__ = (None,)
FixedLenFeature.__doc__ = "tf.io.FixedLenFeature: a dense feature of a fixed shape."
VarLenFeature = collections.namedtuple("VarLenFeature", ["dtype"])
VarLenFeature.__doc__ = "tf.io.VarLenFeature: a feature of any length, parsed as a SparseTensor."
FixedLenSequenceFeature = collections.namedtuple(
    "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"])
FixedLenSequenceFeature.__new__.__defaults__ = (False, None)
FixedLenSequenceFeature.__doc__ = ("tf.io.FixedLenSequenceFeature: a run of values of a "
                                   "fixed shape each; a batch is padded with default_value.")
SparseFeature = collections.namedtuple(
    "SparseFeature", ["index_key", "value_key", "dtype", "size", "already_sorted"])
SparseFeature.__new__.__defaults__ = (False,)
SparseFeature.__doc__ = ("tf.io.SparseFeature: a SparseTensor whose indices are read from the "
                         "feature(s) `index_key` and values from `value_key`, of dense shape "
                         "`size`.")


class RaggedFeature(collections.namedtuple(
        "RaggedFeature", ["dtype", "value_key", "partitions", "row_splits_dtype", "validate"])):
    """tf.io.RaggedFeature: values (from `value_key`, default the feature's own key) cut by
    `partitions` (outermost first) into a RaggedTensor.

    ndflow's RaggedTensors keep int64 row splits, whatever `row_splits_dtype` says.
    """
    __slots__ = ()
    RowSplits = collections.namedtuple("RowSplits", ["key"])
    RowLengths = collections.namedtuple("RowLengths", ["key"])
    RowStarts = collections.namedtuple("RowStarts", ["key"])
    RowLimits = collections.namedtuple("RowLimits", ["key"])
    ValueRowIds = collections.namedtuple("ValueRowIds", ["key"])
    UniformRowLength = collections.namedtuple("UniformRowLength", ["length"])

    def __new__(cls, dtype, value_key=None, partitions=(), row_splits_dtype=dtypes.int32,
                validate=False):
        return super().__new__(cls, dtype, value_key, tuple(partitions), row_splits_dtype,
                               validate)


_KINDS = {"string": "bytes_list", "float32": "float_list", "int64": "int64_list"}


def kind_of(dtype, key):
    d = dtypes.as_dtype(dtype)
    if d.name not in _KINDS:
        raise ValueError(f"Feature {key!r}: dtype must be tf.string, tf.float32 or tf.int64; "
                         f"received {d.name}.")
    return d


def _np_type(d):
    return object if d == dtypes.string else d._np


def values_of(feature, key, dtype):
    """The values one Feature proto holds, as a 1-D array of `dtype`."""
    which = feature.WhichOneof("kind")
    if which is None:
        return empty(dtype)
    if which != _KINDS[dtype.name]:
        raise InvalidArgumentError(f"Feature: {key} (data type: {dtype.name}) is required but "
                                   f"the example holds a {which}.")
    values = getattr(feature, which).value
    if dtype == dtypes.string:
        out = np.empty(len(values), dtype=object)
        out[:] = list(values)
        return out
    return np.asarray(values, dtype=dtype._np)


def empty(dtype, shape=(0,)):
    out = np.zeros(shape, _np_type(dtype))
    if dtype == dtypes.string:
        out[...] = b""
    return out


def _default(spec):
    if spec.default_value is None:
        return None
    d = dtypes.as_dtype(spec.dtype)
    v = np.asarray(spec.default_value, dtype=_np_type(d))
    if d == dtypes.string:
        v = np.vectorize(lambda s: s.encode() if isinstance(s, str) else s, otypes=[object])(v)
    return v


# --- per record --------------------------------------------------------------------------

def _lookup(fmap, key, dtype):
    return values_of(fmap[key], key, dtype) if key in fmap else None


def dense_one(fmap, key, spec):
    """A FixedLenFeature or (in an Example) FixedLenSequenceFeature of one record."""
    d = kind_of(spec.dtype, key)
    shape = [int(s) for s in spec.shape]
    values = _lookup(fmap, key, d)
    sequence = isinstance(spec, FixedLenSequenceFeature)
    if values is None:
        if sequence:
            if not spec.allow_missing:
                raise InvalidArgumentError(f"Name: <unknown>, Feature list '{key}' is "
                                           f"required but could not be found.")
            return empty(d, [0] + shape)
        default = _default(spec)
        if default is None:
            raise InvalidArgumentError(f"Name: <unknown>, Feature: {key} (data type: "
                                       f"{d.name}) is required but could not be found.")
        return np.broadcast_to(default, shape).copy()
    per = int(np.prod(shape)) if shape else 1
    if sequence:
        if values.size % per:
            raise InvalidArgumentError(f"Name: <unknown>, Key: {key}, Index: 0.  Number of "
                                       f"values is not a multiple of the shape {shape}.")
        return values.reshape([values.size // per] + shape)
    if values.size != per:
        raise InvalidArgumentError(f"Name: <unknown>, Key: {key}, Index: 0.  Number of "
                                   f"{_KINDS[d.name].replace('_list', '')} values != "
                                   f"expected.  Values size: {values.size} but output "
                                   f"shape: {shape}")
    return values.reshape(shape)


def sparse_one(fmap, key, spec):
    """(indices [n, rank], values [n], dense_shape [rank]) of a VarLenFeature or
    SparseFeature of one record."""
    d = kind_of(spec.dtype, key)
    if isinstance(spec, VarLenFeature):
        values = _lookup(fmap, key, d)
        values = empty(d) if values is None else values
        return (np.arange(values.size, dtype=np.int64).reshape(-1, 1), values,
                np.asarray([values.size], np.int64))
    index_keys = [spec.index_key] if isinstance(spec.index_key, str) else list(spec.index_key)
    sizes = [spec.size] if np.ndim(spec.size) == 0 else list(spec.size)
    values = _lookup(fmap, spec.value_key, d)
    values = empty(d) if values is None else values
    columns = []
    for k in index_keys:
        ix = _lookup(fmap, k, dtypes.int64)
        ix = np.zeros(0, np.int64) if ix is None else ix
        if ix.size != values.size:
            raise InvalidArgumentError(f"SparseFeature {key!r}: index feature {k!r} has "
                                       f"{ix.size} values but value feature "
                                       f"{spec.value_key!r} has {values.size}.")
        columns.append(ix)
    indices = np.stack(columns, axis=1) if columns else np.zeros((0, 0), np.int64)
    if not spec.already_sorted and len(values) > 1:
        order = np.lexsort(indices.T[::-1])
        indices, values = indices[order], values[order]
    return indices, values, np.asarray(sizes, np.int64)


def _splits_from_partition(part, fmap, inner_rows, key):
    if isinstance(part, RaggedFeature.UniformRowLength):
        width = int(part.length)
        rows = inner_rows // width if width else 0
        return np.arange(rows + 1, dtype=np.int64) * width
    t = _lookup(fmap, part.key, dtypes.int64)
    t = np.zeros(0, np.int64) if t is None else t
    if isinstance(part, RaggedFeature.RowSplits):
        return t if t.size else np.zeros(1, np.int64)
    if isinstance(part, RaggedFeature.RowLengths):
        return np.concatenate([[0], np.cumsum(t)]).astype(np.int64)
    if isinstance(part, RaggedFeature.RowStarts):
        return np.concatenate([t, [inner_rows]]).astype(np.int64)
    if isinstance(part, RaggedFeature.RowLimits):
        return np.concatenate([[0], t]).astype(np.int64)
    if isinstance(part, RaggedFeature.ValueRowIds):
        rows = int(t.max()) + 1 if t.size else 0
        return np.concatenate([[0], np.cumsum(np.bincount(t, minlength=rows))]).astype(np.int64)
    raise TypeError(f"RaggedFeature {key!r}: unknown partition {part!r}.")


def ragged_one(fmap, key, spec):
    """(flat values, [row splits, outermost first]) of a RaggedFeature of one record."""
    d = kind_of(spec.dtype, key)
    values = _lookup(fmap, spec.value_key or key, d)
    values = empty(d) if values is None else values
    splits, rows = [], values.size
    for part in reversed(spec.partitions):
        s = _splits_from_partition(part, fmap, rows, key)
        if s[-1] != rows:
            raise InvalidArgumentError(f"RaggedFeature {key!r}: partition {part} describes "
                                       f"{int(s[-1])} values, but there are {rows}.")
        splits.insert(0, s)
        rows = s.size - 1
    return values, splits


# --- batching records --------------------------------------------------------------------

def pad_stack(parts, dtype, padding=None, rest=()):
    """Stacks arrays of shape [n_i] + rest into [len(parts), max n_i] + rest."""
    longest = max((p.shape[0] for p in parts), default=0)
    rest = tuple(parts[0].shape[1:]) if parts else tuple(rest)
    out = empty(dtype, (len(parts), longest) + rest)
    if padding is not None:
        out[...] = padding
    for i, p in enumerate(parts):
        out[i, :p.shape[0]] = p
    return out


def sparse_batch(parts, dtype, rank):
    """One SparseTensor's arrays from per-record (indices, values, dense_shape)."""
    if not parts:
        return np.zeros((0, rank + 1), np.int64), empty(dtype), np.zeros(rank + 1, np.int64)
    indices = np.concatenate([
        np.concatenate([np.full((len(ix), 1), i, np.int64), ix], axis=1)
        for i, (ix, _, _) in enumerate(parts)]) if parts else None
    values = np.concatenate([v for _, v, _ in parts]).astype(_np_type(dtype))
    shape = np.max(np.stack([s for _, _, s in parts]), axis=0)
    return indices.reshape(-1, rank + 1), values, np.concatenate([[len(parts)], shape])


def ragged_batch(parts, dtype):
    """(flat values, nested splits) of a batch of per-record ragged values."""
    values = np.concatenate([v for v, _ in parts]).astype(_np_type(dtype)) if parts \
        else empty(dtype)
    depth = len(parts[0][1]) if parts else 0
    outer = [0]
    levels = [[np.zeros(1, np.int64)] for _ in range(depth)]
    offsets = [0] * (depth + 1)  # rows already placed at each level (and values)
    for v, splits in parts:
        outer.append(outer[-1] + (splits[0].size - 1 if splits else v.size))
        for lvl, s in enumerate(splits):
            levels[lvl].append(s[1:] + offsets[lvl + 1])
            offsets[lvl + 1] += int(s[-1])
    splits = [np.asarray(outer, np.int64)] + [np.concatenate(lv).astype(np.int64)
                                              for lv in levels]
    return values, splits


# --- the op ------------------------------------------------------------------------------

def _parse_example_proto(serialized, index):
    ex = example_pb.classes()["Example"]()
    try:
        ex.ParseFromString(bytes(serialized))
    except Exception as e:  # noqa: BLE001 - protobuf's DecodeError
        raise InvalidArgumentError(f"Could not parse example input, value: "
                                   f"{bytes(serialized)[:40]!r} (example {index}): {e}") from e
    return ex.features.feature


def feature_outputs(fmaps, single, dense, sparse, ragged):
    """The output arrays of dense, sparse and ragged features over records `fmaps`."""
    outputs = []
    for key, spec in dense:
        d = dtypes.as_dtype(spec.dtype)
        parts = [dense_one(f, key, spec) for f in fmaps]
        if single:
            outputs.append(parts[0])
        elif isinstance(spec, FixedLenSequenceFeature):
            outputs.append(pad_stack(parts, d, _default(spec), [int(s) for s in spec.shape]))
        else:
            outputs.append(np.stack(parts) if parts else
                           empty(d, [0] + [int(s) for s in spec.shape]))
    for key, spec in sparse:
        d = dtypes.as_dtype(spec.dtype)
        parts = [sparse_one(f, key, spec) for f in fmaps]
        outputs += list(parts[0]) if single else list(sparse_batch(parts, d, sparse_rank(spec)))
    for key, spec in ragged:
        d = dtypes.as_dtype(spec.dtype)
        parts = [ragged_one(f, key, spec) for f in fmaps]
        values, splits = parts[0] if single else ragged_batch(parts, d)
        outputs += [values] + list(splits)
    return outputs


def sparse_rank(spec):
    if isinstance(spec, VarLenFeature):
        return 1
    return 1 if isinstance(spec.index_key, str) else len(spec.index_key)


@op("ParseExample", host=True, multi_output=True, differentiable=False,
    infer=lambda ts, a: _infer(ts[0].shape, a))
def PARSE_EXAMPLE(xp, serialized, dense, sparse, ragged):
    batch = np.asarray(serialized, dtype=object)
    records = batch.reshape(-1)
    fmaps = [_parse_example_proto(r, i) for i, r in enumerate(records)]
    return feature_outputs(fmaps, batch.ndim == 0, dense, sparse, ragged)


def lead_dims(batch_shape):
    if batch_shape.rank == 0:
        return []
    return [batch_shape.dims[0]] if batch_shape.rank else [None]


def output_specs(lead, dense, sparse, ragged, dense_prefix=()):
    specs = []
    for key, spec in dense:
        shape = [int(s) for s in spec.shape]
        if isinstance(spec, FixedLenSequenceFeature):
            shape = [None] + shape
        specs.append((TensorShape(lead + list(dense_prefix) + shape),
                      dtypes.as_dtype(spec.dtype)))
    for key, spec in sparse:
        rank = len(lead) + sparse_rank(spec) + len(dense_prefix)
        specs += [(TensorShape([None, rank]), dtypes.int64),
                  (TensorShape([None]), dtypes.as_dtype(spec.dtype)),
                  (TensorShape([rank]), dtypes.int64)]
    for key, spec in ragged:
        specs.append((TensorShape([None]), dtypes.as_dtype(spec.dtype)))
        depth = len(spec.partitions) + len(lead) + len(dense_prefix)
        specs += [(TensorShape([None]), dtypes.int64)] * depth
    return specs


def _infer(batch_shape, attrs):
    return output_specs(lead_dims(batch_shape), attrs["dense"], attrs["sparse"],
                        attrs["ragged"])


def split_features(features, what="features", dense_types=(FixedLenFeature,
                                                            FixedLenSequenceFeature)):
    """(dense, sparse, ragged) tuples of (key, spec), sorted by key."""
    if features is None:
        return (), (), ()
    if not isinstance(features, dict):
        raise TypeError(f"`{what}` must be a dict of feature name to FixedLenFeature, "
                        f"VarLenFeature, SparseFeature, RaggedFeature or "
                        f"FixedLenSequenceFeature; received {features!r}.")
    dense, sparse, ragged = [], [], []
    for key in sorted(features):
        spec = features[key]
        if isinstance(spec, (VarLenFeature, SparseFeature)):
            sparse.append((key, spec))
        elif isinstance(spec, RaggedFeature):
            ragged.append((key, spec))
        elif isinstance(spec, dense_types):
            dense.append((key, spec))
        else:
            raise TypeError(f"{what}: feature {key!r} has an unsupported type {spec!r}.")
    return tuple(dense), tuple(sparse), tuple(ragged)


def serialized_input(serialized):
    from ..framework.tensor import TensorLike
    if isinstance(serialized, TensorLike):
        return serialized
    from ..framework.tensor import EagerTensor
    from ..data.structure import string_array
    return EagerTensor(string_array(serialized))


def pack_outputs(out, dense, sparse, ragged, lead, dense_prefix=()):
    """{key: tensor / SparseTensor / RaggedTensor} from the op's flat outputs."""
    out = list(out) if isinstance(out, (list, tuple)) else [out]
    result, pos = {}, 0
    for key, _ in dense:
        result[key] = out[pos]
        pos += 1
    for key, spec in sparse:
        if isinstance(spec, SparseFeature):
            size = [spec.size] if np.ndim(spec.size) == 0 else list(spec.size)
        else:
            size = [None] * sparse_rank(spec)
        shape = lead + [None] * len(dense_prefix) + size
        result[key] = SparseTensor._from_parts(*out[pos:pos + 3], shape=shape)
        pos += 3
    for key, spec in ragged:
        depth = len(spec.partitions) + len(lead) + len(dense_prefix)
        values, splits = out[pos], out[pos + 1:pos + 1 + depth]
        pos += 1 + depth
        if depth:
            from ..ragged.ragged_tensor import RaggedTensor
            values = RaggedTensor.from_nested_row_splits(values, list(splits), validate=False)
        result[key] = values
    return result


def parse_example(serialized, features, example_names=None, name=None):
    """Parses a batch of serialized `tf.train.Example`s into a dict of tensors.

    Args:
      serialized: a vector (or scalar, for `parse_single_example`) of `tf.string`.
      features: dict of feature key to FixedLenFeature, FixedLenSequenceFeature,
        VarLenFeature, SparseFeature or RaggedFeature.
      example_names: unused (names for error messages in TensorFlow).
      name: optional name of the op.

    Returns:
      A dict: dense features stacked to [batch] + shape (sequence features padded with
      their default_value), VarLenFeature and SparseFeature as SparseTensors,
      RaggedFeature as RaggedTensors.
    """
    dense, sparse, ragged = split_features(features)
    tensor = serialized_input(serialized)
    out = execute(PARSE_EXAMPLE, (tensor,), {"dense": dense, "sparse": sparse,
                                             "ragged": ragged}, name or "ParseExample")
    return pack_outputs(out, dense, sparse, ragged, lead_dims(tensor.shape))


def parse_single_example(serialized, features, name=None, example_names=None):
    """Parses one serialized `tf.train.Example` (a scalar string) into a dict of tensors
    (see `parse_example`; a RaggedFeature without partitions gives a dense vector)."""
    return parse_example(serialized, features, name=name)
