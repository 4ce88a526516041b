"""The TensorFlow 2 quickstart for experts, fed by tf.data: a subclassed model, a
@tf.function train step over `Dataset.from_tensor_slices(...).shuffle(10000).batch(32)`,
then the same model class trained with `model.fit(dataset, validation_data=test_ds)`.

    NDFLOW_DATA_DIR=../shared/data python examples/tf2_quickstart_tf_data.py
(without the MNIST files it uses the embedded 5000-image subset)
"""
import os

import ndflow as tf
from ndflow import keras


def load_mnist():
    try:
        return keras.datasets.mnist.load_data()
    except tf.errors.NotFoundError:
        return keras.datasets.mnist.load_embedded()


class MyModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.flatten = keras.layers.Flatten()
        self.d1 = keras.layers.Dense(128, activation="relu")
        self.d2 = keras.layers.Dense(10)

    def call(self, x):
        return self.d2(self.d1(self.flatten(x)))


def main(epochs=None):
    epochs = int(os.environ.get("NDFLOW_EXAMPLE_STEPS", 2)) if epochs is None else epochs
    (x_train, y_train), (x_test, y_test) = load_mnist()
    x_train, x_test = x_train / 255.0, x_test / 255.0
    x_train, x_test = x_train.astype("float32"), x_test.astype("float32")
    tf.random.set_seed(0)
    train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(10000).batch(32)
    test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(32)

    model = MyModel()
    loss_object = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = keras.optimizers.Adam()
    train_loss = keras.metrics.Mean(name="train_loss")
    train_accuracy = keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")
    test_loss = keras.metrics.Mean(name="test_loss")
    test_accuracy = keras.metrics.SparseCategoricalAccuracy(name="test_accuracy")

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            predictions = model(images, training=True)
            loss = loss_object(labels, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        train_loss(loss)
        train_accuracy(labels, predictions)

    @tf.function
    def test_step(images, labels):
        predictions = model(images, training=False)
        test_loss(loss_object(labels, predictions))
        test_accuracy(labels, predictions)

    for epoch in range(epochs):
        for metric in (train_loss, train_accuracy, test_loss, test_accuracy):
            metric.reset_state()
        for images, labels in train_ds:
            train_step(images, labels)
        for test_images, test_labels in test_ds:
            test_step(test_images, test_labels)
        print(f"Epoch {epoch + 1}, Loss: {train_loss.result():.4f}, "
              f"Accuracy: {train_accuracy.result() * 100:.2f}, "
              f"Test Loss: {test_loss.result():.4f}, "
              f"Test Accuracy: {test_accuracy.result() * 100:.2f}")

    fitted = MyModel()
    fitted.compile(optimizer="adam", loss=loss_object, metrics=["accuracy"])
    history = fitted.fit(train_ds.prefetch(tf.data.AUTOTUNE), epochs=epochs,
                         validation_data=test_ds, verbose=0)
    print(f"fit: accuracy {history.history['accuracy'][-1]:.4f}, "
          f"val_accuracy {history.history['val_accuracy'][-1]:.4f}")
    return float(test_accuracy.result()), history.history["val_accuracy"][-1]


if __name__ == "__main__":
    main()
