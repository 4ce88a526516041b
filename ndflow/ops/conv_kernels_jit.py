"""Compiled one-pass kernels for the memory-bound work around convolutions (NHWC).

NumPy makes one pass over memory per ufunc: a max pool reduces its window in kh + kw - 2
passes, its gradient compares, masks and multiplies once per window offset, a ReLU gradient
builds a boolean mask and multiplies by it, a bias add and ReLU after a convolution read and
write the output twice. Each kernel here is one loop nest doing that work in one pass,
compiled by Numba on first use (`ndflow.util.jit`), `nogil` so `ndflow.util.parallel.split`
runs pieces of it on every core. Callers use them only when `usable(xp, ...)` says so (Numba
installed and enabled, NumPy arrays of a floating dtype); otherwise their NumPy code runs.

The elementwise kernels do the same IEEE operations as the NumPy code they replace
(maximum with NaN propagating as np.maximum does, `g * 1` / `g * 0` for the ReLU mask), and
im2col writes the same patches, so they give the same numbers. Three round differently, to
float32 tolerance (tests/test_conv_jit.py): bias gradients are summed in float64 here and
by a float32 GEMV in NumPy; the direct 3x3 one-channel convolution sums its taps in order
where BLAS blocks them; the stride-1 input gradient's GEMM has another shape (conv_ops).
"""
import numpy as np

from ..util import jit, parallel
from . import elementwise_jit as EJ

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def usable(xp, *arrays):
    """True when the compiled kernels can run on `arrays`: NumPy arrays of one float dtype,
    with Numba installed and enabled (CuPy arrays always take the xp path)."""
    if xp is not np or not jit.enabled():
        return False
    dtype = arrays[0].dtype
    return dtype in _FLOATS and all(a.dtype == dtype for a in arrays)


