"""String ops: kernels on tf.string values (object arrays of bytes), run on the host.

Each op is a host primitive (TensorFlow pins string kernels to the CPU) without gradients.
Ops whose result is ragged (split, unicode_decode, ngrams) return flat values and int64 row
splits; `ndflow.strings` wraps those in a RaggedTensor (ops sit below ndflow.ragged).
Regular expressions use Python's `re` on bytes in place of RE2: the common syntax is shared,
RE2's `\\0` in a rewrite (the whole match) is translated, and RE2-only constructs (`\\C`,
`\\pN` classes...) are not accepted.
"""
import codecs
import re
import threading

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.shape_fns import broadcast_shape, normalize_axes
from ..framework.tensor import TensorLike
from ..framework.tensor_shape import TensorShape
from . import farmhash
from .array_ops import convert_to_tensor

_NO = {}
_RAGGED = TensorShape([None])


# --- helpers ----------------------------------------------------------------------------------

def _map(xp, fn, x, dtype=object):
    """fn applied to every element of the object array `x`: an array of `dtype`."""
    out = xp.empty(x.shape, dtype=dtype)
    flat = out.reshape(-1)
    for i, v in enumerate(x.reshape(-1)):
        flat[i] = fn(v)
    return out


def _bytes(value, what):
    if isinstance(value, TensorLike):
        value = value.numpy()
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    raise TypeError(f"{what} must be a string, got {value!r}.")


def string_input(value, arg, op_name):
    """`value` as a tf.string tensor; a tensor of another dtype raises InvalidArgumentError
    and a Python value that is not text a TypeError, both naming `arg` of `op_name`."""
    if isinstance(value, TensorLike):
        t = convert_to_tensor(value)
        if t.dtype != dtypes.string:
            raise InvalidArgumentError(
                f"{op_name}: argument '{arg}' must be a string tensor, but got a "
                f"{t.dtype.name} tensor of shape {t.shape}.")
        return t
    try:
        return convert_to_tensor(value, dtypes.string)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{op_name}: argument '{arg}' must be a string tensor or text "
                        f"(str/bytes); got {value!r} ({e}).") from None


def _same_shape_as(dtype):
    return lambda ts, a: [(ts[0].shape, dtype)]


def _check_unit(unit, op_name):
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"{op_name}: unit must be 'BYTE' or 'UTF8_CHAR', got {unit!r}.")


# --- elementwise ------------------------------------------------------------------------------

@op("StringLength", host=True, differentiable=False, infer=_same_shape_as(dtypes.int32))
def STRING_LENGTH(xp, x, unit):
    if unit == "BYTE":
        return _map(xp, len, x, xp.int32)
    return _map(xp, lambda s: len(s.decode("utf-8", "replace")), x, xp.int32)


def length(input, unit="BYTE", name=None):  # noqa: A002 - TensorFlow's name
    """tf.strings.length: the length of each string, in bytes or UTF-8 characters.

    Args:
      input: a string tensor.
      unit: "BYTE" (default) or "UTF8_CHAR" (each character counted once).

    Returns:
      An int32 tensor of `input`'s shape.
    """
    _check_unit(unit, "tf.strings.length")
    x = string_input(input, "input", "tf.strings.length")
    return execute(STRING_LENGTH, (x,), {"unit": unit}, name)


def _case_kernel(ascii_fn, unicode_fn):
    def kernel(xp, x, encoding):
        if encoding:
            return _map(xp, lambda s: unicode_fn(s.decode(encoding)).encode(encoding), x)
        return _map(xp, ascii_fn, x)
    return kernel


STRING_LOWER = op("StringLower", host=True, differentiable=False, infer=_same_shape_as(
    dtypes.string))(_case_kernel(bytes.lower, str.lower))
STRING_UPPER = op("StringUpper", host=True, differentiable=False, infer=_same_shape_as(
    dtypes.string))(_case_kernel(bytes.upper, str.upper))


def lower(input, encoding="", name=None):  # noqa: A002
    """tf.strings.lower: ASCII letters lowercased (all letters with encoding="utf-8")."""
    x = string_input(input, "input", "tf.strings.lower")
    return execute(STRING_LOWER, (x,), {"encoding": encoding.lower() or ""}, name)


