"""tf.cond, tf.case, tf.switch_case and tf.while_loop (the loops built on them, map_fn,
scan, foldl, foldr and vectorized_map, are in map_fn_ops.py).

Eagerly they run Python; while a graph is being built (tf.function, TF1) they add the
If/Case/While ops of `ops.control_flow_ops`, so only the taken branch runs and a loop
runs its compiled body as often as its condition says.
"""
import numpy as np

from ..framework import dtypes
from . import control_flow_ops as control_flow
from ..framework.context import building_graph, state
from ..framework.graph import graph_for_building
from ..framework.registry import REGISTRY, _execute_graph, graph_inputs
from ..framework.tensor import SymbolicTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from ..util import nest
from ..util.export import export_many
from . import array_ops, math_ops


def _in_graph():
    return graph_for_building() is not None


def _eager_bool(pred, what):
    if isinstance(pred, SymbolicTensor):
        raise TypeError(f"{what}: the predicate {pred.name} is a graph tensor but no graph is "
                        "being built; call it inside tf.function or a TF1 graph.")
    return bool(pred)


def _graph(fn):
    """Runs `fn(graph)` with that graph as the one being built."""
    g = graph_for_building()
    with building_graph(g):
        return fn(g)


# --- cond, case, switch_case -----------------------------------------------------------------

def cond(pred, true_fn=None, false_fn=None, name=None, strict=False, fn1=None, fn2=None):
    """Returns `true_fn()` if `pred` is true else `false_fn()`.

    Inside a graph this adds one `If` op whose branches are traced once; only the branch
    that `pred` selects runs. Eagerly (or for a Python bool) it calls one branch.

    Args:
      pred: a boolean scalar tensor (or Python bool).
      true_fn, false_fn: callables of no arguments returning the same structure of tensors.
      name: optional name of the op.
    """
    true_fn = true_fn if true_fn is not None else fn1
    false_fn = false_fn if false_fn is not None else fn2
    if not callable(true_fn):
        raise TypeError(f"cond: true_fn must be callable, got {true_fn!r}.")
    if not callable(false_fn):
        raise TypeError(f"cond: false_fn must be callable, got {false_fn!r}.")
    if isinstance(pred, (bool, np.bool_)) or not _in_graph() and not isinstance(
            pred, SymbolicTensor):
        return true_fn() if _eager_bool(pred, "cond") else false_fn()
    if isinstance(pred, TensorLike) and pred.dtype.name != "bool":
        raise TypeError(f"cond: pred must be a boolean tensor, got dtype {pred.dtype.name}.")
    return _graph(lambda g: build_case(pred, [true_fn, false_fn], name or "cond",
                                                    is_if=True))


def switch_case(branch_index, branch_fns, default=None, name="switch_case"):
    """Runs `branch_fns[branch_index]()`; an out-of-range index runs `default`.

    Args:
      branch_index: A scalar `int32` tensor.
      branch_fns: A list of callables, a list of `(int, callable)` pairs or a dict from int to
        callable, whose keys must be 0..n-1.
      default: The callable for an out-of-range index (default: the last branch).
      name: A name for the operation (default "switch_case").

    Returns:
      What the chosen branch returns.

    Example:

    >>> int(ndflow.switch_case(ndflow.constant(1), [lambda: ndflow.constant(10),
    ...                                             lambda: ndflow.constant(20)]))
    20
    """
    fns = _canonical_branches(branch_fns)
    if default is not None:
        fns = fns + [default]
    if not _in_graph() and not isinstance(branch_index, SymbolicTensor):
        i = int(branch_index)
        return fns[i]() if 0 <= i < len(fns) else fns[-1]()
    return _graph(lambda g: build_case(
        array_ops.cast(branch_index, "int32"), fns, name or "switch_case", is_if=False))


