"""TF2 object checkpoints: `tf.train.Checkpoint`, `tf.train.CheckpointManager`.

    ckpt = tf.train.Checkpoint(step=tf.Variable(1), optimizer=opt, model=model)
    manager = tf.train.CheckpointManager(ckpt, "./tf_ckpts", max_to_keep=3)
    ckpt.restore(manager.latest_checkpoint)        # None: start from scratch
    ...
    manager.save()                                  # ./tf_ckpts/ckpt-1, ckpt-2, ...

Values are keyed by their path in the object graph, as in TensorFlow: the attribute
names from the Checkpoint down (`model/layer-0/kernel` for a Sequential or functional
model's layers, attribute names such as `model/dense1/bias` for subclassed models,
`optimizer/iterations`) and an optimizer's slot variables under the variable they belong
to (`model/layer-0/kernel/.OPTIMIZER_SLOT/optimizer/momentum`), so a restored optimizer
continues exactly where the saved one stopped. A restored optimizer that has not taken a
step yet gets its slot variables created from the checkpoint; layers not built yet receive
their values when they create their weights (deferred restoration).

The files are those of `tf.compat.v1.train.Saver` (ndflow/train/saver.py): one
`<prefix>.safetensors` file with a SHA-256 of its contents, written atomically, plus the
directory's `checkpoint` state file, so `tf.train.latest_checkpoint(directory)` finds
them. Restoring validates the whole file (checksum, dtypes, shapes) before any value
changes. TensorFlow's own `.index`/`.data-*` files are not read.
"""
import os
import sys
import warnings

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError, NotFoundError
from ..framework.variables import Variable
from ..util.atomic import atomic_write_bytes, directory_lock
from . import saver as _saver

_SLOT = ".OPTIMIZER_SLOT"
_MAX_DEPTH = 64


# --- the object graph ------------------------------------------------------------------------

def _is_keras_layer(obj):
    from ..keras.layers.base import Layer  # keras loads only when a checkpoint meets a layer
    return isinstance(obj, Layer)


def _is_optimizer(obj):
    from ..keras.optimizers.base import Optimizer
    return isinstance(obj, Optimizer)


def _trackable(value):
    if isinstance(value, (Variable, Checkpoint, list, tuple, dict)):
        return True
    from ..module import Module
    if isinstance(value, Module):
        return True
    # A Keras object exists only once ndflow.keras is loaded: never import it for the check.
    return ("ndflow.keras.layers.base" in sys.modules and _is_keras_layer(value)) or (
        "ndflow.keras.optimizers.base" in sys.modules and _is_optimizer(value))


def _container_edges(name, value):
    if isinstance(value, dict):
        return [(f"{name}/{k}", v) for k, v in value.items() if isinstance(k, (str, int))]
    return [(f"{name}/{i}", v) for i, v in enumerate(value)]


def _layer_edges(layer):
    """A Keras layer's dependencies: its own weights by attribute (or weight) name, then its
    layers: `layer-<i>` for Sequential/functional models, attribute names otherwise."""
    attr_names = {}
    for attr, value in vars(layer).items():
        if isinstance(value, Variable) and id(value) not in attr_names and \
                not attr.startswith("_"):
            attr_names[id(value)] = attr
    edges, taken = [], set()
    own = list(layer.__dict__.get("_trainable_variables", [])) + \
        list(layer.__dict__.get("_non_trainable_variables", []))
    for i, var in enumerate(own):
        name = attr_names.get(id(var)) or getattr(var, "_nd_keras_name", None) or \
            f"variable-{i}"
        while name in taken:
            name = f"{name}_{i}"
        taken.add(name)
        edges.append((name, var))
    if hasattr(layer, "_seq_layers") or hasattr(layer, "_functional_layers"):
        edges += [(f"layer-{i}", sub) for i, sub in enumerate(layer.layers)]
    else:
        for attr, value in layer.__dict__.get("_tracked_attrs", {}).items():
            if _is_keras_layer(value):
                edges.append((attr, value))
            elif isinstance(value, (list, tuple, dict)):
                edges += _container_edges(attr, value)
    return edges


