"""The fused Adam update on W4's and W5's parameter shapes, Numba kernel against NumPy passes:

    python -m benchmarks.bench_adam [--rounds 7] [--calls 30] [--jit both|on|off]

Prints process CPU microseconds per update (median over rounds of the per-round mean), the
two paths interleaved round by round, and the first-call compile time of the kernel. Run it
with OPENBLAS_NUM_THREADS=1 NDFLOW_NUM_THREADS=1 for single-core numbers.

    python -m benchmarks.bench_adam --w4 fit|loop|jax [--max-batches 400]

runs the runner's W4 cell (ndflow fit or loop, or jax/jit) in this process and prints its
process CPU milliseconds per training step (start a fresh process per measurement; with
OPENBLAS_NUM_THREADS=1 and the runner's --threads 1 XLA_FLAGS for JAX; NDFLOW_JIT=0 for
the NumPy path).
"""
import argparse
import statistics
import time

import numpy as np

SHAPES = {"W4": [(784, 300), (300,), (300, 100), (100,), (100, 10), (10,)],
          "W5": [(3, 3, 1, 32), (32,), (3, 3, 32, 64), (64,), (3136, 128), (128,),
                 (128, 10), (10,)]}


def cases(rng):
    import ndflow as tf
    from ndflow.ops import optimizer_ops
    lr, b1p, b2p = (tf.constant(np.float32(v)) for v in (1e-3, 0.9, 0.999))
    out = {}
    for name, shapes in SHAPES.items():
        variables = [tf.Variable(rng.standard_normal(s).astype(np.float32)) for s in shapes]
        slots = [[tf.Variable(np.zeros(s, np.float32)) for s in shapes] for _ in range(2)]
        state = optimizer_ops.FlatState(variables, slots)
        grads = [tf.constant(rng.standard_normal(s).astype(np.float32)) for s in shapes]
        n = sum(int(np.prod(s)) for s in shapes)
        out[f"Adam {name} ({n} params)"] = (lambda st=state, g=grads: optimizer_ops.fused_adam(
            st, g, lr, 0.9, 0.999, 1e-7, b1p, b2p))
    return out


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.bench_adam", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--calls", type=int, default=30)
    p.add_argument("--jit", choices=("both", "on", "off"), default="both")
    p.add_argument("--w4", choices=("fit", "loop", "jax"), default=None)
    p.add_argument("--max-batches", type=int, default=400)
    args = p.parse_args(argv)
    if args.w4:
        return w4_cpu(args.w4, args.max_batches)
    from ndflow.util import jit
    modes = {"both": [False, True], "on": [True], "off": [False]}[args.jit]
    if True in modes and not jit.available():
        raise SystemExit("numba is not installed")
    fns = cases(np.random.default_rng(0))
    if True in modes:
        start = time.perf_counter()
        with jit.use_jit(True):
            next(iter(fns.values()))()
        print(f"first call with the kernel (compile): "
              f"{time.perf_counter() - start:.2f} s")
    times = {(name, mode): [] for name in fns for mode in modes}
    for name, f in fns.items():
        for mode in modes:
            with jit.use_jit(mode):
                f()
    for _ in range(args.rounds):
        for name, f in fns.items():
            for mode in modes:
                with jit.use_jit(mode):
                    start = time.process_time()
                    for _ in range(args.calls):
                        f()
                    times[name, mode].append((time.process_time() - start) / args.calls)
    for (name, mode), ts in times.items():
        print(f"  fused {name:32s} {'numba' if mode else 'numpy':5s} "
              f"median {1e6 * statistics.median(ts):8.1f} us   min {1e6 * min(ts):8.1f} us")


def w4_cpu(variant, max_batches):
    """The runner's W4 cell with its clock counting this process's CPU time."""
    from benchmarks import common as C
    from benchmarks.child import run_cell

    class CpuClock:
        def __enter__(self):
            self.start = time.process_time()
            return self

        def __exit__(self, *exc):
            self.seconds = time.process_time() - self.start

    C.Clock = CpuClock
    cell = ("jax", "jit") if variant == "jax" else ("ndflow", variant)
    result = run_cell(cell[0], "W4", cell[1], False, max_batches)
    steps = 60000 // C.MLP_BATCH  # the value is seconds per (extrapolated) full epoch
    print(f"W4 {'/'.join(cell)}: {1e3 * result['value'] / steps:.3f} CPU ms/step "
          f"({result.get('accuracy')})")


if __name__ == "__main__":
    raise SystemExit(main())
