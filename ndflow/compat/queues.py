"""Queues (`tf.queue.*`: graph ops in TF1, run at once eagerly in TF2), and TF1 input
pipelines with real threads: readers, input producers, tf.train.batch, Coordinator and
QueueRunner.

A queue is a Python object shared by the ops that use it (`QueueEnqueue`,
`QueueDequeue`...); eagerly each method runs its op at once. QueueRunners run enqueue ops
in their own threads under a Session, as TensorFlow's do. Dequeuing from a closed, empty
queue raises OutOfRangeError, which ends a training loop (`coord.should_stop()`) when the
input epochs run out.
"""
import heapq
import sys
import threading

import numpy as np

from ..framework import dtypes
from ..framework.context import building_graph, building_here, executing_eagerly
from ..framework.errors import CancelledError, OutOfRangeError
from ..framework.graph import FuncGraph, get_default_graph
from ..framework.registry import execute, op
from ..framework.tensor import EagerTensor, TensorLike
from ..framework.tensor_shape import TensorShape

QUEUE_RUNNERS = "queue_runners"


def _graph():
    return building_here() or get_default_graph()


def _shape_infer(n_lead):
    def infer(tensors, attrs):
        q = attrs["queue"]
        lead = [None] * n_lead if n_lead else []
        if n_lead and attrs.get("n") is not None and attrs.get("exact", False):
            lead = [attrs["n"]]
        return [(TensorShape(lead + (list(s.dims) if s.rank is not None else [])) if
                 (s.rank is not None or not n_lead) else TensorShape(None), d)
                for d, s in zip(q.dtypes, q.shapes)]
    return infer


@op("QueueEnqueue", host=True, stateful=True, differentiable=False, infer=lambda ts, a: [])
def QUEUE_ENQUEUE(xp, *components, queue, many):
    if many:
        n = components[0].shape[0] if components else 0
        for i in range(n):
            queue._put(tuple(np.asarray(c[i]) for c in components))
    else:
        queue._put(tuple(np.asarray(c) for c in components))


@op("QueueDequeue", host=True, multi_output=True, stateful=True, differentiable=False,
    infer=_shape_infer(0))
def QUEUE_DEQUEUE(xp, queue):
    return list(queue._take(1, exact=True)[0])


@op("QueueDequeueMany", host=True, multi_output=True, stateful=True, differentiable=False,
    infer=_shape_infer(1))
def QUEUE_DEQUEUE_MANY(xp, count, queue, exact, n=None):
    items = queue._take(int(count), exact=exact)
    return queue._stack(items)


@op("QueueClose", host=True, stateful=True, differentiable=False, infer=lambda ts, a: [])
def QUEUE_CLOSE(xp, queue, cancel_pending_enqueues):
    queue._close(cancel_pending_enqueues)


@op("QueueSize", host=True, stateful=True, differentiable=False,
    infer=lambda ts, a: [(TensorShape([]), dtypes.int32)])
def QUEUE_SIZE(xp, queue):
    return np.asarray(queue._size(), np.int32)


