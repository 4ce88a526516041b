"""Any ndflow op called on Keras tensors inside a Functional model definition (tf.keras 2's
TFOpLambda habit): values, fit, .keras round trip, and the errors."""
import numpy as np
import pytest

import ndflow as tf
from ndflow import keras

K = keras.backend

CASES = {
    "reshape_dynamic": lambda x: tf.reshape(x, [tf.shape(x)[0], 2, 3]),
    "stack": lambda x: tf.stack([x, x * 2.0], axis=1),
    "split": lambda x: tf.split(x, 2, axis=-1)[1],
    "softmax": lambda x: tf.nn.softmax(x),
    "reduce_sum": lambda x: tf.reduce_sum(x, axis=-1, keepdims=True),
    "compare_cast": lambda x: tf.cast(x > 0, tf.float32),
    "where": lambda x: tf.where(x > 0, x, tf.zeros_like(x)),
    "matmul_constant": lambda x: tf.matmul(x, np.arange(12, dtype=np.float32).reshape(6, 2)),
    "gather": lambda x: tf.gather(x, [0, 2], axis=1),
    "backend_mean": lambda x: K.mean(K.square(x), axis=-1),
    "tile": lambda x: tf.tile(tf.expand_dims(x, 1), [1, 3, 1]),
    "transpose": lambda x: tf.transpose(tf.reshape(x, [-1, 2, 3]), [0, 2, 1]),
    "operators": lambda x: abs(x) ** 2 - x // 1.0,
    "argmax": lambda x: tf.argmax(x, axis=-1),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_on_keras_tensor_matches_eager_and_survives_save(name, tmp_path):
    fn = CASES[name]
    inp = keras.Input((6,))
    out = fn(inp)
    model = keras.Model(inp, out)
    x = np.random.default_rng(1).normal(size=(3, 6)).astype("float32")
    want = fn(tf.constant(x)).numpy()
    got = model.predict(x, verbose=0)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert got.dtype == want.dtype
    assert tuple(d for d in out.shape[1:]) == want.shape[1:] or None in out.shape
    path = str(tmp_path / "m.keras")
    model.save(path)
    np.testing.assert_allclose(keras.models.load_model(path).predict(x, verbose=0), want,
                               rtol=1e-6)


def test_book_habits_one_hot_and_concat_of_states_train(tmp_path):
    # DLwP 11.2 (tf.one_hot on an int Input) and HOML 16 (tf.concat of LSTM states)
    inputs = keras.Input(shape=(None,), dtype="int64")
    embedded = tf.one_hot(inputs, depth=12)
    assert embedded.shape == (None, None, 12) and embedded.dtype == tf.float32
    _, *states = keras.layers.Bidirectional(
        keras.layers.LSTM(4, return_state=True))(embedded)
    joined = tf.concat(states[::2], -1)
    assert joined.shape == (None, 8)
    outputs = keras.layers.Dense(1, activation="sigmoid")(tf.nn.relu(joined))
    model = keras.Model(inputs, outputs)
    names = [l.name for l in model.layers]
    assert "tf.one_hot" in names and "tf.concat" in names and "tf.nn.relu" in names
    x = np.random.default_rng(0).integers(0, 12, (16, 5))
    y = (x[:, 0] > 5).astype("float32")
    model.compile("adam", "binary_crossentropy")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=5, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before
    path = str(tmp_path / "m.keras")
    model.save(path)
    np.testing.assert_allclose(keras.models.load_model(path).predict(x, verbose=0),
                               model.predict(x, verbose=0), rtol=1e-5)


def test_op_config_round_trip_and_errors():
    inp = keras.Input((3,))
    out = tf.one_hot(tf.cast(inp, tf.int32), 4, on_value=2.0)
    layer = out._keras_history[0]
    config = layer.get_config()
    assert config["op"] == "OneHot" and config["attrs"]["depth"] == 4
    clone = type(layer).from_config(config)
    assert clone.attrs == layer.attrs
    with pytest.raises(ValueError, match="registered ndflow op"):
        type(layer)(op="NoSuchOp")
    g = tf.Graph()
    with g.as_default():
        placeholder = tf.compat.v1.placeholder(tf.float32, [None, 3])
    with pytest.raises(TypeError, match="cannot mix Keras tensors"):
        tf.add(inp, placeholder)
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.concat([inp, keras.Input((2, 2))], axis=-1)
