"""Fused recurrences: a whole LSTM, GRU or (tanh) SimpleRNN sequence as one op, its
gradient as another.

A recurrent layer that runs its cell as a loop of small ops pays Python dispatch for every
op of every timestep, forward and backward. These ops run the recurrence inside one
kernel, the way cuDNN and TensorFlow's BlockLSTM do:
- the input projection `x @ kernel` of every timestep is one GEMM done *before*
  the op by the caller (it is an ordinary matmul and differentiates as one), so the op
  receives `xw` of shape `(time, batch, gates * units)` (time-major) and each step does
  only `h @ recurrent_kernel`, the bias, the gate nonlinearities and the state update in
  place (the GRU op takes the input bias inside `xw`);
- the forward op keeps every step's gate activations as an extra output, so the gradient
  kernel never recomputes them; it walks the sequence backwards once and ends with one
  GEMM for the recurrent kernel's gradient over all timesteps.
A `(time, batch)` boolean mask keeps a sample's previous states at its masked steps (how
Keras masks and TF1's `sequence_length` work). Gate orders are Keras 3's: LSTM i, f, c, o;
GRU z, r, h. The activations are the standard ones (tanh and sigmoid); layers with other
activations use the general loop.

The gradient ops have no gradient of their own (as TensorFlow's BlockLSTMGrad): second
derivatives through a fused recurrence come back unconnected.

With Numba installed (`ndflow.util.jit`), the LSTM's per-step arithmetic and the GRU's
inference steps run as a few compiled passes (`rnn_kernels_jit`) around NumPy's GEMM and
SIMD tanh, with the same numbers as the NumPy code. The LSTM op can also read its input
projections as rows of a projected embedding table (`lookup`), which the layers use in
training when an Embedding feeds the LSTM (keras/layers/rnn/fused.py).
"""
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape
from . import rnn_kernels_jit as K
from .array_ops import zeros_like
from .embedding_ops import GATHER_ROWS_GRAD

_NO = {}


def _dims(t):
    s = t.shape
    return [None] * 3 if s.rank is None else list(s.dims)


def _seq_infer(n_states, gate_mult):
    def infer(ts, attrs):
        time, batch, _ = _dims(ts[0])
        units = ts[1].shape.dims[-1] if ts[1].shape.rank else None
        seq = TensorShape([time, batch, units])
        gates = TensorShape([time, batch, None if units is None else gate_mult * units])
        return [(seq, ts[0].dtype)] * n_states + [(gates, ts[0].dtype)]
    return infer


def _c_order(xp, a):
    """`a` in C order: the per-step GEMM `h @ a` on a Fortran-ordered kernel (a transposed
    array given to set_weights, say) is ~1.8x slower at batch 16 (150 against 86 us)."""
    return a if a.flags.c_contiguous else xp.ascontiguousarray(a)


# --- LSTM ----------------------------------------------------------------------------------

def _lstm_infer(ts, attrs):
    if attrs.get("lookup"):  # ts[5]: the (time, batch) ids of the table ts[0]
        time, batch = list(ts[5].shape.dims) if ts[5].shape.rank == 2 else [None, None]
    else:
        time, batch, _ = _dims(ts[0])
    units = ts[1].shape.dims[-1] if ts[1].shape.rank else None
    seq = TensorShape([time, batch, units])
    gates = TensorShape([time, 4, batch, units] if attrs.get("keep_gates", True) else [0])
    return [(seq, ts[0].dtype)] * 2 + [(gates, ts[0].dtype)]


def _lookup_ids(xp, table, ids):
    rows = table.shape[0]
    if ids.size and (ids.min() < 0 or ids.max() >= rows):
        bad = ids[(ids < 0) | (ids >= rows)].reshape(-1)[0]
        raise InvalidArgumentError(f"LSTMSequence: ids contain {int(bad)}, which is not in "
                                   f"[0, {rows}) (the rows of the projected table).")
    return xp.ascontiguousarray(ids)


