"""tf.summary (TF2): TensorBoard event files.

    writer = tf.summary.create_file_writer("logs")
    with writer.as_default(step=0):
        tf.summary.scalar("loss", loss, step=step)

Eagerly a summary is written at once. Inside an `ndflow.function` it becomes a side-effect
op that writes at every call (with the writer that was the default while tracing, and the
step's value at call time when the step is a Variable or tensor). The TF1 forms
(`summary.scalar` returning a serialized summary, `merge_all`, `FileWriter`) are in
`ndflow.compat.v1.summary`.
"""
import contextlib
import types

import numpy as np

from ..framework.graph import graph_for_building
from ..framework.registry import execute
from ..framework.tensor import EagerTensor, SymbolicTensor, TensorLike
from . import _protos
from ._ops import WRITE_SUMMARY, build_summary
from .writer import (FileWriter, NoopWriter, SummaryWriter, create_file_writer,  # noqa: F401
                     create_noop_writer, default_step, default_writer, set_step)

__all__ = ["create_file_writer", "create_noop_writer", "scalar", "histogram", "image", "text",
           "graph", "flush", "record_if", "should_record_summaries", "SummaryWriter",
           "experimental", "trace_on", "trace_off", "trace_export"]

_record_stack = []


@contextlib.contextmanager
def record_if(condition):
    """Summaries are recorded only while `condition` (a bool or a callable) is true."""
    _record_stack.append(condition)
    try:
        yield
    finally:
        _record_stack.pop()


def should_record_summaries():
    """Tells whether summary calls write anything now.

    Returns:
      True when there is a default writer and every enclosing `record_if` condition holds.
    """
    if default_writer() is None:
        return False
    for condition in _record_stack:
        if not (condition() if callable(condition) else bool(condition)):
            return False
    return True


def _resolve_step(step, name):
    step = default_step() if step is None else step
    if step is None:
        raise ValueError(f"summary {name!r}: no step set. Pass `step=` or set one with "
                         "tf.summary.experimental.set_step() or writer.as_default(step=...).")
    return step


def _step_value(step):
    value = step.numpy() if hasattr(step, "numpy") else step
    return int(np.asarray(value))


def _write(kind, name, data, step, options=()):
    """Writes one summary now (eagerly) or adds a WriteSummary node (while building a graph)."""
    if not should_record_summaries():
        return False
    writer = default_writer()
    step = _resolve_step(step, name)
    symbolic = graph_for_building() is not None or isinstance(data, SymbolicTensor) \
        or isinstance(step, SymbolicTensor)
    if not symbolic:
        value = data.numpy() if isinstance(data, TensorLike) else data
        writer.write_summary(build_summary(kind, name, value, dict(options)), _step_value(step))
        return True
    inputs = [step]
    constant = None
    if isinstance(data, (str, bytes)) or (kind == "text" and not isinstance(data, TensorLike)):
        constant = data  # string data: ndflow has no string kernels, so it rides as an attr
    else:
        inputs.append(data)
    return execute(WRITE_SUMMARY, inputs, {"writer": writer, "kind": kind, "tag": name,
                                           "options": tuple(options), "constant": constant},
                   f"{kind}_summary")


def scalar(name, data, step=None, description=None):
    """Writes a scalar; returns True if it was recorded (False: no default writer)."""
    return _write("scalar", name, data, step)


def histogram(name, data, step=None, buckets=None, description=None):
    """Writes a histogram of `data`'s values to the default summary writer.

    Args:
      name: The summary's tag.
      data: A numeric tensor of any shape.
      step: The step (default: the writer's default step, see `experimental.set_step`).
      buckets: The number of buckets (default 30, as TensorBoard uses).
      description: Accepted for compatibility.

    Returns:
      True if the summary was written, False when there is no default writer or recording is off.

    Raises:
      ValueError: If no step is given and no default step is set.
    """
    return _write("histogram", name, data, step, (("buckets", buckets),))


def image(name, data, step=None, max_outputs=3, description=None):
    """`data`: [k, height, width, channels] floats in [0, 1] or uint8; writes the first
    `max_outputs` images."""
    return _write("image", name, data, step, (("max_outputs", max_outputs),))


def audio(name, data, sample_rate, step=None, max_outputs=3, encoding=None, description=None):
    """`data`: [k, frames, channels] floats in [-1, 1]; writes the first `max_outputs` clips
    as WAV (the only encoding, as in TensorFlow) at `sample_rate` Hz."""
    if encoding not in (None, "wav"):
        raise ValueError(f"summary.audio: unknown encoding {encoding!r}; only 'wav' is "
                         "supported.")
    if isinstance(sample_rate, TensorLike):
        sample_rate = float(sample_rate.numpy())
    return _write("audio", name, data, step, (("sample_rate", float(sample_rate)),
                                              ("max_outputs", max_outputs)))


def text(name, data, step=None, description=None):
    """Writes a string (or a tensor of strings) to the default summary writer.

    Args:
      name: The summary's tag.
      data: A string or string tensor.
      step: The step (default: the writer's default step).
      description: Accepted for compatibility.

    Returns:
      True if the summary was written, False when there is no default writer or recording is off.
    """
    if isinstance(data, EagerTensor):
        data = data.numpy()
    return _write("text", name, data, step)


def graph(graph_data):
    """Writes a graph to the default writer: an ndflow Graph, a traced ConcreteFunction or an
    `ndflow.function` (traced with its input_signature)."""
    writer = default_writer()
    if writer is None or not should_record_summaries():
        return False
    writer.write_graph(as_graph(graph_data))
    return True


def as_graph(obj):
    """The ndflow Graph behind a Graph, ConcreteFunction, Function (with an input signature)
    or a graph tensor/operation."""
    from ..framework.function import ConcreteFunction, Function
    from ..framework.graph import Graph
    if isinstance(obj, Graph):
        return obj
    if isinstance(obj, ConcreteFunction):
        return obj.graph
    if isinstance(obj, Function):
        if obj.input_signature is None:
            raise ValueError("A tf.function without input_signature has no single graph: pass "
                             "fn.get_concrete_function(...) for the signature you want.")
        return obj.get_concrete_function().graph
    owner = getattr(obj, "graph", None)
    if isinstance(owner, Graph):
        return owner
    raise TypeError("Expected an ndflow Graph, ConcreteFunction, tf.function or graph tensor; "
                    f"received {type(obj).__name__}.")


def flush(writer=None, name=None):
    """Writes buffered summaries of `writer` (default: the default writer) to disk.

    Args:
      writer: A summary writer (optional).
      name: Accepted for compatibility.
    """
    writer = writer if writer is not None else default_writer()
    if writer is not None:
        writer.flush()


def _get_step():
    """Returns the default summary step (`tf.summary.experimental.get_step`), or None.

    Returns:
      The step set with `set_step` or the innermost `as_default(step=...)`.
    """
    return default_step()


from .trace import trace_export, trace_off, trace_on  # noqa: E402,F401

experimental = types.SimpleNamespace(set_step=set_step, get_step=_get_step)
graph_def = _protos.graph_def
