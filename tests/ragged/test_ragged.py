"""RaggedTensor: structure, printing, graphs (tf.function, Session), gradients, bad input."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1
from ndflow.framework.errors import InvalidArgumentError

RT = tf.RaggedTensor


def test_structure_and_shape():
    rt = tf.ragged.constant([[1, 2], [3], []])
    assert rt.shape == tf.TensorShape([3, None]) and rt.dtype == tf.int32
    assert rt.ragged_rank == 1 and rt.nrows().numpy() == 3
    assert rt.row_splits.numpy().tolist() == [0, 2, 3, 3]
    assert rt.row_splits.dtype == tf.int64
    assert rt.values.numpy().tolist() == [1, 2, 3]
    nested = tf.ragged.constant([[[1.0], [2.0, 3.0]], [[4.0]]])
    assert nested.shape.as_list() == [2, None, None] and nested.ragged_rank == 2
    assert [s.numpy().tolist() for s in nested.nested_row_splits] == [[0, 2, 3], [0, 1, 3, 4]]
    inner = tf.ragged.constant([[[1, 2]], [[3, 4], [5, 6]]], ragged_rank=1)
    assert inner.shape.as_list() == [2, None, 2] and inner.flat_values.shape == (3, 2)


def test_printing_matches_tensorflow():
    assert repr(tf.ragged.constant([[1, 2], [3]])) == "<tf.RaggedTensor [[1, 2], [3]]>"
    assert str(tf.ragged.constant([[1.5], []])) == "<tf.RaggedTensor [[1.5], []]>"
    assert repr(tf.ragged.constant([["a"]])) == "<tf.RaggedTensor [[b'a']]>"


def test_numpy_rows():
    v = tf.ragged.constant([[1, 2], [3]]).numpy()
    assert v.dtype == object and [r.tolist() for r in v] == [[1, 2], [3]]
    assert tf.ragged.constant([[1, 2], [3, 4]]).numpy().tolist() == [[1, 2], [3, 4]]


def test_type_spec():
    rt = tf.ragged.constant([[1.0], [2.0, 3.0]])
    spec = rt._type_spec
    assert spec == tf.RaggedTensorSpec([2, None], tf.float32, 1)
    assert hash(spec) == hash(tf.RaggedTensorSpec([2, None], tf.float32, 1))
    assert tf.RaggedTensorSpec([None, None], tf.float32).is_compatible_with(rt)
    assert not tf.RaggedTensorSpec([None, None], tf.int32).is_compatible_with(rt)


def test_tf_function_takes_and_returns_ragged():
    traces = []

    @tf.function
    def f(x):
        traces.append(1)
        return tf.reduce_sum(x, axis=1), x * 2.0, tf.reduce_mean(x)
    s, doubled, mean = f(tf.ragged.constant([[1.0, 2.0], [3.0]]))
    assert s.numpy().tolist() == [3.0, 3.0] and doubled.to_list() == [[2.0, 4.0], [6.0]]
    assert mean.numpy() == pytest.approx(2.0)

    @tf.function(input_signature=[tf.RaggedTensorSpec([None, None], tf.float32, 1)])
    def g(x):
        traces.append(2)
        return tf.reduce_max(x, axis=1)
    assert g(tf.ragged.constant([[1.0, 5.0], [3.0]])).numpy().tolist() == [5.0, 3.0]
    assert g(tf.ragged.constant([[1.0], [2.0], [7.0, 0.0, 1.0]])).numpy().tolist() == \
        [1.0, 2.0, 7.0]
    assert traces.count(2) == 1


def test_session_feeds_and_fetches_ragged():
    g = v1.Graph()
    with g.as_default():
        p = v1.ragged.placeholder(tf.float32, ragged_rank=1)
        total = tf.reduce_sum(p, axis=1)
        doubled = p * 2.0
        with v1.Session() as sess:
            t, d = sess.run([total, doubled], {p: v1.ragged.constant_value([[1.0, 2.0], [3.0]])})
            listed = sess.run(doubled, {p: [[1.0], [], [2.0, 3.0]]})
    assert t.tolist() == [3.0, 3.0]
    assert isinstance(d, v1.ragged.RaggedTensorValue) and d.to_list() == [[2.0, 4.0], [6.0]]
    assert listed.row_splits.tolist() == [0, 1, 1, 3]


def test_gradients_flow_to_flat_values_and_variables():
    x = tf.Variable([1.0, 2.0, 3.0])
    w = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        rt = RT.from_row_lengths(x, [2, 1])
        y = tf.ragged.map_flat_values(lambda v: v * w, rt)
        loss = tf.reduce_sum(tf.reduce_mean(y * y, axis=1))
    gx, gw = tape.gradient(loss, [x, w])
    # rows: (9x0^2 + 9x1^2)/2 and 9x2^2
    np.testing.assert_allclose(gx.numpy(), [9.0, 18.0, 54.0])
    np.testing.assert_allclose(gw.numpy(), 2 * 3.0 * ((1 + 4) / 2 + 9))
    flat = tf.constant([1.0, 4.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(flat)
        rt = RT.from_row_splits(flat, [0, 2, 3])
        out = tf.reduce_sum(tf.reduce_max(rt, axis=1)) + tf.reduce_sum(rt.to_tensor() * 2.0)
    np.testing.assert_allclose(tape.gradient(out, flat).numpy(), [2.0, 3.0, 3.0])


def test_factories():
    assert RT.from_value_rowids([1, 2, 3], [0, 0, 2], nrows=4).to_list() == [[1, 2], [], [3], []]
    assert RT.from_tensor([[1, 0], [2, 3]], padding=0).to_list() == [[1], [2, 3]]
    assert RT.from_tensor([[1, 0], [2, 3]], lengths=[2, 1]).to_list() == [[1, 0], [2]]
    rt = RT.from_nested_row_splits([1, 2, 3], [[0, 1, 2], [0, 2, 3]])
    assert rt.to_list() == [[[1, 2]], [[3]]]
    assert rt.with_flat_values(tf.constant([4, 5, 6])).to_list() == [[[4, 5]], [[6]]]
    assert tf.ragged.constant([[1], [2, 3]]).with_values(tf.constant([7, 8, 9])).to_list() == \
        [[7], [8, 9]]


def test_bad_row_splits_name_the_argument_and_values():
    with pytest.raises(InvalidArgumentError, match=r"row_splits must start with 0.*\[1, 2, 3\]"):
        RT.from_row_splits([1, 2, 3], [1, 2, 3])
    with pytest.raises(InvalidArgumentError, match=r"sorted.*row_splits\[1\] = 2 > row_splits"):
        RT.from_row_splits([1, 2, 3], [0, 2, 1, 3])
    with pytest.raises(InvalidArgumentError, match=r"row_splits\[-1\] = 4 must equal the number "
                                                   r"of values 3"):
        RT.from_row_splits([1, 2, 3], [0, 2, 4])
    with pytest.raises(InvalidArgumentError, match="row_lengths must be >= 0"):
        RT.from_row_lengths([1, 2], [3, -1])
    with pytest.raises(InvalidArgumentError, match="value_rowids"):
        RT.from_value_rowids([1, 2], [1, 0])
    with pytest.raises(ValueError, match="constructor is internal"):
        RT(tf.constant([1]), tf.constant([0, 1]))


def test_mismatched_ragged_operands():
    a = tf.ragged.constant([[1, 2], [3]])
    with pytest.raises(InvalidArgumentError, match=r"identical ragged splits.*\[0, 2, 3\] and "
                                                   r"\[0, 1, 3\]"):
        _ = a + tf.ragged.constant([[1], [2, 3]])
    with pytest.raises(InvalidArgumentError, match="ragged ranks"):
        _ = a + tf.ragged.constant([[[1]], [[2]]])
    with pytest.raises(InvalidArgumentError, match="cannot broadcast a dense operand of shape"):
        _ = a + tf.constant([[1, 2, 3]])
    with pytest.raises(InvalidArgumentError, match=r"indices\[0\] = 5 is not in \[0, 2\)"):
        tf.gather(a, [5])
    with pytest.raises(IndexError, match="out of range for 2 rows"):
        _ = a[2]
    with pytest.raises(ValueError, match="int key .* on a ragged dimension"):
        _ = a[:, 0]
    with pytest.raises(ValueError, match="same nesting depth"):
        tf.ragged.constant([[1, 2], 3])
    with pytest.raises(TypeError, match="does not support RaggedTensor"):
        tf.nn.softmax(tf.ragged.constant([[1.0, 2.0]]))


def test_tf_boolean_mask_on_ragged():
    # TensorFlow 2.21's tf.boolean_mask fails on RaggedTensors (a TypeError inside); ndflow
    # routes it to tf.ragged.boolean_mask as TensorFlow's documentation describes.
    rt = tf.ragged.constant([[1, 2], [3], [4, 5, 6]])
    assert tf.boolean_mask(rt, [True, False, True]).to_list() == [[1, 2], [4, 5, 6]]
    assert tf.boolean_mask(rt, rt > 2).to_list() == [[], [3], [4, 5, 6]]


def test_strings_split_feeds_ragged_ops():
    words = tf.strings.split(["the cat sat", "a dog"])
    assert tf.strings.reduce_join(words, axis=1, separator="_").numpy().tolist() == \
        [b"the_cat_sat", b"a_dog"]
    assert words.row_lengths().numpy().tolist() == [3, 2]
    ids = tf.strings.to_hash_bucket_fast(words, 100)
    assert ids.shape.as_list() == [2, None] and ids.dtype == tf.int64