def _split_images(x, fn):
    """fn(n0, n1) over pieces of the batch of NHWC `x` (pieces of at least MIN_ITEMS)."""
    per_image = x.shape[1] * x.shape[2] * x.shape[3]
    parallel.split(fn, x.shape[0], max(1, parallel.MIN_ITEMS // max(per_image, 1)))


# --- max pooling ---------------------------------------------------------------------------

@jit.kernel
def _max_pool_loop(x, out, kh, kw, sh, sw, top, left):
    """out[n, oy, ox, c] = max of x over the window (padding ignored)."""
    h, w, c = x.shape[1], x.shape[2], x.shape[3]
    oh, ow = out.shape[1], out.shape[2]
    for n in range(x.shape[0]):
        for oy in range(oh):
            y0 = oy * sh - top
            ya, yb = max(y0, 0), min(y0 + kh, h)
            for ox in range(ow):
                x0 = ox * sw - left
                xa, xb = max(x0, 0), min(x0 + kw, w)
                o = out[n, oy, ox]
                first = True
                for iy in range(ya, yb):
                    for ix in range(xa, xb):
                        v = x[n, iy, ix]
                        if first:
                            for k in range(c):
                                o[k] = v[k]
                            first = False
                        else:
                            for k in range(c):  # np.maximum: a NaN on either side wins
                                a, b = o[k], v[k]
                                if not (a >= b or a != a):
                                    o[k] = b


def max_pool(xp, x, ksize, strides, pads, out_hw):
    """Max pool of NHWC `x` (unpadded; `pads` the window arithmetic's padding)."""
    n, c = x.shape[0], x.shape[3]
    out = xp.empty((n, out_hw[0], out_hw[1], c), dtype=x.dtype)
    x = xp.ascontiguousarray(x)
    (top, _), (left, _) = pads

    def piece(n0, n1):
        _max_pool_loop(x[n0:n1], out[n0:n1], ksize[0], ksize[1], strides[0], strides[1], top,
                       left)
    _split_images(x, piece)
    return out


def _tiles(x, y, ksize, strides, top, left):
    """Whether the windows cover the input exactly once (every gradient element written)."""
    return (top, left) == (0, 0) and tuple(strides) == tuple(ksize) and \
        (y.shape[1] * strides[0], y.shape[2] * strides[1]) == tuple(x.shape[1:3])


@jit.kernel
def _max_pool_grad_loop(x, y, dy, dx, found, kh, kw, sh, sw, top, left, tiled):
    """dx for windows that do not overlap: each output's gradient goes to its window's
    first maximum (row-major window order, as TensorFlow); every other element is 0."""
    h, w, c = x.shape[1], x.shape[2], x.shape[3]
    oh, ow = y.shape[1], y.shape[2]
    one, zero = dx.dtype.type(1), dx.dtype.type(0)
    for n in range(x.shape[0]):
        if not tiled:
            dx[n] = 0
        for oy in range(oh):
            y0 = oy * sh - top
            ya, yb = max(y0, 0), min(y0 + kh, h)
            for ox in range(ow):
                x0 = ox * sw - left
                xa, xb = max(x0, 0), min(x0 + kw, w)
                ym, g = y[n, oy, ox], dy[n, oy, ox]
                for k in range(c):
                    found[k] = False
                for iy in range(ya, yb):
                    for ix in range(xa, xb):
                        v, d = x[n, iy, ix], dx[n, iy, ix]
                        for k in range(c):  # branch-free selects: the loop vectorises
                            hit = (v[k] == ym[k]) > found[k]  # equal, not found before
                            found[k] = found[k] | hit
                            d[k] = g[k] * (one if hit else zero)


def max_pool_grad(xp, x, y, dy, ksize, strides, pads):
    """MaxPoolGrad of non-overlapping windows (strides >= ksize) in one pass over dx."""
    n = x.shape[0]
    dx = xp.empty(x.shape, dtype=dy.dtype)
    x, y, dy = (xp.ascontiguousarray(a) for a in (x, y, dy))
    (top, _), (left, _) = pads
    tiled = _tiles(x, y, ksize, strides, top, left)

    def piece(n0, n1):
        found = xp.empty(x.shape[3], dtype=bool)  # per piece: pieces run in parallel
        _max_pool_grad_loop(x[n0:n1], y[n0:n1], dy[n0:n1], dx[n0:n1], found, ksize[0],
                            ksize[1], strides[0], strides[1], top, left, tiled)
    _split_images(x, piece)
    return dx


@jit.kernel
def _pool_relu_grad_loop(x, y, dy, dz, acc, found, kh, kw, sh, sw, top, left, tiled):
    """dz = (max-pool gradient of dy routed to each window's first maximum) * (x > 0), 0
    elsewhere, for windows apart; acc += its per-channel sums. `x` is the ReLU's output.
    Branch-free selects per channel, so the channel loops vectorise; no zero fill when the
    windows tile the input (every element is then written once)."""
    h, w, c = x.shape[1], x.shape[2], x.shape[3]
    oh, ow = y.shape[1], y.shape[2]
    one, zero = dz.dtype.type(1), dz.dtype.type(0)
    for n in range(x.shape[0]):
        if not tiled:
            dz[n] = 0
        for oy in range(oh):
            y0 = oy * sh - top
            ya, yb = max(y0, 0), min(y0 + kh, h)
            for ox in range(ow):
                x0 = ox * sw - left
                xa, xb = max(x0, 0), min(x0 + kw, w)
                ym, g = y[n, oy, ox], dy[n, oy, ox]
                for k in range(c):
                    found[k] = False
                for iy in range(ya, yb):
                    for ix in range(xa, xb):
                        v, d = x[n, iy, ix], dz[n, iy, ix]
                        for k in range(c):
                            hit = (v[k] == ym[k]) > found[k]  # equal, not found before
                            found[k] = found[k] | hit
                            t = g[k] * (one if hit & (v[k] > zero) else zero)
                            d[k] = t
                            acc[k] += t


def max_pool_relu_grad(xp, x, y, dy, ksize, strides, pads):
    """(dz, db) of relu -> max pool (windows apart) in one pass: the max-pool gradient, the
    ReLU mask and the bias gradient (float64 sums) without the intermediate gradient."""
    n, c = x.shape[0], x.shape[3]
    dz = xp.empty(x.shape, dtype=dy.dtype)
    x, y, dy = (xp.ascontiguousarray(a) for a in (x, y, dy))
    (top, _), (left, _) = pads
    per_image = x.shape[1] * x.shape[2] * c
    tiled = _tiles(x, y, ksize, strides, top, left)
    count = parallel.pieces(n, max(1, parallel.MIN_ITEMS // max(per_image, 1)))
    accs = xp.zeros((count, c), dtype=xp.float64)
    bounds = [n * i // count for i in range(count + 1)]

    def piece(p0, p1):
        found = xp.empty(c, dtype=bool)
        for p in range(p0, p1):
            i, j = bounds[p], bounds[p + 1]
            _pool_relu_grad_loop(x[i:j], y[i:j], dy[i:j], dz[i:j], accs[p], found, ksize[0],
                                 ksize[1], strides[0], strides[1], top, left, tiled)
    parallel.split(piece, count, 1)
    return dz, accs.sum(axis=0).astype(dy.dtype)


# --- direct 3x3 convolution of one input channel ----------------------------------------------

@jit.kernel
def _conv3x3_c1_loop(xp, w2, b, out, relu):
    """out[n, y, x] = sum over the 9 taps (row-major) of xp[n, y + i, x + j] * w2[tap], + b,
    then ReLU; xp is the padded single-channel input, stride 1."""
    oh, ow, o = out.shape[1], out.shape[2], out.shape[3]
    zero = out.dtype.type(0)
    for n in range(out.shape[0]):
        for y in range(oh):
            for x in range(ow):
                row = out[n, y, x]
                v0, v1, v2 = xp[n, y, x], xp[n, y, x + 1], xp[n, y, x + 2]
                v3, v4, v5 = xp[n, y + 1, x], xp[n, y + 1, x + 1], xp[n, y + 1, x + 2]
                v6, v7, v8 = xp[n, y + 2, x], xp[n, y + 2, x + 1], xp[n, y + 2, x + 2]
                for k in range(o):  # the 9 taps in registers, vectorised over the outputs
                    s = v0 * w2[0, k]
                    s += v1 * w2[1, k]
                    s += v2 * w2[2, k]
                    s += v3 * w2[3, k]
                    s += v4 * w2[4, k]
                    s += v5 * w2[5, k]
                    s += v6 * w2[6, k]
                    s += v7 * w2[7, k]
                    s += v8 * w2[8, k]
                    s = s + b[k]
                    if relu and not (s >= zero or s != s):
                        s = zero
                    row[k] = s


@jit.kernel
def _conv3x3_c1_pool_loop(xp, w2, b, out, relu):
    """out[n, py, px] = the max over the 2x2 window at (2*py, 2*px) of what
    `_conv3x3_c1_loop` writes there (the same sums, bias and ReLU, then the max pool's
    comparisons in its window order): the convolution's output is never stored. The four
    sums are written out: one loop over the window positions inside this one (sharing
    `_conv3x3_c1_loop`'s code) measured 2x slower, its stores no longer vectorised."""
    ph, pw, o = out.shape[1], out.shape[2], out.shape[3]
    zero = out.dtype.type(0)
    for n in range(out.shape[0]):
        for py in range(ph):
            y = 2 * py
            for px in range(pw):
                x = 2 * px
                row = out[n, py, px]
                r0, r1 = xp[n, y], xp[n, y + 1]
                r2, r3 = xp[n, y + 2], xp[n, y + 3]
                a0, a1, a2, a3 = r0[x], r0[x + 1], r0[x + 2], r0[x + 3]
                b0, b1, b2, b3 = r1[x], r1[x + 1], r1[x + 2], r1[x + 3]
                c0, c1, c2, c3 = r2[x], r2[x + 1], r2[x + 2], r2[x + 3]
                d0, d1, d2, d3 = r3[x], r3[x + 1], r3[x + 2], r3[x + 3]
                for k in range(o):
                    w0, w1, w2k = w2[0, k], w2[1, k], w2[2, k]
                    w3, w4, w5 = w2[3, k], w2[4, k], w2[5, k]
                    w6, w7, w8 = w2[6, k], w2[7, k], w2[8, k]
                    bk = b[k]
                    # the window's four outputs, in its row-major order
                    s = a0 * w0
                    s += a1 * w1
                    s += a2 * w2k
                    s += b0 * w3
                    s += b1 * w4
                    s += b2 * w5
                    s += c0 * w6
                    s += c1 * w7
                    s += c2 * w8
                    s = s + bk
                    t = a1 * w0
                    t += a2 * w1
                    t += a3 * w2k
                    t += b1 * w3
                    t += b2 * w4
                    t += b3 * w5
                    t += c1 * w6
                    t += c2 * w7
                    t += c3 * w8
                    t = t + bk
                    u = b0 * w0
                    u += b1 * w1
                    u += b2 * w2k
                    u += c0 * w3
                    u += c1 * w4
                    u += c2 * w5
                    u += d0 * w6
                    u += d1 * w7
                    u += d2 * w8
                    u = u + bk
                    v = b1 * w0
                    v += b2 * w1
                    v += b3 * w2k
                    v += c1 * w3
                    v += c2 * w4
                    v += c3 * w5
                    v += d1 * w6
                    v += d2 * w7
                    v += d3 * w8
                    v = v + bk
                    if relu:
                        s = s if (s >= zero or s != s) else zero
                        t = t if (t >= zero or t != t) else zero
                        u = u if (u >= zero or u != u) else zero
                        v = v if (v >= zero or v != v) else zero
                    # np.maximum's order and NaN rule, as _max_pool_loop
                    if not (s >= t or s != s):
                        s = t
                    if not (s >= u or s != s):
                        s = u
                    if not (s >= v or s != s):
                        s = v
                    row[k] = s


def conv3x3_c1(xp, x_padded, w, b, out_hw, relu, pooled_hw=None):
    """relu?(conv2d(x, w) + b) for a stride-1 3x3 filter over one input channel (W5's first
    layer), from the padded input: one pass writing the output, no patch matrix and no K=9
    GEMM (1.8 against 2.9 ms with im2col + GEMM + epilogue at batch 128). The taps are
    summed in row-major order, which rounds differently from BLAS (float32 tolerance).

    With `pooled_hw` = (ph, pw), the output is instead its 2x2 stride-2 max pool from the
    top-left corner (2*ph <= oh, 2*pw <= ow), the same numbers as pooling the output."""
    n = x_padded.shape[0]
    hw = out_hw if pooled_hw is None else pooled_hw
    out = xp.empty((n, hw[0], hw[1], w.shape[3]), dtype=x_padded.dtype)
    xs = xp.ascontiguousarray(x_padded[..., 0])
    w2 = xp.ascontiguousarray(w.reshape(9, w.shape[3]))
    loop = _conv3x3_c1_loop if pooled_hw is None else _conv3x3_c1_pool_loop

    def piece(n0, n1):
        loop(xs[n0:n1], w2, b, out[n0:n1], relu)
    _split_images(out, piece)
    return out


# --- im2col -----------------------------------------------------------------------------------

@jit.kernel
def _im2col_loop(x, cols, sh, sw, dh, dw, top, left):
    """cols[n, oy, ox, i, j] = x[n, oy*sh + i*dh - top, ox*sw + j*dw - left] (0 outside)."""
    h, w, c = x.shape[1], x.shape[2], x.shape[3]
    oh, ow, kh, kw = cols.shape[1], cols.shape[2], cols.shape[3], cols.shape[4]
    zero = cols.dtype.type(0)
    for n in range(x.shape[0]):
        for oy in range(oh):
            for ox in range(ow):
                for i in range(kh):
                    iy = oy * sh + i * dh - top
                    for j in range(kw):
                        ix = ox * sw + j * dw - left
                        dst = cols[n, oy, ox, i, j]
                        if iy < 0 or iy >= h or ix < 0 or ix >= w:
                            for k in range(c):
                                dst[k] = zero
                        else:
                            src = x[n, iy, ix]
                            for k in range(c):
                                dst[k] = src[k]


def im2col(x, cols, strides, dilations, pads):
    """Fills the patches `cols` (n, oh, ow, kh, kw, c) of unpadded NHWC `x` in one pass."""
    (top, _), (left, _) = pads
    _im2col_loop(x, cols, strides[0], strides[1], dilations[0], dilations[1], top, left)


# --- col2im ---------------------------------------------------------------------------------

@jit.kernel
def _col2im_loop(dcols, dx, top, left, dh, dw):
    """dx = 0, then dcols[n, oy, ox, i, j] added at dx[n, oy + i*dh - top, ox + j*dw - left]
    offset (i, j) by offset in row-major order (stride 1)."""
    n, oh, ow, kh, kw, c = dcols.shape
    h, w = dx.shape[1], dx.shape[2]
    for b in range(n):
        dx[b] = 0
        for i in range(kh):
            for j in range(kw):
                for oy in range(oh):
                    iy = oy + i * dh - top
                    if iy < 0 or iy >= h:
                        continue
                    for ox in range(ow):
                        ix = ox + j * dw - left
                        if ix < 0 or ix >= w:
                            continue
                        src, dst = dcols[b, oy, ox, i, j], dx[b, iy, ix]
                        for k in range(c):
                            dst[k] += src[k]


def col2im_stride1(dcols, dx, top, left, dilations):
    """Adds the patch gradients `dcols` (n, oh, ow, kh, kw, c) back into NHWC `dx` (n images,
    overwritten) for a stride-1 convolution padded by (top, left)."""
    _col2im_loop(dcols, dx, top, left, dilations[0], dilations[1])


# --- ReLU gradient, bias + ReLU epilogue, their fused gradient -------------------------------

@jit.kernel
def _relu_grad_loop(g, y, out):
    one, zero = g.dtype.type(1), g.dtype.type(0)
    for i in range(g.size):  # g * (y > 0): 0 * inf is NaN, as there
        out[i] = g[i] * (one if y[i] > zero else zero)


def relu_grad(xp, g, y):
    """g * (y > 0) in one pass."""
    out = xp.empty(g.shape, dtype=g.dtype)
    gf, yf, of = g.reshape(-1), y.reshape(-1), out.reshape(-1)

    def piece(i0, i1):
        _relu_grad_loop(gf[i0:i1], yf[i0:i1], of[i0:i1])
    parallel.split(piece, gf.size)
    return out


def bias_act_inplace(z2, b, relu):
    """z2 (rows, channels) += b, then ReLU when `relu`, in place and one pass."""
    EJ.bias_act(z2, b, z2, relu)


@jit.kernel
def _bias_relu_grad_loop(dy, y, dz, acc):
    """dz = dy * (y > 0) and acc += its column sums (in acc's float64)."""
    one, zero = dy.dtype.type(1), dy.dtype.type(0)
    for r in range(dy.shape[0]):
        g, m, d = dy[r], y[r], dz[r]
        for k in range(dy.shape[1]):
            v = g[k] * (one if m[k] > zero else zero)
            d[k] = v
            acc[k] += v


def bias_relu_grad(xp, dy2, y2):
    """(dy2 * (y2 > 0), its per-channel sum) for (rows, channels) arrays, in one pass."""
    rows, c = dy2.shape
    dz = xp.empty(dy2.shape, dtype=dy2.dtype)
    count = parallel.pieces(rows, max(1, parallel.MIN_ITEMS // max(c, 1)))
    accs = xp.zeros((count, c), dtype=xp.float64)
    bounds = [rows * i // count for i in range(count + 1)]

    def piece(p0, p1):
        for p in range(p0, p1):
            i, j = bounds[p], bounds[p + 1]
            _bias_relu_grad_loop(dy2[i:j], y2[i:j], dz[i:j], accs[p])
    parallel.split(piece, count, 1)
    return dz, accs.sum(axis=0).astype(dy2.dtype)
