"""TF2 object checkpoints: tf.train.Checkpoint / CheckpointManager (issue 17)."""
import os

import numpy as np
import pytest

import ndflow as tf
from ndflow import keras


def _model(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                             keras.layers.Dense(1)])


def _data():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(16, 3)).astype(np.float32)
    return x, (x @ np.array([[1.0], [-2.0], [0.5]], np.float32)).astype(np.float32)


def _train(model, opt, steps):
    x, y = _data()
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))


@pytest.mark.parametrize("make_opt", [lambda: keras.optimizers.Adam(0.05),
                                      lambda: keras.optimizers.SGD(0.05, momentum=0.9)])
def test_restored_training_continues_identically(tmp_path, make_opt):
    model, opt = _model(), make_opt()
    step = tf.Variable(0, dtype=tf.int64)
    ckpt = tf.train.Checkpoint(model=model, optimizer=opt, step=step)
    _train(model, opt, 5)
    step.assign(5)
    path = ckpt.save(str(tmp_path / "ckpt"))
    assert path == str(tmp_path / "ckpt-1")
    _train(model, opt, 5)
    expected = [w.numpy() for w in model.weights]

    model2, opt2 = _model(seed=7), make_opt()    # other initial weights, no slots yet
    step2 = tf.Variable(0, dtype=tf.int64)
    status = tf.train.Checkpoint(model=model2, optimizer=opt2, step=step2).restore(path)
    status.assert_consumed()
    assert int(step2.numpy()) == 5 and int(opt2.iterations.numpy()) == 5
    _train(model2, opt2, 5)
    for got, want in zip(model2.weights, expected):
        np.testing.assert_array_equal(got.numpy(), want)


def test_keys_follow_the_object_graph(tmp_path):
    model, opt = _model(), keras.optimizers.Adam()
    _train(model, opt, 1)
    path = tf.train.Checkpoint(model=model, optimizer=opt).write(str(tmp_path / "w"))
    from ndflow.train.saver import read_checkpoint
    keys = set(read_checkpoint(path + ".safetensors"))
    assert {"model/layer-0/kernel", "model/layer-0/bias", "model/layer-1/kernel",
            "optimizer/iterations", "optimizer/learning_rate",
            "model/layer-0/kernel/.OPTIMIZER_SLOT/optimizer/momentum",
            "model/layer-1/bias/.OPTIMIZER_SLOT/optimizer/velocity"} <= keys
    assert not os.path.exists(tmp_path / "checkpoint")     # write() leaves no state file


def test_subclassed_model_keys_are_attribute_names(tmp_path):
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(2)
            self.out = keras.layers.Dense(1)

        def call(self, x):
            return self.out(self.hidden(x))

    net = Net()
    net(np.ones((1, 3), np.float32))
    path = tf.train.Checkpoint(net=net).write(str(tmp_path / "n"))
    from ndflow.train.saver import read_checkpoint
    assert set(read_checkpoint(path + ".safetensors")) == {
        "net/hidden/kernel", "net/hidden/bias", "net/out/kernel", "net/out/bias"}


def test_deferred_restore_into_an_unbuilt_model(tmp_path):
    model = _model()
    path = tf.train.Checkpoint(model=model).write(str(tmp_path / "m"))
    lazy = keras.Sequential([keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1)])
    status = tf.train.Checkpoint(model=lazy).restore(path)
    with pytest.raises(AssertionError, match="not created yet"):
        status.assert_consumed()
    status.assert_existing_objects_matched()      # nothing existed yet: all matched
    x = np.ones((2, 3), np.float32)
    np.testing.assert_array_equal(lazy(x).numpy(), model(x).numpy())
    status.assert_consumed()


def test_status_assertions_and_expect_partial(tmp_path):
    v, w = tf.Variable([1.0, 2.0]), tf.Variable(3.0)
    path = tf.train.Checkpoint(v=v, w=w).write(str(tmp_path / "c"))
    v.assign([0.0, 0.0])
    only_v = tf.train.Checkpoint(v=v)
    status = only_v.restore(path)
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])
    status.assert_existing_objects_matched().assert_nontrivial_match()
    with pytest.raises(AssertionError, match="Unresolved object"):
        status.assert_consumed()
    status.expect_partial()
    extra = tf.train.Checkpoint(v=v, w=w, z=tf.Variable(1.0)).restore(path)
    with pytest.raises(AssertionError, match="z"):
        extra.assert_existing_objects_matched()
    with pytest.raises(AssertionError, match="No checkpoint"):
        only_v.restore(None).assert_consumed()


def test_bad_checkpoints_change_nothing(tmp_path):
    v = tf.Variable([1.0, 2.0])
    w = tf.Variable(np.float32(5.0))
    path = tf.train.Checkpoint(v=v, w=w).write(str(tmp_path / "c"))
    wrong_shape = tf.Variable([0.0, 0.0, 0.0])
    other_w = tf.Variable(np.float32(0.0))
    with pytest.raises(tf.errors.InvalidArgumentError, match="shape"):
        tf.train.Checkpoint(v=wrong_shape, w=other_w).restore(path)
    assert float(other_w.numpy()) == 0.0           # validated before anything was assigned
    with pytest.raises(tf.errors.NotFoundError):
        tf.train.Checkpoint(v=v).restore(str(tmp_path / "missing"))
    with open(path + ".safetensors", "r+b") as f:
        f.seek(-1, os.SEEK_END)
        f.write(b"\x7f")
    with pytest.raises(tf.errors.DataLossError):
        tf.train.Checkpoint(v=v).restore(path)


def test_checkpoint_manager_numbers_prunes_and_finds_latest(tmp_path):
    step = tf.Variable(0, dtype=tf.int64)
    ckpt = tf.train.Checkpoint(step=step, v=tf.Variable([1.0]))
    manager = tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=2)
    assert manager.latest_checkpoint is None
    assert ckpt.restore(manager.latest_checkpoint) is not None   # "initializing from scratch"
    for i in range(3):
        step.assign_add(1)
        manager.save()
    assert manager.checkpoints == [str(tmp_path / "ckpt-2"), str(tmp_path / "ckpt-3")]
    assert not os.path.exists(tmp_path / "ckpt-1.safetensors")
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "ckpt-3")
    assert int(ckpt.save_counter.numpy()) == 3
    step.assign(0)
    ckpt.restore(manager.latest_checkpoint).assert_consumed()
    assert int(step.numpy()) == 3
    # a new manager picks up the kept checkpoints from the state file
    again = tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=2)
    assert again.checkpoints == manager.checkpoints
    assert again.save(checkpoint_number=10) == str(tmp_path / "ckpt-10")
    assert again.checkpoints == [str(tmp_path / "ckpt-3"), str(tmp_path / "ckpt-10")]


def test_checkpoint_attribute_access_and_bad_arguments():
    step = tf.Variable(1)
    ckpt = tf.train.Checkpoint(step=step)
    ckpt.step.assign_add(1)
    assert int(step.numpy()) == 2
    with pytest.raises(ValueError, match="trackable"):
        tf.train.Checkpoint(x=3)
    with pytest.raises(ValueError, match="max_to_keep"):
        tf.train.CheckpointManager(ckpt, "d", max_to_keep=0)
