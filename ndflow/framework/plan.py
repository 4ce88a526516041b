"""Compiled execution plans for graphs.

A plan turns (fetches, feeds, targets) into one generated Python function: the pruned
ops in creation order (always a topological order), each a call of its kernel bound
to its attributes, with every intermediate dropped after its last use. Session.run and
tf.function build a plan once per signature and call it afterwards.
"""
import functools
import itertools

from .errors import InvalidArgumentError, OpError
from .registry import CONST
from .shape_fns import fallback_infer
from .tensor_shape import TensorShape

_plan_ids = itertools.count()


def needed_ops(fetch_tensors, target_ops, fed_ids):
    """Operations needed to compute the fetches and run the targets, sorted by creation."""
    seen = set()
    order = []
    stack = [t.op for t in fetch_tensors if id(t) not in fed_ids] + list(target_ops)
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        order.append(op)
        for t in op.inputs:
            if id(t) not in fed_ids:
                stack.append(t.op)
        stack.extend(op.control_inputs)
    order.sort(key=lambda o: o._id)
    return order


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
        op_def = op.op_def
        if op_def.infer is not None:
            out = op_def.infer(specs, op.attrs)
        else:
            out = fallback_infer(op_def, specs, op.attrs)
        for o, (shape, _) in zip(op.outputs, out):
            shapes[id(o)] = shape
    return shapes


class Plan:
    def __init__(self, fetches, feeds, targets, store, feed_shapes=None):
        fed_ids = {id(t): i for i, t in enumerate(feeds)}
        self.ops = needed_ops(fetches, targets, fed_ids)
        self._shapes = refine_shapes(self.ops, feeds, feed_shapes) if feed_shapes else {}
        self.fetches = list(fetches)
        self.feeds = list(feeds)
        self.store = store
        self.has_side_effects = any(op.op_def.side_effect for op in self.ops)
        for op in self.ops:
            if op.op_def.name == "Placeholder":
                raise _missing_feed(op.outputs[0])
        self._fn, self._line_ops = self._generate(fed_ids, store.device.xp)

    def _generate(self, fed_ids, xp):
        namespace = {"__name__": __name__}  # kernels' warnings attributed to ndflow
        names = {t: f"f{i}" for t, i in fed_ids.items()}
        # where each tensor is used last, to free intermediates early
        last_use = {}
        for step, op in enumerate(self.ops):
            for t in op.inputs:
                last_use[id(t)] = step
        fetched = {id(t) for t in self.fetches}
        lines = []
        line_ops = {}
        counter = itertools.count()
        for step, op in enumerate(self.ops):
            op_def = op.op_def
            if op_def.kernel is None:  # NoOp: ordering only
                continue
            if op_def is CONST:
                value = op.attrs["value"]
            else:
                in_shapes = [self._shapes.get(id(t), t.shape) for t in op.inputs]
                kernel = _bind(op, self.store, xp, in_shapes)
                value = _fold(op, kernel, in_shapes, [names[id(t)] for t in op.inputs],
                              namespace, xp)
            if value is not None:  # a constant, or an op computed once here
                cname = f"c{next(counter)}"
                namespace[cname] = value
                names[id(op.outputs[0])] = cname
                continue
            kname = f"k{next(counter)}"
            namespace[kname] = kernel
            args = ", ".join(names[id(t)] for t in op.inputs)
            outs = [f"v{next(counter)}" for _ in op.outputs]
            names.update(zip(map(id, op.outputs), outs))
            call = f"{kname}({args})"
            if not outs:
                line = f"    {call}"
            elif op_def.multi_output:
                line = f"    {', '.join(outs)}, = {call}" if len(outs) == 1 else \
                    f"    {', '.join(outs)} = {call}"
            else:
                line = f"    {outs[0]} = {call}"
            lines.append(line)
            line_ops[len(lines) + 1] = op
            dead = [names[id(t)] for t in op.inputs
                    if last_use.get(id(t)) == step and id(t) not in fetched
                    and names[id(t)].startswith("v")]
            dead = sorted(set(dead))
            if dead:
                lines.append(f"    del {', '.join(dead)}")
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

    def __call__(self, *feeds):
        try:
            return self._fn(*feeds)
        except OpError:
            raise
        except (ValueError, TypeError, IndexError, ArithmeticError, KeyError) as e:
            raise self._explain(e) from e

    def _explain(self, error):
        tb = error.__traceback__
        op = None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self._filename:
                op = self._line_ops.get(tb.tb_lineno)
            tb = tb.tb_next
        if op is None:
            return InvalidArgumentError(str(error))
        shapes = [str(t.shape) for t in op.inputs]
        return InvalidArgumentError(
            f"{op.type} '{op.name}' failed: {error} (input shapes: {', '.join(shapes)})", op=op)


def _bind(op, store, xp, in_shapes):
    op_def = op.op_def
    attrs = op.attrs
    if op_def.binder is not None:
        return op_def.binder(xp, op, store, in_shapes)
    if op_def.fast is not None and not attrs:
        return op_def.fast
    lead = op_def.leading_args(xp, store, lambda: store.generator(op))
    return functools.partial(op_def.kernel, *lead, **attrs)


# inputs whose kernels read only the shape and dtype (a gradient seed, a mean's gradient)
_SHAPE_ONLY = {"OnesLike": 0, "ZerosLike": 0, "Shape": 0, "Size": 0, "Rank": 0, "SumGrad": 1,
               "MeanGrad": 1}


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
