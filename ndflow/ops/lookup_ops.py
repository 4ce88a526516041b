"""Lookup tables (tf.lookup): StaticHashTable, StaticVocabularyTable, MutableHashTable,
DenseHashTable and their initializers.

A table is a stateful resource, held by the graph ops that use it as an attribute (as
queues and dataset iterators are). Its contents live in the store the op runs against:
eagerly, and in traced tf.functions, on the table object itself; under a TF1 Session, in
that Session's store, so each Session initializes (`tf.compat.v1.tables_initializer()`)
and fills its own copy, as each TensorFlow session owns its resources. A table's
contents are an immutable `_Contents`; every change makes a new one, so a failing run
that the Session rolls back leaves the table as it was.
"""
import os

import numpy as np

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.context import building_graph, init_scope, state
from ..framework.errors import (FailedPreconditionError, InvalidArgumentError,
                                NotFoundError)
from ..framework.graph import FuncGraph, Operation, get_default_graph
from ..framework.registry import execute, op
from ..framework.tensor import EagerTensor, SymbolicTensor, TensorLike
from ..framework.tensor_shape import TensorShape
from ..util.export import export_many
from . import string_ops
from .sparse_tensor import SparseTensor

TABLE_INITIALIZERS = "table_initializer"   # tf.compat.v1.GraphKeys.TABLE_INITIALIZERS


# --- contents ---------------------------------------------------------------------------------

def _py_key(k):
    return k if isinstance(k, bytes) else k.item() if hasattr(k, "item") else k


class _Contents:
    """Immutable key -> value contents: `keys` (1-D) and `values` ([n] + value_shape), with
    a dict from each key to its row."""

    __slots__ = ("keys", "values", "index")

    def __init__(self, keys, values):
        self.keys, self.values = keys, values
        self.index = {_py_key(k): i for i, k in enumerate(keys)}

    def find(self, keys, default):
        flat = keys.reshape(-1)
        if flat.size == 0 or not self.index:
            rows = np.full(flat.shape, -1, np.int64)
        else:
            # Distinct keys only: a batch of text repeats its words many times.
            uniq, inverse = np.unique(flat, return_inverse=True)
            get = self.index.get
            rows = np.fromiter((get(_py_key(k), -1) for k in uniq), np.int64,
                               len(uniq))[inverse.reshape(-1)]
        value_shape = self.values.shape[1:]
        default = np.broadcast_to(np.asarray(default, self.values.dtype),
                                  keys.shape + value_shape).reshape((flat.size,) + value_shape)
        out = np.empty((flat.size,) + value_shape, self.values.dtype)
        hit = rows >= 0
        out[hit] = self.values[rows[hit]]
        out[~hit] = default[~hit]
        return out.reshape(keys.shape + value_shape)

    def updated(self, keys, values):
        merged = dict(zip(map(_py_key, self.keys), self.values))
        merged.update(zip(map(_py_key, keys), values))
        return _from_dict(merged, self.keys.dtype, self.values)

    def without(self, keys):
        drop = set(map(_py_key, keys))
        keep = [i for i, k in enumerate(self.keys) if _py_key(k) not in drop]
        return _Contents(self.keys[keep], self.values[keep])


def _from_dict(d, key_np, like_values):
    keys = np.empty(len(d), key_np)
    keys[:] = list(d.keys()) if d else []
    values = np.empty((len(d),) + like_values.shape[1:], like_values.dtype)
    for i, v in enumerate(d.values()):
        values[i] = v
    return _Contents(keys, values)


def _np_dtype(dtype):
    return np.dtype(object) if dtype == dtypes.string else dtype._np


def _empty(key_dtype, value_dtype, value_shape=()):
    return _Contents(np.empty(0, _np_dtype(key_dtype)),
                     np.empty((0,) + tuple(value_shape), _np_dtype(value_dtype)))


# --- ops --------------------------------------------------------------------------------------

def _contents(store, table, required=True):
    if isinstance(store, dict):              # a Session's store
        found = dict.get(store, table)
    else:                                    # eager code and traced functions
        found = table._eager_contents
    if found is None and hasattr(table, "_initial_contents"):
        return table._initial_contents() if required else None  # mutable: starts empty
    if found is None and required:
        raise FailedPreconditionError(
            f"Table not initialized: {type(table).__name__} '{table.name}'. Run its "
            "initializer first (tf.compat.v1.tables_initializer()).")
    return found


def _set_contents(store, table, contents):
    if isinstance(store, dict):
        store[table] = contents
    else:
        table._eager_contents = contents


def _no_outputs(ts, attrs):
    return []


