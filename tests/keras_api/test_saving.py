"""Keras saving: `.keras` round trips, `.weights.h5`, the registry, safe loading, atomic
writes and clear errors for bad files."""
import io
import json
import os
import zipfile

import numpy as np
import pytest

from ndflow import keras
from ndflow.framework.errors import AlreadyExistsError, DataLossError
from ndflow.keras import saving
from ndflow.keras.saving import object_registration, weights_store

h5py = pytest.importorskip("h5py")


@pytest.fixture(autouse=True)
def _clean_registry():
    before = dict(object_registration._GLOBAL_CUSTOM_OBJECTS)
    names = dict(object_registration._GLOBAL_CUSTOM_NAMES)
    yield
    object_registration._GLOBAL_CUSTOM_OBJECTS.clear()
    object_registration._GLOBAL_CUSTOM_OBJECTS.update(before)
    object_registration._GLOBAL_CUSTOM_NAMES.clear()
    object_registration._GLOBAL_CUSTOM_NAMES.update(names)


def _data(n=16, d=4, out=2, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)).astype("float32"), rng.normal(size=(n, out)).astype("float32")


def sequential():
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                             keras.layers.Dense(2)])


def functional():
    a = keras.Input((4,), name="a")
    b = keras.Input((3,), name="b")
    h = keras.layers.Dense(6, activation="tanh", name="hidden")(a)
    h = keras.layers.Concatenate()([h, b])
    return keras.Model(inputs=[a, b], outputs=keras.layers.Dense(2, name="out")(h))


def _register_wide_and_deep():
    @keras.saving.register_keras_serializable(package="Tests")
    class WideAndDeep(keras.Model):
        def __init__(self, units=5, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.hidden = keras.layers.Dense(units, activation="relu")
            self.main_output = keras.layers.Dense(2)
            self.blocks = [keras.layers.Dense(3), keras.layers.Dense(2)]

        def call(self, inputs):
            deep = self.main_output(self.hidden(inputs))
            return deep + self.blocks[1](self.blocks[0](inputs))

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return WideAndDeep


def _trained(model, x, y, optimizer="adam"):
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    return model


def _weights_equal(a, b):
    wa, wb = a.get_weights(), b.get_weights()
    return len(wa) == len(wb) and all(np.array_equal(p, q) for p, q in zip(wa, wb))


# --- round trips (must-show 3) -------------------------------------------------------------------

def _check_round_trip(model, x, y, path):
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert type(loaded) is type(model)
    # Optimizer state included: one more training step gives the same weights as without
    # the save/load in between.
    assert loaded.optimizer is not None
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    for p, q in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(q, p, rtol=1e-6, atol=1e-7)
    return loaded


def test_sequential_round_trip_with_optimizer_state(tmp_path):
    x, y = _data()
    model = _trained(sequential(), x, y)
    loaded = _check_round_trip(model, x, y, str(tmp_path / "seq.keras"))
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]


def test_functional_round_trip_with_optimizer_state(tmp_path):
    x, y = _data()
    xb = np.random.default_rng(1).normal(size=(16, 3)).astype("float32")
    model = functional()
    model.compile(optimizer=keras.optimizers.RMSprop(0.01, momentum=0.5), loss="mse")
    model.fit([x, xb], y, epochs=2, batch_size=4, verbose=0)
    _check_round_trip(model, [x, xb], y, str(tmp_path / "func.keras"))


def test_registered_subclassed_model_round_trip(tmp_path):
    WideAndDeep = _register_wide_and_deep()
    x, y = _data()
    model = _trained(WideAndDeep(units=7), x, y, optimizer=keras.optimizers.SGD(0.05,
                                                                                momentum=0.9))
    loaded = _check_round_trip(model, x, y, str(tmp_path / "sub.keras"))
    assert isinstance(loaded, WideAndDeep) and loaded.units == 7


def test_nested_model_round_trip(tmp_path):
    inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)], name="inner")
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inner(inputs)))
    x, y = _data()
    _trained(model, x, y)
    _check_round_trip(model, x, y, str(tmp_path / "nested.keras"))


