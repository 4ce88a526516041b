"""tf.Assert, tf.debugging.assert_* and tf.debugging.check_numerics.

Eagerly an assertion checks at once and raises InvalidArgumentError; in a graph it is an
`Assert` op that raises when it runs (a tf.function runs it at every call; in a TF1
Session it runs when fetched or made a control dependency) and is returned so it can be
used in `tf.control_dependencies`. Conditions decidable from static values (constants,
static shapes and dtypes) raise while the graph is built, as in TensorFlow.
"""
import numpy as np

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.context import building_graph
from ..framework.errors import InvalidArgumentError
from ..framework.graph import graph_for_building
from ..framework.ordering import group, no_op
from ..framework.registry import execute, op
from ..framework.tensor import EagerTensor, SymbolicTensor, TensorLike
from ..util.export import export_many
from . import array_ops, math_ops

_DEFAULT_SUMMARIZE = 3


# --- the ops ----------------------------------------------------------------------------------

def _summary(xp, value, summarize):
    """The first `summarize` entries of `value` (all when negative), as TensorFlow prints."""
    v = value
    if hasattr(xp, "asnumpy"):  # CuPy: format a host copy
        v = xp.asnumpy(v)
    flat = v.reshape(-1)
    n = flat.size if summarize is None or summarize < 0 else min(summarize, flat.size)
    text = " ".join(format(x, "g") if isinstance(x, float) else str(x)
                    for x in flat[:n].tolist())
    if v.ndim == 0:
        return text
    return "[" + text + ("..." if n < flat.size else "") + "]"


@op("Assert", side_effect=True, differentiable=False, infer=lambda ts, a: [])
def ASSERT(xp, condition, *data, template, summarize):
    if condition.ndim != 0:
        raise InvalidArgumentError(f"Assert: condition must be a scalar boolean; got shape "
                                   f"{tuple(condition.shape)}.")
    if bool(condition):
        return None
    values = iter(data)
    parts = []
    for piece in template:  # strings and scalars in brackets; arrays bring their own
        v = next(values) if piece is None else None
        text = piece if piece is not None else _summary(xp, v, summarize)
        parts.append(text if piece is None and v.ndim else f"[{text}]")
    raise InvalidArgumentError("assertion failed: " + " ".join(parts))


@op("CheckNumerics", infer=lambda ts, a: [(ts[0].shape, ts[0].dtype)])
def CHECK_NUMERICS(xp, x, message):
    if xp.isnan(x).any():
        raise InvalidArgumentError(f"{message} : Tensor had NaN values")
    if xp.isinf(x).any():
        raise InvalidArgumentError(f"{message} : Tensor had Inf values")
    return x


@CHECK_NUMERICS.gradient
def _check_numerics_grad(o, g):
    return CHECK_NUMERICS(g, message="Not a number (NaN) or infinity (Inf) values detected in "
                          "gradient. " + o.attrs["message"])


def check_numerics(tensor, message, name=None):
    """Returns `tensor` unchanged; raises InvalidArgumentError when it holds NaN or Inf.

    Args:
      tensor: a floating-point tensor.
      message: the prefix of the error message.
      name: optional name of the op.
    """
    t = convert_to_tensor(tensor)
    if not (t.dtype.is_floating or t.dtype.is_complex):
        raise TypeError(f"check_numerics: tensor must be floating-point; got dtype "
                        f"{t.dtype.name}.")
    return execute(CHECK_NUMERICS, (t,), {"message": str(message)}, name)


def assert_all_finite(x, message, name=None):
    """tf.debugging.assert_all_finite: `check_numerics` of `x` with `message`."""
    return check_numerics(x, message, name)


def verify_tensor_all_finite(t=None, msg=None, name=None, x=None, message=None):
    """TF1 tf.verify_tensor_all_finite (also compat.v1.debugging.assert_all_finite)."""
    return check_numerics(t if t is not None else x, msg if msg is not None else message, name)


# --- Assert -----------------------------------------------------------------------------------

def _eager():
    return graph_for_building() is None


