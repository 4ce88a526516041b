"""keras.random: Keras 3's seeded random draws, with the numbers Keras's TensorFlow backend
gives.

A seed is an int, a `SeedGenerator`, or None. An int `s` draws TensorFlow's stateless
numbers for the seed `[s, 0]`; a `SeedGenerator(s)` hands out `[s, 0]`, `[s, 1]`, ... one per
draw (its `state` counts them), so a layer holding one gets new numbers at every call and
the same sequence in every run. With None the draw comes from ndflow's global generator
(`keras.utils.set_random_seed` / `tf.random.set_seed` make it repeat).
"""
import random as _py_random

import numpy as np

import ndflow as tf


class SeedGenerator:
    """A seed state for Keras's random draws: `[seed, draws so far]`.

    Args:
      seed: An int (default: one from Python's `random`, which
        `keras.utils.set_random_seed` seeds).
      name: Optional name of its state variable.
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if seed is None:
            seed = _py_random.randint(1, int(1e9))
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise ValueError(f"SeedGenerator: `seed` must be an int, got {seed!r}.")
        self.name = name or "seed_generator"
        self.state = tf.Variable(np.array([int(seed), 0], np.int64), trainable=False,
                                 name=f"{self.name}_state")

    def next(self, ordered=True):
        """The current seed pair; the state moves on by one draw."""
        value = tf.identity(self.state)
        self.state.assign_add(np.array([0, 1], np.int64))
        return value

    def get_config(self):
        return {"seed": int(self.state.numpy()[0])}


def _seed_pair(seed):
    if isinstance(seed, SeedGenerator):
        return tf.cast(seed.next(), "int32")
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"keras.random: `seed` must be an int, a SeedGenerator or None, got "
                         f"{seed!r}.")
    return tf.constant([int(seed), 0], "int32")


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal draws of `shape`."""
    pair, dtype = _seed_pair(seed), dtype or "float32"
    if pair is None:
        return tf.random.normal(shape, mean, stddev, dtype=dtype)
    return tf.random.stateless_normal(shape, pair, mean, stddev, dtype=dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Uniform draws in [minval, maxval)."""
    pair, dtype = _seed_pair(seed), dtype or "float32"
    if pair is None:
        return tf.random.uniform(shape, minval, maxval, dtype=dtype)
    return tf.random.stateless_uniform(shape, pair, minval, maxval, dtype=dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal draws within two standard deviations of the mean."""
    pair, dtype = _seed_pair(seed), dtype or "float32"
    if pair is None:
        return tf.random.truncated_normal(shape, mean, stddev, dtype=dtype)
    return tf.random.stateless_truncated_normal(shape, pair, mean, stddev, dtype=dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers in [minval, maxval)."""
    pair = _seed_pair(seed)
    if pair is None:
        return tf.random.uniform(shape, minval, maxval, dtype=dtype)
    return tf.random.stateless_uniform(shape, pair, minval, maxval, dtype=dtype)


def dropout(inputs, rate, noise_shape=None, seed=None):
    """`inputs` with a `rate` fraction zeroed and the rest scaled by 1 / (1 - rate)."""
    inputs = tf.convert_to_tensor(inputs)
    pair = _seed_pair(seed)
    if pair is None:
        return tf.nn.dropout(inputs, rate=rate, noise_shape=noise_shape)
    shape = tf.shape(inputs)
    if noise_shape is not None:  # None entries take the input's size, as in Keras
        shape = tf.stack([shape[i] if d is None else d for i, d in enumerate(noise_shape)])
    keep = tf.random.stateless_uniform(shape, pair, dtype=inputs.dtype) >= rate
    return inputs * tf.cast(keep, inputs.dtype) * (1.0 / (1.0 - rate))
