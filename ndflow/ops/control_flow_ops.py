"""Control flow as ops holding graphs: If/Case and While.

A branch, loop condition or loop body is traced once into a `FuncGraph` nested in the
graph being built; tensors it uses from enclosing graphs enter by `FuncGraph.capture`
and become inputs of the op. When a plan binds the op, each sub-graph is compiled once
into a sub-plan on the same variable store, and the op's kernel only chooses which
sub-plan to run (If/Case) or runs them in a Python loop (While): only the taken branch
executes, and a loop of any length needs no recursion and no recompilation.

Gradients are `backprop` over a copy of the branch or body graph. A while loop saves the
loop variables at the start of every iteration (only once a gradient asked for them) and
its backward pass (`WhileGrad`) walks that history in reverse, re-running the body's
forward ops per iteration before its backward ops.

Variables read inside a sub-graph are read there (so they see assignments in program
order); for gradients, the op also takes a read of each such variable from the
enclosing graph as an extra input, through which the variable's gradient flows out.
"""
from ..framework import dtypes
from ..framework.context import building_graph
from ..framework.errors import InvalidArgumentError
from ..framework.graph import FuncGraph
from ..framework.registry import REGISTRY, _execute_graph, graph_inputs, op
from ..framework.tensor import ListValue, SymbolicTensor
from ..framework.tensor_shape import TensorShape


class SubGraph:
    """A traced branch or body: its graph, the placeholders it is fed (explicit inputs,
    then captures, then variable proxies) and the tensors it returns."""
    __slots__ = ("graph", "feeds", "outputs", "n_args")

    def __init__(self, graph, feeds, outputs, n_args):
        self.graph, self.feeds, self.outputs, self.n_args = graph, feeds, outputs, n_args

    def plan(self, store):
        from ..framework.plan import Plan
        targets = [o for o in self.graph._ops if o.op_def.side_effect]
        return Plan(self.outputs, self.feeds, targets, store)

    @property
    def stateful(self):
        return any(o.op_def.stateful for o in self.graph._ops)


def _placeholder(graph, dtype, shape, name):
    return _execute_graph(REGISTRY["Placeholder"], (), {"dtype": dtype, "shape": shape},
                          name, graph)


def as_graph_tensor(value, graph, dtype=None):
    """`value` (tensor, variable, Python or NumPy value) as a tensor of `graph`."""
    if dtype is not None and not isinstance(value, (SymbolicTensor,)) \
            and not hasattr(value, "_value"):
        from ..framework.registry import cast_array
        value = cast_array(value, dtype._np)
    with building_graph(graph):
        return graph_inputs(REGISTRY["Identity"], [value], graph)[0]


def trace(name, fn, specs, outer, convert_outputs=True):
    """Traces `fn(*placeholders)` into a new FuncGraph nested in `outer`.

    `specs` are (dtype, shape) of the explicit inputs. Returns the graph, the input
    placeholders and fn's raw result with every leaf made a tensor of the graph."""
    from ..util import nest
    g = FuncGraph(name, outer)
    g.captures = {}
    with building_graph(g):
        args = [_placeholder(g, d, s, "arg") for d, s in specs]
        result = fn(*args)
        if convert_outputs:
            result = nest.map_structure(
                lambda o: o if o is None or _is_op(o) else as_graph_tensor(o, g), result)
    return g, args, result


def _is_op(x):
    from ..framework.graph import Operation
    return isinstance(x, Operation)


def seal(graphs_args_outputs, outer):
    """Makes SubGraphs that all take the same inputs: their explicit arguments, then the
    union of every graph's captures, then a read of every variable any of them reads.
    Returns (subgraphs, captured outer tensors, variables)."""
    captured, seen = [], set()
    variables = []
    for g, _, _ in graphs_args_outputs:
        for outer_t, _inner in g.captures.values():
            if id(outer_t) not in seen:
                seen.add(id(outer_t))
                captured.append(outer_t)
        for var in g._var_reads:
            if not any(v is var for v in variables):  # `in` would compare with ==
                variables.append(var)
    proxies = [_outer_read(v, outer) for v in variables]
    subs = []
    for g, args, outputs in graphs_args_outputs:
        feeds = list(args)
        with building_graph(g):
            for t in captured:
                hit = g.captures.get(id(t))
                feeds.append(hit[1] if hit is not None else
                             _placeholder(g, t.dtype, t.shape, "unused_capture"))
            for p in proxies:
                feeds.append(_placeholder(g, p.dtype, p.shape, "variable"))
        subs.append(SubGraph(g, feeds, outputs, len(args)))
    return subs, captured + proxies, variables


def _outer_read(var, outer):
    from ..framework.variables import _read_op
    return _read_op(var, outer)