def _edges(obj):
    """(name, child) pairs of `obj` in the object graph."""
    if isinstance(obj, Checkpoint):
        return list(obj._nd_children.items())
    if isinstance(obj, (list, tuple, dict)):
        return _container_edges("", obj)
    if _is_optimizer(obj):
        edges = [("iterations", obj.iterations)]
        if isinstance(obj._learning_rate, Variable):
            edges.append(("learning_rate", obj._learning_rate))
        return edges
    if _is_keras_layer(obj):
        return _layer_edges(obj)
    attrs = getattr(obj, "__dict__", None) or {}
    return [(k, v) for k, v in sorted(attrs.items()) if not k.startswith("_") and _trackable(v)]


def _walk(root):
    """Breadth-first over the object graph: ({path: Variable}, {path: object},
    [(path, optimizer)]), every object once under its first (shortest) path."""
    variables, objects, optimizers = {}, {}, []
    seen = {id(root)}
    queue = [("", root, 0)]
    while queue:
        path, obj, depth = queue.pop(0)
        for name, child in _edges(obj):
            name = name.lstrip("/")
            child_path = f"{path}/{name}" if path else name
            if id(child) in seen or not _trackable(child) or depth > _MAX_DEPTH:
                continue
            seen.add(id(child))
            if isinstance(child, Variable):
                variables[child_path] = child
                continue
            objects[child_path] = child
            if _is_optimizer(child):
                optimizers.append((child_path, child))
            queue.append((child_path, child, depth + 1))
    return variables, objects, optimizers


def _slot_key(var_path, optimizer_path, slot):
    return f"{var_path}/{_SLOT}/{optimizer_path}/{slot}"


def _slot_names(optimizer):
    return [name for group in optimizer._slot_groups() for name, _ in group]


def _value(var):
    value = np.array(var.numpy(), order="C")
    if value.dtype.kind not in "biuf" or value.dtype.byteorder == ">":
        raise TypeError(f"Checkpoint: variable {var.name} has dtype {value.dtype}, which a "
                        "checkpoint cannot store.")
    return value


# --- Checkpoint ------------------------------------------------------------------------------