def test_uncompiled_save_and_compile_false(tmp_path):
    x, y = _data()
    model = sequential()
    model.save(tmp_path / "plain.keras")
    loaded = keras.models.load_model(tmp_path / "plain.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    _trained(model, x, y)
    model.save(tmp_path / "compiled.keras")
    loaded = keras.models.load_model(tmp_path / "compiled.keras", compile=False)
    assert loaded.optimizer is None
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_unzipped_directory_round_trip(tmp_path):
    x, y = _data()
    model = _trained(sequential(), x, y)
    saving.save_model(model, tmp_path / "dir.keras", zipped=False)
    assert sorted(os.listdir(tmp_path / "dir.keras")) == ["config.json", "metadata.json",
                                                          "model.weights.h5"]
    loaded = keras.models.load_model(tmp_path / "dir.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


# --- the file layout (what Keras 3 reads) ---------------------------------------------------------

def _h5_tree(path):
    archive = zipfile.ZipFile(path)
    entries = {}
    with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as f:
        f.visititems(lambda name, obj: entries.__setitem__(
            name, tuple(obj.shape) if isinstance(obj, h5py.Dataset) else dict(obj.attrs)))
    return archive, entries


def test_keras3_file_layout(tmp_path):
    x, y = _data()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="hidden"),
                              keras.layers.Dense(2, name="out")])
    _trained(model, x, y)
    path = tmp_path / "m.keras"
    model.save(path)
    archive, entries = _h5_tree(path)
    assert archive.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
    assert all(i.compress_type == zipfile.ZIP_STORED for i in archive.infolist())
    config = json.loads(archive.read("config.json"))
    assert {"module", "class_name", "config", "registered_name", "build_config",
            "compile_config"} <= set(config)
    assert config["class_name"] == "Sequential"
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
    assert set(json.loads(archive.read("metadata.json"))) == {"keras_version", "date_saved"}
    # Groups are named by class, not by layer name (Keras's saving_lib walk).
    assert entries["layers/dense/vars"] == {"name": "hidden"}
    assert entries["layers/dense_1/vars"] == {"name": "out"}
    assert entries["layers/dense/vars/0"] == (4, 3) and entries["layers/dense/vars/1"] == (3,)
    assert entries["vars"] == {"name": model.name}
    # Optimizer: iterations, learning_rate, then Adam's slots.
    shapes = [entries[f"optimizer/vars/{i}"] for i in range(10)]
    assert shapes[:2] == [(), ()]
    assert sorted(shapes[2:]) == sorted([(4, 3), (4, 3), (3,), (3,), (3, 2), (3, 2), (2,),
                                         (2,)])
    assert "optimizer/vars/10" not in entries


def test_subclassed_layout_follows_attribute_names(tmp_path):
    WideAndDeep = _register_wide_and_deep()
    x, y = _data()
    model = WideAndDeep()
    model(x)
    model.save(tmp_path / "sub.keras")
    archive, entries = _h5_tree(tmp_path / "sub.keras")
    assert entries["hidden/vars/0"] == (4, 5)
    # "main_output" sorts after "layers", so (as in Keras) it is first met in model.layers,
    # the second Dense there.
    assert entries["layers/dense_1/vars/0"] == (5, 2) and "main_output" not in entries
    assert entries["blocks/dense/vars/0"] == (4, 3)
    assert entries["blocks/dense_1/vars/0"] == (3, 2)
    config = json.loads(archive.read("config.json"))
    assert config["registered_name"] == "Tests>WideAndDeep"
    assert config["config"]["units"] == 5


# --- weights files -----------------------------------------------------------------------------

def test_save_weights_load_weights(tmp_path):
    x, y = _data()
    model = _trained(sequential(), x, y)
    model.save_weights(tmp_path / "w.weights.h5")
    other = sequential()
    assert not _weights_equal(model, other)
    other.load_weights(tmp_path / "w.weights.h5")
    assert _weights_equal(model, other)
    # A .keras file's weights can be loaded the same way.
    model.save(tmp_path / "m.keras")
    third = sequential()
    third.load_weights(tmp_path / "m.keras")
    assert _weights_equal(model, third)


