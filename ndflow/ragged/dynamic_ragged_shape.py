"""tf.experimental.DynamicRaggedShape: what `tf.shape` returns for a RaggedTensor.

The shape of a ragged tensor is its number of rows, then the row lengths of each ragged
dimension, then the inner (uniform) dimensions of its flat values. Indexing it gives the
size of a uniform dimension as a scalar tensor; a ragged dimension has no single size, so
indexing one raises, as in TensorFlow.
"""
from ..framework import dtypes
from ..framework.tensor import EagerTensor
from ..ops import array_ops


class DynamicRaggedShape:
    """The dynamic shape of a `RaggedTensor` (returned by `tf.shape(rt)`).

    Attributes:
      rank: The number of dimensions.
      num_row_partitions: The number of ragged dimensions (the tensor's ragged rank).
      inner_rank: The rank of the flat values.
      dtype: The integer dtype of the sizes.
    """

    def __init__(self, rt, dtype=dtypes.int32):
        self._rt = rt
        self.dtype = dtypes.as_dtype(dtype)
        self.num_row_partitions = rt.ragged_rank
        self.inner_rank = rt.flat_values.shape.rank
        self.rank = self.num_row_partitions + self.inner_rank

    def _axis(self, axis):
        if not isinstance(axis, int):
            raise TypeError(f"DynamicRaggedShape: index with an int, got {axis!r} (slices are "
                            "not supported in ndflow).")
        if not -self.rank <= axis < self.rank:
            raise IndexError(f"Index {axis} is out of range for a shape of rank {self.rank}.")
        return axis % self.rank

    def is_uniform(self, axis):
        """Whether dimension `axis` has one size (the rows and the inner dimensions)."""
        axis = self._axis(axis)
        return axis == 0 or axis > self.num_row_partitions

    def __getitem__(self, axis):
        axis = self._axis(axis)
        if axis == 0:
            return self._rt.nrows(out_type=self.dtype)
        if axis <= self.num_row_partitions:
            raise ValueError(f"Index {axis} is not uniform")
        inner = axis - self.num_row_partitions
        return array_ops.shape(self._rt.flat_values, out_type=self.dtype)[inner]

    def static_lengths(self):
        """The lengths known now: an int per uniform dimension (None if unknown), a tuple of
        row lengths per ragged dimension when the tensor has values, else None."""
        rt, out = self._rt, [self._rt.shape[0]]
        for splits in rt.nested_row_splits:
            out.append(tuple(int(n) for n in (splits[1:] - splits[:-1]).numpy())
                       if isinstance(splits, EagerTensor) else None)
        return out + rt.flat_values.shape.dims[1:]

    def __repr__(self):
        lengths = ", ".join("None" if v is None else str(v) for v in self.static_lengths())
        return (f"<DynamicRaggedShape lengths=[{lengths}] "
                f"num_row_partitions={self.num_row_partitions}>")


from ..util.export import export_many  # noqa: E402

export_many("experimental", {"DynamicRaggedShape": DynamicRaggedShape})
