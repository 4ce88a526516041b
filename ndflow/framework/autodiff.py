"""Reverse-mode autodiff: one algorithm for GradientTape (eager and inside tf.function)
and for TF1 graph `gradients()`.

Records are op applications with `.op_def`, `.inputs`, `.outputs`, `.attrs`: graph
Operations, or `_EagerOp`s a tape keeps. Each op's gradient is written in ndflow ops,
so computing a gradient is itself recordable (higher-order derivatives) and works on
symbolic tensors (graph gradients). Broadcasting is undone here, once, by `sum_to`.
"""
import contextlib

import numpy as np

from ..util import nest
from . import dispatch, dtypes, registry
from .dispatch import _EagerOp
from .context import state, building_graph, building_here, tf1_graph_mode_here
from .tensor import EagerTensor, ListValue, SymbolicTensor, TensorLike
from .variables import Variable


def _record(op_def, inputs, outputs, attrs, operation):
    rec = None
    for tape in state.tapes:
        if not tape._recording:
            continue
        tracked = tape._tracked
        for t in inputs:
            if id(t) in tracked:
                break
        else:
            continue
        if rec is None:
            rec = operation if operation is not None else \
                _EagerOp((op_def, inputs, outputs, attrs))
        tape._records.append(rec)
        for o in outputs:
            tracked.add(id(o))


dispatch.record_hook[0] = _record


def _is_differentiable_dtype(t):
    if t.__class__ is EagerTensor:
        v = t._value
        c = v.__class__  # a TensorArray flow: its ListValue, or a tuple of gradients
        return c is tuple or c is ListValue or v.dtype.kind in "fc"
    if t.dtype._np is None:
        return t.dtype is dtypes.variant  # TensorArray flows carry element gradients
    return t.dtype._np.kind in "fc"


def _is_variant(t):
    if t.__class__ is EagerTensor:
        c = t._value.__class__
        return c is tuple or c is ListValue
    return t.dtype is dtypes.variant


# Primitives used here (Sum, AddV2, AddN, ZerosLike, ...) are registered by ndflow.ops, which
# imports this module: they are looked up by name in the registry at call time.
_op = registry.get_op


def _sum_to_like(g, x):
    """Undoes broadcasting: sums `g` down to the shape of input `x` (a TensorArray flow's
    gradient is passed through)."""
    if g.__class__ is EagerTensor and x.__class__ is EagerTensor:
        xv = x._value
        if xv.__class__ is tuple or xv.__class__ is ListValue:
            return g
        g_shape, x_shape = g._value.shape, xv.shape
    elif _is_variant(x):
        return g
    else:
        gs, xs = g.shape, x.shape
        if not (gs.is_fully_defined() and xs.is_fully_defined()):
            return _op("SumToLike")(g, x)  # reduction axes known only at run time
        g_shape, x_shape = tuple(gs.as_list()), tuple(xs.as_list())
    if g_shape == x_shape:
        return g
    lead, stretched = _broadcast_axes(g_shape, x_shape)
    if stretched:
        g = _op("Sum")(g, axis=stretched, keepdims=True)
    if lead:
        g = _op("Sum")(g, axis=tuple(range(lead)), keepdims=False)
    return g


def _broadcast_axes(g_shape, x_shape):
    """(leading axes broadcasting added, axes of g where x's size-1 dimensions were
    stretched): what a gradient of shape `g_shape` is summed over to reach `x_shape`."""
    lead = len(g_shape) - len(x_shape)
    return lead, tuple(i + lead for i, d in enumerate(x_shape)
                       if d == 1 and g_shape[i + lead] != 1)


def _zeros_like(t):
    return _op("ZerosLike")(t)


