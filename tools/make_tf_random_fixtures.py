"""Writes tests/fixtures/tf_random.npz: TensorFlow's own random numbers for ndflow to match.

Run with the TensorFlow reference venv (Keras 3 on the TensorFlow backend):
    KERAS_BACKEND=tensorflow /work/tfref/bin/python tools/make_tf_random_fixtures.py

The cases below are data; `run_case` replays one of them with either library (TensorFlow
or ndflow, given as modules), so tests/test_tf_random_bitexact.py runs exactly what made
the fixture. The XOR case is the TF1 2-2-1 network of the classic course (lab 09-2):
`tf.set_random_seed(777)`, `tf.random_normal` weights, sigmoid, gradient descent 0.1.
"""
import json
import os
import sys
import tempfile

import numpy as np

S = [3, 2]
EAGER = [
    (42, [["normal", [3, 4], {}], ["normal", [3, 4], {}]]),
    (42, [["uniform", [5], {}], ["uniform", [5], {"seed": 1}], ["uniform", [5], {"seed": 1}]]),
    (0, [["normal", [7], {"seed": 0}]]),
    (None, [["normal", [6], {"seed": 5}], ["normal", [6], {"seed": 5}]]),
    (1234, [["truncated_normal", [50], {}], ["truncated_normal", [5, 5], {"seed": 2}]]),
    (7, [["uniform", [4, 3], {"minval": -2.0, "maxval": 3.0}]]),
    (7, [["uniform", [9], {"maxval": 10, "dtype": "int32"}],
         ["uniform", [9], {"minval": -3, "maxval": 2**40, "dtype": "int64"}]]),
    (5, [["normal", [3], {"mean": 1.5, "stddev": 0.25}], ["uniform", [3], {}]]),
    (11, [["shuffle", [10], {}], ["shuffle", [6, 2], {"seed": 3}]]),
    (2**31 + 5, [["normal", [4], {}]]),
    (99, [["dropout", [16], {"rate": 0.5}], ["dropout", [4, 4], {"rate": 0.2, "seed": 9}]]),
    (None, [["stateless_normal", [3, 3], {"seed": [1, 2]}]]),
    (None, [["stateless_uniform", [8], {"seed": [7, -1], "minval": -1.0, "maxval": 1.0}]]),
    (None, [["stateless_truncated_normal", [40], {"seed": [2**33, 4]}]]),
    (3, [["normal", [2], {"dtype": "float16"}], ["uniform", [5], {"dtype": "float64"}]]),
    (8, [["normal", [255], {}]]),
    (8, [["truncated_normal", [13], {"mean": -1.0, "stddev": 3.0}]]),
    (123, [["uniform", [1], {}]] * 6),
    (0, [["shuffle", [40], {}]]),
    (17, [["normal", [2, 3], {"seed": 17}], ["truncated_normal", [2, 3], {"seed": 17}],
          ["uniform", [2, 3], {"seed": 17}]]),
    (65, [["uniform", [3], {"seed": 0}], ["normal", [3], {"seed": 2**31 - 1}]]),
]
FUNCTION = [(s, calls, 2) for s, calls in EAGER if not any(
    c[0] == "dropout" and "seed" in c[2] for c in calls)] + [
    (None, [["normal", [3], {"seed": 4}], ["normal", [3], {"seed": 4}]], 3)]
GRAPH = [
    (777, [["random_normal", [2, 2], {}], ["random_normal", [2], {}]], 2),
    (None, [["random_normal", [3], {"seed": 1}], ["random_uniform", [3], {"seed": 1}]], 2),
    (1, [["truncated_normal", [20], {}], ["random_shuffle", [8], {}]], 2),
    (5, [["get_variable", [3, 4], {}], ["get_variable", [5], {}]], 1),
    (5, [["get_variable", [2, 2], {"initializer": "truncated_normal"}],
         ["random_uniform", [4], {"minval": 0, "maxval": 100, "dtype": "int32"}]], 2),
    (12, [["dropout_v1", [12], {"keep_prob": 0.7}], ["dropout_v1", [12], {"rate": 0.1}]], 2),
    (0, [["random_normal", [5], {}], ["random_normal", [5], {"seed": 0}]], 1),
    (3, [["random_uniform", [2, 3], {"minval": -1.0, "maxval": 1.0}]], 3),
] + [(s, [[{"normal": "random_normal", "uniform": "random_uniform", "shuffle":
            "random_shuffle"}.get(c[0], c[0]), c[1], c[2]] for c in calls], 1)
     for s, calls in EAGER if all(c[0] in ("normal", "uniform", "truncated_normal", "shuffle")
                                 for c in calls)]
