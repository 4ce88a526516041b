"""batch, padded_batch, unbatch, window, group_by_window and bucket_by_sequence_length."""
import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.tensor import TensorSpec
from ..framework.tensor_shape import TensorShape
from ..util import nest
from ..util.composite import TypeSpec
from . import composites, parallel_map, structure
from .dataset import INFINITE, UNKNOWN, DatasetV2
from .functions import StructuredFunction
from .sources import ListDataset, TensorSliceDataset
from .transforms import ShuffleDataset, _Unary, _count, is_deterministic, parallel_calls


def _batched(spec, batch_dim):
    if isinstance(spec, TypeSpec):  # SparseTensorSpec, RaggedTensorSpec
        return spec._batch(batch_dim)
    return TensorSpec(TensorShape([batch_dim]).concatenate(spec.shape), spec.dtype)


def _stack_leaves(specs, elements):
    """One batch from `elements` (flat tuples): dense components stacked, composite ones
    (SparseTensor, RaggedTensor rows) combined into one batched composite."""
    out, pos = [], 0
    for leaf, spec in enumerate(specs):
        n = composites.n_components(spec)
        if isinstance(spec, TypeSpec):
            out.extend(composites.batch(spec, spec._batch(None),
                                        [e[pos:pos + n] for e in elements], leaf))
        else:
            out.append(_stack(elements, pos))
        pos += n
    return tuple(out)


def _batch_cardinality(n, size, drop_remainder):
    if n < 0:
        return n
    return n // size if drop_remainder else -(-n // size)


def _stack(elements, component):
    parts = [e[component] for e in elements]
    first = parts[0].shape
    for i, p in enumerate(parts):
        if p.shape != first:
            raise InvalidArgumentError(
                f"Cannot batch tensors with different shapes in component {component}. First "
                f"element had shape {list(first)} and element {i} had shape {list(p.shape)}.")
    return np.stack(parts)


class BatchDataset(_Unary):
    """batch: with `num_parallel_calls`, batches are stacked in worker threads (NumPy
    copies release the GIL) when parallel_map measures that this pays; the source is
    still read in the calling thread, and the batches come out in order unless the
    pipeline is nondeterministic."""

    def __init__(self, input_dataset, batch_size, drop_remainder=False,
                 num_parallel_calls=None, deterministic=None):
        super().__init__(input_dataset)
        self._size = _count(batch_size, "batch_size")
        if self._size <= 0:
            raise InvalidArgumentError(f"Dataset.batch(): `batch_size` must be greater than "
                                       f"zero; received {self._size}.")
        self._drop = bool(drop_remainder)
        dim = self._size if self._drop else None
        self._spec = nest.map_structure(lambda s: _batched(s, dim), input_dataset._spec)
        self._workers = parallel_map.worker_count(parallel_calls(num_parallel_calls,
                                                                 "Dataset.batch()"))
        self._deterministic = deterministic
        self._pipeline_deterministic = None  # set by with_options() downstream

    def _iterate(self):
        size, drop = self._size, self._drop
        source = self._input
        specs = nest.flatten(source._spec)
        if any(isinstance(s, TypeSpec) for s in specs):
            yield from self._combined(source._iterate(), lambda b: _stack_leaves(specs, b))
            return
        if isinstance(source, TensorSliceDataset):  # slices of the arrays: no stacking
            n = source._n
            stop = n - n % size if drop else n
            for start in range(0, stop, size):
                yield tuple(a.copy() for a in source._slices(start, min(start + size, n)))
            return
        if isinstance(source, ShuffleDataset) and isinstance(source._input, TensorSliceDataset):
            yield from self._gather(source._input, source._shuffled_indices(source._input._n))
            return
        count = len(self._input._flat_specs)
        yield from self._combined(source._iterate(),
                                  lambda b: tuple(_stack(b, c) for c in range(count)))

    def _combined(self, elements, combine):
        if self._workers > 1:
            return parallel_map.parallel_map(lambda batch, index: combine(batch),
                                             self._lists(elements), self._workers,
                                             is_deterministic(self))
        return (combine(batch) for batch in self._lists(elements))

    def _lists(self, elements):
        batch = []
        for element in elements:
            batch.append(element)
            if len(batch) == self._size:
                yield batch
                batch = []
        if batch and not self._drop:
            yield batch

    def _gather(self, slices, indices):
        """Batches of rows of `slices`' arrays in the order of `indices` (one gather per
        component and batch, the same batches as stacking the shuffled elements)."""
        arrays, size = slices._arrays, self._size
        chunk = []
        for i in indices:
            chunk.append(i)
            if len(chunk) == size:
                yield tuple(a[chunk] for a in arrays)
                chunk = []
        if chunk and not self._drop:
            yield tuple(a[chunk] for a in arrays)

    def _cardinality(self):
        return _batch_cardinality(self._input._cardinality(), self._size, self._drop)


