"""Compiled execution plans for graphs.

A plan turns (fetches, feeds, targets) into one generated Python function: the pruned
ops in creation order (always a topological order), each a call of its kernel bound
to its attributes, with every intermediate dropped after its last use. Session.run and
tf.function build a plan once per signature and call it afterwards.
"""
import collections
import functools
import itertools
import traceback

from .errors import InvalidArgumentError, OpError
from .registry import CONST
from .shape_fns import fallback_infer
from .tensor_shape import TensorShape

_plan_ids = itertools.count()


def needed_ops(fetch_tensors, target_ops, fed_ids):
    """Operations needed to compute the fetches and run the targets, sorted by creation."""
    seen = set()
    stack = [t.op for t in fetch_tensors if id(t) not in fed_ids] + list(target_ops)
    while stack:
        op = stack.pop()
        if op not in seen:
            seen.add(op)
            stack.extend(t.op for t in op.inputs if id(t) not in fed_ids)
            stack.extend(op.control_inputs)
    return sorted(seen, key=lambda o: o._id)


class _Spec:
    """A tensor seen with a refined shape (what shape inference functions need)."""
    __slots__ = ("shape", "dtype", "op")

    def __init__(self, shape, dtype, op):
        self.shape, self.dtype, self.op = shape, dtype, op


def refine_shapes(ops, feeds, feed_shapes):
    """Static shapes of every tensor given the concrete shapes of the feeds, so a plan can
    be specialised (reduction axes, products) for the shapes it will run on."""
    shapes = {}
    for t, s in zip(feeds, feed_shapes):
        if not t.shape.is_fully_defined():
            shapes[id(t)] = TensorShape(s)
    if not shapes:
        return shapes
    for op in ops:
        if not any(id(t) in shapes for t in op.inputs) or not op.outputs:
            continue
        specs = [_Spec(shapes.get(id(t), t.shape), t.dtype, t.op) for t in op.inputs]
        infer = op.op_def.infer or functools.partial(fallback_infer, op.op_def)
        out = infer(specs, op.attrs)
        for o, (shape, _) in zip(op.outputs, out):
            shapes[id(o)] = shape
    return shapes


class Plan:
    def __init__(self, fetches, feeds, targets, store, feed_shapes=None):
        fed_ids = {id(t): i for i, t in enumerate(feeds)}
        self.ops = needed_ops(fetches, targets, fed_ids)
        self._shapes = refine_shapes(self.ops, feeds, feed_shapes) if feed_shapes else {}
        self.fetches, self.feeds, self.store = list(fetches), list(feeds), store
        self.has_side_effects = any(op.op_def.side_effect for op in self.ops)
        for op in self.ops:
            if op.op_def.name == "Placeholder":
                raise _missing_feed(op.outputs[0])
        self._fn, self._line_ops = self._generate(fed_ids, store.device.xp)

    def _generate(self, fed_ids, xp):
        namespace = {"__name__": __name__}  # kernels' warnings attributed to ndflow
        names = {t: f"f{i}" for t, i in fed_ids.items()}
        # where each tensor is used last (to free intermediates early) and how often
        last_use, uses = {}, collections.Counter(  # (reading only the shape is no use here)
            id(t) for op in self.ops for i, t in enumerate(op.inputs)
            if i != _SHAPE_ONLY.get(op.op_def.name))
        for step, op in enumerate(self.ops):
            last_use.update((id(t), step) for t in op.inputs)
        fetched = {id(t) for t in self.fetches}
        # root: a passed-on value (see forward) -> the tensor whose value it is; fresh: values
        # that are new arrays no other value shares (see _reusable)
        root, fresh, lines, line_ops, counter = {}, set(), [], {}, itertools.count()
        for step, op in enumerate(self.ops):
            op_def = op.op_def
            if op_def.kernel is None:  # NoOp: ordering only
                continue
            in_shapes = [self._shapes.get(id(t), t.shape) for t in op.inputs]
            args = [names[id(t)] for t in op.inputs]
            if op_def is CONST:
                value = op.attrs["value"]
            else:
                kernel = _bind(op, self.store, xp, in_shapes)
                value = _fold(op, kernel, in_shapes, args, namespace, xp)
            if value is not None:  # a constant, or an op computed once here
                names[id(op.outputs[0])] = cname = f"c{next(counter)}"
                namespace[cname] = value
                continue
            if kernel is forward:  # the value is the first input's: passed on, no call
                out = id(op.outputs[0])
                root[out] = t = root.get(id(op.inputs[0]), id(op.inputs[0]))
                names[out] = args[0]  # (freed after its own and the input's last use)
                last_use[t] = max(last_use.get(t, -1), last_use.get(out, -1))
                fetched.update((t,) if out in fetched else ())
                fresh.update((out,) if t in fresh and uses[t] == 1 and t not in fetched else ())
            else:
                if getattr(kernel, "nout", 0) == 1 and getattr(kernel, "nin", 0) == len(args):
                    args += self._reusable(op, kernel, in_shapes, args, fresh, uses, fetched)
                elif op_def.name in ("MatMul", "Sum"):  # (their binders' results are new)
                    fresh.update(map(id, op.outputs))
                namespace[kname := f"k{next(counter)}"] = kernel
                outs = [f"v{next(counter)}" for _ in op.outputs]
                names.update(zip(map(id, op.outputs), outs))
                call = f"{kname}({', '.join(args)})"
                if (inline := getattr(kernel, "inline", None)) is not None:  # no call: the
                    namespace.update((kname + k, v) for k, v in inline[1].items())  # line
                    call = inline[0].format(kname, *args)  # does the kernel's work itself
                lhs = ", ".join(outs) + ("," if op_def.multi_output and len(outs) == 1 else "")
                lines.append(f"    {lhs + ' = ' if outs else ''}{call}")
                line_ops[len(lines) + 1] = op
            dead = sorted({names[id(t)] for t in op.inputs if names[id(t)][0] == "v" and (
                r := root.get(id(t), id(t))) not in fetched and last_use.get(r) == step})
            lines += [f"    del {', '.join(dead)}"] if dead else []
        params = ", ".join(f"f{i}" for i in range(len(self.feeds)))
        # a constant (or a value folded from constants) goes out as a copy: callers may write
        rets = "".join(n + (".copy(), " if n[0] == "c" else ", ")
                       for n in (names[id(t)] for t in self.fetches))
        src = f"def plan({params}):\n" + "\n".join(lines) + f"\n    return ({rets})\n"
        filename = f"<ndflow-plan-{next(_plan_ids)}>"
        exec(compile(src, filename, "exec"), namespace)  # our own generated code
        self.source = src
        self._filename = filename
        return namespace["plan"], line_ops

    def _reusable(self, op, kernel, in_shapes, args, fresh, uses, fetched):
        """For a kernel that takes an out buffer after its inputs, as a ufunc does: [the input]
        whose buffer it can write into (a new array of the output's shape and dtype that
        nothing else reads or shares), or []. Notes the output as a new array."""
        out = op.outputs[0]
        shape = self._shapes.get(id(out), out.shape)
        if op.op_def.stateful or not shape.rank:  # (a 0-d result can be a NumPy scalar)
            return []
        fresh.add(id(out))
        # (NumPy 2.4 deprecates a positional out for maximum and minimum only)
        keyword = "out=" if getattr(kernel, "__name__", "") in _KEYWORD_OUT else ""
        return [keyword + a for t, a, s in zip(op.inputs, args, in_shapes) if id(t) in fresh
                and uses[id(t)] == 1 and id(t) not in fetched and s == shape and
                shape.is_fully_defined() and t.dtype == out.dtype][:1]

    def __call__(self, *feeds):
        try:
            return self._fn(*feeds)
        except OpError:
            raise
        except (ValueError, TypeError, IndexError, ArithmeticError, KeyError) as e:
            raise self._explain(e) from e

    def _explain(self, error):
        lines = [n for f, n in traceback.walk_tb(error.__traceback__)
                 if f.f_code.co_filename == self._filename]  # the plan's line that failed
        op = self._line_ops.get(lines[-1]) if lines else None
        if op is None:
            return InvalidArgumentError(str(error))
        shapes = [str(t.shape) for t in op.inputs]
        return InvalidArgumentError(
            f"{op.type} '{op.name}' failed: {error} (input shapes: {', '.join(shapes)})", op=op)


