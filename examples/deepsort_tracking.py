"""Multi-object tracking in the style of DeepSORT (Wojke, Bewley, Paulus 2017) on a
generated video: a Kalman filter per track, appearance features from a CNN, and the
Hungarian algorithm (`scipy.optimize.linear_sum_assignment`) matching detections to tracks
on a cost mixing appearance (cosine distance) and motion (1 - IoU with the predicted box).

The video: 80 frames of 96x96 pixels; 5 shapes (kind and colour per object, two of them
alike in kind) moving at constant velocity, bouncing off the borders and crossing each
other. The detections: each object's true box jittered by 1 pixel, missed with probability
0.1, plus a false alarm in 5% of the frames; a stand-in for examples/detection_single_
stage.py's detector, to keep the run short (the tracker only sees boxes and image crops).

The appearance model: a small CNN trained here to tell shape kinds and colour bins apart
on random 16x16 crops (DeepSORT trains its re-identification CNN offline the same way, on
other identities than the ones it will track); its L2-normalized penultimate layer is the
feature. A track keeps its last 10 features; tracks are confirmed after 2 matches and
deleted after 6 frames without one.

Reported: ID switches (times an object's matched track changes), against IoU-only
matching (the same tracker with the appearance weight set to 0).
Measured at these defaults (2 CPU cores, load average ~8 from other jobs, one BLAS thread):
7 s; appearance CNN accuracy 0.620; 80 frames, 5 objects: 0 ID switches with appearance +
IoU, and 0 with IoU alone on this (easy, well-separated) generated video.
`NDFLOW_EXAMPLE_SAMPLES` sets the crops
the appearance CNN trains on, `NDFLOW_EXAMPLE_FRAMES` the video length.
"""
import os
import sys
import time

import numpy as np

import ndflow as tf
from ndflow import keras

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _shapes_data import KINDS, box_of, render, shape_mask  # noqa: E402

L = keras.layers
SIZE, CROP = 96, 16
PALETTE = np.array([[1.0, 0.3, 0.3], [0.3, 1.0, 0.3], [0.35, 0.45, 1.0], [1.0, 1.0, 0.3],
                    [1.0, 0.4, 1.0], [0.3, 1.0, 1.0]])
SHAPE_KINDS = KINDS[:4]


# --- the video and the detector's stand-in ---------------------------------------------

def make_video(frames, seed=0):
    rng = np.random.default_rng(seed)
    objects = [dict(kind=k, colour=PALETTE[c], r=rng.uniform(7, 10),
                    pos=rng.uniform(15, SIZE - 15, 2), vel=rng.uniform(-2.2, 2.2, 2))
               for k, c in ((0, 0), (1, 1), (0, 2), (2, 3), (3, 4))]
    video, truth = [], []
    for _ in range(frames):
        masks, boxes = [], []
        for o in objects:
            o["pos"] = o["pos"] + o["vel"]
            for d in range(2):  # bounce
                if not o["r"] <= o["pos"][d] <= SIZE - o["r"]:
                    o["vel"][d] *= -1
                    o["pos"][d] = np.clip(o["pos"][d], o["r"], SIZE - o["r"])
            mask = shape_mask(SHAPE_KINDS[o["kind"]], *o["pos"], o["r"], SIZE, SIZE)
            masks.append(mask)
            boxes.append(box_of(mask))
        video.append(render(masks, [o["colour"] for o in objects], SIZE, SIZE, rng))
        truth.append(np.asarray(boxes))
    return video, truth


def detect(truth_boxes, rng):
    dets = [b + rng.normal(0, 1.0, 4) for b in truth_boxes if rng.random() > 0.1]
    if rng.random() < 0.05:
        y, x = rng.uniform(0, SIZE - 16, 2)
        dets.append(np.array([y, x, y + 14, x + 14]))
    return np.asarray(dets, np.float32).reshape(-1, 4)