@op("LSTMSequence", multi_output=True, infer=_lstm_infer)
def LSTM_SEQUENCE(xp, xw, h0, c0, recurrent_kernel, bias, *mask, keep_gates=True,
                  lookup=False):
    """(hs, cs, gates): the states after every step and, gate-major `(time, 4, batch,
    units)` so that every block is contiguous, the activations i, f, c~, o
    (`keep_gates=False`, for inference: no gates, an empty array).

    With `lookup`, xw is a projected table `(rows, 4 units)` and the first input after the
    bias the `(time, batch)` ids of its rows (step t's projections are `xw[ids[t]]`, read
    row by row from the table, which stays in cache, instead of a `(time, batch, 4 units)`
    array made beforehand).

    Per step: one GEMM into a (batch, 4 units) block, the input projection and the bias
    (repeated per row once: NumPy's broadcasting loops are 2-3x slower than same-shape
    ones) added, one copy to the gate-major blocks, then every operation on contiguous
    blocks with scalars: sigmoid(x) as 0.5 * tanh(x / 2) + 0.5 (equal to float rounding),
    one tanh over all four blocks."""
    if lookup:
        ids, mask = _lookup_ids(xp, xw, mask[0]), mask[1:]
        (steps, batch), width = ids.shape, xw.shape[1]
    else:
        ids, (steps, batch, width) = None, xw.shape
    recurrent_kernel = _c_order(xp, recurrent_kernel)
    n = width // 4
    dtype = xw.dtype
    hs = xp.empty((steps, batch, n), dtype)
    cs = xp.empty_like(hs)
    gates = xp.empty((steps, 4, batch, n) if keep_gates else (0,), dtype)
    scratch = None if keep_gates else xp.empty((4, batch, n), dtype)
    z = xp.empty((batch, width), dtype)
    z_gm = z.reshape(batch, 4, n).transpose(1, 0, 2)
    bias_rows = xp.empty_like(z)
    bias_rows[...] = bias
    ig, tc = xp.empty((batch, n), dtype), xp.empty((batch, n), dtype)
    dropped = ~mask[0][:, :, None] if mask else None
    if not mask and K.usable(xp, xw, h0, c0, recurrent_kernel, bias):
        _lstm_forward_jit(xp, xw, ids, h0, c0, recurrent_kernel, bias, hs, cs, gates, scratch,
                          z)
        return [hs, cs, gates]
    rows = xp.empty_like(z) if lookup else None
    h, c = h0, c0
    for t in range(steps):
        gm = gates[t] if keep_gates else scratch
        xp.matmul(h, recurrent_kernel, out=z)
        z += xp.take(xw, ids[t], axis=0, out=rows) if lookup else xw[t]
        z += bias_rows
        xp.copyto(gm, z_gm)
        sig_if, sig_o = gm[:2], gm[3]
        sig_if *= 0.5
        sig_o *= 0.5
        xp.tanh(gm, out=gm)
        for s in (sig_if, sig_o):
            s *= 0.5
            s += 0.5
        c_new, h_new = cs[t], hs[t]
        xp.multiply(gm[1], c, out=c_new)
        xp.multiply(gm[0], gm[2], out=ig)
        c_new += ig
        if mask:  # masked samples keep their previous states
            xp.copyto(c_new, c, where=dropped[t])
        xp.tanh(c_new, out=tc)
        xp.multiply(tc, gm[3], out=h_new)
        if mask:
            xp.copyto(h_new, h, where=dropped[t])
        h, c = h_new, c_new
    return [hs, cs, gates]


