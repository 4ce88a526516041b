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


def numpy_path(fn):
    """`fn` run with the jit off (the NumPy kernels)."""
    from ndflow.util import jit

    def run():
        with jit.use_jit(False):
            return fn()
    return run


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


def numpy_conv3x3(x, w, b, images=4):
    """A NumPy-only Winograd forward (SAME, even sizes; relu(conv + b)), to measure whether
    the NumPy path could use Winograd too: ufunc passes over strided window views."""
    from ndflow.ops import winograd as W
    n, h, wd, c = x.shape
    o = w.shape[3]
    th, tw = h // 2, wd // 2
    u = W.filter_transform(np, w)
    out = np.empty((n, h, wd, o), np.float32)
    xs = np.zeros((n, h + 2, wd + 2, c), np.float32)
    xs[:, 1:-1, 1:-1] = x
    step = images
    t = np.empty((4, step, th, tw, 4, c), np.float32)
    v = np.empty((16, step * th * tw, c), np.float32)
    m = np.empty((16, step * th * tw, o), np.float32)
    s = np.empty((2, 4, step * th * tw, o), np.float32)
    for i in range(0, n, step):
        k = min(n, i + step) - i
        blk = xs[i:i + k]
        sn, sh, sw, sc = blk.strides
        d = np.lib.stride_tricks.as_strided(blk, (k, th, tw, 4, 4, c),
                                            (sn, 2 * sh, 2 * sw, sh, sw, sc))
        tk = t[:, :k]
        np.subtract(d[:, :, :, 0], d[:, :, :, 2], out=tk[0])
        np.add(d[:, :, :, 1], d[:, :, :, 2], out=tk[1])
        np.subtract(d[:, :, :, 2], d[:, :, :, 1], out=tk[2])
        np.subtract(d[:, :, :, 1], d[:, :, :, 3], out=tk[3])
        rows = k * th * tw
        vk = v[:, :rows].reshape(4, 4, k, th, tw, c)
        np.subtract(tk[:, :, :, :, 0], tk[:, :, :, :, 2], out=vk[:, 0])
        np.add(tk[:, :, :, :, 1], tk[:, :, :, :, 2], out=vk[:, 1])
        np.subtract(tk[:, :, :, :, 2], tk[:, :, :, :, 1], out=vk[:, 2])
        np.subtract(tk[:, :, :, :, 1], tk[:, :, :, :, 3], out=vk[:, 3])
        mk = m[:, :rows]
        np.matmul(v[:, :rows], u, out=mk)
        m4 = mk.reshape(4, 4, rows, o)
        sk = s[:, :, :rows]
        np.add(m4[0], m4[1], out=sk[0])
        sk[0] += m4[2]
        np.subtract(m4[1], m4[2], out=sk[1])
        sk[1] -= m4[3]
        y = out[i:i + k].reshape(k, th, 2, tw, 2, o)
        for p in range(2):
            q0 = y[:, :, p, :, 0].reshape(k, th, tw, o)
            q1 = y[:, :, p, :, 1].reshape(k, th, tw, o)
            sp = sk[p].reshape(4, k, th, tw, o)
            np.add(sp[0], sp[1], out=q0)
            q0 += sp[2]
            q0 += b
            np.maximum(q0, 0, out=q0)
            np.subtract(sp[1], sp[2], out=q1)
            q1 -= sp[3]
            q1 += b
            np.maximum(q1, 0, out=q1)
    return out


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
    out["fwd numpy today"] = (numpy_path(today(out["fwd today"][0])), ref_fwd)
    for k in chunks if hw % 2 == 0 else ():
        out[f"fwd numpy winograd x{k}"] = (lambda k=k: numpy_conv3x3(x, w, b, k or 4), ref_fwd)
    for k in chunks:
        out[f"fwd winograd x{k}"] = (lambda k=k: W.conv3x3(np, x, w, same, (hw, hw), b, True,
                                                           images=k or None), ref_fwd)
    out["dx today"] = (today(lambda: C._conv_input_grad(np, dy, w, (hw, hw), (1, 1), "SAME",
                                                        (1, 1), "t")), ref_dx)
    for k in chunks:
        out[f"dx winograd x{k}"] = (lambda k=k: W.input_grad(np, dy, w, same, (hw, hw),
                                                             images=k or None), ref_dx)
    out["dw today"] = (today(lambda: C._conv_filter_grad(np, x, dy, (3, 3), (1, 1), "SAME",
                                                         (1, 1), "t")), ref_dw)
    for k in chunks:
        out[f"dw winograd x{k}"] = (lambda k=k: W.filter_grad(np, x, dy, same,
                                                              images=k or None), ref_dw)
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
    parser.add_argument("--chunks", default="2,4,8",
                        help="images per block (0: the default, winograd.TILE_ROWS tiles)")
    parser.add_argument("--only", default="")
    parser.add_argument("--shape", default="14,32,64",
                        help="height (= width), in and out channels of the convolution")
    parser.add_argument("--wall", action="store_true",
                        help="wall-clock time (for thread counts above 1) instead of CPU")
    args = parser.parse_args()
    if args.workload:
        return cell(args.workload, bool(args.winograd), args.max_batches)
    from ndflow.util import jit
    chunks = [int(k) for k in args.chunks.split(",")]
    hw, c, o = (int(v) for v in args.shape.split(","))
    work = {k: v for k, v in cases(args.batch, np.random.default_rng(0), chunks, hw, c,
                                   o).items()
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
        clock = time.perf_counter if args.wall else time.process_time
        for _ in range(args.rounds):
            for name, (fn, _) in work.items():
                t = clock()
                for _ in range(args.calls):
                    fn()
                times[name].append((clock() - t) / args.calls * 1e3)
    for name, ts in times.items():
        print(f"{name:24s} {statistics.median(ts):7.2f} ms  (min {min(ts):.2f})")


if __name__ == "__main__":
    main()