def upper(input, encoding="", name=None):  # noqa: A002
    """tf.strings.upper: ASCII letters uppercased (all letters with encoding="utf-8")."""
    x = string_input(input, "input", "tf.strings.upper")
    return execute(STRING_UPPER, (x,), {"encoding": encoding.lower() or ""}, name)


@op("StringStrip", host=True, differentiable=False, infer=_same_shape_as(dtypes.string))
def STRING_STRIP(xp, x):
    return _map(xp, bytes.strip, x)  # bytes.strip removes ASCII whitespace, as TF does


def strip(input, name=None):  # noqa: A002
    """tf.strings.strip: leading and trailing ASCII whitespace removed."""
    return execute(STRING_STRIP, (string_input(input, "input", "tf.strings.strip"),), _NO, name)


def _join_infer(ts, attrs):
    return [(broadcast_shape([t.shape for t in ts], "StringJoin"), dtypes.string)]


@op("StringJoin", host=True, differentiable=False, infer=_join_infer)
def STRING_JOIN(xp, *inputs, separator):
    arrays = xp.broadcast_arrays(*inputs)
    out = xp.empty(arrays[0].shape, dtype=object)
    flat = out.reshape(-1)
    columns = [a.reshape(-1) for a in arrays]
    for i in range(flat.size):
        flat[i] = separator.join(c[i] for c in columns)
    return out


def join(inputs, separator="", name=None):
    """tf.strings.join: elementwise concatenation of string tensors (scalars broadcast).

    Args:
      inputs: a list of string tensors of one shape (or scalars).
      separator: the string placed between joined elements.

    Raises:
      InvalidArgumentError: an input is a tensor of another dtype (named by its position).
    """
    if isinstance(inputs, TensorLike) or not isinstance(inputs, (list, tuple)):
        inputs = [inputs]
    xs = tuple(string_input(x, f"inputs[{i}]", "tf.strings.join") for i, x in enumerate(inputs))
    return execute(STRING_JOIN, xs, {"separator": _bytes(separator, "separator")}, name)


def _reduce_join_infer(ts, attrs):
    x = ts[0]
    rank = x.shape.rank
    axes = normalize_axes(attrs["axis"], rank)
    if rank is None or axes is None:
        return [(TensorShape(None), dtypes.string)]
    dims = x.shape.as_list()
    keep = attrs["keepdims"]
    out = [1 if i in axes else d for i, d in enumerate(dims) if keep or i not in axes]
    return [(TensorShape(out), dtypes.string)]


@op("ReduceJoin", host=True, differentiable=False, infer=_reduce_join_infer)
def REDUCE_JOIN(xp, x, axis, keepdims, separator):
    axes = normalize_axes(axis, x.ndim)
    kept = [i for i in range(x.ndim) if i not in axes]
    if axis is None:  # all axes: row-major order
        order = list(axes)
    else:  # TensorFlow's order: the first axis listed varies fastest
        given = [a % max(x.ndim, 1) for a in ((axis,) if isinstance(axis, int) else axis)]
        order = list(reversed(list(dict.fromkeys(given))))
    moved = xp.transpose(x, kept + order)
    lead = moved.shape[:len(kept)]
    rows = moved.reshape(lead + (-1,))
    out = xp.empty(lead, dtype=object)
    flat = out.reshape(-1)
    for i, row in enumerate(rows.reshape(-1, rows.shape[-1])):
        flat[i] = separator.join(row)
    if keepdims:
        out = out.reshape(tuple(1 if i in axes else d for i, d in enumerate(x.shape)))
    return out


def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None):
    """tf.strings.reduce_join: strings joined along `axis` (all axes when None), in order."""
    x = string_input(inputs, "inputs", "tf.strings.reduce_join")
    if axis is not None and not isinstance(axis, int):
        axis = tuple(int(a) for a in np.asarray(axis).reshape(-1))
    rank = x.shape.rank
    if rank is not None and axis is not None:
        for a in ((axis,) if isinstance(axis, int) else axis):
            if not -max(rank, 1) <= a < max(rank, 1):
                raise InvalidArgumentError(
                    f"tf.strings.reduce_join: axis {a} is out of range for input of rank {rank}.")
    attrs = {"axis": axis, "keepdims": bool(keepdims), "separator": _bytes(separator,
                                                                             "separator")}
    return execute(REDUCE_JOIN, (x,), attrs, name)


