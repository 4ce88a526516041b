"""keras.preprocessing.image.ImageDataGenerator: Keras 2's real-time image augmentation.

A generator draws random transform parameters for each image from NumPy's global RNG (in
Keras's order, so a fixed seed gives Keras's numbers), warps the image with
`scipy.ndimage.affine_transform` and normalizes it. Its iterators (`flow`,
`flow_from_directory`, `flow_from_dataframe`) are `keras.utils.Sequence`s: `model.fit`,
`evaluate` and `predict` take them directly, with `steps_per_epoch` / `validation_steps`.

SciPy is needed for the geometric transforms (`pip install ndflow[data]`), Pillow for files.
"""
import math
import os
import threading
import warnings

import numpy as np

from .. import backend
from ..utils.data_utils import PyDataset
from ..utils.image_utils import array_to_img, img_to_array, load_img

_IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")


def _ndimage():
    try:
        from scipy import ndimage
    except ImportError as e:
        raise ImportError("ImageDataGenerator's rotations, shifts, shears and zooms use SciPy, "
                          "which is not installed: `pip install ndflow[data]` (or `pip "
                          "install scipy`).") from e
    return ndimage


# ----------------------------------------------------------------------------- transforms


def _check_axes(x, row_axis, col_axis, channel_axis):
    if sorted((row_axis, col_axis, channel_axis)) != [0, 1, 2]:
        raise ValueError(f"`row_axis`, `col_axis` and `channel_axis` must be 0, 1 and 2 in some "
                         f"order. Received: row_axis={row_axis}, col_axis={col_axis}, "
                         f"channel_axis={channel_axis}")
    if np.ndim(x) != 3:
        raise ValueError(f"Expected one image with channels (rank 3). Received: an array of "
                         f"shape {np.shape(x)}")
    if channel_axis not in (0, 2):
        raise ValueError(f"The channel axis must be first or last (0 or 2). Received: "
                         f"channel_axis={channel_axis}")


def _affine_matrix(theta, tx, ty, shear, zx, zy):
    """The 3x3 matrix rotation @ shift @ shear @ zoom (degrees), or None for the identity.
    Factors are multiplied left to right, skipping identities, so the float64 matrix and
    hence the resampled pixels equal Keras's."""
    factors = []
    if theta != 0:
        t = np.deg2rad(theta)
        factors.append(np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0],
                                 [0, 0, 1]]))
    if tx != 0 or ty != 0:
        factors.append(np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]]))
    if shear != 0:
        s = np.deg2rad(shear)
        factors.append(np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]]))
    if zx != 1 or zy != 1:
        factors.append(np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]))
    if not factors:
        return None
    matrix = factors[0]
    for factor in factors[1:]:
        matrix = np.dot(matrix, factor)
    return matrix


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=1, col_axis=2,
                           channel_axis=0, fill_mode="nearest", cval=0.0, order=1):
    """Rotates, shifts, shears and zooms one image about its centre (Keras 2's semantics).

    Args:
      x: A 3-D image array.
      theta: Rotation in degrees.
      tx, ty: Shifts in pixels, along the first and second coordinate of Keras's matrix
        (`tx` is scaled by the height in ImageDataGenerator).
      shear: Shear angle in degrees.
      zx, zy: Zoom factors (above 1 shows less of the image).
      row_axis, col_axis, channel_axis: The axes of `x`.
      fill_mode: "constant", "nearest", "reflect" or "wrap": scipy.ndimage's boundary mode.
      cval: The fill value for "constant".
      order: The spline order (1: bilinear).

    Returns:
      The transformed image, same shape and dtype.

    Raises:
      ImportError: If SciPy is not installed (only when a transform is needed).
      ValueError: If `x` is not 3-D or the axes are wrong.
    """
    _check_axes(x, row_axis, col_axis, channel_axis)
    matrix = _affine_matrix(theta, tx, ty, shear, zx, zy)
    if matrix is None:
        return x
    ndimage = _ndimage()
    h, w = x.shape[row_axis], x.shape[col_axis]
    # about the centre (Keras centres the first coordinate on the height, the second on the
    # width, whatever the axes' order)
    centre = np.array([[1, 0, h / 2 - 0.5], [0, 1, w / 2 - 0.5], [0, 0, 1]])
    uncentre = np.array([[1, 0, -(h / 2 - 0.5)], [0, 1, -(w / 2 - 0.5)], [0, 0, 1]])
    matrix = np.dot(np.dot(centre, matrix), uncentre)
    if col_axis > row_axis:  # Keras's matrix is (col, row); scipy indexes (row, col)
        matrix = matrix[[1, 0, 2]][:, [1, 0, 2]]
    planes = np.moveaxis(x, channel_axis, 0)
    out = np.stack([ndimage.affine_transform(plane, matrix[:2, :2], matrix[:2, 2], order=order,
                                             mode=fill_mode, cval=cval) for plane in planes])
    return np.moveaxis(out, 0, channel_axis)


def apply_channel_shift(x, intensity, channel_axis=0):
    """Adds `intensity` to every channel, clipped to the image's own value range."""
    low, high = np.min(x), np.max(x)
    planes = np.moveaxis(x, channel_axis, 0)
    out = np.stack([np.clip(plane + intensity, low, high) for plane in planes])
    return np.moveaxis(out, 0, channel_axis)


