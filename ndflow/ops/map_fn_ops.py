"""tf.map_fn, tf.scan, tf.foldl, tf.foldr and tf.vectorized_map.

Eagerly they loop in Python over the unstacked elements and stack the results (the tape
records each step). While a graph is being built each is one while_loop that reads the
elements from TensorArrays and writes its results to TensorArrays, so `fn` is traced
once whatever the number of elements, and gradients flow through the loop.
"""
from ..framework import dtypes
from . import control_flow_ops as control_flow
from ..framework.constant_op import convert_to_tensor
from ..framework.context import building_graph
from ..framework.errors import InvalidArgumentError
from ..framework.graph import graph_for_building
from ..framework.tensor import SymbolicTensor, TensorLike, TensorSpec
from ..framework.tensor_shape import TensorShape
from ..util import nest
from ..util.export import export_many
from . import array_ops, functional_ops, join_ops
from .tensor_array_ops import TensorArray


# --- elements ---------------------------------------------------------------------------------

def _flat_elems(elems, what):
    """The leaves of `elems` as tensors with at least one dimension, and their length (an
    int when known statically, else a scalar int32 tensor)."""
    flat = nest.flatten(elems)
    if not flat:
        raise ValueError(f"{what}: elems must be a Tensor or (possibly nested) sequence of "
                         f"Tensors. Got {elems!r}, which does not contain any Tensors.")
    tensors = [convert_to_tensor(e) for e in flat]
    for t in tensors:
        if t.shape.rank == 0:
            raise ValueError(f"{what}: elements in elems must be 1+ dimensional Tensors, not "
                             f"scalars; got {t!r}.")
    first = TensorShape([None])
    for t in tensors:
        lead = TensorShape(t.shape.dims[:1]) if t.shape.rank is not None else TensorShape([None])
        if not first.is_compatible_with(lead):
            raise ValueError(f"{what}: all elems must have the same first dimension; got "
                             f"{[tuple(x.shape.as_list() or ()) for x in tensors]}.")
        first = first.merge_with(lead)
    n = first.dims[0]
    if n is None:
        n = array_ops.shape(tensors[0])[0]
    return tensors, n


def _graph_for(tensors):
    """The graph to build the loop in: the one being built, else that of a symbolic input
    (a TF1 placeholder used outside `as_default`); None means run eagerly."""
    g = graph_for_building()
    if g is not None:
        return g
    for t in tensors:
        if isinstance(t, SymbolicTensor):
            return t.graph
    return None


def _as_spec(signature):
    if isinstance(signature, TensorSpec):
        return signature
    try:
        return TensorSpec(None, dtypes.as_dtype(signature))
    except (TypeError, ValueError, KeyError):
        raise TypeError(f"map_fn: fn_output_signature entries must be tf.DType or "
                        f"tf.TensorSpec; got {signature!r}.") from None


def _same_structure(a, b):
    if nest.is_nested(a) != nest.is_nested(b):
        return False
    if not nest.is_nested(a):
        return True
    if isinstance(a, dict) != isinstance(b, dict) or len(a) != len(b):
        return False
    if isinstance(a, dict) and sorted(a) != sorted(b):
        return False
    return all(_same_structure(x, y) for x, y in zip(nest._children(a), nest._children(b)))


def _conform(value, specs, structure, what):
    """fn's result as a flat list of tensors matching `specs` (TensorSpecs laid out as
    `structure`): Python values take the spec's dtype; a tensor of another dtype is an
    error, as when TensorFlow writes it to the result TensorArray."""
    if not _same_structure(structure, value):
        raise ValueError(f"{what}: fn returned {value!r}, which does not have the structure "
                         f"{structure!r} expected of it. Pass fn_output_signature when fn's "
                         "output structure differs from that of elems.")
    out = []
    for i, (v, spec) in enumerate(zip(nest.flatten(value), specs)):
        t = convert_to_tensor(v) if isinstance(v, TensorLike) else \
            convert_to_tensor(v, dtype=spec.dtype)
        if t.dtype != spec.dtype:
            raise InvalidArgumentError(
                f"{what}: TensorArray dtype is {spec.dtype.name} but fn returned output {i} "
                f"of dtype {t.dtype.name}; set fn_output_signature to the dtypes fn returns.")
        if not spec.shape.is_compatible_with(t.shape):
            raise ValueError(f"{what}: fn returned output {i} of shape {t.shape}, which is not "
                             f"compatible with the expected shape {spec.shape}.")
        out.append(t)
    return out


