"""A character-level language model on Shakespeare, as TensorFlow's "text generation with
an RNN" tutorial and the Keras book write it: characters -> ids -> tf.data windows of 100
(input) + 1 (target shift) -> Embedding -> LSTM(return_sequences=True) -> Dense(vocab)
logits, trained with sparse categorical cross-entropy from logits, then sampled one
character at a time with a temperature.

The text ships with ndflow (200 kB of the "tiny Shakespeare" compilation, public domain:
`ndflow.keras.datasets.shakespeare.load_text()`), so the example runs offline.

Measured (2-core machine shared with other jobs, load average 3.2-4.4, one BLAS thread):
30 epochs of 30 batches in 106 s, loss 3.466 -> 1.713; the sample after "ROMEO:" runs in
Shakespeare's shape (speaker headings, lines of mostly real words: 67% of its words occur
in the text), e.g. "This cond good, then all godely and made our there bees as a ...". The
LSTM has 128 units (256 units took 417 s at a similar load last session: a 4x larger
recurrent GEMM for a slightly better sample). On a shared machine run it with
OPENBLAS_NUM_THREADS=1: these small GEMMs gain little from a second BLAS thread, and with
OpenBLAS's default two threads (which spin while they wait) 20 epochs took 525 s at load
about 4. Environment knobs for
quick runs: NDFLOW_EXAMPLE_EPOCHS (default 30), NDFLOW_EXAMPLE_CHARS (default: all 199,994
characters).

Run: python examples/char_rnn_shakespeare.py
"""
import os
import time

import numpy as np

import ndflow as tf
from ndflow import keras
from ndflow.keras.datasets import shakespeare

SEQ_LENGTH = 100
BATCH_SIZE = 64
EMBEDDING_DIM = 32
UNITS = 128


def make_dataset(ids):
    """(input, target) windows: target is the input shifted by one character."""
    chars = tf.data.Dataset.from_tensor_slices(ids)
    sequences = chars.batch(SEQ_LENGTH + 1, drop_remainder=True)

    def split_input_target(sequence):
        return sequence[:-1], sequence[1:]

    return (sequences.map(split_input_target)
            .shuffle(10000, seed=0)
            .batch(BATCH_SIZE, drop_remainder=True)
            .prefetch(tf.data.AUTOTUNE))


def build_model(vocab_size):
    return keras.Sequential([
        keras.Input((None,), dtype="int32"),
        keras.layers.Embedding(vocab_size, EMBEDDING_DIM),
        keras.layers.LSTM(UNITS, return_sequences=True),
        keras.layers.Dense(vocab_size),
    ])


def generate(model, start, chars, ids_from_char, length=300, temperature=0.6, seed=1):
    """Samples `length` characters after `start`, one at a time: the LSTM's cell is stepped
    with its (h, c) state carried over, as the tutorial's one-step model does."""
    embedding, lstm, dense = model.layers
    rng = np.random.default_rng(seed)
    state = [tf.zeros([1, UNITS]), tf.zeros([1, UNITS])]
    out = []
    for c in start:  # warm the state up on the prompt
        h, state = lstm.cell(embedding(np.array([ids_from_char[c]], np.int32)), state)
    for _ in range(length):
        logits = dense(h).numpy()[0] / temperature
        probs = np.exp(logits - logits.max())
        next_id = int(rng.choice(len(probs), p=probs / probs.sum()))
        out.append(chars[next_id])
        h, state = lstm.cell(embedding(np.array([next_id], np.int32)), state)
    return start + "".join(out)


def main():
    text = shakespeare.load_text()
    text = text[:int(os.environ.get("NDFLOW_EXAMPLE_CHARS", len(text)))]
    chars = sorted(set(text))
    ids_from_char = {c: i for i, c in enumerate(chars)}
    ids = np.array([ids_from_char[c] for c in text], np.int32)
    print(f"Length of text: {len(text)} characters; {len(chars)} unique characters")

    keras.utils.set_random_seed(42)
    model = build_model(len(chars))
    model.compile(optimizer=keras.optimizers.Adam(0.003),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.summary()
    epochs = int(os.environ.get("NDFLOW_EXAMPLE_EPOCHS", 30))
    start = time.perf_counter()
    history = model.fit(make_dataset(ids), epochs=epochs, verbose=2)
    seconds = time.perf_counter() - start
    losses = history.history["loss"]
    print(f"trained {epochs} epochs in {seconds:.0f} s: loss {losses[0]:.3f} -> {losses[-1]:.3f}")
    sample = generate(model, "ROMEO:\n", chars, ids_from_char)
    print("Sample:\n" + sample)
    words = [w.strip(".,;:!?'-") for w in sample.split()]
    vocabulary = set(text.split())
    known = sum(w in vocabulary or w.lower() in vocabulary for w in words if w) / max(len(words), 1)
    print(f"words of the sample found in the text: {known:.0%}")
    return losses, known


if __name__ == "__main__":
    main()
