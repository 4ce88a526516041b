"""The op registry and dispatch.

Every primitive is an `OpDef`: a kernel `f(xp, *arrays, **attrs)` written against the
array module `xp`, a static shape/dtype inference `infer(inputs, attrs)` and a
gradient `grad(op, *output_grads)` written in ndflow ops.

`execute` runs the kernel at once when all inputs are concrete and no graph is being
built (recording it on active GradientTapes), and otherwise adds an Operation to the
graph being built.
"""
import numpy as np

from . import dtypes
from .context import state
from .errors import InvalidArgumentError, OpError
from .tensor import EagerTensor, SymbolicTensor, TensorLike
from .tensor_shape import TensorShape

ALL = "all"          # `unify=ALL`: every input shares one dtype
_NO_ATTRS = {}
REGISTRY = {}        # name -> OpDef
record_hook = [None]  # set by autodiff: record(op_def, inputs, outputs, attrs, operation)


class OpDef:
    __slots__ = ("name", "kernel", "grad", "infer", "unify", "multi_output", "stateful",
                 "side_effect", "uses_store", "needs_rng", "differentiable", "_special",
                 "grad_inputs", "fast", "binder", "grad_takes_needs")

    def __init__(self, name, kernel, infer=None, unify=None, multi_output=False, stateful=False,
                 side_effect=False, uses_store=False, needs_rng=False, differentiable=True,
                 grad_inputs=None, fast=None):
        self.name = name
        self.kernel = kernel
        self.grad = None
        self.infer = infer
        self.unify = unify
        self.multi_output = multi_output
        self.stateful = stateful or side_effect or needs_rng
        self.side_effect = side_effect
        self.uses_store = uses_store
        self.needs_rng = needs_rng
        self.differentiable = differentiable
        self._special = uses_store or needs_rng
        self.grad_inputs = grad_inputs  # indices of inputs that take gradients (None: all)
        # `fast`: an array-only callable equal to the kernel when there are no attrs (e.g.
        # np.add), called directly to skip a Python frame per op.
        self.fast = fast
        self.binder = None
        self.grad_takes_needs = False

    def bind_to(self, fn):
        """Decorator: `fn(xp, operation, store, input_shapes) -> callable(*arrays)`
        specialises this op's kernel for one graph node, given its inputs' shapes as the plan
        knows them (used by compiled plans to avoid per-call overhead)."""
        self.binder = fn
        return fn

    def gradient(self, fn):
        """Decorator: registers `fn(op, *output_grads) -> input grads` as this op's gradient.

        A gradient that declares a keyword-only parameter `needs` receives a tuple of
        booleans saying which inputs need a gradient, so it can skip costly ones (an
        eager tape otherwise computes, e.g., a first layer's input gradient for nothing)."""
        import inspect
        self.grad = fn
        self.grad_takes_needs = "needs" in inspect.signature(fn).parameters
        return fn

    def __call__(self, *inputs, name=None, **attrs):
        return execute(self, inputs, attrs or _NO_ATTRS, name)

    def __repr__(self):
        return f"<OpDef {self.name}>"


def op(name, **options):
    """Decorator registering a kernel function as the primitive `name`; returns the OpDef."""
    def register(kernel):
        if name in REGISTRY:
            raise ValueError(f"Op {name!r} is already registered.")
        opdef = OpDef(name, kernel, **options)
        REGISTRY[name] = opdef
        return opdef
    return register


def get_op(name):
    """The registered primitive `name`, looked up at call time so the framework never imports
    the op libraries (ndflow.ops) that register most primitives."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise LookupError(f"Op {name!r} is not registered; import ndflow (or ndflow.ops) "
                          "first.") from None


# --- conversion of Python and NumPy values --------------------------------------------------

def default_array(value):
    """A Python/NumPy value as an array with TensorFlow's default dtypes (float32, int32)."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, np.generic):
        return np.asarray(value)
    if isinstance(value, bool):
        return np.asarray(value, np.bool_)
    if isinstance(value, float):
        return np.asarray(value, np.float32)
    if isinstance(value, int):
        if -2**31 <= value < 2**31:
            return np.asarray(value, np.int32)
        _check_int_range(value, np.dtype(np.int64))
        return np.asarray(value, np.int64)
    if isinstance(value, (str, bytes)):
        raise TypeError(f"String tensors are not supported yet; got {value!r}.")
    arr = np.asarray(value)
    if arr.dtype.kind == "O" and arr.size and all(
            isinstance(v, int) for v in arr.reshape(-1)):  # Python ints beyond int64
        _check_int_range(value, np.dtype(np.int64), arr)
    if arr.dtype == np.float64:
        return arr.astype(np.float32)
    if arr.dtype == np.int64 and (arr.size == 0 or (arr.min() >= -2**31 and arr.max() < 2**31)):
        return arr.astype(np.int32)
    if arr.dtype.kind in "OUS":
        raise TypeError(f"Cannot convert {value!r} to a tensor: unsupported element type "
                        f"{arr.dtype}.")
    return arr


