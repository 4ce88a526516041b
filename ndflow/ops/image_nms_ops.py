"""Non-max suppression of tf.image: non_max_suppression, _with_scores (soft-NMS),
_overlaps, _padded, and combined_non_max_suppression.

Greedy selection as TensorFlow does it: candidates above `score_threshold` in decreasing
score order (ties: the lower index first); a candidate is dropped when its IoU with an
already selected box exceeds `iou_threshold`. Boxes are [y1, x1, y2, x2] with either corner
order; a box of zero area overlaps nothing. With soft_nms_sigma > 0 (Bodla et al. 2017) an
overlap instead multiplies the candidate's score by exp(-0.5 * iou^2 / sigma) and the
candidate goes back in the queue while its score is still above the threshold. The kernels
are host ops (a loop over selected boxes, as TensorFlow's CPU kernels).
"""
import heapq

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape
from . import array_ops as A


def _iou_matrix(boxes):
    """Pairwise IoU of (n, 4) boxes (corners in either order); 0 where an area is <= 0."""
    y1 = np.minimum(boxes[:, 0], boxes[:, 2])
    y2 = np.maximum(boxes[:, 0], boxes[:, 2])
    x1 = np.minimum(boxes[:, 1], boxes[:, 3])
    x2 = np.maximum(boxes[:, 1], boxes[:, 3])
    area = (y2 - y1) * (x2 - x1)
    ih = np.maximum(np.minimum(y2[:, None], y2[None]) - np.maximum(y1[:, None], y1[None]), 0)
    iw = np.maximum(np.minimum(x2[:, None], x2[None]) - np.maximum(x1[:, None], x1[None]), 0)
    inter = ih * iw
    union = area[:, None] + area[None] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = np.where((area[:, None] > 0) & (area[None] > 0), inter / union, 0.0)
    return iou


def _greedy(overlaps, scores, max_output, iou_threshold, score_threshold, sigma=0.0):
    """(selected indices, their scores) by TensorFlow's (soft-)NMS on an overlap matrix."""
    scale = -0.5 / sigma if sigma > 0 else 0.0
    # heap of (-score, index, first selected box not yet compared with)
    heap = [(-float(s), i, 0) for i, s in enumerate(scores) if s > score_threshold]
    heapq.heapify(heap)
    selected, selected_scores = [], []
    while heap and len(selected) < max_output:
        neg, i, begin = heapq.heappop(heap)
        score = original = -neg
        hard = False
        for j in range(len(selected) - 1, begin - 1, -1):
            sim = overlaps[i, selected[j]]
            if sigma > 0:
                score *= np.exp(scale * sim * sim) if sim <= iou_threshold else 0.0
            elif sim > iou_threshold:
                hard = True
                break
            if score <= score_threshold:
                break
        if hard:
            continue
        if score == original:
            selected.append(i)
            selected_scores.append(score)
        elif score > score_threshold:  # softened: back in the queue with its new score
            heapq.heappush(heap, (-score, i, len(selected)))
    return selected, selected_scores


def _nms_infer(ts, attrs):
    return [(TensorShape([None]), dtypes.int32), (TensorShape([None]), ts[1].dtype)]


@op("NonMaxSuppressionV5", multi_output=True, differentiable=False, host=True,
    infer=_nms_infer)
def NON_MAX_SUPPRESSION(xp, boxes, scores, max_output_size, iou_threshold, score_threshold,
                        soft_nms_sigma, overlaps):
    """(indices, scores); `overlaps`: boxes is already an (n, n) overlap matrix."""
    name = "non_max_suppression"
    if overlaps:
        if boxes.ndim != 2 or boxes.shape[0] != boxes.shape[1]:
            raise InvalidArgumentError(f"{name}_overlaps: overlaps must be square (n, n), got "
                                       f"shape {boxes.shape}.")
        matrix = boxes.astype(np.float64)
    else:
        if boxes.ndim != 2 or boxes.shape[1] != 4:
            raise InvalidArgumentError(f"{name}: boxes must have shape (num_boxes, 4), got "
                                       f"{boxes.shape}.")
        matrix = _iou_matrix(boxes.astype(np.float64))
    if scores.ndim != 1 or scores.shape[0] != boxes.shape[0]:
        raise InvalidArgumentError(f"{name}: scores must have shape (num_boxes,) = "
                                   f"({boxes.shape[0]},), got {scores.shape}.")
    max_output = int(max_output_size)
    if max_output < 0:
        raise InvalidArgumentError(f"{name}: max_output_size must be >= 0, got {max_output}.")
    sel, sel_scores = _greedy(matrix, scores.astype(np.float64), max_output,
                              float(iou_threshold), float(score_threshold),
                              float(soft_nms_sigma))
    return np.asarray(sel, np.int32), np.asarray(sel_scores, scores.dtype)


