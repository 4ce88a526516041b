"""Must show 5: one model trained three ways gives the same losses.

A 2-4-1 sigmoid MLP on XOR (float32, initial weights drawn from one NumPy seed) is trained
by gradient descent with an eager GradientTape, with an `ndflow.function` train step, and
as a TF1 graph in a Session with `GradientDescentOptimizer`. Every step's loss agrees to
1e-6 across the three, and so do the final weights.
"""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1

STEPS = 60
LEARNING_RATE = 0.5
X_DATA = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
Y_DATA = np.array([[0], [1], [1], [0]], dtype=np.float32)


def initial_weights(seed):
    rng = np.random.RandomState(seed)
    shapes = [(2, 4), (4,), (4, 1), (1,)]
    return [rng.normal(size=shape).astype(np.float32) for shape in shapes]


def forward_loss(ops, x, y, w1, b1, w2, b2):
    """Binary cross-entropy of the MLP, written once for all three modes."""
    hidden = ops.sigmoid(ops.matmul(x, w1) + b1)
    output = ops.sigmoid(ops.matmul(hidden, w2) + b2)
    return -ops.reduce_mean(y * ops.math.log(output) + (1 - y) * ops.math.log(1 - output))


def train_eager(seed):
    params = [tf.Variable(w) for w in initial_weights(seed)]
    x, y = tf.constant(X_DATA), tf.constant(Y_DATA)
    losses = []
    for _ in range(STEPS):
        with tf.GradientTape() as tape:
            loss = forward_loss(tf, x, y, *params)
        for param, grad in zip(params, tape.gradient(loss, params)):
            param.assign_sub(LEARNING_RATE * grad)
        losses.append(float(loss.numpy()))
    return losses, [p.numpy() for p in params]


def train_function(seed):
    params = [tf.Variable(w) for w in initial_weights(seed)]

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = forward_loss(tf, x, y, *params)
        for param, grad in zip(params, tape.gradient(loss, params)):
            param.assign_sub(LEARNING_RATE * grad)
        return loss

    losses = [float(train_step(X_DATA, Y_DATA).numpy()) for _ in range(STEPS)]
    return losses, [p.numpy() for p in params]


def train_session(seed):
    x = v1.placeholder(v1.float32, [None, 2])
    y = v1.placeholder(v1.float32, [None, 1])
    params = [v1.Variable(w) for w in initial_weights(seed)]
    loss = forward_loss(v1, x, y, *params)
    train = v1.train.GradientDescentOptimizer(LEARNING_RATE).minimize(loss)
    losses = []
    with v1.Session() as sess:
        sess.run(v1.global_variables_initializer())
        for _ in range(STEPS):
            _, loss_value = sess.run([train, loss], feed_dict={x: X_DATA, y: Y_DATA})
            losses.append(float(loss_value))
        final = sess.run(params)
    return losses, final


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_eager_function_and_session_give_the_same_losses(seed):
    eager_losses, eager_params = train_eager(seed)
    function_losses, function_params = train_function(seed)
    session_losses, session_params = train_session(seed)
    # the losses move (the test would pass trivially on a model that does not train)
    assert eager_losses[-1] < eager_losses[0] - 0.01
    np.testing.assert_allclose(function_losses, eager_losses, rtol=0, atol=1e-6)
    np.testing.assert_allclose(session_losses, eager_losses, rtol=0, atol=1e-6)
    for e, f, s in zip(eager_params, function_params, session_params):
        assert e.dtype == f.dtype == s.dtype == np.float32
        np.testing.assert_allclose(f, e, rtol=0, atol=1e-5)
        np.testing.assert_allclose(s, e, rtol=0, atol=1e-5)