def _stacked(rows, specs):
    """Stacks the k-th entry of every row; an empty result gets its spec's shape."""
    out = []
    for k, spec in enumerate(specs):
        if rows:
            out.append(join_ops.stack([r[k] for r in rows]))
        else:
            shape = spec.shape.as_list() if spec.shape.is_fully_defined() else []
            out.append(array_ops.zeros([0] + shape, spec.dtype))
    return out


def _set_leading(tensors, n, element_shapes):
    """Static shapes of stacked loop results: the known length, then each element's shape."""
    lead = TensorShape([n if isinstance(n, int) else None])
    for t, s in zip(tensors, element_shapes):
        t.set_shape(lead.concatenate(s))
    return tensors


# --- map_fn -------------------------------------------------------------------------------------

def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False,
           infer_shape=True, name=None, fn_output_signature=None):
    """Applies `fn` to each element of `elems` unstacked on axis 0 and stacks the results.

    `elems` may be a nested structure of tensors of the same first dimension; `fn` is
    called with one slice of each, in that structure. Inside a graph this is a single
    while_loop over TensorArrays, so `fn` is traced once.

    Args:
      fn: callable taking one element (in the structure of `elems`).
      elems: a tensor or nested structure of tensors to unstack on their first dimension.
      dtype: deprecated alias of `fn_output_signature`.
      parallel_iterations, swap_memory: accepted for compatibility.
      back_prop: if False, no gradient flows through the result.
      infer_shape: whether the results must all have the same shape.
      name: optional name prefix.
      fn_output_signature: the output signature of `fn` (a `tf.DType`, a `tf.TensorSpec` or
        a nested structure of them); needed when it differs from that of `elems`.

    Returns:
      The stacked results of `fn`, in the structure of `fn_output_signature` (or `elems`).
    """
    if not callable(fn):
        raise TypeError(f"map_fn: fn must be callable, got {fn!r}.")
    tensors, n = _flat_elems(elems, "map_fn")
    elems = nest.pack_sequence_as(elems, tensors)
    signature = fn_output_signature if fn_output_signature is not None else dtype
    if signature is None:
        structure = elems
        specs = [TensorSpec(None, t.dtype) for t in tensors]  # dtypes only, as in TF
    else:
        structure = signature
        specs = [_as_spec(s) for s in nest.flatten(signature)]
    outs = _map(fn, elems, tensors, n, specs, structure, infer_shape, name or "map")
    if not back_prop:
        outs = [array_ops.stop_gradient(o) for o in outs]
    return nest.pack_sequence_as(structure, outs)


def _map(fn, elems, tensors, n, specs, structure, infer_shape, name):
    graph = _graph_for(tensors)
    if graph is None:
        columns = [join_ops.unstack(t) for t in tensors]
        rows = [_conform(fn(nest.pack_sequence_as(elems, [c[i] for c in columns])), specs,
                         structure, "map_fn") for i in range(n)]
        return _stacked(rows, specs)
    with building_graph(graph):
        return _map_graph(fn, elems, tensors, n, specs, structure, infer_shape, name)


def _map_graph(fn, elems, tensors, n, specs, structure, infer_shape, name):
    inputs = _input_arrays(tensors, n)
    results = [TensorArray(s.dtype, size=n, element_shape=s.shape if s.shape.rank is not None
                           else None, infer_shape=infer_shape) for s in specs]
    seen = [s.shape for s in specs]

    def body(i, arrays):
        x = nest.pack_sequence_as(elems, [a.read(i) for a in inputs])
        ys = _conform(fn(x), specs, structure, "map_fn")
        seen[:] = [s.merge_with(y.shape) if s.is_compatible_with(y.shape) else y.shape
                   for s, y in zip(seen, ys)]
        return i + 1, [a.write(i, y) for a, y in zip(arrays, ys)]
    _, arrays = functional_ops.while_loop(lambda i, _: i < n, body, (0, results), name=name)
    return _set_leading([a.stack() for a in arrays], n, seen)


def _input_arrays(tensors, n):
    return [TensorArray(t.dtype, size=n, element_shape=t.shape[1:] if t.shape.rank is not None
                        else None).unstack(t) for t in tensors]


# --- scan, foldl, foldr ---------------------------------------------------------------------------

