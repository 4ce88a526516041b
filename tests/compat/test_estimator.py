"""tf.estimator as TF1 tutorials use it (issue 17): a custom model_fn on MNIST, checkpoints
and resumed training, input_fns (numpy_input_fn, Datasets, tensors), feature columns,
canned estimators, train_and_evaluate and hooks."""
import glob
import logging
import os

import numpy as np
import pytest

import ndflow
import ndflow.compat.v1 as tf
from ndflow.keras.datasets import mnist as _mnist


@pytest.fixture(scope="module")
def mnist():
    (x, y), (xt, yt) = _mnist.load_embedded()
    x = (x[:2000].reshape(-1, 784) / 255.0).astype(np.float32)
    xt = (xt[:500].reshape(-1, 784) / 255.0).astype(np.float32)
    return x, y[:2000].astype(np.int32), xt, yt[:500].astype(np.int32)


def mnist_model_fn(features, labels, mode, params):
    """The TF 1.x "Creating Estimators" tutorial's model_fn (dense version)."""
    net = tf.layers.dense(features["x"], params["hidden"], activation=tf.nn.relu)
    net = tf.layers.dropout(net, rate=0.2, training=mode == tf.estimator.ModeKeys.TRAIN)
    logits = tf.layers.dense(net, 10)
    predictions = {"classes": tf.argmax(logits, axis=1),
                   "probabilities": tf.nn.softmax(logits, name="softmax_tensor")}
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode=mode, predictions=predictions)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    if mode == tf.estimator.ModeKeys.TRAIN:
        optimizer = tf.train.GradientDescentOptimizer(learning_rate=params["lr"])
        train_op = optimizer.minimize(loss=loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode=mode, loss=loss, train_op=train_op)
    eval_metric_ops = {"accuracy": tf.metrics.accuracy(labels=labels,
                                                       predictions=predictions["classes"])}
    return tf.estimator.EstimatorSpec(mode=mode, loss=loss, eval_metric_ops=eval_metric_ops)


def _steps_of_checkpoints(model_dir):
    return sorted(int(p.rsplit("-", 1)[1].split(".")[0])
                  for p in glob.glob(os.path.join(model_dir, "model.ckpt-*.safetensors")))


def test_mnist_tutorial_train_evaluate_predict_and_resume(mnist, tmp_path):
    x, y, xt, yt = mnist
    model_dir = str(tmp_path / "mnist")
    est = tf.estimator.Estimator(mnist_model_fn, model_dir=model_dir,
                                 params={"hidden": 64, "lr": 0.5},
                                 config=tf.estimator.RunConfig(tf_random_seed=7))
    train_input = tf.estimator.inputs.numpy_input_fn(x={"x": x}, y=y, batch_size=100,
                                                     num_epochs=None, shuffle=True)
    assert est.train(train_input, steps=100) is est
    assert _steps_of_checkpoints(model_dir) == [0, 100]
    eval_input = tf.estimator.inputs.numpy_input_fn(x={"x": xt}, y=yt, num_epochs=1,
                                                    shuffle=False)
    result = est.evaluate(eval_input)
    assert set(result) == {"accuracy", "loss", "global_step"}
    assert result["global_step"] == 100 and result["global_step"].dtype == np.int64
    assert result["accuracy"] > 0.8 and result["accuracy"].dtype == np.float32
    assert 0.0 < result["loss"] < 1.0

    # steps= continues from the checkpoint's global step; max_steps= is a total
    est.train(train_input, steps=20)
    assert est.evaluate(eval_input, steps=1)["global_step"] == 120
    est.train(train_input, max_steps=110)  # already past: nothing runs
    assert _steps_of_checkpoints(model_dir)[-1] == 120
    est.train(train_input, max_steps=130)
    assert _steps_of_checkpoints(model_dir) == [0, 100, 120, 130]
    assert est.latest_checkpoint().endswith("model.ckpt-130")

    # a second Estimator on the same model_dir sees the same trained model
    again = tf.estimator.Estimator(mnist_model_fn, model_dir=model_dir,
                                   params={"hidden": 64, "lr": 0.5})
    predict_input = tf.estimator.inputs.numpy_input_fn(x={"x": xt[:7]}, shuffle=False)
    preds = list(again.predict(predict_input))
    assert len(preds) == 7 and set(preds[0]) == {"classes", "probabilities"}
    assert preds[0]["probabilities"].shape == (10,)
    np.testing.assert_allclose([p["probabilities"].sum() for p in preds], 1.0, rtol=1e-5)
    classes = list(again.predict(predict_input, predict_keys="classes"))
    assert [set(c) for c in classes] == [{"classes"}] * 7
    assert [int(c["classes"]) for c in classes] == [int(p["classes"]) for p in preds]
    batches = list(again.predict(predict_input, yield_single_examples=False))
    assert batches[0]["probabilities"].shape == (7, 10)
    names = again.get_variable_names()
    assert "dense/kernel" in names and "global_step" in names
    assert again.get_variable_value("global_step") == 130
    assert again.get_variable_value("dense/kernel").shape == (784, 64)


