"""keras.applications: every architecture's layers (names, classes, order, output shapes,
parameter counts) equal Keras 3's, and Keras's `.h5` weight files load and predict what
Keras predicts."""
import hashlib
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from ndflow import keras

# Generated with Keras 3.15.1 (jax backend) by tools/gen_application_reference.py:
# (application, arguments, parameter count, number of layers, digest of the layer list).
# Small inputs keep the test fast; with the 1000-class top, every count but VGG's (whose
# Flatten depends on the input size) equals the one at the default 224x224 / 299x299.
REFERENCE = [
    ('VGG16', {'include_top': True, 'input_shape': (32, 32, 3)}, 37694248, 23, 'a358d8b089dbb8be'),
    ('VGG16', {'include_top': False, 'input_shape': (32, 32, 3), 'pooling': 'avg'},
     14714688, 20, 'a592fd53955f1663'),
    ('VGG19', {'include_top': False, 'input_shape': (32, 32, 3)}, 20024384, 22, '9e8459f99b6fe3ec'),
    ('ResNet50', {'include_top': True, 'input_shape': (32, 32, 3)},
     25636712, 177, '30c8fa51ae4b78c2'),
    ('ResNet50', {'include_top': False, 'input_shape': (32, 32, 3), 'pooling': 'max'},
     23587712, 176, '0dc82279393499e4'),
    ('ResNet101', {'include_top': True, 'input_shape': (32, 32, 3)},
     44707176, 347, '6e9637f9a12524c6'),
    ('ResNet152', {'include_top': True, 'input_shape': (32, 32, 3)},
     60419944, 517, '07ea9c0352c838f8'),
    ('ResNet50V2', {'include_top': True, 'input_shape': (32, 32, 3)},
     25613800, 192, '625a1e943c643dc1'),
    ('ResNet101V2', {'include_top': False, 'input_shape': (32, 32, 3)},
     42626560, 377, 'c79bb80056c7d95f'),
    ('ResNet152V2', {'include_top': True, 'input_shape': (32, 32, 3)},
     60380648, 566, '4755c3ede85a5a37'),
    ('InceptionV3', {'include_top': True, 'input_shape': (75, 75, 3)},
     23851784, 313, '24f76a756c39362a'),
    ('InceptionV3', {'include_top': False, 'input_shape': (75, 75, 3), 'pooling': 'avg'},
     21802784, 312, '53c74f1dd6ef3c17'),
    ('DenseNet121', {'include_top': True, 'input_shape': (32, 32, 3)},
     8062504, 429, 'c2253fd1d874f001'),
    ('DenseNet169', {'include_top': True, 'input_shape': (32, 32, 3)},
     14307880, 597, '6feb8382c56f0034'),
    ('DenseNet201', {'include_top': False, 'input_shape': (32, 32, 3), 'pooling': 'avg'},
     18321984, 708, 'f4bedf613d24ad2d'),
    ('MobileNet', {'include_top': True, 'input_shape': (32, 32, 3)},
     4253864, 91, '4b95d24c8ddd576e'),
    ('MobileNet', {'include_top': False, 'input_shape': (32, 32, 3), 'alpha': 0.5},
     829536, 86, 'c45f51a564555684'),
    ('MobileNetV2', {'include_top': True, 'input_shape': (32, 32, 3)},
     3538984, 156, '62186fedd8b738f7'),
    ('MobileNetV2', {'include_top': False, 'input_shape': (32, 32, 3), 'alpha': 1.4},
     4363712, 154, '8552d4f43b668d0c'),
    ('EfficientNetB0', {'include_top': True, 'input_shape': (32, 32, 3)},
     5330571, 240, '9369369f88ff397a'),
    ('EfficientNetB0', {'include_top': False, 'input_shape': (32, 32, 3), 'pooling': 'max'},
     4049571, 238, 'addc3982d6c44ff7'),
    ('Xception', {'include_top': True, 'input_shape': (71, 71, 3)},
     22910480, 134, '58f0228582b0a9d3'),
    ('Xception', {'include_top': False, 'input_shape': (71, 71, 3)},
     20861480, 132, '9e4aefbe1818a061'),
]


def layer_digest(model):
    lines = []
    for layer in model.layers:
        shape = tuple(None if d is None else int(d) for d in layer.output.shape)
        lines.append(f"{layer.name}|{type(layer).__name__}|{shape}|{layer.count_params()}")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


@pytest.mark.parametrize("name,kwargs,params,n_layers,digest", REFERENCE,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(REFERENCE)])
def test_layers_and_parameter_counts_equal_keras(name, kwargs, params, n_layers, digest):
    keras.backend.clear_session()  # Keras's numbering of unnamed layers starts afresh
    model = getattr(keras.applications, name)(weights=None, **kwargs)
    assert model.count_params() == params
    assert len(model.layers) == n_layers
    assert layer_digest(model) == digest