def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False,
         infer_shape=True, reverse=False, name=None):
    """Repeatedly applies `fn(accumulator, element)` over `elems` and stacks every
    accumulator.

    Without `initializer` the first element is the first accumulator (and the first
    result). With `reverse=True` the elements are visited last to first and the results
    keep the order of `elems`.

    Args:
      fn: callable `(a, x) -> a` where `a` has the structure of `initializer` (or `elems`).
      elems: a tensor or nested structure of tensors unstacked on their first dimension.
      initializer: the initial accumulator (a tensor or nested structure), optional.
      reverse: visit the elements from the last to the first.
      back_prop: if False, no gradient flows through the result.

    Returns:
      The accumulators after each element, stacked, in the structure of the accumulator.
    """
    outs, structure = _accumulate(fn, elems, initializer, reverse, True, infer_shape,
                                  name or "scan", "scan")
    if not back_prop:
        outs = [array_ops.stop_gradient(o) for o in outs]
    return nest.pack_sequence_as(structure, outs)


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False,
          name=None):
    """Folds `fn(accumulator, element)` over `elems` from the first element to the last.

    Args:
      fn: A callable `(accumulator, element) -> new accumulator`.
      elems: A tensor (or nested structure of tensors) unpacked along its first dimension.
      initializer: The starting accumulator (default: the first element, which is then not
        passed to `fn`).
      parallel_iterations: Accepted for compatibility.
      back_prop: Accepted for compatibility.
      swap_memory: Accepted for compatibility.
      name: A name for the operation (optional).

    Returns:
      The final accumulator.

    Example:

    >>> int(ndflow.foldl(lambda total, x: total + x, ndflow.constant([1, 2, 3])))
    6
    """
    return _fold(fn, elems, initializer, back_prop, False, name or "foldl", "foldl")


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False,
          name=None):
    """Folds `fn(accumulator, element)` over `elems` from the last element to the first.

    Args:
      fn: A callable `(accumulator, element) -> new accumulator`.
      elems: A tensor (or nested structure of tensors) unpacked along its first dimension.
      initializer: The starting accumulator (default: the last element).
      parallel_iterations: Accepted for compatibility.
      back_prop: Accepted for compatibility.
      swap_memory: Accepted for compatibility.
      name: A name for the operation (optional).

    Returns:
      The final accumulator.
    """
    return _fold(fn, elems, initializer, back_prop, True, name or "foldr", "foldr")


def _fold(fn, elems, initializer, back_prop, reverse, name, what):
    outs, structure = _accumulate(fn, elems, initializer, reverse, False, True, name, what)
    if not back_prop:
        outs = [array_ops.stop_gradient(o) for o in outs]
    return nest.pack_sequence_as(structure, outs)


def _accumulate(fn, elems, initializer, reverse, stack, infer_shape, name, what):
    """The shared loop of scan (stack=True: every accumulator) and the folds (the last)."""
    if not callable(fn):
        raise TypeError(f"{what}: fn must be callable, got {fn!r}.")
    tensors, n = _flat_elems(elems, what)
    elems = nest.pack_sequence_as(elems, tensors)
    graph = _graph_for(tensors + [x for x in nest.flatten(initializer)
                                  if isinstance(x, SymbolicTensor)])
    if graph is None:
        return _accumulate_eager(fn, elems, tensors, n, initializer, reverse, stack, what)
    with building_graph(graph):
        return _accumulate_graph(fn, elems, tensors, n, initializer, reverse, stack,
                                 infer_shape, name, what)


def _initial(initializer, elems, first):
    """(structure, flat tensors, specs) of the first accumulator."""
    if initializer is None:
        structure, flat = elems, first
    else:
        structure = initializer
        flat = [convert_to_tensor(x) for x in nest.flatten(initializer)]
    specs = [TensorSpec(None, t.dtype) for t in flat]
    return structure, flat, specs


