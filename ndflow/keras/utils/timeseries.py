"""keras.utils.timeseries_dataset_from_array: sliding windows over an array as a Dataset.

Window `i` starts at `start_index + i * sequence_stride` and takes `sequence_length` steps
`sampling_rate` apart; its target is `targets[start_index + i * sequence_stride]`. Windows
are cut from the array in whole batches (one gather per batch, not one per window), so a
long series costs one indexing step per batch.
"""
import numpy as np

from ...data.dataset import Dataset
from ...ops import indexing_ops


def _as_array(value, name):
    array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if array.ndim == 0:
        raise ValueError(f"`{name}` must be an array with a time axis first; received a "
                         f"scalar {name}={value!r}.")
    return array


def _check_positive(name, value, length):
    if not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"`{name}` must be an integer higher than 0. Received: "
                         f"{name}={value!r}")
    if value >= length:
        raise ValueError(f"`{name}` must be lower than the length of the data. Received: "
                         f"{name}={value}, for data of length {length}")


def _window_range(length, start_index, end_index):
    start = 0 if start_index is None else start_index
    if start < 0:
        raise ValueError(f"`start_index` must be 0 or greater. Received: start_index={start}")
    if start >= length:
        raise ValueError(f"`start_index` must be lower than the length of the data. "
                         f"Received: start_index={start}, for data of length {length}")
    if end_index is None:
        return start, length
    if end_index <= 0 or end_index <= start:
        raise ValueError(f"`end_index` must be higher than 0 and than `start_index`. "
                         f"Received: start_index={start}, end_index={end_index}")
    if end_index >= length:
        raise ValueError(f"`end_index` must be lower than the length of the data. "
                         f"Received: end_index={end_index}, for data of length {length}")
    return start, end_index


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1,
                                  sampling_rate=1, batch_size=128, shuffle=False, seed=None,
                                  start_index=None, end_index=None):
    """Creates a dataset of sliding windows over a timeseries given as an array.

    Args:
      data: Array or eager tensor of consecutive time steps, time on axis 0.
      targets: Array of targets, `targets[i]` belonging to the window starting at step
        `i` (counted from `start_index`); or None to yield the windows alone.
      sequence_length: Number of steps in each window.
      sequence_stride: Steps between the starts of successive windows.
      sampling_rate: Steps between successive samples inside a window.
      batch_size: Windows per batch (the last may be smaller); None yields single windows.
      shuffle: Whether to draw the windows in random order instead of in time order.
      seed: Optional int seed for the shuffling.
      start_index: First step (inclusive) that windows may use; default 0.
      end_index: Last step (exclusive) that windows may use; default the data's length.

    Returns:
      A `tf.data.Dataset` of `(windows, targets)` pairs, or of windows when `targets` is
      None. Windows have shape `(batch, sequence_length) + data.shape[1:]` and keep the
      data's dtype.

    Raises:
      ValueError: If an index, stride or rate is out of range.
    """
    data = _as_array(data, "data")
    length = len(data)
    start, end = _window_range(length, start_index, end_index)
    _check_positive("sampling_rate", sampling_rate, length)
    _check_positive("sequence_stride", sequence_stride, length)
    if not isinstance(sequence_length, (int, np.integer)) or sequence_length <= 0:
        raise ValueError(f"`sequence_length` must be an integer higher than 0. Received: "
                         f"sequence_length={sequence_length!r}")
    count = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        targets = _as_array(targets, "targets")
        count = min(count, len(targets) - start)
    starts = np.arange(0, max(count, 0), sequence_stride, dtype=np.int64)
    if shuffle:
        seed = np.random.randint(1_000_000) if seed is None else seed
        np.random.RandomState(seed).shuffle(starts)
    offsets = np.arange(sequence_length, dtype=np.int64) * sampling_rate
    steps = data[start:end]
    labels = None if targets is None else targets[start:end]

    def windows(first):  # first: the window starts, () or (batch,)
        cut = indexing_ops.gather(steps, first[..., None] + offsets)
        return cut if labels is None else (cut, indexing_ops.gather(labels, first))

    dataset = Dataset.from_tensor_slices(starts)
    if shuffle:
        dataset = dataset.shuffle(1024 if batch_size is None else batch_size * 8, seed=seed)
    if batch_size is not None:
        dataset = dataset.batch(batch_size)
    return dataset.map(windows)