def _static_contents(table, keys, values):
    """Contents of a static table from its initializer's keys and values (1-D each)."""
    if keys.ndim != 1 or values.ndim != 1 or keys.shape[0] != values.shape[0]:
        raise InvalidArgumentError(
            f"{type(table).__name__} '{table.name}': the initializer's keys and values must "
            f"be vectors of one length; got shapes {keys.shape} and {values.shape}.")
    seen = {}
    for k, v in zip(keys, values):
        k = _py_key(k)
        if k in seen and seen[k] != _py_key(v):
            raise FailedPreconditionError(
                f"{type(table).__name__} '{table.name}' has different values for the same "
                f"key: key {k!r} has {seen[k]!r} and the initializer adds {_py_key(v)!r}.")
        seen[k] = _py_key(v)
    return _Contents(np.asarray(keys), np.asarray(values))


@op("LookupTableImport", host=True, side_effect=True, uses_store=True, differentiable=False,
    infer=_no_outputs)
def TABLE_IMPORT(xp, store, keys, values, table):
    _set_contents(store, table, _static_contents(table, keys, values))


@op("InitializeTableFromTextFile", host=True, side_effect=True, uses_store=True,
    differentiable=False, infer=_no_outputs)
def TABLE_FROM_FILE(xp, store, table, initializer):
    keys, values = initializer._read()
    _set_contents(store, table, _static_contents(table, keys, values))


def _find_infer(ts, attrs):
    table = attrs["table"]
    keys = ts[0].shape
    out = TensorShape(None) if keys.rank is None else \
        keys.concatenate(TensorShape(table._value_shape))
    return [(out, table.value_dtype)]


@op("LookupTableFind", host=True, stateful=True, uses_store=True, differentiable=False,
    infer=_find_infer)
def TABLE_FIND(xp, store, keys, default_value, table):
    contents = _contents(store, table)
    return contents.find(np.asarray(keys), default_value)


@op("LookupTableSize", host=True, stateful=True, uses_store=True, differentiable=False,
    infer=lambda ts, a: [(TensorShape([]), dtypes.int64)])
def TABLE_SIZE(xp, store, table):
    return np.asarray(len(_contents(store, table).keys), np.int64)


@op("LookupTableExport", host=True, stateful=True, uses_store=True, differentiable=False,
    multi_output=True,
    infer=lambda ts, a: [(TensorShape([None]), a["table"].key_dtype),
                         (TensorShape([None] + list(a["table"]._value_shape)),
                          a["table"].value_dtype)])
def TABLE_EXPORT(xp, store, table):
    contents = _contents(store, table)
    return [contents.keys.copy(), contents.values.copy()]



@op("LookupTableInsert", host=True, side_effect=True, uses_store=True, differentiable=False,
    infer=_no_outputs)
def TABLE_INSERT(xp, store, keys, values, table):
    table._check_insert(keys, values)
    contents = _contents(store, table, required=False) or table._initial_contents()
    flat_keys = keys.reshape(-1)
    flat_values = values.reshape((flat_keys.size,) + tuple(table._value_shape))
    _set_contents(store, table, contents.updated(flat_keys, flat_values))


@op("LookupTableRemove", host=True, side_effect=True, uses_store=True, differentiable=False,
    infer=_no_outputs)
def TABLE_REMOVE(xp, store, keys, table):
    table._check_remove(keys)
    contents = _contents(store, table, required=False) or table._initial_contents()
    _set_contents(store, table, contents.without(keys.reshape(-1)))


# --- the Python API ---------------------------------------------------------------------------

_table_ids = iter(range(1, 1 << 62))


def _table_graph(*tensors):
    """The TF1 graph a table's ops go into, or None to run them now (eagerly; tables made
    while a tf.function traces are made eagerly too, as TensorFlow lifts them out)."""
    for t in tensors:
        if isinstance(t, SymbolicTensor):
            return t.graph
    g = state.building
    if isinstance(g, FuncGraph):
        return None
    if g is not None:
        return g
    return get_default_graph() if state.eager_disabled else None


def _check_keys(table, keys, dtype):
    if keys.dtype != dtype:
        raise TypeError(f"{type(table).__name__} '{table.name}': keys must have dtype "
                        f"{dtype.name} (the table's key dtype); got keys of dtype "
                        f"{keys.dtype.name}.")


def _as_keys(table, keys, dtype, arg="keys"):
    if isinstance(keys, TensorLike):
        _check_keys(table, keys, dtype)
        return convert_to_tensor(keys)
    arr = np.asarray(keys)
    if dtype == dtypes.string:
        if arr.dtype.kind not in "USO":
            raise TypeError(f"{type(table).__name__} '{table.name}': {arg} must be strings "
                            f"(the table's key dtype is string); got {arr.dtype} values.")
    elif arr.dtype.kind in "USO" or (arr.dtype.kind == "f" and dtype.is_integer):
        raise TypeError(f"{type(table).__name__} '{table.name}': {arg} must have dtype "
                        f"{dtype.name} (the table's key dtype); got {arr.dtype} values.")
    return convert_to_tensor(keys, dtype=dtype)


