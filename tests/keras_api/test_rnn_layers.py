"""Recurrent layers on their own: shapes, configs, masks, states, dropout, the While loop in
tf.function with variable lengths, float64 gradients against finite differences, training."""
import numpy as np
import pytest

import ndflow
from ndflow import keras
from ndflow.testing import check_gradients

L = keras.layers
RNG = np.random.default_rng(0)
X = RNG.normal(size=(2, 5, 3)).astype("float32")


def _numpy_lstm(x, kernel, rec, bias):
    """A plain NumPy LSTM (gates i, f, c, o) as the value reference."""
    def sig(v):
        return 1 / (1 + np.exp(-v))
    u = rec.shape[0]
    h = np.zeros((x.shape[0], u))
    c = np.zeros((x.shape[0], u))
    out = []
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ rec + bias
        i, f, g, o = (z[:, k * u:(k + 1) * u] for k in range(4))
        c = sig(f) * c + sig(i) * np.tanh(g)
        h = sig(o) * np.tanh(c)
        out.append(h)
    return np.stack(out, 1), h, c


def test_lstm_values_weights_layout_and_defaults():
    layer = L.LSTM(4, return_sequences=True, return_state=True)
    seq, h, c = layer(X)
    kernel, rec, bias = [w.numpy() for w in layer.weights]
    assert kernel.shape == (3, 16) and rec.shape == (4, 16) and bias.shape == (16,)
    np.testing.assert_array_equal(bias, np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    np.testing.assert_allclose(rec @ rec.T, np.eye(4), atol=1e-5)  # orthogonal init
    ref = _numpy_lstm(X, kernel, rec, bias)
    for got, want in zip((seq, h, c), ref):
        np.testing.assert_allclose(got.numpy(), want, atol=1e-5)
    assert seq.dtype == ndflow.float32
    assert [w.name for w in layer.weights] == [w.name for w in layer.cell.weights]


@pytest.mark.parametrize("layer", [L.SimpleRNN(3), L.LSTM(3, go_backwards=True),
                                   L.GRU(3, reset_after=False), L.GRU(3, return_sequences=True),
                                   L.Bidirectional(L.LSTM(2, return_sequences=True)),
                                   L.Bidirectional(L.GRU(2), merge_mode=None),
                                   L.RNN([L.SimpleRNNCell(2), L.GRUCell(3)]),
                                   L.TimeDistributed(L.Dense(2))],
                         ids=lambda layer: type(layer).__name__)
def test_eager_and_function_agree_and_config_round_trips(layer):
    eager = layer(X)
    fn = ndflow.function(lambda x: layer(x))
    traced = fn(X)
    for a, b in zip(_flat(eager), _flat(traced)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-6)
    clone = type(layer).from_config(layer.get_config())
    clone(X)
    clone.set_weights(layer.get_weights())
    for a, b in zip(_flat(clone(X)), _flat(eager)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-6)


def _flat(y):
    return list(y) if isinstance(y, (list, tuple)) else [y]


class _UserCell(L.SimpleRNNCell):
    """A user-written cell (a subclass): RNN runs it in its general loop."""


def _traced_kinds(layer):
    fn = ndflow.function(lambda x: layer(x),
                         input_signature=[ndflow.TensorSpec([None, None, 3], "float32")])
    for steps in (2, 7):
        x = RNG.normal(size=(3, steps, 3)).astype("float32")
        np.testing.assert_allclose(fn(x).numpy(), layer(x).numpy(), atol=1e-6)
        assert fn(x).shape == (3, steps, 4)
    graph = fn.get_concrete_function().graph
    return [op.type for op in graph.get_operations()]


def test_function_runs_one_while_loop_over_variable_lengths():
    kinds = _traced_kinds(L.RNN(_UserCell(4), return_sequences=True))  # the general loop
    assert sum(k in ("While", "StatelessWhile") for k in kinds) == 1
    assert "MatMul" not in kinds  # the cell's matmuls live in the loop body only


def test_function_runs_gru_as_one_fused_op_over_variable_lengths():
    kinds = _traced_kinds(L.GRU(4, return_sequences=True))
    assert kinds.count("GRUSequence") == 1
    assert not any(k in ("While", "StatelessWhile") for k in kinds)
    assert kinds.count("MatMul") == 1  # the input projection of every timestep at once


def test_mask_keeps_states_and_zero_output_for_mask():
    x = X.copy()
    mask = np.array([[True, True, False, True, False], [True] * 5])
    layer = L.SimpleRNN(3, return_sequences=True)
    seq = layer(x, mask=mask).numpy()
    np.testing.assert_allclose(seq[0, 2], seq[0, 1])   # masked: previous output repeated
    short = layer(x[:1, [0, 1, 3]]).numpy()
    np.testing.assert_allclose(seq[0, 3], short[0, 2], atol=1e-6)
    layer.zero_output_for_mask = True
    np.testing.assert_array_equal(layer(x, mask=mask).numpy()[0, 2], 0)


def test_embedding_mask_propagates_to_rnn_pooling_and_loss():
    ids = np.array([[4, 2, 0, 0], [1, 3, 5, 0]], "int32")
    emb = L.Embedding(6, 3, mask_zero=True)
    h = emb(ids)
    assert np.array_equal(L.Embedding(6, 3, mask_zero=True).compute_mask(ids).numpy(),
                          ids != 0)
    pooled = L.GlobalAveragePooling1D()(h).numpy()
    np.testing.assert_allclose(pooled[0], h.numpy()[0, :2].mean(0), atol=1e-6)
    # Functional: mask flows Embedding -> LSTM(return_sequences) -> Dense -> loss
    inp = keras.Input((4,), dtype="int32")
    e = L.Embedding(6, 3, mask_zero=True)(inp)
    out = L.Dense(2)(L.LSTM(3, return_sequences=True)(e))
    model = keras.Model(inp, out)
    model.compile("sgd", "mse")
    y = RNG.normal(size=(2, 4, 2)).astype("float32")
    pred = model.predict(ids, verbose=0)
    valid = ids != 0
    want = ((pred - y) ** 2).mean(-1)[valid].mean()
    np.testing.assert_allclose(model.evaluate(ids, y, verbose=0), want, rtol=1e-5)
    # the same model without the mask would weigh the padding too
    assert not np.isclose(((pred - y) ** 2).mean(), want)


def test_masking_layer_and_masked_metric():
    x = X.copy()
    x[0, 3:] = 0.0
    masking = L.Masking()
    np.testing.assert_array_equal(masking.compute_mask(x).numpy(), np.any(x != 0, -1))
    inp = keras.Input((5, 3))
    model = keras.Model(inp, L.TimeDistributed(L.Dense(2, activation="softmax"))(
        L.LSTM(4, return_sequences=True)(L.Masking()(inp))))
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    y = np.zeros((2, 5), "int32")
    pred = model.predict(x, verbose=0)
    valid = np.any(x != 0, -1)
    acc = (pred.argmax(-1) == y)[valid].mean()
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0)[1], acc, rtol=1e-5)


