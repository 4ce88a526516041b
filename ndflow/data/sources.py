"""Datasets made from values: from_tensor_slices, from_tensors, from_generator, range,
counter, zip and concatenate."""
import itertools

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.tensor import TensorSpec
from ..framework.tensor_shape import TensorShape
from ..util import nest
from ..util.composite import TypeSpec
from . import composites, structure
from .dataset import INFINITE, UNKNOWN, DatasetV2


def _components(tensors, batched=False):
    """(structure of leaf specs, flat component arrays, per-leaf (spec, arrays) pairs)."""
    if tensors is None:
        raise TypeError("A dataset needs tensors as elements, got None.")
    value = structure.normalize_structure(tensors, structure.to_array)
    leaves = [structure.leaf_spec_and_arrays(v, batched) for v in nest.flatten(value)]
    spec = nest.pack_sequence_as(value, [s for s, _ in leaves])
    return spec, [a for _, arrays in leaves for a in arrays], leaves


class TensorDataset(DatasetV2):
    def __init__(self, tensors):
        self._spec, self._arrays, _ = _components(tensors)

    def _iterate(self):
        yield tuple(self._arrays)

    def _cardinality(self):
        return 1


class TensorSliceDataset(DatasetV2):
    def __init__(self, tensors):
        self._spec, arrays, leaves = _components(tensors, batched=True)
        if not leaves:
            raise ValueError("Dataset.from_tensor_slices(): `tensors` has no components.")
        sizes = []
        for spec, parts in leaves:
            if isinstance(spec, TypeSpec):
                sizes.append(composites.nrows(spec, parts))
            elif parts[0].ndim == 0:
                raise ValueError(f"Dataset.from_tensor_slices(): every component must have at "
                                 f"least one dimension to slice; got a scalar {parts[0]!r}.")
            else:
                sizes.append(parts[0].shape[0])
        n = sizes[0]
        if any(m != n for m in sizes[1:]):
            raise ValueError(f"Dataset.from_tensor_slices(): all components must have the "
                             f"same size in their first dimension; got sizes {sizes} "
                             f"(element structure {self._spec}).")
        # A composite leaf is sliced into its rows once; dense ones are indexed per element.
        self._composite = any(isinstance(s, TypeSpec) for s, _ in leaves)
        self._columns = [composites.rows(s, p) if isinstance(s, TypeSpec) else p
                         for s, p in leaves]
        self._kinds = [isinstance(s, TypeSpec) for s, _ in leaves]
        self._arrays = arrays
        self._n = n

    def _row(self, i):
        out = []
        for composite, col in zip(self._kinds, self._columns):
            out.extend(col[i] if composite else (col[0][i, ...],))
        return tuple(out)

    def _iterate(self):
        if self._composite:
            for i in range(self._n):
                yield self._row(i)
            return
        arrays = self._arrays
        if len(arrays) == 1:
            a = arrays[0]
            for i in range(self._n):
                yield (a[i, ...],)
        else:
            for i in range(self._n):
                yield tuple(a[i, ...] for a in arrays)

    def _slices(self, start, stop):
        """Elements [start, stop) stacked (batch fast path; dense components only)."""
        return tuple(a[start:stop] for a in self._arrays)

    def _cardinality(self):
        return self._n


def _normalize_signature(output_types, output_shapes, output_signature):
    if output_signature is not None:
        if output_types is not None or output_shapes is not None:
            raise TypeError("Dataset.from_generator(): give either `output_signature` or "
                            "`output_types` (and `output_shapes`), not both.")
        sig = structure.normalize_structure(output_signature)
        for s in nest.flatten(sig):
            if not isinstance(s, (TensorSpec, TypeSpec)):
                raise TypeError(f"Dataset.from_generator(): `output_signature` must contain "
                                f"tf.TensorSpec (or tf.SparseTensorSpec, tf.RaggedTensorSpec) "
                                f"objects, got {s!r}.")
        return sig
    if output_types is None:
        raise TypeError("Dataset.from_generator(): `output_signature` (or the deprecated "
                        "`output_types`) is required.")
    types = structure.normalize_structure(output_types)
    if output_shapes is None:
        return nest.map_structure(lambda t: TensorSpec(TensorShape(None), t), types)
    shapes = structure.normalize_structure(output_shapes)
    flat_t = nest.flatten(types)
    flat_s = _flatten_shapes(shapes, len(flat_t))
    return nest.pack_sequence_as(types, [TensorSpec(s, t) for t, s in zip(flat_t, flat_s)])