class Checkpoint:
    """Groups trackable objects (Keras models, layers and optimizers, Variables, tf.Modules,
    other Checkpoints) to save and restore them together.

    Args:
      root: optional object whose dependencies become this checkpoint's top level.
      **kwargs: the objects, by the names their values are keyed under.

    Raises:
      ValueError: an argument is not trackable (e.g. a number or a string).
    """

    def __init__(self, root=None, **kwargs):
        children = {}
        if root is not None:
            if not _trackable(root) and not hasattr(root, "__dict__"):
                raise ValueError(f"Checkpoint: root must be a trackable object, got {root!r}.")
            children.update((name.lstrip("/"), child) for name, child in _edges(root))
        for name, value in kwargs.items():
            if not _trackable(value) and not hasattr(value, "__dict__"):
                raise ValueError(f"`Checkpoint` was expecting a trackable object (an object "
                                 f"derived from `Trackable`), got {value!r}. If you believe "
                                 "this object should be trackable (i.e. it is part of the "
                                 "TensorFlow Python API and manages state), please open an "
                                 "issue.")
            children[name] = value
        self._nd_children = children
        self._nd_save_counter = None

    def __getattr__(self, name):
        children = self.__dict__.get("_nd_children", {})
        if name in children:
            return children[name]
        raise AttributeError(f"'Checkpoint' object has no attribute {name!r}")

    @property
    def save_counter(self):
        """How many times `save` ran (restored with the checkpoint); a 0-d int64 Variable."""
        if self._nd_save_counter is None:
            from ..framework.context import init_scope
            with init_scope():
                self._nd_save_counter = Variable(np.int64(0), trainable=False,
                                                 dtype=dtypes.int64, name="save_counter")
            self._nd_children = {"save_counter": self._nd_save_counter, **self._nd_children}
        return self._nd_save_counter

    # --- writing ---------------------------------------------------------------------------
    def _tensors(self):
        variables, _, optimizers = _walk(self)
        tensors = {path: _value(var) for path, var in variables.items()}
        by_id = {id(v): p for p, v in variables.items()}
        for opt_path, opt in optimizers:
            for var, slots in opt._slots.items():
                var_path = by_id.get(id(var))
                if var_path is None:
                    continue  # TensorFlow too saves slots only of variables it saves
                for slot, slot_var in slots.items():
                    tensors[_slot_key(var_path, opt_path, slot)] = _value(slot_var)
        return tensors

    def write(self, file_prefix, options=None):
        """Writes the checkpoint to `file_prefix` exactly (no number, no state file).

        Returns:
          The checkpoint's path (its prefix).
        """
        file_prefix = _prefix(file_prefix, "write")
        tensors = self._tensors()
        metadata = {"format": _saver._FORMAT,
                    _saver._CHECKSUM_KEY: _saver.tensors_digest(tensors)}
        directory = os.path.dirname(os.path.abspath(file_prefix))
        os.makedirs(directory, exist_ok=True)
        atomic_write_bytes(file_prefix + _saver._SUFFIX,
                           _saver._safetensors().save(tensors, metadata=metadata))
        return file_prefix

    def save(self, file_prefix, options=None):
        """Saves to `<file_prefix>-<n>` (n: `save_counter` after incrementing it) and makes
        it the latest checkpoint of its directory's `checkpoint` state file.

        Returns:
          The checkpoint's path, e.g. "ckpts/ckpt-3".
        """
        file_prefix = _prefix(file_prefix, "save")
        counter = self.save_counter
        counter.assign_add(1)
        try:
            path = self.write(f"{file_prefix}-{int(counter.numpy())}")
        except BaseException:
            counter.assign_sub(1)
            raise
        directory = os.path.dirname(os.path.abspath(path))
        with directory_lock(directory):
            _saver.write_checkpoint_state(directory, path, [path])
        return path

    # --- reading ---------------------------------------------------------------------------
    def read(self, save_path, options=None):
        """Restores from a checkpoint written by `write` (or `save`); see `restore`."""
        return self.restore(save_path, options)

    def restore(self, save_path, options=None):
        """Restores every object of this checkpoint found in `save_path`.

        Values for variables that exist are assigned at once, after the whole file was
        validated; an optimizer's slot variables are created if it has not built them;
        a Keras layer not built yet gets its values when it creates its weights.

        Args:
          save_path: a checkpoint path (from `save`, `write`, `latest_checkpoint` or
            `CheckpointManager.latest_checkpoint`), or None to restore nothing.

        Returns:
          A status object: `assert_consumed()`, `assert_existing_objects_matched()`,
          `assert_nontrivial_match()`, `expect_partial()`.

        Raises:
          NotFoundError: no checkpoint at `save_path`.
          InvalidArgumentError: a stored dtype or shape differs from the object's.
          DataLossError: the file is corrupted or truncated.
        """
        if save_path is None:
            return _InitializationOnlyStatus()
        save_path = _prefix(save_path, "restore")
        path = save_path if save_path.endswith(_saver._SUFFIX) else save_path + _saver._SUFFIX
        if not os.path.isfile(path):
            hint = (f" It is a directory: pass tf.train.latest_checkpoint({save_path!r})."
                    if os.path.isdir(save_path) else "")
            raise NotFoundError(f"Failed to restore from checkpoint: {path} does not exist "
                                f"(save_path={save_path!r}).{hint}")
        tensors = _saver.read_checkpoint(path)
        if "save_counter" in tensors:
            self.save_counter  # noqa: B018  (created so that it is restored too)
        variables, objects, optimizers = _walk(self)
        assign, matched = [], set()

        def check(key, want_dtype, want_shape, what):
            value = tensors[key]
            if value.dtype != np.dtype(want_dtype):
                raise InvalidArgumentError(
                    f"Restoring {what} from {path} failed: key {key} holds dtype "
                    f"{value.dtype.name}, the object has dtype {np.dtype(want_dtype).name}.")
            if not want_shape.is_compatible_with(value.shape):
                raise InvalidArgumentError(
                    f"Restoring {what} from {path} failed: key {key} holds shape "
                    f"{value.shape}, the object has shape {want_shape}.")
            matched.add(key)
            return value

        for key, var in variables.items():
            if key in tensors:
                assign.append((var, check(key, var.dtype._np, var.shape, var.name)))
        slot_builds = []
        for opt_path, opt in optimizers:
            names = _slot_names(opt)
            to_build = []
            for var_path, var in variables.items():
                keys = {s: _slot_key(var_path, opt_path, s) for s in names}
                present = {s: k for s, k in keys.items() if k in tensors}
                if not present or not var.trainable:
                    continue
                for slot, key in present.items():
                    check(key, var.dtype._np, var.shape, f"slot {slot} of {var.name}")
                if var not in opt._slots:
                    to_build.append(var)
                slot_builds.append((opt, var, present))
            if to_build:  # slots created now, so that they can take the saved values
                slot_builds.insert(0, (opt, to_build, None))
        deferred = {}
        for key in tensors:
            if key in matched or key in variables:
                continue
            owner, rest = _deferred_owner(key, objects)
            if owner is not None:
                deferred.setdefault(id(owner), (owner, {}))[1][rest] = tensors[key]
                matched.add(key)
        # everything validated: now change state
        for var, value in assign:
            var.assign(value)
        for opt, var, present in slot_builds:
            if present is None:
                opt.build(var)  # `var` is the list of variables without slots here
                continue
            for slot, key in present.items():
                opt._slots[var][slot].assign(tensors[key])
        for owner, values in deferred.values():
            _defer(owner, values)
        unmatched = [k for k in tensors if k not in matched]
        missing = [p for p in variables if p not in tensors]
        return CheckpointLoadStatus(path, unmatched, missing, deferred, bool(matched))


