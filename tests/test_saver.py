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


# --- issue 16: data loss ------------------------------------------------------------------------

def _saver_session(name="w"):
    g = v1.Graph()
    with g.as_default():
        var = v1.Variable(np.arange(3, dtype=np.float32), name=name)
        saver = v1.train.Saver([var], max_to_keep=1)
        sess = v1.Session(graph=g)
        sess.run(v1.global_variables_initializer())
    return g, var, saver, sess


def test_prunes_only_what_this_saver_wrote(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.safetensors"
    victim.write_bytes(b"precious")
    ckdir = tmp_path / "ck"
    ckdir.mkdir()
    other = ckdir / "other.ckpt-7.safetensors"
    other.write_bytes(b"another saver's checkpoint")
    (ckdir / "checkpoint").write_text(
        f'model_checkpoint_path: "{outside / "victim"}"\n'
        f'all_model_checkpoint_paths: "{outside / "victim"}"\n'
        'all_model_checkpoint_paths: "other.ckpt-7"\n')
    g, var, saver, sess = _saver_session()
    with g.as_default(), sess:
        paths = [saver.save(sess, str(ckdir / "model.ckpt"), global_step=s) for s in range(4)]
    assert victim.read_bytes() == b"precious"
    assert other.exists()
    assert saver.last_checkpoints == paths[-1:]
    assert sorted(os.listdir(ckdir)) == ["checkpoint", "model.ckpt-3.safetensors",
                                         "other.ckpt-7.safetensors"]
    state = v1.train.get_checkpoint_state(str(ckdir))
    assert state.all_model_checkpoint_paths == paths[-1:]


def test_state_is_written_before_the_oldest_checkpoint_is_deleted(tmp_path, monkeypatch):
    g, var, saver, sess = _saver_session()
    with g.as_default(), sess:
        first = saver.save(sess, str(tmp_path / "m"), global_step=1)

        def killed(path, *args, **kwargs):  # the process dies where it deletes m-1
            raise SystemExit("killed")

        monkeypatch.setattr(os, "unlink", killed)
        with pytest.raises(SystemExit):
            saver.save(sess, str(tmp_path / "m"), global_step=2)
    monkeypatch.undo()
    state = v1.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == str(tmp_path / "m-2")
    for p in state.all_model_checkpoint_paths:
        assert os.path.exists(p + ".safetensors"), p
    assert os.path.exists(first + ".safetensors")  # one file too many, none dangling


def _save_many(directory, prefix, steps, queue):
    try:
        g, var, saver, sess = _saver_session()
        with g.as_default(), sess:
            for step in steps:
                saver.save(sess, os.path.join(directory, prefix), global_step=step)
        queue.put(("ok", saver.last_checkpoints))
    except BaseException as e:  # pragma: no cover - reported to the parent
        queue.put(("error", repr(e)))


@pytest.mark.parametrize("same_prefix", [False, True])
def test_two_processes_saving_into_one_directory(tmp_path, same_prefix):
    import multiprocessing
    ctx = multiprocessing.get_context("spawn")  # fork is unsafe once JAX's threads run here
    queue = ctx.Queue()
    jobs = [("a", range(0, 24, 2)), ("a" if same_prefix else "b", range(1, 24, 2))]
    procs = [ctx.Process(target=_save_many, args=(str(tmp_path), p, list(s), queue))
             for p, s in jobs]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert all(kind == "ok" for kind, _ in results), results
    kept = sorted(path for _, paths in results for path in paths)
    files = sorted(os.path.join(str(tmp_path), f[:-len(".safetensors")])
                   for f in os.listdir(tmp_path) if f.endswith(".safetensors"))
    assert files == kept  # nothing unpruned, nothing kept missing
    state = v1.train.get_checkpoint_state(str(tmp_path))
    for path in state.all_model_checkpoint_paths:
        assert os.path.exists(path + ".safetensors")
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]


# --- issue 16: silently wrong -------------------------------------------------------------------

def test_scalar_global_step_round_trip(tmp_path):
    g = v1.Graph()
    with g.as_default():
        step = v1.train.get_or_create_global_step()
        w = v1.Variable([1.0, 2.0], name="w")
        saver = v1.train.Saver()
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            sess.run(v1.assign(step, 41))
            path = saver.save(sess, str(tmp_path / "m"), global_step=step)
        assert path.endswith("m-41")
        with v1.Session() as sess:
            saver.restore(sess, path)
            assert sess.run(step) == 41
            assert np.shape(sess.run(step)) == ()


def test_restore_does_not_cast_dtypes(tmp_path):
    g = v1.Graph()
    with g.as_default():
        d = v1.Variable(np.array([1.5, 2.5]), name="x")           # float64
        n = v1.Variable(np.array([2.9], np.float32), name="n")
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            path = v1.train.Saver([d, n]).save(sess, str(tmp_path / "m"))
    g = v1.Graph()
    with g.as_default():
        x32 = v1.Variable(np.zeros(2, np.float32), name="x")
        n32 = v1.Variable(np.zeros(1, np.int32), name="n")
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match="tensor_name = x; expected dtype float32 does not equal "
                                     "original dtype float64"):
                v1.train.Saver([x32]).restore(sess, path)
            with pytest.raises(tf.errors.InvalidArgumentError, match="tensor_name = n"):
                v1.train.Saver([n32]).restore(sess, path)
            np.testing.assert_array_equal(sess.run(x32), [0, 0])
            np.testing.assert_array_equal(sess.run(n32), [0])


