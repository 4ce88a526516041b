"""Multi-object tracking: SORT (Bewley et al. 2016) against DeepSORT (Wojke, Bewley, Paulus
2017) on a generated video made of the situations DeepSORT was built for.

The video (150 frames of 128x128, seeded): six shapes in three scripted scenes, each scene a
pair alike in kind, size and motion and told apart only by colour:
- top: two circles walk towards each other, the front one hides the other, and both turn
  back where they came from (an occlusion during which the motion reverses);
- middle: two squares travel right side by side and swap lanes, one passing in front of the
  other (a long partial, then full, occlusion between objects moving alike);
- bottom: two triangles cross behind a grey pillar from opposite sides (a brief full
  occlusion by the scene).
The detector's stand-in: every object at least half visible, its true box jittered by about
a pixel (the box of the whole object, as MOT detectors are trained to give, even past the
frame's border), missed with probability 0.05, and a false alarm in 3% of the frames. The
trackers only see these boxes and the frames.

Both trackers share a Kalman filter on (centre, aspect ratio, height) with constant velocity
(DeepSORT's noise model, its velocity noise doubled), and the track life cycle: tentative
until 3 matches in a row (deleted at its first miss), then confirmed and deleted after
`max_age` frames without a match; the output of a frame is the confirmed tracks matched in
that frame. They differ in the association:
- SORT: the Hungarian algorithm on 1 - IoU of the predicted boxes and the detections,
  pairs below IoU 0.3 refused; SORT's max_age of 1 frame, and again with DeepSORT's 30 (to
  show that remembering lost tracks longer does not help without appearance);
- DeepSORT: a matching cascade (tracks seen most recently first), each level a Hungarian
  assignment on the appearance distance (smallest cosine distance between the detection's
  feature and the track's last 100 features), pairs farther than 0.15 or outside the Kalman
  filter's 95% gate (squared Mahalanobis distance 9.4877) refused; then SORT's IoU step for
  tentative tracks and tracks missed only in the last frame. max_age 30.

The appearance features: a small CNN (two convolutions, global pooling, a 32-unit layer whose
L2-normalized output is the feature), trained here as DeepSORT trains its re-identification
network: to classify identities other than the ones it will track (60 random colour and
kind pairs, crops with jittered boxes and random partial occluders); the tracked objects'
colours are not among them. Features of the video's detections are computed in one batch.

Reported per tracker (CLEAR MOT, a tracked box matches a true box at IoU >= 0.5, a true
object counts in every frame where any of it is visible): ID switches, misses, false
positives, MOTA = 1 - (misses + false positives + ID switches) / true boxes, the number of
track IDs used (6 objects), and seconds of tracking time.

Measured at these defaults (2 CPU cores shared with other jobs, load average 4.5, one BLAS
thread; 10 s in all, 9 of them training the CNN: identity accuracy 0.452 on held-out crops of
its 60 identities, chance 0.017; features of the 468 detections in 0.5 s), on 594 true boxes:

    tracker           ID switches (top, middle, bottom)  misses  false pos.  MOTA   IDs  time
    SORT              5 (1, 2, 2)                          156       0       0.729   11  0.02 s
    SORT max_age=30   6 (2, 4, 0)                          141       0       0.753    6  0.03 s
    DeepSORT          0                                    142       0       0.761    6  0.06 s

SORT loses the hidden circle, both triangles and the squares' identities (new IDs when they
reappear); kept longer, its lost tracks take over the wrong object (the circles swap
identities, the squares swap and swap back); DeepSORT keeps all six. 101 of the misses are
objects less than half visible, which the detector does not report (the rest: missed
detections and the 3 matches a track needs to be confirmed). Over 4 other detector seeds, on
this video and on two with steeper lane swaps (12 runs), DeepSORT had 0 ID switches in every
run, SORT 4-7, SORT max_age=30 2-7; with the cosine threshold at 0.25 DeepSORT's appearance
features of the half-hidden squares, a mix of both colours, let swaps through in 5 of the 12
runs (hence 0.15; the paper's 0.2 is for its own network).
`NDFLOW_EXAMPLE_SAMPLES` sets the crops the appearance CNN trains on, `NDFLOW_EXAMPLE_FRAMES`
the video length (its first frames).
"""
import os
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

