"""Every layer through one harness (shapes, weights, config round trip, a training step),
plus value checks against NumPy."""

import numpy as np
import pytest

import ndflow as tf
from ndflow import keras
from ndflow.keras import layers




def run_layer_test(layer_cls, init_kwargs, input_shape, expected_output_shape,
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=0,
                   input_dtype="float32", input_data=None, run_training_check=True):
    """Keras's run_layer_test: symbolic and eager shapes, weights, config, a train step."""
    rng = np.random.default_rng(0)
    if input_data is None:
        if isinstance(input_shape, list):
            input_data = [rng.standard_normal(s).astype(input_dtype) for s in input_shape]
        else:
            input_data = rng.standard_normal(input_shape).astype(input_dtype)
    # static shape inference on Keras tensors (unknown batch)
    layer = layer_cls(**init_kwargs)
    if isinstance(input_shape, list):
        symbolic = [keras.Input(batch_shape=(None,) + tuple(s[1:]), dtype=input_dtype)
                    for s in input_shape]
    else:
        symbolic = keras.Input(batch_shape=(None,) + tuple(input_shape[1:]), dtype=input_dtype)
    out = layer(symbolic)
    assert out.shape == (None,) + tuple(expected_output_shape[1:])
    assert len(layer.trainable_weights) == expected_num_trainable_weights
    assert len(layer.non_trainable_weights) == expected_num_non_trainable_weights
    # eager call
    value = layer(input_data)
    assert tuple(value.shape.as_list()) == tuple(expected_output_shape)
    # config round trip, same weights -> same output
    config = layer.get_config()
    clone = layer_cls.from_config(config)
    clone_out = clone(input_data)
    clone.set_weights(layer.get_weights())
    if layer_cls is not layers.Dropout:
        np.testing.assert_allclose(clone(input_data).numpy(), layer(input_data).numpy(),
                                   rtol=1e-5, atol=1e-6)
    assert tuple(clone_out.shape.as_list()) == tuple(expected_output_shape)
    assert clone.get_config() == config
    # a training step changes every trainable weight
    if run_training_check and layer.trainable_weights:
        before = [w.numpy() for w in layer.trainable_weights]
        target = rng.standard_normal(expected_output_shape).astype("float32")
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.square(layer(input_data, training=True) - target))
        grads = tape.gradient(loss, layer.trainable_weights)
        for w, g in zip(layer.trainable_weights, grads):
            assert g is not None, f"no gradient for {w.name}"
            w.assign_sub(0.01 * g)
        for b, w in zip(before, layer.trainable_weights):
            assert not np.allclose(b, w.numpy()), f"{w.name} did not change"
    return layer


HARNESS = [
    (layers.Dense, {"units": 3}, (2, 4), (2, 3), 2, 0),
    (layers.Dense, {"units": 3, "activation": "relu", "use_bias": False}, (2, 5, 4), (2, 5, 3),
     1, 0),
    (layers.Flatten, {}, (2, 3, 4), (2, 12), 0, 0),
    (layers.Reshape, {"target_shape": (4, 3)}, (2, 12), (2, 4, 3), 0, 0),
    (layers.Reshape, {"target_shape": (-1, 2)}, (2, 3, 4), (2, 6, 2), 0, 0),
    (layers.Permute, {"dims": (2, 1)}, (2, 3, 4), (2, 4, 3), 0, 0),
    (layers.Activation, {"activation": "tanh"}, (2, 3), (2, 3), 0, 0),
    (layers.Dropout, {"rate": 0.5}, (2, 3), (2, 3), 0, 0),
    (layers.Normalization, {}, (4, 3), (4, 3), 0, 3),  # mean, variance, count (Keras 3)
    (layers.Normalization, {"mean": 1.0, "variance": 4.0}, (4, 3), (4, 3), 0, 0),
    (layers.BatchNormalization, {}, (4, 3), (4, 3), 2, 2),
    (layers.BatchNormalization, {"axis": 1}, (4, 2, 3, 3), (4, 2, 3, 3), 2, 2),
    (layers.LayerNormalization, {}, (4, 3), (4, 3), 2, 0),
    (layers.Conv1D, {"filters": 2, "kernel_size": 3}, (2, 7, 3), (2, 5, 2), 2, 0),
    (layers.Conv1D, {"filters": 2, "kernel_size": 3, "padding": "causal"}, (2, 7, 3),
     (2, 7, 2), 2, 0),
    (layers.Conv2D, {"filters": 4, "kernel_size": 3}, (2, 6, 6, 2), (2, 4, 4, 4), 2, 0),
    (layers.Conv2D, {"filters": 4, "kernel_size": (3, 2), "padding": "same", "strides": 2,
                     "activation": "relu"}, (2, 7, 6, 2), (2, 4, 3, 4), 2, 0),
    (layers.Conv2D, {"filters": 2, "kernel_size": 3, "dilation_rate": 2, "use_bias": False},
     (1, 7, 7, 1), (1, 3, 3, 2), 1, 0),
    (layers.Conv2D, {"filters": 3, "kernel_size": 3, "data_format": "channels_first"},
     (2, 2, 5, 5), (2, 3, 3, 3), 2, 0),
    (layers.Conv2DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2},
     (2, 4, 4, 3), (2, 9, 9, 2), 2, 0),
    (layers.Conv2DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
     (2, 4, 4, 3), (2, 8, 8, 2), 2, 0),
    (layers.MaxPooling2D, {}, (2, 6, 6, 3), (2, 3, 3, 3), 0, 0),
    (layers.AveragePooling2D, {"pool_size": 3, "strides": 1, "padding": "same"},
     (2, 5, 5, 3), (2, 5, 5, 3), 0, 0),
    (layers.MaxPooling1D, {}, (2, 6, 3), (2, 3, 3), 0, 0),
    (layers.GlobalAveragePooling2D, {}, (2, 4, 4, 3), (2, 3), 0, 0),
    (layers.GlobalMaxPooling2D, {"keepdims": True}, (2, 4, 4, 3), (2, 1, 1, 3), 0, 0),
    (layers.ZeroPadding2D, {"padding": (1, 2)}, (2, 3, 3, 1), (2, 5, 7, 1), 0, 0),
    (layers.UpSampling2D, {"size": 2}, (2, 3, 4, 2), (2, 6, 8, 2), 0, 0),
    (layers.Concatenate, {}, [(2, 3), (2, 4)], (2, 7), 0, 0),
    (layers.Add, {}, [(2, 3), (2, 3)], (2, 3), 0, 0),
    (layers.Multiply, {}, [(2, 3), (2, 3)], (2, 3), 0, 0),
    (layers.Subtract, {}, [(2, 3), (2, 3)], (2, 3), 0, 0),
    (layers.Average, {}, [(2, 3), (2, 3)], (2, 3), 0, 0),
]


