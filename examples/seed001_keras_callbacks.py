"""Seed 001: ModelCheckpoint (save the best model) and EarlyStopping (stop when the
validation loss stops improving, restoring the best weights), on generated data."""
import os
import tempfile

import numpy as np

import ndflow as tf


def main():
    rng = np.random.default_rng(0)
    X = rng.normal(3.0, 2.0, (500, 8)).astype("float32")
    y = (X @ rng.standard_normal((8, 1)) / 4 + 1 + rng.normal(0, 0.3, (500, 1))).astype(
        "float32")
    tf.random.set_seed(42)
    model = tf.keras.Sequential([
        tf.keras.layers.Input(shape=(8,)),
        tf.keras.layers.Dense(30, activation="relu"),
        tf.keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=tf.keras.optimizers.Adam(learning_rate=1e-2))
    workdir = tempfile.mkdtemp()
    path = os.path.join(workdir, "my_checkpoints.weights.h5")
    checkpoint_cb = tf.keras.callbacks.ModelCheckpoint(path, save_weights_only=True,
                                                       save_best_only=True)
    early_stopping_cb = tf.keras.callbacks.EarlyStopping(patience=5,
                                                         restore_best_weights=True)
    history = model.fit(X[:400], y[:400], epochs=100, validation_data=(X[400:], y[400:]),
                        callbacks=[checkpoint_cb, early_stopping_cb], verbose=0)
    print(f"stopped after {len(history.epoch)} epochs; best val_loss "
          f"{min(history.history['val_loss']):.4f}; checkpoint: {os.path.exists(path)}")


if __name__ == "__main__":
    main()
