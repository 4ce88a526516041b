"""tf.feature_column: how raw features become the dense input of a model (TF1 semantics).

    age = tf.feature_column.numeric_column("age")
    color = tf.feature_column.categorical_column_with_vocabulary_list("color", ["r", "g"])
    net = tf.compat.v1.feature_column.input_layer(
        features, [age, tf.feature_column.indicator_column(color)])

A categorical column turns its feature into int64 ids of shape [batch, k] (k = the feature's
last dimension, 1 for a vector of values), with -1 for a value outside the vocabulary; the
dense columns (indicator, embedding) and `linear_model` skip the -1 ids, as TensorFlow's
sparse ids leave them out.
"""
import collections
import math
import numbers

import numpy as np

from ..compat import v1 as _tf1
from ..framework import dtypes
from ..initializers import truncated_normal_initializer, zeros_initializer


class _Builder:
    """Caches each column's transformed tensor for one features dict (TF's _LazyBuilder)."""

    def __init__(self, features):
        if not isinstance(features, dict):
            raise ValueError(f"features should be a dictionary of `Tensor`s. Given type: "
                             f"{type(features)}")
        self._features = features
        self._cache = {}

    def raw(self, key):
        if key not in self._features:
            raise ValueError(f"Feature {key} is not in features dictionary.")
        value = self._features[key]
        if hasattr(value, "indices") and hasattr(value, "dense_shape"):
            raise ValueError(f"Feature {key} is a SparseTensor: ndflow's feature columns take "
                             f"dense features (pad missing values with '' or -1, or use "
                             f"tf.sparse.to_dense).")
        return _tf1.convert_to_tensor(value)

    def get(self, column):
        if column.name not in self._cache:
            self._cache[column.name] = column._transform(self)
        return self._cache[column.name]


def _as_2d(t):
    """[batch] -> [batch, 1]; [batch, ...] -> [batch, prod(...)]."""
    rank = t.shape.rank
    if rank == 1:
        return _tf1.expand_dims(t, -1)
    if rank == 2:
        return t
    return _tf1.reshape(t, [-1, int(np.prod(t.shape.as_list()[1:]))])


class _FeatureColumn:
    """Base of every feature column: a `name`, and its inputs in `parse_example_spec`."""

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r})"

    @property
    def _var_scope_name(self):
        return self.name


class _DenseColumn(_FeatureColumn):
    """A column that yields a float32 tensor [batch, variable_shape...]."""


class _CategoricalColumn(_FeatureColumn):
    """A column that yields int64 ids [batch, k] in [0, num_buckets) or -1 (no id)."""


def _check_key(key):
    if not isinstance(key, str) or not key:
        raise ValueError(f"key must be a non-empty string. Given: {key!r}")
    return key


class NumericColumn(_DenseColumn, collections.namedtuple(
        "NumericColumn", ["key", "shape", "default_value", "dtype", "normalizer_fn"])):
    """What `numeric_column` returns: the feature as float32, flattened per example."""

    @property
    def name(self):
        return self.key

    @property
    def variable_shape(self):
        return tuple(self.shape)

    @property
    def parse_example_spec(self):
        return {self.key: _tf1.io.FixedLenFeature(self.shape, self.dtype, self.default_value)}

    def _transform(self, builder):
        t = builder.raw(self.key)
        if self.normalizer_fn is not None:
            t = self.normalizer_fn(t)
        return _tf1.cast(t, dtypes.float32)

    def _dense(self, builder, trainable):
        t = builder.get(self)
        n = int(np.prod(self.shape))
        return _tf1.reshape(t, [-1, n])

    def _num_elements(self):
        return int(np.prod(self.shape))


