"""keras.callbacks and Progbar, driven by a small fake model that has only the Model surface
the callbacks may use (so these tests do not depend on the Keras engine)."""
import csv
import io
import math
import os

import numpy as np
import pytest

from ndflow.framework.errors import DataLossError, InvalidArgumentError
from ndflow.keras import callbacks as C
from ndflow.keras import optimizers
from ndflow.keras.utils.progbar import Progbar

import ndflow as tf


class FakeModel:
    """Weights are a list of arrays; save/save_weights record the paths and write a file."""

    def __init__(self, learning_rate=0.1):
        self.weights = [np.zeros((2, 2), np.float32), np.zeros(2, np.float32)]
        self.stop_training = False
        self.optimizer = optimizers.SGD(learning_rate=learning_rate, momentum=0.9)
        self.trainable_variables = [tf.Variable(w) for w in self.weights]
        self.saved = []
        self.history = None

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]

    def save(self, filepath, overwrite=True):
        self.saved.append(("model", filepath))
        with open(filepath, "w") as f:
            f.write("model")

    def save_weights(self, filepath, overwrite=True):
        self.saved.append(("weights", filepath))
        with open(filepath, "w") as f:
            f.write("weights")


def fit(model, callbacks, epoch_logs, batches=2, initial_epoch=0, verbose=0):
    """Drives the hooks like Model.fit: epoch_logs[i] are epoch i's logs; weights become
    epoch + 1 at each epoch end so tests can tell which epoch's weights were kept."""
    cbs = C.CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=model,
                         verbose=verbose, epochs=len(epoch_logs), steps=batches)
    model.stop_training = False
    model._initial_epoch = initial_epoch
    cbs.on_train_begin()
    ran = []
    for epoch in range(model._initial_epoch, len(epoch_logs)):
        cbs.on_epoch_begin(epoch)
        for batch in range(batches):
            cbs.on_train_batch_begin(batch)
            cbs.on_train_batch_end(batch, {"loss": epoch_logs[epoch].get("loss", 1.0)})
        model.weights = [np.full_like(w, epoch + 1) for w in model.weights]
        logs = dict(epoch_logs[epoch])
        cbs.on_epoch_end(epoch, logs)
        ran.append(epoch)
        if model.stop_training:
            break
    cbs.on_train_end()
    return ran, model.history


def losses_logs(values, name="val_loss"):
    return [{"loss": 1.0, name: v} for v in values]


def test_callback_list_dispatches_every_hook_in_order():
    calls = []

    class Recorder(C.Callback):
        pass
    for hook in C._HOOKS:
        if "batch" in hook or "epoch" in hook:
            setattr(Recorder, hook, lambda self, i, logs=None, h=hook: calls.append((h, i)))
        else:
            setattr(Recorder, hook, lambda self, logs=None, h=hook: calls.append((h,)))
    cbs = C.CallbackList([Recorder()], model="m", epochs=3)
    assert cbs.callbacks[0].model == "m" and cbs.callbacks[0].params == {"epochs": 3}
    for hook in C._HOOKS:
        if "batch" in hook or "epoch" in hook:
            getattr(cbs, hook)(7, {"loss": 1.0})
        else:
            getattr(cbs, hook)({})
    assert [c[0] for c in calls] == list(C._HOOKS)
    with pytest.raises(InvalidArgumentError):
        C.CallbackList(["not a callback"])


def test_history_is_set_on_the_model():
    model = FakeModel()
    ran, history = fit(model, [], [{"loss": 3.0, "accuracy": 0.5}, {"loss": 2.0,
                                                                    "accuracy": 0.75}])
    assert isinstance(history, C.History)
    assert history.history == {"loss": [3.0, 2.0], "accuracy": [0.5, 0.75]}
    assert history.epoch == [0, 1]


def test_early_stopping_patience_and_restore_best_weights(capsys):
    model = FakeModel()
    stop = C.EarlyStopping(patience=2, restore_best_weights=True, verbose=1)
    ran, _ = fit(model, [stop], losses_logs([1.0, 0.5, 0.6, 0.7, 0.1]))
    assert ran == [0, 1, 2, 3] and stop.stopped_epoch == 3 and stop.best_epoch == 1
    assert model.weights[0][0, 0] == 2  # the weights from the end of epoch index 1
    out = capsys.readouterr().out
    assert "Epoch 4: early stopping" in out and "best epoch: 2" in out


