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
    """Transformation asserting that a dataset has `expected_cardinality` elements.

    The result reports that cardinality (useful after `filter` and similar, whose size is
    otherwise unknown).

    Args:
      expected_cardinality: The number of elements.

    Returns:
      A function `dataset -> Dataset` for `Dataset.apply`.

    Raises:
      FailedPreconditionError: When applied to a dataset whose known cardinality differs.
    """
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
    """Interleaves elements drawn at random from several datasets.

    Args:
      datasets: A list of datasets with compatible element structures.
      weights: Optional list of floats (or a dataset of them): the probability of each source
        (uniform by default).
      seed: Optional int seed.
      stop_on_empty_dataset: If true, stop as soon as one source is exhausted; otherwise keep
        sampling from the rest.

    Returns:
      A `Dataset`.
    """
    return DatasetV2.sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset)


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
    """Interleaves elements of several datasets in the order an index dataset gives.

    Args:
      datasets: A list of datasets with compatible element structures.
      choice_dataset: A dataset of `int64` scalars in `[0, len(datasets))`: where each element
        comes from.
      stop_on_empty_dataset: If true (default), stop when the chosen dataset is exhausted.

    Returns:
      A `Dataset`.
    """
    return DatasetV2.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)


def Counter(start=0, step=1, dtype=None):  # noqa: N802 - TensorFlow's name
    """A dataset counting from `start` in steps of `step`, without end.

    Args:
      start: The first value (default 0).
      step: The increment (default 1).
      dtype: The elements' dtype (default `int64`).

    Returns:
      An infinite `Dataset` of scalars.

    Example:

    >>> [int(x) for x in ndflow.data.experimental.Counter(5).take(3)]
    [5, 6, 7]
    """
    return DatasetV2.counter(start, step, dtype)


def get_single_element(dataset):
    """Returns the only element of `dataset`.

    Args:
      dataset: A `Dataset` with exactly one element.

    Returns:
      The element (a nested structure of tensors).

    Raises:
      InvalidArgumentError: If the dataset is empty or has more than one element.
    """
    return dataset.get_single_element()


def enumerate_dataset(start=0):
    """Transformation pairing each element with its index: `(index, element)`.

    Args:
      start: The first index (default 0).

    Returns:
      A function `dataset -> Dataset` for `Dataset.apply`.
    """
    return lambda dataset: dataset.enumerate(start)


def dense_to_ragged_batch(batch_size, drop_remainder=False, row_splits_dtype=None):
    """tf.data.experimental.dense_to_ragged_batch: `Dataset.ragged_batch` as a transformation
    for `Dataset.apply`."""
    return lambda dataset: dataset.ragged_batch(batch_size, drop_remainder, row_splits_dtype)


def dense_to_sparse_batch(batch_size, row_shape):
    """tf.data.experimental.dense_to_sparse_batch: `Dataset.sparse_batch` for `apply`."""
    return lambda dataset: dataset.sparse_batch(batch_size, row_shape)


def unbatch():
    """Transformation splitting each element along its first dimension into separate elements.

    Returns:
      A function `dataset -> Dataset` for `Dataset.apply`.
    """
    return lambda dataset: dataset.unbatch()


def ignore_errors(log_warning=False):
    """Transformation dropping elements whose computation raises an error.

    Args:
      log_warning: Accepted for compatibility (errors are dropped silently).

    Returns:
      A function `dataset -> Dataset` for `Dataset.apply`.
    """
    return lambda dataset: dataset.ignore_errors()


def unique():
    """Transformation keeping the first occurrence of each distinct (scalar) element.

    Returns:
      A function `dataset -> Dataset` for `Dataset.apply`.
    """
    return lambda dataset: dataset.unique()


def scan(initial_state, scan_func):
    """Transformation threading a state through the elements, like a fold that emits values.

    Args:
      initial_state: The starting state (a nested structure of tensors).
      scan_func: A function `(state, element) -> (new_state, output)`.

    Returns:
      A function `dataset -> Dataset` for `Dataset.apply`.
    """
    return lambda dataset: dataset.scan(initial_state, scan_func)


def take_while(predicate):
    """Transformation keeping elements until `predicate` first returns False.

    Args:
      predicate: A function `element -> bool scalar`.

    Returns:
      A function `dataset -> Dataset` for `Dataset.apply`.
    """
    return lambda dataset: dataset.take_while(predicate)


def shuffle_and_repeat(buffer_size, count=None, seed=None):
    """Transformation shuffling and repeating: `dataset.shuffle(buffer_size, seed).repeat(count)`.

    Args:
      buffer_size: The shuffle buffer's size.
      count: The number of repetitions (None: forever).
      seed: Optional int seed.

    Returns:
      A function `dataset -> Dataset` for `Dataset.apply`.
    """
    return lambda dataset: dataset.shuffle(buffer_size, seed).repeat(count)


def map_and_batch(map_func, batch_size, num_parallel_batches=None, drop_remainder=False,
                  num_parallel_calls=None):
    """Transformation mapping and then batching: `dataset.map(map_func).batch(...)`.

    Args:
      map_func: The function applied to each element.
      batch_size: The number of elements per batch.
      num_parallel_batches: How many batches to compute at once (the map then runs
        `num_parallel_batches * batch_size` calls in parallel).
      drop_remainder: Whether to drop a final smaller batch.
      num_parallel_calls: How many elements to map in parallel (or tf.data.AUTOTUNE).

    Returns:
      A function `dataset -> Dataset` for `Dataset.apply`.
    """
    if num_parallel_calls is None and num_parallel_batches is not None:
        num_parallel_calls = int(num_parallel_batches) * int(batch_size)
    return lambda dataset: dataset.map(map_func, num_parallel_calls).batch(batch_size,
                                                                           drop_remainder)


