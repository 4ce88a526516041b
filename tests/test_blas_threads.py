"""OpenBLAS's idle workers after `import ndflow` (ndflow/util/blas_threads.py): they sleep
~0.4 ms after a threaded product instead of spinning on a core for ~0.1 s, whether NumPy was
imported before ndflow or not, unless the user set OPENBLAS_THREAD_TIMEOUT or
NDFLOW_BLAS_TUNING=0; and ndflow's thread pool splits work only while they do."""
import json
import os
import subprocess
import sys

import pytest

from ndflow.util import blas_threads, parallel

# CPU time the process spends while its main thread sleeps right after a threaded product:
# a worker spinning OpenBLAS's default 2**28 cycles burns ~0.1 s of it, ndflow's 2**20 ~0.4 ms.
_PROBE = """
import json, os, resource, sys, time
order = sys.argv[1]
if order == "numpy-first":
    import numpy as np
    a = np.ones((600, 600), np.float32)
    before = a @ a  # OpenBLAS's workers started (and spinning) before ndflow is imported
import ndflow
import numpy as np
from ndflow.util import blas_threads, parallel
a = np.ones((600, 600), np.float32)

def idle_cpu():
    a @ a
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    time.sleep(0.3)
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    return r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime

product = a @ a
print(json.dumps({"timeout": os.environ.get("OPENBLAS_THREAD_TIMEOUT"),
                  "blas_threads": blas_threads.blas_threads(),
                  "spin": blas_threads.idle_workers_spin(),
                  "pieces": parallel.num_threads(),
                  "idle_cpu": sorted(idle_cpu() for _ in range(3)),
                  "same_product": bool((product == 600).all()) and
                  (order != "numpy-first" or bool((before == product).all()))}))
"""


def _probe(order, **env):
    environ = {k: v for k, v in os.environ.items()
               if k not in ("OPENBLAS_THREAD_TIMEOUT", "NDFLOW_BLAS_TUNING", "NDFLOW_NUM_THREADS",
                            "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    environ.update(env)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    environ["PYTHONPATH"] = root + os.pathsep + environ.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, "-c", _PROBE, order], capture_output=True,
                         text=True, env=environ, timeout=120, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _threaded_probe(order, **env):
    """The probe's findings, skipping where its OpenBLAS has no idle workers (the suite's
    own process runs BLAS at one thread: tests/conftest.py; the probe at its default)."""
    got = _probe(order, **env)
    if got["blas_threads"] is None:
        pytest.skip("NumPy's BLAS is not an OpenBLAS this process can find")
    if got["blas_threads"] < 2:
        pytest.skip("OpenBLAS runs one thread on this machine: it has no idle workers")
    return got


@pytest.mark.parametrize("order", ["ndflow-first", "numpy-first"])
def test_idle_workers_sleep_after_import_and_the_pool_splits(order):
    got = _threaded_probe(order)
    assert got["timeout"] == str(blas_threads.TIMEOUT) and got["spin"] is False
    assert got["same_product"]
    assert got["pieces"] == len(os.sched_getaffinity(0))
    assert got["idle_cpu"][0] < 0.03, got  # the least of three: a scheduler hiccup aside


@pytest.mark.parametrize("env", [{"NDFLOW_BLAS_TUNING": "0"},
                                 {"OPENBLAS_THREAD_TIMEOUT": "28"}])
def test_the_users_choice_is_kept_and_the_pool_then_stays_on_one_thread(env):
    got = _threaded_probe("numpy-first", **env)
    assert got["timeout"] == env.get("OPENBLAS_THREAD_TIMEOUT")
    assert got["spin"] is True and got["pieces"] == 1 and got["same_product"]
    # the spinning this module stops (so the probe can fail): the most of three, in case
    # the spinning worker was descheduled on a busy machine
    assert got["idle_cpu"][-1] > 0.03, got


def test_one_blas_thread_leaves_the_cores_free():
    got = _probe("numpy-first", OPENBLAS_NUM_THREADS="1", NDFLOW_BLAS_TUNING="0")
    if got["blas_threads"] is None:
        pytest.skip("NumPy's BLAS is not an OpenBLAS this process can find")
    assert got["blas_threads"] == 1 and got["spin"] is False
    assert got["pieces"] == len(os.sched_getaffinity(0))


def test_the_pool_follows_the_workers(monkeypatch):
    monkeypatch.delenv("NDFLOW_NUM_THREADS", raising=False)
    monkeypatch.setattr(blas_threads, "idle_workers_spin", lambda: True)
    assert parallel.num_threads() == 1 and parallel.pieces(10**7) == 1
    monkeypatch.setattr(blas_threads, "idle_workers_spin", lambda: False)
    assert parallel.num_threads() == len(os.sched_getaffinity(0))
    monkeypatch.setenv("NDFLOW_NUM_THREADS", "1")
    assert parallel.num_threads() == 1
