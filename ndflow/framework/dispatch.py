"""Dispatch: running an op eagerly or adding it to the graph being built.

`execute` runs the kernel at once when all inputs are concrete and no graph is being
built (recording it on active GradientTapes), and otherwise adds an Operation to the
graph being built. Its routes, fastest first: every input an eager tensor (most eager
code); eager with a tape recording; eager with Python values or variables to convert;
into a graph (TF1 graphs, tf.function tracing, or an input that is symbolic).
"""
import operator

import numpy as np

from . import dtypes, random_seed
from .coercion import _weak_scalar, cast_array, default_array
from .context import building_here, get_ident, state, tf1_graph_mode_here
from .errors import InvalidArgumentError, OpError
from .registry import ALL, CONST, _NO_ATTRS, get_op
from .shape_fns import ConstantSpec, fallback_infer
from .tensor import EagerTensor, SymbolicTensor, TensorLike
from .tensor_shape import TensorShape
from ..util.composite import CompositeTensor

record_hook = [None]  # set by autodiff: record(op_def, inputs, outputs, attrs, operation)


class _EagerOp(tuple):
    """What a tape remembers of one eager op application: (op_def, inputs, outputs, attrs),
    a tuple (made without a Python-level __init__) read through the attributes gradient
    functions use."""
    __slots__ = ()
    op_def = property(operator.itemgetter(0))
    inputs = property(operator.itemgetter(1))
    outputs = property(operator.itemgetter(2))
    attrs = property(operator.itemgetter(3))

    @property
    def type(self):
        return self[0].name

    def get_attr(self, name):
        return self[3][name]


# --- inputs: Python values join the tensors' dtypes ------------------------------------------

def _pack_if_nested_tensors(value):
    if isinstance(value, (list, tuple)) and any(_has_tensor(v) for v in value):
        return execute(get_op("Pack"), tuple(_pack_if_nested_tensors(v) for v in value),
                       {"axis": 0}, "stack")
    return value


def _has_tensor(v):
    return isinstance(v, TensorLike) or isinstance(v, (list, tuple)) and any(map(_has_tensor, v))


def _group_dtype(op, dts, positions):
    """dtype that the python values at `positions` adopt (first tensor dtype of the group)."""
    unify = op.unify
    return next((d for i, d in enumerate(dts) if d is not None and (unify is ALL or i in unify)),
                None)


def _coerce_pending(op, values, pending, dts, weak):
    """Converts the non-tensor inputs at `pending` (in place) following TF's typing rules;
    True when a list of tensors was packed into one tensor."""
    unify = op.unify
    packed = False
    target = _group_dtype(op, dts, pending) if unify is not None else None
    for i in pending:
        v = _pack_if_nested_tensors(values[i])
        if isinstance(v, TensorLike):  # a list of tensors packed into one
            values[i] = v
            dts[i] = v.dtype._np
            packed = True
            continue
        in_group = unify is not None and (unify is ALL or i in unify)
        if in_group and target is not None:
            if weak and (v.__class__ is float or v.__class__ is int):
                values[i] = _weak_scalar(v, target)
            else:
                values[i] = cast_array(v, target)
        else:
            arr = default_array(v)
            values[i] = arr
            dts[i] = arr.dtype
            if in_group and target is None:
                target = arr.dtype
    return packed


def _check_same_dtype(op, dts):
    unify = op.unify
    first = None
    for i, d in enumerate(dts):
        if d is None or not (unify is ALL or i in unify):
            continue
        if first is None:
            first = d
        elif d != first:
            raise InvalidArgumentError(
                f"{op.name}: all inputs must have the same dtype, but got "
                f"{dtypes.from_numpy(first).name} and {dtypes.from_numpy(d).name}. "
                "Use tf.cast to convert one of them.")


# --- running ops -----------------------------------------------------------------------------

