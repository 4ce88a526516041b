"""The vision layers of issue 13 through one harness: output shapes on symbolic inputs with
unknown dimensions, get_config/from_config, one `fit` epoch, and a `.keras` round trip with
identical outputs; plus values against Keras 3 where it is importable (a subprocess with
KERAS_BACKEND=jax, as in test_saving_interop)."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import ndflow as tf
from ndflow import keras
from ndflow.keras import layers as L

IMG = (6, 7, 3)
SEQ = (7, 4)
VOL = (4, 5, 6, 2)

# (id, factory, data shape (no batch), symbolic input shape, expected symbolic output shape)
SPECS = [
    ("depthwise", lambda: L.DepthwiseConv2D(3, depth_multiplier=2, padding="same"), IMG,
     (None, None, 3), (None, None, 6)),
    ("depthwise_strided", lambda: L.DepthwiseConv2D((3, 2), strides=2), IMG, (None, None, 3),
     (None, None, 3)),
    ("depthwise_dilated", lambda: L.DepthwiseConv2D(3, dilation_rate=2, padding="same",
                                                     activation="relu"), IMG, (6, 7, 3),
     (6, 7, 3)),
    ("depthwise1d", lambda: L.DepthwiseConv1D(3, depth_multiplier=2), SEQ, (None, 4),
     (None, 8)),
    ("separable", lambda: L.SeparableConv2D(5, 3, padding="same", depth_multiplier=2), IMG,
     (None, None, 3), (None, None, 5)),
    ("separable_dilated", lambda: L.SeparableConv2D(4, 3, dilation_rate=2), (7, 8, 3),
     (7, 8, 3), (3, 4, 4)),
    ("separable1d", lambda: L.SeparableConv1D(3, 2, strides=2), SEQ, (None, 4), (None, 3)),
    ("conv2d_groups", lambda: L.Conv2D(6, 3, groups=3, padding="same"), IMG,
     (None, None, 3), (None, None, 6)),
    ("conv1d_groups_causal", lambda: L.Conv1D(4, 3, groups=2, padding="causal",
                                              dilation_rate=2), SEQ, (None, 4), (None, 4)),
    ("conv3d", lambda: L.Conv3D(3, (3, 2, 3), strides=2, padding="same"), VOL, VOL,
     (2, 3, 3, 3)),
    ("conv3d_groups_dilated", lambda: L.Conv3D(4, 2, groups=2, dilation_rate=2), VOL, VOL,
     (2, 3, 4, 4)),
    ("conv3d_transpose", lambda: L.Conv3DTranspose(3, 3, strides=2, padding="same"), VOL, VOL,
     (8, 10, 12, 3)),
    ("max_pooling3d", lambda: L.MaxPooling3D((2, 3, 2), padding="same"), VOL, VOL,
     (2, 2, 3, 2)),
    ("average_pooling3d", lambda: L.AveragePooling3D(2, strides=(1, 2, 2)), VOL, VOL,
     (3, 2, 3, 2)),
    ("global_average_pooling3d", lambda: L.GlobalAveragePooling3D(), VOL, (None, None, None, 2),
     (2,)),
    ("conv1d_transpose", lambda: L.Conv1DTranspose(3, 3, strides=2, padding="same"), SEQ, SEQ,
     (14, 3)),
    ("relu", lambda: L.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.2), IMG,
     (None, None, 3), (None, None, 3)),
    ("leaky_relu", lambda: L.LeakyReLU(), IMG, (None, None, 3), (None, None, 3)),
    ("prelu", lambda: L.PReLU(shared_axes=[1, 2]), IMG, (None, None, 3), (None, None, 3)),
    ("elu", lambda: L.ELU(alpha=0.5), IMG, (None, None, 3), (None, None, 3)),
    ("softmax", lambda: L.Softmax(axis=1), IMG, (None, None, 3), (None, None, 3)),
    ("identity", lambda: L.Identity(), IMG, (None, None, 3), (None, None, 3)),
    ("rescaling", lambda: L.Rescaling(1 / 127.5, offset=-1), IMG, (None, None, 3),
     (None, None, 3)),
    ("resizing", lambda: L.Resizing(4, 5), IMG, (None, None, 3), (4, 5, 3)),
    ("resizing_crop", lambda: L.Resizing(3, 5, crop_to_aspect_ratio=True), IMG, IMG,
     (3, 5, 3)),
    ("center_crop", lambda: L.CenterCrop(4, 5), IMG, IMG, (4, 5, 3)),
    ("cropping1d", lambda: L.Cropping1D((1, 2)), SEQ, (None, 4), (None, 4)),
    ("cropping2d", lambda: L.Cropping2D(((1, 0), (2, 1))), IMG, (None, None, 3),
     (None, None, 3)),
    ("cropping3d", lambda: L.Cropping3D(1), VOL, VOL, (2, 3, 4, 2)),
    ("zero_padding1d", lambda: L.ZeroPadding1D(2), SEQ, (None, 4), (None, 4)),
    ("zero_padding3d", lambda: L.ZeroPadding3D((1, 0, 2)), VOL, VOL, (6, 5, 10, 2)),
    ("upsampling1d", lambda: L.UpSampling1D(3), SEQ, SEQ, (21, 4)),
    ("upsampling2d_bilinear", lambda: L.UpSampling2D((2, 3), interpolation="bilinear"), IMG,
     IMG, (12, 21, 3)),
    ("upsampling3d", lambda: L.UpSampling3D((1, 2, 1)), VOL, VOL, (4, 10, 6, 2)),
    ("random_flip", lambda: L.RandomFlip(seed=1), IMG, (None, None, 3), (None, None, 3)),
    ("random_rotation", lambda: L.RandomRotation(0.1, seed=2), IMG, IMG, IMG),
    ("random_zoom", lambda: L.RandomZoom(0.2, seed=3), IMG, IMG, IMG),
    ("random_translation", lambda: L.RandomTranslation(0.1, 0.2, fill_mode="constant",
                                                       seed=4), IMG, IMG, IMG),
    ("random_contrast", lambda: L.RandomContrast(0.3, value_range=(-5, 5), seed=5), IMG,
     (None, None, 3), (None, None, 3)),
    ("random_brightness", lambda: L.RandomBrightness(0.2, value_range=(-5, 5), seed=6), IMG,
     (None, None, 3), (None, None, 3)),
    ("random_crop", lambda: L.RandomCrop(4, 5, seed=7), IMG, IMG, (4, 5, 3)),
    ("spatial_dropout1d", lambda: L.SpatialDropout1D(0.3, seed=1), SEQ, (None, 4), (None, 4)),
    ("spatial_dropout2d", lambda: L.SpatialDropout2D(0.3, seed=1), IMG, (None, None, 3),
     (None, None, 3)),
    ("gaussian_noise", lambda: L.GaussianNoise(0.1, seed=1), IMG, (None, None, 3),
     (None, None, 3)),
    ("gaussian_dropout", lambda: L.GaussianDropout(0.2, seed=1), IMG, (None, None, 3),
     (None, None, 3)),
    ("alpha_dropout", lambda: L.AlphaDropout(0.2, seed=1), IMG, (None, None, 3),
     (None, None, 3)),
    ("activity_regularization", lambda: L.ActivityRegularization(l1=0.01, l2=0.01), IMG,
     (None, None, 3), (None, None, 3)),
]
IDS = [s[0] for s in SPECS]


def _data(shape, n=4, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n,) + tuple(shape)).astype("float32")


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_symbolic_shapes_with_unknown_dims(spec):
    _, make, data_shape, sym_shape, expected = spec
    out = make()(keras.Input(shape=sym_shape))
    assert tuple(out.shape) == (None,) + tuple(expected)
    # the eager output agrees wherever the symbolic shape is known
    value = make()(_data(data_shape))
    for got, want in zip(value.shape.as_list()[1:], expected):
        assert want is None or got == want


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_config_round_trip(spec):
    _, make, data_shape, _, _ = spec
    layer = make()
    x = _data(data_shape)
    y = layer(x, training=False)
    config = layer.get_config()
    json.dumps(config)  # plain JSON, as the .keras format stores it
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    clone(x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(x, training=False).numpy(), y.numpy(), atol=1e-6)


def _model(spec):
    _, make, data_shape, _, _ = spec
    return keras.Sequential([keras.Input(shape=data_shape), make(), L.Flatten(), L.Dense(2)])


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_fit_one_epoch_and_keras_file_round_trip(spec, tmp_path):
    tf.random.set_seed(0)
    model = _model(spec)
    model.compile(optimizer="adam", loss="mse")
    x, y = _data(spec[2], n=8), _data((2,), n=8, seed=1)
    before = [w.numpy() for w in model.trainable_weights]
    history = model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    changed = [not np.allclose(b, w.numpy()) for b, w in zip(before, model.trainable_weights)]
    assert all(changed), "a trainable weight did not move in one epoch"
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-6)


# --- behaviour ------------------------------------------------------------------------------

def test_random_layers_are_identity_outside_training_and_seeded():
    x = _data(IMG)
    for make in (lambda: L.RandomFlip(seed=3), lambda: L.RandomRotation(0.2, seed=3),
                 lambda: L.RandomZoom(0.3, seed=3), lambda: L.RandomContrast(0.5, seed=3),
                 lambda: L.RandomTranslation(0.2, 0.2, seed=3)):
        np.testing.assert_array_equal(make()(x, training=False).numpy(), x)
        tf.random.set_seed(11)
        first = make()(x, training=True).numpy()
        tf.random.set_seed(11)
        again = make()(x, training=True).numpy()
        np.testing.assert_array_equal(first, again)
        assert not np.allclose(first, x)


def test_random_flip_flips_whole_images():
    x = _data(IMG, n=16)
    y = L.RandomFlip("horizontal", seed=1)(x).numpy()
    flipped = [np.array_equal(a, b[:, ::-1]) for a, b in zip(y, x)]
    kept = [np.array_equal(a, b) for a, b in zip(y, x)]
    assert all(f or k for f, k in zip(flipped, kept)) and any(flipped) and any(kept)


def test_random_crop_training_window_and_inference_resize():
    x = np.arange(2 * 6 * 7, dtype="float32").reshape(2, 6, 7, 1)
    y = L.RandomCrop(4, 5, seed=2)(x, training=True).numpy()
    found = any(np.array_equal(y, x[:, i:i + 4, j:j + 5]) for i in range(3) for j in range(3))
    assert found
    assert L.RandomCrop(4, 5)(x, training=False).shape == (2, 4, 5, 1)


def test_depthwise_weights_and_errors():
    layer = L.DepthwiseConv2D(3, depth_multiplier=2)
    layer.build((None, 5, 5, 3))
    assert [w.name.split("/")[-1].split(":")[0] for w in layer.weights] == ["kernel", "bias"]
    assert tuple(layer.kernel.shape) == (3, 3, 3, 2) and layer.depthwise_kernel is layer.kernel
    sep = L.SeparableConv2D(4, 3, depth_multiplier=2)
    sep.build((None, 5, 5, 3))
    assert [tuple(w.shape) for w in sep.weights] == [(3, 3, 3, 2), (1, 1, 6, 4), (4,)]
    with pytest.raises(ValueError, match="dilation_rate"):
        L.DepthwiseConv2D(3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="groups"):
        L.Conv2D(5, 3, groups=2)
    with pytest.raises(ValueError, match="factor"):
        L.RandomRotation(1.5)
    with pytest.raises(ValueError, match="rank 3 or 4"):
        L.RandomFlip()(np.zeros((2, 3), "float32"))


def test_activity_regularization_adds_a_loss():
    layer = L.ActivityRegularization(l1=0.5)
    layer(np.ones((2, 3), "float32"))
    assert np.isclose(float(sum(layer.losses)), 0.5 * 3)


# --- values against Keras 3 ---------------------------------------------------------------------

KERAS_SIDE = r"""
import json, sys
import numpy as np
try:
    import keras
    keras.ops.ones((1,))