class _Table:
    """What every table shares: dtypes, a name, contents per store and the ops on them."""

    _value_shape = ()

    def __init__(self, key_dtype, value_dtype, name):
        self._key_dtype = dtypes.as_dtype(key_dtype)
        self._value_dtype = dtypes.as_dtype(value_dtype)
        self._name = name or type(self).__name__
        self._eager_contents = None
        self._id = next(_table_ids)

    def __hash__(self):
        return self._id

    def __eq__(self, other):
        return self is other

    @property
    def key_dtype(self):
        """The table's key dtype."""
        return self._key_dtype

    @property
    def value_dtype(self):
        """The table's value dtype."""
        return self._value_dtype

    @property
    def name(self):
        return self._name

    @property
    def resource_handle(self):
        return self

    def _run(self, opdef, inputs, attrs, name):
        graph = _table_graph(*inputs)
        with building_graph(graph) if graph is not None and graph is not state.building \
                else _nullcontext():
            return execute(opdef, tuple(inputs), dict(attrs, table=self), name)

    def size(self, name=None):
        """The number of elements in the table (int64 scalar)."""
        return self._run(TABLE_SIZE, (), {}, name)

    def _lookup_dense(self, keys, default_value, name):
        keys = _as_keys(self, keys, self._key_dtype)
        return self._run(TABLE_FIND, (keys, default_value), {}, name)

    def lookup(self, keys, name=None):
        """Looks up `keys` (a Tensor, SparseTensor or RaggedTensor of the key dtype); keys
        not in the table give the default value.

        Raises:
          TypeError: `keys` do not have the table's key dtype.
          FailedPreconditionError: the table was not initialized (TF1).
        """
        return _map_values(keys, lambda k: self._lookup_dense(k, self._default(), name))


class _nullcontext:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _map_values(keys, fn):
    if isinstance(keys, SparseTensor):
        return SparseTensor(keys.indices, fn(keys.values), keys.dense_shape)
    if hasattr(keys, "flat_values") and hasattr(keys, "with_flat_values"):  # RaggedTensor
        return keys.with_flat_values(fn(keys.flat_values))
    return fn(keys)


# --- initializers -----------------------------------------------------------------------------

class TableInitializerBase:
    """Base of table initializers: key and value dtypes."""

    def __init__(self, key_dtype, value_dtype):
        self._key_dtype = dtypes.as_dtype(key_dtype)
        self._value_dtype = dtypes.as_dtype(value_dtype)

    @property
    def key_dtype(self):
        return self._key_dtype

    @property
    def value_dtype(self):
        return self._value_dtype


def _tensor_of(value, dtype, what):
    if isinstance(value, TensorLike):
        if dtype is not None and value.dtype != dtypes.as_dtype(dtype):
            raise TypeError(f"KeyValueTensorInitializer: {what} have dtype "
                            f"{value.dtype.name} but {what[:-1]}_dtype is "
                            f"{dtypes.as_dtype(dtype).name}.")
        return value
    if dtype is not None and dtypes.as_dtype(dtype) == dtypes.string:
        arr = np.asarray(value)
        if arr.dtype.kind not in "USO":
            raise TypeError(f"KeyValueTensorInitializer: {what} must be strings for dtype "
                            f"string; got {arr.dtype} values.")
    return convert_to_tensor(value, dtype=dtype)


class KeyValueTensorInitializer(TableInitializerBase):
    """tf.lookup.KeyValueTensorInitializer: a table's contents from a vector of keys and a
    vector of values of the same length.

    Args:
      keys: the keys (tensor or Python/NumPy values), converted to `key_dtype`.
      values: the values, converted to `value_dtype`.
      key_dtype, value_dtype: the dtypes (default: inferred from `keys`, `values`).
      name: a name for the operation.
    """

    def __init__(self, keys, values, key_dtype=None, value_dtype=None, name=None):
        graph = _table_graph(keys, values)
        with building_graph(graph) if graph is not None else init_scope():
            self._keys = _tensor_of(keys, key_dtype, "keys")
            self._values = _tensor_of(values, value_dtype, "values")
        self._name = name or "key_value_init"
        super().__init__(self._keys.dtype, self._values.dtype)

    def initialize(self, table):
        """Fills `table`: runs now eagerly, or returns the init op of a TF1 graph."""
        return table._run(TABLE_IMPORT, (self._keys, self._values), {}, self._name)


class TextFileIndex:
    """Which part of a text file line becomes a key or value: a column number (split on
    the delimiter), the whole line, or the line number."""
    WHOLE_LINE = -2
    LINE_NUMBER = -1


