"""The input-pipeline example programs run as users run them."""
import contextlib
import os
import runpy


def _one_blas_thread():
    """Small matmuls (batch 32 x 784 x 128) run several times faster on one BLAS thread
    than with OpenBLAS's threads competing for a shared 2-core machine."""
    try:
        import threadpoolctl
    except ImportError:
        return contextlib.nullcontext()
    return threadpoolctl.threadpool_limits(1)

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "examples")


def test_tf1_csv_queue_program(monkeypatch, capsys):
    monkeypatch.setenv("NDFLOW_EXAMPLE_STEPS", "501")
    runpy.run_path(os.path.join(EXAMPLES, "tf1_csv_queue_linear_regression.py"),
                   run_name="__main__")
    out = capsys.readouterr().out
    costs = [float(line.split()[-1]) for line in out.splitlines() if "Cost:" in line]
    assert len(costs) == 2 and costs[1] < costs[0] / 100
    assert "Your score will be" in out


def test_tf2_quickstart_with_tf_data(monkeypatch, capsys):
    monkeypatch.setenv("NDFLOW_EXAMPLE_STEPS", "1")
    monkeypatch.setenv("NDFLOW_DATA_DIR", "/nonexistent")  # the embedded subset: fast
    namespace = runpy.run_path(os.path.join(EXAMPLES, "tf2_quickstart_tf_data.py"))
    import ndflow.keras.datasets.mnist as mnist
    monkeypatch.setattr(mnist, "load_data", lambda *a, **k: mnist.load_embedded())
    with _one_blas_thread():
        test_accuracy, val_accuracy = namespace["main"](1)
    out = capsys.readouterr().out
    assert "Epoch 1, Loss:" in out and "fit: accuracy" in out
    assert test_accuracy > 0.8 and val_accuracy > 0.8
