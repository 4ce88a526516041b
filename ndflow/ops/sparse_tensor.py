"""tf.sparse.SparseTensor: a tensor stored as the coordinates and values of its nonzeros.

A SparseTensor is a composite tensor (ndflow.util.composite) of three dense tensors:
`indices` (int64, [N, rank]), `values` ([N]) and `dense_shape` (int64, [rank]). It works
eagerly and in graphs; tf.function, Session.run and tf.data see its three components.
"""
import collections

import numpy as np

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.registry import CONST
from ..framework.tensor import EagerTensor, SymbolicTensor, TensorLike, TensorSpec
from ..framework.tensor_shape import TensorShape, as_shape
from ..util.composite import CompositeTensor, TypeSpec

# What Session.run returns for a fetched SparseTensor, and what a sparse_placeholder takes.
SparseTensorValue = collections.namedtuple("SparseTensorValue",
                                           ["indices", "values", "dense_shape"])


def _static_value(t):
    """The NumPy value of an eager or constant tensor, else None."""
    if isinstance(t, EagerTensor):
        return t._value
    if isinstance(t, SymbolicTensor) and t.op.op_def is CONST:
        return np.asarray(t.op.attrs["value"])
    return None


def _shape_from_dense_shape(dense_shape):
    value = _static_value(dense_shape)
    if value is not None:
        return TensorShape([int(d) for d in value])
    n = dense_shape.shape.dims[0] if dense_shape.shape.rank == 1 else None
    return TensorShape(None if n is None else [None] * n)


class SparseTensor(CompositeTensor):
    """A sparse tensor: `values[i]` sits at coordinates `indices[i]` of a tensor of shape
    `dense_shape`; every other element is zero.

    Args:
      indices: int64 tensor of shape [N, rank], the coordinates of the N stored values.
      values: tensor of shape [N], the stored values.
      dense_shape: int64 tensor of shape [rank], the shape of the dense tensor.

    Raises:
      ValueError: if the three parts do not fit together (ranks, N).
    """

    def __init__(self, indices, values, dense_shape):
        indices = _as_int64(indices, "indices")
        dense_shape = _as_int64(dense_shape, "dense_shape")
        values = values if isinstance(values, TensorLike) else convert_to_tensor(values)
        if not isinstance(values, (EagerTensor, SymbolicTensor)):
            values = convert_to_tensor(values)
        self._init(indices, values, dense_shape, _shape_from_dense_shape(dense_shape))

    def _init(self, indices, values, dense_shape, shape):
        ishape, vshape, sshape = indices.shape, values.shape, dense_shape.shape
        if ishape.rank is not None and ishape.rank != 2:
            raise ValueError(f"SparseTensor: indices must be a matrix [N, rank]; got shape "
                             f"{ishape}.")
        if vshape.rank is not None and vshape.rank != 1:
            raise ValueError(f"SparseTensor: values must be a vector [N]; got shape {vshape}.")
        if sshape.rank is not None and sshape.rank != 1:
            raise ValueError(f"SparseTensor: dense_shape must be a vector; got shape {sshape}.")
        if ishape.rank == 2 and vshape.rank == 1 and None not in (ishape.dims[0], vshape.dims[0]) \
                and ishape.dims[0] != vshape.dims[0]:
            raise ValueError(f"SparseTensor: indices has {ishape.dims[0]} rows (shape {ishape}) "
                             f"but values has {vshape.dims[0]} elements (shape {vshape}).")
        rank = shape.rank
        if rank is not None and ishape.rank == 2 and ishape.dims[1] not in (None, rank):
            raise ValueError(f"SparseTensor: indices of shape {ishape} give {ishape.dims[1]} "
                             f"coordinates but dense_shape has {rank} dimensions ({shape}).")
        self._indices, self._values, self._dense_shape = indices, values, dense_shape
        self._shape = shape

    @classmethod
    def _from_parts(cls, indices, values, dense_shape, shape=None):
        """A SparseTensor of tensors already converted (the ops' results), with its static
        shape when known better than `dense_shape` tells."""
        st = cls.__new__(cls)
        derived = _shape_from_dense_shape(dense_shape)
        if shape is not None and derived.rank is None:
            derived = as_shape(shape)
        elif shape is not None:
            derived = derived.merge_with(as_shape(shape)) if as_shape(shape).rank is not None \
                else derived
        st._init(indices, values, dense_shape, derived)
        return st

    @classmethod
    def from_value(cls, sparse_tensor_value):
        if isinstance(sparse_tensor_value, SparseTensor):
            return sparse_tensor_value
        return cls(sparse_tensor_value.indices, sparse_tensor_value.values,
                   sparse_tensor_value.dense_shape)

    indices = property(lambda self: self._indices, doc="int64 [N, rank] coordinates.")
    values = property(lambda self: self._values, doc="The [N] stored values.")
    dense_shape = property(lambda self: self._dense_shape, doc="int64 [rank] shape.")
    dtype = property(lambda self: self._values.dtype)
    shape = property(lambda self: self._shape)
    op = property(lambda self: self._values.op)
    graph = property(lambda self: getattr(self._values, "graph", None))

    def get_shape(self):
        return self._shape

    @property
    def _type_spec(self):
        return SparseTensorSpec(self._shape, self.dtype)

    def _to_components(self):
        return [self._indices, self._values, self._dense_shape]

    def with_values(self, new_values):
        """The same sparsity pattern with `new_values` ([N]) as its values."""
        new_values = convert_to_tensor(new_values)
        return SparseTensor._from_parts(self._indices, new_values, self._dense_shape,
                                        self._shape)

    def eval(self, feed_dict=None, session=None):
        from ..framework.session import _session_for
        return _session_for(session, self).run(self, feed_dict)

    def __str__(self):
        return (f"SparseTensor(indices={self._indices}, values={self._values}, "
                f"dense_shape={self._dense_shape})")

    __repr__ = __str__

    # Python operators (defined in sparse_ops, which holds the ops they use).
    def __mul__(self, other):
        from . import sparse_ops
        return sparse_ops._cwise(self, other, "mul")

    def __truediv__(self, other):
        from . import sparse_ops
        return sparse_ops._cwise(self, other, "div")

    def __neg__(self):
        from . import math_ops
        return self.with_values(math_ops.negative(self._values))

    def __abs__(self):
        from . import math_ops
        return self.with_values(math_ops.abs(self._values))

    def __add__(self, other):
        from . import sparse_ops
        return sparse_ops.add(self, other)

    __radd__ = __add__
    __rmul__ = __mul__

    def __bool__(self):
        raise TypeError("A SparseTensor has no truth value; compare its values instead.")


