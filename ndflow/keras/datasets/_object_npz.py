"""Keras's imdb.npz / reuters.npz read without unpickling.

Those files store each split's sequences as a NumPy object array: a 1-D array of Python
lists of ints, which NumPy writes as a pickle stream after the .npy header. Loading that
with pickle would run whatever the stream asks for, so ndflow never does. Instead this
module *parses* the stream as data: `pickletools.genops` (the standard library's opcode
reader, which executes nothing) lists the opcodes, and a small interpreter accepts only
those that build ints, strings, tuples and lists, plus the three references NumPy's array
pickle is made of (numpy.ndarray, numpy.dtype, numpy's multiarray._reconstruct), which are
never imported or called: they only mark where the array's shape, dtype and element list
are. Any other opcode or reference (a `__reduce__` gadget such as os.system) is refused
with a DataLossError naming the file, so a tampered file cannot execute code.

Numeric members (the labels) are read by NumPy with allow_pickle=False.
"""
import io
import math
import pickletools
import zipfile
import zlib

import numpy as np

from ...framework.errors import DataLossError
from ..utils.npz_files import read_npy_header

_ALLOWED_GLOBALS = {("numpy", "ndarray"), ("numpy", "dtype"),
                    ("numpy.core.multiarray", "_reconstruct"),
                    ("numpy._core.multiarray", "_reconstruct")}
_VALUE_OPS = {"BININT", "BININT1", "BININT2", "INT", "LONG", "LONG1", "BINFLOAT", "FLOAT",
              "SHORT_BINUNICODE", "BINUNICODE", "UNICODE", "SHORT_BINSTRING", "BINSTRING",
              "STRING", "SHORT_BINBYTES", "BINBYTES"}
_CONSTANTS = {"NONE": None, "NEWTRUE": True, "NEWFALSE": False}


class _Ref:
    """A module-level name the stream refers to (never imported)."""
    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module, self.name = module, name


class _Array:
    """The array being rebuilt: `_reconstruct(...)` then BUILD with its state."""
    __slots__ = ("shape", "items")

    def __init__(self):
        self.shape, self.items = None, None


class _Dtype:
    __slots__ = ("code",)

    def __init__(self, code):
        self.code = code


def load_npz(path, what):
    """{name: array} of the .npz at `path`: object arrays as 1-D object arrays of lists of
    ints (as Keras returns them), others as NumPy reads them without pickle."""
    arrays = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.endswith(".npy"):
                    with archive.open(member) as f:
                        arrays[member[:-4]] = _read_npy(f.read(), f"{path}:{member}")
    except DataLossError:
        raise
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, zlib.error,
            NotImplementedError, OverflowError, TypeError, RecursionError) as e:
        raise DataLossError(f"{path}: cannot read as {what} ({type(e).__name__}: {e})") \
            from None
    return arrays


def _read_npy(data, where):
    f = io.BytesIO(data)
    shape, _, dtype = read_npy_header(f)  # ValueError: a DataLossError in load_npz
    if not dtype.hasobject:
        f.seek(0)
        return np.lib.format.read_array(f, allow_pickle=False)
    if len(shape) != 1:
        raise DataLossError(f"{where}: expected a 1-D object array, found shape {shape}")
    stream = data[f.tell():]
    items = parse_object_array(stream, where)
    if len(items) != shape[0]:
        raise DataLossError(f"{where}: header says {shape[0]} elements, the data holds "
                            f"{len(items)}")
    out = np.empty(len(items), dtype=object)
    for i, seq in enumerate(items):
        out[i] = seq
    return out


