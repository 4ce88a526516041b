"""keras.mixed_precision: policies, layers computing in float16 with float32 variables,
LossScaleOptimizer, fit under "mixed_float16" (values against Keras 3 are in
test_keras2_reference.py)."""
import numpy as np
import pytest

import ndflow as tf
from ndflow import keras
from ndflow.keras import mixed_precision as mp


@pytest.fixture
def mixed():
    mp.set_global_policy("mixed_float16")
    yield
    mp.set_global_policy(None)


def test_policy_names_and_errors():
    p = mp.Policy("mixed_float16")
    assert (p.name, p.compute_dtype, p.variable_dtype) == ("mixed_float16", "float16", "float32")
    assert repr(p) == '<DTypePolicy "mixed_float16">'
    assert mp.Policy("float64").compute_dtype == "float64"
    assert mp.get({"class_name": "DTypePolicy", "config": {"name": "float16"}}).name == "float16"
    with pytest.raises(ValueError, match="Cannot convert 'float17'"):
        mp.Policy("float17")
    with pytest.raises(TypeError, match="must be a string"):
        mp.Policy(3)
    with pytest.raises(ValueError, match="Invalid `policy`"):
        mp.set_global_policy(3)
    assert mp.global_policy().name == "float32"
    with pytest.raises(ValueError, match="no bfloat16"):
        keras.layers.Dense(2, dtype="mixed_bfloat16")


def test_mixed_layer_computes_in_float16_with_float32_variables(mixed):
    dense = keras.layers.Dense(3)
    assert (dense.dtype, dense.compute_dtype, dense.variable_dtype) == \
        ("float32", "float16", "float32")
    assert dense.dtype_policy == mp.Policy("mixed_float16")
    x = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
    y = dense(x)
    assert y.dtype == tf.float16
    assert dense.kernel.dtype == tf.float32 and dense.kernel.numpy().dtype == np.float32
    want = (x.astype(np.float16) @ dense.kernel.numpy().astype(np.float16)
            + dense.bias.numpy().astype(np.float16))
    np.testing.assert_allclose(y.numpy(), want, rtol=1e-3)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.cast(dense(x), tf.float32))
    grads = tape.gradient(loss, dense.trainable_variables)
    assert [g.dtype for g in grads] == [tf.float32, tf.float32]
    np.testing.assert_allclose(grads[0].numpy(), np.tile(x.sum(0)[:, None], (1, 3)), rtol=2e-3)
    last = keras.layers.Activation("softmax", dtype="float32")
    assert last(y).dtype == tf.float32 and last.compute_dtype == "float32"


def test_mixed_config_round_trip_and_symbolic_dtypes(mixed, tmp_path):
    config = keras.layers.Dense(2).get_config()
    assert config["dtype"]["config"] == {"name": "mixed_float16"}
    assert keras.layers.Dense.from_config(config).compute_dtype == "float16"
    inp = keras.Input((4,))
    hidden = keras.layers.Dense(8, activation="relu")(inp)
    out = keras.layers.Activation("softmax", dtype="float32")(keras.layers.Dense(3)(hidden))
    assert (inp.dtype, hidden.dtype, out.dtype) == (tf.float32, tf.float16, tf.float32)
    model = keras.Model(inp, out)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert [l.compute_dtype for l in loaded.layers[1:]] == ["float16", "float16", "float32"]
    x = np.ones((2, 4), np.float32)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def _apply(opt, var, grads):
    for g in grads:
        opt.apply([tf.constant(np.array(g, np.float32))], [var])
        yield float(opt.dynamic_scale.numpy()), int(opt.step_counter.numpy()), \
            int(opt.iterations.numpy()), var.numpy().copy()


@pytest.mark.parametrize("compiled", [False, True])
def test_loss_scale_optimizer_skips_nonfinite_and_grows(compiled):
    var = tf.Variable([1.0, -2.0])
    opt = mp.LossScaleOptimizer(keras.optimizers.SGD(0.5), initial_scale=8.0,
                                dynamic_growth_steps=2)
    assert float(opt.scale_loss(tf.constant(1.0))) == 8.0
    if compiled:
        step = tf.function(lambda g: opt.apply([g], [var]))
        opt.build([var])
        apply = lambda g: step(tf.constant(np.array(g, np.float32)))  # noqa: E731
    else:
        apply = lambda g: opt.apply([tf.constant(np.array(g, np.float32))], [var])  # noqa
    trace = []
    for g in ([8.0, 16.0], [np.inf, 1.0], [4.0, 4.0], [2.0, 2.0]):
        apply(g)
        trace.append((float(opt.dynamic_scale.numpy()), int(opt.step_counter.numpy()),
                      int(opt.iterations.numpy()), var.numpy().tolist()))
    # step 1: unscaled grad (1, 2) -> var (0.5, -3); step 2: inf -> skipped, scale halves;
    # step 3: scale 4, grad (1, 1) -> counter 1 -> step 4 reaches growth: scale doubles
    assert trace == [(8.0, 1, 1, [0.5, -3.0]), (4.0, 0, 1, [0.5, -3.0]),
                     (4.0, 1, 2, [0.0, -3.5]), (8.0, 0, 3, [-0.25, -3.75])]
    assert opt.learning_rate.numpy() == np.float32(0.5)
    assert len(opt.variables) == 4 + len(opt.inner_optimizer.variables)


def test_loss_scale_optimizer_arguments_and_config():
    with pytest.raises(ValueError, match="dynamic=False"):
        mp.LossScaleOptimizer(keras.optimizers.SGD(), dynamic=False)
    with pytest.raises(ValueError, match="does not support `clipnorm`"):
        mp.LossScaleOptimizer(keras.optimizers.SGD(), clipnorm=1.0)
    with pytest.raises(TypeError, match="inner_optimizer"):
        mp.LossScaleOptimizer("sgd")
    opt = mp.LossScaleOptimizer(keras.optimizers.Adam(0.01), initial_scale=4.0)
    again = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(opt))
    assert isinstance(again, mp.LossScaleOptimizer)
    assert (again.initial_scale, again.dynamic_growth_steps) == (4.0, 2000)
    assert isinstance(again.inner_optimizer, keras.optimizers.Adam)
    assert keras.optimizers.LossScaleOptimizer is mp.LossScaleOptimizer


def test_fit_under_mixed_float16_trains_mnist_like_data(mixed):
    (x, y), _ = keras.datasets.mnist.load_embedded()
    x = (x[:768].reshape(-1, 784) / 255.0).astype("float32")
    y = y[:768].astype("int64")
    keras.utils.set_random_seed(0)
    inp = keras.Input((784,))
    hidden = keras.layers.Dense(64, activation="relu")(inp)
    out = keras.layers.Activation("softmax", dtype="float32")(keras.layers.Dense(10)(hidden))
    model = keras.Model(inp, out)
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    assert isinstance(model.optimizer, mp.LossScaleOptimizer)
    history = model.fit(x, y, batch_size=64, epochs=3, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.7 * losses[0]
    assert history.history["accuracy"][-1] > 0.7
    assert all(v.dtype == tf.float32 for v in model.weights)
    assert hidden.dtype == tf.float16
    assert int(model.optimizer.iterations.numpy()) == 36
    assert float(model.optimizer.dynamic_scale.numpy()) == 2.0 ** 15
    plain = keras.Model(inp, out)
    plain.compile("sgd", "mse", auto_scale_loss=False)
    assert isinstance(plain.optimizer, keras.optimizers.SGD)