def backprop(records, targets, seeds, stop_ids=frozenset(), wanted=None):
    """Propagates `seeds` (gradients of `targets`) back through `records` (in creation
    order). Returns {id(tensor): gradient}. `wanted` (ids of tensors that lead to a source;
    None: all) lets gradients skip inputs nobody asked about. Eagerly, with no tape recording
    the gradient computation, ops with an `array_grad` compute their gradients on arrays."""
    add = _op("AddV2")
    grads = {}
    on_arrays = _unrecorded_eager()
    xp = state.device.xp

    def accumulate(t, g):
        key = id(t)
        prev = grads.get(key)
        if prev is None:
            grads[key] = g
        elif _is_variant(g):
            grads[key] = registry.REGISTRY["TensorListAddN"](prev, g)
        elif on_arrays and prev.__class__ is EagerTensor and g.__class__ is EagerTensor:
            grads[key] = EagerTensor(prev._value + g._value)
        else:
            grads[key] = add(prev, g)

    for t, g in zip(targets, seeds):
        accumulate(t, g)
    for rec in reversed(records):
        if rec.__class__ is _EagerOp:  # an eager op a tape recorded
            op_def, ins, outs, attrs = rec
            g = grads.get(id(outs[0]))
            if stop_ids and id(outs[0]) in stop_ids:
                continue  # a stop_gradients tensor: it gets its gradient, its inputs none
            if on_arrays and op_def.array_grad is not None and g.__class__ is EagerTensor:
                # (a recorded op has a watched input: the only input of a unary op is one)
                n = len(ins)
                needs = (True,) * n if wanted is None or n == 1 else \
                    (id(ins[0]) in wanted, id(ins[1]) in wanted) if n == 2 else \
                    [id(x) in wanted for x in ins]
                for x, a in zip(ins, op_def.array_grad(xp, ins, outs, attrs, g._value, needs)):
                    if a is None:
                        continue
                    key = id(x)
                    v = x._value
                    if v.dtype.kind not in "fc":
                        continue
                    if a.shape != v.shape:
                        a = _sum_array_to(a, v.shape)
                    prev = grads.get(key)
                    grads[key] = EagerTensor(a) if prev is None else \
                        EagerTensor(prev._value + a) if prev.__class__ is EagerTensor \
                        else add(prev, EagerTensor(a))
                continue
            if g is None and len(outs) == 1:
                continue
        outs = rec.outputs
        op_def = rec.op_def
        out_grads = [None if id(o) in stop_ids else grads.get(id(o)) for o in outs]
        if all(g is None for g in out_grads):
            continue
        if op_def.grad is None:
            continue
        # multi-output ops receive None for outputs without a gradient and handle it
        if op_def.grad_takes_needs and wanted is not None:
            needs = tuple(id(x) in wanted for x in rec.inputs)
            in_grads = op_def.grad(rec, *out_grads, needs=needs)
        else:
            in_grads = op_def.grad(rec, *out_grads)
        if not isinstance(in_grads, (list, tuple)):
            in_grads = (in_grads,)
        only = op_def.grad_inputs
        for i, (x, g) in enumerate(zip(rec.inputs, in_grads)):
            if g is None or not _is_differentiable_dtype(x) \
                    or (only is not None and i not in only):
                continue
            accumulate(x, _sum_to_like(g, x))
    return grads


def _unrecorded_eager():
    """True when ops run eagerly and no tape records them."""
    if building_here() is not None or (state.eager_disabled and tf1_graph_mode_here()):
        return False
    for tape in state.tapes:
        if tape._recording:
            return False
    return True


def _sum_array_to(a, shape):
    """Array `a` summed over the axes broadcasting added or stretched to reach `shape`."""
    if a.ndim == len(shape) + 1 and a.shape[1:] == shape:  # (a bias: the common case)
        return state.device.xp.add.reduce(a, axis=0)
    lead, stretched = _broadcast_axes(a.shape, shape)
    out = state.device.xp.add.reduce(a, axis=tuple(range(lead)) + stretched)
    return out.reshape(shape) if stretched else out


def _ones_like(t):
    return _op("OnesLike")(t)


def _resolve_unconnected(value, source, unconnected):
    if value is not None:
        return value
    if unconnected in ("zero", "ZERO") or getattr(unconnected, "value", None) == "zero":
        return _zeros_like(source)
    return None


class UnconnectedGradients:
    """What a gradient is for a source the target does not depend on.

    `UnconnectedGradients.NONE` ("none", the default) gives None; `UnconnectedGradients.ZERO`
    ("zero") gives zeros of the source's shape.
    """
    NONE = "none"
    ZERO = "zero"


