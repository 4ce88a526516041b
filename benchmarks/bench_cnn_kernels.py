"""The compiled CNN kernels against their NumPy versions on W5's shapes, in CPU time:

    OPENBLAS_NUM_THREADS=1 NDFLOW_NUM_THREADS=1 python -m benchmarks.bench_cnn_kernels

`--batch 1000 --only infer` times W6's inference convolutions (the FusedConv2DMaxPool
kernel against the convolution followed by a max pool). Each kernel runs with the jit on
and off (`ndflow.util.jit.use_jit`), interleaved round by round, `--rounds` rounds of
`--calls` calls; prints the median ms per call of each and the first-call (compile)
seconds of each compiled kernel.
"""
import argparse
import statistics
import time

import numpy as np


def cases(batch, rng):
    from ndflow.ops import conv_ops as C, fused_conv_ops as F, nn_ops as N, pooling_ops as P
    out = {}
    for name, (hw, c, o) in {"conv1": (28, 1, 32), "conv2": (14, 32, 64)}.items():
        x = rng.standard_normal((batch, hw, hw, c), dtype=np.float32)
        w = rng.standard_normal((3, 3, c, o), dtype=np.float32) * 0.3
        b = rng.standard_normal(o, dtype=np.float32)
        y = np.maximum(C._conv_forward(np, x, w, (1, 1), "SAME", (1, 1)), 0)
        dy = rng.standard_normal(y.shape, dtype=np.float32)
        out[f"{name} conv only"] = lambda x=x, w=w: C._conv_forward(
            np, x, w, (1, 1), "SAME", (1, 1))
        out[f"{name} fused conv+bias+relu"] = lambda x=x, w=w, b=b: F.FUSED_CONV2D.kernel(
            np, x, w, b, (1, 1), "SAME", (1, 1), "Relu")
        out[f"{name} unfused conv, +b, relu"] = lambda x=x, w=w, b=b: N.RELU.kernel(
            np, C._conv_forward(np, x, w, (1, 1), "SAME", (1, 1)) + b)
        out[f"{name} filter grad"] = lambda x=x, dy=dy: C._conv_filter_grad(
            np, x, dy, (3, 3), (1, 1), "SAME", (1, 1), "Conv2DBackpropFilter")
        if c > 1:
            out[f"{name} input grad"] = lambda dy=dy, w=w, hw=hw: C._conv_input_grad(
                np, dy, w, (hw, hw), (1, 1), "SAME", (1, 1), "Conv2DBackpropInput")
        out[f"{name} relu grad"] = lambda dy=dy, y=y: N.RELU_GRAD.kernel(np, dy, y)
        out[f"{name} bias+relu grad (fused)"] = lambda dy=dy, y=y: F.BIAS_RELU_GRAD.kernel(
            np, dy, y)
        p = P._max_pool_nhwc(np, y, (2, 2), (2, 2), "VALID")
        dp = rng.standard_normal(p.shape, dtype=np.float32)
        out[f"{name} max_pool"] = lambda y=y: P._max_pool_nhwc(np, y, (2, 2), (2, 2), "VALID")
        out[f"{name} max_pool grad"] = lambda y=y, p=p, dp=dp: P._max_pool_grad_nhwc(
            np, y, p, dp, (2, 2), (2, 2), "VALID")
        out[f"{name} pool grad, bias+relu grad"] = lambda y=y, p=p, dp=dp: \
            F.BIAS_RELU_GRAD.kernel(np, P._max_pool_grad_nhwc(np, y, p, dp, (2, 2), (2, 2),
                                                              "VALID"), y)
        out[f"{name} pool+bias+relu grad (fused)"] = lambda y=y, p=p, dp=dp: \
            F.MAX_POOL_BIAS_RELU_GRAD.kernel(np, y, p, dp, (2, 2), (2, 2), "VALID")
        conv = ((1, 1), "SAME", (1, 1), "Relu")
        out[f"{name} infer: fused conv, then max_pool"] = lambda x=x, w=w, b=b: \
            P._max_pool_nhwc(np, F.FUSED_CONV2D.kernel(np, x, w, b, *conv), (2, 2), (2, 2),
                             "VALID")
        out[f"{name} infer: FusedConv2DMaxPool"] = lambda x=x, w=w, b=b: \
            F.FUSED_CONV2D_MAX_POOL.kernel(np, x, w, b, *conv, (2, 2), (2, 2), "VALID")
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    from ndflow.util import jit
    work = {k: v for k, v in cases(args.batch, np.random.default_rng(0)).items()
            if args.only in k}
    compile_s = {}
    for name, fn in work.items():
        with jit.use_jit(True):
            t0 = time.perf_counter()
            fn()
            compile_s[name] = time.perf_counter() - t0
    times = {(name, on): [] for name in work for on in (True, False)}
    for _ in range(args.rounds):
        for name, fn in work.items():
            for on in (True, False):
                with jit.use_jit(on):
                    fn()
                    t0 = time.process_time()
                    for _ in range(args.calls):
                        fn()
                    times[(name, on)].append((time.process_time() - t0) / args.calls * 1e3)
    print(f"batch {args.batch}, CPU ms per call (median of {args.rounds} rounds)")
    for name in work:
        on, off = (statistics.median(times[(name, f)]) for f in (True, False))
        print(f"{name:34s} jit {on:7.2f}  numpy {off:7.2f}  ratio {on / off:5.2f}  "
              f"(first call {compile_s[name]:.2f} s)")


if __name__ == "__main__":
    main()
