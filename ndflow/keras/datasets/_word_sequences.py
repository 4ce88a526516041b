"""What imdb and reuters do to their word-index sequences (Keras's rules): shuffle with a
seeded RandomState, mark starts, shift indices, drop long sequences, cap the vocabulary."""
import json

import numpy as np

from ._files import locate


def shuffled(seqs, labels, rng):
    order = np.arange(len(seqs))
    rng.shuffle(order)
    return seqs[order], labels[order]


def shift(seqs, start_char, index_from):
    """Each sequence as a list, indices + index_from, with start_char first (when not None)."""
    head = [] if start_char is None else [start_char]
    return [head + [w + index_from for w in seq] for seq in seqs]


def drop_long(maxlen, seqs, labels):
    """The sequences shorter than maxlen (strictly), with their labels."""
    keep = [i for i, seq in enumerate(seqs) if len(seq) < maxlen]
    return [seqs[i] for i in keep], [labels[i] for i in keep]


def cap_vocabulary(seqs, num_words, skip_top, oov_char):
    """Indices outside [skip_top, num_words) become oov_char (or are dropped when None);
    num_words None: the largest index in `seqs`."""
    if not num_words:
        num_words = max(max(seq) for seq in seqs if seq)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in seq] for seq in seqs]
    return [[w for w in seq if skip_top <= w < num_words] for seq in seqs]


def object_array(seqs):
    out = np.empty(len(seqs), dtype=object)
    for i, seq in enumerate(seqs):
        out[i] = seq
    return out


def word_index(dataset, filename, origin, md5, path, title):
    """The {word: index} dict of a dataset's word-index JSON file."""
    file = locate(dataset, filename, origin, md5, algorithm="md5", path=path, title=title)
    with open(file, encoding="utf-8") as f:
        index = json.load(f)
    if not isinstance(index, dict):
        from ...framework.errors import DataLossError
        raise DataLossError(f"{file}: not a word index (a JSON object of word: index).")
    return index
