"""The matrix-multiply floor of W4 and W5: their GEMM FLOPs per epoch over NumPy's float32
GEMM rate measured on exactly those shapes (convolutions counted as im2col GEMMs).

Also reports the BLAS NumPy uses and its thread settings (threadpoolctl). Run as a child
of the runner (`python -m benchmarks.roofline`) so it sees the same environment.
"""
import json
import os
import sys
import time

import numpy as np

from benchmarks import common as C

OPENBLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS",
                 "OPENBLAS_THREAD_TIMEOUT", "OMP_NUM_THREADS")


def dense_gemms(batch, n_in, n_out, input_grad):
    """(m, k, n) products of one dense layer's step: forward, weight grad, input grad."""
    gemms = [("fwd", batch, n_in, n_out), ("dW", n_in, batch, n_out)]
    if input_grad:
        gemms.append(("dX", batch, n_out, n_in))
    return gemms


def w4_gemms():
    b = C.MLP_BATCH
    sizes = C.MLP_SIZES
    gemms = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        gemms += dense_gemms(b, n_in, n_out, input_grad=i > 0)
    return gemms, 60000 // b


def w5_gemms():
    b = C.CNN_BATCH
    gemms = dense_gemms(b * 28 * 28, 9 * 1, 32, input_grad=False)       # conv1 as im2col
    gemms += dense_gemms(b * 14 * 14, 9 * 32, 64, input_grad=True)       # conv2 as im2col
    gemms += dense_gemms(b, 7 * 7 * 64, 128, input_grad=True)
    gemms += dense_gemms(b, 128, 10, input_grad=True)
    return gemms, 60000 // b


def time_gemm(kind, m, k, n, min_seconds=0.2):
    """Seconds for one (m, k) @ (k, n) float32 product, laid out as the step lays it out."""
    rng = np.random.default_rng(0)
    if kind == "dW":  # X.T @ dY: the left operand is a transposed view
        a = rng.standard_normal((k, m), dtype=np.float32).T
    else:
        a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    a @ b
    reps, start = 0, time.perf_counter()
    while time.perf_counter() - start < min_seconds:
        a @ b
        reps += 1
    return (time.perf_counter() - start) / reps


def roofline(workload, gemms, steps, min_seconds):
    flops = sum(2.0 * m * k * n for _, m, k, n in gemms)
    seconds = sum(time_gemm(*g, min_seconds=min_seconds) for g in gemms)
    return {"workload": workload, "gflop_per_epoch": flops * steps / 1e9,
            "gemm_gflops": flops / seconds / 1e9, "floor_s_per_epoch": seconds * steps}


def blas_info():
    from threadpoolctl import threadpool_info
    pools = [{k: p.get(k) for k in ("internal_api", "version", "num_threads", "architecture",
                                    "filepath")} for p in threadpool_info()]
    return {"numpy": np.__version__, "threadpools": pools,
            "env": {v: os.environ.get(v, "(unset)") for v in OPENBLAS_VARS}}


def main():
    quick = "--quick" in sys.argv
    results = {"blas": blas_info(), "roofline": []}
    for name, make in (("W4", w4_gemms), ("W5", w5_gemms)):
        gemms, steps = make()
        results["roofline"].append(roofline(name, gemms, steps, 0.01 if quick else 0.3))
    print("BENCH_RESULT " + json.dumps(results))


if __name__ == "__main__":
    main()
