"""Grouping and ordering of graph operations: no_op, group, tuple, control_dependencies.

They belong with the graph; their public names (tf.group, ...) are declared here too."""
import contextlib

from .graph import Operation, graph_for_building, get_default_graph
from .registry import _execute_graph, get_op, op
from .tensor import SymbolicTensor
from ..util.export import export_many


@op("NoOp", differentiable=False, infer=lambda ts, a: [])
def NO_OP(xp):
    return None


NO_OP.kernel = None  # runs nothing: it only orders its control inputs
NoOp = NO_OP


def no_op(name=None):
    """An operation that does nothing: useful as a target for control dependencies.

    Args:
      name: A name for the operation (optional).

    Returns:
      A graph `Operation` while building a graph; None eagerly.
    """
    g = graph_for_building()
    if g is None:
        return None
    return _execute_graph(NO_OP, (), {}, name, g)


def group(*inputs, name=None):
    """TF1: an operation that runs all of `inputs`; it has no output.

    Args:
      *inputs: Operations or tensors (nested lists are flattened).
      name: A name for the operation (optional).

    Returns:
      An `Operation` to pass to `Session.run` (in the default graph when no graph is being
      built).
    """
    ops = []
    graph = None
    for x in _flatten(inputs):
        o = x if isinstance(x, Operation) else getattr(x, "op", None)
        if isinstance(x, SymbolicTensor):
            o = x.op
        if o is None:
            continue
        ops.append(o)
        graph = o.graph
    if graph is None:
        graph = graph_for_building() or get_default_graph()
    with graph.control_dependencies(ops):
        return _execute_graph(NO_OP, (), {}, name or "group_deps", graph)


def _flatten(xs):
    for x in xs:
        if isinstance(x, (list, tuple)):
            yield from _flatten(x)
        elif isinstance(x, dict):
            yield from _flatten(list(x.values()))
        elif x is not None:
            yield x


def control_dependencies(control_inputs):
    """Context manager making ops created inside it run after `control_inputs`.

    Only graphs need it (TF1 programs, traced functions); eagerly ops run in program order and
    the context does nothing.

    Args:
      control_inputs: A list of operations or tensors to run first.

    Returns:
      A context manager.
    """
    g = graph_for_building()
    if g is None:
        return contextlib.nullcontext()
    return g.control_dependencies(control_inputs)


def tuple_(tensors, name=None, control_inputs=None):
    """Groups tensors: each output is available only once all of `tensors` are computed.

    Args:
      tensors: A list of tensors (None entries stay None).
      name: A name for the operation (optional).
      control_inputs: Extra operations to wait for.

    Returns:
      A list of tensors with the same values as `tensors`.
    """
    identity = get_op("Identity")
    deps = group(*tensors, *(control_inputs or []))
    with deps.graph.control_dependencies([deps]):
        return [identity(t) if t is not None else None for t in tensors]


export_many("", {"group": group, "no_op": no_op, "control_dependencies": control_dependencies,
                 "tuple": tuple_})