class QueueBase:
    """What every TF1 queue shares: a bounded buffer guarded by one condition variable."""

    def __init__(self, capacity, dtypes_, shapes=None, names=None, shared_name=None,
                 name="queue"):
        self._single = not isinstance(dtypes_, (list, tuple))
        self.dtypes = [dtypes.as_dtype(d) for d in (dtypes_ if not self._single else [dtypes_])]
        if shapes is None:
            self.shapes = [TensorShape(None)] * len(self.dtypes)
        else:  # TensorFlow's rule: a list of ints (or None) is one shape
            if isinstance(shapes, TensorShape):
                shapes = [shapes]
            elif all(d is None or isinstance(d, int) for d in shapes):
                shapes = [shapes]
            self.shapes = [TensorShape(s) for s in shapes]
            if len(self.shapes) != len(self.dtypes):
                raise ValueError(f"{name}: {len(self.shapes)} shapes for {len(self.dtypes)} "
                                 f"dtypes; give one shape per component.")
        self.names = names
        self.capacity = int(capacity)
        self.name = name
        self._cv = threading.Condition()
        self._closed = False
        self._cancelled = False
        self._items = []

    # --- the buffer (called by the ops' kernels) ---------------------------------------------
    def _check(self, item):
        if len(item) != len(self.dtypes):
            raise ValueError(f"{self.name}: expected {len(self.dtypes)} components, got "
                             f"{len(item)}.")
        for a, s in zip(item, self.shapes):
            if s.rank is not None and not s.is_compatible_with(TensorShape(a.shape)):
                raise ValueError(f"{self.name}: a component of shape {a.shape} does not match "
                                 f"the queue's shape {s}.")

    def _put(self, item):
        self._check(item)
        with self._cv:
            while len(self._items) >= self.capacity and not self._closed:
                self._cv.wait(0.1)
            if self._closed:
                raise CancelledError(f"{type(self).__name__} '{self.name}' is closed.")
            self._push(item)
            self._cv.notify_all()

    def _push(self, item):
        self._items.append(item)

    def _pop(self):
        return self._items.pop(0)

    def _ready(self):
        return len(self._items)

    def _take(self, n, exact):
        with self._cv:
            while self._ready() < n and not self._closed:
                self._cv.wait(0.1)
            if self._ready() < n:
                if exact or self._ready() == 0:
                    raise OutOfRangeError(
                        f"{type(self).__name__} '{self.name}' is closed and has insufficient "
                        f"elements (requested {n}, "
                        f"current size {len(self._items)})")
                n = self._ready()
            items = [self._pop() for _ in range(n)]
            self._cv.notify_all()
            return items

    def _stack(self, items):
        out = []
        for c, d in enumerate(self.dtypes):
            parts = [it[c] for it in items]
            if not parts:
                shape = [0] + list(self.shapes[c].dims or [])
                out.append(np.zeros(shape, object if d == dtypes.string else d._np))
            else:
                out.append(np.stack(parts))
        return out

    def _close(self, cancel_pending_enqueues=False):
        with self._cv:
            self._closed = True
            self._cancelled = bool(cancel_pending_enqueues)
            self._cv.notify_all()

    def _size(self):
        with self._cv:
            return len(self._items)

    # --- the TF1 API: graph ops --------------------------------------------------------------
    def _components(self, vals):
        if isinstance(vals, dict):
            vals = [vals[k] for k in self.names]
        elif self._single and not isinstance(vals, (list, tuple)) or (
                not isinstance(vals, (list, tuple))):
            vals = [vals]
        if len(vals) != len(self.dtypes):
            raise ValueError(f"{self.name}: expected {len(self.dtypes)} components, got "
                             f"{len(vals)}.")
        from ..framework.constant_op import convert_to_tensor
        out = []
        for v, d in zip(vals, self.dtypes):
            if isinstance(v, TensorLike):
                if v.dtype != d:
                    raise ValueError(f"component_{len(out)}: Tensor conversion requested dtype "
                                     f"{d.name} for Tensor with dtype {v.dtype.name}: {v!r}")
                out.append(v)
            elif d == dtypes.string:
                from ..data.structure import string_array
                out.append(EagerTensor(string_array(v)) if self._eager() else
                           _string_const(string_array(v)))
            else:
                out.append(convert_to_tensor(v, dtype=d))
        return tuple(out)

    _tf1 = False  # the compat.v1 classes: graph ops unless v1's eager execution is on

    def _eager(self):
        if not executing_eagerly():
            return False
        if not self._tf1:
            return True
        v1 = sys.modules.get("ndflow.compat.v1")
        return bool(v1 is not None and v1.executing_eagerly())

    def _op(self, opdef, inputs, attrs, name):
        if self._eager():  # TF2: the op runs at once on the queue
            return execute(opdef, inputs, dict(attrs, queue=self), name)
        if isinstance(building_here(), FuncGraph):
            opdef = _IN_FUNCTION.get(opdef, opdef)
        with building_graph(_graph()):
            return execute(opdef, inputs, dict(attrs, queue=self), name)

    def _result(self, out):
        out = list(out) if isinstance(out, (list, tuple)) else [out]
        if self.names:
            return dict(zip(self.names, out))
        return out[0] if self._single or len(out) == 1 else out

    def _converted(self, vals):
        if self._eager():
            return self._components(vals)
        with building_graph(_graph()):
            return self._components(vals)

    def enqueue(self, vals, name=None):
        """Adds one element (a value per component) to the queue, waiting while it is full.

        Eagerly the element is added at once; in a graph this returns the enqueue op.
        """
        return self._op(QUEUE_ENQUEUE, self._converted(vals), {"many": False},
                        name or "enqueue")

    def enqueue_many(self, vals, name=None):
        """Adds the elements obtained by splitting each component along its first
        dimension."""
        return self._op(QUEUE_ENQUEUE, self._converted(vals), {"many": True},
                        name or "enqueue_many")

    def dequeue(self, name=None):
        return self._result(self._op(QUEUE_DEQUEUE, (), {}, name or "dequeue"))

    def dequeue_many(self, n, name=None):
        return self._result(self._op(QUEUE_DEQUEUE_MANY, (np.int32(n),),
                                     {"exact": True, "n": int(n)}, name or "dequeue_many"))

    def dequeue_up_to(self, n, name=None):
        return self._result(self._op(QUEUE_DEQUEUE_MANY, (np.int32(n),),
                                     {"exact": False, "n": int(n)}, name or "dequeue_up_to"))

    def close(self, cancel_pending_enqueues=False, name=None):
        return self._op(QUEUE_CLOSE, (), {"cancel_pending_enqueues": cancel_pending_enqueues},
                        name or "close")

    def size(self, name=None):
        return self._op(QUEUE_SIZE, (), {}, name or "size")

    def is_closed(self, name=None):
        """Whether the queue is closed (a scalar bool tensor eagerly, as TensorFlow's)."""
        if self._eager():
            return EagerTensor(np.asarray(self._closed))
        return self._closed


