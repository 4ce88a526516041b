"""compile / fit / evaluate / predict for every Keras model.

The train, test and predict steps are plain Python methods compiled with `ndflow.function`
(one trace per input signature) unless `run_eagerly=True`. Losses, metrics, optimizers and
callbacks are the components module's objects (losses.get, metrics.get_for_loss,
optimizers.get, callbacks.CallbackList).
"""
import functools
import warnings

import numpy as np

from ...framework.autodiff import GradientTape
from ...framework.context import state as _context
from ...framework.function import Function
from ...framework.tensor import EagerTensor, TensorLike
from ...util.composite import CompositeTensor
from ...ops import array_ops, math_ops, random_ops
from ...util import nest
from ..layers.masks import get_keras_mask
from . import data_adapter

_AUTO_METRICS = ("accuracy", "acc", "crossentropy", "ce")


class _Compiled:
    """What compile() resolves against the model's outputs on the first batch."""

    def __init__(self, model, y_true, y_pred):
        from .. import losses as losses_module
        from .. import metrics as metrics_module
        self.flat_pred_count = len(nest.flatten(y_pred))
        names = model._output_names(self.flat_pred_count)
        self.names = names
        n = len(names)
        spec = model._nd_loss_spec
        self.losses = _per_output(spec, names, "loss", broadcast=True)
        self.losses = [None if s is None else losses_module.get(s) for s in self.losses]
        weights = model._nd_loss_weights
        self.loss_weights = [1.0] * n if weights is None else \
            [1.0 if w is None else float(w) for w in _per_output(weights, names, "loss_weights")]
        self.true_index = _true_positions(y_true, names)
        true_shapes = [None] * n
        flat_true = nest.flatten(y_true) if y_true is not None else []
        for i, j in enumerate(self.true_index):
            if j is not None and j < len(flat_true):
                true_shapes[i] = tuple(_shape(flat_true[j]))
        pred_shapes = [tuple(_shape(p)) for p in nest.flatten(y_pred)]
        self.metrics = []  # (display name, output index, metric, weighted)
        for weighted, spec in ((False, model._nd_metrics_spec),
                               (True, model._nd_weighted_metrics_spec)):
            for i, entries in enumerate(_metrics_per_output(spec, names)):
                for entry in entries:
                    if isinstance(entry, str) and entry in _AUTO_METRICS:
                        m = metrics_module.get_for_loss(entry, self.losses[i], true_shapes[i],
                                                        pred_shapes[i])
                    else:
                        m = metrics_module.get(entry)
                        if n > 1 and not isinstance(entry, str):
                            m = type(m).from_config(m.get_config())
                    base = entry if isinstance(entry, str) else m.name
                    if weighted and isinstance(entry, str):
                        base = "weighted_" + base
                    display = base if n == 1 else f"{names[i]}_{base}"
                    self.metrics.append((display, i, m, weighted))
        self.loss_tracker = metrics_module.Mean(name="loss")
        self.output_loss_trackers = []
        if n > 1:
            self.output_loss_trackers = [metrics_module.Mean(name=f"{name}_loss")
                                         for name in names]

    def metric_objects(self):
        return [self.loss_tracker] + self.output_loss_trackers + [m for _, _, m, _ in
                                                                  self.metrics]

    def names_in_order(self):
        return (["loss"] + [m.name for m in self.output_loss_trackers]
                + [d for d, _, _, _ in self.metrics])


def _shape(t):
    s = t.shape
    return s.as_list() if hasattr(s, "as_list") else list(s)


def _per_output(spec, names, what, broadcast=False):
    n = len(names)
    if isinstance(spec, dict):
        unknown = [k for k in spec if k not in names]
        if unknown:
            raise ValueError(f"In compile(), the keys of `{what}` {unknown} do not match the "
                             f"model's output names {names}.")
        return [spec.get(name) for name in names]
    if isinstance(spec, (list, tuple)):
        if len(spec) != n:
            raise ValueError(f"In compile(), `{what}` has {len(spec)} entries but the model has "
                             f"{n} output(s) ({names}). Received: {what}={spec}")
        return list(spec)
    if not broadcast and n > 1 and spec is not None:
        return [spec] * n
    return [spec] * n


