"""ragged_batch and sparse_batch: batches of dense elements whose shapes differ, as
RaggedTensors or SparseTensors (tf.data.experimental.dense_to_ragged_batch and
dense_to_sparse_batch are the older names)."""
import numpy as np

from ..framework import dtypes
from ..framework.errors import DataLossError, InvalidArgumentError
from ..framework.tensor import TensorSpec
from ..framework.tensor_shape import TensorShape
from ..util import nest
from ..util.composite import TypeSpec
from . import composites, structure
from .batching import BatchDataset, _batch_cardinality
from .transforms import _Unary, _count


def _ragged_spec(spec):
    """The RaggedTensorSpec a dense component of `spec` is batched as: every dimension up to
    the last unknown one becomes ragged; fully known (or unknown-rank) shapes stay dense."""
    if not isinstance(spec, TensorSpec) or spec.shape.rank is None or \
            spec.shape.is_fully_defined():
        return spec
    from ..ragged.ragged_tensor import RaggedTensorSpec
    last = max(i for i, d in enumerate(spec.shape.dims) if d is None)
    return RaggedTensorSpec(spec.shape, spec.dtype, last)


class _DenseToRaggedDataset(_Unary):
    """The input's dense components of varying shape seen as RaggedTensors (uniform rows)."""

    def __init__(self, input_dataset):
        super().__init__(input_dataset)
        leaves = nest.flatten(input_dataset._spec)
        self._ranks = [_ragged_spec(s).ragged_rank if _ragged_spec(s) is not s else None
                       for s in leaves]
        self._spec = nest.map_structure(_ragged_spec, input_dataset._spec)

    def _iterate(self):
        spec = self._input._spec
        for element in self._input._iterate():
            out = []
            for rank, (_, parts) in zip(self._ranks, composites.split_leaves(spec, element)):
                out.extend(parts if rank is None else composites.dense_as_ragged(parts[0], rank))
            yield tuple(out)


def ragged_batch(dataset, batch_size, drop_remainder=False, row_splits_dtype=dtypes.int64):
    """`batch_size` consecutive elements as one; dense components whose shapes vary become
    RaggedTensors (SparseTensor and RaggedTensor components batch as `batch` does)."""
    if dtypes.as_dtype(row_splits_dtype) != dtypes.int64:
        raise NotImplementedError("ragged_batch(): only row_splits_dtype=tf.int64 is "
                                  "supported (ndflow's RaggedTensors use int64 row splits).")
    return BatchDataset(_DenseToRaggedDataset(dataset), batch_size, drop_remainder)


def _row_shape(row_shape):
    if isinstance(row_shape, TensorShape):
        return row_shape
    if isinstance(row_shape, (list, tuple)):
        return TensorShape([None if d is None or int(d) < 0 else int(d) for d in row_shape])
    a = structure.to_array(row_shape).reshape(-1)
    return TensorShape([None if int(d) < 0 else int(d) for d in a]) if a.dtype.kind in "iu" \
        else TensorShape(list(row_shape))


class SparseBatchDataset(_Unary):
    """Batches of a single dense component as SparseTensors of shape [batch] + row_shape
    (every entry of each element is stored, zeros included, as TensorFlow does)."""

    def __init__(self, input_dataset, batch_size, row_shape):
        super().__init__(input_dataset)
        leaves = input_dataset._flat_specs
        if len(leaves) != 1 or isinstance(input_dataset._spec, TypeSpec) or \
                nest.is_nested(input_dataset._spec):
            types = tuple(s.dtype for s in leaves)
            raise TypeError(f"`dense_to_sparse_batch` requires an input dataset whose elements "
                            f"have a single component, but the given dataset has the "
                            f"following component types: {types}.")
        self._size = _count(batch_size, "batch_size")
        if self._size <= 0:
            raise InvalidArgumentError(f"sparse_batch(): `batch_size` must be greater than zero; "
                                       f"received {self._size}.")
        self._row_shape = _row_shape(row_shape)
        if self._row_shape.rank is None:
            raise ValueError("sparse_batch(): `row_shape` must have a known rank.")
        from ..ops.sparse_tensor import SparseTensorSpec
        self._spec = SparseTensorSpec(TensorShape([None]).concatenate(self._row_shape),
                                      leaves[0].dtype)

    def _combine(self, batch):
        want = self._row_shape.dims
        parts, shapes = [], []
        for (a,) in batch:
            if a.ndim != len(want):
                raise InvalidArgumentError(f"Input element had shape ({list(a.shape)}) that is "
                                           f"incompatible with the row shape ({want}).")
            if any(w is not None and d > w for d, w in zip(a.shape, want)):
                raise DataLossError(f"Input element had shape ({list(a.shape)}) that is larger "
                                    f"than the row shape ({want}).")
            parts.append(a)
            shapes.append(a.shape)
        inner = [w if w is not None else max([s[i] for s in shapes] + [0])
                 for i, w in enumerate(want)]
        index_parts, value_parts = [], []
        for row, a in enumerate(parts):
            coords = np.indices(a.shape).reshape(a.ndim, -1).T if a.ndim else np.zeros((1, 0))
            index_parts.append(np.concatenate([np.full((len(coords), 1), row), coords], axis=1))
            value_parts.append(a.reshape(-1))
        indices = np.concatenate(index_parts).astype(np.int64)
        return (indices, np.concatenate(value_parts),
                np.asarray([len(parts)] + inner, np.int64))

    def _iterate(self):
        batch = []
        for element in self._input._iterate():
            batch.append(element)
            if len(batch) == self._size:
                yield self._combine(batch)
                batch = []
        if batch:
            yield self._combine(batch)

    def _cardinality(self):
        return _batch_cardinality(self._input._cardinality(), self._size, False)
