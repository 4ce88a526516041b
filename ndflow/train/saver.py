"""TF1 `train.Saver`: variable checkpoints whose data lives in safetensors files.

A checkpoint with prefix `model.ckpt-1000` is the file `model.ckpt-1000.safetensors`
(tensors keyed by variable name, with a SHA-256 of names, dtypes, shapes and data in its
metadata) plus the directory's `checkpoint` state file, written in TensorFlow's text form
so `get_checkpoint_state` / `latest_checkpoint` work as in TF1.

As in TF1, a Saver prunes only the checkpoints it wrote itself (`last_checkpoints`): the
new state file is written first (atomically), then the oldest checkpoint is deleted, so a
kill between the two leaves at most one file too many, never a state file naming a
deleted checkpoint. Processes saving into one directory take turns on it (a lock on the
directory). Restoring validates the whole file (checksum, every key, shape and dtype)
before any variable changes.
"""
import hashlib
import json
import os
import re
import time
import warnings

import numpy as np

from ..framework.errors import DataLossError, InvalidArgumentError, NotFoundError
from ..framework.variables import Variable
from ..ops.variable_collections import global_variables
from ..util.atomic import atomic_write_bytes, directory_lock

_SUFFIX = ".safetensors"
_STATE_FILE = "checkpoint"
_FORMAT = "ndflow.train.Saver/1"
_CHECKSUM_KEY = "ndflow_sha256"
_MAX_STATE_BYTES = 16 << 20     # a state file larger than this is not a checkpoint state


def _safetensors():
    try:
        from safetensors import numpy as st_numpy
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("Saver stores checkpoints with the `safetensors` package, a "
                          "dependency of ndflow: pip install safetensors") from e
    return st_numpy


def _var_key(var):
    return var.name.split(":")[0]


def tensors_digest(tensors):
    """The SHA-256 (hex) of a dict of arrays: names, dtypes, shapes and bytes, in name order.

    Args:
      tensors: dict of str -> numpy array.

    Returns:
      A 64-character hex string, independent of dict order and of the arrays' byte order.
    """
    digest = hashlib.sha256()
    for name in sorted(tensors):
        array = np.asarray(tensors[name])
        dtype = array.dtype.newbyteorder("<") if array.dtype.byteorder in "<>=" else array.dtype
        header = json.dumps([name, dtype.str, list(array.shape)]).encode("utf-8")
        digest.update(len(header).to_bytes(8, "little") + header)
        digest.update(np.ascontiguousarray(array, dtype=dtype).tobytes())
    return digest.hexdigest()


class CheckpointState:
    """The contents of a `checkpoint` state file: the latest checkpoint and all kept ones.

    Attributes:
      model_checkpoint_path: the prefix of the most recent checkpoint.
      all_model_checkpoint_paths: the prefixes of the checkpoints kept, oldest first.
    """

    def __init__(self, model_checkpoint_path, all_model_checkpoint_paths):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)

    def __repr__(self):
        return (f"model_checkpoint_path: {self.model_checkpoint_path!r}\n"
                f"all_model_checkpoint_paths: {self.all_model_checkpoint_paths!r}")


