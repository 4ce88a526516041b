"""OpenBLAS's idle worker threads, which otherwise keep a core busy after every product.

After each matrix product it runs on several threads, OpenBLAS's workers busy-wait for the
next one (a loop of NOPs on x86-64) for 2**28 CPU cycles, about 0.1 s, before they sleep.
ndflow's own pool (`ndflow.util.parallel`) runs the pieces of a convolution or an
elementwise pass on the other cores; with a worker spinning there, each piece shares its
core with it, and splitting ran no faster than one core. Measured on the 2-core machine of
PERFORMANCE.md (W6's Winograd conv2, a 1000-image batch): 56 ms on one core, 40 ms split
over two, 61 ms split over two right after a two-thread product. OpenBLAS's
OPENBLAS_THREAD_TIMEOUT=N makes the workers spin 2**N cycles (N from 4 to 30) instead.
ndflow uses N = 20, about 0.4 ms: the workers stay awake between the products of one
training step (W4's come every ~0.1 ms; at N = 4, waking them for each cost W4 10-40%),
and a piece that starts after a product loses at most that much of a core.

`quiet_idle_workers()` is called once when ndflow is imported. It sets
OPENBLAS_THREAD_TIMEOUT=20, unless the user has set it or NDFLOW_BLAS_TUNING=0. OpenBLAS
reads the variable when it starts its workers: at NumPy's import, so when NumPy was
imported first, its workers are stopped (`blas_thread_shutdown_`, what OpenBLAS's own fork
handler calls) and restart on the next threaded product with the new setting.
`idle_workers_spin()` tells `parallel` whether another core is free for its pieces.
"""
import ctypes
import os
import sys

TIMEOUT = 20  # 2**20 cycles (~0.4 ms) of spinning before an idle worker sleeps
_TIMEOUT_VAR = "OPENBLAS_THREAD_TIMEOUT"
_state = {"library": None, "get_threads": None, "searched": False}


def _library():
    """The OpenBLAS this process has loaded (NumPy's), or None: not loaded, not OpenBLAS, or
    not Linux (its shared objects are found through /proc/self/maps). Searched once NumPy
    is imported (before, its OpenBLAS may not be loaded yet)."""
    if not _state["searched"] and "numpy" in sys.modules:
        _state["searched"] = True
        try:
            with open("/proc/self/maps") as maps:
                paths = {line.split()[-1] for line in maps if "openblas" in line.lower()}
        except OSError:
            paths = set()
        for path in sorted(p for p in paths if ".so" in os.path.basename(p)):
            try:
                lib = ctypes.CDLL(path)
            except OSError:
                continue
            get_threads = _symbol(lib, "openblas_get_num_threads")
            if get_threads is not None and hasattr(lib, "openblas_thread_timeout") and \
                    hasattr(lib, "openblas_read_env"):
                get_threads.restype = ctypes.c_int
                lib.openblas_thread_timeout.restype = ctypes.c_uint
                _state["library"], _state["get_threads"] = lib, get_threads
                break
    return _state["library"]


def _symbol(lib, name):
    """`name` under the prefixes and suffixes OpenBLAS builds use (scipy_, 64_)."""
    for prefix in ("", "scipy_"):
        for suffix in ("", "64_", "_64_"):
            fn = getattr(lib, prefix + name + suffix, None)
            if fn is not None:
                return fn
    return None


def blas_threads():
    """OpenBLAS's thread count, or None when NumPy does not use a (findable) OpenBLAS."""
    if _library() is None:
        return None
    return int(_state["get_threads"]())


def idle_workers_spin():
    """True unless OpenBLAS is known to leave the other cores free between products: it
    runs one thread, or its workers sleep within 2**20 cycles (OPENBLAS_THREAD_TIMEOUT
    <= 20 when they started). Also True when NumPy's BLAS is not a findable OpenBLAS
    (MKL's OpenMP threads spin as well), so that `parallel` keeps to one thread there."""
    threads = blas_threads()
    if threads is None:
        return True
    if threads <= 1:
        return False
    return not 0 < _library().openblas_thread_timeout() <= TIMEOUT


def quiet_idle_workers():
    """Makes OpenBLAS's idle workers sleep after ~0.4 ms instead of ~0.1 s (see the module).

    Called at import, when no other thread is inside OpenBLAS: stopping its workers is not
    safe against a product running at the same time.

    Returns:
      True when the setting was made, False when it was left alone (NDFLOW_BLAS_TUNING=0,
      OPENBLAS_THREAD_TIMEOUT already set, or NumPy's OpenBLAS not found after its import).
    """
    if os.environ.get("NDFLOW_BLAS_TUNING", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    if _TIMEOUT_VAR in os.environ:
        return False
    os.environ[_TIMEOUT_VAR] = str(TIMEOUT)
    if "numpy" not in sys.modules:
        return True  # OpenBLAS reads it when NumPy loads it
    lib = _library()
    shutdown = getattr(lib, "blas_thread_shutdown_", None) if lib is not None else None
    if shutdown is None:
        del os.environ[_TIMEOUT_VAR]
        return False
    lib.openblas_read_env()  # re-reads OPENBLAS_* (as at load: nothing else has changed)
    shutdown()  # the workers restart on the next threaded product, with the new timeout
    return True
