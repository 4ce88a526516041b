"""tf.lookup tables: eager, tf.function, TF1 Session (tables_initializer), composite keys,
bad input, and StaticVocabularyTable OOV ids against TensorFlow 2.21 (fixture made by
tools/make_tf_lookup_fixtures.py)."""
import json
import os

import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1
from ndflow.framework.errors import FailedPreconditionError, InvalidArgumentError, NotFoundError

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "tf_lookup.json")


@pytest.fixture(scope="module")
def fixtures():
    with open(FIXTURE, encoding="utf-8") as f:
        return json.load(f)


def _kv(keys, values, kd=None, vd=None):
    return tf.lookup.KeyValueTensorInitializer(keys, values, kd, vd)


def test_static_hash_table_eager():
    t = tf.lookup.StaticHashTable(_kv(["a", "b"], [1, 2]), -1)
    out = t.lookup(tf.constant(["a", "z", "b"]))
    assert out.numpy().tolist() == [1, -1, 2] and out.dtype == tf.int32
    assert int(t.size()) == 2
    keys, values = t.export()
    assert sorted(zip(keys.numpy().tolist(), values.numpy().tolist())) == [(b"a", 1), (b"b", 2)]


@pytest.mark.parametrize("name", ["vocab_string_oov1", "vocab_string_oov3",
                                  "vocab_string_oov5", "vocab_int64_oov4", "vocab_none_oov7"])
def test_static_vocabulary_table_oov_ids_match_tensorflow(fixtures, name):
    case = fixtures["tables"][name]
    n = int(name.split("oov")[1])
    if "string" in name:
        init = _kv(["emerson", "lake", "palmer"], tf.constant([0, 1, 2], tf.int64))
        keys = tf.constant(case["keys"])
    elif "int64" in name:
        init = _kv(tf.constant([10, 20, 30], tf.int64), tf.constant([0, 1, 2], tf.int64))
        keys = tf.constant(case["keys"], tf.int64)
    else:
        init, keys = None, tf.constant(case["keys"])
    table = tf.lookup.StaticVocabularyTable(init, n)
    assert table.lookup(keys).numpy().tolist() == case["ids"]


def test_vocabulary_table_int32_lookup_keys():
    init = _kv(tf.constant([10, 20], tf.int64), tf.constant([0, 1], tf.int64))
    t = tf.lookup.StaticVocabularyTable(init, 2, lookup_key_dtype=tf.int32)
    assert t.lookup(tf.constant([20, 10], tf.int32)).numpy().tolist() == [1, 0]
    assert int(t.size()) == 4


