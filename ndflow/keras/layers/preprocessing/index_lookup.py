"""StringLookup and IntegerLookup: vocabulary lookup layers on tf.lookup tables.

Indices follow Keras 3: the mask token (when set, and only for output_mode="int") is 0,
then the `num_oov_indices` OOV indices, then the vocabulary. `adapt` orders the
vocabulary by count, most frequent first, ties broken by the tokens themselves from
high to low (UTF-8 bytes for strings), as Keras does. With several OOV indices, an OOV
integer goes to `token % num_oov_indices` ("floormod") and an OOV string to FarmHash
Fingerprint64 (SipHash with `salt`) modulo `num_oov_indices`.

Vocabularies are saved in `.keras` files as Keras 3 does: in the config when given as a
list, otherwise as the asset `vocabulary.txt` (one token a line); tf_idf weights as the
variable "idf_weights".
"""
import collections
import math
import os

import numpy as np

from ....framework import dtypes
from ....framework.errors import InvalidArgumentError
from ....framework.tensor import EagerTensor, TensorLike
from ....ops import array_ops, check_ops, lookup_ops, math_ops, string_ops
from ....ops.sparse_tensor import SparseTensor
from ...saving import serialization_lib
from ..base import Layer
from . import encoding

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
_INT64_MAX = np.iinfo(np.int64).max


def _listify(x):
    if isinstance(x, EagerTensor):
        x = x.numpy()
    if isinstance(x, np.ndarray):
        x = x.tolist()
    if isinstance(x, (list, tuple)):
        return [v.decode("utf-8") if isinstance(v, bytes) else v for v in x]
    return x


