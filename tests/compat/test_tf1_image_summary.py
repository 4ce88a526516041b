"""compat.v1 tf.image (TF1's resize_images pixel mapping, old spellings) and the TF1
summary forms (audio, image, histogram, scalar, text) read back with TensorBoard."""
import json
import pathlib

import numpy as np
import pytest

import ndflow.compat.v1 as tf

REF = json.loads((pathlib.Path(__file__).parent / "fixtures" / "tf1_reference.json").read_text())


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()


@pytest.mark.parametrize("key", sorted(REF["image"]["resize_images"]))
def test_resize_images_matches_tf1(key):
    method, align, size = key.split("-")
    img = np.asarray(REF["image"]["image"], np.float32)
    out = tf.image.resize_images(img, [int(s) for s in size.split("x")],
                                 method=getattr(tf.image.ResizeMethod, method.upper() if
                                                method == "bilinear" else "NEAREST_NEIGHBOR"),
                                 align_corners=align == "True")
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(out), REF["image"]["resize_images"][key], rtol=1e-5,
                                   atol=1e-4)


def test_resize_images_dtypes_gradient_and_errors():
    img = np.arange(24, dtype=np.uint8).reshape(2, 3, 4, 1)
    assert tf.image.resize_images(img, (5, 3)).dtype == tf.float32
    assert tf.image.resize_images(img, (5, 3), method=1).dtype == tf.uint8
    assert tf.image.resize_images(img[0], (6, 8)).shape.as_list() == [6, 8, 1]
    x = tf.placeholder(tf.float32, [1, 2, 2, 1])
    (g,) = tf.gradients(tf.reduce_sum(tf.image.resize_bilinear(x, [4, 4])), [x])
    with tf.Session() as s:
        # each input pixel's share of the 16 outputs (TF1 mapping: 2x upsampling)
        assert s.run(g, {x: np.ones((1, 2, 2, 1))}).sum() == pytest.approx(16.0)
    with pytest.raises(ValueError, match="method"):
        tf.image.resize_images(img, (2, 2), method=7)
    with pytest.raises(ValueError, match="3-D or 4-D"):
        tf.image.resize_images(np.ones((3, 3), np.float32), (2, 2))


def test_tf2_image_names_are_reachable_from_compat_v1():
    img = np.arange(12, dtype=np.float32).reshape(2, 2, 3)
    std = tf.image.per_image_standardization(img)
    flipped = tf.image.random_flip_left_right(img, seed=1)
    with tf.Session() as s:
        out = s.run(std)
        assert out.mean() == pytest.approx(0.0, abs=1e-6)
        assert out.std() == pytest.approx(1.0, rel=1e-4)
        f = s.run(flipped)
        assert f.tolist() in (img.tolist(), img[:, ::-1].tolist())


def test_tf1_summary_forms_read_back(tmp_path):
    pytest.importorskip("tensorboard", reason="tensorboard is not installed")
    from tensorboard.backend.event_processing import event_accumulator
    x = tf.placeholder(tf.float32, [None, 4])
    tf.summary.scalar("mean", tf.reduce_mean(x))
    tf.summary.histogram("values", x)
    tf.summary.image("pic", tf.reshape(x, [-1, 2, 2, 1]), max_outputs=1)
    tf.summary.text("note", tf.constant("hello"))
    tf.summary.audio("sound", tf.reshape(x, [-1, 4, 1]) / 10.0, 8000, max_outputs=2)
    merged = tf.summary.merge_all()
    with tf.Session() as s:
        writer = tf.summary.FileWriter(str(tmp_path), s.graph)
        writer.add_summary(s.run(merged, {x: np.arange(8, dtype=np.float32).reshape(2, 4)}),
                           3)
        writer.close()
    acc = event_accumulator.EventAccumulator(str(tmp_path), size_guidance={
        event_accumulator.AUDIO: 0, event_accumulator.IMAGES: 0,
        event_accumulator.TENSORS: 0})
    acc.Reload()
    tags = acc.Tags()
    assert tags["scalars"] == ["mean"] and tags["histograms"] == ["values"]
    assert tags["images"] == ["pic/image"]
    assert sorted(tags["audio"]) == ["sound/audio/0", "sound/audio/1"]
    clip = acc.Audio("sound/audio/1")[0]
    assert clip.sample_rate == 8000 and clip.length_frames == 4 and clip.step == 3
    import ndflow as tf2  # the clip is TensorFlow's 16-bit encoding of x[1] / 10
    samples, rate = tf2.audio.decode_wav(clip.encoded_audio_string)
    assert int(rate) == 8000
    np.testing.assert_allclose(samples.numpy()[:, 0], np.arange(4, 8) / 10.0, atol=1 / 32768)
    assert acc.Scalars("mean")[0].value == pytest.approx(3.5)
