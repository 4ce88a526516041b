"""KerasClassifier / KerasRegressor: a Keras model as a scikit-learn estimator.

    def build(units=32, n_features_in_=None, n_classes_=None):
        model = keras.Sequential([keras.layers.Input(shape=(n_features_in_,)),
                                  keras.layers.Dense(units, activation="relu"),
                                  keras.layers.Dense(n_classes_, activation="softmax")])
        return model                      # compiled here, or by the wrapper
    clf = KerasClassifier(build, loss="sparse_categorical_crossentropy", optimizer="adam",
                          epochs=10, model__units=64, optimizer__learning_rate=1e-3)
    GridSearchCV(clf, {"model__units": [32, 64], "optimizer__learning_rate": [1e-3, 1e-2]})

Routing (the SciKeras scheme, which Keras users already know): `model__x` goes to the
build function, `optimizer__x` / `loss__x` to the optimizer's / loss's constructor,
`fit__x` / `predict__x` to fit / predict. Every routed name is an ordinary estimator
parameter, so search spaces address them directly and there is no nested dict to merge.
The build function also receives, if it names them, `n_features_in_`, `n_classes_`,
`n_outputs_` and `meta` (a dict of these). `model` may instead be a compiled Keras model:
each fit then trains a fresh copy of its architecture (clone_model + the same compile).

A fitted estimator pickles as the model's JSON config, compile config and weights — NumPy
arrays, no ndflow object — which is what clone and joblib's n_jobs need.
"""
import inspect

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from ._validation import validate_data

_ROUTES = ("model__", "optimizer__", "loss__", "fit__", "predict__")


def _keras():
    from .. import keras
    return keras


def _is_keras_model(value):
    try:
        from ..keras.models import Model
    except ImportError:  # pragma: no cover - Keras missing
        return False
    return isinstance(value, Model)


class _KerasEstimator(BaseEstimator):
    def __init__(self, model=None, *, loss=None, optimizer="rmsprop", metrics=None,
                 batch_size=None, epochs=1, verbose=0, validation_split=0.0, shuffle=True,
                 callbacks=None, random_state=None, warm_start=False, **routed):
        self.model = model
        self.loss = loss
        self.optimizer = optimizer
        self.metrics = metrics
        self.batch_size = batch_size
        self.epochs = epochs
        self.verbose = verbose
        self.validation_split = validation_split
        self.shuffle = shuffle
        self.callbacks = callbacks
        self.random_state = random_state
        self.warm_start = warm_start
        for name, value in routed.items():
            _check_routed_name(name)
            setattr(self, name, value)

    # --- parameters ----------------------------------------------------------------------------
    def _routed_names(self):
        return sorted(k for k in vars(self) if k.startswith(_ROUTES))

    def get_params(self, deep=True):
        params = super().get_params(deep=deep)
        params.update({name: getattr(self, name) for name in self._routed_names()})
        return params

    def set_params(self, **params):
        routed = {k: v for k, v in params.items() if k.startswith(_ROUTES)}
        for name, value in routed.items():
            setattr(self, name, value)
        rest = {k: v for k, v in params.items() if k not in routed}
        return super().set_params(**rest) if rest else self

    def _routed(self, prefix):
        return {name[len(prefix):]: getattr(self, name) for name in self._routed_names()
                if name.startswith(prefix)}

    def __sklearn_clone__(self):
        # A compiled Keras model cannot be deep-copied: clone its architecture instead.
        params = self.get_params(deep=False)
        if _is_keras_model(params["model"]):
            params["model"] = _copy_compiled_model(params["model"])
        return type(self)(**params)

    # --- building ------------------------------------------------------------------------------
    def _meta(self):
        return {"n_features_in_": self.n_features_in_, "n_outputs_": self.n_outputs_,
                "n_classes_": getattr(self, "n_classes_", None)}

    def _build_model(self):
        keras = _keras()
        self._binary_output = False
        if self.random_state is not None:
            keras.utils.set_random_seed(int(self.random_state))
        if _is_keras_model(self.model):
            model = _copy_compiled_model(self.model)
        elif callable(self.model):
            model = self.model(**self._build_kwargs())
        else:
            raise ValueError("`model` must be a function returning a Keras model or a "
                             f"compiled Keras model. Received: {self.model!r}")
        if not _is_keras_model(model):
            raise ValueError(f"The model-building function returned {type(model).__name__}, "
                             "not a Keras model.")
        self._binary_output = _output_units(model) == 1
        # The model's own compile is kept unless routed optimizer__/loss__ parameters ask
        # for another optimizer or loss.
        if not getattr(model, "compiled", False) or self._routed("optimizer__") \
                or self._routed("loss__"):
            model.compile(loss=self._loss(), optimizer=self._optimizer(),
                          metrics=self.metrics)
        return model

    def _build_kwargs(self):
        kwargs = self._routed("model__")
        meta = self._meta()
        signature = inspect.signature(self.model)
        accepts_any = any(p.kind == p.VAR_KEYWORD for p in signature.parameters.values())
        for name, value in meta.items():
            if name in signature.parameters or accepts_any:
                kwargs.setdefault(name, value)
        if "meta" in signature.parameters:
            kwargs.setdefault("meta", meta)
        return kwargs

    def _optimizer(self):
        keras = _keras()
        routed = self._routed("optimizer__")
        optimizer = self.optimizer
        if isinstance(optimizer, str) or routed:
            cls = type(keras.optimizers.get(optimizer)) if not isinstance(optimizer, type) \
                else optimizer
            return cls(**routed)
        return optimizer

    def _loss(self):
        loss = self.loss if self.loss is not None else self._default_loss()
        routed = self._routed("loss__")
        if routed:
            return type(_keras().losses.get(loss))(**routed)
        return loss

    # --- fitting -------------------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None, **kwargs):
        """Builds (unless warm_start and fitted) and trains the model; extra keyword
        arguments go to Keras fit, over the fit__ parameters."""
        X, y = self._validate_fit_data(X, y)
        if not (self.warm_start and hasattr(self, "model_")):
            self.model_ = self._build_model()
        fit_kwargs = {"batch_size": self.batch_size, "epochs": self.epochs,
                      "verbose": self.verbose, "shuffle": self.shuffle,
                      "validation_split": self.validation_split,
                      "callbacks": self.callbacks}
        fit_kwargs.update(self._routed("fit__"))
        fit_kwargs.update(kwargs)
        if sample_weight is not None:
            fit_kwargs["sample_weight"] = np.asarray(sample_weight, np.float32)
        history = self.model_.fit(X, self._encode_target(y), **fit_kwargs)
        self.history_ = dict(getattr(history, "history", {}) or {})
        return self

    def _raw_predict(self, X):
        check_is_fitted(self, "model_")
        X = validate_data(self, X, reset=False, dtype=np.float32)
        kwargs = {"verbose": 0, "batch_size": self.batch_size}
        kwargs.update(self._routed("predict__"))
        return np.asarray(self.model_.predict(X, **kwargs))

    # --- pickling: config + weights, never ndflow objects --------------------------------------
    def __getstate__(self):
        state = dict(self.__dict__)
        if _is_keras_model(state.get("model")):
            state["model"] = _CompiledModelSpec.from_model(state["model"])
        if "model_" in state:
            state["model_"] = _CompiledModelSpec.from_model(state["model_"], weights=True)
        return state

    def __setstate__(self, state):
        for key in ("model", "model_"):
            if isinstance(state.get(key), _CompiledModelSpec):
                state[key] = state[key].restore()
        self.__dict__.update(state)


