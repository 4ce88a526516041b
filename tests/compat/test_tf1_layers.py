"""tf.layers and tf.contrib.layers under compat.v1: TF1's variable names, collections,
reuse, UPDATE_OPS, and the values each layer computes."""
import numpy as np
import pytest

import ndflow
import ndflow.compat.v1 as tf
from ndflow.framework.tensor import EagerTensor


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()


def _names(vs):
    return [v.name for v in vs]


def _session():
    s = tf.Session()
    s.run(tf.global_variables_initializer())
    return s


# --- names, scopes, reuse, collections -----------------------------------------------------------

def test_dense_and_conv_variable_names_follow_tf1():
    x = tf.placeholder(tf.float32, [None, 4, 4, 1])
    c = tf.layers.conv2d(x, 2, 3, padding="same")
    c = tf.layers.conv2d(c, 2, 3)
    f = tf.layers.flatten(c)
    tf.layers.dense(tf.layers.dense(f, 3), 2, use_bias=False)
    with tf.variable_scope("model"):
        tf.layers.dense(f, 3)
        tf.layers.batch_normalization(f)
    assert _names(tf.global_variables()) == [
        "conv2d/kernel:0", "conv2d/bias:0", "conv2d_1/kernel:0", "conv2d_1/bias:0",
        "dense/kernel:0", "dense/bias:0", "dense_1/kernel:0",
        "model/dense/kernel:0", "model/dense/bias:0",
        "model/batch_normalization/gamma:0", "model/batch_normalization/beta:0",
        "model/batch_normalization/moving_mean:0",
        "model/batch_normalization/moving_variance:0"]
    assert "model/batch_normalization/moving_mean:0" not in _names(tf.trainable_variables())
    assert len(tf.trainable_variables()) == 11
    assert _names(tf.get_collection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES)) == [
        "model/batch_normalization/moving_mean:0",
        "model/batch_normalization/moving_variance:0"]
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) == tf.global_variables()


def test_name_reuse_and_auto_reuse():
    x = tf.placeholder(tf.float32, [None, 3])
    a = tf.layers.dense(x, 2, name="fc")
    with pytest.raises(ValueError, match="fc/kernel already exists"):
        tf.layers.dense(x, 2, name="fc")
    b = tf.layers.dense(x, 2, name="fc", reuse=True)
    with tf.variable_scope("shared", reuse=tf.AUTO_REUSE):
        tf.layers.dense(x, 2, name="out")
    with tf.variable_scope("shared", reuse=tf.AUTO_REUSE):
        tf.layers.dense(x, 2, name="out")
    with pytest.raises(ValueError, match="does not exist"):
        tf.layers.dense(x, 2, name="nothing", reuse=True)
    assert _names(tf.global_variables()) == ["fc/kernel:0", "fc/bias:0",
                                             "shared/out/kernel:0", "shared/out/bias:0"]
    with _session() as s:
        feed = {x: np.random.rand(2, 3)}
        np.testing.assert_array_equal(*s.run([a, b], feed))


def test_unnamed_layers_of_a_reentered_scope_share_their_variables():
    def tower(x):
        return tf.layers.dense(tf.layers.dense(x, 4, activation=tf.nn.relu), 1)
    x = tf.placeholder(tf.float32, [None, 2])
    with tf.variable_scope("net"):
        y1 = tower(x)
    with tf.variable_scope("net", reuse=True):
        y2 = tower(x)
    assert _names(tf.global_variables()) == ["net/dense/kernel:0", "net/dense/bias:0",
                                             "net/dense_1/kernel:0", "net/dense_1/bias:0"]
    with _session() as s:
        feed = {x: np.random.rand(3, 2)}
        np.testing.assert_array_equal(*s.run([y1, y2], feed))


