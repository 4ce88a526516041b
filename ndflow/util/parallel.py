"""Large elementwise work split across the CPU's cores.

NumPy releases the GIL inside ufunc loops, and the optional Numba kernels (`ndflow.util.jit`)
are compiled `nogil`, so two threads working on two halves of an array run on two cores at
once. BLAS already uses every core for matrix products; the elementwise passes around them
(bias adds, activations and their gradients, pooling, the optimizer update) ran on one.

`split(fn, n)` calls `fn(start, stop)` over contiguous pieces of `range(n)`, one piece on
the calling thread and the others on a small pool of worker threads, and returns when all
are done. Work below `min_size` items per piece runs inline: handing a piece to another
thread costs tens of microseconds, more than half of a small pass saves.

The rule is "only where the other cores are free": by default (`NDFLOW_NUM_THREADS` unset)
work is split over every CPU this process may use when OpenBLAS's idle workers do not spin
on those cores between products (`ndflow.util.blas_threads`, which ndflow arranges at
import), and not at all otherwise. With the workers spinning, pieces on a second thread did
not pay (W4's NumPy-path fit 2.93 against 2.25 s/epoch unsplit; W5 and W6 within a noise of
20-50%); with them asleep W5's epoch went 17.9 -> 12.5 s and W6's CNN 15.6k -> 26.5k images/s
(PERFORMANCE.md). `NDFLOW_NUM_THREADS=N` (or `all`) sets the count. A call made
from a worker thread runs inline, so kernels that split never wait on the pool they run in.
"""
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from . import blas_threads

# Items per piece below which splitting does not pay (float32 elements of a simple pass).
MIN_ITEMS = 1 << 16

_pool = None
_pool_lock = threading.Lock()
_in_worker = threading.local()


def _cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def num_threads():
    """The most pieces `split` cuts work into: NDFLOW_NUM_THREADS ("all": the CPUs this
    process may run on); unset, the CPUs when OpenBLAS's idle workers leave them free
    (`blas_threads.idle_workers_spin()` False), else 1 (no splitting)."""
    setting = os.environ.get("NDFLOW_NUM_THREADS", "").strip()
    if not setting:
        return 1 if blas_threads.idle_workers_spin() else _cpus()
    if setting == "all":
        return _cpus()
    try:
        return max(1, int(setting))
    except ValueError:
        raise ValueError(f"NDFLOW_NUM_THREADS must be a positive integer or 'all', got "
                         f"{setting!r}") from None


def _mark_worker():
    _in_worker.active = True


def _forget_pool():
    """In a forked child: its parent's worker threads do not exist there, and a pool whose
    threads are gone takes work it never runs, so the child starts a pool of its own."""
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def _get_pool(workers):
    global _pool
    with _pool_lock:
        if _pool is None or _pool._max_workers < workers:
            _pool = ThreadPoolExecutor(workers, thread_name_prefix="ndflow-split",
                                       initializer=_mark_worker)
        return _pool


def pieces(n, min_size=MIN_ITEMS):
    """How many pieces `split` would cut `n` items into (1: it runs inline)."""
    if n < 2 * min_size or getattr(_in_worker, "active", False):
        return 1
    return max(1, min(num_threads(), n // min_size))


def split(fn, n, min_size=MIN_ITEMS):
    """Runs `fn(start, stop)` over contiguous pieces of `range(n)`, in parallel when it pays.

    Args:
      fn: Called once per piece; must only write what its own piece owns.
      n: The number of items (rows, elements) to cover.
      min_size: The fewest items a piece may have; fewer and the work runs inline.
    """
    count = pieces(n, min_size)
    if count == 1:
        fn(0, n)
        return
    bounds = [n * i // count for i in range(count + 1)]
    pool = _get_pool(count - 1)
    futures = [pool.submit(fn, bounds[i], bounds[i + 1]) for i in range(1, count)]
    try:
        fn(bounds[0], bounds[1])
    finally:
        for future in futures:
            future.result()
