"""What TF1's PTB language-model tutorial (ptb_word_lm.py, reader.py) needs beyond the RNN
cells: tf.app.flags / tf.flags, tf.strided_slice with run-time bounds,
tf.train.range_input_producer with a tensor limit, and tf.train.Supervisor."""
import os

import numpy as np
import pytest

import ndflow as tf2
import ndflow.compat.v1 as tf
from ndflow.compat import app

# (kwargs, shape, values) of tf.strided_slice(reshape(range(24), [2, 3, 4]), **kwargs), as
# TensorFlow 2.21 gives them
STRIDED_CASES = [
    (dict(begin=[0, 1], end=[3, 4], strides=[2, 2]), (1, 1, 4), [4, 5, 6, 7]),
    (dict(begin=[1, 0, 0], end=[2, 3, 4], shrink_axis_mask=1), (3, 4), list(range(12, 24))),
    (dict(begin=[0, 0], end=[0, 2], ellipsis_mask=1), (2, 3, 2),
     [0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21]),
    (dict(begin=[0, 0, 0], end=[0, 0, 0], end_mask=7, strides=[-1, 1, -2]), (1, 3, 1),
     [0, 4, 8]),
    (dict(begin=[-1, 0], end=[0, -1], begin_mask=2, shrink_axis_mask=1), (2, 4),
     list(range(12, 20))),
    (dict(begin=[0, 0, 1], end=[0, 2, 3], begin_mask=1, end_mask=1, new_axis_mask=2),
     (2, 1, 2, 4), [4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23]),
    (dict(begin=[1, 0], end=[0, 3], ellipsis_mask=2, end_mask=1), (1, 3, 4),
     list(range(12, 24))),
    (dict(begin=[0, -1], end=[2, -4], strides=[1, -1]), (2, 3, 4),
     [8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3, 20, 21, 22, 23, 16, 17, 18, 19, 12, 13, 14, 15]),
]


@pytest.mark.parametrize("kwargs,shape,values", STRIDED_CASES)
def test_strided_slice_matches_tensorflow(kwargs, shape, values):
    y = tf2.strided_slice(tf2.reshape(tf2.range(24), [2, 3, 4]), **kwargs)
    assert tuple(y.shape) == shape and y.numpy().ravel().tolist() == values


def test_strided_slice_with_run_time_bounds_and_its_gradient():
    with tf.Graph().as_default():
        data = tf.constant(np.arange(20.0, dtype=np.float32).reshape(2, 10))
        i = tf.placeholder(tf.int32, [])
        x = tf.strided_slice(data, [0, i * 3], [2, (i + 1) * 3])
        x.set_shape([2, 3])
        (grad,) = tf.gradients(tf.reduce_sum(x), data)
        with tf.Session() as sess:
            value, g = sess.run([x, grad], {i: 2})
    np.testing.assert_array_equal(value, [[6, 7, 8], [16, 17, 18]])
    np.testing.assert_array_equal(g[:, 6:9], 1)
    assert g.sum() == 6
    with pytest.raises(tf.errors.InvalidArgumentError, match="same length"):
        tf2.strided_slice(tf2.zeros([2, 2]), [0, 0], [1])


@pytest.fixture
def flag_values():
    values = app.FlagValues()
    app.DEFINE_string("save_path", "/tmp/x", "Model output directory.", flag_values=values)
    app.DEFINE_integer("num_steps", 20, "Steps.", flag_values=values)
    app.DEFINE_float("lr", 1.0, "Learning rate.", flag_values=values)
    app.DEFINE_boolean("use_fp16", False, "Half floats.", flag_values=values)
    app.DEFINE_list("layers", "64,32", "Sizes.", flag_values=values)
    app.DEFINE_enum("model", "small", ["small", "medium"], "Size.", flag_values=values)
    return values


def test_flags_parse_the_forms_absl_accepts(flag_values):
    rest = flag_values(["prog", "--num_steps=35", "--lr", "0.5", "--use_fp16", "data.txt",
                        "--layers=8,4", "--model", "medium"])
    assert rest == ["prog", "data.txt"]
    assert (flag_values.num_steps, flag_values.lr, flag_values.use_fp16) == (35, 0.5, True)
    assert flag_values.layers == ["8", "4"] and flag_values.model == "medium"
    assert flag_values.save_path == "/tmp/x"
    flag_values(["prog", "--nouse_fp16"])
    assert flag_values.use_fp16 is False
    flag_values.num_steps = 7
    assert flag_values.flag_values_dict()["num_steps"] == 7


