"""prefetch (a bounded background producer thread) and cache (in memory or in a file)."""
import os
import queue
import statistics
import threading
import time

from ..io import tfrecord
from . import element_codec
from .dataset import AUTOTUNE
from .transforms import _Unary, _count

AUTOTUNE_BUFFER = 8  # elements prefetch keeps ready for buffer_size=tf.data.AUTOTUNE
# prefetch(AUTOTUNE) produces in the consumer's thread while the median element of a window
# takes less than this: handing an element over from a thread costs ~25-70 us (locks,
# wake-ups, the GIL), more than a cheap in-memory pipeline saves (MNIST, shuffle + batch 32:
# ~30 us an element; fit epoch 0.82-0.89 s with the thread, 0.77-0.81 s without, 0.73-0.75 s
# from arrays)
INLINE_SECONDS = 200e-6
_WINDOW = 16

_ITEM, _END, _ERROR = 0, 1, 2


class _PrefetchIterator:
    """Runs `source` in a daemon thread, keeping at most `size` elements ready. Stops the
    thread when closed or garbage-collected; errors reach the consumer in order."""

    def __init__(self, source, size):
        self._queue = queue.Queue(maxsize=size)
        self._stop = threading.Event()
        self._done = False
        self._thread = threading.Thread(target=self._produce, args=(source,),
                                        name="ndflow-prefetch", daemon=True)
        self._thread.start()

    def _put(self, item):
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self, source):
        try:
            for element in source:
                if not self._put((_ITEM, element)):
                    return
            self._put((_END, None))
        except BaseException as e:  # noqa: BLE001 - handed to the consumer
            self._put((_ERROR, e))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:  # noqa: BLE001
                    pass

    def __iter__(self):
        return self

    def __next__(self):
        if self._done:
            raise StopIteration
        kind, value = self._queue.get()
        if kind == _ITEM:
            return value
        self._done = True
        self._stop.set()
        if kind == _ERROR:
            raise value
        raise StopIteration

    def close(self):
        self._done = True
        self._stop.set()

    def __del__(self):
        self._stop.set()


class _AutotunedPrefetchIterator:
    """prefetch(AUTOTUNE): elements made in the consumer's thread, timed, until a window of
    them shows a median above INLINE_SECONDS; from then on a background thread makes them
    (`_PrefetchIterator`), as an expensive pipeline (files, decoding, py_function) needs."""

    def __init__(self, source, size):
        self._source, self._size = source, size
        self._threaded = None
        self._times = []
        self._first = True  # (a shuffle buffer's fill: not the pipeline's usual cost)

    def __iter__(self):
        return self

    def __next__(self):
        if self._threaded is not None:
            return next(self._threaded)
        start = time.perf_counter()
        element = next(self._source)
        if self._first:
            self._first = False
            return element
        self._times.append(time.perf_counter() - start)
        if len(self._times) == _WINDOW:
            if statistics.median(self._times) > INLINE_SECONDS:
                self._threaded = _PrefetchIterator(self._source, self._size)
            self._times.clear()
        return element

    def close(self):
        if self._threaded is not None:
            self._threaded.close()
        else:
            close = getattr(self._source, "close", None)
            if close is not None:
                close()


class PrefetchDataset(_Unary):
    def __init__(self, input_dataset, buffer_size):
        super().__init__(input_dataset)
        size = _count(buffer_size, "buffer_size")
        self._autotune = size == AUTOTUNE
        if self._autotune:
            size = AUTOTUNE_BUFFER
        if size < 0:
            raise ValueError(f"Dataset.prefetch(): `buffer_size` must be >= 0 or "
                             f"tf.data.AUTOTUNE; received {buffer_size}.")
        self._size = size

    def _iterate(self):
        if self._size == 0:
            return self._input._iterate()
        if self._autotune:
            return _AutotunedPrefetchIterator(iter(self._input._iterate()), self._size)
        return _PrefetchIterator(self._input._iterate(), self._size)


class CacheDataset(_Unary):
    """The first complete pass is recorded; later passes replay it. With a filename the
    record is a file (written atomically at the end of the first complete pass, read by
    later passes and later programs)."""

    def __init__(self, input_dataset, filename=""):
        super().__init__(input_dataset)
        self._filename = os.fspath(filename) if filename else ""
        self._memory = None

    def _file(self):
        return self._filename + ".ndcache"

    def _iterate(self):
        if self._memory is not None:
            yield from self._memory
            return
        if self._filename and os.path.exists(self._file()):
            path = self._file()
            for record in tfrecord.iterate_records(path):
                yield element_codec.decode(record, path)
            return
        recorded = []
        for element in self._input._iterate():
            recorded.append(element)
            yield element
        if self._filename:
            def write(f):
                for element in recorded:
                    f.write(tfrecord.frame(element_codec.encode(element)))
            from ..util.atomic import atomic_write
            atomic_write(self._file(), write)
        else:
            self._memory = recorded
