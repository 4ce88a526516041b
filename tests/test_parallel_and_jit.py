"""The two kernel building blocks: ndflow.util.parallel.split (pieces over a thread pool)
and ndflow.util.jit (Numba kernels when installed and enabled, NumPy otherwise)."""
import os
import threading

import numpy as np
import pytest

from ndflow.util import jit, parallel


def test_split_covers_every_item_once_in_contiguous_pieces(monkeypatch):
    monkeypatch.setenv("NDFLOW_NUM_THREADS", "3")
    seen, lock = [], threading.Lock()

    def piece(start, stop):
        with lock:
            seen.append((start, stop))

    parallel.split(piece, 1000, min_size=100)
    assert len(seen) == 3
    covered = sorted(seen)
    assert covered[0][0] == 0 and covered[-1][1] == 1000
    assert all(a[1] == b[0] for a, b in zip(covered, covered[1:]))


def test_split_runs_small_work_and_single_thread_settings_inline(monkeypatch):
    caller = threading.get_ident()
    threads = []
    parallel.split(lambda a, b: threads.append((threading.get_ident(), a, b)), 10, min_size=100)
    monkeypatch.setenv("NDFLOW_NUM_THREADS", "1")
    parallel.split(lambda a, b: threads.append((threading.get_ident(), a, b)), 10**6, min_size=1)
    assert threads == [(caller, 0, 10), (caller, 0, 10**6)]


def test_split_inside_a_worker_runs_inline_instead_of_waiting_on_its_own_pool(monkeypatch):
    monkeypatch.setenv("NDFLOW_NUM_THREADS", "2")
    out = np.zeros(400)

    def inner(start, stop):
        out[start:stop] += 1

    def outer(start, stop):
        parallel.split(lambda a, b: inner(start + a, start + b), stop - start, min_size=10)

    parallel.split(outer, 400, min_size=10)
    np.testing.assert_array_equal(out, 1)


def test_split_gives_numpy_results_identical_to_one_pass(monkeypatch):
    monkeypatch.setenv("NDFLOW_NUM_THREADS", "2")
    x = np.random.default_rng(0).standard_normal(300_000).astype(np.float32)
    out = np.empty_like(x)
    parallel.split(lambda a, b: np.tanh(x[a:b], out=out[a:b]), x.size)
    np.testing.assert_array_equal(out, np.tanh(x))


def test_split_reraises_a_piece_error(monkeypatch):
    monkeypatch.setenv("NDFLOW_NUM_THREADS", "2")

    def piece(start, stop):
        if start > 0:
            raise ValueError("bad piece")

    with pytest.raises(ValueError, match="bad piece"):
        parallel.split(piece, 100, min_size=10)


def test_bad_thread_setting_names_the_variable(monkeypatch):
    monkeypatch.setenv("NDFLOW_NUM_THREADS", "many")
    with pytest.raises(ValueError, match="NDFLOW_NUM_THREADS"):
        parallel.num_threads()


def test_jit_switches(monkeypatch):
    monkeypatch.setenv("NDFLOW_JIT", "0")
    assert not jit.enabled()
    with jit.use_jit(True):
        assert jit.enabled() == jit.available()
    monkeypatch.delenv("NDFLOW_JIT")
    assert jit.enabled() == jit.available()
    with jit.use_jit(False):
        assert not jit.enabled()


@pytest.mark.skipif(not jit.available(), reason="numba is not installed (the 'jit' extra)")
def test_kernel_compiles_on_first_call_and_matches_python():
    @jit.kernel
    def scaled_add(x, y, alpha, out):
        for i in range(x.size):
            out[i] = x[i] + alpha * y[i]

    x, y = np.arange(5, dtype=np.float32), np.ones(5, np.float32)
    compiled, python = np.empty_like(x), np.empty_like(x)
    scaled_add(x, y, np.float32(0.5), compiled)
    scaled_add.python(x, y, np.float32(0.5), python)
    np.testing.assert_array_equal(compiled, python)
    assert scaled_add.__name__ == "scaled_add"


def test_all_means_every_cpu_of_the_process(monkeypatch):
    # (the default, which follows OpenBLAS's idle workers: tests/test_blas_threads.py)
    monkeypatch.setenv("NDFLOW_NUM_THREADS", "all")
    assert parallel.num_threads() == len(os.sched_getaffinity(0))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX-only")
def test_a_forked_child_splits_on_a_pool_of_its_own(monkeypatch):
    """The parent's pool threads do not exist in a forked child: splitting there must not
    wait on them (it hung before the pool was dropped at fork)."""
    import time
    monkeypatch.setenv("NDFLOW_NUM_THREADS", "2")
    out = np.zeros(1000)

    def piece(start, stop):
        out[start:stop] += 1
    parallel.split(piece, 1000, min_size=10)  # the parent's pool exists now
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        try:
            parallel.split(piece, 1000, min_size=10)
            os._exit(0 if (out == 2).all() else 3)
        finally:
            os._exit(4)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    pytest.fail("the forked child's split did not finish within 30 s")
