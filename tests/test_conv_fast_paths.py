"""The shape-specific fast paths of the pooling, depthwise and batch-normalization kernels
against slow references: max-pool gradients of tiling windows (no zero fill) with many
ties, separable (rows, then columns) max and average pooling, depthwise convolutions done
a block of output rows at a time, and MulAdd (`x * a + b` in one buffer, in cache-sized
chunks) under tf.nn.batch_normalization and the Keras layer."""
import numpy as np
import pytest

import ndflow as tf
from ndflow import keras
from ndflow.ops import depthwise_conv_ops, normalization_ops, pooling_ops

from test_conv_ops import ref_max_pool_grad, ref_pool


def _max_pool_and_grad(x, dy_seed, ksize, strides, padding):
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = tf.nn.max_pool2d(xt, list(ksize), list(strides), padding)
    dy = np.random.default_rng(dy_seed).standard_normal(y.shape).astype(x.dtype)
    return y.numpy(), dy, tape.gradient(y, xt, output_gradients=tf.constant(dy)).numpy()


@pytest.mark.parametrize("shape, ksize, padding", [
    ((2, 6, 8, 3), (2, 2), "VALID"),    # windows tile the input exactly
    ((2, 7, 9, 3), (2, 2), "VALID"),    # a last row and column no window reads
    ((2, 7, 9, 3), (2, 2), "SAME"),     # padded to tile
    ((1, 6, 6, 2), (3, 3), "SAME"),
    ((2, 4, 6, 3), (1, 3), "VALID"),
])
def test_tiling_max_pool_gradient_goes_to_the_first_maximum(shape, ksize, padding):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 3, shape).astype(np.float32)  # most windows hold ties
    x[0, 0, :, 0] = -np.inf
    y, dy, dx = _max_pool_and_grad(x, 1, ksize, ksize, padding)
    np.testing.assert_array_equal(y, ref_pool(x, ksize, ksize, padding, "max"))
    np.testing.assert_allclose(dx, ref_max_pool_grad(x, dy, ksize, ksize, padding), rtol=1e-6)
    assert dx.dtype == np.float32
    # one position per window receives the window's gradient, whatever the ties
    assert np.count_nonzero(dx) == np.count_nonzero(dy)


def test_tiling_max_pool_gradient_writes_every_element():
    # the no-zero-fill path must still write the zeros of the non-maxima
    x = np.arange(2 * 4 * 4 * 2, dtype=np.float32).reshape(2, 4, 4, 2)
    pooling_ops._max_pool_grad_nhwc(np, x, x[:, ::2, ::2] + 1e6,
                                    np.full((2, 2, 2, 2), 7.0, np.float32),
                                    (2, 2), (2, 2), "VALID")  # leaves garbage in freed memory
    _, dy, dx = _max_pool_and_grad(x, 2, (2, 2), (2, 2), "VALID")
    expected = np.zeros_like(x)
    expected[:, 1::2, 1::2] = dy
    np.testing.assert_array_equal(dx, expected)


@pytest.mark.parametrize("ksize, strides, padding", [
    ((3, 3), (2, 2), "SAME"), ((2, 3), (1, 2), "VALID"), ((1, 1), (1, 1), "VALID"),
    ((3, 1), (2, 1), "SAME"), ((1, 2), (1, 1), "SAME"), ((2, 2), (3, 3), "VALID")])
def test_separable_pools_match_the_window_reference(ksize, strides, padding):
    x = np.random.default_rng(3).standard_normal((2, 7, 8, 3))
    for kind, fn in (("max", tf.nn.max_pool2d), ("avg", tf.nn.avg_pool2d)):
        y = fn(tf.constant(x), list(ksize), list(strides), padding).numpy()
        np.testing.assert_allclose(y, ref_pool(x, ksize, strides, padding, kind), atol=1e-12)
    # a 1x1 window returns a new array, never a view of the input
    out = pooling_ops._max_pool_nhwc(np, x, (1, 1), (1, 1), "VALID")
    assert not np.shares_memory(out, x)
    ints = np.arange(2 * 5 * 5, dtype=np.int32).reshape(2, 5, 5, 1)
    np.testing.assert_array_equal(tf.nn.max_pool2d(ints, 3, 2, "SAME").numpy(),
                                  ref_pool(ints, (3, 3), (2, 2), "SAME", "max"))


def _depthwise_reference(x, w, strides, pads):
    """(y, and a function giving dx, dw for dy) from the definition, float64."""
    (top, bottom), (left, right) = pads
    xp = np.pad(x, [(0, 0), (top, bottom), (left, right), (0, 0)])
    kh, kw, c, m = w.shape
    oh = (xp.shape[1] - kh) // strides[0] + 1
    ow = (xp.shape[2] - kw) // strides[1] + 1
    views = {(i, j): xp[:, i:i + (oh - 1) * strides[0] + 1:strides[0],
                        j:j + (ow - 1) * strides[1] + 1:strides[1]]
             for i in range(kh) for j in range(kw)}
    y = sum(v[..., None] * w[i, j] for (i, j), v in views.items())
    return y.reshape(x.shape[0], oh, ow, c * m)


