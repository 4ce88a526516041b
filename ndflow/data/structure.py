"""Element structures of a dataset: nested tuples/dicts of TensorSpecs, and the flat arrays
that flow between dataset stages.

Inside a pipeline an element is a flat tuple of NumPy arrays (strings are object arrays of
bytes, as `tf.string` tensors hold bytes); the element spec says how to nest them and what
shape and dtype each component has. Users only ever see nested EagerTensors.
"""
import numpy as np

from ..framework import dtypes
from ..framework.coercion import string_array  # noqa: F401  (re-exported)
from ..framework.registry import cast_array, default_array
from ..framework.tensor import EagerTensor, TensorLike, TensorSpec
from ..framework.tensor_shape import TensorShape
from ..util import nest
from ..util.composite import CompositeTensor, TypeSpec
from . import composites


def _is_text(value):
    return isinstance(value, (str, bytes))


def _looks_textual(value):
    if _is_text(value):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "USO"
    if isinstance(value, (list, tuple)) and value:
        return _looks_textual(value[0])
    return False


def to_array(value, dtype=None):
    """A dataset component (tensor, NumPy array, Python value) as a NumPy array."""
    if isinstance(value, EagerTensor):
        arr = value._value
    elif isinstance(value, TensorLike) and hasattr(value, "numpy"):  # an eager Variable
        arr = np.asarray(value.numpy())
    elif isinstance(value, TensorLike):
        raise TypeError(f"A tf.data dataset needs concrete values; got the symbolic tensor "
                        f"{value!r}. Build datasets from NumPy arrays or eager tensors.")
    elif dtype is not None and dtypes.as_dtype(dtype) == dtypes.string:
        return string_array(value)
    elif _looks_textual(value):
        return string_array(value)
    elif dtype is not None:
        return np.asarray(cast_array(value, dtypes.as_dtype(dtype)._np))
    else:
        arr = np.asarray(default_array(value))
    if dtype is not None:
        d = dtypes.as_dtype(dtype)
        if d == dtypes.string:
            return string_array(arr)
        arr = np.asarray(cast_array(arr, d._np))
    return arr


def spec_of_array(arr, batched=False):
    shape = arr.shape[1:] if batched else arr.shape
    return TensorSpec(TensorShape(shape), dtype_of(arr))


def dtype_of(arr):
    if arr.dtype.kind in "OSU":
        return dtypes.string
    return dtypes.from_numpy(arr.dtype)


def normalize_structure(value, leaf=None):
    """The structure of a dataset element: tuples, namedtuples and dicts nest; anything else
    is one component (TensorFlow converts a list into one tensor: `from_tensor_slices([1, 2,
    3])` slices one component). `leaf` converts each component (e.g. to_array). A
    SparseTensor or RaggedTensor (or its TF1 value type) is one component, kept whole."""
    if composites.is_value_type(value):
        return composites.ValueLeaf(value)
    if isinstance(value, CompositeTensor):
        return value
    if isinstance(value, dict) or (hasattr(value, "keys") and hasattr(value, "__getitem__")
                                   and not isinstance(value, np.ndarray)):
        return {k: normalize_structure(value[k], leaf) for k in value}
    if isinstance(value, tuple):
        items = [normalize_structure(v, leaf) for v in value]
        return type(value)(*items) if hasattr(type(value), "_fields") else tuple(items)
    return value if leaf is None else leaf(value)


def flatten(structure):
    """The component specs (or arrays) of `structure`, composites expanded."""
    return nest.flatten(structure, expand_composites=True)


def pack(structure, flat):
    """`flat` component values nested as `structure` (composites rebuilt)."""
    return nest.pack_sequence_as(structure, flat, expand_composites=True)


