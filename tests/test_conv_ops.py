"""conv2d / conv2d_transpose / conv1d, pooling, bias_add and dropout.

Values are checked against slow references written here with direct loops over tiny
inputs, and against PyTorch where it is installed.
"""
import math

import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as tf1
from ndflow.framework.errors import InvalidArgumentError

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
rng = np.random.default_rng(0)


# --- slow references (NHWC, float64, loops) ---------------------------------------------------

def ref_geometry(size, k, stride, dilation, padding):
    """(out, pad_before) by TensorFlow's documented rules."""
    k_eff = (k - 1) * dilation + 1
    if padding == "VALID":
        return (size - k_eff) // stride + 1, 0
    if padding == "SAME":
        out = math.ceil(size / stride)
        total = max((out - 1) * stride + k_eff - size, 0)
        return out, total // 2
    before, after = padding
    return (size + before + after - k_eff) // stride + 1, before


def ref_windows(x_shape, k, strides, dilations, paddings):
    """Yields (oh, ow, [(i, j, row, col) of the window's real input positions])."""
    _, h, w, _ = x_shape
    oh, top = ref_geometry(h, k[0], strides[0], dilations[0], paddings[0])
    ow, left = ref_geometry(w, k[1], strides[1], dilations[1], paddings[1])
    for a in range(oh):
        for b in range(ow):
            taps = []
            for i in range(k[0]):
                for j in range(k[1]):
                    r = a * strides[0] + i * dilations[0] - top
                    c = b * strides[1] + j * dilations[1] - left
                    if 0 <= r < h and 0 <= c < w:
                        taps.append((i, j, r, c))
            yield a, b, taps, (oh, ow)


def ref_conv2d(x, w, strides, dilations, paddings):
    out = None
    for a, b, taps, (oh, ow) in ref_windows(x.shape, w.shape[:2], strides, dilations, paddings):
        if out is None:
            out = np.zeros((x.shape[0], oh, ow, w.shape[3]))
        for i, j, r, c in taps:
            out[:, a, b, :] += x[:, r, c, :] @ w[i, j]
    return out


def ref_conv2d_grads(x, w, dy, strides, dilations, paddings):
    dx, dw = np.zeros(x.shape), np.zeros(w.shape)
    for a, b, taps, _ in ref_windows(x.shape, w.shape[:2], strides, dilations, paddings):
        for i, j, r, c in taps:
            dx[:, r, c, :] += dy[:, a, b, :] @ w[i, j].T
            dw[i, j] += x[:, r, c, :].T @ dy[:, a, b, :]
    return dx, dw


def ref_pool(x, k, strides, padding, kind):
    outs = {}
    for a, b, taps, (oh, ow) in ref_windows(x.shape, k, strides, (1, 1), (padding, padding)):
        values = np.stack([x[:, r, c, :] for _, _, r, c in taps])
        outs[a, b] = values.max(0) if kind == "max" else values.mean(0)
    out = np.zeros((x.shape[0], oh, ow, x.shape[3]))
    for (a, b), v in outs.items():
        out[:, a, b] = v
    return out


def ref_max_pool_grad(x, dy, k, strides, padding):
    dx = np.zeros(x.shape)
    for a, b, taps, _ in ref_windows(x.shape, k, strides, (1, 1), (padding, padding)):
        for n in range(x.shape[0]):
            for ch in range(x.shape[3]):
                values = [x[n, r, c, ch] for _, _, r, c in taps]
                _, _, r, c = taps[int(np.argmax(values))]  # first maximum
                dx[n, r, c, ch] += dy[n, a, b, ch]
    return dx


def nchw(a):
    return np.ascontiguousarray(a.transpose(0, 3, 1, 2))


def nhwc(a):
    return np.ascontiguousarray(np.asarray(a).transpose(0, 2, 3, 1))


