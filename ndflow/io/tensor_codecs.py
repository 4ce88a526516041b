"""tf.io.serialize_tensor / parse_tensor (TensorFlow's TensorProto bytes, so the strings
move between ndflow and TensorFlow) and tf.io.decode_raw (bytes reinterpreted as numbers).

TensorProto comes from the protos the `tensorboard` package ships (the same message as
TensorFlow's, under another package name: the wire format is identical).
"""
import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape

# DataType enum values of TensorFlow's types.proto
_ENUM = {"float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6,
         "string": 7, "complex64": 8, "int64": 9, "bool": 10, "uint16": 17,
         "complex128": 18, "float16": 19, "uint32": 22, "uint64": 23}
_NAME = {v: k for k, v in _ENUM.items()}
_TF_NAME = {"float32": "float", "float64": "double", "float16": "half"}
# the repeated field holding the values when a TensorProto has no tensor_content
_VAL_FIELD = {"float32": "float_val", "float64": "double_val", "int32": "int_val",
              "uint8": "int_val", "int16": "int_val", "int8": "int_val", "uint16": "int_val",
              "bool": "bool_val", "int64": "int64_val", "uint32": "uint32_val",
              "uint64": "uint64_val", "float16": "half_val", "complex64": "scomplex_val",
              "complex128": "dcomplex_val", "string": "string_val"}


def _tensor_pb2():
    try:
        from tensorboard.compat.proto import tensor_pb2
    except ImportError as e:  # pragma: no cover - tensorboard is installed with ndflow's extras
        raise ImportError("serialize_tensor/parse_tensor need the `tensorboard` package "
                          "(its TensorProto definition): pip install tensorboard") from e
    return tensor_pb2


def _tf_name(name):
    return _TF_NAME.get(name, name)


def _varint(n):
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _string_content(items):
    """Strings packed as TensorFlow's tensor_content holds them: every length as a varint,
    then the bytes of all of them."""
    return b"".join(_varint(len(v)) for v in items) + b"".join(items)


def _strings_from_content(content, count):
    view, pos, lengths = memoryview(content), 0, []
    for _ in range(count):
        n = shift = 0
        while True:
            if pos >= len(view):
                raise InvalidArgumentError("parse_tensor: truncated string tensor_content.")
            byte = view[pos]
            pos += 1
            n |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        lengths.append(n)
    values = np.empty(count, dtype=object)
    for i, n in enumerate(lengths):
        values[i] = bytes(view[pos:pos + n])
        pos += n
    if pos != len(view):
        raise InvalidArgumentError("parse_tensor: string tensor_content does not match its "
                                   "shape.")
    return values


def to_proto_bytes(array, content=False):
    """The serialized TensorProto of `array`, as TensorFlow's serialize_tensor writes it:
    the values in `tensor_content` (little-endian), strings in `string_val` (or, with
    `content`, in `tensor_content` too, as TensorFlow's serialize_sparse writes them)."""
    array = np.asarray(array)
    name = dtypes.as_dtype(array.dtype).name if array.dtype != object else "string"
    if name not in _ENUM:
        raise InvalidArgumentError(f"serialize_tensor: cannot serialize a {name} tensor.")
    proto = _tensor_pb2().TensorProto(dtype=_ENUM[name])
    proto.tensor_shape.SetInParent()  # written even for a scalar, as TensorFlow does
    for d in array.shape:
        proto.tensor_shape.dim.add(size=d)
    if name == "string":
        items = [v if isinstance(v, bytes) else str(v).encode() for v in array.reshape(-1)]
        if content:
            if items:
                proto.tensor_content = _string_content(items)
        else:
            proto.string_val.extend(items)
    elif array.size:
        proto.tensor_content = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
    return proto.SerializeToString()