@pytest.mark.parametrize("block_bytes", [depthwise_conv_ops.BLOCK_BYTES, 300, 1],
                         ids=["images", "bands", "rows"])
@pytest.mark.parametrize("m, strides", [(1, (1, 1)), (1, (2, 2)), (2, (2, 1))])
def test_depthwise_blocks_match_the_definition(block_bytes, m, strides, monkeypatch):
    monkeypatch.setattr(depthwise_conv_ops, "BLOCK_BYTES", block_bytes)
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 9, 7, 4)).astype(np.float32)
    w = rng.standard_normal((3, 3, 4, m)).astype(np.float32)
    xt, wt = tf.constant(x), tf.constant(w)
    with tf.GradientTape() as tape:
        tape.watch([xt, wt])
        y = tf.nn.depthwise_conv2d(xt, wt, [1, *strides, 1], [[0, 0], [1, 1], [1, 1], [0, 0]])
        loss = tf.reduce_sum(y * y)
    dx, dw = tape.gradient(loss, [xt, wt])
    pads = ((1, 1), (1, 1))
    ref = _depthwise_reference(x.astype(np.float64), w.astype(np.float64), strides, pads)
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-5, atol=1e-5)
    # the gradient of sum(y^2) along a random direction of x and w, by central differences
    for value, grad, which in ((x, dx, 0), (w, dw, 1)):
        v = rng.standard_normal(value.shape)
        args = [x.astype(np.float64), w.astype(np.float64)]

        def loss_at(eps):
            moved = list(args)
            moved[which] = args[which] + eps * v
            return np.sum(_depthwise_reference(*moved, strides, pads) ** 2)
        numeric = (loss_at(1e-4) - loss_at(-1e-4)) / 2e-4
        np.testing.assert_allclose(np.sum(grad.numpy() * v), numeric, rtol=1e-4)


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (4, 300, 300, 3)], ids=["small", "chunked"])
def test_batch_normalization_is_one_scale_and_shift(shape):
    rng = np.random.default_rng(5)
    x = rng.standard_normal(shape).astype(np.float32)
    depth = shape[-1]
    mean, offset, scale = (rng.standard_normal(depth).astype(np.float32) for _ in range(3))
    variance = rng.uniform(0.5, 2, depth).astype(np.float32)
    y = tf.nn.batch_normalization(x, mean, variance, offset, scale, 1e-3).numpy()
    inv = (1 / np.sqrt(variance + np.float32(1e-3))) * scale
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, x * inv + (offset - mean * inv), rtol=1e-6, atol=1e-6)
    # MulAdd's kernel, chunked or not, is exactly the two ufuncs
    out = normalization_ops.MUL_ADD.kernel(np, x, inv, offset - mean * inv)
    np.testing.assert_array_equal(out, x * inv + (offset - mean * inv))


def test_mul_add_broadcasting_beyond_x_and_its_gradient():
    x = tf.constant(np.arange(3.0).reshape(3, 1))
    a = tf.constant(np.array([2.0]))
    b = tf.constant(np.ones((2, 3, 4)))
    with tf.GradientTape() as tape:
        tape.watch([x, a, b])
        y = normalization_ops.MUL_ADD(x, a, b)
    assert y.shape == (2, 3, 4)
    np.testing.assert_array_equal(y.numpy(), np.broadcast_to(np.arange(3.0).reshape(3, 1) * 2 + 1,
                                                             (2, 3, 4)))
    dx, da, db = tape.gradient(y, [x, a, b])
    np.testing.assert_array_equal(dx.numpy(), np.full((3, 1), 16.0))
    np.testing.assert_array_equal(da.numpy(), [8.0 * 3])
    np.testing.assert_array_equal(db.numpy(), np.ones((2, 3, 4)))


def test_keras_batch_normalization_uses_the_keras_formula():
    rng = np.random.default_rng(6)
    layer = keras.layers.BatchNormalization(epsilon=1e-3)
    x = rng.standard_normal((4, 3, 3, 6)).astype(np.float32)
    layer(x, training=False)  # builds it (a direct build() call does not mark it built)
    gamma, beta, mean, var = (rng.uniform(0.5, 1.5, 6).astype(np.float32) for _ in range(4))
    layer.set_weights([gamma, beta, mean, var])
    inv = (1 / np.sqrt(var + np.float32(1e-3))) * gamma
    np.testing.assert_allclose(layer(x, training=False).numpy(), x * inv + (beta - mean * inv),
                               rtol=1e-6, atol=1e-6)
    y = layer(x, training=True).numpy()  # batch statistics
    np.testing.assert_allclose(y.mean(axis=(0, 1, 2)), beta, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=(0, 1, 2)), gamma * np.sqrt(
        x.var(axis=(0, 1, 2)) / (x.var(axis=(0, 1, 2)) + 1e-3)), rtol=1e-4)