# --- regular expressions ----------------------------------------------------------------------

def _compile(pattern, op_name):
    try:
        return re.compile(pattern)
    except re.error as e:
        raise InvalidArgumentError(f"{op_name}: invalid regular expression "
                                   f"{pattern!r}: {e}") from None


@op("RegexFullMatch", host=True, differentiable=False, infer=_same_shape_as(dtypes.bool))
def REGEX_FULL_MATCH(xp, x, pattern):
    rx = _compile(pattern, "RegexFullMatch")
    return _map(xp, lambda s: rx.fullmatch(s) is not None, x, xp.bool_)


def regex_full_match(input, pattern, name=None):  # noqa: A002
    """tf.strings.regex_full_match: whether each whole string matches `pattern`."""
    x = string_input(input, "input", "tf.strings.regex_full_match")
    return execute(REGEX_FULL_MATCH, (x,), {"pattern": _bytes(pattern, "pattern")}, name)


_RE2_GROUP = re.compile(rb"\\(\d)")


@op("RegexReplace", host=True, differentiable=False, infer=_same_shape_as(dtypes.string))
def REGEX_REPLACE(xp, x, pattern, rewrite, replace_global):
    rx = _compile(pattern, "RegexReplace")
    template = _RE2_GROUP.sub(rb"\\g<\1>", rewrite)  # RE2's \0 is Python's \g<0>
    count = 0 if replace_global else 1
    try:
        return _map(xp, lambda s: rx.sub(template, s, count=count), x)
    except (re.error, IndexError) as e:
        raise InvalidArgumentError(f"RegexReplace: invalid rewrite {rewrite!r} for pattern "
                                   f"{pattern!r}: {e}") from None


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):  # noqa: A002
    """tf.strings.regex_replace: matches of `pattern` replaced by `rewrite` (`\\1`... name
    groups, `\\0` the whole match); only the first match when `replace_global` is False."""
    x = string_input(input, "input", "tf.strings.regex_replace")
    attrs = {"pattern": _bytes(pattern, "pattern"), "rewrite": _bytes(rewrite, "rewrite"),
             "replace_global": bool(replace_global)}
    return execute(REGEX_REPLACE, (x,), attrs, name)


# --- substrings and numbers -------------------------------------------------------------------

def _substr_infer(ts, attrs):
    return [(broadcast_shape([t.shape for t in ts], "Substr"), dtypes.string)]


@op("Substr", host=True, differentiable=False, infer=_substr_infer)
def SUBSTR(xp, x, pos, length, unit):
    xs, ps, ns = xp.broadcast_arrays(x, pos, length)
    out = xp.empty(xs.shape, dtype=object)
    flat = out.reshape(-1)
    for i, (s, p, n) in enumerate(zip(xs.reshape(-1), ps.reshape(-1), ns.reshape(-1))):
        text = s if unit == "BYTE" else s.decode("utf-8", "replace")
        p, n = int(p), int(n)
        if not -len(text) <= p <= len(text):
            raise InvalidArgumentError(f"Substr: pos {p} out of range for string {s!r} at "
                                       f"index {i}")
        if p < 0:
            p += len(text)
        piece = text[p:p + max(n, 0)]
        flat[i] = piece if unit == "BYTE" else piece.encode("utf-8")
    return out


def substr(input, pos, len, unit="BYTE", name=None):  # noqa: A002 - TensorFlow's names
    """tf.strings.substr: `len` bytes (or UTF-8 characters) of each string from `pos`
    (negative: from the end). `pos` and `len` broadcast against `input`.

    Raises:
      InvalidArgumentError: a `pos` lies beyond its string's length.
    """
    _check_unit(unit, "tf.strings.substr")
    x = string_input(input, "input", "tf.strings.substr")
    pos = convert_to_tensor(pos)
    n = convert_to_tensor(len)
    for arg, t in (("pos", pos), ("len", n)):
        if not t.dtype.is_integer:
            raise InvalidArgumentError(f"tf.strings.substr: '{arg}' must be an integer tensor, "
                                       f"got {t.dtype.name}.")
    return execute(SUBSTR, (x, pos, n), {"unit": unit}, name)


