"""tf.strings: operations on string tensors (object arrays of UTF-8 bytes).

The elementwise ops live in ndflow.ops.string_ops; here they also accept RaggedTensors
(applied to the flat values), and the ops whose results are ragged (split, bytes_split,
unicode_decode, unicode_split, ngrams) return RaggedTensors, dense for scalar input as in
TensorFlow.
"""
import functools

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute
from ..ops import array_ops, string_ops as S
from ..ragged.ragged_tensor import RaggedTensor
from ..util.export import export_many


def _ragged_aware(fn):
    """fn applied to the flat values when its first argument is a RaggedTensor."""
    @functools.wraps(fn)
    def wrapper(input, *args, **kwargs):  # noqa: A002
        if isinstance(input, RaggedTensor):
            return input.with_flat_values(fn(input.flat_values, *args, **kwargs))
        return fn(input, *args, **kwargs)
    return wrapper


length = _ragged_aware(S.length)
lower = _ragged_aware(S.lower)
upper = _ragged_aware(S.upper)
strip = _ragged_aware(S.strip)
regex_full_match = _ragged_aware(S.regex_full_match)
regex_replace = _ragged_aware(S.regex_replace)
to_number = _ragged_aware(S.to_number)
as_string = _ragged_aware(S.as_string)
to_hash_bucket_fast = _ragged_aware(S.to_hash_bucket_fast)
to_hash_bucket_strong = _ragged_aware(S.to_hash_bucket_strong)
to_hash_bucket = _ragged_aware(S.to_hash_bucket)
substr = S.substr
join = S.join
format = S.format  # noqa: A001 - TensorFlow's name


def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None):
    """tf.strings.reduce_join: strings joined along `axis` (None: all), ragged rows too."""
    if isinstance(inputs, RaggedTensor):
        if axis is None:
            return S.reduce_join(inputs.flat_values, None, keepdims, separator)
        if axis in (1, -1) and inputs.ragged_rank == 1 and inputs.shape.rank == 2:
            return _join_rows(inputs, separator)
        raise NotImplementedError("tf.strings.reduce_join of a RaggedTensor: axis None or the "
                                  "last axis of a 2-D ragged tensor.")
    return S.reduce_join(inputs, axis, keepdims, separator, name)


def _join_rows(rt, separator):
    values, splits = rt.flat_values, rt.row_splits
    grams, _ = execute(S.STRING_NGRAMS, (values, splits), {  # width -1: each whole row
        "separator": S._bytes(separator, "separator"), "widths": (-1,), "left_pad": b"",
        "right_pad": b"", "pad_width": 0, "preserve_short": False})
    return grams


def _from_parts(values, splits, input_shape):
    """The ragged result of a per-string op, shaped like TensorFlow's: a dense vector for a
    scalar input, [d0, ..., (ragged)] for an input of rank >= 1 (the outer dims of a rank > 1
    input become row partitions of uniform length)."""
    if input_shape.rank == 0:
        return values
    rt = RaggedTensor.from_row_splits(values, splits, validate=False)
    for d in reversed(input_shape.as_list()[1:]):
        rt = RaggedTensor.from_uniform_row_length(rt, d, validate=False)
    return rt


def _input_shape(x):
    shape = x.shape
    if shape.rank is None or (shape.rank > 1 and not shape[1:].is_fully_defined()):
        raise ValueError(f"tf.strings: the input's rank (and dims after the first) must be "
                         f"known statically; got shape {shape}.")
    return shape


def split(input, sep=None, maxsplit=-1, name=None):  # noqa: A002
    """tf.strings.split: each string split at `sep` (None: runs of whitespace).

    Returns:
      A RaggedTensor (one row per string; a dense vector for a scalar input).
    """
    if isinstance(input, RaggedTensor):
        return input.with_flat_values(split(input.flat_values, sep, maxsplit))
    x = S.string_input(input, "input", "tf.strings.split")
    shape = _input_shape(x)
    sep_b = None if sep is None else S._bytes(sep, "sep")
    values, splits = execute(S.STRING_SPLIT, (x,), {"sep": sep_b, "maxsplit": int(maxsplit)},
                             name)
    return _from_parts(values, splits, shape)


def bytes_split(input, name=None):  # noqa: A002
    """tf.strings.bytes_split: each string split into single bytes."""
    if isinstance(input, RaggedTensor):
        return input.with_flat_values(bytes_split(input.flat_values))
    x = S.string_input(input, "input", "tf.strings.bytes_split")
    shape = _input_shape(x)
    values, splits = execute(S.STRING_BYTES_SPLIT, (x,), {}, name)
    return _from_parts(values, splits, shape)