class TextFileInitializer(TableInitializerBase):
    """tf.lookup.TextFileInitializer: a table's contents from a text file, one entry per
    line. `key_index`/`value_index` pick the column (after splitting each line on
    `delimiter`), `TextFileIndex.WHOLE_LINE` or `TextFileIndex.LINE_NUMBER` (int64, plus
    `value_index_offset` for values). `vocab_size` reads only the first lines (the file
    must have at least that many). The file is read when the table is initialized.

    Raises (when the table is initialized):
      NotFoundError: the file does not exist or cannot be read (the message names it).
      InvalidArgumentError: a line lacks the column asked for, a value does not parse, or
        the file has fewer than `vocab_size` lines.
    """

    def __init__(self, filename, key_dtype, key_index, value_dtype, value_index,
                 vocab_size=None, delimiter="\t", name=None, value_index_offset=0):
        key_dtype, value_dtype = dtypes.as_dtype(key_dtype), dtypes.as_dtype(value_dtype)
        if isinstance(filename, TensorLike):
            filename = filename.numpy()
        if isinstance(filename, bytes):
            filename = filename.decode("utf-8")
        filename = os.fspath(filename)
        if not filename:
            raise ValueError("TextFileInitializer: filename must be a non-empty path.")
        for index, dtype, what in ((key_index, key_dtype, "key"),
                                   (value_index, value_dtype, "value")):
            if index < -2:
                raise ValueError(f"TextFileInitializer: invalid {what}_index {index}; use a "
                                 "column number >= 0, TextFileIndex.WHOLE_LINE or "
                                 "TextFileIndex.LINE_NUMBER.")
            if index == TextFileIndex.LINE_NUMBER and dtype != dtypes.int64:
                raise ValueError(f"TextFileInitializer: a {what} from LINE_NUMBER must have "
                                 f"dtype int64; got {dtype.name}.")
            if index == TextFileIndex.WHOLE_LINE and dtype != dtypes.string and \
                    not dtype.is_integer:
                raise ValueError(f"TextFileInitializer: a {what} from WHOLE_LINE must be a "
                                 f"string or integer; got {dtype.name}.")
        if vocab_size is not None and int(vocab_size) <= 0:
            raise ValueError(f"TextFileInitializer: invalid vocab_size {vocab_size}; it must "
                             "be positive.")
        self._filename = filename
        self.key_index, self.value_index = int(key_index), int(value_index)
        self._vocab_size = None if vocab_size is None else int(vocab_size)
        self._delimiter = delimiter
        self._offset = int(value_index_offset)
        self._name = name or "text_file_init"
        super().__init__(key_dtype, value_dtype)

    def initialize(self, table):
        return table._run(TABLE_FROM_FILE, (), {"initializer": self}, self._name)

    def _read(self):
        try:
            with open(self._filename, "rb") as f:
                data = f.read()
        except OSError as e:
            raise NotFoundError(f"TextFileInitializer: cannot read {self._filename}: "
                                f"{e.strerror or e}") from None
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        lines = [ln[:-1] if ln.endswith(b"\r") else ln for ln in lines]
        if self._vocab_size is not None:
            if len(lines) < self._vocab_size:
                raise InvalidArgumentError(
                    f"TextFileInitializer: invalid vocab_size in {self._filename}: expected "
                    f"{self._vocab_size} lines but the file has {len(lines)}.")
            lines = lines[:self._vocab_size]
        delim = self._delimiter.encode() if isinstance(self._delimiter, str) else \
            self._delimiter
        keys = [self._field(ln, n, self.key_index, self._key_dtype, 0, delim)
                for n, ln in enumerate(lines)]
        values = [self._field(ln, n, self.value_index, self._value_dtype, self._offset,
                              delim) for n, ln in enumerate(lines)]
        return (np.array(keys, _np_dtype(self._key_dtype)).reshape(-1),
                np.array(values, _np_dtype(self._value_dtype)).reshape(-1))

    def _field(self, line, number, index, dtype, offset, delim):
        if index == TextFileIndex.LINE_NUMBER:
            return number + offset
        if index == TextFileIndex.WHOLE_LINE:
            text = line
        else:
            cols = line.split(delim)
            if index >= len(cols):
                raise InvalidArgumentError(
                    f"TextFileInitializer: invalid number of columns in {self._filename} "
                    f"line {number} ({line!r}): expected at least {index + 1}, got "
                    f"{len(cols)}.")
            text = cols[index]
        if dtype == dtypes.string:
            return text
        try:
            return int(text) if dtype.is_integer else float(text)
        except ValueError:
            raise InvalidArgumentError(
                f"TextFileInitializer: field {text!r} of {self._filename} line {number} is "
                f"not a valid {dtype.name}.") from None


class TextFileStringTableInitializer(TextFileInitializer):
    """Keys from a column (default: the whole line) as strings, values the line numbers."""

    def __init__(self, filename, key_column_index=TextFileIndex.LINE_NUMBER,
                 value_column_index=TextFileIndex.WHOLE_LINE, vocab_size=None,
                 delimiter="\t", name="text_file_string_table_init"):
        super().__init__(filename, dtypes.int64, key_column_index, dtypes.string,
                         value_column_index, vocab_size, delimiter, name)


