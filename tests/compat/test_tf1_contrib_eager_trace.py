"""The rest of TF1 (issue 17): tf.contrib.framework.arg_scope, contrib.layers'
embed_sequence / one_hot_encoding / pooling, tf.contrib.eager's gradient functions,
tf.summary.trace_on/trace_export, and Keras CosineDecayRestarts / CosineDecay warmup
against TensorFlow's values."""
import json
import os

import numpy as np
import pytest

import ndflow
import ndflow.compat.v1 as tf
from ndflow import keras

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "tf1_rest_reference.json")


# --- arg_scope -------------------------------------------------------------------------------

def test_arg_scope_sets_defaults_of_contrib_layers():
    layers, arg_scope = tf.contrib.layers, tf.contrib.framework.arg_scope
    x = tf.placeholder(tf.float32, [None, 6, 6, 2])
    with arg_scope([layers.conv2d, layers.fully_connected], activation_fn=None,
                   weights_initializer=tf.ones_initializer()) as outer:
        with arg_scope([layers.conv2d], padding="VALID", biases_initializer=None):
            conv = layers.conv2d(x, 3, [3, 3])
        same = layers.conv2d(x, 3, [3, 3], scope="same")          # outer scope only: SAME
        fc = layers.fully_connected(layers.flatten(conv), 2, activation_fn=tf.nn.relu)
        assert set(outer) == {tf.contrib.framework.arg_scope_func_key(layers.conv2d),
                              tf.contrib.framework.arg_scope_func_key(layers.fully_connected)}
    plain = layers.fully_connected(tf.ones([1, 2]), 2, scope="plain")  # back to contrib defaults
    with arg_scope(outer):  # a scope can be re-entered
        again = layers.conv2d(x, 1, [1, 1], scope="again")
    assert conv.shape.as_list() == [None, 4, 4, 3] and same.shape.as_list() == [None, 6, 6, 3]
    names = [v.name for v in tf.global_variables()]
    assert "Conv/biases:0" not in names and "same/biases:0" in names
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        c, f, a, p = sess.run([conv, fc, again, plain], {x: -np.ones((1, 6, 6, 2))})
    np.testing.assert_allclose(c, -18.0)    # ones weights, no activation, no biases
    np.testing.assert_allclose(f, 0.0)      # explicit relu won over the scope's None
    np.testing.assert_allclose(a, -2.0)
    assert p.shape == (1, 2)
    with pytest.raises(ValueError, match="is not decorated with @add_arg_scope"):
        with arg_scope([tf.nn.relu], a=1):
            pass
    with pytest.raises(TypeError, match="list_ops_or_scope must either be a list/tuple"):
        with arg_scope(layers.conv2d, padding="SAME"):
            pass


def test_add_arg_scope_on_a_user_function():
    fw = tf.contrib.framework

    @fw.add_arg_scope
    def scaled(x, factor=1.0, shift=0.0):
        return x * factor + shift
    assert fw.has_arg_scope(scaled) and fw.arg_scoped_arguments(scaled) == ["x", "factor",
                                                                              "shift"]
    with fw.arg_scope([scaled], factor=3.0):
        with fw.arg_scope([scaled], shift=1.0):
            assert scaled(2.0) == 7.0
            assert scaled(2.0, factor=1.0) == 3.0
        assert scaled(2.0) == 6.0
    assert scaled(2.0) == 2.0


def test_embed_sequence_one_hot_encoding_and_pooling():
    layers = tf.contrib.layers
    ids = tf.constant([[1, 2, 0], [3, 3, 4]])
    emb = layers.embed_sequence(ids, vocab_size=5, embed_dim=4)
    shared = layers.embed_sequence(ids, scope="EmbedSequence", reuse=True, vocab_size=5,
                                   embed_dim=4)
    assert emb.shape.as_list() == [2, 3, 4]
    assert [v.name for v in tf.global_variables()] == ["EmbedSequence/embeddings:0"]
    onehot = layers.one_hot_encoding(tf.constant([0, 2, 1]), 3, on_value=5.0, off_value=-1.0)
    img = tf.constant(np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2))
    mx, av = layers.max_pool2d(img, [2, 2]), layers.avg_pool2d(img, 2, stride=1, padding="SAME")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        e, s, table, o, m, a = sess.run([emb, shared, tf.global_variables()[0], onehot, mx, av])
    np.testing.assert_array_equal(e, table[[[1, 2, 0], [3, 3, 4]]])
    np.testing.assert_array_equal(s, e)
    np.testing.assert_array_equal(o, [[5, -1, -1], [-1, -1, 5], [-1, 5, -1]])
    assert o.dtype == np.float32
    x = np.arange(32, dtype=np.float32).reshape(4, 4, 2)
    np.testing.assert_array_equal(m[0], x.reshape(2, 2, 2, 2, 2).max(axis=(1, 3)))
    assert a.shape == (1, 4, 4, 2)
    np.testing.assert_allclose(a[0, 0, 0], x[:2, :2].mean(axis=(0, 1)))
    with pytest.raises(ValueError, match="Must specify vocab size and embedding dimension"):
        layers.embed_sequence(ids)


