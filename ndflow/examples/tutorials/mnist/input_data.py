"""input_data.read_data_sets: MNIST as the TensorFlow 1 tutorials read it.

    mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)
    batch_x, batch_y = mnist.train.next_batch(128)   # (128, 784) float32 in [0, 1]
    mnist.test.images, mnist.test.labels             # (10000, 784), (10000, 10)

The files come from `train_dir` when it holds the four IDX files (gzip or not); otherwise
from where keras.datasets.mnist.load_data finds them ($NDFLOW_DATA_DIR/mnist/, the cache,
or a download into the cache). The first `validation_size` training images form
`validation`, as in TensorFlow.

One difference, knowingly: one-hot labels are float32 (TensorFlow's reader gave float64),
so they never bring float64 into a float32 model.
"""
import collections
import os

import numpy as np

from ....framework import dtypes
from ....keras.datasets import mnist as _mnist
from ....keras.datasets._idx_dataset import load as _load_idx

NUM_CLASSES = 10

Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])


def dense_to_one_hot(labels_dense, num_classes=NUM_CLASSES):
    """(n, num_classes) float32 one-hot rows for the integer class ids `labels_dense`."""
    labels_dense = np.asarray(labels_dense).ravel()
    if labels_dense.size and (labels_dense.min() < 0 or labels_dense.max() >= num_classes):
        raise ValueError(f"dense_to_one_hot: labels must be in [0, {num_classes}). "
                         f"Received: min {labels_dense.min()}, max {labels_dense.max()}")
    one_hot = np.zeros((labels_dense.size, num_classes), np.float32)
    one_hot[np.arange(labels_dense.size), labels_dense.astype(np.int64)] = 1.0
    return one_hot


class DataSet:
    """Images and labels of one split, served in shuffled mini-batches by `next_batch`.

    Args:
      images: uint8 array (n, rows, cols) or (n, rows, cols, 1).
      labels: (n,) class ids or (n, classes) one-hot rows.
      dtype: `float32` scales images to [0, 1]; `uint8` keeps them as stored.
      reshape: flatten each image to rows * cols values.
      seed: seed of this split's shuffling; None draws one from NumPy's global generator,
        so `np.random.seed(...)` before reading makes the batches repeatable.
    """

    def __init__(self, images, labels, dtype=dtypes.float32, reshape=True, seed=None):
        dtype = dtypes.as_dtype(dtype).base_dtype
        if dtype not in (dtypes.uint8, dtypes.float32):
            raise TypeError(f"DataSet: dtype must be uint8 or float32. Received: {dtype!r}")
        images, labels = np.asarray(images), np.asarray(labels)
        if images.shape[0] != labels.shape[0]:
            raise ValueError(f"DataSet: images and labels differ in length. Received: "
                             f"images.shape={images.shape}, labels.shape={labels.shape}")
        if reshape:
            images = images.reshape(images.shape[0], int(np.prod(images.shape[1:])))
        if dtype == dtypes.float32:
            images = images.astype(np.float32) * np.float32(1.0 / 255.0)
        self._images, self._labels = images, labels
        self._num_examples = images.shape[0]
        self._epochs_completed = 0
        self._index_in_epoch = 0
        if seed is None:
            seed = np.random.randint(0, 2 ** 31 - 1)
        self._rng = np.random.RandomState(seed)

    @property
    def images(self):
        return self._images

    @property
    def labels(self):
        return self._labels

    @property
    def num_examples(self):
        return self._num_examples

    @property
    def epochs_completed(self):
        return self._epochs_completed

    def next_batch(self, batch_size, fake_data=False, shuffle=True):
        """The next `batch_size` (images, labels); the data is reshuffled at each epoch's
        start (when `shuffle`), and a batch crossing an epoch's end takes the rest of
        that epoch and the start of the next, as TensorFlow's reader did."""
        if fake_data:
            raise NotImplementedError("DataSet.next_batch: fake_data=True is not supported")
        if not 0 < batch_size <= self._num_examples:
            raise ValueError(f"next_batch: batch_size must be in [1, {self._num_examples}]. "
                             f"Received: {batch_size}")
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._shuffle()
        if start + batch_size <= self._num_examples:
            self._index_in_epoch = start + batch_size
            return (self._images[start:self._index_in_epoch],
                    self._labels[start:self._index_in_epoch])
        self._epochs_completed += 1
        rest_images, rest_labels = self._images[start:], self._labels[start:]
        if shuffle:
            self._shuffle()
        self._index_in_epoch = batch_size - rest_images.shape[0]
        end = self._index_in_epoch
        return (np.concatenate([rest_images, self._images[:end]], axis=0),
                np.concatenate([rest_labels, self._labels[:end]], axis=0))

    def _shuffle(self):
        order = self._rng.permutation(self._num_examples)
        self._images, self._labels = self._images[order], self._labels[order]


def read_data_sets(train_dir, fake_data=False, one_hot=False, dtype=dtypes.float32,
                   reshape=True, validation_size=5000, seed=None, source_url=None):
    """Datasets(train, validation, test) of MNIST, each a `DataSet`.

    Args:
      train_dir: a directory holding the four MNIST IDX files; when it does not hold them
        all, MNIST is found (or downloaded) as by keras.datasets.mnist.load_data.
      one_hot: labels as (n, 10) float32 one-hot rows instead of (n,) uint8 class ids.
      dtype: `float32` (images scaled to [0, 1]) or `uint8`.
      reshape: images as (n, 784) rows instead of (n, 28, 28, 1).
      validation_size: how many of the first training images form `validation`.
      seed: shuffling seed of the splits (see `DataSet`).
      source_url: ignored (files come from the places above).

    Raises:
      ValueError: `validation_size` outside [0, number of training images].
    """
    del source_url
    if fake_data:
        raise NotImplementedError("read_data_sets: fake_data=True is not supported")
    (x_train, y_train), (x_test, y_test) = _read(train_dir)
    if not 0 <= validation_size <= len(x_train):
        raise ValueError(f"read_data_sets: validation_size must be in [0, {len(x_train)}]. "
                         f"Received: {validation_size}")
    x_train, x_test = x_train[..., None], x_test[..., None]   # (n, 28, 28, 1) as in TF
    if one_hot:
        y_train, y_test = dense_to_one_hot(y_train), dense_to_one_hot(y_test)
    split = dict(dtype=dtype, reshape=reshape, seed=seed)
    return Datasets(train=DataSet(x_train[validation_size:], y_train[validation_size:], **split),
                    validation=DataSet(x_train[:validation_size], y_train[:validation_size],
                                       **split),
                    test=DataSet(x_test, y_test, **split))


def load_mnist(train_dir="MNIST-data"):
    """`read_data_sets(train_dir)`, the name TensorFlow's reader also had."""
    return read_data_sets(train_dir)


def _read(train_dir):
    if train_dir and os.path.isdir(os.path.expanduser(os.fspath(train_dir))):
        names = set(os.listdir(os.path.expanduser(os.fspath(train_dir))))
        wanted = [f.name for f in _mnist.SPEC.files.values()]
        if all(n in names or n + ".gz" in names for n in wanted):
            return _load_idx(_mnist.SPEC, train_dir)
    return _mnist.load_data()