def _padding_shapes(spec, padded_shapes):
    flat = nest.flatten(spec)
    if padded_shapes is None:
        for s in flat:
            if s.shape.rank is None:
                raise ValueError("Dataset.padded_batch(): `padded_shapes` is needed when a "
                                 f"component has unknown rank ({spec}).")
        return [s.shape for s in flat]
    padded = structure.normalize_structure(padded_shapes)
    shapes = []

    def walk(p):
        if p is None or isinstance(p, TensorShape):
            shapes.append(TensorShape(None if p is None else p.dims))
        elif isinstance(p, dict):
            for k in sorted(p):
                walk(p[k])
        elif isinstance(p, (list, tuple)) and all(
                d is None or isinstance(d, (int, np.integer)) for d in p):
            shapes.append(TensorShape([None if d is None or d == -1 else int(d) for d in p]))
        elif isinstance(p, (list, tuple)):
            for c in p:
                walk(c)
        else:
            a = structure.to_array(p)
            shapes.append(TensorShape([None if d == -1 else int(d) for d in a.reshape(-1)]))
    walk(padded if len(flat) > 1 or nest.is_nested(spec) else [padded])
    if len(shapes) != len(flat):
        raise ValueError(f"Dataset.padded_batch(): `padded_shapes` {padded_shapes} does not "
                         f"match the structure of the elements {spec}.")
    return shapes


def _padding_values(spec, padding_values):
    flat = nest.flatten(spec)
    if padding_values is None:
        return [b"" if s.dtype == dtypes.string else 0 for s in flat]
    values = nest.flatten(structure.normalize_structure(padding_values))
    if len(values) == 1 and len(flat) > 1:
        values = values * len(flat)
    if len(values) != len(flat):
        raise ValueError(f"Dataset.padded_batch(): `padding_values` {padding_values} does not "
                         f"match the structure of the elements {spec}.")
    out = []
    for v, s in zip(values, flat):
        a = structure.to_array(v)
        out.append(a.reshape(()) if a.size == 1 else a)
    return out


class PaddedBatchDataset(_Unary):
    def __init__(self, input_dataset, batch_size, padded_shapes=None, padding_values=None,
                 drop_remainder=False):
        super().__init__(input_dataset)
        self._size = _count(batch_size, "batch_size")
        if self._size <= 0:
            raise InvalidArgumentError(f"Dataset.padded_batch(): `batch_size` must be greater "
                                       f"than zero; received {self._size}.")
        self._drop = bool(drop_remainder)
        specs = input_dataset._flat_specs
        for s in nest.flatten(input_dataset._spec):
            if isinstance(s, TypeSpec):
                raise TypeError(f"`padded_batch` is only supported for datasets that produce "
                                f"tensor elements but the element spec of the input dataset "
                                f"holds a {type(s).__name__}: `{s}`.")
        self._shapes = _padding_shapes(input_dataset._spec, padded_shapes)
        for s, p in zip(specs, self._shapes):
            if s.shape.rank is not None and p.rank != s.shape.rank:
                raise ValueError(f"Dataset.padded_batch(): padded shape {p} has a rank "
                                 f"different from the component's shape {s.shape}.")
        self._values = _padding_values(input_dataset._spec, padding_values)
        dim = self._size if self._drop else None
        self._spec = nest.pack_sequence_as(input_dataset._spec, [
            TensorSpec(TensorShape([dim]).concatenate(p), s.dtype)
            for s, p in zip(specs, self._shapes)])

    def _pad(self, batch, c):
        parts = [e[c] for e in batch]
        target = self._shapes[c]
        rank = parts[0].ndim
        dims = []
        for axis in range(rank):
            longest = max(p.shape[axis] for p in parts)
            want = target.dims[axis] if target.rank is not None else None
            if want is not None and longest > want:
                raise InvalidArgumentError(
                    f"Dataset.padded_batch(): an element of component {c} has shape "
                    f"{list(parts[0].shape)} larger than its padded shape {target}.")
            dims.append(longest if want is None else want)
        value = self._values[c]
        dtype = parts[0].dtype
        out = np.empty([len(parts)] + dims, dtype=dtype)
        out[...] = value
        for i, p in enumerate(parts):
            if p.ndim != rank:
                raise InvalidArgumentError(f"Dataset.padded_batch(): elements of component {c} "
                                           f"have different ranks.")
            out[(i,) + tuple(slice(0, d) for d in p.shape)] = p
        return out

    def _iterate(self):
        count = len(self._shapes)
        batch = []
        for element in self._input._iterate():
            batch.append(element)
            if len(batch) == self._size:
                yield tuple(self._pad(batch, c) for c in range(count))
                batch = []
        if batch and not self._drop:
            yield tuple(self._pad(batch, c) for c in range(count))

    def _cardinality(self):
        return _batch_cardinality(self._input._cardinality(), self._size, self._drop)