def test_stateful_carries_and_resets_states():
    inp = keras.Input((5, 3), batch_size=2)
    layer = L.LSTM(3, stateful=True)
    model = keras.Model(inp, layer(inp))
    assert len(layer.states) == 2 and not layer.non_trainable_weights  # as Keras 3
    first = model(X).numpy()
    second = model(X).numpy()
    assert not np.allclose(first, second)
    layer.reset_states()
    np.testing.assert_allclose(model(X).numpy(), first, atol=1e-6)
    with pytest.raises(ValueError, match="batch size"):
        keras.Sequential([keras.Input((5, 3)), L.GRU(2, stateful=True)])


def test_initial_state_and_errors():
    layer = L.GRU(3)
    h0 = np.ones((2, 3), "float32")
    assert not np.allclose(layer(X, initial_state=[h0]).numpy(), layer(X).numpy())
    with pytest.raises(ValueError, match="initial_state"):
        layer(X, initial_state=[h0, h0])
    with pytest.raises(ValueError, match="units"):
        L.LSTM(0)
    with pytest.raises(ValueError, match="dropout"):
        L.GRU(2, dropout=1.5)
    with pytest.raises(ValueError, match="state_size"):
        L.RNN(L.Dense(2))
    with pytest.raises(ValueError, match="merge mode"):
        L.Bidirectional(L.LSTM(2), merge_mode="max")


def test_dropout_only_in_training_and_same_mask_every_step():
    layer = L.SimpleRNN(4, dropout=0.5, recurrent_dropout=0.5, return_sequences=True, seed=1)
    ref = layer(X).numpy()
    np.testing.assert_allclose(layer(X, training=False).numpy(), ref)
    trained = layer(X, training=True).numpy()
    assert not np.allclose(trained, ref)
    assert layer.cell._nd_dropout_mask is None  # reset after the call
    # With a constant input and no recurrence, one mask for the sequence: every step alike
    cell_layer = L.SimpleRNN(4, dropout=0.5, recurrent_initializer="zeros",
                             return_sequences=True)
    xs = np.ones((2, 6, 3), "float32")
    out = cell_layer(xs, training=True).numpy()
    np.testing.assert_allclose(out[:, 0], out[:, 5])


