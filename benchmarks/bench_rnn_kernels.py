"""Kernel-level A/B of the recurrent ops' compiled gate math (ndflow/ops/rnn_kernels_jit.py)
and the row segment sum (ndflow/ops/row_scatter.py): the Numba path against the NumPy path,
interleaved in one process, CPU milliseconds (medians), at W7's and W8's shapes.

    OPENBLAS_NUM_THREADS=1 python -m benchmarks.bench_rnn_kernels [--repeats 5]

Also prints each kernel's first-call compile time (seconds, this process's first use).
"""
import argparse
import statistics
import time

import numpy as np


def _cpu_ms(fn):
    start = time.process_time()
    fn()
    return (time.process_time() - start) * 1e3


def _cases():
    from ndflow.ops import rnn_ops
    from ndflow.util import jit
    from ndflow.ops.row_scatter import sum_rows
    rng = np.random.default_rng(1)
    f32 = np.float32
    steps, batch, n = 100, 64, 256                          # W7's LSTM
    xw = (rng.standard_normal((steps, batch, 4 * n)) * 0.5).astype(f32)
    h0 = np.zeros((batch, n), f32)
    u = (rng.standard_normal((n, 4 * n)) / 16).astype(f32)
    b = (rng.standard_normal(4 * n) * 0.1).astype(f32)
    g_hs = (rng.standard_normal((steps, batch, n)) * 0.01).astype(f32)
    fwd, bwd = rnn_ops.LSTM_SEQUENCE.kernel, rnn_ops.LSTM_SEQUENCE_GRAD.kernel
    with jit.use_jit(False):  # (the jit's first call is timed below: it compiles)
        outs = fwd(np, xw, h0, h0, u, b)
    gsteps, gbatch = 1000, 16                               # W8's GRU
    gxw = (rng.standard_normal((gsteps, gbatch, 3 * n)) * 0.5).astype(f32)
    gh0 = np.zeros((gbatch, n), f32)
    gu = (rng.standard_normal((n, 3 * n)) / 16).astype(f32)
    gb = (rng.standard_normal(3 * n) * 0.1).astype(f32)
    ids = rng.integers(0, 65, (steps, batch))
    rows = rng.standard_normal((steps, batch, 4 * n)).astype(f32)
    return {
        "LSTM forward (W7: 100 x 64 x 256)": lambda: fwd(np, xw, h0, h0, u, b),
        "LSTM backward (W7)": lambda: bwd(np, h0, h0, u, *outs, g_hs, np.zeros((), f32)),
        "GRU inference (W8: 1000 x 16 x 256)":
            lambda: rnn_ops.GRU_SEQUENCE.kernel(np, gxw, gh0, gu, gb, keep_gates=False),
        "sum_rows 6400 x 1024 -> 65 rows": lambda: sum_rows(np, rows, ids, 65),
        "sum_rows 6400 x 64 -> 65 rows": lambda: sum_rows(np, rows[..., :64], ids, 65),
    }


def main():
    from ndflow.util import jit
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    cases = _cases()
    if not jit.available():
        print("numba is not installed: only the NumPy path runs")
    for name, fn in cases.items():
        times = {True: [], False: []}
        for flag in (True, False):
            with jit.use_jit(flag):
                first = _cpu_ms(fn)
                if flag and jit.available():
                    print(f"{name}: first call with jit {first / 1e3:.2f} s CPU (compiles "
                          "its kernels not compiled by an earlier case)")
        for _ in range(args.repeats):
            for flag in (True, False):
                with jit.use_jit(flag):
                    times[flag].append(_cpu_ms(fn))
        jit_ms, numpy_ms = statistics.median(times[True]), statistics.median(times[False])
        print(f"{name}: jit {jit_ms:.1f} ms, numpy {numpy_ms:.1f} ms "
              f"(x{numpy_ms / jit_ms:.2f})")


if __name__ == "__main__":
    main()
