"""tf.data costs: an MNIST `fit` epoch from a from_tensor_slices -> shuffle -> batch ->
prefetch pipeline against the same epoch from NumPy arrays, and `map` with a traced function
over 1M scalar elements, batched (elements per second).

    NDFLOW_DATA_DIR=../shared/data python benchmarks/bench_tf_data.py
    python benchmarks/bench_tf_data.py --parallel-map   # map(num_parallel_calls) vs not
    python benchmarks/bench_tf_data.py --map-only --tensorflow   # the map row, on TensorFlow
                                        # (run by the python of an environment that has it)
    python benchmarks/bench_tf_data.py --parallel-interleave [--quick]  # interleave, batch
"""
import os
import subprocess
import sys
import time

import numpy as np

if "--tensorflow" in sys.argv:  # the same source on TensorFlow, for the map row's peer
    import tensorflow as tf
else:
    import ndflow as tf
    from ndflow import keras

TF_PYTHON = os.environ.get("NDFLOW_TF_PYTHON", "/work/tfref/bin/python")


def _model():
    model = keras.Sequential([keras.layers.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(10)])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def fit_epochs(epochs=2):
    try:
        (x, y), _ = keras.datasets.mnist.load_data()
    except tf.errors.NotFoundError:
        (x, y), _ = keras.datasets.mnist.load_embedded()
    x = (x / 255.0).astype("float32")
    results = {}
    for name in ("arrays", "tf.data"):
        model = _model()
        if name == "arrays":
            model.fit(x[:64], y[:64], batch_size=32, verbose=0)  # trace outside the timing
            start = time.perf_counter()
            h = model.fit(x, y, batch_size=32, epochs=epochs, verbose=0)
        else:
            ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(10000).batch(32).prefetch(
                tf.data.AUTOTUNE)
            model.fit(ds.take(2), verbose=0)
            start = time.perf_counter()
            h = model.fit(ds, epochs=epochs, verbose=0)
        results[name] = ((time.perf_counter() - start) / epochs, h.history["accuracy"][-1])
    return results


def map_throughput(n=1_000_000, batch=1000, num_parallel_calls=None):
    ds = tf.data.Dataset.range(n).map(lambda v: tf.cast(v, tf.float32) * 2.0 + 1.0,
                                      num_parallel_calls=num_parallel_calls).batch(batch)
    start = time.perf_counter()
    total = 0
    for b in ds:
        total += b.shape[0]
    assert total == n
    return n / (time.perf_counter() - start)


def _png_images(n, size=256):
    """`n` distinct PNG files' bytes (smooth gradients plus noise, so they compress as
    photos do, not as flat colour)."""
    import io
    from PIL import Image
    rng = np.random.default_rng(0)
    ramp = np.linspace(0, 255, size, dtype=np.float32)
    out = []
    for i in range(n):
        base = (ramp[None, :, None] + ramp[:, None, None] * (i % 7) / 7) % 256
        img = np.clip(base + rng.normal(0, 12, (size, size, 3)), 0, 255).astype(np.uint8)
        buf = io.BytesIO()
        Image.fromarray(img).save(buf, format="PNG")
        out.append(buf.getvalue())
    return out


def decode_throughput(images, num_parallel_calls=None, repeat=4):
    """An image-decoding map: PNG bytes -> decode -> float32 in [0, 1] -> flip, batched;
    images per second."""
    def load(contents):
        img = tf.cast(tf.io.decode_png(contents, channels=3), tf.float32) / 255.0
        return tf.reverse(img, axis=[1])

    ds = tf.data.Dataset.from_tensor_slices(images).repeat(repeat).map(
        load, num_parallel_calls=num_parallel_calls).batch(32)
    start = time.perf_counter()
    total = sum(int(b.shape[0]) for b in ds)
    return total / (time.perf_counter() - start)


def parallel_map_report(trials=5):
    """Sequential vs num_parallel_calls=AUTOTUNE, median of `trials` alternating runs, with
    the load average (the machine is shared)."""
    images = _png_images(64)
    rows = {"1M scalars, batched (elements/s)": lambda p: map_throughput(
        num_parallel_calls=p), "PNG 256x256 decode map (images/s)": lambda p: decode_throughput(
        images, num_parallel_calls=p)}
    _sequential_vs_autotune(rows, trials, digits=0)


