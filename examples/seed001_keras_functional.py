"""Seed 001: the Functional API with Normalization (adapt) on generated regression data."""
import numpy as np

import ndflow as tf


def main():
    rng = np.random.default_rng(0)
    X_train = rng.normal(3.0, 2.0, (500, 8)).astype("float32")
    y_train = (X_train @ rng.standard_normal((8, 1)) / 4 + 1).astype("float32")
    tf.random.set_seed(42)
    normalization_layer = tf.keras.layers.Normalization()
    hidden_layer1 = tf.keras.layers.Dense(30, activation="relu")
    hidden_layer2 = tf.keras.layers.Dense(30, activation="relu")
    concat_layer = tf.keras.layers.Concatenate()
    output_layer = tf.keras.layers.Dense(1)

    input_ = tf.keras.layers.Input(shape=X_train.shape[1:])
    normalized = normalization_layer(input_)
    hidden1 = hidden_layer1(normalized)
    hidden2 = hidden_layer2(hidden1)
    concat = concat_layer([normalized, hidden2])
    output = output_layer(concat)

    model = tf.keras.Model(inputs=[input_], outputs=[output])
    model.summary()
    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(loss="mse", optimizer=optimizer, metrics=["RootMeanSquaredError"])
    normalization_layer.adapt(X_train)
    history = model.fit(X_train, y_train, epochs=10, validation_split=0.2, verbose=2)
    print("final val_loss:", history.history["val_loss"][-1])


if __name__ == "__main__":
    main()
