"""Seed 001: Keras Tuner's random search over the book's build_model, on ndflow.

The seed's call verbatim under `import ndflow.tuner as kt` (and `import ndflow as tf`):
    kt.RandomSearch(build_model, objective="val_accuracy", max_trials=5, overwrite=True,
                    directory="my_fashion_mnist", project_name="my_rnd_search", seed=42)
Fashion-MNIST is not available offline, so the data is MNIST, same shape (28x28 uint8,
10 classes): from $NDFLOW_DATA_DIR/mnist (e.g. NDFLOW_DATA_DIR=../shared/data), or the
small embedded subset when no data directory is set. NDFLOW_EXAMPLE_EPOCHS lowers the
10 epochs, NDFLOW_EXAMPLE_SAMPLES the 55,000 training images.

    NDFLOW_DATA_DIR=../shared/data python examples/seed001_keras_tuner.py
"""
import os

import ndflow as tf
import ndflow.tuner as kt

EPOCHS = int(os.environ.get("NDFLOW_EXAMPLE_EPOCHS", 10))
SAMPLES = int(os.environ.get("NDFLOW_EXAMPLE_SAMPLES", 55_000))


def load_data():
    mnist = tf.keras.datasets.mnist
    if os.environ.get("NDFLOW_DATA_DIR"):
        (X_train_full, y_train_full), (X_test, y_test) = mnist.load_data()
    else:
        (X_train_full, y_train_full), (X_test, y_test) = mnist.load_embedded()
    X_train_full = X_train_full / 255.0
    n_valid = min(5000, len(X_train_full) // 10)
    X_train, y_train = X_train_full[:-n_valid][:SAMPLES], y_train_full[:-n_valid][:SAMPLES]
    X_valid, y_valid = X_train_full[-n_valid:], y_train_full[-n_valid:]
    return (X_train.astype("float32"), y_train), (X_valid.astype("float32"), y_valid)


def build_model(hp):
    n_hidden = hp.Int("n_hidden", min_value=0, max_value=8, default=2)
    n_neurons = hp.Int("n_neurons", min_value=16, max_value=256)
    learning_rate = hp.Float("learning_rate", min_value=1e-4, max_value=1e-2,
                             sampling="log")
    optimizer = hp.Choice("optimizer", values=["sgd", "adam"])
    if optimizer == "sgd":
        optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate)
    else:
        optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate)

    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Flatten())
    for _ in range(n_hidden):
        model.add(tf.keras.layers.Dense(n_neurons, activation="relu"))
    model.add(tf.keras.layers.Dense(10, activation="softmax"))
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                  metrics=["accuracy"])
    return model


def main():
    (X_train, y_train), (X_valid, y_valid) = load_data()
    random_search_tuner = kt.RandomSearch(
        build_model, objective="val_accuracy", max_trials=5, overwrite=True,
        directory="my_fashion_mnist", project_name="my_rnd_search", seed=42)
    random_search_tuner.search(X_train, y_train, epochs=EPOCHS,
                               validation_data=(X_valid, y_valid), verbose=2)

    random_search_tuner.results_summary()
    top3_models = random_search_tuner.get_best_models(num_models=3)
    best_model = top3_models[0]
    top3_params = random_search_tuner.get_best_hyperparameters(num_trials=3)
    print(top3_params[0].values)
    best_trial = random_search_tuner.oracle.get_best_trials(num_trials=1)[0]
    best_trial.summary()
    print("best val_accuracy:", best_trial.metrics.get_last_value("val_accuracy"))
    print("best model evaluated on the validation set:",
          best_model.evaluate(X_valid, y_valid, verbose=0))


if __name__ == "__main__":
    main()