def parallel_interleave(map_func, cycle_length, block_length=1, sloppy=False,
                        buffer_output_elements=None, prefetch_input_elements=None):
    """Transformation interleaving the datasets `map_func` returns: `dataset.interleave(...)`.

    Args:
      map_func: A function `element -> Dataset`.
      cycle_length: How many input elements are interleaved at once.
      block_length: How many consecutive elements to take from each.
      sloppy: Whether elements may come out of order (from whichever open dataset has
        one ready); the inner datasets are iterated in parallel either way.
      buffer_output_elements: Accepted for compatibility.
      prefetch_input_elements: Accepted for compatibility.

    Returns:
      A function `dataset -> Dataset` for `Dataset.apply`.
    """
    return lambda dataset: dataset.interleave(map_func, cycle_length, block_length,
                                              num_parallel_calls=cycle_length,
                                              deterministic=not sloppy)


def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None):
    """Transformation grouping elements by key and reducing each window of a group.

    Elements with the same `key_func(element)` are collected; every `window_size` of them (or
    the rest, at the end) are passed as a dataset to `reduce_func(key, window)`, whose
    resulting datasets are concatenated.

    Args:
      key_func: A function `element -> int64 scalar`.
      reduce_func: A function `(key, window_dataset) -> Dataset`.
      window_size: The window size (or give `window_size_func`).
      window_size_func: A function `key -> int64 window size`.

    Returns:
      A function `dataset -> Dataset` for `Dataset.apply`.
    """
    return lambda dataset: GroupByWindowDataset(dataset, key_func, reduce_func, window_size,
                                                window_size_func)


def bucket_by_sequence_length(element_length_func, bucket_boundaries, bucket_batch_sizes,
                              padded_shapes=None, padding_values=None,
                              pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):
    """Transformation batching elements of similar length together, padding within a batch.

    Elements go to the bucket whose boundaries enclose `element_length_func(element)`; each
    bucket is padded-batched with its own batch size.

    Args:
      element_length_func: A function `element -> int32 length`.
      bucket_boundaries: Increasing upper length bounds, e.g. `[10, 20]` (3 buckets).
      bucket_batch_sizes: One batch size per bucket (`len(bucket_boundaries) + 1`).
      padded_shapes: Optional shapes to pad to (default: each batch's longest).
      padding_values: Optional padding values (default 0 / empty string).
      pad_to_bucket_boundary: Whether to pad to the bucket's boundary - 1.
      no_padding: If true, batch without padding (the elements must have equal shapes).
      drop_remainder: Whether to drop each bucket's final smaller batch.

    Returns:
      A function `dataset -> Dataset` for `Dataset.apply`.
    """
    return lambda dataset: dataset.bucket_by_sequence_length(
        element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes,
        padding_values, pad_to_bucket_boundary, no_padding, drop_remainder)


def prefetch_to_device(device, buffer_size=None):
    """Transformation prefetching `buffer_size` elements (default AUTOTUNE).

    ndflow keeps data on the host, so this is `dataset.prefetch`.

    Args:
      device: The target device (accepted for compatibility).
      buffer_size: How many elements to prefetch.

    Returns:
      A function `dataset -> Dataset` for `Dataset.apply`.
    """
    return lambda dataset: dataset.prefetch(AUTOTUNE if buffer_size is None else buffer_size)


def save(dataset, path, compression=None, shard_func=None, checkpoint_args=None):
    """tf.data.experimental.save: `dataset.save(path, ...)` (ndflow's own format).

    Args:
      dataset: The Dataset to save.
      path: The directory to write.
      compression: None, "GZIP" or "ZLIB".
      shard_func: Optional function `element -> int64` choosing each element's shard.
      checkpoint_args: Accepted for compatibility.
    """
    from .saving import save as _save
    _save(dataset, path, compression, shard_func, checkpoint_args)


def load(path, element_spec=None, compression=None, reader_func=None):
    """tf.data.experimental.load: `tf.data.Dataset.load(path, ...)`.

    Args:
      path: The directory `save` wrote.
      element_spec: Optional; read from the directory when None.
      compression: Accepted for compatibility (the directory records its own).
      reader_func: Optional function `datasets -> Dataset` over the shard datasets.

    Returns:
      The loaded Dataset.
    """
    from .saving import load as _load
    return _load(path, element_spec, compression, reader_func)


def copy_to_device(target_device, source_device="/cpu:0"):
    """Transformation accepted for compatibility: it returns the dataset unchanged.

    Args:
      target_device: The target device.
      source_device: The source device.

    Returns:
      A function `dataset -> Dataset` for `Dataset.apply`.
    """
    return lambda dataset: dataset


def __getattr__(name):  # file datasets load their readers on first use
    if name in ("CsvDataset", "make_csv_dataset"):
        from . import csv_dataset
        return getattr(csv_dataset, name)
    if name in ("TFRecordWriter",):
        from ..io.tfrecord import TFRecordWriter
        return TFRecordWriter
    raise AttributeError(f"module 'ndflow.data.experimental' has no attribute {name!r}")