def _sequential_vs_autotune(rows, trials, digits):
    """Prints, for each `rows[name](num_parallel_calls)`, the medians of `trials` alternating
    sequential and AUTOTUNE runs, their ratio and the load average."""
    import statistics
    for name, run in rows.items():
        seq, par = [], []
        for _ in range(trials):
            seq.append(run(None))
            par.append(run(tf.data.AUTOTUNE))
        s, p = statistics.median(seq), statistics.median(par)
        print(f"{name}: sequential median {s:,.{digits}f}, AUTOTUNE median {p:,.{digits}f} "
              f"(ratio {p / s:.2f}); load average {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} cores")


def tensorflow_map_throughput():
    """The map row run by TensorFlow (TF_PYTHON), in elements/s, or None without it."""
    if not os.path.exists(TF_PYTHON):
        return None
    proc = subprocess.run([TF_PYTHON, os.path.abspath(__file__), "--map-only", "--tensorflow"],
                          capture_output=True, text=True, timeout=1800)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("map over")]
    return float(lines[-1].split(":")[1].split()[0].replace(",", "")) if lines else None


def interleave_throughput(images, num_parallel_calls=None, shards=8):
    """interleave over `shards` inner datasets, each decoding its PNG images (the decode
    map runs inside the inner datasets, so in the interleave's workers); images/s."""
    per = len(images) // shards
    groups = tf.constant(np.asarray(images[:per * shards], dtype=object).reshape(shards, per))

    def inner(group):
        return tf.data.Dataset.from_tensor_slices(group).map(
            lambda c: tf.cast(tf.io.decode_png(c, channels=3), tf.float32) / 255.0)

    ds = tf.data.Dataset.from_tensor_slices(groups).interleave(
        inner, cycle_length=4, num_parallel_calls=num_parallel_calls).batch(32)
    start = time.perf_counter()
    total = sum(int(b.shape[0]) for b in ds)
    return total / (time.perf_counter() - start)


def sleep_interleave_seconds(num_parallel_calls=None, n=4, per=40):
    """The mechanism alone: inner elements that wait 2 ms without the GIL."""
    def wait(v):
        time.sleep(0.002)
        return v
    ds = tf.data.Dataset.range(n).interleave(
        lambda x: tf.data.Dataset.range(per).map(lambda v: tf.numpy_function(wait, [v],
                                                                             tf.int64)),
        cycle_length=n, num_parallel_calls=num_parallel_calls)
    start = time.perf_counter()
    assert len(list(ds)) == n * per
    return time.perf_counter() - start


def batch_throughput(num_parallel_calls=None, n=512, size=256):
    """batch of 256x256x3 float32 elements (stacking only); elements/s."""
    x = np.random.default_rng(0).random((64, size, size, 3)).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices(x).repeat(n // 64).map(lambda v: v).batch(
        16, num_parallel_calls=num_parallel_calls)
    start = time.perf_counter()
    total = sum(int(b.shape[0]) for b in ds)
    return total / (time.perf_counter() - start)


def parallel_interleave_report(trials=5, quick=False):
    """interleave / batch: sequential vs num_parallel_calls, medians of alternating runs."""
    trials = 1 if quick else trials
    images = _png_images(16 if quick else 64)
    rows = {"interleave of PNG-decoding datasets (images/s)": lambda p: interleave_throughput(
                images, p),
            "interleave, inner elements sleeping 2 ms (s, lower is better)": lambda p:
                sleep_interleave_seconds(p, per=10 if quick else 40),
            "batch(16) of 256x256x3 float32 (elements/s)": lambda p: batch_throughput(
                p, n=128 if quick else 512)}
    _sequential_vs_autotune(rows, trials, digits=3)


if __name__ == "__main__":
    if "--parallel-map" in sys.argv:
        parallel_map_report()
        sys.exit()
    if "--map-only" in sys.argv:
        print(f"map over 1M scalars, batched: {map_throughput():,.0f} elements/s")
        sys.exit()
    if "--parallel-interleave" in sys.argv:
        parallel_interleave_report(quick="--quick" in sys.argv)
        sys.exit()
    r = fit_epochs()
    for k, (secs, acc) in r.items():
        print(f"fit epoch from {k}: {secs:.2f} s (accuracy {acc:.4f})")
    print(f"tf.data / arrays: {r['tf.data'][0] / r['arrays'][0]:.3f}")
    ours = map_throughput()
    print(f"map over 1M scalars, batched: {ours:,.0f} elements/s")
    peer = tensorflow_map_throughput()
    if peer is not None:
        print(f"TensorFlow, same map: {peer:,.0f} elements/s (ndflow/TensorFlow throughput "
              f"{ours / peer:.2f}x)")