def _lstm_forward_jit(xp, xw, ids, h0, c0, recurrent_kernel, bias, hs, cs, gates, scratch, z):
    """LSTM_SEQUENCE's loop (no mask) with the arithmetic passes compiled (rnn_kernels_jit),
    the same numbers: per step the GEMM, one pass for the gate inputs (projection, bias,
    gate-major copy and the sigmoids' halving), NumPy's SIMD tanh over the four gates, the
    sigmoids finished and the cell state in two passes, NumPy's tanh of it and the product
    with o."""
    half = xw.dtype.type(0.5)
    tc = xp.empty_like(h0)
    h, c = h0, c0
    for t in range(len(hs)):
        gm = scratch if scratch is not None else gates[t]
        xp.matmul(h, recurrent_kernel, out=z)
        if ids is None:
            K.lstm_gate_inputs(z, xw[t], bias, gm, half)
        else:
            K.lstm_gate_inputs_rows(z, xw, ids[t], bias, gm, half)
        xp.tanh(gm, out=gm)
        K.sigmoid_finish(gm[:2].reshape(-1), half)
        K.sigmoid_finish(gm[3].reshape(-1), half)
        K.lstm_cell_state(gm, c, cs[t])
        xp.tanh(cs[t], out=tc)
        xp.multiply(tc, gm[3], out=hs[t])
        h, c = hs[t], cs[t]


def _lstm_grad_infer(ts, attrs):
    time, batch, _ = _dims(ts[3])
    width = ts[2].shape.dims[-1] if ts[2].shape.rank else None
    return [(TensorShape([time, batch, width]), ts[3].dtype), (ts[0].shape, ts[0].dtype),
            (ts[1].shape, ts[1].dtype), (ts[2].shape, ts[2].dtype),
            (TensorShape([width]), ts[3].dtype)]


@op("LSTMSequenceGrad", multi_output=True, differentiable=False, infer=_lstm_grad_infer)
def LSTM_SEQUENCE_GRAD(xp, h0, c0, recurrent_kernel, hs, cs, gates, g_hs, g_cs, *mask):
    """(d xw, d h0, d c0, d recurrent_kernel, d bias) from the gradients of hs and cs.

    One walk back over time with preallocated buffers and every product in place on
    contiguous (batch, units) blocks; per step one copy of the gate gradients into the
    (batch, 4 units) row the GEMM through the recurrent kernel (a contiguous transpose)
    reads."""
    steps, _, batch, n = gates.shape
    width = 4 * n
    dtype = gates.dtype
    d_z = xp.empty((steps, batch, width), dtype)
    dh = xp.zeros_like(h0)     # the gradient reaching h_t (from above and from step t+1)
    dc = xp.zeros_like(c0)
    d_b = xp.zeros(width, dtype)
    a, b, tc = (xp.empty((batch, n), dtype) for _ in range(3))
    dg = xp.empty((4, batch, n), dtype)           # gate-major gradients i, f, c~, o
    pair = xp.empty((2, batch, n), dtype)
    pass_h, pass_c = (xp.empty((batch, n), dtype) for _ in range(2)) if mask else (None, None)
    dropped = ~mask[0][:, :, None] if mask else None
    u_t = xp.ascontiguousarray(recurrent_kernel.T)
    if not mask and K.usable(xp, gates, h0, c0, u_t, hs, cs, g_hs, g_cs):
        row_sum = xp.empty(width, dtype)
        for t in range(steps - 1, -1, -1):
            dh += g_hs[t]  # NumPy's loop: g_hs is often a strided (batch-major) view
            if g_cs.ndim:
                dc += g_cs[t]
            xp.tanh(cs[t], out=tc)
            gm, dz = gates[t], d_z[t]
            K.lstm_output_grad(dh, dc, gm, tc, dz)
            K.lstm_cell_grad(dc, gm, cs[t - 1] if t else c0, dz)
            K.add_row_sum(d_b, dz, row_sum)
            xp.matmul(dz, u_t, out=dh)
        return [d_z, dh, dc, _recurrent_kernel_grad(xp, h0, hs, d_z), d_b]
    for t in range(steps - 1, -1, -1):
        dh += g_hs[t]
        if g_cs.ndim:  # a 0-d g_cs: no gradient reaches the cell states (the usual case)
            dc += g_cs[t]
        if mask:  # a masked step passes its states' gradients straight through
            drop = dropped[t]
            xp.copyto(pass_h, dh)
            xp.copyto(pass_c, dc)
            xp.copyto(dh, 0, where=drop)
            xp.copyto(dc, 0, where=drop)
        gm = gates[t]
        i, f, g, o = gm[0], gm[1], gm[2], gm[3]
        xp.tanh(cs[t], out=tc)
        xp.multiply(dh, o, out=a)                       # dh * o
        xp.multiply(a, tc, out=b)                       # dh * o * tanh(c)
        dc += a
        xp.multiply(b, o, out=dg[3])
        xp.subtract(b, dg[3], out=dg[3])                # dh * tanh(c) * o (1 - o)
        b *= tc
        dc -= b                                         # dc += dh * o * (1 - tanh(c)^2)
        xp.multiply(dc, g, out=pair[0])
        xp.multiply(dc, cs[t - 1] if t else c0, out=pair[1])
        xp.multiply(pair, gm[:2], out=dg[:2])
        xp.multiply(dg[:2], gm[:2], out=pair)
        xp.subtract(dg[:2], pair, out=dg[:2])           # [dc c~, dc c_prev] s (1 - s)
        xp.multiply(dc, i, out=a)
        xp.multiply(g, g, out=b)
        b *= a
        xp.subtract(a, b, out=dg[2])                    # dc * i * (1 - c~^2)
        dc *= f
        dz = d_z[t]
        xp.copyto(dz.reshape(batch, 4, n).transpose(1, 0, 2), dg)
        d_b += dz.sum(axis=0)
        xp.matmul(dz, u_t, out=dh)
        if mask:
            xp.copyto(dh, pass_h, where=drop)
            xp.copyto(dc, pass_c, where=drop)
    d_u = _recurrent_kernel_grad(xp, h0, hs, d_z)
    return [d_z, dh, dc, d_u, d_b]


