"""keras.metrics: stateful results over several batches against NumPy and scikit-learn,
inside tf.function, reset, lookup (incl. "accuracy" resolution); against Keras 3 where
installed."""
import numpy as np
import pytest

import ndflow as tf
from ndflow.framework.errors import InvalidArgumentError
from ndflow.keras import losses, metrics

from .keras_reference import reference_keras, to_numpy

rng = np.random.default_rng(1)
N = 40
PROBS = rng.random((N, 4)).astype(np.float32)
ONEHOT = np.eye(4, dtype=np.float32)[rng.integers(0, 4, N)]
SPARSE = ONEHOT.argmax(-1)
LABELS = (rng.random((N, 1)) > 0.5).astype(np.float32)
SCORES = np.clip(LABELS * 0.3 + rng.random((N, 1)) * 0.7, 0, 1).astype(np.float32)
WEIGHTS = rng.random(N).astype(np.float32)
BATCHES = [slice(0, 15), slice(15, 32), slice(32, N)]


def _feed(metric, y_true, y_pred, weights=None):
    for b in BATCHES:
        metric.update_state(y_true[b], y_pred[b],
                            sample_weight=None if weights is None else weights[b])
    return metric.result().numpy()


def _sklearn():
    return pytest.importorskip("sklearn.metrics")


def test_mean_and_sum():
    m = metrics.Mean()
    m.update_state([1.0, 2.0, 3.0])
    m.update_state(5.0, sample_weight=2.0)
    assert float(m.result()) == pytest.approx((6 + 10) / 5)
    m.update_state(np.ones((2, 3)), sample_weight=[1.0, 0.0])  # rows averaged first
    assert float(m.result()) == pytest.approx(17 / 6)
    s = metrics.Sum()
    s.update_state([1.0, 2.0], sample_weight=[2.0, 3.0])
    assert float(s.result()) == 8.0
    assert metrics.Mean().result().numpy() == 0.0  # no data: 0, not nan


def test_accuracies_match_numpy():
    expected = np.mean(ONEHOT.argmax(-1) == PROBS.argmax(-1))
    assert _feed(metrics.CategoricalAccuracy(), ONEHOT, PROBS) == pytest.approx(expected)
    assert _feed(metrics.SparseCategoricalAccuracy(), SPARSE, PROBS) == pytest.approx(expected)
    w_expected = np.sum((ONEHOT.argmax(-1) == PROBS.argmax(-1)) * WEIGHTS) / WEIGHTS.sum()
    assert _feed(metrics.SparseCategoricalAccuracy(), SPARSE[:, None].astype(np.float32),
                 PROBS, WEIGHTS) == pytest.approx(w_expected, rel=1e-6)
    binary = np.mean(LABELS == (SCORES > 0.5))
    assert _feed(metrics.BinaryAccuracy(), LABELS, SCORES) == pytest.approx(binary)
    binary_03 = np.mean(LABELS == (SCORES > 0.3))
    assert _feed(metrics.BinaryAccuracy(threshold=0.3), LABELS, SCORES) == pytest.approx(binary_03)
    top2 = np.mean([SPARSE[i] in np.argsort(-PROBS[i])[:2] for i in range(N)])
    assert _feed(metrics.TopKCategoricalAccuracy(k=2), ONEHOT, PROBS) == pytest.approx(top2)
    assert _feed(metrics.SparseTopKCategoricalAccuracy(k=2), SPARSE, PROBS) == pytest.approx(top2)
    assert _feed(metrics.Accuracy(), SPARSE, PROBS.argmax(-1)) == pytest.approx(expected)


def test_regression_metrics_match_sklearn():
    skm = _sklearn()
    y, p = ONEHOT, PROBS
    assert _feed(metrics.MeanSquaredError(), y, p) == pytest.approx(
        skm.mean_squared_error(y, p), rel=1e-5)
    assert _feed(metrics.MeanAbsoluteError(), y, p) == pytest.approx(
        skm.mean_absolute_error(y, p), rel=1e-5)
    assert _feed(metrics.RootMeanSquaredError(), y, p) == pytest.approx(
        np.sqrt(skm.mean_squared_error(y, p)), rel=1e-5)
    assert _feed(metrics.MeanSquaredError(), y, p, WEIGHTS) == pytest.approx(
        skm.mean_squared_error(y, p, sample_weight=WEIGHTS), rel=1e-5)


