"""TextVectorization: raw strings to token indices or bag-of-words vectors.

Each string is standardized (lowercased and/or stripped of ASCII punctuation, or a
callable), split (on whitespace, into characters, or a callable) into a RaggedTensor,
optionally turned into ngrams, then looked up in a StringLookup whose mask token is ""
(index 0, the padding) and OOV token "[UNK]" (index 1), as in Keras 3. The strings ops
are ndflow.strings' (lower, regex_replace, split, unicode_split, ngrams).
"""
import numpy as np

from ....framework import dtypes
from ....framework.tensor import TensorLike
from ....ops import array_ops, string_ops
from ...saving import serialization_lib
from ..base import Layer
from . import encoding
from .index_lookup import StringLookup

_PUNCTUATION = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'
_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")
_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def _strings():
    import ndflow
    return ndflow.strings


class TextVectorization(Layer):
    """Maps raw strings to sequences of token indices ("int") or to one vector per string
    ("multi_hot", "count", "tf_idf"), with a vocabulary from `adapt` or `vocabulary`.

    Args:
      max_tokens: the vocabulary's size limit (padding and OOV included).
      standardize: "lower_and_strip_punctuation" (default), "lower", "strip_punctuation",
        None, or a callable on a string tensor.
      split: "whitespace" (default), "character", None, or a callable.
      ngrams: None, an int n (all ngrams 1..n) or a tuple of ngram widths.
      output_mode: "int", "multi_hot", "count" or "tf_idf" (and "one_hot").
      output_sequence_length: "int" mode: pad or truncate every sequence to this length.
      pad_to_max_tokens: the vector modes: output `max_tokens` columns.
      vocabulary, idf_weights: a vocabulary (list or file path) and its idf weights.
      ragged: "int" mode: return a RaggedTensor instead of zero-padding.
      sparse: the vector modes: return a SparseTensor.
      encoding: the text encoding ("utf-8").
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode="int",
                 output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None,
                 **kwargs):
        if not (standardize is None or callable(standardize) or standardize in _STANDARDIZE):
            raise ValueError(f"TextVectorization: `standardize` must be one of "
                             f"{list(_STANDARDIZE)}, None or a callable. Received: "
                             f"standardize={standardize!r}")
        if not (split is None or callable(split) or split in _SPLIT):
            raise ValueError(f"TextVectorization: `split` must be one of {list(_SPLIT)}, None "
                             f"or a callable. Received: split={split!r}")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if output_mode not in _MODES:
            raise ValueError(f"TextVectorization: `output_mode` must be one of {list(_MODES)}. "
                             f"Received: output_mode={output_mode!r}")
        if isinstance(ngrams, list):
            ngrams = tuple(ngrams)
        if not (ngrams is None or isinstance(ngrams, int) or (
                isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams))):
            raise ValueError("`ngrams` must be None, an integer, or a tuple of integers. "
                             f"Received: ngrams={ngrams}")
        if output_mode == "int" and not (output_sequence_length is None or
                                         isinstance(output_sequence_length, int)):
            raise ValueError("`output_sequence_length` must be either None or an integer when "
                             "`output_mode` is 'int'. Received: output_sequence_length="
                             f"{output_sequence_length}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError("`output_sequence_length` must not be set if `output_mode` is not "
                             f"'int'. Received output_sequence_length={output_sequence_length}.")
        if ragged and output_mode != "int":
            raise ValueError("`ragged` must not be true if `output_mode` is not 'int'. "
                             f"Received: ragged={ragged} and output_mode={output_mode}")
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        kwargs.pop("dtype", None)
        super().__init__(name=name, **kwargs)
        self._nd_standardize = standardize
        self._nd_split = split
        self._nd_ngrams_arg = ngrams
        self._nd_ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._nd_output_mode = output_mode
        self._nd_sequence_length = output_sequence_length
        self._nd_ragged = bool(ragged)
        self._nd_encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
            sparse=sparse, has_input_vocabulary=has_input_vocabulary, encoding=encoding,
            vocabulary_size=vocabulary_size)
        self.built = True

    @property
    def compute_dtype(self):
        return "string"

    def build(self, input_shape=None):
        self.built = True

    # --- vocabulary ------------------------------------------------------------------
    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order ("" and "[UNK]" first unless
        `include_special_tokens=False`)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        """The size of the vocabulary, padding and OOV included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (and tf_idf weights) directly instead of by `adapt`."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    def adapt(self, data, batch_size=None, steps=None):
        """Computes the vocabulary from `data`: a list/array/tensor of strings (each one
        document), a tf.data Dataset of string batches, or an iterable of batches."""
        self.reset_state()
        source, whole = encoding.batches(data, steps)
        for batch in source:
            if whole and not encoding.is_tensor(batch):
                batch = np.asarray(batch, dtype=object)
            if whole:
                x = self._as_strings(batch)
                if x.shape.rank == 1:
                    x = array_ops.expand_dims(x, -1)
                batch = x
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        self._lookup_layer.update_state(self._preprocess(data))

    def finalize_state(self):
        self._lookup_layer.finalize_state()

    def reset_state(self):
        self._lookup_layer.reset_state()

    # --- call ------------------------------------------------------------------------
    def _as_strings(self, x):
        if isinstance(x, TensorLike) or hasattr(x, "flat_values"):
            if x.dtype != dtypes.string:
                raise ValueError(f"TextVectorization {self.name}: inputs must be strings; "
                                 f"got dtype {x.dtype.name}.")
            return x
        return string_ops.string_input(x, "inputs", "TextVectorization")

    def _preprocess(self, inputs):
        strings = _strings()
        x = self._as_strings(inputs)
        std = self._nd_standardize
        if std in ("lower", "lower_and_strip_punctuation"):
            x = strings.lower(x)
        if std in ("strip_punctuation", "lower_and_strip_punctuation"):
            x = strings.regex_replace(x, _PUNCTUATION, "")
        if callable(std):
            x = std(x)
        if self._nd_split is not None:
            rank = x.shape.rank
            if rank is not None and rank > 1:
                if x.shape[-1] != 1:
                    raise ValueError("When using `TextVectorization` to tokenize strings, the "
                                     "input rank must be 1 or the last shape dimension must be "
                                     f"1. Received: inputs.shape={tuple(x.shape.as_list())} "
                                     f"with rank={rank}")
                x = array_ops.squeeze(x, [-1])
            if self._nd_split == "whitespace":
                x = strings.split(x)
            elif self._nd_split == "character":
                x = strings.unicode_split(x, "UTF-8")
            else:
                x = self._nd_split(x)
        if self._nd_ngrams is not None:
            x = strings.ngrams(x, ngram_width=self._nd_ngrams, separator=" ")
        return x

    def call(self, inputs):
        x = self._preprocess(inputs)
        ids = self._lookup_layer.call(x)
        if self._nd_output_mode != "int":
            return ids
        ragged = hasattr(ids, "flat_values")
        length = self._nd_sequence_length
        if ragged and not self._nd_ragged:
            shape = ids.shape.as_list()
            shape[-1] = length
            return ids.to_tensor(default_value=0, shape=shape)
        if length is not None and not ragged:
            ids = ids[..., :length]
            if not self._nd_ragged:
                from ....ops import join_ops
                have = array_ops.shape(ids)[-1]
                rank = ids.shape.rank
                pad = [[0, 0]] * (rank - 1) + [[0, length - have]]
                ids = join_ops.pad(ids, pad)
                shape = ids.shape.as_list()
                shape[-1] = length
                ids.set_shape(shape)
        return ids

    def compute_output_shape(self, input_shape):
        if self._nd_output_mode == "int":
            return (input_shape[0], self._nd_sequence_length)
        if self._nd_split is None:
            if len(input_shape) <= 1:
                input_shape = tuple(input_shape) + (1,)
        else:
            input_shape = tuple(input_shape) + (None,)
        return self._lookup_layer.compute_output_shape(input_shape)

    # --- saving ----------------------------------------------------------------------
    def get_config(self):
        lookup = self._lookup_layer
        std, split = self._nd_standardize, self._nd_split
        config = super().get_config()
        config.update({
            "max_tokens": lookup.max_tokens,
            "standardize": std if std is None or isinstance(std, str) else
            serialization_lib.serialize_keras_object(std),
            "split": split if split is None or isinstance(split, str) else
            serialization_lib.serialize_keras_object(split),
            "ngrams": self._nd_ngrams_arg,
            "output_mode": self._nd_output_mode,
            "output_sequence_length": self._nd_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens, "sparse": lookup.sparse,
            "ragged": self._nd_ragged,
            "vocabulary": lookup.get_config()["vocabulary"],
            "idf_weights": lookup.get_config()["idf_weights"],
            "encoding": self._nd_encoding, "vocabulary_size": self.vocabulary_size(),
        })
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str):
                config[key] = serialization_lib.deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return super().from_config(config)

    def get_build_config(self):
        return super().get_build_config()

    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path):
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path):
        self._lookup_layer.load_assets(dir_path)
