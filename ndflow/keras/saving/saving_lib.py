"""`.keras` files (Keras 3's format) and `.weights.h5` files: writing and reading (whole
models in Keras 2's `.h5` format: legacy_h5_model.py, reached from save_model/load_model).

A `.keras` file is a zip (members stored, not deflated, like Keras) of `metadata.json`,
`config.json` (the model's Keras config with build_config and compile_config) and
`model.weights.h5` (see weights_store.py). Every write goes to a temporary file in the
target's directory that is renamed over the target only once complete. Every read checks
the whole file against the model before a single variable is assigned.
"""
import contextlib
import datetime
import io
import json
import os
import struct
import threading
import warnings
import zipfile
import zlib

import numpy as np

from ...util.atomic import atomic_write, atomic_write_directory
from ...framework.errors import (AlreadyExistsError, DataLossError, NotFoundError,
                                 ResourceExhaustedError)
from . import keras_compat, object_registration, serialization_lib, weights_store

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"
_MAX_JSON_BYTES = 64 << 20          # config.json/metadata.json larger than this is not ours
_MAX_CONFIG_DEPTH = 200             # nesting of config.json (a deep Functional model: ~30)
_MAX_DEFLATE_RATIO = 1100           # deflate cannot inflate more than ~1032:1
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"

# The most bytes of variables a model built while loading may create, when the file does
# not itself bound them (a `.keras` file without weights). A file with weights bounds
# them by its weights' size. Overridable: set_max_load_weight_bytes or the environment.
MAX_LOAD_WEIGHT_BYTES_ENV = "NDFLOW_MAX_LOAD_WEIGHT_BYTES"
_DEFAULT_MAX_LOAD_WEIGHT_BYTES = 4 << 30
_max_load_weight_bytes = None
_budget = threading.local()


def _h5py():
    try:
        import h5py
    except ImportError as e:
        raise ImportError("Saving and loading Keras weights needs h5py, a dependency of "
                          "ndflow: `pip install h5py`.") from e
    return h5py


def set_max_load_weight_bytes(limit):
    """Sets the most bytes of variables that building a loaded model may create when the
    file does not bound them itself (a `.keras` file without weights). None restores the
    default (4 GiB, or $NDFLOW_MAX_LOAD_WEIGHT_BYTES).

    A config that declares larger weights (say `Dense(units=1e9)`) then fails with a
    ResourceExhaustedError naming the layer, before anything is allocated.
    """
    global _max_load_weight_bytes
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or
                              limit <= 0):
        raise ValueError(f"set_max_load_weight_bytes: limit must be a positive int or None. "
                         f"Received: {limit!r}")
    _max_load_weight_bytes = limit


def _default_weight_budget():
    if _max_load_weight_bytes is not None:
        return _max_load_weight_bytes
    env = os.environ.get(MAX_LOAD_WEIGHT_BYTES_ENV)
    if env:
        try:
            return int(float(env))
        except ValueError:
            raise ValueError(f"${MAX_LOAD_WEIGHT_BYTES_ENV} must be a number of bytes. "
                             f"Received: {env!r}") from None
    return _DEFAULT_MAX_LOAD_WEIGHT_BYTES


@contextlib.contextmanager
def _weight_budget(limit, source):
    previous = getattr(_budget, "state", None)
    _budget.state = [limit, 0, source]
    try:
        yield
    finally:
        _budget.state = previous


