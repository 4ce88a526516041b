"""Generates tests/fixtures/tf_lookup.json and tests/fixtures/tf_lookup_keras3_*.keras with
TensorFlow 2.21 and Keras 3 (TensorFlow backend; Keras's text layers need TensorFlow):
lookup-table ids (StaticVocabularyTable OOV buckets), Keras preprocessing layers'
vocabularies and outputs (StringLookup, IntegerLookup, TextVectorization, Hashing,
HashedCrossing, Discretization, CategoryEncoding), and `.keras` files written by Keras 3.

Run: KERAS_BACKEND=tensorflow /work/tfref/bin/python tools/make_tf_lookup_fixtures.py
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "fixtures")

WORDS = ["emerson", "lake", "palmer", "king", "crimson", "yes", "genesis", "", "a",
         "The", "ünïcödé", "日本語", "x" * 40, "lake ", "1", "-7", "hello world"]
CORPUS = ["The cat sat on the mat.", "The dog ate my homework!", "A cat, a dog; a bird?",
          "dogs and cats", "the END", "Hello, World! hello world", "mat mat mat cat"]
QUERIES = ["the cat and the dog", "unknown words here", "", "MAT! cat? bird.",
           "hello hello world of cats"]


def tolist(x):
    x = np.asarray(x)
    if x.dtype.kind in "SO":
        return [v.decode("utf-8") if isinstance(v, bytes) else tolist(v) for v in x] \
            if x.ndim else x.item().decode("utf-8")
    return x.tolist()


def tables():
    out = {}
    init = tf.lookup.KeyValueTensorInitializer(["emerson", "lake", "palmer"],
                                               tf.constant([0, 1, 2], tf.int64))
    for n in (1, 3, 5):
        t = tf.lookup.StaticVocabularyTable(init, num_oov_buckets=n)
        out[f"vocab_string_oov{n}"] = {"keys": WORDS, "ids": tolist(t.lookup(tf.constant(WORDS)))}
    ikeys = [-5, 0, 10, 7, 123456789012, 20, 30, 31, -123456789]
    init = tf.lookup.KeyValueTensorInitializer(tf.constant([10, 20, 30], tf.int64),
                                               tf.constant([0, 1, 2], tf.int64))
    t = tf.lookup.StaticVocabularyTable(init, num_oov_buckets=4)
    out["vocab_int64_oov4"] = {"keys": ikeys,
                               "ids": tolist(t.lookup(tf.constant(ikeys, tf.int64)))}
    t = tf.lookup.StaticVocabularyTable(None, num_oov_buckets=7)
    out["vocab_none_oov7"] = {"keys": WORDS, "ids": tolist(t.lookup(tf.constant(WORDS)))}
    return out


def hashing():
    out = {}
    for args in ({"num_bins": 7}, {"num_bins": 7, "mask_value": ""},
                 {"num_bins": 5, "salt": [133, 137]}, {"num_bins": 3, "salt": 42}):
        layer = keras.layers.Hashing(**args)
        out[json.dumps(args)] = {"inputs": WORDS, "bins": tolist(layer(tf.constant(WORDS)))}
    ints = [[0], [1], [-7], [123456789], [42]]
    for args in ({"num_bins": 5}, {"num_bins": 5, "mask_value": 0},
                 {"num_bins": 4, "output_mode": "multi_hot"},
                 {"num_bins": 4, "output_mode": "count"},
                 {"num_bins": 4, "output_mode": "one_hot"}):
        layer = keras.layers.Hashing(**args)
        out["int " + json.dumps(args)] = {"inputs": ints, "bins": tolist(layer(np.array(ints)))}
    cross = keras.layers.HashedCrossing(num_bins=10)
    a, b = ["A", "B", "A", "C", ""], [101, 102, 101, 7, 0]
    out["crossing"] = {"a": a, "b": b,
                       "bins": tolist(cross((tf.constant(a), tf.constant(b, tf.int64))))}
    cross = keras.layers.HashedCrossing(num_bins=13)
    c = ["x", "y", "x", "z", "w"]
    out["crossing_strings"] = {"a": a, "b": c,
                               "bins": tolist(cross((tf.constant(a), tf.constant(c))))}
    return out


def lookups():
    out = {}
    tokens = [["b", "a", "c", "b"], ["d", "a", "c", "e"], ["e", "f", "b", "g"]]
    q = [["a", "b", "zz"], ["g", "e", ""]]
    for args in ({}, {"mask_token": ""}, {"num_oov_indices": 2},
                 {"max_tokens": 5}, {"mask_token": "", "num_oov_indices": 0},
                 {"output_mode": "multi_hot"}, {"output_mode": "count"},
                 {"output_mode": "tf_idf"}, {"output_mode": "one_hot"},
                 {"output_mode": "multi_hot", "mask_token": ""},
                 {"output_mode": "multi_hot", "pad_to_max_tokens": True, "max_tokens": 10}):
        layer = keras.layers.StringLookup(**args)
        layer.adapt(tf.constant(tokens))
        query = [["a"], ["zz"], ["g"]] if args.get("output_mode") == "one_hot" else q
        if args.get("num_oov_indices") == 0:
            query = [["a", "b", "c"], ["g", "e", ""]]
        entry = {"vocab": layer.get_vocabulary(), "query": query,
                 "out": tolist(layer(tf.constant(query)))}
        if args.get("output_mode") == "tf_idf":
            entry["idf"] = tolist(layer.idf_weights)
        out["string " + json.dumps(args)] = entry
    inv = keras.layers.StringLookup(vocabulary=["a", "b", "c"], invert=True)
    ids = [[0, 1, 2, 3, 9]]
    out["string invert"] = {"query": ids, "out": tolist(inv(tf.constant(ids)))}
    ints = [[12, 1138, 42, 42], [42, 7, 7, 1138]]
    for args in ({}, {"mask_token": 0}, {"num_oov_indices": 2}, {"oov_token": -2},
                 {"output_mode": "count"}, {"output_mode": "tf_idf"}):
        layer = keras.layers.IntegerLookup(**args)
        layer.adapt(np.array(ints))
        query = [[12, 42, 99, 0], [7, -3, 1138, 5]]
        entry = {"vocab": [int(v) for v in layer.get_vocabulary()], "query": query,
                 "out": tolist(layer(np.array(query)))}
        if args.get("output_mode") == "tf_idf":
            entry["idf"] = tolist(layer.idf_weights)
        out["int " + json.dumps(args)] = entry
    return out


def text():
    out = {}
    for args in ({}, {"output_sequence_length": 4}, {"max_tokens": 6},
                 {"ngrams": 2}, {"ngrams": (1, 3), "max_tokens": 20},
                 {"standardize": "lower"}, {"standardize": None},
                 {"standardize": "strip_punctuation"}, {"split": "character", "max_tokens": 12},
                 {"output_mode": "multi_hot"}, {"output_mode": "count", "max_tokens": 8},
                 {"output_mode": "tf_idf"}, {"output_mode": "tf_idf", "ngrams": 2},
                 {"output_mode": "multi_hot", "pad_to_max_tokens": True, "max_tokens": 30}):
        layer = keras.layers.TextVectorization(**args)
        layer.adapt(CORPUS)
        entry = {"vocab": layer.get_vocabulary(), "out": tolist(layer(tf.constant(QUERIES)))}
        if args.get("output_mode") == "tf_idf":
            entry["idf"] = tolist(layer._lookup_layer.idf_weights)
        out[json.dumps(args)] = entry
    ds = tf.data.Dataset.from_tensor_slices(CORPUS).batch(3)
    layer = keras.layers.TextVectorization(max_tokens=10)
    layer.adapt(ds)
    out["dataset max_tokens=10"] = {"vocab": layer.get_vocabulary()}
    return out


def discretization():
    out = {}
    rng = np.random.default_rng(3)
    data = np.round(rng.normal(size=(200, 1)) * 10, 2).astype("float32")
    for args in ({"num_bins": 4}, {"num_bins": 5, "epsilon": 0.001}, {"num_bins": 3}):
        layer = keras.layers.Discretization(**args)
        layer.adapt(data)
        out[json.dumps(args)] = {"boundaries": [float(b) for b in layer.bin_boundaries]}
    out["data"] = data.reshape(-1).tolist()
    layer = keras.layers.Discretization(num_bins=4)
    batches = [data[:70], data[70:150], data[150:]]
    layer.adapt(tf.data.Dataset.from_tensor_slices(data).batch(64))
    out["dataset num_bins=4 batch 64"] = {"boundaries": [float(b) for b in layer.bin_boundaries]}
    del batches
    x = [[-1.5, 0.0, 0.5], [2.0, 3.7, -9.0]]
    for mode in ("int", "one_hot", "multi_hot", "count"):
        layer = keras.layers.Discretization(bin_boundaries=[-1.0, 0.0, 1.0, 2.0],
                                            output_mode=mode)
        xi = [[-1.5], [0.0], [2.5]] if mode == "one_hot" else x
        out["bounds " + mode] = {"x": xi, "out": tolist(layer(np.array(xi, "float32"))),
                                 "dtype": str(layer(np.array(xi, "float32")).dtype)}
    return out


def category():
    out = {}
    x = [[0, 1], [3, 3], [2, 0]]
    for mode in ("one_hot", "multi_hot", "count"):
        layer = keras.layers.CategoryEncoding(num_tokens=4, output_mode=mode)
        xi = [[0], [3], [2]] if mode == "one_hot" else x
        out[mode] = {"x": xi, "out": tolist(layer(np.array(xi)))}
    layer = keras.layers.CategoryEncoding(num_tokens=4, output_mode="count")
    out["count_weights"] = {"x": x, "w": [[0.5, 1.0], [2.0, 0.25], [1.0, 1.0]],
                            "out": tolist(layer(np.array(x), count_weights=np.array(
                                [[0.5, 1.0], [2.0, 0.25], [1.0, 1.0]], "float32")))}
    return out


def keras_files():
    keras.utils.set_random_seed(7)
    tv = keras.layers.TextVectorization(max_tokens=30, output_sequence_length=6)
    tv.adapt(CORPUS)
    inp = keras.Input(shape=(1,), dtype="string")
    x = keras.layers.Embedding(30, 4)(tv(inp))
    x = keras.layers.GlobalAveragePooling1D()(x)
    m = keras.Model(inp, keras.layers.Dense(2)(x))
    m.save(os.path.join(OUT, "tf_lookup_keras3_text.keras"))
    q = np.array([[s] for s in QUERIES])
    text_out = tolist(m(tf.constant(q)))
    sl = keras.layers.StringLookup(output_mode="tf_idf")
    sl.adapt(tf.constant([["b", "a", "c", "b"], ["d", "a", "c", "e"]]))
    inp = keras.Input(shape=(3,), dtype="string")
    m2 = keras.Sequential([inp, sl])
    m2.save(os.path.join(OUT, "tf_lookup_keras3_lookup.keras"))
    q2 = [["a", "b", "zz"], ["e", "e", "d"]]
    return {"text": {"inputs": QUERIES, "out": text_out},
            "lookup": {"inputs": q2, "out": tolist(m2(tf.constant(q2)))}}


def main():
    fixtures = {"tables": tables(), "hashing": hashing(), "lookups": lookups(),
                "text": text(), "discretization": discretization(), "category": category(),
                "keras_files": keras_files(), "corpus": CORPUS, "queries": QUERIES,
                "versions": {"tensorflow": tf.__version__, "keras": keras.__version__}}
    path = os.path.join(OUT, "tf_lookup.json")
    with open(path + ".tmp", "w") as f:
        json.dump(fixtures, f, ensure_ascii=False, indent=0, sort_keys=True)
    os.replace(path + ".tmp", path)
    print("wrote", path)


if __name__ == "__main__":
    main()
