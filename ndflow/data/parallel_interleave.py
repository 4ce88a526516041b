"""`Dataset.interleave(num_parallel_calls=...)`: the open inner datasets produce their
elements in worker threads, ahead of the consumer, while the consumer takes them in the
interleave order (`block_length` from each of `cycle_length` open datasets in turn).

The function that opens an inner dataset runs in the calling thread (it builds datasets
and may trace functions, which touches the graph-building state); only the iteration of
the inner datasets moves to the pool, one chunk of consecutive elements at a time per
dataset, so a dataset's iterator is never run by two threads at once. An inner dataset
that runs the user's Python (a generator, a py_function, a nested interleave) or, in a
deterministic pipeline, draws random numbers or has side effects, is iterated in the
calling thread instead.

Whether threads pay is measured as for `map` (parallel_map.py): the first elements are
taken in the calling thread and timed; below MIN_ELEMENT_SECONDS per element, or when a
trial window in the pool is not GAIN times faster, the rest is taken in the calling
thread. The elements and (unless nondeterministic) their order are those of the
sequential interleave. With `deterministic=False` the consumer takes from the next ready
dataset when the current one has nothing ready.
"""
import collections
import concurrent.futures as futures
import time

from .parallel_map import (CHUNK_SECONDS, GAIN, MAX_CHUNK, MIN_ELEMENT_SECONDS,
                           PROBE_ELEMENTS, SAFE, TRIAL_CHUNKS, UNSAFE, thread_safety)

_END = object()


def _produce(iterator, count):
    """(items, finished, error, seconds) of up to `count` elements of `iterator`."""
    start = time.perf_counter()
    items = []
    try:
        for _ in range(count):
            item = next(iterator, _END)
            if item is _END:
                return items, True, None, time.perf_counter() - start
            items.append(item)
    except BaseException as e:  # noqa: BLE001 - re-raised by the consumer, in order
        return items, True, e, time.perf_counter() - start
    return items, False, None, time.perf_counter() - start


class _Direct:
    """An open inner dataset iterated in the calling thread; times its elements."""

    pooled = False

    def __init__(self, iterator, clock):
        self.iterator = iterator
        self._clock = clock

    def take(self):
        start = time.perf_counter()
        item = next(self.iterator, _END)
        self._clock[0] += time.perf_counter() - start
        return item

    def ready(self):
        return True

    def close(self):
        pass


class _Pooled:
    """An open inner dataset whose next chunk of elements a worker produces while the
    consumer takes the ready ones."""

    pooled = True

    def __init__(self, iterator, pool, chunk):
        self.iterator = iterator
        self._pool = pool
        self._chunk = chunk
        self._ready = collections.deque()
        self._future = None
        self._finished = False
        self._error = None
        self._submit()

    def _submit(self):
        if not self._finished and self._future is None:
            self._future = self._pool.submit(_produce, self.iterator, self._chunk)

    def _collect(self):
        items, finished, error, seconds = self._future.result()
        self._future = None
        self._ready.extend(items)
        if items:  # chunks sized to take about CHUNK_SECONDS each
            per_element = seconds / len(items)
            self._chunk = int(min(MAX_CHUNK, max(1, CHUNK_SECONDS / max(per_element, 1e-9))))
        self._finished = finished
        self._error = error
        self._submit()

    def take(self):
        if not self._ready and self._future is not None:
            self._collect()
        if self._ready:
            item = self._ready.popleft()
            if not self._ready and self._future is not None and self._future.done():
                self._collect()
            return item
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return _END

    def ready(self):
        return bool(self._ready) or self._future is None or self._future.done()

    def detach(self):
        """An iterator giving what this slot has not handed out yet, in order, for the
        calling thread to go on with."""
        if self._future is not None:
            items, finished, error, _ = self._future.result()
            self._future = None
            self._ready.extend(items)
            self._finished, self._error = finished, error
        ready, error, finished, rest = list(self._ready), self._error, self._finished, \
            self.iterator

        def remaining():
            yield from ready
            if error is not None:
                raise error
            if not finished:
                yield from rest
        return remaining()

    def close(self):
        if self._future is not None:
            self._future.cancel()


