"""Summary and graph protos, built with the `tensorboard` package's own protobuf classes.

`tensorboard` is optional (`pip install ndflow[tensorboard]`); it is imported on first use so
`import ndflow` never needs it.
"""
import io
import struct
import zlib

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..ops.wav_ops import wav_bytes


def tensorboard_protos():
    """The tensorboard proto modules, or a clear ImportError saying how to get them."""
    try:
        from tensorboard.compat.proto import (attr_value_pb2, event_pb2, graph_pb2,
                                              summary_pb2, tensor_shape_pb2)
    except ImportError as e:
        raise ImportError("ndflow.summary writes TensorBoard event files with the `tensorboard` "
                          "package, which is not installed. Install it with `pip install "
                          "tensorboard` (or `pip install ndflow[tensorboard]`).") from e
    return attr_value_pb2, event_pb2, graph_pb2, summary_pb2, tensor_shape_pb2


# --- summaries ------------------------------------------------------------------------------

def scalar_summary(tag, value):
    summary_pb2 = tensorboard_protos()[3]
    array = np.asarray(value)
    if array.size != 1:
        raise InvalidArgumentError(f"summary.scalar {tag!r}: expected a scalar, got a tensor of "
                                   f"shape {array.shape}.")
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(
        tag=tag, simple_value=float(array.reshape(())))])


def histogram_summary(tag, values, buckets=30):
    summary_pb2 = tensorboard_protos()[3]
    array = np.asarray(values, dtype=np.float64).reshape(-1)
    histogram = summary_pb2.HistogramProto()
    if array.size:
        finite = array[np.isfinite(array)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
        if high <= low:  # every value equal: one narrow bucket around it
            high = low + max(abs(low) * 1e-6, 1e-12)
        counts, edges = np.histogram(finite, bins=int(buckets), range=(low, high))
        histogram.min, histogram.max = low, float(finite.max()) if finite.size else 0.0
        histogram.num = float(array.size)
        histogram.sum = float(finite.sum())
        histogram.sum_squares = float(np.dot(finite, finite))
        histogram.bucket_limit.extend(edges[1:].tolist())
        histogram.bucket.extend(counts.astype(np.float64).tolist())
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, histo=histogram)])


def image_summary(tag, images, max_outputs=3, numbered_tags=None):
    """`images`: [k, h, w, c] (c = 1, 3 or 4), floats in [0, 1] or uint8. TF1 names each image
    `tag/image/i`; TF2 keeps `tag` for the first."""
    summary_pb2 = tensorboard_protos()[3]
    array = np.asarray(images)
    if array.ndim != 4 or array.shape[-1] not in (1, 3, 4):
        raise InvalidArgumentError(f"summary.image {tag!r}: expected images of shape "
                                   f"[k, height, width, channels] with 1, 3 or 4 channels, got "
                                   f"shape {array.shape}.")
    if array.dtype != np.uint8:
        array = (np.clip(np.nan_to_num(array.astype(np.float64)), 0.0, 1.0) * 255 + 0.5)
        array = array.astype(np.uint8)
    values = []
    count = min(int(max_outputs), array.shape[0])
    for i in range(count):
        height, width, channels = array[i].shape
        image = summary_pb2.Summary.Image(height=height, width=width, colorspace=channels,
                                          encoded_image_string=encode_png(array[i]))
        name = numbered_tags(i, count) if numbered_tags else (tag if i == 0 else f"{tag}/{i}")
        values.append(summary_pb2.Summary.Value(tag=name, image=image))
    return summary_pb2.Summary(value=values)


def audio_summary(tag, audio, sample_rate, max_outputs=3, numbered_tags=None):
    """`audio`: [k, frames, channels] (or [k, frames]) floats in [-1, 1], written as 16-bit
    PCM WAV clips at `sample_rate` Hz. TF1 names each clip `tag/audio/i`; TF2 keeps `tag`
    for the first."""
    summary_pb2 = tensorboard_protos()[3]
    array = np.asarray(audio)
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim != 3:
        raise InvalidArgumentError(f"summary.audio {tag!r}: expected audio of shape "
                                   f"[k, frames, channels], got shape {np.shape(audio)}.")
    rate = float(np.asarray(sample_rate))
    if not rate > 0:
        raise InvalidArgumentError(f"summary.audio {tag!r}: sample_rate must be positive, got "
                                   f"{sample_rate!r}.")
    values = []
    count = min(int(max_outputs), array.shape[0])
    for i in range(count):
        clip = array[i]
        sound = summary_pb2.Summary.Audio(
            sample_rate=rate, num_channels=clip.shape[1], length_frames=clip.shape[0],
            encoded_audio_string=wav_bytes(clip, int(rate)), content_type="audio/wav")
        name = numbered_tags(i, count) if numbered_tags else (tag if i == 0 else f"{tag}/{i}")
        values.append(summary_pb2.Summary.Value(tag=name, audio=sound))
    return summary_pb2.Summary(value=values)


def text_summary(tag, text):
    """Text the way TensorBoard's text plugin reads it: a string tensor with plugin metadata."""
    from tensorboard.compat.proto import tensor_pb2, types_pb2
    summary_pb2 = tensorboard_protos()[3]
    array = np.asarray(text, dtype=object)
    strings = [s if isinstance(s, bytes) else str(s).encode("utf-8") for s in array.reshape(-1)]
    tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=strings)
    for d in array.shape:
        tensor.tensor_shape.dim.add(size=d)
    metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="text"))
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, tensor=tensor,
                                                                metadata=metadata)])


