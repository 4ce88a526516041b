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
"""
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape
from .array_ops import zeros_like

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


# --- LSTM ----------------------------------------------------------------------------------

@op("LSTMSequence", multi_output=True, infer=_seq_infer(2, 4))
def LSTM_SEQUENCE(xp, xw, h0, c0, recurrent_kernel, bias, *mask):
    """(hs, cs, gates): the states after every step and the activations i, f, c~, o."""
    steps, batch, width = xw.shape
    n = width // 4
    hs = xp.empty((steps, batch, n), xw.dtype)
    cs = xp.empty_like(hs)
    gates = xp.empty((steps, batch, width), xw.dtype)
    # all four gates in three passes over one contiguous block: sigmoid(x) is
    # 0.5 * tanh(x / 2) + 0.5 (equal to float rounding), the c~ block a plain tanh
    scale, shift = _gate_affine(xp, n, xw.dtype)
    h, c = h0, c0
    for t in range(steps):
        z = gates[t]
        xp.matmul(h, recurrent_kernel, out=z)
        z += xw[t]
        z += bias
        z *= scale
        xp.tanh(z, out=z)
        z *= scale
        z += shift
        c_new, h_new = (cs[t], hs[t]) if not mask else (xp.empty_like(c0), xp.empty_like(h0))
        xp.multiply(z[:, n:2 * n], c, out=c_new)
        c_new += z[:, :n] * z[:, 2 * n:3 * n]
        xp.tanh(c_new, out=h_new)
        h_new *= z[:, 3 * n:]
        if mask:
            keep = mask[0][t][:, None]
            xp.copyto(cs[t], xp.where(keep, c_new, c))
            xp.copyto(hs[t], xp.where(keep, h_new, h))
        h, c = hs[t], cs[t]
    return [hs, cs, gates]


def _gate_affine(xp, n, dtype):
    """(scale, shift) rows turning tanh into sigmoid on the i, f, o blocks."""
    scale = xp.full((4 * n,), 0.5, dtype)
    scale[2 * n:3 * n] = 1
    shift = scale.copy()
    shift[2 * n:3 * n] = 0
    return scale, shift


@op("LSTMSequenceGrad", multi_output=True, differentiable=False,
    infer=lambda ts, a: [(ts[5].shape, ts[5].dtype), (ts[0].shape, ts[0].dtype),
                         (ts[1].shape, ts[1].dtype), (ts[2].shape, ts[2].dtype),
                         (TensorShape([ts[5].shape.dims[-1] if ts[5].shape.rank else None]),
                          ts[5].dtype)])
def LSTM_SEQUENCE_GRAD(xp, h0, c0, recurrent_kernel, hs, cs, gates, g_hs, g_cs, *mask):
    """(d xw, d h0, d c0, d recurrent_kernel, d bias) from the gradients of hs and cs."""
    steps, batch, width = gates.shape
    n = width // 4
    d_z = xp.empty_like(gates)
    dh = xp.zeros_like(h0)
    dc = xp.zeros_like(c0)
    d_b = xp.zeros(width, gates.dtype)
    u_t = recurrent_kernel.T
    for t in range(steps - 1, -1, -1):
        dh = dh + g_hs[t]
        if g_cs.ndim:  # a 0-d g_cs: no gradient reaches the cell states (the usual case)
            dc = dc + g_cs[t]
        c_prev = cs[t - 1] if t else c0
        z = gates[t]
        i, f, g, o = z[:, :n], z[:, n:2 * n], z[:, 2 * n:3 * n], z[:, 3 * n:]
        if mask:  # a masked step passes its states' gradients straight through
            keep = mask[0][t][:, None]
            dh_step, dc_step = xp.where(keep, dh, 0), xp.where(keep, dc, 0)
        else:
            dh_step, dc_step = dh, dc
        tanh_c = xp.tanh(cs[t])
        dz = d_z[t]
        xp.multiply(dh_step * tanh_c, o * (1 - o), out=dz[:, 3 * n:])
        dc_step = dc_step + dh_step * o * (1 - tanh_c * tanh_c)
        xp.multiply(dc_step * g, i * (1 - i), out=dz[:, :n])
        xp.multiply(dc_step * c_prev, f * (1 - f), out=dz[:, n:2 * n])
        xp.multiply(dc_step * i, 1 - g * g, out=dz[:, 2 * n:3 * n])
        new_dc = dc_step * f
        new_dh = xp.matmul(dz, u_t)
        d_b += dz.sum(axis=0)
        if mask:
            new_dc += xp.where(keep, 0, dc)
            new_dh += xp.where(keep, 0, dh)
        dh, dc = new_dh, new_dc
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
    if g_cs is None:
        g_cs = zeros_like(cs[0, 0, 0])
    inputs = (h0, c0, kernel, hs, cs, gates, _zeros_for(g_hs, hs), g_cs)
    grads = execute(LSTM_SEQUENCE_GRAD, inputs + tuple(op.inputs[5:]), _NO)
    return list(grads) + [None] * (len(op.inputs) - 5)


def lstm_sequence(xw, h0, c0, recurrent_kernel, bias, mask=None, name=None):
    """Runs an LSTM (Keras gate order i, f, c, o; tanh and sigmoid) over time.

    Args:
        xw: `(time, batch, 4 * units)` input projections `x_t @ kernel`.
        h0, c0: `(batch, units)` initial states.
        recurrent_kernel: `(units, 4 * units)`.
        bias: `(4 * units,)` (zeros for a layer without bias).
        mask: Optional `(time, batch)` boolean tensor; `False` keeps the previous states.
        name: Optional op name.

    Returns:
        `(hs, cs)`: the `(time, batch, units)` hidden and cell states after every step.
    """
    inputs = (xw, h0, c0, recurrent_kernel, bias) + (() if mask is None else (mask,))
    hs, cs, _ = execute(LSTM_SEQUENCE, inputs, _NO, name)
    return hs, cs


# --- GRU -----------------------------------------------------------------------------------

def _gru_gates(attrs):
    return 4 if attrs.get("reset_after", True) else 3


def _gru_infer(ts, attrs):
    time, batch, _ = _dims(ts[0])
    units = ts[1].shape.dims[-1] if ts[1].shape.rank else None
    return [(TensorShape([time, batch, units]), ts[0].dtype),
            (TensorShape([time, _gru_gates(attrs), batch, units]), ts[0].dtype)]


def _blocks(a, n):
    """A (batch, k * n) array as its k gate blocks, (k, batch, n) (a view)."""
    return a.reshape(a.shape[0], -1, n).transpose(1, 0, 2)


@op("GRUSequence", multi_output=True, infer=_gru_infer)
def GRU_SEQUENCE(xp, xw, h0, recurrent_kernel, recurrent_bias, *mask, reset_after=True):
    """(hs, gates): the states after every step and, gate-major `(time, k, batch, units)`
    so that each block is contiguous, z, r, h~ (and, with `reset_after`, the recurrent
    projection of h~'s block, which the gradient of r needs)."""
    steps, batch, width = xw.shape
    n = width // 3
    hs = xp.empty((steps, batch, n), xw.dtype)
    gates = xp.empty((steps, 4 if reset_after else 3, batch, n), xw.dtype)
    u_zr, u_h = recurrent_kernel[:, :2 * n], recurrent_kernel[:, 2 * n:]
    inner = xp.empty((batch, 3 * n), xw.dtype)
    inner_b = _blocks(inner, n)
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
        h_new = hs[t] if not mask else xp.empty_like(h0)
        xp.subtract(h, hh, out=h_new)       # h~ + z * (h - h~) = z * h + (1 - z) * h~
        h_new *= g[0]
        h_new += hh
        if mask:
            xp.copyto(hs[t], xp.where(mask[0][t][:, None], h_new, h))
        h = hs[t]
    return [hs, gates]


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
    u_t = recurrent_kernel.T
    u_zr_t, u_h_t = recurrent_kernel[:, :2 * n].T, recurrent_kernel[:, 2 * n:].T
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
    inputs = (h0, kernel, bias, hs, gates, _zeros_for(g_hs, hs)) + tuple(op.inputs[4:])
    d_x, d_h0, d_u, d_b = execute(GRU_SEQUENCE_GRAD, inputs, {"reset_after": reset_after})
    return [d_x, d_h0, d_u, d_b if reset_after else None] + [None] * (len(op.inputs) - 4)


def gru_sequence(xw, h0, recurrent_kernel, recurrent_bias, mask=None, reset_after=True,
                 name=None):
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
        name: Optional op name.

    Returns:
        The `(time, batch, units)` states after every step.
    """
    inputs = (xw, h0, recurrent_kernel, recurrent_bias) + (() if mask is None else (mask,))
    return execute(GRU_SEQUENCE, inputs, {"reset_after": bool(reset_after)}, name)[0]


# --- SimpleRNN -----------------------------------------------------------------------------

def _simple_infer(ts, attrs):
    units = ts[1].shape.dims[-1] if ts[1].shape.rank else None
    return [(TensorShape(_dims(ts[0])[:2] + [units]), ts[0].dtype)]


@op("SimpleRNNSequence", infer=_simple_infer)
def SIMPLE_RNN_SEQUENCE(xp, xw, h0, recurrent_kernel, *mask):
    """The states h_t = tanh(xw_t + h_{t-1} @ recurrent_kernel) after every step."""
    steps, batch, n = xw.shape
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
    u_t = recurrent_kernel.T
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
