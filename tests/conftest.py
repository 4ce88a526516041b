import numpy as np
import pytest

import ndflow  # noqa: F401  (registers every op)
from ndflow.framework import context


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
