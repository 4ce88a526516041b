"""Estimator overhead: `Estimator.train` (numpy_input_fn, checkpoints, summaries, hooks) against
a plain TF1 Session loop feeding the same model_fn's train_op from NumPy.

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_estimator.py [--quick]

Prints ms per step for both (the Estimator's includes building its graph and writing two
checkpoints). TensorFlow 2.16+ has no tf.estimator, so there is no TensorFlow column.
"""
import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import ndflow.compat.v1 as tf  # noqa: E402


def model_fn(features, labels, mode):
    net = tf.layers.dense(features["x"], 64, activation=tf.nn.relu)
    logits = tf.layers.dense(net, 10)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(
        loss, global_step=tf.train.get_global_step())
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few steps only")
    args = parser.parse_args()
    steps = 20 if args.quick else 1000
    rng = np.random.RandomState(0)
    x = rng.rand(2000, 784).astype(np.float32)
    y = rng.randint(0, 10, 2000).astype(np.int32)
    est = tf.estimator.Estimator(model_fn, tempfile.mkdtemp())
    inp = tf.estimator.inputs.numpy_input_fn({"x": x}, y, batch_size=100, num_epochs=None,
                                             shuffle=True)
    est.train(inp, steps=5)  # warm-up: imports, first traces
    t = time.perf_counter()
    est.train(inp, steps=steps)
    t_est = (time.perf_counter() - t) / steps
    with tf.Graph().as_default():
        X = tf.placeholder(tf.float32, [None, 784])
        Y = tf.placeholder(tf.int32, [None])
        tf.train.get_or_create_global_step()
        spec = model_fn({"x": X}, Y, "train")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            t = time.perf_counter()
            for _ in range(steps):
                idx = rng.randint(0, 2000, 100)
                sess.run(spec.train_op, {X: x[idx], Y: y[idx]})
            t_raw = (time.perf_counter() - t) / steps
    print(f"{'workload':<40} {'ms/step':>8}")
    print(f"{'Estimator.train (784-64-10, batch 100)':<40} {t_est * 1e3:8.2f}")
    print(f"{'Session loop, same train_op':<40} {t_raw * 1e3:8.2f}")
    print(f"steps={steps}, load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
