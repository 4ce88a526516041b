"""map_fn, scan, foldl, foldr and vectorized_map: eager, tf.function and Session; values and
gradients against finite differences and against the same loop unrolled by hand in torch;
static shapes, nested structures, errors, and nesting inside while_loop."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [0.2, 0.9, 1.1], [-0.4, 0.6, 0.8]])
W = np.array([0.7, -0.2, 1.3])


def _numeric_grad(f, x, eps=1e-6):
    x = np.array(x, np.float64)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        g[i] = (f(x + d) - f(x - d)) / (2 * eps)
    return g


def _op_types(graph):
    return {o.type for o in graph.get_operations()}


# --- the computations, written once ---------------------------------------------------------

def _mapped(x, w):
    """map_fn over rows with a nested (tuple) element and a dict result."""
    out = tf.map_fn(lambda e: {"a": tf.reduce_sum(tf.sin(e[0]) * e[1]), "b": e[0] * e[0]},
                    (x, x * w), fn_output_signature={"a": x.dtype, "b": x.dtype})
    return tf.reduce_sum(out["a"]) + tf.reduce_sum(out["b"] * w)


def _scanned(x, w):
    acc = tf.scan(lambda a, r: a * tf.tanh(r) + w, x, initializer=tf.ones_like(w))
    rev = tf.scan(lambda a, r: a + r * r, x, reverse=True)
    return tf.reduce_sum(acc * acc) + tf.reduce_sum(rev * w)


def _folded(x, w):
    left = tf.foldl(lambda a, r: a * 0.5 + tf.sin(r * w), x)
    right = tf.foldr(lambda a, r: a * r, x, initializer=w)
    return tf.reduce_sum(left) + tf.reduce_sum(right)


def _numpy_mapped(x, w):
    a = np.sum(np.sin(x) * (x * w), axis=1)
    return a.sum() + np.sum(x * x * w)


def _numpy_scanned(x, w):
    a, acc = np.ones_like(w), []
    for r in x:
        a = a * np.tanh(r) + w
        acc.append(a)
    rev, out = None, []
    for r in x[::-1]:
        rev = r if rev is None else rev + r * r
        out.append(rev)
    return np.sum(np.square(acc)) + np.sum(np.array(out[::-1]) * w)


def _numpy_folded(x, w):
    left = x[0]
    for r in x[1:]:
        left = left * 0.5 + np.sin(r * w)
    right = w
    for r in x[::-1]:
        right = right * r
    return left.sum() + right.sum()


CASES = [(_mapped, _numpy_mapped), (_scanned, _numpy_scanned), (_folded, _numpy_folded)]


@pytest.mark.parametrize("fn,reference", CASES, ids=["map_fn", "scan", "fold"])
def test_values_and_gradients_agree_eager_function_session(fn, reference):
    x, w = tf.constant(X), tf.constant(W)
    with tf.GradientTape() as tape:
        tape.watch([x, w])
        y = fn(x, w)
    eager = [y.numpy()] + [g.numpy() for g in tape.gradient(y, [x, w])]

    @tf.function
    def traced(x, w):
        with tf.GradientTape() as t:
            t.watch([x, w])
            y = fn(x, w)
        return [y] + t.gradient(y, [x, w])
    got = [r.numpy() for r in traced(x, w)]
    graph = traced.get_concrete_function(x, w).graph
    assert "While" in _op_types(graph) or "StatelessWhile" in _op_types(graph)

    with v1.Graph().as_default():
        px = v1.placeholder(v1.float64, [None, 3])
        pw = v1.placeholder(v1.float64, [3])
        ys = fn(px, pw)
        grads = v1.gradients(ys, [px, pw])
        with v1.Session() as sess:
            session = sess.run([ys] + grads, {px: X, pw: W})

    np.testing.assert_allclose(eager[0], reference(X, W), rtol=1e-10)
    np.testing.assert_allclose(eager[1], _numeric_grad(lambda v: reference(v, W), X), rtol=1e-5,
                               atol=1e-8)
    np.testing.assert_allclose(eager[2], _numeric_grad(lambda v: reference(X, v), W), rtol=1e-5,
                               atol=1e-8)
    for result in (got, session):
        for e, g in zip(eager, result):
            np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12)


def test_scan_gradient_matches_torch_unrolled():
    torch = pytest.importorskip("torch")
    xt = torch.tensor(X, requires_grad=True)
    wt = torch.tensor(W, requires_grad=True)
    a, accs = torch.ones(3, dtype=torch.float64), []
    for r in xt:
        a = a * torch.tanh(r) + wt
        accs.append(a)
    rev, outs = None, []
    for r in reversed(list(xt)):
        rev = r if rev is None else rev + r * r
        outs.append(rev)
    loss = (torch.stack(accs) ** 2).sum() + (torch.stack(outs[::-1]) * wt).sum()
    loss.backward()

    @tf.function
    def traced(x, w):
        with tf.GradientTape() as t:
            t.watch([x, w])
            y = _scanned(x, w)
        return [y] + t.gradient(y, [x, w])
    y, gx, gw = traced(tf.constant(X), tf.constant(W))
    np.testing.assert_allclose(y.numpy(), loss.item(), rtol=1e-12)
    np.testing.assert_allclose(gx.numpy(), xt.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(gw.numpy(), wt.grad.numpy(), rtol=1e-10)


def test_map_fn_gradient_matches_torch_and_variables_get_gradients():
    torch = pytest.importorskip("torch")
    v = tf.Variable(W)
    x = tf.constant(X)

    @tf.function
    def loss_and_grads(x):
        with tf.GradientTape() as t:
            t.watch(x)
            rows = tf.map_fn(lambda r: tf.reduce_sum(tf.exp(r * v) * r), x)
            loss = tf.reduce_sum(rows * rows)
        return [loss] + t.gradient(loss, [x, v])
    loss, gx, gv = loss_and_grads(x)
    xt = torch.tensor(X, requires_grad=True)
    vt = torch.tensor(W, requires_grad=True)
    rows = torch.stack([(torch.exp(r * vt) * r).sum() for r in xt])
    (rows * rows).sum().backward()
    np.testing.assert_allclose(loss.numpy(), (rows * rows).sum().item(), rtol=1e-12)
    np.testing.assert_allclose(gx.numpy(), xt.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(gv.numpy(), vt.grad.numpy(), rtol=1e-10)


# --- shapes, structures, signatures ------------------------------------------------------------

def test_static_shapes_in_graphs():
    static = {}

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def f(x):
        static["map"] = tf.map_fn(lambda r: r * 2.0, x).shape
        static["sum"] = tf.map_fn(tf.reduce_sum, x).shape
        static["scan"] = tf.scan(lambda a, r: a + r, x).shape
        static["fold"] = tf.foldl(lambda a, r: a + r, x).shape
        static["vmap"] = tf.vectorized_map(lambda r: tf.stack([r, r]), x).shape
        return x
    f.get_concrete_function()
    assert static["map"].as_list() == [None, 3]
    assert static["sum"].as_list() == [None]
    assert static["scan"].as_list() == [None, 3]
    assert static["fold"].as_list() == [3]
    assert static["vmap"].as_list() == [None, 2, 3]

    @tf.function
    def g(x):
        static["known"] = tf.map_fn(lambda r: r[:2], x).shape
        return x
    g(tf.zeros([5, 3]))
    assert static["known"].as_list() == [5, 2]


def test_map_fn_output_signature_and_dtypes():
    x = tf.constant([1.0, 2.0, 3.0])
    out = tf.map_fn(lambda e: (tf.cast(e, tf.int32), e * 2.0), x,
                    fn_output_signature=(tf.int32, tf.TensorSpec([], tf.float32)))
    assert out[0].dtype == tf.int32 and out[1].dtype == tf.float32
    np.testing.assert_array_equal(out[0].numpy(), [1, 2, 3])
    assert tf.map_fn(lambda e: 1.0, x).dtype == tf.float32  # Python values take the dtype
    with pytest.raises(tf.errors.InvalidArgumentError, match="TensorArray dtype is float32"):
        tf.map_fn(lambda e: tf.cast(e, tf.int32), x)
    with pytest.raises(ValueError, match="structure"):
        tf.map_fn(lambda e: (e, e), x)
    with pytest.raises(ValueError, match="not compatible"):
        tf.map_fn(tf.reduce_sum, tf.ones([2, 2]), fn_output_signature=tf.TensorSpec([3]))
    with pytest.raises(ValueError, match="1\\+ dimensional"):
        tf.map_fn(lambda e: e, tf.constant(3.0))
    with pytest.raises(ValueError, match="does not contain any Tensors"):
        tf.map_fn(lambda e: e, [])
    with pytest.raises(ValueError, match="same first dimension"):
        tf.map_fn(lambda e: e[0], (tf.ones([2]), tf.ones([3])))
    assert tf.map_fn(lambda e: e * 2, tf.zeros([0, 3])).shape.as_list() == [0]


def test_scan_and_fold_structures_and_errors():
    x = tf.constant([1.0, 2.0, 3.0])
    total, product = tf.scan(lambda a, e: (a[0] + e, a[1] * e), x, initializer=(0.0, 1.0))
    np.testing.assert_allclose(total.numpy(), [1, 3, 6])
    np.testing.assert_allclose(product.numpy(), [1, 2, 6])
    np.testing.assert_allclose(tf.scan(lambda a, e: a + e, x, reverse=True).numpy(), [6, 5, 3])
    assert tf.foldl(lambda a, e: a - e, x).numpy() == -4.0
    assert tf.foldr(lambda a, e: a - e, x).numpy() == 0.0
    assert tf.foldl(lambda a, e: a - e, x, initializer=10.0).numpy() == 4.0
    with pytest.raises(ValueError, match="no initializer"):
        tf.foldl(lambda a, e: a + e, tf.zeros([0]))

    @tf.function
    def f(x):
        return (tf.scan(lambda a, e: {"s": a["s"] + e["s"]}, {"s": x}),
                tf.foldr(lambda a, e: a - e, x))
    scanned, folded = f(x)
    np.testing.assert_allclose(scanned["s"].numpy(), [1, 3, 6])
    assert folded.numpy() == 0.0


def test_vectorized_map_eager_and_traced():
    x = tf.constant(X)
    expected = np.stack([np.outer(r, r).sum(axis=0) for r in X])
    np.testing.assert_allclose(
        tf.vectorized_map(lambda r: tf.reduce_sum(r[:, None] * r[None, :], 0), x).numpy(),
        expected)

    @tf.function
    def f(x):
        with tf.GradientTape() as t:
            t.watch(x)
            y = tf.vectorized_map(lambda r: tf.reduce_sum(r[:, None] * r[None, :], 0), x)
            s = tf.reduce_sum(y)
        return y, t.gradient(s, x)
    y, g = f(x)
    np.testing.assert_allclose(y.numpy(), expected)
    np.testing.assert_allclose(g.numpy(), 2 * np.repeat(X.sum(1, keepdims=True), 3, 1))


# --- nesting -------------------------------------------------------------------------------------

def _loop_of_maps(x):
    """A while_loop whose body maps over the rows (map_fn inside while_loop)."""
    def body(i, acc):
        return i + 1, acc + tf.map_fn(lambda r: tf.sin(r) * tf.cast(i + 1, r.dtype), x)
    _, acc = tf.while_loop(lambda i, _: i < 3, body, (0, tf.zeros_like(x)))
    return tf.reduce_sum(acc * acc)


def test_map_fn_inside_while_loop_with_gradients():
    def reference(v):
        acc = sum(np.sin(v) * k for k in (1, 2, 3))
        return np.sum(acc * acc)

    @tf.function
    def traced(x):
        with tf.GradientTape() as t:
            t.watch(x)
            y = _loop_of_maps(x)
        return y, t.gradient(y, x)
    y, g = traced(tf.constant(X))
    np.testing.assert_allclose(y.numpy(), reference(X), rtol=1e-12)
    np.testing.assert_allclose(g.numpy(), _numeric_grad(reference, X), rtol=1e-6, atol=1e-8)
    with v1.Graph().as_default():
        p = v1.placeholder(v1.float64, X.shape)
        ys = _loop_of_maps(p)
        grad = v1.gradients(ys, p)[0]
        with v1.Session() as sess:
            value, gvalue = sess.run([ys, grad], {p: X})
    np.testing.assert_allclose(value, y.numpy(), rtol=1e-12)
    np.testing.assert_allclose(gvalue, g.numpy(), rtol=1e-12)


def test_nested_map_fn_and_scan_of_maps():
    x = tf.constant(X)

    @tf.function
    def f(x):
        inner = tf.map_fn(lambda r: tf.map_fn(lambda e: e * e, r), x)
        running = tf.scan(lambda a, r: a + tf.map_fn(tf.exp, r), x)
        return inner, running
    inner, running = f(x)
    np.testing.assert_allclose(inner.numpy(), X * X)
    np.testing.assert_allclose(running.numpy(), X[0] + np.concatenate(
        [np.zeros((1, 3)), np.cumsum(np.exp(X[1:]), axis=0)]))


def test_back_prop_false_stops_gradients():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.map_fn(lambda e: e * e, x, back_prop=False))
    assert tape.gradient(y, x) is None
