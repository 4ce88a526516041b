"""keras.utils.image_dataset_from_directory, text_dataset_from_directory and
audio_dataset_from_directory: a folder with one sub-folder per class becomes a
tf.data.Dataset of (batch, labels). Images are decoded and resized with Pillow (`pip
install pillow`); WAV files by tf.audio.decode_wav."""
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


def _aspect_box(h, w, height, width):
    """(box height, box width, top, left) of the largest centred box of the image with the
    target's aspect ratio (the crop of crop_to_aspect_ratio, rounded as Keras rounds)."""
    bh = max(min(h, int(w * height / width)), 1)
    bw = max(min(w, int(h * width / height)), 1)
    return bh, bw, int((h - bh) / 2), int((w - bw) / 2)


_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5",
                   "gaussian", "mitchellcubic")


def _image_loader(image_size, channels, interpolation, crop_to_aspect_ratio,
                  pad_to_aspect_ratio=False, channels_first=False):
    """path -> float32 image, decoded by Pillow and resized by tf.image's resize (the
    values Keras gets from TensorFlow's): the centred crop first (crop_to_aspect_ratio),
    or `resize_with_pad` (pad_to_aspect_ratio, as Keras 3 loads)."""
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError("image_dataset_from_directory decodes images with Pillow, which is "
                          "not installed: `pip install pillow`.") from e
    from ...ops.image_ops import resize_with_pad
    from ...ops.image_resize_ops import resize
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"interpolation must be one of {list(_INTERPOLATIONS)}; received "
                         f"{interpolation!r}.")
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[channels]
    height, width = image_size

    def load(path):
        path = path.decode("utf-8") if isinstance(path, bytes) else path
        with Image.open(path) as img:
            arr = np.asarray(img.convert(mode), dtype=np.uint8)
        arr = arr.reshape(arr.shape[0], arr.shape[1], channels)
        if crop_to_aspect_ratio:
            bh, bw, top, left = _aspect_box(arr.shape[0], arr.shape[1], height, width)
            arr = arr[top:top + bh, left:left + bw]
        if pad_to_aspect_ratio:
            out = resize_with_pad(arr, height, width, method=interpolation)
        else:
            out = resize(arr, (height, width), method=interpolation)
        out = np.asarray(out.numpy(), dtype=np.float32)
        return np.ascontiguousarray(out.transpose(2, 0, 1)) if channels_first else out
    return load


def _batch(ds, batch_size):
    return ds if batch_size is None else ds.batch(batch_size)


def _finish(parts, make, batch_size, shuffle, seed, class_names, prepare=_batch):
    out = []
    for paths, labels in parts:
        ds = make(paths, labels)
        if shuffle:
            ds = ds.shuffle(buffer_size=(batch_size or 1) * 8, seed=seed)
        ds = prepare(ds, batch_size)
        ds.class_names = class_names
        ds.file_paths = list(paths)
        out.append(ds)
    return out if len(out) > 1 else out[0]


def _from_directory(directory, labels, label_mode, class_names, formats, make_loader, spec,
                    batch_size, shuffle, seed, validation_split, subset, follow_links,
                    verbose, prepare=_batch):
    """What the *_dataset_from_directory functions share: index the files, split them,
    and make (shuffled, batched) datasets whose elements `make_loader()`'s function loads
    (`prepare(dataset, batch_size)` batches them; by default with `batch`)."""
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
    return _finish(parts, make, batch_size, shuffle, seed, names, prepare)


