"""Event-file writers: TF2's `SummaryWriter` (create_file_writer) and TF1's `FileWriter`.

Both write real TensorBoard event files through tensorboard's own record writer
(`EventFileWriter`: TFRecord framing with CRCs, the file-version event first).
"""
import contextlib
import os
import threading
import time

from . import _protos

_state = threading.local()


def _default_stack():
    if not hasattr(_state, "writers"):
        _state.writers = []
        _state.step = None
    return _state.writers


def default_writer():
    """Returns the innermost summary writer made default with `writer.as_default()`.

    Returns:
      A summary writer, or None.
    """
    stack = _default_stack()
    return stack[-1][0] if stack else None


def default_step():
    """The step given to the innermost `as_default(step=...)`, else `experimental.set_step`."""
    stack = _default_stack()
    for _, step in reversed(stack):
        if step is not None:
            return step
    return _state.step


def set_step(step):
    """Sets the default step used by summary calls that pass no `step`.

    Args:
      step: An int or an int64 tensor/variable.
    """
    _default_stack()
    _state.step = step


class _EventWriter:
    """The shared part: an open EventFileWriter in `logdir`."""

    def __init__(self, logdir, max_queue=10, flush_secs=120, filename_suffix=""):
        if not isinstance(logdir, (str, os.PathLike)) or not str(logdir):
            raise ValueError(f"A summary writer needs a log directory; received logdir={logdir!r}.")
        _protos.tensorboard_protos()  # a clear ImportError now rather than at the first write
        from tensorboard.summary.writer.event_file_writer import EventFileWriter
        self._logdir = os.fspath(logdir)
        os.makedirs(self._logdir, exist_ok=True)
        self._writer = EventFileWriter(self._logdir, max_queue_size=max_queue,
                                       flush_secs=flush_secs, filename_suffix=filename_suffix or "")
        self._closed = False

    def _event(self, step=None, **fields):
        event_pb2 = _protos.tensorboard_protos()[1]
        event = event_pb2.Event(wall_time=time.time(), **fields)
        if step is not None:
            event.step = int(step)
        return event

    def _write(self, event):
        if self._closed:
            raise RuntimeError(f"The summary writer for {self._logdir!r} is closed.")
        self._writer.add_event(event)

    def write_summary(self, summary, step):
        self._write(self._event(step, summary=summary))

    def write_graph(self, graph):
        """Writes `graph` (an ndflow Graph/FuncGraph, or a GraphDef) for the Graphs tab."""
        graph_def = graph if hasattr(graph, "SerializeToString") else _protos.graph_def(graph)
        self._write(self._event(graph_def=graph_def.SerializeToString()))

    def flush(self):
        if not self._closed:
            self._writer.flush()

    def close(self):
        if not self._closed:
            self._writer.close()
            self._closed = True

    def get_logdir(self):
        return self._logdir

    @property
    def logdir(self):
        return self._logdir

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class SummaryWriter(_EventWriter):
    """TF2's summary writer: `with writer.as_default(step=...)`: summaries go to it."""

    def as_default(self, step=None):
        return self._as_default(step)

    @contextlib.contextmanager
    def _as_default(self, step):
        stack = _default_stack()
        stack.append((self, step))
        try:
            yield self
        finally:
            stack.pop()
            self.flush()

    def set_as_default(self, step=None):
        _default_stack().append((self, step))

    def init(self):
        return None


class NoopWriter:
    """`create_noop_writer()`: a writer that writes nothing."""

    def as_default(self, step=None):
        return contextlib.nullcontext(self)

    def set_as_default(self, step=None):
        pass

    def init(self):
        pass

    def flush(self):
        pass

    def close(self):
        pass


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None,
                       name=None, experimental_trackable=False):
    """tf.summary.create_file_writer: a SummaryWriter writing event files into `logdir`."""
    flush_secs = 120 if flush_millis is None else max(flush_millis / 1000.0, 0.001)
    return SummaryWriter(logdir, max_queue=10 if max_queue is None else max_queue,
                         flush_secs=flush_secs, filename_suffix=filename_suffix or "")


def create_noop_writer():
    """Returns a summary writer that writes nothing (handy to turn summaries off).

    Returns:
      A writer with the usual interface (`as_default`, `flush`, `close`).
    """
    return NoopWriter()


class FileWriter(_EventWriter):
    """tf.compat.v1.summary.FileWriter(logdir, graph=None): `add_summary(serialized, step)`
    with what `sess.run(merged)` returned, `add_graph(graph)`, `flush()`, `close()`."""

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
                 filename_suffix=None, session=None):
        super().__init__(logdir, max_queue=max_queue, flush_secs=flush_secs,
                         filename_suffix=filename_suffix or "")
        if graph is not None or graph_def is not None:
            self.add_graph(graph if graph is not None else graph_def)

    def add_summary(self, summary, global_step=None):
        summary_pb2 = _protos.tensorboard_protos()[3]
        if isinstance(summary, summary_pb2.Summary):
            proto = summary
        else:
            blob = summary.item() if hasattr(summary, "item") else summary
            if not isinstance(blob, bytes):
                raise TypeError("FileWriter.add_summary expects a serialized Summary (the bytes "
                                "`sess.run(summary_op)` returns) or a Summary proto; received "
                                f"{type(summary).__name__}.")
            proto = summary_pb2.Summary.FromString(blob)
        self.write_summary(proto, global_step)

    def add_graph(self, graph, global_step=None, graph_def=None):
        if graph is None and graph_def is not None:
            graph = graph_def
        if graph is None:
            raise ValueError("FileWriter.add_graph: pass the graph, e.g. `sess.graph`.")
        self.write_graph(graph)

    def add_event(self, event):
        self._write(event)

    def reopen(self):
        pass
