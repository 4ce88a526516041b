"""Writes tests/data/fixtures/tf_data_gaps.json with TensorFlow 2.21: what issue 11's
follow-up gaps give there. decode_csv with a required (empty tensor) default inside
Dataset.map, Dataset.map returning Python values, serialize_sparse and friends,
RaggedTensor.from_sparse / to_sparse, eager tf.queue queues, decode_proto / encode_proto
on a FileDescriptorSet. Errors are stored as their class name and message.

    /work/tfref/bin/python tools/make_data_gaps_fixtures.py
"""
import base64
import json
import os
import sys

import numpy as np
import tensorflow as tf

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir,
                                "tests", "data"))
from data_gaps_cases import MAP_FUNCS  # noqa: E402  (the cases the test runs on ndflow)

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "data",
                   "fixtures", "tf_data_gaps.json")


def b64(data):
    return base64.b64encode(bytes(data)).decode()


def value(v):
    """A tensor (or NumPy value) as {"dtype", "shape", "values"} (strings base64)."""
    a = np.asarray(v.numpy() if hasattr(v, "numpy") else v)
    if a.dtype.kind in "SO":
        values = [b64(x) for x in a.astype(object).reshape(-1)]
        dtype = "string"
    else:
        values = a.reshape(-1).tolist()
        dtype = a.dtype.name
    return {"dtype": dtype, "shape": list(a.shape), "values": values}


def sparse(st):
    return {"indices": st.indices.numpy().tolist(), "values": value(st.values),
            "dense_shape": st.dense_shape.numpy().tolist()}


def error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - recorded
        return {"error": type(e).__name__, "message": str(e).split("\n")[0]}
    return {"error": None}


def specs(ds):
    return [[s.dtype.name, s.shape.as_list()] for s in tf.nest.flatten(ds.element_spec)]


def csv_cases():
    defaults = lambda: [0.] * 2 + [tf.constant([], dtype=tf.float32)]  # noqa: E731
    ds = tf.data.Dataset.from_tensor_slices(["1,2,3", ",5,6"]).map(
        lambda line: tf.io.decode_csv(line, record_defaults=defaults()))
    good = [[float(x) for x in e] for e in ds.as_numpy_iterator()]
    bad = tf.data.Dataset.from_tensor_slices(["1,2,3", "4,5,"]).map(
        lambda line: tf.io.decode_csv(line, record_defaults=defaults()))
    return {"good": good, "specs": specs(ds),
            "missing_in_map": error(lambda: list(bad.as_numpy_iterator())),
            "missing_eager": error(lambda: tf.io.decode_csv(["1,,3"], [[0], tf.constant(
                [], tf.int32), [0]])),
            "int_default_values": value(tf.io.decode_csv(["7,", "8,"], [[0], [5]])[1])}


def map_cases():
    lines = tf.data.Dataset.from_tensor_slices(["a", "b"])
    out = {}
    for name, fn in MAP_FUNCS.items():
        ds = lines.map(fn)
        first = tf.nest.flatten(next(iter(ds)))
        out[name] = {"specs": specs(ds), "first": [value(t) for t in first]}
    return out


def sparse_cases():
    cases = {
        "float2d": tf.sparse.SparseTensor([[0, 1], [1, 0], [1, 2]], [1., 2., 3.], [3, 4]),
        "int64_3d": tf.sparse.SparseTensor([[0, 0, 1], [2, 1, 0]],
                                           tf.constant([5, 6], tf.int64), [3, 2, 2]),
        "string1d": tf.sparse.SparseTensor([[1], [3]], ["a", "bc"], [5]),
        "empty": tf.sparse.SparseTensor(tf.zeros([0, 2], tf.int64), tf.zeros([0]), [2, 3]),
    }
    out = {}
    for name, st in cases.items():
        entry = {"input": sparse(st), "serialized": value(tf.io.serialize_sparse(st))}
        if st.dense_shape.shape[0] > 1:
            many = tf.io.serialize_many_sparse(st)
            entry["many"] = value(many)
            entry["many_back"] = sparse(tf.io.deserialize_many_sparse(many, st.dtype))
        out[name] = entry
    # two serialized SparseTensors of different shapes, deserialized as one minibatch
    a = tf.io.serialize_sparse(tf.sparse.SparseTensor([[0], [10], [20]], [1, 2, 3], [50]))
    b = tf.io.serialize_sparse(tf.sparse.SparseTensor([[2], [10]], [4, 5], [30]))
    out["minibatch"] = sparse(tf.io.deserialize_many_sparse(tf.stack([a, b]), tf.int32))
    st = cases["float2d"]
    out["errors"] = {
        "wrong_dtype": error(lambda: tf.io.deserialize_many_sparse(
            tf.io.serialize_many_sparse(st), tf.int32)),
        "out_of_order": error(lambda: tf.io.serialize_many_sparse(tf.sparse.SparseTensor(
            [[1, 0], [0, 1]], [1., 2.], [2, 2]))),
        "rank1_many": error(lambda: tf.io.serialize_many_sparse(cases["string1d"])),
        "mixed_ranks": error(lambda: tf.io.deserialize_many_sparse(tf.stack([
            a, tf.io.serialize_sparse(cases["float2d"].with_values(tf.constant([1, 2, 3])))]),
            tf.int32)),
    }
    out["exported"] = {n: hasattr(tf.io, n) for n in (
        "serialize_sparse", "serialize_many_sparse", "deserialize_many_sparse",
        "deserialize_sparse")}
    return out


