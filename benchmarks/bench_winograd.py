"""Winograd F(2x2, 3x3) against today's im2col + GEMM on W5/W6's second convolution
(14x14x32 -> 14x14x64, 3x3 SAME, stride 1), in CPU time:

    OPENBLAS_NUM_THREADS=1 NDFLOW_NUM_THREADS=1 python -m benchmarks.bench_winograd

Cases (each a kernel call on NumPy float32 arrays with the jit on; `--batch` images):
  forward: FusedConv2D's kernel (conv + bias + ReLU) today vs `winograd.conv3x3` with the
    same epilogue, at several chunk sizes (images per [16, tiles, C] block);
  input grad: Conv2DBackpropInput's kernel today vs Winograd on dy with the flipped,
    transposed filter (a 3x3 stride-1 convolution again);
  filter grad: today's kernel vs `winograd.filter_grad`.
Rounds interleave the cases; prints the median ms per call of each, the first-call
(compile) seconds, and the max abs / relative error of each against a float64 reference.

`--workload W5` (or W6) instead runs the whole benchmark cell (benchmarks.child.run_cell,
W5 fit with `--max-batches`, W6 CNN predict) in this process with the Winograd path on or
off (`--winograd 1/0`), its clock counting this process's CPU time, and prints W5's ms
per step or W6's images per second of CPU; interleave fresh processes for an A/B:

    for i in 1 2 3; do for k in 0 1; do OPENBLAS_NUM_THREADS=1 python -m \
        benchmarks.bench_winograd --workload W5 --winograd $k; done; done
"""
import argparse
import statistics
import time

import numpy as np


def today(fn):
    """`fn` run with the Winograd path turned off (today's im2col + GEMM kernels)."""
    from ndflow.ops import conv_ops as C

    def run():
        saved, C.WINOGRAD_MIN_CHANNELS = C.WINOGRAD_MIN_CHANNELS, 1 << 30
        try:
            return fn()
        finally:
            C.WINOGRAD_MIN_CHANNELS = saved
    return run


def cases(batch, rng, chunks, hw=14, c=32, o=64):
    from ndflow.ops import conv_ops as C, fused_conv_ops as F, winograd as W
    x = rng.standard_normal((batch, hw, hw, c), dtype=np.float32)
    w = (rng.standard_normal((3, 3, c, o)) * (2.0 / (9 * c)) ** 0.5).astype(np.float32)
    b = (rng.standard_normal(o) * 0.1).astype(np.float32)
    dy = rng.standard_normal((batch, hw, hw, o), dtype=np.float32)
    same = ((1, 1), (1, 1))
    x64, w64, dy64 = x.astype(np.float64), w.astype(np.float64), dy.astype(np.float64)
    ref_fwd = np.maximum(C._conv_forward(np, x64, w64, (1, 1), "SAME", (1, 1)) + b, 0)
    ref_dx = C._conv_input_grad(np, dy64, w64, (hw, hw), (1, 1), "SAME", (1, 1), "t")
    ref_dw = C._conv_filter_grad(np, x64, dy64, (3, 3), (1, 1), "SAME", (1, 1), "t")
    out = {"fwd today": (today(lambda: F.FUSED_CONV2D.kernel(np, x, w, b, (1, 1), "SAME",
                                                             (1, 1), "Relu")), ref_fwd)}
    for k in chunks:
        out[f"fwd winograd x{k}"] = (lambda k=k: W.conv3x3(np, x, w, same, (hw, hw), b, True,
                                                           images=k), ref_fwd)
    out["dx today"] = (today(lambda: C._conv_input_grad(np, dy, w, (hw, hw), (1, 1), "SAME",
                                                        (1, 1), "t")), ref_dx)
    for k in chunks:
        out[f"dx winograd x{k}"] = (lambda k=k: W.input_grad(np, dy, w, same, (hw, hw),
                                                             images=k), ref_dx)
    out["dw today"] = (today(lambda: C._conv_filter_grad(np, x, dy, (3, 3), (1, 1), "SAME",
                                                         (1, 1), "t")), ref_dw)
    for k in chunks:
        out[f"dw winograd x{k}"] = (lambda k=k: W.filter_grad(np, x, dy, same, images=k),
                                    ref_dw)
    return out


def cell(workload, winograd, max_batches):
    """One benchmark cell timed in CPU seconds, Winograd on or off."""
    from benchmarks import common
    from benchmarks.child import run_cell
    from ndflow.ops import conv_ops as C
    if not winograd:
        C.WINOGRAD_MIN_CHANNELS = 1 << 30
    common.time.perf_counter = time.process_time  # Clock: CPU seconds (shared machine)
    if workload == "W5":
        r = run_cell("ndflow", "W5", "fit", False, max_batches)
        steps = 60000 // common.CNN_BATCH
        print(f"W5 winograd={int(winograd)} {r['value'] / steps * 1e3:.2f} ms/step (CPU), "
              f"acc {r.get('accuracy')}")
    else:
        r = run_cell("ndflow", "W6", "cnn", False, None)
        print(f"W6 winograd={int(winograd)} {r['value']:.0f} images/s (CPU), "
              f"out_mean {r.get('out_mean')}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workload", default="", help="W5 or W6: time the whole cell")
    parser.add_argument("--winograd", type=int, default=1)
    parser.add_argument("--max-batches", type=int, default=50)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=3)
    parser.add_argument("--chunks", default="2,4,8")
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    if args.workload:
        return cell(args.workload, bool(args.winograd), args.max_batches)
    from ndflow.util import jit
    chunks = [int(k) for k in args.chunks.split(",")]
    work = {k: v for k, v in cases(args.batch, np.random.default_rng(0), chunks).items()
            if args.only in k}
    times = {k: [] for k in work}
    with jit.use_jit(True):
        for name, (fn, ref) in work.items():  # first calls: compile, and the errors
            t = time.perf_counter()
            y = fn()
            first = time.perf_counter() - t
            err = np.abs(y - ref).max()
            print(f"{name:24s} first call {first:6.2f} s  max abs err {err:.2e}  "
                  f"rel {err / np.abs(ref).max():.2e}")
        for _ in range(args.rounds):
            for name, (fn, _) in work.items():
                t = time.process_time()
                for _ in range(args.calls):
                    fn()
                times[name].append((time.process_time() - t) / args.calls * 1e3)
    for name, ts in times.items():
        print(f"{name:24s} {statistics.median(ts):7.2f} ms  (min {min(ts):.2f})")


if __name__ == "__main__":
    main()