def numeric_column(key, shape=(1,), default_value=None, dtype=dtypes.float32,
                   normalizer_fn=None):
    """A column of real values: the feature `key`, `shape` values per example.

    Args:
      key: The feature's name in the features dict.
      shape: The shape of one example's value (an int or a tuple of ints; default (1,)).
      default_value: The value for a missing feature when parsing examples.
      dtype: The dtype of the parsed feature (a float or integer type; the column's output is
        float32).
      normalizer_fn: Optional function applied to the feature tensor first.

    Returns:
      A `NumericColumn`.

    Raises:
      ValueError: an empty key, a non-positive dimension or a non-numeric dtype.
      TypeError: a `normalizer_fn` that is not callable.
    """
    _check_key(key)
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    for d in shape:
        if not isinstance(d, numbers.Integral) or d < 1:
            raise ValueError(f"dimensions of shape must be integers >= 1. shape: {shape}, "
                             f"key: {key}")
    shape = tuple(int(d) for d in shape)
    dtype = dtypes.as_dtype(dtype)
    if not (dtype.is_floating or dtype.is_integer):
        raise ValueError(f"dtype must be convertible to float. dtype: {dtype}, key: {key}")
    if normalizer_fn is not None and not callable(normalizer_fn):
        raise TypeError(f"normalizer_fn must be a callable. Given: {normalizer_fn}")
    if default_value is not None:
        default_value = tuple(np.broadcast_to(np.asarray(default_value, np.float64),
                                              shape).ravel().tolist())
    return NumericColumn(key, shape, default_value, dtype, normalizer_fn)


class BucketizedColumn(_DenseColumn, _CategoricalColumn, collections.namedtuple(
        "BucketizedColumn", ["source_column", "boundaries"])):
    """What `bucketized_column` returns: a one-hot of the bucket of each source value."""

    @property
    def name(self):
        return f"{self.source_column.name}_bucketized"

    @property
    def num_buckets(self):
        return (len(self.boundaries) + 1) * self.source_column._num_elements()

    @property
    def variable_shape(self):
        return tuple(self.source_column.shape) + (len(self.boundaries) + 1,)

    @property
    def parse_example_spec(self):
        return self.source_column.parse_example_spec

    def _transform(self, builder):
        values = self.source_column._dense(builder, False)  # [batch, n]
        bucket = _tf1.zeros_like(values, dtype=dtypes.int64)
        for b in self.boundaries:  # bucket i holds boundaries[i-1] <= v < boundaries[i]
            bucket = bucket + _tf1.cast(_tf1.greater_equal(values, float(b)), dtypes.int64)
        return bucket

    def _dense(self, builder, trainable):
        bucket = builder.get(self)
        one_hot = _tf1.one_hot(bucket, len(self.boundaries) + 1, dtype=dtypes.float32)
        return _tf1.reshape(one_hot, [-1, self.num_buckets])

    def _ids(self, builder):
        bucket = builder.get(self)  # ids offset per source element, as TF does
        n = self.source_column._num_elements()
        offsets = _tf1.constant(np.arange(n, dtype=np.int64) * (len(self.boundaries) + 1))
        return bucket + offsets

    def _num_elements(self):
        return self.num_buckets


def bucketized_column(source_column, boundaries):
    """Buckets of a numeric column: bucket i holds `boundaries[i-1] <= value < boundaries[i]`.

    As a dense column it is the one-hot of the bucket (per source element); as a categorical
    column its ids are the buckets.

    Args:
      source_column: A `numeric_column`.
      boundaries: A sorted list of floats.

    Returns:
      A `BucketizedColumn`.

    Raises:
      ValueError: if `source_column` is not a numeric column or `boundaries` is not sorted.
    """
    if not isinstance(source_column, NumericColumn):
        raise ValueError(f"source_column must be a column generated with numeric_column(). "
                         f"Given: {source_column}")
    if not isinstance(boundaries, (list, tuple)) or not boundaries or \
            any(b >= c for b, c in zip(boundaries, boundaries[1:])):
        raise ValueError(f"boundaries must be a sorted list. boundaries: {boundaries}")
    return BucketizedColumn(source_column, tuple(float(b) for b in boundaries))


def _string_or_int_ids(t):
    return t if t.dtype == dtypes.string else _tf1.cast(t, dtypes.int64)


class VocabularyListCategoricalColumn(_CategoricalColumn, collections.namedtuple(
        "VocabularyListCategoricalColumn",
        ["key", "vocabulary_list", "dtype", "default_value", "num_oov_buckets"])):
    """What `categorical_column_with_vocabulary_list` returns."""

    @property
    def name(self):
        return self.key

    @property
    def num_buckets(self):
        return len(self.vocabulary_list) + self.num_oov_buckets

    @property
    def parse_example_spec(self):
        return {self.key: _tf1.io.VarLenFeature(self.dtype)}

    def _transform(self, builder):
        values = _as_2d(_string_or_int_ids(builder.raw(self.key)))
        if (values.dtype == dtypes.string) != (self.dtype == dtypes.string):
            raise ValueError(f"Column dtype and SparseTensors dtype must be compatible. key: "
                             f"{self.key}, column dtype: {self.dtype}, tensor dtype: "
                             f"{values.dtype}")
        return _vocabulary_ids(values, self.vocabulary_list, self.default_value,
                               self.num_oov_buckets)

    def _ids(self, builder):
        return builder.get(self)