def _metrics_per_output(spec, names):
    n = len(names)
    if spec is None:
        return [[] for _ in names]
    if isinstance(spec, dict):
        out = []
        for name in names:
            v = spec.get(name, [])
            out.append(list(v) if isinstance(v, (list, tuple)) else [v])
        return out
    if not isinstance(spec, (list, tuple)):
        spec = [spec]
    if n > 1 and len(spec) == n and all(isinstance(s, (list, tuple)) or s is None
                                        for s in spec):
        return [list(s or []) for s in spec]
    return [list(spec) for _ in names]  # Keras 2: a flat list applies to every output


def _true_positions(y_true, names):
    """For each output, the position of its target among the flattened targets."""
    if isinstance(y_true, dict):
        keys = sorted(y_true)
        return [keys.index(name) if name in y_true else None for name in names]
    return list(range(len(names)))


def _unpack_targets(y_true, compiled):
    if y_true is None:
        return [None] * len(compiled.names)
    flat = nest.flatten(y_true)
    if len(compiled.names) == 1 and len(flat) == 1:
        return flat
    if len(flat) != len(compiled.names) and not isinstance(y_true, dict):
        raise ValueError(f"The model has {len(compiled.names)} outputs but {len(flat)} target "
                         "arrays were given.")
    return [None if j is None else flat[j] for j in compiled.true_index]


def _apply_mask(sample_weight, mask, y_pred, rescale):
    """Keras 3's masked losses and metrics: masked timesteps get weight 0. For a loss
    averaged over the batch (`rescale`), the weights are scaled by total / unmasked so the
    loss is the mean over unmasked entries."""
    if mask is None:
        return sample_weight
    import ndflow
    m = ndflow.cast(mask, y_pred.dtype)
    if rescale:
        total = ndflow.cast(ndflow.size(m), y_pred.dtype)
        valid = ndflow.reduce_sum(m)
        m = m * (total / ndflow.maximum(valid, 1e-7))
    if sample_weight is None:
        return m
    sw = sample_weight if isinstance(sample_weight, TensorLike) else \
        ndflow.convert_to_tensor(np.asarray(sample_weight, y_pred.dtype._np))
    sw = ndflow.cast(sw, y_pred.dtype)
    while sw.shape.rank is not None and m.shape.rank is not None and \
            sw.shape.rank < m.shape.rank:
        sw = ndflow.expand_dims(sw, -1)
    return sw * m


def _logs_to_floats(logs):
    return {k: float(v._value) if isinstance(v, EagerTensor) else float(v)
            for k, v in logs.items()}


def _under_strategy(method):
    """Runs fit/evaluate/predict in the scope of the model's strategy (variables made
    lazily while training are then made alike on every worker)."""
    @functools.wraps(method)
    def run(self, *args, **kwargs):
        strategy = getattr(self, "_nd_strategy", None)
        if strategy is None or _context.strategy is strategy:
            return method(self, *args, **kwargs)
        with strategy.scope():
            return method(self, *args, **kwargs)
    return run


