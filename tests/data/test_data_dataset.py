"""tf.data.Dataset: sources, transformations, cardinality and element specs, checked against
the values TensorFlow 2.21 gives for the same programs."""
import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import errors


def values(ds):
    return [np.asarray(v).tolist() if not isinstance(v, (tuple, dict)) else v
            for v in ds.as_numpy_iterator()]


def test_from_tensor_slices_nested_and_specs():
    ds = tf.data.Dataset.from_tensor_slices({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    spec = ds.element_spec
    assert spec["a"] == tf.TensorSpec([], tf.int32) and spec["b"].dtype == tf.string
    assert list(ds.as_numpy_iterator())[1] == {"a": 2, "b": b"y"}
    x, y = np.arange(6.0).reshape(3, 2), np.arange(3)
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    assert ds.element_spec[0] == tf.TensorSpec([2], tf.float64)  # NumPy dtypes are kept
    first = next(iter(ds))
    assert isinstance(first[0], tf.Tensor) and first[0].numpy().tolist() == [0.0, 1.0]
    assert len(ds) == 3
    with pytest.raises(ValueError, match="same size in their first dimension"):
        tf.data.Dataset.from_tensor_slices((np.zeros(3), np.zeros(4)))
    assert values(tf.data.Dataset.from_tensors([1, 2])) == [[1, 2]]


def test_python_floats_are_float32():
    ds = tf.data.Dataset.from_tensor_slices([1.0, 2.0])
    assert ds.element_spec.dtype == tf.float32


def test_map_is_traced_once_and_runs_autograph():
    calls = []

    def f(x):
        calls.append(1)
        if x > 3:  # a tensor condition: AutoGraph makes it a cond
            return x * 10
        return x
    ds = tf.data.Dataset.range(6).map(f, num_parallel_calls=tf.data.AUTOTUNE)
    assert values(ds) == [0, 1, 2, 3, 40, 50]
    assert values(ds) == [0, 1, 2, 3, 40, 50]
    assert len(calls) == 1
    pairs = tf.data.Dataset.from_tensor_slices((np.arange(4.0), np.arange(4)))
    out = pairs.map(lambda x, y: x * 2 + tf.cast(y, tf.float64))
    assert values(out) == [0.0, 3.0, 6.0, 9.0]


def test_map_failure_names_the_element():
    ds = tf.data.Dataset.from_tensor_slices(np.array([[1.0], [2.0], [3.0]]))
    ds = ds.map(lambda x: tf.reshape(tf.range(tf.cast(x[0], tf.int32)), [1]))
    with pytest.raises(errors.InvalidArgumentError, match="element 1"):
        list(ds.as_numpy_iterator())


def test_filter_take_skip_repeat_shard_take_while():
    assert values(tf.data.Dataset.range(10).filter(lambda x: x % 2 == 0)) == [0, 2, 4, 6, 8]
    assert values(tf.data.Dataset.range(3).repeat(2).skip(1).take(4)) == [1, 2, 0, 1]
    assert values(tf.data.Dataset.range(8).shard(3, 1)) == [1, 4, 7]
    assert values(tf.data.Dataset.range(8).take_while(lambda x: x < 4)) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="scalar boolean"):
        tf.data.Dataset.range(3).filter(lambda x: x)


def test_cardinality_and_batch_spec():
    assert int(tf.data.Dataset.range(10).batch(3).cardinality()) == 4
    assert int(tf.data.Dataset.range(10).filter(lambda x: x > 3).cardinality()) == -2
    assert int(tf.data.Dataset.range(10).repeat().take(3).cardinality()) == 3
    assert int(tf.data.Dataset.range(10).repeat().cardinality()) == tf.data.INFINITE_CARDINALITY
    spec = tf.data.Dataset.range(10).batch(3, drop_remainder=True).element_spec
    assert spec == tf.TensorSpec([3], tf.int64)
    assert tf.data.Dataset.range(10).batch(3).element_spec.shape.as_list() == [None]
    assert values(tf.data.Dataset.range(7).batch(3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert values(tf.data.Dataset.range(7).batch(3, drop_remainder=True)) == [[0, 1, 2],
                                                                             [3, 4, 5]]


def test_padded_batch_unbatch_rebatch():
    ds = tf.data.Dataset.range(1, 5).map(lambda x: tf.fill([x], x)).padded_batch(2)
    assert values(ds) == [[[1, 0], [2, 2]], [[3, 3, 3, 0], [4, 4, 4, 4]]]
    assert ds.element_spec.shape.as_list() == [None, None]
    assert values(ds.unbatch()) == [[1, 0], [2, 2], [3, 3, 3, 0], [4, 4, 4, 4]]
    fixed = tf.data.Dataset.range(1, 3).map(lambda x: tf.fill([x], x)).padded_batch(
        2, padded_shapes=[4], padding_values=tf.constant(-1, tf.int64))
    assert values(fixed) == [[[1, -1, -1, -1], [2, 2, -1, -1]]]
    assert values(tf.data.Dataset.range(8).batch(4).rebatch(3)) == [[0, 1, 2], [3, 4, 5], [6, 7]]
    with pytest.raises(errors.InvalidArgumentError, match="different shapes in component 0"):
        list(tf.data.Dataset.range(1, 4).map(lambda x: tf.fill([x], x)).batch(2))


def test_interleave_flat_map_window_as_tensorflow_documents():
    ds = tf.data.Dataset.range(1, 6).interleave(
        lambda x: tf.data.Dataset.from_tensors(x).repeat(6), cycle_length=2, block_length=4)
    assert values(ds) == [1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 4,
                          4, 5, 5, 5, 5, 5, 5]
    windows = [list(w.as_numpy_iterator()) for w in tf.data.Dataset.range(7).window(3, shift=2)]
    assert windows == [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6]]
    strided = tf.data.Dataset.range(10).window(3, 2, 2).flat_map(lambda w: w.batch(3))
    assert values(strided) == [[0, 2, 4], [2, 4, 6], [4, 6, 8], [6, 8], [8]]
    assert values(tf.data.Dataset.range(3).flat_map(
        lambda x: tf.data.Dataset.range(x))) == [0, 0, 1]


def test_flat_map_traces_inner_functions_once_and_relaxes_its_spec():
    calls = []

    def double(y):
        calls.append(1)  # runs when traced, not when the plan runs
        return y * 2

    ds = tf.data.Dataset.range(20).flat_map(lambda x: tf.data.Dataset.range(2).map(double))
    assert values(ds) == [0, 2] * 20
    assert len(calls) <= 2  # the probe and the first element at most, not once per element
    # a closure over the element traces per element, and sees each element's value
    shifted = tf.data.Dataset.range(3).flat_map(
        lambda x: tf.data.Dataset.range(2).map(lambda y: y + x))
    assert values(shifted) == [0, 1, 1, 2, 2, 3]
    # unknown input dimensions stay unknown in the inner spec (as TensorFlow's trace says)
    ragged_rows = tf.data.Dataset.range(3).map(lambda x: tf.fill([x], x))
    ds = ragged_rows.flat_map(lambda v: tf.data.Dataset.from_tensors(v).repeat(2))
    assert ds.element_spec == tf.TensorSpec([None], tf.int64)
    assert [v.tolist() for v in ds.as_numpy_iterator()] == [[], [], [1], [1], [2, 2], [2, 2]]
    assert ragged_rows.flat_map(tf.data.Dataset.from_tensor_slices).element_spec == \
        tf.TensorSpec([], tf.int64)


def test_zip_concatenate_enumerate():
    z = tf.data.Dataset.zip(tf.data.Dataset.range(3), tf.data.Dataset.range(4, 10))
    assert [tuple(map(int, p)) for p in z.as_numpy_iterator()] == [(0, 4), (1, 5), (2, 6)]
    assert int(z.cardinality()) == 3
    c = tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(5, 7))
    assert values(c) == [0, 1, 2, 5, 6]
    e = [tuple(map(int, p)) for p in tf.data.Dataset.range(2).enumerate(3).as_numpy_iterator()]
    assert e == [(3, 0), (4, 1)]
    with pytest.raises(TypeError, match="different types"):
        tf.data.Dataset.range(3).concatenate(tf.data.Dataset.from_tensor_slices([1.0]))


def test_reduce_and_scan():
    assert int(tf.data.Dataset.range(5).reduce(np.int64(0), lambda s, x: s + x)) == 10
    scanned = tf.data.Dataset.range(5).scan(np.int64(0), lambda s, x: (s + x, s * 2))
    assert values(scanned) == [0, 0, 2, 6, 12]


def test_group_by_window_and_bucketing():
    g = tf.data.Dataset.range(10).group_by_window(lambda x: x % 3, lambda k, w: w.batch(2),
                                                  window_size=2)
    assert values(g) == [[0, 3], [1, 4], [2, 5], [6, 9], [7], [8]]
    b = tf.data.Dataset.range(1, 8).map(lambda n: tf.range(n)).bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3, 5], [2, 2, 2])
    assert values(b) == [[[0, 0], [0, 1]], [[0, 1, 2, 0], [0, 1, 2, 3]],
                         [[0, 1, 2, 3, 4, 0], [0, 1, 2, 3, 4, 5]], [[0, 1, 2, 3, 4, 5, 6]]]