@pytest.mark.parametrize("cls,kwargs,in_shape,out_shape,n_train,n_non_train", HARNESS,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(HARNESS)])
def test_layer_harness(cls, kwargs, in_shape, out_shape, n_train, n_non_train):
    run_layer_test(cls, kwargs, in_shape, out_shape, n_train, n_non_train)


def test_embedding_harness():
    ids = np.array([[0, 3, 4], [1, 1, 2]], dtype="int32")
    layer = run_layer_test(layers.Embedding, {"input_dim": 5, "output_dim": 2}, (2, 3),
                           (2, 3, 2), 1, 0, input_dtype="int32", input_data=ids)
    np.testing.assert_allclose(layer(ids).numpy(), layer.embeddings.numpy()[ids])


def test_lambda_layer():
    layer = layers.Lambda(lambda x: x * 2.0)
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(layer(x).numpy(), 2 * x)
    inputs = keras.Input((3,))
    assert keras.Model(inputs=inputs, outputs=layer(inputs)).output_shape == (None, 3)
    assert layer.get_config()["function"]["config"]["name"] == "<lambda>"
    with pytest.raises(ValueError, match="lambda"):  # stored code is never executed
        layers.Lambda.from_config(layer.get_config())


# --- values against NumPy -----------------------------------------------------------------------

def test_dense_values_and_dtype():
    layer = layers.Dense(3, activation="relu")
    x = np.random.default_rng(1).standard_normal((4, 5))  # float64 input is cast to float32
    y = layer(x)
    assert y.dtype == tf.float32
    w, b = layer.get_weights()
    np.testing.assert_allclose(y.numpy(), np.maximum(x.astype("float32") @ w + b, 0), rtol=1e-5)


def _conv_reference(x, w, stride):
    n, h, wd, c = x.shape
    kh, kw, _, f = w.shape
    oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    out = np.zeros((n, oh, ow, f))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            out[:, i, j, :] = np.tensordot(patch, w, axes=([1, 2, 3], [0, 1, 2]))
    return out


def test_conv2d_values():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 6, 5, 3)).astype("float32")
    layer = layers.Conv2D(4, 3, strides=2, use_bias=False)
    y = layer(x).numpy()
    np.testing.assert_allclose(y, _conv_reference(x, layer.kernel.numpy(), 2), rtol=1e-4,
                               atol=1e-5)
    first = layers.Conv2D(4, 3, data_format="channels_first", use_bias=False)
    first(np.transpose(x, (0, 3, 1, 2)))
    first.set_weights([layer.kernel.numpy()])
    y_first = first(np.transpose(x, (0, 3, 1, 2))).numpy()
    np.testing.assert_allclose(np.transpose(y_first, (0, 2, 3, 1)),
                               _conv_reference(x, layer.kernel.numpy(), 1), rtol=1e-4, atol=1e-5)