# --- copying a sub-graph (for gradients) ----------------------------------------------------

def copy_ops(sub, feeds, graph):
    """Re-creates the ops of `sub` in `graph` with its placeholders replaced by `feeds`.
    Side-effect ops (assignments, prints) are not repeated. Returns (map old id -> new
    tensor, the copied operations)."""
    mapping = {id(p): f for p, f in zip(sub.feeds, feeds)}
    copied = []
    with building_graph(graph):
        for o in sub.graph._ops:
            if o.op_def.name == "Placeholder" and id(o.outputs[0]) in mapping:
                continue
            if o.op_def.side_effect:
                for out in o.outputs:  # an assignment's result is the value it wrote
                    if o.inputs:
                        mapping[id(out)] = mapping[id(o.inputs[0])]
                continue
            ins = [mapping[id(t)] for t in o.inputs]
            res = _execute_graph(o.op_def, ins, dict(o.attrs), o.name.rsplit("/", 1)[-1], graph)
            outs = res if isinstance(res, list) else (res,) if isinstance(res, SymbolicTensor) \
                else ()
            for old, new in zip(o.outputs, outs):
                mapping[id(old)] = new
            if outs:
                copied.append(outs[0].op)
    return mapping, copied


def _differentiable(t):
    """Whether gradients flow through `t` (floats, and variant TensorArray flows)."""
    if t.dtype is dtypes.variant:
        return True
    d = t.dtype._np
    return d is not None and d.kind in "fc"


def zeros_like(t):
    """Zero gradient for `t` (an all-None tuple for a variant flow)."""
    if t.dtype is dtypes.variant:
        return REGISTRY["TensorListZerosLike"](t)
    return REGISTRY["ZerosLike"](t)


def _add_values(a, b):
    if isinstance(a, (tuple, ListValue)):  # TensorArray flows' gradients
        return tuple(y if x is None else x if y is None else x + y for x, y in zip(a, b))
    return a + b


def _zeros_value(xp, v):
    return (None,) * len(v) if isinstance(v, (tuple, ListValue)) else xp.zeros_like(v)


def grad_subgraph(sub, variables, outer, name):
    """A SubGraph computing, from (sub's feeds, gradients of sub's outputs), the gradients
    of sub's feeds: the backward pass of `sub`, recomputing its forward ops."""
    from ..framework.autodiff import backprop
    g = FuncGraph(name, outer)
    g.captures = {}
    with building_graph(g):
        x = [_placeholder(g, p.dtype, p.shape, "x") for p in sub.feeds]
        dy = [_placeholder(g, o.dtype, o.shape, "dy") for o in sub.outputs]
        mapping, copied = copy_ops(sub, x, g)
        ys = [mapping[id(o)] for o in sub.outputs]
        pairs = [(y, d) for y, d in zip(ys, dy) if _differentiable(y)]
        grads = backprop(copied, [p[0] for p in pairs], [p[1] for p in pairs])
        zeros = zeros_like
        n_proxy = len(variables)
        outs = []
        for i, p in enumerate(x):
            k = i - (len(x) - n_proxy)
            if k >= 0:  # a variable: the sum of the gradients of its reads in the sub-graph
                parts = [grads[id(mapping[id(r)])] for r in sub.graph._var_reads.get(variables[k], ())
                         if id(r) in mapping and id(mapping[id(r)]) in grads]
                gv = parts[0] if len(parts) == 1 else REGISTRY["AddN"](*parts) if parts else None
            else:
                gv = grads.get(id(p))
            outs.append(gv if gv is not None else zeros(p))
    return SubGraph(g, x + dy, outs, len(x) + len(dy))


# --- If / Case -------------------------------------------------------------------------------

def _specs_infer(ts, attrs):
    return attrs["output_specs"]


def _graph_only(xp, *args, **attrs):
    raise InvalidArgumentError("control-flow ops run inside graphs only")


def _bind_case(xp, operation, store, shapes):
    plans = [b.plan(store) for b in operation.attrs["branches"]]
    last = len(plans) - 1
    if operation.op_def.name in ("If", "StatelessIf"):
        true_plan, false_plan = plans

        def run_if(pred, *args):
            return true_plan(*args) if pred else false_plan(*args)
        return run_if

    def run_case(index, *args):
        i = int(index)
        return plans[i if 0 <= i < last else last](*args)
    return run_case


