"""tf.io.serialize_tensor/parse_tensor, decode_raw, SparseFeature/RaggedFeature/VarLenFeature
and SequenceExample parsing, against what TensorFlow 2.21 gives for the same bytes
(fixtures/tf_io.json, written by tools/make_tf_io_fixtures.py)."""
import base64
import json
import os

import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as tf1
from ndflow.framework import errors

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_io.json")) as _f:
    FIXTURES = json.load(_f)


def unb64(s):
    return base64.b64decode(s)


def describe(value):
    """The fixture program's description of a tensor / SparseTensor / RaggedTensor."""
    if isinstance(value, tf.sparse.SparseTensor):
        return {"sparse": {"indices": value.indices.numpy().tolist(),
                           "values": describe(value.values),
                           "dense_shape": value.dense_shape.numpy().tolist()}}
    if isinstance(value, tf.RaggedTensor):
        return {"ragged": {"flat_values": describe(value.flat_values),
                           "nested_row_splits": [s.numpy().tolist()
                                                 for s in value.nested_row_splits]}}
    a = np.asarray(value.numpy())
    if a.dtype.kind == "S":
        a = a.astype(object)
    if a.dtype == object:
        values = [base64.b64encode(bytes(v)).decode() for v in a.reshape(-1)]
    elif a.dtype.kind == "c":
        values = [[float(v.real), float(v.imag)] for v in a.reshape(-1)]
    else:
        values = [float(v) if a.dtype == np.float16 else v for v in a.reshape(-1).tolist()]
    return {"dtype": value.dtype.name, "shape": list(a.shape), "values": values}


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
    parts = [getattr(tf.io.RaggedFeature, p[0])(p[1]) for p in args[2]]
    return tf.io.RaggedFeature(args[0], value_key=args[1], partitions=parts)


def specs(descs):
    return {k: spec(v) for k, v in descs.items()}


def test_serialize_tensor_writes_tensorflows_bytes_and_parses_them():
    for i, case in enumerate(FIXTURES["tensors"]):
        want = case["value"]
        data = unb64(case["serialized"])
        parsed = tf.io.parse_tensor(data, want["dtype"])
        assert describe(parsed) == want
        if i < 10:  # TensorFlow's serialize_tensor wrote these (the rest: make_tensor_proto)
            assert tf.io.serialize_tensor(parsed).numpy() == data, want
    with pytest.raises(errors.InvalidArgumentError, match=r"Type mismatch between parsed "
                       r"tensor \(float\) and dtype \(int32\)"):
        tf.io.parse_tensor(tf.io.serialize_tensor(tf.constant([1.0])), tf.int32)
    with pytest.raises(errors.InvalidArgumentError, match="Could not parse `serialized`"):
        tf.io.parse_tensor(b"\xff\xff", tf.int32)


def test_serialize_tensor_in_a_dataset_and_a_session():
    values = np.arange(12, dtype=np.float32).reshape(3, 4)
    ds = tf.data.Dataset.from_tensor_slices(values).map(tf.io.serialize_tensor).map(
        lambda s: tf.io.parse_tensor(s, tf.float32))
    assert [v.numpy().tolist() for v in ds] == values.tolist()
    data = tf.io.serialize_tensor(np.array([[1, 2]])).numpy()
    g = tf1.Graph()
    with g.as_default():
        p = tf1.placeholder(tf.string, [])
        out = tf1.parse_tensor(p, tf.int64)
        with tf1.Session() as sess:
            got = sess.run(out, {p: data})
    assert got.tolist() == [[1, 2]] and got.dtype == np.int64


def strings(values):
    # an object array: tf.constant of a bytes list drops trailing NUL bytes (NumPy "S")
    return tf.constant(np.array(values, dtype=object))


