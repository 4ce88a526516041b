"""tf.RaggedTensor: a tensor whose rows have different lengths.

A RaggedTensor is `values` (a dense tensor, or another RaggedTensor for more ragged
dimensions) partitioned into rows by int64 `row_splits`: row i is
`values[row_splits[i]:row_splits[i + 1]]`. It is a composite tensor (ndflow.util.composite):
tf.function, Session.run and tf.data see its components, the flat values and the nested
row splits. Ops on it are dense ops on those components, so it works eagerly and in graphs,
and gradients flow to the flat values.
"""
import collections

import numpy as np

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute
from ..framework.tensor import EagerTensor, TensorLike, TensorSpec
from ..framework.tensor_shape import TensorShape, as_shape
from ..ops import array_ops, creation_ops, indexing_ops, join_ops, math_ops, scan_ops
from ..util.composite import CompositeTensor, TypeSpec
from . import ragged_ops as R

_NO = {}


def _int64(x, what):
    """`x` (a tensor, int, list or array of ints) as an int64 tensor; TypeError otherwise."""
    if isinstance(x, TensorLike):
        t = x
    else:
        arr = np.asarray(x)
        if arr.dtype.kind not in "iu" and not (arr.size == 0 and arr.dtype.kind == "f"):
            raise TypeError(f"{what} must be an integer tensor, got {x!r}.")
        t = convert_to_tensor(arr.astype(np.int64))
    if not t.dtype.is_integer:
        raise TypeError(f"{what} must be an integer tensor, got dtype {t.dtype.name}.")
    return array_ops.cast(t, dtypes.int64)


def _nrows_of(values):
    """The number of rows of `values` as a tensor (or int when static)."""
    if isinstance(values, RaggedTensor):
        return values.nrows()
    d = values.shape[0] if values.shape.rank else None
    if d is not None:
        return d
    return array_ops.shape(values, out_type=dtypes.int64)[0]


def _as_values(values):
    return values if isinstance(values, RaggedTensor) else convert_to_tensor(values)


def _numpy(t):
    return t._value if isinstance(t, EagerTensor) else None


