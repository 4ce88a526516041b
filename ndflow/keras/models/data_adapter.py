"""Turns what `fit`/`evaluate`/`predict` accept (arrays, tensors, lists/dicts of them,
generators, keras.utils.Sequence) into per-epoch streams of (x, y, sample_weight) batches."""
import math
import types
import warnings

import numpy as np

from ...framework.tensor import TensorLike
from ...util import nest


def to_array(value):
    """One input as a NumPy array; float64 becomes float32 (Keras's floatx)."""
    if hasattr(value, "flat_values") and hasattr(value, "nrows"):  # a RaggedTensor stays one
        return value
    if is_sparse_input(value):  # a tf.SparseTensor stays one (scipy.sparse: becomes one)
        return value if _is_sparse_tensor(value) else SparseRows.of(value)[:]
    if isinstance(value, TensorLike):
        value = value.numpy()
    arr = np.asarray(value)
    if arr.dtype == np.float64:
        arr = arr.astype(np.float32)
    return arr


def _is_sparse_tensor(value):
    from ...ops.sparse_tensor import SparseTensor
    return isinstance(value, SparseTensor)


def is_sparse_input(value):
    """A tf.SparseTensor or a scipy.sparse matrix (data for an Input(sparse=True) model)."""
    return _is_sparse_tensor(value) or isinstance(value, SparseRows) or (
        type(value).__module__.startswith("scipy.sparse") and hasattr(value, "tocoo"))


class SparseRows:
    """A sparse input kept as its nonzeros in row order, so that batches of rows (a slice or
    shuffled indices) are cut without densifying; each batch is a tf.SparseTensor. Keras
    turns a scipy.sparse matrix into a SparseTensor per batch the same way."""

    def __init__(self, indices, values, dense_shape):
        indices = np.asarray(indices, np.int64).reshape(-1, len(dense_shape))
        order = np.lexsort(indices.T[::-1]) if len(indices) else np.zeros(0, np.int64)
        self._indices, self._values = indices[order], np.asarray(values)[order]
        if self._values.dtype == np.float64:
            self._values = self._values.astype(np.float32)
        self.shape = tuple(int(d) for d in dense_shape)
        self.ndim = len(self.shape)
        if self.ndim < 1:
            raise ValueError(f"A sparse input needs a batch dimension; got dense_shape "
                             f"{self.shape}.")
        rows = np.bincount(self._indices[:, 0], minlength=self.shape[0]) if len(indices) \
            else np.zeros(self.shape[0], np.int64)
        self._splits = np.concatenate([[0], np.cumsum(rows)]).astype(np.int64)

    @classmethod
    def of(cls, value):
        if isinstance(value, cls):
            return value
        if hasattr(value, "tocoo"):  # scipy.sparse (scipy itself is never imported here)
            coo = value.tocoo()
            return cls(np.stack([coo.row, coo.col], axis=1), np.asarray(coo.data), coo.shape)
        return cls(value.indices.numpy(), value.values.numpy(), value.dense_shape.numpy())

    def __len__(self):
        return self.shape[0]

    def __getitem__(self, index):
        from ...ops.sparse_tensor import SparseTensor
        rows = np.arange(self.shape[0])[index]
        starts, counts = self._splits[rows], np.diff(self._splits)[rows]
        offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        pos = np.repeat(starts - offsets, counts) + np.arange(int(counts.sum()))
        new_rows = np.repeat(np.arange(len(rows), dtype=np.int64), counts)
        indices = np.concatenate([new_rows[:, None], self._indices[pos, 1:]], axis=1)
        return SparseTensor(indices, self._values[pos], [len(rows)] + list(self.shape[1:]))


def _sparse_rows(structure):
    return nest.map_structure(lambda a: SparseRows.of(a) if _is_sparse_tensor(a) else a,
                              structure)


