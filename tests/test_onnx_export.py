"""ONNX export: the exported file runs in onnxruntime and matches ndflow to 1e-5."""
import numpy as np
import pytest

import ndflow as tf

onnx = pytest.importorskip("onnx", reason="onnx is not installed (pip install onnx)")
ort = pytest.importorskip("onnxruntime", reason="onnxruntime is not installed "
                          "(pip install onnxruntime)")
keras = pytest.importorskip("ndflow.keras", reason="ndflow.keras is not available")
L = keras.layers


def run_onnx(path, *inputs):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feeds = {i.name: x for i, x in zip(session.get_inputs(), inputs)}
    return session.run(None, feeds)


def batch(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def test_mlp(tmp_path):
    keras.utils.set_random_seed(1)
    model = keras.Sequential([L.Input((10,)), L.Dense(16, activation="relu"),
                              L.Dense(8, activation="tanh"), L.Dense(8, activation="elu"),
                              L.Dense(8, activation="selu"), L.Dense(8, activation="softplus"),
                              L.Dense(3, activation="softmax")])
    tf.export.onnx(model, tmp_path / "mlp.onnx")
    x = batch(5, 10)
    got, = run_onnx(tmp_path / "mlp.onnx", x)
    np.testing.assert_allclose(got, model(x, training=False).numpy(), atol=1e-5)
    got, = run_onnx(tmp_path / "mlp.onnx", batch(2, 10, seed=3))  # the batch size is dynamic
    assert got.shape == (2, 3)


def test_cnn_with_batchnorm_pooling_dropout(tmp_path):
    keras.utils.set_random_seed(2)
    model = keras.Sequential([
        L.Input((12, 12, 3)),
        L.Conv2D(6, 3, padding="same", activation="relu"),
        L.BatchNormalization(),
        L.MaxPooling2D(2),
        L.Conv2D(4, 3, strides=2, padding="same"),
        L.BatchNormalization(),
        L.AveragePooling2D(2, padding="same"),
        L.Dropout(0.5),
        L.Flatten(),
        L.Dense(5, activation="sigmoid")])
    x = batch(4, 12, 12, 3)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.zeros((4, 5), np.float32), epochs=1, verbose=0)  # moving stats move off 0/1
    tf.export.onnx(model, tmp_path / "cnn.onnx")
    got, = run_onnx(tmp_path / "cnn.onnx", x)
    np.testing.assert_allclose(got, model(x, training=False).numpy(), atol=1e-5)


def test_functional_model_with_two_inputs_and_outputs(tmp_path):
    keras.utils.set_random_seed(3)
    input_wide = L.Input((5,), name="wide")
    input_deep = L.Input((6,), name="deep")
    hidden1 = L.Dense(30, activation="relu")(input_deep)
    hidden2 = L.Dense(30, activation="relu")(hidden1)
    concat = L.Concatenate()([input_wide, hidden2])
    output = L.Dense(1)(concat)
    aux = L.Dense(1)(hidden2)
    model = keras.Model(inputs=[input_wide, input_deep], outputs=[output, aux])
    proto = tf.export.onnx(model, tmp_path / "wd.onnx")
    assert [i.name for i in proto.graph.input] == ["wide", "deep"]
    xw, xd = batch(3, 5), batch(3, 6, seed=1)
    got = run_onnx(tmp_path / "wd.onnx", xw, xd)
    want = model([xw, xd], training=False)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w.numpy(), atol=1e-5)


def test_traced_function_with_shapes_slices_and_reductions(tmp_path):
    w = tf.Variable(batch(4, 3), name="w")

    @tf.function(input_signature=[tf.TensorSpec([None, 6, 4])])
    def f(x):
        y = tf.transpose(x, [0, 2, 1])[:, 1:, ::2]              # (n, 3, 3)
        y = tf.pad(y, [[0, 0], [1, 0], [0, 1]])                  # (n, 4, 4)
        z = tf.matmul(tf.reshape(y, [-1, 4]), w)                 # (n*4, 3)
        z = tf.nn.leaky_relu(z, alpha=0.1) - tf.reduce_mean(z, axis=0, keepdims=True)
        m = tf.reduce_max(x, axis=[1, 2]) + tf.reduce_sum(x[:, 0, :], axis=-1)
        e = tf.squeeze(tf.expand_dims(m, 1), 1)
        return tf.nn.log_softmax(z), tf.cast(e, tf.float32) * 0.5, tf.sqrt(tf.abs(x[..., -1]))

    tf.export.onnx(f, tmp_path / "f.onnx")
    x = batch(2, 6, 4)
    got = run_onnx(tmp_path / "f.onnx", x)
    for g, want in zip(got, f(tf.constant(x))):
        np.testing.assert_allclose(g, want.numpy(), atol=1e-5)


def test_python_function_needs_a_signature(tmp_path):
    with pytest.raises(ValueError, match="input_signature"):
        tf.export.onnx(lambda x: x * 2.0, tmp_path / "f.onnx")
    tf.export.onnx(lambda x: x * 2.0, tmp_path / "f.onnx", input_signature=[tf.TensorSpec([3])])
    got, = run_onnx(tmp_path / "f.onnx", np.arange(3, dtype=np.float32))
    np.testing.assert_allclose(got, [0.0, 2.0, 4.0])