def _vocabulary_ids(values, vocabulary, default_value, num_oov_buckets):
    """int64 ids of `values` ([batch, k] strings or ints) in `vocabulary`; the others get
    `vocabulary size + hash bucket` when num_oov_buckets > 0, else `default_value`. A missing
    string (b"") or the int -1 stays -1 (no id)."""
    if num_oov_buckets:
        strings = values if values.dtype == dtypes.string else _tf1.strings.as_string(values)
        fallback = _tf1.strings.to_hash_bucket_fast(strings, num_oov_buckets) + len(vocabulary)
    else:
        fallback = _tf1.fill(_tf1.shape(values), _tf1.constant(default_value, dtypes.int64))
    ids = fallback
    for i, word in reversed(list(enumerate(vocabulary))):
        ids = _tf1.where(_tf1.equal(values, word), _tf1.fill(_tf1.shape(values),
                                                             _tf1.constant(i, dtypes.int64)),
                         ids)
    missing = _tf1.equal(values, b"" if values.dtype == dtypes.string else -1)
    return _tf1.where(missing, -_tf1.ones_like(ids), ids)


def categorical_column_with_vocabulary_list(key, vocabulary_list, dtype=None, default_value=-1,
                                            num_oov_buckets=0):
    """A categorical column whose ids are the positions of the feature's values in
    `vocabulary_list`.

    Args:
      key: The feature's name.
      vocabulary_list: The distinct values (strings or ints), in id order.
      dtype: The feature's dtype (default: string for string vocabularies, int64 otherwise).
      default_value: The id of an out-of-vocabulary value (default -1: no id); only without
        `num_oov_buckets`.
      num_oov_buckets: When > 0, out-of-vocabulary values get ids
        `[len(vocabulary_list), len(vocabulary_list) + num_oov_buckets)` by hashing.

    Returns:
      A `VocabularyListCategoricalColumn`.

    Raises:
      ValueError: an empty or duplicated vocabulary, a negative `num_oov_buckets`, both
        `default_value` and `num_oov_buckets`, or a dtype that does not match the vocabulary.
    """
    _check_key(key)
    if vocabulary_list is None or len(vocabulary_list) < 1:
        raise ValueError(f"vocabulary_list {vocabulary_list} must be non-empty, column_name: "
                         f"{key}")
    vocab = tuple(v.encode() if isinstance(v, str) else v for v in vocabulary_list)
    if len(set(vocab)) != len(vocab):
        raise ValueError(f"Duplicate keys in vocabulary_list {vocabulary_list}, column_name: "
                         f"{key}")
    is_string = isinstance(vocab[0], bytes)
    if any(isinstance(v, bytes) != is_string for v in vocab):
        raise ValueError(f"vocabulary_list {vocabulary_list} mixes strings and numbers, "
                         f"column_name: {key}")
    vocab_dtype = dtypes.string if is_string else dtypes.int64
    dtype = vocab_dtype if dtype is None else dtypes.as_dtype(dtype)
    if (dtype == dtypes.string) != is_string:
        raise ValueError(f"dtype {dtype} and vocabulary dtype {vocab_dtype} do not match, "
                         f"column_name: {key}")
    if not isinstance(num_oov_buckets, numbers.Integral) or num_oov_buckets < 0:
        raise ValueError(f"Invalid num_oov_buckets {num_oov_buckets}.")
    if num_oov_buckets and default_value != -1:
        raise ValueError(f"Can't specify both num_oov_buckets and default_value in {key}.")
    return VocabularyListCategoricalColumn(key, vocab, dtype, int(default_value),
                                           int(num_oov_buckets))


