"""keras.callbacks: hooks called by fit/evaluate/predict (Keras 3 behaviour).

Callbacks use only this part of the model: `stop_training`, `get_weights`/`set_weights`,
`save`/`save_weights`/`load_weights`, `optimizer` (`learning_rate`, `iterations`,
`variables`), `history`, and `_initial_epoch` (set by BackupAndRestore when resuming).
"""
import csv
import inspect
import json
import os
import shutil
import sys
import time
import warnings

import numpy as np

from ..framework.errors import InvalidArgumentError
from ..util.atomic import atomic_write
from .utils.npz_files import read_npz, with_checksum

_HOOKS = ("on_train_begin", "on_train_end", "on_test_begin", "on_test_end",
          "on_predict_begin", "on_predict_end", "on_epoch_begin", "on_epoch_end",
          "on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin",
          "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end")


def _is_chief(model):
    """False on the workers other than the chief (rank 0) of a multi-worker tf.distribute
    strategy: they neither write files nor print progress."""
    strategy = getattr(model, "_nd_strategy", None)
    return strategy is None or strategy.extended.should_checkpoint


class Callback:
    """Base class: every hook does nothing; `model` and `params` are set by the trainer."""

    _chief_only = False  # True: runs on the chief worker only (it writes or prints)

    def __init__(self):
        self.model = None
        self.params = {}
        self.validation_data = None

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_batch_begin(self, batch, logs=None):
        """Keras 2 name of on_train_batch_begin."""

    def on_batch_end(self, batch, logs=None):
        """Keras 2 name of on_train_batch_end."""

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass


class CallbackList(Callback):
    """Dispatches every hook to each callback in order; adds History and then ProgbarLogger
    after the user's callbacks on request (Keras 3's order, so both see what the callbacks
    add to the logs, such as ReduceLROnPlateau's `learning_rate`)."""

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None,
                 **params):
        super().__init__()
        if isinstance(callbacks, Callback):  # `callbacks=EarlyStopping(...)`, as Keras takes
            callbacks = [callbacks]
        self.callbacks = list(callbacks) if callbacks else []
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise InvalidArgumentError(f"Expected a keras.callbacks.Callback, received: "
                                           f"{cb!r}")
        if add_history and not any(isinstance(cb, History) for cb in self.callbacks):
            self.callbacks.append(History())
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback):
        self.callbacks.append(callback)

    def set_model(self, model):
        super().set_model(model)
        self._nd_quiet = not _is_chief(model)
        for cb in self.callbacks:
            cb.set_model(model)
            if isinstance(cb, History) and model is not None:
                model.history = cb

    def set_params(self, params):
        super().set_params(params)
        for cb in self.callbacks:
            cb.set_params(params)

    def __iter__(self):
        return iter(self.callbacks)


def _dispatcher(hook):
    if hook.endswith("_begin") and "batch" not in hook and "epoch" not in hook or \
            hook.endswith("_end") and "batch" not in hook and "epoch" not in hook:
        def dispatch(self, logs=None):
            logs = {} if logs is None else logs
            quiet = getattr(self, "_nd_quiet", False)
            for cb in self.callbacks:
                if not (quiet and cb._chief_only):
                    getattr(cb, hook)(logs)
    else:
        def dispatch(self, index, logs=None):  # index: the epoch or the batch
            logs = {} if logs is None else logs
            quiet = getattr(self, "_nd_quiet", False)
            for cb in self.callbacks:
                if not (quiet and cb._chief_only):
                    getattr(cb, hook)(index, logs)
    dispatch.__name__ = hook
    return dispatch


for _hook in _HOOKS + ("on_batch_begin", "on_batch_end"):
    setattr(CallbackList, _hook, _dispatcher(_hook))


