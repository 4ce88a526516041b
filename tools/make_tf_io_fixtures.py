"""Writes tests/data/fixtures/tf_io.json with TensorFlow 2.21: what tf.io.serialize_tensor,
parse_tensor, decode_raw, parse_example (SparseFeature, RaggedFeature, VarLenFeature,
FixedLenSequenceFeature) and parse_(single_)sequence_example give, on inputs TensorFlow
serialized. The feature specs are stored as plain descriptions, so the test builds the same
specs in ndflow.

    /work/tfref/bin/python tools/make_tf_io_fixtures.py
"""
import base64
import json
import os

import numpy as np
import tensorflow as tf

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "data",
                   "fixtures", "tf_io.json")


def b64(data):
    return base64.b64encode(bytes(data)).decode()


def describe(value):
    """A tensor, SparseTensor or RaggedTensor as JSON (strings base64-encoded)."""
    if isinstance(value, tf.SparseTensor):
        return {"sparse": {"indices": value.indices.numpy().tolist(),
                           "values": describe(value.values),
                           "dense_shape": value.dense_shape.numpy().tolist()}}
    if isinstance(value, tf.RaggedTensor):
        return {"ragged": {"flat_values": describe(value.flat_values),
                           "nested_row_splits": [s.numpy().tolist()
                                                 for s in value.nested_row_splits]}}
    a = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if a.dtype.kind == "S":
        a = a.astype(object)
    values = [b64(v) for v in a.reshape(-1)] if a.dtype == object else a.reshape(-1).tolist()
    if a.dtype.kind == "c":
        values = [[float(v.real), float(v.imag)] for v in a.reshape(-1)]
    if a.dtype == np.float16:
        values = [float(v) for v in a.reshape(-1)]
    return {"dtype": tf.as_dtype(value.dtype).name, "shape": list(a.shape), "values": values}


def spec(desc):
    kind, args = desc[0], desc[1:]
    if kind == "FixedLen":
        return tf.io.FixedLenFeature(args[0], args[1], default_value=args[2])
    if kind == "VarLen":
        return tf.io.VarLenFeature(args[0])
    if kind == "FixedLenSeq":
        return tf.io.FixedLenSequenceFeature(args[0], args[1], allow_missing=args[2],
                                             default_value=args[3])
    if kind == "Sparse":
        return tf.io.SparseFeature(args[0], args[1], args[2], args[3], args[4])
    if kind == "Ragged":
        parts = [getattr(tf.io.RaggedFeature, p[0])(p[1]) for p in args[2]]
        return tf.io.RaggedFeature(args[0], value_key=args[1], partitions=parts)
    raise ValueError(kind)


def specs(descs):
    return {k: spec(v) for k, v in descs.items()}


def feature(kind, values):
    if kind == "i":
        return tf.train.Feature(int64_list=tf.train.Int64List(value=values))
    if kind == "f":
        return tf.train.Feature(float_list=tf.train.FloatList(value=values))
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=values))


def example(features):
    return tf.train.Example(features=tf.train.Features(feature={
        k: feature(*v) for k, v in features.items()})).SerializeToString()


def sequence_example(i):
    context = tf.train.Features(feature={"length": feature("i", [i + 1]),
                                         "label": feature("b", [b"c%d" % i]),
                                         "w": feature("f", [0.5 * i, 1.0])})
    lists = tf.train.FeatureLists(feature_list={
        "tok": tf.train.FeatureList(feature=[feature("i", [t, t * 10]) for t in range(i + 1)]),
        "var": tf.train.FeatureList(feature=[feature("i", list(range(t + 1)))
                                             for t in range(i + 1)]),
        "emb": tf.train.FeatureList(feature=[feature("f", [t * 1.0]) for t in range(i + 2)]),
        "words": tf.train.FeatureList(feature=[feature("b", [b"w%d" % t] * t)
                                               for t in range(i + 1)]),
    })
    return tf.train.SequenceExample(context=context, feature_lists=lists).SerializeToString()


def tensor_cases():
    arrays = [np.arange(6, dtype=np.float32).reshape(2, 3), np.array(5, np.int64),
              np.array([b"ab", b"", b"c"], dtype=object), np.array([True, False]),
              np.array([1 + 2j, -3j], np.complex64), np.array([1.5, -2.0], np.float16),
              np.zeros((0, 2), np.int32), np.array([[1, 255]], np.uint8),
              np.array([-1.25], np.float64), np.array([-7, 3], np.int16)]
    cases = [{"serialized": b64(tf.io.serialize_tensor(a).numpy()), "value": describe(a)}
             for a in arrays]
    # TensorProtos TensorFlow writes in their *_val fields, a scalar filling its shape
    for proto in (tf.make_tensor_proto(7.0, shape=[2, 2]),
                  tf.make_tensor_proto([1, 2, 3], dtype=tf.int32),
                  tf.make_tensor_proto(np.array([b"x", b"y"], dtype=object))):
        data = proto.SerializeToString()
        dtype = tf.as_dtype(proto.dtype)
        cases.append({"serialized": b64(data),
                      "value": describe(tf.io.parse_tensor(data, dtype))})
    return cases


