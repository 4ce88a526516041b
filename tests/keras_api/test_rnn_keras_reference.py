"""Recurrent layers against the installed Keras 3 (jax backend): same weights give the same
outputs and gradients, and `.keras` / `.weights.h5` files move both ways."""
import os

import numpy as np
import pytest

import ndflow
from ndflow import keras
from ndflow.util import nest

from .keras_reference import reference_keras, to_numpy

pytest.importorskip("h5py")

RNG = np.random.default_rng(3)
X = RNG.normal(size=(3, 6, 4)).astype("float32")


def _pair(make):
    """The same layer in ndflow and in Keras, ndflow's weights copied into Keras's."""
    rk = reference_keras()
    ours = make(keras)
    theirs = make(rk)
    ours(X)
    theirs(X)
    assert [w.shape.as_list() for w in ours.weights] == [list(w.shape) for w in theirs.weights]
    theirs.set_weights([w.numpy() for w in ours.weights])
    return rk, ours, theirs


def _outputs(y):
    return [np.asarray(t) for t in nest.flatten(y)]


@pytest.mark.parametrize("make", [
    lambda k: k.layers.SimpleRNN(5, return_sequences=True),
    lambda k: k.layers.SimpleRNN(5, activation="relu", go_backwards=True),
    lambda k: k.layers.LSTM(5, return_sequences=True, return_state=True),
    lambda k: k.layers.LSTM(5, go_backwards=True, unit_forget_bias=False,
                            bias_initializer="random_normal"),
    lambda k: k.layers.GRU(5, return_sequences=True, return_state=True,
                           bias_initializer="random_normal"),
    lambda k: k.layers.GRU(5, reset_after=False, bias_initializer="random_normal"),
    lambda k: k.layers.Bidirectional(k.layers.LSTM(3, return_sequences=True)),
    lambda k: k.layers.Bidirectional(k.layers.GRU(3), merge_mode="sum"),
    lambda k: k.layers.RNN([k.layers.GRUCell(3), k.layers.LSTMCell(2)], return_state=True),
], ids=["simple_seq", "simple_back", "lstm_state", "lstm_back", "gru_state", "gru_before",
        "bi_lstm", "bi_gru_sum", "stacked"])
def test_forward_matches_keras(make):
    rk, ours, theirs = _pair(make)
    mine = _outputs(ours(X))
    ref = [to_numpy(t) for t in _outputs_k(theirs(X))]
    assert len(mine) == len(ref)
    for a, b in zip(mine, ref):
        np.testing.assert_allclose(a, b, atol=1e-5)


def _outputs_k(y):
    return reference_keras().tree.flatten(y)


def test_masked_outputs_and_graph_mode_match_keras():
    rk = reference_keras()
    ids = np.array([[3, 1, 4, 0, 0], [2, 7, 1, 8, 2], [5, 0, 0, 0, 0]], "int32")

    def model(k):
        inp = k.Input((5,), dtype="int32")
        h = k.layers.Embedding(10, 4, mask_zero=True)(inp)
        h = k.layers.LSTM(3, return_sequences=True)(h)
        h = k.layers.GRU(2)(h)
        return k.Model(inp, h)

    ours, theirs = model(keras), model(rk)
    theirs.set_weights(ours.get_weights())
    ref = to_numpy(theirs(ids))
    np.testing.assert_allclose(ours(ids).numpy(), ref, atol=1e-5)
    np.testing.assert_allclose(ours.predict(ids, verbose=0), ref, atol=1e-5)  # While op


def test_lstm_gradients_match_keras_jax():
    rk = reference_keras()
    if rk.backend.backend() != "jax":
        pytest.skip("gradient reference needs Keras on jax")
    import jax
    _, ours, theirs = _pair(lambda k: k.layers.LSTM(4, return_sequences=True))
    with ndflow.GradientTape() as tape:
        loss = ndflow.reduce_sum(ndflow.square(ours(X)))
    grads = tape.gradient(loss, ours.trainable_weights)

    frozen = [v.value for v in theirs.non_trainable_variables]

    def f(values):
        y, _ = theirs.stateless_call(values, frozen, X)
        return (y ** 2).sum()
    ref = jax.grad(f)([v.value for v in theirs.trainable_variables])
    for g, r in zip(grads, ref):
        np.testing.assert_allclose(g.numpy(), np.asarray(r), rtol=1e-4, atol=1e-5)


def _models(k):
    inp = k.Input((6,), dtype="int32")
    h = k.layers.Embedding(20, 8, mask_zero=True)(inp)
    h = k.layers.LSTM(5, return_sequences=True)(h)
    h = k.layers.Bidirectional(k.layers.GRU(3))(h)
    return k.Model(inp, k.layers.Dense(2, activation="softmax")(h))


IDS = np.array([[1, 5, 7, 0, 0, 0], [3, 3, 9, 12, 19, 2]], "int32")


def test_keras_file_written_by_keras_loads_in_ndflow(tmp_path):
    rk = reference_keras()
    theirs = _models(rk)
    path = str(tmp_path / "kmodel.keras")
    theirs.save(path)
    ours = keras.models.load_model(path)
    np.testing.assert_allclose(ours.predict(IDS, verbose=0), to_numpy(theirs(IDS)), atol=1e-5)


def test_keras_file_written_by_ndflow_loads_in_keras(tmp_path):
    rk = reference_keras()
    ours = _models(keras)
    path = str(tmp_path / "nmodel.keras")
    ours.save(path)
    theirs = rk.models.load_model(path)
    np.testing.assert_allclose(to_numpy(theirs(IDS)), ours.predict(IDS, verbose=0), atol=1e-5)
    w = str(tmp_path / "n.weights.h5")
    ours.save_weights(w)
    again = _models(rk)
    again.load_weights(w)
    np.testing.assert_allclose(to_numpy(again(IDS)), ours.predict(IDS, verbose=0), atol=1e-5)


def test_stacked_and_stateful_weights_files_load_in_keras(tmp_path):
    rk = reference_keras()

    def make(k):
        return k.Sequential([k.Input((6, 4), batch_size=3),
                             k.layers.RNN([k.layers.SimpleRNNCell(3), k.layers.LSTMCell(2)],
                                          return_sequences=True),
                             k.layers.TimeDistributed(k.layers.Dense(2))])
    ours = make(keras)
    path = str(tmp_path / "s.weights.h5")
    ours.save_weights(path)
    theirs = make(rk)
    theirs.load_weights(path)
    np.testing.assert_allclose(to_numpy(theirs(X)), ours(X).numpy(), atol=1e-5)
    assert os.path.exists(path)


def test_stateful_weights_are_the_cells_in_keras_order():
    """States are not weights (Keras 3): get_weights() lists the same arrays as Keras's."""
    rk = reference_keras()

    def make(k):
        return k.Sequential([k.Input((6, 4), batch_size=3),
                             k.layers.GRU(3, stateful=True, return_sequences=True),
                             k.layers.LSTM(2, stateful=True), k.layers.Dense(2)])
    ours, theirs = make(keras), make(rk)
    ours(X)
    theirs(X)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    theirs.set_weights(ours.get_weights())
    for model in (ours, theirs):
        for layer in model.layers[:2]:
            layer.reset_states()
    for _ in range(2):  # the second call starts from the first call's states in both
        np.testing.assert_allclose(ours(X).numpy(), to_numpy(theirs(X)), atol=1e-5)
    assert not any("rnn_state" in w.name for w in ours.weights)