def test_shuffle_is_a_permutation_and_deterministic_for_a_seed():
    a = values(tf.data.Dataset.range(100).shuffle(10, seed=7))
    b = values(tf.data.Dataset.range(100).shuffle(10, seed=7))
    assert a == b and sorted(a) == list(range(100)) and a != list(range(100))
    # a buffer of 10 can move an element at most ~10 places earlier
    assert all(v <= i + 10 for i, v in enumerate(a))
    ds = tf.data.Dataset.range(20).shuffle(20, seed=3)
    first, second = values(ds), values(ds)
    assert first != second and sorted(first) == sorted(second)  # reshuffled each epoch
    fixed = tf.data.Dataset.range(20).shuffle(20, seed=3, reshuffle_each_iteration=False)
    assert values(fixed) == values(fixed)
    tf.random.set_seed(5)
    c = values(tf.data.Dataset.range(30).shuffle(30))
    tf.random.set_seed(5)
    assert values(tf.data.Dataset.range(30).shuffle(30)) == c


def test_prefetch_runs_ahead_with_bounded_memory_and_reports_errors():
    produced = []

    def gen():
        for i in range(100):
            produced.append(i)
            yield i
    ds = tf.data.Dataset.from_generator(gen, output_signature=tf.TensorSpec([], tf.int64))
    it = iter(ds.prefetch(3))
    assert int(next(it)) == 0
    import time
    time.sleep(0.2)
    assert 2 <= len(produced) <= 6  # read ahead, but only buffer_size elements
    del it

    def bad():
        yield 1
        raise RuntimeError("generator broke")
    ds = tf.data.Dataset.from_generator(bad, output_signature=tf.TensorSpec([], tf.int32))
    with pytest.raises(RuntimeError, match="generator broke"):
        list(ds.prefetch(2))


