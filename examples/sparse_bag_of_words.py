"""Logistic regression on a bag-of-words SparseTensor, trained without densifying it.

A corpus is generated reproducibly: each document draws words from a 20,000-word vocabulary;
a few hundred "positive" and "negative" words tilt its label. The documents become one
SparseTensor [documents, vocabulary] of word counts, and a linear model (weights [vocab, 1])
is trained with GradientTape and tf.sparse.sparse_dense_matmul: only the nonzeros are ever
stored or multiplied. Peak memory of the training (tracemalloc) is printed next to what the
dense matrix alone would take.

    python examples/sparse_bag_of_words.py        (NDFLOW_EXAMPLE_STEPS=n for fewer steps)
"""
import os
import tracemalloc

import numpy as np

import ndflow as tf

VOCAB = 20_000
DOCS = 4_000
WORDS_PER_DOC = 60
STEPS = int(os.environ.get("NDFLOW_EXAMPLE_STEPS", "60"))


def make_corpus(seed=0):
    """(SparseTensor of word counts [DOCS, VOCAB], labels [DOCS, 1]) from a fixed seed."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, DOCS)
    cues = rng.choice(VOCAB, 400, replace=False)
    positive, negative = cues[:200], cues[200:]
    rows, cols = [], []
    for d, label in enumerate(labels):
        words = rng.integers(0, VOCAB, WORDS_PER_DOC)
        cue_words = rng.choice(positive if label else negative, 8)
        for w in np.concatenate([words, cue_words]):
            rows.append(d)
            cols.append(w)
    # word counts: unique (row, column) pairs, in row-major order
    keys, counts = np.unique(np.asarray(rows, np.int64) * VOCAB + np.asarray(cols),
                             return_counts=True)
    indices = np.stack([keys // VOCAB, keys % VOCAB], axis=1)
    x = tf.sparse.SparseTensor(indices, counts.astype(np.float32), [DOCS, VOCAB])
    return x, labels.astype(np.float32).reshape(-1, 1)


def train(x, y, steps=STEPS, learning_rate=0.5):
    w = tf.Variable(tf.zeros([VOCAB, 1]))
    b = tf.Variable(tf.zeros([1]))
    optimizer = tf.keras.optimizers.SGD(learning_rate)
    losses = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            logits = tf.sparse.sparse_dense_matmul(x, w) + b
            loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y,
                                                                          logits=logits))
        grads = tape.gradient(loss, [w, b])
        optimizer.apply_gradients(zip(grads, [w, b]))
        losses.append(float(loss))
    logits = tf.sparse.sparse_dense_matmul(x, w) + b
    accuracy = float(np.mean((logits.numpy() > 0) == (y > 0.5)))
    return losses, accuracy


def main():
    x, y = make_corpus()
    nnz = int(x.values.shape[0])
    tracemalloc.start()
    losses, accuracy = train(x, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    dense_bytes = DOCS * VOCAB * 4
    sparse_bytes = x.indices.numpy().nbytes + x.values.numpy().nbytes
    print(f"documents: {DOCS}, vocabulary: {VOCAB} columns, nonzeros: {nnz} "
          f"({100 * nnz / (DOCS * VOCAB):.2f}% dense)")
    print(f"loss: {losses[0]:.4f} -> {losses[-1]:.4f} after {len(losses)} steps, "
          f"training accuracy {accuracy:.3f}")
    print(f"sparse input: {sparse_bytes / 2**20:.1f} MiB; peak memory while training: "
          f"{peak / 2**20:.1f} MiB; the dense float32 matrix alone: {dense_bytes / 2**20:.1f} MiB")
    return losses, accuracy, peak, dense_bytes


if __name__ == "__main__":
    main()
