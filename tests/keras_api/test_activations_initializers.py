"""keras.activations, initializers, regularizers and constraints: values against NumPy
formulas (and Keras itself when installed), dtypes, lookup and configs."""
import math

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework.errors import InvalidArgumentError
from ndflow.keras import activations, constraints, initializers, regularizers

from .keras_reference import reference_keras, to_numpy

X = np.array([-6.0, -2.0, -0.5, 0.0, 0.3, 1.0, 4.0, 9.0], np.float32)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softplus(x):
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0)


SELU_A, SELU_S = 1.6732632423543772848, 1.0507009873554804934
EXPECTED = {
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "selu": lambda x: SELU_S * np.where(x > 0, x, SELU_A * np.expm1(x)),
    "softplus": _softplus,
    "softsign": lambda x: x / (1 + np.abs(x)),
    "gelu": lambda x: 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2))),
    "swish": lambda x: x * _sigmoid(x),
    "silu": lambda x: x * _sigmoid(x),
    "mish": lambda x: x * np.tanh(_softplus(x)),
    "exponential": np.exp,
    "hard_sigmoid": lambda x: np.clip(x / 6 + 0.5, 0, 1),
    "linear": lambda x: x,
    "sign": np.sign,
    "step": lambda x: (x > 0).astype(np.float32),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_activation_values_and_dtype(name):
    out = activations.get(name)(tf.constant(X))
    assert out.dtype == tf.float32
    np.testing.assert_allclose(out.numpy(), EXPECTED[name](X.astype(np.float64)),
                               rtol=2e-6, atol=2e-6)


def test_relu_options_like_keras():
    x = X.astype(np.float64)
    out = activations.relu(tf.constant(X), negative_slope=0.1, max_value=5.0, threshold=1.0)
    expected = np.minimum(np.where(x > 1.0, x, 0.0), 5.0) + 0.1 * np.minimum(x - 1.0, 0.0)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(activations.relu(tf.constant(X), max_value=3.0).numpy(),
                               np.clip(X, 0, 3))


def test_softmax_and_log_softmax_axis():
    logits = np.arange(12, dtype=np.float32).reshape(3, 4) / 3
    for axis in (-1, 0):
        e = np.exp(logits - logits.max(axis, keepdims=True))
        expected = e / e.sum(axis, keepdims=True)
        np.testing.assert_allclose(activations.softmax(tf.constant(logits), axis=axis).numpy(),
                                   expected, rtol=1e-6)
        np.testing.assert_allclose(
            activations.log_softmax(tf.constant(logits), axis=axis).numpy(), np.log(expected),
            rtol=1e-5, atol=1e-6)


def test_gelu_approximate():
    x = X.astype(np.float64)
    expected = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    np.testing.assert_allclose(activations.gelu(tf.constant(X), approximate=True).numpy(),
                               expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["gelu", "swish", "mish", "softplus", "elu", "selu",
                                  "softsign", "hard_sigmoid"])
def test_activation_gradients_match_finite_differences(name):
    fn = activations.get(name)
    x = np.array([-2.3, -0.7, 0.4, 1.9], np.float64)
    xt = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(fn(xt))
    grad = tape.gradient(y, xt).numpy()
    h = 1e-6
    numeric = (fn(tf.constant(x + h)).numpy() - fn(tf.constant(x - h)).numpy()) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-6)


def test_activation_lookup_and_serialize():
    assert activations.get(None) is activations.linear
    assert activations.get("ReLU") is activations.relu
    assert activations.get(np.tanh) is np.tanh
    assert activations.serialize(activations.relu) == "relu"
    assert activations.deserialize("softmax") is activations.softmax
    with pytest.raises(InvalidArgumentError, match="Unknown activation"):
        activations.get("no_such_activation")
    with pytest.raises(ValueError):
        activations.get(3)


