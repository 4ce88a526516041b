"""tf.nest: the public face of ndflow.util.nest."""
import collections

import pytest

import ndflow as tf

Point = collections.namedtuple("Point", "x y")


def test_flatten_pack_and_map_follow_tensorflow_order():
    structure = {"b": [1, Point(2, 3)], "a": (4,)}
    assert tf.nest.flatten(structure) == [4, 1, 2, 3]  # dict keys sorted, as TF does
    doubled = tf.nest.map_structure(lambda v: v * 2, structure)
    assert doubled == {"b": [2, Point(4, 6)], "a": (8,)}
    assert tf.nest.pack_sequence_as(structure, [0, 1, 2, 3]) == {"b": [1, Point(2, 3)],
                                                                 "a": (0,)}
    assert tf.nest.is_nested([]) and not tf.nest.is_nested(3)


def test_assert_same_structure_names_what_differs():
    tf.nest.assert_same_structure([1, (2, 3)], [4, (5, 6)])
    with pytest.raises(TypeError, match="sequence type"):
        tf.nest.assert_same_structure([1, (2, 3)], [4, [5, 6]])
    tf.nest.assert_same_structure([1, (2, 3)], [4, [5, 6]], check_types=False)
    with pytest.raises(ValueError, match="same nested structure"):
        tf.nest.assert_same_structure({"a": 1}, {"b": 1})
    with pytest.raises(ValueError, match="same nested structure"):
        tf.nest.assert_same_structure([1, 2], [1])