def apply_brightness_shift(x, brightness, scale=True):
    """Scales the brightness of an image by `brightness` (1: unchanged), as Keras does
    through an 8-bit PIL image and `ImageEnhance.Brightness`.

    The pixels go to uint8 (truncated; first stretched to 0..255 when `scale` or when
    they lie outside 0..255), are multiplied by `brightness` in float32 and truncated,
    saturating at 0 and 255, as Pillow's blend with a black image does, then come back as
    floats (stretched back to the original range if they were stretched and `scale` is
    False). Written in NumPy: same numbers as Pillow, without needing it.

    Args:
      x: A 3-D image array, any number of channels (ImageDataGenerator moves channels-first
        images' channels last first; Keras 2 read their width as the channels).
      brightness: The brightness factor.
      scale: Whether to return the result in 0..255 instead of the input's range.

    Returns:
      The adjusted image, float (floatx).
    """
    dtype = backend.floatx()
    x = np.asarray(x, dtype=dtype)
    low, high = np.min(x), np.max(x)
    stretch = bool(low < 0 or high > 255)
    pixels = x
    if stretch or scale:
        pixels = pixels - low
        top = np.max(pixels)
        if top != 0:
            pixels = pixels / top
        pixels = pixels * 255
    pixels = pixels.astype("uint8")
    factor = np.float32(brightness)
    value = factor * pixels.astype(np.float32)
    if not 0 <= brightness <= 1:
        value = np.clip(value, 0, 255)
    out = value.astype("uint8").astype(dtype)
    if stretch and not scale:
        out = out / 255 * (high - low) + low
    return out


def flip_axis(x, axis):
    """`x` reversed along `axis`."""
    return np.flip(np.asarray(x), axis)


