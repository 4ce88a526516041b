"""TF1 input pipelines: dataset iterators under Session.run, queues, readers, tf.train.batch
and the classic CSV linear-regression program."""
import threading

import numpy as np
import pytest

import ndflow.compat.v1 as tf


def test_one_shot_iterator_raises_out_of_range_at_the_end():
    ds = tf.data.Dataset.from_tensor_slices(np.arange(5.0)).map(lambda x: x * 2).batch(2)
    nxt = tf.data.make_one_shot_iterator(ds).get_next()
    got = []
    with tf.Session() as sess:
        with pytest.raises(tf.errors.OutOfRangeError):
            while True:
                got.append(sess.run(nxt).tolist())
    assert got == [[0.0, 2.0], [4.0, 6.0], [8.0]]


def test_initializable_iterator_restarts_and_sessions_are_independent():
    it = tf.data.make_initializable_iterator(tf.data.Dataset.range(3))
    nxt = it.get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="not been initialized"):
            sess.run(nxt)
        sess.run(it.initializer)
        assert sess.run(nxt) == 0
        with tf.Session() as other:
            other.run(it.initializer)
            assert [other.run(nxt) for _ in range(3)] == [0, 1, 2]
        assert sess.run(nxt) == 1
        sess.run(it.initializer)
        assert sess.run(nxt) == 0


def test_reinitializable_iterator_from_structure():
    train = tf.data.Dataset.range(3)
    val = tf.data.Dataset.range(10, 12)
    it = tf.data.Iterator.from_structure(tf.data.get_output_types(train),
                                         tf.data.get_output_shapes(train))
    nxt = it.get_next()
    with tf.Session() as sess:
        sess.run(it.make_initializer(val))
        assert [sess.run(nxt) for _ in range(2)] == [10, 11]
        sess.run(it.make_initializer(train))
        assert sess.run(nxt) == 0


def test_feedable_iterator_switches_datasets_by_string_handle():
    # the TF1 guide's pattern: one get_next, a handle placeholder, train/validation handles
    g = tf.Graph()
    with g.as_default():
        train = tf.data.Dataset.range(100).map(lambda x: (x, -x)).repeat()
        val = tf.data.Dataset.range(1000, 1003).map(lambda x: (x, -x))
        handle = tf.placeholder(tf.string, shape=[])
        iterator = tf.data.Iterator.from_string_handle(
            handle, tf.data.get_output_types(train), tf.data.get_output_shapes(train))
        x, y = iterator.get_next()
        train_it = tf.data.make_one_shot_iterator(train)
        val_it = tf.data.make_initializable_iterator(val)
        other = tf.data.make_one_shot_iterator(tf.data.Dataset.range(3).map(
            lambda v: tf.cast(v, tf.float32)))
        with tf.Session() as sess:
            train_h, val_h, other_h = sess.run([train_it.string_handle(),
                                                val_it.string_handle(),
                                                other.string_handle()])
            assert isinstance(train_h, bytes) and train_h != val_h
            assert [sess.run(x, {handle: train_h}) for _ in range(3)] == [0, 1, 2]
            with pytest.raises(tf.errors.FailedPreconditionError):
                sess.run(x, {handle: val_h})  # not initialized yet
            for _ in range(2):  # a validation pass, then start it again
                sess.run(val_it.initializer)
                assert [tuple(sess.run((x, y), {handle: val_h})) for _ in range(3)] == [
                    (1000, -1000), (1001, -1001), (1002, -1002)]
                with pytest.raises(tf.errors.OutOfRangeError):
                    sess.run(x, {handle: val_h})
            assert sess.run(x, {handle: train_h}) == 3  # training resumes where it was
            with pytest.raises(tf.errors.InvalidArgumentError, match="was made for"):
                sess.run(x, {handle: other_h})  # elements of another structure
            with pytest.raises(tf.errors.InvalidArgumentError, match="live iterator"):
                sess.run(x, {handle: b"junk"})
        with tf.Session() as sess2:  # each session keeps its own positions
            assert sess2.run(x, {handle: train_h}) == 0
    with pytest.raises(ValueError, match="scalar"):
        tf.data.Iterator.from_string_handle(tf.constant(["a", "b"]), tf.int64)


def test_fifo_queue_threads_and_close():
    q = tf.FIFOQueue(3, tf.float32, shapes=[()])
    enq = q.enqueue_many([[1.0, 2.0, 3.0]])
    deq = q.dequeue()
    many = q.dequeue_up_to(5)
    close = q.close()
    with tf.Session() as sess:
        sess.run(enq)
        assert sess.run(q.size()) == 3
        assert sess.run(deq) == 1.0
        sess.run(close)
        assert sess.run(many).tolist() == [2.0, 3.0]
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(deq)


