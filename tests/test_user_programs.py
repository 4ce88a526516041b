"""Programs as the public TensorFlow 1, TensorFlow 2 and Keras tutorials write them, with only
the import line changed: each test is a minimal program in the tutorial's style that once
failed under ndflow, and checks what it computes."""
import gzip
import os
import struct

import numpy as np
import pytest

import ndflow as tf2
import ndflow.compat.v1 as tf
from ndflow import keras
from ndflow.examples.tutorials.mnist import input_data


def _write_idx(path, array):
    """An IDX file (gzip) as MNIST publishes them: magic, big-endian dims, uint8 data."""
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim)
    header += b"".join(struct.pack(">I", d) for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def _digits(n, rng):
    """Images whose class is the row of a bright 2-pixel band: a learnable toy MNIST."""
    labels = rng.integers(0, 10, n).astype(np.uint8)
    images = rng.integers(0, 40, (n, 28, 28)).astype(np.uint8)
    for i, c in enumerate(labels):
        images[i, 2 * c + 4:2 * c + 6, :] = 250
    return images, labels


@pytest.fixture
def mnist_dir(tmp_path):
    rng = np.random.default_rng(0)
    for prefix, n in (("train", 700), ("t10k", 200)):
        images, labels = _digits(n, rng)
        _write_idx(tmp_path / f"{prefix}-images-idx3-ubyte.gz", images)
        _write_idx(tmp_path / f"{prefix}-labels-idx1-ubyte.gz", labels)
    return str(tmp_path)


# --- TF1: tensorflow.examples.tutorials.mnist.input_data ---------------------------------

def test_read_data_sets_splits_and_scales_like_the_tutorials(mnist_dir):
    mnist = input_data.read_data_sets(mnist_dir, one_hot=True, validation_size=100)
    assert mnist.train.images.shape == (600, 784)
    assert mnist.validation.num_examples == 100 and mnist.test.num_examples == 200
    assert mnist.train.images.dtype == np.float32
    assert 0.0 <= mnist.train.images.min() and mnist.train.images.max() == pytest.approx(250 / 255)
    assert mnist.train.labels.shape == (600, 10)
    np.testing.assert_array_equal(mnist.train.labels.sum(axis=1), 1.0)
    dense = input_data.read_data_sets(mnist_dir, reshape=False, validation_size=0)
    assert dense.train.images.shape == (700, 28, 28, 1) and dense.train.labels.dtype == np.uint8
    with pytest.raises(ValueError, match="validation_size"):
        input_data.read_data_sets(mnist_dir, validation_size=701)


def test_next_batch_crosses_the_epoch_boundary(mnist_dir):
    train = input_data.read_data_sets(mnist_dir, validation_size=0, seed=3).train
    every_row = {row.tobytes() for row in train.images}
    seen = [train.next_batch(300)[0] for _ in range(2)]
    assert train.epochs_completed == 0
    x, y = train.next_batch(300)          # the 100 left of epoch 1, then 200 of epoch 2
    assert x.shape == (300, 784) and y.shape == (300,) and train.epochs_completed == 1
    epoch_1 = np.concatenate(seen + [x[:100]])
    assert {row.tobytes() for row in epoch_1} == every_row and len(epoch_1) == 700
    with pytest.raises(ValueError, match="batch_size"):
        train.next_batch(0)


def test_softmax_regression_tutorial_learns_from_read_data_sets(mnist_dir):
    mnist = input_data.read_data_sets(mnist_dir, one_hot=True, validation_size=0)
    x = tf.placeholder(tf.float32, [None, 784])
    y = tf.placeholder(tf.float32, [None, 10])
    W = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    pred = tf.nn.softmax(tf.matmul(x, W) + b)
    cost = tf.reduce_mean(-tf.reduce_sum(y * tf.log(pred), reduction_indices=1))
    step = tf.train.GradientDescentOptimizer(0.5).minimize(cost)
    correct = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(60):
            bx, by = mnist.train.next_batch(50)
            sess.run(step, feed_dict={x: bx, y: by})
        acc = sess.run(accuracy, {x: mnist.test.images, y: mnist.test.labels})
    assert acc > 0.9


# --- TF1 graph programs ---------------------------------------------------------------------

def test_glorot_init_with_a_tensor_stddev_in_a_graph():
    # the GAN / VAE tutorials: stddev=1. / tf.sqrt(shape[0] / 2.)
    def glorot_init(shape):
        return tf.random_normal(shape=shape, stddev=1. / tf.sqrt(shape[0] / 2.))
    w = tf.Variable(glorot_init([800, 300]))
    u = tf.random_uniform([5000], minval=tf.constant(2.0), maxval=tf.constant(4.0))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        value, drawn = sess.run([w, u])
    assert value.dtype == np.float32
    assert value.std() == pytest.approx(1 / np.sqrt(400.0), rel=0.03)
    assert 2.0 <= drawn.min() and drawn.max() < 4.0 and drawn.mean() == pytest.approx(3, abs=.05)


def test_tensor_mean_reaches_random_normal_gradients_eagerly():
    mean = tf2.Variable(0.5)
    with tf2.GradientTape() as tape:
        total = tf2.reduce_sum(tf2.random.normal([7], mean=mean, stddev=2.0))
    assert float(tape.gradient(total, mean)) == 7.0
    tf2.random.set_seed(5)
    scalar = tf2.random.normal([4], stddev=2.0).numpy()
    tf2.random.set_seed(5)
    tensor = tf2.random.normal([4], stddev=tf2.constant([2.0, 2.0, 2.0, 2.0])).numpy()
    np.testing.assert_array_equal(scalar, tensor)  # same draws, scaled in ops instead


def test_nearest_neighbor_with_arg_min():
    train = np.array([[0., 0.], [5., 5.], [9., 0.]], np.float32)
    xtr = tf.placeholder(tf.float32, [None, 2])
    xte = tf.placeholder(tf.float32, [2])
    distance = tf.reduce_sum(tf.abs(tf.add(xtr, tf.negative(xte))), reduction_indices=1)
    pred = tf.arg_min(distance, 0)
    with tf.Session() as sess:
        found = [sess.run(pred, {xtr: train, xte: q}) for q in ([4., 6.], [8., 1.], [1., 0.])]
    assert found == [1, 2, 0]
    with tf.Session() as sess:
        assert sess.run(tf.arg_max([1, 7, 3], dimension=0)) == 1


def test_slice_input_producer_of_converted_lists(tmp_path):
    # the image-folder tutorial: lists of paths and labels through tf.convert_to_tensor
    paths = []
    for i in range(4):
        p = tmp_path / f"{i}.txt"
        p.write_bytes(b"file%d" % i)
        paths.append(str(p))
    image_paths = tf.convert_to_tensor(paths, dtype=tf.string)
    labels = tf.convert_to_tensor([0, 1, 2, 3], dtype=tf.int32)
    path, label = tf.train.slice_input_producer([image_paths, labels], shuffle=False)
    content = tf.read_file(path)
    batch_content, batch_label = tf.train.batch([content, label], batch_size=4)
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess=sess, coord=coord)
        got_content, got_label = sess.run([batch_content, batch_label])
        coord.request_stop()
        coord.join(threads)
    assert list(got_label) == [0, 1, 2, 3]
    assert list(got_content) == [b"file0", b"file1", b"file2", b"file3"]


