"""Element-wise and order transformations: map, filter, flat_map/interleave, scan, reduce,
shuffle, repeat, take, skip, take_while, shard, unique, ignore_errors, sampling."""
import os

import numpy as np

from ..framework import dtypes
from ..framework import random_seed
from ..framework.context import state
from ..framework.errors import InvalidArgumentError, OpError
from ..framework.tensor import TensorSpec
from ..util import nest
from . import composites, parallel_map, structure
from .dataset import AUTOTUNE, INFINITE, UNKNOWN, DatasetV2
from .functions import EagerFunction, StructuredFunction, reusing_traces


def _count(value, what):
    v = int(structure.to_array(value))
    return v


class _Unary(DatasetV2):
    """A dataset computed from one input dataset."""

    def __init__(self, input_dataset):
        if not isinstance(input_dataset, DatasetV2):
            raise TypeError(f"Expected a Dataset, got {input_dataset!r}.")
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._spec = input_dataset._spec

    def _cardinality(self):
        return self._input._cardinality()


def is_deterministic(dataset):
    """The `deterministic` argument of a parallel transformation, else the pipeline's
    Options (True if unset)."""
    upstream = dataset._input.options()
    for value in (dataset._deterministic, dataset._pipeline_deterministic,
                  upstream.deterministic, upstream.experimental_deterministic):
        if value is not None:
            return bool(value)
    return True


def parallel_calls(value, transformation):
    """`num_parallel_calls` checked: None, a positive count or tf.data.AUTOTUNE."""
    if value is None:
        return None
    value = _count(value, "num_parallel_calls")
    if value != AUTOTUNE and value <= 0:
        raise ValueError(f"{transformation}: `num_parallel_calls` must be positive or "
                         f"tf.data.AUTOTUNE; received {value}.")
    return value


class MapDataset(_Unary):
    def __init__(self, input_dataset, map_func, num_parallel_calls=None, deterministic=None):
        super().__init__(input_dataset)
        self._fn = StructuredFunction(map_func, [input_dataset._spec], "Dataset.map()")
        self._spec = self._fn.output_structure
        num_parallel_calls = parallel_calls(num_parallel_calls, "Dataset.map()")
        self._workers = parallel_map.worker_count(num_parallel_calls)
        self._deterministic = deterministic
        self._pipeline_deterministic = None  # set by with_options() downstream
        self._safety = parallel_map.thread_safety(self._fn) if self._workers > 1 else None

    def _is_deterministic(self):
        return is_deterministic(self)

    def _iterate(self):
        fn = self._fn
        if self._workers > 1 and self._safety != parallel_map.UNSAFE:
            deterministic = self._is_deterministic()
            if self._safety == parallel_map.SAFE or not deterministic:
                return parallel_map.parallel_map(fn, self._input._iterate(), self._workers,
                                                 deterministic)
        return (tuple(fn(element, index))
                for index, element in enumerate(self._input._iterate()))


class FilterDataset(_Unary):
    def __init__(self, input_dataset, predicate):
        super().__init__(input_dataset)
        self._fn = StructuredFunction(predicate, [input_dataset._spec], "Dataset.filter()")
        out = self._fn.flat_output_specs
        if len(out) != 1 or out[0].dtype != dtypes.bool or (out[0].shape.rank not in (0, None)):
            raise ValueError(f"Dataset.filter(): `predicate` must return a scalar boolean "
                             f"tensor, but its return type is {self._fn.output_structure}.")

    def _iterate(self):
        fn = self._fn
        for index, element in enumerate(self._input._iterate()):
            keep = fn(element, index)[0]
            if np.ndim(keep) != 0:
                raise InvalidArgumentError(f"Dataset.filter(): `predicate` must return a scalar "
                                           f"boolean; got shape {np.shape(keep)} on element "
                                           f"{index}.")
            if keep:
                yield element

    def _cardinality(self):
        n = self._input._cardinality()
        return INFINITE if n == INFINITE else UNKNOWN


