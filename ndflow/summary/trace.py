"""tf.summary.trace_on / trace_export / trace_off: the graphs of the tf.functions traced
while tracing is on, written for TensorBoard's Graphs tab.

    tf.summary.trace_on(graph=True)
    z = my_function(x, y)                       # traced now: its graph is recorded
    with writer.as_default():
        tf.summary.trace_export(name="my_func_trace", step=0)

As TensorFlow does, the export is one summary tagged `name` whose tensor is a serialized
`RunMetadata` holding each recorded graph as a `function_graphs[i].pre_optimization_graph`
GraphDef (plugin "graph_run_metadata_graph"; "graph_run_metadata" when the trace was
started with `profiler=True`). ndflow has no profiler: with `profiler=True` the graphs are
still written, and no profile is (a warning on the "ndflow.summary" logger says so).

As in TensorFlow, a graph is recorded when it is traced: a function traced before
trace_on (and called again during the trace) is not in the export, and one called twice is
in it once.

Recording: the engine has no trace hook, so between trace_on and trace_off each trace
(`Function._trace`, which every tf.function trace goes through) passes through a recorder
installed here; trace_off puts the original back.
"""
import logging
import threading

_log = logging.getLogger("ndflow.summary")
_lock = threading.Lock()
_trace = {"on": False, "profiler": False, "graphs": [], "original": None}


def _install():
    from ..framework.function import Function
    original = Function._trace

    def recording_trace(self, args, kwargs):
        concrete = original(self, args, kwargs)
        if _trace["on"]:
            _trace["graphs"].append(concrete.graph)
        return concrete
    _trace["original"] = original
    Function._trace = recording_trace


def _uninstall():
    if _trace["original"] is not None:
        from ..framework.function import Function
        Function._trace = _trace["original"]
        _trace["original"] = None


def _eager_here():
    from ..framework.graph import graph_for_building
    return graph_for_building() is None


def trace_on(graph=True, profiler=False, profiler_outdir=None):
    """Starts recording the graphs of the tf.functions traced from now on.

    Must be called eagerly (outside tf.function); a second call while on only warns.

    Args:
      graph: Whether to record graphs (the only thing ndflow records).
      profiler: Accepted; ndflow has no profiler, so no profile is collected (a warning
        says so) and the graphs are exported as TensorFlow exports profiled traces.
      profiler_outdir: Accepted for compatibility.
    """
    if not _eager_here():
        _log.warning("Cannot enable trace inside a tf.function.")
        return
    with _lock:
        if _trace["on"]:
            _log.warning("Trace already enabled")
            return
        if profiler:
            _log.warning("tf.summary.trace_on(profiler=True): ndflow has no profiler; only "
                         "the graphs are recorded.")
        _trace.update(on=True, profiler=bool(profiler), graph=bool(graph), graphs=[])
        _install()


def trace_off():
    """Stops the trace and forgets what it recorded (without exporting it)."""
    with _lock:
        _trace.update(on=False, profiler=False, graphs=[])
        _uninstall()


def _run_metadata_summary(name, graphs, plugin):
    from . import _protos
    from tensorboard.compat.proto import config_pb2, tensor_pb2, types_pb2
    summary_pb2 = _protos.tensorboard_protos()[3]
    run_metadata = config_pb2.RunMetadata()
    for g in graphs:
        run_metadata.function_graphs.add().pre_optimization_graph.CopyFrom(_protos.graph_def(g))
    summary = summary_pb2.Summary()
    value = summary.value.add(tag=name)
    value.metadata.plugin_data.plugin_name = plugin
    value.metadata.plugin_data.content = b"1"
    value.tensor.CopyFrom(tensor_pb2.TensorProto(
        dtype=types_pb2.DT_STRING, string_val=[run_metadata.SerializeToString()]))
    return summary


def trace_export(name, step=None, profiler_outdir=None):
    """Writes the recorded graphs to the default summary writer as summary `name` at
    `step`, then stops the trace (as `trace_off`).

    Args:
      name: The summary's tag (TensorBoard lists the trace under it).
      step: The step (default: the writer's default step).
      profiler_outdir: Accepted for compatibility (no profile is written).

    Returns:
      None, as TensorFlow (nothing is written when there is no default writer).

    Raises:
      ValueError: the trace was not started, or no step is given or set (the trace then
        stays on).
    """
    from . import _resolve_step, _step_value, default_writer, should_record_summaries
    if not _eager_here():
        _log.warning("Cannot export trace inside a tf.function.")
        return None
    with _lock:
        if not _trace["on"]:
            raise ValueError("Must enable trace before export through tf.summary.trace_on.")
        graphs, profiler = list(_trace["graphs"]), _trace["profiler"]
    if default_writer() is None or not should_record_summaries():
        trace_off()
        return None
    step = _step_value(_resolve_step(step, name))  # a ValueError leaves the trace on
    plugin = "graph_run_metadata" if profiler else "graph_run_metadata_graph"
    default_writer().write_summary(_run_metadata_summary(name, graphs, plugin), step)
    trace_off()
    return None
