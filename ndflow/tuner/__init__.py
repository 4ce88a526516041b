"""ndflow.tuner: hyperparameter search with Keras Tuner's API.

    import ndflow.tuner as kt
    tuner = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=5, seed=42,
                            overwrite=True, directory="my_dir", project_name="my_search")
    tuner.search(x_train, y_train, epochs=10, validation_data=(x_val, y_val))
    best_model = tuner.get_best_models(num_models=1)[0]
"""
from . import oracles
from .executors import LocalProcessExecutor, TrialExecutor
from .hyperparameters import HyperParameter, HyperParameters
from .oracles import (BayesianOptimizationOracle, GridSearchOracle, HyperbandOracle, Oracle,
                      RandomSearchOracle)
from .trial import MetricsTracker, Objective, ObjectiveNotFoundError, Trial, TrialStatus
from .tuner import (BayesianOptimization, GridSearch, HyperModel, Hyperband, RandomSearch,
                    Tuner)

__all__ = ["BayesianOptimization", "BayesianOptimizationOracle", "GridSearch",
           "GridSearchOracle", "HyperModel", "HyperParameter", "HyperParameters", "Hyperband",
           "HyperbandOracle", "LocalProcessExecutor", "MetricsTracker", "Objective",
           "ObjectiveNotFoundError", "Oracle", "RandomSearch", "RandomSearchOracle", "Trial",
           "TrialExecutor", "TrialStatus", "Tuner", "oracles"]
