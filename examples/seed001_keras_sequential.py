"""Seed 001: the Sequential 300-100-10 model (on generated 28x28 data: the seed does not
show its dataset)."""
import numpy as np

import ndflow as tf


def make_data(n=600, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n)
    x = rng.normal(0, 0.3, (n, 28, 28)).astype("float32")
    for c in range(10):  # class c lights up a horizontal band
        x[y == c, 2 * c + 3:2 * c + 6, :] += 1.0
    return x, y


def main():
    X_train, y_train = make_data()
    tf.random.set_seed(42)
    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Input(shape=(28, 28)))
    model.add(tf.keras.layers.Flatten())
    model.add(tf.keras.layers.Dense(300, activation="relu"))
    model.add(tf.keras.layers.Dense(100, activation="relu"))
    model.add(tf.keras.layers.Dense(10, activation="softmax"))
    model.summary()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd",
                  metrics=["accuracy"])
    history = model.fit(X_train, y_train, epochs=5, validation_split=0.1, verbose=2)
    print("final val_accuracy:", history.history["val_accuracy"][-1])


if __name__ == "__main__":
    main()