class TakeWhileDataset(FilterDataset):
    def _iterate(self):
        fn = self._fn
        for index, element in enumerate(self._input._iterate()):
            if not fn(element, index)[0]:
                return
            yield element

    def _cardinality(self):
        return UNKNOWN


def _dataset_result(value, transformation):
    from .dataset import DatasetV2 as _D
    if not isinstance(value, _D):
        raise TypeError(f"{transformation}: the function must return a Dataset, got {value!r}.")
    return value


def probe_arrays(specs, size=1):
    """Stand-in values for one element of `specs` (unknown dimensions of `size`), to learn
    what a function returning a dataset returns."""
    from .sources import ListDataset
    out = []
    for s in specs:
        probe = composites.probe(s)
        if probe is not None:
            out.extend(probe)
            continue
        if isinstance(s, structure.DatasetSpec):
            out.append(structure.holding(ListDataset([], s.element_spec)))
            continue
        shape = [size if d is None else d for d in s.shape.dims] if s.shape.rank is not None \
            else []
        if s.dtype == dtypes.string:
            out.append(np.full(shape, b"", dtype=object))
        else:
            out.append(np.zeros(shape, s.dtype._np))
    return tuple(out)


class InterleaveDataset(_Unary):
    """flat_map (cycle_length 1) and interleave: elements of the datasets `map_func` returns,
    `block_length` at a time from each of `cycle_length` open datasets in turn."""

    def __init__(self, input_dataset, map_func, cycle_length=None, block_length=None,
                 transformation="Dataset.interleave()", num_parallel_calls=None,
                 deterministic=None):
        super().__init__(input_dataset)
        self._transformation = transformation
        self._fn = EagerFunction(map_func, input_dataset._spec, transformation)
        self._traces = {}
        if cycle_length is None or cycle_length == AUTOTUNE:
            cycle_length = os.cpu_count() or 1
        self._cycle = _count(cycle_length, "cycle_length")
        self._block = 1 if block_length is None else _count(block_length, "block_length")
        if self._cycle <= 0 or self._block <= 0:
            raise ValueError(f"{transformation}: `cycle_length` and `block_length` must be "
                             f"positive; received {cycle_length} and {block_length}.")
        calls = parallel_calls(num_parallel_calls, transformation)
        # one thread per open dataset at most (AUTOTUNE: one per open dataset)
        self._workers = 1 if calls is None else self._cycle if calls == AUTOTUNE else \
            min(calls, self._cycle)
        self._deterministic = deterministic
        self._pipeline_deterministic = None  # set by with_options() downstream
        self._spec = self._probe_spec(input_dataset)

    def _call(self, arrays):
        with reusing_traces(self._traces):  # inner .map(f) traces f once, not per element
            return _dataset_result(self._fn(arrays), self._transformation)

    def _probe_spec(self, input_dataset):
        """The element spec of the inner datasets, from calls on stand-in elements: unknown
        input dimensions of size 1, then 2; output dimensions that differ become None."""
        specs = nest.flatten(input_dataset._spec)
        spec = self._call(probe_arrays(specs))._spec
        if any(getattr(s, "shape", None) is not None and (
                s.shape.rank is None or None in s.shape.dims) for s in specs):
            try:
                other = self._call(probe_arrays(specs, size=2))._spec
                structure.check_same_structure(spec, other, self._transformation)
                spec = nest.pack_sequence_as(spec, [composites.relax(a, b) for a, b in zip(
                    nest.flatten(spec), nest.flatten(other))])
            except (TypeError, ValueError, OpError):
                pass  # the function rejects the second stand-in: keep the first spec
        return spec

    def _open_dataset(self, element):
        inner = self._call(element)
        structure.check_same_structure(self._spec, inner._spec, self._transformation)
        return inner

    def _open(self, element):
        return self._open_dataset(element)._iterate()

    def _iterate(self):
        if self._workers > 1 and self._cycle > 1:
            from .parallel_interleave import interleave
            return interleave(self, self._workers, is_deterministic(self))
        return self._sequential()

    def _sequential(self):
        inputs = self._input._iterate()
        if self._cycle == 1:
            for element in inputs:
                yield from self._open(element)
            return
        slots = [None] * self._cycle
        input_done = False
        index = taken = 0
        while True:
            if slots[index] is None and not input_done:
                element = next(inputs, None)
                if element is None:
                    input_done = True
                else:
                    slots[index] = self._open(element)
            if slots[index] is None:
                if input_done and all(s is None for s in slots):
                    return
                index, taken = (index + 1) % self._cycle, 0
                continue
            item = next(slots[index], None)
            if item is None:
                slots[index] = None
                index, taken = (index + 1) % self._cycle, 0
                continue
            yield item
            taken += 1
            if taken == self._block:
                index, taken = (index + 1) % self._cycle, 0

    def _cardinality(self):
        return UNKNOWN if self._input._cardinality() != INFINITE else INFINITE


