"""keras.Input(sparse=True) into Dense: fit/evaluate/predict on SparseTensors, scipy.sparse
matrices and tf.data datasets of sparse batches, without densifying."""
import numpy as np
import pytest

import ndflow as tf
from ndflow import keras
from ndflow.ops import sparse_ops


def data(n=96, d=40, seed=0):
    rng = np.random.default_rng(seed)
    x = ((rng.random((n, d)) < 0.15) * rng.normal(size=(n, d))).astype(np.float32)
    y = (x @ rng.normal(size=(d, 1)) > 0).astype(np.float32)
    return x, y


def model(d=40):
    keras.utils.set_random_seed(7)
    inp = keras.Input(shape=(d,), sparse=True)
    h = keras.layers.Dense(8, activation="relu")(inp)
    out = keras.layers.Dense(1, activation="sigmoid")(h)
    m = keras.Model(inp, out)
    m.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy",
              metrics=["accuracy"])
    return m


@pytest.fixture()
def no_densifying(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("a sparse input was densified")
    monkeypatch.setattr(sparse_ops, "to_dense", refuse)


def same_weights(a, b):
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, atol=1e-5)


def test_input_sparse_is_a_sparse_keras_tensor_and_dense_multiplies_it():
    inp = keras.Input(shape=(5,), sparse=True)
    assert inp.sparse and inp.shape == (None, 5)
    layer = keras.layers.Dense(3, use_bias=False)
    st = tf.sparse.SparseTensor([[0, 1], [2, 4]], [2.0, -1.0], [3, 5])
    out = layer(st)
    np.testing.assert_allclose(out.numpy(), tf.sparse.to_dense(st).numpy() @ layer.kernel.numpy(),
                               rtol=1e-6)
    with pytest.raises(ValueError, match="rank 2"):
        layer(tf.sparse.SparseTensor([[0, 0, 1]], [1.0], [1, 1, 5]))


def test_fit_on_a_sparse_tensor_equals_fit_on_the_dense_array(no_densifying):
    x, y = data()
    sparse_model, dense_model = model(), model()
    sp = tf.sparse.from_dense(x)
    h = sparse_model.fit(sp, y, batch_size=16, epochs=6, shuffle=False, verbose=0)
    loss = h.history["loss"]
    assert loss[-1] < 0.6 * loss[0]
    assert sparse_model._nd_train_fn.experimental_get_tracing_count() == 1  # not one per nnz
    hd = dense_model.fit(x, y, batch_size=16, epochs=6, shuffle=False, verbose=0)
    np.testing.assert_allclose(loss, hd.history["loss"], rtol=1e-5)
    same_weights(sparse_model, dense_model)
    np.testing.assert_allclose(sparse_model.predict(sp, batch_size=32, verbose=0),
                               dense_model.predict(x, batch_size=32, verbose=0), atol=1e-6)
    np.testing.assert_allclose(sparse_model.evaluate(sp, y, verbose=0),
                               dense_model.evaluate(x, y, verbose=0), atol=1e-6)


def test_fit_shuffled_with_validation_split_matches_dense(no_densifying):
    x, y = data(seed=1)
    a, b = model(), model()
    keras.utils.set_random_seed(3)
    ha = a.fit(tf.sparse.from_dense(x), y, batch_size=16, epochs=3, validation_split=0.25,
               verbose=0)
    keras.utils.set_random_seed(3)
    hb = b.fit(x, y, batch_size=16, epochs=3, validation_split=0.25, verbose=0)
    np.testing.assert_allclose(ha.history["val_loss"], hb.history["val_loss"], rtol=1e-5)
    same_weights(a, b)


def test_fit_on_a_scipy_sparse_matrix():
    scipy_sparse = pytest.importorskip("scipy.sparse")
    x, y = data(seed=2)
    a, b = model(), model()
    a.fit(scipy_sparse.csr_matrix(x.astype(np.float64)), y, batch_size=16, epochs=4,
          shuffle=False, verbose=0)
    b.fit(x, y, batch_size=16, epochs=4, shuffle=False, verbose=0)
    same_weights(a, b)
    np.testing.assert_allclose(a.predict(scipy_sparse.coo_matrix(x), verbose=0),
                               b.predict(x, verbose=0), atol=1e-6)


def test_fit_on_a_dataset_of_sparse_batches(no_densifying):
    x, y = data(seed=3)
    ds = tf.data.Dataset.from_tensor_slices((tf.sparse.from_dense(x), y)).batch(16)
    assert ds.element_spec[0] == tf.SparseTensorSpec([None, 40], tf.float32)
    a, b = model(), model()
    h = a.fit(ds, epochs=5, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0]
    b.fit(x, y, batch_size=16, epochs=5, shuffle=False, verbose=0)
    same_weights(a, b)
    preds = a.predict(ds.map(lambda s, t: s), verbose=0)
    np.testing.assert_allclose(preds, b.predict(x, verbose=0), atol=1e-6)


def test_wide_sparse_input_trains_without_densifying(no_densifying):
    rng = np.random.default_rng(4)
    n, d = 256, 12000
    rows = np.repeat(np.arange(n), 5)
    cols = rng.integers(0, d, rows.size)
    sp = tf.sparse.reorder(tf.sparse.SparseTensor(np.stack([rows, cols], 1), np.ones(rows.size,
                                                                              np.float32), [n, d]))
    y = (cols.reshape(n, 5) % 2).mean(1, keepdims=True).round().astype(np.float32)
    keras.utils.set_random_seed(0)
    inp = keras.Input(shape=(d,), sparse=True)
    m = keras.Model(inp, keras.layers.Dense(1, activation="sigmoid")(inp))
    m.compile(optimizer=keras.optimizers.Adam(0.1), loss="binary_crossentropy")
    h = m.fit(sp, y, batch_size=64, epochs=4, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0]