def _deferred_owner(key, objects):
    """The unbuilt Keras layer a checkpoint key belongs to (deepest object on its path) and
    the weight name under it, else (None, None)."""
    parts = key.split("/")
    if _SLOT in parts:
        return None, None
    for cut in range(len(parts) - 1, 0, -1):
        owner = objects.get("/".join(parts[:cut]))
        if owner is not None:
            if _is_keras_layer(owner) and cut == len(parts) - 1 and not owner.built:
                return owner, parts[-1]
            return None, None
    return None, None


def _defer(layer, values):
    pending = layer.__dict__.setdefault("_nd_deferred_restore", {})
    pending.update(values)


def restore_deferred(layer, name, var):
    """Called by Keras's add_weight: assigns a value a Checkpoint restored before `layer`
    created its weight `name`."""
    pending = layer.__dict__.get("_nd_deferred_restore")
    if pending and name in pending:
        value = pending[name]
        if value.dtype != var.dtype._np or not var.shape.is_compatible_with(value.shape):
            raise InvalidArgumentError(
                f"Deferred checkpoint restore of {layer.name}/{name} failed: the checkpoint "
                f"holds {value.dtype.name} {value.shape}, the weight is {var.dtype.name} "
                f"{var.shape}.")
        var.assign(pending.pop(name))


def _prefix(path, what):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"Checkpoint.{what}: expected a path (str), got {path!r}.")
    return os.fspath(path)


# --- status objects --------------------------------------------------------------------------

