"""Sequential, Functional and subclassed models: structure, calls, summary, config."""
import json

import numpy as np
import pytest

import ndflow as tf
from ndflow import keras
from ndflow.keras import layers




def seed001_sequential():
    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Input(shape=(28, 28)))
    model.add(tf.keras.layers.Flatten())
    model.add(tf.keras.layers.Dense(300, activation="relu"))
    model.add(tf.keras.layers.Dense(100, activation="relu"))
    model.add(tf.keras.layers.Dense(10, activation="softmax"))
    return model


class WideAndDeepModel(tf.keras.Model):  # seed 001, as the book writes it
    def __init__(self, units=30, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.norm_layer_wide = tf.keras.layers.Normalization()
        self.norm_layer_deep = tf.keras.layers.Normalization()
        self.hidden1 = tf.keras.layers.Dense(units, activation=activation)
        self.hidden2 = tf.keras.layers.Dense(units, activation=activation)
        self.main_output = tf.keras.layers.Dense(1)
        self.aux_output = tf.keras.layers.Dense(1)

    def call(self, inputs):
        input_wide, input_deep = inputs
        norm_wide = self.norm_layer_wide(input_wide)
        norm_deep = self.norm_layer_deep(input_deep)
        hidden1 = self.hidden1(norm_deep)
        hidden2 = self.hidden2(hidden1)
        concat = tf.keras.layers.concatenate([norm_wide, hidden2])
        output = self.main_output(concat)
        aux_output = self.aux_output(hidden2)
        return output, aux_output


def test_seed001_sequential_structure_and_summary():
    model = seed001_sequential()
    assert model.built
    assert [type(layer).__name__ for layer in model.layers] == ["Flatten", "Dense", "Dense",
                                                                "Dense"]
    assert model.count_params() == 784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10
    assert model.output_shape == (None, 10)
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert 'Sequential: "sequential' in text
    assert "Layer (type)" in text and "Output Shape" in text and "Param #" in text
    assert "dense (Dense)" in text and "(None, 300)" in text and "235,500" in text
    assert "Total params: 266,610" in text and "Trainable params: 266,610" in text
    assert "Non-trainable params: 0" in text
    out = model.predict(np.random.rand(5, 28, 28), verbose=0)
    assert out.shape == (5, 10) and out.dtype == np.float32
    np.testing.assert_allclose(out.sum(1), 1, rtol=1e-5)


def test_sequential_list_constructor_builds_on_first_call_and_pop():
    model = keras.Sequential([layers.Dense(4, activation="relu"), layers.Dense(2)])
    assert not model.built
    y = model(np.ones((3, 5), "float32"))
    assert y.shape.as_list() == [3, 2]
    assert model.built and model.output_shape == (None, 2)
    assert len(model.weights) == 4
    popped = model.pop()
    assert popped.units == 2 and len(model.layers) == 1
    with pytest.raises(TypeError, match="keras.Layer"):
        model.add("dense")
    with pytest.raises(ValueError, match="unique names"):
        model.add(layers.Dense(1, name=model.layers[0].name))


def test_functional_seed001_with_normalization():
    rng = np.random.default_rng(0)
    X_train = rng.normal(3, 2, size=(64, 8)).astype("float32")
    normalization_layer = tf.keras.layers.Normalization()
    hidden_layer1 = tf.keras.layers.Dense(30, activation="relu")
    hidden_layer2 = tf.keras.layers.Dense(30, activation="relu")
    concat_layer = tf.keras.layers.Concatenate()
    output_layer = tf.keras.layers.Dense(1)
    input_ = tf.keras.layers.Input(shape=X_train.shape[1:])
    normalized = normalization_layer(input_)
    hidden1 = hidden_layer1(normalized)
    hidden2 = hidden_layer2(hidden1)
    concat = concat_layer([normalized, hidden2])
    output = output_layer(concat)
    model = tf.keras.Model(inputs=[input_], outputs=[output])
    normalization_layer.adapt(X_train)
    assert [layer.name for layer in model.layers][0].startswith("input_layer")
    assert len(model.layers) == 6
    assert model.output_shape == (None, 1)
    out = model.predict(X_train, verbose=0)
    assert out.shape == (64, 1)
    # the same computation by hand
    norm = (X_train - X_train.mean(0)) / X_train.std(0)
    h1 = np.maximum(norm @ hidden_layer1.kernel.numpy() + hidden_layer1.bias.numpy(), 0)
    h2 = np.maximum(h1 @ hidden_layer2.kernel.numpy() + hidden_layer2.bias.numpy(), 0)
    ref = np.concatenate([norm, h2], 1) @ output_layer.kernel.numpy() + output_layer.bias.numpy()
    np.testing.assert_allclose(out, ref, rtol=1e-3, atol=1e-4)
    assert model.get_layer(index=1) is normalization_layer
    assert model.get_layer(name=output_layer.name) is output_layer
    with pytest.raises(ValueError, match="No such layer"):
        model.get_layer("nope")


def test_functional_multi_io_dict_shared_and_nested():
    a = keras.Input((4,), name="a")
    b = keras.Input((4,), name="b")
    shared = layers.Dense(3, name="shared")
    merged = layers.add([shared(a), shared(b)])
    out1 = layers.Dense(1, name="out1")(merged)
    out2 = layers.Dense(2, name="out2")(merged)
    inner = keras.Model(inputs={"a": a, "b": b}, outputs={"out1": out1, "out2": out2})
    assert len(inner.weights) == 6  # the shared layer counts once
    xa, xb = np.ones((2, 4), "float32"), np.full((2, 4), 2.0, "float32")
    res = inner({"a": xa, "b": xb})
    assert set(res) == {"out1", "out2"} and res["out2"].shape.as_list() == [2, 2]
    # a model used as a layer inside another functional model
    x1, x2 = keras.Input((4,)), keras.Input((4,))
    nested = inner({"a": x1, "b": x2})
    final = layers.Dense(1)(layers.concatenate([nested["out1"], nested["out2"]]))
    outer = keras.Model([x1, x2], final)
    assert outer.output_shape == (None, 1)
    assert outer.predict([xa, xb], verbose=0).shape == (2, 1)
    assert inner in outer.layers
    # graph errors are explicit
    with pytest.raises(ValueError, match="Graph disconnected"):
        keras.Model(inputs=a, outputs=out1)
    with pytest.raises(ValueError, match="KerasTensor"):
        keras.Model(inputs=np.ones(3), outputs=out1)


def test_keras_tensor_arithmetic_and_input_checks():
    x = keras.Input((3,))
    y = layers.Dense(3)(x)
    model = keras.Model(x, (x + y) * 2.0)
    data = np.ones((2, 3), "float32")
    dense = model.layers[1]
    expected = (data + data @ dense.kernel.numpy() + dense.bias.numpy()) * 2
    np.testing.assert_allclose(model(data).numpy(), expected, rtol=1e-5)
    with pytest.raises(ValueError, match="incompatible"):
        model(np.ones((2, 4), "float32"))
    with pytest.raises(TypeError, match="symbolic"):
        x.numpy()


def test_wide_and_deep_subclassed_model():
    model = WideAndDeepModel(30, activation="relu", name="my_cool_model")
    assert model.name == "my_cool_model"
    rng = np.random.default_rng(0)
    x_wide = rng.standard_normal((16, 5)).astype("float32")
    x_deep = rng.standard_normal((16, 6)).astype("float32")
    model.norm_layer_wide.adapt(x_wide)
    model.norm_layer_deep.adapt(x_deep)
    main, aux = model((x_wide, x_deep))
    assert main.shape.as_list() == [16, 1] and aux.shape.as_list() == [16, 1]
    assert [layer.name for layer in model.layers][:2] == [model.norm_layer_wide.name,
                                                          model.norm_layer_deep.name]
    assert len(model.layers) == 6
    # 2x(mean, variance, count: Keras 3's Normalization) + hidden1, hidden2, main (on 5 + 30),
    # aux
    assert len(model.trainable_weights) == 8 and len(model.non_trainable_weights) == 6
    assert model.count_params() == (2 * 5 + 1 + 2 * 6 + 1) + (6 * 30 + 30) + (30 * 30 + 30) + \
        (35 + 1) + (30 + 1)
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    # Keras names a subclassed model's layers after their classes, not the attributes
    assert all(f"{layer.name} ({type(layer).__name__})" in text for layer in model.layers)
    assert "hidden" not in text
    assert any("Total params" in line for line in lines)


def test_subclassed_model_build_with_shape():
    class TwoLayers(keras.Model):
        def __init__(self):
            super().__init__()
            self.d1 = layers.Dense(4)
            self.d2 = layers.Dense(1)

        def call(self, x):
            return self.d2(self.d1(x))

    model = TwoLayers()
    model.build((None, 3))
    assert model.built and model.count_params() == 3 * 4 + 4 + 4 + 1


def test_get_set_weights_and_trainable_flag():
    model = seed001_sequential()
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(784, 300), (300,), (300, 100), (100,), (100, 10),
                                         (10,)]
    other = seed001_sequential()
    other.set_weights(weights)
    x = np.random.rand(2, 28, 28).astype("float32")
    np.testing.assert_allclose(other.predict(x, verbose=0), model.predict(x, verbose=0))
    model.layers[1].trainable = False
    assert len(model.trainable_weights) == 4 and len(model.non_trainable_weights) == 2
    model.trainable = False
    assert model.trainable_weights == []