def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                    cval=0.0, interpolation_order=1):
    """Rotates by an angle drawn uniformly from [-rg, rg] degrees (NumPy's global RNG)."""
    return apply_affine_transform(x, theta=np.random.uniform(-rg, rg), row_axis=row_axis,
                                  col_axis=col_axis, channel_axis=channel_axis,
                                  fill_mode=fill_mode, cval=cval, order=interpolation_order)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """Shifts by fractions drawn from [-hrg, hrg] of the height and [-wrg, wrg] of the width."""
    h, w = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * h
    ty = np.random.uniform(-wrg, wrg) * w
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """Shears by an angle drawn from [-intensity, intensity] degrees."""
    return apply_affine_transform(x, shear=np.random.uniform(-intensity, intensity),
                                  row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                cval=0.0, interpolation_order=1):
    """Zooms by factors (zx, zy) drawn from `zoom_range` = (low, high)."""
    if len(zoom_range) != 2:
        raise ValueError(f"`zoom_range` should be a tuple or list of two floats. Received: "
                         f"{zoom_range}")
    zx, zy = (1, 1) if tuple(zoom_range) == (1, 1) else np.random.uniform(
        zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_channel_shift(x, intensity_range, channel_axis=0):
    """Channel shift by an intensity drawn from [-intensity_range, intensity_range]."""
    return apply_channel_shift(x, np.random.uniform(-intensity_range, intensity_range),
                               channel_axis)


def random_brightness(x, brightness_range, scale=True):
    """Brightness shift by a factor drawn from `brightness_range` = (low, high)."""
    if len(brightness_range) != 2:
        raise ValueError(f"`brightness_range should be tuple or list of two floats. Received: "
                         f"{brightness_range}")
    return apply_brightness_shift(x, np.random.uniform(*brightness_range), scale)


def _draw_shift(shift_range, size):
    """One shift in pixels: from a list/int of choices (random sign), or uniform in
    [-range, range] for a float; a range below 1 is a fraction of `size`."""
    try:  # np.random.choice takes a 1-D choice list or an int n (0..n-1), not a float
        shift = np.random.choice(shift_range)
        shift *= np.random.choice([-1, 1])
    except ValueError:
        shift = np.random.uniform(-shift_range, shift_range)
    if np.max(shift_range) < 1:
        shift *= size
    return shift


# ----------------------------------------------------------------------------- iterators


class Iterator(PyDataset):
    """The base of the generator's iterators: a Sequence of batches of `n` samples.

    Indexed (`it[i]`, as model.fit reads it) or iterated (`next(it)`, endless, as Keras 2
    loops did). With a `seed`, NumPy's global RNG is reseeded with `seed + batches seen`
    before each batch, so shuffles and augmentations repeat Keras's exactly.

    Args:
      n: The number of samples.
      batch_size: Samples per batch.
      shuffle: Whether to reshuffle the order at each epoch.
      seed: Seed for the shuffles and transforms, or None.
    """

    white_list_formats = _IMAGE_EXTENSIONS

    def __init__(self, n, batch_size, shuffle, seed):
        super().__init__()
        self.n = n
        self.batch_size = batch_size
        self.seed = seed
        self.shuffle = shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array = None
        self.index_generator = self._flow_index()

    def _set_index_array(self):
        self.index_array = np.random.permutation(self.n) if self.shuffle else np.arange(self.n)

    def _reseed(self):
        if self.seed is not None:
            np.random.seed(self.seed + self.total_batches_seen)

    def __getitem__(self, idx):
        if idx >= len(self):
            raise ValueError(f"Asked to retrieve element {idx}, but the Sequence has length "
                             f"{len(self)}")
        self._reseed()
        self.total_batches_seen += 1
        if self.index_array is None:
            self._set_index_array()
        return self._get_batches_of_transformed_samples(
            self.index_array[self.batch_size * idx:self.batch_size * (idx + 1)])

    def __len__(self):
        return -(-self.n // self.batch_size)

    def on_epoch_end(self):
        self._set_index_array()

    def reset(self):
        self.batch_index = 0

    def _flow_index(self):
        self.reset()
        while True:
            self._reseed()
            if self.batch_index == 0:
                self._set_index_array()
            start = (self.batch_index * self.batch_size) % self.n if self.n else 0
            # the last batch of an epoch may be short; the next one starts a new epoch
            self.batch_index = self.batch_index + 1 if self.n > start + self.batch_size else 0
            self.total_batches_seen += 1
            yield self.index_array[start:start + self.batch_size]

    def __iter__(self):
        return self

    def __next__(self):
        with self.lock:
            index_array = next(self.index_generator)
        return self._get_batches_of_transformed_samples(index_array)

    def _get_batches_of_transformed_samples(self, index_array):
        raise NotImplementedError(f"{type(self).__name__} must implement "
                                  "`_get_batches_of_transformed_samples(index_array)`")

    def _augment(self, x):
        gen = self.image_data_generator
        if gen is None:
            return x
        x = gen.apply_transform(x, gen.get_random_transform(x.shape))
        return gen.standardize(x)

    def _save_batch(self, batch_x, index_array, high):
        for x, j in zip(batch_x, index_array):
            img = array_to_img(x, self.data_format, scale=True)
            name = f"{self.save_prefix}_{j}_{np.random.randint(high)}.{self.save_format}"
            img.save(os.path.join(self.save_to_dir, name))


class NumpyArrayIterator(Iterator):
    """Batches of augmented images from an array (what `ImageDataGenerator.flow` returns).

    Yields `x`, `(x, y)` or `(x, y, sample_weight)`; with `x` given as `(images, other)` the
    first element is `[images_batch, other_batch...]`.
    """

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False,
                 sample_weight=None, seed=None, data_format=None, save_to_dir=None,
                 save_prefix="", save_format="png", subset=None, ignore_class_split=False,
                 dtype=None):
        data_format = data_format or backend.image_data_format()
        self.dtype = dtype or backend.floatx()
        x_misc = []
        if isinstance(x, (tuple, list)):
            x_misc = [np.asarray(a) for a in (x[1] if isinstance(x[1], list) else [x[1]])]
            x = x[0]
            for a in x_misc:
                if len(a) != len(x):
                    raise ValueError(f"All of the arrays in `x` should have the same length. "
                                     f"Found a pair with: len(x[0]) = {len(x)}, len(x[?]) = "
                                     f"{len(a)}")
        if y is not None and len(x) != len(y):
            raise ValueError(f"`x` (images tensor) and `y` (labels) should have the same "
                             f"length. Found: x.shape = {np.shape(x)}, y.shape = "
                             f"{np.shape(y)}")
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError(f"`x` (images tensor) and `sample_weight` should have the same "
                             f"length. Found: x.shape = {np.shape(x)}, sample_weight.shape = "
                             f"{np.shape(sample_weight)}")
        if subset is not None:
            if subset not in ("training", "validation"):
                raise ValueError(f'Invalid subset name: {subset!r}; expected "training" or '
                                 f'"validation".')
            cut = int(len(x) * image_data_generator._validation_split)
            if y is not None and not ignore_class_split and not np.array_equal(
                    np.unique(y[:cut]), np.unique(y[cut:])):
                raise ValueError("Training and validation subsets have different number of "
                                 "classes after the split. If your numpy arrays are sorted "
                                 "by the label, you might want to shuffle them.")
            part = slice(None, cut) if subset == "validation" else slice(cut, None)
            x, x_misc = x[part], [a[part] for a in x_misc]
            y = None if y is None else y[part]
            sample_weight = None if sample_weight is None else sample_weight[part]
        self.x = np.asarray(x, dtype=self.dtype)
        if self.x.ndim != 4:
            raise ValueError(f"Input data in `NumpyArrayIterator` should have rank 4. You "
                             f"passed an array with shape {self.x.shape}")
        channel_axis = 3 if data_format == "channels_last" else 1
        if self.x.shape[channel_axis] not in (1, 3, 4):
            warnings.warn(f'NumpyArrayIterator is set to use the data format convention '
                          f'"{data_format}" (channels on axis {channel_axis}), i.e. expected '
                          f'either 1, 3, or 4 channels on axis {channel_axis}. However, it was '
                          f'passed an array with shape {self.x.shape} '
                          f'({self.x.shape[channel_axis]} channels).', stacklevel=3)
        self.x_misc = x_misc
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator = image_data_generator
        self.data_format = data_format
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, \
            save_format
        super().__init__(self.x.shape[0], batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array),) + self.x.shape[1:], dtype=self.dtype)
        for i, j in enumerate(index_array):
            batch_x[i] = self._augment(self.x[j].astype(self.dtype))
        if self.save_to_dir:
            self._save_batch(batch_x, index_array, 10 ** 4)
        misc = [a[index_array] for a in self.x_misc]
        first = [batch_x] + misc if misc else batch_x
        if self.y is None:
            return first
        if self.sample_weight is None:
            return first, self.y[index_array]
        return first, self.y[index_array], self.sample_weight[index_array]


