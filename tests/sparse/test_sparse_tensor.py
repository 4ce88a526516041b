"""SparseTensor as a composite tensor: printing, tf.function, TF1 Session fetch/feed, and the
errors for bad input (unsorted, out-of-range, mismatched shapes)."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as tf1
from ndflow.errors import InvalidArgumentError


def _sp():
    return tf.sparse.SparseTensor([[0, 0], [1, 2]], [1.0, 2.0], [3, 4])


def test_parts_shape_dtype_and_printing():
    sp = _sp()
    assert sp.shape == tf.TensorShape([3, 4]) and sp.dtype == tf.float32
    assert sp.indices.dtype == tf.int64 and sp.dense_shape.dtype == tf.int64
    text = str(sp)
    assert text.startswith("SparseTensor(indices=tf.Tensor(") and "dense_shape=tf.Tensor([3 4]" \
        in text
    assert tf.SparseTensor is tf.sparse.SparseTensor


def test_through_tf_function_arguments_and_results():
    calls = []

    @tf.function
    def double(sp):
        calls.append(1)
        return sp * 2.0, tf.sparse.reduce_sum(sp)

    out, total = double(_sp())
    assert isinstance(out, tf.sparse.SparseTensor) and out.shape == (3, 4)
    np.testing.assert_array_equal(out.values.numpy(), [2.0, 4.0])
    assert float(total) == 3.0
    double(tf.sparse.SparseTensor([[0, 1], [2, 2]], [5.0, 6.0], [3, 4]))
    assert len(calls) == 1  # same spec and nnz: no retrace
    double(tf.sparse.SparseTensor([[0, 1], [2, 2]], [5.0, 6.0], [3, 5]))
    assert len(calls) == 2  # another dense shape is another signature


def test_tf_function_with_sparse_input_signature():
    f = tf.function(lambda sp: tf.sparse.sparse_dense_matmul(sp, tf.ones([4, 1])),
                    input_signature=[tf.SparseTensorSpec([None, 4], tf.float32)])
    np.testing.assert_array_equal(f(_sp()).numpy().ravel(), [1.0, 2.0, 0.0])
    other = tf.sparse.SparseTensor([[0, 3]], [7.0], [1, 4])
    np.testing.assert_array_equal(f(other).numpy().ravel(), [7.0])


def test_session_fetches_value_and_feeds_placeholder():
    g = tf1.Graph()
    with g.as_default():
        sp = tf1.sparse_placeholder(tf.float32, shape=[2, 3])
        doubled = sp * 2.0
        dense = tf1.sparse_tensor_to_dense(sp)
        const = tf1.SparseTensor([[1, 1]], [4.0], [2, 2])
        with tf1.Session() as sess:
            value = sess.run(doubled, {sp: tf1.SparseTensorValue([[0, 2]], [1.5], [2, 3])})
            assert isinstance(value, tf1.SparseTensorValue)
            np.testing.assert_array_equal(value.values, [3.0])
            np.testing.assert_array_equal(value.dense_shape, [2, 3])
            out = sess.run({"d": dense}, {sp: ([[1, 0]], [9.0], [2, 3])})
            np.testing.assert_array_equal(out["d"], [[0, 0, 0], [9, 0, 0]])
            assert sess.run(const).values.tolist() == [4.0]


def test_gradient_of_matmul_reaches_values_and_dense():
    v = tf.Variable([1.0, 2.0])
    w = tf.Variable(np.arange(8, dtype=np.float32).reshape(4, 2))
    with tf.GradientTape() as tape:
        sp = tf.sparse.SparseTensor([[0, 0], [1, 2]], v, [3, 4])
        y = tf.reduce_sum(tf.sparse.sparse_dense_matmul(sp, w))
    gv, gw = tape.gradient(y, [v, w])
    np.testing.assert_array_equal(gv.numpy(), [1.0, 9.0])
    np.testing.assert_array_equal(gw.numpy()[[0, 2]], [[1, 1], [2, 2]])


@pytest.mark.parametrize("call, words", [
    (lambda: tf.sparse.to_dense(tf.sparse.SparseTensor([[1, 0], [0, 1]], [1.0, 2.0], [3, 4])),
     ["indices[1] = [0,1]", "out of order", "tf.sparse.reorder"]),
    (lambda: tf.sparse.to_dense(tf.sparse.SparseTensor([[0, 0], [0, 0]], [1.0, 2.0], [3, 4])),
     ["indices[1] = [0,0]", "repeated"]),
    (lambda: tf.sparse.to_dense(tf.sparse.SparseTensor([[0, 0], [3, 0]], [1.0, 2.0], [3, 4])),
     ["indices[1] = [3,0]", "out of bounds", "[3,4]"]),
    (lambda: tf.sparse.sparse_dense_matmul(_sp(), tf.ones([3, 2])),
     ["inner dimension", "4 vs. 3"]),
    (lambda: tf.sparse.sparse_dense_matmul(
        tf.sparse.SparseTensor([[5, 0]], [1.0], [3, 4]), tf.ones([4, 2])),
     ["m (5)", ">=3"]),
    (lambda: tf.math.segment_sum([1.0, 2.0, 3.0], [1, 0, 0]),
     ["not increasing", "segment_ids[0] = 1"]),
    (lambda: tf.math.segment_sum([1.0, 2.0, 3.0], [-1, 0, 0]), [">= 0", "-1"]),
    (lambda: tf.math.unsorted_segment_sum([1.0, 2.0, 3.0], [1, 0, 5], 3),
     ["segment_ids[2] = 5", "[0, 3)"]),
    (lambda: tf.math.segment_sum([1.0, 2.0, 3.0], [0, 0]), ["(2,)", "(3,)"]),
    (lambda: tf.sparse.add(_sp(), tf.sparse.SparseTensor([[0, 0]], [1.0], [3, 5])),
     ["(3, 4)", "(3, 5)"]),
    (lambda: tf.sparse.reshape(_sp(), [5, -1]), ["[3, 4]", "12 elements"]),
    (lambda: tf.sets.intersection([[1, 2]], [[1], [2]]), ["[1, 2]", "[2, 1]"]),
])
def test_bad_input_names_argument_and_values(call, words):
    with pytest.raises(InvalidArgumentError) as info:
        call()
    for w in words:
        assert w in str(info.value), (w, str(info.value))


def test_constructor_mismatch_and_wrong_types():
    with pytest.raises(ValueError, match="indices has 2 rows.*values has 1"):
        tf.sparse.SparseTensor([[0, 0], [1, 1]], [1.0], [2, 2])
    with pytest.raises(TypeError, match="SparseTensor"):
        tf.sparse.to_dense(np.ones((2, 2)))
    with pytest.raises(TypeError, match="expected a SparseTensor"):
        tf.sets.size([[1, 2]])


def test_bad_segment_ids_in_graph_raise_at_run_time():
    f = tf.function(lambda d, i: tf.math.segment_sum(d, i))
    with pytest.raises(InvalidArgumentError, match="not increasing"):
        f(tf.constant([1.0, 2.0]), tf.constant([1, 0]))


def test_keras_free_sparse_example_trains_without_densifying(monkeypatch):
    import os
    import runpy
    monkeypatch.setenv("NDFLOW_EXAMPLE_STEPS", "25")
    path = os.path.join(os.path.dirname(__file__), "..", "..", "examples",
                        "sparse_bag_of_words.py")
    ns = runpy.run_path(path, run_name="not_main")
    losses, accuracy, peak, dense_bytes = ns["main"]()
    assert ns["VOCAB"] >= 10_000
    assert losses[-1] < 0.6 * losses[0] and accuracy > 0.9
    assert peak < dense_bytes / 10  # training never came near the dense matrix's size
