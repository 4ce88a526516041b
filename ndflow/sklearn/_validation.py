"""Small helpers shared by the estimators: input validation across scikit-learn versions
and pickling without ndflow objects."""
import numpy as np
import scipy.sparse as sp

try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data as _validate_data
except ImportError:  # pragma: no cover - older scikit-learn
    def _validate_data(estimator, *args, **kwargs):
        return estimator._validate_data(*args, **kwargs)


def validate_data(estimator, X="no_validation", y="no_validation", **kwargs):
    """sklearn's validate_data, with sparse input densified (ndflow's kernels are dense)."""
    out = _validate_data(estimator, X, y, **kwargs)
    if isinstance(out, tuple):
        X, y = out
        return _dense(X), y
    if isinstance(X, str):  # only y was validated
        return out
    return _dense(out)


def _dense(X):
    return X.toarray() if sp.issparse(X) else X


def as_float32(X):
    return np.ascontiguousarray(X, dtype=np.float32)


class TransientStateMixin:
    """Pickles the estimator without its ndflow cache (Variables, compiled functions).

    The NumPy arrays that define a fitted estimator (coefs_, optimizer slots...) stay in
    __dict__; everything named in `_transient_attributes` is rebuilt from them on demand.
    """
    _transient_attributes = ()

    def __getstate__(self):
        self._sync_to_numpy()
        state = super().__getstate__() if hasattr(super(), "__getstate__") else dict(self.__dict__)
        state = dict(state)
        for name in self._transient_attributes:
            state.pop(name, None)
        return state

    def __setstate__(self, state):
        if hasattr(super(), "__setstate__"):
            super().__setstate__(state)
        else:
            self.__dict__.update(state)

    def _sync_to_numpy(self):
        """Copy what lives in ndflow Variables back into NumPy attributes."""