class VocabularyFileCategoricalColumn(_CategoricalColumn, collections.namedtuple(
        "VocabularyFileCategoricalColumn",
        ["key", "vocabulary_file", "vocabulary_size", "num_oov_buckets", "dtype",
         "default_value"])):
    """What `categorical_column_with_vocabulary_file` returns."""

    @property
    def name(self):
        return self.key

    @property
    def num_buckets(self):
        return self.vocabulary_size + self.num_oov_buckets

    @property
    def parse_example_spec(self):
        return {self.key: _tf1.io.VarLenFeature(self.dtype)}

    def _vocabulary(self):
        with open(self.vocabulary_file, "rb") as f:
            words = [line.rstrip(b"\r\n") for line in f]
        if len(words) < self.vocabulary_size:
            raise ValueError(f"Invalid vocab_size {self.vocabulary_size} > the "
                             f"{len(words)} lines of {self.vocabulary_file}.")
        words = words[:self.vocabulary_size]
        if self.dtype != dtypes.string:
            words = [int(w) for w in words]
        return tuple(words)

    def _transform(self, builder):
        values = _as_2d(_string_or_int_ids(builder.raw(self.key)))
        return _vocabulary_ids(values, self._vocabulary(), self.default_value,
                               self.num_oov_buckets)

    def _ids(self, builder):
        return builder.get(self)


def categorical_column_with_vocabulary_file(key, vocabulary_file, vocabulary_size=None,
                                            dtype=dtypes.string, default_value=None,
                                            num_oov_buckets=0):
    """A categorical column whose vocabulary is the lines of a text file (line i -> id i).

    Args:
      key: The feature's name.
      vocabulary_file: A text file, one value per line.
      vocabulary_size: Use only the first this many lines (default: all).
      dtype: string (default) or an integer type (the lines are then integers).
      default_value: The id of an out-of-vocabulary value (default -1: no id); only without
        `num_oov_buckets`.
      num_oov_buckets: Hash out-of-vocabulary values into this many extra ids.

    Returns:
      A `VocabularyFileCategoricalColumn`.

    Raises:
      ValueError: a missing file, a bad size, both default_value and num_oov_buckets.
    """
    _check_key(key)
    if not vocabulary_file or not isinstance(vocabulary_file, str):
        raise ValueError(f"Missing vocabulary_file in {key}.")
    if vocabulary_size is None:
        try:
            with open(vocabulary_file, "rb") as f:
                vocabulary_size = sum(1 for _ in f)
        except OSError as e:
            raise ValueError(f"vocabulary_file {vocabulary_file!r} of column {key} cannot be "
                             f"read: {e}") from e
    if vocabulary_size < 1:
        raise ValueError(f"Invalid vocabulary_size in {key}.")
    if num_oov_buckets < 0:
        raise ValueError(f"Invalid num_oov_buckets {num_oov_buckets} in {key}.")
    if num_oov_buckets and default_value is not None:
        raise ValueError(f"Can't specify both num_oov_buckets and default_value in {key}.")
    dtype = dtypes.as_dtype(dtype)
    if dtype != dtypes.string and not dtype.is_integer:
        raise ValueError(f"Invalid dtype {dtype} in {key}.")
    return VocabularyFileCategoricalColumn(key, vocabulary_file, int(vocabulary_size),
                                           int(num_oov_buckets), dtype,
                                           -1 if default_value is None else int(default_value))


class IdentityCategoricalColumn(_CategoricalColumn, collections.namedtuple(
        "IdentityCategoricalColumn", ["key", "number_buckets", "default_value"])):
    """What `categorical_column_with_identity` returns."""

    @property
    def name(self):
        return self.key

    @property
    def num_buckets(self):
        return self.number_buckets

    @property
    def parse_example_spec(self):
        return {self.key: _tf1.io.VarLenFeature(dtypes.int64)}

    def _transform(self, builder):
        values = _as_2d(builder.raw(self.key))
        if not values.dtype.is_integer:
            raise ValueError(f"Invalid input, not integer. key: {self.key} dtype: "
                             f"{values.dtype}")
        values = _tf1.cast(values, dtypes.int64)
        in_range = _tf1.logical_and(_tf1.greater_equal(values, 0),
                                    _tf1.less(values, self.number_buckets))
        if self.default_value is None:
            check = _tf1.debugging.assert_equal(
                _tf1.reduce_all(_tf1.logical_or(in_range, _tf1.equal(values, -1))), True,
                message=f"Bucket ids of {self.key} must be in [0, {self.number_buckets})")
            with _tf1.control_dependencies([check]):
                return _tf1.identity(values)
        return _tf1.where(in_range, values, _tf1.fill(_tf1.shape(values), _tf1.constant(
            self.default_value, dtypes.int64)))

    def _ids(self, builder):
        return builder.get(self)