def ragged_cases():
    out = {}
    st = tf.sparse.SparseTensor([[0, 0], [0, 1], [2, 0], [2, 1], [2, 2]], [1, 2, 3, 4, 5],
                                [4, 7])
    rt = tf.RaggedTensor.from_sparse(st)
    out["from_sparse"] = {"values": value(rt.values), "row_splits": value(rt.row_splits)}
    out["not_right_ragged"] = error(lambda: tf.RaggedTensor.from_sparse(
        tf.sparse.SparseTensor([[0, 1]], [1], [2, 3])))
    out["rank3"] = error(lambda: tf.RaggedTensor.from_sparse(
        tf.sparse.SparseTensor([[0, 0, 0]], [1], [1, 1, 1])))
    out["to_sparse_2d"] = sparse(tf.ragged.constant([[1, 2], [], [3]]).to_sparse())
    out["to_sparse_3d"] = sparse(tf.ragged.constant([[[1, 2], [3]], [[4]]]).to_sparse())
    out["to_sparse_inner"] = sparse(tf.RaggedTensor.from_row_lengths(
        tf.reshape(tf.range(6), [3, 2]), [2, 1]).to_sparse())
    return out


def queue_cases():
    out = {}
    q = tf.queue.FIFOQueue(3, [tf.int32, tf.string], shapes=[(), ()])
    q.enqueue([10, b"windy"])
    q.enqueue([15, b"sunny"])
    out["size"] = value(q.size())
    out["dequeue"] = [value(t) for t in q.dequeue()]
    q.enqueue_many([[13, 16], [b"cloudy", b"rainy"]])
    out["dequeue_many"] = [value(t) for t in q.dequeue_many(3)]
    q.close()
    out["closed"] = value(q.is_closed())
    out["dequeue_closed"] = error(q.dequeue)
    out["enqueue_closed"] = error(lambda: q.enqueue([1, b"x"]))
    p = tf.queue.PaddingFIFOQueue(3, [tf.float32], shapes=[[None]])
    p.enqueue([[1., 2.]])
    p.enqueue([[3.]])
    out["padding"] = value(p.dequeue_many(2))
    pq = tf.queue.PriorityQueue(3, [tf.string], shapes=[()])
    pq.enqueue([5, b"five"])
    pq.enqueue([1, b"one"])
    pq.enqueue([3, b"three"])
    out["priority"] = [value(t) for t in pq.dequeue_many(3)]
    s = tf.queue.FIFOQueue(2, tf.float32)
    s.enqueue(1.)
    out["single"] = value(s.dequeue())
    r = tf.queue.RandomShuffleQueue(5, 0, [tf.int32], shapes=[()])
    r.enqueue_many([[1, 2, 3, 4, 5]])
    out["shuffle_sorted"] = sorted(r.dequeue_many(5).numpy().tolist())
    out["wrong_dtype"] = error(lambda: tf.queue.FIFOQueue(2, tf.int32).enqueue(
        tf.constant(1.5)))
    return out