def test_classification_metrics_match_sklearn():
    skm = _sklearn()
    y, s = LABELS.ravel(), SCORES.ravel()
    assert _feed(metrics.Precision(), LABELS, SCORES) == pytest.approx(
        skm.precision_score(y, s > 0.5), rel=1e-6)
    assert _feed(metrics.Recall(), LABELS, SCORES) == pytest.approx(
        skm.recall_score(y, s > 0.5), rel=1e-6)
    assert _feed(metrics.Precision(), LABELS, SCORES, WEIGHTS) == pytest.approx(
        skm.precision_score(y, s > 0.5, sample_weight=WEIGHTS), rel=1e-5)
    assert _feed(metrics.Recall(thresholds=0.3), LABELS, SCORES) == pytest.approx(
        skm.recall_score(y, s > 0.3), rel=1e-6)
    assert _feed(metrics.AUC(num_thresholds=1000), LABELS, SCORES) == pytest.approx(
        skm.roc_auc_score(y, s), abs=5e-3)
    assert _feed(metrics.AUC(curve="PR", num_thresholds=1000), LABELS, SCORES) == \
        pytest.approx(skm.average_precision_score(y, s), abs=3e-2)
    accuracy = _feed(metrics.get_for_loss("accuracy", "binary_crossentropy"), LABELS, SCORES)
    assert accuracy == pytest.approx(skm.accuracy_score(y, s > 0.5))


def test_precision_recall_many_thresholds_class_id_and_top_k():
    p = _feed(metrics.Precision(thresholds=[0.2, 0.5, 0.8]), LABELS, SCORES)
    expected = [np.sum((SCORES > t) & (LABELS == 1)) / np.sum(SCORES > t) for t in (0.2, .5, .8)]
    np.testing.assert_allclose(p, expected, rtol=1e-6)
    recall_1 = _feed(metrics.Recall(class_id=1), ONEHOT, PROBS)
    positives = ONEHOT[:, 1] == 1
    assert recall_1 == pytest.approx(np.mean(PROBS[positives, 1] > 0.5))
    top1 = _feed(metrics.Precision(top_k=1), ONEHOT, PROBS)
    assert top1 == pytest.approx(np.mean(ONEHOT.argmax(-1) == PROBS.argmax(-1)))
    with pytest.raises(InvalidArgumentError, match="Threshold"):
        metrics.Precision(thresholds=[1.5])


def test_auc_hand_computed_small_case():
    # 3 thresholds: -eps, 0.5, 1+eps; ROC points (1,1), (fpr, tpr) at 0.5, (0,0)
    m = metrics.AUC(num_thresholds=3)
    m.update_state([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9])
    tpr, fpr = 0.5, 0.5
    expected = (1 - fpr) * (1 + tpr) / 2 + fpr * tpr / 2
    assert float(m.result()) == pytest.approx(expected)
    np.testing.assert_array_equal(m.true_positives.numpy(), [2, 1, 0])
    np.testing.assert_array_equal(m.false_positives.numpy(), [2, 1, 0])


def test_crossentropy_metrics():
    expected = losses.categorical_crossentropy(ONEHOT, PROBS).numpy().mean()
    assert _feed(metrics.CategoricalCrossentropy(), ONEHOT, PROBS) == pytest.approx(expected,
                                                                                   rel=1e-5)
    expected = losses.binary_crossentropy(LABELS, SCORES).numpy().mean()
    assert _feed(metrics.BinaryCrossentropy(), LABELS, SCORES) == pytest.approx(expected,
                                                                               rel=1e-5)


