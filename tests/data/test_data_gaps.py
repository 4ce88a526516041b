"""Issue 11 follow-up gaps, against TensorFlow 2.21 (fixtures/tf_data_gaps.json, written by
tools/make_data_gaps_fixtures.py): decode_csv's required fields inside Dataset.map, map
returning Python values, serialize_sparse and friends, RaggedTensor.from_sparse/to_sparse,
eager tf.queue queues, decode_proto/encode_proto; and parallel interleave/batch against
their sequential paths, Dataset.save/load."""
import base64
import json
import os
import threading
import time

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework import errors
from ndflow.util import nest

from .data_gaps_cases import MAP_FUNCS
from ndflow.io.sparse_codecs import deserialize_sparse

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "tf_data_gaps.json")
with open(FIXTURE) as _f:
    TF = json.load(_f)


def array(entry):
    """A fixture value as NumPy."""
    if entry["dtype"] == "string":
        a = np.empty(len(entry["values"]), dtype=object)
        a[:] = [base64.b64decode(v) for v in entry["values"]]
    else:
        a = np.asarray(entry["values"], dtype=entry["dtype"])
    return a.reshape(entry["shape"])


def same(t, entry):
    a = np.asarray(t.numpy() if hasattr(t, "numpy") else t)
    b = array(entry)
    assert a.shape == b.shape
    if entry["dtype"] == "string":
        assert a.astype(object).tolist() == b.tolist()
    else:
        assert a.dtype == b.dtype, (a.dtype, b.dtype)
        np.testing.assert_array_equal(a, b)


def same_sparse(st, entry):
    assert st.indices.numpy().tolist() == entry["indices"]
    same(st.values, entry["values"])
    assert st.dense_shape.numpy().tolist() == entry["dense_shape"]


def raises_like(expected, fn):
    """`fn` raises TensorFlow's error class, and its message holds TensorFlow's (up to the
    node annotations TensorFlow appends)."""
    assert expected["error"] is not None
    with pytest.raises(getattr(errors, expected["error"], None) or Exception) as info:
        fn()
    core = expected["message"].split("}} ")[-1].split(" [[")[0].split(" [Op:")[0]
    core = core.split("Iterator::Root::ParallelMapV2: ")[-1]  # where TF's iterator ran it
    assert core in str(info.value), (core, str(info.value))


def specs(ds):
    return [[s.dtype.name, s.shape.as_list()] for s in nest.flatten(ds.element_spec)]


# --- 1. decode_csv with required fields inside map ------------------------------------------

def _csv_defaults():
    return [0.] * 2 + [tf.constant([], dtype=tf.float32)]


def test_decode_csv_required_default_in_map():
    case = TF["csv"]
    ds = tf.data.Dataset.from_tensor_slices(["1,2,3", ",5,6"]).map(
        lambda line: tf.io.decode_csv(line, record_defaults=_csv_defaults()))
    assert specs(ds) == case["specs"]
    assert [[float(x) for x in e] for e in ds.as_numpy_iterator()] == case["good"]
    bad = tf.data.Dataset.from_tensor_slices(["1,2,3", "4,5,"]).map(
        lambda line: tf.io.decode_csv(line, record_defaults=_csv_defaults()))
    it = iter(bad)
    assert [float(x) for x in next(it)] == [1., 2., 3.]  # the elements before the error
    raises_like(case["missing_in_map"], lambda: next(it))
    raises_like(case["missing_eager"], lambda: tf.io.decode_csv(
        ["1,,3"], [[0], tf.constant([], tf.int32), [0]]))
    same(tf.io.decode_csv(["7,", "8,"], [[0], [5]])[1], case["int_default_values"])


