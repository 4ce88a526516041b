"""tf.io.parse_example / parse_single_example with FixedLenFeature, VarLenFeature and
FixedLenSequenceFeature: one op (`ParseExample`) so parsing runs eagerly, in Session.run and
inside traced dataset functions alike."""
import collections

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape
from . import example_pb

FixedLenFeature = collections.namedtuple("FixedLenFeature", ["shape", "dtype", "default_value"])
FixedLenFeature.__new__.__defaults__ = (None,)
FixedLenFeature.__doc__ = "tf.io.FixedLenFeature: a dense feature of a fixed shape."
VarLenFeature = collections.namedtuple("VarLenFeature", ["dtype"])
VarLenFeature.__doc__ = "tf.io.VarLenFeature: a feature of any length, parsed as a SparseTensor."
FixedLenSequenceFeature = collections.namedtuple(
    "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"])
FixedLenSequenceFeature.__new__.__defaults__ = (False, None)


class SparseTensor(collections.namedtuple("SparseTensor", ["indices", "values", "dense_shape"])):
    """What a VarLenFeature parses to: indices [n, rank] int64, values [n], dense_shape
    [rank] int64 (a nested structure, so it flows through datasets and tf.function)."""
    __slots__ = ()

    @property
    def shape(self):
        return TensorShape(None)

    @property
    def dtype(self):
        return self.values.dtype


_KINDS = {"string": "bytes_list", "float32": "float_list", "int64": "int64_list"}


def _kind(dtype, key):
    d = dtypes.as_dtype(dtype)
    if d.name not in _KINDS:
        raise ValueError(f"Feature {key!r}: dtype must be tf.string, tf.float32 or tf.int64; "
                         f"received {d.name}.")
    return d


def _values(feature, kind, key, dtype):
    which = feature.WhichOneof("kind")
    if which is None:
        return _empty(dtype)
    if which != kind:
        raise InvalidArgumentError(f"Feature: {key} (data type: {dtype.name}) is required but "
                                   f"the example holds a {which}.")
    values = getattr(feature, which).value
    if dtype == dtypes.string:
        out = np.empty(len(values), dtype=object)
        out[:] = list(values)
        return out
    return np.asarray(values, dtype=dtype._np)


def _empty(dtype):
    return np.empty(0, dtype=object if dtype == dtypes.string else dtype._np)


def _default(spec, key):
    d = dtypes.as_dtype(spec.dtype)
    shape = list(spec.shape)
    if spec.default_value is None:
        return None
    v = np.asarray(spec.default_value, dtype=object if d == dtypes.string else d._np)
    if d == dtypes.string:
        v = np.vectorize(lambda s: s.encode() if isinstance(s, str) else s, otypes=[object])(v)
    return np.broadcast_to(v, shape).copy()