def tf_padding(padding, data_format):
    """The reference's per-axis padding as conv2d's argument."""
    if isinstance(padding[0], str):
        return padding[0]
    pairs = [[0, 0], list(padding[0]), list(padding[1]), [0, 0]]
    return pairs if data_format == "NHWC" else [pairs[0], pairs[3], pairs[1], pairs[2]]


def conv_and_grads(x, w, dy, data_format, **kwargs):
    if data_format == "NCHW":
        x, dy = nchw(x), nchw(dy)
    xt, wt = tf.constant(x), tf.constant(w)
    with tf.GradientTape() as tape:
        tape.watch([xt, wt])
        y = tf.nn.conv2d(xt, wt, data_format=data_format, **kwargs)
    dx, dw = tape.gradient(y, [xt, wt], output_gradients=tf.constant(dy))
    y, dx = y.numpy(), dx.numpy()
    if data_format == "NCHW":
        y, dx = nhwc(y), nhwc(dx)
    return y, dx, dw.numpy()


# --- conv2d values and gradients against the loop reference -----------------------------------

PADDINGS = [("SAME", "SAME"), ("VALID", "VALID"), ((1, 0), (2, 1))]


@pytest.mark.parametrize("padding", PADDINGS, ids=["same", "valid", "explicit"])
@pytest.mark.parametrize("strides", [(1, 1), (2, 2), (2, 1)])
@pytest.mark.parametrize("dilations", [(1, 1), (2, 1)])
@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_conv2d_matches_loop_reference(padding, strides, dilations, data_format):
    x = rng.standard_normal((2, 7, 6, 3))
    w = rng.standard_normal((3, 2, 3, 4))
    expected = ref_conv2d(x, w, strides, dilations, padding)
    dy = rng.standard_normal(expected.shape)
    ref_dx, ref_dw = ref_conv2d_grads(x, w, dy, strides, dilations, padding)
    y, dx, dw = conv_and_grads(x, w, dy, data_format, strides=list(strides),
                               padding=tf_padding(padding, data_format),
                               dilations=list(dilations))
    np.testing.assert_allclose(y, expected, atol=1e-10)
    np.testing.assert_allclose(dx, ref_dx, atol=1e-10)
    np.testing.assert_allclose(dw, ref_dw, atol=1e-10)


@pytest.mark.parametrize("strides,dilations,padding", [((1, 1), (1, 1), PADDINGS[0]),
                                                       ((2, 1), (1, 2), PADDINGS[2])])
def test_conv2d_gradients_with_many_input_channels(strides, dilations, padding):
    # from 8 input channels on, the input gradient takes its per-offset GEMM path
    x = rng.standard_normal((2, 6, 5, 9))
    w = rng.standard_normal((3, 2, 9, 4))
    expected = ref_conv2d(x, w, strides, dilations, padding)
    dy = rng.standard_normal(expected.shape)
    ref_dx, ref_dw = ref_conv2d_grads(x, w, dy, strides, dilations, padding)
    y, dx, dw = conv_and_grads(x, w, dy, "NHWC", strides=list(strides),
                               padding=tf_padding(padding, "NHWC"), dilations=list(dilations))
    np.testing.assert_allclose(y, expected, atol=1e-10)
    np.testing.assert_allclose(dx, ref_dx, atol=1e-10)
    np.testing.assert_allclose(dw, ref_dw, atol=1e-10)


def test_conv2d_same_padding_puts_the_extra_row_at_the_bottom_right():
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    w = np.ones((2, 2, 1, 1), np.float32)
    y = tf.nn.conv2d(x, w, 1, "SAME").numpy()[0, :, :, 0]
    # the last row/column of windows hangs over the bottom/right zero padding
    assert y[0, 0] == 0 + 1 + 4 + 5
    assert y[3, 3] == 15
    assert y[3, 0] == 12 + 13