def cast_array(value, np_dtype):
    """`value` as an array of `np_dtype`; refuses to drop a fractional part silently."""
    if isinstance(value, np.ndarray) and value.dtype == np_dtype:
        return value
    if np_dtype.kind in "iu" and not isinstance(value, (np.ndarray, np.generic)):
        _check_int_range(value, np_dtype)  # Python ints must fit (NumPy arrays wrap, as in TF)
    arr = np.asarray(value)
    if np_dtype.kind in "iub" and arr.dtype.kind in "fc":
        if not np.all(np.mod(arr, 1) == 0):
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype "
                            f"{dtypes.from_numpy(np_dtype).name}")
    return arr.astype(np_dtype, copy=False)


def _check_int_range(value, np_dtype, arr=None):
    """Raises ValueError when a Python int (or nested list of them) is out of `np_dtype`'s range."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        ints = (value,)
    else:
        if arr is None:
            try:
                arr = np.asarray(value)
            except (OverflowError, ValueError, TypeError):
                return
        if arr.dtype.kind not in "iuO" or not arr.size:
            return
        if arr.dtype.kind in "iu":
            info = np.iinfo(np_dtype)
            lo, hi = int(arr.min()), int(arr.max())
            if lo >= info.min and hi <= info.max:
                return
            ints = (lo, hi)
        else:
            ints = [v for v in arr.reshape(-1) if isinstance(v, int) and not isinstance(v, bool)]
    info = np.iinfo(np_dtype)
    for v in ints:
        if not info.min <= v <= info.max:
            name = dtypes.from_numpy(np_dtype).name
            raise ValueError(f"Can't convert Python int {v} to {name}: it is out of range "
                             f"[{info.min}, {info.max}] (the value does not fit {name}).")


def _weak_scalar(value, np_dtype):
    """Python scalar kept weakly typed (NumPy 2, NEP 50) so `float32 * 0.1` stays float32."""
    kind = np_dtype.kind
    if kind in "fc":
        return value
    if kind in "iu" and not isinstance(value, float):
        return value
    return cast_array(value, np_dtype)


def _pack_if_nested_tensors(value):
    if isinstance(value, (list, tuple)) and any(_has_tensor(v) for v in value):
        return execute(get_op("Pack"), tuple(_pack_if_nested_tensors(v) for v in value),
                       {"axis": 0}, "stack")
    return value


def _has_tensor(v):
    if isinstance(v, TensorLike):
        return True
    return isinstance(v, (list, tuple)) and any(_has_tensor(x) for x in v)


def _group_dtype(op, dts, positions):
    """dtype that the python values at `positions` adopt (first tensor dtype of the group)."""
    unify = op.unify
    for i, d in enumerate(dts):
        if d is not None and (unify is ALL or i in unify):
            return d
    return None


def _coerce_pending(op, values, pending, dts, weak):
    """Converts the non-tensor inputs at `pending` (in place) following TF's typing rules."""
    unify = op.unify
    target = _group_dtype(op, dts, pending) if unify is not None else None
    for i in pending:
        v = _pack_if_nested_tensors(values[i])
        if isinstance(v, TensorLike):  # a list of tensors packed into one
            values[i] = v
            dts[i] = v.dtype._np
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


# --- dispatch --------------------------------------------------------------------------------

def execute(op, inputs, attrs=_NO_ATTRS, name=None):
    """Runs `op` on `inputs` eagerly, or adds it to the graph being built."""
    g = state.building
    if g is None:
        if state.eager_disabled:
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
            if op.fast is not None and not attrs:
                try:
                    out = op.fast(*arrays)
                except (ValueError, TypeError, IndexError, ArithmeticError) as e:
                    raise _kernel_error(op, arrays, e) from e
            else:
                out = run_kernel(op, arrays, attrs)
            if op.multi_output:
                outputs = [EagerTensor(o) for o in out]
                if state.tapes:
                    record_hook[0](op, inputs, outputs, attrs, None)
                return outputs
            result = EagerTensor(out)
            if state.tapes:
                record_hook[0](op, inputs, (result,), attrs, None)
            return result
        if state.tapes:
            return _execute_taped(op, inputs, attrs, name)
        arrays = _eager_arrays(op, inputs)
        if arrays is None:
            return _execute_graph(op, inputs, attrs, name, _graph_of(inputs))
        out = run_kernel(op, arrays, attrs)
        if op.multi_output:
            return [EagerTensor(o) for o in out]
        return EagerTensor(out)
    return _execute_graph(op, inputs, attrs, name, g)


