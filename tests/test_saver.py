"""TF1 Saver: safetensors checkpoints, checkpoint state, atomic and validated restores."""
import os

import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1

pytest.importorskip("safetensors")


def _model():
    w = v1.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="w")
    b = v1.Variable([0.5, 1.5, 2.5], name="b")
    return w, b


def test_save_restore_round_trip_and_state(tmp_path):
    w, b = _model()
    saver = v1.train.Saver(max_to_keep=2)
    with v1.Session() as sess:
        sess.run(v1.global_variables_initializer())
        sess.run(v1.assign(w, w * 2.0))
        paths = [saver.save(sess, str(tmp_path / "model.ckpt"), global_step=s) for s in (1, 2, 3)]
    assert paths[-1].endswith("model.ckpt-3")
    assert not os.path.exists(paths[0] + ".safetensors")  # max_to_keep
    state = v1.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == paths[-1]
    assert state.all_model_checkpoint_paths == paths[1:]
    assert v1.train.latest_checkpoint(str(tmp_path)) == paths[-1]
    with v1.Session() as sess:
        saver.restore(sess, v1.train.latest_checkpoint(str(tmp_path)))
        np.testing.assert_array_equal(sess.run(w), np.arange(6).reshape(2, 3) * 2.0)
        np.testing.assert_array_equal(sess.run(b), [0.5, 1.5, 2.5])
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".tmp")]


def test_restore_errors_change_nothing(tmp_path):
    w, b = _model()
    saver = v1.train.Saver()
    with v1.Session() as sess:
        sess.run(v1.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "m"))
        good = tmp_path / "m.safetensors"
        data = good.read_bytes()
        (tmp_path / "bad.safetensors").write_bytes(data[: len(data) // 2])
        sess.run(v1.assign(w, np.zeros((2, 3), np.float32)))
        with pytest.raises(tf.errors.DataLossError, match="bad.safetensors"):
            saver.restore(sess, str(tmp_path / "bad"))
        with pytest.raises(tf.errors.NotFoundError):
            saver.restore(sess, str(tmp_path / "missing"))
        np.testing.assert_array_equal(sess.run(w), np.zeros((2, 3)))  # unchanged
        other = v1.Variable(np.zeros(4, np.float32), name="other")
        with pytest.raises(tf.errors.NotFoundError, match="other"):
            v1.train.Saver([w, other]).restore(sess, path)
        np.testing.assert_array_equal(sess.run(w), np.zeros((2, 3)))


def test_eager_variables():
    import tempfile
    v = tf.Variable([1.0, 2.0], name="eager_v")
    saver = tf.train.Saver([v])
    with tempfile.TemporaryDirectory() as d:
        p = saver.save(None, os.path.join(d, "ck"))
        v.assign([0.0, 0.0])
        saver.restore(None, p)
    assert v.numpy().tolist() == [1.0, 2.0]
