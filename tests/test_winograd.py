"""Winograd F(2x2, 3x3) (ndflow/ops/winograd.py), the path that stride-1 3x3 float32
convolutions of >= 16 channels take with the jit on: its forward (with FusedConv2D's bias
and ReLU), input and filter gradients against a float64 reference, their error of the same
order as im2col + GEMM's (the NumPy path, which keeps today's kernels), and the conditions
that select it.

Every test runs with the jit on (`jit`: Winograd where the conditions hold; skipped without
Numba) and off (`numpy`: im2col + GEMM), against the same reference and tolerance.
"""
import numpy as np
import pytest

import ndflow as tf
from ndflow.ops import conv_ops as C
from ndflow.ops import fused_conv_ops as F
from ndflow.ops import winograd as W
from ndflow.util import jit


def _data(shape, seed, scale=1.0, dtype=np.float32):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)


def _today(fn, *args):
    """`fn(*args)` on the im2col + GEMM kernels (Winograd off)."""
    saved, C.WINOGRAD_MIN_CHANNELS = C.WINOGRAD_MIN_CHANNELS, 1 << 30
    try:
        return fn(*args)
    finally:
        C.WINOGRAD_MIN_CHANNELS = saved


def _check(got, ref, today):
    """`got` (float32) within float32 tolerance of the float64 `ref`, and its error of the
    order of im2col + GEMM's `today` (at most 4x it, or 8 ulps of the scale)."""
    if ref.size == 0:  # an empty batch; or a filter gradient of one: zeros
        np.testing.assert_array_equal(got, ref)
        return
    scale = np.abs(ref).max()
    err, err_today = np.abs(got - ref).max(), np.abs(today - ref).max()
    assert got.dtype == np.float32 and got.shape == ref.shape
    assert err <= 1e-5 * scale
    assert err <= 4 * err_today + 8 * np.finfo(np.float32).eps * scale


# (batch, height, width, in, out, padding): W5's conv2, odd and non-square sizes (a tile
# past the edge), VALID, channels not a power of two
SHAPES = [(4, 14, 14, 32, 64, "SAME"), (2, 7, 9, 16, 24, "SAME"), (3, 8, 5, 24, 16, "VALID"),
          (1, 3, 3, 16, 16, "SAME"), (2, 5, 6, 16, 17, "VALID"), (1, 1, 1, 16, 16, "SAME"),
          (0, 6, 6, 16, 16, "SAME")]


@pytest.mark.parametrize("n,h,w,c,o,padding", SHAPES)
def test_forward_and_gradients_match_reference(jit_mode, n, h, w, c, o, padding,
                                               monkeypatch):
    monkeypatch.setattr(C, "WINOGRAD_MIN_ROWS", 0)  # small shapes take Winograd too
    x = _data((n, h, w, c), 0)
    k = _data((3, 3, c, o), 1, (2.0 / (9 * c)) ** 0.5)
    b = _data((o,), 2, 0.1)
    attrs = ((1, 1), padding, (1, 1))
    y64 = C._conv_forward(np, x.astype(np.float64), k.astype(np.float64), *attrs)
    dy = _data(y64.shape, 3)
    x64, k64, dy64 = x.astype(np.float64), k.astype(np.float64), dy.astype(np.float64)
    assert C._winograd(np, (3, 3), (1, 1), (1, 1), padding, c, o, n * h * w, x, k) == jit_mode

    conv = lambda: C.CONV2D.kernel(np, x, k, *attrs, "NHWC")  # noqa: E731
    _check(conv(), y64, _today(conv))
    fused = lambda: F.FUSED_CONV2D.kernel(np, x, k, b, *attrs, "Relu")  # noqa: E731
    _check(fused(), np.maximum(y64 + b, 0), _today(fused))
    dx = lambda: C.CONV2D_BACKPROP_INPUT.kernel(  # noqa: E731
        np, x.shape, k, dy, *attrs, "NHWC")
    _check(dx(), C._conv_input_grad(np, dy64, k64, (h, w), *attrs, "t"), _today(dx))
    dw = lambda: C.CONV2D_BACKPROP_FILTER.kernel(  # noqa: E731
        np, x, k.shape, dy, *attrs, "NHWC")
    _check(dw(), C._conv_filter_grad(np, x64, dy64, (3, 3), *attrs, "t"), _today(dw))


