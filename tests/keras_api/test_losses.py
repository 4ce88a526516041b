"""keras.losses: per-sample values against NumPy, reductions and sample weights, lookup,
configs, stability, tf.function and gradients; against Keras 3 where it is installed."""
import numpy as np
import pytest

import ndflow as tf
from ndflow.framework.errors import InvalidArgumentError
from ndflow.keras import losses

from .keras_reference import reference_keras, to_numpy

EPS = 1e-7
rng = np.random.default_rng(0)
Y_TRUE = rng.random((6, 3)).astype(np.float32)
Y_PRED = rng.random((6, 3)).astype(np.float32)
ONEHOT = np.eye(3, dtype=np.float32)[[0, 2, 1, 1, 0, 2]]
SPARSE = ONEHOT.argmax(-1)
BINARY = (rng.random((6, 3)) > 0.5).astype(np.float32)
WEIGHTS = np.array([1.0, 0.5, 0.0, 2.0, 1.0, 0.25], np.float32)


def _np_per_sample(name, t, p):
    t, p = t.astype(np.float64), p.astype(np.float64)
    e = p - t
    if name == "mse":
        return np.mean(e ** 2, -1)
    if name == "mae":
        return np.mean(np.abs(e), -1)
    if name == "mape":
        return 100 * np.mean(np.abs(e / np.maximum(np.abs(t), EPS)), -1)
    if name == "msle":
        return np.mean((np.log(np.maximum(p, EPS) + 1) - np.log(np.maximum(t, EPS) + 1)) ** 2, -1)
    if name == "huber":
        a = np.abs(e)
        return np.mean(np.where(a <= 1.0, 0.5 * e ** 2, a - 0.5), -1)
    if name == "log_cosh":
        return np.mean(np.log(np.cosh(e)), -1)
    if name == "kl_divergence":
        tc, pc = np.clip(t, EPS, 1), np.clip(p, EPS, 1)
        return np.sum(tc * np.log(tc / pc), -1)
    if name == "poisson":
        return np.mean(p - t * np.log(p + EPS), -1)
    raise KeyError(name)


@pytest.mark.parametrize("name", ["mse", "mae", "mape", "msle", "huber", "log_cosh",
                                  "kl_divergence", "poisson"])
def test_regression_losses_match_numpy(name):
    loss = losses.get(name)
    per_sample = _np_per_sample(name, Y_TRUE, 3 * Y_PRED)
    out = loss(Y_TRUE, 3 * Y_PRED)
    assert out.dtype == tf.float32 and out.shape == ()
    np.testing.assert_allclose(float(out), per_sample.mean(), rtol=1e-5)
    fn = getattr(losses, name)
    np.testing.assert_allclose(fn(Y_TRUE, 3 * Y_PRED).numpy(), per_sample, rtol=1e-5)


def test_reductions_and_sample_weight():
    per_sample = _np_per_sample("mse", Y_TRUE, Y_PRED)
    weighted = per_sample * WEIGHTS
    mse = losses.MeanSquaredError
    np.testing.assert_allclose(float(mse()(Y_TRUE, Y_PRED, sample_weight=WEIGHTS)),
                               weighted.sum() / 6, rtol=1e-6)
    np.testing.assert_allclose(float(mse(reduction="sum")(Y_TRUE, Y_PRED, WEIGHTS)),
                               weighted.sum(), rtol=1e-6)
    np.testing.assert_allclose(mse(reduction=None)(Y_TRUE, Y_PRED, WEIGHTS).numpy(), weighted,
                               rtol=1e-6)
    np.testing.assert_allclose(mse(reduction="none")(Y_TRUE, Y_PRED).numpy(), per_sample,
                               rtol=1e-6)
    # a (batch, 1) weight column and a scalar weight broadcast like Keras
    np.testing.assert_allclose(float(mse()(Y_TRUE, Y_PRED, WEIGHTS[:, None])),
                               weighted.sum() / 6, rtol=1e-6)
    np.testing.assert_allclose(float(mse()(Y_TRUE, Y_PRED, 2.0)), 2 * per_sample.mean(),
                               rtol=1e-6)
    with pytest.raises(InvalidArgumentError, match="reduction"):
        mse(reduction="average")


def test_huber_delta():
    e = 3 * Y_PRED - Y_TRUE
    a = np.abs(e)
    expected = np.mean(np.where(a <= 0.5, 0.5 * e ** 2, 0.5 * a - 0.125), -1).mean()
    np.testing.assert_allclose(float(losses.Huber(delta=0.5)(Y_TRUE, 3 * Y_PRED)), expected,
                               rtol=1e-5)


