"""compile / fit / evaluate / predict: data forms, callbacks, weights, determinism."""

import numpy as np
import pytest

import ndflow as tf
from ndflow import keras
from ndflow.keras import layers

from .test_models import WideAndDeepModel, seed001_sequential



def blobs(n=240, seed=0):
    """Three separable classes of 28x28 'images' (a bright band per class)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    x = rng.normal(0, 0.3, (n, 28, 28)).astype("float32")
    for c in range(3):
        x[y == c, c * 9:(c + 1) * 9, :] += 1.0
    return x, y.astype("int32")


def regression(n=200, features=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(2.0, 3.0, (n, features)).astype("float32")
    w = rng.standard_normal((features, 1)).astype("float32")
    return x, (x @ w / 3.0 + 0.5).astype("float32")


def test_seed001_sequential_trains():
    x, y = blobs()
    model = seed001_sequential()
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=0.05), metrics=["accuracy"])
    history = model.fit(x, y, epochs=4, batch_size=32, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.epoch == [0, 1, 2, 3]
    losses = history.history["loss"]
    assert losses[-1] < losses[0]
    assert history.history["val_accuracy"][-1] > 0.9
    loss, acc = model.evaluate(x, y, verbose=0)
    assert acc > 0.9 and loss < losses[0]
    assert model.metrics_names == ["loss", "accuracy"]
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "accuracy"} and abs(logs["loss"] - loss) < 1e-6


def test_functional_normalization_regression_with_validation_data():
    x, y = regression()
    norm = layers.Normalization()
    inp = keras.Input(shape=x.shape[1:])
    h = layers.Dense(30, activation="relu")(norm(inp))
    out = layers.Dense(1)(layers.Dense(30, activation="relu")(h))
    model = keras.Model(inputs=[inp], outputs=[out])
    norm.adapt(x)
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.01),
                  metrics=["mae"])
    history = model.fit(x[:150], y[:150], epochs=5, validation_data=(x[150:], y[150:]),
                        verbose=0)
    h = history.history
    assert {"loss", "val_loss"} <= set(h) and len(h["loss"]) == 5
    assert h["loss"][-1] < h["loss"][0] and h["val_loss"][-1] < h["val_loss"][0]
    assert model.predict(x[:7], verbose=0).shape == (7, 1)


def test_wide_and_deep_two_outputs_with_loss_weights():
    tf.random.set_seed(42)
    x, y = regression(n=160, features=8)
    x_wide, x_deep = x[:, :5], x[:, 2:]
    model = WideAndDeepModel(30, activation="relu", name="my_cool_model")
    model.norm_layer_wide.adapt(x_wide)
    model.norm_layer_deep.adapt(x_deep)
    model.compile(loss=("mse", "mse"), loss_weights=(0.9, 0.1),
                  optimizer=keras.optimizers.SGD(learning_rate=0.01), metrics=["RootMeanSquaredError"])
    history = model.fit((x_wide, x_deep), (y, y), epochs=4, validation_split=0.2, verbose=0)
    h = history.history
    assert h["loss"][-1] < h["loss"][0]
    assert {"output_1_loss", "output_2_loss", "val_loss"} <= set(h)
    # the total is the weighted sum of the two outputs' losses
    np.testing.assert_allclose(h["loss"][-1], 0.9 * h["output_1_loss"][-1] +
                               0.1 * h["output_2_loss"][-1], rtol=1e-4)
    results = model.evaluate((x_wide, x_deep), (y, y), verbose=0, return_dict=True)
    assert {"loss", "output_1_loss", "output_2_loss"} <= set(results)
    y_pred_main, y_pred_aux = model.predict((x_wide[:3], x_deep[:3]), verbose=0)
    assert y_pred_main.shape == (3, 1) and y_pred_aux.shape == (3, 1)


def test_generator_sequence_and_steps_per_epoch():
    x, y = regression(n=64)
    model = keras.Sequential([keras.Input((8,)), layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.001))

    def forever():
        while True:
            for i in range(0, 64, 16):
                yield x[i:i + 16], y[i:i + 16]

    h = model.fit(forever(), steps_per_epoch=3, epochs=2, verbose=0)
    assert len(h.history["loss"]) == 2
    assert int(model.optimizer.iterations.numpy()) == 6

    class Batches(keras.utils.Sequence):
        def __init__(self):
            super().__init__()
            self.epochs_ended = 0

        def __len__(self):
            return 4

        def __getitem__(self, i):
            return x[i * 16:(i + 1) * 16], y[i * 16:(i + 1) * 16]

        def on_epoch_end(self):
            self.epochs_ended += 1

    seq = Batches()
    model.fit(seq, epochs=3, verbose=0)
    assert seq.epochs_ended == 3
    assert int(model.optimizer.iterations.numpy()) == 6 + 12
    assert np.isfinite(model.evaluate(seq, verbose=0))
    with pytest.warns(UserWarning, match="ran out of data: steps=6 but the Sequence has 4"):
        model.fit(seq, steps_per_epoch=6, epochs=1, verbose=0)  # 4 batches are run
    assert int(model.optimizer.iterations.numpy()) == 6 + 12 + 4
    assert model.predict(x, batch_size=10, verbose=0).shape == (64, 1)
    with pytest.raises(ValueError, match="`y` argument is not supported"):
        model.fit(seq, y, verbose=0)


def test_sample_weight_and_class_weight_zero_means_no_update():
    x, y = blobs(n=64)
    model = keras.Sequential([keras.Input((28, 28)), layers.Flatten(),
                              layers.Dense(3, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=0.1))
    before = model.get_weights()
    model.fit(x, y, sample_weight=np.zeros(64, "float32"), epochs=1, verbose=0)
    for b, a in zip(before, model.get_weights()):
        np.testing.assert_allclose(a, b)
    model.fit(x, y, class_weight={0: 0.0, 1: 0.0, 2: 0.0}, epochs=1, verbose=0)
    for b, a in zip(before, model.get_weights()):
        np.testing.assert_allclose(a, b)
    model.fit(x, y, class_weight={0: 1.0, 1: 0.0, 2: 0.0}, epochs=1, verbose=0)
    assert not np.allclose(before[0], model.get_weights()[0])


class Recorder(keras.callbacks.Callback):
    def __init__(self, stop_at_epoch=None, resume_epoch=None):
        super().__init__()
        self.calls = []
        self.stop_at_epoch = stop_at_epoch
        self.resume_epoch = resume_epoch

    def on_train_begin(self, logs=None):
        self.calls.append("train_begin")
        if self.resume_epoch is not None:
            self.model._initial_epoch = self.resume_epoch

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(f"epoch_begin {epoch}")

    def on_train_batch_begin(self, batch, logs=None):
        self.calls.append(f"batch_begin {batch}")

    def on_train_batch_end(self, batch, logs=None):
        assert isinstance(logs["loss"], float)
        self.calls.append(f"batch_end {batch}")

    def on_test_begin(self, logs=None):
        self.calls.append("test_begin")

    def on_test_end(self, logs=None):
        self.calls.append("test_end")

    def on_epoch_end(self, epoch, logs=None):
        assert set(logs) == {"loss", "val_loss"} and all(isinstance(v, float)
                                                         for v in logs.values())
        self.calls.append(f"epoch_end {epoch}")
        if epoch == self.stop_at_epoch:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        self.calls.append("train_end")


def _small_model():
    model = keras.Sequential([keras.Input((8,)), layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.001))
    return model


def test_callback_hooks_order_stop_training_and_initial_epoch():
    x, y = regression(n=40)
    model = _small_model()
    rec = Recorder(stop_at_epoch=1)
    history = model.fit(x, y, batch_size=20, epochs=5, validation_data=(x, y),
                        callbacks=[rec], verbose=0)
    assert rec.calls == ["train_begin",
                         "epoch_begin 0", "batch_begin 0", "batch_end 0", "batch_begin 1",
                         "batch_end 1", "test_begin", "test_end", "epoch_end 0",
                         "epoch_begin 1", "batch_begin 0", "batch_end 0", "batch_begin 1",
                         "batch_end 1", "test_begin", "test_end", "epoch_end 1", "train_end"]
    assert history.epoch == [0, 1]
    resumed = Recorder(resume_epoch=3)
    history = model.fit(x, y, batch_size=20, epochs=5, validation_data=(x, y),
                        callbacks=[resumed], verbose=0)
    assert history.epoch == [3, 4]
    history = model.fit(x, y, batch_size=20, epochs=3, initial_epoch=2, verbose=0)
    assert history.epoch == [2]


def _train_once(seed, run_eagerly=False, shuffle=True):
    keras.backend.clear_session()
    tf.random.set_seed(seed)
    x, y = blobs(n=96)
    model = keras.Sequential([keras.Input((28, 28)), layers.Flatten(),
                              layers.Dense(16, activation="relu"), layers.Dropout(0.2),
                              layers.Dense(3, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=0.05), metrics=["accuracy"],
                  run_eagerly=run_eagerly)
    h = model.fit(x, y, batch_size=16, epochs=2, shuffle=shuffle, verbose=0)
    return model.get_weights(), h.history["loss"]


def test_same_seed_same_weights_and_losses():
    w1, l1 = _train_once(7)
    w2, l2 = _train_once(7)
    assert l1 == l2
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)
    w3, l3 = _train_once(8)
    assert l3 != l1


def test_run_eagerly_matches_compiled_step():
    x, y = regression(n=32)
    compiled, eager = _small_model(), _small_model()
    eager.set_weights(compiled.get_weights())
    eager.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.001),
                  run_eagerly=True)
    h1 = compiled.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    h2 = eager.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(h1.history["loss"], h2.history["loss"], rtol=1e-5)
    for a, b in zip(compiled.get_weights(), eager.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_compiled_step_traces_once_per_batch_shape():
    x, y = regression(n=50)
    model = _small_model()
    model.fit(x, y, batch_size=16, epochs=3, verbose=0)  # batches of 16, 16, 16 and 2
    assert model._nd_train_fn.experimental_get_tracing_count() == 2


def test_batch_normalization_updates_inside_compiled_step_and_dropout_off_in_predict():
    x, y = regression(n=64)
    model = keras.Sequential([keras.Input((8,)), layers.BatchNormalization(momentum=0.5),
                              layers.Dropout(0.5), layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.001))
    bn = model.layers[0]
    model.fit(x, y, batch_size=64, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.5 * x.mean(0), rtol=1e-4)
    p1 = model.predict(x, verbose=0)
    p2 = model.predict(x, verbose=0)
    np.testing.assert_array_equal(p1, p2)  # no dropout at inference


def test_on_batch_methods_and_keras2_predict_classes():
    x, y = blobs(n=32)
    model = keras.Sequential([keras.Input((28, 28)), layers.Flatten(),
                              layers.Dense(3, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=0.1), metrics=["accuracy"])
    loss, acc = model.train_on_batch(x, y)
    assert np.isfinite(loss) and 0 <= acc <= 1
    logs = model.test_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    probs = model.predict_on_batch(x)
    assert probs.shape == (32, 3)
    with pytest.warns(DeprecationWarning):
        classes = model.predict_classes(x)
    np.testing.assert_array_equal(classes, probs.argmax(-1))
    with pytest.warns(DeprecationWarning):
        assert model.predict_proba(x).shape == (32, 3)


def test_dict_inputs_and_outputs_by_name():
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    h = layers.concatenate([a, b])
    model = keras.Model({"a": a, "b": b}, {"score": layers.Dense(1, name="score")(h),
                                           "cls": layers.Dense(2, activation="softmax",
                                                               name="cls")(h)})
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01),
                  loss={"score": "mse", "cls": "sparse_categorical_crossentropy"},
                  metrics={"cls": ["accuracy"]})
    rng = np.random.default_rng(0)
    xs = {"a": rng.standard_normal((20, 3)), "b": rng.standard_normal((20, 2))}
    ys = {"score": rng.standard_normal((20, 1)), "cls": rng.integers(0, 2, 20)}
    h = model.fit(xs, ys, epochs=2, verbose=0)
    assert {"loss", "score_loss", "cls_loss", "cls_accuracy"} <= set(h.history)
    pred = model.predict(xs, verbose=0)
    assert pred["score"].shape == (20, 1) and pred["cls"].shape == (20, 2)


def test_errors_are_clear():
    model = keras.Sequential([keras.Input((8,)), layers.Dense(1)])
    x, y = regression(n=10)
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(x, y, verbose=0)
    model.compile(loss=["mse", "mse"], optimizer=keras.optimizers.SGD())
    with pytest.raises(ValueError, match="1 output"):
        model.fit(x, y, verbose=0)
    model.compile(loss="mse", optimizer=keras.optimizers.SGD())
    with pytest.raises(ValueError, match="cardinality"):
        model.fit(x, y[:5], verbose=0)
    with pytest.raises(TypeError, match="unexpected keyword"):
        model.fit(x, y, verbose=0, epoch=3)