def _parse_number(s, np_dtype):
    text = s.decode("utf-8", "replace").strip()
    bad = InvalidArgumentError(f"StringToNumberOp could not correctly convert string: "
                               f"{s.decode('utf-8', 'replace')}")
    if "_" in text or not text:
        raise bad
    if np_dtype.kind in "iu":
        try:
            v = int(text, 10)
        except ValueError:
            raise bad from None
        info = np.iinfo(np_dtype)
        if not info.min <= v <= info.max:
            raise bad
        return v
    try:
        if text.lstrip("+-")[:2].lower() == "0x":
            return float.fromhex(text)  # strtod reads hexadecimal floats too
        return float(text)
    except ValueError:
        raise bad from None


@op("StringToNumber", host=True, differentiable=False,
    infer=lambda ts, a: [(ts[0].shape, a["out_type"])])
def STRING_TO_NUMBER(xp, x, out_type):
    np_dtype = out_type._np
    values = _map(xp, lambda s: _parse_number(s, np_dtype), x)
    return values.astype(np_dtype)


def to_number(string_tensor, out_type=dtypes.float32, name=None):
    """tf.strings.to_number: each string parsed as a number of `out_type`.

    Raises:
      InvalidArgumentError: a string is not a number of that type (or does not fit it).
    """
    out_type = dtypes.as_dtype(out_type)
    if out_type.name not in ("float32", "float64", "int32", "int64"):
        raise TypeError(f"tf.strings.to_number: out_type must be float32, float64, int32 or "
                        f"int64, got {out_type.name}.")
    x = string_input(string_tensor, "string_tensor", "tf.strings.to_number")
    return execute(STRING_TO_NUMBER, (x,), {"out_type": out_type}, name)


@op("AsString", host=True, differentiable=False, infer=_same_shape_as(dtypes.string))
def AS_STRING(xp, x, precision, scientific, shortest, width, fill):
    kind = x.dtype.kind
    if kind == "O":
        return x.copy()
    if kind == "b":
        return _map(xp, lambda v: b"true" if v else b"false", x)
    spec = "%" + fill + (str(width) if width > -1 else "")
    if kind in "fc":
        spec += ("." + str(precision) if precision > -1 else "") + (
            "g" if shortest else "e" if scientific else "f")
    else:
        spec += "d"
    if kind == "c":
        return _map(xp, lambda v: (("(" + spec + "," + spec + ")") % (v.real, v.imag))
                    .encode(), x)
    if kind == "f":
        return _map(xp, lambda v: (spec % float(v)).encode(), x)
    return _map(xp, lambda v: (spec % int(v)).encode(), x)


def as_string(input, precision=-1, scientific=False, shortest=False, width=-1,  # noqa: A002
              fill="", name=None):
    """tf.strings.as_string: numbers and booleans formatted as strings, printf style.

    Args:
      input: a numeric, bool or string tensor.
      precision: digits after the point for floats (-1: printf's default, 6).
      scientific: use exponent notation for floats.
      shortest: use the shorter of fixed and exponent notation (printf's %g).
      width: pad each result to at least this many characters.
      fill: the padding character: "" (spaces) or "0"... one character at most.
    """
    if scientific and shortest:
        raise ValueError("tf.strings.as_string: cannot select both scientific and shortest.")
    if len(fill) > 1:
        raise ValueError(f"tf.strings.as_string: fill must be at most one character, got "
                         f"{fill!r}.")
    if fill not in ("", " ", "0", "-", "+", "#"):
        raise ValueError(f"tf.strings.as_string: fill {fill!r} is not a printf flag "
                         "(use '', ' ', '0', '-', '+' or '#').")
    x = convert_to_tensor(input)
    attrs = {"precision": int(precision), "scientific": bool(scientific),
             "shortest": bool(shortest), "width": int(width), "fill": fill}
    return execute(AS_STRING, (x,), attrs, name)


# --- format -----------------------------------------------------------------------------------

def _scalar_text(v, kind, itemsize):
    if kind == "O":
        return '"' + v.decode("utf-8", "replace") + '"'
    if kind == "b":
        return "1" if v else "0"
    if kind == "f":  # TensorFlow's shortest round-tripping text: 6 (15) digits, else 9 (17)
        short, full = (6, 9) if itemsize <= 4 else (15, 17)
        text = "%.*g" % (short, float(v))
        return text if np.asarray(float(text), v.dtype) == v else "%.*g" % (full, float(v))
    return str(v)


