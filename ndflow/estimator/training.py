"""tf.estimator.TrainSpec, EvalSpec and train_and_evaluate (the local, single-process form)."""
import logging
import time

from .estimator import Estimator
from .hooks import CheckpointSaverListener

_log = logging.getLogger("ndflow.estimator")


class TrainSpec:
    """What `train_and_evaluate` trains on.

    Args:
      input_fn: The training input function.
      max_steps: Train until the global step reaches this (None: until the data ends).
      hooks: `SessionRunHook`s for training.
      saving_listeners: `CheckpointSaverListener`s for training.

    Raises:
      TypeError: input_fn not callable.
      ValueError: max_steps <= 0.
    """

    def __init__(self, input_fn, max_steps=None, hooks=None, saving_listeners=None):
        if not callable(input_fn):
            raise TypeError(f"`input_fn` must be callable, given: {input_fn}")
        if max_steps is not None and max_steps <= 0:
            raise ValueError(f"Must specify max_steps > 0, given: {max_steps}")
        self.input_fn, self.max_steps = input_fn, max_steps
        self.hooks, self.saving_listeners = tuple(hooks or ()), tuple(saving_listeners or ())


class EvalSpec:
    """What and when `train_and_evaluate` evaluates.

    Args:
      input_fn: The evaluation input function.
      steps: Batches per evaluation (default 100; None: until the data ends).
      name: The evaluation's name (summaries in `model_dir/eval_<name>`).
      hooks: `SessionRunHook`s for evaluation.
      exporters: Must be empty (ndflow exports no SavedModels).
      start_delay_secs: Accepted for TF compatibility (used by distributed evaluators).
      throttle_secs: Evaluate a new checkpoint only if this many seconds passed since the
        last evaluation (default 600); the final checkpoint is always evaluated.

    Raises:
      TypeError: input_fn not callable.
      ValueError: steps <= 0, negative delays, or exporters.
    """

    def __init__(self, input_fn, steps=100, name=None, hooks=None, exporters=None,
                 start_delay_secs=120, throttle_secs=600):
        if not callable(input_fn):
            raise TypeError(f"`input_fn` must be callable, given: {input_fn}")
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if start_delay_secs < 0:
            raise ValueError(f"Must specify start_delay_secs >= 0, given: {start_delay_secs}")
        if throttle_secs < 0:
            raise ValueError(f"Must specify throttle_secs >= 0, given: {throttle_secs}")
        if exporters:
            raise ValueError("EvalSpec: exporters are not supported by ndflow (no SavedModel "
                             "export).")
        self.input_fn, self.steps, self.name = input_fn, steps, name
        self.hooks, self.exporters = tuple(hooks or ()), ()
        self.start_delay_secs, self.throttle_secs = start_delay_secs, throttle_secs


class _EvaluateOnSave(CheckpointSaverListener):
    """Evaluates after checkpoint saves, throttled, skipping the first (untrained) save."""

    def __init__(self, estimator, eval_spec):
        self._estimator, self._spec = estimator, eval_spec
        self._first = True
        self._last_time = None
        self.last_result = None
        self.last_step = None

    def _evaluate(self, step):
        self.last_result = self._estimator.evaluate(self._spec.input_fn, steps=self._spec.steps,
                                                    hooks=list(self._spec.hooks),
                                                    name=self._spec.name)
        self.last_step = step
        self._last_time = time.time()
        _log.info("Saving dict for global step %d: %s", step, self.last_result)

    def after_save(self, session, global_step_value):
        if self._first:
            self._first = False
            return
        if self._last_time is None or \
                time.time() - self._last_time >= self._spec.throttle_secs:
            self._evaluate(global_step_value)

    def end(self, session, global_step_value):
        if global_step_value != self.last_step:
            self._evaluate(global_step_value)


def train_and_evaluate(estimator, train_spec, eval_spec):
    """Trains `estimator` on `train_spec` and evaluates it on `eval_spec` after checkpoint
    saves (at most every `throttle_secs`) and once at the end (TF's local mode).

    Args:
      estimator: An `Estimator`.
      train_spec: A `TrainSpec`.
      eval_spec: An `EvalSpec`.

    Returns:
      (the last evaluation's dict, []), as TensorFlow returns (metrics, export results).

    Raises:
      TypeError: arguments of the wrong types.
    """
    if not isinstance(estimator, Estimator):
        raise TypeError(f"`estimator` must have type `tf.estimator.Estimator`. Got: "
                        f"{type(estimator)}")
    if not isinstance(train_spec, TrainSpec):
        raise TypeError(f"`train_spec` must have type `tf.estimator.TrainSpec`. Got: "
                        f"{type(train_spec)}")
    if not isinstance(eval_spec, EvalSpec):
        raise TypeError(f"`eval_spec` must have type `tf.estimator.EvalSpec`. Got: "
                        f"{type(eval_spec)}")
    listener = _EvaluateOnSave(estimator, eval_spec)
    estimator.train(train_spec.input_fn, hooks=list(train_spec.hooks),
                    max_steps=train_spec.max_steps,
                    saving_listeners=list(train_spec.saving_listeners) + [listener])
    if listener.last_result is None:  # training was skipped: max_steps already reached
        listener._evaluate(estimator._checkpoint_step())
    return listener.last_result, []