def test_activations_inside_function():
    @tf.function
    def f(x):
        return activations.gelu(x) + activations.selu(x)
    x = tf.constant(X)
    np.testing.assert_allclose(f(x).numpy(), (activations.gelu(x) + activations.selu(x)).numpy(),
                               rtol=1e-6)


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "elu", "selu", "gelu", "swish",
                                  "softplus", "softsign", "mish", "hard_sigmoid", "relu6",
                                  "leaky_relu", "exponential", "log_softmax", "softmax"])
def test_activations_match_keras(name):
    expected = to_numpy(getattr(reference_keras().activations, name)(X))
    np.testing.assert_allclose(activations.get(name)(tf.constant(X)).numpy(), expected,
                               rtol=1e-5, atol=1e-6)


# --- initializers ------------------------------------------------------------------------------

def test_fans():
    assert initializers.compute_fans((3, 4)) == (3, 4)
    assert initializers.compute_fans((5,)) == (5, 5)
    assert initializers.compute_fans((3, 3, 2, 8)) == (18, 72)


@pytest.mark.parametrize("name,limit", [("glorot_uniform", math.sqrt(6 / (200 + 300))),
                                        ("he_uniform", math.sqrt(6 / 200)),
                                        ("lecun_uniform", math.sqrt(3 / 200))])
def test_uniform_variance_scaling_bounds(name, limit):
    w = initializers.get(name)((200, 300)).numpy()
    assert w.dtype == np.float32 and w.shape == (200, 300)
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.95 * limit
    assert abs(w.std() - limit / math.sqrt(3)) < 0.02 * limit


@pytest.mark.parametrize("name,std", [("glorot_normal", math.sqrt(2 / 500)),
                                      ("he_normal", math.sqrt(2 / 200)),
                                      ("lecun_normal", math.sqrt(1 / 200))])
def test_truncated_normal_variance_scaling_std(name, std):
    w = initializers.get(name)((200, 300)).numpy()
    assert abs(w.std() - std) < 0.03 * std
    assert np.abs(w).max() <= 2 * std / 0.87962566103423978 + 1e-6  # truncated at 2 sigma


def test_random_defaults_like_keras3():
    rn = initializers.RandomNormal(seed=1)((400, 400)).numpy()
    assert abs(rn.std() - 0.05) < 0.002 and abs(rn.mean()) < 0.002
    ru = initializers.RandomUniform(seed=1)((400, 400)).numpy()
    assert ru.min() >= -0.05 and ru.max() <= 0.05
    tn = initializers.TruncatedNormal(seed=1)((400, 400)).numpy()
    assert np.abs(tn).max() <= 0.1


def test_seeded_initializers_repeat_and_unseeded_follow_global_seed():
    a = initializers.GlorotUniform(seed=7)((4, 5)).numpy()
    b = initializers.GlorotUniform(seed=7)((4, 5)).numpy()
    c = initializers.GlorotUniform(seed=8)((4, 5)).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    tf.random.set_seed(42)
    first = [initializers.get("he_normal")((3, 3)).numpy() for _ in range(2)]
    tf.random.set_seed(42)
    second = [initializers.get("he_normal")((3, 3)).numpy() for _ in range(2)]
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[0], first[1])


def test_initializer_inside_function_gives_concrete_values():
    init = initializers.GlorotUniform()

    @tf.function
    def f():
        v = tf.Variable(init((2, 3)))
        return v.read_value()
    assert f().shape == (2, 3)


def test_constant_zeros_ones_identity_orthogonal():
    np.testing.assert_array_equal(initializers.Zeros()((2, 3)).numpy(), np.zeros((2, 3)))
    np.testing.assert_array_equal(initializers.get("ones")((2,)).numpy(), np.ones(2))
    np.testing.assert_array_equal(initializers.Constant(2.5)((2, 2)).numpy(), np.full((2, 2), 2.5))
    np.testing.assert_array_equal(initializers.Identity(gain=2.0)((2, 3)).numpy(),
                                  2 * np.eye(2, 3))
    q = initializers.Orthogonal(seed=3)((6, 4)).numpy()
    np.testing.assert_allclose(q.T @ q, np.eye(4), atol=1e-5)
    q = initializers.Orthogonal(gain=0.5, seed=3)((3, 7)).numpy()
    np.testing.assert_allclose(q @ q.T, 0.25 * np.eye(3), atol=1e-5)
    assert initializers.Zeros()((2,), dtype="float64").dtype == tf.float64


