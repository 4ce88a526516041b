"""Keras on ragged input: Input(ragged=True) -> Embedding -> GlobalAveragePooling1D -> Dense,
called on a RaggedTensor and trained with fit on in-memory ragged batches."""
import numpy as np

import ndflow as tf
from ndflow import keras


def _model():
    inp = keras.Input(shape=(None,), dtype="int32", ragged=True)
    emb = keras.layers.Embedding(12, 4)(inp)
    pooled = keras.layers.GlobalAveragePooling1D()(emb)
    out = keras.layers.Dense(1, activation="sigmoid")(pooled)
    return keras.Model(inp, out), inp, emb


def test_ragged_keras_tensors_and_call():
    keras.utils.set_random_seed(1)
    model, inp, emb = _model()
    assert inp.ragged and emb.ragged and emb.shape == (None, None, 4)
    rt = tf.ragged.constant([[1, 2, 3], [4], [5, 6]])
    out = model(rt)
    assert out.shape == (3, 1)
    # GlobalAveragePooling1D over ragged rows is the mean of each row's embeddings
    table = model.layers[1].embeddings.numpy()
    pooled = keras.layers.GlobalAveragePooling1D()(model.layers[1](rt)).numpy()
    np.testing.assert_allclose(pooled[0], table[[1, 2, 3]].mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(pooled[1], table[4], rtol=1e-6)


def test_fit_on_ragged_batches_lowers_the_loss():
    keras.utils.set_random_seed(2)
    model, _, _ = _model()
    rows = [[1, 2, 3], [7, 8], [1, 3], [9, 10, 11, 8], [2], [10, 7]]
    y = np.array([[1.0], [0.0], [1.0], [0.0], [1.0], [0.0]], np.float32)
    rt = tf.ragged.constant(rows)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    history = model.fit(rt, y, batch_size=2, epochs=15, shuffle=True, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0] * 0.7
    pred = model.predict(rt, verbose=0)
    assert pred.shape == (6, 1) and ((pred > 0.5) == (y > 0.5)).mean() == 1.0


def test_fit_on_a_tf_data_dataset_of_ragged_batches():
    keras.utils.set_random_seed(3)
    model, _, _ = _model()
    rows = [[1, 2, 3], [7, 8], [1, 3], [9, 10, 11, 8], [2], [10, 7]]
    y = np.array([[1.0], [0.0], [1.0], [0.0], [1.0], [0.0]], np.float32)
    ds = tf.data.Dataset.from_tensor_slices((tf.ragged.constant(rows), y)).shuffle(
        6, seed=1).batch(2)
    assert ds.element_spec[0] == tf.RaggedTensorSpec([None, None], tf.int32, 1)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    losses = model.fit(ds, epochs=10, verbose=0).history["loss"]
    assert losses[-1] < losses[0] * 0.7
    assert model.predict(ds.map(lambda x, label: x), verbose=0).shape == (6, 1)


def test_ragged_input_model_saves_and_loads(tmp_path):
    keras.utils.set_random_seed(4)
    model, _, _ = _model()
    rt = tf.ragged.constant([[1, 2, 3], [4]])
    expected = model(rt).numpy()
    path = str(tmp_path / "ragged.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.inputs[0].ragged
    np.testing.assert_allclose(loaded(rt).numpy(), expected, rtol=1e-6)
