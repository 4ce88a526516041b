"""Optional compiled kernels: Numba when the `jit` extra is installed, NumPy otherwise.

A few kernels make many passes over memory in NumPy (one per ufunc) where one loop would
make one: the fused Adam update, pooling and its gradient, the bias + activation epilogue
of a convolution. Others are small ops whose NumPy call costs more than their arithmetic:
a plan's bias add, batch sum and activation gradients (ops/elementwise_jit.py). With
`pip install 'ndflow[jit]'` those run as Numba functions compiled on first use (`nogil`,
so `ndflow.util.parallel.split` can run them on every core); without Numba, or with
`NDFLOW_JIT=0`, the NumPy versions run. Both give the same float32 numbers: the kernels do
the same IEEE operations in the same order (no fastmath), and the tests run both paths
against each other. The first use costs the process Numba's import and compiles (0.1-0.4 s a
kernel, ~130 MiB of LLVM's memory).

Usage in a kernel module:

    @jit.kernel
    def _adam_loop(...):   # plain Python over arrays, Numba-compatible
        ...

    if jit.enabled():
        _adam_loop(...)    # compiled on the first call
    else:
        ...                # the NumPy version
"""
import contextlib
import os
import threading

_state = {"forced": None, "numba": None}
_compile_lock = threading.Lock()


def _numba():
    if _state["numba"] is None:
        try:
            import numba
        except ImportError:
            numba = False
        _state["numba"] = numba
    return _state["numba"]


def available():
    """True when Numba can be imported."""
    return bool(_numba())


def enabled():
    """True when the compiled kernels run: Numba is installed and not turned off.

    `NDFLOW_JIT=0` (or `use_jit(False)`) selects the NumPy kernels even where Numba is
    installed.
    """
    if _state["forced"] is not None:
        return _state["forced"] and available()
    if os.environ.get("NDFLOW_JIT", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    return available()


@contextlib.contextmanager
def use_jit(flag):
    """Within the block, the compiled kernels run (True, where Numba is installed) or not."""
    previous = _state["forced"]
    _state["forced"] = bool(flag)
    try:
        yield
    finally:
        _state["forced"] = previous


class _LazyKernel:
    """A Python function compiled by `numba.njit(nogil=True)` the first time it is called.

    Compiled code is not cached on disk (`cache=False`): Numba's cache is pickled, and ndflow
    loads nothing pickled; each process pays the compile once (about 0.1-0.6 s a kernel).
    """

    def __init__(self, fn):
        self.python = fn
        self._compiled = None
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__

    def dispatcher(self):
        """The Numba dispatcher (which compiles on its first call for each signature): a
        caller that holds it skips this object's Python-level call, ~0.2 us."""
        if self._compiled is None:
            with _compile_lock:
                if self._compiled is None:
                    # error_model="numpy": x / 0 gives inf or nan as NumPy does, with no
                    # zero check in the loop (which also keeps it vectorisable)
                    self._compiled = _numba().njit(nogil=True, cache=False,
                                                   error_model="numpy")(self.python)
        return self._compiled

    def __call__(self, *args):
        compiled = self._compiled
        return (self.dispatcher() if compiled is None else compiled)(*args)


def kernel(fn):
    """Decorator: `fn` compiled with Numba on first call (call it only when `enabled()`)."""
    return _LazyKernel(fn)
