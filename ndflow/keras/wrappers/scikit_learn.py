"""Keras 2's `keras.wrappers.scikit_learn.KerasClassifier` / `KerasRegressor`.

    def create_model(optimizer="adam", units=12):
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(units, activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer=optimizer, metrics=["accuracy"])
        return model
    clf = KerasClassifier(build_fn=create_model, epochs=150, batch_size=10, verbose=0)
    GridSearchCV(clf, {"optimizer": ["adam", "rmsprop"], "epochs": [50, 100]})

Keras 2's scheme, kept for the programs written with it: every keyword argument
(`sk_params`) is an estimator parameter, handed to whichever of `build_fn`, `Model.fit`,
`Model.predict` and `Model.evaluate` names it; the build function compiles its model.
`ndflow.sklearn.KerasClassifier` is the SciKeras-style wrapper (model__/fit__ routing,
picklable) for new code.
"""
import inspect

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
except ImportError:  # scikit-learn is optional: the wrappers explain when it is missing
    BaseEstimator, ClassifierMixin, RegressorMixin = object, object, object


def _require_sklearn():
    if BaseEstimator is object:
        raise ImportError("keras.wrappers.scikit_learn needs scikit-learn: "
                          "pip install scikit-learn")


def _accepts(fn, name):
    params = inspect.signature(fn).parameters
    return name in params and params[name].kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                                    inspect.Parameter.KEYWORD_ONLY)


class BaseWrapper(BaseEstimator):
    """Holds `build_fn` (a function, a callable object, or None for a subclass's own
    `__call__`) and the `sk_params` given to it, fit, predict and evaluate."""

    def __init__(self, build_fn=None, **sk_params):
        _require_sklearn()
        self.build_fn = build_fn
        self.sk_params = sk_params
        self.check_params(sk_params)

    def _build_target(self):
        if self.build_fn is None:
            return self.__call__
        if not inspect.isfunction(self.build_fn) and not inspect.ismethod(self.build_fn) \
                and callable(self.build_fn):
            return self.build_fn.__call__
        return self.build_fn

    def _targets(self):
        from ..models import Sequential
        return [Sequential.fit, Sequential.predict, Sequential.evaluate,
                Sequential.predict_classes, self._build_target()]

    def check_params(self, params):
        """Raises ValueError for a parameter none of build_fn, fit, predict and evaluate
        takes."""
        for name in params:
            if not any(_accepts(fn, name) for fn in self._targets()):
                raise ValueError(f"{name} is not a legal parameter: build_fn, fit, predict and "
                                 "evaluate take no such argument.")

    def get_params(self, deep=True):
        params = dict(self.sk_params)
        params["build_fn"] = self.build_fn
        return params

    def set_params(self, **params):
        build_fn = params.pop("build_fn", self.build_fn)
        self.check_params(params)
        self.build_fn = build_fn
        self.sk_params = {**self.sk_params, **params}
        return self

    def filter_sk_params(self, fn, override=None):
        """The sk_params (updated with `override`) that `fn` takes."""
        merged = {**self.sk_params, **(override or {})}
        return {k: v for k, v in merged.items() if _accepts(fn, k)}

    def fit(self, x, y, **kwargs):
        """Builds a fresh model with build_fn and trains it; returns its History."""
        self.model = self._build_target()(**self.filter_sk_params(self._build_target()))
        if _categorical(self.model) and np.ndim(y) == 1:
            from ..utils import to_categorical
            y = to_categorical(y)
        from ..models import Sequential
        fit_args = self.filter_sk_params(Sequential.fit, kwargs)
        fit_args.update(kwargs)
        return self.model.fit(x, y, **fit_args)

    def _call_args(self, method, kwargs):
        """The arguments for Model.<method>: sk_params it takes, then `kwargs`; quiet unless
        asked otherwise (Keras 2's predict and evaluate printed nothing by default here)."""
        from ..models import Sequential
        args = self.filter_sk_params(getattr(Sequential, method), kwargs)
        args.setdefault("verbose", 0)
        return args


def _categorical(model):
    loss = getattr(model, "loss", None)
    name = loss if isinstance(loss, str) else getattr(loss, "__name__", None) or \
        getattr(loss, "name", None)
    return name in ("categorical_crossentropy", "categorical_hinge")


class KerasClassifier(ClassifierMixin, BaseWrapper):
    """Labels of any kind are encoded to 0..n_classes-1 for the model (one-hot where its
    loss is categorical) and decoded back by `predict`."""

    def fit(self, x, y, sample_weight=None, **kwargs):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] > 1:
            self.classes_ = np.arange(y.shape[1])
        elif (y.ndim == 2 and y.shape[1] == 1) or y.ndim == 1:
            self.classes_ = np.unique(y)
            y = np.searchsorted(self.classes_, y)
        else:
            raise ValueError(f"Invalid shape for y: {y.shape}")
        self.n_classes_ = len(self.classes_)
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        return super().fit(x, y, **kwargs)

    def predict(self, x, **kwargs):
        """Predicted labels (in the classes seen by fit)."""
        kwargs = self._call_args("predict_classes", kwargs)
        proba = self.model.predict(x, **kwargs)
        index = proba.argmax(axis=-1) if proba.shape[-1] > 1 else \
            (proba[:, 0] > 0.5).astype("int64")
        return self.classes_[index]

    def predict_proba(self, x, **kwargs):
        """Class probabilities, one column per class (two for a one-unit sigmoid)."""
        probs = self.model.predict(x, **self._call_args("predict", kwargs))
        if probs.shape[1] == 1:
            probs = np.hstack([1 - probs, probs])
        return probs

    def score(self, x, y, **kwargs):
        """The model's accuracy on (x, y): its compiled `accuracy`/`acc` metric."""
        y = np.searchsorted(self.classes_, np.asarray(y))
        if _categorical(self.model):
            from ..utils import to_categorical
            y = to_categorical(y, len(self.classes_))
        kwargs = self._call_args("evaluate", kwargs)
        outputs = self.model.evaluate(x, y, **kwargs)
        outputs = outputs if isinstance(outputs, list) else [outputs]
        for name, value in zip(self.model.metrics_names, outputs):
            if name in ("accuracy", "acc"):
                return float(value)
        raise ValueError("The model is not configured to compute accuracy. Pass "
                         "`metrics=['accuracy']` to `model.compile()`.")


class KerasRegressor(RegressorMixin, BaseWrapper):
    """Predictions squeezed to 1-D; `score` is minus the model's loss (greater is better)."""

    def predict(self, x, **kwargs):
        out = np.asarray(self.model.predict(x, **self._call_args("predict", kwargs)))
        return out[..., 0] if out.ndim > 1 and out.shape[-1] == 1 else out

    def score(self, x, y, **kwargs):
        kwargs = self._call_args("evaluate", kwargs)
        loss = self.model.evaluate(x, y, **kwargs)
        return -float(loss[0] if isinstance(loss, list) else loss)
