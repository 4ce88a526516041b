"""Keras 3's top-level spellings: keras.Layer / Loss / Metric / Optimizer, keras.Variable,
keras.config, keras.tree, keras.version, keras.name_scope."""
import numpy as np
import pytest

from ndflow import keras


def test_classes_are_the_submodules_own():
    assert keras.Layer is keras.layers.Layer and keras.Loss is keras.losses.Loss
    assert keras.Metric is keras.metrics.Metric and keras.Optimizer is keras.optimizers.Optimizer
    assert keras.Model is keras.models.Model and keras.Input is keras.layers.Input


def test_a_keras3_custom_layer_loss_and_metric():
    class Linear(keras.Layer):
        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], 2), initializer="ones")

        def call(self, x):
            return keras.ops.matmul(x, self.kernel)

    class MeanSquare(keras.Loss):
        def call(self, y_true, y_pred):
            return keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1)

    class Total(keras.Metric):
        def __init__(self, name="total", **kwargs):
            super().__init__(name=name, **kwargs)
            self.total = self.add_weight(name="t", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.total.assign_add(keras.ops.sum(y_pred))

        def result(self):
            return self.total

    model = keras.Sequential([keras.Input((3,)), Linear()])
    model.compile(optimizer="sgd", loss=MeanSquare(), metrics=[Total()])
    logs = model.evaluate(np.ones((4, 3), "float32"), np.zeros((4, 2), "float32"),
                          return_dict=True, verbose=0)
    assert logs["loss"] == pytest.approx(9.0) and logs["total"] == pytest.approx(24.0)


def test_variable_config_tree_version():
    v = keras.Variable(np.arange(3))
    assert v.dtype == "float32" and v.numpy().tolist() == [0.0, 1.0, 2.0]
    w = keras.Variable("ones", shape=(2, 2), trainable=False, name="w")
    assert w.numpy().sum() == 4 and not w.trainable
    with pytest.raises(ValueError, match="shape"):
        keras.Variable("zeros")
    with pytest.raises(ValueError, match="given shape"):
        keras.Variable(np.ones(3), shape=(4,))
    assert keras.config.floatx() == "float32" and keras.config.image_data_format() == \
        "channels_last"
    assert keras.tree.flatten({"b": [2], "a": 1}) == [1, 2]
    assert keras.tree.map_structure(lambda x: x + 1, (1, [2])) == (2, [3])
    assert keras.version().startswith("3.")
    with keras.name_scope("block"):
        pass
