"""Winograd F(2x2, 3x3): a stride-1 3x3 convolution (NHWC) with 2.25x fewer multiplications.

The output is cut into 2x2 tiles; each reads a 4x4 input window d. With the constant
matrices B (4x4), G (4x3) and A (4x2) of F(2x2, 3x3), a tile's output is
A^T [(G g G^T) . (B^T d B)] A, where g is the 3x3 filter and `.` multiplies elementwise; over
channels the 16 elementwise products become 16 GEMMs, (tiles x Cin) @ (Cin x Cout), of 16
multiplications where im2col's GEMM makes 36 per output tile. The transforms are additions
only: the input's B^T d B (one compiled pass: NHWC input -> [16, tiles, Cin], zeros where
the window leaves the input) and the output's A^T m A fused with the bias add and ReLU (one
compiled pass back to NHWC). The filter's G g G^T is computed per call (one small GEMM).

It rounds differently from im2col + GEMM (the transforms add and subtract inputs before
the products): tests/test_winograd.py compares both against a float64 reference.
"""
import numpy as np

from ..util import jit, parallel

# G of F(2x2, 3x3): the filter transform (exact in binary floating point).
_G = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0.0, 0.0, 1.0]])


# kron(G, G)[4*a + b, 3*i + j] = G[a, i] G[b, j]: U = (G g G^T) of every (Cin, Cout) pair
# as one (16 x 9) @ (9 x Cin*Cout) float32 GEMM (its adjoint, for the filter gradient, with
# kron(G, G)^T). On a 3x3x512x512 filter (1 thread CPU, loaded machine): np.einsum over the
# three operands in float64 100 ms, a one-pass compiled loop 15 ms, this GEMM 12.7; on W5's
# 3x3x32x64, 0.01 ms.
_GG = np.kron(_G, _G)


def filter_transform(xp, w):
    """U[4*a + b] = (G w G^T)[a, b] for HWIO 3x3 `w`: shape (16, Cin, Cout), w's dtype."""
    c, o = w.shape[2], w.shape[3]
    gg = xp.asarray(_GG, dtype=w.dtype)
    return (gg @ xp.ascontiguousarray(w).reshape(9, c * o)).reshape(16, c, o)


@jit.kernel
def _input_transform_loop(x, v, tmp, top, left, th, tw):
    """v[4*a + b, (n*th + ty)*tw + tx, :] = (B^T d B)[a, b] for the 4x4 window d of x at
    (2*ty - top, 2*tx - left), zeros outside x."""
    h, w, c = x.shape[1], x.shape[2], x.shape[3]
    zero = v.dtype.type(0)
    for n in range(x.shape[0]):
        for ty in range(th):
            y0 = 2 * ty - top
            for tx in range(tw):
                x0 = 2 * tx - left
                t = (n * th + ty) * tw + tx
                for i in range(4):
                    iy = y0 + i
                    for j in range(4):
                        ix = x0 + j
                        d = tmp[4 * i + j]
                        if iy < 0 or iy >= h or ix < 0 or ix >= w:
                            for k in range(c):
                                d[k] = zero
                        else:
                            s = x[n, iy, ix]
                            for k in range(c):
                                d[k] = s[k]
                for j in range(4):  # rows: B^T d (column j)
                    d0, d1, d2, d3 = tmp[j], tmp[4 + j], tmp[8 + j], tmp[12 + j]
                    for k in range(c):
                        a0, a1, a2, a3 = d0[k], d1[k], d2[k], d3[k]
                        d0[k] = a0 - a2
                        d1[k] = a1 + a2
                        d2[k] = a2 - a1
                        d3[k] = a1 - a3
                for i in range(4):  # columns: (B^T d) B, into v
                    r0, r1, r2, r3 = tmp[4 * i], tmp[4 * i + 1], tmp[4 * i + 2], tmp[4 * i + 3]
                    o0, o1 = v[4 * i, t], v[4 * i + 1, t]
                    o2, o3 = v[4 * i + 2, t], v[4 * i + 3, t]
                    for k in range(c):
                        a0, a1, a2, a3 = r0[k], r1[k], r2[k], r3[k]
                        o0[k] = a0 - a2
                        o1[k] = a1 + a2
                        o2[k] = a2 - a1
                        o3[k] = a1 - a3


