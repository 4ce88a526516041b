"""SparseTensor and RaggedTensor elements in tf.data.

Expected values and specs are what TensorFlow 2.21 gives for the same pipelines (checked with
the reference venv when these tests were written; the results are small enough to state here).
"""
import os

import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as tf1


def sparse():
    return tf.sparse.SparseTensor([[0, 0], [1, 2], [3, 1]], [1.0, 2.0, 3.0], [4, 3])


def ragged():
    return tf.ragged.constant([[1, 2], [3], [], [4, 5, 6]])


def parts(st):
    return st.indices.numpy().tolist(), st.values.numpy().tolist(), st.dense_shape.numpy().tolist()


def test_sparse_from_tensor_slices_batch_unbatch():
    ds = tf.data.Dataset.from_tensor_slices(sparse())
    assert ds.element_spec == tf.SparseTensorSpec([3], tf.float32)
    assert repr(ds.element_spec) == "SparseTensorSpec(TensorShape([3]), tf.float32)"
    rows = [parts(e) for e in ds]
    assert rows == [([[0]], [1.0], [3]), ([[2]], [2.0], [3]), ([], [], [3]), ([[1]], [3.0], [3])]
    assert next(iter(ds)).indices.shape == (1, 1) and list(ds)[2].indices.shape == (0, 1)
    batched = ds.batch(3)
    assert batched.element_spec == tf.SparseTensorSpec([None, 3], tf.float32)
    assert [parts(b) for b in batched] == [([[0, 0], [1, 2]], [1.0, 2.0], [3, 3]),
                                           ([[0, 1]], [3.0], [1, 3])]
    assert ds.batch(2, drop_remainder=True).element_spec.shape.as_list() == [2, 3]
    assert int(ds.batch(2).cardinality()) == 2
    assert batched.unbatch().element_spec == tf.SparseTensorSpec([3], tf.float32)
    assert [parts(e) for e in batched.unbatch()] == rows
    whole = tf.data.Dataset.from_tensors(sparse())
    assert whole.element_spec == tf.SparseTensorSpec([4, 3], tf.float32)
    assert [parts(e) for e in whole.unbatch()] == rows


def test_sparse_rows_of_unsorted_indices_and_dense_shape_of_batches():
    st = tf.sparse.SparseTensor([[2, 1], [0, 2], [2, 0]], [1.0, 2.0, 3.0], [3, 4])
    rows = [parts(e) for e in tf.data.Dataset.from_tensor_slices(st)]
    assert rows == [([[2]], [2.0], [4]), ([], [], [4]), ([[1], [0]], [1.0, 3.0], [4])]
    # Elements of different dense shapes: the batch takes the largest (TensorFlow's rule),
    # and unbatching gives every row that shape.
    g = tf.data.Dataset.range(1, 4).map(
        lambda x: tf.sparse.SparseTensor([[0]], tf.reshape(x, [1]), tf.reshape(x + 1, [1])))
    assert g.element_spec == tf.SparseTensorSpec([None], tf.int64)
    (b,) = list(g.batch(3))
    assert parts(b) == ([[0, 0], [1, 0], [2, 0]], [1, 2, 3], [3, 4])
    assert [parts(e)[2] for e in g.batch(3).unbatch()] == [[4], [4], [4]]