def _previous_states(xp, h0, hs):
    """(time * batch, units): the state each step started from."""
    prev = xp.concatenate([h0[None], hs[:-1]], axis=0)
    return prev.reshape(-1, prev.shape[-1])


def _recurrent_kernel_grad(xp, h0, hs, d_z):
    """sum over t of h_{t-1}^T @ dz_t: one GEMM over steps 1.. (no copy of the states)."""
    n, width = hs.shape[-1], d_z.shape[-1]
    d_u = xp.matmul(h0.T, d_z[0])
    if len(hs) > 1:
        d_u += xp.matmul(hs[:-1].reshape(-1, n).T, d_z[1:].reshape(-1, width))
    return d_u


def _zeros_for(g, like):
    return zeros_like(like) if g is None else g


@LSTM_SEQUENCE.gradient
def _lstm_sequence_grad(op, g_hs, g_cs, g_gates):
    h0, c0, kernel = op.inputs[1:4]
    hs, cs, gates = op.outputs
    lookup = op.attrs.get("lookup", False)
    if not op.attrs.get("keep_gates", True):  # an inference run: compute the gates again
        gates = execute(LSTM_SEQUENCE, tuple(op.inputs), {"lookup": True} if lookup else _NO)[2]
    if g_cs is None:
        g_cs = zeros_like(cs[0, 0, 0])
    inputs = (h0, c0, kernel, hs, cs, gates, _zeros_for(g_hs, hs), g_cs)
    mask = tuple(op.inputs[6:] if lookup else op.inputs[5:])
    grads = list(execute(LSTM_SEQUENCE_GRAD, inputs + mask, _NO))
    if lookup:  # the rows' gradients summed into the table's: one pass, no GEMM
        table, ids = op.inputs[0], op.inputs[5]
        grads[0] = execute(GATHER_ROWS_GRAD, (grads[0], table, ids), _NO)
        grads.append(None)
    return grads + [None] * len(mask)