class TextFileIdTableInitializer(TextFileInitializer):
    """Keys from the whole line (strings), values their line numbers (int64)."""

    def __init__(self, filename, key_column_index=TextFileIndex.WHOLE_LINE,
                 value_column_index=TextFileIndex.LINE_NUMBER, vocab_size=None,
                 delimiter="\t", name="text_file_id_table_init", key_dtype=dtypes.string):
        super().__init__(filename, key_dtype, key_column_index, dtypes.int64,
                         value_column_index, vocab_size, delimiter, name)


# --- static tables ----------------------------------------------------------------------------

class StaticHashTable(_Table):
    """tf.lookup.StaticHashTable: an immutable map filled once by its initializer; missing
    keys give `default_value`.

    Eagerly (TF2) the table is filled when it is made. In a TF1 graph its init op joins
    the `table_initializer` collection: run `tf.compat.v1.tables_initializer()` in each
    Session before looking anything up.

    >>> table = tf.lookup.StaticHashTable(
    ...     tf.lookup.KeyValueTensorInitializer(["a", "b"], [1, 2]), default_value=-1)
    >>> table.lookup(tf.constant(["a", "z"])).numpy()
    array([ 1, -1], dtype=int32)
    """

    def __init__(self, initializer, default_value, name=None, experimental_is_anonymous=False):
        if not isinstance(initializer, TableInitializerBase):
            raise TypeError(f"StaticHashTable: initializer must be a table initializer "
                            f"(e.g. tf.lookup.KeyValueTensorInitializer); got "
                            f"{type(initializer).__name__}.")
        super().__init__(initializer.key_dtype, initializer.value_dtype,
                         name or "hash_table")
        self._initializer = initializer
        self._default_value = _default_of(self, default_value)
        with init_scope():  # made while a tf.function traces: filled eagerly, once
            init = initializer.initialize(self)
        self._init_op = _graph_op(init)
        if self._init_op is not None:
            self._init_op.graph.add_to_collection(TABLE_INITIALIZERS, self._init_op)

    def _default(self):
        return self._default_value

    @property
    def default_value(self):
        return self._default_value

    @property
    def initializer(self):
        """The init op (TF1 graph), or None once filled eagerly."""
        return self._init_op

    def export(self, name=None):
        """(keys, values) tensors of the table's contents."""
        return self._run(TABLE_EXPORT, (), {}, name)


def _graph_op(result):
    """The graph Operation of an op's result, or None when it ran eagerly."""
    if isinstance(result, Operation):
        return result
    if isinstance(result, SymbolicTensor):
        return result.op
    return None


def _default_of(table, value, shape=()):
    dtype = table.value_dtype
    if isinstance(value, TensorLike):
        if value.dtype != dtype:
            raise TypeError(f"{type(table).__name__} '{table.name}': default_value has dtype "
                            f"{value.dtype.name} but the table's values are {dtype.name}.")
        value = value.numpy() if isinstance(value, EagerTensor) else value
        if not isinstance(value, TensorLike):
            return np.asarray(value)
        return value
    arr = np.asarray(value)
    if dtype == dtypes.string:
        if arr.dtype.kind not in "USO":
            raise TypeError(f"{type(table).__name__} '{table.name}': default_value must be a "
                            f"string (the table's values are strings); got {value!r}.")
        return _to_bytes(arr)
    if arr.dtype.kind in "USO":
        raise TypeError(f"{type(table).__name__} '{table.name}': default_value {value!r} is "
                        f"not a {dtype.name}.")
    out = np.asarray(value, dtype._np)
    if out.shape != tuple(shape) and out.shape != ():
        raise ValueError(f"{type(table).__name__} '{table.name}': default_value must have "
                         f"shape {list(shape)} (the value shape); got {list(out.shape)}.")
    return out


def _to_bytes(arr):
    out = np.empty(arr.shape, object)
    for i, v in np.ndenumerate(arr):
        out[i] = v.encode("utf-8") if isinstance(v, str) else bytes(v)
    return out


