"""tf.string tensors: conversion, printing, comparison, graphs, tf.function and bad input."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1
from ndflow.framework.errors import InvalidArgumentError
from ndflow.ops import farmhash


def test_constant_encodes_unicode_as_utf8_bytes():
    t = tf.constant(["a", "bé"])
    assert t.dtype == tf.string and t.shape == (2,)
    value = t.numpy()
    assert value.dtype == object and value.tolist() == [b"a", "bé".encode("utf-8")]
    assert tf.constant("abc").numpy() == b"abc"
    assert tf.constant(np.array(["x", "y"])).numpy().tolist() == [b"x", b"y"]
    assert tf.constant([b"\xff"], dtype=tf.string).numpy().tolist() == [b"\xff"]


def test_printing_matches_tensorflow():
    assert str(tf.constant("abc")) == "tf.Tensor(b'abc', shape=(), dtype=string)"
    assert str(tf.constant(["a", "b"])) == "tf.Tensor([b'a' b'b'], shape=(2,), dtype=string)"
    assert repr(tf.constant(["a"])) == ("<tf.Tensor: shape=(1,), dtype=string, "
                                        "numpy=array([b'a'], dtype=object)>")


def test_string_dtype_properties():
    assert tf.string.as_numpy_dtype is object
    assert tf.as_dtype(object) == tf.string and tf.as_dtype(np.dtype("U3")) == tf.string
    assert not (tf.string.is_floating or tf.string.is_integer or tf.string.is_numeric)


def test_equality_is_elementwise_and_broadcasts():
    a = tf.constant(["a", "b", "c"])
    assert (a == "b").numpy().tolist() == [False, True, False]
    assert (a != b"b").numpy().tolist() == [True, False, True]
    m = tf.constant([["a"], ["b"]]) == tf.constant(["a", "b"])
    assert m.numpy().tolist() == [[True, False], [False, True]]
    assert tf.math.equal(a, tf.constant(["a", "x", "c"])).numpy().tolist() == [True, False, True]


def test_placeholder_feed_and_fetch_in_a_session():
    g = v1.Graph()
    with g.as_default():
        p = v1.placeholder(tf.string, [None])
        joined = tf.strings.join([p, "!"])
        hit = v1.equal(p, "b")
        with v1.Session() as sess:
            out, mask = sess.run([joined, hit], {p: ["a", "b"]})
    assert out.tolist() == [b"a!", b"b!"] and mask.tolist() == [False, True]


def test_string_ops_in_tf_function():
    @tf.function
    def f(s):
        return tf.strings.upper(s), tf.strings.length(s), tf.strings.split(s)
    up, n, parts = f(tf.constant(["ab c", "d"]))
    assert up.numpy().tolist() == [b"AB C", b"D"] and n.numpy().tolist() == [4, 1]
    assert parts.to_list() == [[b"ab", b"c"], [b"d"]]


def test_farmhash_known_values():
    # TensorFlow's to_hash_bucket_fast buckets (also in the fixtures, with many lengths)
    got = [farmhash.fingerprint64(s) % 1000 for s in (b"", b"a", b"hello world")]
    assert got == [263, 939, 11]


def test_mixing_dtypes_names_the_argument():
    with pytest.raises(InvalidArgumentError, match=r"inputs\[1\].*int32"):
        tf.strings.join([tf.constant(["a"]), tf.constant([1])])
    with pytest.raises(TypeError, match="'input'"):
        tf.strings.to_hash_bucket_fast([1], 10)
    with pytest.raises(InvalidArgumentError, match="'input'"):
        tf.strings.length(tf.constant([1.0]))
    with pytest.raises(InvalidArgumentError, match="'data'"):
        tf.strings.ngrams(tf.ragged.constant([[1, 2]]), 2)
    with pytest.raises(TypeError, match="str or bytes"):
        tf.constant(["a", None])


def test_bad_values_raise_named_errors():
    with pytest.raises(InvalidArgumentError, match="could not correctly convert string: abc"):
        tf.strings.to_number(["1", "abc"])
    with pytest.raises(InvalidArgumentError, match="pos 3 out of range"):
        tf.strings.substr(["hello", "ab"], 3, 1)
    with pytest.raises(InvalidArgumentError, match="Invalid formatting"):
        tf.strings.unicode_decode([b"\xff"], "UTF-8", errors="strict")
    with pytest.raises(InvalidArgumentError, match="num_buckets"):
        tf.strings.to_hash_bucket_fast(["a"], 0)
    with pytest.raises(InvalidArgumentError, match="input_encoding"):
        tf.strings.unicode_decode(["a"], "KLINGON")
    with pytest.raises(InvalidArgumentError, match="out of range"):
        tf.strings.reduce_join([["a"]], axis=2)
    with pytest.raises(ValueError, match="expects 2 tensors"):
        tf.strings.format("{} {}", [tf.constant(1)])


def test_ops_on_ragged_strings_keep_the_partition():
    rt = tf.ragged.constant([["Ab", "c"], []])
    assert tf.strings.lower(rt).to_list() == [[b"ab", b"c"], []]
    assert tf.strings.length(rt).to_list() == [[2, 1], []]
    assert tf.strings.split(rt).to_list() == [[[b"Ab"], [b"c"]], []]


def test_tf1_names():
    g = v1.Graph()
    with g.as_default():
        joined = v1.string_join(["a", "b"], separator="-")
        parts = v1.strings.split(["x y"])
        with v1.Session() as sess:
            assert sess.run(joined) == b"a-b"
            assert sess.run(parts).to_list() == [[b"x", b"y"]]
    assert tf.as_string(3).numpy() == b"3"