class CheckpointLoadStatus:
    """What `Checkpoint.restore` matched: assertions about it, and `expect_partial`."""

    def __init__(self, path, unmatched, missing, deferred, any_match):
        self._path = path
        self._unmatched = unmatched        # checkpoint keys no object took
        self._missing = missing            # existing variables the checkpoint lacks
        self._deferred = list(deferred.values())
        self._any_match = any_match
        self._quiet = False

    def _pending(self):
        return [f"{owner.name}/{name}" for owner, values in self._deferred
                for name in owner.__dict__.get("_nd_deferred_restore", {}) if name in values]

    def assert_consumed(self):
        """Every value of the checkpoint went to an object and every object got one."""
        self.assert_existing_objects_matched()
        if self._unmatched:
            raise AssertionError(f"Unresolved object in checkpoint {self._path}: "
                                 f"{sorted(self._unmatched)}")
        pending = self._pending()
        if pending:
            raise AssertionError(f"Checkpoint {self._path}: values for weights not created "
                                 f"yet (build the model first): {pending}")
        return self

    def assert_existing_objects_matched(self):
        """Every variable that exists now got a value from the checkpoint."""
        if self._missing:
            raise AssertionError(f"Some objects had no value in checkpoint {self._path}: "
                                 f"{sorted(self._missing)}")
        return self

    def assert_nontrivial_match(self):
        """At least one value of the checkpoint was matched."""
        if not self._any_match:
            raise AssertionError(f"Nothing in checkpoint {self._path} matched the objects "
                                 "being restored.")
        return self

    def expect_partial(self):
        """Silences the warning about checkpoint values no object took."""
        self._quiet = True
        return self

    def run_restore_ops(self, session=None):
        """Values were assigned when `restore` ran (eager variables); nothing to run."""

    def initialize_or_restore(self, session=None):
        self.run_restore_ops(session)

    def __del__(self):
        try:
            if not self._quiet and self._unmatched:
                warnings.warn(f"Checkpoint {self._path}: values not used by any object: "
                              f"{sorted(self._unmatched)[:10]}. Call expect_partial() on the "
                              "status returned by restore() to silence this warning.",
                              stacklevel=2)
        except Exception:  # noqa: BLE001 - never raise from a finalizer
            pass


class _InitializationOnlyStatus:
    """The status of `restore(None)`: nothing was restored."""

    def assert_consumed(self):
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being "
                             "restored.")

    assert_existing_objects_matched = assert_nontrivial_match = assert_consumed

    def expect_partial(self):
        return self

    def run_restore_ops(self, session=None):
        pass

    initialize_or_restore = run_restore_ops


# --- CheckpointManager -----------------------------------------------------------------------