def test_load_weights_restores_optimizer_state(tmp_path):
    x, y = _data()
    model = _trained(sequential(), x, y)
    model.save_weights(tmp_path / "w.weights.h5")
    other = sequential()
    other.compile(optimizer="adam", loss="mse")
    other.load_weights(tmp_path / "w.weights.h5")
    assert int(other.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy())
    model.train_on_batch(x, y)
    other.train_on_batch(x, y)
    for p, q in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_allclose(q, p, rtol=1e-6, atol=1e-7)


def test_weights_filename_rules(tmp_path):
    model = sequential()
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        model.save_weights(tmp_path / "ckpt")
    with pytest.warns(DeprecationWarning):
        model.save_weights(tmp_path / "old.h5")


# --- bad files: clear errors, nothing changed -----------------------------------------------------

@pytest.fixture
def saved(tmp_path):
    x, y = _data()
    model = _trained(sequential(), x, y)
    path = tmp_path / "good.keras"
    model.save(path)
    return model, path


def _rewrite_zip(src, dst, drop=(), replace=None):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for name in zin.namelist():
            if name in drop:
                continue
            data = (replace or {}).get(name, zin.read(name))
            zout.writestr(name, data)


def test_not_a_zip(tmp_path):
    path = tmp_path / "junk.keras"
    path.write_bytes(b"this is not a model" * 10)
    with pytest.raises(DataLossError, match=r"junk\.keras.*not a zip"):
        keras.models.load_model(path)


def test_truncated_file(saved, tmp_path):
    _, good = saved
    path = tmp_path / "cut.keras"
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataLossError, match=r"cut\.keras"):
        keras.models.load_model(path)


