"""keras.preprocessing.image.ImageDataGenerator (Keras 2): numbers against TF 2.21's legacy
generator (tests/fixtures/keras_image_generator.npz, written by
tools/make_image_generator_fixtures.py from the cases in image_generator_cases.py), the
iterators' protocol, Keras's error messages, model.fit on its iterators, and a Deep Learning
with Python style cats-vs-dogs program on generated images."""
import os
import sys
import warnings

import numpy as np
import pytest

from ndflow.keras.preprocessing import image as kimage
from ndflow.keras.preprocessing.image import ImageDataGenerator

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import image_generator_cases as cases_module  # noqa: E402

pytest.importorskip("scipy", reason="ImageDataGenerator's transforms need SciPy")

FIXTURE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures",
                       "keras_image_generator.npz")
REFERENCE = np.load(FIXTURE)
ARRAY_CASES = cases_module.cases(ImageDataGenerator)
DIRECTORY_CASES = ("dir_categorical", "dir_binary_two_classes", "dir_sparse_grayscale",
                   "dir_training_subset", "dir_validation_subset")


def _pil():
    return pytest.importorskip("PIL.Image", reason="flow_from_directory reads files with Pillow")


def _check_against_keras(name, result):
    parts = result if isinstance(result, tuple) else (result,)
    assert len(parts) == sum(k.startswith(name + ".") for k in REFERENCE.files)
    for i, got in enumerate(parts):
        want = REFERENCE[f"{name}.{i}"]
        got = np.asarray(got)
        assert got.shape == want.shape and got.dtype == want.dtype, (name, i)
        if name == "zca":  # an SVD: LAPACK builds may differ in the last bits
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5, err_msg=name)
        else:
            np.testing.assert_array_equal(got, want, err_msg=f"{name}.{i}")


