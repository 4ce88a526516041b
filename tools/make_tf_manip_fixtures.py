"""Writes tests/fixtures/tf_manip.npz: TensorFlow's results for tf.roll, space_to_depth /
depth_to_space, searchsorted, histogram_fixed_width(_bins), confusion_matrix and
atrous_conv2d on seeded inputs (tests/test_manip_histogram_ops.py runs `results` on ndflow
and compares).

    /work/tfref/bin/python tools/make_tf_manip_fixtures.py
"""
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _weighted_grad(tf, fn, x):
    """d/dx of sum(fn(x) * arange) (a gradient that sees where each element went)."""
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
        loss = tf.reduce_sum(y * np.arange(np.prod(y.shape), dtype=np.float32).reshape(y.shape))
    return tape.gradient(loss, x).numpy()


def results(tf):
    """The cases' results under the TensorFlow-like module `tf`."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 4, 6, 3)).astype(np.float32)
    out = {"roll1": tf.roll(np.arange(10), 3, 0).numpy(),
           "roll2": tf.roll(x, [1, -2], [1, 2]).numpy(),
           "roll3": tf.roll(x, [1, 2], [2, 2]).numpy(),
           "s2d": tf.nn.space_to_depth(x, 2).numpy(),
           "d2s": tf.nn.depth_to_space(rng.standard_normal((2, 2, 3, 12)).astype(np.float32),
                                       2).numpy()}
    out["roll_grad"] = _weighted_grad(tf, lambda t: tf.roll(t, [1, -2], [1, 2]), x)
    out["s2d_grad"] = _weighted_grad(tf, lambda t: tf.nn.space_to_depth(t, 2), x)
    seq = np.sort(rng.integers(0, 20, (3, 8)), -1).astype(np.float32)
    vals = rng.integers(-1, 22, (3, 5)).astype(np.float32)
    out["ss_left"] = tf.searchsorted(seq, vals).numpy()
    out["ss_right"] = tf.searchsorted(seq, vals, side="right").numpy()
    out["ss_1d"] = tf.searchsorted(seq[0], vals[0], out_type=tf.int64).numpy()
    v = np.concatenate([rng.uniform(-2, 7, 50), [0., 5., -1., 6., 2.5, 4.999999]])
    v = v.astype(np.float32)
    out["hist"] = tf.histogram_fixed_width(v, [0., 5.], nbins=7).numpy()
    out["hist_bins"] = tf.histogram_fixed_width_bins(v, [0., 5.], nbins=7).numpy()
    out["hist_i64"] = tf.histogram_fixed_width(v.astype(np.float64), [0., 5.], nbins=5,
                                               dtype=tf.int64).numpy()
    labels, predictions = rng.integers(0, 4, 30), rng.integers(0, 4, 30)
    weights = rng.uniform(0, 1, 30).astype(np.float32)
    out["cm"] = tf.math.confusion_matrix(labels, predictions).numpy()
    out["cm5"] = tf.math.confusion_matrix(labels, predictions, num_classes=5).numpy()
    out["cmw"] = tf.math.confusion_matrix(labels, predictions, weights=weights,
                                          dtype=tf.float32).numpy()
    filters = rng.standard_normal((3, 3, 3, 2)).astype(np.float32)
    out["atrous"] = tf.nn.atrous_conv2d(x, filters, 2, "SAME").numpy()
    big = rng.standard_normal((1, 7, 8, 3)).astype(np.float32)
    out["atrous_valid"] = tf.nn.atrous_conv2d(big, filters, 2, "VALID").numpy()
    return out


def main():
    import tensorflow as tf
    path = os.path.join(ROOT, "tests", "fixtures", "tf_manip.npz")
    np.savez_compressed(path + ".tmp.npz", **results(tf))
    os.replace(path + ".tmp.npz", path)


if __name__ == "__main__":
    main()
