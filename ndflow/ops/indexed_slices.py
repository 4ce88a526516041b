"""tf.IndexedSlices: a sparse set of rows (`values` at `indices` of a `dense_shape` tensor).

TensorFlow returns gradients of `tf.gather` / embedding lookups as IndexedSlices. ndflow's
gradients are always dense tensors (the gather gradient scatter-adds into a zeros tensor of
the params' shape, one fused kernel), so every optimizer sees one kind of gradient and the
autodiff accumulates with plain adds. Users still get the class: one built by hand
densifies wherever a tensor is expected (`tf.convert_to_tensor`, any op, operators), and
`isinstance(g, tf.IndexedSlices)` is simply False for ndflow's gradients, which code written
for TensorFlow handles by taking its dense branch.
"""
from ..framework.tensor import TensorLike
from ..framework.tensor_shape import TensorShape
from .array_ops import _static_ints, convert_to_tensor, zeros
from .indexing_ops import GATHER_GRAD
from ..framework.registry import execute


class IndexedSlices(TensorLike):
    """Rows `values[i]` of a tensor of shape `dense_shape` at row positions `indices[i]`
    (repeated indices add up when densified).

    Args:
      values: a tensor of shape `[N] + dense_shape[1:]`.
      indices: a 1-D integer tensor of N row positions.
      dense_shape: the shape of the dense tensor (a list, TensorShape or 1-D tensor), or
        None where unknown (then it cannot be densified).
    """

    def __init__(self, values, indices, dense_shape=None):
        self._values = convert_to_tensor(values)
        self._indices = convert_to_tensor(indices)
        if not self._indices.dtype.is_integer:
            raise TypeError(f"IndexedSlices: indices must be an integer tensor, got "
                            f"{self._indices.dtype.name}.")
        self._dense_shape = None if dense_shape is None else convert_to_tensor(
            list(dense_shape.as_list()) if isinstance(dense_shape, TensorShape) else dense_shape,
            dtype="int64" if not isinstance(dense_shape, TensorLike) else None)
        self._dense = None

    values = property(lambda self: self._values, doc="The rows: a tensor.")
    indices = property(lambda self: self._indices, doc="Row positions: a 1-D integer tensor.")
    dense_shape = property(lambda self: self._dense_shape,
                           doc="The dense tensor's shape (a 1-D int tensor), or None.")
    dtype = property(lambda self: self._values.dtype)
    name = property(lambda self: self._values.name)
    device = property(lambda self: self._values.device)
    op = property(lambda self: self._values.op)

    @property
    def graph(self):
        return getattr(self._values, "graph", None)

    @property
    def shape(self):
        """The dense shape where it is known statically, else the values' row shape."""
        if self._dense_shape is not None:
            try:
                return TensorShape(_static_ints(self._dense_shape, "dense_shape",
                                                "IndexedSlices"))
            except (TypeError, ValueError, NotImplementedError):
                pass
        return TensorShape([None]).concatenate(self._values.shape[1:])

    def _densify(self):
        if self._dense_shape is None:
            raise ValueError("Cannot convert an IndexedSlices without dense_shape to a Tensor: "
                             f"{self!r}. Pass dense_shape= when creating it.")
        template = zeros(self._dense_shape, dtype=self._values.dtype)
        return execute(GATHER_GRAD, (self._values, template, self._indices),
                       {"axis": 0, "batch_dims": 0}, "IndexedSlicesToDense")

    # What the engine reads of a tensor-like (as of a Variable): its value, densified.
    @property
    def _graph(self):
        return self.graph

    @property
    def _value(self):
        if self._dense is None:
            self._dense = self._densify()
        return self._dense._value

    def read_value(self):
        return self._densify()

    def _read_in_graph(self, g):
        from ..framework.context import building_graph
        with building_graph(g):
            return self._densify()

    def numpy(self):
        return self._densify().numpy()

    def __array__(self, dtype=None, copy=None):
        import numpy as np
        v = np.asarray(self.numpy())
        return v if dtype is None else v.astype(dtype, copy=False)

    def __neg__(self):
        return IndexedSlices(-self._values, self._indices, self._dense_shape)

    def __repr__(self):
        shape = "None" if self._dense_shape is None else self.shape
        return (f"IndexedSlices(indices={self._indices!r}, values={self._values!r}, "
                f"dense_shape={shape})")


class IndexedSlicesSpec:
    """Describes an IndexedSlices (shape, dtype, indices dtype), as tf.IndexedSlicesSpec."""

    def __init__(self, shape=None, dtype="float32", indices_dtype="int64",
                 dense_shape_dtype=None, indices_shape=None):
        from ..framework import dtypes
        self.shape = TensorShape(shape)
        self.dtype = dtypes.as_dtype(dtype)
        self.indices_dtype = dtypes.as_dtype(indices_dtype)

    def __repr__(self):
        return f"IndexedSlicesSpec(shape={self.shape}, dtype={self.dtype!r})"


from ..util.export import export_many  # noqa: E402

export_many("", {"IndexedSlices": IndexedSlices, "IndexedSlicesSpec": IndexedSlicesSpec})