def person_descriptor_set():
    """A FileDescriptorSet with a proto3 message `ndtest.Person` and a proto2 message
    `ndtest.Config` (with field defaults), as protoc writes."""
    from google.protobuf import descriptor_pb2
    fdp = descriptor_pb2.FileDescriptorProto(name="person.proto", package="ndtest",
                                             syntax="proto3")
    m = fdp.message_type.add(name="Person")
    t = descriptor_pb2.FieldDescriptorProto
    m.field.add(name="name", number=1, type=t.TYPE_STRING, label=t.LABEL_OPTIONAL)
    m.field.add(name="id", number=2, type=t.TYPE_INT32, label=t.LABEL_OPTIONAL)
    m.field.add(name="email", number=3, type=t.TYPE_STRING, label=t.LABEL_REPEATED)
    m.field.add(name="score", number=4, type=t.TYPE_FLOAT, label=t.LABEL_REPEATED)
    c = descriptor_pb2.FileDescriptorProto(name="config.proto", package="ndtest",
                                           syntax="proto2")
    m = c.message_type.add(name="Config")
    m.field.add(name="level", number=1, type=t.TYPE_INT32, label=t.LABEL_OPTIONAL,
                default_value="7")
    m.field.add(name="tag", number=2, type=t.TYPE_STRING, label=t.LABEL_OPTIONAL,
                default_value="none")
    m.field.add(name="ids", number=3, type=t.TYPE_INT64, label=t.LABEL_REPEATED)
    m.field.add(name="ratio", number=4, type=t.TYPE_DOUBLE, label=t.LABEL_OPTIONAL)
    return descriptor_pb2.FileDescriptorSet(file=[fdp, c]).SerializeToString(), (fdp, c)


def proto_cases(tmp):
    from google.protobuf import descriptor_pool, message_factory
    data, files = person_descriptor_set()
    path = os.path.join(tmp, "person.desc")
    with open(path, "wb") as f:
        f.write(data)
    pool = descriptor_pool.DescriptorPool()
    for fdp in files:
        pool.Add(fdp)
    config = message_factory.GetMessageClass(pool.FindMessageTypeByName("ndtest.Config"))
    configs = [config(level=3, ids=[4, 5, 6]), config(tag="x", ratio=0.5), config()]
    configs_serialized = [m.SerializeToString() for m in configs]
    proto2 = tf.io.decode_proto(configs_serialized, "ndtest.Config",
                                ["level", "tag", "ids", "ratio"],
                                [tf.int32, tf.string, tf.int64, tf.float64],
                                descriptor_source=path)
    person = message_factory.GetMessageClass(pool.FindMessageTypeByName("ndtest.Person"))
    messages = [person(name="Al", id=123, email=["a@b.com"], score=[1.5, 2.5]),
                person(email=["c@d.com", "e@f.org"]),
                person(name="Zed", id=-7)]
    serialized = [m.SerializeToString() for m in messages]
    fields = ["name", "id", "email", "score"]
    decoded = tf.io.decode_proto(bytes=serialized, message_type="ndtest.Person",
                                 field_names=fields,
                                 output_types=[tf.string, tf.int32, tf.string, tf.float32],
                                 descriptor_source=path)
    wide = tf.io.decode_proto(serialized, "ndtest.Person", ["id", "score"],
                              [tf.int64, tf.float64], descriptor_source=path)
    encoded = tf.io.encode_proto(decoded.sizes, decoded.values, fields, "ndtest.Person",
                                 descriptor_source=path)
    return {"descriptor_set": b64(data), "serialized": [b64(s) for s in serialized],
            "fields": fields, "sizes": value(decoded.sizes),
            "values": [value(v) for v in decoded.values],
            "wide": [value(wide.sizes)] + [value(v) for v in wide.values],
            "encoded": value(encoded),
            "proto2_serialized": [b64(x) for x in configs_serialized],
            "proto2": [value(proto2.sizes)] + [value(v) for v in proto2.values],
            "unknown_field": error(lambda: tf.io.decode_proto(
                serialized, "ndtest.Person", ["nope"], [tf.string], descriptor_source=path)),
            "unknown_type": error(lambda: tf.io.decode_proto(
                serialized, "ndtest.Nobody", ["name"], [tf.string], descriptor_source=path))}


def main():
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        fixture = {"tensorflow": tf.__version__, "csv": csv_cases(), "map": map_cases(),
                   "sparse": sparse_cases(), "ragged": ragged_cases(),
                   "queue": queue_cases(), "proto": proto_cases(tmp)}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    tmp_out = OUT + ".tmp"
    with open(tmp_out, "w") as f:
        json.dump(fixture, f, indent=1, sort_keys=True)
    os.replace(tmp_out, OUT)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