@jit.kernel
def _output_transform_loop(m, b, out, tmp, th, tw, relu, pool):
    """out[n, 2*ty + p, 2*tx + q] = (A^T m_t A)[p, q] + b, ReLU when `relu`, for each tile t
    (outputs past out's edge dropped). Two passes through the (8, c) scratch `tmp` (rows,
    then columns): each loop touches a few arrays and vectorises, 2x faster measured than
    one loop over all 16 inputs, with the same additions in the same order.

    With `pool`, out[n, ty, tx] is instead the 2x2 max pool of tile t's four outputs (the
    tiles are the pool's windows), combined in the max pool's window order with its
    comparisons (np.maximum's NaN rule), for the tiles out's shape covers."""
    oh, ow, c = out.shape[1], out.shape[2], out.shape[3]
    zero = out.dtype.type(0)
    for n in range(out.shape[0]):
        for ty in range(oh if pool else th):
            for tx in range(ow if pool else tw):
                t = (n * th + ty) * tw + tx
                for j in range(4):  # rows: A^T m (2x4)
                    a0, a1, a2, a3 = m[j, t], m[4 + j, t], m[8 + j, t], m[12 + j, t]
                    s0, s1 = tmp[j], tmp[4 + j]
                    for k in range(c):
                        s0[k] = a0[k] + a1[k] + a2[k]
                        s1[k] = a1[k] - a2[k] - a3[k]
                if pool:  # columns of both rows, + b, ReLU, then the max
                    u0, u1, u2, u3 = tmp[0], tmp[1], tmp[2], tmp[3]
                    v0, v1, v2, v3 = tmp[4], tmp[5], tmp[6], tmp[7]
                    q = out[n, ty, tx]
                    for k in range(c):
                        z0 = u0[k] + u1[k] + u2[k] + b[k]
                        z1 = u1[k] - u2[k] - u3[k] + b[k]
                        z2 = v0[k] + v1[k] + v2[k] + b[k]
                        z3 = v1[k] - v2[k] - v3[k] + b[k]
                        if relu:
                            z0 = z0 if (z0 >= zero or z0 != z0) else zero
                            z1 = z1 if (z1 >= zero or z1 != z1) else zero
                            z2 = z2 if (z2 >= zero or z2 != z2) else zero
                            z3 = z3 if (z3 >= zero or z3 != z3) else zero
                        if not (z0 >= z1 or z0 != z0):
                            z0 = z1
                        if not (z0 >= z2 or z0 != z0):
                            z0 = z2
                        if not (z0 >= z3 or z0 != z0):
                            z0 = z3
                        q[k] = z0
                    continue
                y0, x0 = 2 * ty, 2 * tx
                two_y, two_x = y0 + 1 < oh, x0 + 1 < ow
                for p in range(2 if two_y else 1):  # columns: (A^T m) A, + b, ReLU
                    u0, u1, u2, u3 = tmp[4 * p], tmp[4 * p + 1], tmp[4 * p + 2], tmp[4 * p + 3]
                    q0 = out[n, y0 + p, x0]
                    q1 = out[n, y0 + p, x0 + 1 if two_x else x0]
                    for k in range(c):
                        z0 = u0[k] + u1[k] + u2[k] + b[k]
                        z1 = u1[k] - u2[k] - u3[k] + b[k]
                        if relu:
                            z0 = z0 if (z0 >= zero or z0 != z0) else zero
                            z1 = z1 if (z1 >= zero or z1 != z1) else zero
                        q1[k] = z1  # then q0: at the edge (q1 is q0) the valid value stays
                        q0[k] = z0


TILE_ROWS = 196  # tiles per block (4 of W5's 14x14 images): its [16, tiles, C] arrays,
# ~1.2 MB for conv2, are written, multiplied and read back in the L2 cache (measured: 1-8
# images per block within noise, 16 images 1.5x slower, 128 in one block 2x)


def _rows(buffer, rows, channels):
    """The first 16 x rows x channels elements of a flat buffer, as a C-contiguous array."""
    return buffer[:16 * rows * channels].reshape(16, rows, channels)