def check_weight_budget(layer, name, shape, dtype):
    """Called by `Layer.add_weight` before it allocates: while a model is being loaded, a
    weight that takes the variables built so far past the loading budget raises a
    ResourceExhaustedError naming the layer, the weight and the file. Outside loading it
    does nothing."""
    state = getattr(_budget, "state", None)
    if state is None:
        return
    limit, used, source = state
    try:
        itemsize = np.dtype(getattr(dtype, "as_numpy_dtype", dtype)).itemsize
    except TypeError:
        itemsize = 8
    count = 1
    for d in shape:
        count *= max(int(d), 0)
    need = count * itemsize
    if used + need > limit:
        raise ResourceExhaustedError(
            f"Cannot load '{source}': layer '{getattr(layer, 'name', '?')}' declares a weight "
            f"'{name}' of shape {tuple(shape)} ({need} bytes), which takes the model past "
            f"{limit} bytes, more than the file can hold. If the model really is that large, "
            "raise the limit with keras.saving.saving_lib.set_max_load_weight_bytes(n) or "
            f"${MAX_LOAD_WEIGHT_BYTES_ENV}.")
    state[1] = used + need


# Writes go through ndflow.util.atomic.atomic_write (temp file + rename).


def _check_overwrite(path, overwrite):
    if not overwrite and os.path.exists(path):
        raise AlreadyExistsError(f"'{path}' already exists and overwrite=False; pass "
                                 "overwrite=True to replace it.")


# --- saving -----------------------------------------------------------------------------------

def _metadata():
    from .. import __version__
    return {"keras_version": __version__,
            "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}


def _weights_bytes(model, include_optimizer=True):
    buffer = io.BytesIO()
    # HDF5 1.8 file-format objects carry checksums of their metadata; the data is covered
    # by ndflow's own checksum attribute (Keras ignores it).
    with _h5py().File(buffer, "w", libver=("v108", "v108")) as h5file:
        weights_store.write_weights(h5file, model, include_optimizer)
        h5file.attrs[weights_store.CHECKSUM_ATTR] = np.bytes_(
            weights_store.weights_digest(h5file).encode("ascii"))  # fixed-size: S64
    return buffer.getvalue()


def _warn_for_lambdas(config, path):
    found = []
    stack = [(config, None)]
    while stack:
        node, layer = stack.pop()
        if isinstance(node, dict):
            if node.get("class_name") == "__lambda__":
                found.append(layer or "?")
                continue
            inner = node.get("config")
            if "class_name" in node and isinstance(inner, dict) and "name" in inner:
                layer = inner["name"]
            stack.extend((v, layer) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, layer) for v in node)
    if found:
        warnings.warn(
            f"Saving '{path}': layer(s) {', '.join(sorted(set(map(str, found))))} wrap a "
            "Python lambda, whose code is not stored, so this file cannot be loaded back "
            "(by ndflow or Keras). To make it loadable, replace the lambda with a named "
            "function decorated with @keras.saving.register_keras_serializable() (or passed "
            "in custom_objects when loading), or write a Layer subclass.", stacklevel=3)


