"""The runtime (issue 9 §1): kernels run on the current Device's array module, process state
lives in one context with reset(), and a mistake gets the same message eagerly and in a graph."""
import types

import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1
from ndflow.framework import context, device


class _RecordingXP(types.ModuleType):
    """NumPy, counting which of its functions kernels asked for."""

    def __init__(self):
        super().__init__("recording_numpy")
        self.used = set()

    def __getattr__(self, name):
        self.used.add(name)
        return getattr(np, name)


@pytest.fixture
def recording_device():
    xp = _RecordingXP()
    dev = device.Device("/job:localhost/replica:0/task:0/device:TEST:0", "CPU", xp)
    context.state.device = dev
    yield dev, xp
    context.state.device = device.CPU


def test_eager_kernels_receive_the_current_devices_array_module(recording_device):
    _, xp = recording_device
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(tf.reduce_sum(x, axis=0).numpy(), [4.0, 6.0])
    assert xp.used, "the eager kernel did not use the device's xp"


def test_traced_functions_and_sessions_run_plans_on_the_device(recording_device):
    dev, xp = recording_device

    @tf.function
    def f(x):
        return tf.reduce_max(x, axis=1)

    np.testing.assert_allclose(f(tf.constant([[1.0, 5.0], [7.0, 2.0]])).numpy(), [5.0, 7.0])
    assert xp.used
    xp.used.clear()
    g = tf.Graph()
    with g.as_default():
        p = v1.placeholder(tf.float32, [None, 2])
        y = tf.reduce_mean(p, axis=1)
        with v1.Session() as sess:
            assert sess._store.device is dev
            np.testing.assert_allclose(sess.run(y, {p: [[1.0, 3.0]]}), [2.0])
    assert xp.used


def test_variables_of_traced_functions_live_in_the_devices_store(recording_device):
    dev, _ = recording_device
    v = tf.Variable(1.0)

    @tf.function
    def step():
        v.assign_add(2.0)
        return v.read_value()

    assert float(step()) == 3.0
    assert float(dev.store.read(v)) == 3.0


def test_seeded_random_numbers_do_not_depend_on_the_device(recording_device):
    tf.random.set_seed(5)
    a = tf.random.uniform([3], seed=1).numpy()
    context.state.device = device.CPU
    tf.random.set_seed(5)
    b = tf.random.uniform([3], seed=1).numpy()
    np.testing.assert_array_equal(a, b)


def test_config_lists_the_devices_the_runtime_has():
    names = [d.name for d in tf.config.list_physical_devices()]
    assert names[0] == "/physical_device:CPU:0"
    assert [d.device_type for d in tf.config.list_physical_devices("CPU")] == ["CPU"]
    assert ("GPU" in [d.device_type for d in tf.config.list_physical_devices()]) == \
        device.gpu_available()
    # Colab notebooks' checks
    assert tf.test.gpu_device_name() == ("/device:GPU:0" if device.gpu_available() else "")
    assert tf.test.is_gpu_available() == device.gpu_available()


def test_reset_forgets_graphs_sessions_seeds_tapes_and_learning_phase():
    from ndflow import keras
    g = tf.Graph()
    g.as_default().__enter__()  # left open on purpose: reset must clear it
    sess = v1.InteractiveSession()
    tf.random.set_seed(3)
    keras.backend.set_learning_phase(1)
    tape = tf.GradientTape()
    tape.__enter__()
    state = context.state
    assert state.graph_stack and state.session_stack and state.tapes
    context.reset()
    assert state.graph_stack == [] and state.session_stack == [] and state.tapes == []
    assert state.global_seed is None and state.learning_phase is None
    assert state.building is None and tf.executing_eagerly()
    assert v1.get_default_session() is None
    assert v1.get_default_graph() is not g
    assert state.device is device.CPU
    sess.close()


def test_learning_phase_is_the_training_flag_of_layers_called_without_one():
    from ndflow import keras
    layer = keras.layers.Dropout(0.5, seed=1)
    x = np.ones((4, 100), np.float32)
    assert keras.backend.learning_phase() == 0
    np.testing.assert_array_equal(layer(x).numpy(), x)
    keras.backend.set_learning_phase(1)
    assert keras.backend.learning_phase() == 1
    assert (layer(x).numpy() == 0).any()
    keras.backend.clear_session()
    np.testing.assert_array_equal(layer(x).numpy(), x)
    with pytest.raises(ValueError, match="0 or 1"):
        keras.backend.set_learning_phase(2)


_MISTAKES = {
    "matmul": lambda: tf.matmul(tf.ones((2, 3)), tf.ones((4, 5))),
    "broadcast": lambda: tf.ones((2, 3)) + tf.ones((4, 5)),
    "reshape": lambda: tf.reshape(tf.ones((2, 3)), [7]),
    "concat": lambda: tf.concat([tf.ones((2, 3)), tf.ones((4, 5))], 0),
    "conv2d": lambda: tf.nn.conv2d(tf.ones((1, 4, 4, 3)), tf.ones((3, 3, 2, 5)), 1, "SAME"),
    "transpose": lambda: tf.transpose(tf.ones((2, 3)), [0, 2]),
}


@pytest.mark.parametrize("name", sorted(_MISTAKES))
def test_a_shape_mistake_reads_the_same_eagerly_and_in_a_graph(name):
    with pytest.raises(tf.errors.InvalidArgumentError) as eager:
        _MISTAKES[name]()
    with tf.Graph().as_default():
        with pytest.raises(tf.errors.InvalidArgumentError) as graph:
            _MISTAKES[name]()
    assert str(eager.value) == str(graph.value)
    assert "gufunc" not in str(eager.value) and "could not be broadcast" not in str(eager.value)


def test_variable_scopes_belong_to_their_graph():
    g = tf.Graph()
    with g.as_default():
        with v1.variable_scope("encoder"):
            assert v1.get_variable_scope().name == "encoder"
            w = v1.get_variable("w", [2])
            with tf.Graph().as_default():  # another graph starts at the root scope
                assert v1.get_variable_scope().name == ""
        assert w.name == "encoder/w:0"
        assert v1.get_variable_scope().name == ""
        assert g.get_all_collection_keys() == g.collections
        assert all(isinstance(k, str) for k in g.get_all_collection_keys())


def test_another_threads_trace_does_not_capture_this_threads_ops():
    """A tf.data prefetch thread runs eager ops (a generator) while the main thread traces a
    tf.function: the graph being built belongs to the thread building it."""
    import threading
    tracing, resume, seen = threading.Event(), threading.Event(), {}

    @tf.function
    def traced(x):
        tracing.set()
        resume.wait(10)   # the other thread runs its ops while this one is inside the trace
        return x + 1.0

    def other():
        tracing.wait(10)
        try:
            seen["value"] = (tf.constant(2.0) * 3.0).numpy()
            seen["eager"] = tf.executing_eagerly()
        finally:
            resume.set()

    thread = threading.Thread(target=other)
    thread.start()
    assert traced(tf.constant(1.0)).numpy() == 2.0
    thread.join(10)
    assert seen == {"value": 6.0, "eager": True}


def test_prefetched_generator_with_eager_ops_beside_tracing():
    def gen():
        for i in range(50):
            yield (tf.constant(np.float32(i)) * 2.0).numpy()

    ds = tf.data.Dataset.from_generator(
        gen, output_signature=tf.TensorSpec([], tf.float32)).prefetch(4)
    values = []
    for x in ds:
        @tf.function
        def plus_one(a):
            return a + 1.0
        values.append(float(plus_one(x)))
    assert values == [2.0 * i + 1.0 for i in range(50)]