def cnn_model_fn(features, labels, mode):
    """TF 1.x's cnn_mnist.py tutorial model_fn, verbatim but for smaller layers."""
    input_layer = tf.reshape(features["x"], [-1, 28, 28, 1])
    conv1 = tf.layers.conv2d(inputs=input_layer, filters=4, kernel_size=[5, 5],
                             padding="same", activation=tf.nn.relu)
    pool1 = tf.layers.max_pooling2d(inputs=conv1, pool_size=[2, 2], strides=2)
    conv2 = tf.layers.conv2d(inputs=pool1, filters=8, kernel_size=[5, 5], padding="same",
                             activation=tf.nn.relu)
    pool2 = tf.layers.max_pooling2d(inputs=conv2, pool_size=[2, 2], strides=2)
    pool2_flat = tf.reshape(pool2, [-1, 7 * 7 * 8])
    dense = tf.layers.dense(inputs=pool2_flat, units=64, activation=tf.nn.relu)
    dropout = tf.layers.dropout(inputs=dense, rate=0.4,
                                training=mode == tf.estimator.ModeKeys.TRAIN)
    logits = tf.layers.dense(inputs=dropout, units=10)
    predictions = {"classes": tf.argmax(input=logits, axis=1),
                   "probabilities": tf.nn.softmax(logits, name="softmax_tensor")}
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode=mode, predictions=predictions)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    if mode == tf.estimator.ModeKeys.TRAIN:
        optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.5)
        train_op = optimizer.minimize(loss=loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode=mode, loss=loss, train_op=train_op)
    eval_metric_ops = {"accuracy": tf.metrics.accuracy(labels=labels,
                                                       predictions=predictions["classes"])}
    return tf.estimator.EstimatorSpec(mode=mode, loss=loss, eval_metric_ops=eval_metric_ops)


@pytest.fixture
def tf_logging_info():
    """tf.logging.set_verbosity(tf.logging.INFO), undone afterwards."""
    logger = logging.getLogger("ndflow")
    level, handlers = logger.level, list(logger.handlers)
    tf.logging.set_verbosity(tf.logging.INFO)
    assert tf.logging.get_verbosity() == logging.INFO and logger.handlers
    yield
    logger.setLevel(level)
    logger.handlers[:] = handlers


def test_cnn_mnist_tutorial_with_logging_hook(mnist, tmp_path, caplog, tf_logging_info):
    x, y, xt, yt = mnist
    mnist_classifier = tf.estimator.Estimator(model_fn=cnn_model_fn,
                                              model_dir=str(tmp_path / "mnist_convnet_model"),
                                              config=tf.estimator.RunConfig(tf_random_seed=5))
    tensors_to_log = {"probabilities": "softmax_tensor"}
    logging_hook = tf.train.LoggingTensorHook(tensors=tensors_to_log, every_n_iter=10)
    train_input_fn = tf.estimator.inputs.numpy_input_fn(x={"x": x}, y=y, batch_size=50,
                                                        num_epochs=None, shuffle=True)
    with caplog.at_level(logging.INFO, logger="ndflow"):
        mnist_classifier.train(input_fn=train_input_fn, steps=20, hooks=[logging_hook])
    assert "probabilities = [[" in caplog.text and "Loss for final step" in caplog.text
    assert [v["probabilities"].shape for v in logging_hook.logged] == [(50, 10), (50, 10)]
    eval_input_fn = tf.estimator.inputs.numpy_input_fn(x={"x": xt[:100]}, y=yt[:100],
                                                       num_epochs=1, shuffle=False)
    eval_results = mnist_classifier.evaluate(input_fn=eval_input_fn)
    assert set(eval_results) == {"accuracy", "loss", "global_step"}
    assert eval_results["global_step"] == 20
    assert eval_results["loss"] < np.log(10.0) - 0.1  # better than guessing after 20 steps


def test_same_seed_same_model(mnist, tmp_path):
    x, y, _, _ = mnist

    def train(d):
        est = tf.estimator.Estimator(mnist_model_fn, model_dir=str(d),
                                     params={"hidden": 16, "lr": 0.1},
                                     config=tf.estimator.RunConfig(tf_random_seed=3))
        est.train(tf.estimator.inputs.numpy_input_fn({"x": x}, y, batch_size=50,
                                                     num_epochs=None, shuffle=True), steps=5)
        return est.get_variable_value("dense/kernel")
    np.testing.assert_array_equal(train(tmp_path / "a"), train(tmp_path / "b"))


def test_input_fns_dataset_tensors_params_and_end_of_data(tmp_path):
    seen = {}

    def model_fn(features, labels, mode, params, config):
        seen["config"] = config
        w = tf.get_variable("w", [], initializer=tf.zeros_initializer())
        if mode == tf.estimator.ModeKeys.PREDICT:
            return tf.estimator.EstimatorSpec(mode, predictions=features * w)
        loss = tf.reduce_mean(tf.square(features * w - labels))
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(
            loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)

    def dataset_input_fn(params):
        x = np.arange(1, 9, dtype=np.float32)
        return tf.data.Dataset.from_tensor_slices((x, 3.0 * x)).batch(params["batch"])

    est = tf.estimator.Estimator(model_fn, model_dir=str(tmp_path), params={"batch": 4})
    est.train(dataset_input_fn)  # steps=None: until the dataset ends (2 batches)
    assert est.get_variable_value("global_step") == 2
    assert seen["config"].model_dir == str(tmp_path)
    est.train(dataset_input_fn, steps=10)  # the data ends first
    assert est.get_variable_value("global_step") == 4

    def tensor_input_fn():
        return tf.constant([[1.0], [2.0]]), tf.constant([[3.0], [6.0]])
    est.train(tensor_input_fn, steps=3)
    assert est.get_variable_value("global_step") == 7
    preds = list(est.predict(lambda: tf.data.Dataset.from_tensor_slices(
        np.array([1.0, 2.0], np.float32)).batch(2)))
    np.testing.assert_allclose(preds, np.array([1.0, 2.0]) * est.get_variable_value("w"),
                               rtol=1e-6)


