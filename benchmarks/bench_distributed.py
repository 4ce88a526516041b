"""Data-parallel scaling on MPI (issue 14): allreduce bandwidth through ndflow vs raw mpi4py,
the W4 epoch time on 1, 2 and 4 ranks, and a model of the speed-up on larger clusters.

    python benchmarks/bench_distributed.py            # launches the mpiexec jobs itself
    python benchmarks/bench_distributed.py --quick    # small sizes and few batches

W4 is the MNIST MLP 784-300-100-10 (ReLU, Adam, batch 32 per rank) trained with Keras fit
under MultiWorkerMirroredStrategy; the global batch is 32 x ranks, so an epoch of 60000
images takes 60000 / (32 x ranks) steps (weak scaling, as data-parallel training is used).
Never run as a test. More ranks than cores oversubscribe the machine (said in the output).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from benchmarks import common as C  # noqa: E402

SIZES_MB = (1, 4, 16, 64)


# --- inside the MPI job ---------------------------------------------------------------------

def _allreduce_job(sizes_mb, repeats):
    from mpi4py import MPI
    import ndflow as tf
    from ndflow.distribute import collective_ops
    comm = MPI.COMM_WORLD
    tf.distribute.MultiWorkerMirroredStrategy()  # joins the job through ndflow
    rows = []
    for mb in sizes_mb:
        n = mb * (1 << 20) // 4
        buf = np.ones(n, np.float32)
        tensor = tf.constant(buf)
        times = {"mpi4py": [], "ndflow": []}
        for _ in range(repeats + 1):     # the first of each is a warm-up
            comm.Barrier()
            t = time.perf_counter()
            comm.Allreduce(MPI.IN_PLACE, buf, op=MPI.SUM)
            times["mpi4py"].append(time.perf_counter() - t)
            comm.Barrier()
            t = time.perf_counter()
            collective_ops.all_reduce([tensor], "sum")
            times["ndflow"].append(time.perf_counter() - t)
        row = {"MB": mb}
        for k, v in times.items():
            best = float(np.median(v[1:]))
            row[k + "_ms"] = best * 1e3
            row[k + "_GBps"] = mb / 1024 / best   # algorithm bandwidth: buffer bytes / time
        rows.append(row)
    if comm.rank == 0:
        print("RESULT " + json.dumps({"allreduce": rows, "ranks": comm.size}), flush=True)


def _w4_job(max_batches):
    from mpi4py import MPI
    import ndflow as tf
    from ndflow import keras
    comm = MPI.COMM_WORLD
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    n = strategy.num_replicas_in_sync
    (x_tr, y_tr), _ = C.load_mnist_uint8()
    x_tr = C.scale(x_tr).reshape(-1, 784)
    y_tr = y_tr.astype(np.int64)
    global_batch = C.MLP_BATCH * n
    full = len(x_tr) // global_batch
    batches = min(full, max_batches)
    with strategy.scope():
        model = keras.Sequential([keras.Input((784,)),
                                  keras.layers.Dense(300, activation="relu"),
                                  keras.layers.Dense(100, activation="relu"),
                                  keras.layers.Dense(10)])
        model.set_weights(C.mlp_weights())
        model.compile(keras.optimizers.Adam(**C.ADAM),
                      keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x_tr[:global_batch], y_tr[:global_batch], batch_size=global_batch, epochs=1,
              verbose=0, shuffle=False)   # warm-up: traces the train step
    rows = batches * global_batch
    comm.Barrier()
    t = time.perf_counter()
    model.fit(x_tr[:rows], y_tr[:rows], batch_size=global_batch, epochs=1, verbose=0,
              shuffle=False)
    seconds = time.perf_counter() - t
    # what one step's gradient allreduce costs alone (the same fused buffer)
    grads = [tf.constant(np.ones(w.shape, np.float32)) for w in model.get_weights()]
    from ndflow.distribute import collective_ops
    reps = []
    for _ in range(21):
        comm.Barrier()
        t0 = time.perf_counter()
        collective_ops.all_reduce(grads, "sum")
        reps.append(time.perf_counter() - t0)
    grad_bytes = sum(int(np.prod(w.shape)) * 4 for w in model.get_weights())
    if comm.rank == 0:
        print("RESULT " + json.dumps({
            "ranks": n, "epoch_s": seconds * full / batches, "step_ms": seconds / batches * 1e3,
            "batches_timed": batches, "full_batches": full,
            "allreduce_ms": float(np.median(reps[1:])) * 1e3, "grad_bytes": grad_bytes,
            "cores": os.cpu_count()}), flush=True)


# --- the driver ---------------------------------------------------------------------------------

def _launch(ranks, args, timeout):
    mpiexec = shutil.which("mpiexec")
    if mpiexec is None:
        raise C.NotAvailable("mpiexec not found: pip install mpi4py mpich")
    cmd = [mpiexec, "-n", str(ranks), sys.executable, os.path.abspath(__file__)] + args
    # one BLAS thread pool per core: ranks x threads must not exceed the cores
    threads = str(max(1, (os.cpu_count() or 1) // ranks))
    env = dict(os.environ, OMP_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads,
               MKL_NUM_THREADS=threads)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"{' '.join(cmd)} gave no result ({proc.returncode}):\n"
                       f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


def allreduce_seconds(nbytes, machines, link_gbps, latency_s):
    """The cost model of the allreduce MPICH runs on large buffers (Rabenseifner's
    reduce-scatter + allgather): 2 (N-1)/N of the buffer crosses each link, in 2 log2(N)
    latency-bound rounds."""
    if machines == 1:
        return 0.0
    return (2 * (machines - 1) / machines * nbytes * 8 / (link_gbps * 1e9)
            + 2 * np.log2(machines) * latency_s)


def speedup_estimate(step_s, grad_bytes, machines, link_gbps, latency_s, overlap=0.0):
    """Throughput on `machines` relative to one (per-machine batch fixed): each step costs
    the one-machine compute plus the allreduce not hidden behind the backward pass."""
    comm = allreduce_seconds(grad_bytes, machines, link_gbps, latency_s) * (1 - overlap)
    return machines * step_s / (step_s + comm)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("job", nargs="?", choices=["allreduce", "w4"])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--max-batches", type=int, default=None)
    args = parser.parse_args()
    sizes = SIZES_MB[:2] if args.quick else SIZES_MB
    max_batches = args.max_batches or (30 if args.quick else 10 ** 9)
    if args.job == "allreduce":
        return _allreduce_job(sizes, 3 if args.quick else 10)
    if args.job == "w4":
        return _w4_job(max_batches)

    cores = os.cpu_count()
    extra = ["--quick"] if args.quick else []
    extra += ["--max-batches", str(max_batches)]
    print(f"# allreduce, 2 ranks on one machine ({cores} cores), float32 sum")
    result = _launch(2, ["allreduce"] + extra, 600)
    print(f"{'MB':>4} {'mpi4py ms':>10} {'ndflow ms':>10} {'mpi4py GB/s':>12} "
          f"{'ndflow GB/s':>12}")
    for r in result["allreduce"]:
        print(f"{r['MB']:>4} {r['mpi4py_ms']:>10.3f} {r['ndflow_ms']:>10.3f} "
              f"{r['mpi4py_GBps']:>12.2f} {r['ndflow_GBps']:>12.2f}")
    print("\n# W4 (MNIST MLP, Keras fit, batch 32 per rank) under MultiWorkerMirroredStrategy")
    w4 = {}
    for ranks in (1, 2, 4):
        note = " (oversubscribed: more ranks than cores)" if ranks > cores else ""
        r = _launch(ranks, ["w4"] + extra, 600)
        w4[ranks] = r
        print(f"{ranks} rank(s): {r['epoch_s']:.2f} s/epoch, {r['step_ms']:.2f} ms/step "
              f"(global batch {32 * ranks}), gradient allreduce {r['allreduce_ms']:.3f} ms"
              f" [{r['batches_timed']}/{r['full_batches']} batches timed]{note}")
    step_s = w4[1]["step_ms"] / 1e3
    grad_bytes = w4[1]["grad_bytes"]
    print(f"\n# estimated speed-up (weak scaling), from the 1-rank step {step_s * 1e3:.2f} ms "
          f"and {grad_bytes / 1e6:.2f} MB of gradients per step; allreduce model "
          "2(N-1)/N*S/B + 2*log2(N)*latency; speed-up = N*t/(t + allreduce)")
    for link, latency in ((10, 50e-6), (100, 10e-6)):
        for machines in (8, 64):
            s = speedup_estimate(step_s, grad_bytes, machines, link, latency)
            print(f"{machines:>3} machines, {link:>3} Gb/s (latency {latency * 1e6:.0f} us): "
                  f"speed-up {s:.1f}x (efficiency {s / machines:.0%})")


if __name__ == "__main__":
    main()