def decode_raw_cases():
    cases = []
    for inputs, out_type, little, fixed in (
            ([b"\x01\x02\x03\x04", b"\x05\x06\x07\x08"], "int16", True, None),
            ([b"\x01\x02\x03\x04", b"\x05\x06\x07\x08"], "int16", False, None),
            ([b"\x01\x02\x03", b"\x05\x06\x07\x08\x09"], "uint8", True, 4),
            ([b"\x01\x02\x03", b"\x05\x06\x07\x08\x09"], "int16", True, 4),
            ([b"\x00\x00\x80\x3f\x00\x00\x00\xc0"], "float32", True, None),
            ([b"\x3f\x80\x00\x00"], "float32", False, None),
            ([b"", b""], "uint8", True, None)):
        out = tf.io.decode_raw(tf.constant(inputs), tf.as_dtype(out_type), little_endian=little,
                               fixed_length=fixed)
        cases.append({"inputs": [b64(s) for s in inputs], "out_type": out_type,
                      "little_endian": little, "fixed_length": fixed, "value": describe(out)})
    return cases


def example_cases():
    a = example({"ix": ("i", [3, 1]), "val": ("f", [0.5, 1.5]), "r": ("i", [1, 2, 3]),
                 "lens": ("i", [2, 1]), "i2": ("i", [0, 1]), "ids": ("i", [0, 0, 2]),
                 "q": ("i", [5, 6])})
    b = example({"ix": ("i", [0]), "val": ("f", [9.0]), "r": ("i", []), "lens": ("i", []),
                 "i2": ("i", [2]), "ids": ("i", [])})
    descs = {"sp": ["Sparse", "ix", "val", "float32", 5, False],
             "sp2": ["Sparse", ["ix", "i2"], "val", "float32", [5, 3], False],
             "rg": ["Ragged", "int64", "r", []],
             "tags": ["VarLen", "int64"],
             "pad": ["FixedLenSeq", [], "int64", True, -1]}
    descs_ab = {"tags": ["VarLen", "int64"], "sp": descs["sp"], "sp2": descs["sp2"],
                "rg": descs["rg"], "q": ["FixedLenSeq", [], "int64", True, -1]}
    rowlen = {"rg2": ["Ragged", "int64", "r", [["RowLengths", "lens"]]],
              "rg3": ["Ragged", "int64", "r", [["ValueRowIds", "ids"]]]}
    cases = []
    for records, descs_, single in (([a], descs, True), ([a, b], descs_ab, False),
                                    ([a, a], rowlen, False), ([a], rowlen, True)):
        spec_ = specs(descs_)
        out = tf.io.parse_single_example(records[0], spec_) if single else \
            tf.io.parse_example(records, spec_)
        cases.append({"records": [b64(r) for r in records], "single": single,
                      "features": descs_, "value": {k: describe(v) for k, v in out.items()}})
    return cases


def sequence_cases():
    context = {"length": ["FixedLen", [], "int64", None], "label": ["FixedLen", [], "string", None],
               "w": ["VarLen", "float32"], "missing": ["FixedLen", [2], "int64", [7, 8]]}
    sequence = {"tok": ["FixedLenSeq", [2], "int64", False, None],
                "var": ["VarLen", "int64"], "emb": ["FixedLenSeq", [], "float32", False, None],
                "absent": ["FixedLenSeq", [], "int64", True, None],
                "words": ["Ragged", "string", None, []]}
    records = [sequence_example(0), sequence_example(2)]
    c, s = tf.io.parse_single_sequence_example(records[1], specs(context), specs(sequence))
    cases = [{"records": [b64(records[1])], "single": True, "context_features": context,
              "sequence_features": sequence,
              "value": [{k: describe(v) for k, v in d.items()} for d in (c, s)]}]
    c, s, n = tf.io.parse_sequence_example(records, specs(context), specs(sequence))
    cases.append({"records": [b64(r) for r in records], "single": False,
                  "context_features": context, "sequence_features": sequence,
                  "value": [{k: describe(v) for k, v in d.items()} for d in (c, s, n)]})
    return cases


if __name__ == "__main__":
    fixtures = {"tensorflow": tf.__version__, "tensors": tensor_cases(),
                "decode_raw": decode_raw_cases(), "examples": example_cases(),
                "sequence_examples": sequence_cases()}
    with open(OUT + ".tmp", "w") as f:
        json.dump(fixtures, f, indent=1)
    os.replace(OUT + ".tmp", OUT)
    print("wrote", OUT)