class StaticVocabularyTable(_Table):
    """tf.lookup.StaticVocabularyTable: a string (or int64) -> int64 id map from its
    initializer; each key not in it goes to one of `num_oov_buckets` extra ids,
    `vocab_size + Fingerprint64(key) % num_oov_buckets` (integer keys are hashed as their
    decimal strings), the same ids TensorFlow gives.

    Args:
      initializer: a table initializer with int64 values, or None (every key is OOV).
      num_oov_buckets: the number of OOV buckets (> 0).
      lookup_key_dtype: the dtype of keys given to `lookup` (int32 keys for an int64
        table); default the initializer's key dtype.
    """

    def __init__(self, initializer, num_oov_buckets, lookup_key_dtype=None, name=None,
                 experimental_is_anonymous=False):
        if int(num_oov_buckets) <= 0:
            raise ValueError(f"StaticVocabularyTable: num_oov_buckets must be > 0 (use "
                             f"StaticHashTable for none); got {num_oov_buckets}.")
        self._num_oov_buckets = int(num_oov_buckets)
        name = name or "hash_table"
        if initializer is not None:
            if initializer.value_dtype != dtypes.int64:
                raise TypeError(f"StaticVocabularyTable: the initializer's values must be "
                                f"int64; got {initializer.value_dtype.name}.")
            if initializer.key_dtype not in (dtypes.string, dtypes.int64):
                raise TypeError(f"StaticVocabularyTable: keys must be string or int64; the "
                                f"initializer gives {initializer.key_dtype.name}.")
            self._table = StaticHashTable(initializer, -1, name=name)
            key_dtype = initializer.key_dtype
        else:
            self._table = None
            key_dtype = dtypes.as_dtype(lookup_key_dtype or dtypes.string)
        super().__init__(key_dtype, dtypes.int64, name)
        lk = dtypes.as_dtype(lookup_key_dtype) if lookup_key_dtype is not None else key_dtype
        if lk != key_dtype and not (lk == dtypes.int32 and key_dtype == dtypes.int64):
            raise TypeError(f"StaticVocabularyTable: lookup_key_dtype {lk.name} is not "
                            f"compatible with the table's key dtype {key_dtype.name}.")
        self._lookup_key_dtype = lk

    @property
    def initializer(self):
        return None if self._table is None else self._table.initializer

    @property
    def resource_handle(self):
        return self._table

    def size(self, name=None):
        """The vocabulary size plus the number of OOV buckets."""
        from . import math_ops
        if self._table is None:
            return convert_to_tensor(np.int64(self._num_oov_buckets))
        return math_ops.add(self._table.size(), np.int64(self._num_oov_buckets), name=name)

    def _lookup_dense(self, keys, default_value, name):
        from . import array_ops, math_ops
        keys = _as_keys(self, keys, self._lookup_key_dtype)
        if self._lookup_key_dtype != self._key_dtype:
            keys = math_ops.cast(keys, self._key_dtype)
        text = keys if self._key_dtype == dtypes.string else string_ops.as_string(keys)
        buckets = string_ops.to_hash_bucket_fast(text, self._num_oov_buckets)
        if self._table is None:
            return buckets
        ids = self._table._lookup_dense(keys, np.int64(-1), name)
        return array_ops.where(math_ops.equal(ids, np.int64(-1)),
                               buckets + self._table.size(), ids)

    def _default(self):
        return None


# --- mutable tables ---------------------------------------------------------------------------

class MutableHashTable(_Table):
    """tf.lookup.experimental.MutableHashTable: a map that `insert` and `remove` change;
    missing keys give `default_value` (whose shape is the value shape: vector values are
    allowed). `export()` gives (keys, values) in insertion order."""

    def __init__(self, key_dtype, value_dtype, default_value, name="MutableHashTable",
                 checkpoint=True, experimental_is_anonymous=False):
        super().__init__(key_dtype, value_dtype, name)
        shape = np.shape(default_value.numpy() if isinstance(default_value, EagerTensor)
                         else default_value)
        self._value_shape = tuple(shape)
        self._default_value = _default_of(self, default_value, self._value_shape)

    def _default(self):
        return self._default_value

    def _initial_contents(self):
        return _empty(self._key_dtype, self._value_dtype, self._value_shape)

    def _check_insert(self, keys, values):
        want = tuple(keys.shape) + self._value_shape
        if tuple(values.shape) != want:
            raise InvalidArgumentError(
                f"{type(self).__name__} '{self.name}': values must have shape {list(want)} "
                f"(the keys' shape {list(keys.shape)} then the value shape "
                f"{list(self._value_shape)}); got {list(values.shape)}.")

    def _check_remove(self, keys):
        pass

    def size(self, name=None):
        self._ensure_contents()
        return super().size(name)

    def lookup(self, keys, dynamic_default_values=None, name=None):
        """Looks up `keys`; missing keys give the default value (or, when given, the
        matching element of `dynamic_default_values`)."""
        self._ensure_contents()
        if dynamic_default_values is not None:
            defaults = _values_tensor(self, dynamic_default_values)
            return _map_values(keys, lambda k: self._lookup_dense(k, defaults, name))
        return super().lookup(keys, name)

    def insert(self, keys, values, name=None):
        """Inserts (or overwrites) `keys` -> `values`; returns the op in a TF1 graph."""
        keys = _as_keys(self, keys, self._key_dtype)
        values = _values_tensor(self, values)
        self._ensure_contents()
        return _graph_op(self._run(TABLE_INSERT, (keys, values), {}, name))

    def remove(self, keys, name=None):
        """Removes `keys` (those not in the table are ignored)."""
        keys = _as_keys(self, keys, self._key_dtype)
        self._ensure_contents()
        return _graph_op(self._run(TABLE_REMOVE, (keys,), {}, name))

    def export(self, name=None):
        """(keys, values) tensors of the table's contents."""
        self._ensure_contents()
        return self._run(TABLE_EXPORT, (), {}, name)

    def _ensure_contents(self):
        # A mutable table starts empty: eagerly it needs no initializer. (In a Session,
        # the first insert creates its contents; lookups before that see an empty table.)
        if self._eager_contents is None:
            self._eager_contents = self._initial_contents()