def summarize_array(a, summarize=3):
    """An array as tf.print and tf.strings.format show it: elements beyond the first and
    last `summarize` of each dimension elided with "..." (all when summarize < 0)."""
    kind, size = a.dtype.kind, a.dtype.itemsize

    def fmt(x, depth):
        if not isinstance(x, np.ndarray):  # an element of an object array: bytes
            return _scalar_text(x, kind, size)
        if x.ndim == 0:
            return _scalar_text(x[()], kind, size)
        n = x.shape[0]
        idx = list(range(n))
        if 0 <= summarize and 2 * summarize < n:
            idx = idx[:summarize] + [None] + idx[n - summarize:]
        parts = ["..." if i is None else fmt(x[i], depth + 1) for i in idx]
        sep = " " if x.ndim == 1 else "\n" * (x.ndim - 1) + " " * (depth + 1)
        return "[" + sep.join(parts) + "]"
    return fmt(a, 0)


@op("StringFormat", host=True, differentiable=False,
    infer=lambda ts, a: [(TensorShape([]), dtypes.string)])
def STRING_FORMAT(xp, *inputs, template, placeholder, summarize):
    pieces = template.split(placeholder)
    out = [pieces[0]]
    for value, piece in zip(inputs, pieces[1:]):
        out.append(summarize_array(xp.asarray(value), summarize))
        out.append(piece)
    return xp.asarray("".join(out).encode("utf-8"), dtype=object)


def format(template, inputs, placeholder="{}", summarize=3, name=None):  # noqa: A001
    """tf.strings.format: `template` with each `placeholder` replaced by one input tensor,
    summarized as tf.print shows it (strings quoted)."""
    if not isinstance(inputs, (list, tuple)):
        inputs = [inputs]
    expected = template.count(placeholder)
    if expected != len(inputs):
        raise ValueError(f"tf.strings.format: the template expects {expected} tensors, but "
                         f"inputs has {len(inputs)}: {template!r}.")
    xs = tuple(convert_to_tensor(x) for x in inputs)
    attrs = {"template": template, "placeholder": placeholder, "summarize": int(summarize)}
    return execute(STRING_FORMAT, xs, attrs, name)


# --- hashing ----------------------------------------------------------------------------------

def _hash_op(name, hash_fn):
    @op(name, host=True, differentiable=False, infer=_same_shape_as(dtypes.int64))
    def kernel(xp, x, num_buckets, key=None):
        fn = hash_fn if key is None else (lambda s: farmhash.siphash24(key[0], key[1], s))
        return _map(xp, lambda s: fn(s) % num_buckets, x, xp.int64)
    return kernel


HASH_FAST = _hash_op("StringToHashBucketFast", farmhash.fingerprint64)
HASH_STRONG = _hash_op("StringToHashBucketStrong", None)
HASH_LEGACY = _hash_op("StringToHashBucket", farmhash.legacy_hash64)


def _buckets(num_buckets, op_name):
    n = int(num_buckets)
    if n < 1:
        raise InvalidArgumentError(f"{op_name}: num_buckets must be >= 1, got {n}.")
    return n


def to_hash_bucket_fast(input, num_buckets, name=None):  # noqa: A002
    """tf.strings.to_hash_bucket_fast: FarmHash Fingerprint64 of each string modulo
    `num_buckets` (int64), the same buckets TensorFlow computes."""
    x = string_input(input, "input", "tf.strings.to_hash_bucket_fast")
    n = _buckets(num_buckets, "tf.strings.to_hash_bucket_fast")
    return execute(HASH_FAST, (x,), {"num_buckets": n}, name)


def to_hash_bucket_strong(input, num_buckets, key, name=None):  # noqa: A002
    """tf.strings.to_hash_bucket_strong: SipHash-2-4 under `key` (two ints) modulo
    `num_buckets`."""
    x = string_input(input, "input", "tf.strings.to_hash_bucket_strong")
    n = _buckets(num_buckets, "tf.strings.to_hash_bucket_strong")
    key = [int(k) for k in key]
    if len(key) != 2 or any(not 0 <= k < 2**64 for k in key):
        raise InvalidArgumentError(f"tf.strings.to_hash_bucket_strong: key must be two "
                                   f"unsigned 64-bit ints, got {key}.")
    return execute(HASH_STRONG, (x,), {"num_buckets": n, "key": tuple(key)}, name)