class Trainer:
    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self.stop_training = False
        self.history = None
        self._initial_epoch = None
        self._nd_strategy = _context.strategy  # a model made in a strategy's scope trains there
        self._nd_reset_compile()

    def _nd_reset_compile(self):
        self._nd_compiled_state = None
        self._nd_train_fn = None
        self._nd_test_fn = None
        self._nd_predict_fn = None

    # --- compile ---------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True, **kwargs):
        """Configures the model for training: optimizer, loss and metrics.

        Args:
          optimizer: An optimizer instance or name (default "rmsprop").
          loss: A loss name ("mse", "sparse_categorical_crossentropy"...), a `Loss`, a function
            `fn(y_true, y_pred)`, or a list/dict of them for several outputs.
          metrics: A list of metric names ("accuracy"...), `Metric`s or functions (a dict per
            output for several outputs).
          loss_weights: Optional list/dict weighting the losses of several outputs.
          weighted_metrics: Metrics computed with `sample_weight`.
          run_eagerly: If true, train steps run as plain Python (slower, easier to debug);
            otherwise they are compiled with `ndflow.function`.
          steps_per_execution: Accepted (steps run one at a time).
          jit_compile: Accepted for compatibility (no XLA).
          auto_scale_loss: If true and the model's dtype policy is "mixed_float16", the
            optimizer is wrapped in a `keras.mixed_precision.LossScaleOptimizer`.
          **kwargs: Keras 2 arguments that are ignored with a warning (`sample_weight_mode`...).

        Raises:
          TypeError: For unknown keyword arguments.
        """
        for legacy in ("experimental_run_tf_function", "sample_weight_mode", "target_tensors",
                       "distribute", "experimental_steps_per_execution"):
            if legacy in kwargs:
                kwargs.pop(legacy)
                warnings.warn(f"compile(): `{legacy}` is a Keras 2 argument and is ignored.",
                              DeprecationWarning, stacklevel=2)
        if kwargs:
            raise TypeError(f"compile() got unexpected keyword arguments: {sorted(kwargs)}")
        from .. import optimizers
        self.optimizer = optimizers.get(optimizer)
        if auto_scale_loss and self.dtype_policy.name == "mixed_float16" and \
                not hasattr(self.optimizer, "scale_loss"):  # Keras 3 does the same
            from ..mixed_precision import LossScaleOptimizer
            self.optimizer = LossScaleOptimizer(self.optimizer, name="loss_scale_optimizer")
        self.loss = loss
        self._nd_loss_spec = loss
        self._nd_loss_weights = loss_weights
        self._nd_metrics_spec = metrics
        self._nd_weighted_metrics_spec = weighted_metrics
        self.run_eagerly = bool(run_eagerly)
        self.steps_per_execution = steps_per_execution
        self.jit_compile = jit_compile
        self._nd_reset_compile()
        self.compiled = True
        if _context.strategy is not None:  # compiled in a tf.distribute scope: train under it
            self._nd_strategy = _context.strategy
            _context.strategy.extended._nd_broadcast_variables(self.variables)

    def _assert_compiled(self, what):
        if not self.compiled:
            raise RuntimeError(f"You must call `compile()` before using the model in `{what}`.")

    def _output_names(self, count):
        names = list(getattr(self, "output_names", []) or [])
        if len(names) != count or len(set(names)) != count:
            names = [f"output_{i + 1}" for i in range(count)] if count > 1 else \
                (names[:1] if len(names) == 1 and count == 1 else ["output_1"])
        return names

    def _compiled_for(self, y_true, y_pred):
        state = self._nd_compiled_state
        if state is None:
            state = _Compiled(self, y_true, y_pred)
            self._nd_compiled_state = state
        return state

    @property
    def metrics(self):
        state = self._nd_compiled_state
        return state.metric_objects() if state is not None else []

    @property
    def metrics_names(self):
        state = self._nd_compiled_state
        return state.names_in_order() if state is not None else []

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    # --- the steps ---------------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        total, _ = self._compute_loss(y, y_pred, sample_weight)
        scale = getattr(self, "_nd_replica_loss_scale", None)
        if scale is not None:  # a custom train_step under a multi-worker strategy (below)
            total = total * scale
        return total

    def _compute_loss(self, y, y_pred, sample_weight):
        state = self._compiled_for(y, y_pred)
        targets = _unpack_targets(y, state)
        preds = nest.flatten(y_pred)
        sws = nest.flatten(sample_weight) if sample_weight is not None else [None]
        per_output = []
        total = None
        for i, (loss_fn, weight) in enumerate(zip(state.losses, state.loss_weights)):
            if loss_fn is None or targets[i] is None:
                per_output.append(None)
                continue
            sw = sws[i] if len(sws) == len(preds) else sws[0]
            sw = _apply_mask(sw, get_keras_mask(preds[i]), preds[i],
                             getattr(loss_fn, "reduction", None) in
                             ("sum_over_batch_size", "mean"))
            value = loss_fn(targets[i], preds[i], sample_weight=sw)
            per_output.append(value)
            term = value if weight == 1.0 else value * weight
            total = term if total is None else total + term
        extra = self.losses
        if extra:
            reg = math_ops.add_n([math_ops.cast(t, "float32") for t in extra]) \
                if len(extra) > 1 else math_ops.cast(extra[0], "float32")
            total = reg if total is None else total + reg
        if total is None:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        return total, per_output

    def _update_metrics(self, state, y, y_pred, sample_weight, total, per_output, batch_size):
        state.loss_tracker.update_state(total, sample_weight=batch_size)
        for tracker, value in zip(state.output_loss_trackers, per_output):
            if value is not None:
                tracker.update_state(value, sample_weight=batch_size)
        if state.metrics:
            targets = _unpack_targets(y, state)
            preds = nest.flatten(y_pred)
            sws = nest.flatten(sample_weight) if sample_weight is not None else [None]
            for _, i, metric, weighted in state.metrics:
                if targets[i] is None:
                    continue
                sw = (sws[i] if len(sws) == len(preds) else sws[0]) if weighted else None
                sw = _apply_mask(sw, get_keras_mask(preds[i]), preds[i], False)
                metric.update_state(targets[i], preds[i], sample_weight=sw)

    def _results(self, state):
        logs = {"loss": state.loss_tracker.result()}
        for tracker in state.output_loss_trackers:
            logs[tracker.name] = tracker.result()
        for display, _, metric, _ in state.metrics:
            logs[display] = metric.result()
        return logs

    def train_step(self, data):
        x, y, sample_weight = data_adapter.unpack(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            total, per_output = self._compute_loss(y, y_pred, sample_weight)
            scaled = self.optimizer.scale_loss(total) if hasattr(self.optimizer, "scale_loss") \
                else total  # a LossScaleOptimizer (mixed precision)
        variables = self.trainable_variables
        grads = tape.gradient(scaled, variables)
        dist = _distributed(self)
        if dist is not None:  # averaged over every worker's rows of the global batch
            grads = dist._nd_average_gradients(grads, _batch_size(x))
        self.optimizer.apply_gradients(zip(grads, variables))
        state = self._nd_compiled_state
        self._update_metrics(state, y, y_pred, sample_weight, total, per_output,
                             _batch_size(x))
        return self._results(state)

    def test_step(self, data):
        x, y, sample_weight = data_adapter.unpack(data)
        y_pred = self(x, training=False)
        total, per_output = self._compute_loss(y, y_pred, sample_weight)
        state = self._nd_compiled_state
        self._update_metrics(state, y, y_pred, sample_weight, total, per_output,
                             _batch_size(x))
        return self._results(state)

    def predict_step(self, data):
        x, _, _ = data_adapter.unpack(data)
        return self(x, training=False)

    def _step_function(self, kind):
        attr = f"_nd_{kind}_fn"
        fn = getattr(self, attr)
        if fn is None:
            step = getattr(self, f"{kind}_step")
            if kind == "train" and type(self).train_step is not Trainer.train_step and \
                    _distributed(self) is not None:
                step = _replica_train_step(self, step)
            fn = step if getattr(self, "run_eagerly", False) else _StepFunction(step, kind)
            setattr(self, attr, fn)
        return fn

    def _ensure_built_state(self, adapter):
        """Resolves losses/metrics eagerly (their variables must exist before tracing)."""
        if self._nd_compiled_state is not None:
            return
        if isinstance(adapter, data_adapter.ArrayAdapter):
            if adapter.n == 0:
                return
            # one batch as fit will feed it, so a shape error shows the user's batch shape
            x, y = _first_rows(adapter.x, adapter.batch_size or 32), adapter.y
        elif isinstance(adapter, data_adapter.SequenceAdapter) and adapter.steps:
            x, y, _ = adapter._batch(adapter.data[0])
        else:  # a generator: resolved while tracing the first step instead
            return
        y_pred = self(x, training=False)
        self._compiled_for(y, y_pred)

    # --- fit ---------------------------------------------------------------------------------
    @_under_strategy
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, **kwargs):
        """Trains the model for a number of epochs.

        Each step runs the model on a batch, computes the compiled loss (plus the layers'
        regularization losses), applies the optimizer and updates the metrics.

        Args:
          x: The inputs: a NumPy array or tensor (or a list/dict of them for several inputs), a
            `tf.data.Dataset` of `(x, y[, sample_weight])` batches, a generator or a
            `keras.utils.PyDataset`.
          y: The targets (None when `x` is a dataset or generator yielding them).
          batch_size: Samples per step for array inputs (default 32).
          epochs: The number of epochs to train, counted from `initial_epoch`.
          verbose: "auto" (1), 0 (silent), 1 (progress bar) or 2 (one line per epoch).
          callbacks: A list of `keras.callbacks.Callback`s.
          validation_split: Fraction of array inputs (taken from the end) held out for validation.
          validation_data: `(x_val, y_val[, sample_weight])` or a dataset, evaluated after each
            epoch.
          shuffle: Whether array inputs are shuffled before each epoch.
          class_weight: Optional dict `class index -> weight` scaling each sample's loss.
          sample_weight: Optional per-sample weights for array inputs.
          initial_epoch: The epoch to start from (to resume training).
          steps_per_epoch: Steps per epoch (default: one pass over the data).
          validation_steps: Validation steps per evaluation.
          validation_batch_size: The batch size of the validation data.
          validation_freq: Validate every this many epochs.
          **kwargs: Keras 1/2 arguments such as `nb_epoch` (renamed, with a warning).

        Returns:
          A `History` whose `history` dict maps each metric ("loss", "val_loss"...) to its values
          per epoch.

        Raises:
          RuntimeError: If the model is not compiled.
          ValueError: For inconsistent inputs (e.g. `validation_split` with a generator, or x and y
            of different lengths).
        """
        self._assert_compiled("fit")
        if "nb_epoch" in kwargs:  # Keras 1's name, converted with a warning as Keras 2 did
            warnings.warn("The `nb_epoch` argument in `fit` has been renamed `epochs`.",
                          DeprecationWarning, stacklevel=2)
            epochs = kwargs.pop("nb_epoch")
        _legacy_kwargs(kwargs, "fit")
        verbose = _verbosity(verbose)
        train = data_adapter.make_adapter(x, y, sample_weight, batch_size, steps_per_epoch,
                                          shuffle, class_weight)
        val = None
        if validation_split and validation_data is None:
            if not isinstance(train, data_adapter.ArrayAdapter):
                raise ValueError("`validation_split` is only supported for Tensors or NumPy "
                                 "arrays, not generators or Sequences.")
            vx, vy, vsw = train.split(validation_split)
            val = data_adapter.ArrayAdapter(vx, vy, vsw, validation_batch_size or batch_size,
                                            steps=validation_steps)
        elif validation_data is not None:
            val = _validation_adapter(validation_data, validation_batch_size or batch_size,
                                      validation_steps)
        self._ensure_built_state(train)
        train_fn = self._step_function("train")
        rng = _shuffle_rng() if shuffle else None
        dist = _distributed(self)
        if dist is not None:
            rng = dist._nd_shared_rng(rng)

        from .. import callbacks as callbacks_module
        cbs = callbacks if isinstance(callbacks, callbacks_module.CallbackList) else \
            callbacks_module.CallbackList(callbacks, add_history=True,
                                          add_progbar=verbose != 0, model=self,
                                          verbose=verbose, epochs=epochs, steps=train.steps)
        batch_hooks = _wants_batch_hooks(cbs, "train")
        self.stop_training = False
        self._initial_epoch = None
        cbs.on_train_begin()
        start = self._initial_epoch if self._initial_epoch is not None else initial_epoch
        epoch_logs = {}
        for epoch in range(start, epochs):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            logs = None
            for step, batch in enumerate(_local_batches(dist, train.epoch(rng))):
                if batch_hooks:
                    cbs.on_train_batch_begin(step)
                logs = train_fn(_pack(batch))
                if batch_hooks:
                    cbs.on_train_batch_end(step, _floats(self, logs))
                if self.stop_training:
                    break
            if logs is None:
                break  # the data ran out
            epoch_logs = _floats(self, logs)
            if val is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._run_evaluation(val, cbs, verbose=0)
                epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            if self.stop_training or getattr(train, "exhausted", False):
                break
        cbs.on_train_end(epoch_logs)
        return self.history

    # --- evaluate / predict ------------------------------------------------------------------
    def _run_evaluation(self, adapter, cbs, verbose):
        self._ensure_built_state(adapter)
        test_fn = self._step_function("test")
        for m in self.metrics:
            m.reset_state()
        batch_hooks = cbs is not None and _wants_batch_hooks(cbs, "test")
        if cbs is not None:
            cbs.on_test_begin()
        logs = None
        for step, batch in enumerate(_local_batches(_distributed(self), adapter.epoch(None))):
            if batch_hooks:
                cbs.on_test_batch_begin(step)
            logs = test_fn(_pack(batch))
            if batch_hooks:
                cbs.on_test_batch_end(step, _floats(self, logs))
        if logs is None:
            raise ValueError("Expected some data to evaluate on; the input yielded no batch.")
        logs = _floats(self, logs)
        if cbs is not None:
            cbs.on_test_end(logs)
        return logs

    @_under_strategy
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """Computes the loss and metrics of the model on data, batch by batch.

        Args:
          x: The inputs: a NumPy array or tensor (or a list/dict of them for several inputs), a
            `tf.data.Dataset` of `(x, y[, sample_weight])` batches, a generator or a
            `keras.utils.PyDataset`.
          y: The targets.
          batch_size: Samples per step for array inputs (default 32).
          verbose: "auto" (1), 0 or 1.
          sample_weight: Optional per-sample weights.
          steps: Optional number of steps.
          callbacks: A list of callbacks.
          return_dict: If true, return a dict `name -> value`.
          **kwargs: Keras 2 arguments that are ignored.

        Returns:
          The loss (a float) when there are no metrics, else a list `[loss, metric...]` (or a
          dict with `return_dict=True`).

        Raises:
          RuntimeError: If the model is not compiled.
        """
        self._assert_compiled("evaluate")
        _legacy_kwargs(kwargs, "evaluate")
        verbose = _verbosity(verbose)
        adapter = data_adapter.make_adapter(x, y, sample_weight, batch_size, steps)
        from .. import callbacks as callbacks_module
        cbs = callbacks if isinstance(callbacks, callbacks_module.CallbackList) else \
            callbacks_module.CallbackList(callbacks, add_progbar=verbose != 0, model=self,
                                          verbose=verbose, epochs=1, steps=adapter.steps)
        logs = self._run_evaluation(adapter, cbs, verbose)
        return logs if return_dict else _flat_results(logs)

    @_under_strategy
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None,
                **kwargs):
        """Runs the model on inputs in batches and returns the outputs as NumPy arrays.

        Args:
          x: The inputs: a NumPy array or tensor (or a list/dict of them for several inputs), a
            `tf.data.Dataset` of `(x, y[, sample_weight])` batches, a generator or a
            `keras.utils.PyDataset`.
          batch_size: Samples per step for array inputs (default 32).
          verbose: "auto" (1), 0 or 1.
          steps: Optional number of steps.
          callbacks: A list of callbacks.
          **kwargs: Keras 2 arguments that are ignored.

        Returns:
          A NumPy array (or a list/dict of them for several outputs), batches concatenated.
        """
        _legacy_kwargs(kwargs, "predict")
        verbose = _verbosity(verbose)
        adapter = data_adapter.make_adapter(x, None, None, batch_size, steps)
        predict_fn = self._step_function("predict")
        from .. import callbacks as callbacks_module
        cbs = callbacks if isinstance(callbacks, callbacks_module.CallbackList) else \
            callbacks_module.CallbackList(callbacks, add_progbar=verbose != 0, model=self,
                                          verbose=verbose, epochs=1, steps=adapter.steps)
        batch_hooks = _wants_batch_hooks(cbs, "predict")
        cbs.on_predict_begin()
        outputs = []
        dist = _distributed(self)
        for step, (bx, _, _) in enumerate(_local_batches(dist, adapter.epoch(None))):
            if batch_hooks:
                cbs.on_predict_batch_begin(step)
            out = predict_fn((bx,))
            outputs.append(nest.map_structure(_to_numpy, out))
            if dist is not None:  # every worker returns the predictions of all rows
                outputs[-1] = dist._nd_gather(outputs[-1])
            if batch_hooks:
                cbs.on_predict_batch_end(step, {"outputs": outputs[-1]})
        cbs.on_predict_end()
        if not outputs:
            raise ValueError("Expected some data to predict on; the input yielded no batch.")
        return nest.map_structure(lambda *parts: np.concatenate(parts, axis=0), *outputs)

    # --- single batches ------------------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       reset_metrics=True, return_dict=False):
        """Runs one training step on one batch.

        Args:
          x: The batch's inputs.
          y: The batch's targets.
          sample_weight: Optional per-sample weights.
          class_weight: Optional dict `class index -> weight`.
          reset_metrics: Whether the metrics start afresh for this batch.
          return_dict: If true, return a dict `name -> value`.

        Returns:
          The loss, or `[loss, metric...]` (a dict with `return_dict=True`).
        """
        self._assert_compiled("train_on_batch")
        adapter = data_adapter.ArrayAdapter(x, y, sample_weight, batch_size=None,
                                            class_weight=class_weight)
        adapter.batch_size = max(adapter.n, 1)
        adapter.steps = 1
        self._ensure_built_state(adapter)
        if reset_metrics:
            self.reset_metrics()
        batch = next(adapter.epoch(None))
        logs = _logs_to_floats(self._step_function("train")(_pack(batch)))
        return logs if return_dict else _flat_results(logs)

    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics=True,
                      return_dict=False):
        """Computes the loss and metrics on one batch, without training.

        Args:
          x: The batch's inputs.
          y: The batch's targets.
          sample_weight: Optional per-sample weights.
          reset_metrics: Whether the metrics start afresh for this batch.
          return_dict: If true, return a dict `name -> value`.

        Returns:
          The loss, or `[loss, metric...]` (a dict with `return_dict=True`).
        """
        self._assert_compiled("test_on_batch")
        adapter = data_adapter.ArrayAdapter(x, y, sample_weight, batch_size=None)
        adapter.batch_size = max(adapter.n, 1)
        adapter.steps = 1
        self._ensure_built_state(adapter)
        if reset_metrics:
            self.reset_metrics()
        batch = next(adapter.epoch(None))
        logs = _logs_to_floats(self._step_function("test")(_pack(batch)))
        return logs if return_dict else _flat_results(logs)

    def predict_on_batch(self, x):
        """Returns the model's outputs on one batch, as NumPy arrays.

        Args:
          x: The batch's inputs.

        Returns:
          A NumPy array (or a list/dict of them).
        """
        out = self._step_function("predict")((data_adapter.standardize(x),))
        return nest.map_structure(_to_numpy, out)

    def predict_classes(self, x, batch_size=32, verbose=0):
        warnings.warn("`model.predict_classes()` was removed in Keras 2.6; use "
                      "`np.argmax(model.predict(x), axis=-1)` (or `> 0.5` for a sigmoid "
                      "output).", DeprecationWarning, stacklevel=2)
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype("int32")

    def predict_proba(self, x, batch_size=32, verbose=0):
        warnings.warn("`model.predict_proba()` was removed in Keras 2.6; use "
                      "`model.predict()`.", DeprecationWarning, stacklevel=2)
        return self.predict(x, batch_size=batch_size, verbose=verbose)

    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, **kwargs):
        warnings.warn("`Model.fit_generator` is deprecated; `Model.fit` accepts generators.",
                      DeprecationWarning, stacklevel=2)
        return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs, **kwargs)

    def evaluate_generator(self, generator, steps=None, **kwargs):
        warnings.warn("`Model.evaluate_generator` is deprecated; use `Model.evaluate`.",
                      DeprecationWarning, stacklevel=2)
        return self.evaluate(generator, steps=steps, **kwargs)

    def predict_generator(self, generator, steps=None, **kwargs):
        warnings.warn("`Model.predict_generator` is deprecated; use `Model.predict`.",
                      DeprecationWarning, stacklevel=2)
        return self.predict(generator, steps=steps, **kwargs)

    def get_compile_config(self):
        if not self.compiled:
            return None
        from .. import optimizers
        return {"optimizer": optimizers.serialize(self.optimizer), "loss": self._nd_loss_spec,
                "metrics": self._nd_metrics_spec, "loss_weights": self._nd_loss_weights,
                "weighted_metrics": self._nd_weighted_metrics_spec,
                "run_eagerly": self.run_eagerly, "steps_per_execution": 1,
                "jit_compile": False}

    def compile_from_config(self, config):
        self.compile(**config)


