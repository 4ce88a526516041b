"""Generated images of shapes, shared by the vision examples (transfer learning,
segmentation, detection, tracking): NumPy only, seeded, so every run sees the same data.

`shape_mask(kind, cy, cx, r, h, w)` draws one shape as a boolean mask; `render` paints
masks on a noisy background; the examples build their labels (classes, per-pixel maps,
boxes) from the same masks.
"""
import numpy as np

KINDS = ("circle", "square", "triangle", "cross", "diamond", "ring")


def shape_mask(kind, cy, cx, r, h, w):
    """Boolean (h, w) mask of a shape of half-size `r` centred at (cy, cx)."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dy, dx = yy - cy, xx - cx
    if kind == "circle":
        return dy ** 2 + dx ** 2 <= r ** 2
    if kind == "square":
        return (np.abs(dy) <= r * 0.85) & (np.abs(dx) <= r * 0.85)
    if kind == "triangle":  # apex up: rows from cy - r to cy + r, widening downwards
        return (dy >= -r) & (dy <= r) & (np.abs(dx) <= (dy + r) / 2)
    if kind == "cross":
        bar = r * 0.35
        return ((np.abs(dy) <= bar) & (np.abs(dx) <= r)) | ((np.abs(dx) <= bar) &
                                                            (np.abs(dy) <= r))
    if kind == "diamond":
        return np.abs(dy) + np.abs(dx) <= r
    if kind == "ring":
        d2 = dy ** 2 + dx ** 2
        return (d2 <= r ** 2) & (d2 >= (0.55 * r) ** 2)
    raise ValueError(f"unknown shape kind {kind!r}; expected one of {KINDS}")


def box_of(mask):
    """(y0, x0, y1, x1) of a mask's pixels, in pixels (y1, x1 exclusive)."""
    rows, cols = np.nonzero(mask.any(1))[0], np.nonzero(mask.any(0))[0]
    return np.array([rows[0], cols[0], rows[-1] + 1, cols[-1] + 1], np.float32)


def render(masks, colours, h, w, rng, noise=0.08, background=None):
    """float32 (h, w, 3) image in [0, 1]: a dim noisy background (of a random colour, or
    the RGB `background`), each mask painted."""
    tint = rng.uniform(0.0, 0.25, (1, 1, 3)) if background is None else \
        np.reshape(background, (1, 1, 3))
    image = tint + rng.normal(0, noise, (h, w, 3))
    for mask, colour in zip(masks, colours):
        image[mask] = colour + rng.normal(0, noise, (int(mask.sum()), 3))
    return np.clip(image, 0, 1).astype(np.float32)


def random_colour(rng):
    return rng.uniform(0.45, 1.0, 3)


def classification_set(n, kinds, size=32, seed=0):
    """n images of one shape each (random kind from `kinds`, position, size, colour);
    returns (images (n, size, size, 3) float32, labels int64 index into kinds)."""
    rng = np.random.default_rng(seed)
    images = np.empty((n, size, size, 3), np.float32)
    labels = rng.integers(0, len(kinds), n)
    for i in range(n):
        r = rng.uniform(size * 0.18, size * 0.32)
        cy, cx = rng.uniform(r, size - r, 2)
        mask = shape_mask(kinds[labels[i]], cy, cx, r, size, size)
        images[i] = render([mask], [random_colour(rng)], size, size, rng)
    return images, labels.astype(np.int64)