def test_class_forms_share_weights_between_calls_and_report_them():
    layer = tf.layers.Dense(3, activation=tf.nn.relu, name="fc")
    x1 = tf.placeholder(tf.float32, [None, 2])
    y1, y2 = layer(x1), layer.apply(x1 * 2.0)
    assert layer.built and layer.name == "fc"
    assert _names(layer.variables) == ["fc/kernel:0", "fc/bias:0"]
    assert layer.trainable_variables == layer.trainable_weights == layer.variables
    frozen = tf.layers.Dense(2, trainable=False)
    frozen(x1)
    assert frozen.non_trainable_variables == frozen.variables and not frozen.trainable_weights
    assert _names(tf.trainable_variables()) == ["fc/kernel:0", "fc/bias:0"]
    bn = tf.layers.BatchNormalization()
    bn(x1, training=True)
    assert len(bn.updates) == 2 and len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2
    assert tf.layers.Conv2D is tf.layers.Convolution2D
    with _session() as s:
        a, b, k, bias = s.run([y1, y2, layer.kernel, layer.bias], {x1: [[1.0, 2.0]]})
        np.testing.assert_allclose(a, np.maximum([[1, 2]] @ k + bias, 0), rtol=1e-6)
        np.testing.assert_allclose(b, np.maximum([[2, 4]] @ k + bias, 0), rtol=1e-6)


def test_regularizers_fill_the_regularization_collection():
    x = tf.placeholder(tf.float32, [None, 2])
    tf.layers.dense(x, 3, kernel_regularizer=tf.contrib.layers.l2_regularizer(0.5),
                    kernel_initializer=tf.ones_initializer(),
                    bias_regularizer=tf.contrib.layers.l1_regularizer(2.0),
                    bias_initializer=tf.constant_initializer(-1.0))
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == 2
    with _session() as s:
        # 0.5 * sum(1^2) / 2 over 6 weights + 2 * sum(|-1|) over 3 biases
        assert s.run(tf.losses.get_regularization_loss()) == pytest.approx(1.5 + 6.0)


# --- values --------------------------------------------------------------------------------------

def _np_conv2d_valid(x, k):
    n, h, w, _ = x.shape
    kh, kw, _, out = k.shape
    y = np.zeros((n, h - kh + 1, w - kw + 1, out), np.float64)
    for i in range(h - kh + 1):
        for j in range(w - kw + 1):
            y[:, i, j] = np.tensordot(x[:, i:i + kh, j:j + kw, :], k, axes=3)
    return y


def test_dense_on_rank_3_and_conv_layers_values():
    rng = np.random.RandomState(0)
    x3 = rng.rand(2, 5, 3).astype(np.float32)
    img = rng.rand(2, 6, 6, 2).astype(np.float32)
    d = tf.layers.Dense(4)
    y3 = d(x3)
    conv = tf.layers.Conv2D(3, (3, 2), strides=1)
    yc = conv(img)
    c1 = tf.layers.Conv1D(2, 3, padding="same", activation=tf.nn.relu)
    y1 = c1(x3)
    assert y3.shape.as_list() == [2, 5, 4] and yc.shape.as_list() == [2, 4, 5, 3]
    with _session() as s:
        y3_, k, b, yc_, ck, cb, y1_, k1, b1 = s.run(
            [y3, d.kernel, d.bias, yc, conv.kernel, conv.bias, y1, c1.kernel, c1.bias])
    np.testing.assert_allclose(y3_, x3 @ k + b, rtol=1e-5)
    np.testing.assert_allclose(yc_, _np_conv2d_valid(img, ck) + cb, rtol=1e-5, atol=1e-6)
    padded = np.pad(x3, [(0, 0), (1, 1), (0, 0)])[:, :, None, :]
    want1 = _np_conv2d_valid(padded.transpose(0, 2, 1, 3), k1[None])[:, 0] + b1
    np.testing.assert_allclose(y1_, np.maximum(want1, 0), rtol=1e-5, atol=1e-6)


def test_conv2d_transpose_and_separable_conv2d():
    rng = np.random.RandomState(1)
    img = rng.rand(2, 3, 3, 2).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 3, 3, 2])
    t_valid = tf.layers.Conv2DTranspose(4, 3, strides=2)
    yv = t_valid(x)
    ys = tf.layers.conv2d_transpose(x, 4, 2, strides=2, padding="same")
    sep = tf.layers.SeparableConv2D(5, 2, depth_multiplier=2)
    ysep = sep(x)
    assert yv.shape.as_list() == [None, 7, 7, 4] and ys.shape.as_list() == [None, 6, 6, 4]
    assert _names(sep.variables) == ["separable_conv2d/depthwise_kernel:0",
                                     "separable_conv2d/pointwise_kernel:0",
                                     "separable_conv2d/bias:0"]
    assert sep.depthwise_kernel.shape.as_list() == [2, 2, 2, 2]
    assert sep.pointwise_kernel.shape.as_list() == [1, 1, 4, 5]
    ref_t = tf.nn.conv2d_transpose(x, t_valid.kernel, [2, 7, 7, 4], [1, 2, 2, 1], "VALID") + \
        t_valid.bias
    ref_sep = tf.nn.separable_conv2d(x, sep.depthwise_kernel, sep.pointwise_kernel,
                                     [1, 1, 1, 1], "VALID") + sep.bias
    with _session() as s:
        got = s.run([yv, ref_t, ysep, ref_sep, ys], {x: img})
    np.testing.assert_allclose(got[0], got[1], rtol=1e-6)
    np.testing.assert_allclose(got[2], got[3], rtol=1e-6)
    assert got[4].shape == (2, 6, 6, 4)


