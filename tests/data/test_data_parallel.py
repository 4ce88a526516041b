"""Dataset.map(num_parallel_calls=...): worker threads run the traced plan, in order unless
the pipeline is nondeterministic; functions that must not leave the calling thread stay."""
import os
import threading
import time

import numpy as np
import pytest

import ndflow as tf
from ndflow.data import parallel_map


def _slow_identity(names):
    def f(x):
        names.append(threading.current_thread().name)
        time.sleep(0.003)  # releases the GIL, as large NumPy kernels do
        return x
    return f


def _slow_map(ds, names, **kwargs):
    fn = _slow_identity(names)
    return ds.map(lambda x: tf.numpy_function(fn, [x], tf.int64) * 2, **kwargs)


def test_parallel_map_uses_threads_and_keeps_the_order():
    names = []
    ds = _slow_map(tf.data.Dataset.range(120), names, num_parallel_calls=4)
    assert [int(v) for v in ds] == [2 * i for i in range(120)]
    workers = {n for n in names if n.startswith("ndflow-map")}
    assert len(workers) > 1  # several elements really ran at once
    assert names[:parallel_map.PROBE_ELEMENTS] == [threading.current_thread().name] * \
        parallel_map.PROBE_ELEMENTS  # the probe that timed the function
    # the same values as without threads, for a function cheap enough to stay sequential
    f = lambda x: (tf.cast(x, tf.float32) * 0.5, x % 3)  # noqa: E731
    plain = list(tf.data.Dataset.range(500).map(f).as_numpy_iterator())
    fast = list(tf.data.Dataset.range(500).map(f, num_parallel_calls=tf.data.AUTOTUNE)
                .as_numpy_iterator())
    assert [(float(a), int(b)) for a, b in plain] == [(float(a), int(b)) for a, b in fast]


def test_nondeterministic_map_and_options():
    names = []
    ds = _slow_map(tf.data.Dataset.range(80), names, num_parallel_calls=4, deterministic=False)
    assert sorted(int(v) for v in ds) == [2 * i for i in range(80)]
    m = tf.data.Dataset.range(4).map(lambda x: x, num_parallel_calls=2)
    assert m._is_deterministic()
    options = tf.data.Options()
    options.deterministic = False
    m.batch(2).with_options(options)  # options apply to the pipeline's maps upstream
    assert not m._is_deterministic()
    assert not tf.data.Dataset.range(4).with_options(options).map(
        lambda x: x, num_parallel_calls=2)._is_deterministic()
    assert tf.data.Dataset.range(4).map(lambda x: x, num_parallel_calls=2,
                                        deterministic=True).with_options(options) \
        ._input._is_deterministic()


def test_errors_surface_at_their_element_in_order():
    def fail_at_50(x):
        time.sleep(0.002)
        if x == 50:
            raise ValueError("bad element")
        return x

    ds = tf.data.Dataset.range(100).map(
        lambda x: tf.numpy_function(fail_at_50, [x], tf.int64), num_parallel_calls=4)
    seen = []
    with pytest.raises(tf.errors.InvalidArgumentError, match="element 50"):
        for v in ds:
            seen.append(int(v))
    assert seen == list(range(50))


def test_stateful_and_python_functions_stay_in_the_calling_thread():
    main = threading.current_thread().name
    names = []
    fn = _slow_identity(names)

    def noisy(x):
        return tf.numpy_function(fn, [x], tf.int64) + tf.cast(
            tf.random.uniform([]) * 0, tf.int64)

    tf.random.set_seed(1)
    list(tf.data.Dataset.range(40).map(noisy, num_parallel_calls=4))
    assert set(names) == {main}  # random draws keep their order: sequential
    names.clear()
    list(tf.data.Dataset.range(40).map(noisy, num_parallel_calls=4, deterministic=False))
    assert len({n for n in names if n.startswith("ndflow-map")}) > 1
    names.clear()

    def eager_python(x):
        names.append(threading.current_thread().name)
        time.sleep(0.002)
        return x

    ds = tf.data.Dataset.range(40).map(
        lambda x: tf.py_function(eager_python, [x], tf.int64), num_parallel_calls=4)
    assert [int(v) for v in ds] == list(range(40))
    assert set(names) == {main}  # py_function switches process-wide state: never in a pool
    assert parallel_map.thread_safety(ds._fn) == parallel_map.UNSAFE


def test_stopping_early_and_autotune_workers():
    names = []
    ds = _slow_map(tf.data.Dataset.range(10 ** 6), names, num_parallel_calls=3)
    it = iter(ds)
    assert [int(next(it)) for _ in range(30)] == [2 * i for i in range(30)]
    del it  # the pool is let go; nothing hangs
    assert [int(v) for v in ds.take(3)] == [0, 2, 4]
    assert parallel_map.worker_count(tf.data.AUTOTUNE) == (os.cpu_count() or 1)
    with pytest.raises(ValueError, match="num_parallel_calls"):
        tf.data.Dataset.range(3).map(lambda x: x, num_parallel_calls=0)


def test_parallel_map_of_images_inside_fit_pipeline():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 255, (64, 16, 16, 3)).astype(np.uint8)
    pngs = [tf.io.encode_png(im).numpy() for im in images]
    ds = tf.data.Dataset.from_tensor_slices(pngs).map(
        lambda s: tf.cast(tf.io.decode_png(s, channels=3), tf.float32) / 255.0,
        num_parallel_calls=tf.data.AUTOTUNE).batch(16).prefetch(2)
    got = np.concatenate([b.numpy() for b in ds])
    np.testing.assert_allclose(got, images / 255.0, rtol=1e-6)


def test_an_input_error_comes_after_the_elements_before_it():
    def gen():
        for i in range(60):
            yield i
        raise RuntimeError("input broke")

    names = []
    ds = _slow_map(tf.data.Dataset.from_generator(
        gen, output_signature=tf.TensorSpec([], tf.int64)), names, num_parallel_calls=4)
    seen = []
    with pytest.raises(Exception, match="input broke"):
        for v in ds:
            seen.append(int(v))
    assert seen == [2 * i for i in range(60)]