class MinimalRNNCell(L.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        prev = states[0]
        output = ndflow.matmul(inputs, self.kernel) + ndflow.matmul(prev, self.recurrent_kernel)
        return output, [output]


def test_user_cell_in_rnn_eager_and_fit():
    layer = L.RNN(MinimalRNNCell(3), return_sequences=True)
    y = layer(X)
    k, r = layer.cell.kernel.numpy(), layer.cell.recurrent_kernel.numpy()
    h = np.zeros((2, 3))
    for t in range(5):
        h = X[:, t] @ k + h @ r
    np.testing.assert_allclose(y.numpy()[:, -1], h, atol=1e-5)
    model = keras.Sequential([keras.Input((5, 3)), L.RNN(MinimalRNNCell(3)), L.Dense(1)])
    model.compile("adam", "mse")
    hist = model.fit(X, np.ones((2, 1)), epochs=3, verbose=0)
    assert np.isfinite(hist.history["loss"]).all()


@pytest.mark.parametrize("make", [lambda: L.LSTM(2, return_sequences=True),
                                  lambda: L.GRU(2, reset_after=False),
                                  lambda: L.GRU(2, go_backwards=True),
                                  lambda: L.SimpleRNN(2, return_sequences=True)],
                         ids=["lstm", "gru_before", "gru_back", "simple"])
@pytest.mark.parametrize("mode", ["eager", "while"])
def test_sequence_gradients_float64_finite_differences(make, mode):
    layer = make()
    layer.cell._nd_dtype = ndflow.float64
    x = RNG.normal(size=(2, 4, 3))
    mask = np.array([[True, True, False, True], [True, True, True, True]])
    layer.build((2, 4, 3))
    weights = layer.trainable_weights
    values = [RNG.normal(scale=0.5, size=w.shape.as_list()) for w in weights]

    names = [_attr(layer.cell, w) for w in weights]

    def run(xv, *ws):
        for name, v in zip(names, ws):
            object.__setattr__(layer.cell, name, v)
        try:
            return ndflow.reduce_sum(layer.call(xv, mask=ndflow.constant(mask)) ** 2)
        finally:
            for name, w in zip(names, weights):
                object.__setattr__(layer.cell, name, w)

    f = run if mode == "eager" else ndflow.function(run)
    check_gradients(f, x, *values, atol=1e-5, rtol=1e-4)


def _attr(cell, var):
    for name in ("kernel", "recurrent_kernel", "bias"):
        if getattr(cell, name, None) is var:
            return name
    raise KeyError(var.name)


def test_sequence_classification_converges_in_fit():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 8, 2)).astype("float32")
    y = (x[:, :, 0].sum(1) > 0).astype("int32")
    model = keras.Sequential([keras.Input((8, 2)), L.GRU(8), L.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.Adam(0.03), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    hist = model.fit(x, y, epochs=25, batch_size=16, verbose=0)
    assert hist.history["accuracy"][-1] > 0.9
    assert hist.history["loss"][-1] < hist.history["loss"][0] / 2


def test_summary_shapes_and_parameter_counts():
    model = keras.Sequential([keras.Input((10,), dtype="int32"), L.Embedding(100, 8),
                              L.LSTM(16, return_sequences=True),
                              L.Bidirectional(L.GRU(4)), L.Dense(1)])
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    # LSTM: 4*(8*16 + 16*16 + 16) = 1600; bidirectional GRU: 2*3*(16*4 + 4*4 + 2*4) = 528
    assert "(None, 10, 16)" in text and "1,600" in text and "528" in text
    assert model.count_params() == 800 + 1600 + 528 + 9


def test_plot_model_draws_recurrent_layers(tmp_path):
    inp = L.Input((7,), dtype="int32")
    seq = L.Bidirectional(L.LSTM(6, return_sequences=True))(L.Embedding(20, 8)(inp))
    out, state = L.GRU(5, return_state=True)(seq)
    model = ndflow.keras.Model(inp, L.Concatenate()([out, state]))
    path = tmp_path / "rnn.dot"
    ndflow.keras.utils.plot_model(model, str(path), show_shapes=True)
    dot = path.read_text()
    for text in ("(Bidirectional)", "out: (None, 7, 12)", "(GRU)",
                 "out: (None, 5), (None, 5)", "in: (None, 5), (None, 5)"):
        assert text in dot