def test_pooling_layers():
    x = np.arange(2 * 4 * 4 * 1, dtype=np.float32).reshape(2, 4, 4, 1)
    mp = tf.layers.max_pooling2d(x, 2, 2)
    ap = tf.layers.average_pooling2d(x, [2, 2], [2, 2])
    x1 = np.arange(12, dtype=np.float32).reshape(2, 6, 1)
    mp1 = tf.layers.max_pooling1d(x1, 3, 3)
    ap1 = tf.layers.AveragePooling1D(2, 2)(x1)
    with _session() as s:
        mp_, ap_, mp1_, ap1_ = s.run([mp, ap, mp1, ap1])
    np.testing.assert_array_equal(mp_[0, :, :, 0], [[5, 7], [13, 15]])
    np.testing.assert_array_equal(ap_[0, :, :, 0], [[2.5, 4.5], [10.5, 12.5]])
    np.testing.assert_array_equal(mp1_[:, :, 0], [[2, 5], [8, 11]])
    np.testing.assert_array_equal(ap1_[0, :, 0], [0.5, 2.5, 4.5])
    with pytest.raises(ValueError, match="padding"):
        tf.layers.max_pooling2d(x, 2, 2, padding="full")


def test_dropout_training_flag_bool_and_placeholder():
    x = np.ones((200, 50), np.float32)
    training = tf.placeholder_with_default(False, [])
    off = tf.layers.dropout(x, 0.4)              # TF1's default: training=False
    on = tf.layers.dropout(x, 0.4, training=True)
    fed = tf.layers.dropout(x, rate=0.4, training=training)
    with _session() as s:
        np.testing.assert_array_equal(s.run(off), x)
        kept = s.run(on)
        assert set(np.unique(kept).tolist()) <= {0.0, np.float32(1 / 0.6)}
        assert 0.55 < (kept > 0).mean() < 0.65
        np.testing.assert_array_equal(s.run(fed), x)
        assert (s.run(fed, {training: True}) == 0).mean() > 0.3


