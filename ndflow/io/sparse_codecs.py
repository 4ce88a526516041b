"""tf.io.serialize_sparse / serialize_many_sparse / deserialize_many_sparse: a SparseTensor
as strings, in TensorFlow's format. (`deserialize_sparse`, the general reader, is not a
public TensorFlow name, so it is not exported in tf.io either.)

A serialized SparseTensor is a string vector of three elements: the serialized TensorProtos
(see tensor_codecs; read by `tf.io.parse_tensor`) of its int64 `indices`, its `values` and
its int64 `dense_shape`, every one with its values in `tensor_content` (strings too, as
varint lengths then bytes, where serialize_tensor uses `string_val`).
`serialize_many_sparse` writes one such row per entry of the first dimension (a [N, 3]
matrix); deserializing concatenates the rows again along new leading dimensions, each
original dimension as large as the largest entry's.
"""
import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.coercion import string_array
from ..framework.registry import execute, op
from ..framework.tensor import EagerTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from ..ops.sparse_ops import _sparse, _validate
from ..ops.sparse_tensor import SparseTensor
from .tensor_codecs import _tf_name, from_proto_bytes, to_proto_bytes


def _strings(parts):
    out = np.empty(len(parts), dtype=object)
    out[:] = parts
    return out


def _serialized(indices, values, shape):
    return [to_proto_bytes(np.asarray(indices, np.int64)), to_proto_bytes(values, content=True),
            to_proto_bytes(np.asarray(shape, np.int64))]


@op("SerializeSparse", host=True, differentiable=False,
    infer=lambda ts, a: [(TensorShape([3]), dtypes.string)])
def SERIALIZE_SPARSE(xp, indices, values, dense_shape):
    return _strings(_serialized(indices, values, dense_shape))


def _many_infer(ts, attrs):
    return [(TensorShape([None, 3]), dtypes.string)]


@op("SerializeManySparse", host=True, differentiable=False, infer=_many_infer)
def SERIALIZE_MANY_SPARSE(xp, indices, values, dense_shape):
    indices, shape = np.asarray(indices, np.int64), np.asarray(dense_shape, np.int64)
    if shape.size < 2:
        raise InvalidArgumentError(f"Rank of input SparseTensor should be > 1, but saw rank: "
                                   f"{shape.size}")
    _validate(np, "SerializeManySparse", indices, shape)
    rows = np.empty((int(shape[0]), 3), dtype=object)
    # indices are sorted, so each entry's values form one run of the first coordinate
    bounds = np.searchsorted(indices[:, 0], np.arange(int(shape[0]) + 1))
    for b in range(int(shape[0])):
        lo, hi = int(bounds[b]), int(bounds[b + 1])
        rows[b] = _serialized(indices[lo:hi, 1:], values[lo:hi], shape[1:])
    return rows


def _deserialize_infer(ts, attrs):
    batch = ts[0].shape
    rank = attrs["rank"]
    total = None if batch.rank is None or rank is None else batch.rank - 1 + rank
    return [(TensorShape([None, total]), dtypes.int64), (TensorShape([None]), attrs["dtype"]),
            (TensorShape([total]), dtypes.int64)]


@op("DeserializeSparse", host=True, multi_output=True, differentiable=False,
    infer=_deserialize_infer)
def DESERIALIZE_SPARSE(xp, serialized, dtype, rank):
    serialized = np.asarray(serialized, dtype=object)
    if serialized.ndim < 1 or serialized.shape[-1] != 3:
        raise InvalidArgumentError(f"Serialized sparse should have 3 as the last dimension "
                                   f"but received shape: {list(serialized.shape)}")
    batch = serialized.shape[:-1]
    entries = serialized.reshape(-1, 3)
    parts, shapes = [], []
    for i, (ind, val, shp) in enumerate(entries):
        indices = from_proto_bytes(ind, dtypes.int64, "deserialize_sparse")
        try:
            values = from_proto_bytes(val, dtype, "deserialize_sparse")
        except InvalidArgumentError:
            got = from_proto_bytes(val, _parsed_dtype(val), "deserialize_sparse")
            raise InvalidArgumentError(
                f"Requested SparseTensor of type {_tf_name(dtype.name)} but SparseTensor[{i}]"
                f".values.dtype() == {_tf_name(dtypes.as_dtype(got.dtype).name)}") from None
        shape = from_proto_bytes(shp, dtypes.int64, "deserialize_sparse")
        if indices.ndim != 2 or values.ndim != 1 or shape.ndim != 1 or \
                indices.shape[0] != values.shape[0] or indices.shape[1] != shape.shape[0]:
            raise InvalidArgumentError(
                f"SparseTensor[{i}] is not a valid SparseTensor: indices of shape "
                f"{list(indices.shape)}, values of shape {list(values.shape)} and dense_shape "
                f"of shape {list(shape.shape)}.")
        if shapes and shape.size != shapes[0].size:
            raise InvalidArgumentError(f"Inconsistent shape across SparseTensors: rank prior to "
                                       f"SparseTensor[{i}] was: {shapes[0].size} but rank of "
                                       f"SparseTensor[{i}] is: {shape.size}")
        parts.append((indices, values))
        shapes.append(shape)
    inner = shapes[0].size if shapes else (rank or 0)
    if rank is not None and inner != rank:
        raise InvalidArgumentError(f"deserialize_sparse: the SparseTensors have rank {inner}, "
                                   f"but rank={rank} was given.")
    if not batch:  # one SparseTensor: as it was serialized
        (indices, values), = parts
        return [indices, values, shapes[0]]
    positions = np.asarray(np.unravel_index(np.arange(len(parts)), batch)).T \
        if parts else np.zeros((0, len(batch)), np.int64)
    out_indices = [np.concatenate([np.repeat(positions[i:i + 1], len(ind), 0), ind], axis=1)
                   for i, (ind, _) in enumerate(parts)]
    width = len(batch) + inner
    indices = np.concatenate(out_indices).astype(np.int64) if out_indices else \
        np.zeros((0, width), np.int64)
    values = np.concatenate([v for _, v in parts]) if parts else \
        np.zeros(0, object if dtype == dtypes.string else dtype._np)
    most = np.max(np.stack(shapes), axis=0) if shapes else np.zeros(inner, np.int64)
    dense_shape = np.concatenate([np.asarray(batch, np.int64), most]).astype(np.int64)
    return [indices.reshape(-1, width), values, dense_shape]


