"""CategoryEncoding (integer indices to one_hot / multi_hot / count vectors) and
Discretization (numbers to bucket indices, boundaries given or learned by `adapt` with
Keras 3's approximate quantile summaries)."""
import numpy as np

from ....framework import dtypes
from ....framework.tensor import TensorLike
from ....ops import array_ops, math_ops
from ..base import Layer
from . import encoding


class CategoryEncoding(Layer):
    """Encodes integer indices in [0, num_tokens) as "one_hot", "multi_hot" (default) or
    "count" vectors (with optional `count_weights` in "count" mode)."""

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError(f"Unknown arg for output_mode: {output_mode}")
        if num_tokens is None:
            raise ValueError("num_tokens must be set to use this layer. If the number of "
                             "tokens is not known beforehand, use the IntegerLookup layer "
                             "instead.")
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        self.num_tokens = int(num_tokens)
        self.output_mode = output_mode
        self.sparse = bool(sparse)

    def call(self, inputs, count_weights=None):
        x = inputs if isinstance(inputs, TensorLike) or hasattr(inputs, "flat_values") else \
            array_ops.convert_to_tensor(np.asarray(inputs))
        if not x.dtype.is_integer:
            x = math_ops.cast(x, dtypes.int64)
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError("`count_weights` is not used when `output_mode` is not "
                                 f"`'count'`. Received `count_weights={count_weights}`.")
            count_weights = math_ops.cast(array_ops.convert_to_tensor(count_weights),
                                          dtypes.as_dtype(self.compute_dtype))
        self._check_range(x)
        return encoding.encode(x, self.output_mode, self.num_tokens, self.compute_dtype,
                               sparse=self.sparse, count_weights=count_weights)

    def _check_range(self, x):
        values = getattr(x, "flat_values", x)
        if hasattr(values, "numpy") and not isinstance(values, type(None)):
            try:
                arr = values.numpy()
            except Exception:  # noqa: BLE001 - symbolic: checked when it runs (dropped)
                return
            if arr.size and (arr.min() < 0 or arr.max() >= self.num_tokens):
                raise ValueError(f"CategoryEncoding {self.name}: input values must be in the "
                                 f"range 0 <= values < num_tokens with num_tokens="
                                 f"{self.num_tokens}; got values from {arr.min()} to "
                                 f"{arr.max()}.")

    def compute_output_shape(self, input_shape):
        return encoding.output_shape(input_shape, self.output_mode, self.num_tokens)

    def get_config(self):
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode})
        return config


# --- Discretization's quantile summaries (the algorithm Keras 3 describes) -------------------

def _summarize(values, epsilon):
    values = np.sort(np.reshape(values, [-1]))
    n = np.size(values)
    step = max(n / (1.0 / epsilon), 1)
    boundaries = values[int(step - 1)::int(step)]
    return np.stack([boundaries, np.ones_like(boundaries) * step])


def _compress(summary, epsilon):
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum = summary[1].cumsum()
    fractions = cum / cum[-1]
    bins = np.interp(percents, fractions, summary[0])
    cum = np.interp(percents, fractions, cum)
    weights = cum - np.concatenate((np.array([0]), cum[:-1]))
    return np.stack((bins, weights)).astype("float32")


def _merge(a, b, epsilon):
    merged = np.concatenate((a, b), axis=1)
    merged = np.take(merged, np.argsort(merged[0]), axis=1)
    return _compress(merged, epsilon)


class Discretization(Layer):
    """Buckets numbers by `bin_boundaries` (index i for boundaries[i-1] <= x <
    boundaries[i]), or by `num_bins` quantile boundaries learned with `adapt` (to within
    `epsilon`); output_mode "int" (int32, as Keras 3), "one_hot", "multi_hot", "count"."""

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int",
                 sparse=False, dtype=None, name=None):
        super().__init__(name=name, dtype=dtype)
        if sparse and output_mode == "int":
            raise ValueError("`sparse=True` may only be used if `output_mode` is `'one_hot'`, "
                             f"`'multi_hot'`, or `'count'`. Received: sparse={sparse} and "
                             f"output_mode={output_mode}")
        if output_mode not in ("int", "one_hot", "multi_hot", "count"):
            raise ValueError(f"Discretization: invalid output_mode {output_mode!r}; expected "
                             "'int', 'one_hot', 'multi_hot' or 'count'.")
        if num_bins is not None and num_bins < 0:
            raise ValueError("`num_bins` must be greater than or equal to 0. Received: "
                             f"`num_bins={num_bins}`")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError("Both `num_bins` and `bin_boundaries` should not be set. "
                             f"Received: `num_bins={num_bins}` and "
                             f"`bin_boundaries={bin_boundaries}`")
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        self.bin_boundaries = None if bin_boundaries is None else \
            [float(b) for b in bin_boundaries]
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = bool(sparse)
        self._nd_summary = None if bin_boundaries else np.array([[], []], "float32")

    @property
    def output_dtype(self):
        return self.compute_dtype if self.output_mode != "int" else "int32"

    def adapt(self, data, steps=None):
        """Learns `num_bins` quantile boundaries from `data` (array, tensor, Dataset or
        iterable of batches)."""
        if self.num_bins is None:
            raise ValueError("Cannot adapt a Discretization layer that has been initialized "
                             "with `bin_boundaries`, use `num_bins` instead.")
        self.reset_state()
        source, _ = encoding.batches(data, steps)
        for batch in source:
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        values = np.array(encoding.to_numpy(data)).astype("float32")
        self._nd_summary = _merge(_summarize(values, self.epsilon), self._nd_summary,
                                  self.epsilon)

    def finalize_state(self):
        if self.num_bins is None:
            return
        self.bin_boundaries = _compress(self._nd_summary, 1.0 / self.num_bins)[0, :-1] \
            .astype("float32").tolist()

    def reset_state(self):
        if self.num_bins is not None:
            self._nd_summary = np.array([[], []], "float32")

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError("You need to either pass the `bin_boundaries` argument at "
                             "construction time or call `adapt(dataset)` before you can start "
                             "using the `Discretization` layer.")
        x = inputs if isinstance(inputs, TensorLike) else \
            array_ops.convert_to_tensor(np.asarray(inputs, "float32"))
        from ....ops import lookup_ops
        indices = lookup_ops.bucketize(x, self.bin_boundaries)
        return encoding.encode(indices, self.output_mode, len(self.bin_boundaries) + 1,
                               self.output_dtype, sparse=self.sparse)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None \
            else self.num_bins
        return encoding.output_shape(input_shape, self.output_mode, depth)

    def get_config(self):
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode,
                "sparse": self.sparse, "name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name")
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = boundaries
            return layer
        return cls(**config)