def _state_function(fn, initial_state, element_spec, transformation, outputs_state_first=True):
    """Traces `fn(state, element)` and relaxes the state's shapes when the function changes
    them (TensorFlow retraces the same way). Returns (function, state structure, arrays)."""
    init = structure.normalize_structure(initial_state)
    arrays = [structure.to_array(v) for v in nest.flatten(init)]
    spec = nest.pack_sequence_as(init, [structure.spec_of_array(a) for a in arrays])
    for _ in range(2):
        f = StructuredFunction(fn, [spec, element_spec], transformation)
        out = f.output_structure
        new_state = out[0] if outputs_state_first else out
        try:
            structure.check_same_structure(spec, new_state, transformation)
        except TypeError as e:
            raise TypeError(f"{transformation}: the new state must have the structure and "
                            f"types of the initial state: {e}") from None
        relaxed = nest.pack_sequence_as(spec, [
            TensorSpec(structure.most_specific_compatible(a.shape, b.shape), a.dtype)
            for a, b in zip(nest.flatten(spec), nest.flatten(new_state))])
        if nest.flatten(relaxed) == nest.flatten(spec):
            return f, spec, arrays
        spec = relaxed
    return f, spec, arrays


class ScanDataset(_Unary):
    def __init__(self, input_dataset, initial_state, scan_func):
        super().__init__(input_dataset)
        self._fn, self._state_spec, self._init = _state_function(
            scan_func, initial_state, input_dataset._spec, "Dataset.scan()")
        out = self._fn.output_structure
        if not isinstance(out, tuple) or len(out) != 2:
            raise TypeError(f"Dataset.scan(): `scan_func` must return a pair (new_state, "
                            f"output_element), got {out}.")
        self._n_state = len(nest.flatten(self._state_spec))
        self._spec = out[1]

    def _iterate(self):
        state_arrays = list(self._init)
        n = self._n_state
        for index, element in enumerate(self._input._iterate()):
            out = self._fn(tuple(state_arrays) + tuple(element), index)
            state_arrays = list(out[:n])
            yield tuple(out[n:])


def reduce_dataset(dataset, initial_state, reduce_func):
    fn, spec, arrays = _state_function(reduce_func, initial_state, dataset._spec,
                                       "Dataset.reduce()", outputs_state_first=False)
    for index, element in enumerate(dataset._iterate()):
        arrays = fn(tuple(arrays) + tuple(element), index)
    return structure.to_tensors(fn.output_structure, arrays)


# --- order and count ----------------------------------------------------------------------

class RepeatDataset(_Unary):
    def __init__(self, input_dataset, count=None):
        super().__init__(input_dataset)
        self._count = -1 if count is None else _count(count, "count")

    def _iterate(self):
        n = 0
        while self._count < 0 or n < self._count:
            empty = True
            for element in self._input._iterate():
                empty = False
                yield element
            if empty:
                return
            n += 1

    def _cardinality(self):
        n = self._input._cardinality()
        if self._count == 0 or n == 0:
            return 0
        if self._count < 0 or n == INFINITE:
            return INFINITE if n != UNKNOWN else UNKNOWN
        return UNKNOWN if n == UNKNOWN else n * self._count