def _accumulate_eager(fn, elems, tensors, n, initializer, reverse, stack, what):
    columns = [join_ops.unstack(t) for t in tensors]
    order = list(range(n))[::-1] if reverse else list(range(n))
    if initializer is None:
        if not order:
            raise ValueError(f"{what}: elems is empty and no initializer is given, so there is "
                             "no first accumulator.")
        first, order = order[0], order[1:]
        structure, acc, specs = _initial(None, elems, [c[first] for c in columns])
        rows = {first: acc}
    else:
        structure, acc, specs = _initial(initializer, elems, None)
        rows = {}
    for i in order:
        x = nest.pack_sequence_as(elems, [c[i] for c in columns])
        acc = _conform(fn(nest.pack_sequence_as(structure, acc), x), specs, structure, what)
        rows[i] = acc
    if not stack:
        return acc, structure
    specs = [TensorSpec(t.shape, t.dtype) for t in acc]
    return _stacked([rows[i] for i in sorted(rows)], specs), structure


def _accumulate_graph(fn, elems, tensors, n, initializer, reverse, stack, infer_shape, name,
                      what):
    inputs = _input_arrays(tensors, n)

    def index(i):
        return n - 1 - i if reverse else i
    if initializer is None:
        structure, acc, specs = _initial(None, elems, [a.read(index(0)) for a in inputs])
        start = 1
    else:
        structure, acc, specs = _initial(initializer, elems, None)
        start = 0
    results = []
    if stack:
        results = [TensorArray(t.dtype, size=n, infer_shape=infer_shape,
                               element_shape=t.shape if t.shape.rank is not None else None)
                   for t in acc]
        if start:
            results = [r.write(index(0), t) for r, t in zip(results, acc)]

    def body(i, acc, arrays):
        x = nest.pack_sequence_as(elems, [a.read(index(i)) for a in inputs])
        acc = _conform(fn(nest.pack_sequence_as(structure, list(acc)), x), specs, structure,
                       what)
        return i + 1, acc, [r.write(index(i), t) for r, t in zip(arrays, acc)]
    _, acc, arrays = functional_ops.while_loop(lambda i, *_: i < n, body,
                                               (start, list(acc), results), name=name)
    if not stack:
        return list(acc), structure
    return _set_leading([r.stack() for r in arrays], n, [t.shape for t in acc]), structure


# --- vectorized_map -------------------------------------------------------------------------------

def vectorized_map(fn, elems, fallback_to_while_loop=True, warn=True):
    """Maps `fn` over the first dimension of `elems`, like `map_fn` with the output signature
    taken from `fn` itself.

    ndflow runs it as the loop TensorFlow falls back to (`fallback_to_while_loop`): eagerly
    a Python loop, in graphs one while_loop; the results are those of the vectorized form.

    Args:
      fn: callable taking one element (in the structure of `elems`).
      elems: a tensor or nested structure of tensors unstacked on their first dimension.
      fallback_to_while_loop, warn: accepted for compatibility.

    Returns:
      The stacked results of `fn`.
    """
    if not callable(fn):
        raise TypeError(f"vectorized_map: fn must be callable, got {fn!r}.")
    tensors, n = _flat_elems(elems, "vectorized_map")
    elems = nest.pack_sequence_as(elems, tensors)
    graph = _graph_for(tensors)
    if graph is None:
        columns = [join_ops.unstack(t) for t in tensors]
        results = [fn(nest.pack_sequence_as(elems, [c[i] for c in columns])) for i in range(n)]
        if not results:
            raise ValueError("vectorized_map: elems is empty, so the output of fn is unknown.")
        structure = results[0]
        specs = [TensorSpec(None, convert_to_tensor(v).dtype) for v in nest.flatten(structure)]
        rows = [_conform(r, specs, structure, "vectorized_map") for r in results]
        return nest.pack_sequence_as(structure, _stacked(rows, specs))
    with building_graph(graph):
        structure, specs = _traced_signature(fn, elems, tensors, graph)
        outs = _map_graph(fn, elems, tensors, n, specs, structure, True, "vectorized_map")
    return nest.pack_sequence_as(structure, outs)


def _traced_signature(fn, elems, tensors, graph):
    """fn's output structure and TensorSpecs, from tracing it once on one element."""
    specs_in = [(t.dtype, t.shape[1:] if t.shape.rank is not None else TensorShape(None))
                for t in tensors]
    _, _, out = control_flow.trace("vectorized_map_signature",
                                   lambda *x: fn(nest.pack_sequence_as(elems, list(x))),
                                   specs_in, graph)
    return out, [TensorSpec(o.shape, o.dtype) for o in nest.flatten(out)]


export_many("", {"map_fn": map_fn, "scan": scan, "foldl": foldl, "foldr": foldr,
                 "vectorized_map": vectorized_map})
