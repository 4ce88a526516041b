"""ONNX conversions of the fused recurrences (LSTM/GRU/SimpleRNNSequence) and of the shape
plumbing around them (Shape, Fill, ReshapeDynamic, ReverseV2, GatherV2 and NotEqual for Embedding).

The LSTM and GRU layers trace to `x @ kernel` for every timestep (one MatMul), then one
fused op over time. ONNX's `LSTM` / `GRU` ops take the input kernel themselves, so the
converter looks through the projection to `x` and `kernel` and hands both to the ONNX op
(the MatMul is left without consumers); if the projection has another form, the ONNX op
gets the projections with an identity input kernel instead. Weight layouts:
- LSTM: Keras gates i, f, c, o along the columns; ONNX wants `W [1, 4h, in]`,
  `R [1, 4h, h]` with gates i, o, f, c along the rows, and `B [1, 8h]` (input and
  recurrent biases; ndflow's single bias goes to the input half).
- GRU: the gate order z, r, h is ONNX's too; Keras `reset_after=True` is ONNX
  `linear_before_reset=1` with the bias pair `(input, recurrent)` as `B`.
- SimpleRNN (tanh): ONNX `RNN` with `activations=["Tanh"]`.
Masked sequences are not exported (ONNX takes lengths, not masks): UnimplementedError.
"""
import numpy as np

from ..framework.errors import UnimplementedError
from .onnx_ops import converts

_INT64 = 7   # onnx.TensorProto.INT64
_INT32 = 6


# --- shape plumbing --------------------------------------------------------------------------

@converts("Shape")
def _shape(b, op, ins):
    shape = b.node("Shape", ins, op.name + "/int64")
    if op.outputs[0].dtype.name == "int64":
        return b.node("Identity", [shape], op.name)
    return b.node("Cast", [shape], op.name, to=_INT32)


def _int64(b, op, name):
    return b.node("Cast", [name], op.name + "/to_int64", to=_INT64)


@converts("ReshapeDynamic")
def _reshape_dynamic(b, op, ins):
    return b.node("Reshape", [ins[0], _int64(b, op, ins[1])], op.name)


@converts("Fill")
def _fill(b, op, ins):
    value = b.node("Cast", [ins[1]], op.name + "/value",
                   to=b.helper.np_dtype_to_tensor_dtype(op.outputs[0].dtype._np))
    return b.node("Expand", [value, _int64(b, op, ins[0])], op.name)


@converts("ReverseV2")
def _reverse(b, op, ins):
    axes = [int(a) for a in (op.attrs.get("axis") or ())]
    if not axes:
        return b.node("Identity", ins, op.name)
    rank = op.inputs[0].shape.rank
    axes = [a % rank if rank else a for a in axes]
    n = len(axes)
    return b.node("Slice", [ins[0], b.ints([-1] * n), b.ints([-(2 ** 63 - 1)] * n),
                            b.ints(axes), b.ints([-1] * n)], op.name)


@converts("NotEqual")
def _not_equal(b, op, ins):
    return b.node("Not", [b.node("Equal", ins, op.name + "/equal")], op.name)


@converts("GatherV2")
def _gather(b, op, ins):
    if int(op.attrs.get("batch_dims", 0) or 0):
        raise UnimplementedError(f"ndflow.export.onnx: GatherV2 {op.name!r} with batch_dims; "
                                 "only batch_dims=0 exports.", op=op)
    rank = op.inputs[0].shape.rank
    axis = int(op.attrs.get("axis", 0) or 0)
    return b.node("Gather", ins[:2], op.name, axis=axis % rank if rank else axis)


# --- the recurrences ---------------------------------------------------------------------------

def _projection(op):
    """(time-major x, kernel, input bias or None) behind `xw`, or None."""
    xw = op.inputs[0]
    if xw.op.type not in ("ReshapeDynamic", "Reshape"):
        return None
    flat, bias = xw.op.inputs[0], None
    if flat.op.type == "AddV2":
        flat, bias = flat.op.inputs
        if bias.shape.rank != 1:
            return None
    if flat.op.type != "MatMul" or flat.op.attrs.get("transpose_a") or \
            flat.op.attrs.get("transpose_b"):
        return None
    rows, kernel = flat.op.inputs
    if rows.op.type not in ("ReshapeDynamic", "Reshape") or kernel.shape.rank != 2:
        return None
    x = rows.op.inputs[0]
    if x.shape.rank != 3:
        return None
    return x, kernel, bias


def _check_unmasked(op, n_inputs):
    if len(op.inputs) > n_inputs:
        raise UnimplementedError(f"ndflow.export.onnx: {op.type} {op.name!r} is masked; ONNX "
                                 "recurrences take sequence lengths, not masks, and masked "
                                 "recurrences do not export yet.", op=op)


def _rows(b, op, name, perm, what):
    """(gates*h, k) = transpose of a (k, gates*h) matrix, with its rows in `perm`'s order."""
    t = b.node("Transpose", [name], f"{op.name}/{what}_t", perm=[1, 0])
    if perm is not None:
        t = b.node("Gather", [t, b.ints(perm)], f"{op.name}/{what}_gates", axis=0)
    return b.node("Unsqueeze", [t, b.ints([0])], f"{op.name}/{what}")