def crop(image, box):
    """The box's pixels resized (nearest neighbour) to CROP x CROP."""
    y0, x0, y1, x1 = np.clip(np.round(box), 0, SIZE).astype(int)
    y1, x1 = max(y1, y0 + 1), max(x1, x0 + 1)
    rows = np.clip(np.linspace(y0, y1 - 1, CROP).round().astype(int), 0, SIZE - 1)
    cols = np.clip(np.linspace(x0, x1 - 1, CROP).round().astype(int), 0, SIZE - 1)
    return image[rows][:, cols]


# --- appearance features -----------------------------------------------------------------

def train_appearance_model(n, rng):
    """A CNN classifying (kind, colour) of random crops; returns crops -> unit features."""
    images = np.empty((n, CROP, CROP, 3), np.float32)
    labels = np.empty(n, np.int64)
    for i in range(n):
        kind, colour = rng.integers(len(SHAPE_KINDS)), rng.integers(len(PALETTE))
        r = rng.uniform(5, 8)
        c = rng.uniform(r, 24 - r, 2)
        mask = shape_mask(SHAPE_KINDS[kind], *c, r, 24, 24)
        scene = render([mask], [PALETTE[colour] * rng.uniform(0.85, 1.15)], 24, 24, rng)
        box = box_of(mask) + rng.normal(0, 1.0, 4)
        y0, x0, y1, x1 = np.clip(np.round(box), 0, 24).astype(int)
        y1, x1 = max(y1, y0 + 1), max(x1, x0 + 1)
        rows = np.linspace(y0, y1 - 1, CROP).round().astype(int).clip(0, 23)
        cols = np.linspace(x0, x1 - 1, CROP).round().astype(int).clip(0, 23)
        images[i] = scene[rows][:, cols]
        labels[i] = kind * len(PALETTE) + colour
    inputs = keras.Input((CROP, CROP, 3))
    x = L.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    x = L.MaxPooling2D(2)(x)
    x = L.Conv2D(32, 3, padding="same", activation="relu")(x)
    x = L.GlobalAveragePooling2D()(x)
    features = L.Dense(32, activation="relu", name="features")(x)
    outputs = L.Dense(len(SHAPE_KINDS) * len(PALETTE), activation="softmax")(features)
    classifier = keras.Model(inputs, outputs)
    classifier.compile(keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy",
                       metrics=["accuracy"])
    classifier.fit(images, labels, batch_size=64, epochs=8, verbose=0)
    accuracy = classifier.evaluate(images[-200:], labels[-200:], verbose=0)[1]
    embed = keras.Model(inputs, features)

    def describe(crops):
        f = embed.predict(np.asarray(crops, np.float32), verbose=0)
        return f / (np.linalg.norm(f, axis=1, keepdims=True) + 1e-9)
    return describe, accuracy


# --- the tracker ---------------------------------------------------------------------------

def iou_matrix(a, b):
    y0 = np.maximum(a[:, None, 0], b[None, :, 0])
    x0 = np.maximum(a[:, None, 1], b[None, :, 1])
    y1 = np.minimum(a[:, None, 2], b[None, :, 2])
    x1 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(y1 - y0, 0, None) * np.clip(x1 - x0, 0, None)
    area = lambda z: (z[:, 2] - z[:, 0]) * (z[:, 3] - z[:, 1])  # noqa: E731
    return inter / (area(a)[:, None] + area(b)[None, :] - inter + 1e-9)