# --- tf.contrib.eager --------------------------------------------------------------------------

def test_tfe_gradient_functions(eager_v1):
    tfe = tf.contrib.eager
    assert tf.executing_eagerly()

    def f(x, y):
        return x * x * y
    gx, gy = tfe.gradients_function(f)(3.0, 2.0)
    assert (float(gx), float(gy)) == (12.0, 9.0)
    (only_y,) = tfe.gradients_function(f, params=["y"])(3.0, 2.0)
    assert float(only_y) == 9.0
    value, (g1,) = tfe.value_and_gradients_function(lambda v: tf.reduce_sum(v ** 2), [0])(
        tf.constant([1.0, 2.0]))
    assert float(value) == 5.0
    np.testing.assert_allclose(g1.numpy(), [2.0, 4.0])

    w, b = tfe.Variable(2.0, name="w"), tfe.Variable(1.0, name="b")
    unused = tfe.Variable(5.0, name="unused")

    def loss(x):
        return w * x + b
    grads_and_vars = tfe.implicit_gradients(loss)(3.0)
    assert [v is w or v is b for _, v in grads_and_vars] == [True, True]
    assert all(v is not unused for _, v in grads_and_vars)
    assert {v.name: float(g) for g, v in grads_and_vars} == {"w:0": 3.0, "b:0": 1.0}
    value, grads_and_vars = tfe.implicit_value_and_gradients(loss)(3.0)
    assert float(value) == 7.0
    tf.train.GradientDescentOptimizer(0.5).apply_gradients(grads_and_vars)
    assert (float(w.numpy()), float(b.numpy())) == (0.5, 0.5)
    with pytest.raises(ValueError, match="No trainable variables were accessed"):
        tfe.implicit_gradients(lambda x: x * 2.0)(tf.constant(1.0))

    it = tfe.Iterator(tf.data.Dataset.range(3))
    assert [int(next(it)), int(it.next()), int(it.get_next())] == [0, 1, 2]
    with pytest.raises(tf.errors.OutOfRangeError):
        it.get_next()
    assert tfe.num_gpus() == len(ndflow.config.list_physical_devices("GPU"))


# --- trace_on / trace_export --------------------------------------------------------------------

def _trace_summaries(logdir):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.compat.proto import config_pb2
    acc = EventAccumulator(logdir)
    acc.Reload()
    out = {}
    for tag in acc.Tags()["tensors"]:
        event = acc.Tensors(tag)[0]
        meta = acc.SummaryMetadata(tag)
        run_metadata = config_pb2.RunMetadata.FromString(event.tensor_proto.string_val[0])
        out[tag] = (event.step, meta.plugin_data.plugin_name,
                    [[n.op for n in fg.pre_optimization_graph.node]
                     for fg in run_metadata.function_graphs])
    return out


