"""tf.io.decode_proto / encode_proto: fields of serialized protocol buffer messages to dense
tensors and back, for any message type protobuf can describe.

The message type is found by name in a descriptor pool: `descriptor_source="local://"` (the
default) looks in ndflow's own Example protos (`tensorflow.Example`...) and then in
protobuf's default pool, which holds every message of the `_pb2` modules imported so far
(tensorboard's, or one compiled with protoc); a file name or `"bytes://<data>"` gives a
serialized `FileDescriptorSet` (what `protoc --descriptor_set_out=... --include_imports`
writes). Descriptors are data: nothing from the file is executed. Needs the `protobuf`
package (installed with tensorboard).
"""
import collections

import numpy as np

from ..framework import dtypes
from ..framework.coercion import string_array
from ..framework.errors import InvalidArgumentError, NotFoundError
from ..framework.registry import execute, op
from ..framework.tensor import EagerTensor, TensorLike
from ..framework.tensor_shape import TensorShape

DecodeProtoResult = collections.namedtuple("DecodeProto", ["sizes", "values"])

_POOLS = {}  # descriptor_source -> DescriptorPool read from it

# FieldDescriptor.TYPE_* -> the dtypes a field may be decoded to (the first is its own)
_FIELD_DTYPES = {
    1: ("float64", "float32"), 2: ("float32", "float64"), 3: ("int64",), 4: ("uint64",),
    5: ("int32", "int64"), 6: ("uint64",), 7: ("uint32", "int64"), 8: ("bool",),
    9: ("string",), 10: ("string",), 11: ("string",), 12: ("string",),
    13: ("uint32", "int64"), 14: ("int32",), 15: ("int32", "int64"), 16: ("int64",),
    17: ("int32", "int64"), 18: ("int64",),
}
_MESSAGE_TYPES = (10, 11)  # group, message: decoded as their serialized bytes


def _pool(descriptor_source):
    from google.protobuf import descriptor_pb2, descriptor_pool
    if descriptor_source == "local://":
        return None
    pool = _POOLS.get(descriptor_source)
    if pool is None:
        if descriptor_source.startswith("bytes://"):
            data = descriptor_source[len("bytes://"):]
            data = data.encode("latin-1") if isinstance(data, str) else data
        else:
            try:
                with open(descriptor_source, "rb") as f:
                    data = f.read()
            except OSError as e:
                raise NotFoundError(f"descriptor_source: cannot read {descriptor_source!r}: "
                                    f"{e}") from None
        files = descriptor_pb2.FileDescriptorSet()
        try:
            files.ParseFromString(data)
        except Exception:  # noqa: BLE001 - protobuf's DecodeError
            raise InvalidArgumentError(f"descriptor_source {descriptor_source!r} is not a "
                                       f"serialized FileDescriptorSet.") from None
        pool = descriptor_pool.DescriptorPool()
        for fdp in files.file:
            pool.Add(fdp)
        _POOLS[descriptor_source] = pool
    return pool


def message_class(message_type, descriptor_source="local://"):
    """The protobuf message class named `message_type` in `descriptor_source`."""
    try:
        from google.protobuf import descriptor_pool, message_factory
    except ImportError as e:  # pragma: no cover - protobuf comes with tensorboard
        raise ImportError("decode_proto/encode_proto need the `protobuf` package: "
                          "pip install protobuf") from e
    pool = _pool(descriptor_source)
    if pool is None:
        from . import example_pb
        own = example_pb.classes()
        short = message_type[len("tensorflow."):] if message_type.startswith("tensorflow.") \
            else None
        if short in own:
            return own[short]
        pool = descriptor_pool.Default()
    try:
        descriptor = pool.FindMessageTypeByName(message_type)
    except KeyError:
        raise InvalidArgumentError(f"No descriptor found for message type {message_type}") \
            from None
    return message_factory.GetMessageClass(descriptor)


def _fields(cls, field_names, message_type):
    fields = []
    for name in field_names:
        field = cls.DESCRIPTOR.fields_by_name.get(name)
        if field is None:
            raise InvalidArgumentError(f"Unknown field: {name} in message type {message_type}")
        fields.append(field)
    return fields


def _repeated(field):
    repeated = getattr(field, "is_repeated", None)  # protobuf >= 6; `label` before
    return repeated if repeated is not None else field.label == field.LABEL_REPEATED


def _default(field, dtype):
    if field.type in _MESSAGE_TYPES or _repeated(field):
        return b"" if dtype == dtypes.string else 0
    value = field.default_value
    return value.encode() if isinstance(value, str) else value