class Track:
    """Kalman filter on (cy, cx, h, w) with constant-velocity centre."""
    F = np.eye(6)
    F[0, 4] = F[1, 5] = 1.0
    H = np.eye(4, 6)

    def __init__(self, track_id, box, feature):
        cy, cx = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        self.x = np.array([cy, cx, box[2] - box[0], box[3] - box[1], 0, 0], np.float64)
        self.P = np.diag([4.0, 4.0, 4.0, 4.0, 10.0, 10.0])
        self.id, self.features, self.hits, self.misses = track_id, [feature], 1, 0

    def predict(self):
        self.x = self.F @ self.x
        self.P = self.F @ self.P @ self.F.T + np.diag([1, 1, 0.5, 0.5, 0.5, 0.5])

    def update(self, box, feature):
        z = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2, box[2] - box[0],
                      box[3] - box[1]])
        S = self.H @ self.P @ self.H.T + np.eye(4) * 2.0
        K = self.P @ self.H.T @ np.linalg.inv(S)
        self.x = self.x + K @ (z - self.H @ self.x)
        self.P = (np.eye(6) - K @ self.H) @ self.P
        self.features = (self.features + [feature])[-10:]
        self.hits, self.misses = self.hits + 1, 0

    def box(self):
        cy, cx, h, w = self.x[:4]
        return np.array([cy - h / 2, cx - w / 2, cy + h / 2, cx + w / 2])


def track_video(video, detections, describe, appearance_weight, max_misses=6):
    from scipy.optimize import linear_sum_assignment
    tracks, next_id, outputs = [], 1, []
    for image, dets in zip(video, detections):
        features = describe([crop(image, d) for d in dets]) if len(dets) else np.zeros((0, 32))
        for t in tracks:
            t.predict()
        if tracks and len(dets):
            predicted = np.stack([t.box() for t in tracks])
            motion = 1.0 - iou_matrix(predicted, dets)
            looks = np.stack([1.0 - np.max(np.stack(t.features) @ features.T, axis=0)
                              for t in tracks])
            cost = appearance_weight * looks + (1 - appearance_weight) * motion
            gated = (motion > 0.9) | (looks > 0.5 if appearance_weight else False)
            cost = np.where(gated, 1e5, cost)
            rows, cols = linear_sum_assignment(cost)
            pairs = [(r, c) for r, c in zip(rows, cols) if cost[r, c] < 1e5]
        else:
            pairs = []
        matched_t, matched_d = {r for r, _ in pairs}, {c for _, c in pairs}
        for r, c in pairs:
            tracks[r].update(dets[c], features[c])
        for i, t in enumerate(tracks):
            if i not in matched_t:
                t.misses += 1
        tracks = [t for t in tracks if t.misses <= max_misses]
        for c in range(len(dets)):
            if c not in matched_d:
                tracks.append(Track(next_id, dets[c], features[c]))
                next_id += 1
        outputs.append([(t.id, t.box()) for t in tracks if t.hits >= 2 and t.misses == 0])
    return outputs


def id_switches(truth, outputs, threshold=0.4):
    """Times an object's best-overlapping confirmed track changes id."""
    last, switches = {}, 0
    for boxes, tracked in zip(truth, outputs):
        if not tracked:
            continue
        overlaps = iou_matrix(boxes, np.stack([b for _, b in tracked]))
        for obj in range(len(boxes)):
            j = int(np.argmax(overlaps[obj]))
            if overlaps[obj, j] >= threshold:
                track_id = tracked[j][0]
                if obj in last and last[obj] != track_id:
                    switches += 1
                last[obj] = track_id
    return switches


def main():
    start = time.perf_counter()
    tf.random.set_seed(0)
    rng = np.random.default_rng(0)
    frames = int(os.environ.get("NDFLOW_EXAMPLE_FRAMES", 80))
    describe, accuracy = train_appearance_model(
        int(os.environ.get("NDFLOW_EXAMPLE_SAMPLES", 3000)), rng)
    video, truth = make_video(frames)
    detections = [detect(boxes, rng) for boxes in truth]
    results = {}
    for label, weight in (("appearance + IoU", 0.6), ("IoU only", 0.0)):
        outputs = track_video(video, detections, describe, weight)
        results[label] = id_switches(truth, outputs)
    print(f"appearance CNN accuracy {accuracy:.3f}; {frames} frames, {len(truth[0])} objects: "
          + ", ".join(f"{k}: {v} ID switches" for k, v in results.items())
          + f" ({time.perf_counter() - start:.0f} s)")
    return results


if __name__ == "__main__":
    main()
