"""tf.py_function, tf.numpy_function and compat.v1.py_func: Python code as graph ops.

The op's kernel calls the Python function when the op runs: eagerly at once, in a
tf.function at each call, in a TF1 graph at each Session.run. `py_function` hands the
function eager tensors and is differentiable: its run keeps a tape of what the function
did (a hidden last output of the op, freed with the run's other values), and the
gradient op asks that tape for the gradients of the inputs. `numpy_function` (TF1
`py_func`) hands it NumPy arrays and has no gradient.

Ops with results are stateful (they are not merged or folded) and run when their results
are needed; ops without results run for their effect at each call of a tf.function.
"""
from ..framework import dtypes
from ..framework.autodiff import GradientTape, UnconnectedGradients
from ..framework.constant_op import convert_to_tensor
from ..framework.context import eager_here, state
from ..framework.errors import InvalidArgumentError
from ..framework.graph import graph_for_building
from ..framework.registry import execute, op
from ..framework.tensor import EagerTensor, TensorLike, TensorSpec
from ..framework.tensor_shape import TensorShape
from ..util import nest
from ..util.export import export_many
from . import array_ops

_TAPE = (TensorShape(None), dtypes.variant)


def _floating(dtype):
    return dtype.is_floating or dtype.is_complex


def _function_name(func):
    return getattr(func, "__name__", type(func).__name__)


# --- py_function: the function sees eager tensors ----------------------------------------------

class _Recorded:
    """What one run of a py_function kept for its gradient: the tape, inputs and outputs."""
    __slots__ = ("tape", "inputs", "outputs")

    def __init__(self, tape, inputs, outputs):
        self.tape, self.inputs, self.outputs = tape, inputs, outputs


def _eager_results(func, ret, Tout):
    """The function's return value as eager tensors of the dtypes `Tout`."""
    name = _function_name(func)
    values = [] if ret is None else list(ret) if isinstance(ret, (list, tuple)) else [ret]
    if len(values) != len(Tout):
        raise InvalidArgumentError(f"py_function: {name} returned {len(values)} values, but "
                                   f"Tout expects {len(Tout)} ({[d.name for d in Tout]}).")
    out = []
    for i, (v, d) in enumerate(zip(values, Tout)):
        try:
            out.append(convert_to_tensor(v, dtype=d))
        except (TypeError, ValueError) as e:
            raise InvalidArgumentError(f"py_function: value {i} returned by {name} cannot be "
                                       f"converted to {d.name}: {e}") from None
    return out


def _run_eagerly(func, arrays, Tout, record):
    """Calls `func` on eager tensors of `arrays`; with `record`, under a tape of its own."""
    with eager_here():  # this thread only: another may be tracing
        args = [EagerTensor(a) for a in arrays]
        if not record:
            return [t._value for t in _eager_results(func, func(*args), Tout)], None
        tape = GradientTape(persistent=True)
        with tape:
            for a in args:
                if _floating(a.dtype):
                    tape.watch(a)
            outs = _eager_results(func, func(*args), Tout)
    return [t._value for t in outs], _Recorded(tape, args, outs)


def _py_function_infer(ts, attrs):
    return [(TensorShape(None), d) for d in attrs["Tout"]] + [_TAPE]


@op("EagerPyFunc", multi_output=True, stateful=True, infer=_py_function_infer)
def EAGER_PY_FUNC(xp, *arrays, func, Tout, record):
    values, recorded = _run_eagerly(func, arrays, Tout, record)
    return values + [recorded]


@op("EagerPyFuncGrad", multi_output=True, differentiable=False,
    infer=lambda ts, a: list(a["input_specs"]))
def EAGER_PY_FUNC_GRAD(xp, recorded, *upstream, input_specs):
    if recorded is None:
        raise InvalidArgumentError("py_function: its gradient was asked for, but the run "
                                   "that computed it kept no tape.")
    with eager_here():  # this thread only: another may be tracing
        pairs = [(o, EagerTensor(g)) for o, g in zip(recorded.outputs, upstream)
                 if _floating(o.dtype)]
        if pairs:
            grads = recorded.tape.gradient([p[0] for p in pairs], recorded.inputs,
                                           output_gradients=[p[1] for p in pairs],
                                           unconnected_gradients=UnconnectedGradients.ZERO)
        else:
            grads = [None] * len(recorded.inputs)
    return [xp.zeros_like(x._value) if g is None else g._value
            for g, x in zip(grads, recorded.inputs)]