class Saver:
    """Saves and restores variables (TF1's `tf.compat.v1.train.Saver`).

    Args:
      var_list: the variables to save: a list of `Variable`s (keyed by their names), a dict
        of checkpoint key -> `Variable`, or None for all global variables.
      max_to_keep: how many recent checkpoints this Saver keeps; older ones it wrote are
        deleted. None or 0 keeps every file (the state file then names only the latest).
      keep_checkpoint_every_n_hours: additionally keep one checkpoint per this many hours.
      allow_empty: allow a Saver with no variables.
      The other arguments are accepted for compatibility and have no effect.

    Raises:
      ValueError: no variables to save, two variables with one name, or a bad
        `max_to_keep` / `keep_checkpoint_every_n_hours`.
      TypeError: an entry of `var_list` that is not a Variable.

    Example:

    >>> saver = tf.train.Saver(max_to_keep=3)                      # doctest: +SKIP
    >>> path = saver.save(sess, "ckpt/model", global_step=step)    # doctest: +SKIP
    >>> saver.restore(sess, tf.train.latest_checkpoint("ckpt"))    # doctest: +SKIP
    """

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False,
                 saver_def=None, builder=None, defer_build=False, allow_empty=False,
                 write_version=None, pad_step_number=False, save_relative_paths=False,
                 filename=None, save_debug_info=False):
        if var_list is None:
            var_list = global_variables()
        if isinstance(var_list, dict):
            items = list(var_list.items())
            for key, _ in items:
                if not isinstance(key, str) or not key:
                    raise TypeError(f"Saver: var_list keys must be non-empty strings (the "
                                    f"checkpoint keys). Received: {key!r}")
        elif isinstance(var_list, (list, tuple, set)):
            items = []
            seen = set()
            for v in var_list:
                if not isinstance(v, Variable):
                    raise TypeError(f"Saver: var_list entries must be Variables. Received: "
                                    f"{v!r} (of type {type(v).__name__})")
                if id(v) in seen:
                    continue
                seen.add(id(v))
                items.append((_var_key(v), v))
        else:
            raise TypeError("Saver: var_list must be a list or dict of Variables. Received: "
                            f"{var_list!r}")
        self._vars = {}
        for key, v in items:
            if not isinstance(v, Variable):
                raise TypeError(f"Saver: {key!r} is not a Variable: {v!r}")
            if key in self._vars:
                raise ValueError(f"At least two variables have the same name: {key}")
            self._vars[key] = v
        if not self._vars and not allow_empty:
            raise ValueError("No variables to save")
        if max_to_keep is not None and (isinstance(max_to_keep, bool) or
                                        not isinstance(max_to_keep, (int, np.integer)) or
                                        max_to_keep < 0):
            raise ValueError("Saver: max_to_keep must be a non-negative integer or None. "
                             f"Received: max_to_keep={max_to_keep!r}")
        try:
            hours = float(keep_checkpoint_every_n_hours)
        except (TypeError, ValueError):
            hours = float("nan")
        if not hours > 0:
            raise ValueError("Saver: keep_checkpoint_every_n_hours must be a positive number. "
                             f"Received: {keep_checkpoint_every_n_hours!r}")
        self._max_to_keep = int(max_to_keep or 0)
        self._keep_every_s = hours * 3600.0
        self._next_keep_time = time.time() + self._keep_every_s
        self._last_checkpoints = []      # [(prefix, time saved)], oldest first
        self._to_delete = []

    # --- the checkpoints this Saver keeps ------------------------------------------------------

    @property
    def last_checkpoints(self):
        """The prefixes of the checkpoints this Saver wrote and keeps, oldest first."""
        return [path for path, _ in self._last_checkpoints]

    def set_last_checkpoints(self, last_checkpoints):
        """Replaces the list of kept checkpoints (prefixes, oldest first)."""
        if not isinstance(last_checkpoints, (list, tuple)):
            raise TypeError(f"last_checkpoints must be a list. Received: {last_checkpoints!r}")
        self._last_checkpoints = [(os.fspath(p), np.inf) for p in last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time):
        """Replaces the list of kept checkpoints: (prefix, timestamp) pairs, oldest first."""
        if not isinstance(last_checkpoints_with_time, (list, tuple)):
            raise TypeError("last_checkpoints_with_time must be a list. Received: "
                            f"{last_checkpoints_with_time!r}")
        self._last_checkpoints = [(os.fspath(p), float(t)) for p, t in last_checkpoints_with_time]

    def recover_last_checkpoints(self, checkpoint_paths):
        """Adopts the existing checkpoints among `checkpoint_paths` (e.g. a crashed run's
        `get_checkpoint_state(dir).all_model_checkpoint_paths`) so they are pruned in turn."""
        now = time.time()
        self._last_checkpoints = [(os.fspath(p), now) for p in checkpoint_paths
                                  if checkpoint_exists(os.fspath(p))]

    # --- saving ---------------------------------------------------------------------------------

    def save(self, sess, save_path, global_step=None, latest_filename=None,
             meta_graph_suffix="meta", write_meta_graph=True, write_state=True,
             strip_default_attrs=False, save_debug_info=False):
        """Saves the variables to `save_path[-global_step].safetensors`.

        Args:
          sess: the Session holding the values (None for eager variables).
          save_path: the checkpoint prefix, e.g. "ckpt/model.ckpt".
          global_step: an int, or a Variable/Tensor holding one, appended as "-<step>".
          latest_filename: the name of the state file (default "checkpoint"), in the
            directory of `save_path`.
          write_state: whether to update the state file and prune old checkpoints.

        Returns:
          The checkpoint prefix written, to pass to `restore`.

        Raises:
          TypeError: `save_path` is not a path, `global_step` is not an integer, or a
            variable's dtype cannot be stored.
          ValueError: `latest_filename` has path components.
        """
        if not isinstance(save_path, (str, os.PathLike)):
            raise TypeError(f"Saver.save: save_path must be a path (str). Received: "
                            f"{save_path!r}")
        save_path = os.fspath(save_path)
        if latest_filename is None:
            latest_filename = _STATE_FILE
        elif not isinstance(latest_filename, str) or not latest_filename or \
                os.path.split(latest_filename)[0] or latest_filename in (".", ".."):
            raise ValueError("'latest_filename' must not contain path components. Received: "
                             f"latest_filename={latest_filename!r}")
        if global_step is not None:
            save_path = f"{save_path}-{_step_of(global_step, sess)}"
        tensors = {}
        for key, v in self._vars.items():
            value = np.array(_value_of(v, sess), order="C")  # 0-d stays 0-d
            if value.dtype.kind not in "biuf" or value.dtype.byteorder == ">":
                raise TypeError(f"Saver.save: variable {key} has dtype {value.dtype}, which a "
                                "safetensors checkpoint cannot store.")
            tensors[key] = value
        metadata = {"format": _FORMAT, _CHECKSUM_KEY: tensors_digest(tensors)}
        data = _safetensors().save(tensors, metadata=metadata)
        atomic_write_bytes(save_path + _SUFFIX, data)
        if write_state:
            directory = os.path.dirname(os.path.abspath(save_path))
            with directory_lock(directory):
                self._record(save_path)
                kept = [p for p in self.last_checkpoints if checkpoint_exists(p)]
                write_checkpoint_state(directory, save_path, kept or [save_path],
                                       latest_filename)
                self._delete_old()
        return save_path

    def _record(self, save_path):
        if not self._max_to_keep:
            return
        self._last_checkpoints = [(p, t) for p, t in self._last_checkpoints
                                  if os.path.abspath(p) != os.path.abspath(save_path)]
        self._last_checkpoints.append((save_path, time.time()))
        while len(self._last_checkpoints) > self._max_to_keep:
            self._to_delete.append(self._last_checkpoints.pop(0))

    def _delete_old(self):
        while self._to_delete:
            path, saved_at = self._to_delete.pop(0)
            if saved_at > self._next_keep_time:  # keep_checkpoint_every_n_hours keeps it
                self._next_keep_time += self._keep_every_s
                continue
            try:
                os.unlink(path + _SUFFIX)
            except FileNotFoundError:
                pass
            except OSError as e:
                warnings.warn(f"Saver: could not delete old checkpoint {path}{_SUFFIX}: {e}",
                              stacklevel=3)

    # --- restoring ------------------------------------------------------------------------------

    def restore(self, sess, save_path):
        """Restores every variable of this Saver from the checkpoint `save_path`.

        Nothing changes unless the whole checkpoint is valid: its checksum, and for every
        variable a key of the same shape and dtype (as in TF1, no casting).

        Args:
          sess: the Session to restore into (None for eager variables).
          save_path: a checkpoint prefix (as returned by `save` or `latest_checkpoint`).

        Raises:
          ValueError: `save_path` is None.
          NotFoundError: no checkpoint at `save_path`, or a variable's key is missing.
          InvalidArgumentError: a stored shape or dtype differs from the variable's.
          DataLossError: the file is not a valid checkpoint (truncated, corrupted).
        """
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        if not isinstance(save_path, (str, os.PathLike)):
            raise TypeError(f"Saver.restore: save_path must be a path (str). Received: "
                            f"{save_path!r}")
        save_path = os.fspath(save_path)
        path = save_path if save_path.endswith(_SUFFIX) else save_path + _SUFFIX
        if not os.path.isfile(path):
            hint = (" It is a directory: pass a checkpoint prefix, e.g. "
                    f"tf.train.latest_checkpoint({save_path!r})."
                    if os.path.isdir(save_path) else "")
            raise NotFoundError(f"Restoring from checkpoint failed: {path} does not exist "
                                f"(save_path={save_path!r}).{hint} Saver checkpoints are "
                                "safetensors files written by ndflow.")
        tensors = read_checkpoint(path)
        values = {}
        for key, var in self._vars.items():  # validate everything before changing anything
            if key not in tensors:
                raise NotFoundError(f"Restoring from checkpoint failed: key {key} not found "
                                    f"in checkpoint {path} (it holds: "
                                    f"{', '.join(sorted(tensors)) or 'nothing'}).")
            value = tensors[key]
            want = np.dtype(var.dtype.as_numpy_dtype)
            if value.dtype != want:
                raise InvalidArgumentError(
                    f"Restoring from checkpoint {path} failed: tensor_name = {key}; expected "
                    f"dtype {var.dtype.name} does not equal original dtype {value.dtype.name}.")
            if not var.shape.is_compatible_with(value.shape):
                raise InvalidArgumentError(
                    f"Restoring from checkpoint {path} failed: tensor_name = {key}; the "
                    f"checkpoint holds shape {value.shape} but the variable has shape "
                    f"{var.shape}.")
            if var.graph is not None and sess is None:
                raise ValueError("Saver.restore needs a Session for graph variables "
                                 f"({key}).")
            values[var] = value
        for var, value in values.items():
            if var.graph is None:
                var.assign(value)
            else:
                sess._store[var] = value