def _canonical_branches(branch_fns):
    if isinstance(branch_fns, dict):
        items = sorted(branch_fns.items())
    elif branch_fns and isinstance(branch_fns[0], (list, tuple)):
        items = sorted(branch_fns)
    else:
        return list(branch_fns)
    keys = [k for k, _ in items]
    if keys != list(range(len(keys))):
        raise ValueError(f"switch_case: branch_fns keys must be 0..{len(keys) - 1}, got {keys}.")
    return [f for _, f in items]


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """Runs the callable of the first pair whose predicate is true, else `default`.

    Args:
      pred_fn_pairs: A list of `(predicate, callable)` pairs (or a dict); predicates are scalar
        `bool` tensors.
      default: The callable used when no predicate holds (default: the last pair's callable,
        whose predicate is then not tested).
      exclusive: If true, more than one true predicate is an error (checked eagerly).
      strict: Accepted for compatibility.
      name: A name for the operation (default "case").

    Returns:
      What the chosen callable returns.

    Raises:
      ValueError: If `pred_fn_pairs` is empty and there is no `default`.
      InvalidArgumentError: Eagerly with `exclusive=True`, when several predicates are true.
    """
    if isinstance(pred_fn_pairs, dict):
        pred_fn_pairs = list(pred_fn_pairs.items())
    pairs = list(pred_fn_pairs)
    if not pairs:
        if default is None:
            raise ValueError("case: pred_fn_pairs is empty and no default is given.")
        return default()
    if default is None:
        default = pairs[-1][1]
        pairs = pairs[:-1]
        if not pairs:
            return default()
    if not _in_graph() and not any(isinstance(p, SymbolicTensor) for p, _ in pairs):
        taken = [f for p, f in pairs if _eager_bool(p, "case")]
        if exclusive and len(taken) > 1:
            from ..framework.errors import InvalidArgumentError
            raise InvalidArgumentError(f"case: more than one condition evaluated as True "
                                       f"({len(taken)}) with exclusive=True.")
        return taken[0]() if taken else default()

    def chain(rest):
        if not rest:
            return default()
        (p, f), tail = rest[0], rest[1:]
        return cond(p, f, lambda: chain(tail), name=name)
    return chain(pairs)


# --- while_loop ----------------------------------------------------------------------------------

def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, maximum_iterations=None, name=None):
    """Repeats `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` is true.

    Inside a graph this adds one `While` op: `cond` and `body` are traced once and their
    compiled plans re-run per iteration. Eagerly it is a Python loop. `loop_vars` may be nested
    (tuples, lists, dicts, TensorArrays); `body` returns the same structure. A loop variable may
    change shape across iterations only where `shape_invariants` leaves its dimensions unknown.
    Gradients flow through the loop (the backward pass is another loop over saved values).

    Args:
      cond: A callable returning a scalar `bool` tensor from the loop variables.
      body: A callable returning the new loop variables (same structure and dtypes).
      loop_vars: The initial loop variables: a tensor or a (nested) list/tuple/dict of them.
      shape_invariants: Optional shapes (same structure) with None where a dimension may vary.
      parallel_iterations: Accepted for compatibility.
      back_prop: Accepted for compatibility.
      swap_memory: Accepted for compatibility.
      maximum_iterations: Optional int: stop after this many iterations even if `cond` holds.
      name: A name for the operation (optional).

    Returns:
      The loop variables after the last iteration, in the structure of `loop_vars`.

    Example:

    >>> i, total = ndflow.while_loop(lambda i, t: i < 4, lambda i, t: (i + 1, t + i),
    ...                              (ndflow.constant(0), ndflow.constant(0)))
    >>> int(total)
    6
    """
    return _while_loop(cond, body, loop_vars, shape_invariants, maximum_iterations, name,
                       same_structure=True)


def while_loop_v1(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
                  back_prop=True, swap_memory=False, name=None, maximum_iterations=None,
                  return_same_structure=False):
    """TF1 tf.while_loop: a one-element list of loop variables comes back unwrapped."""
    return _while_loop(cond, body, loop_vars, shape_invariants, maximum_iterations, name,
                       same_structure=return_same_structure)


def _call(fn, values, packed):
    return fn(*values) if packed else fn(values)


