"""What the categorical preprocessing layers share: turning integer indices into "int",
"one_hot", "multi_hot" or "count" outputs (Keras 3's encode_categorical_inputs), and
reading `adapt` data batch by batch."""
import numpy as np

from ....framework import dtypes
from ....framework.tensor import TensorLike
from ....ops import array_ops, lookup_ops, math_ops
from ....ops.sparse_tensor import SparseTensor


def encode(indices, output_mode, depth, dtype, sparse=False, count_weights=None):
    """Encodes integer `indices` (dense or ragged): "int" casts; "one_hot" adds a last axis
    of `depth` (replacing a last axis of size 1); "multi_hot" and "count" count each
    index over the last axis (a 1-D input is one sample). Indices outside [0, depth) are
    dropped, so a mask index of int64 max counts nowhere, as in Keras."""
    dtype = dtypes.as_dtype(dtype)
    if output_mode == "int":
        return math_ops.cast(indices, dtype)
    ragged = hasattr(indices, "row_splits") and hasattr(indices, "flat_values")
    if not ragged and indices.shape.rank == 0:
        indices = array_ops.expand_dims(indices, -1)
    if output_mode == "one_hot":
        if ragged:
            raise ValueError("output_mode='one_hot' needs dense inputs; got a RaggedTensor.")
        dims = indices.shape.as_list() if indices.shape.rank is not None else None
        if dims is not None and len(dims) > 1 and dims[-1] == 1:
            indices = array_ops.squeeze(indices, [-1])
        out = lookup_ops.bincount_last_axis(array_ops.expand_dims(indices, -1), depth,
                                            binary=True, dtype=dtype)
    else:
        binary = output_mode == "multi_hot"
        if ragged:
            out = lookup_ops.bincount_ragged(indices, depth, binary=binary, dtype=dtype,
                                             weights=count_weights)
        else:
            out = lookup_ops.bincount_last_axis(indices, depth, binary=binary, dtype=dtype,
                                                weights=count_weights)
    if sparse:
        from ....ops import sparse_ops
        return sparse_ops.from_dense(out)
    return out


def output_shape(input_shape, output_mode, depth):
    """Keras 3's output shape for an encoding of inputs of `input_shape`."""
    shape = tuple(input_shape)
    if output_mode == "int":
        return shape
    if not shape:
        return (depth,)
    if output_mode == "one_hot":
        if len(shape) > 1 and shape[-1] == 1:
            return shape[:-1] + (depth,)
        return shape + (depth,)
    return shape[:-1] + (depth,)


def is_tensor(x):
    return isinstance(x, (TensorLike, SparseTensor)) or hasattr(x, "flat_values")


def batches(data, steps):
    """The batches `adapt` reads from `data`: a tf.data Dataset or iterable of batches
    (up to `steps`), or one batch for arrays, lists and tensors."""
    from ....data.dataset import DatasetV2
    if isinstance(data, DatasetV2):
        if steps is not None:
            data = data.take(steps)
        return iter(data), False
    if hasattr(data, "__iter__") and not isinstance(data, (list, tuple, np.ndarray, str,
                                                           bytes)) and not is_tensor(data):
        def limited():
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                yield batch
        return limited(), False
    return iter([data]), True


def to_numpy(x):
    """A batch as NumPy: dense arrays, or a list of row arrays for a RaggedTensor."""
    if hasattr(x, "flat_values") and hasattr(x, "row_splits"):
        return [np.asarray(r) for r in x.to_list()] if x.ragged_rank == 1 else \
            np.asarray(x.flat_values)
    if isinstance(x, SparseTensor):
        return np.asarray(x.values.numpy())
    if hasattr(x, "numpy"):
        return np.asarray(x.numpy())
    return np.asarray(x)
