"""Cases run by both TensorFlow (tools/make_tf_sparse_fixtures.py) and ndflow
(test_against_tf.py): `cases(tf)` maps a name to a function of the given module."""
import numpy as np


def _grad(tf, fn, *xs):
    xs = [tf.Variable(x) for x in xs]
    with tf.GradientTape() as tape:
        y = fn(*xs)
    return [tf.convert_to_tensor(g).numpy() for g in tape.gradient(y, xs)]


def cases(tf):
    st = tf.sparse.SparseTensor
    a = st([[0, 1], [1, 0], [2, 3]], [1.0, 2.0, 3.0], [3, 4])
    b = st([[0, 1], [1, 2], [2, 3]], [-1.0, 5.0, 0.25], [3, 4])
    unsorted = st([[2, 0], [0, 3], [0, 1]], [7.0, 8.0, 9.0], [3, 4])
    r3 = st([[0, 0, 1], [0, 2, 0], [1, 1, 1]], [1.0, -2.0, 4.0], [2, 3, 2])
    ids = st([[0, 0], [0, 1], [2, 0], [2, 1], [2, 2]], np.array([1, 3, 0, 1, 1], np.int64),
             [4, 3])
    weights = st([[0, 0], [0, 1], [2, 0], [2, 1], [2, 2]], [0.5, 2.0, 1.0, 3.0, -1.0], [4, 3])
    params = np.arange(10, dtype=np.float32).reshape(5, 2) / 10.0 - 0.3
    dense = np.array([[1.0, -2.0, 0.5, 3.0], [0.0, 1.5, 2.0, -1.0], [4.0, 0.0, 1.0, 2.0]],
                     np.float32)
    data = np.array([[1.0, 2.0], [3.0, -4.0], [5.0, 6.0], [-7.0, 8.0], [0.5, 0.0]], np.float32)
    seg = np.array([0, 0, 1, 3, 3])
    useg = np.array([2, 0, 2, 1, 0])
    sd = tf.sparse
    m = tf.math
    c = {
        "to_dense": lambda: sd.to_dense(a, default_value=-1.0),
        "from_dense": lambda: sd.from_dense(dense * (dense > 1)),
        "reorder": lambda: sd.reorder(unsorted),
        "reshape": lambda: sd.reshape(r3, [-1, 4]),
        "add_sparse": lambda: sd.add(a, b),
        "add_threshold": lambda: sd.add(a, b, threshold=0.5),
        "add_dense": lambda: sd.add(a, dense),
        "matmul": lambda: sd.sparse_dense_matmul(a, dense.T),
        "matmul_adjoint_a": lambda: sd.sparse_dense_matmul(a, dense, adjoint_a=True),
        "matmul_adjoint_b": lambda: sd.sparse_dense_matmul(a, dense, adjoint_b=True),
        "matmul_grads": lambda: _grad(tf, lambda v, w: tf.reduce_sum(tf.sin(
            sd.sparse_dense_matmul(st(a.indices, v, a.dense_shape), w))),
            np.array([1.0, 2.0, 3.0], np.float32), dense.T.copy()),
        "reduce_sum_all": lambda: sd.reduce_sum(r3),
        "reduce_sum_axis1": lambda: sd.reduce_sum(r3, axis=1),
        "reduce_sum_keepdims": lambda: sd.reduce_sum(r3, axis=[0, 2], keepdims=True),
        "reduce_max_axis0": lambda: sd.reduce_max(r3, axis=0),
        "concat1": lambda: sd.concat(1, [a, b]),
        "concat_expand": lambda: sd.concat(0, [a, st([[0, 5]], [1.0], [1, 6])],
                                           expand_nonconcat_dims=True),
        "slice": lambda: sd.slice(a, [0, 1], [2, 3]),
        "retain": lambda: sd.retain(a, [True, False, True]),
        "fill_empty_rows": lambda: sd.fill_empty_rows(st([[1, 1]], [3.0], [3, 2]), -5.0)[0],
        "fill_empty_rows_indicator": lambda: sd.fill_empty_rows(st([[1, 1]], [3.0], [3, 2]),
                                                                -5.0)[1],
        "transpose": lambda: sd.transpose(r3, [2, 0, 1]),
        "to_indicator": lambda: sd.to_indicator(ids, 5),
        "maximum": lambda: sd.maximum(a, b),
        "minimum": lambda: sd.minimum(a, b),
        "expand_dims": lambda: sd.expand_dims(a, 1),
        "split1": lambda: sd.split(sp_input=a, num_split=3, axis=1)[0],
        "eye": lambda: sd.eye(3, 4),
        "mul_dense": lambda: a * np.array([1.0, 2.0, 3.0, 4.0], np.float32),
        "mul_dense_column": lambda: a * np.array([[2.0], [3.0], [4.0]], np.float32),
        "div_scalar": lambda: a / 4.0,
        "segment_sum": lambda: m.segment_sum(data, seg),
        "segment_mean": lambda: m.segment_mean(data, seg),
        "segment_max": lambda: m.segment_max(data, seg),
        "segment_min": lambda: m.segment_min(data, seg),
        "segment_prod": lambda: m.segment_prod(data, seg),
        "unsorted_sum": lambda: m.unsorted_segment_sum(data, useg, 4),
        "unsorted_mean": lambda: m.unsorted_segment_mean(data, useg, 4),
        "unsorted_max": lambda: m.unsorted_segment_max(data, useg, 4),
        "unsorted_min": lambda: m.unsorted_segment_min(data, useg, 4),
        "unsorted_prod": lambda: m.unsorted_segment_prod(data, useg, 4),
        "unsorted_sqrt_n": lambda: m.unsorted_segment_sqrt_n(data, useg, 4),
        "sparse_segment_sum": lambda: sd.segment_sum(data, [0, 2, 4, 1], [0, 0, 1, 1]),
        "sparse_segment_mean_n": lambda: sd.segment_mean(data, [0, 2, 4], [0, 0, 2],
                                                         num_segments=4),
        "sparse_segment_sqrt_n": lambda: sd.segment_sqrt_n(data, [0, 2, 4], [0, 0, 1]),
        "segment_grads": lambda: _grad(tf, lambda d: tf.reduce_sum(
            m.segment_max(d, seg) * 1.5 + m.unsorted_segment_prod(d, useg, 4)
            + m.unsorted_segment_mean(d, useg, 4) * 2.0), data),
        "embedding_mean": lambda: tf.nn.embedding_lookup_sparse(params, ids, None),
        "embedding_sum_weighted": lambda: tf.nn.embedding_lookup_sparse(
            params, ids, weights, combiner="sum"),
        "embedding_sqrtn_weighted": lambda: tf.nn.embedding_lookup_sparse(
            params, ids, weights, combiner="sqrtn"),
        "safe_embedding": lambda: tf.nn.safe_embedding_lookup_sparse(params, ids, weights),
        "safe_embedding_default": lambda: tf.nn.safe_embedding_lookup_sparse(
            params, ids, None, default_id=4),
        "embedding_grads": lambda: _grad(tf, lambda p: tf.reduce_sum(tf.square(
            tf.nn.embedding_lookup_sparse(p, ids, weights, combiner="mean"))), params),
        "sets_intersection": lambda: tf.sets.intersection([[1, 2, 3], [4, 5, 6]],
                                                          [[2, 3, 7], [4, 4, 1]]),
        "sets_union": lambda: tf.sets.union([[1, 2, 3], [4, 5, 6]], [[2, 3, 7], [4, 4, 1]]),
        "sets_difference": lambda: tf.sets.difference([[1, 2, 3], [4, 5, 6]],
                                                      [[2, 3, 7], [4, 4, 1]]),
        "sets_difference_ba": lambda: tf.sets.difference([[1, 2, 3], [4, 5, 6]],
                                                         [[2, 3, 7], [4, 4, 1]], aminusb=False),
        "sets_sparse": lambda: tf.sets.intersection(
            st([[0, 0], [0, 1], [1, 0]], np.array([5, 1, 2], np.int64), [2, 2]),
            st([[0, 0], [1, 0], [1, 1]], np.array([1, 2, 9], np.int64), [2, 2])),
        "sets_size": lambda: tf.sets.size(sd.from_dense(np.array([[1, 2, 2], [3, 3, 3]]))),
        "sets_size_sparse": lambda: tf.sets.size(
            st([[0, 0], [0, 1], [1, 0]], np.array([1, 1, 2], np.int64), [3, 3])),
        "sets_strings": lambda: tf.sets.union([["a", "b"]], [["c", "a"]]),
        "unique_y": lambda: tf.unique([4, 1, 4, 7, 1, 1]).y,
        "unique_idx64": lambda: tf.unique([4, 1, 4, 7, 1, 1], out_idx=tf.int64).idx,
        "unique_counts": lambda: tf.unique_with_counts([4, 1, 4, 7, 1, 1]).count,
    }
    return c