def test_initializer_lookup_and_config_round_trip():
    assert isinstance(initializers.get("glorot_uniform"), initializers.GlorotUniform)
    assert isinstance(initializers.get("HeNormal"), initializers.HeNormal)
    init = initializers.VarianceScaling(scale=2.0, mode="fan_out", distribution="uniform", seed=4)
    config = initializers.serialize(init)
    again = initializers.deserialize(config)
    assert isinstance(again, initializers.VarianceScaling)
    assert again.get_config() == init.get_config()
    np.testing.assert_array_equal(again((3, 3)).numpy(), init((3, 3)).numpy())
    rn = initializers.get({"class_name": "RandomNormal", "config": {"stddev": 2.0, "seed": 1}})
    assert rn.stddev == 2.0
    assert initializers.get(None) is None
    with pytest.raises(InvalidArgumentError, match="initializer"):
        initializers.get("nope")
    with pytest.raises(InvalidArgumentError, match="mode"):
        initializers.VarianceScaling(mode="fan_sideways")
    with pytest.raises(InvalidArgumentError, match="two-dimensional"):
        initializers.Orthogonal()((3,))


# --- regularizers and constraints ---------------------------------------------------------------

W = np.array([[1.0, -2.0], [0.5, 3.0]], np.float32)


def test_regularizers():
    assert float(regularizers.L1(0.1)(tf.constant(W))) == pytest.approx(0.1 * np.abs(W).sum())
    assert float(regularizers.l2(0.01)(tf.constant(W))) == pytest.approx(0.01 * (W ** 2).sum())
    both = regularizers.get("l1_l2")(tf.constant(W))
    assert float(both) == pytest.approx(0.01 * np.abs(W).sum() + 0.01 * (W ** 2).sum())
    reg = regularizers.deserialize(regularizers.serialize(regularizers.L1L2(l1=0.2, l2=0.3)))
    assert (reg.l1, reg.l2) == (0.2, 0.3)
    assert regularizers.get(None) is None
    with pytest.raises(InvalidArgumentError, match="l2"):
        regularizers.L2(-1.0)


def test_regularizer_gradient():
    v = tf.Variable(W)
    with tf.GradientTape() as tape:
        loss = regularizers.L1L2(l1=0.1, l2=0.5)(v)
    np.testing.assert_allclose(tape.gradient(loss, v).numpy(), 0.1 * np.sign(W) + W, rtol=1e-6)


def test_constraints():
    norms = np.sqrt((W ** 2).sum(0, keepdims=True))
    out = constraints.MaxNorm(2.0)(tf.constant(W)).numpy()
    np.testing.assert_allclose(out, W * np.minimum(norms, 2.0) / (norms + 1e-7), rtol=1e-6)
    np.testing.assert_array_equal(constraints.get("non_neg")(tf.constant(W)).numpy(),
                                  np.maximum(W, 0))
    np.testing.assert_allclose(constraints.UnitNorm()(tf.constant(W)).numpy(),
                               W / (norms + 1e-7), rtol=1e-6)
    mm = constraints.MinMaxNorm(min_value=1.5, max_value=2.0, rate=0.5)(tf.constant(W)).numpy()
    desired = 0.5 * np.clip(norms, 1.5, 2.0) + 0.5 * norms
    np.testing.assert_allclose(mm, W * desired / (norms + 1e-7), rtol=1e-6)
    again = constraints.deserialize(constraints.serialize(constraints.MaxNorm(3, axis=1)))
    assert again.get_config() == {"max_value": 3, "axis": 1}
    with pytest.raises(InvalidArgumentError):
        constraints.get("unknown_constraint")