def _check_iou(iou_threshold, op_name):
    if not hasattr(iou_threshold, "dtype") and not 0.0 <= float(iou_threshold) <= 1.0:
        raise ValueError(f"{op_name}: iou_threshold must be in [0, 1]. Received: "
                         f"iou_threshold={iou_threshold}")


def _run(boxes, scores, max_output_size, iou_threshold, score_threshold, sigma,
         overlaps=False, name=None):
    boxes = A.convert_to_tensor(boxes)
    scores = A.convert_to_tensor(scores)
    return execute(NON_MAX_SUPPRESSION,
                   (A.cast(boxes, dtypes.float32) if not overlaps else boxes, scores,
                    A.cast(max_output_size, dtypes.int32), A.cast(iou_threshold, scores.dtype),
                    A.cast(score_threshold, scores.dtype), A.cast(sigma, scores.dtype)),
                   {"overlaps": overlaps}, name)


def non_max_suppression(boxes, scores, max_output_size, iou_threshold=0.5,
                        score_threshold=float("-inf"), name=None):
    """Indices (int32, at most max_output_size) of the boxes greedy NMS keeps.

    Args:
      boxes: (num_boxes, 4) [y1, x1, y2, x2].
      scores: (num_boxes,).
      max_output_size: the most boxes to keep.
      iou_threshold: boxes overlapping a kept box by more than this IoU are dropped.
      score_threshold: boxes scoring at or below this are never kept.
      name: optional op name.
    """
    _check_iou(iou_threshold, "non_max_suppression")
    return _run(boxes, scores, max_output_size, iou_threshold, score_threshold, 0.0,
                name=name)[0]


def non_max_suppression_with_scores(boxes, scores, max_output_size, iou_threshold=0.5,
                                    score_threshold=float("-inf"), soft_nms_sigma=0.0,
                                    name=None):
    """(selected_indices, selected_scores); soft_nms_sigma > 0 decays overlapping scores
    (soft-NMS) instead of dropping the boxes."""
    _check_iou(iou_threshold, "non_max_suppression_with_scores")
    if not hasattr(soft_nms_sigma, "dtype") and float(soft_nms_sigma) < 0:
        raise ValueError("non_max_suppression_with_scores: soft_nms_sigma must be >= 0. "
                         f"Received: {soft_nms_sigma}")
    return _run(boxes, scores, max_output_size, iou_threshold, score_threshold,
                soft_nms_sigma, name=name)


def non_max_suppression_overlaps(overlaps, scores, max_output_size, overlap_threshold=0.5,
                                 score_threshold=float("-inf"), name=None):
    """Greedy NMS on a given (n, n) overlap matrix."""
    return _run(overlaps, scores, max_output_size, overlap_threshold, score_threshold, 0.0,
                overlaps=True, name=name)[0]


def non_max_suppression_padded(boxes, scores, max_output_size, iou_threshold=0.5,
                               score_threshold=float("-inf"), pad_to_max_output_size=False,
                               name=None, sorted_input=False, canonicalized_coordinates=False,
                               tile_size=512):
    """(selected_indices, valid_outputs); with pad_to_max_output_size the indices are
    zero-padded to max_output_size. Boxes may carry leading batch dimensions."""
    boxes, scores = A.convert_to_tensor(boxes), A.convert_to_tensor(scores)
    max_out = int(max_output_size.numpy() if hasattr(max_output_size, "numpy")
                  else max_output_size)
    if boxes.shape.rank == 2:
        sel = non_max_suppression(boxes, scores, max_out, iou_threshold, score_threshold)
        valid = A.shape(sel)[0]
        if pad_to_max_output_size:
            from .join_ops import pad
            sel = pad(sel, [[0, max_out - sel.shape.dims[0]]] if sel.shape.dims[0] is not None
                      else [[0, max_out - valid]])
        return sel, valid
    if not pad_to_max_output_size:
        raise ValueError("non_max_suppression_padded: batched boxes need "
                         "pad_to_max_output_size=True.")
    b = np.asarray(boxes.numpy(), np.float32)
    s = np.asarray(scores.numpy())
    lead = b.shape[:-2]
    flat_b, flat_s = b.reshape((-1,) + b.shape[-2:]), s.reshape((-1, s.shape[-1]))
    out = np.zeros((flat_b.shape[0], max_out), np.int32)
    valid = np.zeros(flat_b.shape[0], np.int32)
    for i in range(flat_b.shape[0]):
        sel = non_max_suppression(flat_b[i], flat_s[i], max_out, iou_threshold,
                                  score_threshold).numpy()
        out[i, :len(sel)], valid[i] = sel, len(sel)
    return A.convert_to_tensor(out.reshape(lead + (max_out,))), \
        A.convert_to_tensor(valid.reshape(lead))