def test_bad_flags_are_named_and_change_nothing(flag_values):
    with pytest.raises(app.IllegalFlagValueError, match="--num_steps=abc"):
        flag_values(["prog", "--lr=0.1", "--num_steps=abc"])
    assert flag_values.lr == 1.0  # the good flag before the bad one was not applied either
    with pytest.raises(app.IllegalFlagValueError, match="one of <small|medium>"):
        flag_values(["prog", "--model=huge"])
    with pytest.raises(app.UnrecognizedFlagError, match="batch"):
        flag_values(["prog", "--batch=3"])
    with pytest.raises(app.DuplicateFlagError, match="lr"):
        app.DEFINE_float("lr", 2.0, "again", flag_values=flag_values)


def test_reading_a_flag_first_parses_sys_argv_and_app_run_calls_main(monkeypatch, flag_values):
    monkeypatch.setattr("sys.argv", ["prog", "--num_steps=3", "--kernel-arg=x"])
    assert flag_values.num_steps == 3  # unknown arguments (a notebook's) are ignored
    seen = []
    monkeypatch.setattr(app, "FLAGS", flag_values)
    with pytest.raises(SystemExit) as stop:
        tf.app.run(main=lambda argv: seen.append(argv) or 0, argv=["prog", "--lr=0.25", "x"])
    assert stop.value.code == 0 and seen == [["prog", "x"]] and flag_values.lr == 0.25
    assert tf.flags is tf.app.flags and tf.flags.DEFINE_integer is app.DEFINE_integer


def _ptb_graph(data):
    raw = tf.convert_to_tensor(data, dtype=tf.int32)
    batch_len = tf.size(raw) // 2
    grid = tf.reshape(raw[0:2 * batch_len], [2, batch_len])
    epoch_size = tf.identity((batch_len - 1) // 3, name="epoch_size")
    i = tf.train.range_input_producer(epoch_size, shuffle=False).dequeue()
    x = tf.strided_slice(grid, [0, i * 3], [2, (i + 1) * 3])
    step = tf.train.get_or_create_global_step()
    w = tf.get_variable("w", [], initializer=tf.zeros_initializer())
    train = tf.group(tf.assign_add(w, tf.cast(tf.reduce_sum(x), tf.float32)),
                     tf.assign_add(step, 1))
    tf.summary.scalar("w", w)
    return x, train, w


def test_supervisor_restores_runs_queues_and_checkpoints(tmp_path):
    data = np.arange(20)  # 2 rows of 10: epoch_size = 3 windows of 3
    logdir = str(tmp_path / "logs")
    with tf.Graph().as_default():
        x, train, w = _ptb_graph(data)
        sv = tf.train.Supervisor(logdir=logdir)
        with sv.managed_session() as sess:
            windows = [sess.run(x) for _ in range(4)]
            for _ in range(5):
                sess.run(train)
            sv.saver.save(sess, sv.save_path, global_step=sv.global_step)
            assert not sv.should_stop()
    np.testing.assert_array_equal(windows[0], [[0, 1, 2], [10, 11, 12]])
    np.testing.assert_array_equal(windows[3], windows[0])  # a new epoch starts
    files = os.listdir(logdir)
    assert any(f.startswith("events.out.tfevents") for f in files)
    assert any(f.startswith("model.ckpt-0") for f in files)  # the timer thread's first save
    assert tf.train.latest_checkpoint(logdir).endswith("model.ckpt-5")
    with tf.Graph().as_default():
        x, train, w = _ptb_graph(data)
        sv = tf.train.Supervisor(logdir=logdir, save_model_secs=0, save_summaries_secs=0)
        with sv.managed_session() as sess:
            restored = sess.run(w)
    assert restored > 0


def test_supervisor_ends_quietly_when_the_input_runs_out_and_reraises_other_errors(tmp_path):
    with tf.Graph().as_default():
        q = tf.train.range_input_producer(2, num_epochs=1, shuffle=False)
        value = q.dequeue()
        sv = tf.train.Supervisor(logdir=None)
        seen = []
        with sv.managed_session() as sess:
            while not sv.should_stop():
                seen.append(sess.run(value))
        assert seen == [0, 1]
        sv = tf.train.Supervisor(logdir=None)
        with pytest.raises(ValueError, match="boom"):
            with sv.managed_session():
                raise ValueError("boom")