def execute(op, inputs, attrs=_NO_ATTRS, name=None):
    """Runs `op` on `inputs` eagerly, or adds it to the graph being built."""
    g = state.building
    if g is not None and (state.builder != get_ident() or state.eager_threads):
        g = building_here()  # None when another thread is tracing, or in a py_function body
    if g is None:
        if state.eager_disabled and tf1_graph_mode_here():
            from .graph import get_default_graph
            return _execute_graph(op, inputs, attrs, name, get_default_graph())
        # Fast path: every input already an eager tensor (most ops in eager code).
        arrays = []
        for x in inputs:
            if x.__class__ is not EagerTensor:
                break
            arrays.append(x._value)
        else:
            if op.unify is not None and len(arrays) > 1:
                d0 = arrays[0].dtype
                for a in arrays:
                    if a.dtype is not d0 and a.dtype != d0:
                        _check_same_dtype(op, [b.dtype for b in arrays])
            try:
                if op.fast is not None and not attrs:
                    out = op.fast(*arrays)
                elif op.plain:
                    out = op.kernel(state.device.xp, *arrays, **attrs)
                else:
                    out = run_kernel(op, arrays, attrs)
            except OpError:
                raise
            except (ValueError, TypeError, IndexError, ArithmeticError) as e:
                raise _kernel_error(op, arrays, attrs, e) from e
            if op.multi_output:
                outputs = [EagerTensor(o) for o in out]
                if state.tapes:
                    record_hook[0](op, inputs, outputs, attrs, None)
                return outputs
            result = EagerTensor(out)
            rec = None
            for tape in state.tapes:  # autodiff's record, inlined for the common case
                if tape._recording:
                    tracked = tape._tracked
                    for t in inputs:
                        if id(t) in tracked:
                            if rec is None:
                                rec = _EagerOp((op, inputs, (result,), attrs))
                            tape._records.append(rec)
                            tracked.add(id(result))
                            break
            return result
        if state.tapes:
            return _execute_taped(op, inputs, attrs, name)
        if op.unify is ALL:
            out = _execute_weak(op, inputs, attrs)
            if out is not None:
                return out
        arrays = _eager_arrays(op, inputs, unpack=True)
        if arrays is None:  # a symbolic input, or a composite that runs the op itself
            return _execute_graph(op, inputs, attrs, name, _graph_of(inputs))
        out = run_kernel(op, arrays, attrs)
        if op.multi_output:
            return [EagerTensor(o) for o in out]
        return EagerTensor(out)
    return _execute_graph(op, inputs, attrs, name, g)


def _kernel_error(op, arrays, attrs, e):
    """The error for a kernel that failed eagerly: the one shape inference gives for the
    same inputs in a graph, when inference finds the mistake, so a user sees one message
    in both modes (inference runs only on this error path, keeping eager calls fast)."""
    try:
        specs = [ConstantSpec(a) for a in arrays]
        if op.infer is not None:
            op.infer(specs, attrs)
        elif not op.stateful:  # the fallback runs the kernel again: never for stateful ops
            fallback_infer(op, specs, attrs)
    except InvalidArgumentError as inferred:
        return inferred
    except Exception:  # noqa: BLE001 - inference has no better message; use the kernel's
        pass
    shapes = ", ".join(str(TensorShape(np.shape(a))) for a in arrays)
    return InvalidArgumentError(f"{op.name}: {e} (input shapes: {shapes})")


def run_kernel(op, arrays, attrs):
    """Runs `op`'s kernel eagerly on the current device."""
    try:
        if op.fast is not None and not attrs:
            return op.fast(*arrays)
        device = state.device
        if op.plain:
            return op.kernel(device.xp, *arrays, **attrs)
        lead = op.leading_args(device.xp, device.store,
                               lambda: random_seed.eager_generator(attrs, op))
        return op.kernel(*lead, *arrays, **attrs)
    except OpError:
        raise
    except (ValueError, TypeError, IndexError, ArithmeticError) as e:
        raise _kernel_error(op, arrays, attrs, e) from e