def _parsed_dtype(serialized):
    from .tensor_codecs import _NAME, _tensor_pb2
    proto = _tensor_pb2().TensorProto()
    proto.ParseFromString(bytes(serialized))
    return dtypes.as_dtype(_NAME[proto.dtype])


def _out_type(out_type, what):
    out_type = dtypes.as_dtype(out_type)
    if out_type != dtypes.string:
        raise TypeError(f"{what}: out_type must be tf.string (ndflow has no tf.variant "
                        f"tensors); received {out_type.name}.")
    return out_type


def serialize_sparse(sp_input, out_type=dtypes.string, name=None):
    """Serializes a `SparseTensor` into a 3-vector of strings.

    Args:
      sp_input: the `SparseTensor`.
      out_type: the dtype of the result: `tf.string`.
      name: optional name of the op.

    Returns:
      A string tensor of shape [3]: the serialized TensorProtos of `indices`, `values` and
      `dense_shape` (each readable with `tf.io.parse_tensor`).

    Raises:
      TypeError: if `sp_input` is not a SparseTensor or `out_type` is not tf.string.
    """
    sp = _sparse(sp_input)
    _out_type(out_type, "serialize_sparse")
    return execute(SERIALIZE_SPARSE, (sp.indices, sp.values, sp.dense_shape), {},
                   name or "SerializeSparse")


def serialize_many_sparse(sp_input, out_type=dtypes.string, name=None):
    """Serializes each entry of the first dimension of a `SparseTensor` of rank >= 2.

    Args:
      sp_input: the `SparseTensor`, of rank R >= 2 with indices in row-major order.
      out_type: the dtype of the result: `tf.string`.
      name: optional name of the op.

    Returns:
      A string tensor of shape [N, 3] (N the first dimension): row n serializes entry n, a
      SparseTensor of rank R - 1, as `serialize_sparse` does.

    Raises:
      InvalidArgumentError: if the rank is below 2 or the indices are out of bounds or out
        of order.
    """
    sp = _sparse(sp_input)
    _out_type(out_type, "serialize_many_sparse")
    return execute(SERIALIZE_MANY_SPARSE, (sp.indices, sp.values, sp.dense_shape), {},
                   name or "SerializeManySparse")


def deserialize_sparse(serialized_sparse, dtype, rank=None, name=None):
    """Reads back SparseTensors serialized by `serialize_sparse` / `serialize_many_sparse`.

    Args:
      serialized_sparse: a string tensor of shape [d1, ..., dN, 3]: N >= 0 batch
        dimensions of serialized SparseTensors.
      dtype: the dtype of their values.
      rank: optional Python int, the rank of the serialized SparseTensors.
      name: optional name of the op.

    Returns:
      One `SparseTensor` of rank N + rank: the serialized ones placed along the batch
      dimensions, each original dimension the largest of theirs.

    Raises:
      InvalidArgumentError: if the strings are not serialized SparseTensors of `dtype`, or
        their ranks differ.
    """
    dtype = dtypes.as_dtype(dtype)
    if not isinstance(serialized_sparse, TensorLike):
        serialized_sparse = EagerTensor(string_array(serialized_sparse))
    indices, values, shape = execute(
        DESERIALIZE_SPARSE, (serialized_sparse,),
        {"dtype": dtype, "rank": None if rank is None else int(rank)},
        name or "DeserializeSparse")
    return SparseTensor._from_parts(indices, values, shape)


def deserialize_many_sparse(serialized_sparse, dtype, rank=None, name=None):
    """Reads back a minibatch of SparseTensors serialized by `serialize_many_sparse`.

    Args:
      serialized_sparse: a string matrix [N, 3], each row a serialized SparseTensor.
      dtype: the dtype of their values.
      rank: optional Python int, the rank of the serialized SparseTensors.
      name: optional name of the op.

    Returns:
      A `SparseTensor` of rank `rank + 1` whose first dimension is N and whose other
      dimensions are the largest of the entries'.

    Raises:
      InvalidArgumentError: if `serialized_sparse` is not a [N, 3] matrix of serialized
        SparseTensors of `dtype` of one rank.
    """
    shape = getattr(serialized_sparse, "shape", None)
    if shape is not None and getattr(shape, "rank", None) not in (None, 2):
        raise InvalidArgumentError(f"deserialize_many_sparse: serialized_sparse must be a "
                                   f"[N, 3] matrix; received shape {shape}.")
    return deserialize_sparse(serialized_sparse, dtype, rank, name or "DeserializeManySparse")