def _describe(t):
    """How an assertion message names a tensor."""
    if isinstance(t, SymbolicTensor):
        return t.name
    return f"shape={tuple(t.shape.as_list() or ())} dtype={t.dtype.name}"


def _graph_of(tensors):
    g = graph_for_building()
    if g is not None:
        return g
    for t in tensors:
        if isinstance(t, SymbolicTensor):
            return t.graph
    return None


def Assert(condition, data, summarize=None, name=None):  # noqa: N802 - TensorFlow's name
    """Asserts that `condition` is true; if it is not, prints `data` in the error.

    Eagerly it checks at once and raises InvalidArgumentError. In a graph it returns the
    `Assert` op, which raises when it runs (use it in `tf.control_dependencies`, or let
    tf.function run it).

    Args:
      condition: a scalar boolean tensor.
      data: the tensors (and strings) to print when the condition is false.
      summarize: how many entries of each tensor to print.
      name: optional name of the op.

    Returns:
      None eagerly, else the Assert operation.
    """
    summarize = _DEFAULT_SUMMARIZE if summarize is None else int(summarize)
    data = list(data) if isinstance(data, (list, tuple)) else [data]
    condition = convert_to_tensor(condition)
    if condition.dtype != dtypes.bool:
        raise TypeError(f"Assert: condition must be a boolean tensor; got dtype "
                        f"{condition.dtype.name}.")
    if condition.shape.rank not in (None, 0):
        raise ValueError(f"Assert: condition must be a scalar; got shape {condition.shape}.")
    template, tensors = [], []
    for d in data:
        if isinstance(d, (str, bytes)):
            template.append(d.decode() if isinstance(d, bytes) else d)
        else:
            template.append(None)
            tensors.append(convert_to_tensor(d))
    g = _graph_of([condition] + tensors)
    if g is None:
        if bool(condition._value):
            return None
        values = iter(tensors)
        parts = [_summary(np, next(values)._value, summarize) if p is None else p
                 for p in template]
        raise InvalidArgumentError("Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be "
                                   "true. Summarized data: " + "\n".join(parts))
    with building_graph(g):
        return execute(ASSERT, (condition, *tensors),
                       {"template": tuple(template), "summarize": summarize}, name or "Assert")


# --- comparisons ------------------------------------------------------------------------------

def _prefix(message):
    return f"{message}  " if message else ""


def _static_value(t):
    """The value of `t` when known without running anything (TensorFlow's constant_value,
    for the common producers), else None."""
    if isinstance(t, EagerTensor):
        return np.asarray(t._value)
    if not isinstance(t, SymbolicTensor):
        return None
    kind = t.op.type
    if kind == "Const":
        return np.asarray(t.op.attrs["value"])
    if kind == "Shape" and t.op.inputs[0].shape.is_fully_defined():
        return np.asarray(t.op.inputs[0].shape.as_list(), t.dtype.as_numpy_dtype)
    if kind in ("Identity", "StopGradient"):
        return _static_value(t.op.inputs[0])
    return None


def _first_differences(x, y, holds, summarize):
    """Lines of TensorFlow's eager message: where the condition failed and the values."""
    lines = []
    if x.shape == y.shape and x.ndim:
        bad = np.argwhere(~holds)[:summarize]
        lines += [f"Indices of first {len(bad)} different values:", str(bad),
                  "Corresponding x values:", str(x[tuple(bad.T)]),
                  "Corresponding y values:", str(y[tuple(bad.T)])]
    for label, v in (("x", x), ("y", y)):
        flat = v.reshape(-1)
        lines += [f"First {min(summarize, flat.size)} elements of {label}:",
                  str(flat[:summarize])]
    return lines


