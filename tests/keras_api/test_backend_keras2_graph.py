"""Keras 2's K.placeholder / K.function / K.gradients and the other backend functions
added for Keras 2 programs (repeat_elements, switch, in_train_phase, conv2d, rnn...)."""
import numpy as np
import pytest

import ndflow as tf
from ndflow import keras

K = keras.backend


def _model():
    keras.utils.set_random_seed(3)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="tanh"),
                             keras.layers.Dropout(0.5), keras.layers.Dense(2)])


X = np.random.default_rng(0).normal(size=(6, 4)).astype("float32")


def test_function_returns_intermediate_outputs_and_honours_learning_phase():
    model = _model()
    f = K.function([model.input], [model.layers[0].output, model.output])
    hidden, out = f([X])
    np.testing.assert_allclose(hidden, model.layers[0](X).numpy(), rtol=1e-6)
    np.testing.assert_allclose(out, model(X, training=False).numpy(), rtol=1e-6)
    single = K.function([model.input], model.output)([X])
    assert isinstance(single, np.ndarray)
    phased = K.function([model.input, K.learning_phase()], [model.output])
    np.testing.assert_allclose(phased([X, 0])[0], out, rtol=1e-6)
    assert not np.allclose(phased([X, 1])[0], out)  # dropout active
    with pytest.raises(ValueError, match="expected 1 input values"):
        f([X, X])
    with pytest.raises(ValueError, match="Invalid argument"):
        K.function([model.input], [model.output], foo=1)


def test_gradients_of_keras_tensors_match_a_tape():
    model = _model()
    loss = K.mean(model.output[:, 0])
    grad = K.gradients(loss, model.input)[0]
    normalized = grad / (K.sqrt(K.mean(K.square(grad))) + 1e-5)
    value, got = K.function([model.input], [loss, normalized])([X])
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        want_loss = tf.reduce_mean(model(x)[:, 0])
    want = tape.gradient(want_loss, x).numpy()
    want = want / (np.sqrt(np.mean(want ** 2)) + 1e-5)
    np.testing.assert_allclose(value, want_loss.numpy(), rtol=1e-6)
    np.testing.assert_allclose(got, want, rtol=1e-5)
    weights = K.function([model.input], K.gradients(loss, model.trainable_weights))([X])
    assert [w.shape for w in weights] == [tuple(v.shape) for v in model.trainable_weights]
    with pytest.raises(ValueError, match="only model inputs"):
        K.gradients(loss, [model.layers[0].output])
    with pytest.raises(RuntimeError, match="GradientTape"):
        K.gradients(tf.constant(1.0), [tf.Variable(1.0)])


def test_gradients_and_function_on_tf1_graph_tensors():
    with tf.Graph().as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 2])
        w = tf.compat.v1.Variable([[1.0], [2.0]])
        y = tf.reduce_sum(tf.matmul(x, w) ** 2)
        (gw,) = K.gradients(y, [w])
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            with sess.as_default():
                got = K.function([x], [gw])([np.array([[1.0, 1.0]], np.float32)])[0]
    np.testing.assert_allclose(got, [[6.0], [6.0]])


def test_placeholder():
    ph = K.placeholder(shape=(None, 3))
    assert ph.shape == (None, 3) and ph.dtype == tf.float32
    assert K.placeholder(ndim=2, dtype="int32").shape == (None, None)
    f = K.function([ph], K.sum(ph * 2.0, axis=1))
    np.testing.assert_allclose(f([np.ones((2, 3), np.float32)]), [6.0, 6.0])
    with pytest.raises(ValueError, match="shape"):
        K.placeholder()


def test_elementwise_helpers():
    np.testing.assert_array_equal(K.repeat_elements(tf.constant([[1, 2]]), 2, 1).numpy(),
                                  [[1, 1, 2, 2]])
    np.testing.assert_array_equal(K.tile(tf.constant([1, 2]), 2).numpy(), [1, 2, 1, 2])
    assert float(K.switch(tf.constant(True), lambda: tf.constant(1.0),
                          lambda: tf.constant(2.0))) == 1.0
    np.testing.assert_array_equal(
        K.switch(tf.constant([True, False]), tf.ones((2, 2)), tf.zeros((2, 2))).numpy(),
        [[1, 1], [0, 0]])
    assert K.in_train_phase(1, 2, training=0) == 2 and K.in_test_phase(1, 2, training=0) == 1
    np.testing.assert_allclose(K.bias_add(tf.ones((1, 2, 2, 3)), tf.constant([1., 2., 3.]))
                               .numpy()[0, 0, 0], [2, 3, 4])
    cf = K.bias_add(tf.ones((1, 3, 2, 2)), tf.constant([1., 2., 3.]), "channels_first")
    np.testing.assert_allclose(cf.numpy()[0, :, 0, 0], [2, 3, 4])
    np.testing.assert_allclose(K.hard_sigmoid(tf.constant([-3.0, 0.0, 1.0])).numpy(),
                               [0.0, 0.5, 0.7])
    np.testing.assert_allclose(K.batch_dot(tf.ones((2, 3)), tf.ones((2, 3))).numpy(),
                               [[3.0], [3.0]])
    assert K.batch_dot(tf.ones((2, 3, 4)), tf.ones((2, 4, 5))).shape == (2, 3, 5)
    np.testing.assert_array_equal(K.arange(3).numpy(), [0, 1, 2])


def test_conv_pool_and_rnn():
    x = np.random.default_rng(0).normal(size=(1, 5, 5, 2)).astype("float32")
    k = np.random.default_rng(1).normal(size=(3, 3, 2, 4)).astype("float32")
    want = tf.nn.conv2d(x, k, 1, "SAME").numpy()
    np.testing.assert_allclose(K.conv2d(x, k, padding="same").numpy(), want, rtol=1e-5)
    first = K.conv2d(x.transpose(0, 3, 1, 2), k, padding="same", data_format="channels_first")
    np.testing.assert_allclose(first.numpy(), want.transpose(0, 3, 1, 2), rtol=1e-5)
    assert K.pool2d(x, (2, 2), (2, 2), pool_mode="avg").shape == (1, 2, 2, 2)
    with pytest.raises(ValueError, match="pool_mode"):
        K.pool2d(x, (2, 2), pool_mode="min")

    def step(inputs, states):
        h = inputs + states[0]
        return h, [h]
    seq = tf.constant(np.arange(6, dtype=np.float32).reshape(1, 3, 2))
    last, outs, (state,) = K.rnn(step, seq, [tf.zeros((1, 2))])
    np.testing.assert_allclose(outs.numpy(), np.cumsum(seq.numpy(), axis=1))
    np.testing.assert_allclose(last.numpy(), state.numpy())
    mask = tf.constant([[True, False, True]])
    _, masked, _ = K.rnn(step, seq, [tf.zeros((1, 2))], mask=mask)
    np.testing.assert_allclose(masked.numpy()[0], [[0, 1], [0, 1], [4, 6]])
