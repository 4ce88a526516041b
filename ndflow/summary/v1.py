"""tf.compat.v1.summary: summary ops that return serialized `Summary` protos.

    tf.summary.scalar("cost", cost)
    merged = tf.summary.merge_all()
    writer = tf.summary.FileWriter("./logs", sess.graph)
    summary, _ = sess.run([merged, train_op], feed_dict=...)
    writer.add_summary(summary, step)

Each op is a node of the default graph (or of its input's graph) that yields a 0-d
`string` tensor; `Session.run` returns its bytes.
"""
from ..framework.context import building_graph
from ..framework.graph import get_default_graph, graph_for_building
from ..framework.registry import execute
from ..framework.tensor import SymbolicTensor
from ._ops import MERGE_SUMMARY, SUMMARY_V1
from .writer import FileWriter  # noqa: F401

SUMMARIES = "summaries"  # GraphKeys.SUMMARIES


def _graph_of(value):
    if isinstance(value, SymbolicTensor):
        return value.graph
    owner = getattr(value, "_graph", None)  # a graph Variable
    return owner or graph_for_building() or get_default_graph()


def _summary_op(kind, name, data, collections, family=None, options=()):
    g = _graph_of(data)
    scope = g._name_stack + "/" if g._name_stack else ""
    tag = f"{family}/{scope}{name}" if family else scope + name
    constant = data if isinstance(data, (str, bytes)) else None
    inputs = [] if constant is not None else [data]
    with building_graph(g):
        out = execute(SUMMARY_V1, inputs, {"kind": kind, "tag": tag, "options": tuple(options),
                                           "constant": constant}, name)
    for key in (SUMMARIES,) if collections is None else collections:
        g.add_to_collection(key, out)
    return out


def scalar(name, tensor, collections=None, family=None):
    """TF1: an op producing a serialized `Summary` with a scalar value.

    Run it (or `tf.compat.v1.summary.merge_all()`) in a Session and pass the result to
    `FileWriter.add_summary`.

    Args:
      name: The tag.
      tensor: A real numeric scalar tensor.
      collections: Graph collections to add the op to (default [GraphKeys.SUMMARIES]).
      family: Optional prefix of the tag, as a name scope.

    Returns:
      A scalar `string` tensor.
    """
    return _summary_op("scalar", name, tensor, collections, family)


def histogram(name, values, collections=None, family=None):
    """TF1: an op producing a serialized `Summary` with a histogram of `values`.

    Args:
      name: The tag.
      values: A real numeric tensor of any shape.
      collections: Graph collections to add the op to (default [GraphKeys.SUMMARIES]).
      family: Optional prefix of the tag, as a name scope.

    Returns:
      A scalar `string` tensor.
    """
    return _summary_op("histogram", name, values, collections, family)


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """TF1: an op producing a serialized `Summary` with up to `max_outputs` images.

    Args:
      name: The tag.
      tensor: A `[batch, height, width, channels]` tensor (floats in [0, 1] or uint8; 1, 3 or
        4 channels).
      max_outputs: The most images to keep (default 3).
      collections: Graph collections to add the op to (default [GraphKeys.SUMMARIES]).
      family: Optional prefix of the tag, as a name scope.

    Returns:
      A scalar `string` tensor.
    """
    return _summary_op("image", name, tensor, collections, family,
                       (("max_outputs", max_outputs),))


def audio(name, tensor, sample_rate, max_outputs=3, collections=None, family=None):
    """A summary of up to `max_outputs` clips of `tensor` ([k, frames, channels] or [k,
    frames] floats in [-1, 1]) at `sample_rate` Hz (a Python number)."""
    rate = sample_rate.numpy() if hasattr(sample_rate, "numpy") else sample_rate
    return _summary_op("audio", name, tensor, collections, family,
                       (("sample_rate", float(rate)), ("max_outputs", int(max_outputs))))


def text(name, tensor, collections=None):
    """TF1: an op producing a serialized `Summary` with text.

    Args:
      name: The tag.
      tensor: A string tensor.
      collections: Graph collections to add the op to.

    Returns:
      A scalar `string` tensor.
    """
    return _summary_op("text", name, tensor, collections)


def merge(inputs, collections=None, name=None):
    """One summary tensor holding every value of `inputs` (summary tensors)."""
    inputs = list(inputs)
    if not inputs:
        raise ValueError("summary.merge: `inputs` is empty; pass the summary tensors to merge.")
    g = _graph_of(inputs[0])
    with building_graph(g):
        out = execute(MERGE_SUMMARY, inputs, {}, name or "MergeSummary")
    for key in collections or ():
        g.add_to_collection(key, out)
    return out


def merge_all(key=SUMMARIES, scope=None, name=None):
    """Merges every summary of the default graph's `key` collection; None if there is none."""
    g = graph_for_building() or get_default_graph()
    summaries = g.get_collection(key, scope)
    if not summaries:
        return None
    return merge(summaries, name=name)


class FileWriterCache:
    """tf.summary.FileWriterCache: one FileWriter per log directory."""
    _writers = {}

    @classmethod
    def get(cls, logdir):
        if logdir not in cls._writers:
            cls._writers[logdir] = FileWriter(logdir)
        return cls._writers[logdir]

    @classmethod
    def clear(cls):
        for w in cls._writers.values():
            w.close()
        cls._writers.clear()