def test_full_size_counts_of_the_published_models():
    """Keras's documented counts at the default input size (VGG16's is input-size bound)."""
    keras.backend.clear_session()
    assert keras.applications.VGG16(weights=None, include_top=False).count_params() == 14714688
    model = keras.applications.MobileNetV2(weights=None)
    assert model.input_shape == (None, 224, 224, 3) and model.count_params() == 3538984
    assert model.name == "mobilenetv2_1.00_224"


def test_argument_errors():
    apps = keras.applications
    with pytest.raises(ValueError, match="`weights` argument"):
        apps.ResNet50(weights="no/such/file.h5")
    with pytest.raises(ValueError, match="classes"):
        apps.ResNet50(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="at least 32x32"):
        apps.VGG16(weights=None, include_top=False, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="at least 75x75"):
        apps.InceptionV3(weights=None, include_top=False, input_shape=(64, 64, 3))
    with pytest.raises(ValueError, match="pooling"):
        apps.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3), pooling="sum")
    with pytest.raises(ValueError, match="static"):
        apps.ResNet50(weights=None, input_shape=(None, None, 3))


def test_input_tensor_and_pooling():
    inputs = keras.Input((32, 32, 3))
    model = keras.applications.ResNet50(weights=None, include_top=False, input_tensor=inputs,
                                        pooling="avg")
    assert model.inputs[0] is inputs and model.output_shape == (None, 2048)


def test_imagenet_offline_error_names_the_file(tmp_path, monkeypatch):
    from ndflow.framework.errors import UnavailableError
    from ndflow.keras.applications import imagenet_utils
    from ndflow.keras.utils import data_utils

    def offline(urls, target, **kwargs):
        raise UnavailableError("no network")
    monkeypatch.setattr(data_utils, "download", offline)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("NDFLOW_DATA_DIR", str(tmp_path / "data"))
    with pytest.raises(UnavailableError) as info:
        keras.applications.MobileNetV2(weights="imagenet", include_top=False,
                                       input_shape=(96, 96, 3))
    message = str(info.value)
    name = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96_no_top.h5"
    assert name in message and str(tmp_path / "data" / "models" / name) in message
    monkeypatch.setattr(imagenet_utils, "_CLASS_INDEX", None)
    with pytest.raises(UnavailableError, match="imagenet_class_index.json"):
        keras.applications.resnet50.decode_predictions(np.zeros((1, 1000), np.float32))


