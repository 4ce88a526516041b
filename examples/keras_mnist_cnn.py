"""MNIST with a small CNN: Conv2D 32 -> MaxPool -> Conv2D 64 -> MaxPool -> Flatten ->
Dense 128 -> Dense 10, Adam, batch 128, 3 epochs (must show 2).

    NDFLOW_DATA_DIR=../shared/data python examples/keras_mnist_cnn.py
"""
import time

import ndflow as tf
from ndflow import keras


class EpochTimer(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        print(f"epoch {epoch + 1}: {time.perf_counter() - self.start:.1f}s "
              f"loss={logs['loss']:.4f} accuracy={logs['accuracy']:.4f}")


def main(epochs=3):
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = (x_train / 255.0).reshape(-1, 28, 28, 1).astype("float32")
    x_test = (x_test / 255.0).reshape(-1, 28, 28, 1).astype("float32")
    tf.random.set_seed(42)
    model = keras.Sequential([
        keras.layers.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(64, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=128, epochs=epochs, verbose=0,
              callbacks=[EpochTimer()])
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test loss {loss:.4f}, test accuracy {accuracy:.4f}")
    return accuracy


if __name__ == "__main__":
    main()