def _check_model(model, what):
    from ..layers.base import Layer
    if not isinstance(model, Layer):
        raise TypeError(f"{what} expects a Keras model or layer. Received: {model!r} "
                        f"(of type {type(model).__name__})")


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Saves `model` as a Keras 3 `.keras` file (zipped=False: a directory of its parts), or
    with a `.h5`/`.hdf5` path or save_format="h5" as a Keras 2 style HDF5 file that Keras 3
    and tf_keras read (legacy_h5_model.py)."""
    _check_model(model, "save_model")
    save_format = kwargs.pop("save_format", None)
    include_optimizer = kwargs.pop("include_optimizer", True)
    kwargs.pop("options", None)
    if kwargs:
        raise TypeError(f"save_model() got unexpected keyword arguments: {sorted(kwargs)}")
    path = os.fspath(filepath)
    if save_format == "tf" or (save_format is None and not os.path.splitext(path)[1]):
        raise ValueError(
            "The TensorFlow SavedModel format (save_format='tf', or a path without an "
            "extension) is not supported by ndflow, as in Keras 3. Save with a `.keras` "
            f"extension, e.g. model.save('{path.rstrip('/')}.keras'). Received: "
            f"filepath={path}, save_format={save_format}")
    if save_format == "h5" or path.endswith((".h5", ".hdf5")):
        if path.endswith(".weights.h5"):
            raise ValueError("save_model: a `.weights.h5` path is for weights only; use "
                             f"model.save_weights('{path}'), or a `.h5` path for the whole "
                             f"model. Received: filepath={path}")
        _check_overwrite(path, overwrite)
        from . import legacy_h5_model
        legacy_h5_model.save_model(model, path, include_optimizer)
        return
    if not path.endswith(".keras"):
        raise ValueError("Invalid filepath extension for saving: use a `.keras` extension "
                         f"(the Keras 3 format). Received: filepath={path}")
    _check_overwrite(path, overwrite)
    config = serialization_lib.serialize_keras_object(model)
    _warn_for_lambdas(config, path)
    config_json = json.dumps(config)
    parts = {METADATA_FILENAME: json.dumps(_metadata()).encode(),
             CONFIG_FILENAME: config_json.encode(),
             WEIGHTS_FILENAME: _weights_bytes(model, include_optimizer)}
    parts.update(_asset_parts(model))
    if zipped is False:
        atomic_write_directory(path, parts)
        return

    def write(f):
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as archive:
            for name, data in parts.items():
                archive.writestr(name, data)

    atomic_write(path, write)


def _check_weights_path(path, action):
    if path.endswith(".weights.h5"):
        return
    if path.endswith((".h5", ".hdf5")):
        warnings.warn(f"{action}: weights files should end in `.weights.h5` (Keras 3); "
                      f"'{path}' is treated as one.", DeprecationWarning, stacklevel=4)
        return
    raise ValueError(f"{action}: the filename must end in `.weights.h5` (the Keras 3 weights "
                     "format; TensorFlow checkpoints are not supported). Received: "
                     f"filepath={path}")


def save_weights(model, filepath, overwrite=True, **kwargs):
    """Saves the weights (and optimizer state) of `model` to a `.weights.h5` file."""
    _check_model(model, "save_weights")
    kwargs.pop("save_format", None)
    kwargs.pop("options", None)
    kwargs.pop("max_shard_size", None)
    if kwargs:
        raise TypeError(f"save_weights() got unexpected keyword arguments: {sorted(kwargs)}")
    path = os.fspath(filepath)
    _check_weights_path(path, "save_weights")
    _check_overwrite(path, overwrite)
    data = _weights_bytes(model)
    atomic_write(path, lambda f: f.write(data))


# --- reading ------------------------------------------------------------------------------------

class _Window(io.RawIOBase):
    """A read-only, seekable view of `size` bytes at `offset` of an open binary file (a
    stored zip member read in place: nothing is copied into memory)."""

    def __init__(self, f, offset, size):
        super().__init__()
        self._f, self._offset, self._size, self._pos = f, offset, size, 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, pos, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + pos)
        return self._pos

    def tell(self):
        return self._pos

    def readinto(self, buffer):
        n = max(0, min(len(buffer), self._size - self._pos))
        if n == 0:
            return 0
        self._f.seek(self._offset + self._pos)
        data = self._f.read(n)
        buffer[:len(data)] = data
        self._pos += len(data)
        return len(data)


class _ModelFile:
    """The parts of a `.keras` file (zip or directory), checked as they are read."""

    def __init__(self, path):
        self.path = path
        if not os.path.exists(path):
            raise NotFoundError(f"File not found: filepath={path}. Please ensure the file is "
                                "an accessible `.keras` zip file.")
        self.directory = os.path.isdir(path)
        self.archive = None
        self._raw = None
        if self.directory:
            self.names = set(os.listdir(path))
        else:
            self.archive = _open_zip(path)
            self.names = set(self.archive.namelist())

    def read(self, name, limit=None):
        if name not in self.names:
            return None
        if self.directory:
            member = os.path.join(self.path, name)
            size = os.path.getsize(member)
            if limit is not None and size > limit:
                raise DataLossError(f"Cannot load '{self.path}': its {name} is {size} bytes, "
                                    "far more than a model config; refusing to read it.")
            with open(member, "rb") as f:
                return f.read()
        info = self.archive.getinfo(name)
        if limit is not None and info.file_size > limit:
            raise DataLossError(f"Cannot load '{self.path}': its {name} is {info.file_size} "
                                "bytes, far more than a model config; refusing to read it.")
        try:
            return self.archive.read(name)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
            raise DataLossError(f"Cannot load '{self.path}': its member {name} is corrupted "
                                f"({e}).") from e

    def json(self, name, required):
        data = self.read(name, limit=_MAX_JSON_BYTES)
        if data is None:
            if required:
                raise DataLossError(
                    f"Cannot load '{self.path}': it has no {name}, so it is not a Keras 3 "
                    f"`.keras` model file. It contains: {sorted(self.names) or 'nothing'}.")
            return None
        try:
            value = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise DataLossError(f"Cannot load '{self.path}': its {name} is not valid JSON "
                                f"({e}).") from e
        except RecursionError:
            raise DataLossError(f"Cannot load '{self.path}': its {name} is nested too deeply "
                                "to be a model config.") from None
        _check_config(value, f"{self.path} ({name})")
        return value

    def weights(self):
        """The open h5py File of model.weights.h5 (streamed, not read whole), or None when
        the file holds none."""
        if WEIGHTS_FILENAME not in self.names:
            if "model.weights.npz" in self.names:
                raise DataLossError(f"Cannot load '{self.path}': its weights are in the .npz "
                                    "variant of the format, which ndflow does not read.")
            return None
        label = f"{self.path} ({WEIGHTS_FILENAME})"
        if self.directory:
            member = os.path.join(self.path, WEIGHTS_FILENAME)
            return _open_h5(member, label, os.path.getsize(member))
        info = self.archive.getinfo(WEIGHTS_FILENAME)
        try:
            if info.compress_type == zipfile.ZIP_STORED:
                self._raw = open(self.path, "rb")
                source = _Window(self._raw, _member_data_offset(self._raw, info),
                                 info.file_size)
            else:
                source = self.archive.open(WEIGHTS_FILENAME)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
            raise DataLossError(f"Cannot load '{self.path}': its member {WEIGHTS_FILENAME} is "
                                f"corrupted ({e}).") from e
        return _open_h5(source, label, info.file_size)

    def weights_size(self):
        if WEIGHTS_FILENAME not in self.names:
            return None
        if self.directory:
            return os.path.getsize(os.path.join(self.path, WEIGHTS_FILENAME))
        return self.archive.getinfo(WEIGHTS_FILENAME).file_size

    def close(self):
        if self.archive is not None:
            self.archive.close()
        if self._raw is not None:
            self._raw.close()


def _member_data_offset(f, info):
    f.seek(info.header_offset)
    header = f.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header of member {info.filename}")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return info.header_offset + 30 + name_length + extra_length


_PLAIN_DTYPE_NAMES = ("bfloat16", "string", "float8_e4m3fn", "float8_e5m2")


def _check_config(config, label):
    """Checks a parsed JSON config without recursion: its depth, and that every `dtype`
    names a plain dtype (a sub-array dtype like "(1000,1000)f8" would allocate whatever
    the file claims)."""
    stack = [(config, 1, "")]
    while stack:
        node, depth, where = stack.pop()
        if depth > _MAX_CONFIG_DEPTH:
            raise DataLossError(f"Cannot load '{label}': the config is nested more than "
                                f"{_MAX_CONFIG_DEPTH} levels deep (at {where or '/'}).")
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "dtype" and isinstance(value, str):
                    _check_dtype_name(value, label, f"{where}/{key}")
                stack.append((value, depth + 1, f"{where}/{key}"))
        elif isinstance(node, list):
            stack.extend((v, depth + 1, f"{where}[{i}]") for i, v in enumerate(node))


def _check_dtype_name(name, label, where):
    if name in _PLAIN_DTYPE_NAMES or (name.startswith("mixed_") and len(name) < 32):
        return
    try:
        serialization_lib.plain_dtype(name, where)
    except ValueError as e:
        raise DataLossError(f"Cannot load '{label}': {e}") from None


def _open_zip(path):
    with open(path, "rb") as f:
        head = f.read(8)
    if head == _HDF5_SIGNATURE:
        raise ValueError(f"'{path}' is an HDF5 file, not a `.keras` zip: give it a `.h5` "
                         "extension to load it as a Keras 2 style model file, or use "
                         "model.load_weights() for a `.weights.h5` file.")
    if not zipfile.is_zipfile(path):
        raise DataLossError(f"Cannot load '{path}': it is not a zip archive, so not a `.keras` "
                            "file (it may be truncated, corrupted, or in another format).")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
        raise DataLossError(f"Cannot load '{path}': the zip archive is corrupted ({e}).") from e
    try:
        size = os.path.getsize(path)
        for info in archive.infolist():
            if info.compress_size > size or (
                    info.file_size > max(info.compress_size, 1) * _MAX_DEFLATE_RATIO):
                raise DataLossError(
                    f"Cannot load '{path}': its member {info.filename} claims {info.file_size} "
                    f"bytes from {info.compress_size} compressed bytes, which no zip "
                    "compression gives; the archive is corrupted.")
        bad = archive.testzip()  # streams every member through its CRC check
    except DataLossError:
        archive.close()
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
            zlib.error) as e:
        archive.close()
        raise DataLossError(f"Cannot load '{path}': the zip archive is corrupted ({e}).") from e
    if bad is not None:
        archive.close()
        raise DataLossError(f"Cannot load '{path}': the zip member {bad} is corrupted (CRC "
                            "mismatch).")
    return archive


_H5_ERRORS = (OSError, ValueError, RuntimeError, KeyError, TypeError, IndexError,
              AttributeError, OverflowError)


def _open_h5(source, label, size):
    """Opens an HDF5 weights file and checks it before anything is read from it: no links
    or external/virtual storage, no dataset claiming more bytes than the file holds, and
    (for files ndflow wrote) the checksum of every dataset."""
    h5py = _h5py()
    try:
        h5file = h5py.File(source, "r")
    except _H5_ERRORS as e:
        raise DataLossError(f"Cannot load weights from '{label}': not a readable HDF5 file "
                            f"({e}); it may be truncated or corrupted.") from e
    try:
        weights_store.check_h5_file(h5file, label, size)
    except DataLossError:
        h5file.close()
        raise
    except _H5_ERRORS as e:
        h5file.close()
        raise DataLossError(f"Cannot load weights from '{label}': the HDF5 file is corrupted "
                            f"({type(e).__name__}: {e}).") from e
    return h5file


def _with_file(e, path):
    """`e` again, its message prefixed with the file it came from (a missing key becomes a
    DataLossError saying which key)."""
    if isinstance(e, KeyError):
        key = e.args[0] if e.args else "?"
        return DataLossError(f"Cannot load '{path}': its config.json lacks the key {key!r} "
                             "needed to rebuild the model (the file is incomplete or not a "
                             "Keras model file).")
    if isinstance(e, (IndexError, AttributeError, RecursionError, OverflowError)):
        return DataLossError(f"Cannot load '{path}': its config.json is malformed "
                             f"({type(e).__name__}: {e}).")
    message = f"Cannot load '{path}': {e}"
    try:
        new = type(e)(message)
    except Exception:
        new = DataLossError(message)
    return new


def _restore(model, h5file, source, include_optimizer, skip_mismatch=False):
    optimizer = getattr(model, "optimizer", None) if include_optimizer else None
    try:
        if optimizer is not None and not getattr(optimizer, "built", True) and \
                weights_store.has_optimizer_state(h5file) and model.trainable_variables:
            optimizer.build(model.trainable_variables)  # so its saved slots have a home
        plan = weights_store.plan_assignments(h5file, model, source, include_optimizer,
                                              skip_mismatch)
    except DataLossError:
        raise
    except (OSError, RuntimeError, KeyError) as e:  # h5py on a corrupted file
        raise DataLossError(f"Cannot load weights from '{source}': the HDF5 file is "
                            f"corrupted ({type(e).__name__}: {e}).") from e
    for variable, value in plan:
        variable.assign(value)


# --- assets: files a layer keeps beside its variables (Keras 3's save_assets/load_assets,
# e.g. a lookup layer's vocabulary.txt), stored as assets/<the layer's path>/<file> ---------

def _asset_layers(model):
    from ..layers.base import Layer
    for path, obj in weights_store.collect_saveables(model, include_optimizer=False):
        if isinstance(obj, Layer):
            yield path, obj


def _asset_parts(model):
    """{zip member name: bytes} of every layer's saved assets."""
    import tempfile
    parts = {}
    for path, obj in _asset_layers(model):
        if not callable(getattr(obj, "save_assets", None)):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            obj.save_assets(tmp)
            for name in sorted(os.listdir(tmp)):
                member = os.path.join(tmp, name)
                if os.path.isfile(member) and not os.path.islink(member):
                    with open(member, "rb") as f:
                        parts["/".join(p for p in ("assets", path, name) if p)] = f.read()
    return parts