@pytest.mark.parametrize("form", [2, [2, 2], [1, 2, 2, 1]])
def test_conv2d_accepts_tensorflows_stride_forms(form):
    x = rng.standard_normal((1, 5, 5, 2)).astype(np.float32)
    w = rng.standard_normal((3, 3, 2, 2)).astype(np.float32)
    expected = ref_conv2d(x.astype(np.float64), w.astype(np.float64), (2, 2), (1, 1),
                          ("SAME", "SAME"))
    np.testing.assert_allclose(tf.nn.conv2d(x, w, form, "SAME").numpy(), expected, atol=1e-5)


def test_conv2d_keeps_float32_and_1x1_fast_path():
    x = rng.standard_normal((2, 3, 3, 4)).astype(np.float32)
    w = rng.standard_normal((1, 1, 4, 5)).astype(np.float32)
    y = tf.nn.conv2d(x, w, 1, "VALID")
    assert y.dtype == tf.float32
    np.testing.assert_allclose(y.numpy(), np.einsum("nhwc,co->nhwo", x, w[0, 0]), rtol=1e-5)


def test_conv2d_transpose_is_the_adjoint_of_conv2d():
    x = rng.standard_normal((2, 7, 6, 3))
    w = rng.standard_normal((3, 3, 3, 4))
    y = tf.nn.conv2d(x, w, 2, "SAME").numpy()
    v = rng.standard_normal(y.shape)
    xt = tf.nn.conv2d_transpose(v, w, x.shape, 2, "SAME").numpy()
    assert xt.shape == x.shape
    np.testing.assert_allclose(np.sum(y * v), np.sum(x * xt), rtol=1e-10)
    ref_dx, _ = ref_conv2d_grads(x, w, v, (2, 2), (1, 1), ("SAME", "SAME"))
    np.testing.assert_allclose(xt, ref_dx, atol=1e-10)


def test_conv2d_transpose_output_shape_must_be_consistent():
    v = np.zeros((1, 3, 3, 4), np.float32)
    w = np.zeros((3, 3, 2, 4), np.float32)
    assert tf.nn.conv2d_transpose(v, w, [1, 6, 6, 2], 2).shape == (1, 6, 6, 2)
    assert tf.nn.conv2d_transpose(v, w, [1, 5, 5, 2], 2).shape == (1, 5, 5, 2)
    with pytest.raises(InvalidArgumentError, match="Conv2DBackpropInput"):
        tf.nn.conv2d_transpose(v, w, [1, 9, 9, 2], 2)
    with pytest.raises(InvalidArgumentError, match="depth"):
        tf.nn.conv2d_transpose(v, w, [1, 6, 6, 3], 2)


@pytest.mark.parametrize("data_format", ["NWC", "NCW"])
def test_conv1d_matches_reference(data_format):
    x = rng.standard_normal((2, 9, 3))
    w = rng.standard_normal((3, 3, 2))
    expected = ref_conv2d(x[:, None], w[None], (1, 2), (1, 1), ("VALID", "SAME"))[:, 0]
    arg = x if data_format == "NWC" else x.transpose(0, 2, 1)
    y = tf.nn.conv1d(arg, w, 2, "SAME", data_format=data_format).numpy()
    if data_format == "NCW":
        y = y.transpose(0, 2, 1)
    np.testing.assert_allclose(y, expected, atol=1e-10)


def test_conv2d_second_order_gradient_is_finite_difference_exact():
    x = rng.standard_normal((1, 4, 4, 2))
    w = rng.standard_normal((3, 3, 2, 2))

    def grad_norm(x_value):
        xt, wt = tf.constant(x_value), tf.constant(w)
        with tf.GradientTape() as outer:
            outer.watch(xt)
            with tf.GradientTape() as inner:
                inner.watch(wt)
                loss = tf.reduce_sum(tf.nn.conv2d(xt, wt, 1, "SAME") ** 2)
            dw = inner.gradient(loss, wt)
            g = tf.reduce_sum(dw * dw)
        return g, outer.gradient(g, xt)

    _, analytic = grad_norm(x)
    direction = rng.standard_normal(x.shape)
    eps = 1e-6
    numeric = (grad_norm(x + eps * direction)[0].numpy()
               - grad_norm(x - eps * direction)[0].numpy()) / (2 * eps)
    np.testing.assert_allclose(np.sum(analytic.numpy() * direction), numeric, rtol=1e-6)


