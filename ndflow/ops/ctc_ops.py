"""Connectionist temporal classification: tf.nn.ctc_loss (TF2 and TF1 forms) and
tf.nn.ctc_greedy_decoder.

The loss is the forward-backward algorithm of Graves et al. (2006) in log space, vectorized
over the batch: labels are extended with blanks (`b l1 b l2 ... b`), alpha runs forward over
each example's frames, beta backward, and the gradient with respect to the logits is
`softmax - posterior occupancy` per class, computed by the same op (`CTCLoss` returns the
loss and that gradient, as TensorFlow's op does). A labelling the frames cannot hold (too
long for its `logit_length`) has an infinite loss and a zero gradient.
"""
import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape

_NO = {}


def _ctc_infer(ts, attrs):
    logits = ts[0]
    batch = logits.shape[1] if logits.shape.rank == 3 else None
    return [(TensorShape([batch]), logits.dtype), (logits.shape, logits.dtype)]


def _log_softmax(x):
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _logsumexp3(a, b, c):
    top = np.maximum(np.maximum(a, b), c)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return safe + np.log(np.exp(a - safe) + np.exp(b - safe) + np.exp(c - safe))


def _shift(a, k):
    """a[..., s - k] at position s (-inf where s < k)."""
    out = np.full_like(a, -np.inf)
    out[..., k:] = a[..., :a.shape[-1] - k]
    return out


def _unshift(a, k):
    """a[..., s + k] at position s (-inf past the end)."""
    out = np.full_like(a, -np.inf)
    out[..., :a.shape[-1] - k] = a[..., k:]
    return out


def _check(logits, labels, label_length, logit_length, blank):
    if logits.ndim != 3:
        raise InvalidArgumentError(f"ctc_loss: logits must be [time, batch, classes], got "
                                   f"shape {logits.shape}.")
    steps, batch, classes = logits.shape
    if labels.ndim != 2 or labels.shape[0] != batch:
        raise InvalidArgumentError(f"ctc_loss: labels must be [batch={batch}, max_label], got "
                                   f"shape {labels.shape}.")
    if label_length.shape != (batch,) or logit_length.shape != (batch,):
        raise InvalidArgumentError("ctc_loss: label_length and logit_length must be vectors "
                                   f"of length batch={batch}.")
    if (logit_length > steps).any() or (logit_length < 0).any():
        raise InvalidArgumentError(f"ctc_loss: logit_length must be in [0, {steps}], got "
                                   f"{logit_length.tolist()}.")
    if (label_length > labels.shape[1]).any() or (label_length < 0).any():
        raise InvalidArgumentError(f"ctc_loss: label_length must be in [0, {labels.shape[1]}]"
                                   f", got {label_length.tolist()}.")
    used = labels[np.arange(labels.shape[1])[None, :] < label_length[:, None]]
    if ((used < 0) | (used >= classes) | (used == blank)).any():
        raise InvalidArgumentError(f"ctc_loss: labels must be class ids in [0, {classes}) "
                                   f"other than the blank {blank}.")