def forward(x, *_):
    """A binder's kernel for an op that passes its first input on unchanged at the shapes
    bound (a plan then uses that value and makes no call)."""
    return x


def _bind(op, store, xp, in_shapes):
    op_def = op.op_def
    attrs = op.attrs
    if op_def.binder is not None:
        return op_def.binder(xp, op, store, in_shapes)
    if op_def.fast is not None and not attrs:
        return op_def.fast
    lead = op_def.leading_args(xp, store, lambda: store.generator(op))
    return functools.partial(op_def.kernel, *lead, **attrs)


_KEYWORD_OUT = ("maximum", "minimum")


# inputs whose kernels read only the shape and dtype (a gradient seed, a mean's gradient)
_SHAPE_ONLY = {"OnesLike": 0, "ZerosLike": 0, "Shape": 0, "Size": 0, "Rank": 0, "SumGrad": 1,
               "MeanGrad": 1, "SumToLike": 1}


def _fold(op, kernel, shapes, names, namespace, xp):
    """The value of a pure op whose inputs are all constants (or, for a shape-only input, of a
    known shape), computed once when the plan is built; None when the op runs at each call."""
    op_def = op.op_def
    # (not for a TensorArray's list, a variant: list ops rebuild it)
    if op_def.stateful or not op_def.plain or op_def.multi_output or not names \
            or len(op.outputs) != 1 or op.outputs[0].dtype._np is None:
        return None
    shape_only = _SHAPE_ONLY.get(op_def.name)
    args = []
    for i, (t, name, shape) in enumerate(zip(op.inputs, names, shapes)):
        if name.startswith("c"):
            args.append(namespace[name])
        elif i == shape_only and shape.is_fully_defined() and t.dtype._np is not None:
            args.append(xp.empty(shape.as_list(), t.dtype._np))
        else:
            return None
    try:
        value = kernel(*args)
        return value if hasattr(value, "copy") else None  # (fetched, it goes out as a copy)
    except Exception:  # noqa: BLE001 - the op then runs (and reports its error) at each call
        return None


def _missing_feed(t):
    shape = t.shape
    dims = "<unknown>" if shape.rank is None else \
        "[" + ",".join("?" if d is None else str(d) for d in shape.dims) + "]"
    return InvalidArgumentError(
        f"You must feed a value for placeholder tensor '{t.op.name}' with dtype "
        f"{t.dtype.name} and shape {dims}", op=t.op)
