"""Must-show 1: fit with keras.callbacks.TensorBoard, then read the scalars, histograms and
graph back with tensorboard's own EventAccumulator."""
import os

import numpy as np
import pytest

pytest.importorskip("tensorboard", reason="tensorboard is not installed "
                    "(pip install ndflow[tensorboard])")
from tensorboard.backend.event_processing import event_accumulator  # noqa: E402

from ndflow import keras  # noqa: E402
from ndflow.keras.callbacks_tensorboard import TensorBoard  # noqa: E402


def read(logdir):
    acc = event_accumulator.EventAccumulator(str(logdir), size_guidance={
        event_accumulator.SCALARS: 0, event_accumulator.HISTOGRAMS: 0,
        event_accumulator.IMAGES: 0})
    acc.Reload()
    return acc


def small_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Input((4,)),
                              keras.layers.Dense(8, activation="relu", name="hidden"),
                              keras.layers.Dense(1, name="out")])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5], [0.0]], np.float32)
    return x, y


def test_fit_writes_scalars_histograms_and_graph(tmp_path):
    model = small_model()
    x, y = data()
    callback = TensorBoard(log_dir=str(tmp_path), histogram_freq=1, write_images=True)
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0,
                        callbacks=[callback])
    train = read(tmp_path / "train")
    losses = [e.value for e in train.Scalars("epoch_loss")]
    assert losses == pytest.approx(history.history["loss"], rel=1e-6)
    assert [e.step for e in train.Scalars("epoch_mae")] == [0, 1, 2]
    assert "epoch_learning_rate" in train.Tags()["scalars"]
    validation = read(tmp_path / "validation")
    assert [e.value for e in validation.Scalars("epoch_loss")] == \
        pytest.approx(history.history["val_loss"], rel=1e-6)
    histograms = train.Tags()["histograms"]
    assert {"hidden/kernel", "hidden/bias", "out/kernel", "out/bias"} <= set(histograms)
    kernel = train.Histograms("hidden/kernel")[-1].histogram_value
    assert kernel.num == 32
    assert kernel.max == pytest.approx(float(model.layers[0].kernel.numpy().max()))
    assert "hidden/kernel_image" in train.Tags()["images"]
    ops = [n.op for n in train.Graph().node]
    assert ops.count("MatMul") == 2 and "Relu" in ops and "VarHandleOp" in ops


def test_batch_update_freq_and_no_graph(tmp_path):
    model = small_model()
    x, y = data()
    model.fit(x, y, epochs=1, batch_size=16, verbose=0,
              callbacks=[TensorBoard(log_dir=str(tmp_path), update_freq=2, write_graph=False)])
    train = read(tmp_path / "train")
    assert [e.step for e in train.Scalars("batch_loss")] == [2, 4]
    assert not train.Tags()["graph"]
    assert not os.path.exists(tmp_path / "validation")


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="update_freq"):
        TensorBoard(update_freq="sometimes")
    with pytest.raises(ValueError, match="histogram_freq"):
        TensorBoard(histogram_freq=-1)