def _values_from_fields(proto, name, count):
    field = _VAL_FIELD[name]
    raw = list(getattr(proto, field))
    if name == "string":
        values = np.empty(len(raw), dtype=object)
        values[:] = raw
    elif name == "float16":  # half_val holds the bit patterns as ints
        values = np.asarray(raw, np.uint16).view(np.float16)
    elif name in ("complex64", "complex128"):
        pairs = np.asarray(raw, np.float32 if name == "complex64" else np.float64)
        values = pairs[0::2] + 1j * pairs[1::2]
        values = values.astype(dtypes.as_dtype(name)._np)
    else:
        values = np.asarray(raw, dtypes.as_dtype(name)._np)
    if values.size == count:
        return values
    if values.size == 0:
        return np.zeros(count, values.dtype) if name != "string" else np.full(count, b"",
                                                                               object)
    if values.size < count:  # TensorFlow repeats the last value to fill the shape
        return np.concatenate([values, np.repeat(values[-1:], count - values.size)])
    raise InvalidArgumentError(f"parse_tensor: the TensorProto holds {values.size} values "
                               f"for a shape of {count} elements.")


def from_proto_bytes(data, out_type, what="parse_tensor"):
    """The array a serialized TensorProto holds; its dtype must be `out_type`."""
    proto = _tensor_pb2().TensorProto()
    try:
        proto.ParseFromString(bytes(data))
    except Exception:  # noqa: BLE001 - protobuf's DecodeError
        import base64
        raise InvalidArgumentError(f"Could not parse `serialized` as TensorProto, base64: "
                                   f"{base64.urlsafe_b64encode(bytes(data)).decode()}") \
            from None
    name = _NAME.get(proto.dtype)
    if name is None:
        raise InvalidArgumentError(f"{what}: the TensorProto has dtype enum {proto.dtype}, "
                                   f"which ndflow does not support.")
    if name != out_type.name:
        raise InvalidArgumentError(f"Type mismatch between parsed tensor ({_tf_name(name)}) "
                                   f"and dtype ({_tf_name(out_type.name)})")
    shape = [d.size for d in proto.tensor_shape.dim]
    count = int(np.prod(shape)) if shape else 1
    if proto.tensor_content and name == "string":
        values = _strings_from_content(proto.tensor_content, count)
    elif proto.tensor_content:
        npd = out_type._np.newbyteorder("<")
        if len(proto.tensor_content) != count * npd.itemsize:
            raise InvalidArgumentError(f"{what}: tensor_content has "
                                       f"{len(proto.tensor_content)} bytes, but shape {shape} "
                                       f"of {name} needs {count * npd.itemsize}.")
        values = np.frombuffer(proto.tensor_content, npd).astype(out_type._np)
    else:
        values = _values_from_fields(proto, name, count)
    return values.reshape(shape)


@op("SerializeTensor", host=True, differentiable=False,
    infer=lambda ts, a: [(TensorShape([]), dtypes.string)])
def SERIALIZE_TENSOR(xp, tensor):
    out = np.empty((), dtype=object)
    out[()] = to_proto_bytes(tensor)
    return out


@op("ParseTensor", host=True, differentiable=False,
    infer=lambda ts, a: [(TensorShape(None), a["out_type"])])
def PARSE_TENSOR(xp, serialized, out_type):
    value = np.asarray(serialized, dtype=object)
    if value.ndim != 0:
        raise InvalidArgumentError(f"parse_tensor: `serialized` must be a scalar string; "
                                   f"received shape {value.shape}.")
    return from_proto_bytes(value[()], out_type)


def serialize_tensor(tensor, name=None):
    """Serializes `tensor` into a scalar string: TensorFlow's TensorProto bytes.

    Args:
      tensor: a tensor (or value convertible to one).
      name: optional name of the op.

    Returns:
      A scalar `tf.string` tensor (read back by `tf.io.parse_tensor`, here or in
      TensorFlow).
    """
    return execute(SERIALIZE_TENSOR, (tensor,), {}, name or "SerializeTensor")