def _values_tensor(table, values):
    dtype = table.value_dtype
    if isinstance(values, TensorLike):
        if values.dtype != dtype:
            raise TypeError(f"{type(table).__name__} '{table.name}': values must have dtype "
                            f"{dtype.name}; got {values.dtype.name}.")
        return values
    arr = np.asarray(values)
    if (dtype == dtypes.string) != (arr.dtype.kind in "USO"):
        raise TypeError(f"{type(table).__name__} '{table.name}': values must have dtype "
                        f"{dtype.name}; got {arr.dtype} values.")
    return convert_to_tensor(values, dtype=dtype)


class DenseHashTable(MutableHashTable):
    """tf.lookup.experimental.DenseHashTable: a MutableHashTable that reserves two keys,
    `empty_key` and `deleted_key`, which may be neither inserted nor looked up."""

    def __init__(self, key_dtype, value_dtype, default_value, empty_key, deleted_key,
                 initial_num_buckets=None, name="MutableDenseHashTable", checkpoint=True,
                 experimental_is_anonymous=False):
        super().__init__(key_dtype, value_dtype, default_value, name, checkpoint)
        if _py_key(_key_array(self, empty_key)) == _py_key(_key_array(self, deleted_key)):
            raise ValueError(f"DenseHashTable '{name}': empty_key and deleted_key must "
                             f"differ; both are {empty_key!r}.")
        self._reserved = {_py_key(_key_array(self, empty_key)): "empty_key",
                          _py_key(_key_array(self, deleted_key)): "deleted_key"}
        self._empty_key, self._deleted_key = empty_key, deleted_key

    def _check_reserved(self, keys, action):
        for k in np.asarray(keys).reshape(-1):
            what = self._reserved.get(_py_key(k))
            if what is not None:
                raise InvalidArgumentError(
                    f"DenseHashTable '{self.name}': cannot {action} the {what} "
                    f"{_py_key(k)!r}.")

    def _check_insert(self, keys, values):
        self._check_reserved(keys, "insert")
        super()._check_insert(keys, values)

    def _check_remove(self, keys):
        self._check_reserved(keys, "remove")

    def lookup(self, keys, name=None):
        if isinstance(keys, EagerTensor) or not isinstance(keys, TensorLike):
            self._check_reserved(_key_array(self, getattr(keys, "values", keys)), "look up")
        return super().lookup(keys, name=name)


def _key_array(table, key):
    arr = np.asarray(key.numpy() if isinstance(key, EagerTensor) else key)
    if table.key_dtype == dtypes.string:
        return _to_bytes(arr) if arr.dtype.kind == "U" else arr
    return arr.astype(table.key_dtype._np)


def tables_initializer(name="init_all_tables"):
    """tf.compat.v1.tables_initializer: one op running every table init op of the default
    graph (a no-op when there are none)."""
    from ..framework.ordering import group, no_op
    g = get_default_graph()
    inits = g.get_collection(TABLE_INITIALIZERS)
    if inits:
        return group(*inits, name=name)
    with building_graph(g):
        return no_op(name=name)


export_many("lookup", {
    "StaticHashTable": StaticHashTable, "StaticVocabularyTable": StaticVocabularyTable,
    "KeyValueTensorInitializer": KeyValueTensorInitializer,
    "TextFileInitializer": TextFileInitializer, "TextFileIndex": TextFileIndex,
})
export_many("lookup.experimental", {
    "MutableHashTable": MutableHashTable, "DenseHashTable": DenseHashTable,
})
export_many("v1", {"tables_initializer": tables_initializer})


# --- counting indices per sample (Keras's multi_hot / count / one_hot encodings) ------------

def _bincount_rows(xp, rows, values, n_rows, size, weights, binary, dtype):
    keep = (values >= 0) & (values < size)
    flat = rows[keep] * size + values[keep]
    w = None if weights is None or binary else weights[keep]
    counts = np.bincount(flat, weights=w, minlength=n_rows * size)
    out = counts.reshape(n_rows, size)
    if binary:
        out = out > 0
    return out.astype(dtype._np)


def _dense_bincount_infer(ts, attrs):
    shape = ts[0].shape
    out = TensorShape(None) if shape.rank is None else \
        TensorShape(shape.dims[:-1] + [attrs["size"]])
    return [(out, attrs["dtype"])]