def test_numpy_input_fn_batches_epochs_and_errors():
    x = {"a": np.arange(10, dtype=np.float32), "b": np.arange(10, dtype=np.int64) * 2}
    y = np.arange(10, dtype=np.int64)
    with tf.Graph().as_default():
        features, labels = tf.estimator.inputs.numpy_input_fn(
            x, y, batch_size=4, num_epochs=2, shuffle=False)()
        got = []
        with tf.Session() as sess:
            while True:
                try:
                    got.append(sess.run([features, labels]))
                except tf.errors.OutOfRangeError:
                    break
    assert [len(lab) for _, lab in got] == [4, 4, 4, 4, 4]  # two epochs, batches run across
    np.testing.assert_array_equal(np.concatenate([lab for _, lab in got]),
                                  np.concatenate([y, y]))
    np.testing.assert_array_equal(got[0][0]["b"], [0, 2, 4, 6])
    assert got[0][0]["a"].dtype == np.float32
    with tf.Graph().as_default():
        arr_features = tf.estimator.inputs.numpy_input_fn(
            np.ones((5, 3), np.float32), batch_size=2, num_epochs=None, shuffle=True)()
        assert arr_features.shape.as_list() == [2, 3]  # a tensor, full batches when repeating
    with pytest.raises(ValueError, match="shuffle must be provided"):
        tf.estimator.inputs.numpy_input_fn(x, y)
    with pytest.raises(ValueError, match="Length of tensors in x and y is mismatched"):
        tf.estimator.inputs.numpy_input_fn(x, y[:5], shuffle=False)()
    with pytest.raises(ValueError, match="duplicate keys"):
        tf.estimator.inputs.numpy_input_fn(x, {"a": y}, shuffle=False)()


def test_pandas_input_fn():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": np.arange(6, dtype=np.float32), "name": list("uvwxyz")})
    with tf.Graph().as_default():
        features, labels = tf.estimator.inputs.pandas_input_fn(
            df, pd.Series(np.arange(6) * 10), batch_size=4, shuffle=False)()
        with tf.Session() as sess:
            f, lab = sess.run([features, labels])
    np.testing.assert_array_equal(f["a"], [0, 1, 2, 3])
    assert list(f["name"]) == [b"u", b"v", b"w", b"x"]
    np.testing.assert_array_equal(lab, [0, 10, 20, 30])
    with pytest.raises(TypeError, match="x must be a pandas DataFrame"):
        tf.estimator.inputs.pandas_input_fn(np.ones(3), shuffle=False)


def test_errors_say_what_was_wrong(tmp_path):
    with pytest.raises(ValueError, match="must include features"):
        tf.estimator.Estimator(lambda labels, mode: None, model_dir=str(tmp_path))
    with pytest.raises(ValueError, match="does not include params"):
        tf.estimator.Estimator(lambda features, labels: None, model_dir=str(tmp_path),
                               params={"a": 1})
    with pytest.raises(ValueError, match="both in constructor and `RunConfig`"):
        tf.estimator.Estimator(mnist_model_fn, model_dir=str(tmp_path / "a"),
                               config=tf.estimator.RunConfig(model_dir=str(tmp_path / "b")))
    with pytest.raises(ValueError, match="Can not provide both save_checkpoints_secs"):
        tf.estimator.RunConfig(save_checkpoints_steps=10, save_checkpoints_secs=10)
    est = tf.estimator.Estimator(mnist_model_fn, model_dir=str(tmp_path))
    with pytest.raises(ValueError, match="Can not provide both steps and max_steps"):
        est.train(lambda: None, steps=1, max_steps=2)
    with pytest.raises(ValueError, match="Must specify steps > 0"):
        est.train(lambda: None, steps=0)
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Missing train_op"):
            tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.TRAIN, loss=tf.constant(1.0))
        with pytest.raises(ValueError, match="Loss must be scalar"):
            tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.EVAL, loss=tf.ones([3]))
        with pytest.raises(ValueError, match="Missing predictions"):
            tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.PREDICT)

    def reserved_loss_metric(features, labels, mode):
        loss = tf.reduce_sum(features) * tf.get_variable("v", [], initializer=tf.ones_initializer())
        return tf.estimator.EstimatorSpec(mode, loss=loss,
                                          eval_metric_ops={"loss": tf.metrics.mean(loss)})
    bad = tf.estimator.Estimator(reserved_loss_metric, model_dir=str(tmp_path / "c"))
    with pytest.raises(ValueError, match='Metric with name "loss" is not allowed'):
        bad.evaluate(lambda: (tf.constant([1.0]), tf.constant([1.0])), steps=1)

    def nan_loss(features, labels, mode):
        v = tf.get_variable("v", [], initializer=tf.ones_initializer())
        loss = v * np.float32(np.nan)
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=tf.train.
                                          GradientDescentOptimizer(0.1).minimize(
                                              loss, global_step=tf.train.get_global_step()))
    with pytest.raises(tf.estimator.NanLossDuringTrainingError):
        tf.estimator.Estimator(nan_loss, model_dir=str(tmp_path / "d")).train(
            lambda: (tf.constant([1.0]), tf.constant([1.0])), steps=2)


def test_save_checkpoints_steps_and_keep_max(tmp_path):
    def model_fn(features, labels, mode):
        w = tf.get_variable("w", [], initializer=tf.zeros_initializer())
        loss = tf.square(w - 1.0)
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=tf.train.
                                          GradientDescentOptimizer(0.1).minimize(
                                              loss, global_step=tf.train.get_global_step()))
    cfg = tf.estimator.RunConfig(save_checkpoints_steps=3, keep_checkpoint_max=2,
                                 save_summary_steps=2)
    est = tf.estimator.Estimator(model_fn, model_dir=str(tmp_path), config=cfg)
    est.train(lambda: (tf.constant([0.0]), tf.constant([0.0])), steps=8)
    assert _steps_of_checkpoints(str(tmp_path)) == [6, 8]
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    acc = EventAccumulator(str(tmp_path))
    acc.Reload()
    assert [e.step for e in acc.Scalars("loss")] == [0, 2, 4, 6]
    np.testing.assert_allclose(acc.Scalars("loss")[0].value, 1.0)
    assert acc.Tags()["graph"]  # the training graph is in the event file
    est.evaluate(lambda: (tf.constant([0.0]), tf.constant([0.0])), steps=1)
    acc = EventAccumulator(str(tmp_path / "eval"))
    acc.Reload()
    assert [e.step for e in acc.Scalars("loss")] == [8]
    # a second train() prunes the first one's checkpoints too (keep_checkpoint_max=2)
    est.train(lambda: (tf.constant([0.0]), tf.constant([0.0])), steps=4)
    assert _steps_of_checkpoints(str(tmp_path)) == [11, 12]


