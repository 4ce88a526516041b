"""ndflow.sklearn: scikit-learn estimators trained by ndflow.

    from ndflow.sklearn import MLPClassifier, MLPRegressor, Perceptron
    from ndflow.sklearn import KerasClassifier, KerasRegressor

Needs scikit-learn (`pip install ndflow[sklearn]`).
"""
from ._keras_wrappers import KerasClassifier, KerasRegressor
from ._mlp import MLPClassifier, MLPRegressor
from ._perceptron import Perceptron

__all__ = ["KerasClassifier", "KerasRegressor", "MLPClassifier", "MLPRegressor", "Perceptron"]