def _flatten_shapes(shapes, n):
    if n == 1 and not isinstance(shapes, dict) and not (
            isinstance(shapes, tuple) and shapes and isinstance(shapes[0], (tuple, list,
                                                                            TensorShape))):
        return [TensorShape(shapes)]
    out = []

    def walk(s):
        if isinstance(s, TensorShape) or s is None:
            out.append(TensorShape(None if s is None else s.dims))
        elif isinstance(s, dict):
            for k in sorted(s):
                walk(s[k])
        elif isinstance(s, (list, tuple)) and all(isinstance(d, (int, type(None))) for d in s):
            out.append(TensorShape(list(s)))
        else:
            for c in s:
                walk(c)
    walk(shapes)
    return out


class _Leaf:
    """Keeps a generator's component (a list, say) whole while the structure is flattened."""
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class GeneratorDataset(DatasetV2):
    def __init__(self, generator, output_types, output_shapes, args, output_signature):
        if not callable(generator):
            raise TypeError(f"Dataset.from_generator(): `generator` must be callable, got "
                            f"{generator!r}.")
        self._generator = generator
        self._args = tuple(args) if args is not None else ()
        self._spec = _normalize_signature(output_types, output_shapes, output_signature)

    def _iterate(self):
        specs = nest.flatten(self._spec)
        args = [structure.to_array(a) for a in self._args]
        args = [a[()] if a.ndim == 0 else a for a in args]
        for index, value in enumerate(self._generator(*args)):
            if nest.is_nested(self._spec):
                value = structure.normalize_structure(
                    list(value) if isinstance(value, list) and isinstance(self._spec, tuple)
                    else value, lambda v: _Leaf(v))
                flat = [v.value for v in nest.flatten(value)]
            else:
                flat = [value]
            if len(flat) != len(specs):
                raise TypeError(f"Dataset.from_generator(): `generator` yielded an element "
                                f"{value!r} that does not match the expected structure "
                                f"{self._spec}.")
            out = []
            for v, spec in zip(flat, specs):
                if isinstance(spec, TypeSpec):
                    out.extend(_composite_arrays(v, spec, index))
                    continue
                try:
                    a = structure.to_array(v, spec.dtype)
                except (TypeError, ValueError) as e:
                    raise TypeError(f"Dataset.from_generator(): `generator` yielded an element "
                                    f"that could not be converted to the expected type "
                                    f"{spec.dtype.name} (element {index}: {v!r}): {e}") from e
                if not spec.shape.is_compatible_with(TensorShape(a.shape)):
                    raise InvalidArgumentError(
                        f"Dataset.from_generator(): `generator` yielded an element of shape "
                        f"{a.shape} where an element of shape {spec.shape} was expected "
                        f"(element {index}).")
                out.append(a)
            yield tuple(out)


def _composite_arrays(value, spec, index):
    """A generator's value for a composite spec (the composite, its TF1 value type or, for
    ragged, a nested list) as the spec's component arrays."""
    try:
        if composites.is_value_type(value):
            got, arrays = composites.value_type_arrays(value)
        elif isinstance(value, spec.value_type):
            arrays = composites.composite_arrays(value)
            got = value._type_spec
        else:
            arrays = [structure.to_array(a) for a in spec._to_components(value)]
            got = None
    except (TypeError, ValueError) as e:
        raise TypeError(f"Dataset.from_generator(): `generator` yielded an element that could "
                        f"not be converted to {spec} (element {index}: {value!r}): {e}") from e
    if got is not None and (got.dtype != spec.dtype or
                            not spec.shape.is_compatible_with(got.shape)):
        raise InvalidArgumentError(f"Dataset.from_generator(): `generator` yielded {got} where "
                                   f"{spec} was expected (element {index}).")
    return arrays