import ndflow as tf
from ndflow import keras

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _shapes_data import KINDS, render, shape_mask  # noqa: E402

L = keras.layers
SIZE, CROP, PAD, FRAMES = 128, 16, 16, 150
PILLAR = (90, 50, 128, 78)          # y0, x0, y1, x1: the grey pillar in front of the scene
BACKGROUND = (0.12, 0.1, 0.08)
# kind, colour, half-size, depth (larger is nearer), keyframes (frame, centre y, centre x);
# an object is in the video from its first keyframe to its last, moving linearly between
SCRIPT = [
    ("circle", (0.95, 0.25, 0.2), 8.0, 1, [(0, 26, -10), (44, 26, 59), (54, 26, 63),
                                           (100, 26, -10)]),
    ("circle", (0.25, 0.4, 1.0), 8.0, 0, [(0, 27, 138), (44, 27, 68), (54, 27, 64),
                                          (100, 27, 138)]),
    ("square", (0.2, 0.9, 0.3), 7.5, 1, [(10, 48, -10), (140, 84, 138)]),
    ("square", (0.95, 0.9, 0.2), 7.5, 0, [(10, 84, -10), (140, 48, 138)]),
    ("triangle", (0.95, 0.3, 0.95), 8.0, 0, [(20, 104, -10), (110, 116, 138)]),
    ("triangle", (0.2, 0.9, 0.95), 8.0, 0, [(20, 116, 138), (110, 104, -10)]),
]
SCENES = ("top", "top", "middle", "middle", "bottom", "bottom")  # of each SCRIPT object
TRAIN_KINDS = KINDS[:4]
FEATURES = 32


# --- the video and the detector's stand-in ---------------------------------------------------

def _position(keys, frame):
    frames = [k[0] for k in keys]
    if not frames[0] <= frame <= frames[-1]:
        return None
    return (np.interp(frame, frames, [k[1] for k in keys]),
            np.interp(frame, frames, [k[2] for k in keys]))


def make_video(frames, seed=0):
    """(frames, truth): float32 (SIZE, SIZE, 3) images and, per frame, a list of
    (object index, true box (y0, x0, y1, x1) of the whole object, even where it is outside
    the frame, visible fraction) of the objects partly visible."""
    rng = np.random.default_rng(seed)
    full = SIZE + 2 * PAD
    pillar = np.zeros((full, full), bool)
    pillar[PAD + PILLAR[0]:PAD + PILLAR[2], PAD + PILLAR[1]:PAD + PILLAR[3]] = True
    jitter = rng.normal(0, 0.3, (frames, len(SCRIPT), 2))
    video, truth = [], []
    for f in range(frames):
        objects = []
        for i, (kind, colour, r, depth, keys) in enumerate(SCRIPT):
            pos = _position(keys, f)
            if pos is not None:
                cy, cx = np.add(pos, jitter[f, i]) + PAD
                objects.append((depth, i, shape_mask(kind, cy, cx, r, full, full), colour))
        objects.sort(key=lambda o: o[0])  # far to near: the nearer paints over
        masks = [o[2] for o in objects] + [pillar]
        colours = [np.asarray(o[3]) for o in objects] + [np.array([0.55, 0.55, 0.55])]
        image = render(masks, colours, full, full, rng,
                       background=BACKGROUND)[PAD:-PAD, PAD:-PAD]
        boxes = []
        for k, (_, i, mask, _) in enumerate(objects):
            covered = np.logical_or.reduce(masks[k + 1:])
            visible = (mask & ~covered)[PAD:-PAD, PAD:-PAD]
            if visible.any():
                rows, cols = np.nonzero(mask.any(1))[0], np.nonzero(mask.any(0))[0]
                box = np.array([rows[0], cols[0], rows[-1] + 1, cols[-1] + 1], np.float64)
                boxes.append((i, box - PAD, visible.sum() / mask.sum()))
        video.append(image)
        truth.append(boxes)
    return video, truth


