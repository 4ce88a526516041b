"""MLPClassifier and MLPRegressor with scikit-learn's parameters and behaviour, trained by
ndflow (see _network.py for the compiled step).

Differences from scikit-learn, on purpose: training runs in float32 (ndflow's default),
so predictions are float32; `sample_weight` and the Poisson loss are not offered.
"""
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, column_or_1d, shuffle as shuffle_arrays
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted

from . import _network
from ._validation import TransientStateMixin, as_float32, validate_data

_SOLVERS = ("sgd", "adam", "lbfgs")
_LEARNING_RATES = ("constant", "invscaling", "adaptive")


class _BaseMLP(TransientStateMixin, BaseEstimator):
    _transient_attributes = ("_network",)

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun

    # --- parameter checks ----------------------------------------------------------------------
    def _check_params(self):
        sizes = self._hidden_sizes()
        if any(s <= 0 for s in sizes):
            raise ValueError(f"hidden_layer_sizes must be > 0, got {list(sizes)}.")
        _choice("activation", self.activation, tuple(_network.HIDDEN_ACTIVATIONS))
        _choice("solver", self.solver, _SOLVERS)
        _choice("learning_rate", self.learning_rate, _LEARNING_RATES)
        for name in ("alpha", "power_t", "tol"):
            _number(name, getattr(self, name), low=0.0)
        _number("learning_rate_init", self.learning_rate_init, low=0.0, strict=True)
        _number("momentum", self.momentum, low=0.0, high=1.0)
        _number("beta_1", self.beta_1, low=0.0, high=1.0, open_high=True)
        _number("beta_2", self.beta_2, low=0.0, high=1.0, open_high=True)
        _number("epsilon", self.epsilon, low=0.0, strict=True)
        _number("validation_fraction", self.validation_fraction, low=0.0, high=1.0,
                open_high=True)
        for name in ("max_iter", "n_iter_no_change", "max_fun"):
            _integer(name, getattr(self, name), low=1)
        if self.batch_size != "auto":
            _integer("batch_size", self.batch_size, low=1)
        return sizes

    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        if not hasattr(sizes, "__iter__"):
            sizes = [sizes]
        return [int(s) for s in sizes]

    # --- fitting -------------------------------------------------------------------------------
    def fit(self, X, y):
        """Train on (X, y) for up to max_iter epochs (or until convergence)."""
        return self._fit(X, y, incremental=False)

    def _partial_fit(self, X, y):
        if self.solver == "lbfgs":
            raise AttributeError("partial_fit is only available for stochastic optimizers. "
                                 f"{self.solver!r} is not stochastic.")
        return self._fit(X, y, incremental=True)

    def _fit(self, X, y, incremental):
        sizes = self._check_params()
        first_pass = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        X, y = self._validate_input(X, y, incremental, reset=first_pass)
        n_samples, n_features = X.shape
        if y.ndim == 1:
            y = y.reshape(-1, 1)
        self.n_outputs_ = y.shape[1]
        self._random_state = check_random_state(self.random_state)
        layer_units = [n_features] + sizes + [self.n_outputs_]
        if first_pass:
            self._initialize(y, layer_units)
        elif [c.shape[0] for c in self.coefs_] + [self.n_outputs_] != layer_units:
            raise ValueError("The network's layer sizes changed since the previous fit: "
                             f"{layer_units} now, "
                             f"{[c.shape[0] for c in self.coefs_] + [self.coefs_[-1].shape[1]]} "
                             "before. Set warm_start=False to start afresh.")
        X32, y32 = as_float32(X), as_float32(y)
        if self.solver == "lbfgs":
            self._fit_lbfgs(X32, y32)
        else:
            self._fit_stochastic(X32, y32, incremental)
        return self

    def _initialize(self, y, layer_units):
        self.n_iter_ = 0
        self.t_ = 0
        self.n_layers_ = len(layer_units)
        self.out_activation_ = self._output_activation(y)
        # Glorot-uniform bounds as scikit-learn draws them (smaller for the logistic).
        factor = 2.0 if self.activation == "logistic" else 6.0
        self.coefs_, self.intercepts_ = [], []
        for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:]):
            bound = np.sqrt(factor / (fan_in + fan_out))
            self.coefs_.append(self._random_state.uniform(-bound, bound, (fan_in, fan_out))
                               .astype(np.float32))
            self.intercepts_.append(self._random_state.uniform(-bound, bound, fan_out)
                                    .astype(np.float32))
        self._optimizer_state = None
        self._network = None
        if self.solver in ("sgd", "adam"):
            self.loss_curve_ = []
            self._no_improvement_count = 0
            if self.early_stopping:
                self.validation_scores_ = []
                self.best_validation_score_ = -np.inf
                self.best_loss_ = None
            else:
                self.best_loss_ = np.inf
                self.validation_scores_ = None
                self.best_validation_score_ = None

    def _build_network(self, keep_optimizer):
        hyper = {"learning_rate": self.learning_rate_init, "momentum": float(self.momentum),
                 "nesterovs_momentum": bool(self.nesterovs_momentum),
                 "beta_1": float(self.beta_1), "beta_2": float(self.beta_2),
                 "epsilon": float(self.epsilon)}
        state = self._optimizer_state if keep_optimizer else None
        network = _network.DenseNetwork(self.coefs_, self.intercepts_, self.activation,
                                        self.out_activation_, self.solver, self.alpha, hyper,
                                        optimizer_state=state)
        if keep_optimizer and getattr(self, "_current_learning_rate", None) is not None:
            network.set_learning_rate(self._current_learning_rate)
        else:
            self._current_learning_rate = float(self.learning_rate_init)
        return network

    def _fit_stochastic(self, X, y, incremental):
        # A fresh optimizer for fit (warm_start keeps only the weights); partial_fit
        # continues the optimizer's state, as scikit-learn does.
        keep_optimizer = incremental and self._optimizer_state is not None
        network = getattr(self, "_network", None)
        if network is None or not keep_optimizer or network.solver != self.solver:
            network = self._network = self._build_network(keep_optimizer)
        early_stopping = self.early_stopping and not incremental
        X_val = y_val = None
        if early_stopping:
            stratify = y if (is_classifier(self) and self.n_outputs_ == 1) else None
            X, X_val, y, y_val = train_test_split(
                X, y, random_state=self._random_state, test_size=self.validation_fraction,
                stratify=stratify)
            if X.shape[0] < 2 or X_val.shape[0] < 2:
                raise ValueError("The training data after the early stopping split is too "
                                 f"small: {X.shape[0]} training and {X_val.shape[0]} "
                                 "validation samples. Use more data or early_stopping=False.")
        n_samples = X.shape[0]
        batch_size = self._batch_size(n_samples)
        order = np.arange(n_samples)
        for _ in range(self.max_iter):
            if self.shuffle:
                order = shuffle_arrays(order, random_state=self._random_state)
            accumulated = 0.0
            for start in range(0, n_samples, batch_size):
                rows = order[start:start + batch_size]
                batch_loss = network.train_step(X[rows], y[rows])
                accumulated += float(batch_loss.numpy()) * len(rows)
            self.n_iter_ += 1
            self.loss_ = accumulated / n_samples
            self.t_ += n_samples
            self.loss_curve_.append(self.loss_)
            if self.verbose:
                print(f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}")
            self._update_no_improvement_count(network, early_stopping, X_val, y_val)
            if self.learning_rate == "invscaling" and self.solver == "sgd":
                self._set_learning_rate(network, self.learning_rate_init
                                        / (self.t_ + 1) ** self.power_t)
            if self._no_improvement_count > self.n_iter_no_change:
                what = "Validation score" if early_stopping else "Training loss"
                message = (f"{what} did not improve more than tol={self.tol:f} for "
                           f"{self.n_iter_no_change} consecutive epochs.")
                if self._trigger_stopping(network, message):
                    break
                self._no_improvement_count = 0
            if incremental:
                break
            if self.n_iter_ == self.max_iter:
                warnings.warn(f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                              "reached and the optimization hasn't converged yet.",
                              ConvergenceWarning)
        if early_stopping:
            network.weights_from(self._best_coefs, self._best_intercepts)
        self._store_network_state(network)

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn("Got `batch_size` less than 1 or larger than sample size. It is "
                          "going to be clipped")
        return int(np.clip(self.batch_size, 1, n_samples))

    def _set_learning_rate(self, network, value):
        self._current_learning_rate = float(value)
        network.set_learning_rate(value)

    def _trigger_stopping(self, network, message):
        """sklearn's rule: 'adaptive' SGD divides the rate by 5 instead of stopping."""
        if self.solver == "sgd" and self.learning_rate == "adaptive" \
                and self._current_learning_rate > 1e-6:
            self._set_learning_rate(network, self._current_learning_rate / 5.0)
            if self.verbose:
                print(message + f" Setting learning rate to {self._current_learning_rate:f}")
            return False
        if self.verbose:
            print(message + " Stopping.")
        return True

    def _update_no_improvement_count(self, network, early_stopping, X_val, y_val):
        if early_stopping:
            coefs, intercepts = network.coefs(), network.intercepts()
            score = self._validation_score(X_val, y_val, coefs, intercepts)
            self.validation_scores_.append(score)
            if self.verbose:
                print(f"Validation score: {score:f}")
            if score < self.best_validation_score_ + self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_coefs, self._best_intercepts = coefs, intercepts
            return
        if self.loss_curve_[-1] > self.best_loss_ - self.tol:
            self._no_improvement_count += 1
        else:
            self._no_improvement_count = 0
        if self.loss_curve_[-1] < self.best_loss_:
            self.best_loss_ = self.loss_curve_[-1]

    def _store_network_state(self, network):
        self.coefs_ = network.coefs()
        self.intercepts_ = network.intercepts()
        self._optimizer_state = network.optimizer_state()

    def _fit_lbfgs(self, X, y):
        from scipy.optimize import minimize
        network = _network.DenseNetwork(self.coefs_, self.intercepts_, self.activation,
                                        self.out_activation_, "sgd", self.alpha,
                                        {"learning_rate": 0.0, "momentum": 0.0,
                                         "nesterovs_momentum": False})
        shapes = [p.shape for p in network.params]
        x0 = np.concatenate([p.numpy().ravel() for p in network.params]).astype(np.float64)
        loss_and_grad = network.loss_and_gradient_function(X.shape[1], y.shape[1])

        def objective(flat):
            network.set_flat_params(flat, shapes)
            loss, grads = loss_and_grad(X, y)
            flat_grad = np.concatenate([np.asarray(g.numpy(), np.float64).ravel()
                                        for g in grads])
            return float(loss.numpy()), flat_grad

        result = minimize(objective, x0, method="L-BFGS-B", jac=True,
                          options={"maxfun": self.max_fun, "maxiter": self.max_iter,
                                   "gtol": self.tol})
        network.set_flat_params(result.x, shapes)
        self.n_iter_ = int(result.nit)
        if result.status != 0:
            warnings.warn(f"lbfgs failed to converge after {self.n_iter_} iterations "
                          f"(status={result.status}): {result.message}. Increase the number "
                          "of iterations (max_iter) or scale the data.", ConvergenceWarning)
        self.loss_ = float(result.fun)
        self.coefs_ = network.coefs()
        self.intercepts_ = network.intercepts()
        self._network = None

    # --- prediction ----------------------------------------------------------------------------
    def _forward(self, X):
        check_is_fitted(self, "coefs_")
        X = validate_data(self, X, accept_sparse=["csr", "csc"], reset=False)
        return _network.predict_output(X, self.coefs_, self.intercepts_, self.activation,
                                       self.out_activation_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """Multi-layer perceptron classifier (scikit-learn's API), trained by ndflow.

    Binary and multilabel targets use a logistic output, multiclass a softmax.
    """

    def _output_activation(self, y):
        return "softmax" if self._label_binarizer.y_type_ == "multiclass" else "logistic"

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
                             dtype=(np.float64, np.float32), reset=reset)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        fresh = (not self.warm_start and not incremental) or not hasattr(self, "classes_")
        if fresh:
            self._label_binarizer = LabelBinarizer()
            self._label_binarizer.fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start and not incremental:
                if set(classes) != set(self.classes_):
                    raise ValueError("warm_start can only be used where `y` has the same "
                                     "classes as in the previous call to fit. Previously got "
                                     f"{self.classes_}, `y` has {classes}")
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError("`y` has classes not in `self.classes_`. `self.classes_` has "
                                 f"{self.classes_}. 'y' has {classes}.")
        return X, self._label_binarizer.transform(y).astype(bool)

    def partial_fit(self, X, y, classes=None):
        """One epoch over (X, y). The first call needs `classes`, all labels to expect."""
        if not hasattr(self, "classes_"):
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
            self.classes_ = self._label_binarizer.classes_
        elif classes is not None and not np.array_equal(np.sort(classes), self.classes_):
            raise ValueError(f"`classes={list(classes)}` is not the same as on the first call "
                             f"to partial_fit, which was {list(self.classes_)}.")
        return self._partial_fit(X, y)

    def _validation_score(self, X_val, y_val, coefs, intercepts):
        proba = _network.predict_output(X_val, coefs, intercepts, self.activation,
                                        self.out_activation_)
        return accuracy_score(self._decode(y_val), self._decode(proba))

    def _decode(self, outputs):
        if self.n_outputs_ == 1:
            outputs = outputs.ravel()
        return self._label_binarizer.inverse_transform(outputs)

    def predict(self, X):
        """The class labels for X."""
        return self._decode(self._forward(X))

    def predict_proba(self, X):
        """Class probabilities, one column per entry of classes_."""
        proba = self._forward(X)
        if self.n_outputs_ == 1:
            proba = proba.ravel()
        if proba.ndim == 1:
            return np.vstack([1 - proba, proba]).T
        return proba

    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, _BaseMLP):
    """Multi-layer perceptron regressor (squared error, identity output), trained by ndflow."""

    def __init__(self, loss="squared_error", hidden_layer_sizes=(100,), activation="relu", *,
                 solver="adam", alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes, activation=activation, solver=solver,
            alpha=alpha, batch_size=batch_size, learning_rate=learning_rate,
            learning_rate_init=learning_rate_init, power_t=power_t, max_iter=max_iter,
            shuffle=shuffle, random_state=random_state, tol=tol, verbose=verbose,
            warm_start=warm_start, momentum=momentum, nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping, validation_fraction=validation_fraction,
            beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, n_iter_no_change=n_iter_no_change,
            max_fun=max_fun)
        self.loss = loss

    def _check_params(self):
        if self.loss != "squared_error":
            raise NotImplementedError(f"MLPRegressor(loss={self.loss!r}): ndflow offers only "
                                      "loss='squared_error'.")
        return super()._check_params()

    def _output_activation(self, y):
        return "identity"

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
                             y_numeric=True, dtype=(np.float64, np.float32), reset=reset)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return X, y

    def partial_fit(self, X, y):
        """One epoch over (X, y), continuing from the current weights and optimizer."""
        return self._partial_fit(X, y)

    def _validation_score(self, X_val, y_val, coefs, intercepts):
        pred = _network.predict_output(X_val, coefs, intercepts, self.activation,
                                       self.out_activation_)
        return r2_score(y_val, pred)

    def predict(self, X):
        """Predicted values for X: shape (n_samples,) for one target."""
        pred = self._forward(X)
        return pred.ravel() if pred.shape[1] == 1 else pred


# --- parameter checks ------------------------------------------------------------------------
def _choice(name, value, allowed):
    if value not in allowed:
        raise ValueError(f"The '{name}' parameter must be one of {list(allowed)}. "
                         f"Received: {value!r}")


def _number(name, value, low=None, high=None, strict=False, open_high=False):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise ValueError(f"The '{name}' parameter must be a number. Received: {value!r}")
    too_low = low is not None and (value <= low if strict else value < low)
    too_high = high is not None and (value >= high if open_high else value > high)
    if too_low or too_high:
        raise ValueError(f"The '{name}' parameter must be in the range "
                         f"{'(' if strict else '['}{low}, {high}{')' if open_high else ']'}. "
                         f"Received: {value!r}")


def _integer(name, value, low):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"The '{name}' parameter must be an int >= {low}. "
                         f"Received: {value!r}")