def lstm_sequence(xw, h0, c0, recurrent_kernel, bias, mask=None, keep_gates=True, ids=None,
                  name=None):
    """Runs an LSTM (Keras gate order i, f, c, o; tanh and sigmoid) over time.

    Args:
        xw: `(time, batch, 4 * units)` input projections `x_t @ kernel`; with `ids`, a
            `(rows, 4 * units)` table of projections (an embedding table times the kernel).
        h0, c0: `(batch, units)` initial states.
        recurrent_kernel: `(units, 4 * units)`.
        bias: `(4 * units,)` (zeros for a layer without bias).
        mask: Optional `(time, batch)` boolean tensor; `False` keeps the previous states.
        keep_gates: Whether the op keeps every step's gates for its gradient (`False`
            for inference: a gradient, if one is asked for, runs the forward pass again).
        ids: Optional `(time, batch)` integer rows of the table `xw`: step t's input
            projections are `xw[ids[t]]`.
        name: Optional op name.

    Returns:
        `(hs, cs)`: the `(time, batch, units)` hidden and cell states after every step.
    """
    inputs = (xw, h0, c0, recurrent_kernel, bias) + (() if ids is None else (ids,)) + \
        (() if mask is None else (mask,))
    attrs = {} if keep_gates else {"keep_gates": False}
    if ids is not None:
        attrs["lookup"] = True
    hs, cs, _ = execute(LSTM_SEQUENCE, inputs, attrs, name)
    return hs, cs


# --- GRU -----------------------------------------------------------------------------------

def _gru_gates(attrs):
    return 4 if attrs.get("reset_after", True) else 3


def _gru_infer(ts, attrs):
    time, batch, _ = _dims(ts[0])
    units = ts[1].shape.dims[-1] if ts[1].shape.rank else None
    gates = TensorShape([time, _gru_gates(attrs), batch, units])
    if not attrs.get("keep_gates", True):
        gates = TensorShape([0])
    return [(TensorShape([time, batch, units]), ts[0].dtype), (gates, ts[0].dtype)]


def _blocks(a, n):
    """A (batch, k * n) array as its k gate blocks, (k, batch, n) (a view)."""
    return a.reshape(a.shape[0], -1, n).transpose(1, 0, 2)


@op("GRUSequence", multi_output=True, infer=_gru_infer)
def GRU_SEQUENCE(xp, xw, h0, recurrent_kernel, recurrent_bias, *mask, reset_after=True,
                 keep_gates=True):
    """(hs, gates): the states after every step and, gate-major `(time, k, batch, units)`
    so that each block is contiguous, z, r, h~ (and, with `reset_after`, the recurrent
    projection of h~'s block, which the gradient of r needs). `keep_gates=False` (for
    inference) keeps no gates (an empty array)."""
    if not keep_gates:
        return [_gru_forward(xp, xw, h0, recurrent_kernel, recurrent_bias, mask, reset_after),
                xp.empty((0,), xw.dtype)]
    steps, batch, width = xw.shape
    recurrent_kernel = _c_order(xp, recurrent_kernel)
    n = width // 3
    hs = xp.empty((steps, batch, n), xw.dtype)
    gates = xp.empty((steps, 4 if reset_after else 3, batch, n), xw.dtype)
    u_zr, u_h = recurrent_kernel[:, :2 * n], recurrent_kernel[:, 2 * n:]
    inner = xp.empty((batch, 3 * n), xw.dtype)
    inner_b = _blocks(inner, n)
    dropped = ~mask[0][:, :, None] if mask else None
    h = h0
    for t in range(steps):
        g = gates[t]
        x = _blocks(xw[t], n)
        if reset_after:
            xp.matmul(h, recurrent_kernel, out=inner)
            inner += recurrent_bias
            xp.copyto(g[3], inner_b[2])
            xp.add(x[:2], inner_b[:2], out=g[:2])
            _sigmoid_by_tanh(xp, g[:2])
            hh = xp.multiply(g[1], g[3], out=g[2])
        else:
            xp.add(x[:2], _blocks(xp.matmul(h, u_zr), n), out=g[:2])
            _sigmoid_by_tanh(xp, g[:2])
            hh = xp.matmul(g[1] * h, u_h, out=g[2])
        hh += x[2]
        xp.tanh(hh, out=hh)
        h_new = hs[t]
        xp.subtract(h, hh, out=h_new)       # h~ + z * (h - h~) = z * h + (1 - z) * h~
        h_new *= g[0]
        h_new += hh
        if mask:
            xp.copyto(h_new, h, where=dropped[t])
        h = h_new
    return [hs, gates]