@EAGER_PY_FUNC.gradient
def _py_function_grad(o, *grads):
    results = o.outputs[:-1]
    upstream = [g if g is not None else array_ops.zeros_like(y)
                for g, y in zip(grads[:-1], results)]
    specs = tuple((x.shape, x.dtype) for x in o.inputs)
    outs = execute(EAGER_PY_FUNC_GRAD, (o.outputs[-1], *upstream), {"input_specs": specs})
    return [g if _floating(x.dtype) else None for g, x in zip(outs, o.inputs)]


# --- numpy_function: the function sees NumPy arrays --------------------------------------------

def _to_host(xp, a):
    # a copy, so a function that writes into its argument cannot change the op's input;
    # CuPy arrays come to the host
    return xp.asnumpy(a) if hasattr(xp, "asnumpy") else a.copy()


def _numpy_results(xp, func, ret, Tout):
    """The function's return value as arrays, each exactly of its dtype in `Tout` (as in
    TensorFlow: a float64 result for a float32 output is an error, not a cast)."""
    name = _function_name(func)
    values = [] if ret is None else list(ret) if isinstance(ret, (list, tuple)) else [ret]
    if len(values) != len(Tout):
        raise InvalidArgumentError(f"numpy_function: {name} returned {len(values)} values, but "
                                   f"Tout expects {len(Tout)} ({[d.name for d in Tout]}).")
    out = []
    for i, (v, d) in enumerate(zip(values, Tout)):
        arr = xp.asarray(v)
        if arr.dtype != d.as_numpy_dtype:
            raise InvalidArgumentError(
                f"numpy_function: {i}-th value returned by {name} is {arr.dtype}, but expects "
                f"{d.name}; return arrays of the dtypes given in Tout (e.g. "
                f"np.asarray(value, np.{d.name})).")
        out.append(arr)
    return out


def _numpy_kernel(xp, *arrays, func, Tout):
    ret = func(*[_to_host(xp, a) for a in arrays])
    return _numpy_results(xp, func, ret, Tout)


def _numpy_infer(ts, attrs):
    return [(TensorShape(None), d) for d in attrs["Tout"]]


PY_FUNC = op("PyFunc", multi_output=True, stateful=True, differentiable=False,
             infer=_numpy_infer)(_numpy_kernel)
PY_FUNC_STATELESS = op("PyFuncStateless", multi_output=True, differentiable=False,
                       infer=_numpy_infer)(_numpy_kernel)


@op("PyFuncEffect", side_effect=True, differentiable=False, infer=lambda ts, a: [])
def PY_FUNC_EFFECT(xp, *arrays, func, eager):
    """A py_function/numpy_function without results: it runs for its effect, at every call
    of a tf.function as TensorFlow runs stateful ops."""
    if eager:
        _run_eagerly(func, arrays, (), False)
    else:
        _numpy_results(xp, func, func(*[_to_host(xp, a) for a in arrays]), ())


# --- the public functions ---------------------------------------------------------------------

def _as_dtypes(Tout, what):
    if Tout is None:
        raise TypeError(f"{what}: missing required argument 'Tout' (the dtype or list of "
                        f"dtypes the function returns); as a decorator write "
                        f"@{what}(Tout=...).")
    single = not isinstance(Tout, (list, tuple))
    flat = [Tout] if single else list(Tout)
    out = []
    for d in flat:
        if isinstance(d, TensorSpec):
            d = d.dtype
        try:
            out.append(dtypes.as_dtype(d))
        except (TypeError, ValueError, KeyError):
            raise TypeError(f"{what}: Tout must hold dtypes; got {d!r}.") from None
    return tuple(out), single


def _inputs(inp, what):
    if inp is None:
        raise TypeError(f"{what}: missing argument 'inp' (the list of arguments of the "
                        "function), needed unless it is used as a decorator.")
    return [convert_to_tensor(x) for x in (inp if isinstance(inp, (list, tuple)) else [inp])]


