"""W5 step and W6 CNN predict in process CPU time, for A/B runs on a shared machine.

    OPENBLAS_NUM_THREADS=1 python -m benchmarks.bench_cnn --steps 30 [--jit 0|1]

Builds the W5 Keras model exactly as benchmarks/tf_workloads.py does, runs one warm-up
`fit` step, then times `--steps` training steps through `model.fit` and one `predict` over
`--images` test images, both by `time.process_time` (every thread of the process counted),
so a loaded machine changes the numbers much less than wall time does. Prints one JSON line.
"""
import argparse
import json
import os
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--images", type=int, default=5000)
    p.add_argument("--jit", default=None, help="sets NDFLOW_JIT before ndflow is imported")
    p.add_argument("--threads", type=int, default=1, help="BLAS threads (threadpoolctl)")
    p.add_argument("--profile", type=int, default=0,
                   help="print this many cProfile rows (CPU clock) of the timed steps")
    args = p.parse_args()
    if args.jit is not None:
        os.environ["NDFLOW_JIT"] = args.jit
    from threadpoolctl import threadpool_limits
    threadpool_limits(args.threads)
    import numpy as np
    from benchmarks import common as C
    from benchmarks.bench_ndflow import keras, load_mnist
    k = keras()
    (x_tr, y_tr), (x_te, _) = load_mnist()
    x_tr, x_te = C.scale(x_tr).reshape(-1, 28, 28, 1), C.scale(x_te).reshape(-1, 28, 28, 1)
    from benchmarks.tf_workloads import cnn_model
    model = cnn_model(k)  # the runner's W5/W6 model and weights
    model.compile(optimizer=k.optimizers.Adam(**C.ADAM),
                  loss=k.losses.SparseCategoricalCrossentropy(from_logits=True))
    bs = C.CNN_BATCH
    model.fit(x_tr[:bs], y_tr[:bs], batch_size=bs, epochs=1, verbose=0, shuffle=False)
    n = args.steps * bs
    t0, w0 = time.process_time(), time.perf_counter()
    if args.profile:
        import cProfile
        import pstats
        profiler = cProfile.Profile(time.process_time)
        hist = profiler.runcall(model.fit, x_tr[bs:bs + n], y_tr[bs:bs + n], batch_size=bs,
                                epochs=1, verbose=0, shuffle=False)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
    else:
        hist = model.fit(x_tr[bs:bs + n], y_tr[bs:bs + n], batch_size=bs, epochs=1,
                         verbose=0, shuffle=False)
    step_cpu = (time.process_time() - t0) / args.steps
    step_wall = (time.perf_counter() - w0) / args.steps
    model.predict(x_te[:C.PREDICT_BATCH], batch_size=C.PREDICT_BATCH, verbose=0)
    t0, w0 = time.process_time(), time.perf_counter()
    out = model.predict(x_te[:args.images], batch_size=C.PREDICT_BATCH, verbose=0)
    pred_cpu = time.process_time() - t0
    pred_wall = time.perf_counter() - w0
    print(json.dumps({"jit": os.environ.get("NDFLOW_JIT", "default"),
                      "step_cpu_ms": round(step_cpu * 1e3, 2),
                      "step_wall_ms": round(step_wall * 1e3, 2),
                      "predict_cpu_img_s": round(args.images / pred_cpu, 1),
                      "predict_wall_img_s": round(args.images / pred_wall, 1),
                      "loss": float(hist.history["loss"][-1]),
                      "out_mean": float(np.mean(out))}))


if __name__ == "__main__":
    main()
