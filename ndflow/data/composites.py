"""Composite tensors (SparseTensor, RaggedTensor) as dataset components.

A composite element flows through a pipeline as its component arrays (in the order its
TypeSpec lists them: a SparseTensor as indices, values, dense_shape; a RaggedTensor as its
flat values then its row splits, outermost first), so element-wise stages (shuffle, take,
cache, prefetch, zip, traced `map` functions) need nothing special. Only the stages that
change the first dimension do: slicing into rows (from_tensor_slices, unbatch) and stacking
rows (batch), which work here on the arrays directly, one pass per batch.
"""
import functools

import numpy as np

from ..framework.errors import InvalidArgumentError
from ..framework.tensor import EagerTensor, TensorLike, TensorSpec
from ..util import nest
from ..util.composite import CompositeTensor, TypeSpec


@functools.lru_cache(maxsize=None)  # imported late (ops and ragged import data lazily)
def _sparse_types():
    from ..ops.sparse_tensor import SparseTensor, SparseTensorSpec, SparseTensorValue
    return SparseTensor, SparseTensorSpec, SparseTensorValue


@functools.lru_cache(maxsize=None)
def _ragged_types():
    from ..ragged.ragged_tensor import RaggedTensor, RaggedTensorSpec, RaggedTensorValue
    return RaggedTensor, RaggedTensorSpec, RaggedTensorValue


def is_sparse_spec(spec):
    return type(spec).__name__ == "SparseTensorSpec" and isinstance(spec, _sparse_types()[1])


def is_ragged_spec(spec):
    return type(spec).__name__ == "RaggedTensorSpec" and isinstance(spec, _ragged_types()[1])


def n_components(spec):
    """How many arrays a component of type `spec` flows as."""
    return len(spec._component_specs) if isinstance(spec, TypeSpec) else 1


def split_leaves(structure, flat):
    """Pairs (leaf spec, tuple of its arrays) of one flat element of `structure`."""
    out, pos = [], 0
    for spec in nest.flatten(structure):
        n = n_components(spec)
        out.append((spec, tuple(flat[pos:pos + n])))
        pos += n
    return out


def is_value_type(value):
    """Whether `value` is a SparseTensorValue or RaggedTensorValue (TF1's NumPy forms)."""
    return isinstance(value, (_sparse_types()[2], _ragged_types()[2]))


class ValueLeaf:
    """A SparseTensorValue / RaggedTensorValue kept whole while a structure is flattened
    (both are namedtuples, which tf.nest would otherwise take apart)."""
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def value_type_arrays(value):
    """(spec, component arrays) of a SparseTensorValue or RaggedTensorValue, made without
    building tensors (in a TF1 graph they would become constants of the graph)."""
    from .structure import dtype_of, to_array
    value = value.value if isinstance(value, ValueLeaf) else value
    if isinstance(value, _sparse_types()[2]):
        values = to_array(value.values)
        shape = np.asarray(value.dense_shape, np.int64).reshape(-1)
        indices = np.asarray(value.indices, np.int64).reshape(-1, len(shape))
        return _sparse_types()[1](shape.tolist(), dtype_of(values)), [indices, values, shape]
    splits = [np.asarray(s, np.int64) for s in value.nested_row_splits]
    flat = to_array(value.flat_values)
    shape = [len(splits[0]) - 1] + [None] * len(splits) + list(flat.shape[1:])
    return _ragged_types()[1](shape, dtype_of(flat), len(splits)), [flat] + splits


def composite_arrays(value):
    """The component arrays of an eager composite `value` (or of one made of constants)."""
    from ..framework.registry import CONST
    out = []
    for c in nest.flatten(value, expand_composites=True):
        if isinstance(c, EagerTensor):
            out.append(c._value)
        elif isinstance(c, TensorLike) and getattr(getattr(c, "op", None), "op_def",
                                                   None) is CONST:
            out.append(np.asarray(c.op.attrs["value"]))  # tf.compat.v1.SparseTensor(consts)
        elif isinstance(c, TensorLike):
            raise TypeError(f"A tf.data dataset needs concrete values; got a "
                            f"{type(value).__name__} made of symbolic tensors ({value!r}).")
        else:
            out.append(np.asarray(c))
    return out


