"""keras.utils.image_dataset_from_directory and text_dataset_from_directory: a folder with
one sub-folder per class becomes a tf.data.Dataset of (batch, labels). Images are decoded
and resized with Pillow (`pip install pillow`)."""
import os

import numpy as np

from ...data.sources import TensorSliceDataset
from ...data.transforms import _Unary
from ...framework import dtypes
from ...framework.tensor import TensorSpec
from ...framework.tensor_shape import TensorShape

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


def _index_directory(directory, labels, formats, class_names, shuffle, seed, follow_links):
    if not os.path.isdir(directory):
        raise ValueError(f"The `directory` argument should point to a directory; received "
                         f"directory={directory!r}.")
    if labels == "inferred":
        subdirs = sorted(d for d in os.listdir(directory)
                         if os.path.isdir(os.path.join(directory, d)))
        if class_names is not None:
            if sorted(class_names) != sorted(subdirs) and set(class_names) - set(subdirs):
                raise ValueError(f"The `class_names` passed did not match the names of the "
                                 f"subdirectories of the target directory. Expected: {subdirs}, "
                                 f"but received: {class_names}")
            subdirs = list(class_names)
        roots = [(os.path.join(directory, d), i) for i, d in enumerate(subdirs)]
    else:
        subdirs, roots = [], [(directory, 0)]
    paths, index = [], []
    for root, label in roots:
        found = []
        for base, _, files in os.walk(root, followlinks=follow_links):
            found += [os.path.join(base, f) for f in files if f.lower().endswith(formats)]
        paths += sorted(found)
        index += [label] * len(found)
    if labels not in ("inferred", None):
        index = list(labels)
        if len(index) != len(paths):
            raise ValueError(f"Expected the lengths of `labels` to match the number of files "
                             f"in the target directory. len(labels) is {len(index)} while we "
                             f"found {len(paths)} files in directory {directory}.")
    paths, index = np.asarray(paths, dtype=object), np.asarray(index, np.int32)
    if shuffle:
        order = np.random.default_rng(seed if seed is not None else None).permutation(len(paths))
        paths, index = paths[order], index[order]
    return list(paths), index, subdirs


def _check_split_seed(validation_split, shuffle, seed):
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must provide "
                         "a `seed` argument, to make sure that there is no overlap between the "
                         "training and validation subset.")


def _split(paths, labels, validation_split, subset, seed):
    if validation_split is None:
        if subset is not None:
            raise ValueError("`subset` is only valid with `validation_split`.")
        return [(paths, labels)]
    if subset not in ("training", "validation", "both"):
        raise ValueError(f'`subset` must be "training", "validation" or "both" with '
                         f'validation_split; received subset={subset!r}.')
    n_val = int(validation_split * len(paths))
    train = (paths[:len(paths) - n_val], labels[:len(paths) - n_val])
    val = (paths[len(paths) - n_val:], labels[len(paths) - n_val:])
    return {"training": [train], "validation": [val], "both": [train, val]}[subset]


def _label_values(labels, label_mode, num_classes):
    if label_mode == "int":
        return labels.astype(np.int32)
    if label_mode == "categorical":
        return np.eye(num_classes, dtype=np.float32)[labels]
    if label_mode == "binary":
        if num_classes != 2:
            raise ValueError(f'When passing `label_mode="binary"`, there must be exactly 2 '
                             f'class_names. Received: class_names with {num_classes} names.')
        return labels.astype(np.float32).reshape(-1, 1)
    raise ValueError(f'`label_mode` argument must be one of "int", "categorical", "binary", or '
                     f'None. Received: label_mode={label_mode!r}')


class _LoadDataset(_Unary):
    """Elements (path, label...) -> (loaded value, label...), loaded by a Python function."""

    def __init__(self, input_dataset, load, spec):
        super().__init__(input_dataset)
        self._load = load
        self._spec = (spec,) + tuple(input_dataset._spec[1:]) \
            if isinstance(input_dataset._spec, tuple) else spec
        self._single = not isinstance(input_dataset._spec, tuple)

    def _iterate(self):
        for element in self._input._iterate():
            yield (self._load(element[0][()]),) + tuple(element[1:])