except Exception as e:
    print(f"keras unavailable: {e!r}", file=sys.stderr)
    sys.exit(3)
job = json.loads(sys.argv[1])
x = np.load(job["x"])
model = keras.saving.load_model(job["nd_model"])
np.save(job["keras_pred"], np.asarray(model.predict(x, verbose=0)))
keras.utils.set_random_seed(3)
own = keras.Sequential([
    keras.Input((8, 8, 3)), keras.layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same"),
    keras.layers.PReLU(shared_axes=[1, 2], alpha_initializer="ones"),
    keras.layers.SeparableConv2D(4, 3, dilation_rate=2, activation="relu"),
    keras.layers.Flatten(), keras.layers.Dense(2)])
own.compile(optimizer="adam", loss="mse")
own.fit(x, np.ones((len(x), 2)), epochs=1, verbose=0)
own.save(job["keras_model"])
np.save(job["keras_own"], np.asarray(own.predict(x, verbose=0)))
"""


def test_keras_files_move_both_ways(tmp_path):
    pytest.importorskip("h5py")
    x = _data((8, 8, 3), n=5)
    model = keras.Sequential([
        keras.Input((8, 8, 3)), L.DepthwiseConv2D(3, depth_multiplier=2, padding="same"),
        L.PReLU(shared_axes=[1, 2], alpha_initializer="ones"),
        L.SeparableConv2D(4, 3, dilation_rate=2, activation="relu"), L.Flatten(),
        L.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, np.ones((5, 2), "float32"), epochs=1, verbose=0)
    np.save(tmp_path / "x.npy", x)
    model.save(tmp_path / "nd.keras")
    job = {"x": str(tmp_path / "x.npy"), "nd_model": str(tmp_path / "nd.keras"),
           "keras_pred": str(tmp_path / "kp.npy"), "keras_model": str(tmp_path / "k.keras"),
           "keras_own": str(tmp_path / "ko.npy")}
    python = os.environ.get("NDFLOW_KERAS_PYTHON", sys.executable)
    env = dict(os.environ, KERAS_BACKEND=os.environ.get("KERAS_BACKEND", "jax"),
               CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run([python, "-c", KERAS_SIDE, json.dumps(job)], env=env,
                          capture_output=True, text=True, timeout=600)
    if done.returncode == 3:
        pytest.skip("Keras 3 with the jax backend is not importable here")
    assert done.returncode == 0, done.stderr[-3000:]
    np.testing.assert_allclose(np.load(job["keras_pred"]), model.predict(x, verbose=0),
                               atol=1e-5)
    theirs = keras.models.load_model(job["keras_model"])
    np.testing.assert_allclose(theirs.predict(x, verbose=0), np.load(job["keras_own"]),
                               atol=1e-5)