def _image_files(directory, follow_links):
    """(root, name) of the image files under `directory`, walked in sorted order."""
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links),
                                 key=lambda entry: entry[0]):
        for name in sorted(files):
            if name.lower().endswith(".tiff"):
                warnings.warn('Using ".tiff" files with multiple bands will cause distortion. '
                              'Please verify your output.', stacklevel=4)
            if name.lower().endswith(_IMAGE_EXTENSIONS):
                yield root, name


class _FilesMixin:
    """Reads batches of image files: sets the shared attributes and builds the batches."""

    def _set_file_attrs(self, image_data_generator, target_size, color_mode, data_format,
                        save_to_dir, save_prefix, save_format, subset, interpolation,
                        keep_aspect_ratio):
        self.image_data_generator = image_data_generator
        self.target_size = tuple(target_size)
        self.keep_aspect_ratio = keep_aspect_ratio
        channels = {"rgb": 3, "rgba": 4, "grayscale": 1}.get(color_mode)
        if channels is None:
            raise ValueError(f'Invalid color mode: {color_mode}; expected "rgb", "rgba", or '
                             f'"grayscale".')
        self.color_mode = color_mode
        self.data_format = data_format
        self.image_shape = (self.target_size + (channels,) if data_format == "channels_last"
                            else (channels,) + self.target_size)
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, \
            save_format
        self.interpolation = interpolation
        self.split = None
        if subset is not None:
            if subset not in ("training", "validation"):
                raise ValueError(f'Invalid subset name: {subset}; expected "training" or '
                                 f'"validation"')
            fraction = image_data_generator._validation_split
            self.split = (0, fraction) if subset == "validation" else (fraction, 1)
        self.subset = subset

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array),) + self.image_shape, dtype=self.dtype)
        paths = self.filepaths
        for i, j in enumerate(index_array):
            img = load_img(paths[j], color_mode=self.color_mode, target_size=self.target_size,
                           interpolation=self.interpolation,
                           keep_aspect_ratio=self.keep_aspect_ratio)
            x = img_to_array(img, data_format=self.data_format, dtype=self.dtype)
            img.close()
            batch_x[i] = self._augment(x)
        if self.save_to_dir:
            self._save_batch(batch_x, index_array, 10 ** 7)
        mode = self.class_mode
        if mode == "input":
            batch_y = batch_x.copy()
        elif mode in ("binary", "sparse"):
            batch_y = np.asarray([self.classes[j] for j in index_array], dtype=self.dtype)
        elif mode == "categorical":
            batch_y = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
            for i, j in enumerate(index_array):
                batch_y[i, self.classes[j]] = 1.0
        elif mode == "multi_output":
            batch_y = [target[index_array] for target in self.labels]
        elif mode == "raw":
            batch_y = self.labels[index_array]
        else:
            return batch_x
        weights = self.sample_weight
        return (batch_x, batch_y) if weights is None else (batch_x, batch_y,
                                                           weights[index_array])


