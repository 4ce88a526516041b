"""What the seed notes' code relies on, beyond running the listings (tests/test_examples.py)."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1
from ndflow.testing import numerical_gradient


# --- seed 001: the TF1 basics, including the swapped placeholder arguments -------------------

@pytest.mark.parametrize("enum, dtype", [(1, tf.float32), (2, tf.float64), (3, tf.int32),
                                         (4, tf.uint8), (9, tf.int64), (10, tf.bool)])
def test_as_dtype_accepts_tensorflow_datatype_enum_values(enum, dtype):
    assert tf.as_dtype(enum) == dtype


def test_placeholder_with_swapped_arguments_fails_on_the_shape_like_tensorflow():
    # TensorFlow reads 2 as DT_DOUBLE, then cannot use tf.int32 as a dimension: TypeError.
    with pytest.raises(TypeError, match="int32.*dimension"):
        v1.placeholder(2, v1.int32)
    with pytest.raises(TypeError, match="dimension"):
        v1.placeholder(v1.float32, [None, v1.int32])
    assert v1.placeholder(2).dtype == tf.float64  # the dtype alone is accepted, as in TF


def test_tf1_basics_variables_constants_and_arithmetic():
    a, b = v1.Variable(10), v1.Variable(20)
    assert a.dtype == tf.int32  # Python ints make int32 tensors, as in TensorFlow
    c = v1.cast(v1.constant(7), v1.float32)
    fed = v1.placeholder(v1.int32)
    with v1.Session() as sess:
        sess.run(v1.global_variables_initializer())
        total = sess.run(v1.add(a, b))
        assert total == 30 and total.dtype == np.int32
        assert sess.run(c) == 7.0 and sess.run(c).dtype == np.float32
        assert sess.run(fed * 3, {fed: 10}) == 30
        ops = [v1.subtract(b, a), v1.multiply(a, b), v1.divide(b, a)]
        assert [float(v) for v in sess.run(ops)] == [10.0, 200.0, 2.0]


def test_tf2_basics_tensor_numpy_round_trip():
    assert tf.constant(1).numpy() == 1
    squared = tf.square(np.array([10, 20]))
    assert squared.dtype == tf.int64 and squared.numpy().tolist() == [100, 400]
    a = tf.constant([1, 2, 3], tf.float32)
    b = tf.constant([5, 5, 5], tf.float32)
    assert (a + b).numpy().tolist() == tf.add(a, b).numpy().tolist() == [6.0, 7.0, 8.0]


# --- seed 004: placeholders without a shape, Variable vs placeholder ------------------------

def test_unshaped_placeholders_take_lists_and_scalars():
    x = v1.placeholder(v1.float32)
    W = v1.Variable([1], dtype=v1.float32)
    b = v1.Variable([1], dtype=v1.float32)
    hypothesis = W * x + b
    assert isinstance(x, tf.Tensor) and x.shape.rank is None
    with v1.Session() as sess:
        sess.run(v1.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(hypothesis, {x: 5}), [6.0])
        np.testing.assert_array_equal(sess.run(hypothesis, {x: [1, 2, 3, 4]}), [2, 3, 4, 5])
        assert sess.run(hypothesis, {x: 5}).dtype == np.float32


def test_variable_and_placeholder_share_the_tensor_attributes():
    x = v1.placeholder(v1.float32)
    W = v1.Variable([1], dtype=v1.float32)
    for name in ("dtype", "shape", "name", "graph", "op", "eval", "get_shape", "device"):
        assert hasattr(W, name) and hasattr(x, name), name
    for name in ("assign", "assign_add", "assign_sub", "initializer", "initial_value",
                 "read_value", "trainable", "value", "load"):
        assert hasattr(W, name), name
    assert W.dtype == x.dtype == tf.float32 and W.shape.as_list() == [1]


# --- seed 000: the pieces of the XOR and back-prop listings ----------------------------------

def test_the_9_2_typo_broadcasts_to_a_two_unit_hidden_layer():
    X = v1.placeholder(v1.float32, [None, 2])
    W1 = v1.Variable(v1.random_normal([2, 1]))
    b1 = v1.Variable(v1.random_normal([2]))
    layer1 = v1.sigmoid(v1.matmul(X, W1) + b1)
    assert layer1.shape.as_list() == [None, 2]
    with v1.Session() as sess:
        sess.run(v1.global_variables_initializer())
        out, w, b = sess.run([layer1, W1, b1], {X: [[0, 1], [1, 1]]})
    # both hidden units see the same projection X @ W1, shifted by their own bias
    projection = np.array([[0, 1], [1, 1]], np.float32) @ w
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-(projection + b))), rtol=1e-6)


def test_prediction_and_accuracy_ops_of_the_xor_listings():
    h = v1.placeholder(v1.float32, [None, 1])
    Y = v1.placeholder(v1.float32, [None, 1])
    predicted = v1.cast(h > 0.5, dtype=v1.float32)
    accuracy = v1.reduce_mean(v1.cast(v1.equal(predicted, Y), dtype=v1.float32))
    with v1.Session() as sess:
        p, a = sess.run([predicted, accuracy], {h: [[0.2], [0.7], [0.9], [0.4]],
                                                 Y: [[0], [1], [0], [0]]})
    assert p.dtype == np.float32 and p.ravel().tolist() == [0, 1, 1, 0]
    assert a == 0.75


def test_assign_steps_fetch_their_new_values_in_a_nested_list():
    W = v1.Variable([[1.0]])
    b = v1.Variable(5.0)
    step = [v1.assign(W, W - 0.5), v1.assign(b, b - v1.reduce_mean([1.0, 3.0]))]
    rmse = v1.reduce_mean(v1.square(W))
    with v1.Session() as sess:
        sess.run(v1.global_variables_initializer())
        (new_w, new_b), value = sess.run([step, rmse])
        np.testing.assert_array_equal(new_w, [[0.5]])
        assert new_b == 3.0 and isinstance(value, np.floating)
        np.testing.assert_array_equal(sess.run(W), [[0.5]])


def test_mean_over_a_list_axis_and_dynamic_batch_size():
    d = v1.placeholder(v1.float32, [None, 2])
    mean = v1.reduce_mean(d, axis=[0])
    scaled = v1.reduce_sum(d, axis=0) / v1.cast(v1.shape(d)[0], dtype=v1.float32)
    with v1.Session() as sess:
        data = np.array([[1, 2], [3, 4], [5, 9]], np.float32)
        m, s = sess.run([mean, scaled], {d: data})
    assert mean.shape.as_list() == [2]
    np.testing.assert_allclose(m, [3, 5])
    np.testing.assert_allclose(s, m)


# --- seed 002: tf.function train step with assign_sub on captured variables -----------------

def test_seed_002_train_step_updates_captured_variables_like_plain_gradient_descent():
    rng = np.random.RandomState(0)
    x = rng.rand(8, 5).astype(np.float32)
    y = tf.one_hot(rng.randint(0, 3, size=8), 3).numpy()
    assert y.dtype == np.float32
    W = tf.Variable(rng.normal(size=(5, 3)).astype(np.float32), name="weight")
    B = tf.Variable(np.zeros(3, np.float32), name="bias")

    @tf.function
    def hypothesis(X):
        return tf.nn.softmax(tf.add(tf.matmul(tf.cast(X, tf.float32), W), B))

    @tf.function
    def loss(H, Y):
        return tf.reduce_mean(-tf.reduce_sum(Y * tf.math.log(H), axis=1))

    @tf.function
    def train(X, Y, learning_rate=0.1):
        with tf.GradientTape() as tape:
            _loss = loss(hypothesis(X), Y)
        _w, _b = tape.gradient(_loss, [W, B])
        W.assign_sub(learning_rate * _w)
        B.assign_sub(learning_rate * _b)

    w0, b0 = W.numpy().copy(), B.numpy().copy()
    logits = x @ w0 + b0
    h = np.exp(logits - logits.max(1, keepdims=True))
    h /= h.sum(1, keepdims=True)
    expected_w = w0 - 0.15 * x.T @ (h - y) / len(x)  # d(mean cross-entropy)/dW
    expected_b = b0 - 0.15 * (h - y).mean(0)
    before = float(loss(hypothesis(x), y))
    train(x, y, learning_rate=0.15)
    np.testing.assert_allclose(W.numpy(), expected_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(B.numpy(), expected_b, rtol=1e-5, atol=1e-6)
    assert W.dtype == tf.float32 and float(loss(hypothesis(x), y)) < before
    avg_cost = 0
    avg_cost += loss(hypothesis(x), y) / 4  # the seed accumulates tensors onto a Python 0
    assert avg_cost.dtype == tf.float32


# --- seed 003: the numerical derivative -----------------------------------------------------

def seed_003_derivative(f, x):
    """The seed's central difference, condensed."""
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        saved = x[idx]
        x[idx] = saved + 1e-4
        up = f(x)
        x[idx] = saved - 1e-4
        down = f(x)
        grad[idx] = (up - down) / 2e-4
        x[idx] = saved
    return grad


def test_numerical_gradient_is_the_seed_derivative_and_matches_the_tape():
    rng = np.random.RandomState(3)
    W = rng.rand(2, 6)
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float64)

    def f(w):
        return np.sum(np.log(1 + np.exp(-(x @ w))))

    by_hand = seed_003_derivative(f, W)
    np.testing.assert_array_equal(numerical_gradient(f, W, delta=1e-4), by_hand)
    variable = tf.Variable(W)
    with tf.GradientTape() as tape:
        value = tf.reduce_sum(tf.math.log(1 + tf.exp(-tf.matmul(x, variable))))
    np.testing.assert_allclose(tape.gradient(value, variable).numpy(), by_hand, atol=1e-7)