def unicode_decode_with_offsets(input, input_encoding, errors="replace",  # noqa: A002
                                replacement_char=65533, replace_control_characters=False,
                                name=None):
    """tf.strings.unicode_decode_with_offsets: code points and the byte offset of each."""
    if isinstance(input, RaggedTensor):
        chars, offsets = unicode_decode_with_offsets(
            input.flat_values, input_encoding, errors, replacement_char,
            replace_control_characters)
        return input.with_flat_values(chars), input.with_flat_values(offsets)
    x = S.string_input(input, "input", "tf.strings.unicode_decode")
    shape = _input_shape(x)
    attrs = S._decode_attrs(input_encoding, errors, replacement_char,
                            replace_control_characters, "tf.strings.unicode_decode")
    values, splits, offsets = execute(S.UNICODE_DECODE, (x,), attrs, name)
    return _from_parts(values, splits, shape), _from_parts(offsets, splits, shape)


def unicode_decode(input, input_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                   replace_control_characters=False, name=None):
    """tf.strings.unicode_decode: each string as its int32 Unicode code points.

    Args:
      input: a string tensor (or RaggedTensor).
      input_encoding: "UTF-8", "UTF-16-BE", "UTF-32-BE" (also -LE, US-ASCII, ISO-8859-1).
      errors: "replace" (each bad sequence becomes replacement_char), "ignore" or "strict"
        (InvalidArgumentError).
      replace_control_characters: also replace C0 control characters.

    Returns:
      A RaggedTensor of code points (a dense vector for a scalar input).
    """
    return unicode_decode_with_offsets(input, input_encoding, errors, replacement_char,
                                       replace_control_characters, name)[0]


def unicode_split(input, input_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                  name=None):
    """tf.strings.unicode_split: each string split into its characters (as strings)."""
    chars = unicode_decode(input, input_encoding, errors, replacement_char)
    enc = S.python_encoding(input_encoding, "input_encoding", "tf.strings.unicode_split")
    one = chars.flat_values if isinstance(chars, RaggedTensor) else chars
    single = RaggedTensor.from_row_lengths(one, array_ops.ones_like(one, dtypes.int64),
                                           validate=False)
    encoded = execute(S.UNICODE_ENCODE, (single.values, single.row_splits), {
        "encoding": enc, "errors": errors,
        "replacement_char": int(replacement_char)})
    if isinstance(chars, RaggedTensor):
        return chars.with_flat_values(encoded)
    return encoded


def unicode_split_with_offsets(input, input_encoding, errors="replace",  # noqa: A002
                               replacement_char=65533, name=None):
    """Splits each string into its characters, with the byte offset where each one starts.

    Args:
      input: A string tensor of any shape.
      input_encoding: The strings' encoding: "UTF-8", "UTF-16-BE" or "UTF-32-BE".
      errors: How invalid input is handled: "replace" (with `replacement_char`), "ignore" or
        "strict" (an error).
      replacement_char: The code point used by "replace" (default U+FFFD).
      name: A name for the operation (optional).

    Returns:
      A pair `(chars, offsets)` of ragged tensors with one more (ragged) dimension than `input`:
      the characters as strings and their start offsets in bytes (`int64`).
    """
    _, offsets = unicode_decode_with_offsets(input, input_encoding, errors, replacement_char)
    return unicode_split(input, input_encoding, errors, replacement_char), offsets


def unicode_encode(input, output_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                   name=None):
    """tf.strings.unicode_encode: rows of int32 code points encoded as strings.

    Args:
      input: int32 code points: a RaggedTensor or a dense tensor (its last dimension holds
        one string's characters).
      output_encoding: "UTF-8", "UTF-16-BE" or "UTF-32-BE".
      errors: how invalid code points are handled: "replace", "ignore" or "strict".

    Returns:
      A string tensor with one dimension less than `input`.
    """
    if errors not in ("strict", "replace", "ignore"):
        raise ValueError(f"tf.strings.unicode_encode: errors must be 'strict', 'replace' or "
                         f"'ignore', got {errors!r}.")
    enc = S.python_encoding(output_encoding, "output_encoding", "tf.strings.unicode_encode")
    if output_encoding.upper() not in ("UTF-8", "UTF-16-BE", "UTF-32-BE"):
        raise InvalidArgumentError(f"tf.strings.unicode_encode: output_encoding must be UTF-8, "
                                   f"UTF-16-BE or UTF-32-BE, got {output_encoding!r}.")
    attrs = {"encoding": enc, "errors": errors, "replacement_char": int(replacement_char)}
    if isinstance(input, RaggedTensor):
        if isinstance(input.values, RaggedTensor):
            return input.with_values(unicode_encode(input.values, output_encoding, errors,
                                                    replacement_char))
        _check_codepoints(input.values)
        return execute(S.UNICODE_ENCODE, (input.values, input.row_splits), attrs, name)
    x = convert_to_tensor(input)
    _check_codepoints(x)
    if x.shape.rank == 1:
        return unicode_encode(RaggedTensor.from_tensor(array_ops.reshape(x, [1, -1])),
                              output_encoding, errors, replacement_char)[0]
    if x.shape.rank == 2:
        return unicode_encode(RaggedTensor.from_tensor(x), output_encoding, errors,
                              replacement_char)
    raise NotImplementedError("tf.strings.unicode_encode: dense input of rank 1 or 2.")


