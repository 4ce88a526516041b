"""tf.image functions against values TensorFlow produced for the cases of image_cases.py
(tools/make_tf_image_fixtures.py), and their argument errors."""
import os

import numpy as np
import pytest

import ndflow as tf

from . import image_cases

FIXTURE = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "tf_image_ops.npz")


@pytest.fixture(scope="module")
def ref():
    with np.load(FIXTURE) as data:
        return dict(data)


@pytest.mark.parametrize("name", sorted(image_cases.CASES))
def test_equals_tensorflow(ref, name):
    inputs = {k[3:]: v for k, v in ref.items() if k.startswith("in:")}
    outputs = image_cases.run(tf, name, inputs)
    expected = [ref[f"{name}:{i}"] for i in range(len(outputs))]
    assert f"{name}:{len(outputs)}" not in ref
    for got, want in zip(outputs, expected):
        assert got.shape == want.shape, (got.shape, want.shape)
        assert got.dtype == want.dtype, (got.dtype, want.dtype)
        if name in image_cases.EXACT or got.dtype.kind in "iub":
            np.testing.assert_array_equal(got, want)
        else:
            np.testing.assert_allclose(got, want, atol=1e-5, rtol=1e-5)


IMG = np.random.default_rng(0).uniform(0, 1, (2, 6, 7, 3)).astype(np.float32)


@pytest.mark.parametrize("call, match", [
    (lambda: tf.image.flip_left_right(np.zeros((4, 4))), "'image' must be 3-D"),
    (lambda: tf.image.rot90(np.zeros((1, 2, 4, 4, 3))), "'image' must be 3-D"),
    (lambda: tf.image.image_gradients(IMG[0]), "'image' must be 4-D"),
    (lambda: tf.image.crop_to_bounding_box(IMG, 3, 0, 4, 7), "does not fit"),
    (lambda: tf.image.crop_to_bounding_box(IMG, -1, 0, 4, 7), "offset_height must be >= 0"),
    (lambda: tf.image.crop_to_bounding_box(IMG, 0, 0, 0, 7), "target_height must be > 0"),
    (lambda: tf.image.pad_to_bounding_box(IMG, 1, 1, 6, 9), "does not fit"),
    (lambda: tf.image.central_crop(IMG, 0.0), "central_fraction"),
    (lambda: tf.image.resize_with_crop_or_pad(IMG, -2, 3), "target_height must be > 0"),
    (lambda: tf.image.crop_and_resize(IMG, [[0, 0, 1]], [0], (2, 2)), "'boxes' must have"),
    (lambda: tf.image.crop_and_resize(IMG, [[0, 0, 1, 1]], [0], (0, 2)), "'crop_size' must"),
    (lambda: tf.image.crop_and_resize(IMG, [[0, 0, 1, 1]], [0], (2, 2), "area"), "method"),
    (lambda: tf.image.non_max_suppression(np.zeros((3, 4)), np.zeros(3), 2, 1.5),
     "iou_threshold"),
    (lambda: tf.image.extract_patches(IMG, [1, 2, 2], [1, 1, 1, 1], [1, 1, 1, 1], "SAME"),
     "'sizes'"),
    (lambda: tf.image.adjust_gamma(IMG, -1.0), "gamma"),
    (lambda: tf.image.adjust_hue(IMG, 1.5), "delta"),
    (lambda: tf.image.random_hue(IMG, 0.7), "max_delta"),
    (lambda: tf.image.random_contrast(IMG, 0.8, 0.5), "upper must be > lower"),
    (lambda: tf.image.random_brightness(IMG, -0.1), "max_delta"),
    (lambda: tf.image.rgb_to_hsv(IMG[..., :2]), "must be 3"),
    (lambda: tf.image.ssim(IMG, IMG[:, :5], 1.0), "same height"),
    (lambda: tf.image.ssim(IMG, IMG, 1.0), "at least filter_size"),
    (lambda: tf.nn.max_pool(np.tile(IMG, (1, 1, 1, 2)), [1, 1, 1, 4], [1, 1, 1, 4], "VALID"),
     "multiple of the window"),
])
def test_bad_arguments_name_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_nms_kernel_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="boxes must have shape"):
        tf.image.non_max_suppression(np.zeros((3, 3)), np.zeros(3), 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="scores must have shape"):
        tf.image.non_max_suppression(np.zeros((3, 4)), np.zeros(2), 2)


def test_random_ops_are_seeded_and_in_range():
    tf.random.set_seed(5)
    a = [tf.image.random_brightness(IMG, 0.2, seed=3).numpy(),
         tf.image.random_flip_left_right(IMG, seed=3).numpy(),
         tf.image.random_crop(IMG, (2, 4, 5, 3), seed=3).numpy(),
         tf.image.random_hue(IMG, 0.2, seed=3).numpy()]
    tf.random.set_seed(5)
    b = [tf.image.random_brightness(IMG, 0.2, seed=3).numpy(),
         tf.image.random_flip_left_right(IMG, seed=3).numpy(),
         tf.image.random_crop(IMG, (2, 4, 5, 3), seed=3).numpy(),
         tf.image.random_hue(IMG, 0.2, seed=3).numpy()]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    delta = a[0] - IMG
    assert np.allclose(delta, delta.flat[0]) and abs(delta.flat[0]) <= 0.2
    crops = [IMG[:, i:i + 4, j:j + 5] for i in range(3) for j in range(3)]
    assert any(np.array_equal(a[2], c) for c in crops)
    for image, flipped in zip(IMG, a[1]):
        assert np.array_equal(flipped, image) or np.array_equal(flipped, image[:, ::-1])


def test_colour_gradients_are_finite_on_grey_pixels():
    grey = tf.Variable(np.full((1, 2, 2, 3), 0.5, np.float32))
    with tf.GradientTape() as tape:
        out = tf.reduce_sum(tf.image.adjust_saturation(grey, 1.5)) + \
            tf.reduce_sum(tf.image.adjust_hue(grey, 0.1)) + \
            tf.reduce_sum(tf.image.rgb_to_hsv(grey)[..., 0])
    assert np.all(np.isfinite(tape.gradient(out, grey).numpy()))


def test_ssim_of_identical_images_is_one_and_graph_mode_matches():
    big = np.random.default_rng(1).uniform(0, 1, (2, 16, 16, 3)).astype(np.float32)
    np.testing.assert_allclose(tf.image.ssim(big, big, 1.0).numpy(), [1.0, 1.0], atol=1e-6)

    @tf.function
    def f(a, b):
        return tf.image.ssim(a, b, 1.0), tf.image.psnr(a, b, 1.0)
    noisy = np.clip(big + 0.05, 0, 1).astype(np.float32)
    s, p = f(big, noisy)
    np.testing.assert_allclose(s.numpy(), tf.image.ssim(big, noisy, 1.0).numpy(), rtol=1e-6)
    np.testing.assert_allclose(p.numpy(), tf.image.psnr(big, noisy, 1.0).numpy(), rtol=1e-6)
