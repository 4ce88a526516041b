"""Resizing with image shapes and sizes known only when the graph runs: TF1 graphs
(placeholders, resize_images with align_corners) and tf.function traces, against
TensorFlow's values and static shapes (tools/make_tf_resize_dynamic_fixtures.py; both run the cases of
resize_dynamic_cases.py)."""
import os

import numpy as np
import pytest

import ndflow as tf
from ndflow.compat import v1 as V1

from .resize_dynamic_cases import (METHODS, SIZES, dims, shape_cases, tf2_shape_cases,
                                   v1_fetches)

FIXTURE = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures",
                       "tf_image_resize_dynamic.npz")


@pytest.fixture(scope="module")
def ref():
    with np.load(FIXTURE) as data:
        return dict(data)


def test_tf1_graph_values_and_shapes_equal_tensorflow(ref):
    image = ref["image"]
    with tf.Graph().as_default():
        x = V1.placeholder(tf.float32, [None, None, None, 3])
        x8 = V1.placeholder(tf.uint8, [None, None, None, 3])
        x64 = V1.placeholder(tf.float64, [None, None, None, 3])
        size = V1.placeholder(tf.int32, [2])
        fetches = v1_fetches(V1, x, x8, x64, size)
        assert fetches["v1_uint8_bilinear_align"].dtype.name == str(ref["v1_uint8_dtype"])
        assert fetches["v1_float64_bilinear_align"].dtype.name == str(ref["v1_float64_dtype"])
        cases = shape_cases(tf, V1, x, size)
        for name, t in cases.items():
            assert dims(t.shape) == ref[f"shape_v1_{name}"].tolist(), name
        for key, t in fetches.items():
            assert dims(t.shape) == [-1, -1, -1, 3], key
        with V1.Session() as sess:
            for k, s in enumerate(SIZES):
                feed = {x: image, x8: ref["uint8_image"], x64: image.astype(np.float64),
                        size: s}
                for key, v in sess.run(fetches, feed).items():
                    np.testing.assert_allclose(v, ref[f"{key}_{k}"], rtol=1e-5, atol=1e-5,
                                               err_msg=f"{key} {s}")
                for key, v in sess.run(cases, feed).items():
                    np.testing.assert_allclose(v, ref[f"value_v1_{key}_{k}"], rtol=1e-5,
                                               atol=1e-5, err_msg=f"{key} {s}")


def test_tf_function_values_and_shapes_equal_tensorflow(ref):
    image = ref["image"]
    traced = {}

    @tf.function(input_signature=[tf.TensorSpec([None, None, None, 3], tf.float32),
                                  tf.TensorSpec([2], tf.int32)])
    def resize_all(x, size):
        return {m: tf.image.resize(x, size, method=m) for m in METHODS}

    @tf.function(input_signature=[tf.TensorSpec([None, None, None, 3], tf.float32),
                                  tf.TensorSpec([2], tf.int32)])
    def shapes(x, size):
        cases = tf2_shape_cases(tf, x, size)
        traced.update({name: dims(t.shape) for name, t in cases.items()})
        return cases

    for k, s in enumerate(SIZES):
        for m, v in resize_all(image, np.array(s, np.int32)).items():
            np.testing.assert_allclose(v.numpy(), ref[f"tf2_{m}_{k}"], rtol=1e-5, atol=1e-5,
                                       err_msg=f"{m} {s}")
        for name, v in shapes(image, np.array(s, np.int32)).items():
            np.testing.assert_allclose(v.numpy(), ref[f"value_tf2_{name}_{k}"], rtol=1e-5,
                                       atol=1e-5, err_msg=f"{name} {s}")
    for name, d in traced.items():
        assert d == ref[f"shape_tf2_{name}"].tolist(), name


def test_gradients_through_a_dynamic_size_equal_the_static_ones():
    rng = np.random.default_rng(0)
    x = tf.Variable(rng.normal(size=(1, 4, 5, 2)).astype(np.float32))
    v = rng.normal(size=(1, 4, 5, 2)).astype(np.float32)

    def second_order(size):
        with tf.GradientTape() as outer:
            with tf.GradientTape() as inner:
                loss = tf.reduce_sum(tf.image.resize(x, size, method="bicubic") ** 2)
            grad = inner.gradient(loss, x)
            along = tf.reduce_sum(grad * v)
        return grad, outer.gradient(along, x)

    dynamic = tf.function(second_order, input_signature=[tf.TensorSpec([2], tf.int32)])
    for got, want in zip(dynamic(tf.constant([7, 3])), second_order((7, 3))):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)


def test_a_bad_size_fed_at_run_time_is_an_error_naming_it():
    @tf.function(input_signature=[tf.TensorSpec([None, None, None, 1], tf.float32),
                                  tf.TensorSpec([2], tf.int32)])
    def f(x, size):
        return tf.image.resize(x, size)

    assert f(np.ones((1, 3, 3, 1), np.float32), np.array([2, 4], np.int32)).shape == \
        (1, 2, 4, 1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="size must be 2 positive"):
        f(np.ones((1, 3, 3, 1), np.float32), np.array([2, 0], np.int32))
    for spec, match in ((tf.TensorSpec([3], tf.int32), "1-D tensor of 2 elements"),
                        (tf.TensorSpec([2], tf.float32), "2 integers")):
        traced = tf.function(lambda x, s: tf.image.resize(x, s),
                             input_signature=[tf.TensorSpec([None, 3, 3, 1]), spec])
        with pytest.raises(ValueError, match=match):
            traced.get_concrete_function()


def test_tf1_gradients_through_unknown_shapes_and_a_constant_size():
    from ndflow.ops import image_resize_ops as R
    image = np.random.default_rng(3).uniform(size=(2, 5, 6, 3)).astype(np.float32)
    weights = np.random.default_rng(4).uniform(size=(2, 7, 9, 3)).astype(np.float32)
    x_eager = tf.Variable(image)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(R.resize_bilinear(x_eager, (7, 9), align_corners=True) * weights)
    want = tape.gradient(loss, x_eager).numpy()
    with tf.Graph().as_default():
        x = V1.placeholder(tf.float32, [None, None, None, 3])
        size = V1.placeholder(tf.int32, [2])
        dynamic = V1.image.resize_images(x, size, align_corners=True)
        constant = V1.image.resize_images(x, V1.constant([7, 9]), align_corners=True)
        assert constant.shape.as_list() == [None, 7, 9, 3]
        grads = V1.gradients([V1.reduce_sum(dynamic * weights),
                              V1.reduce_sum(constant * weights)], [x])
        with V1.Session() as sess:
            (got,) = sess.run(grads, {x: image, size: [7, 9]})
    np.testing.assert_allclose(got, 2 * want, rtol=1e-5, atol=1e-5)