def detect(truth_boxes, rng):
    """The detector's stand-in: (n, 4) float32 boxes of the objects at least half visible."""
    dets = [box + rng.normal(0, 0.8, 4) for _, box, visible in truth_boxes
            if visible >= 0.5 and rng.random() > 0.05]
    if rng.random() < 0.03:
        y, x = rng.uniform(0, SIZE - 16, 2)
        dets.append(np.array([y, x, y + 15, x + 15]))
    return np.asarray(dets, np.float32).reshape(-1, 4)


def crop(image, box, size=None):
    """The box's pixels resized (nearest neighbour) to CROP x CROP."""
    size = image.shape[0] if size is None else size
    y0, x0, y1, x1 = np.clip(np.round(box), 0, size).astype(int)
    y1, x1 = max(y1, y0 + 1), max(x1, x0 + 1)
    rows = np.clip(np.linspace(y0, y1 - 1, CROP).round().astype(int), 0, size - 1)
    cols = np.clip(np.linspace(x0, x1 - 1, CROP).round().astype(int), 0, size - 1)
    return image[rows][:, cols]


# --- appearance features ---------------------------------------------------------------------

def identity_crops(n, rng, identities=60):
    """n crops of `identities` random (kind, colour) identities, labelled by identity: a
    jittered box around the shape, half of them partly covered by another shape or a bar."""
    kinds = rng.integers(len(TRAIN_KINDS), size=identities)
    colours = rng.uniform(0.1, 1.0, (identities, 3))
    images = np.empty((n, CROP, CROP, 3), np.float32)
    labels = rng.integers(identities, size=n)
    for j in range(n):
        ident = labels[j]
        r = rng.uniform(6, 9)
        cy, cx = rng.uniform(r + 2, 30 - r, 2)
        masks = [shape_mask(TRAIN_KINDS[kinds[ident]], cy, cx, r, 32, 32)]
        paint = [colours[ident] * rng.uniform(0.9, 1.1)]
        box = np.array([cy - r, cx - r, cy + r + 1, cx + r + 1]) + rng.normal(0, 1.2, 4)
        if rng.random() < 0.5:  # a partial occluder
            oy, ox = np.array([cy, cx]) + rng.uniform(-1.6, 1.6, 2) * r
            if rng.random() < 0.5:
                masks.append(shape_mask(TRAIN_KINDS[rng.integers(4)], oy, ox,
                                        rng.uniform(6, 9), 32, 32))
                paint.append(rng.uniform(0.1, 1.0, 3))
            else:
                bar = np.zeros((32, 32), bool)
                bar[:, int(np.clip(ox, 0, 31)):] = True
                masks.append(bar)
                paint.append(np.full(3, rng.uniform(0.4, 0.7)))
        images[j] = crop(render(masks, paint, 32, 32, rng), box, 32)
    return images, labels


