"""Dtype policies: the dtype a layer computes in and the dtype its variables are kept in.

A policy named after a dtype ("float32", "float16", "bfloat16", "float64", "int32"...)
uses it for both. "mixed_float16" and "mixed_bfloat16" compute in float16 / bfloat16 and
keep variables in float32 (Keras 3's names and rules). A layer whose two dtypes differ
casts its floating inputs to the compute dtype, and while its `call` runs every autocast
variable it reads comes out in the compute dtype (a Cast op, so gradients reach the float32
variable): `autocast_scope` and `AutocastVariable` below. The engine is not involved: an
AutocastVariable is an ordinary Variable whose reads look at the scope.
"""
import threading

import numpy as np

from ...framework import dtypes
from ...framework.variables import Variable

_MIXED = {"mixed_float16": ("float16", "float32"), "mixed_bfloat16": ("bfloat16", "float32")}
_GLOBAL = [None]          # the global policy; None: DTypePolicy(floatx())
ANY_MIXED = [False]       # set once a layer has a mixed policy: until then calls skip scopes
_SCOPE = threading.local()


class DTypePolicy:
    """A dtype policy for a Keras layer: its compute dtype and its variable dtype.

    Args:
      name: "mixed_float16" (compute float16, variables float32), "mixed_bfloat16"
        (compute bfloat16, variables float32), or any dtype name ("float32", "float16",
        "float64", "int32"...) for both. None: the global policy's name.

    Raises:
      TypeError: If `name` is not a string.
      ValueError: If `name` is neither a mixed policy nor a dtype.

    Example:

    >>> from ndflow import keras
    >>> policy = keras.mixed_precision.Policy("mixed_float16")
    >>> policy.compute_dtype, policy.variable_dtype
    ('float16', 'float32')
    """

    def __init__(self, name=None):
        if name is None:
            name = global_policy().name
        if not isinstance(name, str):
            raise TypeError("'name' must be a string, such as 'mixed_float16'. Received: "
                            f"name={name!r} (of type {type(name)})")
        if name in _MIXED:
            compute, variable = _MIXED[name]
        elif name == "bfloat16":
            compute = variable = name
        else:
            try:
                compute = variable = dtypes.as_dtype(name).name
            except (TypeError, ValueError, KeyError):
                raise ValueError(f"Cannot convert '{name}' to a mixed precision DTypePolicy. "
                                 "Valid policies include 'mixed_float16', 'mixed_bfloat16', "
                                 "and the name of any float dtype such as 'float32'.") from None
        self._name, self._compute_dtype, self._variable_dtype = name, compute, variable

    @property
    def name(self):
        """The policy's name ("mixed_float16", "float32"...)."""
        return self._name

    @property
    def compute_dtype(self):
        """The dtype layers compute in (and cast floating inputs to), as a string."""
        return self._compute_dtype

    @property
    def variable_dtype(self):
        """The dtype layers create their variables in, as a string."""
        return self._variable_dtype

    @property
    def quantization_mode(self):
        """None: quantized policies are not supported."""
        return None

    @property
    def is_mixed(self):
        return self._compute_dtype != self._variable_dtype

    def layer_dtypes(self):
        """(compute DType, variable DType or None when the same) for a layer."""
        if "bfloat16" in (self._compute_dtype, self._variable_dtype):
            raise ValueError(f"Policy '{self._name}': ndflow has no bfloat16 dtype (NumPy, its "
                             "CPU engine, has none). Use 'mixed_float16' for mixed precision.")
        compute = dtypes.as_dtype(self._compute_dtype)
        return compute, (dtypes.as_dtype(self._variable_dtype) if self.is_mixed else None)

    def convert_input(self, x, autocast, dtype):
        """`x` cast to `dtype` when it is a floating tensor of another dtype and `autocast`."""
        from ...ops import array_ops
        dtype = dtypes.as_dtype(dtype)
        if autocast and getattr(x, "dtype", None) is not None:
            d = dtypes.as_dtype(x.dtype)
            if d.is_floating and d != dtype:
                return array_ops.cast(x, dtype)
        return x

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other.name == self.name

    def __hash__(self):
        return hash(self._name)

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'


Policy = DTypePolicy  # keras.mixed_precision.Policy (tf.keras 2's name)
FloatDTypePolicy = DTypePolicy


def get(identifier):
    """A DTypePolicy from None (the global one), a name, a DType, a config dict or a policy.

    Raises:
      ValueError: If `identifier` names no policy.
    """
    if identifier is None:
        return global_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        inner = identifier.get("config", identifier)
        return DTypePolicy(inner.get("name") if isinstance(inner, dict) else inner)
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    try:
        return DTypePolicy(dtypes.as_dtype(identifier).name)
    except (TypeError, ValueError, KeyError):
        raise ValueError("Cannot interpret `dtype` argument. Expected a string or an instance "
                         f"of DTypePolicy. Received: dtype={identifier!r}") from None


