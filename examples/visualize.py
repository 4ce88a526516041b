"""Pictures of the seeds' models: python examples/visualize.py [output_dir] (default ./pictures)

1. seed004_graph.png   - seed 004's TF1 graph: W * x + b, the cost, and the optimizer
                         (gradients + updates) collapsed into one node.
2. seed001_wide_and_deep.png - seed 001's subclassed WideAndDeepModel, from keras.utils.plot_model.
3. seed001_history.png - its training and validation loss curves, from History.plot().

Needs the Graphviz `dot` program and the graphviz and matplotlib packages
(`pip install ndflow[tensorboard]`, `apt-get install graphviz`).
"""
import os
import sys

import numpy as np

import ndflow
import ndflow.compat.v1 as v1
import ndflow.keras.utils.plotting  # noqa: F401  (gives History its plot() method)


def seed004_graph(out_dir):
    graph = v1.Graph()
    with graph.as_default():
        x = v1.placeholder(v1.float32, name="x")
        y = v1.placeholder(v1.float32, name="y")
        W = v1.Variable([1], dtype=v1.float32, name="W")
        b = v1.Variable([1], dtype=v1.float32, name="b")
        hypothesis = v1.add(W * x, b, name="hypothesis")
        cost = v1.reduce_mean(v1.square(hypothesis - y), name="cost")
        v1.train.GradientDescentOptimizer(learning_rate=0.1).minimize(cost)
    return ndflow.plotting.plot_graph(graph, to_file=os.path.join(out_dir, "seed004_graph.png"),
                                   dpi=110)


class WideAndDeepModel(ndflow.keras.Model):  # seed 001, Subclassing API
    def __init__(self, units=30, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.norm_layer_wide = ndflow.keras.layers.Normalization()
        self.norm_layer_deep = ndflow.keras.layers.Normalization()
        self.hidden1 = ndflow.keras.layers.Dense(units, activation=activation)
        self.hidden2 = ndflow.keras.layers.Dense(units, activation=activation)
        self.main_output = ndflow.keras.layers.Dense(1)
        self.aux_output = ndflow.keras.layers.Dense(1)

    def call(self, inputs):
        input_wide, input_deep = inputs
        norm_wide = self.norm_layer_wide(input_wide)
        norm_deep = self.norm_layer_deep(input_deep)
        hidden1 = self.hidden1(norm_deep)
        hidden2 = self.hidden2(hidden1)
        concat = ndflow.concat([norm_wide, hidden2], axis=1)
        output = self.main_output(concat)
        aux_output = self.aux_output(hidden2)
        return output, aux_output


def housing_like_data(n, rng):
    """Eight features and a smooth target, shaped like the California housing data the
    seed trains on (wide input: features 0-4, deep input: features 2-7)."""
    X = rng.normal(size=(n, 8)).astype(np.float32)
    y = (np.sin(X[:, :1]) + 0.5 * X[:, 2:3] * X[:, 5:6] + 0.1 * rng.normal(size=(n, 1)))
    return X, y.astype(np.float32)


def seed001_wide_and_deep(out_dir):
    ndflow.random.set_seed(42)
    rng = np.random.default_rng(42)
    X_train, y_train = housing_like_data(600, rng)
    X_valid, y_valid = housing_like_data(200, rng)
    X_train_wide, X_train_deep = X_train[:, :5], X_train[:, 2:]
    X_valid_wide, X_valid_deep = X_valid[:, :5], X_valid[:, 2:]
    model = WideAndDeepModel(30, activation="relu", name="my_cool_model")
    model.compile(loss="mse", loss_weights=[0.9, 0.1],
                  optimizer=ndflow.keras.optimizers.Adam(learning_rate=1e-3))
    model.norm_layer_wide.adapt(X_train_wide)
    model.norm_layer_deep.adapt(X_train_deep)
    history = model.fit((X_train_wide, X_train_deep), (y_train, y_train), epochs=20,
                        validation_data=((X_valid_wide, X_valid_deep), (y_valid, y_valid)),
                        verbose=0)
    ndflow.keras.utils.plot_model(model, to_file=os.path.join(out_dir,
                                                              "seed001_wide_and_deep.png"),
                                  show_shapes=True, show_layer_activations=True, dpi=110)
    history.plot(to_file=os.path.join(out_dir, "seed001_history.png"),
                 title="WideAndDeepModel (seed 001): training and validation loss")
    return history


def main(out_dir="pictures"):
    os.makedirs(out_dir, exist_ok=True)
    seed004_graph(out_dir)
    history = seed001_wide_and_deep(out_dir)
    for name in ("seed004_graph.png", "seed001_wide_and_deep.png", "seed001_history.png"):
        print(os.path.join(out_dir, name))
    print(f"final loss {history.history['loss'][-1]:.4f}, "
          f"val_loss {history.history['val_loss'][-1]:.4f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "pictures")
