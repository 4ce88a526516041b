"""TF1 input producers, readers and batching on queues: string_input_producer,
input_producer, slice_input_producer, TextLineReader, WholeFileReader, TFRecordReader,
tf.train.batch and shuffle_batch."""
import threading

import numpy as np

from ..framework import dtypes
from ..framework.context import building_graph
from ..framework.errors import OutOfRangeError
from ..framework.registry import execute, op
from ..framework.tensor import EagerTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from ..io import tfrecord
from .queues import (V1_FIFOQueue as FIFOQueue, V1_PaddingFIFOQueue as PaddingFIFOQueue,
                     QueueRunner, V1_RandomShuffleQueue as RandomShuffleQueue, _graph,
                     add_queue_runner)


class _Epochs:
    """The values a producer enqueues, one epoch per run, `num_epochs` per Session."""

    def __init__(self, arrays, num_epochs, shuffle, seed, range_limit=False):
        self.arrays = arrays  # None entries: tensors the enqueue op gets as inputs
        self.range_limit = range_limit  # arrays[0] is a limit: each epoch is arange(limit)
        self.num_epochs = num_epochs
        self.shuffle = shuffle
        from ..framework import random_seed
        g, s = random_seed.get_seed(seed)
        self._seed = None if g is None else (g, s or 0)
        self._done = {}
        self._lock = threading.Lock()

    def next_epoch(self, store, fed):
        with self._lock:
            count = self._done.get(id(store), 0)
            if self.num_epochs is not None and count >= self.num_epochs:
                raise OutOfRangeError(f"Reached the limit of {self.num_epochs} epochs.")
            self._done[id(store)] = count + 1
        fed = iter(fed)  # the values of graph tensors, in the order of the None entries
        arrays = [np.asarray(next(fed)) if a is None else a for a in self.arrays]
        if self.range_limit:
            arrays = [np.arange(int(arrays[0]), dtype=np.int32)]
        n = arrays[0].shape[0]
        if not self.shuffle:
            return arrays
        rng = np.random.default_rng(None if self._seed is None else
                                    [self._seed[0] & 0xFFFFFFFF, self._seed[1] & 0x7FFFFFFF,
                                     count, 6])
        order = rng.permutation(n)
        return [a[order] for a in arrays]


@op("InputProducerEnqueue", host=True, stateful=True, uses_store=True, differentiable=False,
    infer=lambda ts, a: [])
def INPUT_PRODUCER_ENQUEUE(xp, store, *fed, queue, epochs):
    arrays = epochs.next_epoch(store, fed)
    for i in range(arrays[0].shape[0]):
        queue._put(tuple(np.asarray(a[i]) for a in arrays))


def _as_array(value, dtype=None):
    """The producer's values as an array, or a graph tensor as it is (evaluated each epoch)."""
    from ..data.structure import to_array
    if isinstance(value, TensorLike):
        op_ = getattr(value, "op", None)
        if op_ is not None and op_.type == "Const":  # tf.convert_to_tensor(list) in a graph
            return to_array(op_.attrs["value"], dtype)
        if not isinstance(value, EagerTensor):
            return value
        value = value.numpy()
    return to_array(value, dtype)


def input_producer(input_tensor, element_shape=None, num_epochs=None, shuffle=True, seed=None,
                   capacity=32, shared_name=None, summary_name=None, name=None,
                   cancel_op=None):
    """A queue that yields the rows of `input_tensor`, `num_epochs` times (forever when
    None), shuffled each epoch unless `shuffle=False`; a QueueRunner fills it."""
    arr = _as_array(input_tensor)
    return _producer([arr], num_epochs, shuffle, seed, capacity, name or "input_producer")


def _spec(value):
    if isinstance(value, TensorLike):  # a graph tensor: its static dtype and row shape
        return value.dtype, value.shape[1:] if value.shape.rank else TensorShape(None)
    dtype = dtypes.string if value.dtype.kind in "OSU" else dtypes.from_numpy(value.dtype)
    return dtype, TensorShape(value.shape[1:])


def _producer(arrays, num_epochs, shuffle, seed, capacity, name, range_limit=False):
    specs = [(dtypes.int32, TensorShape([]))] if range_limit else [_spec(a) for a in arrays]
    q = FIFOQueue(capacity, [d for d, _ in specs], [s for _, s in specs], name=name)
    fed = tuple(a for a in arrays if isinstance(a, TensorLike))
    epochs = _Epochs([None if isinstance(a, TensorLike) else a for a in arrays], num_epochs,
                     shuffle, seed, range_limit)
    with building_graph(_graph()):
        enqueue = execute(INPUT_PRODUCER_ENQUEUE, fed, {"queue": q, "epochs": epochs},
                          name + "_enqueue")
    add_queue_runner(QueueRunner(q, [enqueue]))
    return q


