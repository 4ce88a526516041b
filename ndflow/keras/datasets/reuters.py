"""keras.datasets.reuters: 11,228 Reuters newswires labelled over 46 topics, as
word-index sequences.

Read from Keras's reuters.npz, whose sequences (object arrays, a pickle stream) ndflow
reads as data without unpickling (see _object_npz.py).
"""
import numpy as np

from ...framework.errors import DataLossError
from . import _word_sequences as W
from ._files import locate
from ._object_npz import load_npz
from .imdb import _refuse_kwargs

_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"

_LABELS = ("cocoa grain veg-oil earn acq wheat copper housing money-supply coffee sugar trade "
           "reserves ship cotton carcass crude nat-gas cpi money-fx interest gnp meal-feed alum "
           "oilseed gold tin strategic-metal livestock retail ipi iron-steel rubber heat jobs "
           "lei bop zinc orange pet-chem dlr gas silver wpi hog lead").split()


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3, **kwargs):
    """Loads the Reuters newswires, shuffled, re-indexed and split as Keras does.

    Args:
      path: An existing reuters.npz, or its name in the dataset directories.
      num_words: Keep the `num_words` most frequent words (None: all).
      skip_top: Also replace the `skip_top` most frequent words by `oov_char`.
      maxlen: Drop sequences of `maxlen` words or more (None keeps all).
      test_split: The fraction held out as the test set.
      seed: The seed of the shuffle (NumPy's RandomState).
      start_char: Index put at the start of every sequence (None: none).
      oov_char: Index replacing dropped words (None: they are removed).
      index_from: Word indices are shifted up by this.
      **kwargs: Keras 1's `nb_words` (an error, as in Keras).

    Returns:
      `(x_train, y_train), (x_test, y_test)`: object arrays of int lists and int64 topic
      labels (0-45).

    Raises:
      NotFoundError: If the file is missing and cannot be downloaded.
      DataLossError: If the file is not the Reuters .npz.
    """
    _refuse_kwargs(kwargs)
    file = locate("reuters", "reuters.npz", _FOLDER + "reuters.npz", SHA256, path=path,
                  title="Reuters")
    arrays = load_npz(file, "the Reuters .npz")
    if "x" not in arrays or "y" not in arrays:
        raise DataLossError(f"{file}: not the Reuters .npz: it needs arrays 'x' and 'y'.")
    xs, labels = W.shuffled(arrays["x"], arrays["y"], np.random.RandomState(seed))
    xs = W.shift(xs, start_char, index_from)
    labels = list(labels)
    if maxlen:
        xs, labels = W.drop_long(maxlen, xs, labels)
    xs = W.cap_vocabulary(xs, num_words, skip_top, oov_char)
    cut = int(len(xs) * (1 - test_split))
    labels = np.asarray(labels, dtype=np.asarray(arrays["y"]).dtype)
    return (W.object_array(xs[:cut]), labels[:cut]), (W.object_array(xs[cut:]), labels[cut:])


def get_word_index(path="reuters_word_index.json"):
    """The {word: index} dict of the Reuters dataset (before `index_from` is added).

    Args:
      path: An existing reuters_word_index.json, or its name in the dataset directories.

    Returns:
      A dict from word strings to their frequency rank.
    """
    return W.word_index("reuters", "reuters_word_index.json",
                        _FOLDER + "reuters_word_index.json", WORD_INDEX_MD5, path,
                        "Reuters word index")


def get_label_names():
    """The 46 topic names, by label index.

    Returns:
      A tuple of strings ("cocoa", "grain", ...).
    """
    return tuple(_LABELS)