def parse_tensor(serialized, out_type, name=None):
    """Reads back a tensor serialized by `serialize_tensor` (TensorFlow's or ndflow's).

    Args:
      serialized: a scalar `tf.string` tensor holding a serialized TensorProto.
      out_type: the dtype the serialized tensor has.
      name: optional name of the op.

    Returns:
      The tensor, with the shape stored in the proto.

    Raises:
      InvalidArgumentError: if the bytes are not a TensorProto or hold another dtype.
    """
    return execute(PARSE_TENSOR, (serialized,), {"out_type": dtypes.as_dtype(out_type)},
                   name or "ParseTensor")


_RAW_TYPES = ("float16", "float32", "float64", "int32", "uint16", "uint8", "int16", "int8",
              "int64", "complex64", "complex128", "bool")


def _decode_raw_infer(ts, attrs):
    shape = ts[0].shape
    item = dtypes.as_dtype(attrs["out_type"]).size
    if attrs["fixed_length"] is not None:
        last = attrs["fixed_length"] // item
    else:
        last = None
    dims = None if shape.rank is None else list(shape.dims) + [last]
    return [(TensorShape(dims), attrs["out_type"])]


@op("DecodeRaw", host=True, differentiable=False, infer=_decode_raw_infer)
def DECODE_RAW(xp, data, out_type, little_endian, fixed_length):
    strings = np.asarray(data, dtype=object)
    npd = out_type._np.newbyteorder("<" if little_endian else ">")
    flat = [bytes(s) for s in strings.reshape(-1)]
    if fixed_length is not None:
        flat = [s[:fixed_length].ljust(fixed_length, b"\0") for s in flat]
    size = len(flat[0]) if flat else 0
    for i, s in enumerate(flat):
        if len(s) != size:
            raise InvalidArgumentError(f"DecodeRaw requires input strings to all be the same "
                                       f"size, but element {i} has size {size} != {len(s)}")
    if size % npd.itemsize:
        raise InvalidArgumentError(f"Input to DecodeRaw has length {size} that is not a "
                                   f"multiple of {npd.itemsize}, the size of "
                                   f"{_tf_name(out_type.name)}")
    out = np.frombuffer(b"".join(flat), npd).astype(out_type._np)
    return out.reshape(strings.shape + (size // npd.itemsize,))


def decode_raw(input_bytes, out_type, little_endian=True, fixed_length=None, name=None):
    """Reinterprets the bytes of each string as a vector of numbers of `out_type`.

    Args:
      input_bytes: a `tf.string` tensor; every string must have the same length (or give
        `fixed_length`).
      out_type: the dtype of the numbers (float16/32/64, int8/16/32/64, uint8/16,
        complex64/128, bool).
      little_endian: whether the bytes are little-endian (ignored for 1-byte types).
      fixed_length: if given, each string is cut or zero-padded to this many bytes.
      name: optional name of the op.

    Returns:
      A tensor of shape `input_bytes.shape + [length / size of out_type]`.

    Raises:
      InvalidArgumentError: if the strings differ in length or their length is not a
        multiple of the type's size.
    """
    out_type = dtypes.as_dtype(out_type)
    if out_type.name not in _RAW_TYPES:
        raise TypeError(f"decode_raw: out_type must be one of {list(_RAW_TYPES)}; received "
                        f"{out_type.name}.")
    if fixed_length is not None:
        fixed_length = int(np.asarray(getattr(fixed_length, "_value", fixed_length)))
        if fixed_length < 0 or fixed_length % out_type.size:
            raise ValueError(f"decode_raw: fixed_length must be a non-negative multiple of "
                             f"{out_type.size} (the size of {out_type.name}); received "
                             f"{fixed_length}.")
    return execute(DECODE_RAW, (input_bytes,),
                   {"out_type": out_type, "little_endian": bool(little_endian),
                    "fixed_length": fixed_length}, name or "DecodeRaw")
