"""Keras fit/evaluate/predict on tf.data datasets, and the TF2 quickstart pattern."""
import warnings

import numpy as np
import pytest

import ndflow as tf
from ndflow import keras


def _blobs(n=600, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 8)).astype("float32")
    y = (x[:, :4].sum(1) > 0).astype("int64")
    return x, y


def _model():
    m = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(2)])
    m.compile(optimizer=keras.optimizers.Adam(0.01),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
    return m


def test_fit_dataset_with_validation_evaluate_predict():
    x, y = _blobs()
    train = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(600, seed=1).batch(32).prefetch(2)
    val = tf.data.Dataset.from_tensor_slices((x[:200], y[:200])).batch(64)
    model = _model()
    history = model.fit(train, epochs=4, validation_data=val, verbose=0)
    assert history.history["accuracy"][-1] > 0.9
    assert "val_accuracy" in history.history
    loss, acc = model.evaluate(val, verbose=0)
    assert acc == pytest.approx(history.history["val_accuracy"][-1])
    assert model.predict(val, verbose=0).shape == (200, 2)
    assert model.predict(val.map(lambda a, b: a), verbose=0).shape == (200, 2)


def test_dataset_matches_arrays_for_the_same_batches():
    x, y = _blobs(256)
    tf.random.set_seed(3)
    a = _model()
    ha = a.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
    tf.random.set_seed(3)
    b = _model()
    hb = b.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(32), epochs=2, shuffle=False,
               verbose=0)
    np.testing.assert_allclose(ha.history["loss"], hb.history["loss"], rtol=1e-5)


def test_infinite_dataset_needs_and_uses_steps_per_epoch():
    x, y = _blobs(100)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(10).repeat()
    model = _model()
    with pytest.raises(ValueError, match="steps_per_epoch"):
        model.fit(ds, epochs=1, verbose=0)
    seen = []

    class Count(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(batch)
    model.fit(ds, steps_per_epoch=7, epochs=3, verbose=0, callbacks=[Count()])
    assert len(seen) == 21
    finite = tf.data.Dataset.from_tensor_slices((x, y)).batch(10)  # 10 batches in all
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        h = model.fit(finite, steps_per_epoch=4, epochs=5, verbose=0)
    # epochs 1 and 2 take 4 batches each, epoch 3 the last 2, then training stops
    assert len(h.history["loss"]) == 3 and any("ran out of data" in str(m.message) for m in w)


def test_sample_weights_and_dict_inputs_by_name():
    x, y = _blobs(200)
    model = _model()
    zero = tf.data.Dataset.from_tensor_slices((x, y, np.zeros(200, "float32"))).batch(50)
    model.fit(zero, epochs=1, verbose=0)
    w0 = [v.numpy().copy() for v in model.trainable_variables]
    model.fit(zero, epochs=1, verbose=0)  # zero weights: no gradient
    for a, v in zip(w0, model.trainable_variables):
        np.testing.assert_allclose(a, v.numpy(), atol=1e-6)
    inp = keras.Input((8,), name="features")
    out = keras.layers.Dense(2)(inp)
    named = keras.Model(inp, out)
    named.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    ds = tf.data.Dataset.from_tensor_slices(({"features": x}, y)).batch(50)
    assert len(named.fit(ds, epochs=1, verbose=0).history["loss"]) == 1
    with pytest.raises(ValueError, match="`y` argument is not supported"):
        named.fit(ds, y, verbose=0)


def test_tf2_quickstart_with_tf_function_train_step():
    x, y = _blobs(512)
    train_ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(10000).batch(32)

    class MyModel(keras.Model):
        def __init__(self):
            super().__init__()
            self.d1 = keras.layers.Dense(32, activation="relu")
            self.d2 = keras.layers.Dense(2)

        def call(self, inputs):
            return self.d2(self.d1(inputs))
    model = MyModel()
    loss_object = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = keras.optimizers.Adam(0.01)
    train_loss = keras.metrics.Mean(name="train_loss")
    train_accuracy = keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            predictions = model(images, training=True)
            loss = loss_object(labels, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        train_loss(loss)
        train_accuracy(labels, predictions)

    for epoch in range(5):
        train_loss.reset_state()
        train_accuracy.reset_state()
        for images, labels in train_ds:
            train_step(images, labels)
    assert float(train_accuracy.result()) > 0.9
    assert train_step.experimental_get_tracing_count() <= 2  # full batches and the last one
