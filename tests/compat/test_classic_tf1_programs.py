"""Classic TF1 programs, written the way the tutorials write them (hunkim's
DeepLearningZeroToAll labs 07-12, aymericdamien's TensorFlow-Examples), with only the
import line changed. Each runs a few hundred steps on the embedded MNIST subset (5000 train
/ 1000 test images) and asserts what it prints: accuracies above a sane floor, not exact
numbers (the weights start random)."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import ndflow.compat.v1 as tf
from ndflow.keras.datasets import mnist as _mnist


class _DataSet:
    """The `mnist.train` of input_data.read_data_sets(one_hot=True): next_batch, epochs."""

    def __init__(self, images, labels, seed=0):
        self.images = images.reshape(len(images), -1).astype(np.float32) / 255.0
        self.labels = np.eye(10, dtype=np.float32)[labels]
        self.num_examples = len(images)
        self._rng = np.random.RandomState(seed)
        self._order, self._pos = self._rng.permutation(self.num_examples), 0

    def next_batch(self, n):
        if self._pos + n > self.num_examples:
            self._order, self._pos = self._rng.permutation(self.num_examples), 0
        idx = self._order[self._pos:self._pos + n]
        self._pos += n
        return self.images[idx], self.labels[idx]


@pytest.fixture(scope="module")
def mnist():
    (x, y), (xt, yt) = _mnist.load_embedded()

    class Data:
        train = _DataSet(x, y)
        test = _DataSet(xt, yt)
    return Data


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    tf.set_random_seed(777)
    yield
    tf.reset_default_graph()


def _train_and_test(mnist, optimizer, cost, hypothesis, X, Y, epochs, batch_size=100,
                    train_feed=None, test_feed=None, capsys=None):
    correct_prediction = tf.equal(tf.argmax(hypothesis, 1), tf.argmax(Y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for epoch in range(epochs):
            avg_cost = 0
            total_batch = int(mnist.train.num_examples / batch_size)
            for i in range(total_batch):
                batch_xs, batch_ys = mnist.train.next_batch(batch_size)
                feed_dict = {X: batch_xs, Y: batch_ys, **(train_feed or {})}
                c, _ = sess.run([cost, optimizer], feed_dict=feed_dict)
                avg_cost += c / total_batch
            print("Epoch:", "%04d" % (epoch + 1), "cost =", "{:.9f}".format(avg_cost))
        print("Learning Finished!")
        acc = sess.run(accuracy, feed_dict={X: mnist.test.images, Y: mnist.test.labels,
                                            **(test_feed or {})})
        print("Accuracy:", acc)
    return acc


def _printed(capsys):
    out = capsys.readouterr().out.splitlines()
    costs = [float(line.split("cost =")[1]) for line in out if line.startswith("Epoch:")]
    assert "Learning Finished!" in out
    return costs, float(out[-1].split("Accuracy:")[1])


def test_lab07_softmax_classifier(mnist, capsys):
    X = tf.placeholder(tf.float32, [None, 784])
    Y = tf.placeholder(tf.float32, [None, 10])
    W = tf.Variable(tf.random_normal([784, 10]))
    b = tf.Variable(tf.random_normal([10]))
    hypothesis = tf.nn.softmax(tf.matmul(X, W) + b)
    cost = tf.reduce_mean(-tf.reduce_sum(Y * tf.log(hypothesis), axis=1))
    optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(cost)
    _train_and_test(mnist, optimizer, cost, hypothesis, X, Y, epochs=15)
    costs, acc = _printed(capsys)
    assert costs[-1] < costs[0] and acc > 0.75


def test_lab10_nn_relu_adam(mnist, capsys):
    X = tf.placeholder(tf.float32, [None, 784])
    Y = tf.placeholder(tf.float32, [None, 10])
    W1 = tf.Variable(tf.random_normal([784, 256]))
    b1 = tf.Variable(tf.random_normal([256]))
    L1 = tf.nn.relu(tf.matmul(X, W1) + b1)
    W2 = tf.Variable(tf.random_normal([256, 256]))
    b2 = tf.Variable(tf.random_normal([256]))
    L2 = tf.nn.relu(tf.matmul(L1, W2) + b2)
    W3 = tf.Variable(tf.random_normal([256, 10]))
    b3 = tf.Variable(tf.random_normal([10]))
    hypothesis = tf.matmul(L2, W3) + b3
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=hypothesis,
                                                                   labels=Y))
    optimizer = tf.train.AdamOptimizer(learning_rate=0.001).minimize(cost)
    _train_and_test(mnist, optimizer, cost, hypothesis, X, Y, epochs=3)
    costs, acc = _printed(capsys)
    assert costs[-1] < costs[0] and acc > 0.7


def test_lab10_xavier_deep_dropout(mnist, capsys):
    keep_prob = tf.placeholder(tf.float32)
    X = tf.placeholder(tf.float32, [None, 784])
    Y = tf.placeholder(tf.float32, [None, 10])
    W1 = tf.get_variable("W1", shape=[784, 256],
                         initializer=tf.contrib.layers.xavier_initializer())
    b1 = tf.Variable(tf.random_normal([256]))
    L1 = tf.nn.relu(tf.matmul(X, W1) + b1)
    L1 = tf.nn.dropout(L1, keep_prob=keep_prob)
    W2 = tf.get_variable("W2", shape=[256, 256],
                         initializer=tf.contrib.layers.xavier_initializer())
    b2 = tf.Variable(tf.random_normal([256]))
    L2 = tf.nn.relu(tf.matmul(L1, W2) + b2)
    L2 = tf.nn.dropout(L2, keep_prob=keep_prob)
    W3 = tf.get_variable("W3", shape=[256, 256],
                         initializer=tf.contrib.layers.xavier_initializer())
    b3 = tf.Variable(tf.random_normal([256]))
    L3 = tf.nn.relu(tf.matmul(L2, W3) + b3)
    L3 = tf.nn.dropout(L3, keep_prob=keep_prob)
    W4 = tf.get_variable("W4", shape=[256, 10],
                         initializer=tf.contrib.layers.xavier_initializer())
    b4 = tf.Variable(tf.random_normal([10]))
    hypothesis = tf.matmul(L3, W4) + b4
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=hypothesis,
                                                                   labels=Y))
    optimizer = tf.train.AdamOptimizer(learning_rate=0.001).minimize(cost)
    _train_and_test(mnist, optimizer, cost, hypothesis, X, Y, epochs=2,
                    train_feed={keep_prob: 0.7}, test_feed={keep_prob: 1})
    costs, acc = _printed(capsys)
    assert costs[-1] < costs[0] and acc > 0.85
    assert [v.name for v in tf.trainable_variables()][:2] == ["W1:0", "Variable:0"]


class Model:
    """Lab 11-5's class: a tf.layers CNN in its own variable scope."""

    def __init__(self, sess, name):
        self.sess = sess
        self.name = name
        self._build_net()

    def _build_net(self):
        with tf.variable_scope(self.name):
            self.training = tf.placeholder(tf.bool)
            self.X = tf.placeholder(tf.float32, [None, 784])
            X_img = tf.reshape(self.X, [-1, 28, 28, 1])
            self.Y = tf.placeholder(tf.float32, [None, 10])
            conv1 = tf.layers.conv2d(inputs=X_img, filters=8, kernel_size=[3, 3],
                                     padding="SAME", activation=tf.nn.relu)
            pool1 = tf.layers.max_pooling2d(inputs=conv1, pool_size=[2, 2], padding="SAME",
                                            strides=2)
            dropout1 = tf.layers.dropout(inputs=pool1, rate=0.3, training=self.training)
            conv2 = tf.layers.conv2d(inputs=dropout1, filters=16, kernel_size=[3, 3],
                                     padding="SAME", activation=tf.nn.relu)
            pool2 = tf.layers.max_pooling2d(inputs=conv2, pool_size=[2, 2], padding="SAME",
                                            strides=2)
            dropout2 = tf.layers.dropout(inputs=pool2, rate=0.3, training=self.training)
            flat = tf.reshape(dropout2, [-1, 16 * 7 * 7])
            dense4 = tf.layers.dense(inputs=flat, units=64, activation=tf.nn.relu)
            dropout4 = tf.layers.dropout(inputs=dense4, rate=0.5, training=self.training)
            self.logits = tf.layers.dense(inputs=dropout4, units=10)
        self.cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(
            logits=self.logits, labels=self.Y))
        self.optimizer = tf.train.AdamOptimizer(learning_rate=0.003).minimize(self.cost)
        correct_prediction = tf.equal(tf.argmax(self.logits, 1), tf.argmax(self.Y, 1))
        self.accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

    def predict(self, x_test, training=False):
        return self.sess.run(self.logits, feed_dict={self.X: x_test, self.training: training})

    def get_accuracy(self, x_test, y_test, training=False):
        return self.sess.run(self.accuracy, feed_dict={self.X: x_test, self.Y: y_test,
                                                       self.training: training})

    def train(self, x_data, y_data, training=True):
        return self.sess.run([self.cost, self.optimizer], feed_dict={
            self.X: x_data, self.Y: y_data, self.training: training})