def test_decode_predictions_with_a_local_class_index(tmp_path, monkeypatch):
    from ndflow.keras.applications import imagenet_utils
    models = tmp_path / "models"
    models.mkdir()
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    (models / "imagenet_class_index.json").write_text(json.dumps(index))
    monkeypatch.setenv("NDFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(imagenet_utils, "_CLASS_INDEX", None)
    preds = np.zeros((2, 1000), np.float32)
    preds[0, [3, 7]] = [0.2, 0.7]
    preds[1, 999] = 1.0
    top = keras.applications.vgg16.decode_predictions(preds, top=2)
    assert [t[:2] for t in top[0]] == [("n00000007", "class_7"), ("n00000003", "class_3")]
    assert top[1][0][1] == "class_999" and len(top[1]) == 2
    with pytest.raises(ValueError, match="shape"):
        keras.applications.vgg16.decode_predictions(np.zeros((2, 10)))
    monkeypatch.setattr(imagenet_utils, "_CLASS_INDEX", None)


def test_preprocess_input_modes():
    x = np.arange(2 * 2 * 2 * 3, dtype=np.float32).reshape(2, 2, 2, 3) * 10
    before = x.copy()
    caffe = keras.applications.resnet50.preprocess_input(x)
    np.testing.assert_allclose(caffe[..., 0], x[..., 2] - 103.939, rtol=1e-6)
    np.testing.assert_allclose(caffe[..., 2], x[..., 0] - 123.68, rtol=1e-6)
    np.testing.assert_allclose(keras.applications.mobilenet_v2.preprocess_input(x),
                               x / 127.5 - 1, rtol=1e-6)
    torch = keras.applications.densenet.preprocess_input(x)
    np.testing.assert_allclose(torch[..., 1], (x[..., 1] / 255 - 0.456) / 0.224, rtol=1e-5)
    assert caffe.dtype == np.float32 and np.array_equal(x, before)
    import ndflow as tf
    tensor = keras.applications.resnet50.preprocess_input(tf.constant(x))
    np.testing.assert_allclose(tensor.numpy(), caffe, rtol=1e-6)
    assert keras.applications.efficientnet.preprocess_input(x) is x


# --- Keras's .h5 weight files ------------------------------------------------------------

KERAS_SCRIPT = textwrap.dedent("""
    import os, sys
    os.environ["KERAS_BACKEND"] = "jax"
    import h5py, numpy as np, keras
    from keras.src.legacy.saving import legacy_h5_format
    out = sys.argv[1]
    rng = np.random.default_rng(0)
    cases = [("ResNet50", dict(include_top=False, input_shape=(32, 32, 3), pooling="avg")),
             ("MobileNetV2", dict(include_top=True, input_shape=(32, 32, 3), classes=10)),
             ("VGG16", dict(include_top=False, input_shape=(32, 32, 3)))]
    x = rng.uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    np.save(os.path.join(out, "x.npy"), x)
    for name, kwargs in cases:
        keras.utils.set_random_seed(1)
        model = getattr(keras.applications, name)(weights=None, **kwargs)
        for layer in model.layers:  # batch-norm statistics away from their initial values
            if isinstance(layer, keras.layers.BatchNormalization):
                c = layer.gamma.shape[0]
                layer.set_weights([rng.uniform(0.5, 1.5, c), rng.normal(0, 0.1, c),
                                   rng.normal(0, 0.1, c), rng.uniform(0.5, 1.5, c)])
        with h5py.File(os.path.join(out, name + ".h5"), "w") as f:  # Keras 2's layout
            legacy_h5_format.save_weights_to_hdf5_group(f, model)
        inputs = keras.applications.imagenet_utils.preprocess_input(x.copy(), mode="tf")
        np.save(os.path.join(out, name + ".npy"), np.asarray(model.predict(inputs, verbose=0)))
""")


@pytest.fixture(scope="module")
def keras_files(tmp_path_factory):
    try:
        import jax  # noqa: F401
        import keras as real_keras  # noqa: F401
    except Exception as e:  # noqa: BLE001 - any import failure means: no reference
        pytest.skip(f"Keras 3 with the jax backend is not importable here ({e})")
    out = tmp_path_factory.mktemp("keras_h5")
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu")
    done = subprocess.run([sys.executable, "-c", KERAS_SCRIPT, str(out)], env=env,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.skip(f"Keras could not write the reference files: {done.stderr[-800:]}")
    return out


@pytest.mark.parametrize("name,kwargs", [
    ("ResNet50", dict(include_top=False, input_shape=(32, 32, 3), pooling="avg")),
    ("MobileNetV2", dict(include_top=True, input_shape=(32, 32, 3), classes=10)),
    ("VGG16", dict(include_top=False, input_shape=(32, 32, 3))),
])
def test_keras_h5_weights_give_keras_predictions(keras_files, name, kwargs):
    keras.backend.clear_session()
    path = str(keras_files / f"{name}.h5")
    model = getattr(keras.applications, name)(weights=path, **kwargs)
    x = np.load(keras_files / "x.npy")
    expected = np.load(keras_files / f"{name}.npy")
    got = model.predict(keras.applications.imagenet_utils.preprocess_input(x, mode="tf"),
                        verbose=0)
    scale = float(np.abs(expected).max())
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4 * scale)


def test_mismatched_h5_changes_nothing(keras_files):
    keras.backend.clear_session()
    model = keras.applications.ResNet50(weights=None, include_top=False,
                                        input_shape=(32, 32, 3), pooling="max")
    before = [w.numpy().copy() for w in model.weights]
    with pytest.raises(ValueError):
        model.load_weights(str(keras_files / "MobileNetV2.h5"))
    assert all(np.array_equal(a, w.numpy()) for a, w in zip(before, model.weights))


def test_legacy_h5_by_position_by_name_and_chunked_names(tmp_path):
    h5py = pytest.importorskip("h5py")
    keras.backend.clear_session()
    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(2, name="b")(keras.layers.Dense(3, name="a")(inputs))
    model = keras.Model(inputs, outputs)
    rng = np.random.default_rng(0)
    values = [rng.normal(size=s).astype(np.float32) for s in ((4, 3), (3,), (3, 2), (2,))]
    path = tmp_path / "legacy.h5"
    with h5py.File(path, "w") as f:  # names split over two attributes, as Keras 2 does
        f.attrs["layer_names0"] = [b"input_1", b"x"]
        f.attrs["layer_names1"] = [b"y"]
        f.create_group("input_1").attrs["weight_names"] = np.array([], dtype="S1")
        for layer, (k, b) in (("x", values[:2]), ("y", values[2:])):
            g = f.create_group(layer)
            g.attrs["weight_names"] = [f"{layer}/kernel:0".encode(), f"{layer}/bias:0".encode()]
            g.create_dataset(f"{layer}/kernel:0", data=k)
            g.create_dataset(f"{layer}/bias:0", data=b)
    model.load_weights(path)  # other names: matched by position, like Keras
    for got, want in zip(model.get_weights(), values):
        np.testing.assert_array_equal(got, want)
    before = model.get_weights()
    model.load_weights(path, by_name=True)  # no name in common: nothing loaded
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    extra = keras.Model(inputs, keras.layers.Dense(1, name="c")(outputs))
    with pytest.raises(ValueError, match="Layer count mismatch"):
        extra.load_weights(path)