def read_checkpoint(path):
    """The dict of arrays in the Saver checkpoint file `path` (a `.safetensors` file).

    The checksum written by ndflow is verified; a file without one (written by another
    program) is read as it is.

    Raises:
      DataLossError: naming `path`, when it is not a valid safetensors file, is truncated,
        or its contents do not match their checksum.
    """
    with open(path, "rb") as f:
        data = f.read()  # the file's real size: nothing is allocated from a header's claim
    try:
        tensors = _safetensors().load(data)
    except Exception as e:  # noqa: BLE001 - safetensors raises its own error types
        raise DataLossError(f"Unable to read checkpoint {path}: not a valid safetensors "
                            f"file or truncated ({type(e).__name__}: {e}).") from None
    metadata = _metadata(data, path)
    ours = {k: v for k, v in metadata.items() if k.startswith("ndflow") or k == "format"}
    if ours:
        expected = ours.get(_CHECKSUM_KEY)
        if ours.get("format") != _FORMAT or set(ours) != {"format", _CHECKSUM_KEY} or \
                not isinstance(expected, str):
            raise DataLossError(f"Unable to read checkpoint {path}: its ndflow metadata is "
                                f"damaged ({ours!r}).")
        actual = tensors_digest(tensors)
        if actual != expected:
            raise DataLossError(f"Unable to read checkpoint {path}: its contents do not match "
                                "their checksum (the file is corrupted).")
    return tensors