def leaf_spec_and_arrays(value, batched=False):
    """(spec, component arrays) of one component value of an element (a tensor, array or
    eager composite or its TF1 value type); `batched` gives the spec of its rows."""
    if isinstance(value, (CompositeTensor, composites.ValueLeaf)):
        if isinstance(value, CompositeTensor):
            spec, arrays = value._type_spec, composites.composite_arrays(value)
        else:
            spec, arrays = composites.value_type_arrays(value)
        if batched:
            spec = composites.row_spec(spec, "Dataset.from_tensor_slices()")
        return spec, arrays
    arr = to_array(value)
    return spec_of_array(arr, batched), [arr]


class DatasetSpec:
    """tf.data.DatasetSpec: the type of a dataset that is itself a component of an element
    (the windows of `Dataset.window`). Such a component flows as a 0-d object array holding
    the dataset."""

    def __init__(self, element_spec, dataset_shape=()):
        self.element_spec = element_spec
        self.shape = TensorShape(dataset_shape)
        self.dtype = dtypes.variant

    def __eq__(self, other):
        return isinstance(other, DatasetSpec) and \
            nest.flatten(other.element_spec) == nest.flatten(self.element_spec)

    def __hash__(self):
        return hash(tuple(nest.flatten(self.element_spec)))

    def __repr__(self):
        return f"DatasetSpec({self.element_spec!r}, TensorShape({self.shape.dims}))"


def holding(value):
    """A 0-d object array holding `value` (a window dataset)."""
    a = np.empty((), dtype=object)
    a[()] = value
    return a


def _user_value(spec, arrays):
    if isinstance(spec, DatasetSpec):
        return arrays[0][()]
    if isinstance(spec, TypeSpec):
        return composites.user_value(spec, arrays)
    return EagerTensor(arrays[0])


def to_tensors(structure, arrays):
    """The nested EagerTensors (and composites) a user sees for one element."""
    return nest.pack_sequence_as(structure, [
        _user_value(s, a) for s, a in composites.split_leaves(structure, arrays)])


def to_numpy(structure, arrays):
    """As `as_numpy_iterator` returns an element: scalars as NumPy scalars, strings as bytes."""
    out = []
    for s, parts in composites.split_leaves(structure, arrays):
        a = parts[0]
        if isinstance(s, DatasetSpec):
            out.append(a[()].as_numpy_iterator())
        elif isinstance(s, TypeSpec):
            out.append(composites.numpy_value(s, parts))
        elif a.ndim == 0:
            out.append(a[()])
        else:
            out.append(a)
    return nest.pack_sequence_as(structure, out)


def spec_string(spec):
    return repr(spec)


def spec_shapes(structure):
    return nest.map_structure(lambda s: s.shape, structure)


def spec_types(structure):
    return nest.map_structure(lambda s: s.dtype, structure)


def most_specific_compatible(a, b):
    """The TensorShape both `a` and `b` fit (dimensions that differ become None)."""
    if a.rank is None or b.rank is None or a.rank != b.rank:
        return TensorShape(None)
    return TensorShape([x if x == y else None for x, y in zip(a.dims, b.dims)])


def check_same_structure(a, b, what):
    fa, fb = nest.flatten(a), nest.flatten(b)
    if len(fa) != len(fb) or _shape_key(a) != _shape_key(b):
        raise TypeError(f"{what}: the two datasets' elements do not have the same structure: "
                        f"{a} and {b}.")
    for x, y in zip(fa, fb):
        if type(x) is not type(y) or getattr(x, "ragged_rank", 0) != getattr(y, "ragged_rank", 0):
            raise TypeError(f"{what}: incompatible dataset elements: {a} and {b}.")
        if x.dtype != y.dtype:
            raise TypeError(f"{what}: the two datasets' elements have different types: "
                            f"{x.dtype.name} and {y.dtype.name} ({a} and {b}).")


def _shape_key(s):
    if isinstance(s, dict):
        return ("dict", tuple(sorted((k, _shape_key(v)) for k, v in s.items())))
    if isinstance(s, (list, tuple)):
        return ("seq", tuple(_shape_key(v) for v in s))
    return None