def test_unsupported_op_names_itself_and_the_supported_list(tmp_path):
    @tf.function(input_signature=[tf.TensorSpec([4])])
    def f(x):
        return tf.math.cumsum(x)

    with pytest.raises(tf.errors.UnimplementedError,
                       match=r"'Cumsum'.*Supported op types:.*MatMul"):
        tf.export.onnx(f, tmp_path / "bad.onnx")
    assert not (tmp_path / "bad.onnx").exists()


def test_opset_18_reductions(tmp_path):
    @tf.function(input_signature=[tf.TensorSpec([None, 3])])
    def f(x):
        return tf.reduce_mean(x, axis=1)

    proto = tf.export.onnx(f, tmp_path / "m18.onnx", opset=18)
    assert proto.opset_import[0].version == 18
    x = batch(2, 3)
    got, = run_onnx(tmp_path / "m18.onnx", x)
    np.testing.assert_allclose(got, x.mean(axis=1), atol=1e-6)
    with pytest.raises(ValueError, match="opset"):
        tf.export.onnx(f, None, opset=9)


# --- recurrent layers: ONNX LSTM / GRU / RNN ops ------------------------------------------------

def _random_biases(model, seed):
    rng = np.random.default_rng(seed)
    for w in model.weights:
        if "bias" in w.name:
            w.assign(rng.uniform(-0.5, 0.5, w.shape.as_list()).astype(np.float32))


def _onnx_node_types(path):
    return {n.op_type for n in onnx.load(str(path)).graph.node}


@pytest.mark.parametrize("return_sequences", [True, False])
def test_embedding_lstm_dense(tmp_path, return_sequences):
    keras.utils.set_random_seed(3)
    model = keras.Sequential([L.Input((7,), dtype="int32"), L.Embedding(20, 5),
                              L.LSTM(6, return_sequences=return_sequences), L.Dense(3)])
    _random_biases(model, 3)
    path = tmp_path / "lstm.onnx"
    tf.export.onnx(model, path)
    assert "LSTM" in _onnx_node_types(path)
    for batch_size in (4, 1):
        x = np.random.default_rng(batch_size).integers(0, 20, (batch_size, 7)).astype(np.int32)
        got, = run_onnx(path, x)
        np.testing.assert_allclose(got, model(x, training=False).numpy(), atol=1e-5)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("return_sequences", [True, False])
def test_bidirectional_gru(tmp_path, reset_after, return_sequences):
    keras.utils.set_random_seed(4)
    model = keras.Sequential([L.Input((6, 4)), L.Bidirectional(
        L.GRU(5, reset_after=reset_after, return_sequences=return_sequences)), L.Dense(2)])
    _random_biases(model, 4)
    path = tmp_path / "gru.onnx"
    tf.export.onnx(model, path)
    assert "GRU" in _onnx_node_types(path)
    x = batch(3, 6, 4)
    got, = run_onnx(path, x)
    np.testing.assert_allclose(got, model(x, training=False).numpy(), atol=1e-5)


def test_simple_rnn_and_lstm_states(tmp_path):
    keras.utils.set_random_seed(5)
    inputs = L.Input((6, 3))
    seq = L.SimpleRNN(4, return_sequences=True, go_backwards=True)(inputs)
    out, h, c = L.LSTM(5, return_state=True, use_bias=False)(seq)
    model = keras.Model(inputs, [out, h, c])
    _random_biases(model, 5)
    path = tmp_path / "rnn.onnx"
    tf.export.onnx(model, path)
    assert {"RNN", "LSTM"} <= _onnx_node_types(path)
    x = batch(2, 6, 3)
    for got, want in zip(run_onnx(path, x), model(x, training=False)):
        np.testing.assert_allclose(got, want.numpy(), atol=1e-5)


def test_fused_lstm_op_on_given_projections(tmp_path):
    """Projections that are not a layer's MatMul: the ONNX LSTM gets an identity kernel."""
    from ndflow.ops import rnn_ops
    rng = np.random.default_rng(6)
    u = tf.constant(rng.normal(size=(3, 12)).astype(np.float32) * 0.5)
    bias = tf.constant(rng.normal(size=12).astype(np.float32))

    @tf.function(input_signature=[tf.TensorSpec([5, None, 12]), tf.TensorSpec([None, 3])])
    def fn(xw, h0):
        hs, cs = rnn_ops.lstm_sequence(xw, h0, h0 * 2.0, u, bias)
        return hs + 1.0, cs[-1]

    path = tmp_path / "op.onnx"
    tf.export.onnx(fn, path)
    xw, h0 = batch(5, 2, 12), batch(2, 3, seed=1)
    for got, want in zip(run_onnx(path, xw, h0), fn(xw, h0)):
        np.testing.assert_allclose(got, want.numpy(), atol=1e-5)


def test_masked_recurrence_does_not_export(tmp_path):
    model = keras.Sequential([L.Input((5,), dtype="int32"), L.Embedding(9, 3, mask_zero=True),
                              L.GRU(4)])
    with pytest.raises(tf.errors.UnimplementedError, match="masked"):
        tf.export.onnx(model, tmp_path / "masked.onnx")
