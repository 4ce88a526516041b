"""Perceptron with scikit-learn's parameters and behaviour, trained by ndflow.

Like scikit-learn, it is stochastic gradient descent on the perceptron loss max(0, -y p),
one sample at a time, with a constant learning rate eta0, one-vs-all for more than two
classes. The one-vs-all classifiers are trained side by side (one column each) but stop
independently, each when its epoch loss stops improving by tol.
"""
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state, compute_class_weight
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import check_is_fitted

import ndflow as nf
from ._mlp import _choice, _integer, _number
from ._validation import TransientStateMixin, as_float32, validate_data

_PENALTIES = (None, "l2", "l1", "elasticnet")


class _PerceptronSteps:
    """ndflow Variables for (coef, intercept) of all one-vs-all columns and the compiled
    per-sample update."""

    def __init__(self, coef, intercept, eta0, penalty, alpha, l1_ratio, fit_intercept):
        self.w = nf.Variable(np.asarray(coef, np.float32))        # (n_features, n_columns)
        self.b = nf.Variable(np.asarray(intercept, np.float32))   # (n_columns,)
        self.eta = float(eta0)
        self.penalty = penalty
        self.alpha = float(alpha)
        self.l1_ratio = 0.0 if penalty == "l2" else (1.0 if penalty == "l1" else l1_ratio)
        self.fit_intercept = fit_intercept
        n_features, n_columns = self.w.shape
        signature = [nf.TensorSpec([1, n_features], nf.float32),
                     nf.TensorSpec([1, n_columns], nf.float32),
                     nf.TensorSpec([n_columns], nf.float32)]
        self.step = nf.function(self._step, input_signature=signature)

    def _step(self, x, y, scale):
        """One sample: y in {-1, +1} per column; scale = eta * class/sample weight, 0 for
        columns that have stopped. Returns the per-column perceptron loss."""
        p = nf.matmul(x, self.w) + self.b
        loss = nf.reshape(nf.maximum(-y * p, 0.0), [-1])
        mistake = nf.cast(nf.less_equal(y * p, 0.0), nf.float32)
        update = nf.reshape(y * mistake, [-1]) * scale
        w = self.w
        if self.penalty in ("l2", "elasticnet"):
            # Weight decay of the L2 part, applied before the gradient step (as sklearn).
            shrink = nf.maximum(1.0 - (1.0 - self.l1_ratio) * self.eta * self.alpha, 0.0)
            active = nf.cast(nf.greater(scale, 0.0), nf.float32)
            w = w * (1.0 - active * (1.0 - shrink))
        w = w + nf.matmul(nf.transpose(x), nf.reshape(update, [1, -1]))
        if self.penalty in ("l1", "elasticnet"):
            # Soft-thresholding toward zero (a per-step version of sklearn's truncated L1).
            threshold = self.l1_ratio * self.eta * self.alpha
            threshold = threshold * nf.cast(nf.greater(scale, 0.0), nf.float32)
            w = nf.sign(w) * nf.maximum(nf.abs(w) - threshold, 0.0)
        self.w.assign(w)
        if self.fit_intercept:
            self.b.assign_add(update)
        return loss