def test_logging_tensor_hook_and_stop_at_step_hook(tmp_path, caplog):
    def model_fn(features, labels, mode):
        w = tf.get_variable("w", [], initializer=tf.zeros_initializer())
        loss = tf.square(w - 1.0, name="sq_loss")
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=tf.train.
                                          GradientDescentOptimizer(0.5).minimize(
                                              loss, global_step=tf.train.get_global_step()))
    hook = tf.train.LoggingTensorHook(tensors={"the_loss": "sq_loss:0"}, every_n_iter=2)
    est = tf.estimator.Estimator(model_fn, model_dir=str(tmp_path))
    with caplog.at_level(logging.INFO, logger="ndflow.estimator"):
        est.train(lambda: (tf.constant([0.0]), tf.constant([0.0])), steps=5,
                  hooks=[hook, tf.train.StopAtStepHook(last_step=4)])
    assert est.get_variable_value("global_step") == 4
    # runs 0 and 2 logged: (w - 1)^2 with w = 0, then 0 (one step of lr 0.5 reaches w = 1)
    np.testing.assert_allclose([v["the_loss"] for v in hook.logged], [1.0, 0.0], atol=1e-6)
    assert "the_loss = 1.0" in caplog.text
    with pytest.raises(ValueError, match="exactly one of every_n_iter"):
        tf.train.LoggingTensorHook({"a": "b"})


    class StopAfterThree(tf.train.SessionRunHook):
        def begin(self):
            self.calls, self.seen = ["begin"], []
            self.step = tf.train.get_global_step()

        def after_create_session(self, session, coord):
            self.calls.append("after_create_session")

        def before_run(self, run_context):
            return tf.train.SessionRunArgs(self.step)

        def after_run(self, run_context, run_values):
            self.seen.append(int(run_values.results))
            if len(self.seen) == 3:
                run_context.request_stop()

        def end(self, session):
            self.calls.append("end")
    # FeedFnHook feeds a placeholder the model_fn made; FinalOpsHook reads w at the end
    def fed_model_fn(features, labels, mode):
        w = tf.get_variable("w", [], initializer=tf.zeros_initializer())
        target = tf.placeholder_with_default(1.0, [], name="target")
        loss = tf.square(w - target)
        tf.add_to_collection("w_var", w)
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=tf.train.
                                          GradientDescentOptimizer(0.5).minimize(
                                              loss, global_step=tf.train.get_global_step()))

    class Final(tf.train.FinalOpsHook):
        def begin(self):
            self._ops = tf.get_collection("w_var")[0]
    final = Final(None)
    fed = tf.estimator.Estimator(fed_model_fn, model_dir=str(tmp_path / "fed"))
    fed.train(lambda: (tf.constant([0.0]), tf.constant([0.0])), steps=1,
              hooks=[tf.train.FeedFnHook(lambda: {"target:0": 3.0}), final])
    assert float(final.final_ops_values) == 3.0  # one step of lr 0.5 from 0 towards 3
    custom = StopAfterThree()
    est.train(lambda: (tf.constant([0.0]), tf.constant([0.0])), steps=10, hooks=[custom])
    assert custom.calls == ["begin", "after_create_session", "end"]
    assert len(custom.seen) == 3 and est.get_variable_value("global_step") == 7
    with pytest.raises(TypeError, match="All hooks must be SessionRunHook instances"):
        est.train(lambda: (tf.constant([0.0]), tf.constant([0.0])), steps=1, hooks=[print])


# --- feature columns -----------------------------------------------------------------------