class UnbatchDataset(_Unary):
    def __init__(self, input_dataset):
        super().__init__(input_dataset)
        specs = nest.flatten(input_dataset._spec)
        for s in specs:
            if not isinstance(s, TypeSpec) and s.shape.rank == 0:
                raise ValueError(f"Dataset.unbatch(): every component must have rank >= 1; "
                                 f"got {input_dataset._spec}.")
        self._leaf_specs = specs
        self._composite = any(isinstance(s, TypeSpec) for s in specs)
        self._spec = nest.map_structure(self._row_spec, input_dataset._spec)

    @staticmethod
    def _row_spec(s):
        if isinstance(s, TypeSpec):
            return composites.row_spec(s, "Dataset.unbatch()")
        return TensorSpec(TensorShape(s.shape.dims[1:]) if s.shape.rank is not None
                          else TensorShape(None), s.dtype)

    def _iterate(self):
        for element in self._input._iterate():
            if self._composite:
                yield from self._composite_rows(element)
                continue
            n = element[0].shape[0]
            for a in element[1:]:
                if a.shape[0] != n:
                    raise InvalidArgumentError(f"Dataset.unbatch(): the components of an element "
                                               f"have different batch sizes: {n} and "
                                               f"{a.shape[0]}.")
            for i in range(n):
                yield tuple(a[i, ...] for a in element)

    def _composite_rows(self, element):
        columns = []
        for spec, parts in composites.split_leaves(self._input._spec, element):
            columns.append(composites.rows(spec, parts) if isinstance(spec, TypeSpec)
                           else [(parts[0][i, ...],) for i in range(parts[0].shape[0])])
        sizes = [len(c) for c in columns]
        if any(m != sizes[0] for m in sizes):
            raise InvalidArgumentError(f"Dataset.unbatch(): the components of an element have "
                                       f"different batch sizes: {sizes}.")
        for i in range(sizes[0]):
            yield tuple(a for c in columns for a in c[i])

    def _cardinality(self):
        return INFINITE if self._input._cardinality() == INFINITE else UNKNOWN


class WindowDataset(_Unary):
    def __init__(self, input_dataset, size, shift=None, stride=1, drop_remainder=False):
        super().__init__(input_dataset)
        self._size = _count(size, "size")
        self._shift = self._size if shift is None else _count(shift, "shift")
        self._stride = _count(stride, "stride")
        if min(self._size, self._shift, self._stride) <= 0:
            raise InvalidArgumentError("Dataset.window(): `size`, `shift` and `stride` must be "
                                       "positive.")
        self._drop = bool(drop_remainder)
        self._spec = nest.map_structure(lambda s: structure.DatasetSpec(s), input_dataset._spec)

    def _window(self, elements):
        comps, pos = [], 0
        for spec in nest.flatten(self._input._spec):
            n = composites.n_components(spec)
            ds = ListDataset([tuple(e[pos:pos + n]) for e in elements], spec)
            comps.append(structure.holding(ds))
            pos += n
        return tuple(comps)

    def _iterate(self):
        span = (self._size - 1) * self._stride + 1
        buffer = []
        start = 0  # index of buffer[0] in the input
        next_window = 0
        exhausted = False
        it = self._input._iterate()
        while True:
            while not exhausted and start + len(buffer) < next_window + span:
                element = next(it, None)
                if element is None:
                    exhausted = True
                else:
                    buffer.append(element)
            offset = next_window - start
            taken = buffer[offset::self._stride][:self._size] if offset < len(buffer) else []
            if not taken or (self._drop and len(taken) < self._size):
                return
            yield self._window(taken)
            next_window += self._shift
            drop = min(len(buffer), next_window - start)
            del buffer[:drop]
            start += drop