def test_pooling_values():
    x = np.arange(32, dtype="float32").reshape(1, 4, 4, 2)
    np.testing.assert_allclose(layers.MaxPooling2D()(x).numpy(),
                               x.reshape(1, 2, 2, 2, 2, 2).max(axis=(2, 4)))
    np.testing.assert_allclose(layers.AveragePooling2D()(x).numpy(),
                               x.reshape(1, 2, 2, 2, 2, 2).mean(axis=(2, 4)))
    np.testing.assert_allclose(layers.GlobalAveragePooling2D()(x).numpy(), x.mean(axis=(1, 2)))


def test_upsampling_and_padding_values():
    x = np.arange(4, dtype="float32").reshape(1, 2, 2, 1)
    up = layers.UpSampling2D(2)(x).numpy()[0, :, :, 0]
    np.testing.assert_allclose(up, np.repeat(np.repeat(x[0, :, :, 0], 2, 0), 2, 1))
    padded = layers.ZeroPadding2D(1)(x).numpy()[0, :, :, 0]
    np.testing.assert_allclose(padded, np.pad(x[0, :, :, 0], 1))


def test_normalization_adapt_and_invert():
    rng = np.random.default_rng(3)
    data = rng.normal(5.0, 3.0, size=(200, 3)).astype("float32")
    norm = layers.Normalization()
    norm.adapt(data)
    np.testing.assert_allclose(norm.mean.numpy(), data.mean(0), rtol=1e-4)
    np.testing.assert_allclose(norm.variance.numpy(), data.var(0), rtol=1e-4)
    out = norm(data).numpy()
    np.testing.assert_allclose(out.mean(0), 0, atol=1e-4)
    np.testing.assert_allclose(out.std(0), 1, atol=1e-3)
    inv = layers.Normalization(mean=data.mean(0), variance=data.var(0), invert=True)
    np.testing.assert_allclose(inv(out).numpy(), data, rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        layers.Normalization(mean=1.0)


def test_batch_normalization_training_vs_inference():
    rng = np.random.default_rng(4)
    x = rng.normal(3.0, 2.0, size=(64, 4)).astype("float32")
    bn = layers.BatchNormalization(momentum=0.5)
    y_inf = bn(x, training=False).numpy()
    np.testing.assert_allclose(y_inf, x / np.sqrt(1 + 1e-3), rtol=1e-5)  # fresh stats 0/1
    y_train = bn(x, training=True).numpy()
    np.testing.assert_allclose(y_train.mean(0), 0, atol=1e-4)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.5 * x.mean(0), rtol=1e-4)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.5 + 0.5 * x.var(0), rtol=1e-4)
    bn.trainable = False  # a frozen BatchNormalization runs in inference mode
    before = bn.moving_mean.numpy()
    bn(x, training=True)
    np.testing.assert_allclose(bn.moving_mean.numpy(), before)
    assert bn.trainable_weights == [] and len(bn.non_trainable_weights) == 4


def test_layer_normalization_values():
    x = np.random.default_rng(5).standard_normal((3, 6)).astype("float32")
    y = layers.LayerNormalization(epsilon=1e-6)(x).numpy()
    ref = (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + 1e-6)
    np.testing.assert_allclose(y, ref, rtol=1e-4, atol=1e-5)


def test_dropout_training_only():
    tf.random.set_seed(1)
    x = np.ones((1000, 10), "float32")
    drop = layers.Dropout(0.3)
    np.testing.assert_array_equal(drop(x).numpy(), x)
    y = drop(x, training=True).numpy()
    kept = y != 0
    assert 0.65 < kept.mean() < 0.75
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-5)


def test_merge_errors():
    with pytest.raises(ValueError, match="list"):
        layers.Add()(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="Concatenate"):
        layers.Concatenate(axis=-1)([keras.Input((3, 2)), keras.Input((4, 2))])
    with pytest.raises(ValueError, match="incompatible"):
        layers.Add()([keras.Input((3,)), keras.Input((4,))])


# --- the Layer base -----------------------------------------------------------------------------

def test_unique_names_and_clear_session():
    keras.backend.clear_session()
    assert [layers.Dense(1).name for _ in range(3)] == ["dense", "dense_1", "dense_2"]
    assert layers.Conv2D(1, 1).name == "conv2d"
    assert layers.BatchNormalization().name == "batch_normalization"
    keras.backend.clear_session()
    assert layers.Dense(1).name == "dense"


