"""keras.datasets.cifar100: 60,000 32x32 colour images in 100 classes grouped in 20
superclasses (Krizhevsky, 2009).

Read from the binary distribution (cifar-100-binary.tar.gz: fixed-size records holding the
coarse label, the fine label and the pixels), not the pickled python version Keras reads.
"""
from . import _cifar


def load_data(label_mode="fine", path=None):
    """Loads CIFAR-100.

    Args:
      label_mode: "fine" (100 classes) or "coarse" (the 20 superclasses).
      path: ndflow's addition: the binary archive or a directory holding train.bin and
        test.bin (default: looked for and downloaded as cifar10.load_data does).

    Returns:
      `(x_train, y_train), (x_test, y_test)`: uint8 images (50000, 32, 32, 3) and
      (10000, 32, 32, 3) and uint8 labels (50000, 1), (10000, 1).

    Raises:
      ValueError: If `label_mode` is neither "fine" nor "coarse".
      NotFoundError: If the files are missing and cannot be downloaded.
      DataLossError: If a file is not CIFAR-100 binary data.
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError('`label_mode` must be one of `"fine"`, `"coarse"`. Received: '
                         f"label_mode={label_mode}.")
    return _cifar.load(_cifar.CIFAR100, path, label_mode)
