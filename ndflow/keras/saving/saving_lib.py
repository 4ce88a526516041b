"""`.keras` files (Keras 3's format) and `.weights.h5` files: writing and reading.

A `.keras` file is a zip (members stored, not deflated, like Keras) of `metadata.json`,
`config.json` (the model's Keras config with build_config and compile_config) and
`model.weights.h5` (see weights_store.py). Every write goes to a temporary file in the
target's directory that is renamed over the target only once complete. Every read checks
the whole file against the model before a single variable is assigned.
"""
import datetime
import io
import json
import os
import shutil
import tempfile
import warnings
import zipfile

from ...util.atomic import atomic_write
from ...framework.errors import AlreadyExistsError, DataLossError, NotFoundError
from . import keras_compat, object_registration, serialization_lib, weights_store

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"
_MAX_JSON_BYTES = 64 << 20          # config.json/metadata.json larger than this is not ours
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def _h5py():
    try:
        import h5py
    except ImportError as e:
        raise ImportError("Saving and loading Keras weights needs h5py: "
                          "`pip install h5py` (or `pip install ndflow[keras]`).") from e
    return h5py


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
    with _h5py().File(buffer, "w") as h5file:
        weights_store.write_weights(h5file, model, include_optimizer)
    return buffer.getvalue()