def parse_object_array(stream, where):
    """The element list of NumPy's pickle of a 1-D object array of int lists, read as data.

    Raises:
      DataLossError: For any opcode or reference outside the accepted subset, a stream that
        does not make such an array, or elements that are not lists of ints.
    """
    stack, marks, memo = [], [], {}
    try:
        for opcode, arg, pos in pickletools.genops(stream):
            name = opcode.name
            if name in ("PROTO", "FRAME"):
                continue
            if name in _VALUE_OPS:
                stack.append(arg)
            elif name in _CONSTANTS:
                stack.append(_CONSTANTS[name])
            elif name == "MARK":
                marks.append(len(stack))
            elif name == "EMPTY_LIST":
                stack.append([])
            elif name == "EMPTY_TUPLE":
                stack.append(())
            elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
                n = int(name[-1])
                values = tuple(stack[-n:])
                del stack[-n:]
                stack.append(values)
            elif name in ("TUPLE", "LIST", "APPENDS"):
                start = marks.pop()
                values = stack[start:]
                del stack[start:]
                if name == "TUPLE":
                    stack.append(tuple(values))
                elif name == "LIST":
                    stack.append(values)
                else:
                    _as_list(stack[-1], where, pos).extend(values)
            elif name == "APPEND":
                value = stack.pop()
                _as_list(stack[-1], where, pos).append(value)
            elif name in ("BINPUT", "LONG_BINPUT", "PUT"):
                memo[arg] = stack[-1]
            elif name == "MEMOIZE":
                memo[len(memo)] = stack[-1]
            elif name in ("BINGET", "LONG_BINGET", "GET"):
                stack.append(memo[arg])
            elif name == "GLOBAL":
                module, _, attr = arg.partition(" ")
                stack.append(_reference(module, attr, where, pos))
            elif name == "STACK_GLOBAL":
                attr = stack.pop()
                module = stack.pop()
                stack.append(_reference(module, attr, where, pos))
            elif name == "REDUCE":
                args = stack.pop()
                fn = stack.pop()
                stack.append(_reduce(fn, args, where, pos))
            elif name == "BUILD":
                state = stack.pop()
                _build(stack[-1], state, where, pos)
            elif name == "STOP":
                break
            else:
                raise DataLossError(f"{where}: pickle opcode {name} at byte {pos} is not part "
                                    "of an array of integer lists; refused (ndflow never "
                                    "unpickles).")
    except DataLossError:
        raise
    except (IndexError, KeyError, TypeError, AttributeError) as e:
        raise DataLossError(f"{where}: malformed object-array data ({type(e).__name__})") \
            from None
    except ValueError as e:  # pickletools: truncated or invalid opcode data
        raise DataLossError(f"{where}: malformed object-array data ({e})") from None
    result = stack.pop() if len(stack) == 1 else None
    if not isinstance(result, _Array) or result.items is None:
        raise DataLossError(f"{where}: the data is not a NumPy object array.")
    return _checked_sequences(result, len(stream), where)


def _as_list(x, where, pos):
    if not isinstance(x, list):
        raise DataLossError(f"{where}: append to a non-list at byte {pos}; refused.")
    return x


def _reference(module, attr, where, pos):
    if not (isinstance(module, str) and isinstance(attr, str)):
        raise DataLossError(f"{where}: malformed reference at byte {pos}; refused.")
    if (module, attr) not in _ALLOWED_GLOBALS:
        raise DataLossError(f"{where}: the data refers to {module}.{attr} (byte {pos}), which "
                            "an array of integer lists never needs; refused: the file may be "
                            "corrupted or malicious.")
    return _Ref(module, attr)


def _reduce(fn, args, where, pos):
    if isinstance(fn, _Ref) and fn.name == "_reconstruct":
        return _Array()
    if isinstance(fn, _Ref) and fn.name == "dtype" and isinstance(args, tuple) and args:
        return _Dtype(args[0])
    raise DataLossError(f"{where}: unexpected call in the data at byte {pos}; refused.")


def _build(obj, state, where, pos):
    if isinstance(obj, _Dtype):
        return  # the dtype's byte order/flags: an object dtype has no other state
    if not isinstance(obj, _Array) or not isinstance(state, tuple) or len(state) != 5:
        raise DataLossError(f"{where}: unexpected object state at byte {pos}; refused.")
    _, shape, dtype, _, items = state
    if not isinstance(dtype, _Dtype) or not isinstance(shape, tuple):
        raise DataLossError(f"{where}: not an object array of lists (byte {pos}).")
    code = str(dtype.code)
    if code.startswith("O") and isinstance(items, list):
        obj.shape, obj.items = shape, items
        return
    if code[:1] in ("i", "u") and code[1:] in ("1", "2", "4", "8") and \
            isinstance(items, bytes) and len(shape) == 1:
        # an element stored as an integer ndarray: its raw little-endian bytes
        values = np.frombuffer(items, np.dtype("<" + code))
        if len(values) != shape[0]:
            raise DataLossError(f"{where}: an element's bytes do not match its shape.")
        obj.shape, obj.items = shape, values.tolist()
        return
    raise DataLossError(f"{where}: not an object array of integer sequences (byte {pos}).")


def _checked_sequences(array, stream_size, where):
    if math.prod(array.shape) != len(array.items):
        raise DataLossError(f"{where}: shape {array.shape} does not match its "
                            f"{len(array.items)} elements.")
    total = 0
    items = [seq.items if isinstance(seq, _Array) and seq.items is not None else seq
             for seq in array.items]
    array.items = items
    for seq in items:
        if not isinstance(seq, list) or not all(type(w) is int for w in seq):
            raise DataLossError(f"{where}: an element is not a list of integers.")
        total += len(seq)
    # each integer costs at least two bytes of stream unless lists are shared through the
    # memo: more integers than that is a decompression bomb, not a dataset
    if total > stream_size:
        raise DataLossError(f"{where}: {total} integers from {stream_size} bytes of data: "
                            "elements are shared many times over; refused.")
    return array.items