def _prefetch_threads():
    import threading
    return {t for t in threading.enumerate() if t.name == "ndflow-prefetch" and t.is_alive()}


def test_autotuned_prefetch_makes_cheap_elements_inline_and_slow_ones_in_a_thread():
    from ndflow.data import performance
    before = _prefetch_threads()
    it = iter(tf.data.Dataset.from_tensor_slices(np.arange(200)).prefetch(tf.data.AUTOTUNE))
    got = [int(next(it)) for _ in range(100)]
    assert not _prefetch_threads() - before  # cheap elements: no hand-over thread
    got += [int(v) for v in it]
    assert got == list(range(200))

    produced = []

    def slow():
        import time
        for i in range(60):
            time.sleep(2 * performance.INLINE_SECONDS)
            produced.append(i)
            yield i
    ds = tf.data.Dataset.from_generator(slow, output_signature=tf.TensorSpec([], tf.int64))
    it = iter(ds.prefetch(tf.data.AUTOTUNE))
    got = [int(next(it)) for _ in range(performance._WINDOW + 2)]
    assert _prefetch_threads() - before  # slow ones: a thread makes them from here on
    import time
    time.sleep(0.05)
    assert len(produced) > len(got)  # and runs ahead of the consumer
    got += [int(v) for v in it]
    assert got == list(range(60))


@pytest.mark.parametrize("delay", [0.0, 0.001])
def test_autotuned_prefetch_reports_errors_in_order(delay):
    def bad():
        import time
        for i in range(40):
            time.sleep(delay)
            yield i
        raise RuntimeError("generator broke")
    ds = tf.data.Dataset.from_generator(bad, output_signature=tf.TensorSpec([], tf.int32))
    seen = []
    with pytest.raises(RuntimeError, match="generator broke"):
        for v in ds.prefetch(tf.data.AUTOTUNE):
            seen.append(int(v))
    assert seen == list(range(40))


