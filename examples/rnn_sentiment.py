"""Sentiment of short reviews with a recurrent network, as the Keras book's IMDB chapter
builds it: raw strings -> TextVectorization (int ids, padded with 0) ->
Embedding(mask_zero=True) -> Bidirectional(LSTM) -> Dense(sigmoid), trained with fit and
evaluated on held-out reviews.

The reviews are generated reproducibly (NumPy seed 0), since IMDB is a download: 4 to 14
words of neutral filler with two or three opinion words, and "not" flipping the opinion
word after it ("not good" is negative), so word order matters and a bag of words cannot
solve it alone. Padding is masked end to end (the LSTM skips padded steps).

Measured (2 CPU cores shared with other jobs, load average ~11): 15 epochs in 95 s; test
accuracy 0.948 on 500 unseen reviews; "the movie was not good" -> negative (0.09), "i
thought this film was not bad at all" -> positive (0.99). NDFLOW_EXAMPLE_EPOCHS (default
15) shortens the run.

Run: python examples/rnn_sentiment.py
"""
import os
import time

import numpy as np

from ndflow import keras

POSITIVE = ["good", "great", "wonderful", "excellent", "fun", "brilliant"]
NEGATIVE = ["bad", "awful", "boring", "terrible", "dull", "poor"]
FILLER = ["the", "movie", "plot", "actors", "was", "and", "a", "story", "film", "it", "really",
          "very", "i", "thought", "this", "quite"]
MAX_LEN = 16


def make_reviews(n, rng):
    """(texts, labels): the label is the sign of the sum of the opinions, a "not" flipping the
    opinion word right after it."""
    texts, labels = [], []
    while len(texts) < n:
        words = list(rng.choice(FILLER, size=rng.integers(2, 10)))
        score = 0
        for _ in range(rng.integers(2, 4)):
            positive = rng.random() < 0.5
            negated = rng.random() < 0.3
            opinion = [str(rng.choice(POSITIVE if positive else NEGATIVE))]
            if negated:
                opinion.insert(0, "not")
            score += (1 if positive else -1) * (-1 if negated else 1)
            at = int(rng.integers(0, len(words) + 1))
            words[at:at] = opinion
        if score != 0:
            texts.append(" ".join(words))
            labels.append(int(score > 0))
    return np.array(texts), np.array(labels, "float32")


def main():
    rng = np.random.default_rng(0)
    x_train, y_train = make_reviews(2000, rng)
    x_test, y_test = make_reviews(500, rng)
    print(f"{len(x_train)} training reviews, e.g. {x_train[0]!r} -> {int(y_train[0])}")

    keras.utils.set_random_seed(0)
    vectorize = keras.layers.TextVectorization(output_sequence_length=MAX_LEN)
    vectorize.adapt(x_train)
    vocab_size = vectorize.vocabulary_size()
    model = keras.Sequential([
        keras.Input((MAX_LEN,), dtype="int32"),
        keras.layers.Embedding(vocab_size, 32, mask_zero=True),
        keras.layers.Bidirectional(keras.layers.LSTM(32)),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.summary()
    epochs = int(os.environ.get("NDFLOW_EXAMPLE_EPOCHS", 15))
    start = time.perf_counter()
    model.fit(vectorize(x_train), y_train, epochs=epochs, batch_size=32, validation_split=0.1,
              verbose=2)
    loss, accuracy = model.evaluate(vectorize(x_test), y_test, verbose=0)
    print(f"test accuracy {accuracy:.3f} (loss {loss:.3f}) after {epochs} epochs in "
          f"{time.perf_counter() - start:.0f} s")
    for review in ["the movie was not good", "i thought this film was not bad at all"]:
        p = float(model.predict(vectorize(np.array([review])), verbose=0)[0, 0])
        print(f"{review!r}: {'positive' if p > 0.5 else 'negative'} ({p:.2f})")
    return accuracy


if __name__ == "__main__":
    main()