def test_decode_csv_defaults_fed_in_a_graph():
    import ndflow.compat.v1 as v1
    g = v1.Graph()
    with g.as_default():
        line = v1.placeholder(tf.string, [None])
        default = v1.placeholder(tf.int32, [None])
        cols = tf.io.decode_csv(line, [[0], default])
        with v1.Session() as sess:
            got = sess.run(cols, {line: ["1,", "2,3"], default: [9]})
            assert got[1].tolist() == [9, 3]
            with pytest.raises(errors.InvalidArgumentError, match="required but missing"):
                sess.run(cols, {line: ["1,"], default: np.zeros([0], np.int32)})


# --- 2. map returning Python values --------------------------------------------------------

@pytest.mark.parametrize("name", sorted(MAP_FUNCS))
def test_map_returning_python_values(name):
    case = TF["map"][name]
    ds = tf.data.Dataset.from_tensor_slices(["a", "b"]).map(MAP_FUNCS[name])
    assert specs(ds) == case["specs"]
    for got, want in zip(nest.flatten(next(iter(ds))), case["first"]):
        same(got, want)


def test_text_lines_labelled_with_an_int(tmp_path):
    path = tmp_path / "reviews.txt"
    path.write_text("good\nbad\n")
    ds = tf.data.TextLineDataset([str(path)]).map(lambda review: (review, 0))
    assert list(ds.as_numpy_iterator()) == [(b"good", 0), (b"bad", 0)]
    assert ds.element_spec[1].dtype == tf.int32


# --- 3. serialize_sparse and friends -------------------------------------------------------

def _sparse_inputs():
    return {
        "float2d": tf.sparse.SparseTensor([[0, 1], [1, 0], [1, 2]], [1., 2., 3.], [3, 4]),
        "int64_3d": tf.sparse.SparseTensor([[0, 0, 1], [2, 1, 0]],
                                           tf.constant([5, 6], tf.int64), [3, 2, 2]),
        "string1d": tf.sparse.SparseTensor([[1], [3]], ["a", "bc"], [5]),
        "empty": tf.sparse.SparseTensor(tf.zeros([0, 2], tf.int64), tf.zeros([0]), [2, 3]),
    }


@pytest.mark.parametrize("name", ["float2d", "int64_3d", "string1d", "empty"])
def test_serialize_sparse_bytes_as_tensorflow(name):
    case = TF["sparse"][name]
    st = _sparse_inputs()[name]
    same_sparse(st, case["input"])
    serialized = tf.io.serialize_sparse(st)
    same(serialized, case["serialized"])  # byte for byte
    back = deserialize_sparse(serialized, st.dtype)
    same_sparse(back, case["input"])
    if "many" in case:
        many = tf.io.serialize_many_sparse(st)
        same(many, case["many"])
        same_sparse(tf.io.deserialize_many_sparse(many, st.dtype), case["many_back"])
    # TensorFlow's serialized strings read back here
    same_sparse(deserialize_sparse(array(case["serialized"]), st.dtype), case["input"])


def test_deserialize_many_sparse_minibatch_and_errors():
    case = TF["sparse"]
    a = tf.io.serialize_sparse(tf.sparse.SparseTensor([[0], [10], [20]], [1, 2, 3], [50]))
    b = tf.io.serialize_sparse(tf.sparse.SparseTensor([[2], [10]], [4, 5], [30]))
    same_sparse(tf.io.deserialize_many_sparse(tf.stack([a, b]), tf.int32), case["minibatch"])
    st = _sparse_inputs()["float2d"]
    raises_like(case["errors"]["wrong_dtype"], lambda: tf.io.deserialize_many_sparse(
        tf.io.serialize_many_sparse(st), tf.int32))
    raises_like(case["errors"]["out_of_order"], lambda: tf.io.serialize_many_sparse(
        tf.sparse.SparseTensor([[1, 0], [0, 1]], [1., 2.], [2, 2])))
    raises_like(case["errors"]["rank1_many"], lambda: tf.io.serialize_many_sparse(
        _sparse_inputs()["string1d"]))
    raises_like(case["errors"]["mixed_ranks"], lambda: tf.io.deserialize_many_sparse(
        tf.stack([a, tf.io.serialize_sparse(st.with_values(tf.constant([1, 2, 3])))]),
        tf.int32))
    for name, exported in case["exported"].items():  # deserialize_sparse is not public
        assert hasattr(tf.io, name) == exported