def test_rank_adjustment_of_y_true():
    y = np.array([1.0, 2.0, 3.0], np.float32)
    p = np.array([[1.5], [2.0], [2.0]], np.float32)
    np.testing.assert_allclose(float(losses.mse(y, p).numpy().mean()), (0.25 + 0 + 1) / 3)


def test_binary_crossentropy_probabilities_and_logits():
    p = np.clip(Y_PRED, EPS, 1 - EPS).astype(np.float64)
    expected = -np.mean(BINARY * np.log(p) + (1 - BINARY) * np.log(1 - p), -1)
    np.testing.assert_allclose(losses.binary_crossentropy(BINARY, Y_PRED).numpy(), expected,
                               rtol=1e-5)
    logits = 8 * Y_PRED - 4
    smoothed = BINARY * 0.8 + 0.1
    sig = 1 / (1 + np.exp(-logits.astype(np.float64)))
    expected = -np.mean(smoothed * np.log(sig) + (1 - smoothed) * np.log(1 - sig), -1).mean()
    loss = losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.2)
    np.testing.assert_allclose(float(loss(BINARY, logits)), expected, rtol=1e-5)


def test_categorical_crossentropy_probabilities_logits_and_smoothing():
    probs = Y_PRED / Y_PRED.sum(-1, keepdims=True)
    expected = -np.sum(ONEHOT * np.log(np.clip(probs, EPS, 1 - EPS)), -1)
    np.testing.assert_allclose(losses.categorical_crossentropy(ONEHOT, Y_PRED).numpy(),
                               expected, rtol=1e-5)
    logits = 4 * Y_PRED
    log_sm = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    smoothed = ONEHOT * 0.7 + 0.3 / 3
    loss = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.3)
    np.testing.assert_allclose(float(loss(ONEHOT, logits)), -(smoothed * log_sm).sum(-1).mean(),
                               rtol=1e-5)
    with pytest.raises(InvalidArgumentError, match="same shape"):
        losses.categorical_crossentropy(ONEHOT[:, :2], Y_PRED)


def test_sparse_categorical_crossentropy():
    probs = Y_PRED / Y_PRED.sum(-1, keepdims=True)
    expected = -np.log(np.clip(probs[np.arange(6), SPARSE], EPS, 1 - EPS))
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy(SPARSE, Y_PRED).numpy(),
                               expected, rtol=1e-5)
    # labels as a float column, as Keras users often pass them
    column = SPARSE[:, None].astype(np.float32)
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy(column, Y_PRED).numpy(),
                               expected, rtol=1e-5)
    logits = 5 * Y_PRED
    log_sm = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=2)
    keep = SPARSE != 2
    per = -log_sm[np.arange(6), SPARSE] * keep
    np.testing.assert_allclose(float(loss(SPARSE, logits)), per.mean(), rtol=1e-5)


def test_crossentropies_are_stable_for_extreme_inputs():
    logits = np.array([[1000.0, -1000.0, 0.0]], np.float32)
    assert np.isfinite(float(losses.CategoricalCrossentropy(from_logits=True)(
        np.array([[0.0, 1.0, 0.0]], np.float32), logits)))
    assert np.isfinite(float(losses.BinaryCrossentropy(from_logits=True)(
        np.array([[0.0, 1.0, 1.0]], np.float32), logits)))
    # saturated probabilities are clipped, so the loss is large but finite
    value = float(losses.BinaryCrossentropy()(np.array([[1.0]]), np.array([[0.0]])))
    assert np.isfinite(value) and value == pytest.approx(-np.log(EPS), rel=1e-3)