def _eager_arrays(op, inputs, unpack=False):
    """Input arrays for an eager run, or None if an input is symbolic or a composite that
    dispatches ops itself (`_execute_graph` hands it the op). `unpack`: a list of tensors
    packed into one tensor comes back as its array (else as the tensor, for the tape)."""
    values = []
    dts = []
    pending = None
    for x in inputs:
        c = x.__class__
        if c is EagerTensor:
            v = x._value
            values.append(v)
            dts.append(v.dtype)
        elif c is SymbolicTensor:
            return None
        elif isinstance(x, TensorLike):  # a Variable
            if x._graph is not None:
                return None
            v = x._value
            values.append(v)
            dts.append(v.dtype)
        else:
            if isinstance(x, CompositeTensor) and hasattr(x, "_dispatch_op"):
                return None
            if pending is None:
                pending = []
            pending.append(len(values))
            values.append(x)
            dts.append(None)
    packed = False
    if op.unify is not None:
        if pending:
            packed = _coerce_pending(op, values, pending, dts, weak=True)
        if len(values) > 1:
            _check_same_dtype(op, dts)
    elif pending:
        packed = _coerce_pending(op, values, pending, dts, weak=False)
    if unpack and packed:
        for i in pending:
            if values[i].__class__ is EagerTensor:
                values[i] = values[i]._value
    return values


def _weak_scalars(inputs):
    """`inputs` (eager tensors and Python numbers) with each Python float or int made a 0-d
    array of the tensors' floating dtype, as TensorFlow's weak typing converts it; else None."""
    dtype = None
    for x in inputs:
        c = x.__class__
        if c is EagerTensor:
            if dtype is None:
                dtype = x._value.dtype
        elif c is not float and c is not int:
            return None
    if dtype is None or dtype.kind != "f":
        return None
    return [x if x.__class__ is EagerTensor else EagerTensor(np.asarray(x, dtype)) for x in inputs]


def _execute_weak(op, inputs, attrs):
    """Eagerly with no tape: an op of eager tensors of one floating dtype and Python numbers,
    which NumPy keeps weakly typed (NEP 50) as TensorFlow does; None for other inputs."""
    arrays, dtype = [], None
    for x in inputs:
        c = x.__class__
        if c is EagerTensor:
            v = x._value
            arrays.append(v)
            if dtype is None:
                dtype = v.dtype
        elif c is float or c is int:
            arrays.append(x)
        else:
            return None
    if dtype is None or dtype.kind != "f":
        return None
    if len(arrays) > 2:  # (two inputs, one of them a number: a single dtype)
        _check_same_dtype(op, [getattr(a, "dtype", None) for a in arrays])
    out = run_kernel(op, arrays, attrs)
    return [EagerTensor(o) for o in out] if op.multi_output else EagerTensor(out)


def _execute_taped(op, inputs, attrs, name):
    ins = []
    read = False
    for x in inputs:  # eager variables are read so the tapes see the read
        c = x.__class__
        if c is not EagerTensor and c is not SymbolicTensor and isinstance(x, TensorLike) \
                and x._graph is None:
            x = x.read_value()
            read = True
        ins.append(x)
    if read:  # dispatched anew with the values read
        return execute(op, ins, attrs, name)
    if op.unify is ALL:
        converted = _weak_scalars(ins)
        if converted is not None:
            return execute(op, converted, attrs, name)
    arrays = _eager_arrays(op, ins)
    if arrays is None:
        return _execute_graph(op, inputs, attrs, name, _graph_of(inputs))
    tensors = []
    for x, a in zip(ins, arrays):
        if x.__class__ is EagerTensor:
            tensors.append(x)
        elif isinstance(a, TensorLike):
            tensors.append(a)
        else:
            dt = _dtype_for_record(op, arrays, a)
            tensors.append(EagerTensor(np.asarray(a, dtype=dt)))
    arrays = [t._value for t in tensors]
    out = run_kernel(op, arrays, attrs)
    outputs = [EagerTensor(o) for o in out] if op.multi_output else [EagerTensor(out)]
    record_hook[0](op, tensors, outputs, attrs, None)
    return outputs if op.multi_output else outputs[0]