def _gate_perm(order, units):
    """Row indices taking Keras's gate blocks to the blocks named in `order`."""
    return [g * units + j for g in order for j in range(units)]


def _inputs_and_kernel(b, op, units, gates, perm):
    """(X name, W name, input bias name or None)."""
    found = _projection(op)
    if found is not None:
        x, kernel, bias = found
        w = _rows(b, op, b.name_of(kernel), perm, "W")
        return b.name_of(x), w, (None if bias is None else b.name_of(bias))
    eye = np.eye(gates * units, dtype=op.inputs[0].dtype._np)
    if perm is not None:
        eye = eye[perm]
    return b.name_of(op.inputs[0]), b.constant(eye[None], op.name + "/W_identity"), None


def _units(op, index):
    units = op.inputs[index].shape.dims[-1] if op.inputs[index].shape.rank else None
    if units is None:
        raise UnimplementedError(f"ndflow.export.onnx: {op.type} {op.name!r} needs a known "
                                 "number of units.", op=op)
    return int(units)


def _bias(b, op, parts, units, gates):
    """B [1, 2 * gates * h] from named (input, recurrent) parts, None meaning zeros."""
    dtype = op.inputs[0].dtype._np
    names = [p if p is not None else b.constant(np.zeros(gates * units, dtype), op.name + "/zb")
             for p in parts]
    both = b.node("Concat", names, op.name + "/B_flat", axis=0)
    return b.node("Unsqueeze", [both, b.ints([0])], op.name + "/B")


@converts("LSTMSequence")
def _lstm_sequence(b, op, ins):
    _check_unmasked(op, 5)
    units = _units(op, 1)
    perm = _gate_perm([0, 3, 1, 2], units)          # Keras i, f, c, o -> ONNX i, o, f, c
    x, w, in_bias = _inputs_and_kernel(b, op, units, 4, perm)
    r = _rows(b, op, ins[3], perm, "R")
    bias = b.node("Gather", [ins[4], b.ints(perm)], op.name + "/bias_gates", axis=0)
    if in_bias is not None:
        in_bias = b.node("Gather", [in_bias, b.ints(perm)], op.name + "/in_bias", axis=0)
        bias = b.node("Add", [bias, in_bias], op.name + "/bias_sum")
    bias = _bias(b, op, [bias, None], units, 4)
    h0 = b.node("Unsqueeze", [ins[1], b.ints([0])], op.name + "/h0")
    c0 = b.node("Unsqueeze", [ins[2], b.ints([0])], op.name + "/c0")
    y, _, y_c = b.node("LSTM", [x, w, r, bias, "", h0, c0], op.name + "/lstm", n_outputs=3,
                       hidden_size=units)
    hs = b.node("Squeeze", [y, b.ints([1])], op.name + "/hs")
    # ONNX gives only the last cell state: the layers read cs[-1] only, so cs becomes that
    # one step (a (1, batch, units) tensor, whose [-1] is the same value)
    for consumer in op.outputs[1].consumers():
        if not _is_last_step(consumer):
            raise UnimplementedError(f"ndflow.export.onnx: {op.name!r}: only the last cell "
                                     "state of an LSTM exports.", op=op)
    return [hs, y_c, b.fresh(op.name + "/gates_unused")]


def _is_last_step(consumer):
    key = consumer.attrs.get("key") if consumer.type == "GetItem" else None
    if isinstance(key, tuple) and len(key) == 1:
        key = key[0]
    return isinstance(key, (int, np.integer)) and int(key) == -1


@converts("GRUSequence")
def _gru_sequence(b, op, ins):
    _check_unmasked(op, 4)
    units = _units(op, 1)
    reset_after = bool(op.attrs.get("reset_after", True))
    x, w, in_bias = _inputs_and_kernel(b, op, units, 3, None)
    r = _rows(b, op, ins[2], None, "R")
    bias = _bias(b, op, [in_bias, ins[3] if reset_after else None], units, 3)
    h0 = b.node("Unsqueeze", [ins[1], b.ints([0])], op.name + "/h0")
    y = b.node("GRU", [x, w, r, bias, "", h0], op.name + "/gru", n_outputs=2,
               hidden_size=units, linear_before_reset=int(reset_after))[0]
    hs = b.node("Squeeze", [y, b.ints([1])], op.name + "/hs")
    return [hs, b.fresh(op.name + "/gates_unused")]


@converts("SimpleRNNSequence")
def _simple_rnn_sequence(b, op, ins):
    _check_unmasked(op, 3)
    units = _units(op, 1)
    x, w, in_bias = _inputs_and_kernel(b, op, units, 1, None)
    r = _rows(b, op, ins[2], None, "R")
    bias = _bias(b, op, [in_bias, None], units, 1)
    h0 = b.node("Unsqueeze", [ins[1], b.ints([0])], op.name + "/h0")
    y = b.node("RNN", [x, w, r, bias, "", h0], op.name + "/rnn", n_outputs=2,
               hidden_size=units, activations=["Tanh"])[0]
    return b.node("Squeeze", [y, b.ints([1])], op.name + "/hs")
