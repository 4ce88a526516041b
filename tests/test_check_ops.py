"""tf.Assert, tf.debugging.assert_* and check_numerics: eager errors at once, Assert ops in
graphs that raise when run (tf.function at every call, Session when fetched or depended
on), static checks at build time, TF1 argument orders."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1

InvalidArgument = tf.errors.InvalidArgumentError

FAILING = [
    (tf.debugging.assert_equal, ([1, 2], [1, 3])),
    (tf.debugging.assert_none_equal, ([1, 2], [3, 2])),
    (tf.debugging.assert_less, ([1.0, 2.0], 1.5)),
    (tf.debugging.assert_less_equal, ([1.0, 2.0], 1.5)),
    (tf.debugging.assert_greater, ([1.0, 2.0], 1.5)),
    (tf.debugging.assert_greater_equal, ([1.0, 2.0], 1.5)),
    (tf.debugging.assert_positive, ([1.0, -2.0],)),
    (tf.debugging.assert_negative, ([-1.0, 0.0],)),
    (tf.debugging.assert_non_negative, ([1.0, -2.0],)),
    (tf.debugging.assert_non_positive, ([-1.0, 2.0],)),
    (tf.debugging.assert_near, ([1.0, 2.0], [1.0, 2.1])),
]
PASSING = [
    (tf.debugging.assert_equal, ([1, 2], [1, 2])),
    (tf.debugging.assert_none_equal, ([1, 2], [3, 4])),
    (tf.debugging.assert_less, ([1.0, 2.0], 2.5)),
    (tf.debugging.assert_less_equal, ([1.0, 2.0], 2.0)),
    (tf.debugging.assert_greater, ([1.0, 2.0], 0.5)),
    (tf.debugging.assert_greater_equal, ([1.0, 2.0], 1.0)),
    (tf.debugging.assert_positive, ([1.0, 2.0],)),
    (tf.debugging.assert_negative, ([-1.0, -2.0],)),
    (tf.debugging.assert_non_negative, ([0.0, 2.0],)),
    (tf.debugging.assert_non_positive, ([-1.0, 0.0],)),
    (tf.debugging.assert_near, ([1.0, 2.0], [1.0, 2.0000001])),
]


def _ids(cases):
    return [f.__name__ for f, _ in cases]


@pytest.mark.parametrize("fn,args", FAILING, ids=_ids(FAILING))
def test_failing_assertions_raise_eagerly_in_functions_and_sessions(fn, args):
    tensors = [tf.constant(a) for a in args]
    with pytest.raises(InvalidArgument):
        fn(*tensors)

    @tf.function
    def traced(*xs):
        fn(*xs)  # result unused: tf.function still runs the Assert op
        return xs[0] * 1
    with pytest.raises(InvalidArgument, match="assertion failed"):
        traced(*tensors)

    with v1.Graph().as_default():
        feeds = [v1.placeholder(t.dtype, [None] * t.shape.rank) for t in tensors]
        check = fn(*feeds)
        with v1.control_dependencies([check]):
            guarded = v1.identity(feeds[0])
        unguarded = v1.identity(feeds[0])
        values = {p: np.asarray(a, p.dtype.as_numpy_dtype) for p, a in zip(feeds, args)}
        with v1.Session() as sess:
            sess.run(unguarded, values)  # not depending on the check: it does not run
            with pytest.raises(InvalidArgument, match="assertion failed"):
                sess.run(guarded, values)
            with pytest.raises(InvalidArgument):
                sess.run(check, values)


@pytest.mark.parametrize("fn,args", PASSING, ids=_ids(PASSING))
def test_holding_assertions_pass_everywhere(fn, args):
    tensors = [tf.constant(a) for a in args]
    assert fn(*tensors) is None

    @tf.function
    def traced(*xs):
        op = fn(*xs)
        assert op.type == "Assert"
        with tf.control_dependencies([op]):
            return tf.identity(xs[0])
    np.testing.assert_allclose(traced(*tensors).numpy(), args[0])


def test_eager_messages_follow_tensorflow():
    with pytest.raises(InvalidArgument) as info:
        tf.debugging.assert_equal(tf.constant([1, 2]), tf.constant([1, 3]), message="hey")
    text = str(info.value)
    assert text.startswith("hey\nCondition x == y did not hold.")
    assert "Indices of first 1 different values:\n[[1]]" in text
    assert "First 2 elements of y:\n[1 3]" in text
    with pytest.raises(InvalidArgument, match="Incompatible shapes"):
        tf.debugging.assert_equal(tf.constant([1, 2]), tf.constant([1, 2, 3]))
    with pytest.raises(InvalidArgument, match="same dtype"):
        tf.debugging.assert_equal(tf.constant([1, 2]), tf.constant([1.0, 2.0]))


def test_static_values_fail_at_build_time():
    @tf.function
    def constants(x):
        tf.debugging.assert_equal(tf.constant(1), tf.constant(2))
        return x
    with pytest.raises(InvalidArgument, match="Condition x == y did not hold element-wise"):
        constants.get_concrete_function(tf.constant(1.0))

    @tf.function
    def static_shape(x):
        tf.debugging.assert_equal(tf.shape(x), [2, 3])
        return x
    with pytest.raises(InvalidArgument):
        static_shape.get_concrete_function(tf.zeros([2, 4]))

    @tf.function
    def rank(x):
        tf.debugging.assert_rank(x, 2)
        return x
    with pytest.raises(ValueError, match="must have rank 2.  Received rank 1"):
        rank(tf.constant([1.0]))


def test_rank_type_integer_scalar_checks():
    with pytest.raises(ValueError, match="must have rank 2"):
        tf.debugging.assert_rank(tf.zeros([3]), 2)
    assert tf.debugging.assert_rank(tf.zeros([3]), 1) is None
    assert tf.debugging.assert_rank_at_least(tf.zeros([3, 2]), 1) is None
    with pytest.raises(ValueError, match="rank"):
        tf.debugging.assert_rank_in(tf.zeros([3]), [0, 2])
    with pytest.raises(TypeError, match="must be of type tf.int32; got tf.float32"):
        tf.debugging.assert_type(tf.zeros([3]), tf.int32)
    with pytest.raises(TypeError, match="to be integer type"):
        tf.debugging.assert_integer(tf.zeros([3]))
    with pytest.raises(ValueError, match="Expected scalar shape"):
        tf.debugging.assert_scalar(tf.zeros([3]))
    scalar = tf.constant(1.0)
    assert tf.debugging.assert_scalar(scalar) is scalar

    with v1.Graph().as_default():
        p = v1.placeholder(v1.float32)  # unknown rank: checked when run
        check = v1.assert_rank(p, 2)
        with v1.Session() as sess:
            sess.run(check, {p: np.zeros((2, 2))})
            with pytest.raises(InvalidArgument, match="must have rank 2"):
                sess.run(check, {p: np.zeros(3)})


def test_assert_shapes_static_and_dynamic():
    with pytest.raises(ValueError, match="dimension 0 must have size 2.  Received size 4"):
        tf.debugging.assert_shapes([(tf.zeros([2, 3]), ("N", "D")), (tf.zeros([3]), ("D",)),
                                    (tf.zeros([4]), ("N",))])
    assert tf.debugging.assert_shapes([(tf.zeros([2, 3]), ("N", "D")), (tf.zeros([3]), ("D",)),
                                       (tf.zeros([5, 2]), (..., "N")),
                                       (tf.zeros([]), ())]) is None
    with pytest.raises(ValueError, match="must have rank 2"):
        tf.debugging.assert_shapes([(tf.zeros([3]), ("N", "D"))])
    with v1.Graph().as_default():
        p = v1.placeholder(v1.float32, [None, 3])
        q = v1.placeholder(v1.float32, [None])
        check = v1.debugging.assert_shapes([(p, ("N", 3)), (q, ("N",))])
        with v1.Session() as sess:
            sess.run(check, {p: np.zeros((2, 3)), q: np.zeros(2)})
            with pytest.raises(InvalidArgument, match="must have size"):
                sess.run(check, {p: np.zeros((2, 3)), q: np.zeros(5)})


def test_Assert_with_data_and_summarize():
    with pytest.raises(InvalidArgument, match="Summarized data: \\[1 2\\]\ntxt"):
        tf.debugging.Assert(tf.constant(False), [tf.constant([1, 2]), "txt"])
    assert tf.Assert(tf.constant(True), [tf.constant(1)]) is None
    with pytest.raises(TypeError, match="boolean"):
        tf.Assert(tf.constant(1), ["x"])

    @tf.function
    def f(x):
        tf.Assert(tf.reduce_all(x > 0), ["x must be positive:", x], summarize=2)
        return x
    f(tf.constant([1.0, 2.0, 3.0]))
    with pytest.raises(InvalidArgument, match=r"\[x must be positive:\] \[1 -2\.\.\.\]"):
        f(tf.constant([1.0, -2.0, 3.0]))


def test_assertions_inside_cond_and_while_run_with_their_branch():
    @tf.function
    def f(x):
        def checked():
            tf.debugging.assert_positive(x, message="taken branch")
            return x * 2
        y = tf.cond(tf.reduce_sum(x) > 10, checked, lambda: x)

        def body(i, acc):
            tf.debugging.assert_less(i, 5, message="loop bound")
            return i + 1, acc + 1.0
        _, acc = tf.while_loop(lambda i, _: i < tf.cast(tf.reduce_sum(x), tf.int32),
                               body, (0, 0.0))
        return y, acc
    y, acc = f(tf.constant([-1.0, 4.0]))  # the asserting branch is not taken
    assert y.numpy().tolist() == [-1.0, 4.0] and acc.numpy() == 3.0
    with pytest.raises(InvalidArgument, match="loop bound"):
        f(tf.constant([1.0, 6.0]))
    with pytest.raises(InvalidArgument, match="taken branch"):
        f(tf.constant([-1.0, 12.0]))


def test_tf1_argument_orders_and_names():
    with v1.Graph().as_default():
        p = v1.placeholder(v1.int32, [2])
        check = v1.assert_equal(p, [1, 2], ["custom data:", p], 5, "msg")
        with v1.Session() as sess:
            sess.run(check, {p: [1, 2]})
            with pytest.raises(InvalidArgument, match=r"\[custom data:\] \[1 3\]"):
                sess.run(check, {p: [1, 3]})
    for name in ("assert_equal", "assert_less", "assert_rank", "assert_type", "assert_scalar",
                 "Assert", "check_numerics", "verify_tensor_all_finite", "py_func"):
        assert callable(getattr(v1, name)), name
    for name in ("Assert", "assert_equal", "assert_greater", "assert_less", "assert_rank"):
        assert callable(getattr(tf, name)), name


def test_check_numerics_values_and_gradient():
    with pytest.raises(InvalidArgument, match="bad : Tensor had NaN values"):
        tf.debugging.check_numerics(tf.constant([1.0, np.nan]), "bad")
    with pytest.raises(InvalidArgument, match="bad : Tensor had Inf values"):
        tf.debugging.assert_all_finite(tf.constant([1.0, np.inf]), "bad")
    with pytest.raises(TypeError, match="floating"):
        tf.debugging.check_numerics(tf.constant([1]), "ints")
    x = tf.constant([1.0, 0.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.sqrt(tf.debugging.check_numerics(x, "sqrt")))
    with pytest.raises(InvalidArgument, match="detected in gradient. sqrt : Tensor had Inf"):
        tape.gradient(y, x)

    @tf.function
    def f(x):
        return tf.debugging.check_numerics(tf.math.log(x), "log")
    assert f(tf.constant([1.0])).numpy().tolist() == [0.0]
    with pytest.raises(InvalidArgument, match="log : Tensor had"):
        f(tf.constant([-1.0]))