def standardize(data):
    """Arrays, tensors, and lists/tuples/dicts of them, with leaves as NumPy arrays."""
    if data is None:
        return None
    if isinstance(data, dict):
        return {k: standardize(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        if any(isinstance(v, (np.ndarray, TensorLike, dict, list, tuple)) and
               not _is_number_list(v) for v in data):
            return type(data)(standardize(v) for v in data) if isinstance(data, list) \
                else tuple(standardize(v) for v in data)
        return to_array(data)
    return to_array(data)


def _is_number_list(v):
    return isinstance(v, (list, tuple)) and all(isinstance(x, (int, float, np.number)) for x in v)


def unpack(data):
    """(x,), (x, y) or (x, y, sample_weight) from what a generator/Sequence yields."""
    if isinstance(data, tuple):
        if len(data) == 1:
            return data[0], None, None
        if len(data) == 2:
            return data[0], data[1], None
        if len(data) == 3:
            return data
        raise ValueError("Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
                         f"`(x, y, sample_weight)`, found a tuple of length {len(data)}.")
    return data, None, None


def num_samples(x, y=None, sample_weight=None):
    """The number of samples all of x, y and sample_weight hold (a ValueError naming each
    one's sizes when they disagree)."""
    sizes, named = set(), []
    for what, s in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        leaves = nest.flatten(s) if s is not None else []
        these = [_rows(leaf) for leaf in leaves]
        if these:
            named.append(f"'{what}' sizes: {', '.join(map(str, these))}")
        sizes.update(these)
    if len(sizes) > 1:
        raise ValueError("Data cardinality is ambiguous. Make sure all arrays contain the same "
                         "number of samples. " + "; ".join(named))
    return sizes.pop() if sizes else 0


def _rows(leaf):
    if hasattr(leaf, "nrows") and hasattr(leaf, "flat_values"):  # RaggedTensor
        return int(leaf.nrows())
    return int(np.shape(leaf)[0]) if np.ndim(leaf) else 1


def class_weights_for(y, class_weight):
    """Per-sample weights from a {class: weight} dict and the labels `y`."""
    flat = nest.flatten(y)
    if len(flat) != 1:
        raise ValueError("`class_weight` is only supported for models with a single output.")
    labels = np.asarray(flat[0])
    if labels.ndim == 2 and labels.shape[1] > 1:
        labels = labels.argmax(axis=1)
    else:
        labels = labels.reshape(len(labels), -1)[:, 0]
        labels = np.round(labels).astype(np.int64)
    weights = np.ones(len(labels), np.float32)
    for cls, w in class_weight.items():
        weights[labels == int(cls)] = w
    return weights


def _take(structure, index):
    if structure.__class__ is np.ndarray:  # the common case, without map_structure's walk
        return structure[index]
    return nest.map_structure(lambda a: _take_rows(a, index), structure)


def _take_rows(a, index):
    if hasattr(a, "flat_values") and not isinstance(index, slice):  # RaggedTensor rows
        from ...ops.indexing_ops import gather
        return gather(a, np.asarray(index, np.int64))
    return a[index]


class ArrayAdapter:
    def __init__(self, x, y=None, sample_weight=None, batch_size=None, shuffle=False,
                 class_weight=None, steps=None):
        self.x = _sparse_rows(standardize(x))
        self.y = standardize(y)
        self.sample_weight = None if sample_weight is None else standardize(sample_weight)
        self.n = num_samples(self.x, self.y, self.sample_weight)
        if class_weight:
            cw = class_weights_for(self.y, class_weight)
            self.sample_weight = cw if self.sample_weight is None else \
                nest.map_structure(lambda s: s * cw.reshape((-1,) + (1,) * (s.ndim - 1)),
                                   self.sample_weight)
        self.batch_size = int(batch_size or 32)
        self.shuffle = shuffle
        n_batches = max(1, math.ceil(self.n / self.batch_size)) if self.n else 0
        self.steps = n_batches if steps is None else min(int(steps), n_batches)

    def epoch(self, rng=None):
        bs, n = self.batch_size, self.n
        order = None
        if self.shuffle is True and rng is not None:
            order = rng.permutation(n)
        starts = np.arange(self.steps) * bs
        if self.shuffle == "batch" and rng is not None:
            starts = rng.permutation(starts)
        for start in starts:
            index = slice(start, min(start + bs, n)) if order is None else \
                order[start:start + bs]
            yield (_take(self.x, index),
                   None if self.y is None else _take(self.y, index),
                   None if self.sample_weight is None else _take(self.sample_weight, index))

    def split(self, validation_split):
        """Keras's validation_split: the last fraction of the samples, before shuffling."""
        at = int(self.n * (1.0 - validation_split))
        if at == 0 or at == self.n:
            raise ValueError(f"validation_split={validation_split} leaves no samples for "
                             f"training or validation ({self.n} samples).")
        head, tail = slice(0, at), slice(at, self.n)
        val = (_take(self.x, tail), None if self.y is None else _take(self.y, tail),
               None if self.sample_weight is None else _take(self.sample_weight, tail))
        self.x = _sparse_rows(_take(self.x, head))
        self.y = None if self.y is None else _take(self.y, head)
        self.sample_weight = None if self.sample_weight is None else \
            _take(self.sample_weight, head)
        self.n = at
        self.steps = max(1, math.ceil(at / self.batch_size))
        return val


class GeneratorAdapter:
    """Python generators/iterators (one shared stream) and re-iterable objects."""

    def __init__(self, data, steps=None, class_weight=None):
        self.data = data
        self.steps = None if steps is None else int(steps)
        self.class_weight = class_weight
        self._reiterable = not (isinstance(data, types.GeneratorType) or iter(data) is data)
        self._iterator = None
        self.exhausted = False

    def epoch(self, rng=None):
        if self._reiterable or self._iterator is None:
            self._iterator = iter(self.data)
        count = 0
        while self.steps is None or count < self.steps:
            try:
                item = next(self._iterator)
            except StopIteration:
                if not self._reiterable:
                    if count == 0 or self.steps is not None:
                        warnings.warn("Your input ran out of data; interrupting training. Make "
                                      "sure that your dataset or generator can generate at least "
                                      "`steps_per_epoch * epochs` batches.", UserWarning)
                    self.exhausted = True
                return
            yield self._batch(item)
            count += 1

    def _batch(self, item):
        x, y, sw = unpack(item)
        x, y, sw = standardize(x), standardize(y), standardize(sw)
        if self.class_weight and y is not None:
            cw = class_weights_for(y, self.class_weight)
            sw = cw if sw is None else sw * cw
        return x, y, sw


class SequenceAdapter(GeneratorAdapter):
    """keras.utils.Sequence / PyDataset: indexed batches, `on_epoch_end` after each epoch."""

    def __init__(self, sequence, steps=None, class_weight=None):
        super().__init__(sequence, steps, class_weight)
        n = len(sequence)
        if steps is not None and int(steps) > n:  # Keras warns too, then uses what there is
            warnings.warn(f"Your input ran out of data: steps={int(steps)} but the Sequence "
                          f"has {n} batches; each epoch uses {n}. Make sure that your dataset "
                          "or generator can generate at least `steps_per_epoch * epochs` "
                          "batches.", UserWarning)
        self.steps = n if steps is None else min(int(steps), n)

    def epoch(self, rng=None):
        for i in range(self.steps):
            yield self._batch(self.data[i])
        if hasattr(self.data, "on_epoch_end"):
            self.data.on_epoch_end()


class DatasetAdapter(GeneratorAdapter):
    """A tf.data.Dataset: each element is one batch `x`, `(x,)`, `(x, y)` or `(x, y,
    sample_weight)` (dicts of inputs keyed by input name).

    Without `steps` every epoch is one full pass over the dataset. With `steps` (Keras's
    `steps_per_epoch`) one iterator persists across epochs, as in TensorFlow, so an
    infinitely repeated dataset keeps going and a finite one stops training when it runs
    out."""

    def __init__(self, dataset, steps=None, class_weight=None, what="x"):
        from ...data.dataset import INFINITE
        self.data = dataset
        self.class_weight = class_weight
        self._spec = dataset.element_spec
        cardinality = dataset._cardinality()
        if steps is None and cardinality == INFINITE:
            raise ValueError(f"When passing an infinitely repeating dataset as `{what}`, please "
                             "specify a `steps_per_epoch` value (`steps` / `validation_steps`) "
                             "so that epochs have an end.")
        self._persist = steps is not None
        self.steps = int(steps) if steps is not None else (cardinality if cardinality >= 0
                                                           else None)
        self._iterator = None
        self.exhausted = False

    def epoch(self, rng=None):
        from ...data import structure
        if not self._persist or self._iterator is None:
            self._iterator = self.data._iterate()
        count = 0
        while self.steps is None or count < self.steps:
            flat = next(self._iterator, None)
            if flat is None:
                if self._persist:
                    warnings.warn("Your input ran out of data; interrupting training. Make sure "
                                  "that your dataset can generate at least `steps_per_epoch * "
                                  "epochs` batches (you may need to use the `.repeat()` "
                                  "function when building your dataset).", UserWarning)
                    self.exhausted = True
                return
            yield self._batch(structure.pack(self._spec, list(flat)))
            count += 1


def _is_dataset(data):
    from ...data.dataset import DatasetV2
    return isinstance(data, DatasetV2)


def _is_sequence(data):
    return hasattr(data, "__getitem__") and hasattr(data, "__len__") and \
        not isinstance(data, (np.ndarray, list, tuple, dict, TensorLike))


def _from_pandas(data):
    """pandas DataFrames and Series as NumPy arrays (as Keras's data adapters take them);
    pandas itself is never imported here."""
    if type(data).__module__.split(".")[0] == "pandas" and hasattr(data, "to_numpy"):
        return data.to_numpy()
    return data


def make_adapter(x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False,
                 class_weight=None, what="x"):
    x, y, sample_weight = _from_pandas(x), _from_pandas(y), _from_pandas(sample_weight)
    if x is None:
        raise ValueError(f"Unrecognized data type: {what}=None (expected arrays, tensors, a "
                         "generator or a keras.utils.Sequence).")
    if _is_dataset(x):
        _no_y(y, sample_weight, "a dataset")
        return DatasetAdapter(x, steps, class_weight, what)
    if _is_sequence(x) and not hasattr(x, "flat_values") and not is_sparse_input(x):
        # (a RaggedTensor, SparseTensor or scipy.sparse matrix is an array)
        _no_y(y, sample_weight, "a keras.utils.Sequence")
        return SequenceAdapter(x, steps, class_weight)
    if isinstance(x, (np.ndarray, TensorLike, list, tuple, dict)) or np.isscalar(x) or \
            hasattr(x, "flat_values") or is_sparse_input(x):
        adapter = ArrayAdapter(x, y, sample_weight, batch_size, shuffle, class_weight, steps)
        if adapter.n == 0:  # Keras fails here too (an empty history would hide the mistake)
            shapes = [tuple(np.shape(a)) for a in nest.flatten(x)]
            raise ValueError(f"Expected input data to be non-empty: `{what}` holds 0 samples "
                             f"(shapes {shapes}).")
        return adapter
    if hasattr(x, "__iter__") or hasattr(x, "__next__"):
        _no_y(y, sample_weight, "a generator")
        return GeneratorAdapter(x, steps, class_weight)
    raise ValueError(f"Unrecognized data type: {what}={x!r} (of type {type(x).__name__}).")


def _no_y(y, sample_weight, kind):
    if y is not None:
        raise ValueError(f"`y` argument is not supported when using {kind} as input: the "
                         "targets come from it.")
    if sample_weight is not None:
        raise ValueError(f"`sample_weight` argument is not supported when using {kind} as "
                         "input: yield (x, y, sample_weight) instead.")
