"""keras.ops.linalg: norms (the decompositions are not in ndflow yet)."""
import ndflow as tf

from ._dtypes import as_float


def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002
    """The vector 2-norm by default (Frobenius over two axes); `ord` 1 or inf too."""
    x = as_float(x)
    if ord in (None, 2, "fro", "euclidean"):
        return tf.sqrt(tf.reduce_sum(tf.square(x), axis=axis, keepdims=keepdims))
    if ord == 1:
        return tf.reduce_sum(tf.abs(x), axis=axis, keepdims=keepdims)
    if ord == float("inf"):
        return tf.reduce_max(tf.abs(x), axis=axis, keepdims=keepdims)
    raise NotImplementedError(f"keras.ops.norm: ord={ord!r} is not supported (None, 1, 2, "
                              "'fro' or inf).")


__all__ = ["norm"]