# --- TF2 eager programs --------------------------------------------------------------------

def test_reductions_of_a_list_of_tensors():
    a, b, c = tf2.constant(2), tf2.constant(3), tf2.constant(5)
    mean = tf2.reduce_mean([a, b, c])
    assert mean.dtype == tf2.int32 and int(mean) == 3
    assert int(tf2.reduce_sum([a, b, c])) == 10
    np.testing.assert_array_equal(tf2.reduce_max([[a, b], [c, a]], axis=1).numpy(), [3, 5])


def test_integer_modulo_and_floor_division_by_python_ints():
    x = tf2.constant([5, 7, -3])
    np.testing.assert_array_equal((x % 3).numpy(), [2, 1, 0])
    np.testing.assert_array_equal((x // 2).numpy(), [2, 3, -2])
    with pytest.raises(tf2.errors.InvalidArgumentError, match="division by zero"):
        tf2.math.floormod(x, 0)


def test_word2vec_embedding_lookup_trains_the_rows_it_reads():
    embedding = tf2.Variable(np.arange(20, dtype=np.float32).reshape(10, 2))
    ids = tf2.constant([1, 1, 4])
    with tf2.GradientTape() as tape:
        rows = tf2.nn.embedding_lookup(embedding, ids)
        loss = tf2.reduce_sum(rows)
    assert rows.shape == (3, 2)
    np.testing.assert_array_equal(rows.numpy(), [[2, 3], [2, 3], [8, 9]])
    grad = tf2.convert_to_tensor(tape.gradient(loss, embedding)).numpy()
    np.testing.assert_array_equal(grad[[0, 1, 4]], [[0, 0], [2, 2], [1, 1]])


def test_embedding_lookup_shards_and_max_norm_as_tensorflow():
    table = np.arange(22, dtype=np.float32).reshape(11, 2)
    ids = list(range(11))
    # TensorFlow 2.21: both strategies give the rows of the unsharded table in id order
    div = [tf2.constant(table[0:4]), tf2.constant(table[4:8]), tf2.constant(table[8:11])]
    np.testing.assert_array_equal(tf2.nn.embedding_lookup(div, ids).numpy(), table)
    mod = [tf2.constant(table[i::3]) for i in range(3)]
    ids_t = tf.placeholder(tf.int32, [None])
    looked_up = tf.nn.embedding_lookup(mod, ids_t, partition_strategy="mod")
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(looked_up, {ids_t: ids}), table)
    clipped = tf2.nn.embedding_lookup(table, [[9, 1]], max_norm=5.0).numpy()
    np.testing.assert_allclose(clipped, [[[3.4387233, 3.6297634], [2.0, 3.0]]], rtol=1e-6)
    with pytest.raises(ValueError, match="partition_strategy"):
        tf.nn.embedding_lookup(mod, [0], partition_strategy="hash")


def test_optimizer_step_inside_the_tape_block():
    # TF2 notebooks call gradient() and apply_gradients() inside `with GradientTape()`
    w = tf2.Variable([1.0, -2.0])
    opt = tf2.optimizers.Adam(0.1)
    for _ in range(3):
        with tf2.GradientTape() as g:
            loss = tf2.reduce_sum(tf2.square(w))
            grads = g.gradient(loss, [w])
            opt.apply_gradients(zip(grads, [w]))
    # TensorFlow 2.21 on the same program
    np.testing.assert_allclose(w.numpy(), [0.7015886306762695, -1.7006256580352783], rtol=1e-6)
    with pytest.raises(RuntimeError, match="non-persistent"):
        g.gradient(loss, [w])


# --- Keras programs ------------------------------------------------------------------------

def test_layer_add_metric_says_what_keras_3_offers_instead():
    class Endpoint(keras.layers.Layer):
        def call(self, x):
            self.add_metric(tf2.reduce_mean(x))
            return x
    with pytest.raises(NotImplementedError, match="compile"):
        Endpoint()(np.ones((2, 3), np.float32))


def test_input_data_falls_back_to_the_keras_loader(tmp_path, monkeypatch, mnist_dir):
    # "/tmp/data/" empty: the files are found where keras.datasets.mnist looks
    data_dir = tmp_path / "data"
    (data_dir / "mnist").mkdir(parents=True)
    for name in os.listdir(mnist_dir):
        if name.endswith(".gz"):
            os.replace(os.path.join(mnist_dir, name), data_dir / "mnist" / name)
    monkeypatch.setenv("NDFLOW_DATA_DIR", str(data_dir))
    empty = tmp_path / "empty"
    empty.mkdir()
    mnist = input_data.read_data_sets(str(empty), validation_size=50)
    assert mnist.train.num_examples == 650 and mnist.test.images.shape == (200, 784)


def test_model_subclass_built_from_inputs_and_outputs_keeps_its_train_step():
    # "customizing what happens in fit": class MyModel(keras.Model) + MyModel(inputs, outputs)
    class MyModel(keras.Model):
        def train_step(self, data):
            x, y = data
            with tf2.GradientTape() as tape:
                pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=pred)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            self.steps_seen += 1
            return {"loss": loss}

    inputs = keras.Input(shape=(3,))
    outputs = keras.layers.Dense(1)(inputs)
    model = MyModel(inputs, outputs)
    assert isinstance(model, MyModel) and type(model).__name__ == "MyModel"
    assert model.name.startswith("my_model")
    model.steps_seen = 0
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", run_eagerly=True)
    history = model.fit(x, y, batch_size=16, epochs=5, verbose=0)
    assert model.steps_seen == 20    # eagerly, the Python body runs at every step
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
    assert model.predict(x[:2], verbose=0).shape == (2, 1)
    again = MyModel(inputs=inputs, outputs=outputs)   # keyword form, a second instance
    assert type(again) is type(model) and again.name != model.name
