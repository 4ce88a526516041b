"""keras.datasets.boston_housing: the Boston housing prices (Harrison & Rubinfeld, 1978).

506 samples of 13 attributes of Boston suburbs and the median home price (k$). Read from
Keras's boston_housing.npz, which holds plain float arrays `x` and `y` (no pickle), found
or downloaded as `_files` describes.
"""
import numpy as np

from ..utils.npz_files import read_npz
from ._files import locate

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz"
SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Loads the Boston housing dataset, shuffled and split as Keras does.

    Args:
      path: The file: an existing .npz path, or a name looked for in the dataset
        directories (see ndflow/keras/datasets/_files.py) and downloaded there if missing.
      test_split: The fraction of samples held out as the test set, in [0, 1).
      seed: The seed of the shuffle done before splitting (NumPy's RandomState).

    Returns:
      `(x_train, y_train), (x_test, y_test)`: float64 arrays of shapes (n, 13) and (n,)
      (404 and 102 samples with the defaults).

    Raises:
      ValueError: If `test_split` is not in [0, 1).
      NotFoundError: If the file is missing and cannot be downloaded.
      DataLossError: If the file is not such an .npz.
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: {test_split}. It must be between 0 "
                         "and 1 (exclusive of 1).")
    file = locate("boston_housing", "boston_housing.npz", ORIGIN, SHA256, path=path,
                  title="Boston housing")
    arrays = read_npz(file, required=("x", "y"), what="a Boston housing .npz")
    x, y = arrays["x"], arrays["y"]
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (x[:cut].copy(), y[:cut].copy()), (x[cut:].copy(), y[cut:].copy())