def test_serialize_sparse_in_a_dataset_map():
    st = _sparse_inputs()["float2d"]
    ds = tf.data.Dataset.from_tensors(tf.io.serialize_many_sparse(st)).map(
        lambda s: tf.io.deserialize_many_sparse(s, tf.float32))
    out = next(iter(ds))
    same_sparse(out, TF["sparse"]["float2d"]["many_back"])


# --- 4. RaggedTensor.from_sparse / to_sparse -----------------------------------------------

def test_ragged_from_sparse_as_tensorflow():
    case = TF["ragged"]
    st = tf.sparse.SparseTensor([[0, 0], [0, 1], [2, 0], [2, 1], [2, 2]], [1, 2, 3, 4, 5],
                                [4, 7])
    rt = tf.RaggedTensor.from_sparse(st)
    same(rt.values, case["from_sparse"]["values"])
    same(rt.row_splits, case["from_sparse"]["row_splits"])
    raises_like(case["not_right_ragged"], lambda: tf.RaggedTensor.from_sparse(
        tf.sparse.SparseTensor([[0, 1]], [1], [2, 3])))
    raises_like(case["rank3"], lambda: tf.RaggedTensor.from_sparse(
        tf.sparse.SparseTensor([[0, 0, 0]], [1], [1, 1, 1])))


def test_ragged_to_sparse_as_tensorflow():
    case = TF["ragged"]
    same_sparse(tf.ragged.constant([[1, 2], [], [3]]).to_sparse(), case["to_sparse_2d"])
    same_sparse(tf.ragged.constant([[[1, 2], [3]], [[4]]]).to_sparse(), case["to_sparse_3d"])
    same_sparse(tf.RaggedTensor.from_row_lengths(tf.reshape(tf.range(6), [3, 2]),
                                                 [2, 1]).to_sparse(),
                case["to_sparse_inner"])


def test_ragged_sparse_round_trip_in_a_function():
    @tf.function
    def lengths(indices, values, shape):
        rt = tf.RaggedTensor.from_sparse(tf.sparse.SparseTensor(indices, values, shape))
        return rt.row_lengths(), tf.sparse.to_dense(rt.to_sparse())

    got, dense = lengths(tf.constant([[0, 0], [0, 1], [2, 0]], tf.int64),
                         tf.constant([1., 2., 3.]), tf.constant([4, 5], tf.int64))
    assert got.numpy().tolist() == [2, 0, 1, 0]
    assert dense.numpy().tolist() == [[1, 2], [0, 0], [3, 0], [0, 0]]


# --- 5. eager queues -----------------------------------------------------------------------

def test_eager_queues_as_tensorflow():
    case = TF["queue"]
    q = tf.queue.FIFOQueue(3, [tf.int32, tf.string], shapes=[(), ()])
    q.enqueue([10, b"windy"])
    q.enqueue([15, b"sunny"])
    same(q.size(), case["size"])
    for got, want in zip(q.dequeue(), case["dequeue"]):
        same(got, want)
    q.enqueue_many([[13, 16], [b"cloudy", b"rainy"]])
    for got, want in zip(q.dequeue_many(3), case["dequeue_many"]):
        same(got, want)
    q.close()
    same(q.is_closed(), case["closed"])
    q_name = case["dequeue_closed"]["message"].split("FIFOQueue '")[1].split("'")[0]
    q.name = q_name  # TensorFlow names its queue by a counter
    raises_like(case["dequeue_closed"], q.dequeue)
    raises_like(case["enqueue_closed"], lambda: q.enqueue([1, b"x"]))
    p = tf.queue.PaddingFIFOQueue(3, [tf.float32], shapes=[[None]])
    p.enqueue([[1., 2.]])
    p.enqueue([[3.]])
    same(p.dequeue_many(2), case["padding"])
    pq = tf.queue.PriorityQueue(3, [tf.string], shapes=[()])
    for priority, text in ((5, b"five"), (1, b"one"), (3, b"three")):
        pq.enqueue([priority, text])
    for got, want in zip(pq.dequeue_many(3), case["priority"]):
        same(got, want)
    s = tf.queue.FIFOQueue(2, tf.float32)
    s.enqueue(1.)
    same(s.dequeue(), case["single"])
    r = tf.queue.RandomShuffleQueue(5, 0, [tf.int32], shapes=[()], seed=3)
    r.enqueue_many([[1, 2, 3, 4, 5]])
    assert sorted(r.dequeue_many(5).numpy().tolist()) == case["shuffle_sorted"]
    wrong = dict(case["wrong_dtype"], message=case["wrong_dtype"]["message"].split(": <")[0])
    raises_like(wrong, lambda: tf.queue.FIFOQueue(2, tf.int32).enqueue(tf.constant(1.5)))