# --- pooling against the loop reference ------------------------------------------------------

POOL_CASES = [((2, 2), (2, 2), "VALID"), ((2, 2), (2, 2), "SAME"), ((3, 3), (2, 2), "SAME"),
              ((3, 2), (1, 2), "VALID"), ((2, 3), (3, 1), "SAME")]


@pytest.mark.parametrize("ksize,strides,padding", POOL_CASES)
@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_pools_match_loop_reference(ksize, strides, padding, data_format):
    x = rng.standard_normal((2, 5, 7, 3))
    dy_max = rng.standard_normal(ref_pool(x, ksize, strides, padding, "max").shape)
    for kind, fn in (("max", tf.nn.max_pool2d), ("avg", tf.nn.avg_pool2d)):
        arg = nchw(x) if data_format == "NCHW" else x
        xt = tf.constant(arg)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = fn(xt, list(ksize), list(strides), padding, data_format=data_format)
        dy = nchw(dy_max) if data_format == "NCHW" else dy_max
        dx = tape.gradient(y, xt, output_gradients=tf.constant(dy)).numpy()
        y = y.numpy()
        if data_format == "NCHW":
            y, dx = nhwc(y), nhwc(dx)
        np.testing.assert_allclose(y, ref_pool(x, ksize, strides, padding, kind), atol=1e-12)
        if kind == "max":
            np.testing.assert_allclose(dx, ref_max_pool_grad(x, dy_max, ksize, strides, padding))
        else:  # avg pool is linear: its gradient is its adjoint
            y2 = fn(tf.constant(arg), list(ksize), list(strides), padding,
                    data_format=data_format).numpy()
            np.testing.assert_allclose(np.sum(dx * (nhwc(arg) if data_format == "NCHW"
                                                    else arg)),
                                       np.sum(y2 * dy), rtol=1e-10)


def test_avg_pool_same_divides_by_the_number_of_real_elements():
    x = np.ones((1, 3, 3, 1), np.float32)
    y = tf.nn.avg_pool2d(x, 2, 2, "SAME").numpy()
    np.testing.assert_array_equal(y, np.ones((1, 2, 2, 1), np.float32))
    assert y.dtype == np.float32


