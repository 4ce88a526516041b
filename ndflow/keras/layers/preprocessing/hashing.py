"""Hashing and HashedCrossing: categorical features to bins by hashing, with the bins
Keras 3 computes (FarmHash Fingerprint64 of each value as a string, or SipHash-2-4 with a
`salt`; crosses by TensorFlow's FingerprintCat64)."""
import numpy as np

from ....framework import dtypes
from ....framework.tensor import TensorLike
from ....ops import array_ops, lookup_ops, math_ops, string_ops
from ....ops.sparse_tensor import SparseTensor
from ..base import Layer
from . import encoding

_MODES = ("int", "one_hot", "multi_hot", "count")


def _as_tensor(x):
    if isinstance(x, (TensorLike, SparseTensor)):
        return x
    arr = np.asarray(x)
    if arr.dtype.kind in "USO":
        return string_ops.string_input(x, "inputs", "Hashing")
    return array_ops.convert_to_tensor(arr)


class Hashing(Layer):
    """Hashes each value into one of `num_bins` bins (Keras 3's Hashing layer).

    Strings are hashed as they are, integers (and floats, truncated to int64) as their
    decimal strings. With `mask_value`, that value goes to bin 0 and the others to
    1..num_bins-1. `salt` (an int or a pair) switches to SipHash-2-4 under that key.
    output_mode "int" returns the bins (int64); "one_hot", "multi_hot", "count" encode
    them over `num_bins` (float32).
    """

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False,
                 **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else "float32"
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError("The `num_bins` for `Hashing` cannot be `None` or non-positive "
                             f"values. Received: num_bins={num_bins}.")
        if output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError('When `output_mode="int"`, `dtype` should be an integer type, '
                             f"'int32' or 'int64'. Received: dtype={kwargs['dtype']}")
        if output_mode not in _MODES:
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of "
                             f"{_MODES}. Received: output_mode={output_mode}")
        if sparse and output_mode == "int":
            raise ValueError('`sparse` may only be true if `output_mode` is "one_hot", '
                             f'"multi_hot", or "count". Received: sparse={sparse} and '
                             f"output_mode={output_mode}")
        self.num_bins = int(num_bins)
        self.mask_value = mask_value
        self.strong_hash = salt is not None
        self.output_mode = output_mode
        self.sparse = bool(sparse)
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                self.salt = [int(s) for s in salt]
            elif isinstance(salt, int):
                self.salt = [salt, salt]
            else:
                raise ValueError("The `salt` argument for `Hashing` can only be a tuple of "
                                 f"size 2 integers, or a single integer. Received: salt={salt}.")

    def _bins(self, values):
        bins = self.num_bins
        mask = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mv = self.mask_value
            mv = np.asarray(mv.encode("utf-8"), dtype=object) if isinstance(mv, str) else mv
            mask = math_ops.equal(values, mv)
        if values.dtype.is_floating:
            values = math_ops.cast(values, dtypes.int64)
        if values.dtype != dtypes.string:
            values = string_ops.as_string(values)
        if self.strong_hash:
            out = string_ops.to_hash_bucket_strong(values, bins, self.salt)
        else:
            out = string_ops.to_hash_bucket_fast(values, bins)
        if mask is not None:
            out = array_ops.where(mask, np.int64(0), out + np.int64(1))
        return out

    def call(self, inputs):
        x = _as_tensor(inputs)
        if self.output_mode == "one_hot" and not isinstance(x, SparseTensor) and \
                x.shape.rank and x.shape[-1] == 1:
            x = array_ops.squeeze(x, [-1])
        bins = lookup_ops._map_values(x, self._bins)
        if isinstance(bins, SparseTensor) and self.output_mode != "int":
            from ....ops import sparse_ops
            bins = sparse_ops.to_dense(bins, default_value=np.int64(np.iinfo(np.int64).max))
        return encoding.encode(bins, self.output_mode, self.num_bins, self.dtype,
                               sparse=self.sparse)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_bins,)
        return tuple(input_shape[:-1]) + (self.num_bins,)

    def get_config(self):
        config = super().get_config()
        config.update({"num_bins": self.num_bins, "salt": self.salt,
                       "mask_value": self.mask_value, "output_mode": self.output_mode,
                       "sparse": self.sparse})
        return config


class HashedCrossing(Layer):
    """Crosses two or more categorical features (strings or integers of shape (),
    (batch,) or (batch, 1)) into `num_bins` bins, the bins Keras 3 (tf.sparse.cross_hashed)
    gives; output_mode "int" (int64 bins) or "one_hot"."""

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None,
                 **kwargs):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        if output_mode not in ("int", "one_hot"):
            raise ValueError("HashedCrossing: `output_mode` must be 'int' or 'one_hot'. "
                             f"Received: output_mode={output_mode!r}")
        self.num_bins = int(num_bins)
        self.output_mode = output_mode
        self.sparse = bool(sparse)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError("`HashedCrossing` should be called on a list or tuple of inputs. "
                             f"Received: inputs={inputs}")
        if len(inputs) < 2:
            raise ValueError("`HashedCrossing` should be called on at least two inputs. "
                             f"Received: inputs={inputs}")
        xs = [_as_tensor(x) for x in inputs]
        first = tuple(xs[0].shape.as_list())
        if len(first) > 2 or (len(first) == 2 and first[-1] != 1):
            raise ValueError("All `HashedCrossing` inputs should have shape `()`, "
                             f"`(batch_size)` or `(batch_size, 1)`. Received: shapes "
                             f"{[tuple(x.shape.as_list()) for x in xs]}")
        if not all(tuple(x.shape.as_list()) == first for x in xs[1:]):
            raise ValueError("All `HashedCrossing` inputs should have equal shape. Received: "
                             f"shapes {[tuple(x.shape.as_list()) for x in xs]}")
        if any(isinstance(x, SparseTensor) for x in xs):
            raise ValueError("All `HashedCrossing` inputs should be dense tensors.")
        if not all(x.dtype.is_integer or x.dtype == dtypes.string for x in xs):
            raise ValueError("All `HashedCrossing` inputs should have an integer or string "
                             f"dtype. Received: dtypes {[x.dtype.name for x in xs]}")
        xs = [math_ops.cast(x, dtypes.int64) if x.dtype.is_integer and x.dtype != dtypes.int64
              else x for x in xs]
        out = lookup_ops.cross_hashed_dense(xs, self.num_bins)
        return encoding.encode(out, self.output_mode, self.num_bins, self.compute_dtype
                               if self.output_mode != "int" else self.dtype,
                               sparse=self.sparse)

    def compute_output_shape(self, input_shape):
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        if first and first[-1] != 1:
            return first + (self.num_bins,)
        return first[:-1] + (self.num_bins,)

    def get_config(self):
        return {"num_bins": self.num_bins, "output_mode": self.output_mode,
                "sparse": self.sparse, "name": self.name, "dtype": self.dtype}