def test_eager_queue_between_threads_and_in_a_function():
    q = tf.queue.FIFOQueue(2, tf.int32, shapes=[()])

    def produce():
        for i in range(5):
            q.enqueue(i)  # waits while the queue is full
        q.close()

    t = threading.Thread(target=produce)
    t.start()
    got = []
    while True:
        try:
            got.append(int(q.dequeue()))
        except errors.OutOfRangeError:
            break
    t.join()
    assert got == [0, 1, 2, 3, 4]

    f = tf.queue.FIFOQueue(4, tf.float32, shapes=[()])

    @tf.function
    def step(x):
        f.enqueue(x * 2.)
        return f.size()

    assert int(step(tf.constant(1.))) == 1
    assert int(step(tf.constant(2.))) == 2
    assert f.dequeue_many(2).numpy().tolist() == [2., 4.]


# --- 6. parallel interleave and batch ------------------------------------------------------

def _slow_inner(record):
    """An inner dataset whose elements take ~1 ms of GIL-free time (so threads pay), and
    that notes the threads they ran in."""
    def work(v):
        time.sleep(0.001)
        record.add(threading.current_thread().name)
        return v
    return lambda x: tf.data.Dataset.range(x * 100, x * 100 + 12).map(
        lambda v: tf.numpy_function(work, [v], tf.int64))


@pytest.mark.parametrize("cycle,block", [(3, 1), (4, 2)])
def test_parallel_interleave_same_elements_as_sequential(cycle, block):
    threads = set()
    inputs = tf.data.Dataset.range(5)
    sequential = [int(v) for v in inputs.interleave(_slow_inner(set()), cycle, block)]
    parallel = [int(v) for v in inputs.interleave(_slow_inner(threads), cycle, block,
                                                  num_parallel_calls=cycle)]
    assert parallel == sequential
    assert any(name.startswith("ndflow-interleave") for name in threads)
    loose = [int(v) for v in inputs.interleave(_slow_inner(set()), cycle, block,
                                               num_parallel_calls=tf.data.AUTOTUNE,
                                               deterministic=False)]
    assert sorted(loose) == sorted(sequential)
    options = tf.data.Options()
    options.deterministic = False
    by_options = inputs.interleave(_slow_inner(set()), cycle, block,
                                   num_parallel_calls=cycle).with_options(options)
    assert sorted(int(v) for v in by_options) == sorted(sequential)


def test_parallel_interleave_errors_in_order_and_early_stop():
    def bad(v):
        time.sleep(0.001)
        if v == 205:
            raise ValueError("bad element")
        return v

    ds = tf.data.Dataset.range(4).interleave(
        lambda x: tf.data.Dataset.range(x * 100, x * 100 + 10).map(
            lambda v: tf.numpy_function(bad, [v], tf.int64)), 4, num_parallel_calls=4)
    seen = []
    with pytest.raises(errors.InvalidArgumentError, match="bad element"):
        for v in ds:
            seen.append(int(v))
    expected = []
    for i in range(6):
        expected += [i, 100 + i, 200 + i, 300 + i]
    assert seen == expected[:expected.index(205)]
    assert [int(v) for v in ds.take(3)] == [0, 100, 200]


