"""Horovod's Keras callbacks (`hvd.callbacks.*`)."""
import numpy as np

from ...keras.callbacks import Callback
from .. import _world, broadcast_variables


def _model_variables(model):
    out = list(getattr(model, "variables", []))
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None:
        seen = {id(v) for v in out}
        out.extend(v for v in optimizer.variables if id(v) not in seen)
    return out


class BroadcastGlobalVariablesCallback(Callback):
    """Broadcasts the model's (and its optimizer's) variables from `root_rank` so that every
    rank trains from the same state: at the start of training (the weights) and after the
    first batch (the optimizer's slots, made by the first step)."""

    def __init__(self, root_rank, device=""):
        super().__init__()
        self.root_rank = root_rank
        self.broadcast_done = False

    def on_train_begin(self, logs=None):
        if _world().size > 1:
            broadcast_variables(_model_variables(self.model), self.root_rank)

    def on_batch_end(self, batch, logs=None):
        if self.broadcast_done:
            return
        if _world().size > 1:
            broadcast_variables(_model_variables(self.model), self.root_rank)
        self.broadcast_done = True


class MetricAverageCallback(Callback):
    """Replaces each metric of the epoch's logs by its average over the ranks (put it before
    callbacks that read the metrics, such as ReduceLROnPlateau or ModelCheckpoint)."""

    def __init__(self, device=""):
        super().__init__()

    def on_epoch_end(self, epoch, logs=None):
        comm = _world()
        if logs is None or comm.size == 1:
            return
        keys = sorted(k for k, v in logs.items() if np.ndim(v) == 0 and
                      isinstance(v, (int, float, np.number)))
        values = np.array([float(logs[k]) for k in keys], np.float64)
        for k, v in zip(keys, comm.allreduce([values], "mean")[0]):
            logs[k] = float(v)


class LearningRateScheduleCallback(Callback):
    """Sets the learning rate to `initial_lr * multiplier(epoch)` between `start_epoch` and
    `end_epoch` (a fractional epoch at every batch unless `staircase`); `multiplier` may be
    a number. The momentum correction of Horovod is not applied: ndflow's momentum is a
    constant of the compiled train step."""

    def __init__(self, initial_lr, multiplier, start_epoch=0, end_epoch=None, staircase=True,
                 momentum_correction=True, steps_per_epoch=None, verbose=0):
        super().__init__()
        self.initial_lr = initial_lr
        self.multiplier = multiplier if callable(multiplier) else (lambda epoch: multiplier)
        self.start_epoch, self.end_epoch = start_epoch, end_epoch
        self.staircase = staircase
        self.momentum_correction = momentum_correction
        self.steps_per_epoch = steps_per_epoch
        self.verbose = verbose
        self.current_epoch = None

    def _active(self, epoch):
        return epoch >= self.start_epoch and (self.end_epoch is None or epoch < self.end_epoch)

    def _set(self, epoch):
        lr = self.initial_lr * self.multiplier(epoch)
        self.model.optimizer.learning_rate = float(lr)
        return lr

    def on_train_begin(self, logs=None):
        if self.initial_lr is None:
            self.initial_lr = float(np.asarray(self.model.optimizer.learning_rate))
        if self.steps_per_epoch is None:
            self.steps_per_epoch = (self.params or {}).get("steps")

    def on_epoch_begin(self, epoch, logs=None):
        self.current_epoch = epoch

    def on_batch_begin(self, batch, logs=None):
        epoch = self.current_epoch
        if not self._active(epoch):
            return
        if self.staircase or not self.steps_per_epoch:
            if batch == 0:
                self._set(epoch)
        else:
            self._set(epoch + float(batch) / self.steps_per_epoch)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["lr"] = float(np.asarray(self.model.optimizer.learning_rate))


class LearningRateWarmupCallback(LearningRateScheduleCallback):
    """Goya et al.'s gradual warmup: the learning rate grows linearly from
    `initial_lr / size()` to `initial_lr` over `warmup_epochs` epochs (adjusted at every
    batch), so a large-batch run starts as gently as one process."""

    def __init__(self, initial_lr, warmup_epochs=5, momentum_correction=True,
                 steps_per_epoch=None, verbose=0):
        n = _world().size

        def multiplier(epoch):
            return 1.0 / n * (epoch * (n - 1) / warmup_epochs + 1)
        super().__init__(initial_lr, multiplier, start_epoch=0, end_epoch=warmup_epochs,
                         staircase=False, momentum_correction=momentum_correction,
                         steps_per_epoch=steps_per_epoch, verbose=verbose)
        self.warmup_epochs = warmup_epochs

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.end_epoch - 1:
            self.model.optimizer.learning_rate = float(self.initial_lr)
            if self.verbose:
                print(f"\nEpoch {epoch + 1}: finished gradual learning rate warmup to "
                      f"{self.initial_lr:g}.")
        super().on_epoch_end(epoch, logs)