def _binary_assert(symbol, test, check, x, y, data, summarize, message, name, what):
    """Asserts `test(x, y)` (ndflow ops) element-wise; `check` is its NumPy twin for static
    values."""
    x = convert_to_tensor(x)
    y = y if isinstance(y, TensorLike) else convert_to_tensor(y, dtype_hint=x.dtype)
    y = convert_to_tensor(y)
    if x.dtype != y.dtype:
        raise InvalidArgumentError(f"{what}: x and y must have the same dtype; got "
                                   f"{x.dtype.name} and {y.dtype.name}.")
    summarize = _DEFAULT_SUMMARIZE if summarize is None else int(summarize)
    g = _graph_of([x, y])
    if g is None:
        xv, yv = np.asarray(x._value), np.asarray(y._value)
        try:
            holds = np.broadcast_to(check(xv, yv), np.broadcast_shapes(xv.shape, yv.shape))
        except ValueError:
            raise InvalidArgumentError(f"{what}: Incompatible shapes: {list(xv.shape)} vs. "
                                       f"{list(yv.shape)}") from None
        if holds.all():
            return None
        head = [message] if message else []
        if data is not None:
            lines = [str(d) if isinstance(d, str) else _summary(np, np.asarray(
                d._value if isinstance(d, EagerTensor) else d), summarize) for d in data]
        else:
            lines = [f"Condition x {symbol} y did not hold."] + \
                _first_differences(xv, yv, holds, summarize)
        raise InvalidArgumentError("\n".join(head + lines))
    with building_graph(g):
        if data is None:
            data = [message or "", f"Condition x {symbol} y did not hold element-wise:",
                    f"x ({_describe(x)}) = ", x, f"y ({_describe(y)}) = ", y]
        xs, ys = _static_value(x), _static_value(y)
        if xs is not None and ys is not None and not np.all(check(xs, ys)):
            raise InvalidArgumentError(
                f"{_prefix(message)}Condition x {symbol} y did not hold element-wise:\n"
                f"x ({_describe(x)}) = \n{_summary(np, xs, summarize)}\n"
                f"y ({_describe(y)}) = \n{_summary(np, ys, summarize)}")
        return Assert(math_ops.reduce_all(test(x, y)), data, summarize, name=name or what)


_COMPARISONS = {
    "assert_equal": ("==", math_ops.equal, np.equal),
    "assert_none_equal": ("!=", math_ops.not_equal, np.not_equal),
    "assert_less": ("<", math_ops.less, np.less),
    "assert_less_equal": ("<=", math_ops.less_equal, np.less_equal),
    "assert_greater": (">", math_ops.greater, np.greater),
    "assert_greater_equal": (">=", math_ops.greater_equal, np.greater_equal),
}

_SIGNS = {  # name: (comparison of x with zero, its symbol)
    "assert_positive": ("assert_greater", ">"),
    "assert_negative": ("assert_less", "<"),
    "assert_non_negative": ("assert_greater_equal", ">="),
    "assert_non_positive": ("assert_less_equal", "<="),
}


def _comparison(what):
    symbol, test, check = _COMPARISONS[what]

    def v2(x, y, message=None, summarize=None, name=None):
        return _binary_assert(symbol, test, check, x, y, None, summarize, message, name, what)

    def v1(x, y, data=None, summarize=None, message=None, name=None):
        return _binary_assert(symbol, test, check, x, y, data, summarize, message, name, what)
    doc = (f"Asserts the condition `x {symbol} y` holds element-wise (with broadcasting).\n\n"
           "    Eagerly it raises InvalidArgumentError at once when it does not hold; in a graph\n"
           "    it returns an Assert op that raises when run (static values are checked while\n"
           "    building).\n\n    Returns:\n      None eagerly, else the Assert operation.\n    ")
    for f in (v2, v1):
        f.__name__, f.__qualname__, f.__doc__ = what, what, doc
    return v2, v1