def _metadata(data, path):
    try:
        n = int.from_bytes(data[:8], "little")
        header = json.loads(data[8:8 + n].decode("utf-8"))
        metadata = header.get("__metadata__") or {}
    except (ValueError, RecursionError, AttributeError) as e:
        raise DataLossError(f"Unable to read checkpoint {path}: bad safetensors header "
                            f"({e}).") from None
    if not isinstance(metadata, dict):
        raise DataLossError(f"Unable to read checkpoint {path}: bad safetensors metadata.")
    return metadata


def _step_of(global_step, sess):
    if isinstance(global_step, (bool, np.bool_)):
        raise TypeError(f"global_step must be an integer. Received: {global_step!r}")
    if isinstance(global_step, (int, np.integer)):
        return int(global_step)
    if isinstance(global_step, (float, str, bytes, np.floating)):
        raise TypeError(f"global_step must be an integer, or a Variable/Tensor holding one. "
                        f"Received: {global_step!r}")
    value = np.asarray(_value_of(global_step, sess))
    if value.size != 1 or value.dtype.kind not in "iu":
        raise TypeError("global_step must hold one integer. Received a value of dtype "
                        f"{value.dtype} and shape {value.shape}.")
    return int(value.reshape(()))


def _value_of(v, sess):
    if isinstance(v, Variable) and v.graph is None:
        return v.numpy()
    if sess is None:
        raise ValueError("Saver.save needs a Session for graph variables.")
    return sess.run(v)