def _string_const(array):
    from ..framework.registry import constant_in_graph
    return constant_in_graph(array, _graph())


class FIFOQueue(QueueBase):
    """tf.queue.FIFOQueue: first in, first out."""

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None,
                 name="fifo_queue"):
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)


class PaddingFIFOQueue(FIFOQueue):
    """tf.queue.PaddingFIFOQueue: dequeue_many pads components to the longest."""

    def _stack(self, items):
        out = []
        for c, d in enumerate(self.dtypes):
            parts = [it[c] for it in items]
            dims = [max(p.shape[k] for p in parts) for k in range(parts[0].ndim)]
            a = np.zeros([len(parts)] + dims, object if d == dtypes.string else d._np)
            if d == dtypes.string:
                a[...] = b""
            for i, p in enumerate(parts):
                a[(i,) + tuple(slice(0, s) for s in p.shape)] = p
            out.append(a)
        return out


class RandomShuffleQueue(QueueBase):
    """tf.queue.RandomShuffleQueue: dequeues a random element, keeping `min_after_dequeue`
    elements buffered (until the queue is closed)."""

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None, seed=None,
                 shared_name=None, name="random_shuffle_queue"):
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)
        self.min_after_dequeue = int(min_after_dequeue)
        from ..framework import random_seed
        g, s = random_seed.get_seed(seed)
        self._rng = np.random.default_rng(None if g is None else
                                          [g & 0xFFFFFFFF, (s or 0) & 0x7FFFFFFF, 5])

    def _ready(self):
        if self._closed:
            return len(self._items)
        return max(0, len(self._items) - self.min_after_dequeue)

    def _pop(self):
        i = int(self._rng.integers(len(self._items)))
        self._items[i], self._items[-1] = self._items[-1], self._items[i]
        return self._items.pop()


class PriorityQueue(QueueBase):
    """tf.queue.PriorityQueue: the first component is an int64 priority, smallest first."""

    def __init__(self, capacity, types, shapes=None, names=None, shared_name=None,
                 name="priority_queue"):
        types = [dtypes.int64] + list(types)
        shapes = None if shapes is None else [()] + list(shapes)
        super().__init__(capacity, types, shapes, names, shared_name, name)
        self._counter = 0

    def _push(self, item):
        self._counter += 1
        heapq.heappush(self._items, (int(item[0]), self._counter, item))

    def _pop(self):
        return heapq.heappop(self._items)[2]


def _tf1_class(cls):
    """The compat.v1 twin of queue class `cls`: TF1 programs build queue ops into the
    default graph (run by a Session and QueueRunners) without disabling eager execution,
    as the other compat.v1 names do."""
    return type(cls.__name__, (cls,), {"_tf1": True, "__doc__": cls.__doc__,
                                       "__module__": cls.__module__})


V1_FIFOQueue = _tf1_class(FIFOQueue)
V1_PaddingFIFOQueue = _tf1_class(PaddingFIFOQueue)
V1_RandomShuffleQueue = _tf1_class(RandomShuffleQueue)
V1_PriorityQueue = _tf1_class(PriorityQueue)