def categorical_column_with_identity(key, num_buckets, default_value=None):
    """A categorical column whose ids are the feature's integer values, in [0, num_buckets).

    Args:
      key: The feature's name.
      num_buckets: The number of ids.
      default_value: The id of an out-of-range value (None: such a value is an error when the
        graph runs).

    Returns:
      An `IdentityCategoricalColumn`.

    Raises:
      ValueError: `num_buckets` < 1 or `default_value` out of range.
    """
    _check_key(key)
    if not isinstance(num_buckets, numbers.Integral) or num_buckets < 1:
        raise ValueError(f"num_buckets {num_buckets} < 1, column_name {key}")
    if default_value is not None and not 0 <= default_value < num_buckets:
        raise ValueError(f"default_value {default_value} not in range [0, {num_buckets}), "
                         f"column_name {key}")
    return IdentityCategoricalColumn(key, int(num_buckets), default_value)


class HashedCategoricalColumn(_CategoricalColumn, collections.namedtuple(
        "HashedCategoricalColumn", ["key", "hash_bucket_size", "dtype"])):
    """What `categorical_column_with_hash_bucket` returns."""

    @property
    def name(self):
        return self.key

    @property
    def num_buckets(self):
        return self.hash_bucket_size

    @property
    def parse_example_spec(self):
        return {self.key: _tf1.io.VarLenFeature(self.dtype)}

    def _transform(self, builder):
        values = _as_2d(builder.raw(self.key))
        if values.dtype != dtypes.string and not values.dtype.is_integer:
            raise ValueError(f"dtype must be string or integer. dtype: {values.dtype}, "
                             f"column_name: {self.key}")
        missing = _tf1.equal(values, b"" if values.dtype == dtypes.string else -1)
        strings = values if values.dtype == dtypes.string else _tf1.strings.as_string(values)
        ids = _tf1.strings.to_hash_bucket_fast(strings, self.hash_bucket_size)
        return _tf1.where(missing, -_tf1.ones_like(ids), ids)

    def _ids(self, builder):
        return builder.get(self)


def categorical_column_with_hash_bucket(key, hash_bucket_size, dtype=dtypes.string):
    """A categorical column whose ids are the feature's values hashed (TensorFlow's
    Fingerprint64, integers via their decimal strings) into `hash_bucket_size` buckets.

    Args:
      key: The feature's name.
      hash_bucket_size: The number of buckets (> 1).
      dtype: The feature's dtype (string or an integer type).

    Returns:
      A `HashedCategoricalColumn`.

    Raises:
      ValueError: a bucket count < 2 or a dtype that is neither string nor integer.
    """
    _check_key(key)
    if hash_bucket_size is None or hash_bucket_size < 1:
        raise ValueError(f"hash_bucket_size must be set. key: {key}")
    dtype = dtypes.as_dtype(dtype)
    if dtype != dtypes.string and not dtype.is_integer:
        raise ValueError(f"dtype must be string or integer. dtype: {dtype}, column_name: {key}")
    return HashedCategoricalColumn(key, int(hash_bucket_size), dtype)


class CrossedColumn(_CategoricalColumn, collections.namedtuple(
        "CrossedColumn", ["keys", "hash_bucket_size", "hash_key"])):
    """What `crossed_column` returns: the hashed combination of several features."""

    @property
    def name(self):
        return "_X_".join(sorted(k if isinstance(k, str) else k.name for k in self.keys))

    @property
    def num_buckets(self):
        return self.hash_bucket_size

    @property
    def parse_example_spec(self):
        spec = {}
        for k in self.keys:
            if isinstance(k, str):
                spec[k] = _tf1.io.VarLenFeature(dtypes.string)
            else:
                spec.update(k.parse_example_spec)
        return spec

    def _transform(self, builder):
        from ..ops.lookup_ops import cross_hashed_dense
        parts = []
        for k in self.keys:
            t = _as_2d(builder.raw(k)) if isinstance(k, str) else k._ids(builder)
            if t.shape.rank == 2 and t.shape.as_list()[1] not in (1, None):
                raise ValueError(f"crossed_column {self.name}: each crossed feature must hold "
                                 f"one value per example; {k} has shape {t.shape}.")
            parts.append(t if t.dtype == dtypes.string else _tf1.cast(t, dtypes.int64))
        return cross_hashed_dense(parts, self.hash_bucket_size)

    def _ids(self, builder):
        return builder.get(self)