def _sign(what):
    base, symbol = _SIGNS[what]
    b_symbol, test, check = _COMPARISONS[base]

    def run(x, data, summarize, message, name):
        x = convert_to_tensor(x)
        zero = array_ops.zeros([], x.dtype)
        if data is None and not _eager():
            data = [message or "", f"Condition x {symbol} 0 did not hold element-wise:",
                    f"x ({_describe(x)}) = ", x]
        elif data is None:
            data = [f"Condition x {symbol} 0 did not hold element-wise:",
                    f"x ({_describe(x)}) = ", x]
            data = ([message] if message else []) + data
        return _binary_assert(b_symbol, test, check, x, zero, data, summarize, message, name,
                              what)

    def v2(x, message=None, summarize=None, name=None):
        return run(x, None, summarize, message, name)

    def v1(x, data=None, summarize=None, message=None, name=None):
        return run(x, data, summarize, message, name)
    doc = (f"Asserts `x {symbol} 0` holds element-wise.\n\n    Returns:\n      None eagerly, "
           "else the Assert operation.\n    ")
    for f in (v2, v1):
        f.__name__, f.__qualname__, f.__doc__ = what, what, doc
    return v2, v1


def _default_tolerance(dtype):
    return 10 * np.finfo(dtype.as_numpy_dtype).eps


def _assert_near(x, y, rtol, atol, data, summarize, message, name):
    x = convert_to_tensor(x)
    y = convert_to_tensor(y, dtype_hint=x.dtype)
    if not (x.dtype.is_floating or x.dtype.is_complex):
        raise TypeError(f"assert_near: x must be floating-point; got dtype {x.dtype.name}.")
    rtol = _default_tolerance(x.dtype) if rtol is None else rtol
    atol = _default_tolerance(x.dtype) if atol is None else atol
    text = f"x and y not equal to tolerance rtol = {rtol}, atol = {atol}"

    def test(a, b):
        return math_ops.less_equal(math_ops.abs(a - b), atol + rtol * math_ops.abs(b))

    def check(a, b):
        return np.abs(a - b) <= atol + rtol * np.abs(b)
    if data is None:
        data = ([message] if message else []) + [text, f"x ({_describe(x)}) = ", x,
                                                 f"y ({_describe(y)}) = ", y]
    return _binary_assert("~=", test, check, x, y, data, summarize, message, name,
                          "assert_near")


def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None):
    """Asserts `|x - y| <= atol + rtol * |y|` element-wise.

    `rtol` and `atol` default to 10 times the machine epsilon of x's dtype.

    Returns:
      None eagerly, else the Assert operation.
    """
    return _assert_near(x, y, rtol, atol, None, summarize, message, name)


def assert_near_v1(x, y, rtol=None, atol=None, data=None, summarize=None, message=None,
                   name=None):
    """TF1 tf.assert_near (data before summarize and message)."""
    return _assert_near(x, y, rtol, atol, data, summarize, message, name)


# --- ranks, shapes and dtypes -----------------------------------------------------------------

def _done():
    """What a check that holds statically returns: None eagerly, else a no-op to depend on."""
    return None if _eager() else no_op()


def _tensor_name(t):
    return t.name if isinstance(t, SymbolicTensor) else ""


def _rank_assert(x, ok, expected, message, name, what):
    """`ok(rank)` decides statically when the rank is known; else an Assert on tf.rank."""
    x = convert_to_tensor(x)
    rank = x.shape.rank
    if rank is not None:
        if not ok(rank):
            raise ValueError(f"{_prefix(message)}Tensor {_tensor_name(x)} must have rank "
                             f"{expected}.  Received rank {rank}, shape {x.shape}")
        return _done()
    r = array_ops.rank(x)
    allowed = [int(v) for v in np.atleast_1d(expected)]
    hold = math_ops.reduce_any(math_ops.equal(r, allowed)) \
        if what != "assert_rank_at_least" else math_ops.greater_equal(r, allowed[0])
    return Assert(hold, [message or "", f"Tensor {_tensor_name(x)} must have rank "
                                        f"{expected}. Received rank: ", r], name=name or what)


def assert_rank(x, rank, message=None, name=None):
    """Asserts that `x` has rank `rank` (ValueError when the static rank differs).

    Returns:
      None eagerly; in a graph a no-op when checked statically, else the Assert operation.
    """
    rank = int(rank)
    return _rank_assert(x, lambda r: r == rank, rank, message, name, "assert_rank")