class RaggedTensor(CompositeTensor):
    """A tensor with one or more ragged (variable-length) dimensions.

    Build one with `tf.ragged.constant` or the `from_*` factories; the constructor is
    internal, as in TensorFlow.
    """

    __slots__ = ("_values", "_row_splits", "__weakref__")

    def __init__(self, values, row_splits, internal=False):
        if not internal:
            raise ValueError("RaggedTensor's constructor is internal: build one with "
                             "tf.ragged.constant or a RaggedTensor.from_* factory (e.g. "
                             "from_row_lengths).")
        self._values = values
        self._row_splits = row_splits

    # --- factories -----------------------------------------------------------------------

    @classmethod
    def from_row_splits(cls, values, row_splits, name=None, validate=True):
        """Rows `values[row_splits[i]:row_splits[i + 1]]`.

        Raises:
          InvalidArgumentError: (validate) splits that do not start at 0, decrease, or whose
            last entry is not the number of values.
        """
        values = _as_values(values)
        splits = _int64(row_splits, "row_splits")
        if splits.shape.rank not in (None, 1):
            raise ValueError(f"from_row_splits: row_splits must be a vector, got shape "
                             f"{splits.shape}.")
        if validate:
            n = _nrows_of(values)
            splits = execute(R.CHECK_SPLITS, (splits, _int64(n, "nvals")),
                             {"arg": "row_splits"})
        return cls(values, splits, internal=True)

    @classmethod
    def from_row_lengths(cls, values, row_lengths, name=None, validate=True):
        """Row i holds the next `row_lengths[i]` values."""
        values = _as_values(values)
        lengths = _int64(row_lengths, "row_lengths")
        lv = _numpy(lengths)
        if validate and lv is not None and lv.size and int(lv.min()) < 0:
            raise InvalidArgumentError(f"from_row_lengths: row_lengths must be >= 0, got "
                                       f"{lv.tolist()}.")
        zero = array_ops.zeros([1], dtypes.int64)
        splits = execute(R.CHECK_SPLITS, (join_ops.concat(
            [zero, scan_ops.cumsum(lengths)], 0), _int64(_nrows_of(values), "nvals")),
            {"arg": "row_splits (the cumulative row_lengths)"}) if validate else \
            join_ops.concat([zero, scan_ops.cumsum(lengths)], 0)
        return cls(values, splits, internal=True)

    @classmethod
    def from_value_rowids(cls, values, value_rowids, nrows=None, name=None, validate=True):
        """Value j goes to row `value_rowids[j]` (sorted); `nrows` adds trailing empty rows."""
        values = _as_values(values)
        ids = _int64(value_rowids, "value_rowids")
        iv = _numpy(ids)
        if iv is not None:
            if iv.size and (int(iv.min()) < 0 or (np.diff(iv) < 0).any()):
                raise InvalidArgumentError(f"from_value_rowids: value_rowids must be sorted "
                                           f"and >= 0, got {iv.tolist()}.")
            n = (int(iv.max()) + 1 if iv.size else 0) if nrows is None else int(nrows)
            if iv.size and int(iv.max()) >= n:
                raise InvalidArgumentError(f"from_value_rowids: value_rowids {iv.tolist()} "
                                           f"must be < nrows = {n}.")
            lengths = np.bincount(iv, minlength=n).astype(np.int64)
            return cls.from_row_lengths(values, lengths, validate=validate)
        n = nrows if nrows is not None else math_ops.reduce_max(ids) + 1
        from ..ops.segment_ops import unsorted_segment_sum
        lengths = unsorted_segment_sum(array_ops.ones_like(ids), ids, n)
        return cls.from_row_lengths(values, lengths, validate=validate)

    @classmethod
    def from_row_starts(cls, values, row_starts, name=None, validate=True):
        values = _as_values(values)
        starts = _int64(row_starts, "row_starts")
        n = _int64(_nrows_of(values), "nvals")
        return cls.from_row_splits(values, join_ops.concat(
            [starts, array_ops.reshape(n, [1])], 0), validate=validate)

    @classmethod
    def from_row_limits(cls, values, row_limits, name=None, validate=True):
        limits = _int64(row_limits, "row_limits")
        return cls.from_row_splits(values, join_ops.concat(
            [array_ops.zeros([1], dtypes.int64), limits], 0), validate=validate)

    @classmethod
    def from_uniform_row_length(cls, values, uniform_row_length, nrows=None, validate=True,
                                name=None):
        values = _as_values(values)
        n = _nrows_of(values)
        width = int(uniform_row_length)
        rows = (int(n) // width if width else int(nrows or 0)) if nrows is None else int(nrows)
        return cls.from_row_splits(values, np.arange(rows + 1, dtype=np.int64) * width,
                                   validate=validate)

    @classmethod
    def from_nested_row_splits(cls, flat_values, nested_row_splits, name=None, validate=True):
        """Applies from_row_splits once per splits tensor, innermost last."""
        if isinstance(nested_row_splits, TensorLike):
            raise TypeError("nested_row_splits must be a list of Tensors")
        result = flat_values
        for splits in reversed(list(nested_row_splits)):
            result = cls.from_row_splits(result, splits, validate=validate)
        return result

    @classmethod
    def from_nested_row_lengths(cls, flat_values, nested_row_lengths, name=None,
                                validate=True):
        if isinstance(nested_row_lengths, TensorLike):
            raise TypeError("nested_row_lengths must be a list of Tensors")
        result = flat_values
        for lengths in reversed(list(nested_row_lengths)):
            result = cls.from_row_lengths(result, lengths, validate=validate)
        return result

    @classmethod
    def from_nested_value_rowids(cls, flat_values, nested_value_rowids, nested_nrows=None,
                                 name=None, validate=True):
        nrows = nested_nrows or [None] * len(nested_value_rowids)
        result = flat_values
        for ids, n in reversed(list(zip(nested_value_rowids, nrows))):
            result = cls.from_value_rowids(result, ids, n, validate=validate)
        return result

    @classmethod
    def from_tensor(cls, tensor, lengths=None, padding=None, ragged_rank=1, name=None,
                    row_splits_dtype=dtypes.int64):
        """The rows of a dense tensor, cut to `lengths` or stripped of trailing `padding`.

        Args:
          tensor: a dense tensor of rank > ragged_rank.
          lengths: optional row lengths (ragged_rank 1): row i keeps its first lengths[i].
          padding: optional value: each row loses its trailing run of it.
          ragged_rank: the number of ragged dimensions of the result (lengths and padding
            apply to ragged_rank 1 only).
        """
        if lengths is not None and padding is not None:
            raise ValueError("from_tensor: give `lengths` or `padding`, not both.")
        t = convert_to_tensor(tensor)
        rank = t.shape.rank
        ragged_rank = int(ragged_rank)
        if rank is not None and not 0 < ragged_rank < rank:
            raise ValueError(f"from_tensor: ragged_rank must be in [1, {rank - 1}] for a tensor "
                             f"of rank {rank}, got {ragged_rank}.")
        if ragged_rank > 1:
            if lengths is not None or padding is not None:
                raise NotImplementedError("from_tensor: lengths and padding need ragged_rank=1 "
                                          "in ndflow.")
            return _split_uniform(_merge_leading(t, ragged_rank + 1), t, ragged_rank)
        if lengths is None and padding is None:  # every row full: uniform splits
            dims = array_ops.shape(t, out_type=dtypes.int64)
            splits = creation_ops.range(dims[0] + 1, dtype=dtypes.int64) * dims[1]
            return cls(_merge_leading(t, 2), splits, internal=True)
        ncols = array_ops.shape(t, out_type=dtypes.int64)[1]
        if padding is not None:
            pad = convert_to_tensor(padding, dtype=t.dtype)
            lengths = execute(R.LENGTHS_FROM_PADDING, (t, pad), _NO)
        lengths = _int64(lengths, "lengths")
        mask = execute(R.LENGTHS_MASK, (lengths, ncols), _NO)
        values = indexing_ops.boolean_mask(t, mask)
        return cls.from_row_lengths(values, lengths, validate=False)

    @classmethod
    def from_sparse(cls, st_input, name=None, row_splits_dtype=dtypes.int64):
        """The rows of a 2-D SparseTensor whose values are packed to the left of each row
        (row i holds the values at [i, 0], [i, 1], ... in order).

        Args:
          st_input: a 2-D `SparseTensor` (or SparseTensorValue) with row-major indices.
          name: optional name.
          row_splits_dtype: the dtype of the row splits (ndflow keeps them int64).

        Returns:
          A RaggedTensor of ragged_rank 1 with `dense_shape[0]` rows.

        Raises:
          ValueError: if `st_input` is not of rank 2.
          InvalidArgumentError: if a row's column indices are not 0, 1, 2, ...
        """
        from ..ops.sparse_tensor import SparseTensor, SparseTensorValue
        if isinstance(st_input, SparseTensorValue):
            st_input = SparseTensor.from_value(st_input)
        if not isinstance(st_input, SparseTensor):
            raise TypeError(f"from_sparse: st_input must be a SparseTensor; got "
                            f"{type(st_input).__name__}.")
        ranks = {st_input.dense_shape.shape.dims[0] if st_input.dense_shape.shape.rank else
                 None, st_input.indices.shape.dims[1] if st_input.indices.shape.rank == 2
                 else None}
        if 2 not in ranks:
            raise ValueError("rank(st_input) must be 2.")
        indices = execute(R.CHECK_RIGHT_RAGGED, (st_input.indices,), _NO)
        rows = indices[:, 0]
        nrows = st_input.dense_shape[0]
        if isinstance(nrows, EagerTensor):
            nrows = int(nrows._value)
        return cls.from_value_rowids(st_input.values, rows, nrows, validate=False)

    def to_sparse(self, name=None):
        """This tensor as a SparseTensor: one entry per element of the flat values (at its
        coordinates in the bounding shape), in row-major order.

        Returns:
          A `SparseTensor` of the same rank and dtype, dense_shape the bounding shape.
        """
        from ..ops.sparse_tensor import SparseTensor
        fv = self.flat_values
        indices, shape = execute(R.TO_SPARSE_INDICES, (fv,) + self.nested_row_splits, _NO)
        values = array_ops.reshape(fv, [-1])
        return SparseTensor._from_parts(indices, values, shape)

    # --- structure ---------------------------------------------------------------------------

    @property
    def values(self):
        """The concatenated rows (a tensor, or a RaggedTensor when ragged_rank > 1)."""
        return self._values

    @property
    def row_splits(self):
        return self._row_splits

    @property
    def flat_values(self):
        v = self._values
        while isinstance(v, RaggedTensor):
            v = v._values
        return v

    @property
    def nested_row_splits(self):
        out, rt = [], self
        while isinstance(rt, RaggedTensor):
            out.append(rt._row_splits)
            rt = rt._values
        return tuple(out)

    @property
    def ragged_rank(self):
        return len(self.nested_row_splits)

    @property
    def dtype(self):
        return self.flat_values.dtype

    @property
    def row_splits_dtype(self):
        return dtypes.int64

    @property
    def shape(self):
        """Static shape: [nrows, None (each ragged dim), inner dims of the flat values]."""
        s = self._row_splits.shape
        nrows = s[0] - 1 if s.rank == 1 and s[0] is not None else None
        inner = self.flat_values.shape
        if inner.rank is None:
            return TensorShape(None)
        return TensorShape([nrows] + [None] * self.ragged_rank + inner.dims[1:])

    def get_shape(self):
        return self.shape

    @property
    def ndim(self):
        return self.shape.rank

    @property
    def rank(self):
        return self.shape.rank

    def nrows(self, out_type=dtypes.int64, name=None):
        return array_ops.shape(self._row_splits, out_type=dtypes.as_dtype(out_type))[0] - 1

    def row_lengths(self, axis=1, name=None):
        if axis != 1:
            if not isinstance(self._values, RaggedTensor) or axis < 1:
                raise ValueError(f"row_lengths: axis {axis} is not a ragged dimension.")
            return self.with_values(self._values.row_lengths(axis - 1))
        return self._row_splits[1:] - self._row_splits[:-1]

    def nested_row_lengths(self, name=None):
        out, rt = [], self
        while isinstance(rt, RaggedTensor):
            out.append(rt.row_lengths())
            rt = rt._values
        return tuple(out)

    def row_starts(self, name=None):
        return self._row_splits[:-1]

    def row_limits(self, name=None):
        return self._row_splits[1:]

    def value_rowids(self, name=None):
        return execute(R.ROW_IDS, (self._row_splits,), _NO)

    def nested_value_rowids(self, name=None):
        out, rt = [], self
        while isinstance(rt, RaggedTensor):
            out.append(rt.value_rowids())
            rt = rt._values
        return tuple(out)

    def bounding_shape(self, axis=None, name=None, out_type=dtypes.int64):
        dims = [self.nrows()]
        rt = self
        while isinstance(rt, RaggedTensor):
            dims.append(math_ops.reduce_max(join_ops.concat(
                [rt.row_lengths(), array_ops.zeros([1], dtypes.int64)], 0)))
            rt = rt._values
        inner = array_ops.shape(rt, out_type=dtypes.int64)[1:]
        out = join_ops.concat([join_ops.stack(dims), inner], 0)
        out = array_ops.cast(out, out_type)
        return out if axis is None else out[axis]

    def with_values(self, new_values):
        """The same row partition (outermost) over `new_values`."""
        new_values = _as_values(new_values)
        return RaggedTensor(new_values, self._row_splits, internal=True)

    def with_flat_values(self, new_values):
        """The same nested row partitions over new flat values."""
        if isinstance(self._values, RaggedTensor):
            return self.with_values(self._values.with_flat_values(new_values))
        return self.with_values(new_values)

    def with_row_splits_dtype(self, dtype):
        return self

    def merge_dims(self, outer_axis, inner_axis):
        """Dimensions outer_axis..inner_axis merged into one (a dense tensor when all dims
        are merged down to rank 1 from the outermost)."""
        rank = self.shape.rank
        outer = outer_axis + rank if outer_axis < 0 else outer_axis
        inner = inner_axis + rank if inner_axis < 0 else inner_axis
        if not 0 <= outer <= inner < rank:
            raise ValueError(f"merge_dims: expected 0 <= outer_axis ({outer_axis}) <= "
                             f"inner_axis ({inner_axis}) < rank ({rank}).")
        if outer == inner:
            return self
        if outer > 1:  # the row partition of this level is untouched
            return self.with_values(_merge_dims(self._values, outer - 1, inner - 1))
        if outer == 1:  # rows of dims 1..inner merged: compose the row partitions
            splits, v = self._row_splits, self._values
            for _ in range(inner - 1):
                if isinstance(v, RaggedTensor):
                    splits = indexing_ops.gather(v._row_splits, splits)
                    v = v._values
                else:
                    splits = splits * array_ops.shape(v, out_type=dtypes.int64)[1]
                    v = _merge_leading(v, 2)
            return RaggedTensor(v, splits, internal=True)
        merged = self  # merging from the outermost: each step drops one partition
        for _ in range(inner - outer):
            merged = merged._values if isinstance(merged, RaggedTensor) else \
                _merge_leading(merged, 2)
        return merged

    # --- conversions -------------------------------------------------------------------------

    def to_tensor(self, default_value=None, name=None, shape=None):
        """A dense tensor, rows padded with `default_value` (zero/empty by default) to the
        bounding shape or to `shape` (None entries: the bounding size; smaller sizes cut)."""
        fv = self.flat_values
        if default_value is None:
            default_value = b"" if fv.dtype == dtypes.string else 0
        default = convert_to_tensor(default_value, dtype=fv.dtype) if not isinstance(
            default_value, TensorLike) else default_value
        if shape is not None:
            shape = tuple(None if d is None else int(d) for d in as_shape(shape).as_list())
        return execute(R.TO_TENSOR, (fv, default) + self.nested_row_splits, {"shape": shape},
                       name)

    def to_list(self):
        """The value as nested Python lists (eager only)."""
        fv = self.flat_values
        if not isinstance(fv, EagerTensor):
            raise ValueError("to_list() requires an eager RaggedTensor; use Session.run or "
                             "call the tf.function first.")
        rows = fv._value.tolist()
        for splits in reversed(self.nested_row_splits):
            s = splits._value.tolist()
            rows = [rows[s[i]:s[i + 1]] for i in range(len(s) - 1)]
        return rows

    def numpy(self):
        """The value as NumPy: an object array of row arrays (nested for ragged_rank > 1)."""
        fv = self.flat_values._value if isinstance(self.flat_values, EagerTensor) else None
        if fv is None:
            raise ValueError("numpy() requires an eager RaggedTensor.")
        return _numpy_rows(fv, [s._value for s in self.nested_row_splits])

    # --- composite protocol ------------------------------------------------------------------

    @property
    def _type_spec(self):
        return RaggedTensorSpec(self.shape, self.dtype, self.ragged_rank)

    def _to_components(self):
        return [self.flat_values] + list(self.nested_row_splits)

    def _dispatch_op(self, op, inputs, attrs, name):
        from .ragged_dispatch import dispatch_op
        return dispatch_op(op, inputs, attrs, name)

    def _dispatch_function(self, name, args, kwargs):
        from .ragged_dispatch import dispatch_function
        return dispatch_function(name, args, kwargs)

    # --- operators and printing --------------------------------------------------------------

    def __getitem__(self, key):
        from .ragged_getitem import ragged_getitem
        return ragged_getitem(self, key)

    def __bool__(self):
        raise TypeError("A RaggedTensor cannot be used as a Python bool.")

    def __len__(self):
        n = self.shape[0]
        if n is None:
            raise TypeError("len() of a RaggedTensor with an unknown number of rows.")
        return n

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __repr__(self):
        if isinstance(self.flat_values, EagerTensor):
            return f"<tf.RaggedTensor {_value_text(self.numpy())}>"
        return f"tf.RaggedTensor(values={self._values}, row_splits={self._row_splits})"

    __str__ = __repr__


def _value_text(v):
    """NumPy's text of `v` with ", " between items, row arrays inside formatted the same way
    (so long values wrap as NumPy wraps them, as TensorFlow prints ragged values)."""
    if isinstance(v, np.ndarray):
        if v.size == 0:  # NumPy prints any empty array as "[]"; keep its nesting
            return str(v.tolist())
        with np.printoptions(formatter={"all": _value_text}):
            return np.array2string(v, separator=", ")
    return str(v)


def _numpy_rows(fv, splits_list):
    if not splits_list:
        return fv
    inner = _numpy_rows(fv, splits_list[1:])
    s = [int(v) for v in splits_list[0]]
    rows = [inner[s[i]:s[i + 1]] for i in range(len(s) - 1)]
    if rows and len({len(r) for r in rows}) == 1:
        return np.stack(rows)  # rows of one length: stacked, as TensorFlow returns
    out = np.empty(len(rows), dtype=object)
    for i, r in enumerate(rows):
        out[i] = r
    return out


def _merge_leading(t, n):
    """Dense `t` with its first n dims merged into one."""
    static = t.shape
    if static.rank is not None and all(d is not None for d in static.dims[n:]):
        return array_ops.reshape(t, [-1] + list(static.dims[n:]))
    dims = array_ops.shape(t, out_type=dtypes.int64)
    return array_ops.reshape(t, join_ops.concat([np.asarray([-1], np.int64), dims[n:]], 0))


def _split_uniform(values, t, ragged_rank):
    """Uniform row partitions of dense `t`'s leading dims over `values` (merged rows)."""
    dims = [int(d) for d in t.shape.dims[:ragged_rank + 1]] if all(
        d is not None for d in t.shape.dims[:ragged_rank + 1]) else None
    if dims is None:
        raise NotImplementedError("from_tensor(ragged_rank > 1) needs static leading dims.")
    result = values
    count = int(np.prod(dims[:ragged_rank]))
    for level in range(ragged_rank, 0, -1):
        width = dims[level]
        result = RaggedTensor.from_row_splits(
            result, np.arange(count + 1, dtype=np.int64) * width, validate=False)
        count //= dims[level - 1]
    return result


def _merge_dims(x, outer, inner):
    if isinstance(x, RaggedTensor):
        return x.merge_dims(outer, inner)
    rank = x.shape.rank
    dims = array_ops.shape(x, out_type=dtypes.int64)
    new = join_ops.concat([dims[:outer], np.asarray([-1], np.int64), dims[inner + 1:]], 0)
    return array_ops.reshape(x, new) if rank is not None else x


RaggedTensorValue = collections.namedtuple("RaggedTensorValue", ["values", "row_splits"])


class RaggedTensorValue(RaggedTensorValue):  # noqa: F811 - tf.compat.v1.ragged's value type
    """What Session.run returns for a fetched RaggedTensor: NumPy values and row splits."""

    @property
    def flat_values(self):
        v = self.values
        return v.flat_values if isinstance(v, RaggedTensorValue) else v

    @property
    def nested_row_splits(self):
        inner = self.values.nested_row_splits if isinstance(self.values,
                                                            RaggedTensorValue) else ()
        return (self.row_splits,) + inner

    @property
    def ragged_rank(self):
        return len(self.nested_row_splits)

    @property
    def dtype(self):
        return self.flat_values.dtype

    def to_list(self):
        rows = self.flat_values.tolist()
        for s in reversed(self.nested_row_splits):
            s = list(s)
            rows = [rows[s[i]:s[i + 1]] for i in range(len(s) - 1)]
        return rows

    def __repr__(self):
        return f"tf.RaggedTensorValue(values={self.values!r}, row_splits={self.row_splits!r})"


class RaggedTensorSpec(TypeSpec):
    """tf.RaggedTensorSpec: the type of a RaggedTensor (shape, dtype, ragged_rank)."""

    __slots__ = ("_shape", "_dtype", "_ragged_rank", "_flat_values_spec")
    value_type = RaggedTensor

    def __init__(self, shape=None, dtype=dtypes.float32, ragged_rank=None,
                 row_splits_dtype=dtypes.int64, flat_values_spec=None):
        self._shape = as_shape(shape)
        self._dtype = dtypes.as_dtype(dtype)
        rank = self._shape.rank
        if ragged_rank is None:
            if rank is None:
                raise ValueError("Must specify ragged_rank or a shape with a known rank.")
            ragged_rank = rank - 1
        if rank is not None and not 0 <= ragged_rank < max(rank, 1):
            raise ValueError(f"ragged_rank must be in [0, {rank}) for shape {self._shape}, got "
                             f"{ragged_rank}.")
        self._ragged_rank = int(ragged_rank)
        self._flat_values_spec = flat_values_spec

    shape = property(lambda self: self._shape)
    dtype = property(lambda self: self._dtype)
    ragged_rank = property(lambda self: self._ragged_rank)
    row_splits_dtype = property(lambda self: dtypes.int64)
    flat_values_spec = property(lambda self: self._flat_values_spec)

    @classmethod
    def from_value(cls, value):
        return value._type_spec

    def is_compatible_with(self, other):
        spec = other._type_spec if isinstance(other, RaggedTensor) else other
        return isinstance(spec, RaggedTensorSpec) and spec._dtype == self._dtype and \
            spec._ragged_rank == self._ragged_rank and \
            self._shape.is_compatible_with(spec._shape)

    def __eq__(self, other):
        return type(other) is type(self) and self._shape == other._shape and \
            self._dtype == other._dtype and self._ragged_rank == other._ragged_rank

    def __hash__(self):
        return hash((type(self), tuple(self._shape.dims or ()), self._shape.rank, self._dtype,
                     self._ragged_rank))

    def __repr__(self):
        return (f"RaggedTensorSpec(TensorShape({self._shape.dims}), {self._dtype!r}, "
                f"{self._ragged_rank}, tf.int64)")

    def _flat_shape(self):
        if self._shape.rank is None:
            return TensorShape(None)
        return TensorShape([None] + self._shape.dims[self._ragged_rank + 1:])

    @property
    def _component_specs(self):
        if self._ragged_rank == 0:
            return [TensorSpec(self._shape, self._dtype)]
        n = self._shape[0] if self._shape.rank else None
        splits = [TensorSpec([None if n is None else n + 1], dtypes.int64)] + \
            [TensorSpec([None], dtypes.int64)] * (self._ragged_rank - 1)
        return [TensorSpec(self._flat_shape(), self._dtype)] + splits

    def _to_components(self, value):
        if isinstance(value, RaggedTensor):
            return value._to_components()
        if self._ragged_rank == 0:
            return [value]
        if isinstance(value, RaggedTensorValue):
            return [np.asarray(value.flat_values)] + [np.asarray(s, np.int64)
                                                      for s in value.nested_row_splits]
        if isinstance(value, (list, tuple)):  # a nested Python list, as fed to a placeholder
            from .ragged_factory import _parts
            flat, nested, _ = _parts(value, self._dtype, self._ragged_rank, None)
            return [flat] + nested
        raise TypeError(f"Expected a RaggedTensor, RaggedTensorValue or nested list for "
                        f"{self}; got {value!r}.")

    def _from_components(self, components):
        if self._ragged_rank == 0:
            return components[0]
        comps = [EagerTensor(c) if isinstance(c, np.ndarray) else c for c in components]
        fv, splits = comps[0], comps[1:]
        result = fv
        for s in reversed(splits):
            result = RaggedTensor(result, s, internal=True)
        return result

    def _from_numpy_components(self, arrays):
        if self._ragged_rank == 0:
            return arrays[0]
        result = arrays[0]
        for s in reversed(arrays[1:]):
            result = RaggedTensorValue(result, s)
        return result

    # tf.data
    def _batch(self, batch_size):
        return RaggedTensorSpec(TensorShape([batch_size]).concatenate(self._shape),
                                self._dtype, self._ragged_rank + 1)

    def _unbatch(self):
        if self._shape.rank is None or self._shape.rank < 2:
            raise ValueError(f"Cannot slice a RaggedTensor of shape {self._shape} into rows.")
        return RaggedTensorSpec(self._shape[1:], self._dtype, max(self._ragged_rank - 1, 0))

    def _to_rows(self, value):
        return [value[i] for i in range(int(value.nrows()))]

    def _from_rows(self, rows):
        from .ragged_factory import stack_rows
        return stack_rows(rows, self)


def _attach_operators():
    """Python operators: the same functions dense tensors use; the engine hands the ops to
    ragged dispatch when an operand is ragged."""
    from ..ops.operators import _OPERATORS
    for name, fn in _OPERATORS.items():
        if name not in ("__getitem__", "__matmul__", "__rmatmul__"):
            setattr(RaggedTensor, name, fn)
    RaggedTensor.__hash__ = object.__hash__


_attach_operators()
