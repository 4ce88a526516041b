"""The iterators of Keras 2's ImageDataGenerator: over arrays (`flow`), image folders
(`flow_from_directory`) and pandas DataFrames of file paths (`flow_from_dataframe`). Each is a
`keras.utils.Sequence` of augmented batches; the generator that made it transforms and
standardizes each image.
"""
import os
import threading
import warnings

import numpy as np

from .. import backend
from ..utils.data_utils import PyDataset
from ..utils.image_utils import array_to_img, img_to_array, load_img

_IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")


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
