"""Runtime operators called by converted code (`ag__.*`).

Each dispatches at run time: a condition that is a symbolic tensor (inside tf.function)
builds an If/While op through `ndflow.cond` / `ndflow.while_loop`; any other value
(Python values, eager tensors) runs ordinary Python control flow."""
import builtins
import sys

import numpy as np

from ..framework.tensor import SymbolicTensor, TensorLike
from ..util import nest
from .transformer import ConversionError


class Undefined:
    """Value of a variable not yet assigned (before an if/loop that assigns it)."""
    __slots__ = ("symbol_name", "is_return")

    def __init__(self, symbol_name, is_return=False):
        self.symbol_name = symbol_name
        self.is_return = is_return

    def _fail(self, *a, **k):
        raise UnboundLocalError(f"local variable '{self.symbol_name}' referenced before "
                                "assignment (it is not defined on every path that reaches "
                                "this use)")

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        self._fail()

    def __repr__(self):
        return f"<ndflow.autograph.Undefined '{self.symbol_name}'>"


for _m in ("add", "radd", "sub", "rsub", "mul", "rmul", "truediv", "rtruediv", "floordiv",
           "rfloordiv", "mod", "matmul", "rmatmul", "pow", "neg", "lt", "le", "gt", "ge",
           "bool", "len", "iter", "getitem", "call", "float", "int", "index"):
    setattr(Undefined, f"__{_m}__", Undefined._fail)


def ld(fn, name):
    try:
        return fn()
    except NameError:
        return Undefined(name)


def retval(value):
    return None if isinstance(value, Undefined) else value


def _building_graph():
    from ..framework.context import building_here
    return building_here() is not None


def _symbolic(x):
    return isinstance(x, SymbolicTensor)


def _tf():
    import ndflow
    return ndflow


# --- expressions -----------------------------------------------------------------------------

def not_(x):
    if _symbolic(x):
        tf = _tf()
        if x.dtype.name != "bool":
            x = tf.cast(x, tf.bool)
        return tf.logical_not(x)
    return not x


def _as_bool(x):
    tf = _tf()
    x = tf.convert_to_tensor(x)
    return x if x.dtype.name == "bool" else tf.cast(x, tf.bool)


def and_(*fns):
    v = fns[0]()
    for f in fns[1:]:
        if _symbolic(v):
            v = _tf().logical_and(_as_bool(v), _as_bool(f()))
        elif not v:
            return v
        else:
            v = f()
    return v


def or_(*fns):
    v = fns[0]()
    for f in fns[1:]:
        if _symbolic(v):
            v = _tf().logical_or(_as_bool(v), _as_bool(f()))
        elif v:
            return v
        else:
            v = f()
    return v


def print_(*args, sep=" ", end="\n", file=None, flush=False):
    if any(_symbolic(a) for a in args):
        return _tf().print(*args, sep=sep, end=end,
                           output_stream=file if file is not None else sys.stdout)
    return builtins.print(*args, sep=sep, end=end, file=file, flush=flush)


def range_(*args):
    if any(_symbolic(a) for a in args):
        return _tf().range(*args)
    return builtins.range(*args)


# --- if --------------------------------------------------------------------------------------

def _to_tensorish(v):
    if isinstance(v, (bool, int, float, np.generic, np.ndarray)):
        return _tf().convert_to_tensor(v)
    return v


def if_stmt(pred, body, orelse, get_state, set_state, names, live, loc="?"):
    if not _symbolic(pred):
        if pred:
            body()
        else:
            orelse()
        return
    _tf_if(pred, body, orelse, get_state, set_state, names, live, loc)


def _run_branch(fn, init, get_state, set_state):
    set_state(init)
    fn()
    return get_state()


def _tf_if(pred, body, orelse, get_state, set_state, names, live, loc):
    tf = _tf()
    init = tuple(get_state())
    undefined = [i for i, v in enumerate(init) if isinstance(v, Undefined)]
    keep = [i for i in range(len(names)) if i not in undefined or names[i] in live]
    fill = {}
    if any(i in undefined for i in keep):
        # Probe both branches (traced into a throwaway graph) for which of the variables
        # undefined before the `if` each branch defines.
        from ..ops import control_flow_ops as control_flow
        from ..framework.context import state
        defined = []
        for fn in (body, orelse):
            out = {}

            def probe(fn=fn, out=out):
                values = _run_branch(fn, init, get_state, set_state)
                for i in keep:
                    if i in undefined and not isinstance(values[i], Undefined):
                        out[i] = _spec_of(values[i]) if names[i] == "retval_" else True
                return tf.constant(0)
            control_flow.trace("autograph_probe", probe, [], state.building)
            set_state(init)
            defined.append(out)
        for i in list(keep):
            if i not in undefined:
                continue
            a, b = i in defined[0], i in defined[1]
            if not a and not b:
                keep.remove(i)
            elif a != b:
                if names[i] == "retval_":
                    fill[i] = defined[0 if a else 1][i]
                    continue
                missing = "else" if a else "if"
                raise ValueError(f"{loc}: '{names[i]}' must also be initialized in the "
                                 f"{missing} branch (it is assigned in the "
                                 f"{'if' if a else 'else'} branch of an `if` on a tensor and "
                                 f"used afterwards); assign it before the `if` or in both "
                                 f"branches.")

    def branch(fn):
        def run():
            values = _run_branch(fn, init, get_state, set_state)
            out = []
            for i in keep:
                v = values[i]
                if isinstance(v, Undefined):
                    if i in fill:
                        zeros = fill[i]
                        v = _zeros(zeros)
                    else:
                        raise ValueError(f"{loc}: '{names[i]}' is not defined in every branch "
                                         "of an `if` on a tensor.")
                out.append(_to_tensorish(v))
            return tuple(out)
        return run

    outs = tf.cond(pred, branch(body), branch(orelse))
    final = list(init)
    for i, v in zip(keep, outs):
        final[i] = v
    set_state(tuple(final))