def _parse_one(serialized, dense, sparse, index):
    Example = example_pb.classes()["Example"]
    ex = Example()
    try:
        ex.ParseFromString(bytes(serialized))
    except Exception as e:  # noqa: BLE001 - protobuf's DecodeError
        raise InvalidArgumentError(f"Could not parse example input, value: "
                                   f"{bytes(serialized)[:40]!r} (example {index}): {e}") from e
    features = ex.features.feature
    dense_out = []
    for key, spec in dense:
        d = _kind(spec.dtype, key)
        shape = [int(s) for s in spec.shape]
        if key not in features:
            if isinstance(spec, FixedLenSequenceFeature):
                if not spec.allow_missing:
                    raise InvalidArgumentError(f"Name: <unknown>, Feature list '{key}' is "
                                               f"required but could not be found.")
                dense_out.append(np.zeros([0] + shape, object if d == dtypes.string else d._np))
                continue
            default = _default(spec, key)
            if default is None:
                raise InvalidArgumentError(f"Name: <unknown>, Feature: {key} (data type: "
                                           f"{d.name}) is required but could not be found.")
            dense_out.append(default)
            continue
        values = _values(features[key], _KINDS[d.name], key, d)
        if isinstance(spec, FixedLenSequenceFeature):
            per = int(np.prod(shape)) if shape else 1
            if values.size % per:
                raise InvalidArgumentError(f"Name: <unknown>, Key: {key}, Index: 0.  Number of "
                                           f"values is not a multiple of the shape {shape}.")
            dense_out.append(values.reshape([values.size // per] + shape))
            continue
        want = int(np.prod(shape)) if shape else 1
        if values.size != want:
            raise InvalidArgumentError(f"Name: <unknown>, Key: {key}, Index: 0.  Number of "
                                       f"{_KINDS[d.name].replace('_list', '')} values != "
                                       f"expected.  Values size: {values.size} but output "
                                       f"shape: {shape}")
        dense_out.append(values.reshape(shape))
    sparse_out = []
    for key, spec in sparse:
        d = _kind(spec.dtype, key)
        values = _values(features[key], _KINDS[d.name], key, d) if key in features \
            else _empty(d)
        sparse_out.append(values)
    return dense_out, sparse_out


def _pad_stack(parts, dtype):
    longest = max((p.shape[0] for p in parts), default=0)
    rest = parts[0].shape[1:] if parts else ()
    out = np.zeros((len(parts), longest) + tuple(rest),
                   dtype=object if dtype == dtypes.string else dtype._np)
    if dtype == dtypes.string:
        out[...] = b""
    for i, p in enumerate(parts):
        out[i, :p.shape[0]] = p
    return out


@op("ParseExample", host=True, multi_output=True, differentiable=False,
    infer=lambda ts, a: _infer(ts[0].shape, a))
def PARSE_EXAMPLE(xp, serialized, dense, sparse):
    batch = np.asarray(serialized, dtype=object)
    single = batch.ndim == 0
    records = batch.reshape(-1)
    parsed = [_parse_one(r, dense, sparse, i) for i, r in enumerate(records)]
    outputs = []
    for j, (key, spec) in enumerate(dense):
        d = dtypes.as_dtype(spec.dtype)
        parts = [p[0][j] for p in parsed]
        if single:
            outputs.append(parts[0])
        elif isinstance(spec, FixedLenSequenceFeature):
            outputs.append(_pad_stack(parts, d))
        else:
            outputs.append(np.stack(parts) if parts else
                           np.zeros([0] + [int(s) for s in spec.shape], d._np or object))
    for j, (key, spec) in enumerate(sparse):
        d = dtypes.as_dtype(spec.dtype)
        parts = [p[1][j] for p in parsed]
        if single:
            values = parts[0]
            indices = np.arange(values.size, dtype=np.int64).reshape(-1, 1)
            shape = np.asarray([values.size], np.int64)
        else:
            indices = np.asarray([(i, k) for i, p in enumerate(parts) for k in range(p.size)],
                                 np.int64).reshape(-1, 2)
            values = np.concatenate(parts) if parts else _empty(d)
            if d == dtypes.string:
                values = values.astype(object)
            shape = np.asarray([len(parts), max((p.size for p in parts), default=0)], np.int64)
        outputs += [indices, values, shape]
    return outputs


def _infer(batch_shape, attrs):
    single = batch_shape.rank == 0
    lead = [] if single else ([batch_shape.dims[0]] if batch_shape.rank else [None])
    specs = []
    for key, spec in attrs["dense"]:
        shape = [int(s) for s in spec.shape]
        if isinstance(spec, FixedLenSequenceFeature):
            shape = [None] + shape
        specs.append((TensorShape(lead + shape), dtypes.as_dtype(spec.dtype)))
    rank = 1 if single else 2
    for key, spec in attrs["sparse"]:
        specs += [(TensorShape([None, rank]), dtypes.int64),
                  (TensorShape([None]), dtypes.as_dtype(spec.dtype)),
                  (TensorShape([rank]), dtypes.int64)]
    return specs


def _split_features(features):
    if not isinstance(features, dict):
        raise TypeError(f"`features` must be a dict of feature name to FixedLenFeature, "
                        f"VarLenFeature or FixedLenSequenceFeature; received {features!r}.")
    dense, sparse = [], []
    for key in sorted(features):
        spec = features[key]
        if isinstance(spec, VarLenFeature):
            sparse.append((key, spec))
        elif isinstance(spec, (FixedLenFeature, FixedLenSequenceFeature)):
            dense.append((key, spec))
        else:
            raise TypeError(f"Feature {key!r}: unsupported feature type {spec!r}.")
    return tuple(dense), tuple(sparse)


def _serialized_input(serialized):
    from ..framework.tensor import TensorLike
    if isinstance(serialized, TensorLike):
        return serialized
    from ..framework.tensor import EagerTensor
    from ..data.structure import string_array
    return EagerTensor(string_array(serialized))


def parse_example(serialized, features, example_names=None, name=None):
    """Parses a batch (vector) of serialized `tf.train.Example`s into a dict of tensors:
    dense features stacked to [batch] + shape, VarLenFeatures as SparseTensors."""
    dense, sparse = _split_features(features)
    out = execute(PARSE_EXAMPLE, (_serialized_input(serialized),),
                  {"dense": dense, "sparse": sparse}, name or "ParseExample")
    if not isinstance(out, (list, tuple)):
        out = [out]
    result = {}
    for (key, _), t in zip(dense, out):
        result[key] = t
    rest = out[len(dense):]
    for i, (key, _) in enumerate(sparse):
        result[key] = SparseTensor(*rest[3 * i:3 * i + 3])
    return result


def parse_single_example(serialized, features, name=None, example_names=None):
    """Parses one serialized `tf.train.Example` (a scalar string) into a dict of tensors."""
    return parse_example(serialized, features, name=name)
