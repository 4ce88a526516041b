"""BackupAndRestore: a fit killed mid-way (SIGKILL) and run again ends with the weights of
an uninterrupted fit (must show 3 of the Keras issue)."""
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

SCRIPT = textwrap.dedent("""
    import os, signal, sys
    import numpy as np
    import ndflow as tf
    from ndflow import keras

    backup_dir, out, kill_at = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 6)).astype("float32")
    y = (x @ rng.standard_normal((6, 1))).astype("float32")
    tf.random.set_seed(7)
    model = keras.Sequential([keras.layers.Input((6,)), keras.layers.Dense(16, "relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")

    class Killer(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, like a crash

    model.fit(x, y, epochs=6, batch_size=32, shuffle=False, verbose=0,
              callbacks=[keras.callbacks.BackupAndRestore(backup_dir), Killer()])
    np.savez(out, *model.get_weights())
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_killed_fit_resumes_to_the_same_weights(tmp_path):
    script = tmp_path / "fit.py"
    script.write_text(SCRIPT)

    def run(backup, out, kill_at):
        return subprocess.run([sys.executable, str(script), str(backup), str(out),
                               str(kill_at)], capture_output=True, text=True, timeout=300)

    killed = run(tmp_path / "backup", tmp_path / "never.npz", 2)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not (tmp_path / "never.npz").exists()
    resumed = run(tmp_path / "backup", tmp_path / "resumed.npz", -1)
    assert resumed.returncode == 0, resumed.stderr
    straight = run(tmp_path / "backup2", tmp_path / "straight.npz", -1)
    assert straight.returncode == 0, straight.stderr
    with np.load(tmp_path / "resumed.npz") as a, np.load(tmp_path / "straight.npz") as b:
        assert a.files == b.files
        for name in a.files:
            np.testing.assert_array_equal(a[name], b[name])
    backup = tmp_path / "backup"  # deleted after the finished fit (delete_checkpoint=True)
    assert not backup.exists() or not [f for f in os.listdir(backup) if f.endswith(".tmp")]