def test_parallel_interleave_keeps_python_functions_in_the_calling_thread():
    threads = set()

    def note(v):
        threads.add(threading.current_thread().name)
        time.sleep(0.0005)
        return v

    ds = tf.data.Dataset.range(3).interleave(
        lambda x: tf.data.Dataset.range(20).map(
            lambda v: tf.py_function(note, [v], tf.int64)), 3, num_parallel_calls=3)
    assert len(list(ds)) == 60
    assert threads == {threading.current_thread().name}


def test_parallel_batch_same_batches_as_sequential(monkeypatch):
    from ndflow.data import batching
    threads = set()
    stack = batching._stack

    def noting(elements, component):
        threads.add(threading.current_thread().name)
        return stack(elements, component)

    monkeypatch.setattr(batching, "_stack", noting)
    x = np.random.default_rng(0).random((320, 128, 256)).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices(x).map(lambda v: v + 1.)
    sequential = [b.numpy() for b in ds.batch(8)]
    assert threads == {threading.current_thread().name}
    parallel = [b.numpy() for b in ds.batch(8, num_parallel_calls=4)]
    assert any(name.startswith("ndflow-map") for name in threads)  # batches stacked there
    assert len(parallel) == len(sequential) == 40
    for a, b in zip(parallel, sequential):
        np.testing.assert_array_equal(a, b)
    loose = ds.batch(8, drop_remainder=True, num_parallel_calls=2, deterministic=False)
    assert sorted(float(b.numpy()[:, 0, 0].sum()) for b in loose) == \
        sorted(float(b[:, 0, 0].sum()) for b in sequential)
    with pytest.raises(ValueError, match="num_parallel_calls"):
        ds.batch(2, num_parallel_calls=0)


# --- 7. decode_proto / encode_proto --------------------------------------------------------

def test_decode_and_encode_proto_as_tensorflow(tmp_path):
    pytest.importorskip("google.protobuf")
    case = TF["proto"]
    path = tmp_path / "person.desc"
    path.write_bytes(base64.b64decode(case["descriptor_set"]))
    serialized = [base64.b64decode(s) for s in case["serialized"]]
    out = tf.io.decode_proto(bytes=serialized, message_type="ndtest.Person",
                             field_names=case["fields"],
                             output_types=[tf.string, tf.int32, tf.string, tf.float32],
                             descriptor_source=str(path))
    same(out.sizes, case["sizes"])
    for got, want in zip(out.values, case["values"]):
        same(got, want)
    wide = tf.io.decode_proto(serialized, "ndtest.Person", ["id", "score"],
                              [tf.int64, tf.float64], descriptor_source=str(path))
    for got, want in zip([wide.sizes] + wide.values, case["wide"]):
        same(got, want)
    encoded = tf.io.encode_proto(out.sizes, out.values, case["fields"], "ndtest.Person",
                                 descriptor_source=str(path))
    same(encoded, case["encoded"])
    configs = [base64.b64decode(x) for x in case["proto2_serialized"]]
    proto2 = tf.io.decode_proto(configs, "ndtest.Config", ["level", "tag", "ids", "ratio"],
                                [tf.int32, tf.string, tf.int64, tf.float64],
                                descriptor_source=str(path))
    for got, want in zip([proto2.sizes] + proto2.values, case["proto2"]):
        same(got, want)  # absent proto2 fields padded with their declared defaults
    source = "bytes://" + base64.b64decode(case["descriptor_set"]).decode("latin-1")
    again = tf.io.decode_proto(serialized, "ndtest.Person", ["name"], [tf.string],
                               descriptor_source=source)
    same(again.values[0], case["values"][0])
    raises_like(case["unknown_field"], lambda: tf.io.decode_proto(
        serialized, "ndtest.Person", ["nope"], [tf.string], descriptor_source=str(path)))
    raises_like(case["unknown_type"], lambda: tf.io.decode_proto(
        serialized, "ndtest.Nobody", ["name"], [tf.string], descriptor_source=str(path)))
    with pytest.raises(errors.NotFoundError):
        tf.io.decode_proto(serialized, "ndtest.Person", ["name"], [tf.string],
                           descriptor_source=str(tmp_path / "missing.desc"))