class DirectoryIterator(_FilesMixin, Iterator):
    """Batches of augmented images read from one subdirectory per class (what
    `ImageDataGenerator.flow_from_directory` returns).

    Attributes:
      filenames: Paths relative to `directory` ("cats/cat.1.png"), class by class.
      filepaths: Full paths.
      classes: int32 class index of each file.
      class_indices: {class name: index}, names in sorted order unless `classes` is given.
      samples, n: The number of files.
    """

    allowed_class_modes = {"categorical", "binary", "sparse", "input", None}

    def __init__(self, directory, image_data_generator, target_size=(256, 256),
                 color_mode="rgb", classes=None, class_mode="categorical", batch_size=32,
                 shuffle=True, seed=None, data_format=None, save_to_dir=None, save_prefix="",
                 save_format="png", follow_links=False, subset=None, interpolation="nearest",
                 keep_aspect_ratio=False, dtype=None):
        data_format = data_format or backend.image_data_format()
        self._set_file_attrs(image_data_generator, target_size, color_mode, data_format,
                             save_to_dir, save_prefix, save_format, subset, interpolation,
                             keep_aspect_ratio)
        if class_mode not in self.allowed_class_modes:
            raise ValueError(f"Invalid class_mode: {class_mode}; expected one of: "
                             f"{self.allowed_class_modes}")
        self.directory = directory
        self.class_mode = class_mode
        self.dtype = dtype or backend.floatx()
        if not classes:
            classes = [d for d in sorted(os.listdir(directory))
                       if os.path.isdir(os.path.join(directory, d))]
        self.num_classes = len(classes)
        self.class_indices = {name: i for i, name in enumerate(classes)}
        self.filenames, labels = [], []
        for name in classes:
            class_dir = os.path.join(directory, name)
            files = list(_image_files(class_dir, follow_links))
            if self.split:
                files = files[int(self.split[0] * len(files)):int(self.split[1] * len(files))]
            for root, fname in files:
                self.filenames.append(os.path.join(
                    name, os.path.relpath(os.path.join(root, fname), class_dir)))
                labels.append(self.class_indices[name])
        self.samples = len(self.filenames)
        self.classes = np.asarray(labels, dtype="int32")
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        self._filepaths = [os.path.join(directory, f) for f in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    filepaths = property(lambda self: self._filepaths)
    labels = property(lambda self: self.classes)
    sample_weight = property(lambda self: None)


class DataFrameIterator(_FilesMixin, Iterator):
    """Batches of augmented images whose paths and labels are columns of a pandas DataFrame
    (what `ImageDataGenerator.flow_from_dataframe` returns)."""

    allowed_class_modes = {"binary", "categorical", "input", "multi_output", "raw", "sparse",
                           None}

    def __init__(self, dataframe, directory=None, image_data_generator=None, x_col="filename",
                 y_col="class", weight_col=None, target_size=(256, 256), color_mode="rgb",
                 classes=None, class_mode="categorical", batch_size=32, shuffle=True,
                 seed=None, data_format="channels_last", save_to_dir=None, save_prefix="",
                 save_format="png", subset=None, interpolation="nearest",
                 keep_aspect_ratio=False, dtype="float32", validate_filenames=True):
        self._set_file_attrs(image_data_generator, target_size, color_mode, data_format,
                             save_to_dir, save_prefix, save_format, subset, interpolation,
                             keep_aspect_ratio)
        df = dataframe.copy()
        self.directory = directory or ""
        self.class_mode = class_mode
        self.dtype = dtype
        self._check_params(df, x_col, y_col, weight_col, classes)
        if validate_filenames:
            paths = df[x_col].map(lambda f: os.path.join(self.directory, f))
            ok = paths.map(lambda p: p.lower().endswith(_IMAGE_EXTENSIONS) and os.path.isfile(p))
            if (~ok).sum():
                warnings.warn(f'Found {(~ok).sum()} invalid image filename(s) in x_col='
                              f'"{x_col}". These filename(s) will be ignored.', stacklevel=3)
            df = df[ok]
        labelled = class_mode not in ("input", "multi_output", "raw", None)
        if labelled:
            df, classes = self._filter_classes(df, y_col, classes)
            self.class_indices = {name: i for i, name in enumerate(classes)}
        if self.split:
            df = df.iloc[int(self.split[0] * len(df)):int(self.split[1] * len(df)), :]
        if labelled:
            self.classes = [[self.class_indices[v] for v in label]
                            if isinstance(label, (list, tuple)) else self.class_indices[label]
                            for label in df[y_col]]
        self.filenames = df[x_col].tolist()
        self._sample_weight = df[weight_col].values if weight_col else None
        if class_mode == "multi_output":
            self._targets = [np.array(df[col].tolist()) for col in y_col]
        if class_mode == "raw":
            self._targets = df[y_col].values
        self.samples = len(self.filenames)
        kind = "validated" if validate_filenames else "non-validated"
        where = f" belonging to {len(classes)} classes." if labelled else "."
        print(f"Found {self.samples} {kind} image filenames{where}")
        self._filepaths = [os.path.join(self.directory, f) for f in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    def _check_params(self, df, x_col, y_col, weight_col, classes):
        mode = self.class_mode
        if mode not in self.allowed_class_modes:
            raise ValueError(f"Invalid class_mode: {mode}; expected one of: "
                             f"{self.allowed_class_modes}")
        if mode == "multi_output" and not isinstance(y_col, list):
            raise TypeError(f'If class_mode="{mode}", y_col must be a list. Received '
                            f'{type(y_col).__name__}.')
        if not all(isinstance(v, str) for v in df[x_col]):
            raise TypeError(f"All values in column x_col={x_col} must be strings.")
        if mode in ("binary", "sparse") and not all(isinstance(v, str) for v in df[y_col]):
            raise TypeError(f'If class_mode="{mode}", y_col="{y_col}" column values must be '
                            f'strings.')
        if mode == "binary":
            count = len(set(classes)) if classes else df[y_col].nunique()
            if count != 2:
                raise ValueError(f'If class_mode="binary" there must be 2 classes. '
                                 f'Found {count} classes.')
        if mode == "categorical" and not all(isinstance(v, (str, list, tuple))
                                             for v in df[y_col]):
            raise TypeError(f'If class_mode="{mode}", y_col="{y_col}" column values must be '
                            f'type string, list or tuple.')
        if classes and mode in ("input", "multi_output", "raw", None):
            warnings.warn(f'`classes` will be ignored given the class_mode="{mode}"',
                          stacklevel=4)
        if weight_col and not np.issubdtype(df[weight_col].dtype, np.number):
            raise TypeError(f"Column weight_col={weight_col} must be numeric.")

    @staticmethod
    def _filter_classes(df, y_col, classes):
        """Rows whose label is among `classes` (all labels, sorted, when not given)."""
        if not classes:
            found = set()
            for label in df[y_col]:
                found.update(label if isinstance(label, (list, tuple)) else [label])
            return df, sorted(found)
        classes = list(dict.fromkeys(classes))
        wanted = set(classes)

        def keep(label):
            if isinstance(label, (list, tuple)):
                return [c for c in label if c in wanted] or None
            if isinstance(label, str):
                return label if label in wanted else None
            raise TypeError(f"Expect string, list or tuple but found {type(label)} in {y_col} "
                            f"column ")
        df = df.copy()
        df[y_col] = df[y_col].apply(keep)
        return df.dropna(subset=[y_col]), classes

    filepaths = property(lambda self: self._filepaths)
    labels = property(lambda self: self._targets if self.class_mode in ("multi_output", "raw")
                      else self.classes)
    sample_weight = property(lambda self: self._sample_weight)


# ----------------------------------------------------------------------------- the generator


class ImageDataGenerator:
    """Generates batches of images with real-time augmentation (Keras 2).

    Each image gets a random rotation, shift, shear, zoom, channel shift, flips and
    brightness change as configured, then `standardize`: `preprocessing_function`,
    `rescale`, sample-wise and feature-wise centering/normalization, ZCA whitening.

    Args:
      featurewise_center: Subtract the per-channel mean of the data given to `fit`.
      samplewise_center: Subtract each image's own mean.
      featurewise_std_normalization: Divide by the per-channel std from `fit`.
      samplewise_std_normalization: Divide each image by its own std.
      zca_whitening: Apply the ZCA whitening matrix computed by `fit`.
      zca_epsilon: Added to the singular values for ZCA.
      rotation_range: Degrees: angles are drawn from [-range, range].
      width_shift_range, height_shift_range: A float (a fraction of the size if < 1, else
        pixels) for a uniform shift, or an int / list of choices of pixel shifts.
      brightness_range: (low, high) brightness factors, or None.
      shear_range: Shear angle range in degrees.
      zoom_range: A float z for [1 - z, 1 + z], or (low, high).
      channel_shift_range: Intensities drawn from [-range, range].
      fill_mode: "constant", "nearest", "reflect" or "wrap".
      cval: Fill value for "constant".
      horizontal_flip, vertical_flip: Flip half of the images at random.
      rescale: A factor multiplied in (after the transforms), e.g. 1/255.
      preprocessing_function: Called on each image (3-D) first in `standardize`.
      data_format: "channels_last" or "channels_first"; default
        `keras.backend.image_data_format()`.
      validation_split: Fraction of the data kept for `subset="validation"`.
      interpolation_order: Spline order of the affine resampling.
      dtype: The dtype of the batches; default floatx.

    Raises:
      ValueError: For an unknown `data_format`, a `validation_split` outside (0, 1), or a
        `zoom_range` / `brightness_range` that is not a number or a pair.
    """

    def __init__(self, featurewise_center=False, samplewise_center=False,
                 featurewise_std_normalization=False, samplewise_std_normalization=False,
                 zca_whitening=False, zca_epsilon=1e-6, rotation_range=0, width_shift_range=0.0,
                 height_shift_range=0.0, brightness_range=None, shear_range=0.0, zoom_range=0.0,
                 channel_shift_range=0.0, fill_mode="nearest", cval=0.0, horizontal_flip=False,
                 vertical_flip=False, rescale=None, preprocessing_function=None,
                 data_format=None, validation_split=0.0, interpolation_order=1, dtype=None):
        data_format = data_format or backend.image_data_format()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(f'`data_format` should be `"channels_last"` (channel after row and '
                             f'column) or `"channels_first"` (channel before row and column). '
                             f'Received: {data_format}')
        if validation_split and not 0 < validation_split < 1:
            raise ValueError(f"`validation_split` must be strictly between 0 and 1. "
                             f"Received: {validation_split}")
        if isinstance(zoom_range, (float, int)):
            zoom_range = [1 - zoom_range, 1 + zoom_range]
        elif len(zoom_range) == 2 and all(isinstance(v, (float, int)) for v in zoom_range):
            zoom_range = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError(f"`zoom_range` should be a float or a tuple or list of two "
                             f"floats. Received: {zoom_range}")
        if brightness_range is not None and (not isinstance(brightness_range, (tuple, list))
                                             or len(brightness_range) != 2):
            raise ValueError(f"`brightness_range should be tuple or list of two floats. "
                             f"Received: {brightness_range}")
        if fill_mode not in ("constant", "nearest", "reflect", "wrap"):
            raise ValueError(f'`fill_mode` must be one of "constant", "nearest", "reflect" or '
                             f'"wrap". Received: fill_mode={fill_mode!r}')
        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening = zca_whitening
        self.zca_epsilon = zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range = width_shift_range
        self.height_shift_range = height_shift_range
        self.brightness_range = brightness_range
        self.shear_range = shear_range
        self.zoom_range = zoom_range
        self.channel_shift_range = channel_shift_range
        self.fill_mode = fill_mode
        self.cval = cval
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.rescale = rescale
        self.preprocessing_function = preprocessing_function
        self.data_format = data_format
        self.interpolation_order = interpolation_order
        self.dtype = dtype or backend.floatx()
        self.channel_axis, self.row_axis, self.col_axis = (
            (3, 1, 2) if data_format == "channels_last" else (1, 2, 3))
        self._validation_split = validation_split
        self.mean = self.std = self.zca_whitening_matrix = None
        # options that imply others, as Keras 2 (each with its warning)
        implied = []
        if zca_whitening:
            if not featurewise_center:
                self.featurewise_center = True
                implied.append("`zca_whitening`, which overrides setting of "
                               "`featurewise_center`.")
            if featurewise_std_normalization:
                self.featurewise_std_normalization = False
                implied.append("`zca_whitening` which overrides setting of "
                               "`featurewise_std_normalization`.")
        if self.featurewise_std_normalization and not self.featurewise_center:
            self.featurewise_center = True
            implied.append("`featurewise_std_normalization`, which overrides setting of "
                           "`featurewise_center`.")
        if samplewise_std_normalization and not samplewise_center:
            self.samplewise_center = True
            implied.append("`samplewise_std_normalization`, which overrides setting of "
                           "`samplewise_center`.")
        for message in implied:
            warnings.warn("This ImageDataGenerator specifies " + message, stacklevel=2)

    # -- iterators

    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None,
             save_to_dir=None, save_prefix="", save_format="png", ignore_class_split=False,
             subset=None):
        """An iterator of augmented batches from arrays: see `NumpyArrayIterator`.

        Args:
          x: Images, rank 4 (or `(images, other_inputs)`).
          y: Labels, or None.
          batch_size, shuffle, seed: Batching; `seed` makes the order and transforms
            repeatable.
          sample_weight: Per-sample weights, or None.
          save_to_dir, save_prefix, save_format: Write each augmented image there.
          ignore_class_split: Skip the check that both subsets hold every class.
          subset: "training" or "validation" (with `validation_split`).
        """
        return NumpyArrayIterator(x, y, self, batch_size=batch_size, shuffle=shuffle,
                                  sample_weight=sample_weight, seed=seed,
                                  data_format=self.data_format, save_to_dir=save_to_dir,
                                  save_prefix=save_prefix, save_format=save_format,
                                  ignore_class_split=ignore_class_split, subset=subset,
                                  dtype=self.dtype)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32, shuffle=True,
                            seed=None, save_to_dir=None, save_prefix="", save_format="png",
                            follow_links=False, subset=None, interpolation="nearest",
                            keep_aspect_ratio=False):
        """An iterator of augmented batches read from `directory/<class>/*.png|jpg...`:
        see `DirectoryIterator`.

        Args:
          directory: The folder with one subfolder per class.
          target_size: (height, width) every image is resized to.
          color_mode: "rgb", "rgba" or "grayscale".
          classes: Class subfolder names in index order; default all, sorted.
          class_mode: "categorical" (one-hot), "binary" (0/1 floats), "sparse" (indices),
            "input" (the images themselves) or None (images only).
          batch_size, shuffle, seed: Batching.
          follow_links: Whether to follow symbolic links to folders.
          subset: "training" or "validation" (with `validation_split`).
          interpolation: The resize filter: "nearest", "bilinear", "bicubic"...
          keep_aspect_ratio: Crop to the target's aspect ratio before resizing.
        """
        return DirectoryIterator(directory, self, target_size=target_size,
                                 color_mode=color_mode, keep_aspect_ratio=keep_aspect_ratio,
                                 classes=classes, class_mode=class_mode,
                                 data_format=self.data_format, batch_size=batch_size,
                                 shuffle=shuffle, seed=seed, save_to_dir=save_to_dir,
                                 save_prefix=save_prefix, save_format=save_format,
                                 follow_links=follow_links, subset=subset,
                                 interpolation=interpolation, dtype=self.dtype)

    def flow_from_dataframe(self, dataframe, directory=None, x_col="filename", y_col="class",
                            weight_col=None, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32, shuffle=True,
                            seed=None, save_to_dir=None, save_prefix="", save_format="png",
                            subset=None, interpolation="nearest", validate_filenames=True,
                            **kwargs):
        """An iterator of augmented batches of the files named in a DataFrame column: see
        `DataFrameIterator`. `class_mode` adds "raw" (the `y_col` values) and
        "multi_output" (a list of `y_col` columns) to `flow_from_directory`'s."""
        for old, why in (("has_ext", "has_ext is deprecated, filenames in the dataframe have "
                          "to match the exact filenames in disk."),
                         ("sort", "sort is deprecated, batches will be created in the same "
                          "order than the filenames provided if `shuffle` is set to `False`."),
                         ("drop_duplicates", "drop_duplicates is deprecated, you can drop "
                          "duplicates by using the pandas.DataFrame.drop_duplicates method.")):
            if old in kwargs:
                warnings.warn(why, DeprecationWarning, stacklevel=2)
        if class_mode == "other":
            warnings.warn('`class_mode="other"` is deprecated, please use `class_mode="raw"`.',
                          DeprecationWarning, stacklevel=2)
            class_mode = "raw"
        return DataFrameIterator(dataframe, directory, self, x_col=x_col, y_col=y_col,
                                 weight_col=weight_col, target_size=target_size,
                                 color_mode=color_mode, classes=classes, class_mode=class_mode,
                                 data_format=self.data_format, batch_size=batch_size,
                                 shuffle=shuffle, seed=seed, save_to_dir=save_to_dir,
                                 save_prefix=save_prefix, save_format=save_format,
                                 subset=subset, interpolation=interpolation,
                                 validate_filenames=validate_filenames, dtype=self.dtype)

    # -- per-image work

    def _unfit(self, option):
        warnings.warn(f"This ImageDataGenerator specifies `{option}`, but it hasn't been fit "
                      f"on any training data. Fit it first by calling `.fit(numpy_data)`.",
                      stacklevel=3)

    def standardize(self, x):
        """Normalizes `x` (one image or a batch) in place as configured, and returns it.

        Order: preprocessing_function, rescale, samplewise center, samplewise std,
        featurewise center, featurewise std, ZCA. Pass a copy to keep `x`.
        """
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, keepdims=True) + 1e-6
        if self.featurewise_center:
            if self.mean is None:
                self._unfit("featurewise_center")
            else:
                x -= self.mean
        if self.featurewise_std_normalization:
            if self.std is None:
                self._unfit("featurewise_std_normalization")
            else:
                x /= self.std + 1e-6
        if self.zca_whitening:
            if self.zca_whitening_matrix is None:
                self._unfit("zca_whitening")
            else:
                flat = x.reshape(-1, math.prod(x.shape[-3:]))
                x = np.reshape(flat @ self.zca_whitening_matrix, x.shape)
        return x

    def get_random_transform(self, img_shape, seed=None):
        """Draws one image's transform parameters from NumPy's global RNG (reseeded with
        `seed` if given), in Keras's order.

        Returns:
          A dict with "theta", "tx", "ty", "shear", "zx", "zy", "flip_horizontal",
          "flip_vertical", "channel_shift_intensity" and "brightness".
        """
        if seed is not None:
            np.random.seed(seed)
        uniform = np.random.uniform
        theta = uniform(-self.rotation_range, self.rotation_range) if self.rotation_range else 0
        tx = _draw_shift(self.height_shift_range, img_shape[self.row_axis - 1]) \
            if self.height_shift_range else 0
        ty = _draw_shift(self.width_shift_range, img_shape[self.col_axis - 1]) \
            if self.width_shift_range else 0
        shear = uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        low, high = self.zoom_range
        zx, zy = (1, 1) if low == 1 and high == 1 else uniform(low, high, 2)
        # both flips always draw, so the stream does not depend on which are enabled
        flip_horizontal = (np.random.random() < 0.5) * self.horizontal_flip
        flip_vertical = (np.random.random() < 0.5) * self.vertical_flip
        channel_shift = None
        if self.channel_shift_range != 0:
            channel_shift = uniform(-self.channel_shift_range, self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = uniform(self.brightness_range[0], self.brightness_range[1])
        return {"theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
                "flip_horizontal": flip_horizontal, "flip_vertical": flip_vertical,
                "channel_shift_intensity": channel_shift, "brightness": brightness}

    def apply_transform(self, x, transform_parameters):
        """Applies the transform described by `transform_parameters` (keys as returned by
        `get_random_transform`; missing ones mean no change) to one 3-D image:
        affine warp, channel shift, horizontal then vertical flip, brightness."""
        p = transform_parameters
        row, col, channel = self.row_axis - 1, self.col_axis - 1, self.channel_axis - 1
        x = apply_affine_transform(x, p.get("theta", 0), p.get("tx", 0), p.get("ty", 0),
                                   p.get("shear", 0), p.get("zx", 1), p.get("zy", 1),
                                   row_axis=row, col_axis=col, channel_axis=channel,
                                   fill_mode=self.fill_mode, cval=self.cval,
                                   order=self.interpolation_order)
        if p.get("channel_shift_intensity") is not None:
            x = apply_channel_shift(x, p["channel_shift_intensity"], channel)
        if p.get("flip_horizontal", False):
            x = flip_axis(x, col)
        if p.get("flip_vertical", False):
            x = flip_axis(x, row)
        if p.get("brightness") is not None:
            if channel == 0:  # brightness works on (h, w, c) pixels
                x = np.moveaxis(apply_brightness_shift(np.moveaxis(x, 0, 2), p["brightness"],
                                                       False), 2, 0)
            else:
                x = apply_brightness_shift(x, p["brightness"], False)
        return x

    def random_transform(self, x, seed=None):
        """One 3-D image, randomly transformed (`get_random_transform` + `apply_transform`)."""
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Computes the feature-wise mean, std and ZCA matrix from sample images.

        Needed only for featurewise_center, featurewise_std_normalization or zca_whitening.
        `rescale` is applied first.

        Args:
          x: Sample images, rank 4.
          augment: Whether to fit on randomly transformed copies.
          rounds: How many transformed copies of each image, with `augment`.
          seed: Seed for the transforms.

        Raises:
          ValueError: If `x` is not rank 4.
        """
        x = np.array(x, dtype=self.dtype)  # a copy: normalized in place below
        if x.ndim != 4:
            raise ValueError(f"Input to `.fit()` should have rank 4. Got array with shape: "
                             f"{x.shape}")
        if x.shape[self.channel_axis] not in (1, 3, 4):
            warnings.warn(f'Expected input to be images (as Numpy array) following the data '
                          f'format convention "{self.data_format}" (channels on axis '
                          f'{self.channel_axis}), i.e. expected either 1, 3 or 4 channels on '
                          f'axis {self.channel_axis}. However, it was passed an array with '
                          f'shape {x.shape} ({x.shape[self.channel_axis]} channels).',
                          stacklevel=2)
        if seed is not None:
            np.random.seed(seed)
        if self.rescale:
            x *= self.rescale
        if augment:
            # a C-ordered buffer: the mean's float32 sums depend on the memory order
            copies = np.empty((rounds * len(x),) + x.shape[1:], dtype=self.dtype)
            for i, image in enumerate(image for _ in range(rounds) for image in x):
                copies[i] = self.random_transform(image)
            x = copies
        shape = [1, 1, 1]
        shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        axes = (0, self.row_axis, self.col_axis)
        if self.featurewise_center:
            self.mean = np.reshape(np.mean(x, axis=axes), shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.reshape(np.std(x, axis=axes), shape)
            x /= self.std + 1e-6
        if self.zca_whitening:
            flat = np.reshape(x, (len(x), -1))
            u, s, _ = np.linalg.svd(flat.T, full_matrices=False)
            scale = np.sqrt(len(x)) / (s + self.zca_epsilon)
            self.zca_whitening_matrix = (u * scale).dot(u.T)
