"""The summary ops.

`WriteSummary` (TF2) is a side-effect op: inside a traced `ndflow.function` it becomes a
node that runs at every call, writing the values it receives with the writer that was the
default when the function was traced. `SummaryV1`/`MergeSummary` (TF1) return serialized
`Summary` protos as 0-d `string` tensors (an object array holding bytes: NumPy's fixed-width
bytes dtype would drop trailing zero bytes of the encoding).
"""
import numpy as np

from ..framework import dtypes
from ..framework.registry import op
from ..framework.tensor_shape import TensorShape
from . import _protos


def build_summary(kind, tag, data, options):
    """The Summary proto of kind 'scalar', 'histogram', 'image' or 'text' for `data`."""
    if kind == "scalar":
        return _protos.scalar_summary(tag, data)
    if kind == "histogram":
        return _protos.histogram_summary(tag, data, buckets=options.get("buckets") or 30)
    if kind == "image":
        return _protos.image_summary(tag, data, max_outputs=options.get("max_outputs", 3))
    if kind == "text":
        return _protos.text_summary(tag, data)
    if kind == "audio":
        return _protos.audio_summary(tag, data, options["sample_rate"],
                                     max_outputs=options.get("max_outputs", 3))
    raise ValueError(f"Unknown summary kind {kind!r}.")


def _v1_image_tag(tag):
    def name(i, count):
        return f"{tag}/image" if count == 1 else f"{tag}/image/{i}"
    return name


def _as_bytes_scalar(blob):
    out = np.empty((), dtype=object)
    out[()] = blob
    return out


@op("WriteSummary", side_effect=True, differentiable=False, host=True, infer=lambda ts, a: [])
def WRITE_SUMMARY(xp, step, *data, writer, kind, tag, options, constant):
    value = data[0] if data else constant
    writer.write_summary(build_summary(kind, tag, value, dict(options)), int(np.asarray(step)))


def _string_scalar(ts, attrs):
    return [(TensorShape([]), dtypes.string)]


@op("SummaryV1", differentiable=False, host=True, infer=_string_scalar)
def SUMMARY_V1(xp, *data, kind, tag, options, constant):
    options = dict(options)
    value = data[0] if data else constant
    if kind == "image":
        proto = _protos.image_summary(tag, value, options.get("max_outputs", 3),
                                      numbered_tags=_v1_image_tag(tag))
    elif kind == "audio":  # TF1 names the clips tag/audio/i (tag/audio for one)
        proto = _protos.audio_summary(
            tag, value, options["sample_rate"], options.get("max_outputs", 3),
            numbered_tags=lambda i, n: f"{tag}/audio" if n == 1 else f"{tag}/audio/{i}")
    else:
        proto = build_summary(kind, tag, value, options)
    return _as_bytes_scalar(proto.SerializeToString())


@op("MergeSummary", differentiable=False, host=True, infer=_string_scalar)
def MERGE_SUMMARY(xp, *serialized):
    blobs = [np.asarray(s, dtype=object).reshape(-1) for s in serialized]
    merged = _protos.merge_summaries(b for group in blobs for b in group)
    return _as_bytes_scalar(merged.SerializeToString())
