"""tf.estimator: TensorFlow 1's high-level training API on ndflow's TF1 graphs and Sessions.

    def model_fn(features, labels, mode, params):
        logits = tf.layers.dense(features["x"], 10)
        ...
        return tf.estimator.EstimatorSpec(mode, predictions=..., loss=loss, train_op=train_op)

    est = tf.estimator.Estimator(model_fn, model_dir="model")
    est.train(tf.estimator.inputs.numpy_input_fn({"x": x}, y, shuffle=True), steps=100)
    est.evaluate(...)    # {'loss': ..., 'global_step': 100, ...}

`ndflow.estimator` holds the TF2 forms of the canned estimators (loss averaged over the
batch); `ndflow.compat.v1.estimator` the TF1 ones (loss summed), as in TensorFlow.
"""
import types as _types

from . import feature_column, inputs  # noqa: F401
from .canned import V1 as _V1, V2 as _V2
from .estimator import Estimator, EstimatorSpec, ModeKeys, RunConfig  # noqa: F401
from .hooks import (CheckpointSaverListener, LoggingTensorHook,  # noqa: F401
                    NanLossDuringTrainingError, SessionRunHook, StopAtStepHook)
from .monitored_session import (CheckpointSaverHook, NanTensorHook,  # noqa: F401
                                SummarySaverHook)
from .training import EvalSpec, TrainSpec, train_and_evaluate  # noqa: F401

globals().update(_V2)
DNNClassifier, DNNRegressor = _V2["DNNClassifier"], _V2["DNNRegressor"]
LinearClassifier, LinearRegressor = _V2["LinearClassifier"], _V2["LinearRegressor"]
DNNLinearCombinedClassifier = _V2["DNNLinearCombinedClassifier"]
DNNLinearCombinedRegressor = _V2["DNNLinearCombinedRegressor"]
BaselineClassifier, BaselineRegressor = _V2["BaselineClassifier"], _V2["BaselineRegressor"]

_COMMON = {"Estimator": Estimator, "EstimatorSpec": EstimatorSpec, "ModeKeys": ModeKeys,
           "RunConfig": RunConfig, "TrainSpec": TrainSpec, "EvalSpec": EvalSpec,
           "train_and_evaluate": train_and_evaluate, "inputs": inputs,
           "CheckpointSaverListener": CheckpointSaverListener, "SessionRunHook": SessionRunHook,
           "LoggingTensorHook": LoggingTensorHook, "StopAtStepHook": StopAtStepHook,
           "NanLossDuringTrainingError": NanLossDuringTrainingError,
           "CheckpointSaverHook": CheckpointSaverHook, "NanTensorHook": NanTensorHook,
           "SummarySaverHook": SummarySaverHook}


def _module(name, *tables):
    mod = _types.ModuleType(name)
    for table in tables:
        mod.__dict__.update(table)
    return mod


v1 = _module("ndflow.compat.v1.estimator", _COMMON, _V1)
feature_column_v1 = _module("ndflow.compat.v1.feature_column", feature_column.V1_NAMES)
feature_column_v2 = _module("ndflow.feature_column", feature_column.NAMES)