def _blocks(n, per_image):
    step = max(1, min(n, TILE_ROWS // max(per_image, 1)))
    return step, [(i, min(n, i + step)) for i in range(0, n, step)]


def conv3x3(xp, x, w, pads, out_hw, bias=None, relu=False, images=None, u=None,
            pooled_hw=None):
    """relu?(conv2d(x, w, stride 1) + bias) of NHWC `x` and HWIO 3x3 `w` by Winograd
    F(2x2, 3x3), a block of images at a time (blocks split over the cores by
    `ndflow.util.parallel`: the transforms are nogil kernels, the GEMMs BLAS).
    With `pooled_hw`, its 2x2 stride-2 max pool instead (the tiles are the windows).

    Args:
      x: (n, h, w, cin) unpadded input.
      w: (3, 3, cin, cout) filter.
      pads: ((top, bottom), (left, right)) zero padding (only top and left are read: the
        output size gives the rest).
      out_hw: (oh, ow) output size.
      bias: (cout,) or None.
      relu: Whether to apply a ReLU after the bias.
      images: images per block (default: TILE_ROWS tiles' worth).
      u: The filter transform, when already computed.
      pooled_hw: (ph, pw) with 2*ph <= oh and 2*pw <= ow: return the max pool of the
        output over 2x2 windows from its top-left corner, shape (n, ph, pw, cout), without
        storing the output (FusedConv2DMaxPool).

    Returns:
      The (n, oh, ow, cout) output, or its (n, ph, pw, cout) pool.
    """
    n, c = x.shape[0], x.shape[3]
    o = w.shape[3]
    oh, ow = out_hw
    th, tw = -(-oh // 2), -(-ow // 2)
    (top, _), (left, _) = pads
    u = filter_transform(xp, w) if u is None else u
    b = xp.zeros(o, dtype=x.dtype) if bias is None else bias
    out = xp.empty((n,) + tuple(pooled_hw or out_hw) + (o,), dtype=x.dtype)
    x = xp.ascontiguousarray(x)
    step, blocks = _blocks(n, th * tw)
    if images is not None:
        step = max(1, min(n, images))
        blocks = [(i, min(n, i + step)) for i in range(0, n, step)]

    def piece(p0, p1):
        v = xp.empty(16 * step * th * tw * c, dtype=x.dtype)  # per piece: run in parallel
        m = xp.empty(16 * step * th * tw * o, dtype=x.dtype)
        tmp, tmp_out = xp.empty((16, c), dtype=x.dtype), xp.empty((8, o), dtype=x.dtype)
        for i, j in blocks[p0:p1]:
            rows = (j - i) * th * tw
            # contiguous views of the buffers (a strided one would compile the kernels again)
            vi, mi = _rows(v, rows, c), _rows(m, rows, o)
            _input_transform_loop(x[i:j], vi, tmp, top, left, th, tw)
            xp.matmul(vi, u, out=mi)
            _output_transform_loop(mi, b, out[i:j], tmp_out, th, tw, relu,
                                   pooled_hw is not None)
    parallel.split(piece, len(blocks), 2)
    return out


def input_grad(xp, dy, w, pads, in_hw, images=None):
    """The input gradient of a stride-1 3x3 convolution padded by `pads`, by Winograd: a
    3x3 convolution of `dy` with the flipped filter, its channels swapped (the window that
    reached input row r from output row r + top - i now reads dy at r - (2 - top) + i')."""
    (top, bottom), (left, right) = pads
    wt = w[::-1, ::-1].transpose(0, 1, 3, 2)
    return conv3x3(xp, dy, wt, ((2 - top, 2 - bottom), (2 - left, 2 - right)), in_hw,
                   images=images)


@jit.kernel
def _output_grad_loop(dy, dm, tmp, th, tw):
    """dm[4*a + b, t] = (A dy_t A^T)[a, b], the adjoint of the output transform, for the
    2x2 tile dy_t of each tile t (zeros past dy's edge); two passes through the (8, c)
    scratch `tmp`, as `_output_transform_loop`."""
    oh, ow, c = dy.shape[1], dy.shape[2], dy.shape[3]
    zero = dm.dtype.type(0)
    for n in range(dy.shape[0]):
        for ty in range(th):
            for tx in range(tw):
                t = (n * th + ty) * tw + tx
                y0, x0 = 2 * ty, 2 * tx
                two_y, two_x = y0 + 1 < oh, x0 + 1 < ow
                for q in range(2):  # rows: A dy_t (4x2), column q
                    r0, r1, r2, r3 = tmp[q], tmp[2 + q], tmp[4 + q], tmp[6 + q]
                    if q == 1 and not two_x:
                        for k in range(c):
                            r0[k] = zero
                            r1[k] = zero
                            r2[k] = zero
                            r3[k] = zero
                    elif two_y:
                        g0, g1 = dy[n, y0, x0 + q], dy[n, y0 + 1, x0 + q]
                        for k in range(c):
                            r0[k] = g0[k]
                            r1[k] = g0[k] + g1[k]
                            r2[k] = g0[k] - g1[k]
                            r3[k] = -g1[k]
                    else:
                        g0 = dy[n, y0, x0 + q]
                        for k in range(c):
                            r0[k] = g0[k]
                            r1[k] = g0[k]
                            r2[k] = g0[k]
                            r3[k] = zero
                for i in range(4):  # columns: (A dy_t) A^T, into dm
                    u0, u1 = tmp[2 * i], tmp[2 * i + 1]
                    d0, d1, d2, d3 = dm[4 * i, t], dm[4 * i + 1, t], dm[4 * i + 2, t], \
                        dm[4 * i + 3, t]
                    for k in range(c):
                        d0[k] = u0[k]
                        d1[k] = u0[k] + u1[k]
                        d2[k] = u0[k] - u1[k]
                        d3[k] = -u1[k]


def filter_grad(xp, x, dy, pads, images=None):
    """The filter gradient of a stride-1 3x3 convolution of NHWC `x` padded by `pads`, whose
    output gradient is `dy`, by Winograd: per tile the adjoints of the output transform (A
    dy_t A^T) and of the products (16 GEMMs V^T dM summed over tiles), then G^T dU G."""
    n, c = x.shape[0], x.shape[3]
    oh, ow, o = dy.shape[1], dy.shape[2], dy.shape[3]
    th, tw = -(-oh // 2), -(-ow // 2)
    (top, _), (left, _) = pads
    x, dy = xp.ascontiguousarray(x), xp.ascontiguousarray(dy)
    step, blocks = _blocks(n, th * tw)
    if images is not None:
        step = max(1, min(n, images))
        blocks = [(i, min(n, i + step)) for i in range(0, n, step)]
    count = parallel.pieces(len(blocks), 2)
    bounds = [len(blocks) * i // count for i in range(count + 1)]
    sums = xp.zeros((count, 16, c, o), dtype=x.dtype)

    def piece(p0, p1):
        v = xp.empty(16 * step * th * tw * c, dtype=x.dtype)
        dm = xp.empty(16 * step * th * tw * o, dtype=x.dtype)
        tmp, tmp_out = xp.empty((16, c), dtype=x.dtype), xp.empty((8, o), dtype=x.dtype)
        part = xp.empty((16, c, o), dtype=x.dtype)
        for p in range(p0, p1):
            for i, j in blocks[bounds[p]:bounds[p + 1]]:
                rows = (j - i) * th * tw
                vi, dmi = _rows(v, rows, c), _rows(dm, rows, o)
                _input_transform_loop(x[i:j], vi, tmp, top, left, th, tw)
                _output_grad_loop(dy[i:j], dmi, tmp_out, th, tw)
                xp.matmul(vi.transpose(0, 2, 1), dmi, out=part)
                sums[p] += part
    parallel.split(piece, count, 1)
    du = sums.sum(axis=0) if count > 1 else sums[0]
    # G^T dU G of every (Cin, Cout) pair: kron(G, G)^T @ dU, one GEMM (as filter_transform)
    gg = xp.asarray(_GG.T, dtype=x.dtype)
    return (gg @ du.reshape(16, c * o)).reshape(3, 3, c, o)