@pytest.mark.parametrize("rank4", [False, True])
def test_batch_normalization_training_updates_and_inference(rank4):
    rng = np.random.RandomState(2)
    data = (rng.randn(6, 2, 2, 3) * 2 + 1).astype(np.float32) if rank4 else \
        (rng.randn(8, 3) * 2 + 1).astype(np.float32)
    x = tf.placeholder(tf.float32, (None,) + data.shape[1:])
    training = tf.placeholder(tf.bool, [])
    y = tf.layers.batch_normalization(x, training=training, momentum=0.9)
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(updates) == 2
    with tf.control_dependencies(updates):
        step = tf.identity(y)
    axes = tuple(range(data.ndim - 1))
    mean, var = data.mean(axes), data.var(axes)
    n = data.size // 3
    update_var = var * n / (n - 1) if rank4 else var  # TF1's fused kernel on 4-D inputs
    with _session() as s:
        mm, mv = tf.global_variables()[2:]
        out = s.run(step, {x: data, training: True})
        np.testing.assert_allclose(out, (data - mean) / np.sqrt(var + 1e-3), rtol=1e-4,
                                   atol=1e-5)
        np.testing.assert_allclose(s.run(mm), 0.1 * mean, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(s.run(mv), 0.9 + 0.1 * update_var, rtol=1e-5)
        before = s.run([mm, mv])
        inference = s.run(step, {x: data, training: False})  # updates run, change nothing
        np.testing.assert_allclose(s.run(mm), before[0])
        np.testing.assert_allclose(s.run(mv), before[1])
        np.testing.assert_allclose(inference, (data - before[0]) / np.sqrt(before[1] + 1e-3),
                                   rtol=1e-4, atol=1e-5)


def test_batch_normalization_with_python_false_adds_no_updates_and_channels_first():
    x = tf.placeholder(tf.float32, [None, 3, 2, 2])
    tf.layers.batch_normalization(x, axis=1, training=False)
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
    assert tf.global_variables()[0].shape.as_list() == [3]


# --- tf.contrib.layers ---------------------------------------------------------------------------

def test_contrib_layers_names_defaults_and_collections():
    x = tf.placeholder(tf.float32, [None, 4])
    h = tf.contrib.layers.fully_connected(x, 8)
    out = tf.contrib.layers.fully_connected(h, 3, activation_fn=None, scope="logits")
    img = tf.reshape(x, [-1, 2, 2, 1])
    c = tf.contrib.layers.conv2d(img, 2, [2, 2])
    bn = tf.contrib.layers.batch_norm(tf.contrib.layers.flatten(c))
    assert _names(tf.global_variables()) == [
        "fully_connected/weights:0", "fully_connected/biases:0", "logits/weights:0",
        "logits/biases:0", "Conv/weights:0", "Conv/biases:0", "BatchNorm/beta:0",
        "BatchNorm/moving_mean:0", "BatchNorm/moving_variance:0"]
    assert _names(tf.get_collection(tf.GraphKeys.MODEL_VARIABLES))[:3] == [
        "fully_connected/weights:0", "fully_connected/biases:0", "logits/weights:0"]
    assert tf.get_collection(tf.GraphKeys.WEIGHTS) == []  # TF1 fills it only on request
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2
    feed = {x: np.random.RandomState(0).randn(5, 4)}
    with _session() as s:
        h_, out_, w, b = s.run([h, out] + tf.global_variables()[2:4], feed)
        assert (h_ >= 0).all()  # ReLU by default
        np.testing.assert_allclose(out_, h_ @ w + b, rtol=1e-5, atol=1e-6)
        assert c.shape.as_list() == [None, 2, 2, 2]  # SAME padding by default
        assert s.run(bn, feed).shape == (5, 8)


def test_contrib_batch_norm_decay_and_inline_updates():
    data = np.random.RandomState(3).randn(10, 2).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 2])
    y = tf.contrib.layers.batch_norm(x, decay=0.5, scale=True, updates_collections=None)
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
    with _session() as s:
        s.run(y, {x: data})
        mm, mv = s.run(tf.global_variables()[2:])
    np.testing.assert_allclose(mm, 0.5 * data.mean(0), rtol=1e-5)
    np.testing.assert_allclose(mv, 0.5 + 0.5 * data.var(0, ddof=1), rtol=1e-5)


def test_contrib_dropout_and_initializers():
    x = np.ones((100, 100), np.float32)
    keep = tf.placeholder(tf.float32)
    d = tf.contrib.layers.dropout(x, keep_prob=keep)
    d_eval = tf.contrib.layers.dropout(x, 0.5, is_training=False)
    xav = tf.get_variable("xav", [300, 200],
                          initializer=tf.contrib.layers.xavier_initializer(uniform=True))
    xn = tf.get_variable("xn", [300, 200],
                         initializer=tf.contrib.layers.xavier_initializer(uniform=False))
    he = tf.get_variable("he", [3, 3, 64, 32],
                         initializer=tf.contrib.layers.variance_scaling_initializer())
    with _session() as s:
        assert 0.2 < (s.run(d, {keep: 0.75}) == 0).mean() < 0.3
        np.testing.assert_array_equal(s.run(d_eval), x)
        a, n, h = s.run([xav, xn, he])
    limit = np.sqrt(6.0 / 500)
    assert np.abs(a).max() <= limit and np.abs(a).max() > 0.95 * limit
    std = np.sqrt(1.3 / 250)
    assert np.abs(n).max() <= 2 * std + 1e-6 and 0.8 * std < n.std() < std
    std_he = np.sqrt(1.3 * 2.0 / (9 * 64))
    assert np.abs(h).max() <= 2 * std_he + 1e-6
    with pytest.raises(ValueError, match="less than 0"):
        tf.contrib.layers.l2_regularizer(-0.1)
    with pytest.raises(ValueError, match="integer"):
        tf.contrib.layers.l1_regularizer(2)