def to_hash_bucket(string_tensor, num_buckets, name=None):
    """tf.strings.to_hash_bucket: TensorFlow's legacy 64-bit hash modulo `num_buckets`
    (prefer to_hash_bucket_fast, as TensorFlow advises)."""
    x = string_input(string_tensor, "string_tensor", "tf.strings.to_hash_bucket")
    n = _buckets(num_buckets, "tf.strings.to_hash_bucket")
    return execute(HASH_LEGACY, (x,), {"num_buckets": n}, name)


# --- ragged results: split, bytes_split, unicode ----------------------------------------------

def _ragged_infer(value_dtype):
    return lambda ts, a: [(_RAGGED, value_dtype), (_RAGGED, dtypes.int64)]


def _pieces_to_ragged(xp, rows, dtype=object):
    """(flat values, int64 row splits) of a list of lists."""
    lengths = [len(r) for r in rows]
    splits = xp.zeros(len(rows) + 1, dtype=xp.int64)
    splits[1:] = xp.cumsum(xp.asarray(lengths, dtype=xp.int64))
    values = xp.empty(int(splits[-1]), dtype=dtype)
    pos = 0
    for r in rows:
        for v in r:
            values[pos] = v
            pos += 1
    return values, splits


@op("StringSplitV2", host=True, differentiable=False, multi_output=True,
    infer=_ragged_infer(dtypes.string))
def STRING_SPLIT(xp, x, sep, maxsplit):
    sep = sep or None  # "" or None: runs of ASCII whitespace, empty pieces dropped
    return _pieces_to_ragged(xp, [s.split(sep, maxsplit) for s in x.reshape(-1)])


@op("StringBytesSplit", host=True, differentiable=False, multi_output=True,
    infer=_ragged_infer(dtypes.string))
def STRING_BYTES_SPLIT(xp, x):
    return _pieces_to_ragged(xp, [[s[i:i + 1] for i in range(len(s))] for s in x.reshape(-1)])


_ENCODINGS = {"UTF-8": "utf-8", "UTF-16-BE": "utf-16-be", "UTF-32-BE": "utf-32-be",
              "UTF-16-LE": "utf-16-le", "UTF-32-LE": "utf-32-le", "US-ASCII": "ascii",
              "ISO-8859-1": "latin-1"}
_MARK = 0xD800  # a lone surrogate: never the result of strict decoding, marks a bad sequence


_ERRORS = threading.local()  # (start, end) byte spans of the bad sequences of one decode


def _mark_error(err):
    spans = getattr(_ERRORS, "spans", None)
    if spans is not None:
        spans.append((err.start, err.end))
    return chr(_MARK), err.end


codecs.register_error("ndflow.mark", _mark_error)


def python_encoding(encoding, arg, op_name):
    # ICU, which TensorFlow's decoders use, also takes the names without the dash ("UTF8")
    key = str(encoding).upper().replace("_", "-")
    enc = _ENCODINGS.get(key) or {k.replace("-", ""): v for k, v in _ENCODINGS.items()}.get(
        key.replace("-", ""))
    if enc is None:
        raise InvalidArgumentError(f"{op_name}: {arg} must be one of {sorted(_ENCODINGS)}, got "
                                   f"{encoding!r}.")
    return enc


def _decode(s, enc, errors, replacement_char, replace_control, offsets=None):
    """Code points of the bytes `s`, with bad sequences handled as TensorFlow's `errors`;
    appends the byte offset where each one starts to `offsets` when given."""
    _ERRORS.spans = spans = []
    try:
        text = s.decode(enc, "ndflow.mark")
    finally:
        _ERRORS.spans = None
    out = []
    pos = 0
    for ch in text:
        c = ord(ch)
        start = pos
        if c == _MARK:
            start, pos = spans.pop(0)
            if errors == "strict":
                raise InvalidArgumentError(f"UnicodeDecode: Invalid formatting on input "
                                           f"string {s!r}")
            if errors == "ignore":
                continue
            c = replacement_char
        else:
            pos += len(ch.encode(enc))
            if replace_control and c < 0x20:
                c = replacement_char
        out.append(c)
        if offsets is not None:
            offsets.append(start)
    return out


