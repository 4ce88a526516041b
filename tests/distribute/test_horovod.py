"""ndflow.horovod in one process (size 1): the API's shapes, errors and single-rank values.
The multi-rank values are checked by test_mpi_training.py under mpiexec."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as tf1
import ndflow.horovod as hvd
import ndflow.horovod.keras as hvdk
from ndflow import keras


def test_rank_and_size_after_init():
    hvd.init()
    assert (hvd.rank(), hvd.size(), hvd.local_rank(), hvd.local_size()) == (0, 1, 0, 1)
    assert hvd.is_initialized() and hvd.cross_rank() == 0 and hvd.is_homogeneous()


def test_collectives_of_one_rank():
    hvd.init()
    x = tf.constant([[1.0, 2.0]])
    np.testing.assert_allclose(hvd.allreduce(x).numpy(), x.numpy())
    np.testing.assert_allclose(hvd.allreduce(x, op=hvd.Sum, postscale_factor=2.0).numpy(),
                               [[2.0, 4.0]])
    np.testing.assert_allclose(hvd.allgather(x).numpy(), x.numpy())
    np.testing.assert_allclose(hvd.broadcast(x, 0).numpy(), x.numpy())
    with pytest.raises(ValueError, match="root_rank"):
        hvd.broadcast(x, 1)
    with pytest.raises(ValueError, match="supersedes"):
        hvd.allreduce(x, average=True, op=hvd.Sum)
    with pytest.raises(NotImplementedError, match="Adasum"):
        hvd.allreduce(x, op=hvd.Adasum)
    v = tf.Variable([3.0])
    assert hvd.broadcast_variables([v], 0) is None and v.numpy().tolist() == [3.0]
    with pytest.raises(RuntimeError, match="eager"):
        hvd.broadcast_global_variables(0)


def test_tf1_distributed_optimizer_and_hook():
    hvd.init()
    g = tf1.Graph()
    with g.as_default():
        w = tf1.Variable([1.0, 2.0])
        loss = tf1.reduce_sum(w * w)
        opt = hvd.DistributedOptimizer(tf1.train.GradientDescentOptimizer(0.25))
        pairs = opt.compute_gradients(loss)
        assert pairs[0][1] is w
        assert pairs[0][0].op.type == "CollectiveAllReduce"
        train = opt.apply_gradients(pairs)
        hook = hvd.BroadcastGlobalVariablesHook(0)
        hook.begin()
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            hook.after_create_session(sess, None)
            sess.run(train)
            np.testing.assert_allclose(sess.run(w), [0.5, 1.0])


def test_gradient_tape_and_keras_optimizer():
    hvd.init()
    v = tf.Variable([1.0, -2.0])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(v * v)
    tape = hvd.DistributedGradientTape(tape)
    (g,) = tape.gradient(loss, [v])
    np.testing.assert_allclose(g.numpy(), [2.0, -4.0])
    opt = hvdk.DistributedOptimizer(keras.optimizers.Adam(0.01))
    assert isinstance(opt, keras.optimizers.Adam) and type(opt).__name__ == "Adam"
    with pytest.raises(ValueError, match="already"):
        hvdk.DistributedOptimizer(opt)
    with pytest.raises(NotImplementedError, match="backward_passes_per_step"):
        hvd.DistributedOptimizer(keras.optimizers.SGD(), backward_passes_per_step=2)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(opt, "mse")
    warm = hvdk.callbacks.LearningRateWarmupCallback(0.01, warmup_epochs=1)
    model.fit(np.ones((8, 2), "float32"), np.ones((8, 1), "float32"), epochs=2, verbose=0,
              callbacks=[hvdk.callbacks.BroadcastGlobalVariablesCallback(0),
                         hvdk.callbacks.MetricAverageCallback(), warm])
    assert int(opt.iterations.numpy()) == 2
    np.testing.assert_allclose(float(np.asarray(opt.learning_rate)), 0.01, rtol=1e-6)


def test_warmup_multiplier_formula(monkeypatch):
    hvd.init()
    warm = hvdk.callbacks.LearningRateWarmupCallback(0.4, warmup_epochs=4)
    # one rank: the learning rate is the initial one throughout
    assert warm.multiplier(0) == pytest.approx(1.0) and warm.multiplier(3.5) == pytest.approx(1.0)

    class FourRanks:
        size = 4
    monkeypatch.setattr(hvdk.callbacks, "_world", lambda: FourRanks)
    warm = hvdk.callbacks.LearningRateWarmupCallback(0.4, warmup_epochs=4)
    # from initial_lr / size at the start to initial_lr at the end of the warmup, linearly
    assert warm.multiplier(0) == pytest.approx(0.25)
    assert warm.multiplier(2) == pytest.approx(0.625)
    assert warm.multiplier(4) == pytest.approx(1.0)