# --- helpers ----------------------------------------------------------------------------------

def _distributed(model):
    """The extended multi-worker strategy the model was compiled under (None: one process)."""
    strategy = getattr(model, "_nd_strategy", None)
    return strategy.extended if strategy is not None and \
        strategy.num_replicas_in_sync > 1 else None


def _replica_train_step(model, step):
    """A user's own `train_step` under a multi-worker strategy, run as TensorFlow runs it: in
    the replica context (`strategy.run`), where `optimizer.apply_gradients` sums the
    replicas' gradients, with `compute_loss` scaled by 1 / num_replicas_in_sync, so the
    applied gradient is the mean of the workers' gradients (the built-in step instead
    averages by row counts, exact for uneven batches)."""
    strategy = model._nd_strategy

    def replica_step(data):
        model._nd_replica_loss_scale = 1.0 / strategy.num_replicas_in_sync
        try:
            return strategy.run(step, (data,))
        finally:
            model._nd_replica_loss_scale = None
    return replica_step


def _local_batches(dist, batches):
    """Each global batch, or under a multi-worker strategy this worker's rows of it."""
    return batches if dist is None else dist._nd_local_batches(batches)


def _floats(model, logs):
    dist = _distributed(model)
    return _logs_to_floats(logs) if dist is None else dist._nd_global_logs(model, logs)