def test_max_pool_ties_route_the_gradient_to_the_first_maximum():
    x = tf.constant(np.ones((1, 2, 2, 1), np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.max_pool2d(x, 2, 2, "VALID")
    dx = tape.gradient(y, x).numpy()[0, :, :, 0]
    np.testing.assert_array_equal(dx, [[1, 0], [0, 0]])


def test_max_pool_rank_dispatch_and_1d():
    x = rng.standard_normal((2, 8, 3)).astype(np.float32)
    y = tf.nn.max_pool(x, 2, 2, "VALID").numpy()
    np.testing.assert_array_equal(y, x.reshape(2, 4, 2, 3).max(2))
    np.testing.assert_allclose(tf.nn.avg_pool1d(x, 2, 2, "VALID").numpy(),
                               x.reshape(2, 4, 2, 3).mean(2), rtol=1e-6)
    np.testing.assert_array_equal(tf.nn.pool(x, [2], "MAX", strides=[2]).numpy(), y)
    x4 = rng.standard_normal((1, 4, 4, 2)).astype(np.float32)
    np.testing.assert_array_equal(tf.nn.max_pool(x4, 2, 2, "VALID").numpy(),
                                  x4.reshape(1, 2, 2, 2, 2, 2).max((2, 4)))
    with pytest.raises(ValueError, match="ksize"):
        tf.nn.max_pool2d(x4, [2, 2, 2], 2, "VALID")
    with pytest.raises(ValueError, match="batch and depth"):
        tf.nn.max_pool2d(x4, [2, 2, 2, 2], 2, "VALID")


def test_integer_max_pool_and_float_only_avg_pool():
    x = np.arange(16, dtype=np.int32).reshape(1, 4, 4, 1)
    y = tf.nn.max_pool2d(x, 3, 2, "SAME")
    assert y.dtype == tf.int32
    np.testing.assert_array_equal(y.numpy()[0, :, :, 0], [[10, 11], [14, 15]])
    with pytest.raises(TypeError, match="avg_pool2d"):
        tf.nn.avg_pool2d(x, 2, 2, "VALID")


# --- against PyTorch -------------------------------------------------------------------------

@needs_torch
@pytest.mark.parametrize("stride,dilation,padding", [(1, 1, "SAME"), (2, 1, "VALID"),
                                                     (1, 2, "VALID"), (2, 1, "SAME")])
def test_conv2d_matches_torch(stride, dilation, padding):
    x = rng.standard_normal((3, 9, 8, 4)).astype(np.float32)
    w = rng.standard_normal((3, 3, 4, 5)).astype(np.float32)
    xt = tf.constant(x)
    wt = tf.constant(w)
    with tf.GradientTape() as tape:
        tape.watch([xt, wt])
        y = tf.nn.conv2d(xt, wt, stride, padding, dilations=dilation)
        loss = tf.reduce_sum(y * y)
    dx, dw = tape.gradient(loss, [xt, wt])

    tx = torch.tensor(nchw(x), requires_grad=True)
    tw = torch.tensor(w.transpose(3, 2, 0, 1).copy(), requires_grad=True)
    padded = tx
    if padding == "SAME":  # TensorFlow's asymmetric SAME padding, spelled out for torch
        totals = [max((math.ceil(s / stride) - 1) * stride + 2 * dilation + 1 - s, 0)
                  for s in (9, 8)]
        padded = F.pad(tx, (totals[1] // 2, totals[1] - totals[1] // 2,
                            totals[0] // 2, totals[0] - totals[0] // 2))
    ty = F.conv2d(padded, tw, stride=stride, dilation=dilation)
    (ty * ty).sum().backward()
    np.testing.assert_allclose(y.numpy(), nhwc(ty.detach().numpy()), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(dx.numpy(), nhwc(tx.grad.numpy()), rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(dw.numpy(), tw.grad.numpy().transpose(2, 3, 1, 0),
                               rtol=1e-4, atol=1e-2)


@needs_torch
def test_conv2d_transpose_matches_torch():
    x = rng.standard_normal((2, 4, 5, 3)).astype(np.float32)
    w = rng.standard_normal((3, 3, 6, 3)).astype(np.float32)  # (h, w, out, in)
    y = tf.nn.conv2d_transpose(x, w, [2, 9, 11, 6], 2, "VALID").numpy()
    ty = F.conv_transpose2d(torch.tensor(nchw(x)), torch.tensor(w.transpose(3, 2, 0, 1).copy()),
                            stride=2)
    np.testing.assert_allclose(y, nhwc(ty.numpy()), rtol=1e-4, atol=1e-4)


@needs_torch
@pytest.mark.parametrize("k,s", [(2, 2), (3, 2), (3, 1)])
def test_pools_match_torch(k, s):
    x = rng.standard_normal((2, 9, 8, 3)).astype(np.float32)
    xt = tf.constant(x)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(xt)
        y_max = tf.nn.max_pool2d(xt, k, s, "VALID")
        y_avg = tf.nn.avg_pool2d(xt, k, s, "VALID")
        loss_max = tf.reduce_sum(y_max * y_max)
        loss_avg = tf.reduce_sum(y_avg * y_avg)
    tx = torch.tensor(nchw(x), requires_grad=True)
    for y, loss, tfn in ((y_max, loss_max, F.max_pool2d), (y_avg, loss_avg, F.avg_pool2d)):
        tx.grad = None
        ty = tfn(tx, k, s)
        (ty * ty).sum().backward()
        np.testing.assert_allclose(y.numpy(), nhwc(ty.detach().numpy()), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(tape.gradient(loss, xt).numpy(), nhwc(tx.grad.numpy()),
                                   rtol=1e-5, atol=1e-6)


# --- graph mode: static shapes with unknown batch -------------------------------------------

def test_graph_shapes_with_unknown_batch():
    x = tf1.placeholder(tf1.float32, [None, 28, 28, 1])
    w = tf1.Variable(np.zeros((5, 5, 1, 32), np.float32))
    h = tf1.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding="SAME")
    assert h.shape.as_list() == [None, 28, 28, 32]
    p = tf1.nn.max_pool(h, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    assert p.shape.as_list() == [None, 14, 14, 32]
    v = tf1.nn.conv2d(p, np.zeros((3, 3, 32, 8), np.float32), [1, 2, 2, 1], "VALID")
    assert v.shape.as_list() == [None, 6, 6, 8]
    a = tf1.nn.avg_pool(v, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
    assert a.shape.as_list() == [None, 3, 3, 8]
    b = tf1.nn.bias_add(a, np.zeros(8, np.float32))
    assert b.shape.as_list() == [None, 3, 3, 8]
    c = tf1.nn.conv2d(tf1.placeholder(tf1.float32, [None, 3, 10, 12]),
                      np.zeros((3, 3, 3, 4), np.float32), 2, "SAME", data_format="NCHW")
    assert c.shape.as_list() == [None, 4, 5, 6]
    unknown = tf1.nn.conv2d(tf1.placeholder(tf1.float32, [None, None, None, 1]), w, 1, "SAME")
    assert unknown.shape.as_list() == [None, None, None, 32]
    t = tf1.nn.conv2d_transpose(h, np.zeros((3, 3, 4, 32), np.float32),
                                [tf1.shape(h)[0], 56, 56, 4], [1, 2, 2, 1], "SAME")
    assert t.shape.as_list() == [None, 56, 56, 4]
    d = tf1.nn.dropout(h, keep_prob=tf1.placeholder(tf1.float32))
    assert d.shape.as_list() == [None, 28, 28, 32]


def test_graph_gradients_run_in_a_session_and_match_eager():
    x_value = rng.standard_normal((3, 6, 6, 2)).astype(np.float32)
    w_value = rng.standard_normal((3, 3, 2, 4)).astype(np.float32)
    x = tf1.placeholder(tf1.float32, [None, 6, 6, 2])
    w = tf1.constant(w_value)
    y = tf1.nn.max_pool(tf1.nn.relu(tf1.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")),
                        [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    loss = tf1.reduce_sum(y * y)
    dx, dw = tf1.gradients(loss, [x, w])
    assert dx.shape.as_list() == [None, 6, 6, 2]
    assert dw.shape.as_list() == [3, 3, 2, 4]
    with tf1.Session() as sess:
        got_dx, got_dw = sess.run([dx, dw], {x: x_value})

    xt, wt = tf.constant(x_value), tf.constant(w_value)
    with tf.GradientTape() as tape:
        tape.watch([xt, wt])
        ye = tf.nn.max_pool2d(tf.nn.relu(tf.nn.conv2d(xt, wt, 1, "SAME")), 2, 2, "VALID")
        le = tf.reduce_sum(ye * ye)
    ex_dx, ex_dw = tape.gradient(le, [xt, wt])
    np.testing.assert_allclose(got_dx, ex_dx.numpy(), rtol=1e-5)
    np.testing.assert_allclose(got_dw, ex_dw.numpy(), rtol=1e-5)


def test_tf_function_conv_step():
    w = tf.Variable(rng.standard_normal((3, 3, 1, 2)).astype(np.float32))
    b = tf.Variable(np.zeros(2, np.float32))

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            y = tf.nn.bias_add(tf.nn.conv2d(x, w, 1, "SAME"), b)
            loss = tf.reduce_mean(tf.nn.avg_pool2d(y, 2, 2, "VALID") ** 2)
        return loss, tape.gradient(loss, [w, b])

    x = rng.standard_normal((4, 6, 6, 1)).astype(np.float32)
    loss, (dw, db) = step(tf.constant(x))
    with tf.GradientTape() as tape:
        y = tf.nn.bias_add(tf.nn.conv2d(x, w, 1, "SAME"), b)
        expected = tf.reduce_mean(tf.nn.avg_pool2d(y, 2, 2, "VALID") ** 2)
    ew, eb = tape.gradient(expected, [w, b])
    np.testing.assert_allclose(loss.numpy(), expected.numpy(), rtol=1e-6)
    np.testing.assert_allclose(dw.numpy(), ew.numpy(), rtol=1e-5)
    np.testing.assert_allclose(db.numpy(), eb.numpy(), rtol=1e-5)


# --- errors ----------------------------------------------------------------------------------

def test_mismatched_channels_name_the_op_and_shapes():
    x = np.zeros((2, 8, 8, 3), np.float32)
    w = np.zeros((3, 3, 1, 4), np.float32)
    with pytest.raises(InvalidArgumentError, match=r"Conv2D.*depth 3.*\(2, 8, 8, 3\).*"
                                                   r"\(3, 3, 1, 4\)"):
        tf.nn.conv2d(x, w, 1, "SAME")
    ph = tf1.placeholder(tf1.float32, [None, 8, 8, 3])
    with pytest.raises(InvalidArgumentError, match=r"Conv2D.*\(None, 8, 8, 3\).*\(3, 3, 1, 4\)"):
        tf1.nn.conv2d(ph, w, [1, 1, 1, 1], "SAME")


def test_bad_arguments_are_clear_errors():
    x = np.zeros((1, 4, 4, 1), np.float32)
    w = np.zeros((3, 3, 1, 1), np.float32)
    with pytest.raises(ValueError, match="padding"):
        tf.nn.conv2d(x, w, 1, "FULL")
    with pytest.raises(ValueError, match="data_format"):
        tf.nn.conv2d(x, w, 1, "SAME", data_format="HWCN")
    with pytest.raises(ValueError, match="strides"):
        tf.nn.conv2d(x, w, [1, 1, 1], "SAME")
    with pytest.raises(InvalidArgumentError, match="4-dimensional"):
        tf.nn.conv2d(np.zeros((4, 4, 1), np.float32), w, 1, "SAME")
    with pytest.raises(InvalidArgumentError, match="negative"):
        tf.nn.conv2d(np.zeros((1, 2, 2, 1), np.float32), w, 1, "VALID")
    with pytest.raises(InvalidArgumentError, match="negative"):
        tf.nn.max_pool2d(np.zeros((1, 2, 2, 1), np.float32), 3, 1, "VALID")


# --- bias_add ---------------------------------------------------------------------------------

@pytest.mark.parametrize("data_format,shape,axis", [(None, (2, 3, 4), 2), ("NHWC", (2, 3, 3, 4), 3),
                                                    ("NCHW", (2, 4, 3, 3), 1),
                                                    ("NC...", (2, 4, 5), 1), (None, (5, 4), 1)])
def test_bias_add_and_its_gradient(data_format, shape, axis):
    value = rng.standard_normal(shape).astype(np.float32)
    bias = rng.standard_normal(4).astype(np.float32)
    v, b = tf.constant(value), tf.constant(bias)
    with tf.GradientTape() as tape:
        tape.watch([v, b])
        y = tf.nn.bias_add(v, b, data_format=data_format)
    g = rng.standard_normal(shape).astype(np.float32)
    dv, db = tape.gradient(y, [v, b], output_gradients=tf.constant(g))
    view = [1] * len(shape)
    view[axis] = 4
    np.testing.assert_allclose(y.numpy(), value + bias.reshape(view), rtol=1e-6)
    np.testing.assert_array_equal(dv.numpy(), g)
    np.testing.assert_allclose(db.numpy(), g.sum(tuple(a for a in range(len(shape))
                                                       if a != axis)), rtol=1e-5)
    assert y.dtype == tf.float32


def test_bias_add_errors():
    with pytest.raises(InvalidArgumentError, match=r"BiasAdd: bias size 3 .* channel .* 4"):
        tf.nn.bias_add(np.zeros((2, 4), np.float32), np.zeros(3, np.float32))
    with pytest.raises(InvalidArgumentError, match="1-dimensional"):
        tf.nn.bias_add(np.zeros((2, 4), np.float32), np.zeros((1, 4), np.float32))
    with pytest.raises(InvalidArgumentError, match="same dtype"):
        tf.nn.bias_add(tf.constant(np.zeros((2, 4), np.float32)), tf.constant(np.zeros(4)))


# --- dropout ------------------------------------------------------------------------------------

def test_dropout_keeps_the_expected_fraction_and_scales():
    x = np.ones((200, 500), np.float32)
    y = tf.nn.dropout(x, rate=0.3).numpy()
    assert y.dtype == np.float32
    kept = y != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(y[kept], np.float32(1 / 0.7))
    assert abs(y.mean() - 1.0) < 0.02


def test_dropout_rate_zero_returns_x_and_rate_is_validated():
    x = tf.constant(np.ones((3, 3), np.float32))
    assert tf.nn.dropout(x, 0.0) is x
    for bad in (1.0, -0.1, 1.5):
        with pytest.raises(ValueError, match="rate"):
            tf.nn.dropout(x, bad)
    with pytest.raises(ValueError, match="keep_prob"):
        tf1.nn.dropout(x, keep_prob=0.0)
    with pytest.raises(ValueError, match="floating"):
        tf.nn.dropout(np.ones(3, np.int32), 0.5)


def test_dropout_same_seeds_give_the_same_mask():
    x = np.ones((50, 40), np.float32)
    tf.random.set_seed(3)
    a = tf.nn.dropout(x, 0.5, seed=7).numpy()
    b = tf.nn.dropout(x, 0.5, seed=7).numpy()
    tf.random.set_seed(3)
    c = tf.nn.dropout(x, 0.5, seed=7).numpy()
    np.testing.assert_array_equal(a, c)
    assert not np.array_equal(a, b)  # the op's stream moves on between calls
    tf.random.set_seed(4)
    assert not np.array_equal(tf.nn.dropout(x, 0.5, seed=7).numpy(), a)


def test_dropout_noise_shape_broadcasts_the_mask():
    x = np.ones((4, 30, 3), np.float32)
    y = tf.nn.dropout(x, 0.5, noise_shape=[4, 1, 3]).numpy()
    assert (y == y[:, :1, :]).all()
    y2 = tf.nn.dropout(x, 0.5, noise_shape=[None, 1, None]).numpy()
    assert (y2 == y2[:, :1, :]).all()


def test_dropout_gradient_is_the_mask():
    x = tf.constant(rng.standard_normal((20, 20)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.dropout(x, 0.25)
    dx = tape.gradient(y, x).numpy()
    np.testing.assert_allclose(dx, (y.numpy() != 0) / 0.75, rtol=1e-6)


def test_tf1_dropout_with_a_keep_prob_placeholder():
    tf1.set_random_seed(1)
    x = tf1.placeholder(tf1.float32, [None, 1000])
    keep = tf1.placeholder(tf1.float32)
    y = tf1.nn.dropout(x, keep)
    ones = np.ones((4, 1000), np.float32)
    with tf1.Session() as sess:
        full = sess.run(y, {x: ones, keep: 1.0})
        half = sess.run(y, {x: ones, keep: 0.5})
        with pytest.raises(InvalidArgumentError, match="rate"):
            sess.run(y, {x: ones, keep: 0.0})
    np.testing.assert_array_equal(full, ones)
    assert abs((half != 0).mean() - 0.5) < 0.05
    np.testing.assert_allclose(half[half != 0], 2.0)
