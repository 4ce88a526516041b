"""keras.utils.image_dataset_from_directory / text_dataset_from_directory."""
import numpy as np
import pytest

from ndflow import keras

PIL = pytest.importorskip("PIL.Image", reason="image decoding needs Pillow")


def _images(root):
    for k, name in enumerate(["cats", "dogs"]):
        (root / name).mkdir()
        for i in range(3):
            PIL.fromarray(np.full((8, 6, 3), 40 * k + i, np.uint8)).save(root / name / f"{i}.png")


def test_image_dataset_from_directory(tmp_path):
    _images(tmp_path)
    ds = keras.utils.image_dataset_from_directory(tmp_path, image_size=(4, 4), batch_size=4,
                                                  seed=1, verbose=False)
    assert ds.class_names == ["cats", "dogs"]
    images, labels = zip(*ds.as_numpy_iterator())
    assert images[0].shape == (4, 4, 4, 3) and images[0].dtype == np.float32
    flat_labels = np.concatenate(labels)
    flat_values = np.concatenate(images)[:, 0, 0, 0]
    assert sorted(flat_labels.tolist()) == [0, 0, 0, 1, 1, 1]
    assert all((v >= 40) == bool(lab) for v, lab in zip(flat_values, flat_labels))
    train, val = keras.utils.image_dataset_from_directory(
        tmp_path, image_size=(4, 4), batch_size=2, seed=3, validation_split=0.5, subset="both",
        label_mode="categorical", color_mode="grayscale", verbose=False)
    assert set(train.file_paths).isdisjoint(val.file_paths)
    x, y = next(iter(train))
    assert x.shape[1:] == (4, 4, 1) and y.shape[1:] == (2,)
    with pytest.raises(ValueError, match="seed"):
        keras.utils.image_dataset_from_directory(tmp_path, validation_split=0.2,
                                                 subset="training", verbose=False)


def test_text_dataset_from_directory(tmp_path):
    for name, texts in (("neg", ["bad", "awful"]), ("pos", ["good"])):
        (tmp_path / name).mkdir()
        for i, t in enumerate(texts):
            (tmp_path / name / f"{i}.txt").write_text(t)
    ds = keras.utils.text_dataset_from_directory(tmp_path, batch_size=8, shuffle=False,
                                                 verbose=False)
    texts, labels = next(iter(ds))
    assert texts.numpy().tolist() == [b"bad", b"awful", b"good"] or \
        sorted(texts.numpy().tolist()) == [b"awful", b"bad", b"good"]
    assert dict(zip(texts.numpy().tolist(), labels.numpy().tolist())) == {
        b"bad": 0, b"awful": 0, b"good": 1}


def test_aspect_ratio_options_and_channels_first_match_keras(tmp_path):
    # Keras 3's batches for the same files (tools/make_keras_directory_fixtures.py)
    import os
    ref = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "keras_directory.npz"))
    (tmp_path / "a").mkdir()
    for name in ("tall", "wide"):
        PIL.fromarray(ref[f"image_{name}"]).save(tmp_path / "a" / f"{name}.png")
    cases = {"pad_8x12_nearest": dict(image_size=(8, 12), interpolation="nearest",
                                      pad_to_aspect_ratio=True),
             "pad_8x4_bilinear": dict(image_size=(8, 4), pad_to_aspect_ratio=True),
             "pad_5x7_bilinear": dict(image_size=(5, 7), pad_to_aspect_ratio=True),
             "crop_8x12_nearest": dict(image_size=(8, 12), interpolation="nearest",
                                       crop_to_aspect_ratio=True),
             "crop_5x7_bilinear": dict(image_size=(5, 7), crop_to_aspect_ratio=True),
             "plain_5x7_bicubic": dict(image_size=(5, 7), interpolation="bicubic"),
             "pad_6x6_first": dict(image_size=(6, 6), pad_to_aspect_ratio=True,
                                   data_format="channels_first")}
    for name, kwargs in cases.items():
        ds = keras.utils.image_dataset_from_directory(tmp_path, shuffle=False, batch_size=2,
                                                      verbose=False, **kwargs)
        images = next(iter(ds))[0].numpy()
        assert ds.element_spec[0].shape.as_list() == [None] + list(ref[name].shape[1:])
        np.testing.assert_allclose(images, ref[name], atol=1e-4, err_msg=name)
    padded = ref["pad_8x12_nearest"][1]  # the wide image, 4x8 -> 6x12 between black bars
    assert not padded[0].any() and not padded[-1].any() and padded[1:7].all()
    with pytest.raises(ValueError, match="Only one of"):
        keras.utils.image_dataset_from_directory(tmp_path, crop_to_aspect_ratio=True,
                                                 pad_to_aspect_ratio=True, verbose=False)