def test_hinge_losses_convert_binary_labels():
    labels = np.array([[0.0, 1.0], [1.0, 0.0]], np.float32)
    pred = np.array([[0.3, 0.8], [-0.4, -2.0]], np.float32)
    signs = 2 * labels - 1
    expected = np.mean(np.maximum(1 - signs * pred, 0), -1)
    np.testing.assert_allclose(losses.hinge(labels, pred).numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(losses.squared_hinge(labels, pred).numpy(),
                               np.mean(np.maximum(1 - signs * pred, 0) ** 2, -1), rtol=1e-6)


def test_get_aliases_functions_and_configs():
    assert isinstance(losses.get("mse"), losses.MeanSquaredError)
    assert isinstance(losses.get("mean_squared_error"), losses.MeanSquaredError)
    assert isinstance(losses.get("sparse_categorical_crossentropy"),
                      losses.SparseCategoricalCrossentropy)
    assert isinstance(losses.get("huber"), losses.Huber)
    assert isinstance(losses.get("BinaryCrossentropy"), losses.BinaryCrossentropy)
    assert losses.get(None) is None
    obj = losses.Huber(delta=2.0)
    assert losses.get(obj) is obj

    def my_loss(y_true, y_pred):
        return tf.reduce_mean(tf.abs(y_true - y_pred), axis=-1)
    wrapped = losses.get(my_loss)
    assert isinstance(wrapped, losses.Loss) and wrapped.name == "my_loss"
    np.testing.assert_allclose(float(wrapped(Y_TRUE, Y_PRED)),
                               _np_per_sample("mae", Y_TRUE, Y_PRED).mean(), rtol=1e-6)
    config = losses.serialize(losses.CategoricalCrossentropy(from_logits=True,
                                                             label_smoothing=0.1))
    again = losses.deserialize(config)
    assert again.from_logits is True and again.label_smoothing == 0.1
    assert again.name == "categorical_crossentropy"
    assert losses.Huber().name == "huber_loss"
    with pytest.raises(InvalidArgumentError, match="loss identifier"):
        losses.get("not_a_loss")
    with pytest.raises(TypeError):
        losses.MeanSquaredError(from_logits=True)


def test_reduction_auto_is_accepted_with_warning():
    with pytest.warns(DeprecationWarning):
        loss = losses.MeanSquaredError(reduction="auto")
    assert loss.reduction == "sum_over_batch_size"


def test_losses_inside_function_and_gradients():
    loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    logits = tf.Variable(rng.normal(size=(4, 3)).astype(np.float32))
    labels = np.array([0, 2, 1, 2], np.int32)

    @tf.function
    def step(y):
        with tf.GradientTape() as tape:
            value = loss(y, logits)
        return value, tape.gradient(value, logits)
    value, grad = step(tf.constant(labels))
    z = logits.numpy().astype(np.float64)
    sm = np.exp(z - z.max(-1, keepdims=True))
    sm /= sm.sum(-1, keepdims=True)
    np.testing.assert_allclose(float(value), -np.log(sm[np.arange(4), labels]).mean(), rtol=1e-5)
    np.testing.assert_allclose(grad.numpy(), (sm - np.eye(3)[labels]) / 4, rtol=1e-5, atol=1e-7)


def test_gradient_of_probability_crossentropy():
    p = tf.Variable(np.array([[0.2, 0.5, 0.3]], np.float32))
    with tf.GradientTape() as tape:
        value = losses.CategoricalCrossentropy()(np.array([[0.0, 1.0, 0.0]]), p)
    # -log(p1 / sum p): d/dp = 1/sum - e1/p1
    np.testing.assert_allclose(tape.gradient(value, p).numpy(), [[1.0, 1.0 - 2.0, 1.0]],
                               rtol=1e-5)


KERAS_CASES = [
    ("MeanSquaredError", {}, Y_TRUE, Y_PRED), ("MeanAbsoluteError", {}, Y_TRUE, Y_PRED),
    ("MeanAbsolutePercentageError", {}, Y_TRUE, Y_PRED),
    ("MeanSquaredLogarithmicError", {}, Y_TRUE, Y_PRED),
    ("Huber", {"delta": 0.3}, Y_TRUE, 3 * Y_PRED), ("LogCosh", {}, Y_TRUE, 5 * Y_PRED),
    ("Hinge", {}, BINARY, Y_PRED - 0.5), ("SquaredHinge", {}, BINARY, Y_PRED - 0.5),
    ("CategoricalHinge", {}, ONEHOT, Y_PRED), ("KLDivergence", {}, Y_TRUE, Y_PRED),
    ("Poisson", {}, Y_TRUE, Y_PRED), ("CosineSimilarity", {}, Y_TRUE, Y_PRED),
    ("BinaryCrossentropy", {}, BINARY, Y_PRED),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, BINARY,
     4 * Y_PRED - 2),
    ("CategoricalCrossentropy", {}, ONEHOT, Y_PRED),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, ONEHOT,
     3 * Y_PRED),
    ("SparseCategoricalCrossentropy", {}, SPARSE, Y_PRED),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, SPARSE, 3 * Y_PRED),
]


@pytest.mark.parametrize("name,kwargs,y_true,y_pred", KERAS_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(KERAS_CASES)])
def test_losses_match_keras(name, kwargs, y_true, y_pred):
    keras = reference_keras()
    for reduction in ("sum_over_batch_size", "sum", None):
        for weights in (None, WEIGHTS):
            expected = to_numpy(getattr(keras.losses, name)(reduction=reduction, **kwargs)(
                y_true, y_pred, sample_weight=weights))
            got = getattr(losses, name)(reduction=reduction, **kwargs)(
                y_true, y_pred, sample_weight=weights)
            np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5, atol=1e-6)