class Perceptron(TransientStateMixin, ClassifierMixin, BaseEstimator):
    """Linear perceptron classifier (scikit-learn's API), trained by ndflow."""
    _transient_attributes = ("_steps",)

    def __init__(self, *, penalty=None, alpha=0.0001, l1_ratio=0.15, fit_intercept=True,
                 max_iter=1000, tol=1e-3, shuffle=True, verbose=0, eta0=1.0, n_jobs=None,
                 random_state=0, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=5, class_weight=None, warm_start=False):
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.eta0 = eta0
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.warm_start = warm_start

    def _check_params(self):
        _choice("penalty", self.penalty, _PENALTIES)
        _number("alpha", self.alpha, low=0.0)
        _number("l1_ratio", self.l1_ratio, low=0.0, high=1.0)
        _number("eta0", self.eta0, low=0.0, strict=True)
        _integer("max_iter", self.max_iter, low=1)
        _integer("n_iter_no_change", self.n_iter_no_change, low=1)
        _number("validation_fraction", self.validation_fraction, low=0.0, high=1.0,
                strict=True, open_high=True)
        if self.tol is not None:
            _number("tol", self.tol, low=0.0)

    # --- fitting -------------------------------------------------------------------------------
    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        """Train for up to max_iter epochs, each a pass over the samples one at a time."""
        self._check_params()
        fresh = not (self.warm_start and hasattr(self, "coef_"))
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"],
                             dtype=(np.float64, np.float32), reset=True)
        check_classification_targets(y)
        classes = unique_labels(y)
        if not fresh and not np.array_equal(classes, self.classes_):
            raise ValueError("warm_start needs the same classes as the previous fit: "
                             f"{self.classes_} before, {classes} now.")
        self.classes_ = classes
        if len(classes) < 2:
            raise ValueError("The number of classes has to be greater than one; got "
                             f"{len(classes)} class")
        if fresh or coef_init is not None or intercept_init is not None:
            self._init_weights(X.shape[1], coef_init, intercept_init)
        self.densify()
        self.t_ = 1.0
        self._steps = None
        return self._train(X, y, sample_weight, self.max_iter, stop_on_tol=True)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch over (X, y). The first call needs `classes`, all labels to expect."""
        self._check_params()
        first = not hasattr(self, "classes_")
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"],
                             dtype=(np.float64, np.float32), reset=first)
        check_classification_targets(y)
        if first:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            self.classes_ = unique_labels(classes)
            if len(self.classes_) < 2:
                raise ValueError("The number of classes has to be greater than one; got "
                                 f"{len(self.classes_)} class")
            self._init_weights(X.shape[1], None, None)
            self.t_ = 1.0
        elif classes is not None and not np.array_equal(unique_labels(classes), self.classes_):
            raise ValueError(f"`classes={list(classes)}` is not the same as on the first call "
                             f"to partial_fit, which was {list(self.classes_)}.")
        unknown = np.setdiff1d(unique_labels(y), self.classes_)
        if len(unknown):
            raise ValueError(f"y has labels {list(unknown)} not in classes {list(self.classes_)}.")
        return self._train(X, y, sample_weight, 1, stop_on_tol=False)

    def _n_columns(self):
        return 1 if len(self.classes_) == 2 else len(self.classes_)

    def _init_weights(self, n_features, coef_init, intercept_init):
        n_columns = self._n_columns()
        coef = np.zeros((n_columns, n_features), np.float32)
        intercept = np.zeros(n_columns, np.float32)
        if coef_init is not None:
            coef_init = np.asarray(coef_init, np.float32).reshape(n_columns, -1)
            if coef_init.shape != coef.shape:
                raise ValueError(f"coef_init has shape {coef_init.shape}; expected "
                                 f"{coef.shape}.")
            coef = coef_init
        if intercept_init is not None:
            intercept = np.asarray(intercept_init, np.float32).reshape(n_columns)
        self.coef_, self.intercept_ = coef, intercept

    def _targets(self, y):
        """(n_samples, n_columns) in {-1, +1}: one-vs-all, or classes_[1] positive for two."""
        if len(self.classes_) == 2:
            return np.where(y == self.classes_[1], 1.0, -1.0).astype(np.float32)[:, None]
        return np.where(y[:, None] == self.classes_[None, :], 1.0, -1.0).astype(np.float32)

    def _sample_scales(self, y, sample_weight):
        n = y.shape[0]
        weights = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
        if weights.shape != (n,):
            raise ValueError(f"sample_weight has shape {weights.shape}; expected ({n},).")
        if np.any(weights < 0):
            raise ValueError("Negative values in sample_weight are not allowed.")
        if not np.any(weights):
            raise ValueError("Sample weights must contain at least one non-zero weight: all "
                             "of them are zero.")
        class_weight = compute_class_weight(self.class_weight, classes=self.classes_, y=y) \
            if self.class_weight is not None else np.ones(len(self.classes_))
        if len(self.classes_) == 2:
            per_class = np.where(y == self.classes_[1], class_weight[1], class_weight[0])
            return (weights * per_class * self.eta0)[:, None].astype(np.float32)
        # One-vs-all: column k weighs its positives by class_weight[k], negatives by 1.
        positive = y[:, None] == self.classes_[None, :]
        per_class = np.where(positive, class_weight[None, :], 1.0)
        return (weights[:, None] * per_class * self.eta0).astype(np.float32)

    def _train(self, X, y, sample_weight, max_iter, stop_on_tol):
        X32 = as_float32(X)
        targets = self._targets(y)
        scales = self._sample_scales(y, sample_weight)
        # Like sklearn, the shuffling stream is seeded from random_state by one draw.
        rng = check_random_state(self.random_state)
        rng = np.random.RandomState(rng.randint(np.iinfo(np.int32).max))
        X_val = None
        if self.early_stopping and stop_on_tol:
            X32, X_val, targets, t_val, scales, _ = train_test_split(
                X32, targets, scales, test_size=self.validation_fraction, random_state=rng,
                stratify=y)
        steps = _PerceptronSteps(self._dense_coef().T, self.intercept_, self.eta0, self.penalty,
                                 self.alpha, self.l1_ratio, self.fit_intercept)
        n_samples, n_columns = targets.shape
        active = np.ones(n_columns, bool)
        best = np.full(n_columns, np.inf if not self.early_stopping else -np.inf)
        no_improvement = np.zeros(n_columns, int)
        epochs = np.zeros(n_columns, int)
        for _ in range(max_iter):
            order = rng.permutation(n_samples) if self.shuffle else np.arange(n_samples)
            column_scale = active.astype(np.float32)
            epoch_loss = np.zeros(n_columns)
            for i in order:
                loss = steps.step(X32[i:i + 1], targets[i:i + 1], scales[i] * column_scale)
                epoch_loss += loss.numpy()
            epochs += active
            self.t_ += n_samples
            if self.verbose:
                print(f"-- Epoch {int(epochs.max())}\nAvg. loss: {epoch_loss.mean() / n_samples:f}")
            if not stop_on_tol or self.tol is None:
                continue
            if X_val is not None:  # early stopping on validation accuracy per column
                p = X_val @ steps.w.numpy() + steps.b.numpy()
                score = np.mean(np.sign(p) == t_val, axis=0)
                worse = score < best + self.tol
                best = np.maximum(best, score)
            else:
                worse = epoch_loss > best - self.tol * n_samples
                best = np.minimum(best, epoch_loss)
            no_improvement = np.where(worse, no_improvement + 1, 0)
            active &= no_improvement < self.n_iter_no_change
            if not active.any():
                break
        self.n_iter_ = int(epochs.max())
        if stop_on_tol and self.tol is not None and active.any() and self.n_iter_ == max_iter:
            warnings.warn("Maximum number of iteration reached before convergence. Consider "
                          "increasing max_iter to improve the fit.", ConvergenceWarning)
        self.coef_ = steps.w.numpy().T.copy()
        self.intercept_ = steps.b.numpy().copy()
        return self

    # --- prediction ----------------------------------------------------------------------------
    def decision_function(self, X):
        """Signed distance to the hyperplane(s): (n_samples,) for two classes."""
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, accept_sparse=["csr", "csc"], reset=False)
        scores = nf.matmul(as_float32(X), as_float32(self._dense_coef().T)) + self.intercept_
        scores = scores.numpy()
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict(self, X):
        """The class labels for X: the positive side of the hyperplane, or the highest score."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[scores.argmax(axis=1)]

    def densify(self):
        """Turn a sparsified coef_ back into a dense array."""
        check_is_fitted(self, "coef_")
        if sp.issparse(self.coef_):
            self.coef_ = self.coef_.toarray()
        return self

    def sparsify(self):
        """Store coef_ as a scipy.sparse matrix (for mostly-zero L1 solutions)."""
        check_is_fitted(self, "coef_")
        self.coef_ = sp.csr_matrix(self.coef_)
        return self

    def _dense_coef(self):
        return self.coef_.toarray() if sp.issparse(self.coef_) else self.coef_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
