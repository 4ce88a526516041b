"""tf.random.categorical: class indices drawn from unnormalised log-probabilities.

The draws follow TensorFlow's CPU kernel: per row, the running sum of exp(logit - max) in
float64 over the finite logits, then for each sample the first class whose running sum
exceeds uniform * total, the uniforms being float64 values from the op's Philox stream.
A batch drawn by one TensorFlow thread (one row, or a small batch) gets TensorFlow's own
numbers for the same seeds.
"""
from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape
from . import philox
from .array_ops import convert_to_tensor
from .random_ops import _with_seeds, philox_stream


def _multinomial_infer(ts, attrs):
    shape = ts[0].shape
    if shape.rank is not None and shape.rank != 2:
        raise InvalidArgumentError(f"Multinomial: logits should be a matrix (batch_size, "
                                   f"num_classes), got shape {shape}.")
    batch = None if shape.rank is None else shape.as_list()[0]
    classes = None if shape.rank is None else shape.as_list()[1]
    if classes == 0:
        raise InvalidArgumentError("Multinomial: num_classes should be positive, got 0.")
    return [(TensorShape([batch, attrs["num_samples"]]), attrs["dtype"])]


@op("Multinomial", needs_rng=True, differentiable=False, infer=_multinomial_infer)
def MULTINOMIAL(xp, rng, logits, num_samples, dtype, seed, seeds=None):
    batch, classes = logits.shape
    if classes == 0:
        raise InvalidArgumentError("Multinomial: num_classes should be positive, got 0.")
    # TensorFlow's CPU kernel reserves 256 counters per 32-bit word: two per float64
    # uniform, samples rounded up to a multiple of 4
    reserved = batch * (-(-num_samples // 4) * 4) * 2 * philox.RESERVED_PER_OUTPUT
    key, counter = philox_stream(rng, seeds).reserve(reserved)
    uniforms = xp.asarray(philox.uniform(key, counter, batch * num_samples, xp.float64))
    uniforms = uniforms.reshape(batch, num_samples)
    values = logits.astype(xp.float64)
    finite = xp.isfinite(values)
    top = xp.max(xp.where(finite, values, -xp.inf), axis=1, keepdims=True)
    top = xp.where(xp.isfinite(top), top, 0.0)  # a row without finite logits
    cdf = xp.cumsum(xp.where(finite, xp.exp(values - top), 0.0), axis=1)
    targets = uniforms * cdf[:, -1:]
    out = xp.empty((batch, num_samples), dtype=dtype._np)
    for row in range(batch):  # upper bound: the first running sum above the target
        out[row] = xp.searchsorted(cdf[row], targets[row], side="right")
    return out


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """Draws samples from categorical distributions.

    Args:
      logits: 2-D `Tensor` (batch_size, num_classes) of unnormalised log-probabilities;
        `-inf` gives a class probability 0.
      num_samples: Number of independent samples to draw for each row (a Python int).
      dtype: Integer dtype of the result: int64 (the default) or int32.
      seed: A Python int used, with the global seed, to make the draws repeatable.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of shape (batch_size, num_samples) of class indices.

    Raises:
      InvalidArgumentError: If `logits` is not 2-D or has no classes, or `num_samples` is
        negative.
    """
    dtype = dtypes.as_dtype(dtype or dtypes.int64)
    if dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"categorical: dtype must be int32 or int64, got {dtype.name}.")
    count = int(getattr(num_samples, "numpy", lambda: num_samples)())
    if count < 0:
        raise InvalidArgumentError(f"categorical: num_samples should be nonnegative, got "
                                   f"{count}.")
    logits = convert_to_tensor(logits)
    if not logits.dtype.is_floating:
        raise TypeError(f"categorical: logits must be floating point, got {logits.dtype.name}.")
    attrs = _with_seeds({"num_samples": count, "dtype": dtype,
                         "seed": None if seed is None else int(seed)})
    return execute(MULTINOMIAL, (logits,), attrs, name)


def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None):
    """TensorFlow 1's name for `categorical` (`output_dtype` is its `dtype`)."""
    return categorical(logits, num_samples, dtype=output_dtype, seed=seed, name=name)


from ..util.export import export_many  # noqa: E402

export_many("random", {"categorical": categorical})
export_many("v1", {"multinomial": multinomial})
export_many("v1.random", {"categorical": categorical, "multinomial": multinomial})
