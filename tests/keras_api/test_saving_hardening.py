"""Keras saving against bad files and bad configs (issue 16): what a file merely claims is
never allocated, stored code and arbitrary functions are never called, links and external
storage are refused, files ndflow wrote carry a checksum."""
import io
import json
import os
import tracemalloc
import warnings
import zipfile

import numpy as np
import pytest

from ndflow import keras
from ndflow.framework.errors import DataLossError, ResourceExhaustedError
from ndflow.keras.saving import saving_lib

h5py = pytest.importorskip("h5py")


def _model():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"),
                              keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    return model


@pytest.fixture
def saved(tmp_path):
    model = _model()
    path = tmp_path / "m.keras"
    model.save(path)
    return model, path


def _members(path):
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _write_zip(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as z:
        for name, data in members.items():
            z.writestr(name, data)


def _with_config(saved_path, dst, edit):
    members = _members(saved_path)
    config = json.loads(members["config.json"])
    edit(config)
    members["config.json"] = json.dumps(config).encode()
    _write_zip(dst, members)
    return dst


# --- code and functions a config may name ----------------------------------------------------------

@pytest.mark.parametrize("module,name", [("keras.models", "save_model"),
                                         ("keras.losses", "get"),
                                         ("keras.activations", "deserialize")])
def test_config_cannot_name_arbitrary_public_functions(saved, tmp_path, module, name):
    _, path = saved

    def edit(config):  # compile would hand it to fit as the loss, called on every batch
        config["compile_config"]["loss"] = {
            "module": module, "class_name": "function", "config": name,
            "registered_name": name}

    bad = _with_config(path, tmp_path / "bad.keras", edit)
    with pytest.raises(TypeError, match=rf"(?s)bad\.keras.*Could not locate function '{name}'"):
        keras.models.load_model(bad)


def test_config_cannot_name_a_class_that_is_not_serializable(saved, tmp_path):
    _, path = saved
    from ndflow.keras.saving import serialization_lib

    def edit(config):
        config["config"]["layers"][1]["config"]["kernel_initializer"] = {
            "module": "keras.saving", "class_name": "SafeModeScope", "config": {},
            "registered_name": None}

    bad = _with_config(path, tmp_path / "bad.keras", edit)
    assert serialization_lib.SafeModeScope  # a real class, reachable by name before the fix
    with pytest.raises((TypeError, ValueError), match=r"bad\.keras"):
        keras.models.load_model(bad)


def test_named_activation_and_loss_functions_still_load(saved, tmp_path):
    model, path = saved

    def edit(config):
        config["config"]["layers"][1]["config"]["activation"] = {
            "module": "keras.activations", "class_name": "function", "config": "tanh",
            "registered_name": "tanh"}
        config["compile_config"]["loss"] = {"module": "keras.losses", "class_name": "function",
                                            "config": "mean_squared_error",
                                            "registered_name": "mean_squared_error"}

    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):  # as Keras 3 warns: the file's optimizer was never built
        loaded = keras.models.load_model(_with_config(path, tmp_path / "ok.keras", edit))
    assert loaded.layers[0].activation is keras.activations.tanh
    assert loaded.loss is keras.losses.mean_squared_error


# --- memory bombs ---------------------------------------------------------------------------------

def test_subarray_dtype_in_compile_config_is_refused_without_allocating(saved, tmp_path):
    _, path = saved

    def edit(config):
        config["compile_config"]["loss_weights"] = {
            "class_name": "__numpy__", "config": {"value": [1.0], "dtype": "(60000,60000)f4"}}

    bad = _with_config(path, tmp_path / "bomb.keras", edit)
    tracemalloc.start()
    try:
        with pytest.raises(DataLossError, match=r"(?s)bomb\.keras.*plain numeric dtype"):
            keras.models.load_model(bad)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20


def test_huge_units_are_refused_naming_the_layer(saved, tmp_path):
    _, path = saved

    def edit(config):
        config["config"]["layers"][1]["config"]["units"] = 1_000_000_000

    bad = _with_config(path, tmp_path / "units.keras", edit)
    with pytest.raises(ResourceExhaustedError, match=r"(?s)units\.keras.*layer 'dense.*"
                                                     r"set_max_load_weight_bytes"):
        keras.models.load_model(bad)
    members = _members(bad)
    del members["model.weights.h5"]           # no weights: the default budget applies
    _write_zip(tmp_path / "noweights.keras", members)
    with pytest.raises(ResourceExhaustedError, match="dense"):
        keras.models.load_model(tmp_path / "noweights.keras")
    saving_lib.set_max_load_weight_bytes(1 << 40)
    try:
        members["config.json"] = _members(path)["config.json"]
        _write_zip(tmp_path / "small.keras", members)
        keras.models.load_model(tmp_path / "small.keras")  # an ordinary model still builds
    finally:
        saving_lib.set_max_load_weight_bytes(None)


def test_deeply_nested_config_is_a_clear_error(saved, tmp_path):
    _, path = saved
    members = _members(path)
    members["config.json"] = b'{"class_name": "Sequential", "config": ' + b"[" * 200_000 + \
        b"]" * 200_000 + b"}"
    _write_zip(tmp_path / "deep.keras", members)
    with pytest.raises(DataLossError, match=r"deep\.keras.*nested"):
        keras.models.load_model(tmp_path / "deep.keras")