@pytest.mark.parametrize("name", sorted(ARRAY_CASES))
def test_numbers_equal_keras(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zca implies featurewise_center
        result = ARRAY_CASES[name]()
    _check_against_keras(name, result)


@pytest.fixture
def folder(tmp_path):
    return cases_module.write_image_folder(str(tmp_path / "images"), _pil())


@pytest.mark.parametrize("name", DIRECTORY_CASES)
def test_flow_from_directory_equals_keras(name, folder, capsys):
    result = cases_module.directory_cases(ImageDataGenerator, folder)[name]()
    _check_against_keras(name, result)
    assert "Found " in capsys.readouterr().out


def test_directory_iterator_attributes(folder, capsys):
    it = ImageDataGenerator(rescale=1 / 255).flow_from_directory(
        folder, target_size=(8, 6), batch_size=5, class_mode="binary",
        classes=["cats", "dogs"], shuffle=False)
    assert capsys.readouterr().out.strip() == "Found 9 images belonging to 2 classes."
    assert it.class_indices == {"cats": 0, "dogs": 1}
    assert it.samples == it.n == 9 and it.batch_size == 5 and len(it) == 2
    assert it.filenames[:2] == [os.path.join("cats", "00.png"), os.path.join("cats", "01.png")]
    assert it.filepaths[0] == os.path.join(folder, "cats", "00.png")
    np.testing.assert_array_equal(it.classes, [0] * 5 + [1] * 4)
    assert it.classes.dtype == np.int32
    x, y = it[1]
    assert x.shape == (4, 8, 6, 3) and x.dtype == np.float32 and x.max() <= 1.0
    np.testing.assert_array_equal(y, [1, 1, 1, 1])
    with pytest.raises(ValueError, match="Asked to retrieve element 2"):
        it[2]


@pytest.mark.parametrize("color_mode,channels", [("rgb", 3), ("rgba", 4), ("grayscale", 1)])
def test_directory_color_modes_and_class_modes(folder, color_mode, channels, capsys):
    gen = ImageDataGenerator()
    it = gen.flow_from_directory(folder, target_size=(7, 5), color_mode=color_mode,
                                 class_mode=None, batch_size=3, shuffle=False)
    images = it[0]
    assert images.shape == (3, 7, 5, channels)
    x, y = gen.flow_from_directory(folder, target_size=(7, 5), color_mode=color_mode,
                                   class_mode="input", batch_size=3)[0]
    np.testing.assert_array_equal(x, y)
    _, y = gen.flow_from_directory(folder, target_size=(7, 5), batch_size=12,
                                   shuffle=False)[0]
    np.testing.assert_array_equal(y.argmax(1), [0] * 5 + [1] * 4 + [2] * 3)
    first = ImageDataGenerator(data_format="channels_first").flow_from_directory(
        folder, target_size=(7, 5), color_mode=color_mode, class_mode=None, batch_size=3,
        shuffle=False)[0]
    np.testing.assert_array_equal(first, images.transpose(0, 3, 1, 2))


def test_flow_from_dataframe_reads_the_same_files(folder, capsys):
    pd = pytest.importorskip("pandas")
    gen = ImageDataGenerator(rotation_range=20)
    by_dir = gen.flow_from_directory(folder, target_size=(8, 6), batch_size=4, seed=3)
    frame = pd.DataFrame({"filename": by_dir.filenames + ["missing.png"],
                          "class": [["cats", "dogs", "zebras"][c] for c in by_dir.classes]
                          + ["cats"]})
    with pytest.warns(UserWarning, match="1 invalid image filename"):
        by_frame = gen.flow_from_dataframe(frame, folder, target_size=(8, 6), batch_size=4,
                                           seed=3)
    assert "Found 12 validated image filenames belonging to 3 classes." in \
        capsys.readouterr().out
    assert by_frame.class_indices == by_dir.class_indices
    for i in range(len(by_dir)):
        for a, b in zip(by_dir[i], by_frame[i]):
            np.testing.assert_array_equal(a, b)
    raw = gen.flow_from_dataframe(frame.iloc[:12].assign(score=np.arange(12.0)), folder,
                                  y_col="score", class_mode="raw", target_size=(4, 4),
                                  shuffle=False, batch_size=12)
    np.testing.assert_array_equal(raw[0][1], np.arange(12.0))
    with pytest.raises(ValueError, match='class_mode="binary" there must be 2 classes'):
        gen.flow_from_dataframe(frame, folder, class_mode="binary")


def test_flow_iterates_like_keras_loops():
    x = cases_module.images(n=5, h=4, w=4)
    it = ImageDataGenerator().flow(x, np.arange(5), batch_size=2, shuffle=False)
    assert [len(next(it)[1]) for _ in range(4)] == [2, 2, 1, 2]  # short last batch, then anew
    it.reset()
    assert list(next(it)[1]) == [0, 1]  # without reset: [2, 3], the 2nd batch of epoch 2
    assert iter(it) is it
    only_x = ImageDataGenerator().flow(x, batch_size=5, shuffle=False)[0]
    np.testing.assert_array_equal(only_x, x)
    (images, extra), labels = ImageDataGenerator().flow((x, np.arange(5.0) * 2), np.arange(5),
                                                        batch_size=5, shuffle=False)[0]
    np.testing.assert_array_equal(extra, np.arange(5.0) * 2)


def test_flow_save_to_dir(tmp_path):
    _pil()
    x = cases_module.images(n=3, h=4, w=5)
    ImageDataGenerator(horizontal_flip=True).flow(x, batch_size=3, save_to_dir=str(tmp_path),
                                                  save_prefix="aug", seed=1)[0]
    names = sorted(os.listdir(tmp_path))
    assert len(names) == 3 and all(n.startswith("aug_") and n.endswith(".png") for n in names)


def test_standardize_warns_until_fit():
    with pytest.warns(UserWarning, match="overrides setting of `featurewise_center`"):
        gen = ImageDataGenerator(featurewise_std_normalization=True)
    assert gen.featurewise_center
    with pytest.warns(UserWarning, match="hasn't been fit on any training data"):
        gen.standardize(np.ones((2, 2, 3), "float32"))
    with pytest.warns(UserWarning, match="expected either 1, 3 or 4 channels"):
        gen.fit(np.ones((2, 2, 2, 5), "float32"))


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="`zoom_range` should be a float or a tuple or list "
                                         "of two floats. Received: \\[0.1, 0.2, 0.3\\]"):
        ImageDataGenerator(zoom_range=[0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="`brightness_range should be tuple or list of two"):
        ImageDataGenerator(brightness_range=0.5)
    with pytest.raises(ValueError, match="`data_format` should be"):
        ImageDataGenerator(data_format="channels_middle")
    with pytest.raises(ValueError, match="`validation_split` must be strictly between 0 and 1"):
        ImageDataGenerator(validation_split=1.5)
    with pytest.raises(ValueError, match="`fill_mode` must be one of"):
        ImageDataGenerator(fill_mode="mirror")
    gen = ImageDataGenerator(validation_split=0.5)
    with pytest.raises(ValueError, match="should have rank 4. You passed an array with shape "
                                         "\\(3, 4, 5\\)"):
        gen.flow(np.zeros((3, 4, 5)))
    with pytest.raises(ValueError, match="Input to `.fit\\(\\)` should have rank 4"):
        gen.fit(np.zeros((3, 4, 5)))
    with pytest.raises(ValueError, match="`x` \\(images tensor\\) and `y` \\(labels\\) should "
                                         "have the same length"):
        gen.flow(np.zeros((3, 4, 5, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="Invalid subset name"):
        gen.flow(np.zeros((4, 4, 5, 3)), subset="test")
    with pytest.raises(ValueError, match="different number of classes after the split"):
        gen.flow(np.zeros((4, 4, 5, 3)), np.array([0, 0, 1, 1]), subset="training")
    with pytest.raises(ValueError, match="`zoom_range` should be a tuple or list of two"):
        kimage.random_zoom(np.zeros((3, 4, 4)), (0.5,))


def test_bad_directory_arguments(folder, capsys):
    gen = ImageDataGenerator()
    with pytest.raises(ValueError, match="Invalid class_mode: catgorical; expected one of"):
        gen.flow_from_directory(folder, class_mode="catgorical")
    with pytest.raises(ValueError, match='Invalid color mode: cmyk; expected "rgb", "rgba", or '
                                         '"grayscale"'):
        gen.flow_from_directory(folder, color_mode="cmyk")
    with pytest.raises(ValueError, match="Invalid subset name: val"):
        gen.flow_from_directory(folder, subset="val")


def test_missing_scipy_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy", None)
    monkeypatch.setitem(sys.modules, "scipy.ndimage", None)
    x = np.zeros((4, 4, 3), "float32")
    assert ImageDataGenerator(horizontal_flip=True).random_transform(x, seed=0).shape == x.shape
    with pytest.raises(ImportError, match=r"pip install ndflow\[data\]"):
        ImageDataGenerator(rotation_range=10).random_transform(x, seed=0)


def test_standalone_random_functions_use_the_global_rng():
    x = cases_module.images(n=1)[0].transpose(2, 0, 1)  # channels first, Keras's default here
    np.random.seed(0)
    a = kimage.random_rotation(x, 30)
    np.random.seed(0)
    b = kimage.apply_affine_transform(x, theta=np.random.uniform(-30, 30))
    np.testing.assert_array_equal(a, b)
    np.random.seed(1)
    shifted = kimage.random_channel_shift(x, 5.0)
    assert shifted.shape == x.shape and shifted.min() >= x.min() and shifted.max() <= x.max()


def test_brightness_equals_pillow():
    Image = _pil()
    from PIL import ImageEnhance
    x = cases_module.images(n=1, h=6, w=5)[0]
    for factor in (0.3, 1.0, 1.7):
        want = np.asarray(ImageEnhance.Brightness(Image.fromarray(x.astype("uint8"), "RGB"))
                          .enhance(factor), dtype="float32")
        np.testing.assert_array_equal(kimage.apply_brightness_shift(x, factor, scale=False),
                                      want)


def _model(input_shape, ndflow_keras):
    layers = ndflow_keras.layers
    model = ndflow_keras.models.Sequential([
        layers.Conv2D(4, 3, activation="relu", input_shape=input_shape),
        layers.GlobalAveragePooling2D(),
        layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["acc"])
    return model


def test_model_fit_evaluate_predict_take_the_iterators(folder, capsys):
    from ndflow import keras
    gen = ImageDataGenerator(rescale=1 / 255, horizontal_flip=True, validation_split=0.25)
    x = cases_module.images(n=12, h=8, w=6)
    y = np.arange(12) % 2
    model = _model((8, 6, 3), keras)
    train = gen.flow(x, y, batch_size=4, seed=0, subset="training")
    val = gen.flow(x, y, batch_size=3, seed=0, subset="validation")
    history = model.fit(train, steps_per_epoch=2, epochs=2, validation_data=val,
                        validation_steps=1, verbose=0)
    assert len(history.history["loss"]) == 2 and "val_acc" in history.history
    with pytest.warns(DeprecationWarning, match="fit_generator"):
        model.fit_generator(train, steps_per_epoch=len(train), epochs=1, verbose=0)
    with pytest.warns(DeprecationWarning, match="evaluate_generator"):
        loss, acc = model.evaluate_generator(val, steps=1, verbose=0)
    with pytest.warns(DeprecationWarning, match="predict_generator"):
        assert model.predict_generator(gen.flow(x, batch_size=5, shuffle=False),
                                       verbose=0).shape == (12, 1)
    files = ImageDataGenerator(rescale=1 / 255).flow_from_directory(
        folder, target_size=(8, 6), class_mode="binary", classes=["cats", "dogs"],
        batch_size=3)
    model.fit(files, steps_per_epoch=3, epochs=1, verbose=0)
    assert model.predict(files, verbose=0).shape == (9, 1)


# ----------------------------------------------------------------------------- a user program

def _write_cats_and_dogs(base, Image, per_class):
    """DLwP's layout (train/validation, cats/dogs) with easy synthetic pictures: "cats"
    are warm (red), "dogs" cool (blue), each a random-sized bright blob on noise, at 40-64
    pixels so the generator's resize matters."""
    rng = np.random.RandomState(0)
    for split, count in per_class.items():
        for label, channel in (("cats", 0), ("dogs", 2)):
            os.makedirs(os.path.join(base, split, label))
            for i in range(count):
                h, w = rng.randint(40, 65, 2)
                img = rng.randint(0, 90, (h, w, 3))
                top, left = rng.randint(0, h // 2), rng.randint(0, w // 2)
                img[top:top + h // 2, left:left + w // 2, channel] = 230
                Image.fromarray(img.astype("uint8"), "RGB").save(
                    os.path.join(base, split, label, f"{label}.{i}.jpg"))


def test_cats_vs_dogs_program(tmp_path, capsys):
    Image = _pil()
    base_dir = str(tmp_path / "cats_and_dogs_small")
    _write_cats_and_dogs(base_dir, Image, {"train": 40, "validation": 10})
    train_dir = os.path.join(base_dir, "train")
    validation_dir = os.path.join(base_dir, "validation")

    # --- the program, as DLwP 1st ed. 5.2 writes it (smaller images and net) ---
    from ndflow.keras import layers, models, optimizers
    from ndflow.keras.preprocessing.image import ImageDataGenerator
    from ndflow import keras
    keras.utils.set_random_seed(1)

    model = models.Sequential()
    model.add(layers.Conv2D(8, (3, 3), activation="relu", input_shape=(32, 32, 3)))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Conv2D(16, (3, 3), activation="relu"))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Flatten())
    model.add(layers.Dropout(0.5))
    model.add(layers.Dense(32, activation="relu"))
    model.add(layers.Dense(1, activation="sigmoid"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # lr= is Keras 2's spelling
        model.compile(loss="binary_crossentropy", optimizer=optimizers.RMSprop(lr=1e-3),
                      metrics=["acc"])

    train_datagen = ImageDataGenerator(rescale=1. / 255, rotation_range=40,
                                       width_shift_range=0.2, height_shift_range=0.2,
                                       shear_range=0.2, zoom_range=0.2, horizontal_flip=True,
                                       fill_mode="nearest")
    test_datagen = ImageDataGenerator(rescale=1. / 255)
    train_generator = train_datagen.flow_from_directory(train_dir, target_size=(32, 32),
                                                        batch_size=10, class_mode="binary")
    validation_generator = test_datagen.flow_from_directory(validation_dir,
                                                            target_size=(32, 32),
                                                            batch_size=10, class_mode="binary")
    for data_batch, labels_batch in train_generator:
        print("data batch shape:", data_batch.shape)
        print("labels batch shape:", labels_batch.shape)
        break
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        history = model.fit_generator(train_generator, steps_per_epoch=8, epochs=8,
                                      validation_data=validation_generator,
                                      validation_steps=2, verbose=0)
    acc = history.history["acc"]
    val_acc = history.history["val_acc"]
    for epoch, (a, v) in enumerate(zip(acc, val_acc), 1):
        print(f"epoch {epoch}: acc {a:.3f} val_acc {v:.3f}")
    # --- end of the program ---

    out = capsys.readouterr().out
    assert "Found 80 images belonging to 2 classes." in out
    assert "Found 20 images belonging to 2 classes." in out
    assert "data batch shape: (10, 32, 32, 3)" in out and "labels batch shape: (10,)" in out
    assert train_generator.class_indices == {"cats": 0, "dogs": 1}
    assert len(history.history["loss"]) == 8
    assert val_acc[-1] >= 0.9, out  # colour survives every augmentation: an easy task


def test_keras_docs_cifar_style_loop_and_float_steps():
    # the Keras 2 docs example: fit the statistics, then model.fit on flow with a float
    # steps_per_epoch (len(x_train) / 32), and the manual loop that breaks out of flow
    from ndflow import keras
    keras.utils.set_random_seed(0)
    x_train = cases_module.images(n=16, h=8, w=6, seed=7)
    y_train = keras.utils.to_categorical(np.arange(16) % 2, 2)
    datagen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True,
                                 rotation_range=20, width_shift_range=0.2,
                                 height_shift_range=0.2, horizontal_flip=True,
                                 validation_split=0.25)
    datagen.fit(x_train)
    model = keras.models.Sequential([keras.layers.Flatten(input_shape=(8, 6, 3)),
                                     keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    history = model.fit(datagen.flow(x_train, y_train, batch_size=4, subset="training"),
                        validation_data=datagen.flow(x_train, y_train, batch_size=2,
                                                     subset="validation"),
                        steps_per_epoch=len(x_train) * 0.75 / 4, epochs=2, verbose=0)
    assert len(history.history["val_loss"]) == 2
    batches = 0
    for x_batch, y_batch in datagen.flow(x_train, y_train, batch_size=8):
        assert x_batch.shape == (8, 8, 6, 3) and abs(float(x_batch.mean())) < 1.0
        model.fit(x_batch, y_batch, verbose=0)
        batches += 1
        if batches >= len(x_train) / 8:
            break
    assert batches == 2


def test_dtype_and_channels_first_flow():
    x = cases_module.images(n=3, h=5, w=4).transpose(0, 3, 1, 2)
    gen = ImageDataGenerator(data_format="channels_first", dtype="float64", rotation_range=10,
                             brightness_range=(0.5, 1.0))
    batch = gen.flow(x, batch_size=3, seed=0)[0]
    assert batch.shape == (3, 3, 5, 4) and batch.dtype == np.float64
    # brightness on channels-first images works on the channels-last pixels (Keras 2 would
    # read the width as the channels here)
    params = gen.get_random_transform(x.shape[1:], seed=4)
    warped = ImageDataGenerator(rotation_range=10).apply_transform(
        x[0].transpose(1, 2, 0), dict(params, brightness=None))
    want = kimage.apply_brightness_shift(warped, params["brightness"], False)
    np.testing.assert_array_equal(gen.apply_transform(x[0], params).transpose(1, 2, 0), want)