def _rel(path, directory):
    return os.path.relpath(os.path.abspath(path), directory)


# --- the checkpoint state file --------------------------------------------------------------------

_KEYS = ("model_checkpoint_path", "all_model_checkpoint_paths")
_OTHER_FIELDS = ("all_model_checkpoint_timestamps", "last_preserved_timestamp")
_FIELD = re.compile(r'^([a-z_]+)\s*:\s*(.*?)\s*$')
_CHECKSUM_LINE = re.compile(r"^#\s*ndflow-sha256:\s*([0-9a-f]{64})\s*$")
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def _quote(text):
    out = []
    for byte in text.encode("utf-8"):
        ch = chr(byte)
        if ch in '"\\':
            out.append("\\" + ch)
        elif byte < 0x20 or byte == 0x7f:
            out.append(f"\\{byte:03o}")
        else:
            out.append(ch if byte < 0x80 else f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


_ESCAPES = {"n": b"\n", "t": b"\t", "r": b"\r", '"': b'"', "'": b"'", "\\": b"\\",
            "a": b"\a", "b": b"\b", "f": b"\f", "v": b"\v", "?": b"?"}


def _unquote(token):
    """The string of a text-format quoted string, or None when it is not one."""
    if len(token) < 2 or token[0] not in "\"'" or token[-1] != token[0]:
        return None
    body, out, i = token[1:-1], bytearray(), 0
    while i < len(body):
        ch = body[i]
        if ch == token[0]:
            return None
        if ch != "\\":
            out += ch.encode("utf-8")
            i += 1
            continue
        if i + 1 >= len(body):
            return None
        nxt = body[i + 1]
        if nxt in _ESCAPES:
            out += _ESCAPES[nxt]
            i += 2
        elif nxt in "01234567":
            m = re.match(r"[0-7]{1,3}", body[i + 1:])
            out.append(int(m.group(), 8) & 0xFF)
            i += 1 + len(m.group())
        elif nxt == "x" and re.match(r"[0-9a-fA-F]{1,2}", body[i + 2:]):
            m = re.match(r"[0-9a-fA-F]{1,2}", body[i + 2:])
            out.append(int(m.group(), 16))
            i += 2 + len(m.group())
        else:
            return None
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _state_text(directory, model_checkpoint_path, all_model_checkpoint_paths):
    lines = [f"model_checkpoint_path: {_quote(_rel(model_checkpoint_path, directory))}"]
    lines += [f"all_model_checkpoint_paths: {_quote(_rel(p, directory))}"
              for p in all_model_checkpoint_paths]
    body = "".join(line + "\n" for line in lines)
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return body + f"# ndflow-sha256: {digest}\n"


def write_checkpoint_state(directory, model_checkpoint_path, all_model_checkpoint_paths,
                           latest_filename=None):
    """Writes the `checkpoint` state file of `directory` atomically, in TensorFlow's text
    format (paths relative to `directory`), plus a checksum comment TensorFlow ignores.

    The latest checkpoint is always listed last in `all_model_checkpoint_paths`, as in TF.
    """
    paths = [os.fspath(p) for p in all_model_checkpoint_paths]
    if not paths or os.path.abspath(paths[-1]) != os.path.abspath(model_checkpoint_path):
        paths.append(os.fspath(model_checkpoint_path))
    text = _state_text(directory, model_checkpoint_path, paths)
    atomic_write_bytes(os.path.join(directory, latest_filename or _STATE_FILE),
                       text.encode("utf-8"))


def _ignore_state(path, reason):
    warnings.warn(f"{path}: {reason}; the checkpoint state file is ignored (as TensorFlow "
                  "does), so no checkpoint is found in it.", stacklevel=3)
    return None


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The `CheckpointState` in `checkpoint_dir`'s state file, or None.

    As in TensorFlow, a missing state file gives None, and so does a corrupted one (with a
    warning naming the file and what is wrong with it). Relative paths are resolved against
    `checkpoint_dir`.

    Args:
      checkpoint_dir: the directory holding the state file.
      latest_filename: the state file's name (default "checkpoint").

    Returns:
      A `CheckpointState`, or None.
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    path = os.path.join(checkpoint_dir, latest_filename or _STATE_FILE)
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as f:
        raw = f.read(_MAX_STATE_BYTES + 1)
    if len(raw) > _MAX_STATE_BYTES:
        return _ignore_state(path, f"larger than {_MAX_STATE_BYTES} bytes, not a checkpoint "
                                   "state file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return _ignore_state(path, f"not a text file (byte {e.start} is not UTF-8)")
    model, paths, checked = None, [], None
    body_lines = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        checksum = _CHECKSUM_LINE.match(stripped)
        if checksum:
            checked = checksum.group(1)
            continue
        body_lines.append(line)
        if stripped.startswith("#"):  # TF writes none; ndflow only its checksum line
            return _ignore_state(path, f"line {number} is a damaged checksum line: "
                                       f"{stripped[:80]!r}")
        if not stripped:
            continue
        m = _FIELD.match(stripped)
        if not m or m.group(1) not in _KEYS + _OTHER_FIELDS:
            return _ignore_state(path, f"line {number} is not a checkpoint state field: "
                                       f"{stripped[:80]!r}")
        key, token = m.groups()
        if key in _OTHER_FIELDS:
            if not _NUMBER.match(token):
                return _ignore_state(path, f"line {number}: {key} is not a number")
            continue
        value = _unquote(token)
        if value is None or not value or "\0" in value:
            return _ignore_state(path, f"line {number}: {key} is not a valid quoted path")
        if not os.path.isabs(value):
            value = os.path.join(checkpoint_dir, value)
        if key == "model_checkpoint_path":
            model = value
        else:
            paths.append(value)
    if checked is not None:
        body = "".join(line + "\n" for line in body_lines)
        if hashlib.sha256(body.encode("utf-8")).hexdigest() != checked:
            return _ignore_state(path, "its contents do not match their checksum (the file "
                                       "is corrupted)")
    if model is None:
        return _ignore_state(path, "it names no model_checkpoint_path") if text.strip() else None
    return CheckpointState(model, paths or [model])


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the latest checkpoint in `checkpoint_dir`, or None when there is none
    (no state file, or its latest checkpoint's file is missing)."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None:
        return None
    return state.model_checkpoint_path if checkpoint_exists(state.model_checkpoint_path) \
        else None


def checkpoint_exists(checkpoint_prefix):
    """Whether a Saver checkpoint with this prefix exists."""
    return os.path.isfile(os.fspath(checkpoint_prefix) + _SUFFIX)
