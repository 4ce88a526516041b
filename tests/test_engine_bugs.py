"""Regression tests for engine bugs reported by users (session caches, shape inference,
integer semantics, variables in tf.function, dynamic shapes, traced-function introspection)."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as tf1
from ndflow.framework.errors import InvalidArgumentError


# --- 1. Session.run fetch/plan caches must not be keyed on ids of freed objects ----------------

def test_session_run_fetch_names_built_at_run_time():
    g = tf1.Graph()
    with g.as_default():
        for i in range(20):
            tf1.constant(float(i), name=f"c{i}")
    with tf1.Session(graph=g) as sess:
        for _ in range(3):
            for i in range(20):
                name = "c" + str(i)
                assert sess.run(name + ":0") == float(i)
                assert sess.run([name + ":0", "c0:0"]) == [float(i), 0.0]


def test_session_run_feed_names_built_at_run_time():
    g = tf1.Graph()
    with g.as_default():
        a = tf1.placeholder(tf1.float32, [], name="a")
        b = tf1.placeholder(tf1.float32, [], name="b")
        tf1.identity(a * 2.0, name="out")
    with tf1.Session(graph=g) as sess:
        for i in range(10):
            assert sess.run("out:0", {"a" + ":0": float(i), b: 0.0}) == 2.0 * i
            assert sess.run(a + b, {"b" + ":0": float(i), "a:0": 1.0}) == 1.0 + i


# --- 2. the "zoo" softmax classifier of the TF1 course --------------------------------------------

def test_zoo_softmax_classifier_trains():
    rng = np.random.RandomState(0)
    x_data = rng.randint(0, 2, (101, 16)).astype(np.float32)
    y_data = rng.randint(0, 7, (101, 1)).astype(np.float32)
    nb_classes = 7
    g = tf1.Graph()
    with g.as_default():
        tf1.set_random_seed(777)
        X = tf1.placeholder(tf1.float32, [None, 16])
        Y = tf1.placeholder(tf1.int32, [None, 1])
        Y_one_hot = tf1.one_hot(Y, nb_classes)
        Y_one_hot = tf1.reshape(Y_one_hot, [-1, nb_classes])
        W = tf1.Variable(tf1.random_normal([16, nb_classes]), name="weight")
        b = tf1.Variable(tf1.random_normal([nb_classes]), name="bias")
        logits = tf1.matmul(X, W) + b
        hypothesis = tf1.nn.softmax(logits)
        # the course wraps the labels in a list: shape (1, None, 7)
        cost_i = tf1.nn.softmax_cross_entropy_with_logits_v2(
            logits=logits, labels=tf1.stop_gradient([Y_one_hot]))
        assert cost_i.shape.as_list() == [None]
        cost = tf1.reduce_mean(cost_i)
        train = tf1.train.GradientDescentOptimizer(learning_rate=0.1).minimize(cost)
        prediction = tf1.argmax(hypothesis, 1)
        accuracy = tf1.reduce_mean(tf1.cast(tf1.equal(prediction, tf1.argmax(Y_one_hot, 1)),
                                            tf1.float32))
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            first = sess.run(cost, {X: x_data, Y: y_data})
            for _ in range(50):
                sess.run(train, {X: x_data, Y: y_data})
            loss, ci, acc = sess.run([cost, cost_i, accuracy], {X: x_data, Y: y_data})
    assert ci.shape == (101,)
    assert loss < first
    assert 0.0 <= acc <= 1.0


def test_softmax_xent_labels_of_other_rank_match_tf():
    logits = np.random.RandomState(1).randn(4, 3).astype(np.float32)
    labels = np.eye(3, dtype=np.float32)[[0, 2, 1, 0]]
    want = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits).numpy()
    got = tf.nn.softmax_cross_entropy_with_logits(labels=labels[None], logits=logits).numpy()
    assert got.shape == (4,)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    logits3 = logits.reshape(2, 2, 3)
    got3 = tf.nn.softmax_cross_entropy_with_logits(labels=labels.reshape(2, 2, 3), logits=logits3)
    assert got3.shape == (2, 2)
    np.testing.assert_allclose(got3.numpy().reshape(-1), want, rtol=1e-6)


# --- 3. integer semantics, gradients of casts, feeds and constant ranges --------------------------

@pytest.mark.parametrize("fn", [tf.math.floordiv, tf.math.floormod,
                                lambda a, b: a // b, lambda a, b: a % b])
def test_integer_division_by_zero_raises(fn):
    with pytest.raises(InvalidArgumentError, match="Integer division by zero"):
        fn(tf.constant([5, 3]), tf.constant([1, 0]))
    g = tf1.Graph()
    with g.as_default():
        a = tf1.placeholder(tf1.int32, [None])
        out = fn(a, tf1.constant(0))
        with tf1.Session() as sess:
            with pytest.raises(InvalidArgumentError, match="Integer division by zero"):
                sess.run(out, {a: [1, 2]})


def test_float_floordiv_by_zero_still_inf():
    assert np.isinf(tf.math.floordiv(tf.constant(1.0), tf.constant(0.0)).numpy())


def test_gradient_through_integer_cast_is_none():
    v = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(v)
        y = tf.cast(v, tf.int32)
    assert tape.gradient(y, v) is None
    g = tf1.Graph()
    with g.as_default():
        x = tf1.placeholder(tf1.float32, [])
        assert tf1.gradients(tf1.cast(x, tf1.int32), x) == [None]
        assert tf1.gradients(tf1.cast(x, tf1.float64), x)[0] is not None


def test_feed_key_from_other_graph_raises():
    g1, g2 = tf1.Graph(), tf1.Graph()
    with g1.as_default():
        p_other = tf1.placeholder(tf1.float32, [])
    with g2.as_default():
        p = tf1.placeholder(tf1.float32, [])
        out = p * 2.0
        with tf1.Session() as sess:
            with pytest.raises(ValueError, match="is not an element of this graph"):
                sess.run(out, {p: 1.0, p_other: 3.0})


def test_feed_out_of_range_int_raises():
    g = tf1.Graph()
    with g.as_default():
        p = tf1.placeholder(tf1.int32, [])
        with tf1.Session() as sess:
            with pytest.raises((ValueError, TypeError), match="int32"):
                sess.run(p + 1, {p: 2 ** 40})
            with pytest.raises((ValueError, TypeError), match="int32"):
                sess.run(p + 1, {p: [2 ** 31]})
            assert sess.run(p + 1, {p: 2 ** 31 - 2}) == 2 ** 31 - 1


def test_constant_out_of_range():
    with pytest.raises((ValueError, TypeError), match="int32"):
        tf.constant(2 ** 31, tf.int32)
    with pytest.raises((ValueError, TypeError), match="int32"):
        tf.constant([1, -2 ** 31 - 1], dtype=tf.int32)
    assert tf.constant(2 ** 31).dtype == tf.int64
    assert tf.constant(-2 ** 31, tf.int32).numpy() == -2 ** 31
    with pytest.raises(ValueError, match="int64") as info:
        tf.constant(2 ** 70)
    assert str(2 ** 70) in str(info.value)


# --- 4. variable synchronization / aggregation ------------------------------------------------------

def test_variable_sync_enums_exist():
    S, A = tf.VariableSynchronization, tf.VariableAggregation
    assert {S.AUTO, S.NONE, S.ON_WRITE, S.ON_READ}
    assert {A.NONE, A.SUM, A.MEAN, A.ONLY_FIRST_REPLICA}
    assert tf1.VariableSynchronization is S and tf1.VariableAggregation is A


def test_variable_in_function_keeps_sync_and_aggregation():
    made = []

    @tf.function
    def f():
        if not made:
            made.append(tf.Variable(1.0, synchronization=tf.VariableSynchronization.ON_READ,
                                    aggregation=tf.VariableAggregation.MEAN))
        return made[0] * 2.0

    assert f().numpy() == 2.0
    v = made[0]
    assert v.synchronization == tf.VariableSynchronization.ON_READ
    assert v.aggregation == tf.VariableAggregation.MEAN
    eager = tf.Variable(1.0)
    assert eager.synchronization == tf.VariableSynchronization.AUTO
    assert eager.aggregation == tf.VariableAggregation.NONE


# --- 5. python lists adopt the dtype of tensors in concat ---------------------------------------------

def test_concat_shape_slice_with_python_list():
    x = tf.ones([2, 5])
    assert tf.shape(x).dtype == tf.int32
    out = tf.concat([tf.shape(x)[:1], [3]], 0)
    assert out.dtype == tf.int32 and out.numpy().tolist() == [2, 3]
    f = tf.function(lambda x: tf.concat([tf.shape(x)[:1], [3]], 0))
    assert f(x).numpy().tolist() == [2, 3]
    assert tf.concat([tf.shape(x, out_type=tf.int64)[:1], [3]], 0).dtype == tf.int64


# --- 6. shapes given as tensors -------------------------------------------------------------------------

_SHAPE_OPS = {
    "normal": lambda s: tf.random.normal(s),
    "uniform": lambda s: tf.random.uniform(s),
    "truncated_normal": lambda s: tf.random.truncated_normal(s),
    "zeros": lambda s: tf.zeros(s),
    "ones": lambda s: tf.ones(s),
    "fill": lambda s: tf.fill(s, 2.0),
}


@pytest.mark.parametrize("name", sorted(_SHAPE_OPS))
def test_shape_ops_take_tensor_shapes_in_function(name):
    make = _SHAPE_OPS[name]
    f = tf.function(lambda x: make(tf.shape(x)))
    assert f(tf.ones([2, 5])).shape == (2, 5)
    assert f(tf.ones([3, 1, 4])).shape == (3, 1, 4)
    g = tf1.Graph()
    with g.as_default():
        x = tf1.placeholder(tf1.float32, [None, 5])
        out = make(tf1.shape(x))
        assert out.shape.as_list() == [None, 5] or out.shape.rank in (None, 2)
        with tf1.Session() as sess:
            assert sess.run(out, {x: np.ones((4, 5))}).shape == (4, 5)
        const_shape = make(tf1.constant([2, 3]))
        assert const_shape.shape.as_list() == [2, 3]


def test_reshape_with_tensor_shape_in_function():
    x = tf.reshape(tf.range(10.0), [2, 5])
    f = tf.function(lambda x: tf.reshape(x, tf.shape(x)))
    np.testing.assert_array_equal(f(x).numpy(), x.numpy())
    f2 = tf.function(lambda x: tf.reshape(x, [tf.shape(x)[0], -1]))
    assert f2(tf.ones([2, 3, 4])).shape == (2, 12)
    g = tf1.Graph()
    with g.as_default():
        p = tf1.placeholder(tf1.float32, [None, 3, 4])
        out = tf1.reshape(p, [tf1.shape(p)[0], -1])
        assert out.shape.rank == 2
        with tf1.Session() as sess:
            assert sess.run(out, {p: np.ones((5, 3, 4))}).shape == (5, 12)


# --- 7. traced-function naming and introspection --------------------------------------------------------

def test_concrete_function_names_and_introspection():
    @tf.function
    def f(x, pair):
        return x * 2.0 + pair[0] - pair[1]

    c = f.get_concrete_function(tf.TensorSpec([None, 3], tf.float32),
                                (tf.TensorSpec([3], tf.float32), tf.TensorSpec([], tf.float32)))
    names = [t.name for t in c.inputs]
    assert names == ["x:0", "pair:0", "pair_1:0"]
    assert [t.name for t in c.graph.get_operations() if t.type == "Placeholder"] == \
        ["x", "pair", "pair_1"]
    types = {op.type for op in c.graph.get_operations()}
    assert {"Placeholder", "Mul"} <= types
    args, kwargs = c.structured_input_signature
    assert kwargs == {}
    assert args[0].shape.as_list() == [None, 3] and args[0].dtype == tf.float32
    assert isinstance(args[1], tuple) and args[1][1].shape.as_list() == []
    assert len(c.outputs) == 1 and c.outputs[0].shape.as_list() == [None, 3]
    out = c(tf.ones([2, 3]), (tf.ones([3]), tf.constant(1.0)))
    np.testing.assert_allclose(out.numpy(), np.full((2, 3), 2.0))


def test_traced_placeholders_named_after_arguments():
    @tf.function
    def g(a, b=1.0):
        return a + b

    g(tf.ones([2]), tf.ones([2]))
    c = g.get_concrete_function(tf.ones([2]), tf.ones([2]))
    assert [t.name for t in c.inputs] == ["a:0", "b:0"]


# --- auto-packing a list holding tensors: Python values take the tensors' dtype -----------------

def test_convert_to_tensor_packs_python_ints_with_an_int64_tensor():
    t = tf.convert_to_tensor([tf.constant(2, tf.int64), 3])  # raised "Pack: int64 and int32"
    assert t.dtype == tf.int64 and t.numpy().tolist() == [2, 3]
    nested = tf.convert_to_tensor([[tf.constant(2, tf.int64), 3], [4, 5]])
    assert nested.dtype == tf.int64 and nested.numpy().tolist() == [[2, 3], [4, 5]]
    assert tf.convert_to_tensor([tf.constant(1.5, tf.float64), 2]).dtype == tf.float64

    @tf.function
    def f(x):
        return tf.convert_to_tensor([x, 7])
    assert f(tf.constant(2, tf.int64)).numpy().tolist() == [2, 7]


def test_convert_to_tensor_packing_with_dtype_casts_and_mismatch_raises():
    # as TensorFlow: an explicit dtype casts the tensors; without one, tensors of two dtypes
    # are Pack's InvalidArgumentError eagerly and a TypeError while tracing, and a fractional
    # Python value cannot join an integer tensor
    t = tf.convert_to_tensor([tf.constant(2, tf.int64), 3], dtype=tf.float32)
    assert t.dtype == tf.float32 and t.numpy().tolist() == [2.0, 3.0]
    with pytest.raises(InvalidArgumentError, match="int64 and int32"):
        tf.convert_to_tensor([tf.constant(2, tf.int64), tf.constant(3)])

    @tf.function
    def f(a, b):
        return tf.convert_to_tensor([a, b])
    with pytest.raises(TypeError, match="int32 to tf.int64"):
        f(tf.constant(2, tf.int64), tf.constant(3))
    with pytest.raises(TypeError):
        tf.convert_to_tensor([tf.constant(2, tf.int64), 3.5])


def test_python_scalars_keep_the_tensor_dtype_on_every_route():
    for dtype in (tf.float16, tf.float32, tf.float64):
        x = tf.constant([1.0, 2.0], dtype)
        assert (0.5 * x).dtype == dtype and (x - 1).dtype == dtype
        v = tf.Variable([1.0, 2.0], dtype=dtype)
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(1.0 - 3.0 * v)
        assert y.dtype == dtype and tape.gradient(y, v).numpy().tolist() == [-3.0, -3.0]
    assert (tf.constant([1, 2]) * 2).dtype == tf.int32
    with pytest.raises(TypeError):
        tf.constant([1, 2]) * 0.5


def test_sparse_softmax_cross_entropy_gradient_on_transposed_logits():
    # The kernel's one-hot subtraction went to a reshape copy of a strided softmax, so the
    # gradient of transposed (non-contiguous) logits was softmax, not softmax - onehot.
    z = tf.Variable(np.random.default_rng(0).standard_normal((5, 2, 3)).astype("float32"))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.zeros([2, 5], tf.int32), logits=tf.transpose(z, [1, 0, 2])))
    grad = tape.gradient(loss, z).numpy()
    np.testing.assert_allclose(grad.sum(axis=-1), 0.0, atol=1e-6)
    contiguous = tf.constant(np.ascontiguousarray(np.transpose(z.numpy(), [1, 0, 2])))
    with tf.GradientTape() as tape:
        tape.watch(contiguous)
        loss = tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.zeros([2, 5], tf.int32), logits=contiguous))
    np.testing.assert_allclose(np.transpose(grad, [1, 0, 2]),
                               tape.gradient(loss, contiguous).numpy(), atol=1e-7)


def test_stack_of_python_numbers_takes_tensorflows_dtypes():
    # Python numbers alone were stacked with NumPy's int64/float64 (a silent float64)
    assert tf.stack([1, 2]).dtype == tf.int32 and tf.stack([1., 2.]).dtype == tf.float32
    assert tf.stack([tf.constant(1.), 2.]).dtype == tf.float32  # the tensor's dtype
    assert tf.stack([np.ones(2), np.ones(2)], axis=1).dtype == tf.float64  # NumPy's kept
    assert tf.stack([np.float64(1.), 2.]).dtype == tf.float64
    stacked = tf.function(lambda x: tf.stack([tf.shape(x)[0], 3]))(tf.ones([2, 2]))
    assert stacked.dtype == tf.int32 and stacked.numpy().tolist() == [2, 3]


def test_one_hot_depth_given_as_a_tensor():
    np.testing.assert_array_equal(tf.one_hot([0, 2], tf.constant(3)).numpy(),
                                  [[1, 0, 0], [0, 0, 1]])
    run_time = tf.function(lambda i, x: tf.one_hot(i, tf.shape(x)[0], axis=0, on_value=5,
                                                   off_value=-1, dtype=tf.int32))
    np.testing.assert_array_equal(run_time(tf.constant([0, 2]), tf.ones([3])).numpy(),
                                  tf.one_hot([0, 2], 3, axis=0, on_value=5, off_value=-1,
                                             dtype=tf.int32).numpy())