def _decode_attrs(input_encoding, errors, replacement_char, replace_control_characters, name):
    if errors not in ("strict", "replace", "ignore"):
        raise ValueError(f"{name}: errors must be 'strict', 'replace' or 'ignore', got "
                         f"{errors!r}.")
    return {"encoding": python_encoding(input_encoding, "input_encoding", name),
            "errors": errors, "replacement_char": int(replacement_char),
            "replace_control": bool(replace_control_characters)}


@op("UnicodeDecodeWithOffsets", host=True, differentiable=False, multi_output=True,
    infer=lambda ts, a: [(_RAGGED, dtypes.int32), (_RAGGED, dtypes.int64),
                         (_RAGGED, dtypes.int64)])
def UNICODE_DECODE(xp, x, encoding, errors, replacement_char, replace_control):
    rows, offsets = [], []
    for s in x.reshape(-1):
        starts = []
        rows.append(_decode(s, encoding, errors, replacement_char, replace_control, starts))
        offsets.append(starts)
    values, splits = _pieces_to_ragged(xp, rows, xp.int32)
    offs, _ = _pieces_to_ragged(xp, offsets, xp.int64)
    return values, splits, offs


@op("UnicodeEncode", host=True, differentiable=False,
    infer=lambda ts, a: [(TensorShape([ts[1].shape[0] - 1 if ts[1].shape[0] is not None
                                       else None]), dtypes.string)])
def UNICODE_ENCODE(xp, values, splits, encoding, errors, replacement_char):
    out = xp.empty(len(splits) - 1, dtype=object)
    for i in range(len(splits) - 1):
        chars = []
        for c in values[int(splits[i]):int(splits[i + 1])].tolist():
            if 0 <= c <= 0x10FFFF and not 0xD800 <= c <= 0xDFFF:
                chars.append(chr(c))
            elif errors == "strict":
                raise InvalidArgumentError(f"UnicodeEncode: code point {c} at row {i} is not "
                                           "a valid Unicode character")
            elif errors == "replace":
                chars.append(chr(replacement_char))
        out[i] = "".join(chars).encode(encoding)
    return out


@op("UnicodeTranscode", host=True, differentiable=False, infer=_same_shape_as(dtypes.string))
def UNICODE_TRANSCODE(xp, x, encoding, output_encoding, errors, replacement_char,
                      replace_control):
    return _map(xp, lambda s: "".join(chr(c) for c in _decode(
        s, encoding, errors, replacement_char, replace_control)).encode(output_encoding), x)


# --- ngrams -----------------------------------------------------------------------------------

@op("StringNGrams", host=True, differentiable=False, multi_output=True,
    infer=_ragged_infer(dtypes.string))
def STRING_NGRAMS(xp, values, splits, separator, widths, left_pad, right_pad, pad_width,
                  preserve_short):
    rows = []
    for r in range(len(splits) - 1):
        row = list(values[int(splits[r]):int(splits[r + 1])])
        grams = []
        for w in widths:
            if w < 0:  # internal: the whole row as one string (reduce_join of ragged rows)
                grams.append(separator.join(row))
                continue
            pad = min(pad_width if pad_width >= 0 else w - 1, w - 1)
            padded = [left_pad] * pad + row + [right_pad] * pad
            grams.extend(separator.join(padded[i:i + w]) for i in range(len(padded) - w + 1))
        if preserve_short and row and not grams:
            pad = min(pad_width if pad_width >= 0 else widths[0] - 1, widths[0] - 1)
            grams.append(separator.join([left_pad] * pad + row + [right_pad] * pad))
        rows.append(grams)
    return _pieces_to_ragged(xp, rows)


from ..util.export import export_many  # noqa: E402

# tf.strings itself is ndflow.strings (it also takes RaggedTensors); these are the older names.
export_many("", {"as_string": as_string})
export_many("v1", {"string_join": join, "reduce_join": reduce_join, "substr": substr,
                   "string_to_number": to_number, "as_string": as_string,
                   "regex_replace": regex_replace, "string_strip": strip,
                   "string_to_hash_bucket_fast": to_hash_bucket_fast,
                   "string_to_hash_bucket_strong": to_hash_bucket_strong,
                   "string_to_hash_bucket": to_hash_bucket})