def _run(tensors, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(tensors, feed)


def test_input_layer_columns_in_name_order():
    fc = tf.feature_column
    features = {"price": np.array([[1.0, 2.0], [3.0, 4.0]], np.float32),
                "age": np.array([20.0, 45.0], np.float32),
                "color": np.array([["red"], ["blue"]]),
                "size": np.array(["L", "XS"]),
                "id": np.array([[1], [3]], np.int64)}
    color = fc.categorical_column_with_vocabulary_list("color", ["green", "red"])  # blue: OOV
    size = fc.categorical_column_with_vocabulary_list("size", ["S", "M", "L"], num_oov_buckets=2)
    columns = [fc.numeric_column("price", shape=(2,), normalizer_fn=lambda t: t / 2.0),
               fc.bucketized_column(fc.numeric_column("age"), [18.0, 30.0, 40.0]),
               fc.indicator_column(color), fc.indicator_column(size),
               fc.indicator_column(fc.categorical_column_with_identity("id", 4))]
    with tf.Graph().as_default():
        cols_to_out = {}
        net = tf.feature_column.input_layer(features, columns,
                                            cols_to_output_tensors=cols_to_out)
        assert net.shape.as_list()[1] == 4 + 2 + 4 + 2 + 5
        out = _run(net)
        hashed = _run(tf.strings.to_hash_bucket_fast(["XS"], 2))[0]
    # sorted by name: age_bucketized, color_indicator, id_indicator, price, size_indicator
    want = np.zeros((2, 17), np.float32)
    want[0, 1] = want[1, 3] = 1.0                    # age 20 -> bucket 1, 45 -> bucket 3
    want[0, 4 + 1] = 1.0                             # red; blue is out of vocabulary: zeros
    want[0, 6 + 1] = want[1, 6 + 3] = 1.0            # identity ids 1 and 3
    want[:, 10:12] = [[0.5, 1.0], [1.5, 2.0]]        # normalized price
    want[0, 12 + 2] = 1.0                            # L
    want[1, 12 + 3 + hashed] = 1.0                   # XS hashed into an OOV bucket
    np.testing.assert_array_equal(out, want)
    assert cols_to_out[columns[0]].shape.as_list()[-1] == 2


def test_embedding_column_mean_and_linear_model():
    fc = tf.feature_column
    cat = fc.categorical_column_with_vocabulary_list("w", ["a", "b", "c"])
    table = np.arange(6, dtype=np.float32).reshape(3, 2)
    emb = fc.embedding_column(cat, 2, initializer=tf.constant_initializer(table))
    features = {"w": np.array([["a", "c"], ["b", ""], ["z", ""]]),
                "x": np.array([[1.0], [2.0], [3.0]], np.float32)}
    with tf.Graph().as_default():
        out = tf.feature_column.input_layer(features, [emb])
        assert [v.name for v in tf.global_variables()] == \
            ["input_layer/w_embedding/embedding_weights:0"]
        got = _run(out)
    np.testing.assert_allclose(got, [(table[0] + table[2]) / 2, table[1], [0.0, 0.0]])
    with tf.Graph().as_default():
        cols_to_vars = {}
        pred = tf.feature_column.linear_model(features, [fc.numeric_column("x"), cat], units=1,
                                              cols_to_vars=cols_to_vars)
        names = sorted(v.name for v in tf.global_variables())
        assert names == ["linear_model/bias_weights:0", "linear_model/w/weights:0",
                         "linear_model/x/weights:0"]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(cols_to_vars[cat][0].assign([[1.0], [10.0], [100.0]]))
            sess.run(cols_to_vars["bias"][0].assign([0.5]))
            got = sess.run(pred)
    np.testing.assert_allclose(got, [[101.5], [10.5], [0.5]])


def test_vocabulary_file_column(tmp_path):
    vocab = tmp_path / "colors.txt"
    vocab.write_text("green\nred\nblue\n")
    fc = tf.feature_column
    col = fc.categorical_column_with_vocabulary_file("c", str(vocab))
    two = fc.categorical_column_with_vocabulary_file("c", str(vocab), vocabulary_size=2,
                                                     num_oov_buckets=1)
    assert (col.num_buckets, two.num_buckets) == (3, 3)
    features = {"c": np.array(["blue", "red", "pink"])}
    with tf.Graph().as_default():
        got = _run(tf.feature_column.input_layer(features, [fc.indicator_column(col)]))
        got2 = _run(tf.feature_column.input_layer(features, [fc.indicator_column(two)]))
    np.testing.assert_array_equal(got, [[0, 0, 1], [0, 1, 0], [0, 0, 0]])
    np.testing.assert_array_equal(got2, [[0, 0, 1], [0, 1, 0], [0, 0, 1]])  # OOV bucket 2
    with pytest.raises(ValueError, match="cannot be read"):
        fc.categorical_column_with_vocabulary_file("c", str(tmp_path / "missing.txt"))


def test_feature_column_errors():
    fc = tf.feature_column
    cat = fc.categorical_column_with_vocabulary_list("c", ["a"])
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="must be a _DenseColumn"):
            tf.feature_column.input_layer({"c": np.array(["a"])}, [cat])
        with pytest.raises(ValueError, match="feature_columns must not be empty"):
            tf.feature_column.input_layer({"c": np.array(["a"])}, [])
        with pytest.raises(ValueError, match="Feature missing is not in features dictionary"):
            tf.feature_column.input_layer({"c": np.array([1.0])}, [fc.numeric_column("missing")])
    with tf.Graph().as_default():
        sparse = tf.SparseTensor([[0, 0]], ["a"], [1, 1])
        with pytest.raises(ValueError, match="Feature c is a SparseTensor"):
            tf.feature_column.input_layer({"c": sparse}, [tf.feature_column.indicator_column(cat)])
    with pytest.raises(ValueError, match="Duplicate keys"):
        fc.categorical_column_with_vocabulary_list("c", ["a", "a"])
    with pytest.raises(ValueError, match="boundaries must be a sorted list"):
        fc.bucketized_column(fc.numeric_column("x"), [3.0, 1.0])
    with pytest.raises(ValueError, match="must be a categorical column"):
        fc.indicator_column(fc.numeric_column("x"))
    assert not hasattr(ndflow.feature_column, "input_layer")  # TF2 has no input_layer


# --- canned estimators -----------------------------------------------------------------------

def _iris_like(n=150, seed=0):
    rng = np.random.RandomState(seed)
    centers = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]])
    y = rng.randint(0, 3, n)
    x = centers[y] + rng.randn(n, 4) * 0.3
    names = ["SepalLength", "SepalWidth", "PetalLength", "PetalWidth"]
    return {k: x[:, i].astype(np.float32) for i, k in enumerate(names)}, y.astype(np.int64)


def test_dnn_classifier_iris_tutorial(tmp_path):
    x, y = _iris_like()
    columns = [tf.feature_column.numeric_column(k) for k in x]
    clf = tf.estimator.DNNClassifier(feature_columns=columns, hidden_units=[10, 10],
                                     n_classes=3, model_dir=str(tmp_path),
                                     config=tf.estimator.RunConfig(tf_random_seed=1))
    clf.train(tf.estimator.inputs.numpy_input_fn(x, y, batch_size=32, num_epochs=None,
                                                 shuffle=True), steps=200)
    result = clf.evaluate(tf.estimator.inputs.numpy_input_fn(x, y, batch_size=150,
                                                             shuffle=False))
    assert set(result) == {"accuracy", "average_loss", "loss", "global_step"}
    assert result["accuracy"] > 0.9
    np.testing.assert_allclose(result["loss"], result["average_loss"] * 150, rtol=1e-4)  # TF1 SUM
    pred = next(clf.predict(tf.estimator.inputs.numpy_input_fn(x, shuffle=False)))
    assert set(pred) == {"logits", "probabilities", "class_ids", "classes", "all_class_ids",
                         "all_classes"}
    assert pred["class_ids"].dtype == np.int64 and pred["class_ids"].shape == (1,)
    assert pred["classes"][0] == str(pred["class_ids"][0]).encode()
    assert list(pred["all_classes"]) == [b"0", b"1", b"2"]
    assert "dnn/hiddenlayer_1/kernel" in clf.get_variable_names()
    assert "dnn/logits/kernel/Adagrad" in clf.get_variable_names()


