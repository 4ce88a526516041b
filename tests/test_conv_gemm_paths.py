"""The conv kernels' shape-specific paths (issue 15) against a float64 reference written
from the definition: the stride-1 input gradient written straight into dx (SAME, VALID,
explicit and oversized pads, dilations, even kernels, NCHW) and the per-image filter
gradient of few-channel inputs; the batch cut into chunks of patches (CHUNK_BYTES) and
1x1 convolutions (plain, strided, padded)."""
import numpy as np
import pytest

import ndflow as tf
from ndflow.ops import conv_ops


def _pads(padding, h, w, k, d):
    if padding == "SAME":
        tot = [max((k[a] - 1) * d[a] + 1 - 1, 0) for a in range(2)]
        return [(t // 2, t - t // 2) for t in tot]
    if padding == "VALID":
        return [(0, 0), (0, 0)]
    return padding


def _reference(x, w, dy, strides, padding, dilations):
    """(dx, dw) in float64 by explicit window loops over the padded input."""
    x, w, dy = (a.astype(np.float64) for a in (x, w, dy))
    n, h, wd, c = x.shape
    kh, kw, _, o = w.shape
    (top, bottom), (left, right) = _pads(padding, h, wd, (kh, kw), dilations)
    xp = np.pad(x, [(0, 0), (top, bottom), (left, right), (0, 0)])
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    _, oh, ow, _ = dy.shape
    for i in range(kh):
        for j in range(kw):
            r = slice(i * dilations[0], i * dilations[0] + (oh - 1) * strides[0] + 1, strides[0])
            q = slice(j * dilations[1], j * dilations[1] + (ow - 1) * strides[1] + 1, strides[1])
            dxp[:, r, q] += dy @ w[i, j].T
            dw[i, j] = np.einsum("nhwc,nhwo->co", xp[:, r, q], dy)
    return dxp[:, top:top + h, left:left + wd], dw


CASES = [  # (x shape, filter shape, strides, padding, dilations)
    ((3, 7, 6, 8), (3, 3, 8, 5), (1, 1), "SAME", (1, 1)),
    ((2, 7, 6, 9), (3, 3, 9, 4), (1, 1), "VALID", (1, 1)),
    ((2, 6, 6, 8), (2, 2, 8, 3), (1, 1), "SAME", (1, 1)),      # odd extra pad after
    ((2, 8, 7, 8), (3, 3, 8, 3), (1, 1), "SAME", (2, 2)),      # dilated
    ((2, 5, 5, 8), (3, 3, 8, 2), (1, 1), [(3, 1), (0, 4)], (1, 1)),  # pads beyond the kernel
    ((2, 7, 6, 1), (3, 3, 1, 6), (1, 1), "SAME", (1, 1)),      # first-layer shape
    ((2, 9, 8, 3), (3, 2, 3, 4), (2, 1), "SAME", (1, 1)),      # few channels, strided
    ((2, 9, 8, 3), (3, 3, 3, 4), (1, 1), "VALID", (2, 1)),
    ((3, 7, 6, 8), (1, 1, 8, 5), (2, 2), "SAME", (1, 1)),      # strided 1x1 (ResNet)
    ((2, 7, 6, 8), (1, 1, 8, 5), (2, 1), [(1, 0), (2, 1)], (1, 1)),  # padded 1x1
    ((3, 5, 4, 8), (1, 1, 8, 5), (1, 1), "VALID", (1, 1)),     # plain 1x1: one GEMM
]


def _forward_reference(x, w, strides, padding, dilations, out_hw):
    x, w = x.astype(np.float64), w.astype(np.float64)
    kh, kw = w.shape[:2]
    (top, bottom), (left, right) = _pads(padding, 0, 0, (kh, kw), dilations)
    xp = np.pad(x, [(0, 0), (top, bottom), (left, right), (0, 0)])
    oh, ow = out_hw
    y = 0
    for i in range(kh):
        for j in range(kw):
            r = slice(i * dilations[0], i * dilations[0] + (oh - 1) * strides[0] + 1, strides[0])
            q = slice(j * dilations[1], j * dilations[1] + (ow - 1) * strides[1] + 1, strides[1])
            y = y + xp[:, r, q] @ w[i, j]
    return y


@pytest.mark.parametrize("chunk_bytes", [conv_ops.CHUNK_BYTES, 1], ids=["whole", "per-image"])
@pytest.mark.parametrize("x_shape, w_shape, strides, padding, dilations", CASES)
def test_gradients_match_the_definition(x_shape, w_shape, strides, padding, dilations,
                                        chunk_bytes, monkeypatch):
    # chunk_bytes=1: every image is its own chunk of patches (what large batches do)
    monkeypatch.setattr(conv_ops, "CHUNK_BYTES", chunk_bytes)
    if chunk_bytes == 1:
        monkeypatch.setattr(conv_ops, "MIN_ROWS", 1)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape).astype(np.float32)
    w = rng.standard_normal(w_shape).astype(np.float32)
    pads = padding if isinstance(padding, str) else tuple(tuple(p) for p in padding)
    y = conv_ops._conv_forward(np, x, w, strides, pads, dilations)
    dy = rng.standard_normal(y.shape).astype(np.float32)
    dx = conv_ops._conv_input_grad(np, dy, w, x_shape[1:3], strides, pads, dilations, "t")
    dw = conv_ops._conv_filter_grad(np, x, dy, w_shape[:2], strides, pads, dilations, "t")
    ref_dx, ref_dw = _reference(x, w, dy, strides, padding, dilations)
    np.testing.assert_allclose(y, _forward_reference(x, w, strides, padding, dilations,
                                                     y.shape[1:3]), rtol=1e-5, atol=1e-5)
    assert y.dtype == np.float32 and y.flags.c_contiguous
    assert dx.dtype == np.float32 and dw.dtype == np.float32
    assert dx.shape == x.shape and dw.shape == w.shape
    np.testing.assert_allclose(dx, ref_dx, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dw, ref_dw, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_public_gradients_through_the_new_paths(data_format):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 6, 5, 8)).astype(np.float32)
    w = rng.standard_normal((3, 3, 8, 4)).astype(np.float32)
    dy = rng.standard_normal((2, 6, 5, 4)).astype(np.float32)
    ref_dx, ref_dw = _reference(x, w, dy, (1, 1), "SAME", (1, 1))
    to = (lambda a: a.transpose(0, 3, 1, 2)) if data_format == "NCHW" else (lambda a: a)
    xv, wv = tf.constant(to(x)), tf.constant(w)
    with tf.GradientTape() as tape:
        tape.watch([xv, wv])
        y = tf.nn.conv2d(xv, wv, 1, "SAME", data_format=data_format)
        loss = tf.reduce_sum(y * to(dy))
    dx, dw = tape.gradient(loss, [xv, wv])
    np.testing.assert_allclose(dx.numpy(), to(ref_dx), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dw.numpy(), ref_dw, rtol=1e-5, atol=1e-4)
