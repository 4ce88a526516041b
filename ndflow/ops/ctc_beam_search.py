"""tf.nn.ctc_beam_search_decoder: CTC prefix beam search (TF1 and TF2 forms).

Each beam is a label prefix with two log probabilities: of the frames so far ending in a
blank and ending in the prefix's last label. At every frame a beam either continues (a
blank, or its last label repeated) or grows by one label; a grown label equal to the last
one can only follow a blank. Of all continued and grown beams the `beam_width` most likely
(their two probabilities summed) survive. Probabilities are each frame's log softmax of
the logits (in the input's dtype), summed in double precision. The decoded paths and their
log probabilities match TensorFlow's on the same logits (beams whose probabilities tie
exactly may come out in another order).
"""
import heapq
import itertools
import math

import numpy as np

from ..framework import dtypes
from ..framework.errors import FailedPreconditionError, InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape
from .ctc_ops import _float_logits


def _logsumexp(a, b):
    """log(exp(a) + exp(b)), exact when either side is -inf."""
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    return max(a, b) + math.log1p(math.exp(min(a, b) - max(a, b)))


class _Beam:
    """A label prefix: its parent beam, last label, children by label, and the log
    probabilities (total, ending in a blank, ending in its label) at the previous frame
    (`old`) and at this one (`new`). A beam is in the search while its new total is > -inf."""
    __slots__ = ("parent", "label", "children", "old", "new", "order")

    def __init__(self, parent, label):
        self.parent, self.label, self.children = parent, label, {}
        self.old = self.new = _NONE

    def labels(self):
        out, beam = [], self
        while beam.parent is not None:
            out.append(beam.label)
            beam = beam.parent
        return out[::-1]


_NONE = (-math.inf, -math.inf, -math.inf)


def _search(frames, beam_width, merge_repeated):
    """The surviving beams of one example's `[time, classes]` logits (blank: the last
    class), most likely first: a list of (labels, log probability).

    The search follows TensorFlow's decoder step for step, including which beams it drops
    while the new frame's beams are being grown (a beam dropped and then not re-admitted
    does not grow), because that decides which prefixes survive a narrow beam.
    """
    blank = frames.shape[1] - 1
    root = _Beam(None, -1)
    root.new = (0.0, 0.0, -math.inf)
    leaves, counter = [], itertools.count()
    heapq.heappush(leaves, (0.0, next(counter), root))
    for logits in frames:
        shifted = logits - logits.max()
        log_p = (shifted - np.log(np.exp(shifted).sum(dtype=frames.dtype))).tolist()
        branches = [entry[2] for entry in sorted(leaves, key=lambda e: (-e[0], e[1]))]
        leaves = []
        for beam in branches:
            beam.old = beam.new
        for beam in branches:  # continue each beam with a blank or its own label
            total, _, label_p = beam.old
            if beam.parent is not None:
                parent = beam.parent
                if parent.new[0] != -math.inf:
                    before = parent.old[1] if beam.label == parent.label else parent.old[0]
                    label_p = _logsumexp(label_p, before)
                label_p += log_p[beam.label]
            blank_p = total + log_p[blank]
            beam.new = (_logsumexp(blank_p, label_p), blank_p, label_p)
            leaves.append((beam.new[0], next(counter), beam))
        heapq.heapify(leaves)
        for beam in branches:  # grow each beam by one label
            if not _admits(leaves, beam_width, beam.old[0]):
                continue
            fresh = np.asarray(log_p[:blank]) + beam.old[0]
            if 0 <= beam.label < blank:
                fresh[beam.label] = log_p[beam.label] + beam.old[1]
            if len(leaves) < beam_width:
                labels = range(blank)
            else:  # others cannot enter; only existing children need their state reset
                labels = sorted(set(np.flatnonzero(fresh > leaves[0][0]).tolist())
                                | beam.children.keys())
            for label in labels:
                child = beam.children.get(label)
                if child is not None and child.new[0] != -math.inf:
                    continue  # already in the search: continued above
                value = float(fresh[label])
                if _admits(leaves, beam_width, value):
                    if child is None:
                        child = beam.children[label] = _Beam(beam, label)
                    child.new = (value, -math.inf, value)
                    if len(leaves) == beam_width:
                        heapq.heappop(leaves)[2].new = _NONE
                    heapq.heappush(leaves, (value, next(counter), child))
                elif child is not None:
                    child.old = child.new = _NONE
    best = sorted(leaves, key=lambda e: (-e[0], e[1]))
    return [(_merged(e[2].labels()) if merge_repeated else e[2].labels(), e[0]) for e in best]


def _admits(leaves, beam_width, total):
    return total > -math.inf and (len(leaves) < beam_width or total > leaves[0][0])


def _merged(labels):
    return [c for i, c in enumerate(labels) if i == 0 or c != labels[i - 1]]