def test_premade_estimator_tutorial_with_dataset_input_fns(tmp_path):
    """TF 1.x's premade_estimator.py: tf.data input functions of (dict(features), labels)."""
    x, y = _iris_like(seed=1)

    def train_input_fn(features, labels, batch_size):
        dataset = tf.data.Dataset.from_tensor_slices((dict(features), labels))
        return dataset.shuffle(1000).repeat().batch(batch_size)

    def eval_input_fn(features, labels, batch_size):
        inputs = dict(features) if labels is None else (dict(features), labels)
        return tf.data.Dataset.from_tensor_slices(inputs).batch(batch_size)

    my_feature_columns = [tf.feature_column.numeric_column(key=key) for key in x.keys()]
    classifier = tf.estimator.DNNClassifier(feature_columns=my_feature_columns,
                                            hidden_units=[10, 10], n_classes=3,
                                            model_dir=str(tmp_path),
                                            config=tf.estimator.RunConfig(tf_random_seed=4))
    classifier.train(input_fn=lambda: train_input_fn(x, y, 32), steps=150)
    eval_result = classifier.evaluate(input_fn=lambda: eval_input_fn(x, y, 50))
    assert eval_result["accuracy"] > 0.8
    predict_x = {k: v[:3] for k, v in x.items()}
    predictions = classifier.predict(input_fn=lambda: eval_input_fn(predict_x, None, 50))
    got = []
    for pred_dict in predictions:
        class_id = pred_dict["class_ids"][0]
        got.append((class_id, pred_dict["probabilities"][class_id]))
    assert len(got) == 3 and all(p >= 1 / 3 for _, p in got)
    # with tf_random_seed the unseeded dataset shuffle is reproducible too, as in TF1
    again = tf.estimator.DNNClassifier(feature_columns=my_feature_columns,
                                       hidden_units=[10, 10], n_classes=3,
                                       model_dir=str(tmp_path / "again"),
                                       config=tf.estimator.RunConfig(tf_random_seed=4))
    again.train(input_fn=lambda: train_input_fn(x, y, 32), steps=150)
    np.testing.assert_array_equal(again.get_variable_value("dnn/logits/kernel"),
                                  classifier.get_variable_value("dnn/logits/kernel"))


def test_binary_classifier_metrics_and_label_vocabulary(tmp_path):
    rng = np.random.RandomState(0)
    x = rng.randn(200, 2).astype(np.float32)
    labels = np.where(x[:, 0] + x[:, 1] > 0, "yes", "no")
    clf = tf.estimator.LinearClassifier([tf.feature_column.numeric_column("x", shape=(2,))],
                                        label_vocabulary=["no", "yes"], model_dir=str(tmp_path))
    clf.train(tf.estimator.inputs.numpy_input_fn({"x": x}, labels, batch_size=50,
                                                 num_epochs=None, shuffle=True), steps=60)
    result = clf.evaluate(tf.estimator.inputs.numpy_input_fn({"x": x}, labels, shuffle=False))
    assert set(result) == {"accuracy", "accuracy_baseline", "auc", "auc_precision_recall",
                           "average_loss", "label/mean", "loss", "precision",
                           "prediction/mean", "recall", "global_step"}
    assert result["accuracy"] > 0.95 and result["auc"] > 0.98
    np.testing.assert_allclose(result["label/mean"], np.mean(labels == "yes"), rtol=1e-6)
    np.testing.assert_allclose(result["accuracy_baseline"],
                               max(np.mean(labels == "yes"), np.mean(labels == "no")), rtol=1e-6)
    preds = list(clf.predict(tf.estimator.inputs.numpy_input_fn({"x": x[:4]}, shuffle=False)))
    for p, xi in zip(preds, x[:4]):
        assert p["classes"][0] == (b"yes" if p["logistic"][0] > 0.5 else b"no")
        np.testing.assert_allclose(p["probabilities"], [1 - p["logistic"][0],
                                                        p["logistic"][0]], atol=1e-6)


def test_linear_regressor_one_sgd_step_is_tf1s_summed_loss(tmp_path):
    x = np.array([1.0, 2.0, 3.0, 4.0], np.float32)
    y = np.array([2.0, 4.0, 7.0, 8.0], np.float32)
    lr = 0.01

    def one_step(cls, d):
        est = cls([tf.feature_column.numeric_column("x")], model_dir=str(d),
                  optimizer=tf.train.GradientDescentOptimizer(lr))
        est.train(tf.estimator.inputs.numpy_input_fn({"x": x}, y, batch_size=4,
                                                     shuffle=False), steps=1)
        return est.get_variable_value("linear/linear_model/x/weights")[0, 0]
    # w starts at 0: the gradient of sum((w x + b - y)^2) is -2 sum(x y); of the mean, / 4
    np.testing.assert_allclose(one_step(tf.estimator.LinearRegressor, tmp_path / "v1"),
                               lr * 2 * np.sum(x * y), rtol=1e-5)
    np.testing.assert_allclose(one_step(ndflow.estimator.LinearRegressor, tmp_path / "v2"),
                               lr * 2 * np.sum(x * y) / 4, rtol=1e-5)