def _combined_infer(ts, attrs):
    d = attrs["max_detections"]
    batch = ts[0].shape.dims[0] if ts[0].shape.dims else None
    return [(TensorShape([batch, d, 4]), dtypes.float32), (TensorShape([batch, d]),
                                                           dtypes.float32),
            (TensorShape([batch, d]), dtypes.float32), (TensorShape([batch]), dtypes.int32)]


@op("CombinedNonMaxSuppression", multi_output=True, differentiable=False, host=True,
    infer=_combined_infer)
def COMBINED_NMS(xp, boxes, scores, per_class, max_total, iou_threshold, score_threshold,
                 max_detections, clip_boxes):
    name = "combined_non_max_suppression"
    if boxes.ndim != 4 or boxes.shape[3] != 4 or scores.ndim != 3 or \
            scores.shape[:2] != boxes.shape[:2] or boxes.shape[2] not in (1, scores.shape[2]):
        raise InvalidArgumentError(
            f"{name}: boxes must be (batch, num_boxes, q, 4) with q 1 or num_classes and scores "
            f"(batch, num_boxes, num_classes); got {boxes.shape} and {scores.shape}.")
    batch, _, q, _ = boxes.shape
    classes = scores.shape[2]
    out_boxes = np.zeros((batch, max_detections, 4), np.float32)
    out_scores = np.zeros((batch, max_detections), np.float32)
    out_classes = np.zeros((batch, max_detections), np.float32)
    valid = np.zeros(batch, np.int32)
    for b in range(batch):
        found = []  # (score, class, box index)
        for c in range(classes):
            class_boxes = boxes[b, :, 0 if q == 1 else c].astype(np.float64)
            sel, sel_scores = _greedy(_iou_matrix(class_boxes), scores[b, :, c], int(per_class),
                                      float(iou_threshold), float(score_threshold))
            found += [(s, c, i) for i, s in zip(sel, sel_scores)]
        found.sort(key=lambda t: -t[0])  # stable: class order, then selection order
        found = found[:min(int(max_total), max_detections)]
        for k, (s, c, i) in enumerate(found):
            box = boxes[b, i, 0 if q == 1 else c]
            out_boxes[b, k] = np.clip(box, 0, 1) if clip_boxes else box
            out_scores[b, k], out_classes[b, k] = s, c
        valid[b] = len(found)
    return out_boxes, out_scores, out_classes, valid


def combined_non_max_suppression(boxes, scores, max_output_size_per_class, max_total_size,
                                 iou_threshold=0.5, score_threshold=float("-inf"),
                                 pad_per_class=False, clip_boxes=True, name=None):
    """Per-class greedy NMS over a batch, then the best `max_total_size` detections.

    Args:
      boxes: (batch, num_boxes, q, 4), q = 1 (boxes shared by classes) or num_classes.
      scores: (batch, num_boxes, num_classes).
      max_output_size_per_class, max_total_size: selection limits.
      iou_threshold, score_threshold: as for non_max_suppression.
      pad_per_class: pad to min(max_output_size_per_class * num_classes, max_total_size)
        detections instead of max_total_size.
      clip_boxes: clip the returned boxes to [0, 1].

    Returns:
      (nmsed_boxes, nmsed_scores, nmsed_classes, valid_detections).
    """
    _check_iou(iou_threshold, "combined_non_max_suppression")
    boxes, scores = A.convert_to_tensor(boxes), A.convert_to_tensor(scores)
    per_class, total = int(max_output_size_per_class), int(max_total_size)
    if per_class <= 0 or total <= 0:
        raise ValueError("combined_non_max_suppression: max_output_size_per_class and "
                         f"max_total_size must be > 0. Received: {per_class}, {total}")
    classes = scores.shape.dims[2] if scores.shape.rank == 3 else None
    detections = min(per_class * classes, total) if pad_per_class and classes else total
    return execute(COMBINED_NMS, (A.cast(boxes, dtypes.float32), A.cast(scores, dtypes.float32),
                                  per_class, total, A.cast(iou_threshold, dtypes.float32),
                                  A.cast(score_threshold, dtypes.float32)),
                   {"max_detections": detections, "clip_boxes": bool(clip_boxes)}, name)


from ..util.export import export_many  # noqa: E402

export_many("image", {
    "non_max_suppression": non_max_suppression,
    "non_max_suppression_with_scores": non_max_suppression_with_scores,
    "non_max_suppression_overlaps": non_max_suppression_overlaps,
    "non_max_suppression_padded": non_max_suppression_padded,
    "combined_non_max_suppression": combined_non_max_suppression,
})