def assert_rank_at_least(x, rank, message=None, name=None):
    """Asserts that `x` has rank `rank` or more."""
    rank = int(rank)
    return _rank_assert(x, lambda r: r >= rank, rank, message, name, "assert_rank_at_least")


def assert_rank_in(x, ranks, message=None, name=None):
    """Asserts that the rank of `x` is one of `ranks`."""
    ranks = tuple(int(r) for r in ranks)
    return _rank_assert(x, lambda r: r in ranks, ranks, message, name, "assert_rank_in")


def _rank_v1(fn):
    def v1(x, rank, data=None, summarize=None, message=None, name=None):
        return fn(x, rank, message, name)
    v1.__name__ = v1.__qualname__ = fn.__name__
    v1.__doc__ = fn.__doc__
    return v1


def assert_type(tensor, tf_type, message=None, name=None):
    """Raises TypeError when `tensor` is not of dtype `tf_type` (a static check).

    Returns:
      None eagerly, else a no-op.
    """
    dtype = dtypes.as_dtype(tf_type)
    t = tensor if isinstance(tensor, TensorLike) else convert_to_tensor(tensor)
    if t.dtype != dtype:
        label = _tensor_name(t) or "tensor"
        raise TypeError(f"{_prefix(message)}{label} must be of type tf.{dtype.name}; got "
                        f"tf.{t.dtype.name}")
    return _done()


def assert_integer(x, message=None, name=None):
    """Raises TypeError when `x` does not have an integer dtype (a static check)."""
    t = x if isinstance(x, TensorLike) else convert_to_tensor(x)
    if not t.dtype.is_integer:
        label = _tensor_name(t) or "x"
        raise TypeError(f'{_prefix(message)}Expected "{label}" to be integer type.  Found: '
                        f"tensor of dtype {t.dtype!r}")
    return _done()


def assert_scalar(tensor, message=None, name=None):
    """Raises ValueError unless `tensor` is statically a scalar; returns the tensor."""
    t = convert_to_tensor(tensor)
    if t.shape.rank != 0:
        where = "" if isinstance(t, EagerTensor) else f" for {t.name}"
        raise ValueError(f"{_prefix(message)}Expected scalar shape{where}, saw shape: "
                         f"{t.shape}.")
    return t


def assert_scalar_v1(tensor, name=None, message=None):
    """TF1 tf.assert_scalar (name before message)."""
    return assert_scalar(tensor, message, name)


def _shape_entries(shapes):
    items = list(shapes.items()) if isinstance(shapes, dict) else list(shapes)
    out = []
    for entry in items:
        if not isinstance(entry, (list, tuple)) or len(entry) != 2:
            raise ValueError(f"assert_shapes: each entry must be a (tensor, shape) pair; got "
                             f"{entry!r}.")
        t, spec = entry
        spec = [spec] if isinstance(spec, (int, str)) and spec not in ("...", "*") else \
            list(spec)
        out.append((convert_to_tensor(t), spec))
    return out