def test_dnn_regressor_with_embedding_and_weights_and_train_and_evaluate(tmp_path):
    rng = np.random.RandomState(1)
    n = 200
    kind = rng.randint(0, 3, n)
    area = rng.rand(n).astype(np.float32)
    price = (area * 3.0 + np.array([0.0, 1.0, 2.0])[kind]).astype(np.float32)
    x = {"area": area, "kind": np.array(["flat", "house", "villa"])[kind],
         "w": np.ones(n, np.float32)}
    columns = [tf.feature_column.numeric_column("area"),
               tf.feature_column.embedding_column(
                   tf.feature_column.categorical_column_with_vocabulary_list(
                       "kind", ["flat", "house", "villa"]), 3)]
    est = ndflow.estimator.DNNRegressor([16], columns, model_dir=str(tmp_path),
                                        weight_column="w", optimizer="Adam",
                                        config=tf.estimator.RunConfig(tf_random_seed=2,
                                                                      save_checkpoints_steps=100))
    train_spec = tf.estimator.TrainSpec(
        tf.estimator.inputs.numpy_input_fn(x, price, batch_size=40, num_epochs=None,
                                           shuffle=True), max_steps=300)
    eval_spec = tf.estimator.EvalSpec(
        tf.estimator.inputs.numpy_input_fn(x, price, batch_size=n, shuffle=False), steps=None,
        throttle_secs=0)
    metrics, exports = tf.estimator.train_and_evaluate(est, train_spec, eval_spec)
    assert exports == [] and metrics["global_step"] == 300
    assert set(metrics) == {"average_loss", "label/mean", "prediction/mean", "loss",
                            "global_step"}
    assert metrics["average_loss"] < 0.1
    assert os.path.isdir(tmp_path / "eval")
    # TF2's DNNRegressor averages: the eval loss is the mean of the batch means
    np.testing.assert_allclose(metrics["loss"], metrics["average_loss"], rtol=1e-4)
    with pytest.raises(ValueError, match="Must specify max_steps > 0"):
        tf.estimator.TrainSpec(lambda: None, max_steps=0)
    with pytest.raises(TypeError, match="must have type `tf.estimator.EvalSpec`"):
        tf.estimator.train_and_evaluate(est, train_spec, None)


def test_baseline_estimators_learn_the_prior_and_the_mean(tmp_path):
    x = {"f": np.zeros(40, np.float32)}
    y = np.array([0] * 10 + [1] * 30, np.int64)
    clf = tf.estimator.BaselineClassifier(model_dir=str(tmp_path / "c"),
                                          optimizer=tf.train.GradientDescentOptimizer(0.05))
    clf.train(tf.estimator.inputs.numpy_input_fn(x, y, batch_size=40, num_epochs=None,
                                                 shuffle=False), steps=100)
    pred = next(clf.predict(tf.estimator.inputs.numpy_input_fn(x, shuffle=False)))
    np.testing.assert_allclose(pred["probabilities"], [0.25, 0.75], atol=0.01)
    assert clf.get_variable_names()[0] == "baseline/bias"
    reg = ndflow.estimator.BaselineRegressor(model_dir=str(tmp_path / "r"), optimizer="SGD")
    reg.train(tf.estimator.inputs.numpy_input_fn(x, np.linspace(0, 2, 40), batch_size=40,
                                                 num_epochs=None, shuffle=False), steps=100)
    got = next(reg.predict(tf.estimator.inputs.numpy_input_fn(x, shuffle=False)))
    np.testing.assert_allclose(got["predictions"], [1.0], atol=0.01)


def test_canned_argument_errors(tmp_path):
    cols = [tf.feature_column.numeric_column("x")]
    with pytest.raises(ValueError, match="n_classes must be > 1"):
        tf.estimator.DNNClassifier([4], cols, n_classes=1, model_dir=str(tmp_path))
    with pytest.raises(ValueError, match="hidden_units"):
        tf.estimator.DNNClassifier([], cols, model_dir=str(tmp_path))
    est = tf.estimator.DNNClassifier([4], cols, optimizer="Nope", model_dir=str(tmp_path))
    with pytest.raises(ValueError, match="Unsupported optimizer name: Nope"):
        est.train(tf.estimator.inputs.numpy_input_fn({"x": np.ones(4, np.float32)},
                                                     np.zeros(4, np.int64), shuffle=False))


def test_feature_columns_match_tensorflow():
    """input_layer and linear_model on numeric, bucketized, vocabulary (with OOV buckets),
    hash-bucket, identity, crossed and embedding columns: the same numbers as TF 2.21's
    tf.compat.v1.feature_column (tools/make_tf1_rest_reference.py), hashes included."""
    import json

    from . import feature_column_cases as cases
    with open(os.path.join(os.path.dirname(__file__), "fixtures",
                           "tf1_rest_reference.json")) as f:
        ref = json.load(f)["feature_columns"]
    assert ref["features"] == cases.FEATURES
    dense, linear = cases.columns(tf.feature_column, tf.constant_initializer)
    with tf.Graph().as_default():
        feats = {k: tf.constant(np.array(v)) for k, v in ref["features"].items()}
        net = tf.feature_column.input_layer(feats, dense)
        lin = tf.feature_column.linear_model(feats, linear, units=2)
        assert sorted(v.name for v in tf.global_variables()) == ref["variable_names"]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for v in tf.global_variables():
                if v.name.startswith("linear_model"):
                    sess.run(v.assign(cases.linear_weights(v.name, v.shape.as_list())))
            out, lin_out = sess.run([net, lin])
    np.testing.assert_allclose(out, ref["input_layer"], rtol=1e-6)
    np.testing.assert_allclose(lin_out, ref["linear_model"], rtol=1e-6)


