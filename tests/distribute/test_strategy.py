"""tf.distribute in one process (no launcher: every strategy has one replica), and the
pieces of the multi-worker path that do not need MPI."""
import numpy as np
import pytest

import ndflow as tf
from ndflow import keras
from ndflow.distribute import _comm, input as dinput


def test_one_process_multi_worker_strategy():
    s = tf.distribute.MultiWorkerMirroredStrategy(
        communication_options=tf.distribute.experimental.CommunicationOptions(
            implementation=tf.distribute.experimental.CommunicationImplementation.RING))
    assert s.num_replicas_in_sync == 1
    assert s.cluster_resolver.task_type == "worker" and s.cluster_resolver.task_id == 0
    assert s.cluster_resolver.cluster_spec().num_tasks("worker") == 1
    assert s.extended.should_checkpoint and not s.extended._in_multi_worker_mode()
    assert not tf.distribute.has_strategy()
    assert tf.distribute.get_strategy().num_replicas_in_sync == 1
    with s.scope():
        assert tf.distribute.has_strategy() and tf.distribute.get_strategy() is s
        assert tf.distribute.in_cross_replica_context()
        assert tf.distribute.get_replica_context() is None
        v = tf.Variable([1.0, 2.0])
        assert s.extended.variable_created_in_scope(v)

    def step(x):
        ctx = tf.distribute.get_replica_context()
        assert not tf.distribute.in_cross_replica_context()
        return ctx.all_reduce(tf.distribute.ReduceOp.SUM, {"a": x * 2.0})
    out = s.run(step, args=(tf.constant([1.0, 3.0]),))
    np.testing.assert_allclose(out["a"].numpy(), [2.0, 6.0])
    assert not tf.distribute.has_strategy()


def test_reduce_gather_and_errors():
    s = tf.distribute.MirroredStrategy()
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(s.reduce("MEAN", x, axis=0).numpy(), [2.0, 3.0])
    np.testing.assert_allclose(s.reduce(tf.distribute.ReduceOp.SUM, x, axis=None).numpy(),
                               x.numpy())
    np.testing.assert_allclose(s.gather(x, axis=1).numpy(), x.numpy())
    assert s.experimental_local_results(x)[0] is x
    with pytest.raises(ValueError, match="reduce_op"):
        s.reduce("MAX", x, axis=None)
    other = tf.distribute.OneDeviceStrategy("/cpu:0")
    with s.scope():
        with pytest.raises(RuntimeError, match="Mixing different"):
            with other.scope():
                pass
    assert tf.distribute.ReduceOp.from_variable_aggregation(
        tf.VariableAggregation.MEAN) is tf.distribute.ReduceOp.MEAN


def test_local_part_splits_each_global_batch():
    x = np.arange(10).reshape(5, 2)
    y = np.arange(5)
    parts = [dinput.local_part((x, {"y": y}), r, 2) for r in range(2)]
    np.testing.assert_array_equal(np.concatenate([p[0] for p in parts]), x)
    np.testing.assert_array_equal(parts[0][1]["y"], [0, 1])
    np.testing.assert_array_equal(parts[1][1]["y"], [2, 3, 4])
    with pytest.raises(ValueError, match="different first dimensions"):
        dinput.local_part((x, y[:3]), 0, 2)
    assert dinput.local_rows(64, 1, 2) == (32, 64)


def test_distributed_datasets():
    s = tf.distribute.MultiWorkerMirroredStrategy()
    ds = tf.data.Dataset.from_tensor_slices(np.arange(8.0, dtype="float32")).batch(4)
    batches = [b.numpy() for b in s.experimental_distribute_dataset(ds)]
    np.testing.assert_array_equal(np.concatenate(batches), np.arange(8.0))
    it = iter(s.experimental_distribute_dataset(ds))
    it.get_next()
    it.get_next()
    with pytest.raises(tf.errors.OutOfRangeError):
        it.get_next()

    def fn(ctx):
        assert ctx.num_input_pipelines == 1 and ctx.input_pipeline_id == 0
        per = ctx.get_per_replica_batch_size(4)
        return tf.data.Dataset.range(8).shard(ctx.num_input_pipelines,
                                              ctx.input_pipeline_id).batch(per)
    got = [b.numpy().tolist() for b in s.distribute_datasets_from_function(fn)]
    assert got == [[0, 1, 2, 3], [4, 5, 6, 7]]
    with pytest.raises(ValueError, match="not divisible"):
        dinput.InputContext(2, 0, 2).get_per_replica_batch_size(5)


def test_keras_fit_in_one_process_strategy_matches_plain_fit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = rng.normal(size=(40, 1)).astype("float32")
    init = [rng.normal(size=(3, 1)).astype("float32"), np.zeros(1, "float32")]

    def train(strategy):
        scope = strategy.scope() if strategy is not None else tf.distribute.get_strategy().scope()
        with scope:
            model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
            model.set_weights(init)
            model.compile(optimizer="sgd", loss="mse")
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        return model.get_weights()
    for a, b in zip(train(tf.distribute.MultiWorkerMirroredStrategy()), train(None)):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_communicator_of_one_and_fusion():
    comm = _comm.Communicator(None)
    a = [np.ones(3, "float32"), np.arange(4), np.zeros((2, 2), "float16")]
    out = comm.allreduce(a, "mean")
    assert [o.dtype for o in out] == [np.float32, np.int64, np.float16]
    with pytest.raises(ValueError, match="reduction"):
        comm.allreduce(a, "median")
    with pytest.raises(ValueError, match="root_rank"):
        comm.broadcast(a, root=3)
    # the fusion keeps order and shapes whatever the buckets
    seen = []
    fused = _comm._fused([np.arange(6).reshape(2, 3), np.ones(2, "float32"), np.arange(2)],
                         lambda buf: seen.append(buf.size))
    assert sorted(seen) == [2, 8] and fused[0].shape == (2, 3)
    np.testing.assert_array_equal(fused[2], [0, 1])


def test_launcher_detection(monkeypatch):
    for name in _comm._LAUNCHER_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("NDFLOW_MPI", raising=False)
    assert not _comm.launched_by_mpi()
    monkeypatch.setenv("PMI_RANK", "0")
    assert _comm.launched_by_mpi()
    monkeypatch.setenv("NDFLOW_MPI", "0")
    assert not _comm.launched_by_mpi()


def test_single_launched_process_without_mpi4py(monkeypatch):
    import importlib.util
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "mpi4py" else real(name, *a))
    monkeypatch.setenv("PMI_SIZE", "1")
    assert _comm._single_without_mpi4py()
    monkeypatch.setenv("PMI_SIZE", "2")
    assert not _comm._single_without_mpi4py()   # several ranks need mpi4py: an error later


def test_distribute_dataset_of_batches_and_bad_input():
    s = tf.distribute.MultiWorkerMirroredStrategy()
    batches = [(np.ones((4, 2)), np.zeros(4)), (np.ones((2, 2)), np.zeros(2))]
    assert [b[0].shape for b in s.experimental_distribute_dataset(batches)] == [(4, 2), (2, 2)]
    with pytest.raises(TypeError, match="batch them first"):
        s.experimental_distribute_dataset((np.ones((4, 2)), np.zeros(4)))