def test_nchw_and_the_public_functions(jit_mode, monkeypatch):
    monkeypatch.setattr(C, "WINOGRAD_MIN_ROWS", 0)
    x = _data((2, 16, 6, 7), 4)  # NCHW
    k = _data((3, 3, 16, 16), 5, 0.1)
    ref = C._conv_forward(np, x.astype(np.float64).transpose(0, 2, 3, 1),
                          k.astype(np.float64), (1, 1), "SAME", (1, 1)).transpose(0, 3, 1, 2)
    xt, kt = tf.constant(x), tf.constant(k)
    with tf.GradientTape() as tape:
        tape.watch([xt, kt])
        y = tf.nn.conv2d(xt, kt, 1, "SAME", data_format="NCHW")
        loss = tf.reduce_sum(y * y)
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-5, atol=1e-5 * np.abs(ref).max())
    gx, gk = tape.gradient(loss, [xt, kt])
    g = 2 * ref
    gx64 = C._conv_input_grad(np, g.transpose(0, 2, 3, 1), k.astype(np.float64), (6, 7),
                              (1, 1), "SAME", (1, 1), "t").transpose(0, 3, 1, 2)
    gk64 = C._conv_filter_grad(np, x.astype(np.float64).transpose(0, 2, 3, 1),
                               g.transpose(0, 2, 3, 1), (3, 3), (1, 1), "SAME", (1, 1), "t")
    for got, want in ((gx, gx64), (gk, gk64)):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-4,
                                   atol=1e-5 * np.abs(want).max())


@pytest.mark.parametrize("case", ["float64", "few channels", "stride 2", "dilation 2",
                                  "explicit padding", "5x5", "few rows",
                                  "few rows for the filter"])
def test_other_convolutions_keep_im2col(case):
    x, k = _data((1, 8, 8, 16), 0), _data((3, 3, 16, 16), 1)
    args = {"ksize": (3, 3), "strides": (1, 1), "dilations": (1, 1), "padding": "SAME",
            "c": 16, "o": 16, "rows": 1024, "arrays": (x, k)}
    kw = {}
    if case == "few rows":
        args["rows"] = 1023
    elif case == "few rows for the filter":  # 7x7x512x512 at batch 8: 392 rows
        args.update(c=512, o=512, rows=512 * 512 // 16 - 1)
        kw["filter_grad"] = True
    elif case == "float64":
        args["arrays"] = (x.astype(np.float64), k.astype(np.float64))
    elif case == "few channels":
        args["o"] = 8
    elif case == "stride 2":
        args["strides"] = (2, 2)
    elif case == "dilation 2":
        args["dilations"] = (2, 2)
    elif case == "explicit padding":
        args["padding"] = ((1, 1), (1, 1))
    else:
        args["ksize"] = (5, 5)
    arrays = args.pop("arrays")
    with jit.use_jit(True):
        assert not C._winograd(np, *args.values(), *arrays, **kw)
        if jit.available() and case.startswith("few rows"):  # one more row: Winograd
            args["rows"] += 1
            assert C._winograd(np, *args.values(), *arrays, **kw)
    with jit.use_jit(False):  # the NumPy path never takes it
        assert not C._winograd(np, (3, 3), (1, 1), (1, 1), "SAME", 16, 16, 1 << 20, x, k)


def test_blocks_split_over_threads_give_the_same_numbers(monkeypatch):
    if not jit.available():
        pytest.skip("numba is not installed (the 'jit' extra)")
    x, k, dy = _data((9, 10, 10, 16), 0), _data((3, 3, 16, 20), 1, 0.1), _data((9, 10, 10, 20), 2)
    pads = ((1, 1), (1, 1))
    with jit.use_jit(True):
        monkeypatch.setattr(W, "TILE_ROWS", 25)  # one image a block: 9 blocks
        one = (W.conv3x3(np, x, k, pads, (10, 10)), W.filter_grad(np, x, dy, pads))
        monkeypatch.setenv("NDFLOW_NUM_THREADS", "2")
        two = (W.conv3x3(np, x, k, pads, (10, 10)), W.filter_grad(np, x, dy, pads))
    np.testing.assert_array_equal(one[0], two[0])  # each block alone: the same operations
    np.testing.assert_allclose(one[1], two[1], rtol=1e-5, atol=1e-5 * np.abs(one[1]).max())


def test_filter_transform_is_g_w_gt():
    k = _data((3, 3, 2, 3), 0)
    u = W.filter_transform(np, k).reshape(4, 4, 2, 3)
    for ci in range(2):
        for co in range(3):
            np.testing.assert_allclose(u[:, :, ci, co], W._G @ k[:, :, ci, co] @ W._G.T,
                                       rtol=1e-6, atol=1e-6)