def set_global_policy(policy):
    """Sets the policy of layers created without a `dtype` (Keras 3's `set_dtype_policy`).

    Args:
      policy: A policy name ("mixed_float16", "float32"...) or a `DTypePolicy`.

    Raises:
      ValueError: If `policy` is neither.

    Example:

    >>> from ndflow import keras
    >>> keras.mixed_precision.set_global_policy("mixed_float16")
    >>> keras.layers.Dense(4).compute_dtype
    'float16'
    >>> keras.mixed_precision.set_global_policy("float32")
    """
    if policy is not None and not isinstance(policy, DTypePolicy):
        if not isinstance(policy, str):
            raise ValueError("Invalid `policy` argument. Expected the string name of a policy "
                             "(such as 'mixed_float16') or a `DTypePolicy` instance. Received: "
                             f"policy={policy!r} (of type {type(policy)})")
        policy = DTypePolicy(policy)
    _GLOBAL[0] = policy


def global_policy():
    """The policy of layers created without a `dtype`: set_global_policy's, else floatx()'s.

    Returns:
      A `DTypePolicy`.
    """
    if _GLOBAL[0] is None:
        from .. import backend
        return DTypePolicy(backend.floatx())
    return _GLOBAL[0]


set_dtype_policy = set_global_policy
dtype_policy = global_policy


# --- autocasting variable reads inside a mixed layer's call ----------------------------------

def _stack():
    s = getattr(_SCOPE, "stack", None)
    if s is None:
        s = _SCOPE.stack = []
    return s


def current_autocast_dtype():
    """The dtype floating autocast variables are read in now, or None (no layer scope)."""
    s = getattr(_SCOPE, "stack", None)
    return s[-1] if s else None


class autocast_scope:  # noqa: N801 - used like a function: `with autocast_scope(dtype):`
    """While open, AutocastVariables of a floating dtype read as `dtype` (None: as stored)."""

    __slots__ = ("dtype",)

    def __init__(self, dtype):
        self.dtype = None if dtype is None else dtypes.as_dtype(dtype)

    def __enter__(self):
        _stack().append(self.dtype)
        return self

    def __exit__(self, *exc_info):
        _stack().pop()
        return False


def layer_scope(layer):
    """The autocast scope a layer's call runs in (Keras 3's rule), or None for no change:
    a mixed layer opens its compute dtype; inside an open scope a layer that differs opens
    its own compute dtype, or None when it does not autocast or computes in a non-float."""
    current = getattr(_SCOPE, "stack", None)
    compute = layer._nd_dtype
    if current:
        if not layer.autocast or not compute.is_floating:
            return autocast_scope(None) if current[-1] is not None else None
        return autocast_scope(compute) if current[-1] != compute else None
    if compute != dtypes.as_dtype(layer.variable_dtype):
        return autocast_scope(compute)
    return None


class AutocastVariable(Variable):
    """A layer variable that reads in the compute dtype of the layer call it is used in.

    Outside a mixed layer's call it is its stored self (float32 under "mixed_float16"):
    optimizers, checkpoints and `numpy()` see the stored values. Inside, a read is the
    stored value cast to the compute dtype (eagerly, on tapes and in graphs), and `dtype`
    says so, as Keras 3's autocasting variables do. Assignments always write the stored dtype.
    """

    @property
    def _value(self):
        raw = self.__dict__.get("_nd_raw")
        d = current_autocast_dtype()
        if d is None or raw is None or d._np == raw.dtype or raw.dtype.kind != "f":
            return raw
        return raw.astype(d._np)

    @_value.setter
    def _value(self, value):
        self.__dict__["_nd_raw"] = value

    @property
    def dtype(self):
        d = current_autocast_dtype()
        if d is not None and self._dtype.is_floating:
            return d
        return self._dtype

    def _cast_dtype(self):
        d = current_autocast_dtype()
        return d if d is not None and self._dtype.is_floating and d != self._dtype else None

    def read_value(self):
        d = self._cast_dtype()
        if d is None:
            return super().read_value()
        with autocast_scope(None):
            t = super().read_value()
        from ...ops import array_ops
        return array_ops.cast(t, d)

    value = read_value

    def _read_in_graph(self, g):
        d = self._cast_dtype()
        t = super()._read_in_graph(g)
        if d is None:
            return t
        from ...ops import array_ops
        return array_ops.cast(t, d)

    def _assign(self, opdef, value, read_value=True, name=None):
        with autocast_scope(None):
            return super()._assign(opdef, value, read_value, name)

    def numpy(self):
        with autocast_scope(None):
            return super().numpy()