def merge_summaries(serialized):
    """One Summary holding the values of every serialized Summary in `serialized`."""
    summary_pb2 = tensorboard_protos()[3]
    merged = summary_pb2.Summary()
    for blob in serialized:
        merged.MergeFromString(bytes(blob))
    return merged


def encode_png(pixels):
    """PNG bytes of an [h, w, c] uint8 array (c = 1 grey, 3 RGB, 4 RGBA); zlib does the work."""
    height, width, channels = pixels.shape
    color_type = {1: 0, 3: 2, 4: 6}[channels]
    rows = np.concatenate([np.zeros((height, 1), np.uint8),
                           np.ascontiguousarray(pixels).reshape(height, width * channels)], axis=1)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    out = io.BytesIO()
    out.write(b"\x89PNG\r\n\x1a\n")
    out.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)))
    out.write(chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)))
    out.write(chunk(b"IEND", b""))
    return out.getvalue()


# --- graphs ---------------------------------------------------------------------------------

_ENUM_BY_NAME = {d.name: enum for enum, d in dtypes._BY_ENUM.items()}


def _shape_proto(tensor_shape_pb2, shape):
    proto = tensor_shape_pb2.TensorShapeProto()
    if shape.rank is None:
        proto.unknown_rank = True
        return proto
    for d in shape.dims:
        proto.dim.add(size=-1 if d is None else int(d))
    return proto


def _attr_value(attr_value_pb2, value):
    """A readable AttrValue for simple attributes; None for ones TensorBoard cannot show."""
    if isinstance(value, bool):
        return attr_value_pb2.AttrValue(b=value)
    if isinstance(value, (int, np.integer)):
        return attr_value_pb2.AttrValue(i=int(value))
    if isinstance(value, (float, np.floating)):
        return attr_value_pb2.AttrValue(f=float(value))
    if isinstance(value, str):
        return attr_value_pb2.AttrValue(s=value.encode("utf-8"))
    if isinstance(value, dtypes.DType) and value.name in _ENUM_BY_NAME:
        return attr_value_pb2.AttrValue(type=_ENUM_BY_NAME[value.name])
    if isinstance(value, (list, tuple)) and value and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        return attr_value_pb2.AttrValue(list=attr_value_pb2.AttrValue.ListValue(i=list(value)))
    name = getattr(value, "name", None)  # variables and other named objects
    if isinstance(name, str):
        return attr_value_pb2.AttrValue(s=name.encode("utf-8"))
    return None


def variable_node_name(var, taken):
    """The node standing for a variable: its name without ':0', unique among `taken`."""
    base = var.name.split(":")[0]
    name, i = base, 1
    while name in taken:
        name = f"{base}_{i}"
        i += 1
    return name


def graph_def(graph):
    """A GraphDef of an ndflow Graph (TF1 graph or traced FuncGraph) for TensorBoard's Graphs
    tab: each op with its type, inputs, control inputs, output dtype/shapes and simple attrs;
    each variable one `VarHandleOp` node that its reads and assignments take as input."""
    attr_value_pb2, _, graph_pb2, _, tensor_shape_pb2 = tensorboard_protos()
    proto = graph_pb2.GraphDef()
    taken = {op.name for op in graph._ops}
    var_nodes = {}

    def var_node(var):
        if id(var) not in var_nodes:
            name = variable_node_name(var, taken)
            taken.add(name)
            var_nodes[id(var)] = name
            node = proto.node.add(name=name, op="VarHandleOp")
            node.attr["dtype"].type = _ENUM_BY_NAME.get(var.dtype.name, 0)
            node.attr["shape"].shape.CopyFrom(_shape_proto(tensor_shape_pb2, var.shape))
        return var_nodes[id(var)]

    for op in graph._ops:
        var = op.attrs.get("var") if isinstance(op.attrs, dict) else None
        inputs = [var_node(var)] if var is not None and hasattr(var, "dtype") else []
        inputs += [t.op.name if t.value_index == 0 else f"{t.op.name}:{t.value_index}"
                   for t in op.inputs]
        inputs += ["^" + c.name for c in op.control_inputs]
        node = proto.node.add(name=op.name, op=op.type, input=inputs)
        if op.outputs:
            dtype_enum = _ENUM_BY_NAME.get(op.outputs[0].dtype.name)
            if dtype_enum is not None:
                node.attr["dtype"].type = dtype_enum
            shapes = node.attr["_output_shapes"].list.shape
            for t in op.outputs:
                shapes.add().CopyFrom(_shape_proto(tensor_shape_pb2, t.shape))
        for key, value in op.attrs.items():
            if key in ("dtype", "var") or key in node.attr:
                continue
            if key == "value" and op.type == "Const":
                array = np.asarray(value)
                if array.size <= 8:  # small constants are worth seeing; big ones are noise
                    node.attr["value"].s = np.array2string(array).encode("utf-8")
                continue
            attr = _attr_value(attr_value_pb2, value)
            if attr is not None:
                node.attr[key].CopyFrom(attr)
    proto.versions.producer = 22
    return proto