def crossed_column(keys, hash_bucket_size, hash_key=None):
    """The cross of several features (feature names or categorical columns), hashed into
    `hash_bucket_size` buckets as TensorFlow's sparse_cross_hashed does (one value per
    example and feature).

    Args:
      keys: Feature names (strings) and categorical columns (not hashed ones), at least two.
      hash_bucket_size: The number of buckets.
      hash_key: Must be None (TensorFlow's default key).

    Returns:
      A `CrossedColumn`.

    Raises:
      ValueError: fewer than two keys, a bad bucket count, a hashed column or a hash_key.
    """
    if not hash_bucket_size or hash_bucket_size < 1:
        raise ValueError(f"hash_bucket_size must be > 1. hash_bucket_size: {hash_bucket_size}")
    if not keys or len(keys) < 2:
        raise ValueError(f"keys must be a list with length > 1. Given: {keys}")
    for k in keys:
        if not isinstance(k, (str, _CategoricalColumn)):
            raise ValueError(f"Unsupported key type. All keys must be either string, or "
                             f"categorical column except HashedCategoricalColumn. Given: {k}")
        if isinstance(k, HashedCategoricalColumn):
            raise ValueError(f"categorical_column_with_hash_bucket is not supported for "
                             f"crossing. Hashing before crossing will increase probability of "
                             f"collision. Instead, use the feature name as a string. Given: {k}")
    if hash_key is not None:
        raise ValueError("crossed_column: only TensorFlow's default hash_key is supported.")
    return CrossedColumn(tuple(keys), int(hash_bucket_size), None)


def _valid_one_hot(ids, num_buckets):
    """[batch, k] ids (-1 = none) -> [batch, k, num_buckets] float32 one-hot (zero rows
    for -1)."""
    return _tf1.one_hot(ids, num_buckets, dtype=dtypes.float32)


class IndicatorColumn(_DenseColumn, collections.namedtuple("IndicatorColumn",
                                                            ["categorical_column"])):
    """What `indicator_column` returns: the multi-hot of a categorical column's ids."""

    @property
    def name(self):
        return f"{self.categorical_column.name}_indicator"

    @property
    def parse_example_spec(self):
        return self.categorical_column.parse_example_spec

    @property
    def variable_shape(self):
        return (self.categorical_column.num_buckets,)

    def _transform(self, builder):
        ids = self.categorical_column._ids(builder)
        return _tf1.reduce_sum(_valid_one_hot(ids, self.categorical_column.num_buckets), axis=1)

    def _dense(self, builder, trainable):
        return builder.get(self)


def indicator_column(categorical_column):
    """The multi-hot representation of a categorical column: [batch, num_buckets], entry i
    counting how often id i occurs in the example.

    Args:
      categorical_column: A categorical column (vocabulary, identity, bucketized...).

    Returns:
      An `IndicatorColumn`.

    Raises:
      ValueError: if the argument is not a categorical column.
    """
    if not isinstance(categorical_column, _CategoricalColumn):
        raise ValueError(f"categorical_column must be a categorical column. Given: "
                         f"{categorical_column}")
    return IndicatorColumn(categorical_column)


class EmbeddingColumn(_DenseColumn, collections.namedtuple(
        "EmbeddingColumn", ["categorical_column", "dimension", "combiner", "initializer",
                            "max_norm", "trainable"])):
    """What `embedding_column` returns: learned vectors of a categorical column's ids."""

    @property
    def name(self):
        return f"{self.categorical_column.name}_embedding"

    @property
    def parse_example_spec(self):
        return self.categorical_column.parse_example_spec

    @property
    def variable_shape(self):
        return (self.dimension,)

    def _transform(self, builder):
        return self.categorical_column._ids(builder)

    def _dense(self, builder, trainable):
        ids = builder.get(self)
        weights = _tf1.get_variable("embedding_weights",
                                    [self.categorical_column.num_buckets, self.dimension],
                                    dtype=dtypes.float32, initializer=self.initializer,
                                    trainable=self.trainable and trainable)
        return _combine(ids, weights, self.combiner, self.max_norm)


def _combine(ids, weights, combiner, max_norm=None):
    """The `combiner` ('sum', 'mean', 'sqrtn') of the rows of `weights` for the valid ids of
    each example ([batch, k], -1 = none); examples without ids give zeros."""
    valid = _tf1.greater_equal(ids, 0)
    rows = _tf1.gather(weights, _tf1.maximum(ids, 0))  # [batch, k, dim]
    if max_norm is not None:
        rows = _tf1.clip_by_norm(rows, max_norm, axes=[2])
    mask = _tf1.cast(valid, dtypes.float32)
    total = _tf1.reduce_sum(rows * _tf1.expand_dims(mask, -1), axis=1)
    count = _tf1.reduce_sum(mask, axis=1, keepdims=True)
    if combiner == "sum":
        return total
    if combiner == "mean":
        return total / _tf1.maximum(count, 1.0)
    return total / _tf1.maximum(_tf1.sqrt(count), 1.0)