class _StepFunction:
    """A step compiled with `ndflow.function`. Batches holding a SparseTensor (or other
    composite) are traced once per structure with their batch and nonzero counts unknown:
    traced per shape, every batch (a new number of nonzeros) would trace again."""

    def __init__(self, step, kind):
        self._step, self._kind = step, kind
        self._dense = Function(step, name=kind)
        self._composite = {}

    def __call__(self, data):
        if not any(isinstance(leaf, CompositeTensor) for leaf in nest.flatten(data)):
            return self._dense(data)
        signature = nest.map_structure(_unbatched_spec, data)
        key = repr(signature)
        fn = self._composite.get(key)
        if fn is None:
            fn = self._composite[key] = Function(self._step, input_signature=[signature],
                                                 name=self._kind)
        return fn(data)

    def experimental_get_tracing_count(self):
        return self._dense.experimental_get_tracing_count() + len(self._composite)


def _unbatched_spec(leaf):
    """The spec of a batch leaf with its batch dimension unknown (input_signature)."""
    if isinstance(leaf, CompositeTensor):
        spec = leaf._type_spec
        if not spec.shape.rank:
            return spec
        shape = [None] + spec.shape.as_list()[1:]
        if hasattr(spec, "ragged_rank"):
            return type(spec)(shape, spec.dtype, spec.ragged_rank)
        return type(spec)(shape, spec.dtype)
    if isinstance(leaf, (EagerTensor, np.ndarray)):
        from ...framework.tensor import TensorSpec
        shape = list(np.shape(leaf))
        return TensorSpec([None] + shape[1:] if shape else [], leaf.dtype)
    return leaf