def test_trace_export_writes_the_functions_graphs(tmp_path):
    pytest.importorskip("tensorboard")
    writer = ndflow.summary.create_file_writer(str(tmp_path))

    @ndflow.function
    def my_func(x, y):
        return ndflow.nn.relu(ndflow.matmul(x, y))

    @ndflow.function
    def other(x):
        return x + 1.0
    other(ndflow.ones([2]))  # traced before the trace: not recorded (TF records traces)
    ndflow.summary.trace_on(graph=True, profiler=False)
    my_func(ndflow.ones([2, 2]), ndflow.ones([2, 2]))
    my_func(ndflow.ones([2, 2]), ndflow.ones([2, 2]))  # traced once: recorded once
    other(ndflow.ones([2]))
    other(ndflow.ones([3]))  # a new shape: a new trace, recorded
    with writer.as_default():
        assert ndflow.summary.trace_export(name="my_func_trace", step=3) is None
    writer.flush()
    step, plugin, graphs = _trace_summaries(str(tmp_path))["my_func_trace"]
    assert (step, plugin, len(graphs)) == (3, "graph_run_metadata_graph", 2)
    assert "MatMul" in graphs[0] and "Relu" in graphs[0]
    assert any(op in ("Add", "AddV2") for op in graphs[1])
    # the trace is off after export: calls are no longer recorded, export needs trace_on
    with pytest.raises(ValueError, match="Must enable trace before export"):
        with writer.as_default():
            ndflow.summary.trace_export(name="again", step=0)
    # no step anywhere: a ValueError that leaves the trace on
    ndflow.summary.trace_on(graph=True)
    with writer.as_default():
        with pytest.raises(ValueError, match="(?i)no step set"):
            ndflow.summary.trace_export(name="nostep")
        ndflow.summary.trace_export(name="later", step=1)
    assert "later" in _trace_summaries(str(tmp_path))
    ndflow.summary.trace_off()
    from ndflow.framework.function import Function
    assert Function._trace.__name__ == "_trace"  # the recorder is removed


# --- schedules against TensorFlow -----------------------------------------------------------

def _reference():
    with open(FIXTURE) as f:
        return json.load(f)


def test_cosine_decay_restarts_and_warmup_match_tensorflow():
    ref = _reference()["schedules"]
    S = keras.optimizers.schedules
    built = {name: getattr(S, case["class"])(**case["config"])
             for name, case in ref["cases"].items()}
    for name, schedule in built.items():
        got = [float(schedule(step)) for step in ref["steps"]]
        np.testing.assert_allclose(got, ref["cases"][name]["values"], rtol=2e-6, atol=1e-9,
                                   err_msg=name)
        config = schedule.get_config()
        assert config == ref["cases"][name]["get_config"], name
        again = S.deserialize(S.serialize(schedule))
        assert again.get_config() == config
    assert S.CosineDecayRestarts(0.1, 4).name == "SGDRDecay"
    with pytest.raises(ndflow.errors.InvalidArgumentError, match="first_decay_steps"):
        S.CosineDecayRestarts(0.1, 0)


def test_tf1_eager_custom_training_walkthrough(eager_v1):
    """TF 1.x's eager "custom training: walkthrough" (iris): keras model, TF1 optimizer,
    tf.losses, tfe.metrics.Mean / Accuracy; on iris-like clusters."""
    tfe = tf.contrib.eager
    rng = np.random.RandomState(0)
    centers = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]])
    labels = rng.randint(0, 3, 120).astype(np.int32)
    features = (centers[labels] + rng.randn(120, 4) * 0.3).astype(np.float32)
    train_dataset = tf.data.Dataset.from_tensor_slices((features, labels)).batch(32)
    ndflow.random.set_seed(0)
    model = keras.Sequential([keras.layers.Dense(10, activation="relu", input_shape=(4,)),
                              keras.layers.Dense(10, activation="relu"),
                              keras.layers.Dense(3)])

    def loss(model, x, y):
        y_ = model(x)
        return tf.losses.sparse_softmax_cross_entropy(labels=y, logits=y_)

    def grad(model, inputs, targets):
        with tf.GradientTape() as tape:
            loss_value = loss(model, inputs, targets)
        return loss_value, tape.gradient(loss_value, model.trainable_variables)

    optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.05)
    global_step = tf.Variable(0)
    history = []
    for epoch in range(40):
        epoch_loss_avg = tfe.metrics.Mean()
        epoch_accuracy = tfe.metrics.Accuracy()
        for x, y in tfe.Iterator(train_dataset):
            loss_value, grads = grad(model, x, y)
            optimizer.apply_gradients(zip(grads, model.trainable_variables), global_step)
            epoch_loss_avg(loss_value)
            epoch_accuracy(tf.argmax(model(x), axis=1, output_type=tf.int32), y)
        history.append((float(epoch_loss_avg.result()), float(epoch_accuracy.result())))
    assert int(global_step.numpy()) == 40 * 4
    assert history[-1][0] < history[0][0] and history[-1][1] > 0.8