def test_decode_proto_of_examples_in_a_dataset():
    pytest.importorskip("google.protobuf")
    example = tf.train.Example(features=tf.train.Features(feature={
        "x": tf.train.Feature(float_list=tf.train.FloatList(value=[1., 2.]))}))
    ds = tf.data.Dataset.from_tensor_slices([example.SerializeToString()]).map(
        lambda s: tf.io.decode_proto(s, "tensorflow.Example", ["features"], [tf.string]))
    sizes, values = next(iter(ds))
    assert sizes.numpy().tolist() == [1]
    features = tf.train.Features.FromString(values[0].numpy()[0])
    assert list(features.feature["x"].float_list.value) == [1., 2.]


# --- 8. save / load ------------------------------------------------------------------------

def test_dataset_save_load_round_trip(tmp_path):
    ds = tf.data.Dataset.from_tensor_slices(
        ({"id": np.arange(6), "name": ["a", "b", "c", "d", "e", "f"]},
         np.linspace(0, 1, 6).astype(np.float32)))
    ds.save(str(tmp_path / "plain"))
    back = tf.data.Dataset.load(str(tmp_path / "plain"))
    assert back.element_spec == ds.element_spec
    assert len(back) == 6
    assert [str(e) for e in back.as_numpy_iterator()] == \
        [str(e) for e in ds.as_numpy_iterator()]
    tf.data.experimental.save(ds, str(tmp_path / "sharded"), compression="GZIP",
                              shard_func=lambda row, x: row["id"] % 3)
    shards = tf.data.experimental.load(
        str(tmp_path / "sharded"),
        reader_func=lambda datasets: datasets.interleave(lambda d: d, cycle_length=3))
    assert [int(e[0]["id"]) for e in shards.as_numpy_iterator()] == [0, 1, 2, 3, 4, 5]
    ragged = tf.data.Dataset.from_tensors(tf.ragged.constant([[1, 2], [3]]))
    ragged.save(str(tmp_path / "ragged"))
    assert next(iter(tf.data.Dataset.load(str(tmp_path / "ragged")))).to_list() == [[1, 2],
                                                                                    [3]]


def test_dataset_load_errors_and_atomic_save(tmp_path):
    ds = tf.data.Dataset.range(4)
    target = str(tmp_path / "saved")
    ds.save(target)

    def fails_at_3(v):
        if v == 3:
            raise ValueError("element 3 is bad")
        return v

    with pytest.raises(errors.InvalidArgumentError, match="element 3 is bad"):
        tf.data.Dataset.range(5).map(
            lambda x: tf.numpy_function(fails_at_3, [x], tf.int64)).save(target)
    assert [int(x) for x in tf.data.Dataset.load(target)] == [0, 1, 2, 3]  # the old one
    with pytest.raises(errors.NotFoundError):
        tf.data.Dataset.load(str(tmp_path / "nothing"))
    with pytest.raises(ValueError, match="does not match"):
        tf.data.Dataset.load(target, element_spec=tf.TensorSpec([], tf.float32))
    shard = os.path.join(target, "shard_00000.ndrecord")
    data = bytearray(open(shard, "rb").read())
    data[-6] ^= 0xFF
    open(shard, "wb").write(bytes(data))
    with pytest.raises(errors.DataLossError):
        list(tf.data.Dataset.load(target))
