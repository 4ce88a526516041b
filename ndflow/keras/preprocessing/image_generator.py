"""keras.preprocessing.image.ImageDataGenerator: Keras 2's real-time image augmentation.

A generator draws random transform parameters for each image from NumPy's global RNG (in
Keras's order, so a fixed seed gives Keras's numbers), warps the image with
`scipy.ndimage.affine_transform` and normalizes it. Its iterators (`flow`,
`flow_from_directory`, `flow_from_dataframe`) are `keras.utils.Sequence`s: `model.fit`,
`evaluate` and `predict` take them directly, with `steps_per_epoch` / `validation_steps`.

SciPy is needed for the geometric transforms (`pip install ndflow[data]`), Pillow for files.
"""
import math
import warnings

import numpy as np

from .. import backend
from .image_iterators import DataFrameIterator, DirectoryIterator, NumpyArrayIterator
from .image_transforms import (_draw_shift, apply_affine_transform, apply_brightness_shift,
                               apply_channel_shift, flip_axis)


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
