"""keras.datasets.imdb: 50,000 movie reviews labelled by sentiment (Maas et al., 2011),
as word-index sequences (index i: the i-th most frequent word).

Read from Keras's imdb.npz. Its sequences are NumPy object arrays, which NumPy stores as a
pickle stream: ndflow reads that stream as data, accepting only what an array of integer
lists is made of, and never unpickles (see _object_npz.py). Found or downloaded as
ndflow/keras/datasets/_files.py describes.
"""
import numpy as np

from ...framework.errors import DataLossError
from . import _word_sequences as W
from ._files import locate
from ._object_npz import load_npz

_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3, **kwargs):
    """Loads the IMDB reviews, shuffled and re-indexed as Keras does.

    Args:
      path: An existing imdb.npz, or its name in the dataset directories (downloaded there
        when missing).
      num_words: Keep the `num_words` most frequent words (others become `oov_char`);
        None keeps all.
      skip_top: Also replace the `skip_top` most frequent words by `oov_char`.
      maxlen: Drop sequences of `maxlen` words or more (None keeps all).
      seed: The seed of the shuffle (NumPy's RandomState; train, then test).
      start_char: Index put at the start of every sequence (None: none).
      oov_char: Index replacing dropped words (None: they are removed).
      index_from: Word indices are shifted up by this.
      **kwargs: Keras 1's `nb_words` (an error, as in Keras).

    Returns:
      `(x_train, y_train), (x_test, y_test)`: object arrays of int lists (25000 each) and
      int64 label arrays (0 negative, 1 positive).

    Raises:
      TypeError: For unknown keyword arguments (`nb_words`: use `num_words`).
      ValueError: If `maxlen` leaves no sequence.
      NotFoundError: If the file is missing and cannot be downloaded.
      DataLossError: If the file is not the IMDB .npz.
    """
    _refuse_kwargs(kwargs)
    file = locate("imdb", "imdb.npz", _FOLDER + "imdb.npz", SHA256, path=path, title="IMDB")
    arrays = load_npz(file, "the IMDB .npz")
    for key in ("x_train", "y_train", "x_test", "y_test"):
        if key not in arrays:
            raise DataLossError(f"{file}: not the IMDB .npz: no array {key!r}.")
    rng = np.random.RandomState(seed)
    x_train, y_train = W.shuffled(arrays["x_train"], arrays["y_train"], rng)
    x_test, y_test = W.shuffled(arrays["x_test"], arrays["y_test"], rng)
    x_train = W.shift(x_train, start_char, index_from)
    x_test = W.shift(x_test, start_char, index_from)
    if maxlen:
        x_train, y_train = W.drop_long(maxlen, x_train, y_train)
        x_test, y_test = W.drop_long(maxlen, x_test, y_test)
        if not x_train or not x_test:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no "
                             "sequence was kept. Increase maxlen.")
    seqs = W.cap_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([np.asarray(y_train), np.asarray(y_test)])
    n = len(x_train)
    return (W.object_array(seqs[:n]), labels[:n]), (W.object_array(seqs[n:]), labels[n:])


def get_word_index(path="imdb_word_index.json"):
    """The {word: index} dict of the IMDB dataset (before `index_from` is added).

    Args:
      path: An existing imdb_word_index.json, or its name in the dataset directories.

    Returns:
      A dict from word strings to their frequency rank (1: the most frequent).
    """
    return W.word_index("imdb", "imdb_word_index.json", _FOLDER + "imdb_word_index.json",
                        WORD_INDEX_MD5, path, "IMDB word index")


def _refuse_kwargs(kwargs):
    if "nb_words" in kwargs:
        raise TypeError("The `nb_words` argument in `load_data` has been renamed "
                        "`num_words`.")
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {kwargs}.")