def test_keras2_arguments_warn_and_build_shape():
    with pytest.warns(DeprecationWarning):
        layer = layers.Dense(input_dim=784, units=256)
    model = keras.Sequential([layer])
    assert model.built and layer.kernel.shape.as_list() == [784, 256]
    with pytest.raises(TypeError, match="Unrecognized keyword arguments"):
        layers.Dense(3, not_an_argument=1)
    with pytest.raises(ValueError, match="units"):
        layers.Dense(0)


def test_input_spec_errors_name_the_layer():
    layer = layers.Conv2D(2, 3)
    with pytest.raises(ValueError, match='"conv2d.*expected ndim=4|expected min_ndim=4'):
        layer(np.ones((2, 5, 5), "float32"))
    dense = layers.Dense(2)
    dense(np.ones((1, 3), "float32"))
    with pytest.raises(ValueError, match="axis -1"):
        dense(np.ones((1, 4), "float32"))


class Block(layers.Layer):
    def __init__(self, units=2, **kwargs):
        super().__init__(**kwargs)
        self.parts = [layers.Dense(units), layers.Dense(units)]
        self.by_name = {"head": layers.Dense(1)}
        self.scale = tf.Variable(1.0)

    def build(self, input_shape):
        self.offset = self.add_weight(shape=(1,), initializer="zeros", trainable=False,
                                      name="offset")

    def call(self, x, training=None):
        for part in self.parts:
            x = part(x)
        return self.by_name["head"](x) * self.scale + self.offset


def test_subclassed_layer_tracks_lists_dicts_and_variables():
    block = Block()
    block(np.ones((2, 3), "float32"))
    assert len(block.trainable_weights) == 1 + 2 * 3
    assert len(block.non_trainable_weights) == 1
    assert block.count_params() == 1 + (3 * 2 + 2) + (2 * 2 + 2) + (2 + 1) + 1
    block.trainable = False
    assert block.trainable_weights == []
    assert all(not part.trainable for part in block.parts)
    assert block.get_config()["units"] == 2  # constructor arguments, recorded automatically


def test_regularization_and_add_loss():
    layer = layers.Dense(2, kernel_regularizer=keras.regularizers.l2(0.1),
                         activity_regularizer="l1")
    x = np.ones((4, 3), "float32")
    y = layer(x)
    losses = layer.losses
    assert len(losses) == 2
    expected_l2 = 0.1 * np.sum(layer.kernel.numpy() ** 2)
    values = sorted(float(v) for v in losses)
    assert any(abs(v - expected_l2) < 1e-4 for v in values)
    assert any(abs(v - 0.01 * np.abs(y.numpy()).sum() / 4) < 1e-4 for v in values)


def test_weights_get_set_and_errors():
    layer = layers.Dense(2)
    with pytest.raises(ValueError, match="isn't built"):
        layer.count_params()
    layer(np.ones((1, 3), "float32"))
    w = [np.full((3, 2), 0.5, "float32"), np.ones(2, "float32")]
    layer.set_weights(w)
    np.testing.assert_allclose(layer(np.ones((1, 3), "float32")).numpy(), [[2.5, 2.5]])
    with pytest.raises(ValueError, match="expected 2 weights"):
        layer.set_weights(w[:1])
    with pytest.raises(ValueError, match="not compatible"):
        layer.set_weights([np.ones((2, 2)), np.ones(2)])


def test_compute_output_shape_and_build_config():
    conv = layers.Conv2D(8, 3, strides=2, padding="same")
    assert conv.compute_output_shape((None, 32, 32, 3)) == (None, 16, 16, 8)
    dense = layers.Dense(4)
    dense.build_from_config({"input_shape": [None, 7]})
    assert dense.built and dense.kernel.shape.as_list() == [7, 4]
    assert dense.get_build_config() == {"input_shape": [None, 7]}


def test_a_layer_built_by_hand_stays_built_and_keeps_weights_set_before_its_first_call():
    # Keras 3: layer.build(shape) leaves the layer built, so set_weights before the first
    # call is not undone by a second build (ndflow built again and re-initialised)
    import numpy as np
    from ndflow import keras
    dense = keras.layers.Dense(2)
    dense.build((None, 3))
    assert dense.built
    dense.set_weights([np.ones((3, 2), "float32"), np.zeros(2, "float32")])
    np.testing.assert_array_equal(dense(np.ones((1, 3), "float32")).numpy(), [[3.0, 3.0]])

    class WithExtra(keras.layers.Dense):  # super().build() inside: marked once, at the end
        def build(self, input_shape):
            super().build(input_shape)
            self.extra = self.add_weight(shape=(1,), initializer="zeros")

    layer = WithExtra(2, weights=[np.ones((3, 2), "float32"), np.zeros(2, "float32"),
                                  np.ones(1, "float32")])
    layer.build((None, 3))
    assert layer.built and layer.extra.numpy()[0] == 1.0
