"""plot_graph: a picture of an ndflow graph (TF1 Graph, traced function, or the graph a tensor
belongs to).

Each op is a node with its name, type and output shape; each variable is one node (its reads
point from it, its assignments into it); variable initializers are left out; and the
gradient and optimizer subgraph that `minimize`/`GradientTape` adds is collapsed into one
node (the loss feeds it, dashed edges show the variables it updates) unless
`collapse_gradients=False`.
"""
from ..framework.graph import Graph, Operation
from ..framework.tensor import SymbolicTensor
from .dot import DotGraph, escape

_GRADIENT_TYPES = ("SumToLike", "BroadcastGradientArgs")
_ASSIGN_TYPES = ("AssignVariable", "AssignAddVariable", "AssignSubVariable")

_STYLE = {
    "op": {"fillcolor": "#eef3fb", "color": "#5b7bb2"},
    "input": {"fillcolor": "#fff4d6", "color": "#c79a1e", "shape": "box"},
    "variable": {"fillcolor": "#e3f4e1", "color": "#4e9a49", "shape": "box"},
    "const": {"fillcolor": "#f3f3f3", "color": "#9a9a9a", "fontsize": "9"},
    "training": {"fillcolor": "#fde7d9", "color": "#d0743c", "shape": "box3d",
                 "style": "filled"},
}


def plot_graph(graph_or_function_or_tensor, to_file=None, show_shapes=True, show_dtype=False,
               collapse_gradients=True, show_initializers=False, rankdir="TB", dpi=96):
    """A DotGraph of the graph; written to `to_file` (.png/.svg/.pdf, or .dot for the text)
    when given. Accepts a Graph, an `ndflow.function` (with input_signature), a traced
    ConcreteFunction, or a graph tensor/operation (then only what computes it is drawn)."""
    graph, wanted = _resolve(graph_or_function_or_tensor)
    ops = graph._ops if wanted is None else [op for op in graph._ops if op in wanted]
    hidden = set() if show_initializers else _initializer_ops(ops)
    training = _training_ops(ops, hidden) if collapse_gradients else set()
    dot = _draw(ops, hidden, training, show_shapes, show_dtype, rankdir, dpi,
                getattr(graph, "name", "graph"))
    if to_file is not None:
        dot.save(to_file)
    return dot


def _resolve(obj):
    from ..summary import as_graph
    if isinstance(obj, (SymbolicTensor, Operation)):
        op = obj.op if isinstance(obj, SymbolicTensor) else obj
        return op.graph, _ancestors([op])
    if isinstance(obj, (list, tuple)) and obj and all(
            isinstance(x, (SymbolicTensor, Operation)) for x in obj):
        ops = [x.op if isinstance(x, SymbolicTensor) else x for x in obj]
        return ops[0].graph, _ancestors(ops)
    if hasattr(obj, "numpy") and not isinstance(obj, Graph) and not hasattr(obj, "op"):
        raise TypeError("plot_graph draws graphs: an eager tensor has no graph. Pass a TF1 graph, "
                        "an ndflow.function (or its get_concrete_function(...)), or a graph "
                        "tensor.")
    return as_graph(obj), None


def _ancestors(ops):
    """The ops `ops` depend on (inputs and control inputs), themselves included: the same
    walk a plan does to find what it must run."""
    from ..framework.plan import needed_ops
    return set(needed_ops([], list(ops), {}))


def _consumers(ops):
    users = {op: [] for op in ops}
    for op in ops:
        for t in op.inputs:
            if t.op in users:
                users[t.op].append(op)
        for c in op.control_inputs:
            if c in users:
                users[c].append(op)
    return users


def _absorb_feeders(ops, group, users, start_id=-1):
    """Adds to `group` the ops (created at or after `start_id`) used only by `group`."""
    changed = True
    while changed:
        changed = False
        for op in ops:
            if op in group or op._id < start_id:
                continue
            if users[op] and all(u in group for u in users[op]):
                group.add(op)
                changed = True


def _initializer_ops(ops):
    """Variable initializers (the Assign of each initial value and what only it uses) and
    NoOps that only group them (`global_variables_initializer`)."""
    hidden = {op for op in ops
              if getattr(op.attrs.get("var"), "initializer", None) is op}
    users = _consumers(ops)
    _absorb_feeders(ops, hidden, users)
    for op in ops:
        if op.type == "NoOp" and op.control_inputs and not op.inputs \
                and all(c in hidden for c in op.control_inputs):
            hidden.add(op)
    return hidden


def _is_gradient_seed(op):
    parts = op.name.split("/")
    return (any(p == "gradients" or p.startswith("gradients_") for p in parts[:-1])
            or op.type.endswith("Grad") or op.type in _GRADIENT_TYPES)


def _training_ops(ops, hidden):
    """The backward pass and the updates that use it: ops from the first gradient op on that
    depend on a gradient op, or are used only by such ops."""
    seeds = {op for op in ops if op not in hidden and _is_gradient_seed(op)}
    if not seeds:
        return set()
    users = _consumers(ops)
    for op in ops:  # the ones_like(loss) that starts a backward pass
        if op.type in ("OnesLike", "Fill") and users[op] and all(u in seeds for u in users[op]):
            seeds.add(op)
    start = min(op._id for op in seeds)
    group = set(seeds)
    changed = True
    while changed:
        changed = False
        for op in ops:
            if op in group or op in hidden or op._id < start:
                continue
            depends = any(t.op in group for t in op.inputs) or \
                any(c in group for c in op.control_inputs)
            used_only_by = users[op] and all(u in group for u in users[op])
            if depends or used_only_by:
                group.add(op)
                changed = True
    return group


