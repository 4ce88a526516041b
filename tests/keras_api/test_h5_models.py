"""Whole models in Keras 2's `.h5` format: load_model on files written by Keras 2 (tf_keras
2.21) and Keras 3.15 (tests/fixtures/keras_h5, from tools/make_keras_h5_fixtures.py),
model.save('m.h5') round trips, the written layout against Keras's, and bad files."""
import json
import os
import shutil
import warnings

import numpy as np
import pytest

from ndflow import keras
from ndflow.framework.errors import AlreadyExistsError, DataLossError, NotFoundError

h5py = pytest.importorskip("h5py")

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "keras_h5")
PRED = np.load(os.path.join(FIXTURES, "predictions.npz"))
CASES = [f"{lib}_{kind}" for lib in ("k2", "k3") for kind in ("mlp", "cnn", "text")]


def fixture(name):
    return os.path.join(FIXTURES, f"{name}.h5")


def model_input(name):
    return PRED["input_" + name.split("_", 1)[1]]


def load(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a fixture loads without any warning
        return keras.models.load_model(path, **kwargs)


def optimizer_values(h5file):
    group = h5file["optimizer_weights"]
    return [np.asarray(group[n][()]) for n in group.attrs["weight_names"]]


def walk(node):
    """Every dict inside a JSON config."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


# --- reading Keras's files ------------------------------------------------------------------------

@pytest.mark.parametrize("name", CASES)
def test_load_keras_file_predicts_as_keras(name):
    model = load(fixture(name))
    np.testing.assert_allclose(model.predict(model_input(name), verbose=0), PRED[name],
                               rtol=1e-5, atol=1e-6)
    assert model.optimizer is not None and model.compiled
    assert int(model.optimizer.iterations.numpy()) == 1  # one training step was saved
    with h5py.File(fixture(name), "r") as f:
        saved = optimizer_values(f)
    slots = [np.asarray(v.numpy()) for v in model.optimizer.variables
             if v is not model.optimizer.iterations and v is not
             getattr(model.optimizer, "_learning_rate", None)]
    assert any(np.abs(s).max() > 0 for s in slots)
    for slot in slots:  # every restored slot is one of the file's arrays
        assert any(s.shape == slot.shape and np.array_equal(s, slot) for s in saved)


def predict_fixture(model, name):
    if name.endswith("multi"):
        return model.predict([PRED["input_multi_a"], PRED["input_multi_b"]], verbose=0)
    return model.predict(model_input(name), verbose=0)


def expected(name):
    if name.endswith("multi"):
        return [PRED[f"{name}_0"], PRED[f"{name}_1"]]
    return PRED[name]


@pytest.mark.parametrize("name", ["k2_multi", "k2_seq"])
def test_load_keras2_graphs_and_wrappers(name, tmp_path):
    """Shared layers, merges, a nested Sequential (Keras 2 numbers its calls from 1), two
    outputs with loss weights and per-output metrics; Bidirectional, TimeDistributed,
    Masking. Saved again by ndflow, the file loads back the same."""
    model = load(fixture(name))
    got, want = predict_fixture(model, name), expected(name)
    if not name.endswith("multi"):
        got, want = [got], [want]
    assert len(got) == len(want)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert int(model.optimizer.iterations.numpy()) == 1
    path = str(tmp_path / "again.h5")
    model.save(path)
    with h5py.File(path, "r") as ours, h5py.File(fixture(name), "r") as theirs:
        mine = json.loads(ours.attrs["model_config"])["config"]["layers"]
        ref = json.loads(theirs.attrs["model_config"])["config"]["layers"]
    if name.endswith("multi"):  # the same Keras 2 node numbering written back
        assert [e.get("inbound_nodes") and [[r[:3] for r in n] for n in e["inbound_nodes"]]
                for e in mine] == \
            [e.get("inbound_nodes") and [[r[:3] for r in n] for n in e["inbound_nodes"]]
             for e in ref]
    again = load(path)
    for a, b in zip(again.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(again.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_load_restores_hyperparameters_and_loss():
    model = load(fixture("k2_cnn"))
    assert type(model.optimizer).__name__ == "SGD"
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.05)
    assert model.optimizer.momentum == pytest.approx(0.9)
    x, y = model_input("k2_cnn"), np.array([0, 1, 0])
    loss = model.evaluate(x, y, verbose=0)
    logits = PRED["k2_cnn"]
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    want = -np.mean(np.log(p[np.arange(3), y]))
    assert np.ravel(loss)[0] == pytest.approx(want, rel=1e-4)  # from_logits=True kept
    model.fit(x, y, epochs=1, verbose=0)  # the restored optimizer trains
    assert int(model.optimizer.iterations.numpy()) == 2


@pytest.mark.parametrize("name", ["k2_mlp", "k3_cnn"])
def test_compile_false(name):
    model = load(fixture(name), compile=False)
    assert not model.compiled
    np.testing.assert_allclose(model.predict(model_input(name), verbose=0), PRED[name],
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("safe_mode", [True, False])
def test_keras2_lambda_bytecode_is_refused(safe_mode):
    with pytest.raises(ValueError, match="lambda") as info:
        keras.models.load_model(fixture("k2_lambda"), safe_mode=safe_mode)
    assert "k2_lambda.h5" in str(info.value)


# --- writing ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("ext", [".h5", ".hdf5"])
def test_save_round_trip(name, ext, tmp_path):
    model = load(fixture(name))
    path = str(tmp_path / f"m{ext}")
    model.save(path)
    again = load(path)
    np.testing.assert_allclose(again.predict(model_input(name), verbose=0), PRED[name],
                               rtol=1e-5, atol=1e-6)
    assert type(again.optimizer) is type(model.optimizer)
    for a, b in zip(again.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert [w.shape for w in again.get_weights()] == [w.shape for w in model.get_weights()]


def test_save_format_h5_and_include_optimizer(tmp_path):
    model = load(fixture("k2_mlp"))
    path = str(tmp_path / "noext")
    model.save(path, save_format="h5", include_optimizer=False)
    with h5py.File(path, "r") as f:
        assert "model_config" in f.attrs and "training_config" in f.attrs
        assert "optimizer_weights" not in f
    again = load(path)  # compiled from training_config, a fresh optimizer
    assert again.compiled and int(again.optimizer.iterations.numpy()) == 0


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_written_layout_matches_keras(kind, tmp_path):
    path = str(tmp_path / "m.h5")
    load(fixture(f"k2_{kind}")).save(path)
    with h5py.File(path, "r") as ours, h5py.File(fixture(f"k2_{kind}"), "r") as k2, \
            h5py.File(fixture(f"k3_{kind}"), "r") as k3:
        assert {"backend", "keras_version", "model_config", "training_config"} <= \
            set(ours.attrs)
        names = [n.decode() for n in ours["model_weights"].attrs["layer_names"]]
        assert names == list(k2["model_weights"].attrs["layer_names"])
        assert {"backend", "keras_version"} <= set(ours["model_weights"].attrs)
        for layer in names:
            mine = ours["model_weights"][layer].attrs["weight_names"]
            theirs = k2["model_weights"][layer].attrs["weight_names"]
            assert len(mine) == len(theirs)
            assert [ours["model_weights"][layer][n].shape for n in mine] == \
                [k2["model_weights"][layer][n].shape for n in theirs]
        # optimizer state in Keras 3's order: iteration, learning rate, then the slots
        assert [a.shape for a in optimizer_values(ours)] == \
            [a.shape for a in optimizer_values(k3)]
        config = json.loads(ours.attrs["model_config"])
        reference = json.loads(k2.attrs["model_config"])
        training = json.loads(ours.attrs["training_config"])
    assert config["class_name"] == reference["class_name"]
    assert set(config) == set(reference) == {"class_name", "config"}
    for node in walk(config):  # Keras 2 form: plain dtype names
        if "dtype" in node:
            assert isinstance(node["dtype"], str)
    mine = config["config"]["layers"]
    theirs = reference["config"]["layers"]
    assert [(a["class_name"], a["config"]["name"]) for a in mine] == \
        [(b["class_name"], b["config"]["name"]) for b in theirs]
    for a, b in zip(mine, theirs):  # layer entries without module keys; nested objects
        assert set(a) == set(b)     # (initializers...) with them, as tf_keras writes
        for key, value in b["config"].items():
            if isinstance(value, dict) and "class_name" in value:
                assert set(a["config"][key]) == set(value), key
                assert a["config"][key]["module"] == value["module"]
    assert mine[0]["config"]["batch_input_shape"] == theirs[0]["config"]["batch_input_shape"]
    if kind == "cnn":
        for a, b in zip(mine, theirs):
            assert [[e[:3] for e in n] for n in a["inbound_nodes"]] == \
                [[e[:3] for e in n] for n in b["inbound_nodes"]]
        assert config["config"]["output_layers"] == reference["config"]["output_layers"]
    assert set(training) >= {"loss", "metrics", "optimizer_config"}
    assert training["optimizer_config"]["class_name"] in ("Adam", "SGD")


def test_new_model_and_custom_objects(tmp_path):
    @keras.saving.register_keras_serializable(package="h5test")
    class Scale(keras.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return dict(super().get_config(), factor=self.factor)

    inputs = keras.Input((3,))
    a = keras.layers.Dense(4, name="a")(inputs)
    b = keras.layers.Dense(4, name="b")(inputs)
    merged = keras.layers.Concatenate(name="cat")([a, Scale(3.0, name="s")(b)])
    model = keras.Model(inputs, keras.layers.Dense(1, name="out")(merged))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    x = np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32)
    model.fit(x, x[:, :1], epochs=1, verbose=0)
    path = str(tmp_path / "custom.h5")
    model.save(path)
    with h5py.File(path, "r") as f:
        config = json.loads(f.attrs["model_config"])
    assert "h5test>Scale" in {n.get("class_name") for n in walk(config)}
    cat = [e for e in config["config"]["layers"] if e["name"] == "cat"][0]
    assert [e[0] for e in cat["inbound_nodes"][0]] == ["a", "s"]
    again = load(path)
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
    # the same class under another name through custom_objects
    with h5py.File(path, "r+") as f:
        f.attrs["model_config"] = f.attrs["model_config"].replace("h5test>Scale",
                                                                  "MyScale")
    with pytest.raises(DataLossError, match="custom.h5.*digest"):
        keras.models.load_model(path)  # ndflow's files carry a digest of their config
    with h5py.File(path, "r+") as f:
        del f.attrs["ndflow_config_sha256"]  # as if Keras had written the file
    with pytest.raises(TypeError, match="MyScale") as info:
        keras.models.load_model(path)
    assert "custom.h5" in str(info.value)
    again = keras.models.load_model(path, custom_objects={"MyScale": Scale})
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


def test_overwrite_and_atomic_write(tmp_path, monkeypatch):
    from ndflow.keras.saving import legacy_h5_model
    path = str(tmp_path / "m.h5")
    load(fixture("k2_mlp")).save(path)
    with open(path, "rb") as f:
        before = f.read()
    with pytest.raises(AlreadyExistsError):
        load(fixture("k2_cnn")).save(path, overwrite=False)
    calls = []
    real = legacy_h5_model._write_variables

    def fail_midway(*args):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(*args)

    monkeypatch.setattr(legacy_h5_model, "_write_variables", fail_midway)
    with pytest.raises(OSError, match="disk full"):
        load(fixture("k2_cnn")).save(path)
    monkeypatch.undo()
    with open(path, "rb") as f:
        assert f.read() == before  # a failed save leaves the old file as it was
    assert os.listdir(tmp_path) == ["m.h5"]
    # a Python lambda: its code is not stored (a warning), and loading refuses it
    lam = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda t: t + 1)])
    with pytest.warns(UserWarning, match="lambda"):
        lam.save(str(tmp_path / "lam.h5"))
    with pytest.raises(ValueError, match="lambda"):
        keras.models.load_model(str(tmp_path / "lam.h5"))
    with pytest.raises(ValueError, match="save_weights"):
        load(fixture("k2_mlp")).save(str(tmp_path / "m.weights.h5"))


def test_model_checkpoint_h5(tmp_path):
    model = load(fixture("k2_mlp"))
    x, y = model_input("k2_mlp"), np.eye(3, dtype=np.float32)[[0, 1, 2, 0, 1]]
    path = str(tmp_path / "best.h5")
    checkpoint = keras.callbacks.ModelCheckpoint(path, monitor="loss", save_best_only=True,
                                                 save_weights_only=False)
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[checkpoint])
    best = load(path)
    assert int(best.optimizer.iterations.numpy()) == 1 + 1 + int(
        np.argmin(history.history["loss"]))
    np.testing.assert_allclose(best.evaluate(x, y, verbose=0)[0],
                               min(history.history["loss"]), rtol=0.2)


# --- bad files ------------------------------------------------------------------------------------

def copy(tmp_path, name="k2_cnn", to="bad.h5"):
    path = str(tmp_path / to)
    shutil.copyfile(fixture(name), path)
    return path


def test_missing_and_not_hdf5(tmp_path):
    with pytest.raises(NotFoundError):
        keras.models.load_model(str(tmp_path / "nothing.h5"))
    path = str(tmp_path / "text.h5")
    with open(path, "w") as f:
        f.write("not an hdf5 file")
    with pytest.raises(DataLossError, match="text.h5"):
        keras.models.load_model(path)


def test_truncated(tmp_path):
    path = copy(tmp_path)
    with open(fixture("k2_cnn"), "rb") as f:
        data = f.read()
    for size in (100, len(data) // 2, len(data) - 7):
        with open(path, "wb") as f:
            f.write(data[:size])
        with pytest.raises(DataLossError, match="bad.h5"):
            keras.models.load_model(path)


@pytest.mark.parametrize("value, match", [("{not json", "not valid JSON"),
                                          ("[1, 2]", "not a JSON object"),
                                          ('{"config": {}}', "class_name"),
                                          (b"\xff\xfe", "UTF-8")])
def test_bad_model_config(tmp_path, value, match):
    path = copy(tmp_path)
    with h5py.File(path, "r+") as f:
        f.attrs["model_config"] = np.bytes_(value) if isinstance(value, bytes) else value
    with pytest.raises(DataLossError, match=match) as info:
        keras.models.load_model(path)
    assert "bad.h5" in str(info.value)


def edit_config(path, edit):
    with h5py.File(path, "r+") as f:
        config = json.loads(f.attrs["model_config"])
        edit(config)
        f.attrs["model_config"] = json.dumps(config)


def test_unknown_layer_class(tmp_path):
    path = copy(tmp_path)
    edit_config(path, lambda c: c["config"]["layers"][1].update(class_name="NoSuchLayer"))
    with pytest.raises(TypeError, match="NoSuchLayer") as info:
        keras.models.load_model(path)
    assert "bad.h5" in str(info.value)


def test_shapes_do_not_match(tmp_path):
    path = copy(tmp_path)
    edit_config(path, lambda c: c["config"]["layers"][1]["config"].update(filters=5))
    with pytest.raises(DataLossError, match="does not match") as info:
        keras.models.load_model(path)
    assert "bad.h5" in str(info.value) and "conv" in str(info.value)


def test_broken_graph_and_missing_groups(tmp_path):
    path = copy(tmp_path)
    edit_config(path, lambda c: c["config"]["layers"][2].update(
        inbound_nodes=[[["nowhere", 0, 0, {}]]]))
    with pytest.raises(ValueError, match="bad.h5"):
        keras.models.load_model(path)
    path = copy(tmp_path, to="noweights.h5")
    with h5py.File(path, "r+") as f:
        del f["model_weights"]
    with pytest.raises(DataLossError, match="noweights.h5.*model_weights"):
        keras.models.load_model(path)


def test_weights_only_file_points_to_load_weights(tmp_path):
    model = load(fixture("k2_mlp"))
    path = str(tmp_path / "w.h5")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.save_weights(path)
    with pytest.raises(ValueError, match="load_weights"):
        keras.models.load_model(path)


def test_optimizer_state_that_does_not_fit_warns(tmp_path):
    path = copy(tmp_path, "k2_mlp")
    with h5py.File(path, "r+") as f:
        del f["optimizer_weights"]["Adam"]["m"]["probs"]["bias:0"]
        f["optimizer_weights"]["Adam"]["m"]["probs"]["bias:0"] = np.zeros(7, np.float32)
    with pytest.warns(UserWarning, match="optimizer state was not restored"):
        model = keras.models.load_model(path)
    assert int(model.optimizer.iterations.numpy()) == 0
    np.testing.assert_allclose(model.predict(model_input("k2_mlp"), verbose=0),
                               PRED["k2_mlp"], rtol=1e-5, atol=1e-6)


def test_older_keras2_config_forms(tmp_path):
    """Keras <= 2.2 wrote a Sequential as its bare layer list (the input shape on the first
    layer), nested objects without module keys, `Model` for Functional models, optimizer
    configs with `lr`/`decay`, and "acc" for accuracy."""
    path = copy(tmp_path, "k2_mlp", "old.h5")
    with h5py.File(path, "r+") as f:
        layers = json.loads(f.attrs["model_config"])["config"]["layers"]
        shape = layers[0]["config"]["batch_input_shape"]
        layers = layers[1:]
        layers[0]["config"]["batch_input_shape"] = shape
        for layer in layers:
            for value in layer["config"].values():
                if isinstance(value, dict):
                    value.pop("module", None)
                    value.pop("registered_name", None)
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": layers})
        training = json.loads(f.attrs["training_config"])
        training["metrics"] = ["acc"]
        training["optimizer_config"] = {"class_name": "Adam", "config": {
            "lr": 0.01, "beta_1": 0.9, "beta_2": 0.999, "decay": 0.0, "epsilon": 1e-7,
            "amsgrad": False}}
        f.attrs["training_config"] = json.dumps(training)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*`lr` argument is deprecated")
        model = keras.models.load_model(path)
    np.testing.assert_allclose(model.predict(model_input("k2_mlp"), verbose=0),
                               PRED["k2_mlp"], rtol=1e-5, atol=1e-6)
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.01)
    assert int(model.optimizer.iterations.numpy()) == 1
    model.fit(model_input("k2_mlp"), np.eye(3)[[0, 1, 2, 0, 1]], verbose=0)
    assert "acc" in model.metrics_names
    path = copy(tmp_path, "k2_cnn", "old_cnn.h5")
    edit_config(path, lambda c: c.update(class_name="Model"))
    np.testing.assert_allclose(load(path).predict(model_input("k2_cnn"), verbose=0),
                               PRED["k2_cnn"], rtol=1e-5, atol=1e-6)


def test_pre_2_11_optimizer_slots_are_not_paired_wrongly(tmp_path):
    """TF's legacy optimizers name the step `iter:0` and list every m before every v; with
    several slots per variable ndflow warns instead of guessing the pairing."""
    path = copy(tmp_path, "k2_mlp", "legacy.h5")
    with h5py.File(path, "r+") as f:
        group = f["optimizer_weights"]
        names = [n.decode() if isinstance(n, bytes) else n for n in group.attrs["weight_names"]]
        group["Adam/iter:0"] = group["iteration:0"][()]
        del group["iteration:0"]
        group.attrs["weight_names"] = np.array(
            [b"Adam/iter:0"] + [n.encode() for n in names[1:]])
    with pytest.warns(UserWarning, match="pre-2.11"):
        model = keras.models.load_model(path)
    assert int(model.optimizer.iterations.numpy()) == 0


def test_config_claiming_huge_weights_allocates_nothing(tmp_path):
    from ndflow.framework.errors import ResourceExhaustedError
    path = copy(tmp_path, "k2_mlp", "huge.h5")
    edit_config(path, lambda c: c["config"]["layers"][1]["config"].update(units=10 ** 9))
    with pytest.raises(ResourceExhaustedError, match="huge.h5"):
        keras.models.load_model(path)
