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
