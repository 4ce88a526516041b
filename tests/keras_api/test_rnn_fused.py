"""The fused recurrences behind LSTM / GRU / SimpleRNN give what the general cell loop gives
(values and gradients, masks, initial states, eager and tf.function), and layers the fused
ops cannot express still run the general loop."""
import numpy as np
import pytest

import ndflow
from ndflow import keras

L = keras.layers
RNG = np.random.default_rng(10)
X = RNG.normal(size=(3, 5, 4)).astype("float32")
MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [0, 0, 1, 1, 0]], bool)

LAYERS = {
    "lstm": lambda **kw: L.LSTM(6, **kw),
    "lstm_no_bias": lambda **kw: L.LSTM(6, use_bias=False, **kw),
    "gru": lambda **kw: L.GRU(6, **kw),
    "gru_before": lambda **kw: L.GRU(6, reset_after=False, **kw),
    "gru_no_bias": lambda **kw: L.GRU(6, use_bias=False, **kw),
    "simple": lambda **kw: L.SimpleRNN(6, **kw),
}


def _run(make, fused, graph, mask=None, initial_state=None, **kw):
    layer = make(return_sequences=True, return_state=True, **kw)
    layer.build(X.shape)
    rng = np.random.default_rng(1)
    layer.set_weights([rng.uniform(-0.6, 0.6, w.shape).astype(w.dtype)
                       for w in layer.get_weights()])
    if not fused:  # the general loop, as a user-written cell runs
        layer._fused_loop = lambda *a: None

    def f(x):
        with ndflow.GradientTape() as tape:
            tape.watch(x)
            outs = layer(x, mask=mask, initial_state=initial_state)
            loss = ndflow.add_n([ndflow.reduce_sum(o * ndflow.sin(o)) for o in outs])
        return outs, tape.gradient(loss, [x] + layer.trainable_variables)
    outs, grads = (ndflow.function(f) if graph else f)(ndflow.constant(X))
    return [t.numpy() for t in list(outs) + list(grads)]


@pytest.mark.parametrize("graph", [False, True])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_fused_equals_cell_loop(name, masked, graph):
    mask = ndflow.constant(MASK) if masked else None
    fast = _run(LAYERS[name], True, graph, mask)
    slow = _run(LAYERS[name], False, graph, mask)
    for a, b in zip(fast, slow):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=2e-6)


@pytest.mark.parametrize("name", ["lstm", "gru", "simple"])
def test_initial_state_with_leading_masked_steps_and_zero_output(name):
    """Before a sample's first step the output is zeros while its state stays the initial
    one; `zero_output_for_mask` zeroes every masked step."""
    n_states = 2 if name == "lstm" else 1
    init = [ndflow.constant(RNG.normal(size=(3, 6)).astype("float32"))
            for _ in range(n_states)]
    mask = ndflow.constant(MASK)
    for kw in ({}, {"zero_output_for_mask": True}, {"go_backwards": True}):
        fast = _run(LAYERS[name], True, False, mask, init, **kw)
        slow = _run(LAYERS[name], False, False, mask, init, **kw)
        for a, b in zip(fast, slow):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=2e-6)


def _graph_ops(layer, training=False):
    fn = ndflow.function(lambda x: layer(x, training=training))
    return [op.type for op in fn.get_concrete_function(ndflow.constant(X)).graph.get_operations()]


def test_what_takes_the_fused_path():
    assert "LSTMSequence" in _graph_ops(L.LSTM(3))
    assert "GRUSequence" in _graph_ops(L.GRU(3, dropout=0.5), training=True)  # input dropout
    assert "SimpleRNNSequence" in _graph_ops(L.SimpleRNN(3))
    # the general loop: other activations, recurrent dropout in training, user cells
    assert "SimpleRNNSequence" not in _graph_ops(L.SimpleRNN(3, activation="relu"))
    assert "LSTMSequence" not in _graph_ops(L.LSTM(3, recurrent_activation="hard_sigmoid"))
    assert "GRUSequence" not in _graph_ops(L.GRU(3, recurrent_dropout=0.3), training=True)
    assert "GRUSequence" in _graph_ops(L.GRU(3, recurrent_dropout=0.3), training=False)

    class MyCell(L.LSTMCell):
        pass
    assert "LSTMSequence" not in _graph_ops(L.RNN(MyCell(3)))
    assert "LSTMSequence" in _graph_ops(L.RNN(L.LSTMCell(3)))   # the generic layer too
    assert "GRUSequence" in _graph_ops(L.Bidirectional(L.RNN(L.GRUCell(3))))


def test_float64_layer_and_dropout_training_run():
    layer = L.LSTM(4, dtype="float64", return_sequences=True)
    out = layer(X.astype("float64"))
    assert out.dtype == ndflow.float64 and out.shape == (3, 5, 4)
    layer = L.GRU(4, dropout=0.5, seed=3)
    a = layer(X, training=True).numpy()
    b = layer(X, training=False).numpy()
    assert a.shape == b.shape == (3, 4) and not np.allclose(a, b)


def _fused_op(fn, *args):
    graph = ndflow.function(fn).get_concrete_function(*args).graph
    return [op for op in graph.get_operations() if op.type.endswith("Sequence")][0]


@pytest.mark.parametrize("make", [lambda: L.LSTM(3), lambda: L.GRU(3)])
def test_inference_keeps_no_gates_and_training_does(make):
    """An inference call (no training, no tape) runs the op without stored gates; in
    training or under a tape the op keeps them; the values are the same either way."""
    layer = make()
    x = ndflow.constant(X)
    assert _fused_op(lambda a: layer(a), x).attrs.get("keep_gates") is False
    assert _fused_op(lambda a: layer(a, training=True), x).attrs.get("keep_gates", True)

    def taped(a):
        with ndflow.GradientTape() as tape:
            tape.watch(a)
            y = layer(a)
        return tape.gradient(y, a)
    assert _fused_op(taped, x).attrs.get("keep_gates", True)
    np.testing.assert_allclose(layer(x).numpy(), layer(x, training=True).numpy(), atol=1e-7)


def test_gradient_of_an_inference_graph_recomputes_the_gates():
    """A TF1-style graph built for inference and differentiated afterwards (tf.gradients)
    gets the same gradient as one built in training."""
    import ndflow.compat.v1 as v1
    with v1.Graph().as_default():
        layer = L.LSTM(4)
        x = v1.placeholder("float32", X.shape)
        grads = [v1.gradients(v1.reduce_sum(layer(x, training=t) ** 2), x)[0]
                 for t in (False, True)]
        keeps = [op.attrs.get("keep_gates", True) for op in v1.get_default_graph()
                 .get_operations() if op.type == "LSTMSequence"]
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            a, b = sess.run(grads, {x: X})
    assert False in keeps and True in keeps
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
