"""Arithmetic on Keras tensors (`x + 1`, `x * y`, `x / 2`, `-x`, `x[:, 0]`) makes the
`keras.ops` nodes Keras 3 makes, so Functional models with it save and load both ways."""
import numpy as np

from ndflow import keras

from .keras_reference import reference_keras, to_numpy

RNG = np.random.default_rng(12)
XS = [RNG.normal(size=(4, 3)).astype("float32") for _ in range(2)]


def _model(k):
    k.utils.set_random_seed(3)
    x, y = k.Input((3,)), k.Input((3,))
    a = -((x + 1) * y / 2)
    c = 3 - a[:, 0:2]
    out = k.layers.Dense(2)(c) + c[:, 1][:, None]
    return k.Model([x, y], out)


def test_config_names_the_keras_ops():
    layers = _model(keras).get_config()["layers"]
    ops = [(entry["module"], entry["class_name"], entry["name"]) for entry in layers
           if entry["module"].startswith("keras.src.ops")]
    assert [c for _, c, _ in ops] == ["Add", "Multiply", "TrueDivide", "Negative", "GetItem",
                                      "Subtract", "GetItem", "GetItem", "Add"]
    assert {m for m, _, _ in ops} == {"keras.src.ops.numpy"}
    assert all("build_config" not in e for e in layers if e["module"].startswith("keras.src"))
    constant = [e for e in layers if e["class_name"] == "Subtract"][0]
    assert constant["inbound_nodes"][0]["args"][0] == 3


def test_files_move_both_ways(tmp_path):
    rk = reference_keras()
    ours = _model(keras)
    path = str(tmp_path / "ours.keras")
    ours.save(path)
    np.testing.assert_allclose(keras.models.load_model(path).predict(XS, verbose=0),
                               ours.predict(XS, verbose=0), atol=1e-6)
    theirs_of_ours = rk.models.load_model(path)
    np.testing.assert_allclose(to_numpy(theirs_of_ours(XS)), ours.predict(XS, verbose=0),
                               atol=1e-5)
    theirs = _model(rk)
    path = str(tmp_path / "theirs.keras")
    theirs.save(path)
    np.testing.assert_allclose(keras.models.load_model(path).predict(XS, verbose=0),
                               to_numpy(theirs(XS)), atol=1e-5)


def test_merge_layers_keep_their_names_apart():
    """keras.layers.Add (a merge layer) and the `+` node share a class name."""
    x, y = keras.Input((3,)), keras.Input((3,))
    model = keras.Model([x, y], keras.layers.Add()([x + y, y]))
    again = keras.Model.from_config(model.get_config())
    np.testing.assert_allclose(again.predict(XS, verbose=0), 2 * XS[1] + XS[0], atol=1e-6)
