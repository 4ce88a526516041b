"""keras.utils.pad_sequences: a list of variable-length sequences as one padded array."""
import numpy as np


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):
    """Pads (and truncates) sequences to a common length.

    Args:
      sequences: A list of sequences (lists or arrays; items may be scalars or arrays of a
        common shape).
      maxlen: The length of the result; default the longest sequence's length.
      dtype: The result's dtype (use `object` for variable-length strings).
      padding: "pre" or "post": pad before or after each sequence.
      truncating: "pre" or "post": drop values from the start or the end of sequences
        longer than `maxlen`.
      value: The padding value.

    Returns:
      A NumPy array of shape `(len(sequences), maxlen) + item_shape`.

    Raises:
      ValueError: If `sequences` holds a non-sequence, items of different shapes, or
        `padding`/`truncating` is unknown, or `value` is a string for a non-string dtype.
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    lengths, item_shape = [], None
    for index, seq in enumerate(sequences):
        if not hasattr(seq, "__len__"):
            raise ValueError(f"`sequences` must be a list of iterables. Found non-iterable "
                             f"{seq!r} at position {index}")
        lengths.append(len(seq))
        if item_shape is None and len(seq):
            item_shape = np.asarray(seq).shape[1:]
    item_shape = item_shape or ()
    if padding not in ("pre", "post"):
        raise ValueError(f'Padding type "{padding}" not understood (expected "pre" or "post")')
    if truncating not in ("pre", "post"):
        raise ValueError(f'Truncating type "{truncating}" not understood (expected "pre" or '
                         f'"post")')
    is_text = np.issubdtype(np.dtype(dtype), np.str_) or np.dtype(dtype) == object
    if isinstance(value, str) and not is_text:
        raise ValueError(f"`dtype` {dtype} is not compatible with `value`'s type "
                         f"{type(value).__name__}; use dtype=object for variable-length "
                         f"strings.")
    maxlen = max(lengths, default=0) if maxlen is None else int(maxlen)
    out = np.full((len(lengths), maxlen) + tuple(item_shape), value, dtype=dtype)
    for index, seq in enumerate(sequences):
        if not len(seq) or maxlen == 0:
            continue
        kept = np.asarray(seq[-maxlen:] if truncating == "pre" else seq[:maxlen], dtype=dtype)
        if kept.shape[1:] != tuple(item_shape):
            raise ValueError(f"Shape of sample {kept.shape[1:]} of sequence at position "
                             f"{index} is different from expected shape {tuple(item_shape)}")
        if padding == "post":
            out[index, :len(kept)] = kept
        else:
            out[index, maxlen - len(kept):] = kept
    return out