def user_value(spec, arrays):
    """The value a user sees: the composite rebuilt from eager component tensors."""
    return spec._from_components([EagerTensor(a) for a in arrays])


def numpy_value(spec, arrays):
    """As `as_numpy_iterator` gives a composite: a SparseTensor as its dense NumPy array, a
    RaggedTensor as an object array of its rows (what TensorFlow's do)."""
    if is_sparse_spec(spec):
        indices, values, shape = arrays
        dense = np.zeros(tuple(int(d) for d in shape), values.dtype)
        if len(values):
            dense[tuple(indices.T)] = values
        return dense
    value = user_value(spec, arrays)
    numpy = getattr(value, "numpy", None)
    return numpy() if numpy is not None else value


def spec_of_output(value):
    """The spec of a traced function's output leaf (tensor or composite)."""
    if isinstance(value, CompositeTensor):
        return value._type_spec
    return TensorSpec(value.shape, value.dtype)


def relax(a, b):
    """The most specific spec both `a` and `b` fit (differing dimensions become None)."""
    from .structure import most_specific_compatible
    shape = most_specific_compatible(a.shape, b.shape)
    if isinstance(a, TensorSpec):
        return TensorSpec(shape, a.dtype)
    if is_ragged_spec(a):
        return type(a)(shape, a.dtype, a.ragged_rank)
    if is_sparse_spec(a):
        return type(a)(shape, a.dtype)
    return a


def probe(spec):
    """A valid empty value of `spec`, as arrays (to learn what a function returns)."""
    def zeros(s, none=0):
        dims = [none if d is None else d for d in s.shape.dims] if s.shape.rank is not None \
            else []
        dtype = s.dtype._np if s.dtype._np is not None else object
        return np.full(dims, b"", dtype=object) if dtype == object else np.zeros(dims, dtype)
    if is_sparse_spec(spec):
        rank = spec.shape.rank or 0
        dims = [1 if d is None else d for d in spec.shape.dims] if spec.shape.rank else []
        return (np.zeros((0, rank), np.int64), zeros(TensorSpec([0], spec.dtype)),
                np.asarray(dims, np.int64))
    if isinstance(spec, TypeSpec):
        comps = spec._component_specs
        return (zeros(comps[0]),) + tuple(np.zeros(1, np.int64) for _ in comps[1:])
    return None


# --- rows (slicing along the first dimension) ----------------------------------------------

def row_spec(spec, what):
    try:
        return spec._unbatch()
    except (ValueError, NotImplementedError) as e:
        raise ValueError(f"{what}: cannot slice a component of type {spec} into rows: {e}") \
            from None


def nrows(spec, arrays):
    if is_sparse_spec(spec):
        return int(arrays[2][0])
    return int(arrays[1].shape[0] - 1) if len(arrays) > 1 else int(arrays[0].shape[0])


def rows(spec, arrays):
    """The rows of one composite value (its component arrays): a list of arrays tuples."""
    if is_sparse_spec(spec):
        return _sparse_rows(*arrays)
    if is_ragged_spec(spec):
        return _ragged_rows(arrays)
    value = user_value(spec, arrays)  # another composite: through its spec's own methods
    return [tuple(composite_arrays(r)) for r in spec._to_rows(value)]


def _sparse_rows(indices, values, dense_shape):
    n = int(dense_shape[0])
    first = indices[:, 0]
    if len(first) and (first.min() < 0 or first.max() >= n):
        raise InvalidArgumentError(f"A SparseTensor of dense_shape {dense_shape.tolist()} has "
                                   f"an index out of range in its first dimension: row "
                                   f"{int(first.min() if first.min() < 0 else first.max())}.")
    order = np.argsort(first, kind="stable")
    splits = np.concatenate([[0], np.cumsum(np.bincount(first, minlength=n))])
    inner, vals, shape = indices[order, 1:], values[order], dense_shape[1:].copy()
    return [(inner[splits[i]:splits[i + 1]], vals[splits[i]:splits[i + 1]], shape)
            for i in range(n)]