class RangeDataset(DatasetV2):
    def __init__(self, *args, dtype=None):
        if len(args) == 2 and args[1] is None:  # enumerate(): counting from start forever
            start, stop, step = args[0], None, 1
        elif len(args) == 1:
            start, stop, step = 0, args[0], 1
        elif len(args) == 2:
            start, stop, step = args[0], args[1], 1
        elif len(args) == 3:
            start, stop, step = args
        else:
            raise TypeError(f"Dataset.range() takes 1 to 3 positional arguments (stop, or start, "
                            f"stop[, step]); got {len(args)}.")
        start, step = int(structure.to_array(start)), int(structure.to_array(step))
        stop = None if stop is None else int(structure.to_array(stop))
        if step == 0:
            raise InvalidArgumentError("Dataset.range(): `step` must not be 0.")
        self._range = (start, stop, step)
        self._dtype = dtypes.int64 if dtype is None else dtypes.as_dtype(dtype)
        self._spec = TensorSpec(TensorShape([]), self._dtype)

    def _iterate(self):
        start, stop, step = self._range
        np_dtype = self._dtype._np
        values = itertools.count(start, step) if stop is None else range(start, stop, step)
        for v in values:
            yield (np.asarray(v, np_dtype),)

    def _cardinality(self):
        start, stop, step = self._range
        return INFINITE if stop is None else len(range(start, stop, step))


class CounterDataset(RangeDataset):
    def __init__(self, start=0, step=1, dtype=None):
        super().__init__(start, None, dtype=dtype)
        self._range = (int(start), None, int(step))


class ZipDataset(DatasetV2):
    def __init__(self, datasets):
        datasets = structure.normalize_structure(datasets)
        flat = nest.flatten(datasets)
        for d in flat:
            if not isinstance(d, DatasetV2):
                raise TypeError(f"Dataset.zip(): expected datasets (a nested structure of "
                                f"them), got {d!r}.")
        self._datasets = flat
        self._inputs = tuple(flat)
        self._spec = nest.pack_sequence_as(datasets, [d._spec for d in flat])
        self._counts = [len(d._flat_specs) for d in flat]

    def _iterate(self):
        iterators = [d._iterate() for d in self._datasets]
        for parts in zip(*iterators):
            yield tuple(a for p in parts for a in p)

    def _cardinality(self):
        counts = [d._cardinality() for d in self._datasets]
        finite = [c for c in counts if c >= 0]
        if finite:
            return min(finite)
        return UNKNOWN if UNKNOWN in counts else INFINITE


class ConcatenateDataset(DatasetV2):
    def __init__(self, first, second):
        if not isinstance(second, DatasetV2):
            raise TypeError(f"Dataset.concatenate(): expected a Dataset, got {second!r}.")
        structure.check_same_structure(first._spec, second._spec, "Dataset.concatenate()")
        self._inputs = (first, second)
        self._spec = nest.pack_sequence_as(first._spec, [
            composites.relax(a, b)
            for a, b in zip(nest.flatten(first._spec), nest.flatten(second._spec))])

    def _iterate(self):
        yield from self._inputs[0]._iterate()
        yield from self._inputs[1]._iterate()

    def _cardinality(self):
        a, b = (d._cardinality() for d in self._inputs)
        if INFINITE in (a, b):
            return INFINITE
        if UNKNOWN in (a, b):
            return UNKNOWN
        return a + b


class ListDataset(DatasetV2):
    """A finite dataset of given flat elements (the contents of one window)."""

    def __init__(self, elements, spec):
        self._elements = elements
        self._spec = spec

    def _iterate(self):
        return iter(self._elements)

    def _cardinality(self):
        return len(self._elements)