def test_lab11_tf_layers_cnn_and_ensemble_of_three(mnist, capsys):
    sess = tf.Session()
    models = [Model(sess, "model" + str(m)) for m in range(3)]
    sess.run(tf.global_variables_initializer())
    assert [v.name for v in tf.trainable_variables()][:4] == [
        "model0/conv2d/kernel:0", "model0/conv2d/bias:0", "model0/conv2d_1/kernel:0",
        "model0/conv2d_1/bias:0"]
    assert "model2/dense_1/bias:0" in [v.name for v in tf.trainable_variables()]
    print("Learning Started!")
    for epoch in range(1):
        avg_cost_list = np.zeros(len(models))
        total_batch = 20
        for i in range(total_batch):
            batch_xs, batch_ys = mnist.train.next_batch(64)
            for m_idx, m in enumerate(models):
                c, _ = m.train(batch_xs, batch_ys)
                avg_cost_list[m_idx] += c / total_batch
        print("Epoch:", "%04d" % (epoch + 1), "cost =", avg_cost_list)
    print("Learning Finished!")
    test_size = len(mnist.test.labels)
    predictions = np.zeros([test_size, 10])
    for m_idx, m in enumerate(models):
        print(m_idx, "Accuracy:", m.get_accuracy(mnist.test.images, mnist.test.labels))
        p = m.predict(mnist.test.images)
        predictions += p
    ensemble_correct_prediction = tf.equal(tf.argmax(predictions, 1),
                                           tf.argmax(mnist.test.labels, 1))
    ensemble_accuracy = tf.reduce_mean(tf.cast(ensemble_correct_prediction, tf.float32))
    print("Ensemble accuracy:", sess.run(ensemble_accuracy))
    sess.close()
    out = capsys.readouterr().out.splitlines()
    singles = [float(line.split("Accuracy:")[1]) for line in out if " Accuracy:" in line]
    ensemble = float(out[-1].split(":")[1])
    assert len(singles) == 3 and min(singles) > 0.5
    assert ensemble > 0.65 and ensemble >= min(singles)


