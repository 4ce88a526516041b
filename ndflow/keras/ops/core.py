"""keras.ops.core: conversion, shapes, control flow and updates."""
import numpy as np

import ndflow as tf

from ._dtypes import tensor


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """`x` as a tensor: Python floats float32, Python ints int32 (Keras's defaults)."""
    return tensor(x, dtype)


def convert_to_numpy(x):
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def is_tensor(x):
    return tf.is_tensor(x)


def cast(x, dtype):
    return tf.cast(x, dtype)


def dtype(x):
    return tensor(x).dtype.name


def shape(x):
    """The shape as a tuple: ints where known, scalar tensors where only the graph knows."""
    x = tensor(x)
    static = x.shape.as_list() if x.shape.rank is not None else None
    if static is None or None in static:
        dynamic = tf.shape(x)
        if static is None:
            return tuple(dynamic[i] for i in range(int(tf.size(dynamic))))
        return tuple(d if d is not None else dynamic[i] for i, d in enumerate(static))
    return tuple(static)


def size(x):
    return tf.size(tensor(x))


def stop_gradient(variable):
    return tf.stop_gradient(variable)


def cond(pred, true_fn, false_fn):
    return tf.cond(pred, true_fn, false_fn)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Keras's while loop: `body` takes and returns the loop variables (a tuple or one)."""
    single = not isinstance(loop_vars, (list, tuple))
    start = tf.nest.map_structure(  # Python numbers as tensors, as Keras returns tensors
        lambda v: tensor(v) if isinstance(v, (int, float)) else v,
        (loop_vars,) if single else tuple(loop_vars))

    def step(*values):
        out = body(*values)
        return (out,) if single or not isinstance(out, (list, tuple)) else tuple(out)

    result = tf.while_loop(lambda *v: cond(*v), step, start,
                           maximum_iterations=maximum_iterations)
    result = tuple(result) if isinstance(result, (list, tuple)) else (result,)
    return result[0] if single else result


def fori_loop(lower, upper, body_fun, init_val):
    """`init_val` updated by `body_fun(i, value)` for i in [lower, upper)."""
    _, value = while_loop(lambda i, v: i < upper, lambda i, v: (i + 1, body_fun(i, v)),
                          (tf.constant(lower), init_val))
    return value


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """JAX's scan: `carry, y = f(carry, x)` over the leading axis of `xs`; returns
    `(final carry, stacked ys)`."""
    if xs is None:
        xs = tf.zeros([length])
    xs = tensor(xs)
    steps = [xs[i] for i in range(xs.shape[0])]
    carry, ys = init, []
    for x in (steps[::-1] if reverse else steps):
        carry, y = f(carry, x)
        ys.append(y)
    if reverse:
        ys = ys[::-1]
    return carry, tf.stack(ys) if ys and ys[0] is not None else None


def map(f, xs):  # noqa: A001 - Keras's name
    return tf.map_fn(f, xs)


def slice(inputs, start_indices, shape):  # noqa: A001
    return tf.slice(inputs, start_indices, shape)


def slice_update(inputs, start_indices, updates):
    """`inputs` with the block at `start_indices` replaced by `updates`."""
    inputs, updates = tensor(inputs), tensor(updates)
    grids = np.meshgrid(*[np.arange(s, s + n) for s, n in zip(start_indices, updates.shape)],
                        indexing="ij")
    indices = np.stack([g.reshape(-1) for g in grids], axis=-1)
    return tf.tensor_scatter_nd_update(inputs, indices,
                                       tf.reshape(tf.cast(updates, inputs.dtype), [-1]))


def scatter(indices, values, shape):
    return tf.scatter_nd(indices, values, shape)


def scatter_update(inputs, indices, updates):
    return tf.tensor_scatter_nd_update(inputs, indices, updates)


def unstack(x, num=None, axis=0):
    return tf.unstack(tensor(x), num=num, axis=axis)


def vectorized_map(function, elements):
    return tf.vectorized_map(function, elements)


def custom_gradient(f):
    return tf.custom_gradient(f)


__all__ = ["convert_to_tensor", "convert_to_numpy", "is_tensor", "cast", "dtype", "shape",
           "size", "stop_gradient", "cond", "while_loop", "fori_loop", "scan", "map", "slice",
           "slice_update", "scatter", "scatter_update", "unstack", "vectorized_map",
           "custom_gradient"]