def interleave(dataset, workers, deterministic):
    """Yields the elements of InterleaveDataset `dataset`, its inner datasets iterated by
    up to `workers` threads where that is measured to be faster."""
    cycle, block = dataset._cycle, dataset._block
    inputs = dataset._input._iterate()
    slots = [None] * cycle
    spent = [0.0]  # in the calling thread's next() on inner datasets
    safety = {}
    pool = None
    mode = "probe"  # then "pooled" or "sequential"
    count, chunk = 0, 1
    started = sequential_rate = None
    trial = 0

    def is_safe(inner):
        from .functions import EagerFunction, StructuredFunction
        from .sources import GeneratorDataset
        for d in inner._walk():
            if isinstance(d, GeneratorDataset):
                return False
            for value in vars(d).values():
                kind = None
                if isinstance(value, EagerFunction):
                    kind = UNSAFE
                elif isinstance(value, StructuredFunction):
                    key = id(getattr(value, "concrete", value))
                    if key not in safety:
                        safety[key] = (thread_safety(value), value)
                    kind = safety[key][0]
                if kind == UNSAFE or (kind is not None and kind != SAFE and deterministic):
                    return False
        return True

    def open_slot(element):
        inner = dataset._open_dataset(element)
        iterator = inner._iterate()
        if mode == "pooled" and is_safe(inner):
            return _Pooled(iterator, pool, chunk)
        slot = _Direct(iterator, spent)
        slot.dataset = inner
        return slot

    index = taken = 0
    input_done = False
    try:
        while True:
            if slots[index] is None and not input_done:
                element = next(inputs, None)
                if element is None:
                    input_done = True
                else:
                    slots[index] = open_slot(element)
            if slots[index] is None:
                if input_done and all(s is None for s in slots):
                    return
                index, taken = (index + 1) % cycle, 0
                continue
            if mode == "pooled" and not deterministic and not slots[index].ready():
                for step in range(1, cycle):  # take from a dataset that has elements ready
                    other = (index + step) % cycle
                    if slots[other] is not None and slots[other].ready():
                        index, taken = other, 0
                        break
            item = slots[index].take()
            if item is _END:
                slots[index].close()
                slots[index] = None
                index, taken = (index + 1) % cycle, 0
                continue
            yield item
            count += 1
            taken += 1
            if taken == block:
                index, taken = (index + 1) % cycle, 0
            if mode == "probe":
                if count == 1:
                    started = time.perf_counter()
                elif count >= PROBE_ELEMENTS:
                    per_element = spent[0] / count
                    if per_element < MIN_ELEMENT_SECONDS:
                        mode = "sequential"
                        continue
                    sequential_rate = (count - 1) / max(time.perf_counter() - started, 1e-9)
                    chunk = int(min(MAX_CHUNK, max(1, CHUNK_SECONDS / per_element)))
                    pool = futures.ThreadPoolExecutor(workers,
                                                      thread_name_prefix="ndflow-interleave")
                    mode = "pooled"
                    for i, slot in enumerate(slots):
                        if slot is not None and is_safe(slot.dataset):
                            slots[i] = _Pooled(slot.iterator, pool, chunk)
                    trial = TRIAL_CHUNKS * workers * chunk
                    started, count = time.perf_counter(), 0
            elif mode == "pooled" and trial and count >= trial:
                trial = 0
                rate = count / max(time.perf_counter() - started, 1e-9)
                if rate < GAIN * sequential_rate:  # threads do not pay: back to one thread
                    mode = "sequential"
                    for i, slot in enumerate(slots):
                        if slot is not None and slot.pooled:
                            slots[i] = _Direct(slot.detach(), spent)
    finally:
        for slot in slots:
            if slot is not None:
                slot.close()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
