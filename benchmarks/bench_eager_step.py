"""W1 (the 2-10-10-10-1 sigmoid XOR MLP of benchmarks/tf_workloads.py) per-step cost on ndflow:
microseconds per step and Python function calls per step (a load-independent measure).

    python -m benchmarks.bench_eager_step [--variant tape|function|session] [--steps N]
                                          [--calls] [--quick] [--no-array-grads]

`--calls` counts the Python calls one step makes (cProfile's call count over the timed steps,
divided by the steps); without it the steps are timed, in wall-clock and in this process's CPU
time (steadier on a shared machine). Run with OPENBLAS_NUM_THREADS=1 and report the load
average next to a time.
"""
import argparse
import cProfile
import os
import pstats
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import ndflow as tf  # noqa: E402
import ndflow.compat.v1 as v1  # noqa: E402
from benchmarks import common as C  # noqa: E402
from benchmarks import tf_workloads  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--variant", default="tape", choices=["tape", "function", "session"])
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--calls", action="store_true", help="count Python calls per step")
    p.add_argument("--quick", action="store_true", help="200 steps")
    p.add_argument("--no-array-grads", action="store_true",
                   help="eager gradients through the registered (op) gradients only")
    args = p.parse_args()
    if args.no_array_grads:
        from ndflow.framework import autodiff
        autodiff._unrecorded_eager = lambda: False
    steps = 200 if args.quick else args.steps
    C.n_steps = lambda quick, full: steps  # the workload runs `steps` timed steps
    run = tf_workloads.build(tf, lambda: tf.keras, None, v1)
    if args.calls:
        profiler = cProfile.Profile()

        class CountingClock(C.Clock):  # profiles the timed steps only (not the warm-up)
            def __enter__(self):
                profiler.enable()
                return super().__enter__()

            def __exit__(self, *exc):
                profiler.disable()
                return super().__exit__(*exc)

        C.Clock = CountingClock
        result = run("W1", args.variant, False, None)
        calls = pstats.Stats(profiler).total_calls
        print(f"W1 {args.variant}: {calls / steps:.0f} Python calls/step "
              f"(loss {result['loss']:.6f})")
        return
    cpu = []

    class CpuClock(C.Clock):  # also the process's CPU time over the timed steps
        def __enter__(self):
            cpu.append(time.process_time())
            return super().__enter__()

        def __exit__(self, *exc):
            cpu.append(time.process_time() - cpu.pop())
            return super().__exit__(*exc)

    C.Clock = CpuClock
    start = time.perf_counter()
    result = run("W1", args.variant, False, None)
    print(f"W1 {args.variant}: {result['value'] * 1e6:.1f} us/step wall, "
          f"{cpu[0] / steps * 1e6:.1f} us/step CPU over {steps} steps "
          f"(loss {result['loss']:.6f}, {time.perf_counter() - start:.1f} s, "
          f"load {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
