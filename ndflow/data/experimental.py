"""tf.data.experimental: the older names programs still use, on the same datasets."""
from .batching import GroupByWindowDataset
from .dataset import AUTOTUNE, INFINITE, UNKNOWN, DatasetV2
from .functions import disable_debug_mode, enable_debug_mode  # noqa: F401
from .optional import Optional  # noqa: F401
from .options import (AutoShardPolicy, AutotuneOptions, DistributeOptions,  # noqa: F401
                      OptimizationOptions, ThreadingOptions)
from .structure import DatasetSpec  # noqa: F401

INFINITE_CARDINALITY = INFINITE
UNKNOWN_CARDINALITY = UNKNOWN


def cardinality(dataset):
    """tf.data.experimental.cardinality(dataset)."""
    return dataset.cardinality()


def assert_cardinality(expected_cardinality):
    def apply(dataset):
        from ..framework.errors import FailedPreconditionError
        n = dataset._cardinality()
        expected = int(expected_cardinality)
        if n >= 0 and n != expected:
            raise FailedPreconditionError(f"Input dataset was expected to contain {expected} "
                                          f"elements but contained {n}.")
        return _with_cardinality(dataset, expected)
    return apply


def _with_cardinality(dataset, n):
    from .transforms import _Unary

    class _Asserted(_Unary):
        def _iterate(self):
            return self._input._iterate()

        def _cardinality(self):
            return n
    return _Asserted(dataset)


def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False):
    return DatasetV2.sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset)


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
    return DatasetV2.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)


def Counter(start=0, step=1, dtype=None):  # noqa: N802 - TensorFlow's name
    return DatasetV2.counter(start, step, dtype)


def get_single_element(dataset):
    return dataset.get_single_element()


def enumerate_dataset(start=0):
    return lambda dataset: dataset.enumerate(start)


def dense_to_ragged_batch(batch_size, drop_remainder=False, row_splits_dtype=None):
    """tf.data.experimental.dense_to_ragged_batch: `Dataset.ragged_batch` as a transformation
    for `Dataset.apply`."""
    return lambda dataset: dataset.ragged_batch(batch_size, drop_remainder, row_splits_dtype)


def dense_to_sparse_batch(batch_size, row_shape):
    """tf.data.experimental.dense_to_sparse_batch: `Dataset.sparse_batch` for `apply`."""
    return lambda dataset: dataset.sparse_batch(batch_size, row_shape)


def unbatch():
    return lambda dataset: dataset.unbatch()


def ignore_errors(log_warning=False):
    return lambda dataset: dataset.ignore_errors()


def unique():
    return lambda dataset: dataset.unique()


def scan(initial_state, scan_func):
    return lambda dataset: dataset.scan(initial_state, scan_func)


def take_while(predicate):
    return lambda dataset: dataset.take_while(predicate)


def shuffle_and_repeat(buffer_size, count=None, seed=None):
    return lambda dataset: dataset.shuffle(buffer_size, seed).repeat(count)


def map_and_batch(map_func, batch_size, num_parallel_batches=None, drop_remainder=False,
                  num_parallel_calls=None):
    return lambda dataset: dataset.map(map_func).batch(batch_size, drop_remainder)


def parallel_interleave(map_func, cycle_length, block_length=1, sloppy=False,
                        buffer_output_elements=None, prefetch_input_elements=None):
    return lambda dataset: dataset.interleave(map_func, cycle_length, block_length)


def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None):
    return lambda dataset: GroupByWindowDataset(dataset, key_func, reduce_func, window_size,
                                                window_size_func)


def bucket_by_sequence_length(element_length_func, bucket_boundaries, bucket_batch_sizes,
                              padded_shapes=None, padding_values=None,
                              pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):
    return lambda dataset: dataset.bucket_by_sequence_length(
        element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes,
        padding_values, pad_to_bucket_boundary, no_padding, drop_remainder)


def prefetch_to_device(device, buffer_size=None):
    return lambda dataset: dataset.prefetch(AUTOTUNE if buffer_size is None else buffer_size)


def copy_to_device(target_device, source_device="/cpu:0"):
    return lambda dataset: dataset


def __getattr__(name):  # file datasets load their readers on first use
    if name in ("CsvDataset", "make_csv_dataset"):
        from . import csv_dataset
        return getattr(csv_dataset, name)
    if name in ("TFRecordWriter",):
        from ..io.tfrecord import TFRecordWriter
        return TFRecordWriter
    raise AttributeError(f"module 'ndflow.data.experimental' has no attribute {name!r}")