# Queue ops are stateful but not `side_effect`: a Session snapshots and restores its
# variables around a failing side-effect run, which would undo the training steps that other
# threads ran while an enqueue waited for room. Inside a tf.function, though, only
# side-effect ops run unless fetched, so there enqueue and close (rarely fetched) are these
# side-effect twins of the same kernels, and run at each call in program order.
_IN_FUNCTION = {
    QUEUE_ENQUEUE: op("QueueEnqueueInFunction", host=True, side_effect=True,
                      differentiable=False, infer=lambda ts, a: [])(QUEUE_ENQUEUE.kernel),
    QUEUE_CLOSE: op("QueueCloseInFunction", host=True, side_effect=True,
                    differentiable=False, infer=lambda ts, a: [])(QUEUE_CLOSE.kernel),
}

# --- threads ---------------------------------------------------------------------------------

class Coordinator:
    """tf.train.Coordinator: tells threads to stop and joins them, re-raising the first
    error a thread reported (OutOfRangeError only ends the loop)."""

    def __init__(self, clean_stop_exception_types=None):
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._exc = None
        self._clean = tuple(clean_stop_exception_types or (OutOfRangeError,))
        self._threads = []

    def request_stop(self, ex=None):
        with self._lock:
            if ex is not None and self._exc is None and not isinstance(ex, self._clean):
                self._exc = ex
            self._stop.set()

    def should_stop(self):
        return self._stop.is_set()

    def clear_stop(self):
        self._stop.clear()
        self._exc = None

    def wait_for_stop(self, timeout=None):
        return self._stop.wait(timeout)

    def register_thread(self, thread):
        self._threads.append(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        threads = list(self._threads) + list(threads or [])
        self._stop.wait()
        for t in threads:
            t.join(stop_grace_period_secs)
        self._threads = []
        if self._exc is not None:
            raise self._exc

    def stop_on_exception(self):
        coord = self

        class _Scope:
            def __enter__(self):
                return self

            def __exit__(self, exc_type, exc, tb):
                if exc is not None:
                    coord.request_stop(exc)
                    return True
                return False
        return _Scope()

    @property
    def joined(self):
        return not self._threads


class QueueRunner:
    """tf.train.QueueRunner: threads that run `enqueue_ops` until the input ends, then close
    the queue (so readers of it see OutOfRangeError once it is empty)."""

    def __init__(self, queue=None, enqueue_ops=None, close_op=None, cancel_op=None,
                 queue_closed_exception_types=None):
        self.queue = queue
        self.enqueue_ops = list(enqueue_ops or [])
        self._close_op = close_op if close_op is not None else queue.close()
        self._cancel_op = cancel_op if cancel_op is not None else \
            queue.close(cancel_pending_enqueues=True)

    def _run(self, sess, enqueue_op, coord, remaining):
        try:
            while coord is None or not coord.should_stop():
                sess.run(enqueue_op)
        except (OutOfRangeError, CancelledError):
            pass
        except Exception as e:  # noqa: BLE001 - reported to the coordinator
            if coord is not None:
                coord.request_stop(e)
            else:
                raise
        finally:
            with remaining[1]:
                remaining[0] -= 1
                last = remaining[0] == 0
            if last:
                try:
                    sess.run(self._close_op)
                except Exception:  # noqa: BLE001 - the session may be closed already
                    pass

    def create_threads(self, sess, coord=None, daemon=False, start=False):
        remaining = [len(self.enqueue_ops), threading.Lock()]
        threads = [threading.Thread(target=self._run, args=(sess, o, coord, remaining),
                                    daemon=True) for o in self.enqueue_ops]
        if coord is not None:
            threads.append(threading.Thread(target=self._close_on_stop, args=(sess, coord),
                                            daemon=True))
        for t in threads:
            if coord is not None:
                coord.register_thread(t)
            if start:
                t.start()
        return threads

    def _close_on_stop(self, sess, coord):
        coord.wait_for_stop()
        try:
            sess.run(self._cancel_op)
        except Exception:  # noqa: BLE001
            pass


def add_queue_runner(qr, collection=QUEUE_RUNNERS):
    """TF1: registers a `QueueRunner` so `start_queue_runners` starts its threads.

    Args:
      qr: The `QueueRunner`.
      collection: The graph collection to add it to (default "queue_runners").
    """
    get_default_graph().add_to_collection(collection, qr)


def start_queue_runners(sess=None, coord=None, daemon=True, start=True,
                        collection=QUEUE_RUNNERS):
    """Starts the threads of every QueueRunner of the session's graph."""
    from ..framework.session import get_default_session
    sess = sess or get_default_session()
    if sess is None:
        raise ValueError("start_queue_runners: no session given and no default session.")
    graph = getattr(sess, "graph", None) or get_default_graph()
    threads = []
    for qr in graph.get_collection(collection):
        threads += qr.create_threads(sess, coord, daemon, start)
    return threads
