"""The compiled CNN kernels (ndflow/ops/conv_kernels_jit.py) against the NumPy ones, and
FusedConv2D / BiasReluGrad against the unfused ops, with the jit on and off.

Every test runs twice: `jit` is the compiled path (skipped without Numba) and `numpy` the
fallback. The kernels that do the same float operations must agree exactly; the bias
gradient (float64 sums in the compiled kernel, a float32 GEMV in NumPy) to a tolerance.
"""
import functools

import numpy as np
import pytest

import ndflow as tf
from ndflow.ops import conv_kernels_jit as K
from ndflow.ops import fused_conv_ops as F
from ndflow.ops import nn_ops, pooling_ops as P
from ndflow.util import jit


def _data(shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _numpy(fn, *args):
    with jit.use_jit(False):
        return fn(*args)


POOLS = [((2, 2), (2, 2), "VALID", (3, 8, 8, 5)), ((2, 2), (2, 2), "SAME", (2, 7, 9, 3)),
         ((3, 3), (3, 3), "SAME", (2, 8, 7, 4)), ((3, 3), (2, 2), "SAME", (2, 9, 9, 3)),
         ((2, 3), (1, 2), "VALID", (1, 6, 7, 2)), ((2, 2), (2, 2), "VALID", (0, 4, 4, 2)),
         ((2, 2), (2, 2), "VALID", (2, 7, 7, 3))]


@pytest.mark.parametrize("ksize,strides,padding,shape", POOLS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_max_pool_and_grad_match_numpy(jit_mode, ksize, strides, padding, shape, dtype):
    x = np.maximum(_data(shape, 1, dtype), 0)  # ties at 0: the first maximum takes it
    y = P._max_pool_nhwc(np, x, ksize, strides, padding)
    np.testing.assert_array_equal(y, _numpy(P._max_pool_nhwc, np, x, ksize, strides, padding))
    assert y.dtype == dtype
    dy = _data(y.shape, 2, dtype)
    dx = P._max_pool_grad_nhwc(np, x, y, dy, ksize, strides, padding)
    expected = _numpy(P._max_pool_grad_nhwc, np, x, y, dy, ksize, strides, padding)
    np.testing.assert_array_equal(dx, expected)


def test_max_pool_propagates_nan(jit_mode):
    x = _data((1, 4, 4, 2))
    x[0, 1, 1, 0] = np.nan
    y = P._max_pool_nhwc(np, x, (2, 2), (2, 2), "VALID")
    assert np.isnan(y[0, 0, 0, 0]) and not np.isnan(y[0, 0, 0, 1])
    dx = P._max_pool_grad_nhwc(np, x, y, np.ones_like(y), (2, 2), (2, 2), "VALID")
    np.testing.assert_array_equal(
        dx, _numpy(P._max_pool_grad_nhwc, np, x, y, np.ones_like(y), (2, 2), (2, 2), "VALID"))


@pytest.mark.parametrize("shape", [(3, 5), (2, 40, 40, 8)])  # below / above the jit size
def test_relu_grad_matches_numpy(jit_mode, shape):
    g, y = _data(shape, 3), np.maximum(_data(shape, 4), 0)
    g.flat[:3] = [np.inf, -np.inf, np.nan]
    y.flat[:3] = 0
    with np.errstate(invalid="ignore"):  # inf * 0
        np.testing.assert_array_equal(nn_ops.RELU_GRAD.kernel(np, g, y), g * (y > 0))


@pytest.mark.parametrize("relu", [True, False])
def test_bias_act_epilogue_matches_numpy(relu):
    if not jit.available():
        pytest.skip("numba is not installed (the 'jit' extra)")
    z, b = _data((700, 24), 5), _data(24, 6)
    z[0, 0] = np.nan
    expected = z + b
    if relu:
        expected = np.maximum(expected, 0)
    with jit.use_jit(True):
        K.bias_act_inplace(z, b, relu)
    np.testing.assert_array_equal(z, expected)


@pytest.mark.parametrize("shape", [(4, 6, 6, 8), (64, 28, 28, 32)])
def test_bias_relu_grad(jit_mode, shape):
    dy, y = _data(shape, 7), np.maximum(_data(shape, 8), 0)
    dz, db = F.BIAS_RELU_GRAD.kernel(np, dy, y)
    np.testing.assert_array_equal(dz, dy * (y > 0))
    exact = (dy.astype(np.float64) * (y > 0)).reshape(-1, shape[-1]).sum(axis=0)
    assert db.dtype == np.float32
    scale = np.abs(dz).reshape(-1, shape[-1]).sum(axis=0).max()  # float32 sums' error scale
    np.testing.assert_allclose(db, exact, rtol=1e-5, atol=1e-6 * scale)


CONVS = [((1, 1), "SAME", (1, 1), (2, 9, 9, 3), (3, 3, 3, 8)),
         ((2, 1), "VALID", (1, 2), (2, 8, 9, 16), (2, 3, 16, 5)),
         ((1, 1), "VALID", (1, 1), (3, 5, 5, 4), (1, 1, 4, 6)),
         ((1, 1), "SAME", (1, 1), (40, 14, 14, 32), (3, 3, 32, 64)),
         ((1, 1), "SAME", (1, 1), (9, 28, 28, 1), (3, 3, 1, 32)),  # the direct 3x3 kernel
         ((1, 1), "VALID", (1, 1), (2, 6, 7, 1), (3, 3, 1, 5))]


@pytest.mark.parametrize("strides,padding,dilations,xs,ws", CONVS)
@pytest.mark.parametrize("activation", ["Relu", ""])
def test_fused_conv2d_matches_the_unfused_ops(jit_mode, strides, padding, dilations, xs, ws,
                                              activation):
    x, w, b = _data(xs, 9), _data(ws, 10) * 0.3, _data(ws[3], 11)
    xt, wt, bt = tf.constant(x), tf.constant(w), tf.constant(b)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([xt, wt, bt])
        fused = F.fused_conv2d(xt, wt, bt, strides, padding, dilations, activation)
        plain = tf.nn.conv2d(xt, wt, strides, padding, dilations=dilations) + bt
        if activation:
            plain = tf.nn.relu(plain)
    check = np.testing.assert_array_equal
    if jit_mode and ws[:3] == (3, 3, 1):  # taps summed in order, not by BLAS: rounding differs
        check = functools.partial(np.testing.assert_allclose, rtol=1e-5, atol=1e-5)
    check(fused.numpy(), plain.numpy())
    dy = tf.constant(_data(fused.shape.as_list(), 12))
    got = tape.gradient(fused, [xt, wt, bt], output_gradients=dy)
    want = tape.gradient(plain, [xt, wt, bt], output_gradients=dy)
    check(got[0].numpy(), want[0].numpy())
    check(got[1].numpy(), want[1].numpy())
    np.testing.assert_allclose(got[2].numpy(), want[2].numpy(), rtol=1e-5, atol=1e-4)


def test_fused_conv2d_inside_a_function(jit_mode):
    x, w, b = _data((2, 6, 6, 3), 13), _data((3, 3, 3, 4), 14), _data(4, 15)

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = F.fused_conv2d(x, w, b, (1, 1), "SAME", activation="Relu")
            loss = tf.reduce_sum(y * y)
        return y, tape.gradient(loss, x)

    y, gx = step(tf.constant(x))
    yt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(yt)
        ref = tf.nn.relu(tf.nn.conv2d(yt, w, 1, "SAME") + b)
        loss = tf.reduce_sum(ref * ref)
    np.testing.assert_array_equal(y.numpy(), ref.numpy())
    np.testing.assert_allclose(gx.numpy(), tape.gradient(loss, yt).numpy(), rtol=1e-5,
                               atol=1e-5)


def test_fused_conv2d_rejects_a_bad_bias_or_activation():
    x, w = np.zeros((1, 4, 4, 2), np.float32), np.zeros((3, 3, 2, 3), np.float32)
    with pytest.raises((ValueError, tf.errors.InvalidArgumentError)):
        F.fused_conv2d(x, w, np.zeros(4, np.float32), (1, 1), "SAME")
    with pytest.raises(ValueError, match="activation"):
        F.fused_conv2d(x, w, np.zeros(3, np.float32), (1, 1), "SAME", activation="Tanh")


def test_keras_conv2d_emits_one_fused_op_when_it_can(jit_mode):
    from ndflow import keras
    x = _data((2, 8, 8, 3), 16)
    for activation, fused in (("relu", True), (None, True), ("tanh", False)):
        layer = keras.layers.Conv2D(4, 3, padding="same", activation=activation)
        layer.build((None, 8, 8, 3))
        layer.bias.assign(_data(4, 17))

        @tf.function
        def run(x):
            return layer(x)
        out = run(tf.constant(x))
        ops = {op.op_def.name for op in run.get_concrete_function(
            tf.TensorSpec([2, 8, 8, 3], tf.float32)).graph.get_operations()}
        assert ("FusedConv2D" in ops) == fused, (activation, ops)
        ref = tf.nn.conv2d(x, layer.kernel, 1, "SAME") + layer.bias
        ref = {"relu": tf.nn.relu, None: lambda t: t, "tanh": tf.tanh}[activation](ref)
        np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("padding,dilations", [("SAME", (1, 1)), ("VALID", (1, 1)),
                                               ("SAME", (2, 1)), (((2, 0), (1, 3)), (1, 1))])
def test_conv_input_grad_of_both_paths(jit_mode, padding, dilations):
    from ndflow.ops import conv_ops as C
    w = _data((3, 3, 8, 6), 18)
    oh, ow, _ = C._geometry("t", 9, 7, (3, 3), (1, 1), dilations, padding)
    dy = _data((20, oh, ow, 6), 19)
    dx = C._conv_input_grad(np, dy, w, (9, 7), (1, 1), padding, dilations, "t")
    exact = C._conv_input_grad(np, dy.astype(np.float64), w.astype(np.float64), (9, 7),
                               (1, 1), padding, dilations, "t")
    assert dx.dtype == np.float32 and dx.shape == (20, 9, 7, 8)
    np.testing.assert_allclose(dx, exact, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("threads", ["1", "2", "3"])
def test_numpy_kernels_split_over_threads_give_the_same_numbers(monkeypatch, threads):
    monkeypatch.setenv("NDFLOW_NUM_THREADS", threads)
    g, y = _data((8, 64, 64, 4), 20), np.maximum(_data((8, 64, 64, 4), 21), 0)
    x = np.maximum(_data((16, 28, 28, 32), 22), 0)
    with jit.use_jit(False):
        np.testing.assert_array_equal(nn_ops.RELU_GRAD.kernel(np, g, y), g * (y > 0))
        p = P._max_pool_nhwc(np, x, (2, 2), (2, 2), "VALID")
        dp = _data(p.shape, 23)
        got = P._max_pool_grad_nhwc(np, x, p, dp, (2, 2), (2, 2), "VALID")
    monkeypatch.setenv("NDFLOW_NUM_THREADS", "1")
    with jit.use_jit(False):
        np.testing.assert_array_equal(
            got, P._max_pool_grad_nhwc(np, x, p, dp, (2, 2), (2, 2), "VALID"))


@pytest.mark.parametrize("padding,shape", [("VALID", (4, 8, 8, 16)), ("SAME", (3, 7, 9, 5)),
                                           ("VALID", (2, 7, 7, 3)), ("VALID", (0, 4, 4, 2))])
def test_max_pool_bias_relu_grad_is_the_two_ops(jit_mode, padding, shape):
    y = np.maximum(_data(shape, 24), 0)
    pooled = P._max_pool_nhwc(np, y, (2, 2), (2, 2), padding)
    dp = _data(pooled.shape, 25)
    dz, db = F.MAX_POOL_BIAS_RELU_GRAD.kernel(np, y, pooled, dp, (2, 2), (2, 2), padding)
    with jit.use_jit(False):
        d = P._max_pool_grad_nhwc(np, y, pooled, dp, (2, 2), (2, 2), padding)
        want_dz, want_db = F.BIAS_RELU_GRAD.kernel(np, d, y)
    np.testing.assert_array_equal(dz, want_dz)
    np.testing.assert_allclose(db, want_db, rtol=1e-5, atol=1e-5)


def test_keras_relu_conv_then_max_pool_trains_without_max_pool_grad(jit_mode):
    from ndflow import keras
    from ndflow.framework import plan as plan_module
    model = keras.Sequential([keras.layers.Input(shape=(8, 8, 1)),
                              keras.layers.Conv2D(4, 3, padding="same", activation="relu"),
                              keras.layers.MaxPooling2D(2), keras.layers.Flatten(),
                              keras.layers.Dense(3)])
    model.compile(optimizer="sgd",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    plans = []
    original = plan_module.Plan._generate

    def spy(self, *args):
        plans.append(self)
        return original(self, *args)
    x, y = _data((16, 8, 8, 1), 26), np.arange(16) % 3
    plan_module.Plan._generate = spy
    try:
        model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    finally:
        plan_module.Plan._generate = original
    names = {op.op_def.name for p in plans for op in p.ops}
    assert {"FusedConv2D", "MaxPoolBiasReluGrad"} <= names and "MaxPoolGrad" not in names


def test_keras_inference_pools_inside_the_convolution(jit_mode, monkeypatch):
    from ndflow import keras
    monkeypatch.setattr(F, "BLOCK_BYTES", 1 << 12)  # several blocks
    model = keras.Sequential([keras.layers.Input(shape=(9, 9, 1)),
                              keras.layers.Conv2D(4, 3, padding="same", activation="relu"),
                              keras.layers.MaxPooling2D(2),
                              keras.layers.Conv2D(6, 3, padding="same", activation="relu"),
                              keras.layers.MaxPooling2D(2, padding="same"),
                              keras.layers.Flatten(), keras.layers.Dense(3)])
    x = _data((20, 9, 9, 1), 27)

    @tf.function
    def infer(x):
        return model(x, training=False)
    out = infer(tf.constant(x))
    ops = [op.op_def.name for op in infer.get_concrete_function(
        tf.TensorSpec([20, 9, 9, 1], tf.float32)).graph.get_operations()]
    assert ops.count("FusedConv2DMaxPool") == 2 and "MaxPool" not in ops
    ref = model(x, training=True)  # eager: the unfused ops
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-5, atol=1e-6)
    xt = tf.constant(x)

    @tf.function
    def grads(x):  # the inference graph is differentiable (the convolution recomputed)
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(model(x, training=False) ** 2)
        return tape.gradient(loss, [x] + model.trainable_variables)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = tf.reduce_sum(model(xt, training=True) ** 2)
    want = tape.gradient(loss, [xt] + model.trainable_variables)
    for g, r in zip(grads(xt), want):
        np.testing.assert_allclose(g.numpy(), r.numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("strides,padding,dilations,xs,ws", CONVS + [
    ((2, 2), "SAME", (1, 1), (3, 9, 8, 8), (3, 3, 8, 4)),
    ((1, 2), ((1, 2), (0, 1)), (2, 1), (2, 9, 9, 12), (2, 3, 12, 5))])
def test_conv_forward_and_filter_grad_equal_on_both_paths(strides, padding, dilations, xs,
                                                          ws, monkeypatch):
    """The compiled patches (padding written as zeros) are the NumPy ones: same GEMMs."""
    if not jit.available():
        pytest.skip("numba is not installed (the 'jit' extra)")
    from ndflow.ops import conv_ops as C
    # im2col on both paths: the jit path's Winograd (W5's conv2 here) rounds differently
    # and is checked against a float64 reference in tests/test_winograd.py
    monkeypatch.setattr(C, "WINOGRAD_MIN_CHANNELS", 1 << 30)
    x, w = _data(xs, 28), _data(ws, 29)
    outs = []
    for on in (True, False):
        with jit.use_jit(on):
            y = C._conv_forward(np, x, w, strides, padding, dilations)
            dw = C._conv_filter_grad(np, x, _data(y.shape, 30), ws[:2], strides, padding,
                                     dilations, "t")
            outs.append((y, dw))
    np.testing.assert_array_equal(outs[0][0], outs[1][0])
    np.testing.assert_array_equal(outs[0][1], outs[1][1])


# (input shape, output channels, conv padding, pool padding, whether the pool runs inside
# the convolution's loop): W5's first layer (one channel) and Winograd layers (>= 16
# channels, >= 1,024 output positions), odd sizes whose last row/column VALID pooling
# drops, and the cases that keep pooling the stored output (SAME over an odd size: a
# window past the edge; 3 channels: im2col)
CONV_POOLS = [((3, 9, 9, 1), 8, "SAME", "VALID", True), ((2, 8, 6, 1), 5, "SAME", "SAME", True),
              ((2, 10, 10, 1), 4, "VALID", "VALID", True),
              ((6, 14, 14, 32), 64, "SAME", "VALID", True),  # W6's conv2: two blocks
              ((17, 9, 7, 16), 24, "SAME", "VALID", True),
              ((22, 10, 8, 16), 16, "VALID", "SAME", True),
              ((2, 9, 9, 1), 4, "SAME", "SAME", False),
              ((21, 7, 7, 16), 16, "SAME", "SAME", False),
              ((2, 8, 8, 3), 4, "SAME", "VALID", False)]


@pytest.mark.parametrize("shape,out_channels,padding,pool_padding,in_loop", CONV_POOLS)
@pytest.mark.parametrize("activation", ["Relu", ""])
def test_pooling_inside_the_convolution_gives_the_pooled_output(
        jit_mode, monkeypatch, shape, out_channels, padding, pool_padding, in_loop, activation):
    """FusedConv2DMaxPool's one-loop kernels (conv1's direct loop, Winograd's output
    transform) give exactly the max pool of FusedConv2D's output, NaN included."""
    x = _data(shape, 40)
    x.flat[::97] = np.nan
    w, b = _data((3, 3, shape[3], out_channels), 41) * 0.3, _data((out_channels,), 42)
    conv = dict(strides=(1, 1), padding=padding, dilations=(1, 1), activation=activation)
    got = F.FUSED_CONV2D_MAX_POOL.kernel(np, x, w, b, ksize=(2, 2), pool_strides=(2, 2),
                                         pool_padding=pool_padding, **conv)
    y = F.FUSED_CONV2D.kernel(np, x, w, b, **conv)
    np.testing.assert_array_equal(got, P._max_pool_nhwc(np, y, (2, 2), (2, 2), pool_padding))
    assert np.isnan(got).any() and got.dtype == np.float32
    spied = []
    original = F._pool_in_kernel

    def spy(*args):
        spied.append(original(*args))
        return spied[-1]
    monkeypatch.setattr(F, "_pool_in_kernel", spy)
    F.FUSED_CONV2D_MAX_POOL.kernel(np, x, w, b, ksize=(2, 2), pool_strides=(2, 2),
                                   pool_padding=pool_padding, **conv)
    assert (spied[0] is not None) == (in_loop and jit_mode)


def test_pooling_inside_the_convolution_only_for_two_by_two_windows(jit_mode):
    x, w, b = _data((2, 9, 9, 1), 43), _data((3, 3, 1, 4), 44), _data((4,), 45)
    conv = dict(strides=(1, 1), padding="SAME", dilations=(1, 1), activation="Relu")
    for ksize, strides in (((3, 3), (2, 2)), ((2, 2), (1, 1)), ((3, 3), (3, 3))):
        got = F.FUSED_CONV2D_MAX_POOL.kernel(np, x, w, b, ksize=ksize, pool_strides=strides,
                                             pool_padding="VALID", **conv)
        y = F.FUSED_CONV2D.kernel(np, x, w, b, **conv)
        np.testing.assert_array_equal(got, P._max_pool_nhwc(np, y, ksize, strides, "VALID"))
