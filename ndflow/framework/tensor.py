"""Tensors: EagerTensor holds an array; SymbolicTensor is an output of a graph Operation.

Python operators (+, *, [], ...) are attached by ndflow.ops once the ops exist, so
this module stays free of op definitions.
"""
import threading

import numpy as np

from . import dtypes
from .tensor_shape import TensorShape, as_shape


class TensorLike:
    """Base of everything that converts to a tensor and takes part in operators."""
    __slots__ = ()
    __array_priority__ = 100  # make NumPy defer to our reflected operators


class Tensor(TensorLike):
    """A multi-dimensional array of one dtype: the values ops take and return.

    Eager tensors hold a value (`numpy()` returns it); symbolic tensors are outputs of graph
    nodes, valued when a `Session` or `tf.function` runs. Both have a static `shape` (possibly
    partly unknown) and a `dtype`, and support Python's operators and NumPy-style indexing.
    `isinstance(x, ndflow.Tensor)` is true for both kinds.

    Example:

    >>> x = ndflow.constant([[1.0, 2.0]])
    >>> (x * 2).numpy()
    array([[2., 4.]], dtype=float32)
    """
    __slots__ = ()

    def get_shape(self):
        return self.shape

    @property
    def ndim(self):
        return self.shape.rank

    def ref(self):
        return Reference(self)

    __hash__ = object.__hash__

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class Reference:
    """Hashable wrapper returned by `Tensor.ref()`/`Variable.ref()`."""
    __slots__ = ("_obj",)

    def __init__(self, obj):
        self._obj = obj

    def deref(self):
        return self._obj

    def __hash__(self):
        return id(self._obj)

    def __eq__(self, other):
        return isinstance(other, Reference) and other._obj is self._obj


class EagerTensor(Tensor):
    """A tensor with a concrete value (a NumPy array or scalar)."""
    __slots__ = ("_value", "__weakref__")

    def __init__(self, value):
        self._value = value

    def numpy(self):
        """The value as NumPy: a NumPy scalar for 0-d tensors (as TensorFlow returns)."""
        v = self._value
        if v.ndim == 0:
            return v[()] if isinstance(v, np.ndarray) else v
        if not v.flags.writeable:  # a broadcast view: hand out an array the caller may modify
            return v.copy()
        return v

    @property
    def shape(self):
        return TensorShape(getattr(self._value, "shape", None))

    @property
    def dtype(self):
        try:
            return dtypes.from_numpy(self._value.dtype)
        except AttributeError:  # a variant value (a TensorArray's tuple of elements)
            return dtypes.variant

    @property
    def ndim(self):
        return self._value.ndim

    @property
    def device(self):
        return "/job:localhost/replica:0/task:0/device:CPU:0"

    @property
    def name(self):
        raise AttributeError("Tensor.name is undefined when eager execution is enabled.")

    def __array__(self, dtype=None, copy=None):
        v = np.asarray(self._value)
        return v if dtype is None else v.astype(dtype, copy=False)

    def __len__(self):
        if self._value.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._value.shape[0]

    def __iter__(self):
        if self._value.ndim == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        from .registry import get_op
        getitem = get_op("GetItem")
        return (getitem(self, key=(i,)) for i in range(self._value.shape[0]))

    def __bool__(self):
        return bool(self._value)

    def __int__(self):
        return int(self._value)

    def __float__(self):
        return float(self._value)

    def __index__(self):
        return self._value.__index__()

    def __format__(self, spec):
        if spec and self._value.ndim == 0:
            return format(self._value.item(), spec)
        return format(str(self), spec)

    def __str__(self):
        return f"tf.Tensor({_value_str(self._value)}, shape={self.shape}, dtype={self.dtype.name})"

    def __repr__(self):
        return (f"<tf.Tensor: shape={self.shape}, dtype={self.dtype.name}, "
                f"numpy={numpy_text(self._value)}>")

    def __reduce__(self):  # in-memory pickling only (e.g. multiprocessing)
        return EagerTensor, (np.asarray(self._value),)

    def eval(self, feed_dict=None, session=None):
        return self.numpy()


def numpy_text(v):
    """A value as TensorFlow's reprs show it: a 0-d value as its scalar (1.5, True, b'ab'),
    others as NumPy's repr."""
    v = np.asarray(v)
    if v.ndim:
        return repr(v)
    x = v[()]
    return repr(x) if isinstance(x, (bytes, str)) else str(x)


def _value_str(v):
    v = np.asarray(v)
    if v.ndim == 0:
        return str(v)
    text = np.array2string(v, separator=" ")
    return "\n" + text if "\n" in text else text  # TensorFlow starts multi-line values anew