def _while_loop(cond, body, loop_vars, shape_invariants, maximum_iterations, name,
                same_structure):
    if not callable(cond) or not callable(body):
        raise TypeError("while_loop: cond and body must be callable.")
    packed = isinstance(loop_vars, (list, tuple)) and not hasattr(loop_vars, "_fields")
    if not _in_graph():
        values = loop_vars
        i = 0
        while (maximum_iterations is None or i < int(maximum_iterations)) and \
                _eager_bool(_call(cond, values, packed), "while_loop"):
            out = _call(body, values, packed)
            values = _like_loop_vars(out, loop_vars, packed)
            i += 1
        return _result(values, loop_vars, packed, same_structure)
    template = _to_flow(loop_vars)
    flat = nest.flatten(template)
    if shape_invariants is None:
        invariants = [None] * len(flat)
    else:
        invariants = nest.flatten(shape_invariants)
        if len(invariants) != len(flat):
            raise ValueError(f"while_loop: shape_invariants has {len(invariants)} entries for "
                             f"{len(flat)} loop variables.")

    body_shapes = []  # TensorArray element shapes the body's writes inferred (TF: handle data)

    def unflat(values, element_shapes=None):
        return _from_flow(nest.pack_sequence_as(template, list(values)), loop_vars,
                          element_shapes)

    def flat_cond(counter, *values):
        ok = _call(cond, unflat(values), packed)
        if maximum_iterations is not None:
            ok = math_ops.logical_and(math_ops.less(counter, maximum_iterations), ok)
        return ok

    def flat_body(counter, *values):
        out = _like_loop_vars(_call(body, unflat(values), packed), loop_vars, packed)
        from .tensor_array_ops import TensorArray
        body_shapes[:] = [x.element_shape if isinstance(x, TensorArray) else None
                          for x in nest.flatten(out)]
        out_flat = nest.flatten(_to_flow(out))
        if len(out_flat) != len(flat):
            raise ValueError(f"while_loop: body returned {out!r}, which does not have the "
                             f"structure of loop_vars {loop_vars!r}.")
        return [math_ops.add(counter, 1)] + out_flat

    def build(g):
        counter = array_ops.constant(0, "int32")
        outs = build_while(flat_cond, flat_body, [counter] + flat,
                                        [None] + invariants, name or "while")
        return unflat(outs[1:], body_shapes or None)
    return _result(_graph(build), loop_vars, packed, same_structure)


def _like_loop_vars(out, loop_vars, packed):
    if packed and not isinstance(out, (list, tuple)) and len(loop_vars) == 1:
        return [out]
    if packed and isinstance(out, (list, tuple)) and type(out) is not type(loop_vars) \
            and not hasattr(loop_vars, "_fields"):
        return type(loop_vars)(out)
    return out


def _result(values, loop_vars, packed, same_structure):
    if not same_structure and packed and len(values) == 1:
        return values[0]
    return values


def _to_flow(structure):
    """TensorArrays stand in the loop as their flow tensors."""
    from .tensor_array_ops import TensorArray
    return nest.map_structure(lambda x: x.flow if isinstance(x, TensorArray) else x, structure)


def _from_flow(structure, template, element_shapes=None):
    from .tensor_array_ops import TensorArray
    flat_t = nest.flatten(template)
    if not any(isinstance(t, TensorArray) for t in flat_t):
        return structure
    flat_s = nest.flatten(structure)
    shapes = element_shapes or [None] * len(flat_t)
    out = [t._with_flow(s, e) if isinstance(t, TensorArray) else s
           for t, s, e in zip(flat_t, flat_s, shapes)]
    return nest.pack_sequence_as(template, out)


# --- building the ops (ops.control_flow_ops holds them) -----------------------------------