def train_appearance_model(n, rng):
    """A CNN classifying identities; returns (crops -> unit features, accuracy on crops
    not trained on)."""
    images, labels = identity_crops(n, rng)
    inputs = keras.Input((CROP, CROP, 3))
    x = L.Conv2D(24, 3, padding="same", activation="relu")(inputs)
    x = L.MaxPooling2D(2)(x)
    x = L.Conv2D(48, 3, padding="same", activation="relu")(x)
    x = L.GlobalAveragePooling2D()(x)
    features = L.Dense(FEATURES, activation="relu", name="features")(x)
    outputs = L.Dense(int(labels.max()) + 1, activation="softmax")(features)
    classifier = keras.Model(inputs, outputs)
    classifier.compile(keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy",
                       metrics=["accuracy"])
    held = max(len(images) // 10, 1)
    classifier.fit(images[held:], labels[held:], batch_size=64, epochs=8, verbose=0)
    accuracy = classifier.evaluate(images[:held], labels[:held], verbose=0)[1]
    embed = keras.Model(inputs, features)

    def describe(crops):
        if not len(crops):
            return np.zeros((0, FEATURES), np.float32)
        f = embed.predict(np.asarray(crops, np.float32), batch_size=256, verbose=0)
        return f / (np.linalg.norm(f, axis=1, keepdims=True) + 1e-9)
    return describe, accuracy


# --- the Kalman filter and the track life cycle ----------------------------------------------

STD_POSITION, STD_VELOCITY = 1 / 20, 1 / 80   # per unit of box height (DeepSORT: 1/20, 1/160)
GATE = 9.4877                                 # chi-square 95% quantile, 4 degrees of freedom
_F = np.eye(8)
_F[:4, 4:] = np.eye(4)
_H = np.eye(4, 8)


def measurement(box):
    """(centre y, centre x, aspect ratio w / h, height) of (y0, x0, y1, x1) boxes."""
    box = np.asarray(box, np.float64)
    h, w = box[..., 2] - box[..., 0], box[..., 3] - box[..., 1]
    return np.stack([(box[..., 0] + box[..., 2]) / 2, (box[..., 1] + box[..., 3]) / 2,
                     w / np.maximum(h, 1e-6), h], -1)


class Track:
    """One object's Kalman state (measurement and its velocity), appearance gallery, life."""

    def __init__(self, track_id, box, feature, n_init=3, max_age=30, budget=100):
        z = measurement(box)
        h = z[3]
        self.mean = np.concatenate([z, np.zeros(4)])
        std = [2 * STD_POSITION * h, 2 * STD_POSITION * h, 1e-2, 2 * STD_POSITION * h,
               10 * STD_VELOCITY * h, 10 * STD_VELOCITY * h, 1e-5, 10 * STD_VELOCITY * h]
        self.cov = np.diag(np.square(std))
        self.id, self.hits, self.time_since_update = track_id, 1, 0
        self.n_init, self.max_age, self.budget = n_init, max_age, budget
        self.confirmed = False
        self.features = [] if feature is None else [feature]

    def predict(self):
        h = self.mean[3]
        std = [STD_POSITION * h, STD_POSITION * h, 1e-2, STD_POSITION * h,
               STD_VELOCITY * h, STD_VELOCITY * h, 1e-5, STD_VELOCITY * h]
        self.mean = _F @ self.mean
        self.cov = _F @ self.cov @ _F.T + np.diag(np.square(std))
        self.time_since_update += 1

    def _projected(self):
        h = self.mean[3]
        noise = np.diag(np.square([STD_POSITION * h, STD_POSITION * h, 1e-1,
                                   STD_POSITION * h]))
        return _H @ self.mean, _H @ self.cov @ _H.T + noise

    def gating_distance(self, boxes):
        """Squared Mahalanobis distances of the boxes' measurements from the prediction."""
        mean, cov = self._projected()
        d = measurement(boxes) - mean
        return np.einsum("ij,ij->i", d @ np.linalg.inv(cov), d)

    def update(self, box, feature):
        mean, cov = self._projected()
        gain = self.cov @ _H.T @ np.linalg.inv(cov)
        self.mean = self.mean + gain @ (measurement(box) - mean)
        self.cov = self.cov - gain @ cov @ gain.T
        if feature is not None:
            self.features = (self.features + [feature])[-self.budget:]
        self.hits += 1
        self.time_since_update = 0
        if not self.confirmed and self.hits >= self.n_init:
            self.confirmed = True

    def missed(self):
        """Whether the track is deleted after a frame without a match."""
        return not self.confirmed or self.time_since_update > self.max_age

    def box(self):
        cy, cx, a, h = self.mean[:4]
        w = a * h
        return np.array([cy - h / 2, cx - w / 2, cy + h / 2, cx + w / 2])


def iou_matrix(a, b):
    a, b = np.asarray(a, np.float64).reshape(-1, 4), np.asarray(b, np.float64).reshape(-1, 4)
    y0 = np.maximum(a[:, None, 0], b[None, :, 0])
    x0 = np.maximum(a[:, None, 1], b[None, :, 1])
    y1 = np.minimum(a[:, None, 2], b[None, :, 2])
    x1 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(y1 - y0, 0, None) * np.clip(x1 - x0, 0, None)
    area = lambda z: (z[:, 2] - z[:, 0]) * (z[:, 3] - z[:, 1])  # noqa: E731
    return inter / (area(a)[:, None] + area(b)[None, :] - inter + 1e-9)


def assign(cost, limit):
    """Hungarian assignment on `cost`; the pairs whose cost is at most `limit`."""
    if cost.size == 0:
        return []
    rows, cols = linear_sum_assignment(np.minimum(cost, limit + 1e5))
    return [(r, c) for r, c in zip(rows, cols) if cost[r, c] <= limit]


def _iou_step(tracks, track_idx, dets, det_idx, min_iou=0.3):
    if not track_idx or not det_idx:
        return []
    cost = 1 - iou_matrix(np.stack([tracks[t].box() for t in track_idx]), dets[det_idx])
    return [(track_idx[r], det_idx[c]) for r, c in assign(cost, 1 - min_iou)]


def associate_sort(tracks, dets, features):
    """SORT: one IoU assignment of every track."""
    return _iou_step(tracks, list(range(len(tracks))), dets, list(range(len(dets))))


def associate_deepsort(tracks, dets, features, max_cosine=0.15):
    """DeepSORT: the appearance matching cascade, then the IoU step for the rest."""
    unmatched = list(range(len(dets)))
    pairs = []
    confirmed = [i for i, t in enumerate(tracks) if t.confirmed]
    for age in range(1, max(t.max_age for t in tracks) + 1 if tracks else 1):
        level = [i for i in confirmed if tracks[i].time_since_update == age]
        if not unmatched:
            break
        if not level:
            continue
        cost = np.stack([1 - np.max(np.stack(tracks[i].features) @ features[unmatched].T, 0)
                         for i in level])
        for row, i in enumerate(level):
            cost[row, tracks[i].gating_distance(dets[unmatched]) > GATE] = np.inf
        found = [(level[r], unmatched[c]) for r, c in assign(cost, max_cosine)]
        pairs += found
        unmatched = [d for d in unmatched if d not in {c for _, c in found}]
    matched = {r for r, _ in pairs}
    rest = [i for i, t in enumerate(tracks) if i not in matched and
            (not t.confirmed or t.time_since_update == 1)]
    return pairs + _iou_step(tracks, rest, dets, unmatched)


def track_video(detections, features, associate, max_age):
    """Runs a tracker; per frame the (track id, box) of confirmed tracks matched then."""
    tracks, next_id, outputs = [], 1, []
    for dets, feats in zip(detections, features):
        for t in tracks:
            t.predict()
        pairs = associate(tracks, dets, feats) if tracks and len(dets) else []
        for r, c in pairs:
            tracks[r].update(dets[c], None if feats is None else feats[c])
        matched_t, matched_d = {r for r, _ in pairs}, {c for _, c in pairs}
        tracks = [t for i, t in enumerate(tracks) if i in matched_t or not t.missed()]
        for c in range(len(dets)):
            if c not in matched_d:
                tracks.append(Track(next_id, dets[c], None if feats is None else feats[c],
                                    max_age=max_age))
                next_id += 1
        outputs.append([(t.id, t.box()) for t in tracks
                        if t.confirmed and t.time_since_update == 0])
    return outputs


# --- evaluation ------------------------------------------------------------------------------

def clear_mot(truth, outputs, threshold=0.5, switches=None):
    """CLEAR MOT counts of tracker `outputs` against `truth` (per frame, lists of (id, box)):
    dict of id_switches, misses, false_positives, true (boxes), mota, ids (distinct track
    ids output). A correspondence of the previous frame is kept while its IoU stays at or
    above `threshold`; the other pairs come from a Hungarian assignment on IoU; an ID switch
    is a true object matched to another track than the last one it was matched to (appended
    to the list `switches`, if given, as (frame, object, old track, new track))."""
    last, current = {}, {}
    counts = dict(id_switches=0, misses=0, false_positives=0, true=0)
    ids = set()
    for frame, (gts, hyps) in enumerate(zip(truth, outputs)):
        gt_ids, hyp_ids = [g for g, _ in gts], [h for h, _ in hyps]
        ids.update(hyp_ids)
        iou = iou_matrix([b for _, b in gts], [b for _, b in hyps])
        matches = {}
        for g, h in current.items():
            if g in gt_ids and h in hyp_ids and \
                    iou[gt_ids.index(g), hyp_ids.index(h)] >= threshold:
                matches[g] = h
        free_g = [i for i, g in enumerate(gt_ids) if g not in matches]
        free_h = [j for j, h in enumerate(hyp_ids) if h not in matches.values()]
        if free_g and free_h:
            cost = 1 - iou[np.ix_(free_g, free_h)]
            for r, c in assign(cost, 1 - threshold):
                g, h = gt_ids[free_g[r]], hyp_ids[free_h[c]]
                if g in last and last[g] != h:
                    counts["id_switches"] += 1
                    if switches is not None:
                        switches.append((frame, g, last[g], h))
                matches[g] = h
        last.update(matches)
        current = matches
        counts["true"] += len(gts)
        counts["misses"] += len(gts) - len(matches)
        counts["false_positives"] += len(hyps) - len(matches)
    errors = counts["misses"] + counts["false_positives"] + counts["id_switches"]
    counts["mota"] = 1 - errors / max(counts["true"], 1)
    counts["ids"] = len(ids)
    return counts


def id_switches(truth, outputs, threshold=0.5):
    """ID switches of `outputs` (per frame, (track id, box) pairs) against `truth` (per
    frame, (n, 4) true boxes, object i in row i)."""
    return clear_mot([list(enumerate(boxes)) for boxes in truth], outputs,
                     threshold)["id_switches"]


def main():
    start = time.perf_counter()
    tf.random.set_seed(0)
    rng = np.random.default_rng(0)
    frames = min(int(os.environ.get("NDFLOW_EXAMPLE_FRAMES", FRAMES)), FRAMES)
    describe, accuracy = train_appearance_model(
        int(os.environ.get("NDFLOW_EXAMPLE_SAMPLES", 4000)), rng)
    trained = time.perf_counter()
    video, truth = make_video(frames)
    detections = [detect(boxes, rng) for boxes in truth]
    crops = [crop(image, d) for image, dets in zip(video, detections) for d in dets]
    flat = describe(crops)
    splits = np.cumsum([len(d) for d in detections])[:-1]
    features = np.split(flat, splits) if len(detections) > 1 else [flat]
    featured = time.perf_counter()
    truth_ids = [[(i, box) for i, box, _ in boxes] for boxes in truth]
    results = {}
    for label, associate, max_age, feats in (
            ("SORT", associate_sort, 1, [None] * frames),
            ("SORT max_age=30", associate_sort, 30, [None] * frames),
            ("DeepSORT", associate_deepsort, 30, features)):
        t0 = time.perf_counter()
        outputs = track_video(detections, feats, associate, max_age)
        seconds = time.perf_counter() - t0
        switches = []
        results[label] = dict(clear_mot(truth_ids, outputs, switches=switches),
                              seconds=seconds, scenes=[SCENES[g] for _, g, _, _ in switches])
    print(f"appearance CNN: identity accuracy {accuracy:.3f} on held-out crops, trained in "
          f"{trained - start:.0f} s; features of {len(flat)} detections in "
          f"{featured - trained:.1f} s")
    print(f"{frames} frames, {len(SCRIPT)} objects, {results['SORT']['true']} true boxes:")
    for label, r in results.items():
        where = ", ".join(f"{r['scenes'].count(k)} {k}" for k in ("top", "middle", "bottom"))
        print(f"  {label}: {r['id_switches']} ID switches ({where}), {r['misses']} misses, "
              f"{r['false_positives']} false positives, MOTA {r['mota']:.3f}, "
              f"{r['ids']} track IDs, {r['seconds']:.2f} s")
    print(f"total {time.perf_counter() - start:.0f} s")
    return results


if __name__ == "__main__":
    main()