def test_early_stopping_min_delta_mode_baseline_and_start_epoch():
    model = FakeModel()
    stop = C.EarlyStopping(monitor="val_accuracy", min_delta=0.05, patience=1)
    assert stop.mode == "max"
    ran, _ = fit(model, [stop], losses_logs([0.5, 0.53, 0.9], "val_accuracy"))
    assert ran == [0, 1]  # +0.03 is not an improvement of more than 0.05
    stop = C.EarlyStopping(monitor="loss", baseline=0.5, patience=2)
    ran, _ = fit(model, [stop], [{"loss": v} for v in [0.9, 0.95, 0.97, 0.99]])
    assert ran == [0, 1]  # the first epoch did not beat the baseline: patience kept running
    stop = C.EarlyStopping(patience=0, start_from_epoch=3)
    ran, _ = fit(model, [stop], losses_logs([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert ran == [0, 1, 2, 3, 4]
    with pytest.warns(UserWarning, match="not available"):
        fit(model, [C.EarlyStopping(monitor="val_nope")], losses_logs([1.0, 2.0]))


def test_model_checkpoint_templates_best_only_and_threshold(tmp_path, capsys):
    model = FakeModel()
    path = str(tmp_path / "ckpt_{epoch:02d}-{val_loss:.2f}.keras")
    fit(model, [C.ModelCheckpoint(path)], losses_logs([0.5, 0.25]))
    assert [p for _, p in model.saved] == [str(tmp_path / "ckpt_01-0.50.keras"),
                                           str(tmp_path / "ckpt_02-0.25.keras")]
    model = FakeModel()
    best = str(tmp_path / "sub" / "best.weights.h5")
    cb = C.ModelCheckpoint(best, save_best_only=True, save_weights_only=True, verbose=1)
    fit(model, [cb], losses_logs([0.5, 0.7, 0.3]))
    assert model.saved == [("weights", best), ("weights", best)]
    assert os.path.exists(best) and cb.best == 0.3
    assert "val_loss improved from inf to 0.50000" in capsys.readouterr().out
    model = FakeModel()
    cb = C.ModelCheckpoint(str(tmp_path / "m.keras"), monitor="val_accuracy",
                           save_best_only=True, initial_value_threshold=0.8)
    fit(model, [cb], losses_logs([0.7, 0.85, 0.82], "val_accuracy"))
    assert len(model.saved) == 1
    with pytest.raises(KeyError, match="val_nope"):
        fit(FakeModel(), [C.ModelCheckpoint(str(tmp_path / "{val_nope}.keras"))],
            losses_logs([1.0]))


def test_model_checkpoint_every_n_batches(tmp_path):
    model = FakeModel()
    cb = C.ModelCheckpoint(str(tmp_path / "e{epoch}-b{batch}.keras"), save_freq=3)
    fit(model, [cb], losses_logs([1.0, 1.0]), batches=4)
    assert [os.path.basename(p) for _, p in model.saved] == ["e1-b3.keras", "e2-b2.keras"]
    with pytest.raises(InvalidArgumentError, match="save_freq"):
        C.ModelCheckpoint("x.keras", save_freq="batch")


def test_reduce_lr_on_plateau():
    model = FakeModel(learning_rate=1.0)
    cb = C.ReduceLROnPlateau(factor=0.5, patience=1, cooldown=1, min_lr=0.3)
    lrs = []
    logs = losses_logs([1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    cb_list = [cb, C.LambdaCallback(on_epoch_end=lambda e, l: lrs.append(l["learning_rate"]))]
    fit(model, cb_list, logs)
    # logs show the rate each epoch ran with: epoch 1 waits 1 -> 0.5; epoch 2's cooldown
    # ends at once, so it waits 1 again -> max(0.25, min_lr) = 0.3; then it stays at min_lr
    assert lrs == pytest.approx([1.0, 1.0, 0.5, 0.3, 0.3, 0.3])
    assert float(model.optimizer.learning_rate) == pytest.approx(0.3)
    with pytest.raises(InvalidArgumentError, match="factor"):
        C.ReduceLROnPlateau(factor=1.5)


def test_learning_rate_scheduler_one_and_two_arguments():
    model = FakeModel(learning_rate=1.0)
    seen = []
    cb = C.LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch else lr)
    fit(model, [cb, C.LambdaCallback(on_epoch_begin=lambda e, l: seen.append(
        float(model.optimizer.learning_rate)))], losses_logs([1, 1, 1]))
    assert seen == pytest.approx([1.0, 0.5, 0.25])
    model = FakeModel()
    fit(model, [C.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))], losses_logs([1, 1]))
    assert float(model.optimizer.learning_rate) == pytest.approx(0.05)
    with pytest.raises(InvalidArgumentError, match="float"):
        fit(FakeModel(), [C.LearningRateScheduler(lambda epoch: "fast")], losses_logs([1]))


def test_csv_logger_writes_each_epoch_and_appends(tmp_path):
    path = str(tmp_path / "log.csv")
    model = FakeModel()
    written = []

    def peek(epoch, logs):  # rows are on disk as soon as their epoch ends
        with open(path) as f:
            written.append(len(f.read().splitlines()))
    fit(model, [C.CSVLogger(path), C.LambdaCallback(on_epoch_end=peek)],
        [{"loss": 0.5, "acc": 0.25}, {"loss": 0.25, "acc": 0.5}])
    assert written == [2, 3]
    fit(model, [C.CSVLogger(path, append=True)], [{"loss": 0.125, "acc": 0.75}])
    with open(path) as f:
        rows = list(csv.reader(f))
    assert rows == [["epoch", "acc", "loss"], ["0", "0.25", "0.5"], ["1", "0.5", "0.25"],
                    ["0", "0.75", "0.125"]]
    fit(model, [C.CSVLogger(path, separator=";")], [{"loss": 1.0}])
    with open(path) as f:
        assert f.read() == "epoch;loss\n0;1.0\n"


def test_lambda_callback_and_terminate_on_nan(capsys):
    events = []
    cb = C.LambdaCallback(on_train_begin=lambda logs: events.append("begin"),
                          on_batch_end=lambda b, logs: events.append(b),
                          on_train_end=lambda logs: events.append("end"))
    fit(FakeModel(), [cb], losses_logs([1.0]))
    assert events == ["begin", 0, 1, "end"]
    with pytest.raises(TypeError, match="unknown hook"):
        C.LambdaCallback(on_everything=print)
    model = FakeModel()
    ran, _ = fit(model, [C.TerminateOnNaN()], [{"loss": 1.0}, {"loss": math.nan},
                                               {"loss": 1.0}])
    assert ran == [0, 1] and model.stop_training
    assert "Invalid loss, terminating training" in capsys.readouterr().out


def test_backup_and_restore_resumes_at_the_reached_epoch(tmp_path):
    backup = str(tmp_path / "backup")
    model = FakeModel()
    model.optimizer.apply([tf.constant(np.ones(v.shape.as_list(), np.float32))
                           for v in model.trainable_variables], model.trainable_variables)

    class Crash(C.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        fit(model, [C.BackupAndRestore(backup), Crash()], losses_logs([1, 1, 1, 1]))
    assert os.listdir(backup) == ["backup.npz"]  # no temporary file left behind
    saved_slots = [v.numpy() for v in model.optimizer.variables]

    fresh = FakeModel(learning_rate=0.5)
    ran, _ = fit(fresh, [C.BackupAndRestore(backup)], losses_logs([1, 1, 1, 1]))
    assert ran == [2, 3]  # epochs 0 and 1 were finished before the crash
    restored = fresh.optimizer.variables
    assert len(restored) == len(saved_slots)
    for value, var in zip(saved_slots, restored):
        np.testing.assert_array_equal(var.numpy(), value)
    assert not os.path.exists(backup)  # deleted after a normal end
    kept = str(tmp_path / "kept")
    fit(FakeModel(), [C.BackupAndRestore(kept, delete_checkpoint=False)], losses_logs([1]))
    assert os.path.exists(os.path.join(kept, "backup.npz"))


def test_backup_and_restore_rejects_a_corrupt_backup(tmp_path):
    backup = tmp_path / "b"
    backup.mkdir()
    (backup / "backup.npz").write_bytes(b"not a zip file")
    with pytest.raises(DataLossError, match="backup.npz: cannot read as a BackupAndRestore"):
        fit(FakeModel(), [C.BackupAndRestore(str(backup))], losses_logs([1]))


def test_progbar_logger_verbose_1_and_2(capsys):
    fit(FakeModel(), [], [{"loss": 0.28711, "accuracy": 0.91234, "val_loss": 0.3,
                           "val_accuracy": 0.9}] * 2, batches=3, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    final = [line.split("\r")[-1] for line in out.splitlines() if line.startswith("3/3")
             or "\r3/3" in line]
    assert final, out
    line = final[-1]
    assert line.startswith("3/3 " + "\u2501" * 20)
    assert "/step - accuracy: 0.9123 - loss: 0.2871 - val_accuracy: 0.9000 - val_loss: 0.3000" \
        in line
    fit(FakeModel(), [], [{"loss": 0.5}] * 2, batches=3, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2"
    assert lines[1].startswith("3/3 - ") and lines[1].endswith("/step - loss: 0.5000")
    assert len(lines) == 4


def test_progbar_direct_use():
    stream = io.StringIO()
    bar = Progbar(target=4, verbose=1, interval=0.0, stream=stream)
    bar.update(2, [("loss", 1.0)])
    bar.update(4, [("loss", 3.0)])  # averaged over steps: (1*2 + 3*2) / 4
    text = stream.getvalue()
    assert text.endswith("\n") and "loss: 2.0000" in text.split("\r")[-1]
    stream = io.StringIO()
    bar = Progbar(target=None, verbose=2, stream=stream)
    bar.update(5, [("mae", 0.0001)], finalize=True)
    assert stream.getvalue().startswith("5/Unknown - ") and "mae: 1.0000e-04" in stream.getvalue()


def test_history_and_progbar_come_after_user_callbacks():
    model = FakeModel(learning_rate=0.5)
    cbs = C.CallbackList([C.ReduceLROnPlateau(patience=5)], add_history=True, add_progbar=True,
                         model=model)
    assert [type(cb) for cb in cbs.callbacks] == [C.ReduceLROnPlateau, C.History,
                                                   C.ProgbarLogger]
    assert model.history is cbs.callbacks[1]
    _, history = fit(model, [C.ReduceLROnPlateau(patience=5)], losses_logs([1.0, 0.5]))
    assert history.history["learning_rate"] == pytest.approx([0.5, 0.5])
