"""ImageDataGenerator cases run by both tools/make_image_generator_fixtures.py (with the
TF 2.21 Keras legacy generator) and tests/keras_api/test_image_data_generator.py (with
ndflow's): the same code, so any difference is the generator's.

`cases(ImageDataGenerator)` maps a name to a function returning an array or a tuple of
arrays; `write_image_folder(root, Image)` writes the tiny PNG folder both read.
"""
import os

import numpy as np


def images(n=4, h=9, w=7, c=3, seed=0, low=0.0, high=255.0):
    """A small batch of float32 images, the same on every NumPy (legacy RandomState)."""
    return np.random.RandomState(seed).uniform(low, high, (n, h, w, c)).astype("float32")


def _transform_each(gen, x, seed):
    """Every image through random_transform with seeds seed, seed+1, ..."""
    return np.stack([gen.random_transform(image, seed=seed + i) for i, image in enumerate(x)])


def _params(gen, shape, seed):
    p = gen.get_random_transform(shape, seed=seed)
    keys = ("theta", "tx", "ty", "shear", "zx", "zy", "flip_horizontal", "flip_vertical")
    out = [float(p[k]) for k in keys]
    out += [np.nan if p[k] is None else float(p[k])
            for k in ("channel_shift_intensity", "brightness")]
    return np.asarray(out)


def _epochs(it, epochs=2):
    """All batches of `epochs` epochs read as model.fit reads a Sequence."""
    xs, ys = [], []
    for _ in range(epochs):
        for i in range(len(it)):
            bx, by = it[i][:2]
            xs.append(bx)
            ys.append(by)
        it.on_epoch_end()
    return np.concatenate(xs), np.concatenate(ys)


def _nexts(it, count):
    xs, ys = [], []
    for _ in range(count):
        bx, by = next(it)[:2]
        xs.append(bx)
        ys.append(by)
    return np.concatenate(xs), np.concatenate(ys)


DLWP = dict(rotation_range=40, width_shift_range=0.2, height_shift_range=0.2, shear_range=0.2,
            zoom_range=0.2, horizontal_flip=True, fill_mode="nearest")


