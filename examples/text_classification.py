"""Text classification from raw strings: TextVectorization -> Embedding ->
GlobalAveragePooling1D -> Dense(16, relu) -> Dense(1, sigmoid), trained on a generated
corpus of templated positive and
negative sentences, saved as `.keras`, reloaded and predicting on raw strings.

The corpus is reproducible (NumPy seed 0): 1,200 sentences made from templates such as
"the {noun} was {adverb} {adjective}" with positive or negative adjectives, a few
negations ("not good" is negative) and neutral filler words. The vectorizer is adapted on
the training strings, so the model's input is plain text end to end.

Measured (2 CPU cores): 20 epochs in about 2 s; training loss 0.643 -> 0.0002, held-out
accuracy 1.000 on 200 unseen sentences (the last line prints it; negations included), and
the reloaded model's predictions on raw strings equal the original's
exactly (max |difference| 0.0).

Run: python examples/text_classification.py
"""
import os
import tempfile

import numpy as np

import ndflow as tf
from ndflow import keras

POSITIVE = ["good", "great", "wonderful", "excellent", "lovely", "fantastic", "pleasant"]
NEGATIVE = ["bad", "awful", "terrible", "boring", "poor", "dreadful", "horrible"]
NOUNS = ["movie", "film", "book", "meal", "show", "concert", "game", "story", "hotel"]
ADVERBS = ["really", "very", "quite", "truly", "so", "rather", ""]
TEMPLATES = ["the {noun} was {adverb} {adj}", "what a {adverb} {adj} {noun}!",
             "i thought this {noun} was {adverb} {adj}.", "{adj}, {adverb} {adj} {noun}",
             "my friends said the {noun} is {adverb} {adj}"]
SEQUENCE_LENGTH = 12
VOCAB = 200


def make_corpus(n, rng):
    """`n` (sentence, label) pairs; a "not" before the adjective flips the label."""
    texts, labels = [], []
    for _ in range(n):
        label = int(rng.integers(2))
        negate = rng.random() < 0.2
        words = POSITIVE if label != negate else NEGATIVE
        template = TEMPLATES[rng.integers(len(TEMPLATES))]
        adverb = ADVERBS[rng.integers(len(ADVERBS))]
        adj = words[rng.integers(len(words))]
        if negate:
            adverb = ("not " + adverb).strip()
        text = template.format(noun=NOUNS[rng.integers(len(NOUNS))], adverb=adverb, adj=adj)
        texts.append(" ".join(text.split()).capitalize())
        labels.append(label)
    return np.array(texts, dtype=object), np.array(labels, dtype="float32")


def build_model(train_texts):
    vectorize = keras.layers.TextVectorization(max_tokens=VOCAB,
                                               output_sequence_length=SEQUENCE_LENGTH)
    vectorize.adapt(train_texts)
    inputs = keras.Input(shape=(1,), dtype="string")
    x = vectorize(inputs)
    x = keras.layers.Embedding(VOCAB, 16)(x)
    x = keras.layers.GlobalAveragePooling1D()(x)
    x = keras.layers.Dense(16, activation="relu")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def main(epochs=20):
    rng = np.random.default_rng(0)
    tf.random.set_seed(0)
    texts, labels = make_corpus(1200, rng)
    train_x, train_y = texts[:1000, None], labels[:1000]
    test_x, test_y = texts[1000:, None], labels[1000:]
    model = build_model(texts[:1000])
    history = model.fit(train_x, train_y, batch_size=32, epochs=epochs, verbose=0)
    _, accuracy = model.evaluate(test_x, test_y, verbose=0)
    print(f"vocabulary: {len(model.layers[1].get_vocabulary())} tokens, first "
          f"{model.layers[1].get_vocabulary()[:6]}")
    print(f"loss: {history.history['loss'][0]:.4f} -> {history.history['loss'][-1]:.4f}")

    raw = np.array([["What a truly wonderful film!"], ["The hotel was not good"],
                    ["My friends said the concert is really boring"]], dtype=object)
    before = model.predict(raw, verbose=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "text_classifier.keras")
        model.save(path)
        reloaded = keras.models.load_model(path)
    after = reloaded.predict(raw, verbose=0)
    difference = float(np.max(np.abs(before - after)))
    for (sentence,), p in zip(raw, after[:, 0]):
        print(f"{p:.3f}  {sentence}")
    print(f"reloaded predictions equal: {difference == 0.0} (max |difference| {difference})")
    print(f"held-out accuracy: {accuracy:.3f}")
    return accuracy, difference, after


if __name__ == "__main__":
    main()
