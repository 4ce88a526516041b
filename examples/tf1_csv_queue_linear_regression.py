"""The classic TF1 program: read `data-01-test-score.csv` through string_input_producer ->
TextLineReader -> decode_csv -> tf.train.batch with queue-runner threads, and fit a linear
regression. Only the import differs from the TensorFlow 1 listing (the CSV is written first
so the program runs on its own).

    python examples/tf1_csv_queue_linear_regression.py
"""
import os
import tempfile

import numpy as np

import ndflow.compat.v1 as tf


def write_scores(path):
    rng = np.random.default_rng(0)
    exams = rng.uniform(50, 100, size=(25, 3)).round()
    final = exams @ np.array([0.3, 0.5, 0.2]) + 2
    with open(path, "w") as f:
        f.write("# EXAM1,EXAM2,EXAM3,FINAL\n")
        for row, y in zip(exams, final):
            f.write(",".join(str(int(v)) for v in row) + f",{y:.0f}\n")


def main(steps=None):
    steps = int(os.environ.get("NDFLOW_EXAMPLE_STEPS", 2001)) if steps is None else steps
    path = os.path.join(tempfile.mkdtemp(), "data-01-test-score.csv")
    write_scores(path)
    tf.set_random_seed(777)

    filename_queue = tf.train.string_input_producer([path], shuffle=False,
                                                    name='filename_queue')
    reader = tf.TextLineReader(skip_header_lines=1)
    key, value = reader.read(filename_queue)
    record_defaults = [[0.], [0.], [0.], [0.]]
    xy = tf.decode_csv(value, record_defaults=record_defaults)
    train_x_batch, train_y_batch = tf.train.batch([xy[0:-1], xy[-1:]], batch_size=10)

    X = tf.placeholder(tf.float32, shape=[None, 3])
    Y = tf.placeholder(tf.float32, shape=[None, 1])
    W = tf.Variable(tf.random_normal([3, 1]), name='weight')
    b = tf.Variable(tf.random_normal([1]), name='bias')
    hypothesis = tf.matmul(X, W) + b
    cost = tf.reduce_mean(tf.square(hypothesis - Y))
    optimizer = tf.train.GradientDescentOptimizer(learning_rate=1e-5)
    train = optimizer.minimize(cost)

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    for step in range(steps):
        x_batch, y_batch = sess.run([train_x_batch, train_y_batch])
        cost_val, hy_val, _ = sess.run([cost, hypothesis, train],
                                       feed_dict={X: x_batch, Y: y_batch})
        if step % 500 == 0:
            print(step, "Cost: ", cost_val)
    coord.request_stop()
    coord.join(threads)

    print("Your score will be ",
          sess.run(hypothesis, feed_dict={X: [[100, 70, 101]]}))
    return cost_val


if __name__ == "__main__":
    main()