class TakeDataset(_Unary):
    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self._count = _count(count, "count")

    def _iterate(self):
        if self._count == 0:
            return
        for i, element in enumerate(self._input._iterate()):
            yield element
            if self._count >= 0 and i + 1 >= self._count:
                return

    def _cardinality(self):
        n = self._input._cardinality()
        if self._count < 0:
            return n
        if n == UNKNOWN:
            return UNKNOWN
        return self._count if n == INFINITE else min(n, self._count)


class SkipDataset(_Unary):
    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self._count = _count(count, "count")

    def _iterate(self):
        it = self._input._iterate()
        if self._count < 0:
            for _ in it:
                pass
            return
        for _ in range(self._count):
            if next(it, None) is None:
                return
        yield from it

    def _cardinality(self):
        n = self._input._cardinality()
        if n < 0:
            return n
        return 0 if self._count < 0 else max(0, n - self._count)


class ShardDataset(_Unary):
    def __init__(self, input_dataset, num_shards, index):
        super().__init__(input_dataset)
        self._num, self._index = _count(num_shards, "num_shards"), _count(index, "index")
        if self._num <= 0 or not 0 <= self._index < self._num:
            raise InvalidArgumentError(f"Dataset.shard(): need num_shards > 0 and 0 <= index < "
                                       f"num_shards; received {self._num} and {self._index}.")

    def _iterate(self):
        for i, element in enumerate(self._input._iterate()):
            if i % self._num == self._index:
                yield element

    def _cardinality(self):
        n = self._input._cardinality()
        if n < 0:
            return n
        return n // self._num + (1 if self._index < n % self._num else 0)


def _shuffle_seeds(seed):
    """(global, op) seeds per TensorFlow's rules; None when nondeterministic."""
    op_seed = None if seed is None else int(structure.to_array(seed))
    gseed = state.global_seed
    if gseed is None and op_seed is None:
        return None
    if gseed is None:
        gseed = random_seed.DEFAULT_GRAPH_SEED
    if op_seed is None:
        # A counter kept with the eager generators, which tf.random.set_seed clears: the
        # sequence of dataset seeds restarts with the global seed, as TensorFlow's does.
        key = ("tf.data op seeds", gseed)
        op_seed = state.eager_generators.get(key, 0)
        state.eager_generators[key] = op_seed + 1
    return int(gseed), int(op_seed)


class ShuffleDataset(_Unary):
    def __init__(self, input_dataset, buffer_size, seed=None, reshuffle_each_iteration=True):
        super().__init__(input_dataset)
        size = _count(buffer_size, "buffer_size")
        if size == AUTOTUNE:
            size = 1024
        if size <= 0:
            raise InvalidArgumentError(f"Dataset.shuffle(): `buffer_size` must be greater than "
                                       f"zero; received {size}.")
        self._buffer_size = size
        self._seeds = _shuffle_seeds(seed)
        if self._seeds is None:  # nondeterministic: a fresh stream, kept per dataset
            self._seeds = tuple(int(v) for v in np.random.SeedSequence().generate_state(2))
            self._seeds = (self._seeds[0], self._seeds[1], "fresh")
        self._reshuffle = bool(reshuffle_each_iteration)
        self._epoch = 0

    def _generator(self):
        epoch = self._epoch if self._reshuffle else 0
        self._epoch += 1
        g, o = self._seeds[0], self._seeds[1]
        return np.random.default_rng([g & 0xFFFFFFFF, o & 0x7FFFFFFF, epoch, 3])

    def _iterate(self):
        return self._shuffled(self._input._iterate())

    def _shuffled_indices(self, n):
        """The order `_iterate` would give `n` elements in, as indices (batching slices of
        arrays gathers them by index instead of stacking elements)."""
        return self._shuffled(iter(range(n)))

    def _shuffled(self, it):
        rng = self._generator()
        buffer = []
        size = self._buffer_size
        for element in it:
            buffer.append(element)
            if len(buffer) >= size:
                break
        draws = iter(())
        for element in it:
            i = next(draws, None)
            if i is None:
                draws = iter(rng.integers(0, size, 256).tolist())
                i = next(draws)
            yield buffer[i]
            buffer[i] = element
        rng.shuffle(buffer)  # the buffer's remainder, in a random order
        yield from buffer