def test_sparse_as_numpy_is_dense_and_map_filter_zip():
    ds = tf.data.Dataset.from_tensor_slices(sparse())
    first = next(ds.batch(2).as_numpy_iterator())
    np.testing.assert_array_equal(first, [[1, 0, 0], [0, 0, 2]])  # TF gives the dense array
    dense = ds.map(lambda s: tf.sparse.to_dense(s) * 2.0)
    assert dense.element_spec == tf.TensorSpec([3], tf.float32)
    np.testing.assert_array_equal(np.stack(list(dense.as_numpy_iterator())),
                                  [[2, 0, 0], [0, 0, 4], [0, 0, 0], [0, 6, 0]])
    scaled = ds.map(lambda s: s * 3.0)
    assert scaled.element_spec == tf.SparseTensorSpec([3], tf.float32)
    assert [e.values.numpy().tolist() for e in scaled] == [[3.0], [6.0], [], [9.0]]
    made = tf.data.Dataset.from_tensor_slices(np.eye(3, dtype=np.float32)).map(
        tf.sparse.from_dense)
    assert made.element_spec == tf.SparseTensorSpec([3], tf.float32)
    assert [parts(e)[0] for e in made] == [[[0]], [[1]], [[2]]]
    kept = ds.filter(lambda s: tf.reduce_sum(s.values) > 1.5)
    assert [e.values.numpy().tolist() for e in kept] == [[2.0], [3.0]]
    z = tf.data.Dataset.zip((ds, tf.data.Dataset.range(4)))
    assert z.element_spec == (tf.SparseTensorSpec([3], tf.float32), tf.TensorSpec([], tf.int64))
    assert [(a.values.numpy().tolist(), int(b)) for a, b in z] == [
        ([1.0], 0), ([2.0], 1), ([], 2), ([3.0], 3)]
    d = tf.data.Dataset.from_tensor_slices({"a": sparse(), "b": np.arange(4)})
    assert d.batch(4).element_spec == {"a": tf.SparseTensorSpec([None, 3], tf.float32),
                                       "b": tf.TensorSpec([None], tf.int64)}
    b = next(iter(d.batch(4)))
    assert parts(b["a"]) == parts(sparse()) and b["b"].numpy().tolist() == [0, 1, 2, 3]
    total = ds.reduce(0.0, lambda acc, s: acc + tf.sparse.reduce_sum(s))
    assert float(total) == 6.0


def test_sparse_through_order_and_caching_transformations(tmp_path):
    ds = tf.data.Dataset.from_tensor_slices(sparse())
    values = lambda d: sorted(tuple(e.values.numpy().tolist()) for e in d)  # noqa: E731
    assert values(ds.shuffle(4, seed=1)) == values(ds)
    assert len(list(ds.repeat(2).take(5).prefetch(2))) == 5
    cached = ds.cache()
    assert values(cached) == values(cached) == values(ds)
    on_disk = ds.cache(os.fspath(tmp_path / "c"))
    first, second = [parts(e) for e in on_disk], [parts(e) for e in on_disk]
    assert first == second == [parts(e) for e in ds]
    shuffled = [parts(e) for e in ds.shuffle(4, seed=3).batch(2)]
    assert shuffled == [parts(e) for e in ds.shuffle(4, seed=3).batch(2)]
    windows = [[e.values.numpy().tolist() for e in w] for w in ds.window(2)]
    assert windows == [[[1.0], [2.0]], [[], [3.0]]]
    both = tf.data.Dataset.from_tensors(sparse()).concatenate(tf.data.Dataset.from_tensors(
        tf.sparse.SparseTensor([[0, 0]], [1.0], [2, 5])))
    assert both.element_spec == tf.SparseTensorSpec([None, None], tf.float32)
    with pytest.raises(TypeError, match="incompatible"):
        tf.data.Dataset.zip((ds,)).concatenate(tf.data.Dataset.zip((tf.data.Dataset.range(3),)))
    with pytest.raises(TypeError, match="padded_batch.*SparseTensorSpec"):
        ds.padded_batch(2)


def test_sparse_in_tf_function_and_tf1_session():
    ds = tf.data.Dataset.from_tensor_slices(sparse()).batch(2)

    @tf.function
    def total(d):
        s = tf.constant(0.0)
        for b in d:
            s += tf.sparse.reduce_sum(b)
        return s
    assert float(total(ds)) == 6.0
    it = iter(ds)
    step = tf.function(lambda i: tf.sparse.to_dense(next(i)))
    np.testing.assert_array_equal(step(it).numpy(), [[1, 0, 0], [0, 0, 2]])
    np.testing.assert_array_equal(step(it).numpy(), [[0, 0, 0], [0, 3, 0]])

    with tf1.Graph().as_default():
        value = tf1.SparseTensorValue([[0, 0], [1, 2], [3, 1]],
                                      np.array([1.0, 2.0, 3.0], np.float32), [4, 3])
        d = tf1.data.Dataset.from_tensor_slices(value).batch(3)
        nxt = tf1.data.make_one_shot_iterator(d).get_next()
        assert isinstance(nxt, tf.sparse.SparseTensor)
        with tf1.Session() as sess:
            first = sess.run(nxt)
            assert isinstance(first, tf1.SparseTensorValue)
            assert first.indices.tolist() == [[0, 0], [1, 2]]
            assert first.dense_shape.tolist() == [3, 3]
            assert sess.run(nxt).values.tolist() == [3.0]
            with pytest.raises(tf1.errors.OutOfRangeError):
                sess.run(nxt)


