"""tf.data costs: an MNIST `fit` epoch from a from_tensor_slices -> shuffle -> batch ->
prefetch pipeline against the same epoch from NumPy arrays, and `map` with a traced function
over 1M scalar elements, batched (elements per second).

    NDFLOW_DATA_DIR=../shared/data python benchmarks/bench_tf_data.py
"""
import time

import numpy as np

import ndflow as tf
from ndflow import keras


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


def map_throughput(n=1_000_000, batch=1000):
    ds = tf.data.Dataset.range(n).map(lambda v: tf.cast(v, tf.float32) * 2.0 + 1.0).batch(batch)
    start = time.perf_counter()
    total = 0
    for b in ds:
        total += b.shape[0]
    assert total == n
    return n / (time.perf_counter() - start)


if __name__ == "__main__":
    r = fit_epochs()
    for k, (secs, acc) in r.items():
        print(f"fit epoch from {k}: {secs:.2f} s (accuracy {acc:.4f})")
    print(f"tf.data / arrays: {r['tf.data'][0] / r['arrays'][0]:.3f}")
    print(f"map over 1M scalars, batched: {map_throughput():,.0f} elements/s")
