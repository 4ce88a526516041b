"""The main job: `python -m ndflow.demo` (or `ndflow-demo`).

Offline, end to end: trains a Keras MLP on MNIST (the real files when they are on this
machine — `$NDFLOW_DATA_DIR/mnist`, the ndflow cache, or `../shared/data/mnist` beside the
repository — else the small MNIST subset shipped inside the package; nothing is
downloaded), printing per-epoch progress and the test accuracy; then two TF1 programs of
the seed notes: the two-layer XOR network of seed 000 [9-2] (with the intended 2x2 first
layer) and the linear regression of seed 004. Exits with status 1 if anything fails to
learn, so it doubles as a smoke test. `--data embedded` (or `NDFLOW_DEMO_DATA=embedded`)
forces the subset.
"""
import argparse
import os
import sys
import time

import numpy as np

import ndflow.compat.v1 as tf


def train_xor(steps=5000, seed=1):
    """A 2-2-1 sigmoid network on XOR with gradient descent; returns the final accuracy."""
    tf.reset_default_graph()
    tf.set_random_seed(seed)
    x_data = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y_data = np.array([[0], [1], [1], [0]], dtype=np.float32)
    X = tf.placeholder(tf.float32, [None, 2], name="X")
    Y = tf.placeholder(tf.float32, [None, 1], name="Y")
    W1 = tf.Variable(tf.random_normal([2, 2]), name="weight1")
    b1 = tf.Variable(tf.random_normal([2]), name="bias1")
    layer1 = tf.sigmoid(tf.matmul(X, W1) + b1)
    W2 = tf.Variable(tf.random_normal([2, 1]), name="weight2")
    b2 = tf.Variable(tf.random_normal([1]), name="bias2")
    hypothesis = tf.sigmoid(tf.matmul(layer1, W2) + b2)
    cost = -tf.reduce_mean(Y * tf.log(hypothesis) + (1 - Y) * tf.log(1 - hypothesis))
    train = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(cost)
    predicted = tf.cast(hypothesis > 0.5, dtype=tf.float32)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, Y), dtype=tf.float32))
    feed = {X: x_data, Y: y_data}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(steps + 1):
            _, cost_val = sess.run([train, cost], feed_dict=feed)
            if step % 1000 == 0:
                print(f"  xor step {step:5d}  cost {cost_val:.6f}")
        h, acc = sess.run([hypothesis, accuracy], feed_dict=feed)
    print("  predictions", np.round(h.ravel(), 3), " accuracy", acc)
    return float(acc)


def train_linear_regression(steps=1000):
    """Seed 004: W * x + b on x = 1..4, y = 3x + 2; returns the fitted (W, b)."""
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, name="x")
    y = tf.placeholder(tf.float32, name="y")
    W = tf.Variable([1], dtype=tf.float32, name="W")
    b = tf.Variable([1], dtype=tf.float32, name="b")
    hypothesis = W * x + b
    cost = tf.reduce_mean(tf.square(hypothesis - y))
    train_op = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(cost)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(steps):
            _, cost_val = sess.run([train_op, cost], feed_dict={x: [1, 2, 3, 4], y: [5, 8, 11, 14]})
            if step % 200 == 0 or step == steps - 1:
                w_now, b_now = sess.run([W, b])
                print(f"  linreg step {step:4d}  loss {cost_val:.7g}  W {w_now}  b {b_now}")
        w_val, b_val = sess.run([W, b])
        print("  prediction for x=5 and x=6:", sess.run(hypothesis, feed_dict={x: [5, 6]}))
    return float(w_val[0]), float(b_val[0])


def _shared_mnist_dir():
    """`../shared/data/mnist` beside the repository this package was installed from (an
    editable or in-tree checkout), wherever the demo is started from."""
    repository = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.join(os.path.dirname(repository), "shared", "data", "mnist")


def _local_mnist(data="auto"):
    """((x_train, y_train), (x_test, y_test), description) without any download."""
    from ndflow.keras.datasets import _idx_dataset, mnist
    if data != "embedded" and os.environ.get("NDFLOW_DEMO_DATA") != "embedded":
        candidates = _idx_dataset.search_dirs(mnist.SPEC) + [_shared_mnist_dir()]
        for directory in candidates:
            if len(_idx_dataset._find_idx_files(mnist.SPEC, directory)) == 4:
                train, test = mnist.load_data(path=directory)
                return train, test, f"MNIST from {os.path.abspath(directory)}"
    train, test = mnist.load_embedded()
    return train, test, "the MNIST subset shipped with ndflow (5000 train / 1000 test)"


def train_keras_mnist(data="auto"):
    """Flatten-300-100-10 with Adam; returns the test accuracy and the bar it must reach."""
    from ndflow import keras
    import ndflow
    (x_train, y_train), (x_test, y_test), source = _local_mnist(data)
    print(f"  data: {source}")
    real = len(x_train) > 10000
    x_train, x_test = x_train.astype("float32") / 255.0, x_test.astype("float32") / 255.0
    ndflow.random.set_seed(42)
    model = keras.Sequential([
        keras.layers.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(300, activation="relu"),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=32, epochs=2 if real else 5,
              validation_split=0.1, verbose=1)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return float(accuracy), (0.96 if real else 0.85)


def _arguments(argv):
    parser = argparse.ArgumentParser(
        prog="python -m ndflow.demo",
        description="ndflow's main job, offline: trains a Keras MLP on MNIST (the real files "
                    "when present, else the subset shipped with ndflow) with progress bars and "
                    "its test accuracy, then two TF1 programs (XOR, linear regression). Exits "
                    "with status 1 if anything fails to learn.")
    parser.add_argument("--data", choices=("auto", "embedded"), default="auto",
                        help="auto: real MNIST from $NDFLOW_DATA_DIR/mnist, the ndflow cache "
                             "or ../shared/data/mnist beside the repository, else the shipped "
                             "subset; embedded: always the shipped subset")
    return parser.parse_args(argv)


def main(argv=None):
    args = _arguments(sys.argv[1:] if argv is None else argv)
    start = time.perf_counter()
    print("ndflow demo: Keras and TF1 programs on NumPy, offline\n")
    print("Keras MLP on MNIST (seed 001's Sequential 300-100-10):")
    mnist_accuracy, bar = train_keras_mnist(args.data)
    print(f"  test accuracy {mnist_accuracy:.4f} (must reach {bar})")
    print("\nXOR, two sigmoid layers (seed 000, 9-2):")
    accuracy = train_xor()
    print("\nLinear regression W*x + b (seed 004):")
    w, b = train_linear_regression()
    ok = (mnist_accuracy >= bar and accuracy == 1.0 and abs(w - 3) < 1e-4
          and abs(b - 2) < 1e-4)
    print(f"\nMNIST test accuracy {mnist_accuracy:.4f}; XOR accuracy {accuracy}; "
          f"fitted W {w:.6f}, b {b:.6f} (expected 3 and 2)")
    print(f"{'OK' if ok else 'FAILED'} in {time.perf_counter() - start:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