class GroupByWindowDataset(_Unary):
    """The dataset `group_by_window` returns: windows of same-key elements, each reduced.

    Args:
      input_dataset: The source `Dataset`.
      key_func: A function `element -> int64 key`.
      reduce_func: A function `(key, window_dataset) -> Dataset`.
      window_size: The window size (or give `window_size_func`).
      window_size_func: A function `key -> window size`.
      key_from_arrays: Internal: a NumPy-level key function used by `bucket_by_sequence_length`.
    """
    def __init__(self, input_dataset, key_func, reduce_func, window_size=None,
                 window_size_func=None, key_from_arrays=None):
        super().__init__(input_dataset)
        if (window_size is None) == (window_size_func is None):
            raise ValueError("Dataset.group_by_window(): give exactly one of `window_size` and "
                             "`window_size_func`.")
        if key_from_arrays is None:
            key_fn = StructuredFunction(key_func, [input_dataset._spec],
                                        "Dataset.group_by_window()")
            out = key_fn.flat_output_specs
            if len(out) != 1 or out[0].dtype != dtypes.int64:
                raise ValueError(f"Dataset.group_by_window(): `key_func` must return a single "
                                 f"tf.int64 scalar; it returns {key_fn.output_structure}.")
            key_from_arrays = lambda arrays, i: int(key_fn(arrays, i)[0])  # noqa: E731
        self._key = key_from_arrays
        self._reduce = reduce_func
        if window_size is not None:
            size = _count(window_size, "window_size")
            self._window_size = lambda key: size  # noqa: E731
        else:
            self._window_size = lambda key: int(structure.to_array(window_size_func(  # noqa
                structure.to_tensors(TensorSpec([], dtypes.int64), [np.asarray(key, np.int64)]))))
        self._spec = self._reduce_spec()

    def _reduce_spec(self):
        window = ListDataset([], self._input._spec)
        out = self._call_reduce(0, window)
        return out._spec

    def _call_reduce(self, key, window):
        from ..framework.tensor import EagerTensor
        out = self._reduce(EagerTensor(np.asarray(key, np.int64)), window)
        if not isinstance(out, DatasetV2):
            raise TypeError(f"Dataset.group_by_window(): `reduce_func` must return a Dataset, "
                            f"got {out!r}.")
        return out

    def _iterate(self):
        groups = {}
        for index, element in enumerate(self._input._iterate()):
            key = self._key(element, index)
            group = groups.setdefault(key, [])
            group.append(element)
            if len(group) >= self._window_size(key):
                del groups[key]
                yield from self._call_reduce(key, ListDataset(group, self._input._spec))._iterate()
        for key in sorted(groups):
            yield from self._call_reduce(key, ListDataset(groups[key],
                                                           self._input._spec))._iterate()

    def _cardinality(self):
        return INFINITE if self._input._cardinality() == INFINITE else UNKNOWN


def bucket_by_sequence_length(dataset, element_length_func, bucket_boundaries,
                              bucket_batch_sizes, padded_shapes=None, padding_values=None,
                              pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):
    """Batches elements of similar length together (buckets split at `bucket_boundaries`),
    padding each batch to its longest element (or to the bucket's boundary)."""
    boundaries = [int(b) for b in bucket_boundaries]
    sizes = [int(b) for b in bucket_batch_sizes]
    if len(sizes) != len(boundaries) + 1:
        raise ValueError(f"bucket_by_sequence_length(): `bucket_batch_sizes` must have "
                         f"len(bucket_boundaries) + 1 = {len(boundaries) + 1} entries; "
                         f"received {len(sizes)}.")
    if boundaries != sorted(boundaries):
        raise ValueError("bucket_by_sequence_length(): `bucket_boundaries` must be sorted.")
    length_fn = StructuredFunction(element_length_func, [dataset._spec],
                                   "bucket_by_sequence_length()")
    edges = np.asarray(boundaries)

    def key(arrays, index):
        length = int(length_fn(arrays, index)[0])
        return int(np.searchsorted(edges, length, side="right"))

    def reduce(bucket, window):
        b = int(bucket)
        if no_padding:
            return window.batch(sizes[b], drop_remainder=drop_remainder)
        shapes = padded_shapes
        if pad_to_bucket_boundary:
            if b == len(boundaries):
                raise InvalidArgumentError("bucket_by_sequence_length(): with "
                                           "pad_to_bucket_boundary an element is longer than "
                                           "the last boundary; add a larger boundary.")
            shapes = nest.map_structure(
                lambda s: TensorShape([boundaries[b] - 1] + list(s.shape.dims[1:]))
                if s.shape.rank else s.shape, window._spec)
        return window.padded_batch(sizes[b], shapes, padding_values,
                                   drop_remainder=drop_remainder)

    return GroupByWindowDataset(dataset, None, reduce, window_size_func=lambda k: sizes[int(k)],
                                key_from_arrays=key)
