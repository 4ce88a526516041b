"""tf.data.Dataset: the base class and its methods.

A dataset describes its elements (`element_spec`) and makes a fresh pass over them on
each iteration (`_iterate()`, a Python iterator of flat tuples of NumPy arrays). The
methods build new datasets from the classes in sources, transforms and batching; iterating
(`for x in ds`, `iter(ds)`, `as_numpy_iterator()`) hands out nested EagerTensors.
"""
import numpy as np

from ..framework.context import building_here
from ..framework.tensor_shape import TensorShape
from ..util import nest
from . import structure

INFINITE = -1
UNKNOWN = -2
AUTOTUNE = -1


class DatasetV2:
    """Represents a potentially large set of elements, read in order (tf.data.Dataset)."""

    _spec = None
    _inputs = ()

    # --- what a dataset provides -----------------------------------------------------------
    @property
    def element_spec(self):
        """The nested structure of `tf.TensorSpec`s of one element."""
        return self._spec

    def _iterate(self):  # pragma: no cover - every dataset class defines it
        raise NotImplementedError

    def _cardinality(self):
        return UNKNOWN

    @property
    def _flat_specs(self):
        """The TensorSpecs of the arrays an element flows as (composites expanded)."""
        return nest.flatten(self._spec, expand_composites=True)

    # --- iteration -------------------------------------------------------------------------
    def __iter__(self):
        from . import iterator
        if building_here() is not None:
            return iterator.GraphIterator(self)
        return iterator.OwnedIterator(self)

    def _autograph_for(self, extra_test, body, get_state, set_state, names, live, loc,
                       try_loc):
        from .iterator import dataset_autograph_for
        dataset_autograph_for(self, extra_test, body, get_state, set_state, names, live, loc,
                              try_loc)

    def as_numpy_iterator(self):
        """Iterates the elements as NumPy values (arrays, NumPy scalars, bytes)."""
        spec = self._spec
        for flat in self._iterate():
            yield structure.to_numpy(spec, flat)

    def __len__(self):
        n = self._cardinality()
        if n == INFINITE:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN:
            raise TypeError("The dataset length is unknown.")
        return n

    def __bool__(self):
        return True

    def cardinality(self):
        """The number of elements as a scalar int64 tensor; `tf.data.INFINITE_CARDINALITY`
        (-1) or `tf.data.UNKNOWN_CARDINALITY` (-2) when not known statically."""
        from ..framework.tensor import EagerTensor
        return EagerTensor(np.asarray(self._cardinality(), np.int64))

    def options(self):
        from .options import Options
        opts = Options()
        for d in self._walk():
            own = getattr(d, "_own_options", None)
            if own is not None:
                opts = opts.merge(own)
        return opts

    def _walk(self):
        seen, stack, order = set(), [self], []
        while stack:
            d = stack.pop()
            if id(d) in seen:
                continue
            seen.add(id(d))
            order.append(d)
            stack.extend(d._inputs)
        return reversed(order)

    def __repr__(self):
        return f"<{type(self).__name__} element_spec={self._spec}>"

    # --- sources ---------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None):
        """A dataset whose elements are slices of `tensors` along their first dimension."""
        from .sources import TensorSliceDataset
        return TensorSliceDataset(tensors)

    @staticmethod
    def from_tensors(tensors, name=None):
        """A dataset with the single element `tensors`."""
        from .sources import TensorDataset
        return TensorDataset(tensors)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name=None):
        """A dataset of the elements `generator()` yields (called afresh on each pass)."""
        from .sources import GeneratorDataset
        return GeneratorDataset(generator, output_types, output_shapes, args, output_signature)

    @staticmethod
    def range(*args, dtype=None, name=None):
        """Like Python's range: `range(stop)`, `range(start, stop[, step])`, int64 elements."""
        from .sources import RangeDataset
        return RangeDataset(*args, dtype=dtype)

    @staticmethod
    def zip(*datasets, name=None):
        """Elements of `datasets` (a nested structure of datasets) side by side."""
        from .sources import ZipDataset
        if len(datasets) == 1:
            datasets = datasets[0]
        return ZipDataset(datasets)

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None):
        """File names matching `file_pattern` (a glob or a list of them), shuffled unless
        `shuffle=False`."""
        from .readers import list_files
        return list_files(file_pattern, shuffle, seed)

    @staticmethod
    def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
                             rerandomize_each_iteration=None):
        from .transforms import SampleFromDatasets
        return SampleFromDatasets(datasets, weights, seed, stop_on_empty_dataset)

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
        from .transforms import ChooseFromDatasets
        return ChooseFromDatasets(datasets, choice_dataset, stop_on_empty_dataset)

    @staticmethod
    def counter(start=0, step=1, dtype=None, name=None):
        from .sources import CounterDataset
        return CounterDataset(start, step, dtype)

    # --- element-wise transformations ------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """Applies `map_func` (traced once into a graph) to each element."""
        from .transforms import MapDataset
        return MapDataset(self, map_func, num_parallel_calls, deterministic)

    def filter(self, predicate, name=None):
        """Keeps the elements for which `predicate` returns True (a scalar bool)."""
        from .transforms import FilterDataset
        return FilterDataset(self, predicate)

    def flat_map(self, map_func, name=None):
        """Maps each element to a dataset and flattens the results in order."""
        from .transforms import InterleaveDataset
        return InterleaveDataset(self, map_func, cycle_length=1, block_length=1,
                                 transformation="Dataset.flat_map()")

    def interleave(self, map_func, cycle_length=None, block_length=None,
                   num_parallel_calls=None, deterministic=None, name=None):
        """Maps elements to datasets and takes `block_length` elements from each of
        `cycle_length` of them in turn."""
        from .transforms import InterleaveDataset
        return InterleaveDataset(self, map_func, cycle_length, block_length,
                                 num_parallel_calls=num_parallel_calls,
                                 deterministic=deterministic)

    def enumerate(self, start=0, name=None):
        """Pairs each element with its int64 index: `(i, element)`."""
        from .sources import RangeDataset, ZipDataset
        return ZipDataset((RangeDataset(start, None), self))

    def scan(self, initial_state, scan_func, name=None):
        """Transforms elements with a running state: `new_state, out = scan_func(state, x)`."""
        from .transforms import ScanDataset
        return ScanDataset(self, initial_state, scan_func)

    def apply(self, transformation_func):
        """`transformation_func(self)`, which must return a Dataset."""
        result = transformation_func(self)
        if not isinstance(result, DatasetV2):
            raise TypeError(f"Dataset.apply(): `transformation_func` must return a Dataset, "
                            f"got {result!r}.")
        return result

    def ignore_errors(self, log_warning=False, name=None):
        from .transforms import IgnoreErrorsDataset
        return IgnoreErrorsDataset(self)

    def unique(self, name=None):
        from .transforms import UniqueDataset
        return UniqueDataset(self)

    # --- order and count -------------------------------------------------------------------
    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None, name=None):
        """Randomly shuffles elements through a buffer of `buffer_size` elements."""
        from .transforms import ShuffleDataset
        return ShuffleDataset(self, buffer_size, seed,
                              True if reshuffle_each_iteration is None
                              else reshuffle_each_iteration)

    def repeat(self, count=None, name=None):
        """Repeats the dataset `count` times (forever when None or -1)."""
        from .transforms import RepeatDataset
        return RepeatDataset(self, count)

    def take(self, count, name=None):
        from .transforms import TakeDataset
        return TakeDataset(self, count)

    def skip(self, count, name=None):
        from .transforms import SkipDataset
        return SkipDataset(self, count)

    def take_while(self, predicate, name=None):
        from .transforms import TakeWhileDataset
        return TakeWhileDataset(self, predicate)

    def shard(self, num_shards, index, name=None):
        from .transforms import ShardDataset
        return ShardDataset(self, num_shards, index)

    def concatenate(self, dataset, name=None):
        from .sources import ConcatenateDataset
        return ConcatenateDataset(self, dataset)

    # --- performance -----------------------------------------------------------------------
    def prefetch(self, buffer_size, name=None):
        """Prepares up to `buffer_size` elements ahead in a background thread.

        With `tf.data.AUTOTUNE` the elements are made in the consumer's thread while they are
        cheap (a median under 0.2 ms), where a thread's hand-over would cost more than it
        overlaps, and in a background thread (8 elements ahead) once they are not."""
        from .performance import PrefetchDataset
        return PrefetchDataset(self, buffer_size)

    def cache(self, filename="", name=None):
        """Keeps the elements of the first full pass in memory (or in `filename`)."""
        from .performance import CacheDataset
        return CacheDataset(self, filename)

    def save(self, path, compression=None, shard_func=None, checkpoint_args=None):
        """Writes the elements to the directory `path` (ndflow's format, see
        data/saving.py); `Dataset.load(path)` reads them back."""
        from .saving import save
        save(self, path, compression, shard_func, checkpoint_args)

    @staticmethod
    def load(path, element_spec=None, compression=None, reader_func=None):
        """Reads a dataset written by `Dataset.save` (see data/saving.py)."""
        from .saving import load
        return load(path, element_spec, compression, reader_func)

    def with_options(self, options, name=None):
        from .options import OptionsDataset
        return OptionsDataset(self, options)

    # --- batching ---------------------------------------------------------------------------
    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None,
              deterministic=None, name=None):
        """Stacks `batch_size` consecutive elements into one."""
        from .batching import BatchDataset
        return BatchDataset(self, batch_size, drop_remainder, num_parallel_calls,
                            deterministic)

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None,
                     drop_remainder=False, name=None):
        """Batches elements of different shapes, padding each to `padded_shapes` (the
        longest in the batch where a dimension is None)."""
        from .batching import PaddedBatchDataset
        return PaddedBatchDataset(self, batch_size, padded_shapes, padding_values,
                                  drop_remainder)

    def ragged_batch(self, batch_size, drop_remainder=False, row_splits_dtype=None,
                     name=None):
        """Like `batch`, but dense components whose shapes differ between elements become
        RaggedTensors (every dimension up to the last unknown one ragged)."""
        from ..framework import dtypes
        from .composite_batching import ragged_batch
        return ragged_batch(self, batch_size, drop_remainder,
                            dtypes.int64 if row_splits_dtype is None else row_splits_dtype)

    def sparse_batch(self, batch_size, row_shape, name=None):
        """Batches elements (one dense component each) into SparseTensors of dense shape
        [batch] + `row_shape` (None / -1 dimensions: the batch's largest)."""
        from .composite_batching import SparseBatchDataset
        return SparseBatchDataset(self, batch_size, row_shape)

    def unbatch(self, name=None):
        """Splits each element along its first dimension into several."""
        from .batching import UnbatchDataset
        return UnbatchDataset(self)

    def rebatch(self, batch_size, drop_remainder=False, name=None):
        from .batching import BatchDataset, UnbatchDataset
        return BatchDataset(UnbatchDataset(self), batch_size, drop_remainder)

    def window(self, size, shift=None, stride=1, drop_remainder=False, name=None):
        """Elements grouped into windows, each a (nested structure of) Dataset."""
        from .batching import WindowDataset
        return WindowDataset(self, size, shift, stride, drop_remainder)

    def group_by_window(self, key_func, reduce_func, window_size=None,
                        window_size_func=None, name=None):
        from .batching import GroupByWindowDataset
        return GroupByWindowDataset(self, key_func, reduce_func, window_size, window_size_func)

    def bucket_by_sequence_length(self, element_length_func, bucket_boundaries,
                                  bucket_batch_sizes, padded_shapes=None, padding_values=None,
                                  pad_to_bucket_boundary=False, no_padding=False,
                                  drop_remainder=False, name=None):
        from .batching import bucket_by_sequence_length
        return bucket_by_sequence_length(self, element_length_func, bucket_boundaries,
                                         bucket_batch_sizes, padded_shapes, padding_values,
                                         pad_to_bucket_boundary, no_padding, drop_remainder)

    # --- reductions --------------------------------------------------------------------------
    def reduce(self, initial_state, reduce_func, name=None):
        """Folds the elements into one value: `state = reduce_func(state, element)`."""
        from .transforms import reduce_dataset
        return reduce_dataset(self, initial_state, reduce_func)

    def get_single_element(self, name=None):
        it = self._iterate()
        first = next(it, None)
        if first is None:
            from ..framework.errors import InvalidArgumentError
            raise InvalidArgumentError("Dataset was empty.")
        if next(it, None) is not None:
            from ..framework.errors import InvalidArgumentError
            raise InvalidArgumentError("Dataset had more than one element.")
        return structure.to_tensors(self._spec, first)

    # --- TF1 iterators ------------------------------------------------------------------------
    def make_one_shot_iterator(self):
        from .iterator import make_one_shot_iterator
        return make_one_shot_iterator(self)

    def make_initializable_iterator(self, shared_name=None):
        from .iterator import make_initializable_iterator
        return make_initializable_iterator(self)

    @property
    def output_types(self):
        return structure.spec_types(self._spec)

    @property
    def output_shapes(self):
        return structure.spec_shapes(self._spec)


Dataset = DatasetV2


def _unknown_batch(spec):
    return TensorShape([None]).concatenate(spec.shape)