class UniqueDataset(_Unary):
    def __init__(self, input_dataset):
        super().__init__(input_dataset)
        specs = input_dataset._flat_specs
        if len(specs) != 1 or specs[0].shape.rank != 0 or not (
                specs[0].dtype.is_integer or specs[0].dtype == dtypes.string):
            raise TypeError(f"Dataset.unique(): only datasets of scalar integers or strings "
                            f"are supported; got {input_dataset._spec}.")

    def _iterate(self):
        seen = set()
        for element in self._input._iterate():
            key = element[0][()]
            if key not in seen:
                seen.add(key)
                yield element

    def _cardinality(self):
        n = self._input._cardinality()
        return INFINITE if n == INFINITE else UNKNOWN


class IgnoreErrorsDataset(_Unary):
    def _iterate(self):
        it = self._input._iterate()
        while True:
            try:
                element = next(it)
            except StopIteration:
                return
            except (OpError, ValueError, TypeError):
                continue
            yield element

    def _cardinality(self):
        return UNKNOWN


class SampleFromDatasets(DatasetV2):
    def __init__(self, datasets, weights=None, seed=None, stop_on_empty_dataset=False):
        datasets = list(datasets)
        if not datasets:
            raise ValueError("sample_from_datasets(): `datasets` must not be empty.")
        for d in datasets[1:]:
            structure.check_same_structure(datasets[0]._spec, d._spec, "sample_from_datasets()")
        self._datasets = datasets
        self._inputs = tuple(datasets)
        self._spec = datasets[0]._spec
        w = np.full(len(datasets), 1.0 / len(datasets)) if weights is None else \
            np.asarray(structure.to_array(weights), np.float64)
        if w.shape != (len(datasets),):
            raise ValueError(f"sample_from_datasets(): `weights` must have one value per "
                             f"dataset ({len(datasets)}); received shape {w.shape}.")
        self._weights = w / w.sum()
        self._seeds = _shuffle_seeds(seed) or tuple(
            int(v) for v in np.random.SeedSequence().generate_state(2))
        self._stop = stop_on_empty_dataset

    def _iterate(self):
        rng = np.random.default_rng([self._seeds[0] & 0xFFFFFFFF, self._seeds[1] & 0x7FFFFFFF, 4])
        iterators = [d._iterate() for d in self._datasets]
        alive = np.ones(len(iterators), bool)
        while alive.any():
            w = np.where(alive, self._weights, 0.0)
            if w.sum() <= 0:
                return
            i = int(rng.choice(len(iterators), p=w / w.sum()))
            element = next(iterators[i], None)
            if element is None:
                if self._stop:
                    return
                alive[i] = False
                continue
            yield element


class ChooseFromDatasets(DatasetV2):
    def __init__(self, datasets, choice_dataset, stop_on_empty_dataset=True):
        datasets = list(datasets)
        for d in datasets[1:]:
            structure.check_same_structure(datasets[0]._spec, d._spec, "choose_from_datasets()")
        spec = choice_dataset._spec
        if not isinstance(spec, TensorSpec) or spec.dtype != dtypes.int64 or spec.shape.rank != 0:
            raise TypeError(f"choose_from_datasets(): `choice_dataset` must be a dataset of "
                            f"scalar tf.int64 tensors; got {spec}.")
        self._datasets, self._choice = datasets, choice_dataset
        self._inputs = tuple(datasets) + (choice_dataset,)
        self._spec = datasets[0]._spec
        self._stop = stop_on_empty_dataset

    def _iterate(self):
        iterators = [d._iterate() for d in self._datasets]
        for (choice,) in self._choice._iterate():
            i = int(choice)
            if not 0 <= i < len(iterators):
                raise InvalidArgumentError(f"choose_from_datasets(): choice {i} is out of range "
                                           f"for {len(iterators)} datasets.")
            element = next(iterators[i], None)
            if element is None:
                if self._stop:
                    return
                continue
            yield element