@op("DenseBincount", host=True, differentiable=False, infer=_dense_bincount_infer)
def DENSE_BINCOUNT(xp, values, *weights, size, binary, dtype):
    values = np.asarray(values, np.int64)
    lead = values.shape[:-1]
    n = values.shape[-1]
    n_rows = int(np.prod(lead, dtype=np.int64))
    rows = np.repeat(np.arange(n_rows), n)
    w = np.asarray(weights[0]).reshape(-1) if weights else None
    out = _bincount_rows(xp, rows, values.reshape(-1), n_rows, size, w, binary, dtype)
    return out.reshape(lead + (size,))


@op("RaggedBincount", host=True, differentiable=False,
    infer=lambda ts, a: [(TensorShape([None, a["size"]]), a["dtype"])])
def RAGGED_BINCOUNT(xp, splits, values, *weights, size, binary, dtype):
    n_rows = len(splits) - 1
    rows = np.repeat(np.arange(n_rows), np.diff(splits))
    w = np.asarray(weights[0]).reshape(-1) if weights else None
    return _bincount_rows(xp, rows, np.asarray(values, np.int64), n_rows, size, w, binary,
                          dtype)


def bincount_last_axis(values, size, binary=False, dtype=dtypes.float32, weights=None,
                       name=None):
    """Counts of each index in [0, size) over the last axis of `values` (others dropped);
    `binary`: 1 where an index occurs. Returns values.shape[:-1] + [size]."""
    values = convert_to_tensor(values)
    if values.shape.rank == 0:
        raise ValueError("bincount_last_axis: values must have rank >= 1; got a scalar.")
    inputs = (values,) if weights is None else (values, convert_to_tensor(weights))
    return execute(DENSE_BINCOUNT, inputs, {"size": int(size), "binary": bool(binary),
                                            "dtype": dtypes.as_dtype(dtype)}, name)


def bincount_ragged(values, size, binary=False, dtype=dtypes.float32, weights=None,
                    name=None):
    """bincount_last_axis for a 2-D RaggedTensor: one row of counts per ragged row."""
    inputs = (values.row_splits, values.values)
    if weights is not None:
        inputs += (getattr(weights, "values", weights),)
    return execute(RAGGED_BINCOUNT, inputs, {"size": int(size), "binary": bool(binary),
                                             "dtype": dtypes.as_dtype(dtype)}, name)


# --- hashed feature crosses (tf.sparse.cross_hashed of dense columns; Keras HashedCrossing) --

_CROSS_HASH_KEY = 0xDECAFCAFFE   # TensorFlow's default hash key of sparse crosses
_KMUL = 0xc6a4a7935bd1e995
_U64 = (1 << 64) - 1


def fingerprint_cat64(fp1, fp2):
    """TensorFlow's FingerprintCat64: combines two 64-bit fingerprints into one."""
    result = (fp1 ^ _KMUL) & _U64
    t = (fp2 * _KMUL) & _U64
    result ^= ((t ^ (t >> 47)) * _KMUL) & _U64
    result = (result * _KMUL) & _U64
    result = (((result ^ (result >> 47)) * _KMUL) & _U64)
    return result ^ (result >> 47)


def _feature_hash(v):
    from .farmhash import fingerprint64
    if isinstance(v, bytes):
        return fingerprint64(v)
    return int(v) & _U64


@op("DenseCrossHashed", host=True, differentiable=False,
    infer=lambda ts, a: [(ts[0].shape, dtypes.int64)])
def DENSE_CROSS_HASHED(xp, *columns, num_buckets):
    cols = [np.asarray(c).reshape(-1) for c in columns]
    out = np.empty(cols[0].shape, np.int64)
    for i in range(out.size):
        h = _CROSS_HASH_KEY
        for c in cols:
            h = fingerprint_cat64(h, _feature_hash(c[i]))
        out[i] = h % num_buckets if num_buckets > 0 else h % ((1 << 63) - 1)
    return out.reshape(np.shape(columns[0]))


def cross_hashed_dense(columns, num_buckets, name=None):
    """The hashed cross of same-shape dense string/integer columns, element by element:
    the ids tf.sparse.cross_hashed gives for one value per row and column."""
    columns = [convert_to_tensor(c) for c in columns]
    return execute(DENSE_CROSS_HASHED, tuple(columns), {"num_buckets": int(num_buckets)},
                   name)


@op("Bucketize", host=True, differentiable=False,
    infer=lambda ts, a: [(ts[0].shape, dtypes.int32)])
def BUCKETIZE(xp, x, boundaries):
    return np.searchsorted(np.asarray(boundaries, np.float64), np.asarray(x, np.float64),
                           side="right").astype(np.int32)


def bucketize(x, boundaries, name=None):
    """The bucket index of each element: i where boundaries[i-1] <= x < boundaries[i]
    (TensorFlow's Bucketize; NumPy's digitize)."""
    return execute(BUCKETIZE, (convert_to_tensor(x),),
                   {"boundaries": tuple(float(b) for b in boundaries)}, name)
