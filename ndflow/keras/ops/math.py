"""keras.ops.math: segment reductions, top-k, logsumexp and friends."""
import ndflow as tf

from ._dtypes import as_float, tensor


def logsumexp(x, axis=None, keepdims=False):
    return tf.math.reduce_logsumexp(as_float(x), axis=axis, keepdims=keepdims)


def top_k(x, k, sorted=True):  # noqa: A002
    values, indices = tf.math.top_k(tensor(x), k=k, sorted=sorted)
    return values, indices


def in_top_k(targets, predictions, k):
    return tf.math.in_top_k(tf.cast(targets, "int32"), as_float(predictions), k)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    if num_segments is None:
        return tf.math.segment_sum(data, segment_ids)
    return tf.math.unsorted_segment_sum(data, segment_ids, num_segments)


def segment_max(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    if num_segments is None:
        return tf.math.segment_max(data, segment_ids)
    return tf.math.unsorted_segment_max(data, segment_ids, num_segments)


def erf(x):
    return tf.math.erf(as_float(x))


def rsqrt(x):
    return tf.math.rsqrt(as_float(x))


__all__ = ["logsumexp", "top_k", "in_top_k", "segment_sum", "segment_max", "erf", "rsqrt"]