def _ragged_rows(arrays):
    flat, splits = arrays[0], arrays[1:]
    if not splits:
        return [(flat[i],) for i in range(flat.shape[0])]
    out = []
    outer = splits[0]
    for i in range(len(outer) - 1):
        lo, hi = int(outer[i]), int(outer[i + 1])
        inner = []
        for s in splits[1:]:
            inner.append(s[lo:hi + 1] - s[lo])
            lo, hi = int(s[lo]), int(s[hi])
        out.append((flat[lo:hi],) + tuple(inner))
    return out


# --- batches (stacking rows) ---------------------------------------------------------------

def batch(spec, row_specs_batch, elements, component):
    """One batched composite from the rows `elements` (tuples of a row's arrays) of
    element spec `spec` (the row's type). Returns the batched arrays."""
    if is_sparse_spec(spec):
        return _sparse_batch(elements, component)
    if is_ragged_spec(spec):
        return _ragged_batch(elements, spec.ragged_rank, component)
    rows_ = [user_value(spec, e) for e in elements]
    return tuple(composite_arrays(row_specs_batch._from_rows(rows_)))


def _sparse_batch(elements, component):
    rank = len(elements[0][2])
    shapes = []
    for i, (idx, _, shape) in enumerate(elements):
        if len(shape) != rank:
            raise InvalidArgumentError(
                f"Cannot batch SparseTensors of different ranks in component {component}: the "
                f"first element has dense_shape {elements[0][2].tolist()} and element {i} has "
                f"dense_shape {shape.tolist()}.")
        shapes.append(shape)
    counts = [len(e[1]) for e in elements]
    rows_ = np.repeat(np.arange(len(elements), dtype=np.int64), counts)
    inner = np.concatenate([e[0].reshape(-1, rank) for e in elements]) if elements else \
        np.zeros((0, rank), np.int64)
    indices = np.concatenate([rows_[:, None], inner.astype(np.int64)], axis=1)
    values = np.concatenate([e[1] for e in elements])
    dense_shape = np.concatenate([[len(elements)], np.max(np.stack(shapes), axis=0)
                                  if rank else np.zeros(0, np.int64)]).astype(np.int64)
    return indices, values, dense_shape


def _ragged_batch(elements, ragged_rank, component):
    flats = [e[0] for e in elements]
    if ragged_rank == 0 and flats[0].ndim == 0:
        raise InvalidArgumentError(f"Cannot batch scalars of component {component} into a "
                                   f"RaggedTensor.")
    inner = flats[0].shape[1:]
    for i, f in enumerate(flats):
        if f.ndim == 0 or f.shape[1:] != inner:
            raise InvalidArgumentError(
                f"Cannot batch the ragged component {component}: its uniform inner dimensions "
                f"differ; the first element has shape {list(flats[0].shape)} and element {i} "
                f"has shape {list(f.shape)}.")
    lengths = [len(e[1]) - 1 if ragged_rank else e[0].shape[0] for e in elements]
    outer = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    splits = [outer]
    for level in range(1, ragged_rank + 1):
        parts, offset = [], 0
        for e in elements:
            s = e[level]
            parts.append(s[:-1] + offset)
            offset += int(s[-1])
        splits.append(np.concatenate(parts + [np.asarray([offset], np.int64)]).astype(np.int64))
    return (np.concatenate(flats),) + tuple(splits)


def dense_as_ragged(arrays, ragged_rank):
    """A dense array as the components of a RaggedTensor with uniform rows (ragged_rank
    ragged dimensions), for `ragged_batch` of dense elements."""
    a = arrays
    splits = []
    for axis in range(ragged_rank):
        n, m = a.shape[0], a.shape[1]
        splits.append(np.arange(0, n * m + 1, m, dtype=np.int64) if m else
                      np.zeros(n + 1, np.int64))
        a = a.reshape((n * m,) + a.shape[2:])
    return (a,) + tuple(splits)