def test_apply_regularization_and_optimize_loss():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, [None, 1])
    pred = tf.contrib.layers.fully_connected(x, 1, activation_fn=None,
                                             variables_collections={"weights": ["mine"]})
    tf.add_to_collection(tf.GraphKeys.WEIGHTS, tf.get_collection("mine")[0])
    reg = tf.contrib.layers.apply_regularization(tf.contrib.layers.l2_regularizer(0.01))
    assert tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES) == [reg]
    loss = tf.losses.mean_squared_error(y, pred) + reg
    gs = tf.contrib.framework.get_or_create_global_step()
    train = tf.contrib.layers.optimize_loss(loss, gs, learning_rate=0.1, optimizer="SGD",
                                            clip_gradients=5.0)
    assert _names(tf.global_variables())[-1] == "OptimizeLoss/learning_rate:0"
    rng = np.random.RandomState(4)
    xs = rng.randn(64, 3).astype(np.float32)
    ys = xs @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3
    with _session() as s:
        first = s.run(train, {x: xs, y: ys})
        for _ in range(100):
            last = s.run(train, {x: xs, y: ys})
        assert last < first * 0.05 and s.run(gs) == 101
    with pytest.raises(ValueError, match="Optimizer name"):
        tf.contrib.layers.optimize_loss(loss, gs, 0.1, "Nope")
    with pytest.raises(ValueError, match="No weights"):
        tf.reset_default_graph()
        tf.contrib.layers.apply_regularization(tf.contrib.layers.l2_regularizer(0.1))


def test_contrib_layer_norm():
    data = np.random.RandomState(5).randn(3, 4, 5).astype(np.float32)
    y = tf.contrib.layers.layer_norm(data)
    y2 = tf.contrib.layers.layer_norm(data, begin_norm_axis=-1, scale=False, scope="ln2")
    assert _names(tf.global_variables()) == ["LayerNorm/beta:0", "LayerNorm/gamma:0",
                                             "ln2/beta:0"]
    assert tf.global_variables()[0].shape.as_list() == [5]
    with _session() as s:
        y_, y2_ = s.run([y, y2])
    m, v = data.mean((1, 2), keepdims=True), data.var((1, 2), keepdims=True)
    np.testing.assert_allclose(y_, (data - m) / np.sqrt(v + 1e-12), rtol=1e-4, atol=1e-5)
    m2, v2 = data.mean(-1, keepdims=True), data.var(-1, keepdims=True)
    np.testing.assert_allclose(y2_, (data - m2) / np.sqrt(v2 + 1e-12), rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="rank"):
        tf.contrib.layers.layer_norm(data, begin_norm_axis=3)


def test_layers_run_eagerly_after_enable_eager_execution(eager_v1):
    """TF 1.x eager programs (tf.enable_eager_execution(), tf.layers, a GradientTape): the
    layers give eager tensors, their variables keep their scoped names, and training moves
    the loss."""
    x = tf.constant(np.linspace(-1, 1, 12, dtype=np.float32).reshape(6, 2))
    # A target the two layers can fit from any initialisation (the global seed's state
    # depends on which tests ran before), so the loss falls far whatever the start.
    y = tf.constant(np.linspace(-0.5, 0.5, 6, dtype=np.float32).reshape(6, 1))
    hidden = tf.layers.Dense(8, activation=tf.nn.tanh, name="hidden")
    out = tf.layers.Dense(1)
    assert isinstance(out(hidden(x)), EagerTensor)
    names = [v.name for v in hidden.trainable_variables + out.trainable_variables]
    assert names == ["hidden/kernel:0", "hidden/bias:0", "dense/kernel:0", "dense/bias:0"]
    with tf.variable_scope("block"):
        assert tf.get_variable("w", [2]).name == "block/w:0"
    pooled = tf.layers.max_pooling2d(tf.layers.conv2d(tf.ones((1, 5, 5, 1)), 2, 3), 2, 1)
    assert pooled.shape == (1, 2, 2, 2) and isinstance(pooled, EagerTensor)
    optimizer = tf.train.GradientDescentOptimizer(0.2)
    variables = hidden.trainable_variables + out.trainable_variables
    losses = []
    for _ in range(50):
        with ndflow.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(out(hidden(x)) - y))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        losses.append(float(loss))
    assert losses[-1] < 0.2 * losses[0], losses