def string_input_producer(string_tensor, num_epochs=None, shuffle=True, seed=None, capacity=32,
                          shared_name=None, name=None, cancel_op=None):
    """A queue of the file names in `string_tensor` for a reader, `num_epochs` times."""
    arr = _as_array(string_tensor, dtypes.string)
    if isinstance(arr, TensorLike):
        return _producer([arr], num_epochs, shuffle, seed, capacity, name or "input_producer")
    if arr.size == 0:
        raise ValueError("string_input_producer: `string_tensor` is empty.")
    return _producer([arr.reshape(-1)], num_epochs, shuffle, seed, capacity,
                     name or "input_producer")


def range_input_producer(limit, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """TF1: a queue producing the integers `0 .. limit - 1`, epoch after epoch.

    Args:
      limit: The number of integers per epoch: a number, or a scalar tensor evaluated at
        the start of each epoch.
      num_epochs: Optional number of epochs, after which dequeuing raises OutOfRangeError
        (None: forever).
      shuffle: Whether each epoch is shuffled.
      seed: Optional int seed.
      capacity: The queue's capacity.
      shared_name: Accepted for TF1 compatibility.
      name: The queue's name.

    Returns:
      A queue whose `dequeue()` gives one `int32` scalar.
    """
    limit = _as_array(limit)  # a graph tensor (epoch_size = ... // num_steps) runs each epoch
    return _producer([limit], num_epochs, shuffle, seed, capacity, name or "input_producer",
                     range_limit=True)


def slice_input_producer(tensor_list, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """Rows of each tensor in `tensor_list`, together: returns a list of dequeued tensors."""
    arrays = [_as_array(t) for t in tensor_list]
    q = _producer(arrays, num_epochs, shuffle, seed, capacity, name or "input_producer")
    out = q.dequeue()
    return list(out) if isinstance(out, (list, tuple)) else [out]


# --- readers --------------------------------------------------------------------------------

def _scalar(value):
    a = np.empty((), dtype=object)
    a[()] = value
    return a


@op("ReaderRead", host=True, multi_output=True, stateful=True, uses_store=True,
    differentiable=False,
    infer=lambda ts, a: [(TensorShape([]), dtypes.string), (TensorShape([]), dtypes.string)])
def READER_READ(xp, store, queue, reader):
    key, value = reader._next(store, queue)
    return [_scalar(key), _scalar(value)]


@op("ReaderReadUpTo", host=True, multi_output=True, stateful=True, uses_store=True,
    differentiable=False, infer=lambda ts, a: [(TensorShape([None]), dtypes.string),
                                               (TensorShape([None]), dtypes.string)])
def READER_READ_UP_TO(xp, store, n, queue, reader):
    keys, values = [], []
    for _ in range(int(n)):
        try:
            k, v = reader._next(store, queue)
        except OutOfRangeError:
            if keys:
                break
            raise
        keys.append(k)
        values.append(v)
    ka, va = np.empty(len(keys), object), np.empty(len(values), object)
    ka[:], va[:] = keys, values
    return [ka, va]


class ReaderBase:
    """A TF1 reader: takes file names from a queue and yields (key, value) records."""

    def __init__(self):
        self._state = {}  # id(store) -> [records iterator or None, records read, files done]
        self._lock = threading.Lock()

    def _records(self, path):  # pragma: no cover - each reader defines it
        raise NotImplementedError

    def _next(self, store, queue):
        with self._lock:
            st = self._state.setdefault(id(store), [None, 0, 0])
        while True:
            if st[0] is None:
                (name,) = queue._take(1, exact=True)[0]
                path = name[()].decode("utf-8") if isinstance(name[()], bytes) else str(name[()])
                st[0] = self._records(path)
            item = next(st[0], None)
            if item is not None:
                st[1] += 1
                return item
            st[0] = None
            st[2] += 1

    def _queue(self, queue):
        return getattr(queue, "queue", queue)

    def read(self, queue, name=None):
        """(key, value) scalar string tensors: the next record, from the next file of `queue`
        when the current one ends."""
        with building_graph(_graph()):
            out = execute(READER_READ, (), {"queue": self._queue(queue), "reader": self},
                          name or "ReaderRead")
        return tuple(out)

    def read_up_to(self, queue, num_records, name=None):
        with building_graph(_graph()):
            out = execute(READER_READ_UP_TO, (np.int64(num_records),),
                          {"queue": self._queue(queue), "reader": self}, name or "ReadUpTo")
        return tuple(out)

    def reset(self, name=None):
        self._state.clear()

    @property
    def supports_serialize(self):
        return False


class TextLineReader(ReaderBase):
    """tf.compat.v1.TextLineReader: each line of the files is a record (key 'file:line')."""

    def __init__(self, skip_header_lines=None, name=None):
        super().__init__()
        self.skip_header_lines = int(skip_header_lines or 0)

    def _records(self, path):
        from ..framework.errors import NotFoundError
        try:
            f = open(path, "rb")
        except FileNotFoundError:
            raise NotFoundError(f"{path}; No such file or directory") from None
        with f:
            for number, line in enumerate(f, 1):
                if number <= self.skip_header_lines:
                    continue
                line = line[:-1] if line.endswith(b"\n") else line
                line = line[:-1] if line.endswith(b"\r") else line
                yield f"{path}:{number}".encode(), line


class WholeFileReader(ReaderBase):
    """tf.compat.v1.WholeFileReader: each file is one record (key: its name)."""

    def _records(self, path):
        with open(path, "rb") as f:
            yield path.encode(), f.read()


class TFRecordReader(ReaderBase):
    """tf.compat.v1.TFRecordReader: the records of TFRecord files (key 'file:index')."""

    def __init__(self, name=None, options=None):
        super().__init__()
        self._compression = tfrecord.TFRecordOptions.get_compression_type_string(options)

    def _records(self, path):
        for i, record in enumerate(tfrecord.iterate_records(path, self._compression)):
            yield f"{path}:{i}".encode(), record


# --- batching -------------------------------------------------------------------------------

def _flatten(tensors):
    if isinstance(tensors, dict):
        keys = sorted(tensors)
        return [tensors[k] for k in keys], keys
    if isinstance(tensors, (list, tuple)):
        return list(tensors), None
    return [tensors], "single"


def _tensor(x):
    from ..framework.constant_op import convert_to_tensor
    with building_graph(_graph()):
        return convert_to_tensor(x)


def _batch(queue_factory, tensors, batch_size, num_threads, enqueue_many, shapes,
           allow_smaller_final_batch, name):
    flat, keys = _flatten(tensors)
    flat = [_tensor(t) for t in flat]
    if shapes is None:
        shapes = [TensorShape(t.shape.dims[1:] if enqueue_many else t.shape.dims)
                  if t.shape.rank is not None else TensorShape(None) for t in flat]
    q = queue_factory([t.dtype for t in flat], shapes)
    enqueue = q.enqueue_many(flat) if enqueue_many else q.enqueue(flat)
    add_queue_runner(QueueRunner(q, [enqueue] * int(num_threads)))
    out = q.dequeue_up_to(batch_size) if allow_smaller_final_batch else \
        q.dequeue_many(batch_size)
    out = list(out) if isinstance(out, (list, tuple)) else [out]
    if keys == "single":
        return out[0]
    if keys is not None:
        return dict(zip(keys, out))
    return out


def batch(tensors, batch_size, num_threads=1, capacity=32, enqueue_many=False, shapes=None,
          dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None, name=None):
    """tf.compat.v1.train.batch: batches of `batch_size` through a FIFO queue filled by
    `num_threads` QueueRunner threads."""
    cls = PaddingFIFOQueue if dynamic_pad else FIFOQueue
    return _batch(lambda d, s: cls(capacity, d, s, name=name or "batch/fifo_queue"), tensors,
                  batch_size, num_threads, enqueue_many, shapes, allow_smaller_final_batch,
                  name)


def shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, num_threads=1, seed=None,
                  enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                  shared_name=None, name=None):
    """tf.compat.v1.train.shuffle_batch: random batches from a RandomShuffleQueue that keeps
    `min_after_dequeue` elements buffered."""
    return _batch(lambda d, s: RandomShuffleQueue(capacity, min_after_dequeue, d, s, seed=seed,
                                                  name=name or "shuffle_batch/queue"),
                  tensors, batch_size, num_threads, enqueue_many, shapes,
                  allow_smaller_final_batch, name)
