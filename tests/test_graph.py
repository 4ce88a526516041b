"""TF1 graph building: names, scopes, get_variable, control dependencies, static shapes."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1
from ndflow.framework.tensor import SymbolicTensor


def test_compat_v1_ops_build_graph_nodes():
    a = v1.constant(2.0)
    b = v1.add(a, 3.0)
    assert isinstance(b, SymbolicTensor) and b.graph is v1.get_default_graph()
    with v1.Session() as sess:
        assert sess.run(b) == 5.0


def test_names_and_scopes():
    with v1.name_scope("layer1"):
        w = v1.Variable(np.zeros((2, 2), np.float32), name="weight")
        x = v1.placeholder(tf.float32, [None, 2], name="x")
        y = v1.matmul(x, w, name="mm")
    assert w.name == "layer1/weight:0"
    assert x.name == "layer1/x:0" and y.name == "layer1/mm:0"
    g = v1.get_default_graph()
    assert g.get_tensor_by_name("layer1/mm:0") is y
    x2 = v1.placeholder(tf.float32, name="x")
    assert x2.name == "x:0"
    x3 = v1.placeholder(tf.float32, name="x")
    assert x3.name == "x_1:0"


def test_get_variable_and_reuse():
    with v1.variable_scope("net"):
        w = v1.get_variable("w", [3, 2], initializer=v1.zeros_initializer())
    with v1.variable_scope("net", reuse=True):
        w2 = v1.get_variable("w", [3, 2])
    assert w is w2 and w.name == "net/w:0"
    with pytest.raises(ValueError, match="already exists"):
        with v1.variable_scope("net"):
            v1.get_variable("w", [3, 2])
    with v1.variable_scope("net", reuse=v1.AUTO_REUSE):
        assert v1.get_variable("w", [3, 2]) is w
        b = v1.get_variable("b", [2], initializer=v1.constant_initializer(0.5))
    xavier = v1.get_variable("xavier", [4, 4],
                             initializer=v1.contrib.layers.xavier_initializer(seed=1))
    with v1.Session() as sess:
        sess.run(v1.global_variables_initializer())
        assert sess.run(b).tolist() == [0.5, 0.5]
        limit = np.sqrt(6 / 8)
        assert np.all(np.abs(sess.run(xavier)) <= limit)


def test_static_shapes_flow_through_the_graph():
    x = v1.placeholder(tf.float32, [None, 3])
    w = v1.Variable(np.ones((3, 1), np.float32))
    y = v1.placeholder(tf.float32, [None, 1])
    h = v1.matmul(x, w) + 1.0
    assert h.shape.as_list() == y.shape.as_list() == [None, 1]
    assert v1.reduce_mean(h, axis=0).shape.as_list() == [1]
    assert v1.reshape(x, [-1, 1, 3]).shape.as_list() == [None, 1, 3]
    assert v1.transpose(x).shape.as_list() == [3, None]
    n = v1.shape(x)[0]
    with v1.Session() as sess:
        assert sess.run(n, {x: np.zeros((7, 3))}) == 7
    with pytest.raises(tf.errors.InvalidArgumentError, match="inner dimensions 3 and 2"):
        v1.matmul(x, v1.placeholder(tf.float32, [2, 2]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Dimensions must be equal"):
        x + v1.placeholder(tf.float32, [None, 4])


def test_symbolic_tensor_refuses_bool_and_numpy():
    x = v1.placeholder(tf.float32, [2])
    with pytest.raises(TypeError, match="Python bool"):
        bool(x)
    with pytest.raises(NotImplementedError):
        x.numpy()
    assert "Tensor(\"Placeholder" in str(x)


def test_control_dependencies_and_group():
    v = v1.Variable(0.0)
    inc = v1.assign_add(v, 1.0)
    with v1.control_dependencies([inc]):
        after = v1.identity(v.read_value() * 1.0)
    step = v1.group(inc, v1.assign_add(v, 10.0))
    with v1.Session() as sess:
        sess.run(v1.global_variables_initializer())
        assert sess.run(after) == 1.0
        assert sess.run(step) is None
        assert sess.run(v) == 12.0


def test_separate_graphs():
    g = tf.Graph()
    with g.as_default():
        c = v1.constant(1.0)
        assert v1.get_default_graph() is g
    assert c.graph is g
    assert v1.get_default_graph() is not g
    with v1.Session(graph=g) as sess:
        assert sess.run(c) == 1.0
    with pytest.raises(ValueError, match="same graph"):
        v1.add(c, v1.placeholder(tf.float32))


def test_reset_default_graph():
    v1.placeholder(tf.float32, name="p")
    v1.reset_default_graph()
    assert v1.placeholder(tf.float32, name="p").name == "p:0"


def test_tf1_optimizers_reduce_a_quadratic():
    for make in (lambda: v1.train.GradientDescentOptimizer(0.1),
                 lambda: v1.train.MomentumOptimizer(0.05, 0.9),
                 lambda: v1.train.MomentumOptimizer(0.05, 0.9, use_nesterov=True),
                 lambda: v1.train.AdamOptimizer(0.1),
                 lambda: v1.train.RMSPropOptimizer(0.05),
                 lambda: v1.train.AdagradOptimizer(0.5)):
        v1.reset_default_graph()
        w = v1.Variable([3.0, -2.0])
        loss = v1.reduce_sum(v1.square(w - 1.0))
        step = v1.train.get_or_create_global_step()
        train = make().minimize(loss, global_step=step)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            first = sess.run(loss)
            for _ in range(100):
                sess.run(train)
            assert sess.run(loss) < first * 0.05, make()
            assert sess.run(step) == 100


def test_adam_matches_the_tf1_formula():
    w = v1.Variable([1.0])
    loss = v1.reduce_sum(w * w)
    train = v1.train.AdamOptimizer(0.1).minimize(loss)
    with v1.Session() as sess:
        sess.run(v1.global_variables_initializer())
        sess.run(train)
        m, v, t = 0.1 * 2.0, 0.001 * 4.0, 1
        lr_t = 0.1 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        expected = 1.0 - lr_t * m / (np.sqrt(v) + 1e-8)
        np.testing.assert_allclose(sess.run(w), [expected], rtol=1e-6)


def test_eager_variable_captured_in_a_session_graph():
    v = tf.Variable(2.0)
    x = v1.placeholder(tf.float32)
    with v1.Session() as sess:
        assert sess.run(x * v, {x: 3.0}) == 6.0
