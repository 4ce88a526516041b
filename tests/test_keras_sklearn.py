"""KerasClassifier / KerasRegressor in scikit-learn's model selection tools."""
import pickle
import time

import numpy as np
import pytest

pytest.importorskip("sklearn", reason="ndflow.sklearn needs scikit-learn")
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_digits, make_regression  # noqa: E402
from sklearn.model_selection import (GridSearchCV, RandomizedSearchCV,  # noqa: E402
                                     cross_val_score)
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402




@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with threadpoolctl.threadpool_limits(1):
        yield


def build_classifier(units=32, n_features_in_=None, n_classes_=None):
    from ndflow import keras
    return keras.Sequential([keras.layers.Input(shape=(n_features_in_,)),
                             keras.layers.Dense(units, activation="relu"),
                             keras.layers.Dense(n_classes_, activation="softmax")])


def build_regressor(units=16, n_features_in_=None):
    from ndflow import keras
    return keras.Sequential([keras.layers.Input(shape=(n_features_in_,)),
                             keras.layers.Dense(units, activation="relu"),
                             keras.layers.Dense(1)])


def _digits(n=900):
    X, y = load_digits(return_X_y=True)
    return (X / 16.0)[:n].astype(np.float32), y[:n]


def test_grid_search_cv_on_digits(capsys):
    """Must-show 3: GridSearchCV(KerasClassifier(...), {...}, cv=3) on digits."""
    from ndflow.sklearn import KerasClassifier
    X, y = _digits()
    clf = KerasClassifier(build_classifier, optimizer="adam", epochs=4, batch_size=32,
                          random_state=0)
    start = time.perf_counter()
    search = GridSearchCV(clf, {"model__units": [8, 48],
                                "optimizer__learning_rate": [1e-3, 1e-2]}, cv=3).fit(X, y)
    print("GridSearchCV", search.best_params_, search.best_score_, time.perf_counter() - start)
    assert set(search.best_params_) == {"model__units", "optimizer__learning_rate"}
    assert search.best_score_ > 0.8
    assert search.best_params_["optimizer__learning_rate"] == 1e-2  # 4 epochs favour it
    assert search.score(X, y) > 0.85


def test_randomized_search_cv_in_parallel_with_a_pipeline():
    from ndflow.sklearn import KerasClassifier
    from scipy.stats import loguniform
    X, y = _digits(600)
    pipeline = make_pipeline(StandardScaler(),
                             KerasClassifier(build_classifier, optimizer="adam", epochs=3,
                                             batch_size=32, random_state=0))
    search = RandomizedSearchCV(pipeline, {"kerasclassifier__model__units": [16, 32],
                                           "kerasclassifier__optimizer__learning_rate":
                                           loguniform(1e-3, 3e-2)},
                                n_iter=3, cv=3, random_state=0, n_jobs=2).fit(X, y)
    assert search.best_score_ > 0.8
    assert len(search.cv_results_["params"]) == 3


def test_wrapping_a_compiled_model_and_cross_val_score():
    from ndflow.sklearn import KerasClassifier
    X, y = _digits(600)
    from ndflow import keras
    model = build_classifier(32, X.shape[1], 10)
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.Adam(learning_rate=0.01), metrics=["accuracy"])
    clf = KerasClassifier(model, epochs=5, batch_size=32)
    scores = cross_val_score(clf, X, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.7
    fresh = clone(clf)
    assert fresh.model is not model  # a copy of the architecture, not the same object


def test_regressor_and_routed_fit_parameters():
    from ndflow.sklearn import KerasRegressor
    X, y = make_regression(n_samples=200, n_features=5, noise=1.0, random_state=0)
    y = (y - y.mean()) / y.std()
    reg = KerasRegressor(build_regressor, optimizer="adam", optimizer__learning_rate=0.01,
                         epochs=30, batch_size=32, fit__validation_split=0.1, random_state=0)
    reg.fit(X, y)
    assert reg.predict(X).shape == (200,)
    assert reg.score(X, y) > 0.8
    assert "val_loss" in reg.history_
    assert reg.get_params()["fit__validation_split"] == 0.1


def test_fitted_wrapper_pickles_without_ndflow_objects():
    from ndflow.sklearn import KerasClassifier
    X, y = _digits(300)
    clf = KerasClassifier(build_classifier, optimizer="adam", epochs=2, model__units=16,
                          random_state=0).fit(X, y)
    blob = pickle.dumps(clf)
    assert b"ndflow.framework" not in blob
    restored = pickle.loads(blob)
    np.testing.assert_allclose(restored.predict_proba(X), clf.predict_proba(X), rtol=1e-5,
                               atol=1e-6)
    assert list(restored.classes_) == list(range(10))


def test_unknown_parameter_is_named():
    from ndflow.sklearn import KerasClassifier
    with pytest.raises(TypeError, match="Unknown parameter 'units'"):
        KerasClassifier(build_classifier, units=3)
