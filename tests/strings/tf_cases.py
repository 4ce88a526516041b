"""String-op cases that TensorFlow and ndflow both run.

tools/make_tf_strings_ragged_fixtures.py runs `cases(tf)` with TensorFlow and stores each
result (encoded by `encode`) in tests/fixtures/tf_strings.json; tests/strings/test_tf_fixtures.py
runs the same cases with ndflow and compares. Each case is a function of the `tf` module.
"""
import math

_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LENGTHS = [1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33, 40, 48, 63, 64, 65, 96,
            100, 127, 128, 129, 200, 256, 300, 1000]
HASH_STRINGS = [""] + [(_ALNUM * 20)[i % 7:i % 7 + n] for i, n in enumerate(_LENGTHS)] + [
    "hello world", "héllo", "日本語のテキスト", "emoji 😀 and more", "Ünïcödé " * 9, "\x00\x01",
    "tab\tand\nnewline", "a" * 64, "b" * 65, "🙂" * 40]
NUM_BUCKETS = [1000, 2**31 - 1, 2**63 - 1]


def cases(tf):
    s = tf.strings
    rc = tf.ragged.constant
    return {
        **{f"hash_fast_{n}": (lambda n=n: s.to_hash_bucket_fast(HASH_STRINGS, n))
           for n in NUM_BUCKETS},
        **{f"hash_strong_{n}": (lambda n=n: s.to_hash_bucket_strong(HASH_STRINGS, n,
                                                                     [123456789, 987654321]))
           for n in NUM_BUCKETS},
        **{f"hash_legacy_{n}": (lambda n=n: s.to_hash_bucket(HASH_STRINGS, n))
           for n in NUM_BUCKETS},
        "length_byte": lambda: s.length(["héllo", "", "日本"]),
        "length_char": lambda: s.length(["héllo", "", "日本"], unit="UTF8_CHAR"),
        "lower": lambda: s.lower(["HeLLo ÀB"]),
        "lower_utf8": lambda: s.lower(["HeLLo ÀB"], encoding="utf-8"),
        "upper": lambda: s.upper(["hello àb"]),
        "strip": lambda: s.strip(["  a b \t\n", "\x0bx\x0c", "", "   "]),
        "split_ws": lambda: s.split(["", " a  b ", "c d\te\nf", "   "]),
        "split_sep": lambda: s.split(["", "a,b", ",a,", "a,,b"], sep=","),
        "split_multichar": lambda: s.split(["a<>b<>c", "<>"], sep="<>"),
        "split_max": lambda: s.split(["a,b,c,d", "x"], sep=",", maxsplit=2),
        "split_scalar": lambda: s.split("a b c"),
        "join": lambda: s.join([["a", "b"], ["c", "d"]], separator="-"),
        "join_scalar": lambda: s.join(["x", tf.constant(["a", "b"]), "y"]),
        "reduce_join_all": lambda: s.reduce_join([["a", "b"], ["c", "d"]]),
        "reduce_join_0": lambda: s.reduce_join([["a", "b"], ["c", "d"]], axis=0, separator=","),
        "reduce_join_1": lambda: s.reduce_join([["a", "b"], ["c", "d"]], axis=1, separator=","),
        "reduce_join_neg": lambda: s.reduce_join([["a", "b"], ["c", "d"]], axis=-1,
                                                 keepdims=True),
        "reduce_join_3d": lambda: s.reduce_join([[["a", "b"], ["c", "d"]], [["e", "f"],
                                                                          ["g", "h"]]],
                                                axis=[0, 2], separator="."),
        "reduce_join_ragged": lambda: s.reduce_join(rc([["a", "b"], ["c"], []]), axis=1,
                                                    separator=" "),
        "regex_full_match": lambda: s.regex_full_match(["abc", "abcd", "xabc", ""], "a.c"),
        "regex_full_match_alt": lambda: s.regex_full_match(["cat", "dog", "cow"], "c(a|o)[tw]"),
        "regex_replace": lambda: s.regex_replace(["aaa bab", "xyz"], "a+", "_"),
        "regex_replace_first": lambda: s.regex_replace(["aaa bab"], "a", "x",
                                                       replace_global=False),
        "regex_replace_groups": lambda: s.regex_replace(["ab cd"], r"(\w)(\w)", r"\2\1"),
        "regex_replace_whole": lambda: s.regex_replace(["ab cd"], r"\w+", r"<\0>"),
        "regex_replace_punct": lambda: s.regex_replace(["Hello, World! It's"], r"[^\w\s]", ""),
        "substr": lambda: s.substr(["hello", "ab", ""], 0, 3),
        "substr_pos": lambda: s.substr(["hello", "ab"], 1, 5),
        "substr_neg": lambda: s.substr(["hello"], -3, 2),
        "substr_vec": lambda: s.substr(["hello", "world"], [0, 1], [2, 3]),
        "substr_utf8": lambda: s.substr(["héllo", "日本語"], 1, 2, unit="UTF8_CHAR"),
        "to_number": lambda: s.to_number(["1.5", " 2", "1e3", "-inf", "nan", "-0.25"]),
        "to_number_f64": lambda: s.to_number(["0.1", "1e-300"], out_type=tf.float64),
        "to_number_int": lambda: s.to_number(["12", "-3", "+7"], out_type=tf.int32),
        "to_number_i64": lambda: s.to_number(["9000000000"], out_type=tf.int64),
        "as_string_f": lambda: s.as_string([1.5, 3.14159265, 1e10, -0.0, 2.5e-7]),
        "as_string_prec": lambda: s.as_string([1.5, 3.14159265], precision=2),
        "as_string_sci": lambda: s.as_string([1.5, 31415.9265], scientific=True),
        "as_string_short": lambda: s.as_string([1.5, 31415.9265, 1e-7, 1e20], shortest=True),
        "as_string_width": lambda: s.as_string([1, 23, -4], width=4, fill="0"),
        "as_string_width_space": lambda: s.as_string([1, 23], width=4),
        "as_string_bool": lambda: s.as_string([True, False]),
        "as_string_int64": lambda: s.as_string(tf.constant([2**40, -5], tf.int64)),
        "as_string_f64": lambda: s.as_string(tf.constant([1 / 3], tf.float64), precision=10),
        "format_vec": lambda: s.format("x={} y={}", (tf.constant([1, 2, 3, 4, 5, 6, 7]),
                                                       tf.constant("ab"))),
        "format_matrix": lambda: s.format("{}", tf.constant([[1.5, 2.0], [3.0, 4.0]])),
        "format_strings": lambda: s.format("{}", tf.constant(["a", "b"])),
        "format_summarize": lambda: s.format("{}", tf.constant(list(range(10))), summarize=2),
        "format_all": lambda: s.format("{}", tf.constant(list(range(10))), summarize=-1),
        "format_3d": lambda: s.format("t: {}", tf.reshape(tf.range(8), [2, 2, 2])),
        "format_float": lambda: s.format("{} {}", (tf.constant(1 / 3), tf.constant(0.1))),
        "format_placeholder": lambda: s.format("a % b", tf.constant(3), placeholder="%"),
        "bytes_split": lambda: s.bytes_split(["hé", "", "abc"]),
        "unicode_decode": lambda: s.unicode_decode(["héllo", "€", "", "日本語😀"], "UTF-8"),
        "unicode_decode_bad": lambda: s.unicode_decode([b"a\xffb", b"\xe2\x82", b"ok"], "UTF-8"),
        "unicode_decode_ignore": lambda: s.unicode_decode([b"a\xffb"], "UTF-8", errors="ignore"),
        "unicode_decode_replchar": lambda: s.unicode_decode([b"a\xffb"], "UTF-8",
                                                            replacement_char=63),
        "unicode_decode_control": lambda: s.unicode_decode(["a\x01b"], "UTF-8",
                                                           replace_control_characters=True),
        "unicode_decode_utf16": lambda: s.unicode_decode(["hé€".encode("utf-16-be")],
                                                         "UTF-16-BE"),
        "unicode_decode_offsets": lambda: s.unicode_decode_with_offsets(["héllo", "€a"],
                                                                        "UTF-8"),
        "unicode_offsets_bad": lambda: s.unicode_decode_with_offsets(
            [b"a\xffb", b"\xe2\x82x", b"a\xe2\x82", "hé€😀".encode()], "UTF-8"),
        "unicode_offsets_utf16": lambda: s.unicode_decode_with_offsets(
            ["hé😀".encode("utf-16-be")], "UTF-16-BE"),
        "unicode_offsets_ignore": lambda: s.unicode_decode_with_offsets(
            [b"a\xffb\xc3"], "UTF-8", errors="ignore"),
        "unicode_encode_ragged": lambda: s.unicode_encode(rc([[104, 233], [8364], []]), "UTF-8"),
        "unicode_encode_dense": lambda: s.unicode_encode([[104, 233], [8364, 65]], "UTF-8"),
        "unicode_encode_bad": lambda: s.unicode_encode([[104, 0x110000, 55296]], "UTF-8"),
        "unicode_encode_ignore": lambda: s.unicode_encode([[104, 0x110000]], "UTF-8",
                                                          errors="ignore"),
        "unicode_encode_utf16": lambda: s.unicode_encode([[104, 233, 128512]], "UTF-16-BE"),
        "unicode_encode_utf32": lambda: s.unicode_encode([[104, 233]], "UTF-32-BE"),
        "unicode_split": lambda: s.unicode_split(["hé", "€x", ""], "UTF-8"),
        "unicode_transcode": lambda: s.unicode_transcode(["hé", "😀"], "UTF-8", "UTF-16-BE"),
        "unicode_transcode_back": lambda: s.unicode_transcode(
            ["hé".encode("utf-16-be")], "UTF-16-BE", "UTF-8"),
        "ngrams_2": lambda: s.ngrams(rc([["a", "b", "c"], ["d"], []]), 2),
        "ngrams_pad": lambda: s.ngrams(rc([["a", "b", "c"], ["d"]]), 2,
                                       pad_values=("<s>", "</s>")),
        "ngrams_pad_width": lambda: s.ngrams(rc([["a", "b", "c"], ["d"]]), 3, pad_values="#",
                                             padding_width=1),
        "ngrams_short": lambda: s.ngrams(rc([["a", "b", "c"], ["d"]]), 2,
                                         preserve_short_sequences=True),
        "ngrams_dense": lambda: s.ngrams(tf.constant([["a", "b", "c"], ["d", "e", "f"]]), 2,
                                         separator="_"),
        "ngrams_widths": lambda: s.ngrams(tf.constant(["a", "b", "c"]), (1, 2)),
        "ngrams_wide": lambda: s.ngrams(rc([["a", "b"], ["c", "d", "e", "f"]]), 3),
        "string_eq": lambda: tf.constant(["a", "b", "c"]) == tf.constant(["a", "x", "c"]),
        "string_ne_bcast": lambda: tf.constant([["a"], ["b"]]) != tf.constant(["a", "b"]),
        "constant_unicode": lambda: tf.constant(["héllo", "日本"]),
        "print_scalar": lambda: str(tf.constant("abc")),
        "print_vector": lambda: str(tf.constant(["a", "bé"])),
        "print_matrix": lambda: str(tf.constant([["a", "b"], ["c", "d"]])),
        "repr_vector": lambda: repr(tf.constant(["a", "b"])),
        "split_ragged_input": lambda: s.split(rc([["a b", "c"], ["d e f"]])),
    }


def encode(value):
    """A JSON-able form of a case's result (TensorFlow's or ndflow's)."""
    if isinstance(value, str):  # printed text
        return {"text": value}
    if hasattr(value, "to_list") and hasattr(value, "flat_values"):
        return {"ragged": _plain(value.to_list())}
    if isinstance(value, (tuple, list)):
        return {"tuple": [encode(v) for v in value]}
    arr = value.numpy()
    dtype = value.dtype.name
    if hasattr(arr, "tolist"):
        arr = arr.tolist()
    return {"dtype": dtype, "value": _plain(arr)}


def _plain(v):
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, bytes):
        return {"b": v.hex()}
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return {"f": repr(v)}
    return v