def _field_values(message, field):
    value = getattr(message, field.name)
    if _repeated(field):
        items = list(value)
    elif field.has_presence:
        items = [value] if message.HasField(field.name) else []
    else:  # a proto3 scalar is on the wire only when it is not the default
        items = [value] if value != field.default_value else []
    if field.type in _MESSAGE_TYPES:
        items = [m.SerializeToString() for m in items]
    elif field.type == 9:  # string
        items = [s.encode("utf-8") for s in items]
    return items


def _parse(cls, data, message_format):
    message = cls()
    try:
        if message_format == "text":
            from google.protobuf import text_format
            text_format.Parse(data.decode("utf-8") if isinstance(data, bytes) else data,
                              message)
        else:
            message.ParseFromString(bytes(data))
    except Exception:  # noqa: BLE001 - protobuf's DecodeError / ParseError
        raise InvalidArgumentError(f"Unable to parse a {cls.DESCRIPTOR.full_name} message "
                                   f"from {bytes(data)[:40]!r}") from None
    return message


def _decode_infer(ts, attrs):
    batch = ts[0].shape
    n = len(attrs["fields"])
    if batch.rank is None:
        return [(TensorShape(None), dtypes.int32)] + \
            [(TensorShape(None), d) for d in attrs["types"]]
    return [(batch.concatenate([n]), dtypes.int32)] + \
        [(batch.concatenate([None]), d) for d in attrs["types"]]


@op("DecodeProtoV2", host=True, multi_output=True, differentiable=False, infer=_decode_infer)
def DECODE_PROTO(xp, data, cls, fields, types, message_format):
    data = np.asarray(data, dtype=object)
    flat = data.reshape(-1)
    per_message = [[_field_values(_parse(cls, d, message_format), f) for f in fields]
                   for d in flat]
    sizes = np.asarray([[len(v) for v in row] for row in per_message],
                       np.int32).reshape(data.shape + (len(fields),))
    outs = [sizes]
    for i, (field, dtype) in enumerate(zip(fields, types)):
        width = max([1] + [len(row[i]) for row in per_message])
        npd = object if dtype == dtypes.string else dtype._np
        out = np.empty((len(flat), width), dtype=npd)
        out[...] = _default(field, dtype)
        for m, row in enumerate(per_message):
            if row[i]:
                out[m, :len(row[i])] = np.asarray(row[i], dtype=npd)
        outs.append(out.reshape(data.shape + (width,)))
    return outs


def decode_proto(bytes, message_type, field_names, output_types,  # noqa: A002 - TF's name
                 descriptor_source="local://", message_format="binary", sanitize=False,
                 name=None):
    """Extracts fields of serialized protocol buffer messages into dense tensors.

    Args:
      bytes: a string tensor of serialized messages, of any shape `batch`.
      message_type: the full name of the message type ("tensorflow.Example",
        "mypackage.Person").
      field_names: the names of the fields to extract.
      output_types: one dtype per field (numbers: the field's type or a wider one;
        strings, bytes and sub-messages: tf.string, the latter serialized).
      descriptor_source: "local://" (ndflow's Example protos and protobuf's default
        pool), the path of a serialized FileDescriptorSet, or "bytes://" followed by one.
      message_format: "binary" or "text" (protobuf text format).
      sanitize: accepted for TensorFlow compatibility (protobuf always validates UTF-8).
      name: optional name of the op.

    Returns:
      A namedtuple `(sizes, values)`: `sizes` an int32 tensor `batch + [len(field_names)]`
      counting each field's values in each message, and `values` a list with one tensor
      per field, `batch + [max(1, largest count)]`, padded with the field's default value.

    Raises:
      InvalidArgumentError: if the message type or a field is unknown, or a message cannot
        be parsed.
      NotFoundError: if the descriptor_source file does not exist.
      TypeError: if an output type does not fit its field.
    """
    if message_format not in ("binary", "text"):
        raise ValueError(f"decode_proto: message_format must be 'binary' or 'text'; received "
                         f"{message_format!r}.")
    cls = message_class(message_type, descriptor_source)
    fields = _fields(cls, list(field_names), message_type)
    types = tuple(dtypes.as_dtype(t) for t in output_types)
    if len(types) != len(fields):
        raise ValueError(f"decode_proto: {len(fields)} field_names but {len(types)} "
                         f"output_types; give one type per field.")
    for field, dtype in zip(fields, types):
        if dtype.name not in _FIELD_DTYPES[field.type]:
            raise TypeError(f"decode_proto: field {field.name} cannot be decoded as "
                            f"{dtype.name}; use one of {list(_FIELD_DTYPES[field.type])}.")
    if not isinstance(bytes, TensorLike):
        bytes = EagerTensor(string_array(bytes))
    out = execute(DECODE_PROTO, (bytes,), {"cls": cls, "fields": tuple(fields), "types": types,
                                           "message_format": message_format},
                  name or "DecodeProtoV2")
    return DecodeProtoResult(out[0], list(out[1:]))