def test_last_checkpoints_is_a_property_listing_the_kept_checkpoints(tmp_path):
    g, var, saver, sess = _saver_session()
    saver._max_to_keep = 2
    with g.as_default(), sess:
        assert saver.last_checkpoints == []
        paths = [saver.save(sess, str(tmp_path / "m"), global_step=s) for s in range(3)]
        saver.save(sess, str(tmp_path / "m"), global_step=2)   # same path again: moves last
    assert saver.last_checkpoints == paths[1:]
    saver.set_last_checkpoints(paths[:1])
    assert saver.last_checkpoints == paths[:1]


def test_max_to_keep_zero_keeps_every_file_and_names_only_the_latest(tmp_path):
    g, var, saver, sess = _saver_session()
    saver._max_to_keep = 0
    with g.as_default(), sess:
        paths = [saver.save(sess, str(tmp_path / "m"), global_step=s) for s in range(3)]
    assert all(os.path.exists(p + ".safetensors") for p in paths)
    assert v1.train.get_checkpoint_state(str(tmp_path)).all_model_checkpoint_paths == paths[-1:]


def _flip(path, offset, value=None):
    data = bytearray(path.read_bytes())
    data[offset] = (data[offset] ^ 0x01) if value is None else value
    path.write_bytes(bytes(data))


def test_corrupted_checkpoint_is_detected_by_its_checksum(tmp_path):
    g, var, saver, sess = _saver_session()
    with g.as_default(), sess:
        path = saver.save(sess, str(tmp_path / "m"))
        file = tmp_path / "m.safetensors"
        good = file.read_bytes()
        _flip(file, len(good) - 1)                       # one data byte
        with pytest.raises(tf.errors.DataLossError, match="checksum.*|m.safetensors"):
            saver.restore(sess, path)
        file.write_bytes(good.replace(b'"F32"', b'"I32"'))  # the dtype in the header
        with pytest.raises(tf.errors.DataLossError, match="m.safetensors"):
            saver.restore(sess, path)
        file.write_bytes(good)
        sess.run(v1.assign(var, [9.0, 9.0, 9.0]))
        saver.restore(sess, path)
        np.testing.assert_array_equal(sess.run(var), [0, 1, 2])


# --- issue 16: unclear errors -------------------------------------------------------------------

def test_binary_state_file_is_ignored_with_a_warning_naming_it(tmp_path):
    (tmp_path / "checkpoint").write_bytes(b"\x89\xff\xfe binary \x00")
    with pytest.warns(UserWarning, match=r"checkpoint: not a text file"):
        assert v1.train.get_checkpoint_state(str(tmp_path)) is None
    with pytest.warns(UserWarning, match="checkpoint"):
        assert v1.train.latest_checkpoint(str(tmp_path)) is None
    (tmp_path / "checkpoint").write_text('model_checkpoint_path: "m-1"\nbogus line\n')
    with pytest.warns(UserWarning, match="line 2 is not a checkpoint state field"):
        assert v1.train.get_checkpoint_state(str(tmp_path)) is None
    g, var, saver, sess = _saver_session()      # saving replaces the corrupt state file
    with g.as_default(), sess:
        path = saver.save(sess, str(tmp_path / "m"), global_step=1)
    assert v1.train.latest_checkpoint(str(tmp_path)) == path


def test_state_file_checksum_and_escapes(tmp_path):
    g, var, saver, sess = _saver_session()
    with g.as_default(), sess:
        path = saver.save(sess, str(tmp_path / 'we"ird\\ é'), global_step=1)
    assert v1.train.latest_checkpoint(str(tmp_path)) == path
    text = (tmp_path / "checkpoint").read_text()
    (tmp_path / "checkpoint").write_text(text.replace("-1", "-2"))
    with pytest.warns(UserWarning, match="checksum"):
        assert v1.train.get_checkpoint_state(str(tmp_path)) is None
    # A state file written by TensorFlow (no checksum, timestamps) reads as TF reads it.
    (tmp_path / "checkpoint").write_text(
        'model_checkpoint_path: "a-2"\nall_model_checkpoint_paths: "a-1"\n'
        'all_model_checkpoint_paths: "a-2"\nall_model_checkpoint_timestamps: 1.7e9\n'
        "last_preserved_timestamp: 1700000000.5\n")
    state = v1.train.get_checkpoint_state(str(tmp_path))
    assert state.all_model_checkpoint_paths == [str(tmp_path / "a-1"), str(tmp_path / "a-2")]


def test_bad_arguments_are_named(tmp_path):
    g, var, saver, sess = _saver_session()
    with g.as_default(), sess:
        with pytest.raises(ValueError, match="latest_filename"):
            saver.save(sess, str(tmp_path / "m"), latest_filename="../state")
        with pytest.raises(TypeError, match="global_step"):
            saver.save(sess, str(tmp_path / "m"), global_step=1.5)
        with pytest.raises(tf.errors.NotFoundError, match="directory.*latest_checkpoint"):
            saver.restore(sess, str(tmp_path))
    with pytest.raises(ValueError, match="max_to_keep"):
        v1.train.Saver([var], max_to_keep=-1)
    with pytest.raises(TypeError, match="Variables"):
        v1.train.Saver([np.zeros(2)])
    assert os.listdir(tmp_path) == []