def _gru_forward(xp, xw, h0, recurrent_kernel, recurrent_bias, mask, reset_after):
    """The GRU's states alone (inference): per step the recurrent GEMM into one (batch,
    3 units) buffer (bias rows added same-shape), z and r gathered gate-major into one
    contiguous (2, batch, units) block with the input projections, every other pass on
    contiguous (batch, units) blocks."""
    steps, batch, width = xw.shape
    recurrent_kernel = _c_order(xp, recurrent_kernel)
    n = width // 3
    dtype = xw.dtype
    hs = xp.empty((steps, batch, n), dtype)
    inner = xp.empty((batch, width if reset_after else 2 * n), dtype)
    inner_gm = inner.reshape(batch, -1, n).transpose(1, 0, 2)
    zr = xp.empty((2, batch, n), dtype)
    z, r = zr[0], zr[1]
    hh = xp.empty((batch, n), dtype)
    x_gm = xw.reshape(steps, batch, 3, n).transpose(0, 2, 1, 3)   # (time, 3, batch, n) views
    if reset_after:
        bias_rows = xp.empty_like(inner)
        bias_rows[...] = recurrent_bias
        rec_h = inner_gm[2]
    else:
        u_zr, u_h = recurrent_kernel[:, :2 * n], recurrent_kernel[:, 2 * n:]
        rh = xp.empty((batch, n), dtype)
    dropped = ~mask[0][:, :, None] if mask else None
    h = h0
    if reset_after and not mask and K.usable(xp, xw, h0, recurrent_kernel, recurrent_bias):
        half, rec = dtype.type(0.5), xp.empty((batch, n), dtype)
        for t in range(steps):
            # the loop below, its arithmetic passes compiled (rnn_kernels_jit), same numbers
            xp.matmul(h, recurrent_kernel, out=inner)
            K.gru_gate_inputs(inner, recurrent_bias, xw[t], zr, rec, half)
            xp.tanh(zr, out=zr)
            K.gru_candidate_inputs(zr, rec, xw[t], hh, half)
            xp.tanh(hh, out=hh)
            K.gru_state(h, hh, z, hs[t])
            h = hs[t]
        return hs
    for t in range(steps):
        if reset_after:
            xp.matmul(h, recurrent_kernel, out=inner)
            inner += bias_rows
        else:
            xp.matmul(h, u_zr, out=inner)
        xt = x_gm[t]
        xp.add(inner_gm[:2], xt[:2], out=zr)
        _sigmoid_by_tanh(xp, zr)
        if reset_after:
            xp.multiply(r, rec_h, out=hh)
        else:
            xp.multiply(r, h, out=rh)
            xp.matmul(rh, u_h, out=hh)
        hh += xt[2]
        xp.tanh(hh, out=hh)
        h_new = hs[t]
        xp.subtract(h, hh, out=h_new)       # h~ + z * (h - h~) = z * h + (1 - z) * h~
        h_new *= z
        h_new += hh
        if mask:
            xp.copyto(h_new, h, where=dropped[t])
        h = h_new
    return hs


def _sigmoid_by_tanh(xp, v):
    """In place: sigmoid(v) as 0.5 * tanh(v / 2) + 0.5 (equal to float rounding)."""
    v *= 0.5
    xp.tanh(v, out=v)
    v *= 0.5
    v += 0.5


@op("GRUSequenceGrad", multi_output=True, differentiable=False,
    infer=lambda ts, a: [(TensorShape(None), ts[0].dtype), (ts[0].shape, ts[0].dtype),
                         (ts[1].shape, ts[1].dtype), (ts[2].shape, ts[2].dtype)])