class IndexLookup(Layer):
    """The machinery StringLookup and IntegerLookup share (Keras 3's IndexLookup)."""

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype,
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 sparse=False, pad_to_max_tokens=False, oov_method="floormod", name=None,
                 salt=None, **kwargs):
        frozen = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("dtype", None)
        super().__init__(name=name, **kwargs)
        cls = type(self).__name__
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"{cls}: if set, `max_tokens` must be greater than 1. "
                             f"Received: max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{cls}: if pad_to_max_tokens is True, max_tokens must be set. "
                             f"Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError(f"{cls}: `num_oov_indices` must be greater than or equal to 0. "
                             f"Received: num_oov_indices={num_oov_indices}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"{cls}: `oov_method` must be 'floormod' or 'farmhash'. "
                             f"Received: oov_method={oov_method!r}")
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = [int(s) for s in salt]
            elif isinstance(salt, int):
                salt = [salt, salt]
            else:
                raise ValueError(f"{cls}: `salt` must be an integer or a pair of integers. "
                                 f"Received: salt={salt}")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if output_mode not in _MODES:
            raise ValueError(f"{cls}: unknown `output_mode` {output_mode!r}; expected one of "
                             f"{list(_MODES)}.")
        if invert and output_mode != "int":
            raise ValueError(f"{cls}: `output_mode` must be 'int' when `invert` is True. "
                             f"Received: output_mode={output_mode}")
        if sparse and output_mode == "int":
            raise ValueError(f"{cls}: `sparse` may only be true if `output_mode` is "
                             "'one_hot', 'multi_hot', 'count' or 'tf_idf'. Received: "
                             f"sparse={sparse} and output_mode={output_mode}")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{cls}: `idf_weights` should only be set if `output_mode` is "
                             f"'tf_idf'. Received: idf_weights={idf_weights} and "
                             f"output_mode={output_mode}")
        self.invert = bool(invert)
        self.max_tokens = max_tokens
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = bool(sparse)
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.vocabulary_dtype = dtypes.as_dtype(vocabulary_dtype).name
        self.oov_method = oov_method
        self.salt = salt
        self._nd_key_dtype = dtypes.as_dtype(vocabulary_dtype)
        self._nd_frozen_vocab_size = frozen
        self._nd_input_vocabulary = None if isinstance(vocabulary, str) else vocabulary
        self._nd_input_idf_weights = idf_weights
        self._nd_has_input_vocabulary = bool(has_input_vocabulary)
        self._nd_tokens = []          # the vocabulary without special tokens, in id order
        self._nd_idf = None           # float32 [vocabulary size] in tf_idf mode
        self._nd_table = None
        self._nd_reset_counts()
        if output_mode == "tf_idf" and self._nd_has_input_vocabulary and vocabulary is not \
                None and idf_weights is None:
            raise ValueError(f"{cls}: when specifying the `vocabulary` argument in TF-IDF "
                             "output mode, the `idf_weights` argument must also be provided.")
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.built = True

    # --- indices -----------------------------------------------------------------------
    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def _default_value(self):
        if self.invert:
            return self.oov_token
        if self.num_oov_indices == 1:
            return self._oov_start_index()
        return -1

    def vocabulary_size(self):
        """The size of the vocabulary, mask and OOV indices included."""
        return len(self._nd_tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order (with the mask and OOV tokens unless
        `include_special_tokens=False`)."""
        special = [self.oov_token] * self._token_start_index()
        if self.mask_token is not None and self.output_mode == "int":
            special[0] = self.mask_token
        vocab = special + list(self._nd_tokens)
        if not include_special_tokens:
            vocab = vocab[self._token_start_index():]
        return vocab

    # --- vocabulary --------------------------------------------------------------------
    def _to_token(self, v):
        if self.vocabulary_dtype == "string":
            if isinstance(v, bytes):
                return v.decode("utf-8")
            if not isinstance(v, str):
                raise TypeError(f"{type(self).__name__} {self.name}: vocabulary terms must be "
                                f"strings; got {v!r}.")
            return v
        if isinstance(v, (str, bytes, float)):
            raise TypeError(f"{type(self).__name__} {self.name}: vocabulary terms must be "
                            f"integers; got {v!r}.")
        return int(v)

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (a list/array/tensor of terms, or the path of a text file
        with one term a line) and, in tf_idf mode, the idf weights (one per term).

        Raises:
          ValueError: empty or repeated vocabulary, misplaced special tokens, more terms
            than max_tokens, or idf weights not matching.
        """
        cls = type(self).__name__
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(f"{cls}: `idf_weights` must be set if output_mode is 'tf_idf'.")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(f"{cls}: `idf_weights` should only be set if output_mode is "
                             f"'tf_idf'. Received: output_mode={self.output_mode} and "
                             f"idf_weights={idf_weights}")
        if isinstance(vocabulary, str):
            if serialization_lib.in_safe_mode():
                raise ValueError(f"{cls}: refusing to read the vocabulary file '{vocabulary}' "
                                 "named by a loaded config in safe mode (it could be any "
                                 "file); pass safe_mode=False to load it.")
            if not os.path.exists(vocabulary):
                raise ValueError(f"Vocabulary file {vocabulary} does not exist.")
            if self.output_mode == "tf_idf":
                raise ValueError("output_mode `'tf_idf'` does not support loading a "
                                 "vocabulary from file.")
            with open(vocabulary, "rb") as f:
                lines = f.read().decode("utf-8").split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            vocabulary = [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
        vocab = [self._to_token(v) for v in _listify(vocabulary)]
        if not vocab:
            raise ValueError(f"Cannot set an empty vocabulary. Received: "
                             f"vocabulary={vocabulary}")
        token_start = self._token_start_index()
        special = [self.mask_token] * self._oov_start_index() + \
            [self.oov_token] * self.num_oov_indices
        found_special = vocab[:token_start] == special
        tokens = vocab[token_start:] if found_special else vocab
        repeated = [t for t, c in collections.Counter(tokens).items() if c > 1]
        if repeated:
            raise ValueError("The passed vocabulary has at least one repeated term. Please "
                             f"uniquify your dataset. The repeated terms are: {repeated}")
        if self.mask_token is not None and self.mask_token in tokens:
            raise ValueError(f"Found reserved mask token at unexpected location in "
                             f"`vocabulary`: include the special tokens only at the start, in "
                             f"this order: {special}. Received: mask_token={self.mask_token!r}"
                             f" at vocabulary index {vocab.index(self.mask_token)}")
        if self.oov_token is not None and self.invert and self.oov_token in tokens:
            raise ValueError(f"Found reserved OOV token at unexpected location in "
                             f"`vocabulary`: include the special tokens only at the start, in "
                             f"this order: {special}. Received: oov_token={self.oov_token!r}")
        size = token_start + len(tokens)
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError("Attempted to set a vocabulary larger than the maximum vocab "
                             f"size. Received vocabulary size is {size}; `max_tokens` is "
                             f"{self.max_tokens}.")
        idf = None
        if self.output_mode == "tf_idf":
            weights = np.asarray(_listify(idf_weights), np.float64)
            if weights.ndim != 1:
                raise ValueError(f"TF-IDF data must be a 1-index array. Received: "
                                 f"idf_weights of shape {weights.shape}")
            if len(weights) != len(vocab):
                raise ValueError(f"`idf_weights` must be the same length as vocabulary. "
                                 f"len(idf_weights) is {len(weights)}; len(vocabulary) is "
                                 f"{len(vocab)}")
            front = 0 if found_special else token_start
            back = self.max_tokens - front - len(weights) if self.pad_to_max_tokens else 0
            idf = np.pad(weights, (front, back), constant_values=(
                0 if found_special else np.average(weights), 0))
        self._nd_set_tokens(tokens, idf)

    def _nd_set_tokens(self, tokens, idf=None):
        size = self._token_start_index() + len(tokens)
        if self.output_mode != "int" and not self.pad_to_max_tokens and \
                self._nd_frozen_vocab_size is not None and self.built and \
                self._nd_frozen_vocab_size != size and self._nd_called:
            raise RuntimeError(f"When using `output_mode={self.output_mode}` and "
                               "`pad_to_max_tokens=False`, the vocabulary size cannot be "
                               "changed after the layer is called. Old vocab size is "
                               f"{self._nd_frozen_vocab_size}, new vocab size is {size}")
        self._nd_tokens = list(tokens)
        self._nd_table = self._make_table(self._nd_tokens)
        if idf is not None:
            self._nd_idf = np.asarray(idf, np.float32)
        self._nd_frozen_vocab_size = size

    _nd_called = False

    def _make_table(self, tokens):
        start = self._token_start_index()
        ids = np.arange(start, start + len(tokens), dtype=np.int64)
        key_np = object if self.vocabulary_dtype == "string" else np.int64
        words = np.empty(len(tokens), key_np)
        words[:] = [t.encode("utf-8") for t in tokens] if key_np is object else tokens
        if self.invert:
            init = lookup_ops.KeyValueTensorInitializer(ids, words, dtypes.int64,
                                                        self._nd_key_dtype)
            default = self.oov_token.encode("utf-8") if isinstance(self.oov_token, str) \
                else self.oov_token
        else:
            init = lookup_ops.KeyValueTensorInitializer(words, ids, self._nd_key_dtype,
                                                        dtypes.int64)
            default = self._default_value()
        return lookup_ops.StaticHashTable(init, default, name=f"{self.name}_table")

    @property
    def lookup_table(self):
        if self._nd_table is None:
            self._nd_table = self._make_table([])
        return self._nd_table

    @property
    def idf_weights(self):
        return self._nd_idf

    # --- adapt -------------------------------------------------------------------------
    def _nd_reset_counts(self):
        self._nd_counts = collections.Counter()
        self._nd_doc_counts = collections.Counter()
        self._nd_num_documents = 0

    def reset_state(self):
        if not self._nd_has_input_vocabulary:
            self._nd_reset_counts()

    def _rows(self, data):
        """A batch as a list of rows (each a list of Python tokens)."""
        arr = encoding.to_numpy(data)
        if isinstance(arr, list):
            return [self._py_tokens(r) for r in arr]
        if arr.ndim == 0:
            arr = arr.reshape(1, 1)
        elif arr.ndim == 1:
            arr = arr.reshape(1, -1)  # one document
        arr = arr.reshape(arr.shape[0], -1)
        return [self._py_tokens(r) for r in arr]

    def _py_tokens(self, row):
        row = np.asarray(row).reshape(-1)
        if self.vocabulary_dtype == "string":
            if row.dtype.kind not in "USO":
                raise ValueError(f"{type(self).__name__} {self.name}: adapt data must be "
                                 f"strings; got {row.dtype} values.")
            return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in row]
        if row.dtype.kind not in "iu":
            raise ValueError(f"{type(self).__name__} {self.name}: adapt data must be "
                             f"integers; got {row.dtype} values.")
        return [int(v) for v in row]

    def update_state(self, data):
        if self._nd_has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static "
                             "vocabulary via `vocabulary` argument or `set_vocabulary()` "
                             "method.")
        for row in self._rows(data):
            self._nd_counts.update(row)
            if self.output_mode == "tf_idf":
                self._nd_doc_counts.update(set(row))
                self._nd_num_documents += 1

    def finalize_state(self):
        if self._nd_has_input_vocabulary or not self._nd_counts:
            return
        counts = dict(self._nd_counts)
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                counts.pop(special, None)
        key = (lambda t: (counts[t], t.encode("utf-8"))) if self.vocabulary_dtype == \
            "string" else (lambda t: (counts[t], t))
        tokens = sorted(counts, key=key, reverse=True)
        if self.max_tokens:
            tokens = tokens[:self.max_tokens - self._token_start_index()]
        idf = None
        if self.output_mode == "tf_idf":
            n = self._nd_num_documents
            weights = np.array([math.log(1 + n / (1 + self._nd_doc_counts[t]))
                                for t in tokens], np.float32)
            mean = float(np.mean(weights)) if len(weights) else 0.0
            idf = np.pad(weights, (self._token_start_index(), 0), constant_values=mean)
            if self.pad_to_max_tokens and self.max_tokens is not None:
                idf = np.pad(idf, (0, self.max_tokens - len(idf)))
        self._nd_frozen_vocab_size = None
        self._nd_set_tokens(tokens, idf)
        self._nd_reset_counts()

    def adapt(self, data, steps=None):
        """Computes the vocabulary (and tf_idf weights) from `data`: an array, list or
        tensor of terms, a tf.data Dataset of batches, or any iterable of batches."""
        self.reset_state()
        source, whole = encoding.batches(data, steps)
        for batch in source:
            if whole:
                arr = encoding.to_numpy(batch) if encoding.is_tensor(batch) else \
                    np.asarray(batch, dtype=object if self.vocabulary_dtype == "string"
                               else None)
                if not isinstance(arr, list) and arr.ndim == 1:
                    arr = arr.reshape(-1, 1)
                batch = arr
            self.update_state(batch)
        self.finalize_state()

    # --- call --------------------------------------------------------------------------
    def _as_input(self, inputs):
        if isinstance(inputs, (TensorLike, SparseTensor)) or hasattr(inputs, "flat_values"):
            return inputs
        if self.invert or self.vocabulary_dtype != "string":
            return array_ops.convert_to_tensor(np.asarray(inputs), dtype=dtypes.int64) \
                if np.asarray(inputs).dtype.kind in "iu" else array_ops.convert_to_tensor(
                    inputs)
        return string_ops.string_input(inputs, "inputs", type(self).__name__)

    def _nd_encode_token(self, token):
        if isinstance(token, str):
            return np.asarray(token.encode("utf-8"), dtype=object)
        return np.int64(token)

    def _lookup_dense(self, x):
        table = self.lookup_table
        key_dtype = dtypes.int64 if self.invert else self._nd_key_dtype
        if x.dtype != key_dtype:
            if key_dtype.is_integer and x.dtype.is_integer:
                x = math_ops.cast(x, key_dtype)
            else:
                raise TypeError(f"{type(self).__name__} {self.name}: inputs must have dtype "
                                f"{key_dtype.name}; got {x.dtype.name}.")
        ids = table.lookup(x)
        if self.mask_token is not None:
            if self.invert:
                mask_key, mask_value = np.int64(0), self._nd_encode_token(self.mask_token)
            else:
                mask_key = self._nd_encode_token(self.mask_token)
                mask_value = np.int64(0 if self.output_mode == "int" else _INT64_MAX)
            ids = array_ops.where(math_ops.equal(x, mask_key), mask_value, ids)
        if self.invert:
            return ids
        if self.num_oov_indices == 0:
            found = math_ops.reduce_all(math_ops.not_equal(ids, np.int64(-1)))
            message = (f"{type(self).__name__} {self.name}: when `num_oov_indices=0` all "
                       "inputs should be in vocabulary; found OOV values, consider setting "
                       "`num_oov_indices=1`.")
            if isinstance(found, EagerTensor):
                if not bool(found.numpy()):
                    raise InvalidArgumentError(message)
            else:
                from ....framework.ordering import control_dependencies
                with control_dependencies([check_ops.Assert(found, [message])]):
                    ids = array_ops.identity(ids)
        elif self.num_oov_indices > 1:
            n = self.num_oov_indices
            if key_dtype.is_integer and self.oov_method != "farmhash":
                oov = math_ops.floormod(x, np.int64(n))
            else:
                text = x if key_dtype == dtypes.string else string_ops.as_string(x)
                oov = string_ops.to_hash_bucket_strong(text, n, self.salt) \
                    if self.salt is not None else string_ops.to_hash_bucket_fast(text, n)
            oov = oov + np.int64(self._oov_start_index())
            ids = array_ops.where(math_ops.equal(ids, np.int64(-1)), oov, ids)
        return ids

    def call(self, inputs):
        x = self._as_input(inputs)
        scalar = not isinstance(x, SparseTensor) and not hasattr(x, "flat_values") and \
            x.shape.rank == 0
        if scalar:
            x = array_ops.expand_dims(x, -1)
        lookups = lookup_ops._map_values(x, self._lookup_dense)
        if self.output_mode == "int":
            return array_ops.squeeze(lookups, [-1]) if scalar else lookups
        depth = self.max_tokens if self.pad_to_max_tokens else self._nd_frozen_vocab_size
        if depth is None:
            raise RuntimeError(f"When using `output_mode={self.output_mode}` and "
                               "`pad_to_max_tokens=False`, you must set the layer's "
                               "vocabulary before calling it. Either pass a `vocabulary` "
                               "argument to the layer, or call `adapt` with some sample data.")
        self._nd_called = True
        if isinstance(lookups, SparseTensor):  # encoded through its dense form
            from ....ops import sparse_ops
            lookups = sparse_ops.to_dense(lookups, default_value=np.int64(_INT64_MAX))
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        out = encoding.encode(lookups, mode, depth, self.compute_dtype, sparse=False)
        if self.output_mode == "tf_idf":
            idf = self._nd_idf
            if idf is None:
                if isinstance(out, EagerTensor):
                    raise ValueError("When `output_mode` is `'tf_idf'`, `idf_weights` must "
                                     "be provided.")
                idf = np.zeros(depth)  # tracing shapes (e.g. loading) before the weights
            out = out * idf.astype(dtypes.as_dtype(self.compute_dtype)._np)
        if self.sparse:
            from ....ops import sparse_ops
            return sparse_ops.from_dense(out)
        return out

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        depth = self.max_tokens if self.pad_to_max_tokens else self._nd_frozen_vocab_size
        return encoding.output_shape(input_shape, "count" if self.output_mode == "tf_idf"
                                     else self.output_mode, depth)

    # --- saving (Keras 3's layout) -------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update({
            "invert": self.invert, "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
            "mask_token": self.mask_token, "output_mode": self.output_mode,
            "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": self.vocabulary_dtype,
            "idf_weights": _listify(self._nd_input_idf_weights),
            "vocabulary": _listify(self._nd_input_vocabulary),
            "vocabulary_size": self._nd_frozen_vocab_size,
            "oov_method": self.oov_method, "salt": self.salt,
        })
        return config

    def get_build_config(self):
        return {}

    def build_from_config(self, config):
        self.built = True

    def save_own_variables(self, store):
        if self.output_mode == "tf_idf":
            store["idf_weights"] = np.asarray(self._nd_idf, np.float32)

    def load_own_variables(self, store):
        if self.output_mode == "tf_idf":
            self._nd_idf = np.asarray(store["idf_weights"], np.float32)

    def save_assets(self, dir_path):
        if self._nd_input_vocabulary is not None:
            return  # saved in the config
        text = "\n".join(str(w) for w in self.get_vocabulary(include_special_tokens=True))
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as f:
            f.write(text)

    def load_assets(self, dir_path):
        if self._nd_input_vocabulary is not None:
            return
        path = os.path.join(dir_path, "vocabulary.txt")
        with open(path, "rb") as f:
            lines = f.read().decode("utf-8").splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        values = lines if self.vocabulary_dtype == "string" else [int(v) for v in lines]
        if not values:
            return
        token_start = self._token_start_index()
        special = self.get_vocabulary()[:token_start]
        tokens = values[token_start:] if values[:token_start] == special else values
        idf = self._nd_idf if self.output_mode == "tf_idf" else None
        self._nd_frozen_vocab_size = None
        self._nd_set_tokens(tokens, idf)


