"""tf.image.resize against values TensorFlow produced (tools/make_tf_image_fixtures.py)."""
import os

import numpy as np
import pytest

import ndflow as tf
from ndflow.ops import image_resize_ops as R

FIXTURE = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "tf_image_resize.npz")
METHODS = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian",
           "mitchellcubic"]
GRAD_METHODS = ["bilinear", "nearest", "bicubic", "lanczos3"]
CASES = range(4)  # up, down, mixed and same size (see the generator)


@pytest.fixture(scope="module")
def ref():
    with np.load(FIXTURE) as data:
        return dict(data)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("antialias", [False, True])
@pytest.mark.parametrize("method", METHODS)
def test_values_equal_tensorflow(ref, method, antialias, case):
    image, size = ref[f"image{case}"], tuple(ref[f"size{case}"])
    out = tf.image.resize(image, size, method=method, antialias=antialias)
    expected = ref[f"{method}_{int(antialias)}_{case}"]
    assert out.dtype == tf.float32 and out.shape == expected.shape
    if method == "nearest":
        np.testing.assert_array_equal(out.numpy(), expected)
    else:
        np.testing.assert_allclose(out.numpy(), expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("antialias", [False, True])
@pytest.mark.parametrize("method", GRAD_METHODS)
def test_gradients_equal_tensorflow(ref, method, antialias, case):
    x = tf.Variable(ref[f"image{case}"])
    weights = ref[f"gradw_{method}_{int(antialias)}_{case}"]
    with tf.GradientTape() as tape:
        y = tf.image.resize(x, tuple(ref[f"size{case}"]), method=method, antialias=antialias)
        loss = tf.reduce_sum(y * weights)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(),
                               ref[f"grad_{method}_{int(antialias)}_{case}"], atol=1e-5)


def test_integer_images(ref):
    image = ref["uint8_image"]
    nearest = tf.image.resize(image, (8, 3), method="nearest")
    assert nearest.dtype == tf.uint8
    np.testing.assert_array_equal(nearest.numpy(), ref["uint8_nearest"])
    bilinear = tf.image.resize(image, (8, 3))
    assert bilinear.dtype == tf.float32
    np.testing.assert_allclose(bilinear.numpy(), ref["uint8_bilinear"], atol=1e-4)


def test_preserve_aspect_ratio(ref):
    out = tf.image.resize(ref["aspect_image"], (9, 9), preserve_aspect_ratio=True)
    np.testing.assert_allclose(out.numpy(), ref["aspect_bilinear"], atol=1e-5)


def test_float64_stays_float64_and_graph_mode():
    x = np.random.default_rng(0).uniform(size=(2, 5, 6, 3))
    assert tf.image.resize(x, (3, 3)).dtype == tf.float64

    @tf.function(input_signature=[tf.TensorSpec([None, None, None, 3], tf.float32)])
    def f(images):
        return tf.image.resize(images, (4, 7), method="bicubic")
    np.testing.assert_allclose(f(x.astype(np.float32)).numpy(),
                               tf.image.resize(x.astype(np.float32), (4, 7), "bicubic").numpy())


def test_area_has_no_gradient_like_tensorflow():
    x = tf.Variable(np.ones((1, 4, 4, 1), np.float32))
    with tf.GradientTape() as tape:
        y = tf.image.resize(x, (2, 2), method="area")
    with pytest.raises(LookupError, match="area"):
        tape.gradient(y, x)


@pytest.mark.parametrize("bad, match", [
    (dict(images=np.zeros((4, 4))), "'images' must be 3-D"),
    (dict(images=np.zeros((1, 1, 4, 4, 1))), "'images' must be 3-D"),
    (dict(size=(3, -1)), "'size' must be positive"),
    (dict(size=(3,)), "'size' must be a 1-D tensor of 2"),
    (dict(method="cubic"), "method must be one of"),
])
def test_bad_arguments(bad, match):
    args = dict(images=np.zeros((4, 4, 1), np.float32), size=(2, 2))
    args.update(bad)
    with pytest.raises(ValueError, match=match):
        tf.image.resize(**args)


@pytest.mark.parametrize("case", range(3))
@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("method", ["bilinear", "nearest", "bicubic", "area"])
def test_tf1_corner_sampling_equals_tensorflow(ref, method, align, case):
    fn = {"bilinear": R.resize_bilinear, "nearest": R.resize_nearest_neighbor,
          "bicubic": R.resize_bicubic, "area": R.resize_area}[method]
    out = fn(ref[f"image{case}"], tuple(ref[f"size{case}"]), align_corners=align)
    np.testing.assert_allclose(out.numpy(), ref[f"v1_{method}_{int(align)}_{case}"],
                               atol=1e-5, rtol=1e-5)


def test_tf1_resize_images(ref):
    # (eagerly: importing ndflow.compat.v1 here would switch this process to graphs)
    image = ref["image1"][0]
    out = R.resize_images_v1(image, (5, 3), method=R.ResizeMethodV1.BICUBIC)
    np.testing.assert_allclose(out.numpy(), ref["v1_resize_images_3d"], atol=1e-5)
    same = R.resize_images_v1(image, image.shape[:2])
    np.testing.assert_array_equal(np.asarray(same), image)
    with pytest.raises(ValueError, match="half_pixel_centers"):
        R.resize_bilinear(image[None], (2, 2), align_corners=True, half_pixel_centers=True)
    from ndflow.util.export import EXPORTS
    assert EXPORTS["v1.image"]["resize_bilinear"] is R.resize_bilinear
