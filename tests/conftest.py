import numpy as np
import pytest

import ndflow  # noqa: F401  (registers every op)
from ndflow.framework import context
from ndflow.util import jit


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread():
    """The suite's matrices are small: one BLAS thread is faster than OpenBLAS's default pool,
    and steadier on a shared 2-core CI machine (multi-threaded small GEMMs there ran 3-25x
    slower under load). Benchmarks, not tests, measure threaded BLAS."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # scikit-learn brings it; without it BLAS keeps its default
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts as a fresh process would: no graphs, sessions, tapes or seeds."""
    context.reset()
    np.random.seed(1234)
    yield
    context.reset()


@pytest.fixture(params=[True, False], ids=["jit", "numpy"])
def jit_mode(request):
    """Runs a test on both kernel paths: the compiled one (skipped without Numba, the 'jit'
    extra) and the NumPy one; the value is True on the compiled path."""
    if request.param and not jit.available():
        pytest.skip("numba is not installed (the 'jit' extra)")
    with jit.use_jit(request.param):
        yield request.param