@op("CTCLoss", multi_output=True, infer=_ctc_infer, grad_inputs=(0,), host=True)
def CTC_LOSS(xp, logits, labels, label_length, logit_length, blank, impossible="inf",
             collapse_repeated=False, merge_repeated=True):
    """(loss [batch], d loss / d logits [time, batch, classes]) for time-major logits, on the
    host (a dynamic program over frames, as TensorFlow's CPU kernel). `impossible`: what a
    labelling with more labels than frames gives: "inf" (TF2), "zero" (TF1's
    ignore_longer_outputs_than_inputs) or "error" (TF1's default); one that fits only
    without its separating blanks has an infinite loss in every mode, as in TensorFlow.
    `merge_repeated=False` is TF1's simplified topology: every frame of a label emits it
    (only blanks last several frames), and a label may follow an equal one directly."""
    logits_np, labels = np.asarray(logits), np.asarray(labels).astype(np.int64)
    label_length = np.asarray(label_length).astype(np.int64).reshape(-1)
    if collapse_repeated:
        labels, label_length = _collapse_repeated(labels, label_length)
    logit_length = np.asarray(logit_length).astype(np.int64).reshape(-1)
    if logits_np.ndim == 3:
        blank = _resolve_blank(blank, logits_np.shape[2])
    _check(logits_np, labels, label_length, logit_length, blank)
    steps, batch, classes = logits_np.shape
    logp = _log_softmax(logits_np.astype(np.float64))
    width = 2 * labels.shape[1] + 1
    ext = np.full((batch, width), blank, np.int64)
    ext[:, 1::2] = labels
    ext_len = 2 * label_length + 1
    position = np.arange(width)[None, :]
    valid = position < ext_len[:, None]
    skip = np.zeros((batch, width), bool)  # s may come from s - 2 (a label unlike s - 2's)
    skip[:, 2:] = (position[:, 2:] % 2 == 1) & ((ext[:, 2:] != ext[:, :-2]) | (
        not merge_repeated))
    stay = (position % 2 == 0) | merge_repeated  # a state may last several frames
    emit = np.take_along_axis(logp, np.broadcast_to(ext, (steps, batch, width)), axis=2)
    emit = np.where(valid[None], emit, -np.inf)

    alpha = np.full((steps, batch, width), -np.inf)
    if steps:
        alpha[0, :, :2] = emit[0, :, :2]
    for t in range(1, steps):
        prev = alpha[t - 1]
        alpha[t] = _logsumexp3(np.where(stay, prev, -np.inf), _shift(prev, 1),
                               np.where(skip, _shift(prev, 2), -np.inf)) + emit[t]
    beta = np.full((steps, batch, width), -np.inf)
    rows = np.arange(batch)
    last = logit_length - 1
    for t in range(steps - 1, -1, -1):
        nxt = beta[t + 1] if t + 1 < steps else np.full((batch, width), -np.inf)
        step = _logsumexp3(np.where(stay, nxt, -np.inf), _unshift(nxt, 1),
                           np.where(_unshift(skip, 2), _unshift(nxt, 2), -np.inf)) + emit[t]
        start = np.full((batch, width), -np.inf)
        start[rows, ext_len - 1] = emit[t, rows, ext_len - 1]
        has_pair = ext_len >= 2
        start[rows[has_pair], ext_len[has_pair] - 2] = emit[t, rows[has_pair],
                                                            ext_len[has_pair] - 2]
        beta[t] = np.where((t == last)[:, None], start,
                           np.where((t < last)[:, None], step, -np.inf))

    final = np.full(batch, -np.inf)
    alive = logit_length > 0
    end = alpha[np.maximum(last, 0), rows]  # [batch, width]: each example's last frame
    final[alive] = np.logaddexp(
        end[rows, ext_len - 1],
        np.where(ext_len >= 2, end[rows, np.maximum(ext_len - 2, 0)], -np.inf))[alive]
    final[~alive & (label_length == 0)] = 0.0  # no frames, no labels: probability one
    too_long = label_length > logit_length
    if impossible == "error" and too_long.any():
        b = int(np.flatnonzero(too_long)[0])
        raise InvalidArgumentError(f"ctc_loss: not enough time for target transition "
                                   f"sequence (required: {int(label_length[b])}, available: "
                                   f"{int(logit_length[b])}) in batch {b}; pass "
                                   "ignore_longer_outputs_than_inputs=True to skip it.")
    possible = np.isfinite(final)
    loss = np.where(possible, -final, np.inf)
    if impossible == "zero":
        loss[too_long] = 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        occupancy = np.exp(alpha + beta - emit - final[None, :, None])
    occupancy = np.where(np.isfinite(occupancy), occupancy, 0.0)
    counts = np.zeros((steps, batch, classes))
    for s in range(width):
        counts[:, rows, ext[:, s]] += occupancy[:, :, s]
    grad = np.exp(logp) - counts
    frames = np.arange(steps)[:, None] < logit_length[None, :]
    grad = np.where(frames[:, :, None] & possible[None, :, None], grad, 0.0)
    dtype = logits_np.dtype
    return [xp.asarray(loss.astype(dtype)), xp.asarray(grad.astype(dtype))]


@CTC_LOSS.gradient
def _ctc_loss_grad(op, g_loss, g_grad):
    from .array_ops import expand_dims
    from .math_ops import multiply
    return [multiply(op.outputs[1], expand_dims(expand_dims(g_loss, 0), -1)), None, None,
            None]


def _float_logits(logits, time_major=True):
    from .array_ops import cast, convert_to_tensor, transpose
    logits = convert_to_tensor(logits)
    if not logits.dtype.is_floating:
        logits = cast(logits, dtypes.float32)
    return logits if time_major else transpose(logits, [1, 0, 2])


