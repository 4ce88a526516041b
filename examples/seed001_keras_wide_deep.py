"""Seed 001: the subclassed WideAndDeepModel with two outputs, loss=("mse", "mse") and
loss_weights=(0.9, 0.1), on generated data."""
import numpy as np

import ndflow as tf


class WideAndDeepModel(tf.keras.Model):
    def __init__(self, units=30, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.norm_layer_wide = tf.keras.layers.Normalization()
        self.norm_layer_deep = tf.keras.layers.Normalization()
        self.hidden1 = tf.keras.layers.Dense(units, activation=activation)
        self.hidden2 = tf.keras.layers.Dense(units, activation=activation)
        self.main_output = tf.keras.layers.Dense(1)
        self.aux_output = tf.keras.layers.Dense(1)

    def call(self, inputs):
        input_wide, input_deep = inputs
        norm_wide = self.norm_layer_wide(input_wide)
        norm_deep = self.norm_layer_deep(input_deep)
        hidden1 = self.hidden1(norm_deep)
        hidden2 = self.hidden2(hidden1)
        concat = tf.keras.layers.concatenate([norm_wide, hidden2])
        output = self.main_output(concat)
        aux_output = self.aux_output(hidden2)
        return output, aux_output


def main():
    rng = np.random.default_rng(0)
    X = rng.normal(3.0, 2.0, (600, 8)).astype("float32")
    y = (X @ rng.standard_normal((8, 1)) / 4 + 1).astype("float32")
    X_train, X_valid, X_test = X[:400], X[400:500], X[500:]
    y_train, y_valid, y_test = y[:400], y[400:500], y[500:]
    X_train_wide, X_train_deep = X_train[:, :5], X_train[:, 2:]
    X_valid_wide, X_valid_deep = X_valid[:, :5], X_valid[:, 2:]
    X_test_wide, X_test_deep = X_test[:, :5], X_test[:, 2:]

    tf.random.set_seed(42)
    model = WideAndDeepModel(30, activation="relu", name="my_cool_model")
    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(loss=("mse", "mse"), loss_weights=(0.9, 0.1), optimizer=optimizer,
                  metrics=["RootMeanSquaredError"])
    model.norm_layer_wide.adapt(X_train_wide)
    model.norm_layer_deep.adapt(X_train_deep)
    history = model.fit((X_train_wide, X_train_deep), (y_train, y_train), epochs=10,
                        validation_data=((X_valid_wide, X_valid_deep), (y_valid, y_valid)),
                        verbose=2)
    eval_results = model.evaluate((X_test_wide, X_test_deep), (y_test, y_test), verbose=0)
    print("evaluate:", eval_results)
    y_pred_main, y_pred_aux = model.predict((X_test_wide[:3], X_test_deep[:3]), verbose=0)
    print("predictions:", y_pred_main.ravel(), y_pred_aux.ravel())
    model.summary()
    return history


if __name__ == "__main__":
    main()
