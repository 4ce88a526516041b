"""Times the kernels a W5 (MNIST CNN) and W4 (MNIST MLP) training step spends its time in,
on exactly their shapes, in this process:

    python -m benchmarks.kernels [--threads 1] [--batch 128] [--rounds 7] [--clock cpu]

Convolutions (forward, input gradient, filter gradient of both conv layers), max pooling
and its gradient, ReLU, a bias gradient (the leading-axes sum), the fused training batch
norm and its gradient, and the fused Adam update over W4's and W5's parameters. Each
kernel runs `--rounds` rounds of 3 calls, the kernels interleaved round by round so that
machine noise hits all alike; the median of the per-round medians is printed with the
load average. `--clock cpu` times process CPU time, which on a machine shared with other
jobs (and with --threads 1) stays comparable between runs where wall time does not.
"""
import argparse
import os
import statistics
import time

import numpy as np

from benchmarks import common as C

SAME, ONE = "SAME", (1, 1)


def conv_cases(batch, rng):
    from ndflow.ops import conv_ops as K
    cases = {}
    for name, (hw, c, o) in {"conv1": (28, 1, 32), "conv2": (14, 32, 64)}.items():
        x = rng.standard_normal((batch, hw, hw, c), dtype=np.float32)
        w = rng.standard_normal((3, 3, c, o), dtype=np.float32)
        dy = rng.standard_normal((batch, hw, hw, o), dtype=np.float32)
        cases[f"{name} forward"] = lambda x=x, w=w: K._conv_forward(np, x, w, ONE, SAME, ONE)
        cases[f"{name} filter grad"] = lambda x=x, dy=dy: K._conv_filter_grad(
            np, x, dy, (3, 3), ONE, SAME, ONE, "Conv2DBackpropFilter")
        if c > 1:  # the first layer's input gradient is never needed
            cases[f"{name} input grad"] = lambda dy=dy, w=w, hw=hw: K._conv_input_grad(
                np, dy, w, (hw, hw), ONE, SAME, ONE, "Conv2DBackpropInput")
    return cases


def other_cases(batch, rng):
    import ndflow as tf
    from ndflow.framework import dtypes
    from ndflow.ops import math_ops, normalization_ops as N, pooling_ops as P
    x = tf.constant(rng.standard_normal((batch, 28, 28, 32), dtype=np.float32))
    xa = np.maximum(x.numpy(), 0)
    y = P._max_pool_nhwc(np, xa, (2, 2), (2, 2), "VALID")
    dy = rng.standard_normal(y.shape, dtype=np.float32)
    bias_grad = math_ops._leading_sum(np, xa.shape, (0, 1, 2), False, dtypes.float32)
    scale, offset = np.ones(32, np.float32), np.zeros(32, np.float32)
    _, mean, var = N.BATCH_NORM_TRAINING.kernel(np, xa, scale, offset, 1e-3)
    zeros = np.zeros(32, np.float32)
    return {"max_pool 28x28x32": lambda: tf.nn.max_pool2d(x, 2, 2, "VALID"),
            "max_pool grad 28x28x32": lambda: P._max_pool_grad_nhwc(
                np, xa, y, dy, (2, 2), (2, 2), "VALID"),
            "relu 28x28x32": lambda: tf.nn.relu(x),
            "bias grad (sum) 28x28x32": lambda: bias_grad(xa),
            "batch norm train 28x28x32": lambda: N.BATCH_NORM_TRAINING.kernel(
                np, xa, scale, offset, 1e-3),
            "batch norm grad 28x28x32": lambda: N.BATCH_NORM_TRAINING_GRAD.kernel(
                np, xa, xa, scale, mean, var, zeros, zeros, 1e-3)}


def adam_cases(rng):
    import ndflow as tf
    from ndflow.ops import optimizer_ops
    shapes = {"W4": [(784, 300), (300,), (300, 100), (100,), (100, 10), (10,)],
              "W5": [(3, 3, 1, 32), (32,), (3, 3, 32, 64), (64,), (3136, 128), (128,),
                     (128, 10), (10,)]}
    scalars = [tf.constant(np.float32(v)) for v in (1e-3, 0.9, 0.999)]
    cases = {}
    for name, shp in shapes.items():
        variables = [tf.Variable(rng.standard_normal(s).astype(np.float32)) for s in shp]
        slots = [[tf.Variable(np.zeros(s, np.float32)) for s in shp] for _ in range(2)]
        state = optimizer_ops.FlatState(variables, slots)
        grads = [tf.constant(rng.standard_normal(s).astype(np.float32)) for s in shp]
        n = sum(int(np.prod(s)) for s in shp)
        lr, b1p, b2p = scalars
        cases[f"fused Adam {name} ({n} params)"] = (
            lambda st=state, g=grads: optimizer_ops.fused_adam(st, g, lr, 0.9, 0.999, 1e-7,
                                                               b1p, b2p))
    return cases


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.kernels", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=None, help="BLAS threads (threadpoolctl)")
    p.add_argument("--batch", type=int, default=C.CNN_BATCH)
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    args = p.parse_args(argv)
    from threadpoolctl import threadpool_info, threadpool_limits
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    rng = np.random.default_rng(0)
    cases = {**conv_cases(args.batch, rng), **other_cases(args.batch, rng), **adam_cases(rng)}
    load_before = os.getloadavg()[0]
    times = {k: [] for k in cases}
    with threadpool_limits(args.threads) if args.threads else _nothing():
        pools = "; ".join(f"{q['internal_api']} {q['architecture']} {q['num_threads']} threads"
                          for q in threadpool_info())
        for f in cases.values():
            f()  # warm-up
        for _ in range(args.rounds):
            for name, f in cases.items():
                samples = []
                for _ in range(3):
                    start = clock()
                    f()
                    samples.append(clock() - start)
                times[name].append(statistics.median(samples))
    print(f"batch {args.batch}, {args.clock} clock, BLAS: {pools}; load average "
          f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    for name, ts in times.items():
        print(f"  {name:34s} median {1e3 * statistics.median(ts):9.3f} ms   "
              f"min {1e3 * min(ts):9.3f} ms")
    return 0


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


if __name__ == "__main__":
    raise SystemExit(main())