def _decorator(script_op, what, Tout, **options):
    if Tout is None:
        _as_dtypes(Tout, what)

    def decorate(fn):
        def wrapper(*args):
            return script_op(fn, list(args), Tout, **options)
        wrapper.__name__ = getattr(fn, "__name__", what)
        wrapper.__doc__ = getattr(fn, "__doc__", None)
        return wrapper
    return decorate


def _packed(outs, single):
    if single:
        return outs[0]
    return list(outs)


def py_function(func=None, inp=None, Tout=None, name=None):
    """Wraps a Python function into an op that runs it eagerly, also inside graphs.

    `func` receives eager tensors, may use any ndflow op and Python, and runs each time the
    op runs (at every tf.function call or Session.run). Gradients flow through it.

    Args:
      func: a Python function of `len(inp)` tensors; None to use `py_function` as a
        decorator (then give `Tout` by name).
      inp: the list of arguments (tensors or values convertible to tensors).
      Tout: the dtype (or list of dtypes) of what `func` returns; an empty list when it
        returns nothing.
      name: optional name of the op.

    Returns:
      A tensor for a single `Tout` dtype, else a list of tensors (empty for `Tout=[]`).
    """
    if func is None:
        if inp is not None:
            raise TypeError("py_function: don't set `inp` when using py_function as a "
                            "decorator (func=None).")
        return _decorator(py_function, "py_function", Tout, name=name)
    if not callable(func):
        raise TypeError(f"py_function: func must be callable, got {func!r}.")
    Tout, single = _as_dtypes(Tout, "py_function")
    inputs = _inputs(inp, "py_function")
    if not Tout:
        execute(PY_FUNC_EFFECT, tuple(inputs), {"func": func, "eager": True}, name)
        return []
    record = graph_for_building() is not None or bool(state.tapes)
    outs = execute(EAGER_PY_FUNC, tuple(inputs), {"func": func, "Tout": Tout, "record": record},
                   name or "EagerPyFunc")
    return _packed(outs[:-1], single)


def numpy_function(func=None, inp=None, Tout=None, stateful=True, name=None):
    """Wraps a Python function of NumPy arrays into an op (no gradient).

    `func` receives NumPy arrays and returns arrays (or values) of exactly the dtypes in
    `Tout`. Eagerly it is called at once and its results are converted as they are.

    Args:
      func: a Python function of NumPy arrays; None to use it as a decorator.
      inp: the list of arguments.
      Tout: the dtype or list of dtypes `func` returns.
      stateful: whether the function has side effects (a stateless one may be merged).
      name: optional name of the op.

    Returns:
      A tensor for a single `Tout` dtype, else a list of tensors.
    """
    if func is None:
        if inp is not None:
            raise TypeError("numpy_function: don't set `inp` when using numpy_function as a "
                            "decorator (func=None).")
        return _decorator(numpy_function, "numpy_function", Tout, stateful=stateful, name=name)
    return _numpy_op(func, inp, Tout, stateful, name, "numpy_function")


def py_func(func, inp, Tout, stateful=True, name=None):
    """TF1 tf.py_func: wraps a Python function of NumPy arrays into an op (no gradient).

    Same as `tf.numpy_function`: `func` receives NumPy arrays and returns arrays of exactly
    the dtypes in `Tout`.
    """
    return _numpy_op(func, inp, Tout, stateful, name, "py_func")


def _numpy_op(func, inp, Tout, stateful, name, what):
    if not callable(func):
        raise TypeError(f"{what}: func must be callable, got {func!r}.")
    Tout, single = _as_dtypes(Tout, what)
    inputs = _inputs(inp, what)
    if graph_for_building() is None and not any(
            isinstance(x, TensorLike) and not isinstance(x, EagerTensor) for x in inputs):
        # Eagerly TensorFlow calls the function at once and converts what it returns.
        ret = func(*[x._value.copy() for x in inputs])
        result = [v if v is None else convert_to_tensor(v) for v in nest.flatten(ret)]
        return result[0] if len(result) == 1 else result
    if not Tout:
        execute(PY_FUNC_EFFECT, tuple(inputs), {"func": func, "eager": False}, name)
        return []
    kind = PY_FUNC if stateful else PY_FUNC_STATELESS
    outs = execute(kind, tuple(inputs), {"func": func, "Tout": Tout}, name or kind.name)
    return _packed(outs, single)


export_many("", {"py_function": py_function, "numpy_function": numpy_function})
export_many("v1", {"py_func": py_func})