class KerasClassifier(ClassifierMixin, _KerasEstimator):
    """Labels are encoded to 0..n_classes-1: integer targets for a softmax output
    (sparse_categorical_crossentropy by default), 0/1 for a one-unit sigmoid output
    (binary_crossentropy)."""

    def _default_loss(self):
        return "binary_crossentropy" if self._binary_output else "sparse_categorical_crossentropy"

    def _validate_fit_data(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float32, reset=True)
        target_type = type_of_target(y)
        if target_type not in ("binary", "multiclass"):
            raise ValueError(f"KerasClassifier supports binary and multiclass targets; got "
                             f"{target_type!r}.")
        self._encoder = LabelEncoder().fit(y)
        self.classes_ = self._encoder.classes_
        self.n_classes_ = len(self.classes_)
        self.n_outputs_ = 1
        self._binary_output = False
        return X, y

    def _encode_target(self, y):
        encoded = self._encoder.transform(y)
        return encoded.astype(np.float32 if self._binary_output else np.int64)

    def predict_proba(self, X):
        proba = self._raw_predict(X)
        if proba.ndim == 1 or proba.shape[1] == 1:
            proba = proba.reshape(-1)
            return np.stack([1.0 - proba, proba], axis=1)
        return proba

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class KerasRegressor(RegressorMixin, _KerasEstimator):
    """Regression targets as float32 ("mse" loss by default); score is R^2."""

    def _default_loss(self):
        return "mse"

    def _validate_fit_data(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float32, y_numeric=True, multi_output=True,
                             reset=True)
        self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
        return X, y

    def _encode_target(self, y):
        return np.asarray(y, np.float32)

    def predict(self, X):
        pred = self._raw_predict(X)
        return pred.reshape(-1) if pred.ndim == 2 and pred.shape[1] == 1 else pred


class _CompiledModelSpec:
    """A Keras model as plain data: JSON config, compile config and (optionally) weights."""

    def __init__(self, config_json, compile_config, weights):
        self.config_json = config_json
        self.compile_config = compile_config
        self.weights = weights

    @classmethod
    def from_model(cls, model, weights=True):
        compile_config = model.get_compile_config() if getattr(model, "compiled", False) \
            else None
        return cls(model.to_json(), compile_config,
                   [np.array(w) for w in model.get_weights()] if weights else None)

    def restore(self):
        keras = _keras()
        model = keras.models.model_from_json(self.config_json)
        if self.compile_config is not None:
            model.compile_from_config(self.compile_config)
        if self.weights:
            model.set_weights(self.weights)
        return model


def _output_units(model):
    outputs = getattr(model, "outputs", None)
    if outputs:
        return outputs[0].shape[-1]
    return None


def _copy_compiled_model(model):
    keras = _keras()
    copy = keras.models.clone_model(model)
    if getattr(model, "compiled", False):
        copy.compile_from_config(model.get_compile_config())
    return copy


def _check_routed_name(name):
    if not name.startswith(_ROUTES):
        raise TypeError(f"Unknown parameter {name!r}: routed parameters start with one of "
                        f"{list(_ROUTES)} (e.g. model__units=64, fit__validation_split=0.1).")