# --- while / for -----------------------------------------------------------------------------

def _spec_of(value):
    def spec(t):
        t = _to_tensorish(t)
        return _Spec(t.dtype, [d if d is not None else 0 for d in t.shape.as_list()]
                     if t.shape.rank is not None else [])
    return nest.map_structure(spec, value)


def _zeros(specs):
    tf = _tf()
    return nest.map_structure(lambda s: tf.zeros(s.shape, s.dtype), specs)


class _Spec:
    def __init__(self, dtype, shape):
        self.dtype, self.shape = dtype, shape


class _Retry(Exception):
    def __init__(self, index, value):
        self.index, self.value = index, value


def while_stmt(test, body, get_state, set_state, names, live, loc="?", try_loc=None):
    cond = test()
    while not _symbolic(cond):
        if not cond:
            return
        body()
        cond = test()
    # The condition is a tensor (from the start, or it became one): a tf.while_loop over the
    # variables the body modifies, from their current values.
    _tf_while(test, body, get_state, set_state, names, live, loc, try_loc)


def _tf_while(test, body, get_state, set_state, names, live, loc, try_loc):
    tf = _tf()
    if try_loc is not None:
        raise ConversionError(f"{try_loc}: a `try` statement inside a loop on a tensor "
                              f"condition ({loc}) cannot be converted to a tf.while_loop; move "
                              "the try/except outside the loop, or make the loop a Python loop.")
    init = list(get_state())
    while True:
        keep = []
        for i, (n, v) in enumerate(zip(names, init)):
            if isinstance(v, Undefined):
                if n in live and not v.is_return:
                    raise ValueError(f"{loc}: '{n}' must be defined before the loop (a loop on a "
                                     "tensor needs every variable it modifies and that is used "
                                     "after it to have a value before the loop).")
                continue
            keep.append(i)
        try:
            _build_while(tf, test, body, get_state, set_state, names, init, keep, loc)
            return
        except _Retry as r:
            init[r.index] = _zeros(_spec_of(r.value))


def _build_while(tf, test, body, get_state, set_state, names, init, keep, loc):
    def put(values):
        state = list(init)
        for i, v in zip(keep, values):
            state[i] = v
        set_state(tuple(state))

    def cond_fn(*values):
        put(values)
        c = test()
        return _as_bool(c) if not _symbolic(c) or c.dtype.name != "bool" else c

    def body_fn(*values):
        put(values)
        body()
        out = get_state()
        for i, v in enumerate(out):
            if i not in keep and isinstance(init[i], Undefined) and init[i].is_return and \
                    not isinstance(v, Undefined):
                raise _Retry(i, v)
        return tuple(_to_tensorish(out[i]) for i in keep)

    loop_vars = tuple(_to_tensorish(init[i]) for i in keep)
    if not loop_vars:
        raise ValueError(f"{loc}: a loop on a tensor condition must modify at least one "
                         "variable.")
    outs = tf.while_loop(cond_fn, body_fn, loop_vars)
    put(outs)


def for_stmt(iter_, extra_test, body, get_state, set_state, names, live, loc="?",
             try_loc=None):
    hook = getattr(iter_, "_autograph_for", None)
    if hook is not None and _building_graph():  # a tf.data Dataset or iterator: a while_loop
        return hook(extra_test, body, get_state, set_state, names, live, loc, try_loc)
    if _symbolic(iter_):
        return _tf_for(iter_, extra_test, body, get_state, set_state, names, live, loc,
                       try_loc)
    if isinstance(iter_, TensorLike) and hasattr(iter_, "numpy"):
        iter_ = [iter_[i] for i in builtins.range(int(iter_.shape[0]))]
    it = iter(iter_)
    while True:
        if extra_test is not None:
            ok = extra_test()
            if _symbolic(ok):
                raise ConversionError(
                    f"{loc}: this Python `for` loop is left by a `break` or `return` that "
                    "depends on a tensor (an `if` on a tensor inside it breaks or returns); a "
                    "Python loop cannot stop on a tensor value. Iterate over a tensor (e.g. "
                    "`for i in tf.range(n)`) so that the loop becomes a tf.while_loop, or make "
                    "the condition a Python value.")
            if not ok:
                return
        try:
            item = next(it)
        except StopIteration:
            return
        body(item)


def _tf_for(iter_, extra_test, body, get_state, set_state, names, live, loc, try_loc):
    tf = _tf()
    n = iter_.shape[0] if iter_.shape.rank else None
    if n is None:
        n = tf.shape(iter_)[0]
    index = [tf.constant(0)]

    def get():
        return tuple(get_state()) + (index[0],)

    def set_(values):
        set_state(tuple(values[:-1]))
        index[0] = values[-1]

    def test():
        c = tf.less(index[0], n)
        if extra_test is not None:
            c = tf.logical_and(c, _as_bool(extra_test()))
        return c

    def loop_body():
        i = index[0]
        body(tf.gather(iter_, i))
        index[0] = i + 1

    _tf_while(test, loop_body, get, set_, tuple(names) + ("for_index__",),
              tuple(live), loc, try_loc)


def converted(fn):
    """`fn` as converted code calls it (see conversion.convert_called)."""
    from .conversion import convert_called
    return convert_called(fn)