def test_ragged_slices_batches_and_unbatch():
    ds = tf.data.Dataset.from_tensor_slices(ragged())
    assert repr(ds.element_spec) == "RaggedTensorSpec(TensorShape([None]), tf.int32, 0, tf.int64)"
    elems = list(ds)
    assert all(isinstance(e, tf.Tensor) for e in elems)  # rows of ragged_rank 1: dense
    assert [e.numpy().tolist() for e in elems] == [[1, 2], [3], [], [4, 5, 6]]
    b = ds.batch(3)
    assert b.element_spec == tf.RaggedTensorSpec([None, None], tf.int32, 1)
    assert [r.to_list() for r in b] == [[[1, 2], [3], []], [[4, 5, 6]]]
    assert b.unbatch().element_spec == tf.RaggedTensorSpec([None], tf.int32, 0)
    assert [e.numpy().tolist() for e in b.unbatch()] == [[1, 2], [3], [], [4, 5, 6]]
    whole = tf.data.Dataset.from_tensors(ragged())
    assert whole.element_spec == tf.RaggedTensorSpec([4, None], tf.int32, 1)
    rt3 = tf.ragged.constant([[[1, 2], [3]], [[4]]])
    d3 = tf.data.Dataset.from_tensor_slices(rt3)
    assert d3.element_spec == tf.RaggedTensorSpec([None, None], tf.int32, 1)
    assert d3.batch(2).element_spec == tf.RaggedTensorSpec([None, None, None], tf.int32, 2)
    assert [r.to_list() for r in d3.batch(2)] == [[[[1, 2], [3]], [[4]]]]
    assert [r.to_list() for r in d3] == [[[1, 2], [3]], [[4]]]


def test_ragged_map_generator_and_iteration():
    ds = tf.data.Dataset.from_tensor_slices(ragged())
    doubled = ds.map(lambda r: r * 2)
    assert doubled.element_spec == tf.TensorSpec([None], tf.int32)
    m = tf.data.Dataset.range(4).map(
        lambda x: tf.RaggedTensor.from_row_lengths(tf.range(x), tf.reshape(x, [1])))
    assert m.element_spec == tf.RaggedTensorSpec([1, None], tf.int64, 1)
    assert [r.to_list() for r in m.batch(2)] == [[[[]], [[0]]], [[[0, 1]], [[0, 1, 2]]]]
    g = tf.data.Dataset.from_generator(
        lambda: iter([tf.ragged.constant([[1], [2, 3]]), [[4, 5, 6]]]),
        output_signature=tf.RaggedTensorSpec([None, None], tf.int32))
    assert [r.to_list() for r in g] == [[[1], [2, 3]], [[4, 5, 6]]]
    assert [r.to_list() for r in g.unbatch().ragged_batch(2)] == [[[1], [2, 3]], [[4, 5, 6]]]

    @tf.function
    def total(d):
        s = tf.constant(0.0)
        for b in d:
            s += tf.reduce_sum(tf.cast(b, tf.float32))
        return s
    assert float(total(ds.batch(2))) == 21.0