def _case_grad(operation, *out_grads):
    attrs = operation.attrs
    outer = operation.graph
    zeros = zeros_like
    dys = [g if g is not None else zeros(o) for g, o in zip(out_grads, operation.outputs)]
    args = list(operation.inputs[1:])
    branches = [grad_subgraph(b, attrs["variables"], outer, f"{operation.name}_grad_{i}")
                for i, b in enumerate(attrs["branches"])]
    specs = [(a.shape, a.dtype) for a in args]
    grad_attrs = {"branches": branches, "output_specs": specs, "variables": (),
                  "n_args": len(args) + len(dys)}
    op_def = REGISTRY["StatelessIf" if operation.op_def.name in ("If", "StatelessIf")
                      else "StatelessCase"]
    outs = _execute_graph(op_def, [operation.inputs[0]] + args + dys, grad_attrs,
                          operation.name.rsplit("/", 1)[-1] + "_grad", outer)
    return [None] + [g if _differentiable(a) else None for g, a in zip(outs, args)]


# If/Case/While exist only in graphs, so the registry-wide eager gradient check cannot
# sample them (differentiable=False keeps them out of it); their gradients are checked
# against finite differences in tests/test_control_flow.py.
for _name, _stateful in (("If", True), ("StatelessIf", False), ("Case", True),
                         ("StatelessCase", False)):
    _d = op(_name, multi_output=True, side_effect=_stateful, differentiable=False,
            infer=_specs_infer)(_graph_only)
    _d.bind_to(_bind_case)
    _d.gradient(_case_grad)


def merge_specs(outputs_per_branch, what):
    """Static shape and dtype of each output, given every branch's tensor for it."""
    specs = []
    for i, ts in enumerate(zip(*outputs_per_branch)):
        dt = ts[0].dtype
        for t in ts[1:]:
            if t.dtype != dt:
                raise TypeError(f"{what}: output {i} has dtype {dt.name} in one branch and "
                                f"{t.dtype.name} in another; branches must return the same "
                                "dtypes.")
        shape = ts[0].shape
        for t in ts[1:]:
            shape = _most_specific_common(shape, t.shape)
        specs.append((shape, dt))
    return specs


def _most_specific_common(a, b):
    if a.rank is None or b.rank is None or a.rank != b.rank:
        return TensorShape(None)
    return TensorShape([x if x == y else None for x, y in zip(a.dims, b.dims)])


# --- While -----------------------------------------------------------------------------------

def _while_infer(ts, attrs):
    return list(attrs["output_specs"]) + [(TensorShape(None), dtypes.variant)]


def _bind_while(xp, operation, store, shapes):
    attrs = operation.attrs
    n = attrs["n"]
    cond_plan = attrs["cond"].plan(store)
    body_plan = attrs["body"].plan(store)
    keep = attrs["keep_history"]

    def run(*args):
        values = args[:n]
        captured = args[n:]
        history = [] if keep else None
        while cond_plan(*values, *captured)[0]:
            if keep:
                history.append(values)
            values = body_plan(*values, *captured)
        return (*values, history)
    return run


def _while_grad(operation, *out_grads):
    attrs = operation.attrs
    attrs["keep_history"] = True  # plans compiled from now on save each iteration's inputs
    n = attrs["n"]
    outer = operation.graph
    zeros = zeros_like
    values = operation.outputs[:n]
    dys = [g if g is not None else zeros(o) for g, o in zip(out_grads[:n], values)]
    captured = list(operation.inputs[n:])
    body = grad_subgraph(attrs["body"], attrs["variables"], outer, operation.name + "_body_grad")
    specs = [(t.shape, t.dtype) for t in operation.inputs]
    grad_attrs = {"body": body, "n": n, "output_specs": specs}
    outs = _execute_graph(REGISTRY["WhileGrad"], [operation.outputs[n]] + captured + dys,
                          grad_attrs, operation.name.rsplit("/", 1)[-1] + "_grad", outer)
    return [g if _differentiable(t) else None for g, t in zip(outs, operation.inputs)]


def _bind_while_grad(xp, operation, store, shapes):
    attrs = operation.attrs
    n = attrs["n"]
    plan = attrs["body"].plan(store)

    def run(history, *args):
        n_cap = len(args) - n
        captured, dys = args[:n_cap], args[n_cap:]
        d_captured = None
        for values in reversed(history):
            out = plan(*values, *captured, *dys)
            dys = out[:n]
            if d_captured is None:
                d_captured = list(out[n:n + n_cap])
            else:
                d_captured = [_add_values(a, b) for a, b in zip(d_captured, out[n:n + n_cap])]
        if d_captured is None:
            d_captured = [_zeros_value(xp, c) for c in captured]
        return (*dys, *d_captured)
    return run


for _name, _stateful in (("While", True), ("StatelessWhile", False)):
    _d = op(_name, multi_output=True, side_effect=_stateful, differentiable=False,
            infer=_while_infer)(_graph_only)
    _d.bind_to(_bind_while)
    _d.gradient(_while_grad)

_d = op("WhileGrad", multi_output=True, differentiable=False, infer=_specs_infer)(_graph_only)
_d.bind_to(_bind_while_grad)