def test_batch_norm_with_update_ops(mnist, capsys):
    X = tf.placeholder(tf.float32, [None, 784])
    Y = tf.placeholder(tf.float32, [None, 10])
    is_training = tf.placeholder(tf.bool, name="is_training")
    h = tf.layers.dense(X, 128)
    h = tf.layers.batch_normalization(h, training=is_training)
    h = tf.nn.relu(h)
    logits = tf.layers.dense(h, 10)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=Y, logits=logits))
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
    moving_mean = [v for v in tf.global_variables() if "moving_mean" in v.name][0]
    _train_and_test(mnist, train_op, loss, logits, X, Y, epochs=2, batch_size=200,
                    train_feed={is_training: True}, test_feed={is_training: False})
    costs, acc = _printed(capsys)
    assert acc > 0.85 and costs[-1] < costs[0]
    assert moving_mean.name == "batch_normalization/moving_mean:0"


def test_streaming_accuracy_with_tf_metrics(mnist, capsys):
    X = tf.placeholder(tf.float32, [None, 784])
    Y = tf.placeholder(tf.int64, [None])
    logits = tf.layers.dense(X, 10)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=Y, logits=logits)
    train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    acc, acc_op = tf.metrics.accuracy(labels=Y, predictions=tf.argmax(logits, 1))
    labels = mnist.train.labels.argmax(1)
    test_labels = mnist.test.labels.argmax(1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(100):
            i = (step * 50) % 5000
            sess.run(train_op, {X: mnist.train.images[i:i + 50], Y: labels[i:i + 50]})
        sess.run(tf.local_variables_initializer())
        for i in range(0, 1000, 200):
            sess.run(acc_op, {X: mnist.test.images[i:i + 200], Y: test_labels[i:i + 200]})
        streamed = sess.run(acc)
        print("Streaming accuracy:", streamed)
        full = np.mean(sess.run(tf.argmax(logits, 1), {X: mnist.test.images}) == test_labels)
    assert streamed == pytest.approx(full, abs=1e-6) and streamed > 0.8
    assert capsys.readouterr().out.startswith("Streaming accuracy: 0.")


_SAVER_PROGRAM = textwrap.dedent("""
    import sys
    import numpy as np
    import ndflow.compat.v1 as tf

    mode, path = sys.argv[1], sys.argv[2]
    x_data = np.array([[1.0], [2.0], [3.0], [4.0]], np.float32)
    y_data = 2 * x_data + 1
    X = tf.placeholder(tf.float32, [None, 1])
    W = tf.Variable(tf.random_normal([1, 1]), name="weight")
    b = tf.Variable(tf.random_normal([1]), name="bias")
    hypothesis = tf.matmul(X, W) + b
    cost = tf.reduce_mean(tf.square(hypothesis - y_data))
    train = tf.train.GradientDescentOptimizer(0.05).minimize(cost)
    saver = tf.train.Saver()
    with tf.Session() as sess:
        if mode == "train":
            sess.run(tf.global_variables_initializer())
            for step in range(300):
                sess.run(train, {X: x_data})
            print("saved", saver.save(sess, path))
        else:
            saver.restore(sess, tf.train.latest_checkpoint(path.rsplit("/", 1)[0]))
        print("W %.4f b %.4f" % (sess.run(W)[0, 0], sess.run(b)[0]))
        print("predict %.3f" % sess.run(hypothesis, {X: [[5.0]]})[0, 0])
""")


def test_saver_save_and_restore_across_processes(tmp_path):
    script = tmp_path / "linear.py"
    script.write_text(_SAVER_PROGRAM)
    ckpt = str(tmp_path / "ckpt" / "model.ckpt")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))] +
        sys.path))

    def run(mode):
        done = subprocess.run([sys.executable, str(script), mode, ckpt], capture_output=True,
                              text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()
    trained = run("train")
    restored = run("restore")
    assert trained[0] == "saved " + ckpt
    assert trained[1:] == restored  # the second process prints what the first learned
    w, b = float(restored[0].split()[1]), float(restored[0].split()[3])
    assert abs(w - 2) < 0.1 and abs(b - 1) < 0.3


def test_tensorboard_summaries_written_and_read_back(tmp_path):
    pytest.importorskip("tensorboard", reason="tensorboard is not installed")
    from tensorboard.backend.event_processing import event_accumulator
    x_data = np.random.RandomState(0).rand(20, 3).astype(np.float32)
    y_data = x_data.sum(1, keepdims=True)
    X = tf.placeholder(tf.float32, [None, 3], name="x-input")
    Y = tf.placeholder(tf.float32, [None, 1], name="y-input")
    with tf.name_scope("layer1"):
        W1 = tf.Variable(tf.random_normal([3, 1]), name="weight1")
        hypothesis = tf.matmul(X, W1)
        tf.summary.histogram("weights1", W1)
    cost = tf.reduce_mean(tf.square(hypothesis - Y))
    tf.summary.scalar("cost", cost)
    tf.summary.image("input", tf.reshape(X[:2], [2, 1, 3, 1]), max_outputs=2)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(cost)
    merged_summary = tf.summary.merge_all()
    with tf.Session() as sess:
        writer = tf.summary.FileWriter(str(tmp_path))
        writer.add_graph(sess.graph)
        sess.run(tf.global_variables_initializer())
        costs = []
        for step in range(5):
            s, c, _ = sess.run([merged_summary, cost, train], feed_dict={X: x_data, Y: y_data})
            writer.add_summary(s, global_step=step)
            costs.append(c)
        writer.close()
    acc = event_accumulator.EventAccumulator(str(tmp_path), size_guidance={
        event_accumulator.SCALARS: 0, event_accumulator.HISTOGRAMS: 0,
        event_accumulator.IMAGES: 0})
    acc.Reload()
    tags = acc.Tags()
    assert tags["scalars"] == ["cost"] and tags["histograms"] == ["layer1/weights1"]
    assert sorted(tags["images"]) == ["input/image/0", "input/image/1"]
    assert [e.step for e in acc.Scalars("cost")] == list(range(5))
    np.testing.assert_allclose([e.value for e in acc.Scalars("cost")], costs, rtol=1e-6)
    assert acc.Graph() is not None