def _image_loader(image_size, channels, interpolation, crop_to_aspect_ratio):
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError("image_dataset_from_directory decodes images with Pillow, which is "
                          "not installed: `pip install pillow`.") from e
    methods = {"bilinear": Image.BILINEAR, "nearest": Image.NEAREST, "bicubic": Image.BICUBIC,
               "area": Image.BOX, "lanczos3": Image.LANCZOS, "lanczos5": Image.LANCZOS}
    if interpolation not in methods:
        raise ValueError(f"interpolation must be one of {sorted(methods)}; received "
                         f"{interpolation!r}.")
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[channels]
    height, width = image_size

    def load(path):
        path = path.decode("utf-8") if isinstance(path, bytes) else path
        with Image.open(path) as img:
            img = img.convert(mode)
            if crop_to_aspect_ratio:
                w, h = img.size
                scale = min(w / width, h / height)
                cw, ch = int(width * scale), int(height * scale)
                left, top = (w - cw) // 2, (h - ch) // 2
                img = img.crop((left, top, left + cw, top + ch))
            img = img.resize((width, height), methods[interpolation])
            arr = np.asarray(img, dtype=np.float32)
        return arr.reshape(height, width, channels)
    return load


def _finish(parts, make, batch_size, shuffle, seed, class_names):
    out = []
    for paths, labels in parts:
        ds = make(paths, labels)
        if shuffle:
            ds = ds.shuffle(buffer_size=(batch_size or 1) * 8, seed=seed)
        if batch_size is not None:
            ds = ds.batch(batch_size)
        ds.class_names = class_names
        ds.file_paths = list(paths)
        out.append(ds)
    return out if len(out) > 1 else out[0]


def _from_directory(directory, labels, label_mode, class_names, formats, make_loader, spec,
                    batch_size, shuffle, seed, validation_split, subset, follow_links,
                    verbose):
    """What the *_dataset_from_directory functions share: index the files, split them,
    and make (shuffled, batched) datasets whose elements `make_loader()`'s function loads."""
    _check_split_seed(validation_split, shuffle, seed)
    if seed is None and shuffle:
        seed = int(np.random.randint(1e6))
    paths, index, names = _index_directory(os.fspath(directory), labels, formats,
                                           class_names, shuffle, seed, follow_links)
    if verbose:
        print(f"Found {len(paths)} files belonging to {max(len(names), 1)} classes.")
    load = make_loader()

    def make(paths, idx):
        encoded = np.empty(len(paths), dtype=object)
        encoded[:] = [p.encode() for p in paths]
        if label_mode is None or labels is None:
            return _LoadDataset(TensorSliceDataset(encoded), load, spec)
        values = _label_values(idx, label_mode, max(len(names), int(idx.max(initial=0)) + 1))
        return _LoadDataset(TensorSliceDataset((encoded, values)), load, spec)
    parts = _split(paths, index, validation_split, subset, seed)
    return _finish(parts, make, batch_size, shuffle, seed, names)


def image_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, color_mode="rgb", batch_size=32,
                                 image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear",
                                 follow_links=False, crop_to_aspect_ratio=False,
                                 pad_to_aspect_ratio=False, data_format=None, verbose=True):
    """A dataset of (images, labels) batches from `directory/<class>/<image files>`:
    images float32 [batch, height, width, channels] in 0..255."""
    channels = {"grayscale": 1, "rgb": 3, "rgba": 4}.get(color_mode)
    if channels is None:
        raise ValueError(f'`color_mode` must be one of {{"rgb", "rgba", "grayscale"}}. '
                         f'Received: color_mode={color_mode!r}')
    return _from_directory(
        directory, labels, label_mode, class_names, IMAGE_FORMATS,
        lambda: _image_loader(tuple(image_size), channels, interpolation, crop_to_aspect_ratio),
        TensorSpec(TensorShape(list(image_size) + [channels]), dtypes.float32),
        batch_size, shuffle, seed, validation_split, subset, follow_links, verbose)


def text_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                class_names=None, batch_size=32, max_length=None, shuffle=True,
                                seed=None, validation_split=None, subset=None,
                                follow_links=False, verbose=True):
    """A dataset of (texts, labels) batches from `directory/<class>/<*.txt files>`."""
    def load(path):
        with open(path.decode("utf-8"), "rb") as f:
            data = f.read()
        if max_length is not None:
            data = data[:max_length]
        a = np.empty((), dtype=object)
        a[()] = data
        return a
    return _from_directory(directory, labels, label_mode, class_names, (".txt",),
                           lambda: load, TensorSpec(TensorShape([]), dtypes.string),
                           batch_size, shuffle, seed, validation_split, subset, follow_links,
                           verbose)