# --- drawing ----------------------------------------------------------------------------------

def _shape_text(shape):
    if shape.rank is None:
        return "shape ?"
    return "(" + ", ".join("?" if d is None else str(d) for d in shape.dims) + \
        ("," if shape.rank == 1 else "") + ")"


def _label(title, subtitle=None, detail=None):
    rows = [f"<b>{escape(title)}</b>"]
    if subtitle:
        rows.append(f'<font point-size="9" color="#444444">{escape(subtitle)}</font>')
    if detail:
        rows.append(f'<font point-size="9" color="#666666">{escape(detail)}</font>')
    return "<" + "<br/>".join(rows) + ">"


def _base_type_name(name):
    last = name.split("/")[-1]
    head, _, tail = last.rpartition("_")
    return head if tail.isdigit() and head else last


def _output_text(op, show_shapes, show_dtype):
    if not op.outputs:
        return None
    t = op.outputs[0]
    parts = []
    if show_dtype:
        parts.append(t.dtype.name)
    if show_shapes:
        parts.append(_shape_text(t.shape))
    return " ".join(parts) or None


def _const_text(op):
    import numpy as np
    value = np.asarray(op.attrs["value"])
    if value.size <= 4:
        return np.array2string(value, precision=4, separator=", ")
    return _shape_text(op.outputs[0].shape)


def _draw(ops, hidden, training, show_shapes, show_dtype, rankdir, dpi, name):
    dot = DotGraph(name=name, rankdir=rankdir, dpi=dpi)
    node_of = {}      # op -> node id standing for it
    var_nodes = {}    # id(variable) -> node id

    def variable_node(var):
        if id(var) not in var_nodes:
            node_id = "var:" + var.name
            var_nodes[id(var)] = node_id
            title = var.name.split(":")[0]
            detail = " ".join(p for p in (var.dtype.name,
                                          _shape_text(var.shape) if show_shapes else None) if p)
            subtitle = None if _base_type_name(title) == "Variable" else "Variable"
            dot.node(node_id, label=_label(title, subtitle, detail), **_STYLE["variable"])
        return var_nodes[id(var)]

    for op in ops:
        if op in hidden or op in training:
            continue
        var = op.attrs.get("var")
        if op.type == "ReadVariable" and var is not None:
            node_of[op] = variable_node(var)
            continue
        if op.type == "NoOp" and not op.control_inputs:
            continue
        kind = "input" if op.type == "Placeholder" else "const" if op.type == "Const" else "op"
        base = _base_type_name(op.name)
        subtitle = None if base == op.type else op.type
        detail = _const_text(op) if kind == "const" else \
            _output_text(op, show_shapes, show_dtype)
        if kind == "input":  # inputs always say what they take
            detail = " ".join(p for p in (op.outputs[0].dtype.name,
                                          _shape_text(op.outputs[0].shape) if show_shapes
                                          else None) if p)
        dot.node(op.name, label=_label(op.name, subtitle, detail), **_STYLE[kind])
        node_of[op] = op.name
        if op.type in _ASSIGN_TYPES and var is not None:
            dot.edge(op.name, variable_node(var), style="dashed", label="assign")

    drawn = set()
    for op in ops:
        if op not in node_of or op.type == "ReadVariable":
            continue
        for t in op.inputs:
            tail = node_of.get(t.op)
            if tail is not None and (tail, node_of[op]) not in drawn:
                drawn.add((tail, node_of[op]))
                dot.edge(tail, node_of[op])
        for c in op.control_inputs:
            if c in node_of:
                dot.edge(node_of[c], node_of[op], style="dotted", arrowhead="odot")
    if training:
        _draw_training(dot, ops, training, node_of, variable_node)
    return dot


def _draw_training(dot, ops, training, node_of, variable_node):
    """One node for the whole backward pass + optimizer updates."""
    noops = [op for op in ops if op in training and op.type == "NoOp"]
    title = noops[-1].name if noops else "gradients"
    node_id = "training:" + title
    dot.node(node_id, label=_label(title, "gradients + updates", f"{len(training)} ops"),
             **_STYLE["training"])
    losses = [t.op for op in ops if op in training and op.type in ("OnesLike", "Fill")
              for t in op.inputs if t.op not in training]
    if not losses:  # no ones_like seed: show every value the backward pass reads
        losses = [t.op for op in ops if op in training for t in op.inputs
                  if t.op not in training and t.op.type not in ("Const", "ReadVariable")]
    for tail in dict.fromkeys(node_of[op] for op in losses if op in node_of):
        dot.edge(tail, node_id, color="#d0743c", label="loss")
    updated = [op.attrs["var"] for op in ops if op in training and op.type in _ASSIGN_TYPES]
    for var_id in dict.fromkeys(variable_node(v) for v in updated):
        dot.edge(node_id, var_id, style="dashed", color="#d0743c", label="update",
                 constraint="false")