def test_wide_and_deep_census_style(tmp_path):
    fc = tf.feature_column
    rng = np.random.RandomState(0)
    n = 200
    edu = np.array(["Bachelors", "HS-grad", "Masters", "Doctorate"])[rng.randint(0, 4, n)]
    occ = np.array(["Tech", "Sales", "Craft"])[rng.randint(0, 3, n)]
    age = rng.randint(18, 70, n).astype(np.float32)
    y = ((age > 40) & (edu != "HS-grad")).astype(np.int64)
    age_b = fc.bucketized_column(fc.numeric_column("age"), [25, 30, 35, 40, 45, 50, 55, 60, 65])
    edu_c = fc.categorical_column_with_vocabulary_list(
        "education", ["Bachelors", "HS-grad", "Masters", "Doctorate"])
    occ_c = fc.categorical_column_with_hash_bucket("occupation", 100)
    wide = [edu_c, occ_c, age_b, fc.crossed_column(["education", "occupation"], 1000),
            fc.crossed_column([age_b, "education", "occupation"], 1000)]
    deep = [fc.numeric_column("age"), fc.indicator_column(edu_c), fc.embedding_column(occ_c, 8)]
    model = tf.estimator.DNNLinearCombinedClassifier(
        model_dir=str(tmp_path), linear_feature_columns=wide, dnn_feature_columns=deep,
        dnn_hidden_units=[20, 10], config=tf.estimator.RunConfig(tf_random_seed=1))
    feats = {"age": age, "education": edu, "occupation": occ}
    model.train(tf.estimator.inputs.numpy_input_fn(feats, y, batch_size=40, num_epochs=None,
                                                   shuffle=True), steps=80)
    result = model.evaluate(tf.estimator.inputs.numpy_input_fn(feats, y, shuffle=False))
    assert result["accuracy"] > 0.9 and result["global_step"] == 80
    names = model.get_variable_names()
    assert "linear/linear_model/age_bucketized_X_education_X_occupation/weights" in names
    assert "linear/linear_model/education/weights/Ftrl" in names
    assert "dnn/logits/kernel/Adagrad" in names
    with pytest.raises(ValueError, match="Either linear_feature_columns or dnn_feature_columns"):
        tf.estimator.DNNLinearCombinedClassifier(model_dir=str(tmp_path))


def test_model_fn_with_keras_layers_restores_across_graphs(tmp_path):
    """A TF2-style model_fn building Keras layers: every graph names them afresh (as TF1
    counts Keras names per graph), so eval and predict restore what train saved."""
    def model_fn(features, labels, mode):
        logits = ndflow.keras.layers.Dense(2)(features["x"])
        if mode == tf.estimator.ModeKeys.PREDICT:
            return tf.estimator.EstimatorSpec(mode, predictions=tf.argmax(logits, 1))
        loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
        op = tf.train.GradientDescentOptimizer(0.5).minimize(
            loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=op)
    rng = np.random.RandomState(0)
    x = rng.rand(64, 3).astype(np.float32)
    y = (x[:, 0] > 0.5).astype(np.int64)
    outside = ndflow.keras.layers.Dense(3).name
    est = ndflow.estimator.Estimator(model_fn, model_dir=str(tmp_path))
    est.train(tf.estimator.inputs.numpy_input_fn({"x": x}, y, batch_size=16, num_epochs=None,
                                                 shuffle=True), steps=30)
    assert est.get_variable_names() == ["dense/bias", "dense/kernel", "global_step"]
    assert est.evaluate(tf.estimator.inputs.numpy_input_fn({"x": x}, y, shuffle=False))[
        "global_step"] == 30
    assert len(list(est.predict(tf.estimator.inputs.numpy_input_fn({"x": x[:5]},
                                                                   shuffle=False)))) == 5
    # the counters outside the Estimator's graphs are as they were
    assert ndflow.keras.layers.Dense(3).name != outside


def test_monitored_training_session_cifar10_train_style(tmp_path):
    """TF 1.x's cifar10_train.py loop: MonitoredTrainingSession with StopAtStepHook,
    NanTensorHook and a custom logger hook; a second session resumes from the checkpoint."""
    def build():
        global_step = tf.train.get_or_create_global_step()
        x = tf.data.Dataset.from_tensor_slices(np.arange(40, dtype=np.float32)).batch(4)
        batch = tf.data.make_one_shot_iterator(x).get_next()
        w = tf.get_variable("w", [], initializer=tf.zeros_initializer())
        loss = tf.reduce_mean(tf.square(w * batch - 2.0 * batch))
        tf.summary.scalar("loss", loss)
        train_op = tf.train.GradientDescentOptimizer(0.001).minimize(loss, global_step)
        return loss, train_op, w

    class LoggerHook(tf.train.SessionRunHook):
        def begin(self):
            self.values = []

        def before_run(self, run_context):
            return tf.train.SessionRunArgs(loss)

        def after_run(self, run_context, run_values):
            self.values.append(float(run_values.results))

    ckpt = str(tmp_path / "train")
    with tf.Graph().as_default():
        loss, train_op, w = build()
        logger = LoggerHook()
        with tf.train.MonitoredTrainingSession(
                checkpoint_dir=ckpt, save_checkpoint_steps=4, save_summaries_steps=2,
                hooks=[tf.train.StopAtStepHook(last_step=6), tf.train.NanTensorHook(loss),
                       logger]) as mon_sess:
            while not mon_sess.should_stop():
                mon_sess.run(train_op)
    assert len(logger.values) == 6 and logger.values[0] == 14.0  # mean((0 - 2x)^2), x=0..3
    assert _steps_of_checkpoints(ckpt) == [0, 4, 6]
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    acc = EventAccumulator(ckpt)
    acc.Reload()
    assert [e.step for e in acc.Scalars("loss")] == [0, 2, 4]
    with tf.Graph().as_default():  # resumes at step 6; the data (10 batches) runs out at 10
        loss, train_op, w = build()
        with tf.train.MonitoredTrainingSession(checkpoint_dir=ckpt) as mon_sess:
            steps = 0
            while not mon_sess.should_stop():
                mon_sess.run(train_op)
                steps += 1
    assert steps == 10 and _steps_of_checkpoints(ckpt)[-1] == 16
    with tf.Graph().as_default():
        loss, train_op, w = build()
        with tf.train.SingularMonitoredSession(checkpoint_dir=ckpt) as sess:
            assert int(sess.raw_session().run(tf.train.get_global_step())) == 16
            assert sess.run(w) > 0.0