class History(Callback):
    """Records the epoch-end logs: `history[name]` lists one value per epoch."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []
        if self.model is not None:
            self.model.history = self

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self

    def plot(self, metrics=None, to_file=None, **kwargs):
        """Loss and metric curves, training and validation (matplotlib)."""
        from .utils.plotting import plot_history
        return plot_history(self, metrics=metrics, to_file=to_file, **kwargs)


class ProgbarLogger(Callback):
    """Prints Keras 3's progress output for fit (a bar per epoch, or one line per epoch with
    verbose=2), evaluate and predict. `params["verbose"]` and `params["steps"]` drive it."""

    _chief_only = True

    def __init__(self, count_mode=None, stream=None):
        super().__init__()
        self.stream = stream
        self.verbose, self.epochs, self.target = 1, 1, None
        self._bar = None
        self._seen = 0
        self._in_fit = False

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else int(verbose)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _new_bar(self, target=None):
        from .utils.progbar import Progbar
        self._seen = 0
        self._bar = Progbar(target=target, verbose=self.verbose, unit_name="step",
                            stream=self.stream)

    def _print(self, text):
        out = self.stream if self.stream is not None else sys.stdout
        out.write(text + "\n")
        out.flush()

    def _update(self, batch, logs, finalize=False):
        if self._bar is None:
            self._new_bar(self.target)
        self._seen = batch + 1
        self._show(logs, finalize)

    def _show(self, logs, finalize):
        """Logs are running values already (stateful), shown in name order like Keras 3:
        `accuracy: ... - loss: ... - val_accuracy: ... - val_loss: ...`."""
        logs = logs or {}
        self._bar.stateful_metrics.update(logs)
        self._bar.order_metrics(sorted(set(self._bar.metric_names) | set(logs)))
        self._bar.update(self._seen, sorted(logs.items()), finalize=finalize)

    def _finish(self, logs):
        if self._bar is None:
            self._new_bar(self.target)
        if self._bar.target is None:
            self._bar.target = self._seen
        self._show(logs, True)
        self._bar = None

    def on_train_begin(self, logs=None):
        self._in_fit = True

    def on_train_end(self, logs=None):
        self._in_fit = False

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose and self.epochs > 1:
            self._print(f"Epoch {epoch + 1}/{self.epochs}")
        self._new_bar(self.target)

    def on_train_batch_end(self, batch, logs=None):
        self._update(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.verbose:
            self._finish(logs)

    def on_test_begin(self, logs=None):
        if not self._in_fit:
            self._new_bar(self.params.get("steps") if not self._in_fit else None)

    def on_test_batch_end(self, batch, logs=None):
        if not self._in_fit:
            self._update(batch, logs)

    def on_test_end(self, logs=None):
        if not self._in_fit and self.verbose:
            self._finish(logs)

    def on_predict_begin(self, logs=None):
        self._new_bar(self.params.get("steps"))

    def on_predict_batch_end(self, batch, logs=None):
        self._update(batch, None)

    def on_predict_end(self, logs=None):
        if self.verbose:
            self._finish(None)


# --- monitoring helpers -----------------------------------------------------------------------

_MAXIMIZED = ("acc", "auc", "precision", "recall", "fmeasure", "f1")


def _monitor_mode(monitor, mode, owner):
    if mode not in ("auto", "min", "max"):
        warnings.warn(f"{owner} mode {mode!r} is unknown, fallback to auto mode.",
                      stacklevel=3)
        mode = "auto"
    if mode == "auto":
        name = monitor.lower()
        mode = "max" if any(key in name for key in _MAXIMIZED) else "min"
    return mode


def _as_float(value):
    return float(np.asarray(value))


# --- ModelCheckpoint ------------------------------------------------------------------------------

class ModelCheckpoint(Callback):
    """Saves the model (or its weights) during training.

    Saves every epoch or every `save_freq` batches, optionally only when `monitor` improves.
    `filepath` may hold `{epoch:02d}`, `{batch}` and any logged name, e.g.
    `ckpt_{epoch:02d}-{val_loss:.2f}.keras`. Only rank 0 writes in distributed training.

    Args:
      filepath: Where to save: a `.keras` or Keras 2 style `.h5` path (whole model), or
        `.weights.h5` with `save_weights_only`.
      monitor: The logged quantity to watch (default "val_loss").
      mode: "min", "max" or "auto" (max for names with acc, auc, precision, recall or f1,
        else min).
      verbose: 1 prints a message at each save.
      save_best_only: Save only when `monitor` improves on the best value so far.
      save_weights_only: Save only the weights (`model.save_weights`).
      save_freq: "epoch" or an int number of batches.
      initial_value_threshold: Optional value the first saved result must beat.
      **kwargs: Keras 2's `period` is refused with an explanation (use `save_freq`).

    Raises:
      InvalidArgumentError: For `period` or an invalid `save_freq`.
      TypeError: For other unknown keyword arguments.
    """

    _chief_only = True

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None, **kwargs):
        super().__init__()
        if kwargs.pop("period", None) is not None:
            raise InvalidArgumentError("ModelCheckpoint: `period` was removed in Keras 3; use "
                                       "`save_freq` (epochs: 'epoch', batches: an int).")
        if kwargs:
            raise TypeError(f"ModelCheckpoint: unexpected keyword arguments {sorted(kwargs)}")
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise InvalidArgumentError(f"Unrecognized save_freq: {save_freq!r}. Expected "
                                       f"'epoch' or a positive integer.")
        self.filepath = os.fspath(filepath)
        self.monitor, self.verbose = monitor, verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self.save_freq = save_freq
        self.mode = _monitor_mode(monitor, mode, "ModelCheckpoint")
        self.monitor_op = np.less if self.mode == "min" else np.greater
        if initial_value_threshold is not None:
            self.best = float(initial_value_threshold)
        else:
            self.best = np.inf if self.mode == "min" else -np.inf
        self._batches_since_save = 0
        self._current_epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(self._current_epoch, batch, logs or {})

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, None, logs or {})

    def _format_path(self, epoch, batch, logs):
        try:
            if batch is None or "batch" not in self.filepath:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". '
                           f"Reason: {e!r} is not in the logs "
                           f"(available: {sorted(logs)}).") from e

    def _save(self, epoch, batch, logs):
        filepath = self._format_path(epoch, batch, logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn(f"Can save best model only with {self.monitor} available, "
                              f"skipping. Available: {sorted(logs)}", stacklevel=2)
                return
            current = _as_float(current)
            if not self.monitor_op(current, self.best):
                if self.verbose > 0:
                    print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from "
                          f"{self.best:.5f}")
                return
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} "
                      f"to {current:.5f}, saving model to {filepath}")
            self.best = current
        elif self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
        directory = os.path.dirname(filepath)
        if directory:
            os.makedirs(directory, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)


# --- EarlyStopping ------------------------------------------------------------------------------

class EarlyStopping(Callback):
    """Stops training when a monitored quantity has stopped improving.

    Training stops once `monitor` has not improved by more than `min_delta` for `patience`
    epochs (counting from `start_from_epoch`).

    Args:
      monitor: The logged quantity to watch (default "val_loss").
      mode: "min", "max" or "auto" (max for names with acc, auc, precision, recall or f1,
        else min).
      min_delta: The smallest change that counts as an improvement.
      patience: Epochs without improvement before stopping.
      verbose: 1 prints a message when training stops.
      baseline: Optional value the quantity must beat; training stops if it does not within
        `patience` epochs.
      restore_best_weights: If true, the weights of the best epoch are restored at the end.
      start_from_epoch: Epochs of warm-up during which no improvement is required.

    Example:

    >>> from ndflow import keras
    >>> stop = keras.callbacks.EarlyStopping(monitor="loss", patience=2)
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        self.monitor, self.patience, self.verbose = monitor, patience, verbose
        self.baseline, self.restore_best_weights = baseline, restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.mode = _monitor_mode(monitor, mode, "EarlyStopping")
        self.monitor_op = np.less if self.mode == "min" else np.greater
        self.min_delta = abs(min_delta) * (1 if self.mode == "max" else -1)
        self.wait, self.stopped_epoch, self.best = 0, 0, None
        self.best_weights, self.best_epoch = None, 0

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best = 0, 0, None
        self.best_weights, self.best_epoch = None, 0

    def _is_improvement(self, value, reference):
        return reference is None or bool(self.monitor_op(value - self.min_delta, reference))

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(f"Early stopping conditioned on metric `{self.monitor}` which is not "
                          f"available. Available metrics are: {','.join(logs or {})}",
                          stacklevel=2)
            return
        if epoch < self.start_from_epoch:
            return
        current = _as_float(current)
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # the patience restarts only when the baseline is beaten too
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                if self.verbose > 0:
                    print(f"Restoring model weights from the end of the best epoch: "
                          f"{self.best_epoch + 1}.")
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")