def cases(ImageDataGenerator):
    x = images()
    square = images(n=3, h=8, w=8, seed=1)
    gray = images(n=3, h=6, w=10, c=1, seed=2)
    signed = images(n=2, seed=3, low=-2.0, high=3.0)
    unit = images(n=2, seed=4, low=0.0, high=1.0)
    y = np.array([0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 1])
    many = images(n=11, h=5, w=6, seed=5)

    def each(seed=10, data=x, **kw):
        return lambda: _transform_each(ImageDataGenerator(**kw), data, seed)

    out = {}
    for mode in ("constant", "nearest", "reflect", "wrap"):
        out[f"rotation_{mode}"] = each(rotation_range=60, fill_mode=mode, cval=17.0)
    out["width_shift_float"] = each(width_shift_range=0.3)
    out["height_shift_float"] = each(height_shift_range=0.3)
    out["shift_pixels_int"] = each(width_shift_range=3, height_shift_range=2,
                                   fill_mode="constant")
    out["shift_pixels_list"] = each(width_shift_range=[1, 2, 3], height_shift_range=[2.0, 4.0],
                                    fill_mode="wrap")
    out["shear"] = each(shear_range=30, fill_mode="reflect")
    out["zoom_float"] = each(zoom_range=0.3)
    out["zoom_pair"] = each(zoom_range=(0.6, 1.4), fill_mode="constant")
    out["channel_shift"] = each(channel_shift_range=40.0)
    out["brightness"] = each(brightness_range=(0.3, 1.6))
    out["brightness_signed"] = each(brightness_range=(0.5, 1.5), data=signed)
    out["brightness_unit"] = each(brightness_range=(0.5, 1.5), data=unit)
    out["horizontal_flip"] = each(horizontal_flip=True)
    out["vertical_flip"] = each(vertical_flip=True)
    out["dlwp_combined"] = each(**DLWP)
    out["dlwp_square"] = each(data=square, **DLWP)
    out["all_combined"] = each(rotation_range=25, width_shift_range=0.1, height_shift_range=0.15,
                               shear_range=10, zoom_range=(0.8, 1.1), channel_shift_range=20.0,
                               brightness_range=(0.7, 1.3), horizontal_flip=True,
                               vertical_flip=True, fill_mode="reflect")
    out["grayscale_combined"] = each(data=gray, **DLWP)
    out["channels_first_combined"] = lambda: _transform_each(
        ImageDataGenerator(data_format="channels_first", channel_shift_range=10.0,
                           vertical_flip=True, **DLWP),
        np.ascontiguousarray(x.transpose(0, 3, 1, 2)), 10)
    out["interpolation_order_0"] = each(rotation_range=45, interpolation_order=0)
    out["params_dlwp"] = lambda: np.stack([_params(ImageDataGenerator(**DLWP), (9, 7, 3), s)
                                           for s in range(5)])
    out["params_all"] = lambda: np.stack([_params(ImageDataGenerator(
        rotation_range=10, width_shift_range=[1, 2], height_shift_range=4, shear_range=5,
        zoom_range=[0.9, 1.2], channel_shift_range=3.0, brightness_range=[0.2, 0.4],
        horizontal_flip=True, vertical_flip=True), (9, 7, 3), s) for s in range(5)])

    # standardize and fit
    def standardized(data=x, fit=None, **kw):
        def run():
            gen = ImageDataGenerator(**kw)
            if fit is not None:
                gen.fit(data, **fit)
            return np.stack([gen.standardize(np.copy(image)) for image in data])
        return run
    out["rescale"] = standardized(rescale=1.0 / 255)
    out["samplewise"] = standardized(samplewise_center=True, samplewise_std_normalization=True)
    out["featurewise"] = standardized(fit={}, featurewise_center=True,
                                      featurewise_std_normalization=True, rescale=0.5)
    out["featurewise_augmented_fit"] = standardized(
        fit={"augment": True, "rounds": 2, "seed": 3}, featurewise_center=True,
        featurewise_std_normalization=True, rotation_range=20, horizontal_flip=True)
    out["zca"] = standardized(data=images(n=20, h=4, w=3, seed=6), fit={},
                              zca_whitening=True)
    out["preprocessing_function"] = standardized(
        preprocessing_function=lambda a: np.sqrt(a) - 3.0, rescale=2.0,
        samplewise_center=True)

    # iterators
    out["flow_seeded_epochs"] = lambda: _epochs(ImageDataGenerator(**DLWP).flow(
        many, y, batch_size=4, seed=7))
    out["flow_seeded_next"] = lambda: _nexts(ImageDataGenerator(horizontal_flip=True).flow(
        many, y, batch_size=3, seed=8), 9)
    out["flow_no_shuffle"] = lambda: _epochs(ImageDataGenerator(rotation_range=30).flow(
        many, y, batch_size=5, shuffle=False, seed=9), 1)

    def flow_global_seed():
        np.random.seed(12)
        return _epochs(ImageDataGenerator(width_shift_range=0.2).flow(many, y, batch_size=4))
    out["flow_global_seed"] = flow_global_seed

    def flow_subsets():
        gen = ImageDataGenerator(validation_split=0.3, zoom_range=0.2)
        train = _epochs(gen.flow(many, y, batch_size=4, seed=1, subset="training"), 1)
        val = _epochs(gen.flow(many, y, batch_size=4, seed=2, subset="validation"), 1)
        return train + val
    out["flow_subsets"] = flow_subsets

    def flow_sample_weight():
        it = ImageDataGenerator().flow(many, y, batch_size=4, seed=3,
                                       sample_weight=np.arange(11.0))
        return tuple(np.concatenate(parts) for parts in zip(*(it[i] for i in range(len(it)))))
    out["flow_sample_weight"] = flow_sample_weight
    return out


# ----------------------------------------------------------------------------- a PNG folder

CLASS_SIZES = {"cats": 5, "dogs": 4, "zebras": 3}


def write_image_folder(root, Image):
    """root/<class>/<n>.png: small RGB images of different sizes, the same on every run."""
    rng = np.random.RandomState(42)
    for name, count in CLASS_SIZES.items():
        os.makedirs(os.path.join(root, name), exist_ok=True)
        for i in range(count):
            h, w = 10 + i, 12 - i
            pixels = rng.randint(0, 256, (h, w, 3)).astype("uint8")
            Image.fromarray(pixels, "RGB").save(os.path.join(root, name, f"{i:02d}.png"))
        with open(os.path.join(root, name, "notes.txt"), "w") as f:
            f.write("not an image")
    return root


def directory_cases(ImageDataGenerator, root):
    def read(gen_kw, flow_kw, epochs=1):
        def run():
            it = ImageDataGenerator(**gen_kw).flow_from_directory(root, **flow_kw)
            xs, ys = _epochs(it, epochs)
            return xs, ys, it.classes, np.array(it.filenames)
        return run
    base = dict(target_size=(8, 6), batch_size=4, seed=11)
    return {
        "dir_categorical": read(dict(rescale=1.0 / 255, **DLWP), base, 2),
        "dir_binary_two_classes": read({}, dict(base, classes=["dogs", "cats"],
                                                class_mode="binary", shuffle=False)),
        "dir_sparse_grayscale": read(dict(rotation_range=30), dict(base, class_mode="sparse",
                                                                   color_mode="grayscale",
                                                                   interpolation="bilinear")),
        "dir_training_subset": read(dict(validation_split=0.4), dict(base, subset="training",
                                                                     class_mode="sparse")),
        "dir_validation_subset": read(dict(validation_split=0.4), dict(base,
                                                                       subset="validation",
                                                                       class_mode="sparse")),
    }