@pytest.mark.parametrize("shape", [(4, 5, 6, 3), (2, 70, 80, 16)], ids=["small", "chunked"])
def test_fused_training_batch_norm_values_and_gradients(shape):
    rng = np.random.default_rng(7)
    x = rng.standard_normal(shape).astype(np.float32) * 2 + 1
    scale = rng.uniform(0.5, 1.5, shape[-1]).astype(np.float32)
    offset = rng.standard_normal(shape[-1]).astype(np.float32)
    dy = rng.standard_normal(shape).astype(np.float32)
    xt, st, ot = tf.constant(x), tf.constant(scale), tf.constant(offset)
    with tf.GradientTape() as tape:
        tape.watch([xt, st, ot])
        y, mean, variance = normalization_ops.batch_norm_training(xt, st, ot, 1e-3)
        loss = tf.reduce_sum(y * dy) + tf.reduce_sum(mean * 3.0) + tf.reduce_sum(variance)
    dx, dscale, doffset = tape.gradient(loss, [xt, st, ot])
    assert all(t.dtype == tf.float32 for t in (y, mean, variance, dx, dscale, doffset))
    x64, dy64 = x.astype(np.float64), dy.astype(np.float64)
    axes = tuple(range(len(shape) - 1))
    m, v = x64.mean(axes), x64.var(axes)
    xhat = (x64 - m) / np.sqrt(v + 1e-3)
    np.testing.assert_allclose(mean.numpy(), m, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(variance.numpy(), v, rtol=1e-5)
    np.testing.assert_allclose(y.numpy(), xhat * scale + offset, rtol=1e-4, atol=1e-5)
    # the textbook backward pass, plus the mean's and variance's own gradients
    n = x.size // shape[-1]
    g = dy64 * scale
    ref_dx = (g - g.mean(axes) - xhat * (g * xhat).mean(axes)) / np.sqrt(v + 1e-3) + \
        3.0 / n + 2 * (x64 - m) / n
    np.testing.assert_allclose(dx.numpy(), ref_dx, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(dscale.numpy(), (dy64 * xhat).sum(axes), rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(doffset.numpy(), dy64.sum(axes), rtol=1e-4, atol=1e-3)


def test_fused_training_batch_norm_second_order_in_graphs_and_eagerly():
    import ndflow.compat.v1 as tf1
    x = np.random.default_rng(8).random((4, 3))

    def bn(t, s):
        return normalization_ops.batch_norm_training(t, s, s * 0.0, 1e-3)[0]
    results = []
    for shape in (None, [None, 3]):  # unknown rank: the composed gradient works on 2-D views
        with tf1.Graph().as_default():
            xp, sp = tf1.placeholder(tf1.float64, shape), tf1.placeholder(tf1.float64, [3])
            gx = tf1.gradients(bn(xp, sp) ** 3, [xp])[0]
            ggx = tf1.gradients(gx * gx, [xp])[0]
            with tf1.Session() as sess:
                results.append(sess.run(ggx, {xp: x, sp: np.ones(3)}))
    xt, st = tf.constant(x), tf.constant(np.ones(3))
    with tf.GradientTape() as outer:
        outer.watch(xt)
        with tf.GradientTape() as inner:
            inner.watch(xt)
            m, v = tf.nn.moments(xt, [0])  # the composed batch norm as the reference
            cube = tf.nn.batch_normalization(xt, m, v, 0.0, st, 1e-3) ** 3
        gx = inner.gradient(cube, xt)
        total = gx * gx
    reference = outer.gradient(total, xt).numpy()
    for r in results:
        np.testing.assert_allclose(r, reference, rtol=1e-8)


def test_fused_training_batch_norm_checks_its_parameters():
    with pytest.raises(tf.errors.InvalidArgumentError, match="scale must have shape"):
        normalization_ops.batch_norm_training(np.ones((2, 3), np.float32),
                                              np.ones(2, np.float32), np.ones(3, np.float32),
                                              1e-3)


def test_keras_batch_normalization_training_uses_the_fused_op_and_updates_averages():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((8, 4, 4, 5)).astype(np.float32) * 3 + 2
    layer = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-3)
    y = layer(x, training=True).numpy()
    m, v = x.mean((0, 1, 2)), x.var((0, 1, 2))
    np.testing.assert_allclose(y, (x - m) / np.sqrt(v + 1e-3), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.1 * m, rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.9 + 0.1 * v, rtol=1e-5)
    # a non-last axis keeps the composed form
    chan_first = keras.layers.BatchNormalization(axis=1, epsilon=1e-3)
    y1 = chan_first(x, training=True).numpy()
    np.testing.assert_allclose(y1.mean(axis=(0, 2, 3)), np.zeros(4), atol=1e-5)


def test_empty_batches_go_through_the_chunked_kernels():
    x = tf.constant(np.zeros((0, 5, 5, 3), np.float32))
    w = tf.constant(np.ones((3, 3, 3, 4), np.float32))
    with tf.GradientTape() as tape:
        tape.watch([x, w])
        y = tf.nn.max_pool2d(tf.nn.conv2d(x, w, 1, "SAME"), 2, 2, "SAME")
    dx, dw = tape.gradient(y, [x, w])
    assert y.shape == (0, 3, 3, 4) and dx.shape == (0, 5, 5, 3)
    np.testing.assert_array_equal(dw.numpy(), np.zeros((3, 3, 3, 4), np.float32))