class StringLookup(IndexLookup):
    """Maps strings to integer indices from a vocabulary (or back, with `invert=True`).

    Args:
      max_tokens: the most terms, mask and OOV indices included (None: no limit).
      num_oov_indices: how many indices out-of-vocabulary terms share (hashed).
      mask_token: a term mapped to index 0 (and dropped by the other output modes).
      oov_token: the term returned for unknown indices when `invert=True`.
      vocabulary: a list/array of terms, or a text file path with one term a line.
      idf_weights: the inverse document frequencies for output_mode="tf_idf".
      invert: map indices back to terms.
      output_mode: "int", "one_hot", "multi_hot", "count" or "tf_idf".
      pad_to_max_tokens: for the non-int modes, output `max_tokens` columns.
      sparse: return a SparseTensor for the non-int modes.
      encoding: the text encoding of the terms ("utf-8").
      salt: hash OOV terms with SipHash under this key instead of FarmHash.
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]",
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 pad_to_max_tokens=False, sparse=False, encoding="utf-8", name=None,
                 salt=None, **kwargs):
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         salt=salt, vocabulary_dtype="string", **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["vocabulary_dtype"]
        config["encoding"] = self.encoding
        return config


class IntegerLookup(IndexLookup):
    """Maps integers to contiguous indices from a vocabulary (or back, `invert=True`).

    Args as StringLookup, with integer `mask_token` / `oov_token` (default -1) and
    `oov_method` ("floormod": OOV index `value % num_oov_indices`; "farmhash").
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                 vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", salt=None, name=None, **kwargs):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError("If `max_tokens` is set for `IntegerLookup`, it must be greater "
                             f"than 1. Received: max_tokens={max_tokens}")
        if vocabulary_dtype != "int64":
            raise ValueError("Only `vocabulary_dtype='int64'` is supported at this time. "
                             f"Received: vocabulary_dtype={vocabulary_dtype}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         vocabulary_dtype=vocabulary_dtype, idf_weights=idf_weights,
                         invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method,
                         salt=salt, name=name, **kwargs)

    def get_config(self):
        config = super().get_config()
        for k in ("oov_token", "mask_token"):
            if config[k] is not None:
                config[k] = int(config[k])
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