def _beam_infer(ts, attrs):
    batch = ts[0].shape[1] if ts[0].shape.rank == 3 else None
    n = attrs["top_paths"]
    return ([(TensorShape([None, 2]), dtypes.int64)] * n + [(TensorShape([None]), dtypes.int64)] * n
            + [(TensorShape([2]), dtypes.int64)] * n + [(TensorShape([batch, n]), ts[0].dtype)])


@op("CTCBeamSearchDecoder", multi_output=True, differentiable=False, infer=_beam_infer,
    host=True)
def CTC_BEAM_SEARCH_DECODER(xp, logits, sequence_length, beam_width, top_paths, merge_repeated):
    """top_paths indices, then values, then dense shapes, then `[batch, top_paths]` log
    probabilities."""
    values = np.asarray(logits)
    steps, batch, _ = values.shape
    lengths = np.asarray(sequence_length).reshape(-1)
    if lengths.shape != (batch,):
        raise InvalidArgumentError(f"ctc_beam_search_decoder: sequence_length must be "
                                   f"[batch={batch}], got shape {list(lengths.shape)}.")
    for b, length in enumerate(lengths):
        if not 0 <= length <= steps:
            raise FailedPreconditionError(f"ctc_beam_search_decoder: sequence_length({b}) = "
                                          f"{length} must be in [0, {steps}].")
    paths = [[] for _ in range(top_paths)]
    log_probs = np.zeros((batch, top_paths), values.dtype)
    for b in range(batch):
        beams = _search(values[:lengths[b], b], beam_width, merge_repeated)
        if len(beams) < top_paths:
            raise InvalidArgumentError(f"ctc_beam_search_decoder: example {b} has only "
                                       f"{len(beams)} beams, fewer than top_paths={top_paths}.")
        for p in range(top_paths):
            paths[p].append(beams[p][0])
            log_probs[b, p] = beams[p][1]
    indices, labels, shapes = [], [], []
    for per_example in paths:
        indices.append(np.array([[b, i] for b, path in enumerate(per_example)
                                 for i in range(len(path))], np.int64).reshape(-1, 2))
        labels.append(np.array([c for path in per_example for c in path], np.int64))
        shapes.append(np.array([batch, max(map(len, per_example))], np.int64))
    return [xp.asarray(a) for a in indices + labels + shapes] + [xp.asarray(log_probs)]


def _decode(inputs, sequence_length, beam_width, top_paths, merge_repeated):
    from .array_ops import cast, convert_to_tensor
    from .sparse_tensor import SparseTensor
    beam_width, top_paths = int(beam_width), int(top_paths)
    if top_paths < 1 or beam_width < 1:
        raise ValueError(f"ctc_beam_search_decoder: beam_width ({beam_width}) and top_paths "
                         f"({top_paths}) must be at least 1.")
    if top_paths > beam_width:
        raise ValueError(f"ctc_beam_search_decoder: top_paths ({top_paths}) must not exceed "
                         f"beam_width ({beam_width}).")
    logits = _float_logits(inputs)
    lengths = cast(convert_to_tensor(sequence_length), dtypes.int32)
    attrs = {"beam_width": beam_width, "top_paths": top_paths,
             "merge_repeated": bool(merge_repeated)}
    out = execute(CTC_BEAM_SEARCH_DECODER, (logits, lengths), attrs)
    n = top_paths
    return [SparseTensor(out[p], out[n + p], out[2 * n + p]) for p in range(n)], out[-1]


def ctc_beam_search_decoder(inputs, sequence_length, beam_width=100, top_paths=1):
    """The `top_paths` most likely labellings by CTC prefix beam search (TF2 form).

    Args:
      inputs: Logits `[time, batch, classes]`; the blank is the last class.
      sequence_length: `[batch]` frame counts.
      beam_width: How many prefixes survive each frame.
      top_paths: How many labellings to return (at most `beam_width`).

    Returns:
      `(decoded, log_probabilities)`: a list of `top_paths` `SparseTensor`s of labels
      `[batch, longest]` (the most likely first), and `[batch, top_paths]` log probabilities.

    Raises:
      InvalidArgumentError: an example has fewer beams than `top_paths`.
    """
    return _decode(inputs, sequence_length, beam_width, top_paths, False)


def ctc_beam_search_decoder_v1(inputs, sequence_length, beam_width=100, top_paths=1,
                               merge_repeated=True):
    """tf.compat.v1.nn.ctc_beam_search_decoder: as the TF2 form, with `merge_repeated`
    (default True) collapsing equal consecutive labels of each decoded beam, so a beam
    `A B B` (its two `B`s separated by a blank) is returned as `A B`."""
    return _decode(inputs, sequence_length, beam_width, top_paths, merge_repeated)


from ..util.export import export_many  # noqa: E402

export_many("nn", {"ctc_beam_search_decoder": ctc_beam_search_decoder,
                   "ctc_beam_search_decoder_v2": ctc_beam_search_decoder})
export_many("v1.nn", {"ctc_beam_search_decoder": ctc_beam_search_decoder_v1,
                      "ctc_beam_search_decoder_v2": ctc_beam_search_decoder})