def _blank(blank_index, logits, default):
    blank = default if blank_index is None else int(blank_index)
    classes = logits.shape[-1]
    if classes is None:
        return blank  # the kernel resolves a negative index once the classes are known
    return _resolve_blank(blank, classes)


def _resolve_blank(blank, classes):
    if not -classes <= blank < classes:
        raise InvalidArgumentError(f"ctc: blank_index {blank} is out of range for {classes} "
                                   "classes.")
    return blank % classes


def _dense_labels(labels, label_length):
    """Dense padded labels and their lengths from dense labels or a SparseTensor."""
    from .array_ops import cast, convert_to_tensor
    from .sparse_tensor import SparseTensor
    if isinstance(labels, SparseTensor):
        from . import sparse_ops as tf_sparse
        from .array_ops import ones_like
        from .math_ops import reduce_sum
        present = SparseTensor(labels.indices, ones_like(labels.values, dtypes.int32),
                               labels.dense_shape)
        return (cast(tf_sparse.to_dense(labels), dtypes.int32),
                reduce_sum(tf_sparse.to_dense(present), axis=1))
    if label_length is None:
        raise ValueError("ctc_loss: label_length is needed with dense labels.")
    return cast(convert_to_tensor(labels), dtypes.int32), label_length


def _run(logits, labels, label_length, logit_length, blank, impossible, name,
         collapse_repeated=False, merge_repeated=True):
    from .array_ops import cast, convert_to_tensor
    ints = [cast(convert_to_tensor(v), dtypes.int32) for v in (labels, label_length,
                                                                logit_length)]
    attrs = {"blank": blank, "impossible": impossible, "collapse_repeated": collapse_repeated,
             "merge_repeated": merge_repeated}
    return execute(CTC_LOSS, (logits, *ints), attrs, name)[0]


def ctc_loss(labels, logits, label_length, logit_length, logits_time_major=True, unique=None,
             blank_index=None, name=None):
    """The CTC negative log-likelihood of each example's labels (tf.nn.ctc_loss, TF2 form).

    Args:
      labels: `[batch, max_label]` int labels, padded, or a `SparseTensor` of them.
      logits: Unnormalized log probabilities, `[time, batch, classes]` (or
        `[batch, time, classes]` with `logits_time_major=False`).
      label_length: `[batch]` label lengths (None with a `SparseTensor`).
      logit_length: `[batch]` frame counts.
      logits_time_major: The layout of `logits`.
      unique: Accepted for TensorFlow compatibility (an optimization hint).
      blank_index: The blank class (default 0; negative counts from the end).
      name: A name for the operation (optional).

    Returns:
      A `[batch]` tensor of losses (inf where a labelling cannot fit its frames).
    """
    logits = _float_logits(logits, logits_time_major)
    labels, label_length = _dense_labels(labels, label_length)
    return _run(logits, labels, label_length, logit_length, _blank(blank_index, logits, 0),
                "inf", name)


def _collapse_repeated(labels, lengths):
    """Consecutive repeats in each row removed (TF1's preprocess_collapse_repeated)."""
    labels, lengths = np.asarray(labels), np.asarray(lengths).reshape(-1)
    rows = [[v for i, v in enumerate(row[:n]) if i == 0 or v != row[i - 1]]
            for row, n in zip(labels, lengths)]
    out = np.zeros_like(labels)
    for i, r in enumerate(rows):
        out[i, :len(r)] = r
    return out, np.array([len(r) for r in rows], np.int64)


def ctc_loss_v1(labels, inputs=None, sequence_length=None, preprocess_collapse_repeated=False,
                ctc_merge_repeated=True, ignore_longer_outputs_than_inputs=False,
                time_major=True, logits=None):
    """TF1's tf.nn.ctc_loss: SparseTensor labels, the last class is the blank.

    Args:
      labels: A `SparseTensor` of int labels.
      inputs: Logits `[time, batch, classes]` (`[batch, time, classes]` if not time_major).
      sequence_length: `[batch]` frame counts.
      preprocess_collapse_repeated: Merge repeated labels before computing the loss.
      ctc_merge_repeated: True for the standard CTC topology; False for TF1's simplified
        one, where repeated frames of a label are repeated labels (no blank needed
        between equal labels).
      ignore_longer_outputs_than_inputs: Give 0 (and no gradient) for labellings that cannot
        fit their frames instead of raising.
      time_major: The layout of `inputs`.
      logits: Another name for `inputs`.

    Returns:
      A `[batch]` tensor of losses.
    """
    logits = _float_logits(logits if inputs is None else inputs, time_major)
    dense, lengths = _dense_labels(labels, None)
    blank = _blank(-1, logits, -1)
    return _run(logits, dense, lengths, sequence_length, blank,
                "zero" if ignore_longer_outputs_than_inputs else "error", None,
                bool(preprocess_collapse_repeated), bool(ctc_merge_repeated))