def GRU_SEQUENCE_GRAD(xp, h0, recurrent_kernel, recurrent_bias, hs, gates, g_hs, *mask,
                      reset_after=True):
    """(d xw, d h0, d recurrent_kernel, d recurrent_bias) from the gradient of hs."""
    steps, _, batch, n = gates.shape
    d_x = xp.empty((steps, batch, 3 * n), gates.dtype)
    d_inner = xp.empty_like(d_x)   # gradient of h @ U (+ bias), per block
    # contiguous transposes: NumPy's GEMM on a transposed view is ~25% slower here
    contiguous = xp.ascontiguousarray
    if reset_after:
        u_t = contiguous(recurrent_kernel.T)
    else:
        u_zr_t, u_h_t = contiguous(recurrent_kernel[:, :2 * n].T), \
            contiguous(recurrent_kernel[:, 2 * n:].T)
    dh = xp.zeros_like(h0)
    for t in range(steps - 1, -1, -1):
        dh = dh + g_hs[t]
        h_prev = hs[t - 1] if t else h0
        zt, r, hh = gates[t, 0], gates[t, 1], gates[t, 2]
        if mask:
            keep = mask[0][t][:, None]
            dh_step = xp.where(keep, dh, 0)
        else:
            dh_step = dh
        dx = d_x[t]
        xp.multiply(dh_step * (h_prev - hh), zt * (1 - zt), out=dx[:, :n])
        xp.multiply(dh_step * (1 - zt), 1 - hh * hh, out=dx[:, 2 * n:])
        d_hh = dx[:, 2 * n:]
        new_dh = dh_step * zt
        if reset_after:
            xp.multiply(d_hh * gates[t, 3], r * (1 - r), out=dx[:, n:2 * n])
            di = d_inner[t]
            di[:, :2 * n] = dx[:, :2 * n]
            xp.multiply(d_hh, r, out=di[:, 2 * n:])
            new_dh += xp.matmul(di, u_t)
        else:
            d_rh = xp.matmul(d_hh, u_h_t)
            xp.multiply(d_rh * h_prev, r * (1 - r), out=dx[:, n:2 * n])
            new_dh += d_rh * r
            new_dh += xp.matmul(dx[:, :2 * n], u_zr_t)
        if mask:
            new_dh += xp.where(keep, 0, dh)
        dh = new_dh
    prev = _previous_states(xp, h0, hs)
    if reset_after:
        flat = d_inner.reshape(-1, 3 * n)
        d_u = xp.matmul(prev.T, flat)
        d_b = flat.sum(axis=0)
    else:
        flat = d_x.reshape(-1, 3 * n)
        r_prev = gates[:, 1].reshape(-1, n) * prev
        d_u = xp.concatenate([xp.matmul(prev.T, flat[:, :2 * n]),
                              xp.matmul(r_prev.T, flat[:, 2 * n:])], axis=1)
        d_b = xp.zeros_like(recurrent_bias)
    return [d_x, dh, d_u, d_b]


@GRU_SEQUENCE.gradient
def _gru_sequence_grad(op, g_hs, g_gates):
    xw, h0, kernel, bias = op.inputs[:4]
    hs, gates = op.outputs
    reset_after = op.attrs.get("reset_after", True)
    if not op.attrs.get("keep_gates", True):  # an inference run: compute the gates again
        gates = execute(GRU_SEQUENCE, tuple(op.inputs), {"reset_after": reset_after})[1]
    inputs = (h0, kernel, bias, hs, gates, _zeros_for(g_hs, hs)) + tuple(op.inputs[4:])
    d_x, d_h0, d_u, d_b = execute(GRU_SEQUENCE_GRAD, inputs, {"reset_after": reset_after})
    return [d_x, d_h0, d_u, d_b if reset_after else None] + [None] * (len(op.inputs) - 4)


def gru_sequence(xw, h0, recurrent_kernel, recurrent_bias, mask=None, reset_after=True,
                 keep_gates=True, name=None):
    """Runs a GRU (Keras gate order z, r, h; tanh and sigmoid) over time.

    Args:
        xw: `(time, batch, 3 * units)` input projections `x_t @ kernel + input_bias`.
        h0: `(batch, units)` initial state.
        recurrent_kernel: `(units, 3 * units)`.
        recurrent_bias: `(3 * units,)`, added to `h @ recurrent_kernel` (`reset_after`
            only; pass zeros otherwise).
        mask: Optional `(time, batch)` boolean tensor; `False` keeps the previous state.
        reset_after: Whether the reset gate applies after the recurrent matmul (Keras 3's
            default) or before it.
        keep_gates: Whether the op keeps every step's gates for its gradient (`False`
            for inference: a gradient, if one is asked for, runs the forward pass again).
        name: Optional op name.

    Returns:
        The `(time, batch, units)` states after every step.
    """
    inputs = (xw, h0, recurrent_kernel, recurrent_bias) + (() if mask is None else (mask,))
    attrs = {"reset_after": bool(reset_after)}
    if not keep_gates:
        attrs["keep_gates"] = False
    return execute(GRU_SEQUENCE, inputs, attrs, name)[0]