KERAS = [
    (42, [["GlorotUniform", [3, 4], {}], ["GlorotUniform", [3, 4], {}]]),
    (42, [["HeNormal", [4, 2], {}], ["RandomNormal", [5], {"stddev": 1.0}]]),
    (1, [["TruncatedNormal", [6], {"seed": 3}], ["TruncatedNormal", [6], {"seed": 3}]]),
    (1, [["RandomUniform", [2, 5], {"minval": -1.0, "maxval": 1.0, "seed": 8}]]),
    (7, [["Dense", [3, 2], {}], ["Dense", [4, 4], {}]]),
    (123, [["GlorotNormal", [8, 3], {}], ["HeUniform", [3, 8], {}]]),
    (5, [["LecunNormal", [10], {}], ["LecunUniform", [10], {}]]),
    (0, [["Orthogonal", [4, 3], {"seed": 2}]]),
    (2024, [["VarianceScaling", [3, 3, 2, 4], {"scale": 2.0, "mode": "fan_out",
                                               "distribution": "untruncated_normal"}]]),
]
KERAS += [(s + 1000, [[name, shape, {} if name == "Dense" else {"seed": s}]])
          for s, (name, shape) in enumerate(
    [("GlorotUniform", [5, 5]), ("HeNormal", [3, 7]), ("RandomNormal", [9]),
     ("TruncatedNormal", [4, 4]), ("HeUniform", [6]), ("GlorotNormal", [2, 9]),
     ("LecunNormal", [3, 3]), ("RandomUniform", [12]), ("Dense", [6, 3]),
     ("Dense", [2, 8]), ("Orthogonal", [3, 5])])]
XOR_STEPS = 10001


def _np(t):
    return t.numpy() if hasattr(t, "numpy") else t


def _eager_op(tf, name, shape, kw):
    kw = dict(kw)
    if "dtype" in kw:
        kw["dtype"] = getattr(tf, kw["dtype"])
    if name == "shuffle":
        n = int(np.prod(shape))
        return tf.random.shuffle(tf.reshape(tf.range(n), shape), **kw)
    if name == "dropout":
        return tf.nn.dropout(tf.ones(shape), **kw)
    if name.startswith("stateless_"):
        kw["seed"] = tf.constant(kw["seed"], tf.int64)
    return getattr(tf.random, name)(shape, **kw)


def _graph_op(v1, name, shape, kw):
    kw = dict(kw)
    if "dtype" in kw:
        kw["dtype"] = getattr(v1, kw["dtype"])
    if name == "random_shuffle":
        return v1.random_shuffle(v1.range(int(np.prod(shape))), **kw)
    if name == "dropout_v1":
        return v1.nn.dropout(v1.ones(shape), **kw)
    if name == "get_variable":
        if kw.get("initializer") == "truncated_normal":
            kw["initializer"] = v1.truncated_normal_initializer(stddev=0.5)
        return v1.get_variable(f"v{len(v1.global_variables())}", shape, **kw)
    return getattr(v1, name)(shape, **kw)


def _keras_op(keras, name, shape, kw):
    if name == "Dense":
        layer = keras.layers.Dense(shape[1], **kw)
        layer.build((None, shape[0]))
        return layer.kernel
    return getattr(keras.initializers, name)(**kw)(tuple(shape))


