"""tf.io / tf.image decode_* and encode_* (Pillow) against files TensorFlow wrote
(tools/make_tf_image_fixtures.py) and round trips."""
import os

import numpy as np
import pytest

import ndflow as tf

pytest.importorskip("PIL")
FIXTURE = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "tf_image_codecs.npz")


@pytest.fixture(scope="module")
def ref():
    with np.load(FIXTURE) as data:
        return dict(data)


def _file(ref, key):
    return ref[f"file:{key}"].tobytes()


@pytest.mark.parametrize("key", ["png_rgb", "png_rgba", "png_gray16"])
def test_decode_png_equals_tensorflow(ref, key):
    dtype = tf.uint16 if key == "png_gray16" else tf.uint8
    out = tf.io.decode_png(_file(ref, key), dtype=dtype)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out.numpy(), ref[f"decoded:{key}"])


def test_decode_jpeg_and_image_equal_tensorflow(ref):
    data = _file(ref, "jpeg")
    got = tf.io.decode_jpeg(data).numpy().astype(int)
    # TensorFlow's libjpeg defaults to its fast integer IDCT, Pillow's to the accurate one
    diff = np.abs(got - ref["decoded:jpeg"])
    assert diff.max() <= 4 and diff.mean() < 1.5
    assert tf.image.decode_image(data).shape == ref["decoded:jpeg"].shape
    np.testing.assert_allclose(tf.io.decode_image(data, dtype=tf.float32).numpy(),
                               ref["decoded:jpeg_float"], atol=4.01 / 255)
    np.testing.assert_array_equal(tf.io.decode_png(_file(ref, "png_rgba"), channels=3).numpy(),
                                  ref["decoded:png_rgba_as_rgb"])


def test_round_trips_and_graph_mode(tmp_path):
    x = (np.random.default_rng(0).uniform(0, 255, (7, 5, 4))).astype(np.uint8)
    np.testing.assert_array_equal(tf.io.decode_png(tf.io.encode_png(x)).numpy(), x)
    gray16 = np.arange(12, dtype=np.uint16).reshape(3, 4, 1) * 5000
    np.testing.assert_array_equal(
        tf.image.decode_png(tf.image.encode_png(gray16), dtype=tf.uint16).numpy(), gray16)
    path = str(tmp_path / "a.jpg")
    tf.io.write_file(path, tf.io.encode_jpeg(x[:, :, :3], quality=100))

    @tf.function
    def load(p):
        return tf.image.convert_image_dtype(tf.io.decode_jpeg(tf.io.read_file(p)), tf.float32)
    image = load(path)
    assert image.shape == (7, 5, 3) and image.dtype == tf.float32
    assert bool(tf.io.is_jpeg(tf.io.read_file(path)))


def test_bad_data_and_arguments():
    with pytest.raises(tf.errors.InvalidArgumentError, match="not a decodable image"):
        tf.io.decode_png(b"not an image")
    png = tf.io.encode_png(np.zeros((2, 2, 3), np.uint8)).numpy()
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected JPEG"):
        tf.io.decode_jpeg(png)
    with pytest.raises(tf.errors.InvalidArgumentError, match="channels must be"):
        tf.io.decode_png(png, channels=2)
    with pytest.raises(ValueError, match="image dtype"):
        tf.io.encode_png(np.zeros((2, 2, 3), np.float32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="height, width, channels"):
        tf.io.encode_jpeg(np.zeros((2, 2, 2), np.uint8))