def _as_int64(value, what):
    if isinstance(value, TensorLike) and not isinstance(value, (EagerTensor, SymbolicTensor)):
        value = convert_to_tensor(value)
    if isinstance(value, (EagerTensor, SymbolicTensor)):
        if value.dtype == dtypes.int64:
            return value
        if not value.dtype.is_integer:
            raise TypeError(f"SparseTensor: {what} must be int64; got {value.dtype.name}.")
        from .math_ops import cast
        return cast(value, dtypes.int64)
    arr = np.asarray(value)
    if arr.size and arr.dtype.kind not in "iu":
        raise TypeError(f"SparseTensor: {what} must be integers; got {value!r}.")
    if what == "indices" and arr.size == 0 and arr.ndim < 2:
        arr = arr.reshape(0, 0)
    return convert_to_tensor(arr.astype(np.int64))


class SparseTensorSpec(TypeSpec):
    """tf.SparseTensorSpec: the type of a SparseTensor (its dense shape and dtype)."""

    __slots__ = ("_shape", "_dtype")
    value_type = SparseTensor

    def __init__(self, shape=None, dtype=dtypes.float32):
        self._shape = as_shape(shape)
        self._dtype = dtypes.as_dtype(dtype)

    shape = property(lambda self: self._shape)
    dtype = property(lambda self: self._dtype)

    def __eq__(self, other):
        return type(other) is type(self) and self._shape == other._shape and \
            self._dtype == other._dtype

    def __hash__(self):
        return hash((type(self), tuple(self._shape.dims or ()), self._shape.rank, self._dtype))

    def __repr__(self):
        return f"SparseTensorSpec(TensorShape({self._shape.dims}), {self._dtype!r})"

    @property
    def _component_specs(self):
        rank = self._shape.rank
        return [TensorSpec([None, rank], dtypes.int64), TensorSpec([None], self._dtype),
                TensorSpec([rank], dtypes.int64)]

    def _to_components(self, value):
        if isinstance(value, SparseTensor):
            return value._to_components()
        if isinstance(value, (tuple, list)) and len(value) == 3:  # SparseTensorValue too
            indices, values, dense_shape = value
            return [np.asarray(indices, np.int64).reshape(-1, max(self._shape.rank or 0, 1))
                    if np.size(indices) == 0 else np.asarray(indices, np.int64),
                    np.asarray(values, self._dtype._np), np.asarray(dense_shape, np.int64)]
        raise TypeError(f"Expected a SparseTensor, SparseTensorValue or (indices, values, "
                        f"dense_shape) for {self}; got {value!r}.")

    def _from_components(self, components):
        indices, values, dense_shape = components
        if isinstance(indices, np.ndarray):
            indices, values, dense_shape = (EagerTensor(indices), EagerTensor(values),
                                            EagerTensor(dense_shape))
        return SparseTensor._from_parts(indices, values, dense_shape, self._shape)

    def _from_numpy_components(self, arrays):
        return SparseTensorValue(*arrays)

    # tf.data: rows of a SparseTensor and batches of them (eager values).
    def _batch(self, batch_size):
        return SparseTensorSpec(TensorShape([batch_size]).concatenate(self._shape),
                                self._dtype)

    def _unbatch(self):
        if self._shape.rank is None or self._shape.rank == 0:
            raise ValueError(f"Cannot slice a SparseTensor of shape {self._shape} into rows.")
        return SparseTensorSpec(self._shape[1:], self._dtype)

    def _to_rows(self, value):
        indices, values = np.asarray(value.indices), np.asarray(value.values)
        shape = np.asarray(value.dense_shape)
        rows = []
        for r in range(int(shape[0])):
            keep = indices[:, 0] == r
            rows.append(SparseTensor(indices[keep, 1:], values[keep], shape[1:]))
        return rows

    def _from_rows(self, rows):
        parts, vals = [], []
        rank = self._shape.rank - 1 if self._shape.rank is not None else None
        shapes = [np.asarray(r.dense_shape) for r in rows]
        inner = np.max(np.stack(shapes), axis=0) if shapes else np.zeros(rank or 0, np.int64)
        for i, r in enumerate(rows):
            idx = np.asarray(r.indices)
            parts.append(np.concatenate([np.full((len(idx), 1), i, np.int64), idx], axis=1))
            vals.append(np.asarray(r.values))
        indices = np.concatenate(parts) if parts else np.zeros((0, (rank or 0) + 1), np.int64)
        values = np.concatenate(vals) if vals else np.zeros((0,), self._dtype._np)
        return SparseTensor(indices, values, np.concatenate([[len(rows)], inner]))


def is_sparse(x):
    """Whether `x` is a SparseTensor or SparseTensorValue (tf.compat.v1.sparse.is_sparse)."""
    return isinstance(x, (SparseTensor, SparseTensorValue))