def _check_codepoints(t):
    if not t.dtype.is_integer:
        raise TypeError(f"tf.strings.unicode_encode: input must hold int32 code points, got "
                        f"{t.dtype.name}.")


def unicode_transcode(input, input_encoding, output_encoding, errors="replace",  # noqa: A002
                      replacement_char=65533, replace_control_characters=False, name=None):
    """tf.strings.unicode_transcode: strings re-encoded from one encoding to another."""
    if isinstance(input, RaggedTensor):
        return input.with_flat_values(unicode_transcode(
            input.flat_values, input_encoding, output_encoding, errors, replacement_char,
            replace_control_characters))
    x = S.string_input(input, "input", "tf.strings.unicode_transcode")
    attrs = S._decode_attrs(input_encoding, errors, replacement_char,
                            replace_control_characters, "tf.strings.unicode_transcode")
    attrs["output_encoding"] = S.python_encoding(output_encoding, "output_encoding",
                                                 "tf.strings.unicode_transcode")
    return execute(S.UNICODE_TRANSCODE, (x,), attrs, name)


def ngrams(data, ngram_width, separator=" ", pad_values=None, padding_width=None,
           preserve_short_sequences=False, name=None):
    """tf.strings.ngrams: the n-grams of the last (innermost) dimension of `data`.

    Args:
      data: a string tensor or RaggedTensor; n-grams are made along its last dimension.
      ngram_width: an int or a list of ints (n-grams of each width, in that order).
      separator: the string put between the words of an n-gram.
      pad_values: None, a string padding both ends, or a (left, right) pair.
      padding_width: how many pad values at each end (default ngram_width - 1).
      preserve_short_sequences: a row shorter than the width gives one n-gram of it all.

    Returns:
      A RaggedTensor (or a dense tensor for dense input of rank 1 or with uniform rows).
    """
    widths = (int(ngram_width),) if isinstance(ngram_width, int) else \
        tuple(int(w) for w in ngram_width)
    if not widths or any(w < 1 for w in widths):
        raise InvalidArgumentError(f"tf.strings.ngrams: ngram_width must be >= 1, got "
                                   f"{ngram_width!r}.")
    if pad_values is None:
        left = right = b""
        pad_width = 0
    else:
        if isinstance(pad_values, (list, tuple)):
            if len(pad_values) != 2:
                raise ValueError("tf.strings.ngrams: pad_values must be a string or a pair.")
            left, right = (S._bytes(v, "pad_values") for v in pad_values)
        else:
            left = right = S._bytes(pad_values, "pad_values")
        pad_width = -1 if padding_width is None else int(padding_width)
        if padding_width is not None and pad_width < 1:
            raise ValueError(f"tf.strings.ngrams: padding_width must be > 0, got "
                             f"{padding_width}.")
    attrs = {"separator": S._bytes(separator, "separator"), "widths": widths, "left_pad": left,
             "right_pad": right, "pad_width": pad_width,
             "preserve_short": bool(preserve_short_sequences)}
    if isinstance(data, RaggedTensor):
        if isinstance(data.values, RaggedTensor):
            return data.with_values(ngrams(data.values, ngram_width, separator, pad_values,
                                           padding_width, preserve_short_sequences))
        S.string_input(data.values, "data", "tf.strings.ngrams")
        values, splits = execute(S.STRING_NGRAMS, (data.values, data.row_splits), attrs, name)
        return RaggedTensor.from_row_splits(values, splits, validate=False)
    x = S.string_input(data, "data", "tf.strings.ngrams")
    if x.shape.rank == 1:
        return ngrams(RaggedTensor.from_tensor(array_ops.reshape(x, [1, -1])), ngram_width,
                      separator, pad_values, padding_width, preserve_short_sequences).values
    if x.shape.rank == 2:
        out = ngrams(RaggedTensor.from_tensor(x), ngram_width, separator, pad_values,
                     padding_width, preserve_short_sequences)
        return out.to_tensor()
    raise NotImplementedError("tf.strings.ngrams: dense data of rank 1 or 2 (or ragged).")


_NAMES = {
    "length": length, "lower": lower, "upper": upper, "strip": strip, "split": split,
    "join": join, "reduce_join": reduce_join, "regex_full_match": regex_full_match,
    "regex_replace": regex_replace, "substr": substr, "to_number": to_number,
    "as_string": as_string, "format": format, "bytes_split": bytes_split,
    "unicode_decode": unicode_decode, "unicode_decode_with_offsets": unicode_decode_with_offsets,
    "unicode_encode": unicode_encode, "unicode_split": unicode_split,
    "unicode_split_with_offsets": unicode_split_with_offsets,
    "unicode_transcode": unicode_transcode, "to_hash_bucket_fast": to_hash_bucket_fast,
    "to_hash_bucket_strong": to_hash_bucket_strong, "to_hash_bucket": to_hash_bucket,
    "ngrams": ngrams,
}
export_many("strings", _NAMES)
