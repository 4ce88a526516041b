"""TF1 extras in tf.nn and state: batch norms, lrn, in_top_k, sampled losses, candidate
samplers, sequence_mask, tf.Print, the scatter ops and Variable scatter methods."""
import json
import pathlib

import numpy as np
import pytest

import ndflow as tf2
import ndflow.compat.v1 as tf

REF = json.loads((pathlib.Path(__file__).parent / "fixtures" / "tf1_reference.json").read_text())


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()


def _run(*fetches, feed=None):
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        return s.run(list(fetches), feed)


# --- normalization -------------------------------------------------------------------------------

def test_fused_batch_norm_training_and_inference():
    rng = np.random.RandomState(0)
    x = rng.randn(2, 3, 3, 4).astype(np.float32)
    scale, offset = np.array([1, 2, .5, 1], np.float32), np.array([0, 1, 0, -1], np.float32)
    xp = tf.placeholder(tf.float32, [2, 3, 3, 4])
    y, m, v = tf.nn.fused_batch_norm(xp, scale, offset, epsilon=0.001)
    _, m3, v3 = tf.nn.fused_batch_norm(xp, scale, offset, mean=np.ones(4, np.float32),
                                       variance=np.full(4, 2, np.float32),
                                       exponential_avg_factor=0.3)
    yi, _, _ = tf.nn.fused_batch_norm(xp, scale, offset, mean=np.ones(4, np.float32),
                                      variance=np.full(4, 2, np.float32), is_training=False)
    y_, m_, v_, m3_, v3_, yi_ = _run(y, m, v, m3, v3, yi, feed={xp: x})
    mean, var = x.mean((0, 1, 2)), x.var((0, 1, 2))
    np.testing.assert_allclose(y_, (x - mean) / np.sqrt(var + 0.001) * scale + offset,
                               rtol=1e-4, atol=1e-5)
    # TF's values: the returned variance carries Bessel's correction (n / (n - 1))
    np.testing.assert_allclose(m_, [0.13093519, -0.22323288, -0.17064364, 0.24291608], atol=1e-6)
    np.testing.assert_allclose(v_, [1.8217645, 0.855693, 0.719579, 0.9334349], rtol=1e-5)
    np.testing.assert_allclose(m3_, [0.7392805, 0.6330301, 0.64880687, 0.77287483], rtol=1e-5)
    np.testing.assert_allclose(v3_, [1.9465294, 1.6567079, 1.6158737, 1.6800305], rtol=1e-5)
    np.testing.assert_allclose(yi_, (x - 1) / np.sqrt(2 + 0.001) * scale + offset, rtol=1e-5,
                               atol=1e-6)
    with pytest.raises(ValueError, match="mean and variance"):
        tf.nn.fused_batch_norm(xp, scale, offset, is_training=False)


def test_batch_normalization_formula_and_lrn_values():
    x = np.random.RandomState(1).randn(2, 2, 2, 5).astype(np.float32)
    y = tf.nn.batch_normalization(x, 0.5, 2.0, 1.0, 3.0, 1e-3)
    lrn = tf.nn.lrn(x, depth_radius=2, bias=1.0, alpha=0.5, beta=0.75)
    y_, lrn_ = _run(y, lrn)
    np.testing.assert_allclose(y_, 3 * (x - 0.5) / np.sqrt(2.001) + 1, rtol=1e-5, atol=1e-6)
    sq = np.stack([(x[..., max(0, d - 2):d + 3] ** 2).sum(-1) for d in range(5)], -1)
    np.testing.assert_allclose(lrn_, x / (1 + 0.5 * sq) ** 0.75, rtol=1e-5, atol=1e-7)
    assert tf2.nn.local_response_normalization is tf2.nn.lrn
    with pytest.raises(ValueError, match="4-D"):
        tf.nn.lrn(np.ones((2, 3), np.float32))


def test_lrn_gradient_in_graph_matches_finite_differences():
    x0 = np.random.RandomState(2).randn(1, 1, 2, 4).astype(np.float64)
    x = tf.placeholder(tf.float64, x0.shape)
    loss = tf.reduce_sum(tf.nn.lrn(x, 1, 1.0, 0.8, 0.6) * np.arange(8.0).reshape(x0.shape))
    (g,) = tf.gradients(loss, [x])
    with tf.Session() as s:
        got = s.run(g, {x: x0})
        num = np.zeros_like(x0)
        for i in np.ndindex(x0.shape):
            d = np.zeros_like(x0)
            d[i] = 1e-6
            num[i] = (s.run(loss, {x: x0 + d}) - s.run(loss, {x: x0 - d})) / 2e-6
    np.testing.assert_allclose(got, num, rtol=1e-5, atol=1e-7)


# --- in_top_k, sequence_mask ---------------------------------------------------------------------