def _label(t):
    return t.name if isinstance(t, SymbolicTensor) else \
        f"shape={tuple(t.shape.as_list() or ())} dtype={t.dtype.name}"


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """Asserts the shapes of several tensors, with named dimensions that must agree.

    Each entry pairs a tensor with its shape: ints, strings (a symbol: every dimension of
    that name must have the same size), None (any size), and a leading `...` or `'*'` for
    any number of outer dimensions. Mismatches of static shapes raise ValueError at once;
    dimensions known only at run time are checked by Assert ops.

    Args:
      shapes: a list of (tensor, shape) pairs, or a dict from tensor to shape.
      data, summarize: what to print when a run-time check fails.
      message: a prefix of the error message.
      name: optional name of the ops.

    Returns:
      None eagerly (or when everything was checked statically), else an op grouping the
      run-time checks.
    """
    prefix = _prefix(message)
    bound = {}   # symbol -> (static size or None, size tensor, tensor and dim it came from)
    pending = []
    for t, spec in _shape_entries(shapes):
        leading = bool(spec) and spec[0] in (Ellipsis, "...", "*")
        dims = spec[1:] if leading else spec
        rank = t.shape.rank
        if rank is not None and (rank < len(dims) if leading else rank != len(dims)):
            raise ValueError(f"{prefix}Tensor {_label(t)} must have rank "
                             f"{'at least ' if leading else ''}{len(dims)}.  Received rank "
                             f"{rank}, shape {t.shape}")
        offset = rank - len(dims) if leading and rank is not None else 0
        for i, d in enumerate(dims):
            if d is None:
                continue
            static = t.shape.dims[offset + i] if rank is not None else None
            if isinstance(d, str):
                if d not in bound:
                    bound[d] = (static, None, t, i)
                    continue
                expected, source = bound[d][0], bound[d]
            else:
                expected, source = int(d), None
            if static is not None and expected is not None:
                if static != expected:
                    origin = f"Specified by tensor {_label(source[2])} dimension {source[3]}." \
                        if source is not None else "Specified explicitly."
                    raise ValueError(f"{prefix}{origin}  Tensor {_label(t)} dimension "
                                     f"{offset + i} must have size {expected}.  Received size "
                                     f"{static}, shape {t.shape}")
                continue
            pending.append((t, i, leading, len(dims), expected, source))
    if not pending:
        return _done()
    checks = []
    for t, i, leading, n, expected, source in pending:
        size = _dim(t, i, leading, n)
        want = expected if expected is not None else _dim(source[2], source[3], False, 0)
        checks.append(Assert(math_ops.equal(size, want), data or [
            prefix + f"Tensor {_label(t)} dimension {i} must have size", want,
            "Received size", size], summarize, name=name or "assert_shapes"))
    checks = [c for c in checks if c is not None]
    return group(*checks) if checks else None


def _dim(t, i, from_end, n):
    """The size of dimension i of `t` (counted within the last n dimensions when from_end)."""
    shape = array_ops.shape(t)
    if from_end:
        return shape[array_ops.rank(t) - n + i]
    return shape[i]


def is_numeric_tensor(tensor):
    """Whether `tensor` is a tensor of a numeric dtype."""
    return isinstance(tensor, TensorLike) and (tensor.dtype.is_floating or tensor.dtype.is_integer
                                               or tensor.dtype.is_complex)


# --- exports ----------------------------------------------------------------------------------

_V2, _V1 = {}, {}
for _what in _COMPARISONS:
    _V2[_what], _V1[_what] = _comparison(_what)
for _what in _SIGNS:
    _V2[_what], _V1[_what] = _sign(_what)
_V2.update({"assert_near": assert_near, "assert_rank": assert_rank,
            "assert_rank_at_least": assert_rank_at_least, "assert_rank_in": assert_rank_in,
            "assert_type": assert_type, "assert_integer": assert_integer,
            "assert_scalar": assert_scalar, "assert_shapes": assert_shapes,
            "assert_all_finite": assert_all_finite, "check_numerics": check_numerics,
            "Assert": Assert, "is_numeric_tensor": is_numeric_tensor})
_V1.update({"assert_near": assert_near_v1, "assert_rank": _rank_v1(assert_rank),
            "assert_rank_at_least": _rank_v1(assert_rank_at_least),
            "assert_rank_in": _rank_v1(assert_rank_in), "assert_type": assert_type,
            "assert_integer": assert_integer, "assert_scalar": assert_scalar_v1,
            "check_numerics": check_numerics, "Assert": Assert,
            "is_numeric_tensor": is_numeric_tensor,
            "verify_tensor_all_finite": verify_tensor_all_finite})

export_many("debugging", _V2)
export_many("v1.debugging", dict(_V1, assert_shapes=assert_shapes,
                                 assert_all_finite=verify_tensor_all_finite))
export_many("", {k: _V2[k] for k in ("Assert", "assert_equal", "assert_greater", "assert_less",
                                     "assert_rank")})
export_many("v1", _V1)