def embedding_column(categorical_column, dimension, combiner="mean", initializer=None,
                     ckpt_to_load_from=None, tensor_name_in_ckpt=None, max_norm=None,
                     trainable=True):
    """A dense column of learned `dimension`-vectors, one per id of a categorical column,
    combined per example by `combiner`.

    Args:
      categorical_column: A categorical column.
      dimension: The embedding size (an int > 0).
      combiner: 'mean' (default), 'sqrtn' or 'sum' over an example's ids.
      initializer: The initializer of the embedding table (default truncated normal with
        stddev 1 / sqrt(dimension)).
      ckpt_to_load_from: Not supported (must be None).
      tensor_name_in_ckpt: Not supported (must be None).
      max_norm: If given, each vector is clipped to this L2 norm before combining.
      trainable: Whether the table is trained.

    Returns:
      An `EmbeddingColumn`; its table is `<column name>_embedding/embedding_weights`.

    Raises:
      ValueError: a bad dimension or combiner, or a checkpoint to load from.
    """
    if not isinstance(dimension, numbers.Integral) or dimension < 1:
        raise ValueError(f"Invalid dimension {dimension}.")
    if combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError(f"combiner must be one of 'mean', 'sqrtn', 'sum'; got {combiner!r}.")
    if ckpt_to_load_from is not None or tensor_name_in_ckpt is not None:
        raise ValueError("embedding_column: ckpt_to_load_from / tensor_name_in_ckpt are not "
                         "supported by ndflow; restore the table with a Saver instead.")
    if initializer is not None and not callable(initializer):
        raise ValueError("initializer must be callable if specified. Embedding of column_name: "
                         f"{categorical_column.name}")
    if not isinstance(categorical_column, _CategoricalColumn):
        raise ValueError(f"categorical_column must be a categorical column. Given: "
                         f"{categorical_column}")
    if initializer is None:
        initializer = truncated_normal_initializer(0.0, 1.0 / math.sqrt(dimension))
    return EmbeddingColumn(categorical_column, int(dimension), combiner, initializer, max_norm,
                           bool(trainable))


def _check_columns(feature_columns):
    if isinstance(feature_columns, _FeatureColumn):
        feature_columns = [feature_columns]
    feature_columns = list(feature_columns or ())
    if not feature_columns:
        raise ValueError("feature_columns must not be empty.")
    names = [c.name for c in feature_columns if isinstance(c, _FeatureColumn)]
    for c in feature_columns:
        if not isinstance(c, _FeatureColumn):
            raise ValueError(f"Items of feature_columns must be a FeatureColumn. Given (type "
                             f"{type(c)}): {c}.")
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"Duplicate feature column name found for columns: {dup}.")
    return sorted(feature_columns, key=lambda c: c.name)


def input_layer(features, feature_columns, weight_collections=None, trainable=True,
                cols_to_vars=None, cols_to_output_tensors=None):
    """TF1: the dense input of a model: each column's tensor ([batch, n]), in the order of
    the columns' names, concatenated along axis 1.

    Args:
      features: A dict from feature name to tensor (or array).
      feature_columns: Dense columns (numeric, bucketized, indicator, embedding).
      weight_collections: Collections to add the columns' variables to as well.
      trainable: Whether the columns' variables are trainable.
      cols_to_vars: Optional dict filled with column -> list of its variables.
      cols_to_output_tensors: Optional dict filled with column -> its output tensor.

    Returns:
      A float32 tensor [batch, sum of the columns' sizes].

    Raises:
      ValueError: an empty list, a categorical column (wrap it in `indicator_column` or
        `embedding_column`), or a feature missing from `features`.
    """
    columns = _check_columns(feature_columns)
    for c in columns:
        if not isinstance(c, _DenseColumn):
            raise ValueError(f"Items of feature_columns must be a _DenseColumn. You can wrap a "
                             f"categorical column with an embedding_column or indicator_column. "
                             f"Given: {c}")
    builder = _Builder(features)
    outputs = []
    with _tf1.variable_scope(None, default_name="input_layer"):
        for column in columns:
            with _tf1.variable_scope(None, default_name=column._var_scope_name):
                before = set(_tf1.global_variables())
                tensor = column._dense(builder, trainable)
                made = [v for v in _tf1.global_variables() if v not in before]
                for key in weight_collections or ():
                    for v in made:
                        _tf1.add_to_collection(key, v)
                if cols_to_vars is not None:
                    cols_to_vars[column] = made
                tensor = _tf1.reshape(tensor, [-1, int(np.prod(column.variable_shape))])
                if cols_to_output_tensors is not None:
                    cols_to_output_tensors[column] = tensor
                outputs.append(tensor)
        return _tf1.concat(outputs, 1)