def test_zip_without_config(saved, tmp_path):
    _, good = saved
    path = tmp_path / "noconfig.keras"
    _rewrite_zip(good, path, drop=("config.json",))
    with pytest.raises(DataLossError, match=r"noconfig\.keras.*no config\.json"):
        keras.models.load_model(path)
    with zipfile.ZipFile(tmp_path / "foreign.keras", "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(DataLossError, match="not a Keras 3"):
        keras.models.load_model(tmp_path / "foreign.keras")


def test_bad_json(saved, tmp_path):
    _, good = saved
    path = tmp_path / "badjson.keras"
    _rewrite_zip(good, path, replace={"config.json": b"{\"class_name\": "})
    with pytest.raises(DataLossError, match=r"badjson\.keras.*config\.json is not valid JSON"):
        keras.models.load_model(path)


def test_corrupted_member_crc(saved, tmp_path):
    _, good = saved
    data = bytearray(good.read_bytes())
    start = data.find(b"HDF")  # inside the stored model.weights.h5 member
    data[start + 200] ^= 0xFF
    path = tmp_path / "flipped.keras"
    path.write_bytes(bytes(data))
    with pytest.raises(DataLossError, match=r"flipped\.keras.*corrupted"):
        keras.models.load_model(path)


def _weights_with(model, edit, path):
    model.save_weights(path)
    with h5py.File(path, "a") as f:
        del f.attrs["ndflow_sha256"]  # edited by hand: like a file Keras wrote, no checksum
        edit(f)


def test_missing_and_misshaped_entries_change_nothing(saved, tmp_path):
    model, _ = saved
    target = sequential()
    before = target.get_weights()

    def drop_second_bias(f):
        del f["layers/dense_1/vars/1"]

    _weights_with(model, drop_second_bias, tmp_path / "missing.weights.h5")
    with pytest.raises(DataLossError,
                       match=r"(?s)missing\.weights\.h5.*nothing was changed.*layers/dense_1"):
        target.load_weights(tmp_path / "missing.weights.h5")
    assert _weights_equal_list(target.get_weights(), before)

    def reshape_second_kernel(f):
        del f["layers/dense_1/vars/0"]
        f["layers/dense_1/vars/0"] = np.zeros((8, 5), "float32")

    _weights_with(model, reshape_second_kernel, tmp_path / "shape.weights.h5")
    with pytest.raises(DataLossError,
                       match=r"(?s)shape\.weights\.h5.*shape \(8, 2\).*shape \(8, 5\)"):
        target.load_weights(tmp_path / "shape.weights.h5")
    assert _weights_equal_list(target.get_weights(), before)  # first layer untouched too


def _weights_equal_list(a, b):
    return all(np.array_equal(p, q) for p, q in zip(a, b))


def test_weights_file_not_hdf5(tmp_path):
    path = tmp_path / "bad.weights.h5"
    path.write_bytes(b"\x00" * 64)
    with pytest.raises(DataLossError, match=r"bad\.weights\.h5.*not a readable HDF5"):
        sequential().load_weights(path)


def test_keras2_h5_weights_and_savedmodel_are_refused(tmp_path):
    # whole-model `.h5` files are read and written (tests/keras_api/test_h5_models.py)
    model = sequential()
    model.save(tmp_path / "m.h5")
    assert len(keras.models.load_model(tmp_path / "m.h5").get_weights()) == \
        len(model.get_weights())
    with pytest.raises(ValueError, match="SavedModel"):
        model.save(tmp_path / "m", save_format="tf")
    with h5py.File(tmp_path / "legacy.h5", "w") as f:  # what Keras 2 writes: layer_names
        f.attrs["layer_names"] = [b"dense"]
    with pytest.raises(ValueError, match="Keras 2"):
        keras.models.load_model(tmp_path / "legacy.h5")
    with pytest.raises(ValueError, match="Keras 2"):
        model.load_weights(tmp_path / "legacy.h5")


# --- atomic writes --------------------------------------------------------------------------------

def test_failed_save_leaves_previous_file_intact(saved, tmp_path, monkeypatch):
    model, path = saved
    original = path.read_bytes()
    calls = []

    def failing_write(h5file, model, include_optimizer=True):
        h5file.create_group("layers/partial")  # some bytes are written, then it fails
        calls.append(1)
        raise RuntimeError("simulated failure while serializing")

    monkeypatch.setattr(weights_store, "write_weights", failing_write)
    with pytest.raises(RuntimeError, match="simulated"):
        model.save(path)
    with pytest.raises(RuntimeError, match="simulated"):
        model.save_weights(tmp_path / "w.weights.h5")
    assert calls == [1, 1]
    assert path.read_bytes() == original
    assert sorted(os.listdir(tmp_path)) == ["good.keras"]  # no temporary files left behind
    monkeypatch.undo()
    keras.models.load_model(path)


def test_failure_in_the_middle_of_the_file_write(saved, monkeypatch):
    model, path = saved
    original = path.read_bytes()
    real_writestr = zipfile.ZipFile.writestr

    def writestr(self, name, data, *args, **kwargs):
        if name == "model.weights.h5":
            raise OSError("disk full (simulated)")
        return real_writestr(self, name, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", writestr)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_bytes() == original
    assert os.listdir(path.parent) == ["good.keras"]


def test_overwrite_false(saved):
    model, path = saved
    with pytest.raises(AlreadyExistsError, match="overwrite"):
        model.save(path, overwrite=False)


# --- registration and serialization ---------------------------------------------------------------

def test_register_and_lookup():
    @saving.register_keras_serializable(package="Pkg", name="Scale")
    class ScaleLayer(keras.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    assert saving.get_registered_name(ScaleLayer) == "Pkg>Scale"
    assert saving.get_registered_object("Pkg>Scale") is ScaleLayer
    assert saving.get_registered_name(keras.layers.Dense) == "Dense"
    config = saving.serialize_keras_object(ScaleLayer(3.0, name="s"))
    assert config["registered_name"] == "Pkg>Scale" and config["config"]["factor"] == 3.0
    layer = saving.deserialize_keras_object(config)
    assert isinstance(layer, ScaleLayer) and layer.factor == 3.0 and layer.name == "s"


def test_register_rejects_class_without_get_config():
    with pytest.raises(ValueError, match="get_config"):
        saving.register_keras_serializable()(type("NoConfig", (), {}))


def test_custom_objects_and_scope(tmp_path):
    class Doubler(keras.layers.Layer):
        def call(self, x):
            return x * 2.0

    model = keras.Sequential([keras.Input((3,)), Doubler(), keras.layers.Dense(2)])
    path = tmp_path / "custom.keras"
    model.save(path)
    x = np.ones((2, 3), "float32")
    with pytest.raises(TypeError, match=r"Could not locate class 'Doubler'.*custom_objects"):
        keras.models.load_model(path)
    loaded = keras.models.load_model(path, custom_objects={"Doubler": Doubler})
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    with saving.custom_object_scope({"Doubler": Doubler}):
        assert saving.get_registered_object("Doubler") is Doubler
        loaded = keras.models.load_model(path)
    assert saving.get_registered_object("Doubler") is None
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_functions_round_trip_by_registration():
    @saving.register_keras_serializable(package="Fns")
    def half_relu(x):
        return keras.activations.relu(x) * 0.5

    config = saving.serialize_keras_object(half_relu)
    assert config == {"module": half_relu.__module__, "class_name": "function",
                      "config": "Fns>half_relu", "registered_name": "Fns>half_relu"}
    assert saving.deserialize_keras_object(config) is half_relu
    builtin = saving.serialize_keras_object(keras.activations.relu)
    assert builtin["module"] == "keras.activations"
    assert saving.deserialize_keras_object(builtin) is keras.activations.relu


def test_plain_values_round_trip():
    value = {"a": [1, 2.5, "x", None], "b": np.arange(3, dtype="int32"), "c": b"raw"}
    back = saving.deserialize_keras_object(saving.serialize_keras_object(value))
    assert back["a"] == [1, 2.5, "x", None] and back["c"] == b"raw"
    np.testing.assert_array_equal(back["b"], np.arange(3))
    assert back["b"].dtype == np.int32


def test_unknown_module_is_never_imported():
    config = {"module": "os", "class_name": "system", "config": {}, "registered_name": None}
    with pytest.raises(TypeError, match="Could not locate"):
        saving.deserialize_keras_object(config)
    config = {"module": "os", "class_name": "function", "config": "system",
              "registered_name": "system"}
    with pytest.raises(TypeError, match="Could not locate function 'system'"):
        saving.deserialize_keras_object(config, safe_mode=False)


# --- safe mode: stored code is never run ----------------------------------------------------------

KERAS_LAMBDA = {"class_name": "__lambda__",
                "config": {"value": ["4wEAAAAAAAAAAAAAAAEAAAAC", None, None]}}


def test_stored_lambda_is_refused():
    with pytest.raises(ValueError, match="safe_mode"):
        saving.deserialize_keras_object(KERAS_LAMBDA)
    with pytest.raises(ValueError, match="never executes"):
        saving.deserialize_keras_object(KERAS_LAMBDA, safe_mode=False)


def test_lambda_layer_model_does_not_load_code(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda t: t * 3.0)])
    path = tmp_path / "lambda.keras"
    with pytest.warns(UserWarning, match=r"(?s)lambda.*cannot be loaded back.*"
                                         r"register_keras_serializable"):
        model.save(path)
    with pytest.raises(ValueError, match=r"safe_mode=True"):
        keras.models.load_model(path)
    with pytest.raises(ValueError, match=r"even with safe_mode=False") as info:
        keras.models.load_model(path, safe_mode=False)
    assert "(safe_mode=True)" not in str(info.value)
    # A Keras-written Lambda config (bytecode) in a file: refused, naming the file.
    archive = zipfile.ZipFile(path)
    config = json.loads(archive.read("config.json"))
    config["config"]["layers"][-1]["config"]["function"] = KERAS_LAMBDA
    bad = tmp_path / "keras_lambda.keras"
    _rewrite_zip(path, bad, replace={"config.json": json.dumps(config).encode()})
    with pytest.raises(ValueError, match=r"keras_lambda\.keras"):
        keras.models.load_model(bad)


# --- callbacks that save --------------------------------------------------------------------------

@pytest.mark.parametrize("filename,weights_only", [("ckpt_{epoch:02d}.keras", False),
                                                    ("ckpt_{epoch:02d}.weights.h5", True)])
def test_model_checkpoint_writes_loadable_files(tmp_path, filename, weights_only):
    x, y = _data()
    model = sequential()
    model.compile(optimizer="adam", loss="mse")
    checkpoint = keras.callbacks.ModelCheckpoint(str(tmp_path / filename),
                                                 save_weights_only=weights_only)
    model.fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[checkpoint])
    last = tmp_path / filename.format(epoch=2)
    assert last.exists() and (tmp_path / filename.format(epoch=1)).exists()
    if weights_only:
        restored = sequential()
        restored.load_weights(last)
    else:
        restored = keras.models.load_model(last)
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