# --- learning-rate callbacks ----------------------------------------------------------------------

def _get_lr(model):
    return float(np.asarray(model.optimizer.learning_rate))


class ReduceLROnPlateau(Callback):
    """Lowers the learning rate when a monitored quantity has stopped improving.

    After `patience` epochs without an improvement larger than `min_delta`, the learning rate is
    multiplied by `factor`, then `cooldown` epochs pass before counting again; it never goes
    below `min_lr`.

    Args:
      monitor: The logged quantity to watch (default "val_loss").
      mode: "min", "max" or "auto" (max for names with acc, auc, precision, recall or f1,
        else min).
      factor: The multiplier, in (0, 1) (default 0.1).
      patience: Epochs without improvement before reducing.
      verbose: 1 prints a message at each reduction.
      min_delta: The smallest change that counts as an improvement.
      cooldown: Epochs to wait after a reduction.
      min_lr: The lower bound of the learning rate.
      **kwargs: Keras 2's `epsilon` (renamed `min_delta`, with a warning).
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0, **kwargs):
        super().__init__()
        if "epsilon" in kwargs:  # Keras 2
            warnings.warn("`epsilon` is deprecated, use `min_delta` instead.",
                          DeprecationWarning, stacklevel=2)
            min_delta = kwargs.pop("epsilon")
        if kwargs:
            raise TypeError(f"ReduceLROnPlateau: unexpected keyword arguments {sorted(kwargs)}")
        if factor >= 1.0:
            raise InvalidArgumentError(f"ReduceLROnPlateau does not support a factor >= 1.0. "
                                       f"Received factor={factor}")
        self.monitor, self.factor, self.patience, self.verbose = monitor, factor, patience, \
            verbose
        self.min_delta, self.cooldown, self.min_lr = min_delta, cooldown, min_lr
        self.mode = _monitor_mode(monitor, mode, "ReduceLROnPlateau")
        self._reset()

    def _reset(self):
        self.best = np.inf if self.mode == "min" else -np.inf
        self.cooldown_counter, self.wait = 0, 0

    def _improved(self, current):
        if self.mode == "min":
            return current < self.best - self.min_delta
        return current > self.best + self.min_delta

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["learning_rate"] = _get_lr(self.model)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Learning rate reduction is conditioned on metric `{self.monitor}` "
                          f"which is not available. Available metrics are: {','.join(logs)}.",
                          stacklevel=2)
            return
        current = _as_float(current)
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improved(current):
            self.best, self.wait = current, 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = _get_lr(self.model)
                if old_lr > np.float32(self.min_lr):
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    self.model.optimizer.learning_rate = new_lr
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate "
                              f"to {new_lr}.")
                    self.cooldown_counter, self.wait = self.cooldown, 0


class LearningRateScheduler(Callback):
    """Sets the optimizer's learning rate at the start of each epoch.

    Args:
      schedule: A function `schedule(epoch, lr) -> new lr` (or `schedule(epoch)`), with epochs
        counted from 0.
      verbose: 1 prints the new rate at each epoch.

    Example:

    >>> from ndflow import keras
    >>> halve = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose
        self._takes_lr = _positional_count(schedule) != 1

    def on_epoch_begin(self, epoch, logs=None):
        if self._takes_lr:
            lr = self.schedule(epoch, _get_lr(self.model))
        else:
            lr = self.schedule(epoch)
        if hasattr(lr, "numpy"):
            lr = lr.numpy()
        if not isinstance(lr, (float, int, np.floating, np.integer)) or np.ndim(lr):
            raise InvalidArgumentError(f'The output of the "schedule" function should be a '
                                       f"float. Got: {lr!r}")
        self.model.optimizer.learning_rate = float(lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{float(lr)}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = _get_lr(self.model)


def _positional_count(fn):
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return 2
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return 2
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


# --- CSVLogger ---------------------------------------------------------------------------------

class CSVLogger(Callback):
    """Streams epoch results to a CSV file: one row per epoch.

    Each row is written and flushed at the epoch's end (so an interrupted run keeps the epochs it
    finished). `append=True` continues an existing file without repeating its header.

    Args:
      filename: The CSV file's path.
      separator: The field separator (default ",").
      append: Whether to append to an existing file.
    """

    _chief_only = True

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.sep, self.append = os.fspath(filename), separator, append
        self.keys, self.writer, self.csv_file = None, None, None
        self._header_written = False

    def on_train_begin(self, logs=None):
        exists = os.path.exists(self.filename) and os.path.getsize(self.filename) > 0
        self._header_written = self.append and exists
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="",
                             encoding="utf-8")
        self.keys, self.writer = None, None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
        if getattr(self.model, "stop_training", False):
            logs = {k: logs.get(k, "NA") for k in self.keys}
        if self.writer is None:
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys,
                                         delimiter=self.sep, lineterminator="\n")
            if not self._header_written:
                self.writer.writeheader()
                self._header_written = True
        row = {"epoch": epoch}
        row.update((k, _csv_value(logs.get(k, "NA"))) for k in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None:
            self.csv_file.close()
        self.csv_file, self.writer = None, None


def _csv_value(value):
    if isinstance(value, str):
        return value
    if np.ndim(value) == 0:
        return float(np.asarray(value)) if not isinstance(value, (int, float)) else value
    return f"[{', '.join(str(v) for v in np.ravel(value))}]"


# --- small callbacks -----------------------------------------------------------------------------

class LambdaCallback(Callback):
    """A callback from plain functions: on_epoch_begin(epoch, logs), on_train_begin(logs),
    on_train_batch_end(batch, logs)... (on_batch_begin/end name the train batch hooks)."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **kwargs):
        super().__init__()
        given = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end,
                     on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end)
        for alias, hook in (("on_batch_begin", "on_train_batch_begin"),
                            ("on_batch_end", "on_train_batch_end")):
            if alias in kwargs:
                given[hook] = kwargs.pop(alias)
        for name in list(kwargs):
            if name not in _HOOKS:
                raise TypeError(f"LambdaCallback: unknown hook {name!r}")
            given[name] = kwargs.pop(name)
        for name, fn in given.items():
            if fn is not None:
                setattr(self, name, fn)


class TerminateOnNaN(Callback):
    """Stops training as soon as a batch's loss is NaN or infinite."""

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(_as_float(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


# --- BackupAndRestore -------------------------------------------------------------------------

class BackupAndRestore(Callback):
    """Backs up the model weights, the optimizer's variables and the epoch reached into
    `backup_dir` (every epoch, or every `save_freq` batches) so that a fit interrupted by a
    crash resumes where it stopped: on_train_begin restores them and sets
    `model._initial_epoch`. The backup is one .npz file (no pickles) written to a temporary
    file and renamed into place, so a crash mid-write never leaves a torn backup. It is
    deleted when training ends normally (`delete_checkpoint=True`)."""

    _FILE = "backup.npz"

    def __init__(self, backup_dir, save_freq="epoch", delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise InvalidArgumentError("BackupAndRestore: empty `backup_dir` argument.")
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise InvalidArgumentError(f"Invalid value for argument `save_freq`: {save_freq!r}."
                                       f" Expected 'epoch' or a positive integer.")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq, self.delete_checkpoint = save_freq, delete_checkpoint
        self._current_epoch = 0
        self._batches_seen = 0

    @property
    def _path(self):
        return os.path.join(self.backup_dir, self._FILE)

    def on_train_begin(self, logs=None):
        self._current_epoch, self._batches_seen = 0, 0
        if not os.path.exists(self._path):
            return
        weights, optimizer_values, meta = _read_backup(self._path)
        epoch = meta.get("epoch") if isinstance(meta, dict) else None
        epochs = (self.params or {}).get("epochs")
        if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0 or \
                (epochs is not None and epoch > epochs):
            raise InvalidArgumentError(
                f"BackupAndRestore: {self._path} records epoch {epoch!r}, but the resumed fit "
                f"runs epochs 0..{epochs}: the backup is corrupted or belongs to another run. "
                "Delete it to start training from scratch.")
        expected = [np.shape(w) for w in self.model.get_weights()]
        found = [np.shape(w) for w in weights]
        if found != expected:
            raise InvalidArgumentError(
                f"BackupAndRestore: {self._path} holds {len(found)} weights of shapes {found}, "
                f"but the model has {len(expected)} of shapes {expected}: it belongs to another "
                "model. Delete it to start training from scratch.")
        self.model.set_weights(weights)
        self._restore_optimizer(optimizer_values)
        self._current_epoch = epoch
        self.model._initial_epoch = self._current_epoch

    def _restore_optimizer(self, values):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not values:
            return
        variables = list(optimizer.variables)
        if len(variables) < len(values) and hasattr(optimizer, "build") and \
                hasattr(self.model, "trainable_variables"):
            optimizer.build(self.model.trainable_variables)  # create the slots to restore
            variables = list(optimizer.variables)
        if len(variables) != len(values):
            warnings.warn(f"BackupAndRestore: the backup holds {len(values)} optimizer "
                          f"variables but the optimizer has {len(variables)}; optimizer state "
                          "not restored.", stacklevel=3)
            return
        for var, value in zip(variables, values):
            var.assign(value)

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq != "epoch":
            self._batches_seen += 1
            if self._batches_seen % self.save_freq == 0:
                self._backup(self._current_epoch)  # an unfinished epoch restarts from its start

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        if self.save_freq == "epoch":
            self._backup(epoch + 1)

    def on_train_end(self, logs=None):
        # under a multi-worker strategy the chief writes and deletes the backup, which every
        # worker reads when resuming (backup_dir must be on a filesystem they all see)
        chief = _is_chief(self.model)
        if chief and self.delete_checkpoint and os.path.isdir(self.backup_dir):
            shutil.rmtree(self.backup_dir, ignore_errors=True)
        if getattr(self.model, "_nd_strategy", None) is not None:
            self.model._nd_strategy.extended._nd_barrier()  # no worker sees a stale backup

    def _backup(self, next_epoch):
        if not _is_chief(self.model):
            return
        optimizer = getattr(self.model, "optimizer", None)
        optimizer_values = [] if optimizer is None else \
            [np.asarray(v) for v in optimizer.variables]
        _write_backup(self._path, self.model.get_weights(), optimizer_values,
                      {"epoch": next_epoch, "saved_at": time.time()})


def _write_backup(path, weights, optimizer_values, meta):
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    arrays = {f"weight_{i:05d}": np.asarray(w) for i, w in enumerate(weights)}
    arrays.update({f"optimizer_{i:05d}": np.asarray(v) for i, v in enumerate(optimizer_values)})
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    arrays = with_checksum(arrays)
    atomic_write(path, lambda f: np.savez(f, **arrays))


def _read_backup(path):
    arrays = read_npz(path, required=("meta",), what="a BackupAndRestore backup")
    names = sorted(arrays)
    weights = [arrays[n] for n in names if n.startswith("weight_")]
    optimizer_values = [arrays[n] for n in names if n.startswith("optimizer_")]
    try:
        meta = json.loads(bytes(arrays["meta"]).decode("utf-8"))
    except (ValueError, RecursionError) as e:
        raise InvalidArgumentError(f"BackupAndRestore: {path} is not a readable backup "
                                   f"(its metadata: {e}). Delete it to start training from "
                                   "scratch.") from None
    return weights, optimizer_values, meta


def __getattr__(name):  # TensorBoard lives in its own module, which imports this one
    if name == "TensorBoard":
        from .callbacks_tensorboard import TensorBoard
        return TensorBoard
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