def _kernel_error(op, arrays, e):
    shapes = ", ".join(str(tuple(np.shape(a))) for a in arrays)
    return InvalidArgumentError(f"{op.name}: {e} (input shapes: {shapes})")


def run_kernel(op, arrays, attrs):
    try:
        if op._special:
            from .variables import EAGER_STORE
            from . import random_seed
            extra = EAGER_STORE if op.uses_store else random_seed.eager_generator(attrs)
            return op.kernel(np, extra, *arrays, **attrs)
        if op.fast is not None and not attrs:
            return op.fast(*arrays)
        return op.kernel(np, *arrays, **attrs)
    except OpError:
        raise
    except (ValueError, TypeError, IndexError, ArithmeticError) as e:
        raise _kernel_error(op, arrays, e) from e


def _eager_arrays(op, inputs):
    """Input arrays for an eager run, or None if an input is symbolic."""
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
            if pending is None:
                pending = []
            pending.append(len(values))
            values.append(x)
            dts.append(None)
    if op.unify is not None:
        if pending:
            _coerce_pending(op, values, pending, dts, weak=True)
        if len(values) > 1:
            _check_same_dtype(op, dts)
    elif pending:
        _coerce_pending(op, values, pending, dts, weak=False)
    return values


def _execute_taped(op, inputs, attrs, name):
    ins = [x.read_value() if isinstance(x, TensorLike) and x.__class__ is not EagerTensor
           and x.__class__ is not SymbolicTensor and x._graph is None else x
           for x in inputs]  # eager variables are read so the tapes see the read
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


def _execute_graph(op, inputs, attrs, name, g):
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


# --- static shape inference fallback -----------------------------------------------------

_STAND_INS = (1009, 1013)  # two sizes standing in for unknown dimensions (see below)


def fallback_infer(op, tensors, attrs):
    """Infers output shapes by running the kernel on zero-stride stand-ins of the inputs.

    Unknown input dimensions are given a stand-in size; the kernel runs once per stand-in
    and an output dimension that differs between the runs depends on an unknown input
    dimension, so it is unknown (None)."""
    if any(t.shape.rank is None for t in tensors if t.op.op_def is not CONST):
        return [(TensorShape(None), tensors[0].dtype if tensors else dtypes.float32)]
    has_unknown = any(None in t.shape.dims for t in tensors if t.op.op_def is not CONST)
    runs = [_run_on_stand_ins(op, tensors, attrs, size)
            for size in (_STAND_INS if has_unknown else _STAND_INS[:1])]
    if any(r is None for r in runs):
        return [(TensorShape(None), tensors[0].dtype if tensors else dtypes.float32)]
    specs = []
    for outs in zip(*runs):
        shapes = [np.shape(o) for o in outs]
        if len({len(s) for s in shapes}) > 1:
            dims = None
        else:
            dims = [d if all(s[i] == d for s in shapes) else None
                    for i, d in enumerate(shapes[0])]
        specs.append((TensorShape(dims), dtypes.from_numpy(np.asarray(outs[0]).dtype)))
    return specs


def _run_on_stand_ins(op, tensors, attrs, size):
    arrays = []
    for t in tensors:
        if t.op.op_def is CONST:
            arrays.append(t.op.attrs["value"])
            continue
        shape = tuple(size if d is None else d for d in t.shape.dims)
        arrays.append(np.broadcast_to(np.zeros((), t.dtype._np), shape))
    try:
        if op._special:
            extra = None if op.uses_store else np.random.default_rng(0)
            out = op.kernel(np, extra, *arrays, **attrs)
        else:
            out = op.kernel(np, *arrays, **attrs)
    except OpError:
        raise
    except Exception as e:  # noqa: BLE001 - report shape errors in TensorFlow's style
        if any(None in t.shape.dims for t in tensors):
            return None  # may only fail because of the stand-in sizes
        shapes = ", ".join(str(t.shape) for t in tensors)
        raise InvalidArgumentError(f"{op.name}: {e} (input shapes: {shapes})") from e
    return out if op.multi_output else [out]


# --- the few ops dispatch itself needs ------------------------------------------------------

@op("Const", differentiable=False,
    infer=lambda ts, a: [(TensorShape(np.shape(a["value"])),
                          dtypes.from_numpy(np.asarray(a["value"]).dtype))])
def CONST(xp, value):
    return value