def build_case(index_or_pred, branch_fns, name, is_if):
    """Builds an If (is_if: `index_or_pred` is a boolean) or Case op in the graph being built;
    returns its outputs in the branches' structure."""
    from ..util import nest
    outer = state.building
    traced = [control_flow.trace(f"{name}_branch{i}", fn, [], outer)
              for i, fn in enumerate(branch_fns)]
    structures = [t[2] for t in traced]
    flat = [nest.flatten(s) for s in structures]
    for i, f in enumerate(flat[1:], 1):
        if len(f) != len(flat[0]):
            raise ValueError(f"{name}: true_fn and false_fn must return the same structure; got "
                             f"{structures[0]!r} and {structures[i]!r}." if is_if else
                             f"{name}: every branch must return the same structure; branch 0 "
                             f"returned {structures[0]!r} and branch {i} {structures[i]!r}.")
    if any(o is None or control_flow._is_op(o) for f in flat for o in f):
        # Branches that only run ops: their values are not returned (TF1 style).
        flat = [[o for o in f if not (o is None or control_flow._is_op(o))] for f in flat]
        structures = None
    subs, inputs, variables = control_flow.seal([(g, a, f) for (g, a, _), f in zip(traced, flat)], outer)
    stateful = any(s.stateful for s in subs)
    kind = ("If" if is_if else "Case") if stateful else ("StatelessIf" if is_if
                                                          else "StatelessCase")
    specs = control_flow.merge_specs(flat, name)
    attrs = {"branches": subs, "output_specs": specs, "variables": variables,
             "n_args": len(inputs)}
    with building_graph(outer):
        first = graph_inputs(REGISTRY["Identity"], [index_or_pred], outer)[0]
        outs = _execute_graph(REGISTRY[kind], [first] + inputs, attrs, name, outer)
    if structures is None:
        return outs[0].op if not outs else outs
    return nest.pack_sequence_as(structures[0], outs)


def build_while(cond, body, loop_vars, shape_invariants, name):
    """Builds a While op over the flat tensors `loop_vars` in the graph being built.

    `cond(*vars)` and `body(*vars)` take and give flat lists; a counter is the first
    loop variable (maximum_iterations is folded into `cond` by the caller)."""
    outer = state.building
    inits = [control_flow.as_graph_tensor(v, outer) for v in loop_vars]
    shapes = [t.shape if s is None else TensorShape(s) if not isinstance(s, TensorShape) else s
              for t, s in zip(inits, shape_invariants)]
    specs = [(t.dtype, s) for t, s in zip(inits, shapes)]
    cg, c_args, c_out = control_flow.trace(name + "_cond", lambda *a: cond(*a), specs, outer)
    if not isinstance(c_out, SymbolicTensor) or c_out.dtype != dtypes.bool or \
            c_out.shape.rank not in (0, None):
        raise TypeError(f"{name}: cond must return a boolean scalar, got {c_out!r}.")
    bg, b_args, b_out = control_flow.trace(name + "_body", lambda *a: body(*a), specs, outer,
                              convert_outputs=False)
    if len(b_out) != len(inits):
        raise ValueError(f"{name}: body returned {len(b_out)} loop variables, expected "
                         f"{len(inits)}.")
    b_flat = []
    for i, (o, t, s) in enumerate(zip(b_out, inits, shapes)):
        o = control_flow.as_graph_tensor(o, bg, dtype=t.dtype if not hasattr(o, "dtype") else None)
        if o.dtype != t.dtype:
            raise TypeError(f"{name}: loop variable {i} enters the loop with dtype "
                            f"{t.dtype.name} but has dtype {o.dtype.name} after one iteration.")
        if not s.is_compatible_with(o.shape) or (s.rank is not None and o.shape.rank is None):
            raise ValueError(
                f"{name}: input tensor {i} enters the loop with shape {s}, but has shape "
                f"{o.shape} after one iteration. To allow the shape to vary across "
                "iterations, use the `shape_invariants` argument of tf.while_loop to specify a "
                "less-specific shape.")
        b_flat.append(o)
    subs, captured, variables = control_flow.seal([(cg, c_args, [c_out]), (bg, b_args, b_flat)], outer)
    stateful = any(s.stateful for s in subs)
    attrs = {"cond": subs[0], "body": subs[1], "n": len(inits), "keep_history": False,
             "variables": variables,
             "output_specs": [(s, t.dtype) for s, t in zip(shapes, inits)]}
    outs = _execute_graph(REGISTRY["While" if stateful else "StatelessWhile"],
                          inits + captured, attrs, name, outer)
    return outs[:len(inits)]


export_many("", {"cond": cond, "case": case, "switch_case": switch_case,
                 "while_loop": while_loop})
export_many("v1", {"cond": cond, "while_loop": while_loop_v1})
