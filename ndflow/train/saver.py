"""TF1 `train.Saver`: variable checkpoints whose data lives in safetensors files.

A checkpoint with prefix `model.ckpt-1000` is the file `model.ckpt-1000.safetensors`
(tensors keyed by variable name) plus the directory's `checkpoint` state file, written in
TensorFlow's text form so `get_checkpoint_state` / `latest_checkpoint` work as in TF1.
Every file is written to a temporary file in the same directory and renamed into place;
restoring validates the whole file before any variable changes.
"""
import os
import re

import numpy as np

from ..util.atomic import atomic_write_bytes
from ..framework.errors import DataLossError, InvalidArgumentError, NotFoundError
from ..framework.variables import Variable, global_variables

_SUFFIX = ".safetensors"
_STATE_FILE = "checkpoint"


def _safetensors():
    try:
        from safetensors import numpy as st_numpy
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("Saver stores checkpoints with the `safetensors` package: "
                          "pip install 'ndflow[saving]'") from e
    return st_numpy


def _var_key(var):
    return var.name.split(":")[0]


class CheckpointState:
    def __init__(self, model_checkpoint_path, all_model_checkpoint_paths):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)

    def __repr__(self):
        return (f"model_checkpoint_path: {self.model_checkpoint_path!r}\n"
                f"all_model_checkpoint_paths: {self.all_model_checkpoint_paths!r}")


class Saver:
    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False,
                 saver_def=None, builder=None, defer_build=False, allow_empty=False,
                 write_version=None, pad_step_number=False, save_relative_paths=False,
                 filename=None, save_debug_info=False):
        if var_list is None:
            var_list = global_variables()
        if isinstance(var_list, dict):
            self._vars = dict(var_list)
        else:
            self._vars = {_var_key(v): v for v in var_list}
        if not self._vars and not allow_empty:
            raise ValueError("No variables to save")
        for key, v in self._vars.items():
            if not isinstance(v, Variable):
                raise TypeError(f"Saver: {key!r} is not a Variable: {v!r}")
        self._max_to_keep = max_to_keep
        self._last = []

    def save(self, sess, save_path, global_step=None, latest_filename=None,
             meta_graph_suffix="meta", write_meta_graph=True, write_state=True, strip_default_attrs=False,
             save_debug_info=False):
        if global_step is not None:
            step = global_step if isinstance(global_step, (int, np.integer)) else \
                int(_value_of(global_step, sess))
            save_path = f"{save_path}-{step}"
        tensors = {key: np.ascontiguousarray(_value_of(v, sess)) for key, v in self._vars.items()}
        data = _safetensors().save(tensors)
        atomic_write_bytes(save_path + _SUFFIX, data)
        if write_state:
            self._remember(save_path, latest_filename or _STATE_FILE)
        return save_path

    def _remember(self, save_path, state_name):
        directory = os.path.dirname(os.path.abspath(save_path))
        state = get_checkpoint_state(directory, state_name)
        paths = [p for p in (state.all_model_checkpoint_paths if state else [])
                 if os.path.abspath(p) != os.path.abspath(save_path)]
        paths.append(save_path)
        if self._max_to_keep:
            for old in paths[:-self._max_to_keep]:
                if os.path.exists(old + _SUFFIX):
                    os.unlink(old + _SUFFIX)
            paths = paths[-self._max_to_keep:]
        text = f'model_checkpoint_path: "{_rel(save_path, directory)}"\n' + "".join(
            f'all_model_checkpoint_paths: "{_rel(p, directory)}"\n' for p in paths)
        atomic_write_bytes(os.path.join(directory, state_name), text.encode())

    def restore(self, sess, save_path):
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        path = save_path if save_path.endswith(_SUFFIX) else save_path + _SUFFIX
        if not os.path.exists(path):
            raise NotFoundError(f"Restoring from checkpoint failed: {path} does not exist. "
                                "Saver checkpoints are safetensors files written by ndflow.")
        try:
            with open(path, "rb") as f:
                tensors = _safetensors().load(f.read())
        except Exception as e:  # noqa: BLE001 - any parse failure means a bad file
            raise DataLossError(f"Unable to read checkpoint {path}: not a valid safetensors "
                                f"file or truncated ({e}).") from None
        values = {}
        for key, var in self._vars.items():  # validate everything before changing anything
            if key not in tensors:
                raise NotFoundError(f"Key {key} not found in checkpoint {path}.")
            value = tensors[key]
            if not var.shape.is_compatible_with(value.shape):
                raise InvalidArgumentError(
                    f"Restoring {key}: the checkpoint holds shape {value.shape} but the "
                    f"variable has shape {var.shape}.")
            values[var] = value.astype(var.dtype.as_numpy_dtype, copy=False)
        for var, value in values.items():
            if var.graph is None:
                var.assign(value)
            else:
                if sess is None:
                    raise ValueError("Saver.restore needs a Session for graph variables.")
                sess._store[var] = value

    def last_checkpoints(self):
        return list(self._last)


def _value_of(v, sess):
    if isinstance(v, Variable) and v.graph is None:
        return v.numpy()
    if sess is None:
        raise ValueError("Saver.save needs a Session for graph variables.")
    return sess.run(v)


def _rel(path, directory):
    return os.path.relpath(os.path.abspath(path), directory)


_LINE = re.compile(r'^(model_checkpoint_path|all_model_checkpoint_paths):\s*"(.*)"\s*$')


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    path = os.path.join(checkpoint_dir, latest_filename or _STATE_FILE)
    if not os.path.exists(path):
        return None
    model, paths = None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = _LINE.match(line.strip())
            if not m:
                continue
            value = m.group(2)
            if not os.path.isabs(value):
                value = os.path.join(checkpoint_dir, value)
            if m.group(1) == "model_checkpoint_path":
                model = value
            else:
                paths.append(value)
    if model is None:
        return None
    return CheckpointState(model, paths or [model])


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None:
        return None
    return state.model_checkpoint_path if os.path.exists(
        state.model_checkpoint_path + _SUFFIX) else None


def checkpoint_exists(checkpoint_prefix):
    return os.path.exists(checkpoint_prefix + _SUFFIX)