def linear_model(features, feature_columns, units=1, sparse_combiner="sum",
                 weight_collections=None, trainable=True, cols_to_vars=None):
    """TF1: a linear prediction `sum over columns of column @ weights + bias_weights`
    ([batch, units]); weights start at zero.

    Dense columns multiply their [batch, n] tensor by `<column>/weights` [n, units];
    categorical columns add the rows of `<column>/weights` [num_buckets, units] of their
    ids, combined by `sparse_combiner`.

    Args:
      features: A dict from feature name to tensor.
      feature_columns: Dense or categorical columns.
      units: The number of outputs.
      sparse_combiner: 'sum' (default), 'mean' or 'sqrtn' for categorical columns.
      weight_collections: Collections to add the variables to as well.
      trainable: Whether the variables are trainable.
      cols_to_vars: Optional dict filled with column -> [weights] (and 'bias' -> [bias]).

    Returns:
      A float32 tensor [batch, units].

    Raises:
      ValueError: an empty list, a bad `sparse_combiner`, or a missing feature.
    """
    if sparse_combiner not in ("sum", "mean", "sqrtn"):
        raise ValueError(f"sparse_combiner must be one of 'mean', 'sqrtn', 'sum'; got "
                         f"{sparse_combiner!r}.")
    columns = _check_columns(feature_columns)
    builder = _Builder(features)
    parts, made = [], []
    with _tf1.variable_scope(None, default_name="linear_model"):
        for column in columns:
            with _tf1.variable_scope(None, default_name=column._var_scope_name):
                if isinstance(column, _DenseColumn):
                    dense = _tf1.reshape(column._dense(builder, trainable),
                                         [-1, int(np.prod(column.variable_shape))])
                    w = _tf1.get_variable("weights", [int(dense.shape[1]), units],
                                          initializer=zeros_initializer(), trainable=trainable)
                    parts.append(_tf1.matmul(dense, w))
                else:
                    w = _tf1.get_variable("weights", [column.num_buckets, units],
                                          initializer=zeros_initializer(), trainable=trainable)
                    parts.append(_combine(column._ids(builder), w, sparse_combiner))
                made.append(w)
                if cols_to_vars is not None:
                    cols_to_vars[column] = [w]
        bias = _tf1.get_variable("bias_weights", [units], initializer=zeros_initializer(),
                                 trainable=trainable)
        for key in weight_collections or ():
            for v in made + [bias]:
                _tf1.add_to_collection(key, v)
        if cols_to_vars is not None:
            cols_to_vars["bias"] = [bias]
        return _tf1.nn.bias_add(_tf1.add_n(parts), bias, name="weighted_sum")


def make_parse_example_spec(feature_columns):
    """The `parse_example` spec (feature name -> FixedLenFeature / VarLenFeature) the
    columns need.

    Args:
      feature_columns: An iterable of feature columns.

    Returns:
      A dict.
    """
    spec = {}
    for c in feature_columns:
        if not isinstance(c, _FeatureColumn):
            raise ValueError(f"All feature_columns must be FeatureColumn instances. Given: {c}")
        spec.update(c.parse_example_spec)
    return spec


NAMES = {
    "numeric_column": numeric_column, "bucketized_column": bucketized_column,
    "categorical_column_with_vocabulary_list": categorical_column_with_vocabulary_list,
    "categorical_column_with_identity": categorical_column_with_identity,
    "categorical_column_with_vocabulary_file": categorical_column_with_vocabulary_file,
    "categorical_column_with_hash_bucket": categorical_column_with_hash_bucket,
    "crossed_column": crossed_column,
    "indicator_column": indicator_column, "embedding_column": embedding_column,
    "make_parse_example_spec": make_parse_example_spec,
}
V1_NAMES = dict(NAMES, input_layer=input_layer, linear_model=linear_model)