def test_update_inside_function_and_reset():
    m = metrics.SparseCategoricalAccuracy()
    auc = metrics.AUC()

    @tf.function
    def update(y, p, yb, pb):
        m.update_state(y, p)
        auc.update_state(yb, pb)

    for b in BATCHES:
        update(tf.constant(SPARSE[b]), tf.constant(PROBS[b]), tf.constant(LABELS[b]),
               tf.constant(SCORES[b]))
    assert update.experimental_get_tracing_count() <= 3
    assert float(m.result()) == pytest.approx(np.mean(SPARSE == PROBS.argmax(-1)))
    reference = metrics.AUC()
    assert float(auc.result()) == pytest.approx(float(_feed(reference, LABELS, SCORES)))
    m.reset_state()
    assert float(m.result()) == 0.0 and [float(v.numpy()) for v in m.variables] == [0.0, 0.0]
    assert m.dtype == tf.float32 and len(auc.variables) == 4


def test_lookup_and_accuracy_resolution():
    assert isinstance(metrics.get("mae"), metrics.MeanAbsoluteError)
    assert metrics.get("mae").name == "mae"
    assert metrics.get("AUC").name == "auc"
    wrapped = metrics.get(losses.mean_squared_error)
    assert isinstance(wrapped, metrics.MeanMetricWrapper)
    assert wrapped.name == "mean_squared_error"
    r = metrics.get_for_loss
    assert isinstance(r("accuracy", "sparse_categorical_crossentropy"),
                      metrics.SparseCategoricalAccuracy)
    assert isinstance(r("acc", losses.BinaryCrossentropy()), metrics.BinaryAccuracy)
    assert isinstance(r("accuracy", "categorical_crossentropy"), metrics.CategoricalAccuracy)
    assert isinstance(r("accuracy", "mse", (None,), (None, 10)), metrics.SparseCategoricalAccuracy)
    assert isinstance(r("accuracy", None, (None, 1), (None, 1)), metrics.BinaryAccuracy)
    assert isinstance(r("accuracy", None, (None, 10), (None, 10)), metrics.CategoricalAccuracy)
    assert isinstance(r("ce", None, (None,), (None, 10)), metrics.SparseCategoricalCrossentropy)
    assert r("accuracy", "sparse_categorical_crossentropy").name == "accuracy"
    assert isinstance(r("mae", "mse"), metrics.MeanAbsoluteError)
    config = metrics.serialize(metrics.AUC(num_thresholds=50, curve="PR"))
    again = metrics.deserialize(config)
    assert again.num_thresholds == 50 and again.curve == "PR"
    with pytest.raises(InvalidArgumentError, match="metric identifier"):
        metrics.get("nope")


KERAS_CASES = [
    ("BinaryAccuracy", {}, LABELS, SCORES), ("CategoricalAccuracy", {}, ONEHOT, PROBS),
    ("SparseCategoricalAccuracy", {}, SPARSE, PROBS),
    ("TopKCategoricalAccuracy", {"k": 2}, ONEHOT, PROBS),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, SPARSE, PROBS),
    ("Precision", {}, LABELS, SCORES), ("Recall", {}, LABELS, SCORES),
    ("Precision", {"thresholds": [0.2, 0.5, 0.7]}, LABELS, SCORES),
    ("Precision", {"top_k": 2}, ONEHOT, PROBS), ("Recall", {"class_id": 1}, ONEHOT, PROBS),
    ("AUC", {}, LABELS, SCORES), ("AUC", {"curve": "PR"}, LABELS, SCORES),
    ("AUC", {"num_thresholds": 50, "summation_method": "minoring"}, LABELS, SCORES),
    ("MeanAbsoluteError", {}, ONEHOT, PROBS), ("RootMeanSquaredError", {}, ONEHOT, PROBS),
    ("BinaryCrossentropy", {}, LABELS, SCORES),
    ("SparseCategoricalCrossentropy", {}, SPARSE, PROBS),
]


@pytest.mark.parametrize("name,kwargs,y_true,y_pred", KERAS_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(KERAS_CASES)])
def test_metrics_match_keras(name, kwargs, y_true, y_pred):
    keras = reference_keras()
    for weights in (None, WEIGHTS):
        expected_metric = getattr(keras.metrics, name)(**kwargs)
        for b in BATCHES:
            expected_metric.update_state(y_true[b], y_pred[b],
                                         sample_weight=None if weights is None else weights[b])
        got = _feed(getattr(metrics, name)(**kwargs), y_true, y_pred, weights)
        np.testing.assert_allclose(got, to_numpy(expected_metric.result()), rtol=1e-5,
                                   atol=1e-6)
