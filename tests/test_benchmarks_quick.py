"""Keeps benchmarks/ from rotting: the runner's --quick mode runs every ndflow and NumPy
workload for a few steps in fresh processes and prints its table. No timing assertions."""
import os
import re
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchmarks.common import VARIANTS, NotAvailable, mnist_dir  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERAS_WORKLOADS = {"W4", "W5", "W6"}


def ndflow_keras_can_fit():
    try:
        from ndflow import keras
        return callable(getattr(keras.Sequential, "fit", None))
    except (ImportError, AttributeError):
        return False


def _have_real_mnist():
    try:
        mnist_dir()
        return True
    except NotAvailable:
        return False


@pytest.mark.skipif(not _have_real_mnist(),
                    reason="the MNIST workloads need real MNIST ($NDFLOW_DATA_DIR or "
                           "../shared/data/mnist), absent on this machine")
def test_quick_benchmark_runs_and_prints_a_table(tmp_path):
    workloads = ["W1", "W2", "W3", "W4", "W5", "W6"]
    if not ndflow_keras_can_fit():
        workloads = [w for w in workloads if w not in KERAS_WORKLOADS]
        print("ndflow.keras cannot fit a model yet: W4-W6 skipped in the quick benchmark")
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--frameworks", "ndflow,numpy",
         "--threads", "1", "--workloads", ",".join(workloads), "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    table_rows = [line for line in proc.stdout.splitlines() if line.startswith("| W")]
    expected = sum(len(VARIANTS["ndflow"][w]) + len(VARIANTS["numpy"][w]) for w in workloads)
    assert len(table_rows) == expected, proc.stdout
    assert "Roofline" in proc.stdout and "BLAS" in proc.stdout
    # every ndflow cell ran (none "not available") and reports a finite result check
    for row in table_rows:
        if "| ndflow/" in row:
            assert "not available" not in row, row
            assert re.search(r"(loss|accuracy|out_mean)=-?\d", row), row
    assert out.exists()


@pytest.mark.parametrize("bad", [["--workloads", "W9"], ["--frameworks", "caffe"]])
def test_runner_rejects_unknown_names(bad):
    proc = subprocess.run([sys.executable, "-m", "benchmarks.run", "--quick"] + bad, cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "unknown workload/framework" in proc.stderr


def test_scaling_benchmark_runs_its_cells_with_the_size_it_names(tmp_path):
    """bench_scaling --quick runs W1 at each hidden width (10, 100, 1000) through the
    runner's own child for each cell asked for, and prints one table row per width."""
    out = tmp_path / "scaling.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_scaling", "--quick", "--workloads", "W1",
         "--cells", "ndflow/function,numpy/manual", "--wait", "0", "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "W1: ms per training step (median) against hidden width" in proc.stdout
    import json
    raw = json.loads(out.read_text())
    assert set(raw) == {f"W1 {w} {c}" for w in (10, 100, 1000)
                        for c in ("ndflow function", "numpy manual")}
    rows = [line for line in proc.stdout.splitlines() if re.match(r"\| (10|100|1000) \|", line)]
    assert len(rows) == 3, proc.stdout