def test_in_top_k_matches_tf1_including_ties():
    ref = REF["nn"]
    pred = np.asarray(ref["pred"], np.float32)
    for k, want in zip(ref["ks"], ref["in_top_k"]):
        got = _run(tf.nn.in_top_k(pred, np.asarray(ref["targets"], np.int32), k))[0]
        assert got.tolist() == want
    # TF2's order is (targets, predictions); out-of-range targets are simply not in the top k
    assert tf2.math.in_top_k([0, 7], [[0.9, 0.1], [0.2, 0.8]], 1).numpy().tolist() == \
        [True, False]
    with pytest.raises(TypeError, match="int32 or int64"):
        tf.nn.in_top_k(pred, np.zeros(5, np.float32), 1)


def test_sequence_mask():
    assert _run(tf.sequence_mask([1, 3, 0, 2], 4))[0].tolist() == REF["nn"]["sequence_mask"]
    m = tf2.sequence_mask([[1], [2]], dtype=tf2.float32).numpy()
    assert m.dtype == np.float32 and m.tolist() == [[[1.0, 0.0]], [[1.0, 1.0]]]
    lengths = tf.placeholder(tf.int32, [None])
    mask = tf.sequence_mask(lengths)
    assert _run(mask, feed={lengths: [2, 1]})[0].tolist() == [[True, True], [True, False]]


# --- sampled losses ------------------------------------------------------------------------------

@pytest.mark.parametrize("num_true", ["1", "2"])
def test_sampled_softmax_and_nce_match_tf1(num_true):
    ref = REF["nn"]["sampled"]
    case = ref["cases"][num_true]
    w = tf.constant(np.asarray(ref["weights"], np.float32))
    b = tf.constant(np.asarray(ref["biases"], np.float32))
    x = tf.constant(np.asarray(ref["inputs"], np.float32))
    labels = np.asarray(case["labels"], np.int64)
    values = (np.asarray(case["values"][0], np.int64),
              np.asarray(case["values"][1], np.float32), np.asarray(case["values"][2],
                                                                    np.float32))
    n = int(num_true)
    ssl = tf.nn.sampled_softmax_loss(w, b, labels, x, 3, 6, num_true=n, sampled_values=values)
    nce = tf.nn.nce_loss(w, b, labels, x, 3, 6, num_true=n, sampled_values=values)
    nce_hits = tf.nn.nce_loss(w, b, labels, x, 3, 6, num_true=n, sampled_values=values,
                              remove_accidental_hits=True)
    gw, gx = tf.gradients(tf.reduce_sum(ssl) + tf.reduce_sum(nce), [w, x])
    got = _run(ssl, nce, nce_hits, tf.convert_to_tensor(gw), gx)
    for key, value in zip(["sampled_softmax", "nce", "nce_hits", "grad_w", "grad_x"], got):
        np.testing.assert_allclose(value, case[key], rtol=1e-5, atol=1e-5, err_msg=key)


def test_candidate_samplers_and_default_sampling():
    true = np.array([[0], [3]], np.int64)
    sampled, true_exp, samp_exp = tf.nn.log_uniform_candidate_sampler(
        true, 1, 5, unique=True, range_max=10, seed=3)
    s_, t_, e_ = _run(sampled, true_exp, samp_exp)
    assert s_.dtype == np.int64 and len(set(s_.tolist())) == 5 and s_.min() >= 0 and \
        s_.max() < 10
    def tries(classes, expected):  # unique sampling: expected = 1 - (1 - p) ** tries
        p = (np.log(classes + 2.0) - np.log(classes + 1.0)) / np.log(11.0)
        return np.log1p(-expected.astype(np.float64)) / np.log1p(-p)
    n = np.concatenate([tries(true[:, 0], t_[:, 0]), tries(s_, e_)])
    np.testing.assert_allclose(n, np.round(n[0]), rtol=1e-3)
    assert n[0] >= 5
    _, t2, e2 = tf.random.uniform_candidate_sampler(true, 1, 4, unique=False, range_max=8)
    t2_, e2_ = _run(t2, e2)
    np.testing.assert_allclose(t2_, 0.5) and np.testing.assert_allclose(e2_, 0.5)
    # with the default sampler the loss trains: 20 classes, the label is the input's argmax
    rng = np.random.RandomState(0)
    emb = tf.Variable(rng.randn(20, 8).astype(np.float32) * 0.1)
    bias = tf.Variable(np.zeros(20, np.float32))
    inputs = np.eye(20, 8, dtype=np.float32)[rng.randint(0, 8, 64)]
    labels = inputs.argmax(1).reshape(-1, 1).astype(np.int64)
    loss = tf.reduce_mean(tf.nn.sampled_softmax_loss(emb, bias, labels, inputs, 5, 20, seed=1))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    full = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels[:, 0], logits=tf.matmul(inputs, emb, transpose_b=True) + bias))
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        before = s.run(full)
        for _ in range(60):
            s.run(train)
        assert s.run(full) < before * 0.5
    with pytest.raises(tf.errors.InvalidArgumentError, match="range_max"):
        _run(tf.nn.log_uniform_candidate_sampler(true, 1, 12, True, 10)[0])


# --- tf.Print ------------------------------------------------------------------------------------