# --- SimpleRNN -----------------------------------------------------------------------------

def _simple_infer(ts, attrs):
    units = ts[1].shape.dims[-1] if ts[1].shape.rank else None
    return [(TensorShape(_dims(ts[0])[:2] + [units]), ts[0].dtype)]


@op("SimpleRNNSequence", infer=_simple_infer)
def SIMPLE_RNN_SEQUENCE(xp, xw, h0, recurrent_kernel, *mask):
    """The states h_t = tanh(xw_t + h_{t-1} @ recurrent_kernel) after every step."""
    steps, batch, n = xw.shape
    recurrent_kernel = _c_order(xp, recurrent_kernel)
    hs = xp.empty((steps, batch, n), xw.dtype)
    h = h0
    for t in range(steps):
        h_new = hs[t] if not mask else xp.empty_like(h0)
        xp.matmul(h, recurrent_kernel, out=h_new)
        h_new += xw[t]
        xp.tanh(h_new, out=h_new)
        if mask:
            xp.copyto(hs[t], xp.where(mask[0][t][:, None], h_new, h))
        h = hs[t]
    return hs


@op("SimpleRNNSequenceGrad", multi_output=True, differentiable=False,
    infer=lambda ts, a: [(ts[2].shape, ts[2].dtype), (ts[0].shape, ts[0].dtype),
                         (ts[1].shape, ts[1].dtype)])
def SIMPLE_RNN_SEQUENCE_GRAD(xp, h0, recurrent_kernel, hs, g_hs, *mask):
    """(d xw, d h0, d recurrent_kernel) from the gradient of hs."""
    d_z = xp.empty_like(hs)
    dh = xp.zeros_like(h0)
    u_t = xp.ascontiguousarray(recurrent_kernel.T)
    for t in range(len(hs) - 1, -1, -1):
        dh = dh + g_hs[t]
        if mask:
            keep = mask[0][t][:, None]
            dh_step = xp.where(keep, dh, 0)
        else:
            dh_step = dh
        xp.multiply(dh_step, 1 - hs[t] * hs[t], out=d_z[t])
        new_dh = xp.matmul(d_z[t], u_t)
        if mask:
            new_dh += xp.where(keep, 0, dh)
        dh = new_dh
    return [d_z, dh, _recurrent_kernel_grad(xp, h0, hs, d_z)]


@SIMPLE_RNN_SEQUENCE.gradient
def _simple_rnn_sequence_grad(op, g_hs):
    h0, kernel = op.inputs[1:3]
    hs = op.outputs[0]
    inputs = (h0, kernel, hs, _zeros_for(g_hs, hs)) + tuple(op.inputs[3:])
    grads = execute(SIMPLE_RNN_SEQUENCE_GRAD, inputs, _NO)
    return list(grads) + [None] * (len(op.inputs) - 3)


def simple_rnn_sequence(xw, h0, recurrent_kernel, mask=None, name=None):
    """Runs a tanh SimpleRNN over time.

    Args:
        xw: `(time, batch, units)` input projections `x_t @ kernel + bias`.
        h0: `(batch, units)` initial state.
        recurrent_kernel: `(units, units)`.
        mask: Optional `(time, batch)` boolean tensor; `False` keeps the previous state.
        name: Optional op name.

    Returns:
        The `(time, batch, units)` states after every step.
    """
    inputs = (xw, h0, recurrent_kernel) + (() if mask is None else (mask,))
    return execute(SIMPLE_RNN_SEQUENCE, inputs, _NO, name)
