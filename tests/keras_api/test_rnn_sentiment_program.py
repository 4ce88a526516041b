"""A user's program: IMDB-style sentiment on a small generated corpus, Embedding(mask_zero)
-> LSTM -> Dense, trained with fit, evaluated, saved and reloaded."""
import numpy as np

import ndflow as tf
from ndflow import keras

POSITIVE = ["good", "great", "wonderful", "loved", "best", "fun"]
NEGATIVE = ["bad", "awful", "boring", "hated", "worst", "dull"]
NEUTRAL = ["the", "movie", "plot", "actors", "was", "and", "a", "story", "film", "it"]


def make_reviews(n, rng):
    """Reviews of 4 to 12 words; the label is which kind of opinion word dominates."""
    texts, labels = [], []
    for _ in range(n):
        label = int(rng.integers(0, 2))
        words = list(rng.choice(NEUTRAL, size=rng.integers(2, 8)))
        strong = POSITIVE if label else NEGATIVE
        words += list(rng.choice(strong, size=rng.integers(2, 4)))
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append(label)
    return texts, np.array(labels, "int32")


def encode(texts, vocab, maxlen=12):
    out = np.zeros((len(texts), maxlen), "int32")  # 0 pads (masked by the Embedding)
    for i, text in enumerate(texts):
        ids = [vocab[w] for w in text.split()][:maxlen]
        out[i, :len(ids)] = ids
    return out


def test_sentiment_lstm_program(tmp_path):
    rng = np.random.default_rng(42)
    tf.random.set_seed(42)
    vocab = {w: i + 1 for i, w in enumerate(NEUTRAL + POSITIVE + NEGATIVE)}
    train_texts, y_train = make_reviews(400, rng)
    test_texts, y_test = make_reviews(100, rng)
    x_train, x_test = encode(train_texts, vocab), encode(test_texts, vocab)

    model = keras.Sequential([
        keras.Input(shape=(12,), dtype="int32"),
        keras.layers.Embedding(len(vocab) + 1, 16, mask_zero=True),
        keras.layers.LSTM(16),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=8, batch_size=32, validation_split=0.1,
                        verbose=0)
    loss, acc = model.evaluate(x_test, y_test, verbose=0)
    assert acc >= 0.9, history.history
    assert history.history["loss"][-1] < history.history["loss"][0]

    # Padding is masked: appending pads to a review does not change its prediction.
    one = encode(["great movie and fun"], vocab, maxlen=12)
    short = keras.Sequential([keras.Input(shape=(4,), dtype="int32")] + model.layers)
    np.testing.assert_allclose(short.predict(one[:, :4], verbose=0),
                               model.predict(one, verbose=0), atol=1e-6)

    path = str(tmp_path / "sentiment.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    np.testing.assert_allclose(restored.predict(x_test, verbose=0),
                               model.predict(x_test, verbose=0), atol=1e-6)
