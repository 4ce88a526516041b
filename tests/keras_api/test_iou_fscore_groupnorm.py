"""Keras 3's IoU metrics (IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU), F-scores
(FBetaScore, F1Score) and GroupNormalization against Keras 3.15's results on the same inputs
(KERAS below: `_results` run with Keras 3.15 in place of ndflow.keras)."""
import numpy as np
import pytest

from ndflow import keras

KERAS = {
    "miou": 0.111111112,
    "miou_wf": 0.164342821,
    "miou_w": 0.111111112,
    "miou4": 0.111111112,
    "miou_ign": 0.115740739,
    "iou02": 0.125,
    "miou_probs": 0.194444463,
    "ohiou": 0,
    "ohmiou": 0.194444463,
    "biou": 0.774999976,
    "biou1": 0.571428537,
    "f1_None": [0.4999999, 0, 0.3999999],
    "f2_None": [0.6106871, 0, 0.1381215],
    "f1_micro": 0.333333284,
    "f2_micro": 0.214617163,
    "f1_macro": 0.299999952,
    "f2_macro": 0.249602854,
    "f1_weighted": 0.299999982,
    "f2_weighted": 0.193690956,
    "gn": [-0.7773541, 1.688992, -1.244916, -0.4807052, 0.8838695, 0.04311744, 1.871327, 0.0378069,
        -0.4478428, -0.1513566, -1.038859, -1.215868, 0.4844856, 0.4347064, 1.78801, -0.5886589,
        1.599421, -0.2761444, 1.438707, -0.5902278],
    "gn_sum": -9.53674316e-07,
    "gn2": [-0.6639642, 1.708664, -1.347113, -0.7063822, 0.8461638, -0.01539669, 1.88407,
        0.1202216, -0.6788297, -0.4302491],
    "gn2_sum": 174.974915,
}


def _result(metric, *args, **kwargs):
    metric.update_state(*args, **kwargs)
    return np.asarray(metric.result()).tolist()


def _results():
    rng = np.random.default_rng(0)
    yt, yp = rng.integers(0, 3, (4, 5)), rng.integers(0, 3, (4, 5))
    w = rng.uniform(0, 1, (4, 5)).astype("float32")
    probs = rng.random((6, 3)).astype("float32")
    onehot = np.eye(3, dtype="float32")[rng.integers(0, 3, 6)]
    bt, bp = rng.integers(0, 2, 8), rng.random(8).astype("float32")
    m = keras.metrics
    out = {"miou_wf": _result(m.MeanIoU(3, dtype="float32"), yt, yp, sample_weight=w)}
    mean_iou = m.MeanIoU(3)  # an int64 confusion matrix: float weights truncate, as Keras 3
    out["miou"] = _result(mean_iou, yt, yp)
    out["miou_w"] = _result(mean_iou, yt, yp, sample_weight=w)
    out["miou4"] = _result(m.MeanIoU(4), yt, yp)
    out["miou_ign"] = _result(m.MeanIoU(3, ignore_class=1), yt, yp)
    out["iou02"] = _result(m.IoU(3, target_class_ids=[0, 2]), yt, yp)
    out["miou_probs"] = _result(m.MeanIoU(3, sparse_y_pred=False), onehot.argmax(-1), probs)
    out["ohiou"] = _result(m.OneHotIoU(3, target_class_ids=[1]), onehot, probs)
    out["ohmiou"] = _result(m.OneHotMeanIoU(3), onehot, probs)
    out["biou"] = _result(m.BinaryIoU(), bt, bp)
    out["biou1"] = _result(m.BinaryIoU(target_class_ids=[1], threshold=0.3), bt, bp)
    weights = np.linspace(0.1, 1, 6).astype("float32")
    for avg in [None, "micro", "macro", "weighted"]:
        out[f"f1_{avg}"] = _result(m.F1Score(average=avg), onehot, probs)
        out[f"f2_{avg}"] = _result(m.FBetaScore(average=avg, beta=2.0, threshold=0.5), onehot,
                                   probs, sample_weight=weights)
    x = rng.standard_normal((2, 4, 4, 6)).astype("float32")
    y = np.asarray(keras.layers.GroupNormalization(groups=3)(x))
    out["gn"], out["gn_sum"] = y.ravel()[:20].tolist(), float(y.sum())
    y = np.asarray(keras.layers.GroupNormalization(groups=2, axis=1, epsilon=0.1,
                                                   center=False)(x))
    out["gn2"], out["gn2_sum"] = y.ravel()[:10].tolist(), float((y ** 2).sum())
    return out


OURS = _results()


@pytest.mark.parametrize("name", sorted(KERAS))
def test_equals_keras(name):
    np.testing.assert_allclose(np.asarray(OURS[name], float), np.asarray(KERAS[name], float),
                               rtol=1e-5, atol=1e-5)


def test_in_compile_and_fit_and_errors():
    x = np.random.default_rng(1).random((32, 4)).astype("float32")
    y = (x[:, 0] > 0.5).astype("int32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy",
                  metrics=[keras.metrics.MeanIoU(2, sparse_y_pred=False)])
    history = model.fit(x, y, epochs=1, verbose=0)
    assert 0.0 <= history.history["mean_io_u"][0] <= 1.0
    with pytest.raises(ValueError, match="Invalid `average`"):
        keras.metrics.F1Score(average="sum")
    with pytest.raises(ValueError, match="multiple of groups"):
        keras.layers.GroupNormalization(groups=4)(np.ones((1, 2, 6), "float32"))
    restored = keras.metrics.deserialize(keras.metrics.serialize(keras.metrics.MeanIoU(3)))
    assert isinstance(restored, keras.metrics.MeanIoU) and restored.num_classes == 3
    config = keras.layers.GroupNormalization(groups=2).get_config()
    assert keras.layers.GroupNormalization.from_config(config).groups == 2