class ListValue:
    """The value a TensorArray's flow (a variant tensor) holds: a list of arrays, None for an
    element not written yet. Like every tensor value it never changes; `set(i, v)` gives a
    new value in O(1) time: the newest version owns the Python list and each older one keeps
    only how to undo the write that followed it, and reading an older version moves the
    list back to it (Baker's version trees). A loop writing an element per step thus costs
    O(1) a step, while older values (a while loop's history) still read as they were."""
    __slots__ = ("_items", "_newer", "_undo")
    _lock = threading.Lock()  # versions share one list: one thread moves it at a time

    def __init__(self, items=()):
        self._items, self._newer, self._undo = list(items), None, None

    def _here(self):
        """The shared list, made this version's (call with the lock held)."""
        if self._items is not None:
            return self._items
        chain, root = [], self
        while root._items is None:
            chain.append(root)
            root = root._newer
        items = root._items
        for older in reversed(chain):  # move the list one version back at a time
            i, value, n = older._undo
            root._undo = (i, items[i] if i < len(items) else None, len(items))
            root._items, root._newer = None, older
            _set_length_and_item(items, n, i, value)
            older._items, older._newer, older._undo = items, None, None
            root = older
        return items

    def set(self, i, value):
        """A new value with element `i` set (unwritten elements added up to `i`)."""
        with ListValue._lock:
            items = self._here()
            new = ListValue.__new__(ListValue)
            new._items, new._newer, new._undo = items, None, None
            self._undo = (i, items[i] if i < len(items) else None, len(items))
            self._items, self._newer = None, new
            _set_length_and_item(items, max(len(items), i + 1), i, value)
        return new

    def items(self):
        with ListValue._lock:
            return tuple(self._here())

    def __len__(self):
        with ListValue._lock:
            return len(self._here())

    def __getitem__(self, i):
        with ListValue._lock:
            return self._here()[i]

    def __iter__(self):
        return iter(self.items())

    def __repr__(self):
        return f"ListValue({list(self.items())!r})"


def _set_length_and_item(items, n, i, value):
    if len(items) < n:
        items.extend([None] * (n - len(items)))
    else:
        del items[n:]
    if i < n:
        items[i] = value


class SymbolicTensor(Tensor):
    """Output `value_index` of graph Operation `op`; has a static shape and dtype only."""
    __slots__ = ("op", "value_index", "_shape", "dtype", "__weakref__")

    def __init__(self, op, value_index, shape, dtype):
        self.op = op
        self.value_index = value_index
        self._shape = shape
        self.dtype = dtype

    @property
    def shape(self):
        return self._shape

    def set_shape(self, shape):
        self._shape = self._shape.merge_with(as_shape(shape))

    @property
    def graph(self):
        return self.op.graph

    @property
    def name(self):
        return f"{self.op.name}:{self.value_index}"

    @property
    def device(self):
        return ""

    def consumers(self):
        return [op for op in self.op.graph._ops if any(t is self for t in op.inputs)]

    def numpy(self):
        raise NotImplementedError(
            f"Cannot call .numpy() on symbolic tensor {self.name}: it has no value until the "
            "graph runs. Use Session.run (TF1) or call the tf.function (TF2).")

    def __bool__(self):
        raise TypeError(
            f"Using a symbolic tf.Tensor ({self.name}) as a Python bool is not allowed: its value "
            "is only known when the graph runs. Use tf.cond/tf.where, or run eagerly.")

    def __len__(self):
        d = self._shape[0] if self._shape.rank else None
        if d is None:
            raise TypeError(f"len is not well defined for symbolic tensor {self.name} with shape "
                            f"{self._shape}: its first dimension is unknown.")
        return d

    def __iter__(self):
        d = self._shape[0] if self._shape.rank else None
        if d is None:
            raise TypeError(f"Cannot iterate over symbolic tensor {self.name} with shape "
                            f"{self._shape}: its first dimension is unknown.")
        from .registry import get_op
        getitem = get_op("GetItem")
        return (getitem(self, key=(i,)) for i in range(d))

    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"Cannot convert symbolic tensor {self.name} to a NumPy array: "
                        "it has no value until the graph runs.")

    def eval(self, feed_dict=None, session=None):
        from .session import _session_for
        return _session_for(session, self).run(self, feed_dict)

    def __str__(self):
        return f'Tensor("{self.name}", shape={self._shape}, dtype={self.dtype.name})'

    def __repr__(self):
        return f"<tf.Tensor '{self.name}' shape={self._shape} dtype={self.dtype.name}>"


class TensorSpec:
    """Describes a tensor: its shape (which may hold None), dtype and optional name.

    Used in `ndflow.function(input_signature=[...])`, as `Dataset.element_spec` and for Keras
    inputs. `TensorSpec.from_tensor(t)` describes an existing tensor; `is_compatible_with`
    tests a tensor or spec against it.

    Args:
      shape: A `TensorShape`, a list of ints and Nones, or None (unknown rank).
      dtype: The dtype (default `float32`).
      name: An optional name.

    Example:

    >>> spec = ndflow.TensorSpec([None, 3], ndflow.float32)
    >>> spec.shape.as_list()
    [None, 3]
    """
    __slots__ = ("shape", "dtype", "name")

    def __init__(self, shape, dtype=dtypes.float32, name=None):
        self.shape = as_shape(shape)
        self.dtype = dtypes.as_dtype(dtype)
        self.name = name

    @classmethod
    def from_tensor(cls, tensor, name=None):
        return cls(tensor.shape, tensor.dtype, name)

    def is_compatible_with(self, value):
        shape = getattr(value, "shape", None)
        dtype = getattr(value, "dtype", None)
        if dtype is not None and dtypes.as_dtype(dtype) != self.dtype:
            return False
        return shape is None or self.shape.is_compatible_with(TensorShape(shape))

    def __eq__(self, other):
        return (isinstance(other, TensorSpec) and self.shape == other.shape
                and self.dtype == other.dtype)

    def __hash__(self):
        return hash((self.shape, self.dtype))

    def __repr__(self):
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype!r}, name={self.name!r})"


def is_tensor(x):
    """Tells whether `x` is an ndflow tensor (eager or symbolic, dense or composite).

    Args:
      x: Any Python object.

    Returns:
      True for tensors, variables and composite tensors; False for NumPy arrays and Python
      values.
    """
    return isinstance(x, TensorLike)