def test_config_without_layers_names_the_key(saved, tmp_path):
    _, path = saved
    bad = _with_config(path, tmp_path / "nolayers.keras",
                       lambda c: c["config"].pop("layers"))
    with pytest.raises(DataLossError, match=r"nolayers\.keras.*lacks the key 'layers'"):
        keras.models.load_model(bad)


def test_weights_member_is_streamed_not_read_whole(saved, tmp_path):
    model, path = saved
    members = _members(path)
    # a weights member padded to 160 MiB (zeros deflate to almost nothing)
    members["model.weights.h5"] += bytes(160 << 20)
    _write_zip(tmp_path / "padded.keras", members, compression=zipfile.ZIP_DEFLATED)
    assert os.path.getsize(tmp_path / "padded.keras") < 1 << 20
    tracemalloc.start()
    try:
        with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
            loaded = keras.models.load_model(tmp_path / "padded.keras")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 48 << 20, peak  # seeking a deflated member reads 16 MiB steps
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_zip_member_claiming_an_impossible_size_is_refused(saved, tmp_path):
    _, path = saved
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("model.weights.h5")
    # the central directory entry's uncompressed size field (offset 24 of the entry)
    central = data.rindex(b"PK\x01\x02" + data[data.index(b"PK\x01\x02") + 4:][:0])
    for offset in range(len(data) - 46):
        if data[offset:offset + 4] == b"PK\x01\x02" and \
                data[offset + 46:offset + 46 + 16] == b"model.weights.h5":
            central = offset
    data[central + 24:central + 28] = (0xFFFFFFF0).to_bytes(4, "little")
    (tmp_path / "claims.keras").write_bytes(bytes(data))
    assert info.file_size < 1 << 20
    with pytest.raises(DataLossError, match=r"claims\.keras"):
        keras.models.load_model(tmp_path / "claims.keras")


# --- HDF5 links and external storage --------------------------------------------------------------

def _rewrite_weights(model, path, edit):
    model.save_weights(path)
    with h5py.File(path, "a") as f:
        edit(f)


def test_external_storage_is_refused(saved, tmp_path):
    model, _ = saved
    secret = tmp_path / "secret.bin"
    secret.write_bytes(np.arange(6, dtype=np.float32).tobytes() * 4)

    def edit(f):
        del f["layers/dense_1/vars/1"]
        f.create_dataset("layers/dense_1/vars/1", shape=(2,), dtype="f4",
                         external=[(str(secret), 0, 8)])

    bad = tmp_path / "external.weights.h5"
    _rewrite_weights(model, bad, edit)
    target = _model()
    before = target.get_weights()
    with pytest.raises(DataLossError, match=r"external\.weights\.h5.*external storage"):
        target.load_weights(bad)
    for a, b in zip(target.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_virtual_datasets_and_links_are_refused(saved, tmp_path):
    model, _ = saved
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["x"] = np.ones(2, np.float32)

    def virtual(f):
        del f["layers/dense_1/vars/1"]
        layout = h5py.VirtualLayout(shape=(2,), dtype="f4")
        layout[:] = h5py.VirtualSource(str(other), "x", shape=(2,))
        f["layers/dense_1"]["vars"].create_virtual_dataset("1", layout)

    def external_link(f):
        del f["layers/dense_1/vars/1"]
        f["layers/dense_1/vars/1"] = h5py.ExternalLink(str(other), "x")

    for name, edit, message in (("virtual", virtual, "virtual dataset"),
                                ("link", external_link, "ExternalLink")):
        bad = tmp_path / f"{name}.weights.h5"
        _rewrite_weights(model, bad, edit)
        with pytest.raises(DataLossError, match=rf"{name}\.weights\.h5.*{message}"):
            _model().load_weights(bad)


# --- checksums ------------------------------------------------------------------------------------

def test_weights_files_carry_a_checksum_keras_ignores(saved, tmp_path):
    model, path = saved
    model.save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5", "r") as f:
        assert len(f.attrs["ndflow_sha256"]) == 64
    data = bytearray((tmp_path / "w.weights.h5").read_bytes())
    with h5py.File(tmp_path / "w.weights.h5", "r") as f:
        offset = f["layers/dense/vars/0"].id.get_offset()
    data[offset] ^= 0x40                        # one bit of the first kernel value
    (tmp_path / "flipped.weights.h5").write_bytes(bytes(data))
    with pytest.raises(DataLossError, match=r"flipped\.weights\.h5.*checksum"):
        _model().load_weights(tmp_path / "flipped.weights.h5")
    with h5py.File(tmp_path / "flipped.weights.h5", "a") as f:  # as Keras writes it: none
        del f.attrs["ndflow_sha256"]
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        _model().load_weights(tmp_path / "flipped.weights.h5")  # loads as Keras loads it


def test_lambda_warning_names_the_layer(tmp_path):
    model = keras.Sequential([keras.Input((2,)),
                              keras.layers.Lambda(lambda t: t + 1.0, name="plus_one")])
    with pytest.warns(UserWarning, match="plus_one"):
        model.save(tmp_path / "l.keras")

    def named(t):
        return t + 1.0

    keras.saving.register_keras_serializable(package="HardeningTests")(named)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(named)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.save(tmp_path / "named.keras")
    keras.models.load_model(tmp_path / "named.keras")