def _greedy_infer(ts, attrs):
    batch = ts[0].shape[1] if ts[0].shape.rank == 3 else None
    return [(TensorShape([None, 2]), dtypes.int64), (TensorShape([None]), dtypes.int64),
            (TensorShape([2]), dtypes.int64), (TensorShape([batch, 1]), ts[0].dtype)]


@op("CTCGreedyDecoder", multi_output=True, differentiable=False, infer=_greedy_infer,
    host=True)
def CTC_GREEDY_DECODER(xp, logits, sequence_length, blank, merge_repeated):
    """(indices, values, dense_shape, neg_sum_logits) of the best paths."""
    values = np.asarray(logits)
    lengths = np.asarray(sequence_length).reshape(-1).astype(np.int64)
    steps, batch, classes = values.shape
    blank = _resolve_blank(blank, classes)
    if lengths.shape != (batch,) or (lengths > steps).any() or (lengths < 0).any():
        raise InvalidArgumentError(f"ctc_greedy_decoder: sequence_length must be [batch={batch}]"
                                   f" values in [0, {steps}], got {lengths.tolist()}.")
    best = values.argmax(axis=-1)
    indices, decoded, longest = [], [], 0
    scores = np.zeros((batch, 1), values.dtype)
    for b in range(batch):
        path = best[:lengths[b], b]
        scores[b, 0] = -values[np.arange(lengths[b]), b, path].sum()
        keep = [c for i, c in enumerate(path) if c != blank and not (
            merge_repeated and i > 0 and c == path[i - 1])]
        indices += [[b, i] for i in range(len(keep))]
        decoded += keep
        longest = max(longest, len(keep))
    return [xp.asarray(np.array(indices, np.int64).reshape(-1, 2)),
            xp.asarray(np.array(decoded, np.int64)),
            xp.asarray(np.array([batch, longest], np.int64)), xp.asarray(scores)]


def ctc_greedy_decoder(inputs, sequence_length, merge_repeated=True, blank_index=None):
    """The best path: each frame's most likely class, repeats merged, blanks dropped.

    Args:
      inputs: Logits `[time, batch, classes]`.
      sequence_length: `[batch]` frame counts.
      merge_repeated: Merge consecutive repeats of a class (before dropping blanks).
      blank_index: The blank class (default: the last).

    Returns:
      `([decoded], neg_sum_logits)`: a one-element list holding a `SparseTensor` of the
      decoded labels `[batch, longest]`, and `[batch, 1]` minus the sum of each frame's
      largest logit.
    """
    from .array_ops import cast, convert_to_tensor
    from .sparse_tensor import SparseTensor
    logits = _float_logits(inputs)
    attrs = {"blank": _blank(blank_index, logits, -1), "merge_repeated": bool(merge_repeated)}
    lengths = cast(convert_to_tensor(sequence_length), dtypes.int32)
    indices, values, shape, scores = execute(CTC_GREEDY_DECODER, (logits, lengths), attrs)
    return [SparseTensor(indices, values, shape)], scores


def padded_decoding(decoded, batch_and_frames):
    """A decoder's SparseTensor as dense `[batch, frames]` int64 labels padded with -1 (the
    form Keras's ctc_decode returns); `batch_and_frames` is a shape-[2] tensor."""
    from . import sparse_ops
    from .array_ops import cast
    from .sparse_tensor import SparseTensor
    full = SparseTensor(decoded.indices, decoded.values, cast(batch_and_frames, dtypes.int64))
    return sparse_ops.to_dense(full, default_value=-1)


from ..util.export import export_many  # noqa: E402

export_many("nn", {"ctc_loss": ctc_loss, "ctc_greedy_decoder": ctc_greedy_decoder})
export_many("v1.nn", {"ctc_loss": ctc_loss_v1})