def _dtype_for_record(op, arrays, a):
    if isinstance(a, np.ndarray) or isinstance(a, np.generic):
        return a.dtype
    for b in arrays:  # a weak python scalar: it adopts its group's dtype
        if isinstance(b, (np.ndarray, np.generic)):
            return b.dtype
    return default_array(a).dtype


def _graph_of(inputs):
    for x in inputs:
        if x.__class__ is SymbolicTensor:
            return x.op.graph
        g = getattr(x, "_graph", None)
        if g is not None:
            return g
    from .graph import get_default_graph
    return get_default_graph()


def _dispatch_composite(op, inputs, attrs, name):
    """A composite input (a RaggedTensor) that defines `_dispatch_op` runs the op on its
    components itself (tf.math ops, reductions, concat on ragged); None when there is none."""
    for x in inputs:
        if isinstance(x, CompositeTensor) and hasattr(x, "_dispatch_op"):
            return x._dispatch_op(op, inputs, attrs, name)
    return None


def _execute_graph(op, inputs, attrs, name, g):
    out = _dispatch_composite(op, inputs, attrs, name)
    if out is not None:
        return out
    tensors = graph_inputs(op, inputs, g)
    if op.infer is not None:
        specs = op.infer(tensors, attrs)
    else:
        specs = fallback_infer(op, tensors, attrs)
    operation = g._create_op(op, tensors, attrs, specs, name)
    if state.tapes:
        record_hook[0](op, tensors, operation.outputs, attrs, operation)
    outs = operation.outputs
    if op.multi_output:
        return list(outs)
    return outs[0] if outs else operation


def graph_inputs(op, inputs, g):
    """Converts `inputs` to SymbolicTensors of graph `g` (capturing constants and variables)."""
    values = []
    dts = []
    pending = []
    for x in inputs:
        c = x.__class__
        if c is SymbolicTensor:
            if x.op.graph is not g and getattr(g, "captures", None) is not None \
                    and g.is_inside(x.op.graph):
                x = g.capture(x)  # a tensor of an enclosing graph (cond branch, loop body)
            if x.op.graph is not g:
                raise ValueError(f"{op.name}: Tensor {x.name} must be from the same graph as the "
                                 "other inputs (it belongs to another Graph).")
            values.append(x)
            dts.append(x.dtype._np)
        elif c is EagerTensor:
            t = capture_eager(x, g)
            values.append(t)
            dts.append(t.dtype._np)
        elif isinstance(x, TensorLike):
            t = x._read_in_graph(g)
            values.append(t)
            dts.append(t.dtype._np)
        else:
            pending.append(len(values))
            values.append(x)
            dts.append(None)
    if pending:
        _coerce_pending(op, values, pending, dts, weak=False)
        for i in pending:
            v = values[i]
            if isinstance(v, TensorLike):
                values[i] = graph_inputs(op, [v], g)[0]
            else:
                values[i] = constant_in_graph(v, g)
    if op.unify is not None and len(values) > 1:
        _check_same_dtype(op, [v.dtype._np for v in values])
    return values


def capture_eager(t, g):
    cached = g._const_cache.get(id(t))
    if cached is not None and cached[0] is t:
        return cached[1]
    out = constant_in_graph(t._value, g)
    g._const_cache[id(t)] = (t, out)
    return out


def constant_in_graph(array, g, name=None):
    array = np.asarray(array)
    specs = [(TensorShape(array.shape), dtypes.from_numpy(array.dtype))]
    return g._create_op(CONST, (), {"value": array}, specs, name or "Const").outputs[0]