def test_sequential_config_round_trip_and_json():
    model = keras.Sequential([keras.Input((8,)), layers.Dense(4, activation="relu"),
                              layers.Dropout(0.2), layers.Dense(1)])
    config = model.get_config()
    assert config["layers"][0]["class_name"] == "InputLayer"
    assert config["layers"][0]["config"]["batch_shape"] == [None, 8]
    dense = config["layers"][1]
    assert dense["module"] == "keras.layers" and dense["registered_name"] is None
    assert dense["build_config"] == {"input_shape": [None, 8]}
    assert dense["config"]["units"] == 4 and dense["config"]["activation"] == "relu"
    clone = keras.Sequential.from_config(config)
    assert [type(layer) for layer in clone.layers] == [type(layer) for layer in model.layers]
    clone.set_weights(model.get_weights())
    x = np.random.rand(3, 8).astype("float32")
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
    restored = keras.models.model_from_json(model.to_json())
    assert restored.count_params() == model.count_params()
    fresh = keras.models.clone_model(model)
    assert fresh.count_params() == model.count_params()
    assert not np.allclose(fresh.get_weights()[0], model.get_weights()[0])


def test_functional_config_keras3_format_and_round_trip():
    a = keras.Input((4,), name="in_a")
    b = keras.Input((2,), name="in_b")
    h = layers.Dense(3, name="h")(a)
    out = layers.Dense(1, name="out")(layers.Concatenate(name="cat")([h, b]))
    model = keras.Model(inputs=[a, b], outputs=out, name="two_in")
    config = model.get_config()
    json.dumps(config)
    assert config["input_layers"] == [["in_a", 0, 0], ["in_b", 0, 0]]
    assert config["output_layers"] == ["out", 0, 0]  # one tensor, not a list: flat (Keras 3)
    by_name = {entry["name"]: entry for entry in config["layers"]}
    assert by_name["in_a"]["inbound_nodes"] == []
    node = by_name["cat"]["inbound_nodes"][0]
    history = [t["config"]["keras_history"] for t in node["args"][0]]
    assert history == [["h", 0, 0], ["in_b", 0, 0]]
    assert node["args"][0][0]["class_name"] == "__keras_tensor__"
    restored = keras.Model.from_config(config)
    restored.set_weights(model.get_weights())
    xa, xb = np.random.rand(2, 4).astype("float32"), np.random.rand(2, 2).astype("float32")
    np.testing.assert_allclose(restored.predict([xa, xb], verbose=0),
                               model.predict([xa, xb], verbose=0), rtol=1e-6)
    assert json.loads(model.to_json())["class_name"] == "Functional"


def test_compute_output_shape_of_models():
    model = keras.Sequential([layers.Conv2D(4, 3), layers.MaxPooling2D(), layers.Flatten(),
                              layers.Dense(2)])
    assert model.compute_output_shape((None, 10, 10, 1)) == (None, 2)