class GradientTape:
    """Records operations to compute gradients by reverse-mode differentiation.

    Inside `with GradientTape() as tape:`, ops on watched values are recorded; trainable
    variables read inside are watched automatically, other tensors with `tape.watch(x)`.
    `tape.gradient(target, sources)` then returns d(sum target)/d(source) for each source, in
    the structure of `sources`. The gradients are ndflow ops, so a tape inside another tape
    gives second derivatives. `jacobian` and `batch_jacobian` give full Jacobians.

    Args:
      persistent: If true, `gradient` may be called more than once (the record is kept until
        the tape is deleted).
      watch_accessed_variables: If false, only explicitly watched values are recorded.

    Raises:
      RuntimeError: From `gradient`, when a non-persistent tape is used a second time.

    Example:

    >>> x = ndflow.Variable(3.0)
    >>> with ndflow.GradientTape() as tape:
    ...     y = x * x
    >>> float(tape.gradient(y, x))
    6.0
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = persistent
        self._watch_accessed = watch_accessed_variables
        self._recording = False
        self._records = []
        self._tracked = set()
        self._keep = []           # watched tensors, kept alive so their ids stay valid
        self._watched_vars = {}   # Variable -> None (insertion ordered)
        self._var_reads = {}      # Variable -> [read tensors]
        self._used = False

    def __enter__(self):
        state.tapes.append(self)
        self._recording = True
        return self

    def __exit__(self, *exc):
        self._recording = False
        if self in state.tapes:
            state.tapes.remove(self)
        return False

    def watch(self, tensor):
        for t in nest.flatten(tensor):
            if isinstance(t, Variable):
                self._watched_vars[t] = None
            elif isinstance(t, (EagerTensor, SymbolicTensor)):
                self._tracked.add(id(t))
                self._keep.append(t)
            else:
                raise ValueError(f"GradientTape.watch expects tensors or variables, got {t!r}.")

    def _variable_read(self, var, t):
        if self._recording and (var in self._watched_vars
                                or (self._watch_accessed and var._trainable)):
            self._watched_vars[var] = None  # (a key already there keeps its place)
            self._var_reads.setdefault(var, []).append(t)
            self._tracked.add(id(t))

    def watched_variables(self):
        return tuple(self._watched_vars)

    @contextlib.contextmanager
    def stop_recording(self):
        was = self._recording
        self._recording = False
        try:
            yield
        finally:
            self._recording = was

    def reset(self):
        self._records = []
        self._tracked = set()
        self._keep = []
        self._var_reads = {}
        self._watched_vars = {}

    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        if self._records is None or (self._used and not self._persistent):
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one "
                               "set of gradients (or jacobians); use persistent=True.")
        targets = [target] if target.__class__ is EagerTensor else \
            [t.read_value() if isinstance(t, Variable) else t for t in nest.flatten(target)]
        c = sources.__class__  # a list of variables or tensors: no tf.nest walk
        flat = c is list or c is tuple
        for s in sources if flat else ():
            if not isinstance(s, TensorLike):
                flat = False
                break
        flat_sources = sources if flat else nest.flatten(sources)
        if output_gradients is None:
            seeds = [EagerTensor(state.device.xp.ones_like(t._value))  # (no op to dispatch)
                     if t.__class__ is EagerTensor and hasattr(t._value, "dtype")
                     and _unrecorded_eager() else _ones_like(t) for t in targets]
        else:
            seeds = [g if isinstance(g, TensorLike) else _as_tensor_like(g, t)
                     for g, t in zip(nest.flatten(output_gradients), targets)]
        was = self._recording
        self._recording = False
        try:
            grads = backprop(self._records, targets, seeds, wanted=self._tracked)
            results = [self._source_grad(s, grads, unconnected_gradients) for s in flat_sources]
        finally:
            self._recording = was
        self._used = True
        if not self._persistent:  # spent: as TensorFlow, it records nothing more (even
            self._records = None  # inside its `with` block, e.g. the optimizer's update)
            self._recording = False
        if flat:
            return results if c is list else tuple(results)
        return nest.pack_sequence_as(sources, results)

    def _source_grad(self, source, grads, unconnected):
        if isinstance(source, Variable):
            g = _read_grads(self._var_reads.get(source, ()), grads)
            if g is None and unconnected not in ("none", None):
                return _zeros_like(source.read_value())
            return g
        if source is None:
            raise ValueError("GradientTape.gradient: a source is None.")
        return _resolve_unconnected(grads.get(id(source)), source, unconnected)

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """Jacobian by one backward pass per target element (eager)."""
        from .constant_op import constant
        if not self._persistent and self._used:
            raise RuntimeError("jacobian needs a persistent tape or a fresh one.")
        target_value = np.asarray(target._value)
        flat_sources = nest.flatten(sources)
        rows = {i: [] for i in range(len(flat_sources))}
        records = self._records
        for index in np.ndindex(target_value.shape or ()):
            seed = np.zeros_like(target_value)
            seed[index] = 1
            grads = backprop(records, [target], [EagerTensor(seed)])
            for i, s in enumerate(flat_sources):
                g = self._source_grad(s, grads, "zero")
                rows[i].append(np.asarray(g._value))
        self._used = True
        out = []
        for i, s in enumerate(flat_sources):
            shape = target_value.shape + tuple(s.shape.as_list())
            out.append(constant(np.stack(rows[i]).reshape(shape)))
        return nest.pack_sequence_as(sources, out)


def _read_grads(reads, grads):
    """A variable's gradient: the sum of its reads' gradients (None when none has one)."""
    if len(reads) == 1:  # (the common case: one read)
        return grads.get(id(reads[0]))
    parts = [grads[id(r)] for r in reads if id(r) in grads]
    return (parts[0] if len(parts) == 1 else _op("AddN")(*parts)) if parts else None


def _as_tensor_like(value, like):
    from .constant_op import convert_to_tensor
    return convert_to_tensor(value, dtype=like.dtype)


def gradients(ys, xs, grad_ys=None, name="gradients", stop_gradients=None,
              unconnected_gradients=UnconnectedGradients.NONE, colocate_gradients_with_ops=False,
              gate_gradients=False, aggregation_method=None):
    """TF1 graph gradients: symbolic d(sum ys)/d(xs)."""
    flat_ys = nest.flatten(ys)
    flat_xs = nest.flatten(xs)
    flat_ys = [y.read_value() if isinstance(y, Variable) else y for y in flat_ys]
    graph = flat_ys[0].graph
    for y in flat_ys:
        if not isinstance(y, SymbolicTensor):
            raise TypeError("tf.gradients is only valid in graph mode; use tf.GradientTape "
                            "when executing eagerly.")
    source_tensors = []
    for x in flat_xs:
        if isinstance(x, Variable):
            source_tensors.extend(graph._var_reads.get(x, ()))
        else:
            source_tensors.append(x)
    records, reached = _ops_between(graph, source_tensors, flat_ys)
    stop_ids = frozenset(id(t) for t in nest.flatten(stop_gradients or []))
    with building_graph(graph), graph.name_scope(name):
        if grad_ys is None:
            seeds = [_ones_like(y) for y in flat_ys]
        else:
            seeds = [g if g is not None else _ones_like(y)
                     for g, y in zip(nest.flatten(grad_ys), flat_ys)]
            seeds = [g if isinstance(g, TensorLike) else _as_tensor_like(g, y)
                     for g, y in zip(seeds, flat_ys)]
        grads = backprop(records, flat_ys, seeds, stop_ids, wanted=reached)
        out = []
        for x in flat_xs:
            if isinstance(x, Variable):
                g = _read_grads(graph._var_reads.get(x, ()), grads)
                if g is None and unconnected_gradients not in ("none", None):
                    g = _zeros_like(x.read_value())
            else:
                g = _resolve_unconnected(grads.get(id(x)), x, unconnected_gradients)
            out.append(g)
    return out


def _ops_between(graph, sources, targets):
    """Operations on a path from any of `sources` to any of `targets`, in creation order,
    and the ids of every tensor that depends on a source."""
    reached = {id(t) for t in sources}
    forward = set()
    for op in graph._ops:
        if any(id(t) in reached for t in op.inputs):
            forward.add(op)
            for o in op.outputs:
                reached.add(id(o))
    backward = set()
    stack = [t.op for t in targets]
    while stack:
        op = stack.pop()
        if op in backward:
            continue
        backward.add(op)
        stack.extend(t.op for t in op.inputs)
    return [op for op in graph._ops if op in forward and op in backward], reached
