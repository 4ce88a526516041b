"""Keras-2-era course programs, written as the labs wrote them (issue 17, must show 2):
linear, logistic and softmax regression on CSV data read with np.loadtxt, `lr=`,
`input_dim=`, 1-D inputs, integer features, `np_utils.to_categorical` and
`predict_classes`; each asserts what the program prints."""
import warnings

import numpy as np
import pytest

from ndflow.keras.layers.core import Activation, Dense
from ndflow.keras.models import Sequential
from ndflow.keras import optimizers
from ndflow.keras.utils import np_utils


@pytest.fixture(autouse=True)
def _quiet_and_seeded():
    from ndflow import keras
    keras.utils.set_random_seed(777)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def _write_csv(path, rows, header="# generated for the test"):
    with open(path, "w") as f:
        f.write(header + "\n")
        for row in rows:
            f.write(",".join(str(v) for v in row) + "\n")


def test_linear_regression_with_one_d_inputs(capsys):
    # lab 2: x_train = [1, 2, 3], y_train = [1, 2, 3], one Dense unit, SGD(lr=0.1)
    x_train = [1, 2, 3]
    y_train = [1, 2, 3]
    model = Sequential()
    model.add(Dense(units=1, input_dim=1))
    sgd = optimizers.SGD(lr=0.1)
    model.compile(loss="mse", optimizer=sgd)
    model.summary()
    model.fit(x_train, y_train, epochs=200, verbose=0)
    y_predict = model.predict(np.array([5, 4]), verbose=0)
    print(y_predict)
    out = capsys.readouterr().out
    assert "Total params: 2" in out
    np.testing.assert_allclose(y_predict, [[5.0], [4.0]], atol=0.05)
    assert out.strip().endswith(str(y_predict))


def test_multi_variable_linear_regression_from_csv(tmp_path, capsys):
    # lab 4: data-01-test-score.csv, x1..x3 quiz scores (integers), y the final score
    rng = np.random.default_rng(0)
    x = rng.integers(60, 100, size=(25, 3))
    y = x @ np.array([0.4, 0.3, 0.3]) + 1.0
    _write_csv(tmp_path / "data-01-test-score.csv", np.column_stack([x, y]).round(2))
    xy = np.loadtxt(tmp_path / "data-01-test-score.csv", delimiter=",", dtype=np.float32)
    x_data = xy[:, 0:-1].astype(np.int64)          # integer features fed to a float layer
    y_data = xy[:, [-1]]
    print(x_data.shape, x_data, len(x_data))
    model = Sequential()
    model.add(Dense(input_dim=3, units=1))
    model.add(Activation("linear"))
    model.compile(loss="mse", optimizer=optimizers.Adam(lr=0.1), metrics=["mse"])
    history = model.fit(x_data, y_data, epochs=400, verbose=0)
    print("Your score will be ", model.predict(np.array([[100, 70, 101]]), verbose=0))
    print("Other scores will be ", model.predict(np.array([[60, 70, 110], [90, 100, 80]]),
                                                 verbose=0))
    out = capsys.readouterr().out
    assert out.startswith("(25, 3)")
    assert set(history.history) == {"loss", "mse"}
    assert history.history["loss"][-1] < history.history["loss"][0] / 100
    mine = model.predict(np.array([[100, 70, 101]]), verbose=0)
    assert abs(float(mine[0, 0]) - (0.4 * 100 + 0.3 * 70 + 0.3 * 101 + 1)) < 3.0
    assert f"Your score will be  {mine}" in out


def test_logistic_regression_from_csv_with_predict_classes(tmp_path, capsys):
    # lab 5: data-03-diabetes.csv, 8 features in [-1, 1], a 0/1 label in the last column
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, size=(120, 8)).round(3)
    y = (x @ np.array([3.0, -2.0, 1.0, 0.5, 0.0, 0.0, 1.5, -1.0]) > 0).astype(int)
    _write_csv(tmp_path / "data-03-diabetes.csv", np.column_stack([x, y]))
    xy = np.loadtxt(tmp_path / "data-03-diabetes.csv", delimiter=",", dtype=np.float32)
    x_data, y_data = xy[:, 0:-1], xy[:, [-1]]
    model = Sequential()
    model.add(Dense(1, input_dim=8, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer=optimizers.SGD(lr=0.5),
                  metrics=["accuracy"])
    model.fit(x_data, y_data, epochs=300, verbose=0)
    y_predict = model.predict_classes(x_data[:5])
    print(y_predict)
    score = model.evaluate(x_data, y_data, verbose=0)
    print("Accuracy: ", score[1])
    out = capsys.readouterr().out
    assert y_predict.shape == (5, 1) and y_predict.dtype == np.int32
    np.testing.assert_array_equal(y_predict[:, 0], y[:5])
    assert score[1] >= 0.95
    assert f"Accuracy:  {score[1]}" in out


def test_softmax_classifier_on_integer_zoo_data(tmp_path, capsys):
    # lab 6: data-04-zoo.csv, 16 integer (0/1) features, class 0..6, to_categorical labels
    rng = np.random.default_rng(2)
    prototypes = rng.integers(0, 2, size=(7, 16))
    labels = np.repeat(np.arange(7), 12)
    features = prototypes[labels].copy()
    flips = rng.random(features.shape) < 0.05
    features[flips] = 1 - features[flips]
    _write_csv(tmp_path / "data-04-zoo.csv", np.column_stack([features, labels]))
    xy = np.loadtxt(tmp_path / "data-04-zoo.csv", delimiter=",", dtype=np.int32)
    x_data = xy[:, 0:-1]
    y_data = xy[:, [-1]]
    nb_classes = 7
    y_one_hot = np_utils.to_categorical(y_data, nb_classes)
    print("one_hot", y_one_hot.shape)
    model = Sequential()
    model.add(Dense(nb_classes, input_shape=(16,), activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer=optimizers.SGD(lr=0.1),
                  metrics=["acc"])
    history = model.fit(x_data, y_one_hot, epochs=300, verbose=0)
    pred = model.predict_classes(x_data)
    for p, y in zip(pred[:3], y_data.flatten()[:3]):
        print("prediction: ", p, " true Y: ", y)
    scores = model.evaluate(x_data, y_one_hot, verbose=0)
    print("\n%s: %.2f%%" % (model.metrics_names[1], scores[1] * 100))
    out = capsys.readouterr().out
    assert "one_hot (84, 7)" in out
    assert "acc" in history.history and model.metrics_names == ["loss", "acc"]
    assert (pred == y_data.flatten()).mean() >= 0.95
    assert f"prediction:  {pred[0]}  true Y:  0" in out
    assert "\nacc: " in out and float(out.rsplit("acc: ", 1)[1].split("%")[0]) >= 95.0
