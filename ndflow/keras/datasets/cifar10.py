"""keras.datasets.cifar10: 60,000 32x32 colour images in 10 classes (Krizhevsky, 2009).

Read from the binary distribution (cifar-10-binary.tar.gz: fixed-size records), not the
pickled python version Keras reads: ndflow never unpickles. Same arrays as Keras.
Classes: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship,
9 truck.
"""
from . import _cifar


def load_data(path=None):
    """Loads CIFAR-10.

    Args:
      path: ndflow's addition: the binary archive or a directory holding its .bin files.
        By default they are looked for in $NDFLOW_DATA_DIR/cifar10/ and
        ~/.ndflow/datasets/cifar10/, and the archive is downloaded there if missing.

    Returns:
      `(x_train, y_train), (x_test, y_test)`: uint8 images (50000, 32, 32, 3) and
      (10000, 32, 32, 3) (channels first when `image_data_format()` says so) and uint8
      labels (50000, 1), (10000, 1), in the files' order.

    Raises:
      NotFoundError: If the files are missing and cannot be downloaded.
      DataLossError: If a file is not CIFAR-10 binary data.
    """
    return _cifar.load(_cifar.CIFAR10, path)