def test_decode_raw_matches_tensorflow():
    for case in FIXTURES["decode_raw"]:
        out = tf.io.decode_raw(strings([unb64(s) for s in case["inputs"]]),
                               case["out_type"], little_endian=case["little_endian"],
                               fixed_length=case["fixed_length"])
        assert describe(out) == case["value"], case
    assert tf.io.decode_raw(tf.constant([[b"\x01\x02"], [b"\x03\x04"]]),
                            tf.uint8).shape == (2, 1, 2)
    with pytest.raises(errors.InvalidArgumentError, match="element 1 has size 3 != 5"):
        tf.io.decode_raw(tf.constant([b"abc", b"defgh"]), tf.int16)
    with pytest.raises(errors.InvalidArgumentError, match="not a multiple of 2"):
        tf.io.decode_raw(tf.constant(b"abc"), tf.int16)
    with pytest.raises(TypeError, match="out_type"):
        tf.io.decode_raw(tf.constant(b"ab"), tf.string)


def test_parse_example_sparse_ragged_and_varlen_features_match_tensorflow():
    for case in FIXTURES["examples"]:
        records = [unb64(r) for r in case["records"]]
        features = specs(case["features"])
        out = tf.io.parse_single_example(records[0], features) if case["single"] else \
            tf.io.parse_example(records, features)
        assert {k: describe(v) for k, v in out.items()} == case["value"], case["features"]
    assert isinstance(out["rg2"], tf.RaggedTensor)


def test_parse_sequence_examples_match_tensorflow():
    for case in FIXTURES["sequence_examples"]:
        records = [unb64(r) for r in case["records"]]
        ctx, seq = specs(case["context_features"]), specs(case["sequence_features"])
        if case["single"]:
            out = tf.io.parse_single_sequence_example(records[0], ctx, seq)
        else:
            out = tf.io.parse_sequence_example(records, ctx, seq)
        got = [{k: describe(v) for k, v in d.items()} for d in out]
        assert got == case["value"]


def test_sequence_example_protos_errors_and_graph_mode():
    seq = tf.train.SequenceExample()
    seq.context.feature["id"].int64_list.value.append(3)
    for t in range(3):
        seq.feature_lists.feature_list["x"].feature.add().float_list.value.extend([t, -t])
    data = seq.SerializeToString()
    features = {"x": tf.io.FixedLenSequenceFeature([2], tf.float32)}
    with pytest.raises(errors.InvalidArgumentError, match="Feature list 'y' is required"):
        tf.io.parse_single_sequence_example(
            data, sequence_features={"y": tf.io.FixedLenSequenceFeature([], tf.int64)})
    with pytest.raises(ValueError, match=r"dense_defaults\[x\] must be None"):
        tf.io.parse_sequence_example([data], None, {"x": tf.io.FixedLenSequenceFeature(
            [2], tf.float32, allow_missing=True, default_value=0.0)})
    g = tf1.Graph()
    with g.as_default():
        p = tf1.placeholder(tf.string, [None])
        ctx, lists, lengths = tf1.io.parse_sequence_example(
            p, {"id": tf1.FixedLenFeature([], tf.int64)}, features)
        assert lists["x"].shape.as_list() == [None, None, 2]
        with tf1.Session() as sess:
            c, s, n = sess.run((ctx, lists, lengths), {p: [data, data]})
    assert c["id"].tolist() == [3, 3] and n["x"].tolist() == [3, 3]
    assert s["x"][1].tolist() == [[0, 0], [1, -1], [2, -2]]
    ds = tf.data.Dataset.from_tensors(data).repeat(2).map(
        lambda r: tf.io.parse_single_sequence_example(r, None, features)[1]["x"])
    assert ds.element_spec == tf.TensorSpec([None, 2], tf.float32)
    assert [b.shape for b in ds.batch(2)] == [(2, 3, 2)]


def test_varlen_feature_is_a_sparse_tensor_through_datasets():
    ex = tf.train.Example(features=tf.train.Features(feature={
        "t": tf.train.Feature(int64_list=tf.train.Int64List(value=[4, 5]))}))
    ds = tf.data.Dataset.from_tensors(ex.SerializeToString()).repeat(3).map(
        lambda r: tf.io.parse_single_example(r, {"t": tf.io.VarLenFeature(tf.int64)})["t"])
    assert ds.element_spec == tf.SparseTensorSpec([None], tf.int64)
    batch = next(iter(ds.batch(3)))
    assert isinstance(batch, tf.sparse.SparseTensor)
    assert tf.sparse.to_dense(batch).numpy().tolist() == [[4, 5]] * 3
