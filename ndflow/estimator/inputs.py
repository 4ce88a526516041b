"""tf.estimator.inputs (tf.compat.v1.estimator.inputs): input functions over NumPy arrays."""
import collections
import numbers

import numpy as np

from ..framework import dtypes

_TARGET_KEY = "__target_key__"


def _array(value):
    """A NumPy array; text becomes an object array of bytes (ndflow's string tensors)."""
    arr = np.asarray(value)
    if arr.dtype.kind == "U":
        return np.array([v.encode("utf-8") for v in arr.ravel()], dtype=object).reshape(
            arr.shape)
    if arr.dtype.kind == "S":
        return arr.astype(object)
    return arr


def _ordered(x, name):
    if isinstance(x, dict):
        if not x:
            raise ValueError(f"{name} cannot be an empty dict.")
        return collections.OrderedDict(sorted((k, _array(v)) for k, v in x.items()))
    return collections.OrderedDict([("__direct_np_input__", _array(x))])


def numpy_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None, queue_capacity=1000,
                   num_threads=1):
    """An input function yielding batches of `x` (and `y`) for an Estimator.

    The returned `input_fn()` gives `(features, labels)` (just `features` when `y` is None):
    `features` is a dict of tensors when `x` is a dict (a tensor when `x` is an array), of
    `batch_size` rows each. With `num_epochs=None` it repeats forever in full batches;
    otherwise it passes `num_epochs` times over the data and the last batch may be smaller.

    Args:
      x: A NumPy array or a dict of arrays (the features), all of the same length.
      y: An array, a dict of arrays, or None (the labels).
      batch_size: The rows per batch.
      num_epochs: Passes over the data (None: forever).
      shuffle: Whether to shuffle (must be given as a bool, as in TensorFlow); each pass is a
        new permutation, drawn from the graph-level seed when one is set.
      queue_capacity: Accepted for TF1 compatibility (the shuffle covers the whole data).
      num_threads: Accepted for TF1 compatibility.

    Returns:
      A function of no arguments for `Estimator.train/evaluate/predict`.

    Raises:
      ValueError: `shuffle` not a bool, bad batch size or epochs, empty dicts, keys in both x
        and y, or arrays of different lengths.
      TypeError: x is not an array or dict.
    """
    if not isinstance(shuffle, bool):
        raise ValueError(f"shuffle must be provided and explicitly set as boolean (it is "
                         f"recommended to set it as True for training); got {shuffle}")
    if not isinstance(batch_size, numbers.Integral) or batch_size <= 0:
        raise ValueError(f"batch_size must be a positive integer; got {batch_size}")
    if num_epochs is not None and (not isinstance(num_epochs, numbers.Integral) or
                                   num_epochs <= 0):
        raise ValueError(f"num_epochs must be None or a positive integer; got {num_epochs}")
    if not isinstance(x, (dict, np.ndarray)):
        raise TypeError(f"x must be a dict or array; got {type(x).__name__}")

    def input_fn():
        data = _ordered(x, "x")
        feature_keys = list(data)
        if y is None:
            target_keys = None
        elif isinstance(y, dict):
            ys = _ordered(y, "y")
            dup = set(feature_keys) & set(ys)
            if dup:
                raise ValueError(f"{len(dup)} duplicate keys are found in both x and y: {dup}")
            target_keys = list(ys)
            data.update(ys)
        else:
            target_keys = _TARGET_KEY
            data[_TARGET_KEY] = _array(y)
        lengths = {k: (v.shape[0] if v.ndim else None) for k, v in data.items()}
        if None in lengths.values() or len(set(lengths.values())) != 1:
            raise ValueError(f"Length of tensors in x and y is mismatched. All elements in x "
                             f"and y must have the same length.\nShapes: "
                             f"{ {k: v.shape for k, v in data.items()} }")
        from ..data.dataset import Dataset
        from ..data.iterator import make_one_shot_iterator
        from ..framework.graph import get_default_graph
        from ..framework.tensor import TensorSpec
        n = next(iter(lengths.values()))
        seed = get_default_graph().seed
        full = num_epochs is None

        def batches():  # one gather per array and batch (no per-row pipeline)
            if n == 0:
                return
            rng = np.random.default_rng(None if seed is None else [int(seed), 0x6E70])
            epochs = 0
            pending = np.zeros(0, np.int64)
            while num_epochs is None or epochs < num_epochs or len(pending):
                while len(pending) < batch_size and (num_epochs is None or
                                                     epochs < num_epochs):
                    order = rng.permutation(n) if shuffle else np.arange(n)
                    pending = np.concatenate([pending, order])
                    epochs += 1
                take, pending = pending[:batch_size], pending[batch_size:]
                if full and len(take) < batch_size:
                    return
                yield {k: v[take] for k, v in data.items()}

        signature = {k: TensorSpec([batch_size if full else None] + list(v.shape[1:]),
                                   dtypes.string if v.dtype.kind == "O" else
                                   dtypes.as_dtype(v.dtype))
                     for k, v in data.items()}
        ds = Dataset.from_generator(batches, output_signature=signature)
        batch = make_one_shot_iterator(ds).get_next()
        if isinstance(x, dict):
            features = {k: batch[k] for k in feature_keys}
        else:
            features = batch["__direct_np_input__"]
        if target_keys is None:
            return features
        if isinstance(target_keys, list):
            return features, {k: batch[k] for k in target_keys}
        return features, batch[_TARGET_KEY]

    return input_fn


def pandas_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None, queue_capacity=1000,
                    num_threads=1, target_column="target"):
    """An input function over a pandas DataFrame `x` (columns become features) and Series `y`.

    Args:
      x: A pandas DataFrame.
      y: A pandas Series or DataFrame, or None.
      batch_size: The rows per batch.
      num_epochs: Passes over the data (None: forever).
      shuffle: Whether to shuffle (a bool, required).
      queue_capacity: Accepted for TF1 compatibility.
      num_threads: Accepted for TF1 compatibility.
      target_column: Accepted for TF1 compatibility.

    Returns:
      A function of no arguments, as `numpy_input_fn` returns.

    Raises:
      TypeError: x is not a DataFrame.
    """
    if not hasattr(x, "columns") or not hasattr(x, "to_numpy"):
        raise TypeError(f"x must be a pandas DataFrame; got {type(x).__name__}")
    features = {str(c): x[c].to_numpy() for c in x.columns}
    labels = None
    if y is not None:
        labels = ({str(c): y[c].to_numpy() for c in y.columns} if hasattr(y, "columns")
                  else np.asarray(y.to_numpy() if hasattr(y, "to_numpy") else y))
    return numpy_input_fn(features, labels, batch_size, num_epochs, shuffle, queue_capacity,
                          num_threads)