def test_cache_memory_and_file(tmp_path):
    calls = []

    def gen():
        calls.append(1)
        yield from ([1.0, 2.0], [3.0, 4.0])
    sig = tf.TensorSpec([2], tf.float32)
    ds = tf.data.Dataset.from_generator(gen, output_signature=sig).cache()
    assert values(ds) == values(ds) == [[1.0, 2.0], [3.0, 4.0]] and len(calls) == 1
    path = str(tmp_path / "cache")
    strings = tf.data.Dataset.from_tensor_slices(["a", "bc"])
    first = list(strings.cache(path).as_numpy_iterator())
    again = list(tf.data.Dataset.from_tensor_slices(["zz"]).cache(path).as_numpy_iterator())
    assert first == again == [b"a", b"bc"]  # the second program reads the file


def test_from_generator_checks_what_it_yields():
    ds = tf.data.Dataset.from_generator(lambda: iter([[1, 2], [3, 4]]),
                                        output_signature=tf.TensorSpec([2], tf.int32))
    assert ds.element_spec == tf.TensorSpec([2], tf.int32)
    assert values(ds) == [[1, 2], [3, 4]]
    bad = tf.data.Dataset.from_generator(lambda: iter([[1, 2, 3]]),
                                         output_signature=tf.TensorSpec([2], tf.int32))
    with pytest.raises(errors.InvalidArgumentError, match="shape"):
        list(bad)
    pairs = tf.data.Dataset.from_generator(
        lambda: ((i, [i] * 2) for i in range(2)), output_types=(tf.int64, tf.float32),
        output_shapes=((), (2,)))
    assert pairs.element_spec[1] == tf.TensorSpec([2], tf.float32)


def test_options_apply_and_experimental_aliases():
    opts = tf.data.Options()
    opts.experimental_deterministic = False
    ds = tf.data.Dataset.range(3).with_options(opts)
    assert ds.map(lambda x: x).options().experimental_deterministic is False
    with pytest.raises(AttributeError):
        opts.no_such_option = 1
    exp = tf.data.experimental
    assert exp.AUTOTUNE == tf.data.AUTOTUNE == -1
    assert int(exp.cardinality(tf.data.Dataset.range(4))) == 4
    ds = tf.data.Dataset.range(4).apply(exp.shuffle_and_repeat(4, count=2, seed=1))
    assert sorted(values(ds)) == [0, 0, 1, 1, 2, 2, 3, 3]
    assert values(tf.data.Dataset.range(5).map(lambda x: x % 2).apply(exp.unique())) == [0, 1]
    with pytest.raises(TypeError, match="must return a Dataset"):
        tf.data.Dataset.range(3).apply(lambda d: 3)


def test_iteration_inside_tf_function():
    ds = tf.data.Dataset.from_tensor_slices(np.arange(10, dtype=np.float32)).batch(3)

    @tf.function
    def total(dataset):
        s = tf.constant(0.0)
        for batch in dataset:
            s += tf.reduce_sum(batch)
        return s
    assert float(total(ds)) == 45.0 and float(total(ds)) == 45.0  # a fresh pass per call
    v = tf.Variable(0.0)

    @tf.function
    def step(iterator):
        v.assign_add(tf.reduce_sum(next(iterator)))
    it = iter(ds)
    step(it)
    step(it)
    assert float(v.numpy()) == 0 + 1 + 2 + 3 + 4 + 5


def test_debug_mode_runs_functions_eagerly():
    seen = []
    tf.data.experimental.enable_debug_mode()
    try:
        ds = tf.data.Dataset.range(3).map(lambda x: (seen.append(int(x)), x * 2)[1])
        assert values(ds) == [0, 2, 4]
    finally:
        tf.data.experimental.disable_debug_mode()
    assert seen[-3:] == [0, 1, 2]


def test_batching_shuffled_slices_gives_the_same_batches_as_stacking():
    x = np.arange(50).reshape(25, 2)
    fast = tf.data.Dataset.from_tensor_slices(x).shuffle(8, seed=4).batch(4)  # gathers rows
    slow = tf.data.Dataset.from_tensor_slices(x).shuffle(8, seed=4).map(lambda r: r).batch(4)
    a, b = list(fast.as_numpy_iterator()), list(slow.as_numpy_iterator())
    assert len(a) == len(b) == 7
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