def _safe_asset_name(name):
    return name not in ("", ".", "..") and "/" not in name and "\\" not in name and \
        "\0" not in name


def _load_assets(model, model_file):
    """Hands each layer with load_assets a temporary directory holding its saved files
    (only plain file names directly under its assets/<path>/ are read)."""
    import tempfile
    for path, obj in _asset_layers(model):
        if not callable(getattr(obj, "load_assets", None)):
            continue
        prefix = "/".join(p for p in ("assets", path) if p) + "/"
        if model_file.directory:
            folder = os.path.join(model_file.path, *prefix.split("/"))
            names = [n for n in (os.listdir(folder) if os.path.isdir(folder) else [])
                     if os.path.isfile(os.path.join(folder, n))]
        else:
            names = [n[len(prefix):] for n in model_file.names if n.startswith(prefix)]
        names = [n for n in names if _safe_asset_name(n)]
        if not names:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            for name in names:
                if model_file.directory:
                    member = os.path.join(folder, name)
                    if os.path.getsize(member) > _MAX_JSON_BYTES:
                        raise DataLossError(f"Cannot load '{model_file.path}': its asset "
                                            f"{prefix}{name} is too large.")
                    with open(member, "rb") as f:
                        data = f.read()
                else:
                    data = model_file.read(prefix + name, limit=_MAX_JSON_BYTES)
                with open(os.path.join(tmp, name), "wb") as f:
                    f.write(data)
            try:
                obj.load_assets(tmp)
            except (ValueError, TypeError, UnicodeDecodeError) as e:
                raise DataLossError(f"Cannot load '{model_file.path}': the assets of layer "
                                    f"'{obj.name}' ({prefix}) are invalid: {e}") from e


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved in a `.keras` file (ndflow's or Keras 3's), or in a Keras 2 style
    whole-model `.h5` file (`model.save("m.h5")` of Keras 2, tf_keras, Keras 3 or ndflow).

    Restores the architecture, the weights and, when `compile`, the training configuration
    and optimizer state. Stored code is never executed: a Lambda layer's lambda cannot be
    loaded (even with `safe_mode=False`), and a config can only name registered classes
    and functions, those in `custom_objects`, or Keras's own serializable objects.

    Args:
      filepath: the `.keras` file (or directory written with `zipped=False`), or a `.h5` /
        `.hdf5` whole-model file.
      custom_objects: dict of name -> class or function used by the config.
      compile: whether to compile the model from its saved training configuration.
      safe_mode: Keras's flag for lambda deserialization (ndflow refuses lambdas always).

    Returns:
      The model.

    Raises:
      NotFoundError: the file does not exist.
      DataLossError: the file is truncated, corrupted or not a model file (the message
        names the file and what is wrong); nothing is allocated from sizes it merely claims.
      TypeError: the config names a class or function that cannot be found.
      ValueError: a weights-only `.h5` file, a SavedModel directory, or a stored lambda
        (including a Keras 2 Lambda layer's marshalled bytecode, never executed).

    Example:

    >>> model.save("model.keras")                      # doctest: +SKIP
    >>> model = keras.models.load_model("model.keras") # doctest: +SKIP
    """
    path = os.fspath(filepath)
    if not os.path.isdir(path) and (path.endswith((".h5", ".hdf5")) or _is_hdf5(path)):
        return _load_h5_model(path, custom_objects, compile, safe_mode)
    if not os.path.isdir(path) and not path.endswith(".keras") and os.path.isdir(
            os.path.join(path, "variables")):
        raise ValueError(f"'{path}' is a TensorFlow SavedModel directory, which ndflow (like "
                         "Keras 3's load_model) does not read; save the model as `.keras`.")
    model_file = _ModelFile(path)
    try:
        config = model_file.json(CONFIG_FILENAME, required=True)
        model_file.json(METADATA_FILENAME, required=False)
        if not isinstance(config, dict) or "class_name" not in config:
            raise DataLossError(f"Cannot load '{path}': config.json does not describe a Keras "
                                "object (expected a dict with 'class_name').")
        if not compile:
            config.pop("compile_config", None)
        config = keras_compat.strip_neutral_extras(config)
        h5file = model_file.weights()
        weights_size = model_file.weights_size()
        budget = _default_weight_budget() if weights_size is None else \
            2 * weights_size + (1 << 20)  # weights and optimizer slots, all in the file
        try:
            try:
                legacy = h5file is not None and weights_store.is_legacy_keras2_h5(h5file)
            except _H5_ERRORS as e:
                raise DataLossError(f"Cannot load '{path}': its weights file is corrupted "
                                    f"({e}).") from e
            if legacy:
                raise DataLossError(f"Cannot load '{path}': its weights use the Keras 2 layout, "
                                    "which ndflow does not read.")
            with object_registration.CustomObjectScope(custom_objects), \
                    serialization_lib.SafeModeScope(safe_mode), _weight_budget(budget, path):
                try:
                    model = serialization_lib.deserialize_keras_object(
                        config, custom_objects=custom_objects, safe_mode=safe_mode)
                except (DataLossError, ResourceExhaustedError):
                    raise
                except (TypeError, ValueError, KeyError, AttributeError, IndexError,
                        RecursionError, OverflowError) as e:
                    raise _with_file(e, path) from e
            _check_model(model, "load_model")
            if h5file is not None:
                _restore(model, h5file, path, include_optimizer=compile)
            _load_assets(model, model_file)
        finally:
            if h5file is not None:
                h5file.close()
    finally:
        model_file.close()
    return model


def _is_hdf5(path):
    try:
        with open(path, "rb") as f:
            return f.read(8) == _HDF5_SIGNATURE
    except OSError:
        return False


def _load_h5_model(path, custom_objects, compile, safe_mode):
    """load_model for a Keras 2 style whole-model `.h5` file (legacy_h5_model.py)."""
    from . import legacy_h5_model
    if not os.path.exists(path):
        raise NotFoundError(f"File not found: filepath={path}. Please ensure the file is an "
                            "accessible `.h5` or `.keras` file.")
    h5file = _open_h5(path, path, os.path.getsize(path))
    try:
        try:
            whole = legacy_h5_model.is_model_file(h5file)
        except _H5_ERRORS as e:
            raise DataLossError(f"Cannot load '{path}': the HDF5 file is corrupted ({e}).") \
                from e
        if not whole:
            raise ValueError(f"'{path}' holds weights only in the Keras 2 `.h5` layout (no "
                             "model_config), so it is not a whole-model file: build the "
                             "model and call model.load_weights() on it.")
        try:
            return legacy_h5_model.load_model(path, h5file, os.path.getsize(path),
                                              custom_objects, compile, safe_mode)
        except (DataLossError, ResourceExhaustedError):
            raise
        except UnicodeError as e:  # h5py decoding a corrupted string attribute
            raise DataLossError(f"Cannot load '{path}' (Keras 2 `.h5` model file): a string "
                                f"in the file is corrupted ({e}).") from e
        except (TypeError, ValueError) as e:
            if path in str(e):
                raise
            raise _with_file(e, path) from e
        except _H5_ERRORS as e:
            raise DataLossError(f"Cannot load '{path}' (Keras 2 `.h5` model file): the HDF5 "
                                f"file is corrupted ({type(e).__name__}: {e}).") from e
    finally:
        h5file.close()


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Loads weights (and optimizer state, when the model has an optimizer) from a
    `.weights.h5` file or from the weights inside a `.keras` file, all or nothing.

    Args:
      model: the built model to load into.
      filepath: a `.weights.h5` or `.keras` file, or a Keras 2 `.h5` weights file (the
        layout of keras.applications' published weights), matched layer by layer.
      skip_mismatch: skip (with a warning) layers whose weights do not match.
      by_name: (Keras 2 `.h5` files only) match layers by name instead of by position.

    Raises:
      NotFoundError: the file does not exist.
      DataLossError: the file is corrupted or does not match the model; nothing changed.
    """
    _check_model(model, "load_weights")
    by_name = bool(kwargs.pop("by_name", False))
    kwargs.pop("options", None)
    if kwargs:
        raise TypeError(f"load_weights() got unexpected keyword arguments: {sorted(kwargs)}")
    path = os.fspath(filepath)
    if path.endswith(".keras"):
        model_file = _ModelFile(path)
        try:
            h5file = model_file.weights()
            if h5file is None:
                raise DataLossError(f"Cannot load weights from '{path}': it holds no "
                                    f"{WEIGHTS_FILENAME}.")
            try:
                _restore(model, h5file, path, True, skip_mismatch)
            finally:
                h5file.close()
        finally:
            model_file.close()
        return
    if not path.endswith((".h5", ".hdf5")):
        _check_weights_path(path, "load_weights")  # raises: not a weights file name
    if not os.path.exists(path):
        raise NotFoundError(f"load_weights: file not found: filepath={path}")
    if os.path.isdir(path):
        raise DataLossError(f"load_weights: '{path}' is a directory, not a weights file.")
    h5file = _open_h5(path, path, os.path.getsize(path))
    try:
        try:
            legacy = weights_store.is_legacy_keras2_h5(h5file)
        except _H5_ERRORS as e:
            raise DataLossError(f"Cannot load weights from '{path}': the HDF5 file is "
                                f"corrupted ({e}).") from e
        if legacy:  # keras.applications' published files, Keras 2 `model.save_weights`
            from . import legacy_h5
            try:
                legacy_h5.load_weights(model, h5file, path,
                                       by_name=by_name, skip_mismatch=skip_mismatch)
            except (DataLossError, ValueError):
                raise
            except _H5_ERRORS as e:
                raise DataLossError(f"Cannot load weights from '{path}' (Keras 2 `.h5` "
                                    f"layout): the HDF5 file is corrupted ({e}).") from e
            return
        _check_weights_path(path, "load_weights")
        _restore(model, h5file, path, True, skip_mismatch)
    finally:
        h5file.close()