def test_print_prints_tf1_format_when_run(capfd):
    x = tf.constant([[1, 2, 3], [4, 5, 6]])
    y = tf.Print(x, [x, tf.constant(7.5), tf.constant([1.5, 2.0])], "vals: ")
    z = tf.Print(x, [x], "big ", summarize=10)
    w = tf.Print(tf.constant(1.0), [tf.constant(True), tf.constant(["a", "b"])], first_n=1)
    assert capfd.readouterr().err == ""  # nothing printed while building
    with tf.Session() as s:
        assert s.run(y).tolist() == [[1, 2, 3], [4, 5, 6]]
        s.run(z)
        s.run(w)
        s.run(w)
    assert capfd.readouterr().err.splitlines() == [
        "vals: [[1 2 3]...][7.5][1.5 2]", "big [[1 2 3][4 5 6]]", "[1][a b]"]


# --- scatter ops ---------------------------------------------------------------------------------

def test_tensor_scatter_ops_values_and_gradients():
    t = np.arange(12, dtype=np.float32).reshape(4, 3)
    upd = tf.tensor_scatter_nd_update(t, [[1], [3]], [[9, 9, 9], [8, 8, 8]])
    add = tf.tensor_scatter_nd_add(t, [[1, 1], [1, 1]], [1.0, 2.0])
    sub = tf.tensor_scatter_nd_sub(t, [[0, 2]], [5.0])
    snd = tf.scatter_nd([[1], [1], [3]], [1.0, 2.0, 3.0], [5])
    upd_, add_, sub_, snd_ = _run(upd, add, sub, snd)
    want = t.copy()
    want[1], want[3] = 9, 8
    np.testing.assert_array_equal(upd_, want)
    assert add_[1, 1] == 7 and sub_[0, 2] == -3 and snd_.tolist() == [0, 3, 0, 3, 0]
    tt = tf.constant(t)
    u = tf.constant([[1.0, 2, 3]])
    g_t, g_u = tf.gradients(tf.reduce_sum(tf.tensor_scatter_nd_update(tt, [[2]], u) * t),
                            [tt, u])
    g_t_, g_u_ = _run(g_t, g_u)
    mask = np.ones_like(t)
    mask[2] = 0
    np.testing.assert_array_equal(g_t_, t * mask)
    np.testing.assert_array_equal(g_u_, t[2:3])
    with pytest.raises(ValueError, match="updates must have shape"):
        tf.tensor_scatter_nd_update(t, [[1]], [1.0, 2.0])
    bad = tf.tensor_scatter_nd_update(t, tf.constant([[4]]) + 0, [[1.0, 1, 1]])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[0\] = \[4\]"):
        _run(bad)


def test_variable_scatter_functions_and_methods_in_a_session():
    v = tf.Variable(np.zeros((4, 2), np.float32), name="v")
    ops = [tf.scatter_update(v, [0, 2], [[1, 1], [2, 2]]),
           tf.scatter_add(v, [1, 1], [[1, 0], [1, 0]]),
           tf.scatter_sub(v, [3], [[0, 5]]),
           tf.scatter_mul(v, [2], [[3, 3]]),
           tf.scatter_div(v, [2], [[2, 4]]),
           tf.scatter_nd_update(v, [[0, 1]], [7.0]),
           tf.scatter_nd_add(v, [[3, 0], [3, 0]], [1.0, 1.0]),
           tf.scatter_nd_sub(v, [[1, 0]], [0.5])]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        results = [s.run(op) for op in ops]
        np.testing.assert_array_equal(results[0], [[1, 1], [0, 0], [2, 2], [0, 0]])
        np.testing.assert_array_equal(s.run(v), [[1, 7], [1.5, 0], [3, 1.5], [2, -5]])
    with pytest.raises(TypeError, match="Variable"):
        tf.scatter_update(tf.constant([1.0]), [0], [2.0])


def test_eager_variable_methods_and_count_up_to():
    v = tf2.Variable(np.zeros((3, 2), np.float32))
    v.scatter_nd_add([[0, 1]], [5.0])
    v.scatter_update(tf2.IndexedSlices(tf2.constant([[1.0, 1.0]]), tf2.constant([2])))
    v.scatter_add(tf2.IndexedSlices(tf2.constant([[2.0, 2.0]]), tf2.constant([2])))
    v.scatter_sub(tf2.IndexedSlices(tf2.constant([[1.0, 1.0]]), tf2.constant([0])))
    np.testing.assert_array_equal(v.numpy(), [[-1, 4], [0, 0], [3, 3]])
    c = tf2.Variable(0)
    assert [int(c.count_up_to(2)), int(c.count_up_to(2))] == [0, 1]
    with pytest.raises(tf.errors.OutOfRangeError, match="limit of 2"):
        c.count_up_to(2)
    assert int(c.numpy()) == 2
    with pytest.raises(TypeError, match="int32 or int64"):
        tf2.Variable(1.0).count_up_to(3)


def test_count_up_to_and_load_in_a_session():
    c = tf.Variable(0, name="c")
    up = tf.count_up_to(c, 2)
    w = tf.Variable(np.zeros(2, np.float32))
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert [s.run(up), s.run(up)] == [0, 1]
        with pytest.raises(tf.errors.OutOfRangeError):
            s.run(up)
        w.load([3.0, 4.0], s)
        assert s.run(w).tolist() == [3.0, 4.0]