def test_random_shuffle_queue_keeps_min_after_dequeue():
    q = tf.RandomShuffleQueue(20, min_after_dequeue=5, dtypes=[tf.int32], shapes=[()], seed=1)
    enq = q.enqueue_many([np.arange(10, dtype=np.int32)])
    deq = q.dequeue_many(5)
    with tf.Session() as sess:
        sess.run(enq)
        first = sess.run(deq).tolist()
        assert sess.run(q.size()) == 5
        done = []
        t = threading.Thread(target=lambda: done.append(sess.run(deq)))
        t.start()
        t.join(0.3)
        assert t.is_alive()  # waits: only min_after_dequeue elements are left
        sess.run(q.close())
        t.join(5)
        assert sorted(first + done[0].tolist()) == list(range(10))


def _write_csv(path, n=25):
    rng = np.random.default_rng(0)
    x = rng.uniform(50, 100, size=(n, 3)).round()
    y = x @ np.array([0.3, 0.5, 0.2]) + 2
    with open(path, "w") as f:
        f.write("# EXAM1,EXAM2,EXAM3,FINAL\n")
        for a, b in zip(x, y):
            f.write(",".join(str(int(v)) for v in a) + f",{b:.1f}\n")


def test_classic_csv_queue_program_trains(tmp_path):
    path = str(tmp_path / "data-01-test-score.csv")
    _write_csv(path)
    tf.set_random_seed(777)
    filename_queue = tf.train.string_input_producer([path], shuffle=False,
                                                    name="filename_queue")
    reader = tf.TextLineReader(skip_header_lines=1)
    key, value = reader.read(filename_queue)
    xy = tf.decode_csv(value, record_defaults=[[0.], [0.], [0.], [0.]])
    train_x_batch, train_y_batch = tf.train.batch([xy[0:-1], xy[-1:]], batch_size=10)
    X = tf.placeholder(tf.float32, shape=[None, 3])
    Y = tf.placeholder(tf.float32, shape=[None, 1])
    W = tf.Variable(tf.random_normal([3, 1]), name="weight")
    b = tf.Variable(tf.random_normal([1]), name="bias")
    hypothesis = tf.matmul(X, W) + b
    cost = tf.reduce_mean(tf.square(hypothesis - Y))
    train = tf.train.GradientDescentOptimizer(learning_rate=1e-5).minimize(cost)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    costs = []
    for step in range(300):
        x_batch, y_batch = sess.run([train_x_batch, train_y_batch])
        assert x_batch.shape == (10, 3) and y_batch.shape == (10, 1)
        cost_val, _ = sess.run([cost, train], feed_dict={X: x_batch, Y: y_batch})
        costs.append(cost_val)
    coord.request_stop()
    coord.join(threads)
    assert all(not t.is_alive() for t in threads)
    assert costs[-1] < costs[0] / 100


def test_epochs_run_out_with_out_of_range(tmp_path):
    path = str(tmp_path / "rows.csv")
    with open(path, "w") as f:
        f.write("1,a\n2,b\n3,c\n")
    queue = tf.train.string_input_producer([path], num_epochs=2, shuffle=False)
    _, line = tf.TextLineReader().read(queue)
    number, text = tf.decode_csv(line, [[0], [""]])
    batch = tf.train.batch([number, text], batch_size=4, allow_smaller_final_batch=True)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        got = []
        try:
            while not coord.should_stop():
                n, t = sess.run(batch)
                got += list(zip(n.tolist(), t.tolist()))
        except tf.errors.OutOfRangeError:
            pass
        finally:
            coord.request_stop()
        coord.join(threads)
    assert got == [(1, b"a"), (2, b"b"), (3, b"c")] * 2


def test_shuffle_batch_returns_every_row():
    rows = np.arange(40, dtype=np.float32).reshape(20, 2)
    x = tf.train.slice_input_producer([rows], num_epochs=1, shuffle=False)[0]
    batch = tf.train.shuffle_batch([x], batch_size=5, capacity=20, min_after_dequeue=5,
                                   seed=2, allow_smaller_final_batch=True)
    seen = []
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        try:
            while True:
                seen += sess.run(batch)[0].tolist()
        except tf.errors.OutOfRangeError:
            pass
        coord.request_stop()
        coord.join(threads)
    assert sorted(map(tuple, seen)) == list(map(tuple, rows.tolist()))
