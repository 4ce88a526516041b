"""tf.roll, tf.nn.space_to_depth / depth_to_space, tf.searchsorted,
tf.histogram_fixed_width(_bins), tf.math.confusion_matrix and tf.nn.atrous_conv2d against
TensorFlow 2.21's results (tests/fixtures/tf_manip.npz from tools/make_tf_manip_fixtures.py,
whose `results` this test runs on ndflow)."""
import importlib.util
import os

import numpy as np
import pytest

import ndflow as tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE = np.load(os.path.join(ROOT, "tests", "fixtures", "tf_manip.npz"))
_spec = importlib.util.spec_from_file_location(
    "make_tf_manip_fixtures", os.path.join(ROOT, "tools", "make_tf_manip_fixtures.py"))
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
OURS = _module.results(tf)


@pytest.mark.parametrize("name", sorted(FIXTURE.files))
def test_results_equal_tensorflow(name):
    got, want = OURS[name], FIXTURE[name]
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_in_graphs_and_errors():
    roll = tf.function(lambda x: tf.roll(x, 1, 0))
    np.testing.assert_array_equal(roll(tf.constant([1, 2, 3])).numpy(), [3, 1, 2])
    pixels = tf.function(lambda x: tf.nn.depth_to_space(x, 2)).get_concrete_function(
        tf.TensorSpec([None, 3, 4, 8]))
    assert pixels.structured_outputs.shape.as_list() == [None, 6, 8, 2]
    with pytest.raises(tf.errors.InvalidArgumentError, match="divisible by block_size"):
        tf.nn.space_to_depth(tf.ones([1, 3, 4, 1]), 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="`labels` contains negative"):
        tf.math.confusion_matrix([-1, 0], [0, 0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of bound"):
        tf.math.confusion_matrix([3, 0], [0, 0], num_classes=2)
    with pytest.raises(ValueError, match="side must be"):
        tf.searchsorted([1., 2.], [1.], side="middle")
    with pytest.raises(tf.errors.InvalidArgumentError, match="low < high"):
        tf.histogram_fixed_width([1.], [2., 1.])
    nchw = tf.nn.space_to_depth(tf.reshape(tf.range(16.), [1, 1, 4, 4]), 2, data_format="NCHW")
    assert nchw.shape == (1, 4, 2, 2)
