"""Keras preprocessing layers against Keras 3.15 (TensorFlow backend; its text layers need
TensorFlow): vocabularies, output modes, tf_idf weights, hash bins and quantile boundaries
from tests/fixtures/tf_lookup.json (tools/make_tf_lookup_fixtures.py), `.keras` files both
ways, and use in models and tf.data."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import ndflow as tf
from ndflow import keras

HERE = os.path.dirname(__file__)
FIXTURES = os.path.join(HERE, "..", "fixtures")
TFREF = os.environ.get("NDFLOW_TFREF_PYTHON", "/work/tfref/bin/python")

with open(os.path.join(FIXTURES, "tf_lookup.json"), encoding="utf-8") as _f:
    F = json.load(_f)
TOKENS = [["b", "a", "c", "b"], ["d", "a", "c", "e"], ["e", "f", "b", "g"]]
INTS = [[12, 1138, 42, 42], [42, 7, 7, 1138]]


@pytest.mark.parametrize("key", [k for k in F["lookups"] if k != "string invert"])
def test_lookup_layers_match_keras(key):
    case = F["lookups"][key]
    kind, args = key.split(" ", 1)
    args = json.loads(args)
    if kind == "string":
        layer = keras.layers.StringLookup(**args)
        layer.adapt(tf.constant(TOKENS))
        out = layer(tf.constant(case["query"]))
    else:
        layer = keras.layers.IntegerLookup(**args)
        layer.adapt(np.array(INTS))
        out = layer(np.array(case["query"]))
    assert layer.get_vocabulary() == case["vocab"]
    np.testing.assert_allclose(out.numpy(), case["out"], rtol=1e-6)
    if "idf" in case:
        np.testing.assert_allclose(layer.idf_weights, case["idf"], rtol=1e-6)


def test_string_lookup_invert():
    case = F["lookups"]["string invert"]
    layer = keras.layers.StringLookup(vocabulary=["a", "b", "c"], invert=True)
    out = layer(tf.constant(case["query"])).numpy()
    assert [[v.decode() for v in row] for row in out] == case["out"]


@pytest.mark.parametrize("key", list(F["text"]))
def test_text_vectorization_matches_keras(key):
    case = F["text"][key]
    if key.startswith("dataset"):
        layer = keras.layers.TextVectorization(max_tokens=10)
        layer.adapt(tf.data.Dataset.from_tensor_slices(F["corpus"]).batch(3))
        assert layer.get_vocabulary() == case["vocab"]
        return
    args = json.loads(key)
    if isinstance(args.get("ngrams"), list):
        args["ngrams"] = tuple(args["ngrams"])
    layer = keras.layers.TextVectorization(**args)
    layer.adapt(F["corpus"])
    assert layer.get_vocabulary() == case["vocab"]
    np.testing.assert_allclose(layer(tf.constant(F["queries"])).numpy(), case["out"],
                               rtol=1e-6)
    if "idf" in case:
        np.testing.assert_allclose(layer._lookup_layer.idf_weights, case["idf"], rtol=1e-6)


@pytest.mark.parametrize("key", list(F["hashing"]))
def test_hashing_and_crossing_bins_match_keras(key):
    case = F["hashing"][key]
    if key.startswith("crossing"):
        layer = keras.layers.HashedCrossing(num_bins=10 if key == "crossing" else 13)
        b = case["b"]
        b = tf.constant(b, tf.int64) if isinstance(b[0], int) else tf.constant(b)
        out = layer((tf.constant(case["a"]), b))
    elif key.startswith("int "):
        out = keras.layers.Hashing(**json.loads(key[4:]))(np.array(case["inputs"]))
    else:
        out = keras.layers.Hashing(**json.loads(key))(tf.constant(case["inputs"]))
    np.testing.assert_allclose(out.numpy(), case["bins"])


@pytest.mark.parametrize("key", [k for k in F["discretization"] if k != "data"])
def test_discretization_matches_keras(key):
    case = F["discretization"][key]
    if key.startswith("bounds"):
        mode = key.split()[1]
        layer = keras.layers.Discretization(bin_boundaries=[-1.0, 0.0, 1.0, 2.0],
                                            output_mode=mode)
        out = layer(np.array(case["x"], "float32"))
        np.testing.assert_allclose(out.numpy(), case["out"])
        assert out.dtype.name == ("int32" if mode == "int" else "float32")
        return
    data = np.array(F["discretization"]["data"], "float32").reshape(-1, 1)
    if key.startswith("dataset"):
        layer = keras.layers.Discretization(num_bins=4)
        layer.adapt(tf.data.Dataset.from_tensor_slices(data).batch(64))
    else:
        layer = keras.layers.Discretization(**json.loads(key))
        layer.adapt(data)
    np.testing.assert_allclose(layer.bin_boundaries, case["boundaries"], rtol=1e-6)


@pytest.mark.parametrize("key", list(F["category"]))
def test_category_encoding_matches_keras(key):
    case = F["category"][key]
    mode = "count" if key == "count_weights" else key
    layer = keras.layers.CategoryEncoding(num_tokens=4, output_mode=mode)
    if key == "count_weights":
        out = layer(np.array(case["x"]), count_weights=np.array(case["w"], "float32"))
    else:
        out = layer(np.array(case["x"]))
    np.testing.assert_allclose(out.numpy(), case["out"])


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="repeated"):
        keras.layers.StringLookup(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="output_mode"):
        keras.layers.TextVectorization(output_mode="bag")
    with pytest.raises(ValueError, match="num_tokens"):
        keras.layers.CategoryEncoding(num_tokens=3)(np.array([[5]]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_oov_indices"):
        keras.layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(tf.constant(["z"]))
    with pytest.raises(TypeError, match="int64"):
        keras.layers.IntegerLookup(vocabulary=[1, 2])(tf.constant(["x"]))


def _text_model():
    tv = keras.layers.TextVectorization(max_tokens=40, output_sequence_length=5)
    tv.adapt(F["corpus"])
    inp = keras.Input(shape=(1,), dtype="string")
    x = keras.layers.Embedding(40, 3)(tv(inp))
    out = keras.layers.Dense(1)(keras.layers.GlobalAveragePooling1D()(x))
    return keras.Model(inp, out)


def test_sequential_scalar_inputs_and_tf_data_map():
    lookup = keras.layers.StringLookup(vocabulary=["x", "y"])
    model = keras.Sequential([keras.Input(shape=(), dtype="string"), lookup])
    assert model(tf.constant(["y", "q"])).numpy().tolist() == [2, 0]
    ds = tf.data.Dataset.from_tensor_slices(["x", "y", "z"]).map(lookup)
    assert [int(v) for v in ds] == [1, 2, 0]
    tv = keras.layers.TextVectorization(max_tokens=40, output_sequence_length=3)
    tv.adapt(F["corpus"])
    ds = tf.data.Dataset.from_tensor_slices(F["queries"]).batch(2).map(tv)
    got = np.concatenate([b.numpy() for b in ds])
    np.testing.assert_array_equal(got, tv(tf.constant(F["queries"])).numpy())


def test_keras_file_round_trip_with_assets(tmp_path):
    import zipfile
    model = _text_model()
    q = tf.constant([[s] for s in F["queries"]])
    before = model(q).numpy()
    path = str(tmp_path / "m.keras")
    model.save(path)
    names = zipfile.ZipFile(path).namelist()
    assert "assets/layers/text_vectorization/vocabulary.txt" in names
    assert "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt" in names
    np.testing.assert_array_equal(keras.models.load_model(path)(q).numpy(), before)
    model.save(str(tmp_path / "d.keras"), zipped=False)
    np.testing.assert_array_equal(keras.models.load_model(str(tmp_path / "d.keras"))(q).numpy(),
                                  before)


@pytest.mark.parametrize("name", ["text", "lookup"])
def test_keras3_files_load_with_identical_outputs(name):
    case = F["keras_files"][name]
    model = keras.models.load_model(os.path.join(FIXTURES, f"tf_lookup_keras3_{name}.keras"))
    inputs = [[s] for s in case["inputs"]] if name == "text" else case["inputs"]
    np.testing.assert_allclose(model(tf.constant(inputs)).numpy(), case["out"], rtol=1e-6,
                               atol=1e-7)


_LOAD_IN_KERAS = """
import json, os, sys
os.environ["KERAS_BACKEND"] = "tensorflow"; os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np, tensorflow as tf, keras
out = {}
for path, inputs in json.loads(sys.argv[1]):
    out[path] = np.asarray(keras.models.load_model(path)(tf.constant(inputs))).tolist()
print("RESULT" + json.dumps(out))
"""


def test_ndflow_files_load_in_keras3(tmp_path):
    if not os.path.exists(TFREF):
        pytest.skip(f"Keras 3 with TensorFlow (its text layers need it) not found at {TFREF}")
    text = _text_model()
    lookup = keras.layers.StringLookup(output_mode="tf_idf")
    lookup.adapt(tf.constant(TOKENS))
    seq = keras.Sequential([keras.Input(shape=(3,), dtype="string"), lookup])
    jobs, expected = [], {}
    for model, inputs, name in ((text, [[s] for s in F["queries"]], "text"),
                                (seq, [["a", "b", "zz"], ["e", "e", "d"]], "seq")):
        path = str(tmp_path / f"{name}.keras")
        model.save(path)
        jobs.append((path, inputs))
        expected[path] = model(tf.constant(inputs)).numpy()
    proc = subprocess.run([TFREF, "-c", _LOAD_IN_KERAS, json.dumps(jobs)], capture_output=True,
                          text=True, timeout=300)
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")]
    assert line, proc.stderr[-3000:]
    got = json.loads(line[0][6:])
    for path, want in expected.items():
        np.testing.assert_allclose(got[path], want, rtol=1e-5, atol=1e-6)