class CheckpointManager:
    """Numbered saves of one Checkpoint in a directory, keeping the `max_to_keep` latest.

    Args:
      checkpoint: the `tf.train.Checkpoint` to save and restore.
      directory: where checkpoints (and the `checkpoint` state file) go.
      max_to_keep: how many checkpoints to keep (None: all).
      keep_checkpoint_every_n_hours: also keep one checkpoint per this many hours.
      checkpoint_name: the files' prefix ("ckpt" gives ckpt-1, ckpt-2...).
      step_counter: a Variable whose value numbers the saves instead of save_counter.
      checkpoint_interval: with `step_counter`, save only once this many steps passed.
      init_fn: called by `restore_or_initialize` when there is no checkpoint.
    """

    def __init__(self, checkpoint, directory, max_to_keep, keep_checkpoint_every_n_hours=None,
                 checkpoint_name="ckpt", step_counter=None, checkpoint_interval=None,
                 init_fn=None):
        if not isinstance(checkpoint, Checkpoint):
            raise TypeError(f"CheckpointManager: expected a tf.train.Checkpoint, got "
                            f"{checkpoint!r}.")
        if max_to_keep is not None and (not isinstance(max_to_keep, int) or max_to_keep <= 0):
            raise ValueError(f"Expected a positive integer or `None` for `max_to_keep`, got "
                             f"{max_to_keep!r}.")
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError("`step_counter` should be passed if `checkpoint_interval` is not "
                             "None.")
        self._checkpoint = checkpoint
        self._directory = os.fspath(directory)
        self._max_to_keep = max_to_keep
        self._keep_every_s = None if keep_checkpoint_every_n_hours is None else \
            float(keep_checkpoint_every_n_hours) * 3600
        self._prefix = os.path.join(self._directory, checkpoint_name)
        self._step_counter = step_counter
        self._checkpoint_interval = checkpoint_interval
        self._init_fn = init_fn
        self._last_step = None
        state = _saver.get_checkpoint_state(self._directory)
        kept = [] if state is None else [p for p in state.all_model_checkpoint_paths
                                         if _saver.checkpoint_exists(p)]
        self._kept = kept                      # oldest first, as the state file lists them
        self._latest = None if state is None or not _saver.checkpoint_exists(
            state.model_checkpoint_path) else state.model_checkpoint_path
        import time
        self._next_keep_time = time.time() + (self._keep_every_s or 0)

    @property
    def directory(self):
        return self._directory

    @property
    def checkpoint(self):
        return self._checkpoint

    @property
    def latest_checkpoint(self):
        """The path of the newest checkpoint kept, or None."""
        return self._latest

    @property
    def checkpoints(self):
        """The paths of the checkpoints kept, oldest first."""
        return list(self._kept)

    @property
    def checkpoint_interval(self):
        return self._checkpoint_interval

    def save(self, checkpoint_number=None, check_interval=True, options=None):
        """Saves a checkpoint numbered `checkpoint_number` (default: the step counter, or
        the checkpoint's save_counter) and prunes the oldest beyond `max_to_keep`.

        Returns:
          The path written, or None when `checkpoint_interval` steps have not passed.
        """
        import time
        if checkpoint_number is None and self._step_counter is not None:
            checkpoint_number = int(np.asarray(self._step_counter.numpy()))
            if check_interval and self._checkpoint_interval is not None and \
                    self._last_step is not None and \
                    checkpoint_number - self._last_step < self._checkpoint_interval:
                return None
        counter = self._checkpoint.save_counter
        counter.assign_add(1)
        if checkpoint_number is None:
            checkpoint_number = int(counter.numpy())
        elif isinstance(checkpoint_number, Variable) or hasattr(checkpoint_number, "numpy"):
            checkpoint_number = int(np.asarray(checkpoint_number.numpy()))
        path = f"{self._prefix}-{int(checkpoint_number)}"
        try:
            self._checkpoint.write(path)
        except BaseException:
            counter.assign_sub(1)
            raise
        self._last_step = checkpoint_number
        with directory_lock(os.path.abspath(self._directory)):
            self._kept = [p for p in self._kept if os.path.abspath(p) != os.path.abspath(path)]
            self._kept.append(path)
            removed = []
            while self._max_to_keep is not None and len(self._kept) > self._max_to_keep:
                removed.append(self._kept.pop(0))
            _saver.write_checkpoint_state(os.path.abspath(self._directory), path, self._kept)
            for old in removed:
                if self._keep_every_s is not None and time.time() >= self._next_keep_time:
                    self._next_keep_time += self._keep_every_s
                    continue  # kept on disk, no longer managed
                try:
                    os.unlink(old + _saver._SUFFIX)
                except FileNotFoundError:
                    pass
        self._latest = path
        return path

    def restore_or_initialize(self):
        """Restores the latest checkpoint if there is one (returning its path), else calls
        `init_fn` and returns None."""
        if self._latest is not None:
            self._checkpoint.restore(self._latest)
            return self._latest
        if self._init_fn is not None:
            self._init_fn()
        return None

    def sync(self):
        """Nothing to wait for: saves are written synchronously."""


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The path of the latest checkpoint in `checkpoint_dir` (from its `checkpoint` state
    file), or None."""
    return _saver.latest_checkpoint(checkpoint_dir, latest_filename)


from ..util.export import export_many  # noqa: E402

export_many("train", {"Checkpoint": Checkpoint, "CheckpointManager": CheckpointManager})