def test_ragged_batch_of_dense_elements():
    d = tf.data.Dataset.range(5).map(lambda x: tf.range(x))
    with pytest.raises(tf.errors.InvalidArgumentError):
        list(d.batch(2))
    rb = d.ragged_batch(2)
    assert rb.element_spec == tf.RaggedTensorSpec([None, None], tf.int64, 1)
    assert [r.to_list() for r in rb] == [[[], [0]], [[0, 1], [0, 1, 2]], [[0, 1, 2, 3]]]
    old = d.apply(tf.data.experimental.dense_to_ragged_batch(2))
    assert old.element_spec == rb.element_spec
    assert d.ragged_batch(2, drop_remainder=True).element_spec == \
        tf.RaggedTensorSpec([2, None], tf.int64, 1)

    def gen(shape_of):
        return lambda: (np.ones(shape_of(i), np.float32) for i in range(1, 4))
    square = tf.data.Dataset.from_generator(gen(lambda i: (i, i)),
                                            output_signature=tf.TensorSpec([None, None]))
    assert square.ragged_batch(2).element_spec == \
        tf.RaggedTensorSpec([None, None, None], tf.float32, 2)
    assert [r.to_list() for r in square.ragged_batch(2)][0] == [[[1.0]], [[1.0, 1.0],
                                                                          [1.0, 1.0]]]
    wide = tf.data.Dataset.from_generator(gen(lambda i: (2, i)),
                                          output_signature=tf.TensorSpec([2, None]))
    assert wide.ragged_batch(2).element_spec == \
        tf.RaggedTensorSpec([None, 2, None], tf.float32, 2)
    assert [r.to_list() for r in wide.ragged_batch(2)][1] == [[[1.0] * 3, [1.0] * 3]]
    tall = tf.data.Dataset.from_generator(gen(lambda i: (i, 2, 1)),
                                          output_signature=tf.TensorSpec([None, 2, 1]))
    assert tall.ragged_batch(2).element_spec == \
        tf.RaggedTensorSpec([None, None, 2, 1], tf.float32, 1)
    fixed = tf.data.Dataset.from_tensor_slices(np.arange(6).reshape(3, 2))
    assert fixed.ragged_batch(2).element_spec == tf.TensorSpec([None, 2], tf.int64)
    assert tf.data.Dataset.from_tensor_slices(sparse()).ragged_batch(2).element_spec == \
        tf.SparseTensorSpec([None, 3], tf.float32)


def test_sparse_batch_of_dense_elements():
    d = tf.data.Dataset.range(5).map(lambda x: tf.range(x))
    sb = d.apply(tf.data.experimental.dense_to_sparse_batch(2, [6]))
    assert sb.element_spec == tf.SparseTensorSpec([None, 6], tf.int64)
    got = [parts(e) for e in sb]
    assert got[0] == ([[1, 0]], [0], [2, 6])  # zeros are stored too, as in TensorFlow
    assert got[1] == ([[0, 0], [0, 1], [1, 0], [1, 1], [1, 2]], [0, 1, 0, 1, 2], [2, 6])
    assert got[2] == ([[0, 0], [0, 1], [0, 2], [0, 3]], [0, 1, 2, 3], [1, 6])
    assert [parts(e)[2] for e in d.sparse_batch(2, [None])] == [[2, 1], [2, 3], [1, 4]]
    grid = tf.data.Dataset.range(3).map(lambda x: tf.fill([2, x], x)).sparse_batch(2, [2, None])
    assert [parts(e) for e in grid] == [
        ([[1, 0, 0], [1, 1, 0]], [1, 1], [2, 2, 1]),
        ([[0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 1]], [2, 2, 2, 2], [1, 2, 2])]
    with pytest.raises(tf.errors.DataLossError, match=r"larger than the row shape \(\[2\]\)"):
        list(d.sparse_batch(2, [2]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="incompatible with the row shape"):
        list(d.sparse_batch(2, [5, 2]))
    with pytest.raises(TypeError, match="single component"):
        tf.data.Dataset.zip((d, d)).sparse_batch(2, [5])


def test_bad_composite_input_names_the_problem():
    with pytest.raises(ValueError, match="same size in their first dimension"):
        tf.data.Dataset.from_tensor_slices((sparse(), np.arange(3)))
    bad = tf.sparse.SparseTensor([[5, 0]], [1.0], [2, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"dense_shape \[2, 3\].*row 5"):
        tf.data.Dataset.from_tensor_slices(bad)
    with pytest.raises(ValueError, match="cannot slice"):
        tf.data.Dataset.from_tensors(tf.sparse.SparseTensor(np.zeros((0, 0), np.int64), [],
                                                            np.zeros(0, np.int64))).unbatch()
    g = tf.data.Dataset.from_generator(lambda: iter([tf.sparse.SparseTensor([[1]], [2], [3])]),
                                       output_signature=tf.SparseTensorSpec([3], tf.float32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="SparseTensorSpec"):
        list(g)