def _pack(batch):
    x, y, sw = batch
    if sw is not None:
        return (x, y, sw)
    if y is not None:
        return (x, y)
    # x alone reaches train_step as x itself, as Keras packs it (a custom step may use
    # `data` as the images: keras-io's VAE); a tuple or list of inputs stays wrapped
    return (x,) if isinstance(x, (tuple, list)) else x


def _first_rows(x, n=1):
    return nest.map_structure(lambda a: a[:n] if np.ndim(a) else a, x)


def _batch_size(x):
    first = nest.flatten(x)[0]
    if hasattr(first, "dense_shape"):  # a SparseTensor batch
        return math_ops.cast(first.dense_shape[0], "float32")
    if hasattr(first, "flat_values") and first.shape[0] is None:  # a RaggedTensor batch
        return math_ops.cast(first.nrows(), "float32")
    shape = first.shape
    dim = shape[0] if not hasattr(shape, "as_list") else shape.as_list()[0]
    if dim is not None:
        return float(dim)
    return math_ops.cast(array_ops.shape(first)[0], "float32")


def _to_numpy(t):
    if isinstance(t, TensorLike):
        return t.numpy()
    return np.asarray(t)


def _flat_results(logs):
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def _verbosity(verbose):
    if verbose == "auto":
        return 1
    return int(verbose)