def _encode_infer(ts, attrs):
    sizes = ts[0].shape
    return [(TensorShape(None) if sizes.rank is None else TensorShape(sizes.dims[:-1]),
             dtypes.string)]


def _python_value(field, value):
    if field.type == 9:
        return value.decode("utf-8") if isinstance(value, bytes) else str(value)
    if field.type == 12:
        return bytes(value)
    if field.type == 8:
        return bool(value)
    if field.type in (1, 2):
        return float(value)
    return int(value)


@op("EncodeProto", host=True, differentiable=False, infer=_encode_infer)
def ENCODE_PROTO(xp, sizes, *values, cls, fields):
    sizes = np.asarray(sizes)
    batch = sizes.shape[:-1]
    if sizes.shape[-1] != len(fields):
        raise InvalidArgumentError(f"encode_proto: sizes has {sizes.shape[-1]} columns for "
                                   f"{len(fields)} fields.")
    flat_sizes = sizes.reshape(-1, len(fields))
    flat_values = []
    for field, v in zip(fields, values):
        v = np.asarray(v)
        if v.shape[:-1] != batch:
            raise InvalidArgumentError(f"encode_proto: the values of {field.name} have shape "
                                       f"{list(v.shape)}; expected {list(batch)} + [n].")
        flat_values.append(v.reshape(-1, v.shape[-1]))
    out = np.empty(flat_sizes.shape[0], dtype=object)
    for m in range(flat_sizes.shape[0]):
        message = cls()
        for i, field in enumerate(fields):
            n = int(flat_sizes[m, i])
            if n > flat_values[i].shape[1] or n < 0:
                raise InvalidArgumentError(f"encode_proto: size {n} of field {field.name} is "
                                           f"outside its {flat_values[i].shape[1]} values.")
            items = flat_values[i][m, :n]
            if field.type in _MESSAGE_TYPES:
                from google.protobuf import message_factory
                sub = message_factory.GetMessageClass(field.message_type)
                items = [sub.FromString(bytes(x)) for x in items]
            else:
                items = [_python_value(field, x) for x in items]
            if _repeated(field):
                getattr(message, field.name).extend(items)
            elif n > 1:
                raise InvalidArgumentError(f"encode_proto: field {field.name} holds one value, "
                                           f"but its size is {n}.")
            elif n == 1:
                if field.type in _MESSAGE_TYPES:
                    getattr(message, field.name).CopyFrom(items[0])
                else:
                    setattr(message, field.name, items[0])
        out[m] = message.SerializeToString(deterministic=True)
    return out.reshape(batch)


def encode_proto(sizes, values, field_names, message_type, descriptor_source="local://",
                 name=None):
    """Serializes protocol buffer messages from dense tensors of their fields (the inverse
    of `decode_proto`).

    Args:
      sizes: an int32 tensor `batch + [len(field_names)]`: how many values of each field
        each message holds.
      values: one tensor per field, `batch + [n]`, its first `sizes[..., i]` entries used.
      field_names: the names of the fields.
      message_type: the full name of the message type.
      descriptor_source: where to find it, as for `decode_proto`.
      name: optional name of the op.

    Returns:
      A string tensor of shape `batch`: the serialized messages.
    """
    cls = message_class(message_type, descriptor_source)
    fields = _fields(cls, list(field_names), message_type)
    values = list(values)
    if len(values) != len(fields):
        raise ValueError(f"encode_proto: {len(fields)} field_names but {len(values)} values "
                         f"tensors.")
    values = [v if isinstance(v, TensorLike) else EagerTensor(
        string_array(v) if f.type in (9, 10, 11, 12) else np.asarray(v))
        for v, f in zip(values, fields)]
    return execute(ENCODE_PROTO, (sizes,) + tuple(values),
                   {"cls": cls, "fields": tuple(fields)}, name or "EncodeProto")
