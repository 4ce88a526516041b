"""Compiled per-step gate math of the fused LSTM op (`ndflow.ops.rnn_ops`).

NumPy makes one pass over memory per operation: an LSTM step's gate math is about a dozen
passes forward and twenty backward, over (batch, units) blocks, around each step's GEMM.
These Numba loops (`ndflow.util.jit`, compiled on first use) fuse the passes that are
plain arithmetic; the tanh passes stay NumPy's, which are SIMD (Numba's scalar tanh is not,
and would not give NumPy's numbers). Each loop does, element by element, the same float
operations in the same order as the NumPy code it replaces (every intermediate rounded to
the array dtype, no fastmath), so both paths give the same numbers.
"""
from ..util import jit


def usable(xp, *arrays):
    """Whether the compiled kernels run for these arrays: Numba on, NumPy arrays (a CuPy
    device takes the xp path), all float32 or all float64."""
    dtype = arrays[0].dtype
    return jit.enabled() and xp.__name__ == "numpy" and dtype.kind == "f" and \
        dtype.itemsize in (4, 8) and all(a.dtype == dtype for a in arrays)


# The loops run over one row of one gate block at a time, with few arrays per loop: LLVM
# vectorizes a loop only when it can check at run time that its outputs overlap none of its
# inputs, and gives up beyond a handful of arrays (scalar code then runs ~3x slower).

@jit.kernel
def lstm_gate_inputs(z, xw_t, bias, gm, half):
    """gm[k] = (z[:, k] + xw_t[:, k] + bias[k]) gate-major, times `half` for the sigmoid
    gates i, f, o (sigmoid(x) = tanh(x / 2) / 2 + 1/2; the caller runs the tanh; times 1
    for c~ changes nothing)."""
    batch, width = z.shape
    n = width // 4
    one = half + half
    for k in range(4):
        scale = one if k == 2 else half
        lo, hi = k * n, (k + 1) * n
        bias_k = bias[lo:hi]
        for b in range(batch):
            zr, xr, out = z[b, lo:hi], xw_t[b, lo:hi], gm[k, b]
            for j in range(n):
                out[j] = ((zr[j] + xr[j]) + bias_k[j]) * scale


@jit.kernel
def lstm_gate_inputs_rows(z, table, ids_t, bias, gm, half):
    """lstm_gate_inputs with xw_t = table[ids_t] (rows of a projected table)."""
    batch, width = z.shape
    n = width // 4
    one = half + half
    for k in range(4):
        scale = one if k == 2 else half
        lo, hi = k * n, (k + 1) * n
        bias_k = bias[lo:hi]
        for b in range(batch):
            zr, xr, out = z[b, lo:hi], table[ids_t[b], lo:hi], gm[k, b]
            for j in range(n):
                out[j] = ((zr[j] + xr[j]) + bias_k[j]) * scale


@jit.kernel
def sigmoid_finish(v, half):
    """In place over a flat block: v * 1/2 + 1/2 (after tanh(x / 2))."""
    for j in range(v.size):
        v[j] = v[j] * half + half


@jit.kernel
def lstm_cell_state(gm, c, c_new):
    """c_new = f * c + i * c~ (gates finished)."""
    _, batch, n = gm.shape
    for b in range(batch):
        i, f, g, cr, out = gm[0, b], gm[1, b], gm[2, b], c[b], c_new[b]
        for j in range(n):
            out[j] = f[j] * cr[j] + i[j] * g[j]


@jit.kernel
def lstm_output_grad(dh, dc, gm, tc, dz):
    """Through h = o * tanh(c), dh the gradient reaching h: the gradient of o into dz's o
    block, and dc (in place) plus the part reaching c."""
    batch, n = dh.shape
    for b in range(batch):
        dhr, dcr, o, t = dh[b], dc[b], gm[3, b], tc[b]
        d_o = dz[b, 3 * n:]
        for j in range(n):
            a = dhr[j] * o[j]
            p = a * t[j]
            d_o[j] = p - p * o[j]
            dcr[j] = (dcr[j] + a) - p * t[j]


@jit.kernel
def lstm_cell_grad(dc, gm, c_prev, dz):
    """Through c = f * c_prev + i * c~: the gradients of i, f and c~ into dz's blocks, and
    dc (in place) carried to c_prev."""
    batch, n = dc.shape
    for b in range(batch):
        dcr, cp = dc[b], c_prev[b]
        i, f, g = gm[0, b], gm[1, b], gm[2, b]
        d_i, d_f, d_g = dz[b, :n], dz[b, n:2 * n], dz[b, 2 * n:3 * n]
        for j in range(n):
            c_grad = dcr[j]
            v = (c_grad * g[j]) * i[j]
            d_i[j] = v - v * i[j]
            v = (c_grad * cp[j]) * f[j]
            d_f[j] = v - v * f[j]
            v = c_grad * i[j]
            d_g[j] = v - (g[j] * g[j]) * v
            dcr[j] = c_grad * f[j]


@jit.kernel
def add_row_sum(d_b, dz, row_sum):
    """d_b += dz.sum(axis=0), summing row by row as NumPy does."""
    batch, width = dz.shape
    first = dz[0]
    for col in range(width):
        row_sum[col] = first[col]
    for b in range(1, batch):
        r = dz[b]
        for col in range(width):
            row_sum[col] = row_sum[col] + r[col]
    for col in range(width):
        d_b[col] = d_b[col] + row_sum[col]


# --- GRU (reset_after, states only: inference) ---------------------------------------------

@jit.kernel
def gru_gate_inputs(inner, bias, xw_t, zr, rec, half):
    """zr[k] = ((inner[:, k] + bias[k]) + xw_t[:, k]) * 1/2 for z and r (the caller runs the
    tanh), and rec = inner[:, h] + bias[h], the recurrent projection of h~'s block."""
    batch, width = inner.shape
    n = width // 3
    for k in range(2):
        lo, hi = k * n, (k + 1) * n
        bias_k = bias[lo:hi]
        for b in range(batch):
            ir, xr, out = inner[b, lo:hi], xw_t[b, lo:hi], zr[k, b]
            for j in range(n):
                out[j] = ((ir[j] + bias_k[j]) + xr[j]) * half
    bias_h = bias[2 * n:]
    for b in range(batch):
        ir, out = inner[b, 2 * n:], rec[b]
        for j in range(n):
            out[j] = ir[j] + bias_h[j]


@jit.kernel
def gru_candidate_inputs(zr, rec, xw_t, hh, half):
    """After the tanh: z and r finished in place (t * 1/2 + 1/2), hh = r * rec + xw_t[:, h]
    (the caller runs its tanh)."""
    _, batch, n = zr.shape
    for b in range(batch):
        z, r, rr, xr, out = zr[0, b], zr[1, b], rec[b], xw_t[b, 2 * n:], hh[b]
        for j in range(n):
            z[j] = z[j] * half + half
            r_j = r[j] * half + half
            r[j] = r_j
            out[j] = r_j * rr[j] + xr[j]


@jit.kernel
def gru_state(h, hh, z, h_new):
    """h_new = (h - h~) * z + h~ (= z * h + (1 - z) * h~)."""
    batch, n = h.shape
    for b in range(batch):
        hr, cr, zr_, out = h[b], hh[b], z[b], h_new[b]
        for j in range(n):
            out[j] = (hr[j] - cr[j]) * zr_[j] + cr[j]