def test_text_file_initializer(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("apple\t7\nbanana\t9\r\ncherry\t11\n", encoding="utf-8")
    whole = tf.lookup.TextFileInitializer(str(path), tf.string, tf.lookup.TextFileIndex.WHOLE_LINE,
                                          tf.int64, tf.lookup.TextFileIndex.LINE_NUMBER)
    t = tf.lookup.StaticHashTable(whole, -1)
    assert t.lookup(tf.constant(["banana\t9", "x"])).numpy().tolist() == [1, -1]
    cols = tf.lookup.TextFileInitializer(str(path), tf.string, 0, tf.int64, 1, vocab_size=2)
    t = tf.lookup.StaticHashTable(cols, -1)
    assert t.lookup(tf.constant(["apple", "banana", "cherry"])).numpy().tolist() == [7, 9, -1]


def test_text_file_initializer_missing_file_names_it(tmp_path):
    missing = str(tmp_path / "nope.txt")
    init = tf.lookup.TextFileInitializer(missing, tf.string, -2, tf.int64, -1)
    with pytest.raises(NotFoundError, match="nope.txt"):
        tf.lookup.StaticHashTable(init, -1)


def test_key_dtype_mismatch_names_table_and_dtypes():
    t = tf.lookup.StaticHashTable(_kv(["a"], [1]), -1, name="colors")
    with pytest.raises(TypeError, match=r"colors.*string.*int32"):
        t.lookup(tf.constant([1, 2]))
    with pytest.raises(TypeError, match="colors"):
        t.lookup(np.array([1.5]))


def test_conflicting_duplicate_keys_rejected():
    with pytest.raises(FailedPreconditionError, match="'a'"):
        tf.lookup.StaticHashTable(_kv(["a", "a"], [1, 2]), -1)


def test_mutable_hash_table_insert_remove_export_vector_values():
    m = tf.lookup.experimental.MutableHashTable(tf.string, tf.float32, [0.0, 0.0])
    m.insert(tf.constant(["x", "y"]), tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_allclose(m.lookup(tf.constant(["y", "q"])).numpy(),
                               [[3.0, 4.0], [0.0, 0.0]])
    m.insert(tf.constant(["x"]), tf.constant([[5.0, 6.0]]))
    m.remove(tf.constant(["y", "never"]))
    keys, values = m.export()
    assert keys.numpy().tolist() == [b"x"] and values.numpy().tolist() == [[5.0, 6.0]]
    assert int(m.size()) == 1
    with pytest.raises(InvalidArgumentError, match="shape"):
        m.insert(tf.constant(["z"]), tf.constant([1.0]))
    assert int(m.size()) == 1  # unchanged by the failed insert


def test_dense_hash_table_reserved_keys():
    d = tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, -1, empty_key=-7,
                                              deleted_key=-8)
    d.insert(tf.constant([1, 2], tf.int64), tf.constant([10, 20], tf.int64))
    assert d.lookup(tf.constant([2, 3], tf.int64)).numpy().tolist() == [20, -1]
    with pytest.raises(InvalidArgumentError, match="empty_key"):
        d.insert(tf.constant([-7], tf.int64), tf.constant([0], tf.int64))


def test_lookup_on_sparse_and_ragged_keys():
    t = tf.lookup.StaticHashTable(_kv(["a", "b"], tf.constant([1, 2], tf.int64)), np.int64(0))
    rt = t.lookup(tf.ragged.constant([["a"], ["b", "c"]]))
    assert rt.to_list() == [[1], [2, 0]]
    sp = tf.sparse.SparseTensor([[0, 0], [1, 2]], tf.constant(["b", "q"]), [2, 3])
    out = t.lookup(sp)
    assert out.values.numpy().tolist() == [2, 0]
    assert out.dense_shape.numpy().tolist() == [2, 3]


def test_tf_function_reads_current_contents():
    m = tf.lookup.experimental.MutableHashTable(tf.int64, tf.int64, -1)

    @tf.function
    def find(k):
        return m.lookup(k)

    keys = tf.constant([4], tf.int64)
    assert find(keys).numpy().tolist() == [-1]
    m.insert(keys, tf.constant([40], tf.int64))
    assert find(keys).numpy().tolist() == [40]  # the same trace sees the insert


def test_tf1_tables_initializer_and_sessions():
    g = v1.Graph()
    with g.as_default():
        x = v1.placeholder(v1.string, [None])
        table = v1.lookup.StaticHashTable(v1.lookup.KeyValueTensorInitializer(
            ["a", "b"], [1, 2]), -1)
        y = table.lookup(x)
        counts = v1.lookup.experimental.MutableHashTable(v1.string, v1.int64, 0)
        insert = counts.insert(x, v1.cast(v1.strings.length(x), v1.int64))
        found = counts.lookup(x)
        init = v1.tables_initializer()
        with v1.Session() as sess:
            with pytest.raises(FailedPreconditionError, match="not initialized"):
                sess.run(y, {x: ["a"]})
            sess.run(init)
            assert sess.run(y, {x: ["a", "c", "b"]}).tolist() == [1, -1, 2]
            sess.run(insert, {x: ["abc", "de"]})
            assert sess.run(found, {x: ["abc", "zz", "de"]}).tolist() == [3, 0, 2]
        with v1.Session() as other:  # each Session owns its tables
            other.run(init)
            assert other.run(found, {x: ["abc"]}).tolist() == [0]