def image_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, color_mode="rgb", batch_size=32,
                                 image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear",
                                 follow_links=False, crop_to_aspect_ratio=False,
                                 pad_to_aspect_ratio=False, data_format=None, verbose=True):
    """A dataset of (images, labels) batches from `directory/<class>/<image files>`:
    images float32 [batch, height, width, channels] in 0..255 ([batch, channels, height,
    width] with data_format="channels_first").

    `crop_to_aspect_ratio` resizes the largest centred crop with the target's aspect
    ratio; `pad_to_aspect_ratio` resizes the image to fit inside the target and pads it
    with black bars (`tf.image.resize_with_pad`), so nothing is cut and nothing
    distorted. At most one of them may be True."""
    channels = {"grayscale": 1, "rgb": 3, "rgba": 4}.get(color_mode)
    if channels is None:
        raise ValueError(f'`color_mode` must be one of {{"rgb", "rgba", "grayscale"}}. '
                         f'Received: color_mode={color_mode!r}')
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be "
                         "set to `True`.")
    from ..backend import standardize_data_format
    first = standardize_data_format(data_format) == "channels_first"
    shape = [channels] + list(image_size) if first else list(image_size) + [channels]
    return _from_directory(
        directory, labels, label_mode, class_names, IMAGE_FORMATS,
        lambda: _image_loader(tuple(image_size), channels, interpolation, crop_to_aspect_ratio,
                              pad_to_aspect_ratio, first),
        TensorSpec(TensorShape(shape), dtypes.float32),
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


def _audio_loader(output_sequence_length):
    """path -> float32 audio [samples, channels] decoded by tf.audio.decode_wav (cut or
    zero-padded to output_sequence_length). A file that is not a 16-bit PCM WAV gives an
    InvalidArgumentError naming it."""
    from ...ops.wav_ops import DECODE_WAV
    from ...framework.errors import InvalidArgumentError
    samples = -1 if output_sequence_length is None else int(output_sequence_length)

    def load(path):
        path = path.decode("utf-8") if isinstance(path, bytes) else path
        with open(path, "rb") as f:
            data = f.read()
        try:
            audio, _ = DECODE_WAV.kernel(np, data, desired_channels=-1,
                                         desired_samples=samples)
        except InvalidArgumentError as e:
            raise InvalidArgumentError(f"{path}: {e}") from None
        return audio
    return load


def _audio_batches(output_sequence_length, ragged, labelled):
    """Keras's audio batching: ragged batches, padded ones (to the batch's longest file)
    or, with a fixed output_sequence_length, plain ones."""
    def prepare(ds, batch_size):
        if ragged:
            import ndflow  # (tf.RaggedTensor lives above the keras layer)
            to_ragged = ndflow.RaggedTensor.from_tensor
            ds = ds.map((lambda x, *y: (to_ragged(x),) + y) if labelled else to_ragged)
        if batch_size is None:
            return ds
        if output_sequence_length is None and not ragged:
            return ds.padded_batch(batch_size)
        return ds.batch(batch_size)
    return prepare


def audio_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, batch_size=32, sampling_rate=None,
                                 output_sequence_length=None, ragged=False, shuffle=True,
                                 seed=None, validation_split=None, subset=None,
                                 follow_links=False, verbose=True):
    """A dataset of (audio, labels) batches from `directory/<class>/<*.wav files>`: audio
    float32 [batch, samples, channels] in [-1, 1) (16-bit PCM WAV files, decoded by
    tf.audio.decode_wav).

    Without `output_sequence_length` each batch is zero-padded to its longest file; with
    it, every file is cut or zero-padded to that many samples. `ragged=True` gives ragged
    batches instead of padded ones. `sampling_rate` would resample, which Keras does with
    tensorflow-io; ndflow has no resampler and raises ImportError, as Keras does without
    tensorflow-io. `labels`, `label_mode`, `class_names`, `validation_split` and `subset`
    ("training", "validation" or "both") work as in image_dataset_from_directory."""
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError(f"The `labels` argument should be a list/tuple of integer labels,"
                             f" of the same size as the number of audio files in the target "
                             f'directory, "inferred" or None. Received: labels={labels}')
        if class_names:
            raise ValueError(f'You can only pass `class_names` if `labels="inferred"`. '
                             f"Received: labels={labels}, and class_names={class_names}")
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(f'`label_mode` argument must be one of "int", "categorical", '
                         f'"binary", or None. Received: label_mode={label_mode}')
    if ragged and output_sequence_length is not None:
        raise ValueError("Cannot set both `ragged` and `output_sequence_length`")
    if sampling_rate is not None:
        if not isinstance(sampling_rate, int) or isinstance(sampling_rate, bool):
            raise ValueError(f"`sampling_rate` should have an integer value. Received: "
                             f"sampling_rate={sampling_rate}")
        if sampling_rate <= 0:
            raise ValueError(f"`sampling_rate` should be higher than 0. Received: "
                             f"sampling_rate={sampling_rate}")
        raise ImportError("To use the argument `sampling_rate`, Keras resamples with "
                          "tensorflow-io, which ndflow does not include; resample the files "
                          "beforehand (or leave `sampling_rate=None`).")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    spec = TensorSpec(TensorShape([output_sequence_length, None]), dtypes.float32)
    return _from_directory(directory, labels, label_mode, class_names, (".wav",),
                           lambda: _audio_loader(output_sequence_length), spec, batch_size,
                           shuffle, seed, validation_split, subset, follow_links, verbose,
                           _audio_batches(output_sequence_length, ragged, label_mode is not None))