def run_case(mode, case, tf, keras=None):
    """Replays one case with `tf` (tensorflow or ndflow): a list of NumPy arrays."""
    if mode == "eager":
        seed, calls = case
        tf.random.set_seed(seed)  # None too: no global seed
        return [_np(_eager_op(tf, *c)) for c in calls]
    if mode == "function":
        seed, calls, repeat = case
        tf.random.set_seed(seed)

        @tf.function
        def f():
            return [_eager_op(tf, *c) for c in calls]
        return [_np(v) for _ in range(repeat) for v in f()]
    if mode == "graph":
        seed, calls, repeat = case
        v1 = tf.compat.v1
        with tf.Graph().as_default() as g:
            if seed is not None:
                v1.set_random_seed(seed)
            tensors = [_graph_op(v1, *c) for c in calls]
            with v1.Session(graph=g) as sess:
                sess.run(v1.global_variables_initializer())
                return [v for _ in range(repeat) for v in sess.run(tensors)]
    seed, calls = case
    keras.utils.set_random_seed(seed)
    return [_np(_keras_op(keras, *c)) for c in calls]


def xor_program(tf, steps=XOR_STEPS):
    """The TF1 XOR listing: (initial weights, accuracy, final cost, hypothesis)."""
    v1 = tf.compat.v1
    with tf.Graph().as_default() as g:
        v1.set_random_seed(777)
        x_data = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
        y_data = np.array([[0], [1], [1], [0]], dtype=np.float32)
        X = v1.placeholder(v1.float32, [None, 2])
        Y = v1.placeholder(v1.float32, [None, 1])
        W1 = v1.Variable(v1.random_normal([2, 2]), name="weight1")
        b1 = v1.Variable(v1.random_normal([2]), name="bias1")
        layer1 = v1.sigmoid(v1.matmul(X, W1) + b1)
        W2 = v1.Variable(v1.random_normal([2, 1]), name="weight2")
        b2 = v1.Variable(v1.random_normal([1]), name="bias2")
        hypothesis = v1.sigmoid(v1.matmul(layer1, W2) + b2)
        cost = -v1.reduce_mean(Y * v1.log(hypothesis) + (1 - Y) * v1.log(1 - hypothesis))
        train = v1.train.GradientDescentOptimizer(learning_rate=0.1).minimize(cost)
        predicted = v1.cast(hypothesis > 0.5, dtype=v1.float32)
        accuracy = v1.reduce_mean(v1.cast(v1.equal(predicted, Y), dtype=v1.float32))
        feed = {X: x_data, Y: y_data}
        with v1.Session(graph=g) as sess:
            sess.run(v1.global_variables_initializer())
            weights = sess.run([W1, b1, W2, b2])
            for _ in range(steps):
                sess.run(train, feed_dict=feed)
            h, a, c = sess.run([hypothesis, accuracy, cost], feed_dict=feed)
    return weights, float(a), float(c), h


CASES = {"eager": EAGER, "function": FUNCTION, "graph": GRAPH, "keras": KERAS}


def main():
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import tensorflow as tf
    arrays = {}
    for mode, cases in CASES.items():
        for i, case in enumerate(cases):
            for j, value in enumerate(run_case(mode, case, tf, keras)):
                arrays[f"{mode}/{i}/{j}"] = np.asarray(value)
    weights, acc, cost, h = xor_program(tf)
    for k, w in enumerate(weights):
        arrays[f"xor/weights/{k}"] = w
    arrays["xor/hypothesis"] = h
    meta = {"tensorflow": tf.__version__, "keras": keras.__version__, "xor_steps": XOR_STEPS,
            "xor_accuracy": acc, "xor_cost": cost,
            "xor_2001": list(xor_program(tf, 2001)[1:3])}
    arrays["meta"] = np.array(json.dumps(meta))
    out = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                       "tests", "fixtures", "tf_random.npz")
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(out), suffix=".npz")
    os.close(fd)
    np.savez_compressed(tmp, **arrays)
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)
    print(f"{out}: {len(arrays)} arrays, " + json.dumps(meta), file=sys.stderr)


if __name__ == "__main__":
    main()