def _check_model(model, what):
    from ..layers.base import Layer
    if not isinstance(model, Layer):
        raise TypeError(f"{what} expects a Keras model or layer. Received: {model!r} "
                        f"(of type {type(model).__name__})")


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Saves `model` as a Keras 3 `.keras` file (zipped=False: a directory of its parts)."""
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
        raise ValueError(
            "Saving a whole model to a Keras 2 style `.h5` file is not supported by ndflow. "
            "Use the Keras 3 format: model.save('model.keras'); for weights only, "
            f"model.save_weights('model.weights.h5'). Received: filepath={path}")
    if not path.endswith(".keras"):
        raise ValueError("Invalid filepath extension for saving: use a `.keras` extension "
                         f"(the Keras 3 format). Received: filepath={path}")
    _check_overwrite(path, overwrite)
    config_json = json.dumps(serialization_lib.serialize_keras_object(model))
    parts = {METADATA_FILENAME: json.dumps(_metadata()).encode(),
             CONFIG_FILENAME: config_json.encode(),
             WEIGHTS_FILENAME: _weights_bytes(model, include_optimizer)}
    if zipped is False:
        _write_directory(path, parts)
        return

    def write(f):
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as archive:
            for name, data in parts.items():
                archive.writestr(name, data)

    atomic_write(path, write)


def _write_directory(path, parts):
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=parent)
    try:
        for name, data in parts.items():
            with open(os.path.join(tmp, name), "wb") as f:
                f.write(data)
        if os.path.isdir(path):  # swap: the old directory is removed only once replaced
            old = tempfile.mkdtemp(prefix=f".{os.path.basename(path)}.", suffix=".old",
                                   dir=parent)
            os.rmdir(old)
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            if os.path.exists(path):
                os.unlink(path)
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


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

class _ModelFile:
    """The parts of a `.keras` file (zip or directory), checked as they are read."""

    def __init__(self, path):
        self.path = path
        if not os.path.exists(path):
            raise NotFoundError(f"File not found: filepath={path}. Please ensure the file is "
                                "an accessible `.keras` zip file.")
        self.directory = os.path.isdir(path)
        self.archive = None
        if self.directory:
            self.names = set(os.listdir(path))
        else:
            self.archive = _open_zip(path)
            self.names = set(self.archive.namelist())

    def read(self, name, limit=None):
        if name not in self.names:
            return None
        if self.directory:
            with open(os.path.join(self.path, name), "rb") as f:
                return f.read()
        info = self.archive.getinfo(name)
        if limit is not None and info.file_size > limit:
            raise DataLossError(f"Cannot load '{self.path}': its {name} is {info.file_size} "
                                "bytes, far more than a model config; refusing to read it.")
        try:
            return self.archive.read(name)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
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
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise DataLossError(f"Cannot load '{self.path}': its {name} is not valid JSON "
                                f"({e}).") from e

    def weights(self):
        """The open h5py File of model.weights.h5, or None when the file holds none."""
        data = self.read(WEIGHTS_FILENAME)
        if data is None:
            if "model.weights.npz" in self.names:
                raise DataLossError(f"Cannot load '{self.path}': its weights are in the .npz "
                                    "variant of the format, which ndflow does not read.")
            return None
        return _open_h5(io.BytesIO(data), f"{self.path} ({WEIGHTS_FILENAME})")

    def close(self):
        if self.archive is not None:
            self.archive.close()


def _open_zip(path):
    with open(path, "rb") as f:
        head = f.read(8)
    if head == _HDF5_SIGNATURE:
        raise ValueError(f"'{path}' is an HDF5 file, not a `.keras` zip: whole models saved in "
                         "the Keras 2 `.h5` format are not supported by ndflow. Load it with "
                         "Keras and save it again as `.keras`, or use "
                         "model.load_weights() for a `.weights.h5` file.")
    if not zipfile.is_zipfile(path):
        raise DataLossError(f"Cannot load '{path}': it is not a zip archive, so not a `.keras` "
                            "file (it may be truncated, corrupted, or in another format).")
    try:
        archive = zipfile.ZipFile(path)
        bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise DataLossError(f"Cannot load '{path}': the zip archive is corrupted ({e}).") from e
    if bad is not None:
        archive.close()
        raise DataLossError(f"Cannot load '{path}': the zip member {bad} is corrupted (CRC "
                            "mismatch).")
    return archive


def _open_h5(source, label):
    h5py = _h5py()
    try:
        h5file = h5py.File(source, "r")
    except (OSError, ValueError) as e:
        raise DataLossError(f"Cannot load weights from '{label}': not a readable HDF5 file "
                            f"({e}); it may be truncated or corrupted.") from e
    return h5file


def _with_file(e, path):
    """`e` again, its message prefixed with the file it came from."""
    message = f"Cannot load '{path}': {e}"
    try:
        new = type(e)(message)
    except Exception:
        new = DataLossError(message)
    return new


def _restore(model, h5file, source, include_optimizer, skip_mismatch=False):
    optimizer = getattr(model, "optimizer", None) if include_optimizer else None
    if optimizer is not None and not getattr(optimizer, "built", True) and \
            weights_store.has_optimizer_state(h5file) and model.trainable_variables:
        optimizer.build(model.trainable_variables)  # so its saved slots have a home
    plan = weights_store.plan_assignments(h5file, model, source, include_optimizer,
                                          skip_mismatch)
    for variable, value in plan:
        variable.assign(value)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a `.keras` file (ndflow's or Keras 3's): architecture, weights, and when
    `compile` the training configuration and optimizer state."""
    path = os.fspath(filepath)
    if path.endswith((".h5", ".hdf5")) and not os.path.isdir(path):
        if os.path.exists(path):
            raise ValueError(f"'{path}': whole models saved in the Keras 2 `.h5` format are not "
                             "supported by ndflow; use the Keras 3 `.keras` format. (For a "
                             "`.weights.h5` file, build the model and call load_weights.)")
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
        try:
            if h5file is not None and weights_store.is_legacy_keras2_h5(h5file):
                raise DataLossError(f"Cannot load '{path}': its weights use the Keras 2 layout, "
                                    "which ndflow does not read.")
            with object_registration.CustomObjectScope(custom_objects), \
                    serialization_lib.SafeModeScope(safe_mode):
                try:
                    model = serialization_lib.deserialize_keras_object(
                        config, custom_objects=custom_objects, safe_mode=safe_mode)
                except DataLossError:
                    raise
                except (TypeError, ValueError, KeyError, AttributeError) as e:
                    raise _with_file(e, path) from e
            _check_model(model, "load_model")
            if h5file is not None:
                _restore(model, h5file, path, include_optimizer=compile)
        finally:
            if h5file is not None:
                h5file.close()
    finally:
        model_file.close()
    return model


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Loads weights (and optimizer state, when the model has an optimizer) from a
    `.weights.h5` file or from the weights inside a `.keras` file, all or nothing."""
    _check_model(model, "load_weights")
    kwargs.pop("by_name", None)
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
    h5file = _open_h5(path, path)
    try:
        if weights_store.is_legacy_keras2_h5(h5file):
            raise ValueError(f"Cannot load weights from '{path}': it uses the Keras 2 `.h5` "
                             "layout, which ndflow does not read. Re-save it with Keras 3 as "
                             "`.weights.h5`.")
        _check_weights_path(path, "load_weights")
        _restore(model, h5file, path, True, skip_mismatch)
    finally:
        h5file.close()