def _legacy_kwargs(kwargs, where):
    for legacy in ("workers", "use_multiprocessing", "max_queue_size"):
        if legacy in kwargs:
            kwargs.pop(legacy)
            warnings.warn(f"{where}(): `{legacy}` is a Keras 2 argument and is ignored.",
                          DeprecationWarning, stacklevel=3)
    if kwargs:
        raise TypeError(f"{where}() got unexpected keyword arguments: {sorted(kwargs)}")


def _validation_adapter(data, batch_size, steps):
    if isinstance(data, tuple) and len(data) in (2, 3):
        vx, vy = data[0], data[1]
        vsw = data[2] if len(data) == 3 else None
        return data_adapter.make_adapter(vx, vy, vsw, batch_size, steps)
    if isinstance(data, list) and len(data) in (2, 3) and not isinstance(data[0], dict):
        return data_adapter.make_adapter(data[0], data[1], data[2] if len(data) == 3 else None,
                                         batch_size, steps)
    return data_adapter.make_adapter(data, None, None, batch_size, steps, what="validation_data")


def _shuffle_rng():
    """A NumPy Generator for shuffling, drawn from ndflow's global random stream so that
    `ndflow.random.set_seed` / `keras.utils.set_random_seed` makes shuffling reproducible."""
    seed = random_ops.random_uniform([], 0, 2**31 - 1, dtype="int64")
    return np.random.default_rng(int(seed))


def _wants_batch_hooks(cbs, kind):
    """Whether any callback overrides a per-batch hook of `kind` (else skip converting
    logs to floats on every batch)."""
    from .. import callbacks as callbacks_module
    inner = getattr(cbs, "callbacks", None)
    if inner is None:
        return True
    base = callbacks_module.Callback
    for cb in inner:
        for hook in (f"on_{kind}_batch_begin", f"on_{kind}_batch_end"):
            if getattr(type(cb), hook, None) is not getattr(base, hook, None):
                return True
        if kind == "train" and (getattr(type(cb), "on_batch_end", None) is not
                                getattr(base, "on_batch_end", None)):
            return True
    return False
