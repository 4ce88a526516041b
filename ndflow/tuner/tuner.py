"""Tuners: run the trials an oracle proposes, record their metrics and checkpoints.

    tuner = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=5,
                            directory="my_dir", project_name="my_search", seed=42)
    tuner.search(x, y, epochs=10, validation_data=(x_val, y_val))

On disk, under directory/project_name: oracle.json, and per trial trial_<id>/trial.json
plus checkpoint.weights.h5 (the weights of the trial's best epoch).
"""
import copy
import gc
import os
import sys
import time
import traceback
import warnings

import numpy as np

from . import oracles as oracle_module
from .executors import LocalProcessExecutor, TrialExecutor
from .trial import ObjectiveNotFoundError, Trial, TrialStatus

CHECKPOINT_NAME = "checkpoint.weights.h5"


class HyperModel:
    """Subclass with `build(hp)` returning a compiled model; override `fit(hp, model, ...)`
    to tune preprocessing or fit arguments (batch size...) too."""

    def __init__(self, name=None, tunable=True):
        self.name = name
        self.tunable = tunable

    def build(self, hp):
        raise NotImplementedError("HyperModel subclasses implement build(hp).")

    def declare_hyperparameters(self, hp):
        pass

    def fit(self, hp, model, *args, **kwargs):
        return model.fit(*args, **kwargs)


class _FunctionHyperModel(HyperModel):
    """A plain `build_model(hp)` function as a HyperModel."""

    def __init__(self, build_fn):
        super().__init__(name=getattr(build_fn, "__name__", None))
        self.build_fn = build_fn

    def build(self, hp):
        return self.build_fn(hp)


def _as_hypermodel(hypermodel):
    if hypermodel is None or isinstance(hypermodel, HyperModel):
        return hypermodel
    if callable(hypermodel):
        return _FunctionHyperModel(hypermodel)
    raise TypeError("hypermodel must be a HyperModel or a function build_model(hp). "
                    f"Received: {hypermodel!r}")


class Tuner:
    """Runs the search. Subclass and override `run_trial(trial, *args, **kwargs)` to tune
    anything: return the objective's value, a dict of metrics, or Keras History objects."""

    def __init__(self, oracle, hypermodel=None, directory=None, project_name=None,
                 overwrite=False, executions_per_trial=1, max_parallel_trials=1,
                 executor=None, cross_validation=None, tuner_id=None, verbose=1, **kwargs):
        for legacy in ("max_model_size", "optimizer", "loss", "metrics",
                       "distribution_strategy", "logger"):
            kwargs.pop(legacy, None)
        if kwargs:
            raise TypeError(f"Unknown tuner arguments: {sorted(kwargs)}")
        self.oracle = oracle
        self.hypermodel = _as_hypermodel(hypermodel)
        if self.hypermodel is None and type(self).run_trial is Tuner.run_trial:
            raise ValueError("Received hypermodel=None: pass a build_model(hp) function or a "
                             "HyperModel, or override run_trial.")
        if executions_per_trial < 1:
            raise ValueError(f"executions_per_trial must be >= 1. Received: "
                             f"{executions_per_trial}")
        self.executions_per_trial = int(executions_per_trial)
        self.max_parallel_trials = int(max_parallel_trials)
        self.executor = _executor_for(executor) if executor is not None else None
        self.cross_validation = cross_validation
        self.tuner_id = tuner_id or "tuner0"
        self.verbose = verbose
        self.directory = directory or "."
        self.project_name = project_name or "untitled_project"
        self.project_dir = os.path.join(self.directory, self.project_name)
        if overwrite and os.path.exists(self.project_dir):
            _remove_tree(self.project_dir)
        os.makedirs(self.project_dir, exist_ok=True)
        self.oracle._set_project_dir(self.project_dir, overwrite)
        if self.hypermodel is not None:
            self._populate_initial_space()

    # --- the search space ----------------------------------------------------------------------
    def _populate_initial_space(self):
        """Builds the model once with default values (and once per value of each parent of
        a conditional hyperparameter) so the space is known before the first trial."""
        hp = self.oracle.hyperparameters.copy()
        self.hypermodel.declare_hyperparameters(hp)
        self._build_and_discard(hp)
        parents = {c.name for h in hp.space for c in h.conditions}
        for name in parents:
            parent = next(h for h in hp.space if h.name == name)
            for value in parent.grid_values()[:10]:
                branch = hp.copy()
                branch.values = {k: v for k, v in branch.values.items() if k != name}
                branch.values[name] = value
                self._build_and_discard(branch)
                hp.merge(branch)
        self.oracle.update_space(hp)
        self.oracle.save()

    def _build_and_discard(self, hp):
        try:
            model = self.hypermodel.build(hp)
            del model
        finally:
            _free_memory()

    def search_space_summary(self, extended=False):
        space = self.oracle.hyperparameters.space
        print("Search space summary")
        print(f"Default search space size: {len(space)}")
        for hp in space:
            config = hp.get_config()
            config.pop("name")
            print(f"{hp.name} ({type(hp).__name__})")
            print(config)

    # --- the search loop -----------------------------------------------------------------------
    def search(self, *fit_args, distribution=None, **fit_kwargs):
        """Runs trials until the oracle stops; arguments go to the model's fit.

        Args:
          distribution: None (trials in this process, or in `max_parallel_trials` local
            worker processes, or on the tuner's `executor`), "dask" (the Dask client in
            scope, else a LocalCluster) or a `dask.distributed.Client`.
        """
        self._search_start = time.time()
        self.on_search_begin()
        if distribution is not None:
            executor = _executor_for(distribution)
            try:
                self._search_parallel(fit_args, fit_kwargs, executor)
            finally:
                executor.shutdown()
        elif self.executor is not None or self.max_parallel_trials > 1:
            self._search_parallel(fit_args, fit_kwargs)
        else:
            while True:
                trial = self.oracle.create_trial(self.tuner_id)
                if trial.status == TrialStatus.STOPPED:
                    break
                if trial.status == TrialStatus.IDLE:
                    raise RuntimeError("The oracle is waiting for trials, but none is running.")
                self.on_trial_begin(trial)
                self._run_and_record(trial, fit_args, fit_kwargs)
                self.on_trial_end(trial)
        self.on_search_end()

    def _run_and_record(self, trial, fit_args, fit_kwargs):
        start = time.time()
        try:
            results = self.run_trial(trial, *fit_args, **fit_kwargs)
            metrics, best_step = self._results_to_metrics(results)
        except ObjectiveNotFoundError as error:
            self.oracle.end_trial(trial, TrialStatus.FAILED, str(error))
            raise
        except Exception:  # a trial that raises is recorded and the search goes on
            message = traceback.format_exc()
            if self.verbose:
                print(f"Trial {trial.trial_id} failed:\n{message}", file=sys.stderr)
            self.oracle.end_trial(trial, TrialStatus.FAILED, message)
            return
        finally:
            _free_memory()
        self._record(trial, metrics, best_step, start)

    def _record(self, trial, metrics, best_step, start):
        self.oracle.update_space(trial.hyperparameters)
        self.oracle.update_trial(trial.trial_id, metrics, step=best_step)
        self.oracle.end_trial(trial, TrialStatus.COMPLETED)
        if self.verbose:
            self._report(trial, time.time() - start)

    def _report(self, trial, seconds):
        name = self.oracle.objective.name
        best = self.oracle.get_best_trials(1)
        print(f"Trial {trial.trial_id} Complete [{_hms(seconds)}]")
        print(f"{name}: {self.oracle.trials[trial.trial_id].score}")
        if best:
            print(f"\nBest {name} So Far: {best[0].score}")
        print(f"Total elapsed time: {_hms(time.time() - self._search_start)}\n")

    def _search_parallel(self, fit_args, fit_kwargs, executor=None):
        owned = executor is None and self.executor is None
        executor = executor or self.executor or LocalProcessExecutor(self.max_parallel_trials)
        running = {}
        stopped = False
        try:
            while True:
                while not stopped and len(running) < executor.max_workers:
                    trial = self.oracle.create_trial(self.tuner_id)
                    if trial.status == TrialStatus.STOPPED:
                        stopped = True
                    if trial.status != TrialStatus.RUNNING:
                        break
                    self.on_trial_begin(trial)
                    future = executor.submit(_run_trial_in_worker, self, trial.get_state(),
                                             fit_args, fit_kwargs)
                    running[future] = (trial, time.time())
                if not running:
                    if stopped:
                        break
                    raise RuntimeError("The oracle is waiting for trials, but none is running.")
                for future in executor.wait_first(running):
                    trial, start = running.pop(future)
                    self._collect(trial, future, start)
                    self.on_trial_end(trial)
        finally:
            if owned:
                executor.shutdown()

    def _collect(self, trial, future, start):
        try:
            outcome = future.result()
        except Exception:  # the worker itself died
            outcome = {"status": "failed", "message": traceback.format_exc()}
        if outcome["status"] == "objective_error":
            self.oracle.end_trial(trial, TrialStatus.FAILED, outcome["message"])
            raise ObjectiveNotFoundError(outcome["message"])
        if outcome["status"] == "failed":
            if self.verbose:
                print(f"Trial {trial.trial_id} failed:\n{outcome['message']}", file=sys.stderr)
            self.oracle.end_trial(trial, TrialStatus.FAILED, outcome["message"])
            return
        done = Trial.from_state(outcome["trial"])
        trial.hyperparameters.merge(done.hyperparameters)
        trial.hyperparameters.values.update(done.hyperparameters.values)
        trial.extra.update(done.extra)
        self._record(trial, outcome["metrics"], outcome["best_step"], start)

    # --- hooks ---------------------------------------------------------------------------------
    def on_search_begin(self):
        pass

    def on_trial_begin(self, trial):
        if self.verbose:
            print(f"\nSearch: Running Trial #{trial.trial_id}\n")
            for name, value in trial.hyperparameters.values.items():
                print(f"{name}: {value}")

    def on_trial_end(self, trial):
        pass

    def on_search_end(self):
        pass

    # --- one trial -----------------------------------------------------------------------------
    def run_trial(self, trial, *args, **kwargs):
        """Builds and fits the model `executions_per_trial` times (per fold with
        cross_validation); returns the Keras History objects."""
        trial.extra["input_shape"] = _input_shape(args, kwargs)
        if self.cross_validation:
            return self._run_cross_validated(trial, args, kwargs)
        histories = []
        for _ in range(self.executions_per_trial):
            histories.append(self._fit_once(trial, args, kwargs))
        return histories

    def _fit_once(self, trial, args, kwargs):
        hp = trial.hyperparameters
        kwargs = dict(kwargs)
        callbacks = [_copy_callback(cb) for cb in kwargs.pop("callbacks", None) or []]
        checkpoint = _best_epoch_checkpoint(self, trial)
        kwargs["callbacks"] = callbacks + [checkpoint]
        model = self._build_for_trial(trial)
        try:
            return self.hypermodel.fit(hp, model, *args, **kwargs)
        finally:
            del model
            _free_memory()

    def _build_for_trial(self, trial):
        model = self.hypermodel.build(trial.hyperparameters)
        self.oracle.update_space(trial.hyperparameters)
        return model

    def _run_cross_validated(self, trial, args, kwargs):
        from sklearn.model_selection import KFold
        kwargs = dict(kwargs)
        x = kwargs.pop("x", None) if "x" in kwargs else args[0]
        y = kwargs.pop("y", None) if "y" in kwargs else args[1]
        rest = args[2:] if len(args) > 2 else ()
        if "validation_data" in kwargs or "validation_split" in kwargs:
            raise ValueError("cross_validation makes the validation folds itself: do not pass "
                             "validation_data or validation_split to search().")
        splitter = self.cross_validation
        if isinstance(splitter, int):
            splitter = KFold(n_splits=splitter, shuffle=True, random_state=self.oracle.seed)
        x, y = np.asarray(x), np.asarray(y)
        histories = []
        for train_rows, val_rows in splitter.split(x, y):
            fold_kwargs = dict(kwargs, validation_data=(x[val_rows], y[val_rows]))
            histories.append(self._fit_once(trial, (x[train_rows], y[train_rows]) + rest,
                                            fold_kwargs))
        return histories

    def _results_to_metrics(self, results):
        """(metrics of the best step averaged over executions, best step)."""
        objective = self.oracle.objective
        if not isinstance(results, (list, tuple)):
            results = [results]
        if not results:
            raise ValueError("run_trial returned no results.")
        per_execution = [self._one_result(r) for r in results]
        names = set(per_execution[0][0])
        for metrics, _ in per_execution[1:]:
            names &= set(metrics)
        averaged = {n: float(np.mean([m[n] for m, _ in per_execution])) for n in sorted(names)}
        if objective.name not in averaged:
            raise ObjectiveNotFoundError(_missing_objective(objective.name, names))
        steps = [s for _, s in per_execution]
        return averaged, int(round(np.mean(steps)))

    def _one_result(self, result):
        objective = self.oracle.objective
        if isinstance(result, (int, float, np.number)):
            return {objective.name: float(result)}, 0
        if isinstance(result, dict):
            return {k: float(v) for k, v in result.items()}, 0
        history = getattr(result, "history", None)
        if isinstance(history, dict):
            if objective.name not in history:
                raise ObjectiveNotFoundError(_missing_objective(objective.name, history))
            values = history[objective.name]
            best = int(np.nanargmax(values) if objective.direction == "max"
                       else np.nanargmin(values))
            epochs = getattr(result, "epoch", None) or list(range(len(values)))
            return {k: float(v[best]) for k, v in history.items() if len(v) > best}, \
                int(epochs[best])
        raise TypeError("run_trial must return a number, a dict of metrics, a History or a "
                        f"list of these. Received: {type(result).__name__}")

    # --- results -------------------------------------------------------------------------------
    def get_best_hyperparameters(self, num_trials=1):
        return [t.hyperparameters for t in self.oracle.get_best_trials(num_trials)]

    def get_best_models(self, num_models=1):
        return [self.load_model(t) for t in self.oracle.get_best_trials(num_models)]

    def load_model(self, trial):
        """The trial's model with the weights of its best epoch."""
        if self.hypermodel is None:
            raise ValueError("load_model needs a hypermodel.")
        model = self.hypermodel.build(trial.hyperparameters)
        path = os.path.join(self.oracle.trial_dir(trial.trial_id), CHECKPOINT_NAME)
        if not os.path.exists(path):
            raise FileNotFoundError(f"Trial {trial.trial_id} has no checkpoint at {path}.")
        _ensure_built(model, trial.extra.get("input_shape"))
        model.load_weights(path)
        return model

    def results_summary(self, num_trials=10):
        print("Results summary")
        print(f"Results in {self.project_dir}")
        print(f"Showing {num_trials} best trials")
        print(self.oracle.objective)
        for trial in self.oracle.get_best_trials(num_trials):
            print()
            trial.summary()

    def get_trial_dir(self, trial_id):
        return self.oracle.trial_dir(trial_id)

    def __getstate__(self):
        state = dict(self.__dict__)
        state["executor"] = None
        return state


# --- helpers -----------------------------------------------------------------------------------
_CHECKPOINT_CLASS = []


def _best_epoch_checkpoint(tuner, trial):
    """A Keras callback that checks the objective is logged and saves the weights of the
    best epoch so far (across the trial's executions) as the trial's checkpoint. The class
    is made on first use so that the tuner imports without Keras."""
    if not _CHECKPOINT_CLASS:
        from ..keras.callbacks import Callback

        class BestEpochCheckpoint(Callback):
            def __init__(self, tuner, trial):
                super().__init__()
                self.tuner = tuner
                self.trial = trial

            def on_epoch_end(self, epoch, logs=None):
                logs = logs or {}
                objective = self.tuner.oracle.objective
                if objective.name not in logs:
                    raise ObjectiveNotFoundError(_missing_objective(objective.name, logs))
                value = float(logs[objective.name])
                best = self.trial.extra.get("checkpoint_score")
                if np.isfinite(value) and objective.better(value, best):
                    self.trial.extra["checkpoint_score"] = value
                    path = os.path.join(self.tuner.get_trial_dir(self.trial.trial_id),
                                        CHECKPOINT_NAME)
                    _save_weights_atomically(self.model, path)

        _CHECKPOINT_CLASS.append(BestEpochCheckpoint)
    return _CHECKPOINT_CLASS[0](tuner, trial)


def _save_weights_atomically(model, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path[:-len(CHECKPOINT_NAME)] + "tmp-" + CHECKPOINT_NAME
    model.save_weights(tmp)
    os.replace(tmp, path)


def _missing_objective(name, logged):
    return (f"Objective {name!r} matches none of the metrics the model logs: "
            f"{sorted(logged)}. Pass one of these names (or Objective(name, direction)); "
            "'val_' metrics need validation_data or validation_split in search().")


def _copy_callback(callback):
    try:
        return copy.deepcopy(callback)
    except Exception:  # some callbacks hold files or locks; share those
        return callback


def _input_shape(args, kwargs):
    x = kwargs.get("x", args[0] if args else None)
    shape = getattr(x, "shape", None)
    return None if shape is None else [int(d) for d in shape[1:]]


def _ensure_built(model, input_shape):
    if getattr(model, "built", True) and getattr(model, "weights", None):
        return
    if input_shape is None:
        raise ValueError("The model is not built and the trial recorded no input shape.")
    model.build((None,) + tuple(input_shape))


def _free_memory():
    """Drops the finished trial's models and graphs so memory does not grow per trial."""
    keras = sys.modules.get("ndflow.keras")
    if keras is not None:
        backend = sys.modules.get("ndflow.keras.backend")
        if backend is not None and hasattr(backend, "clear_session"):
            backend.clear_session()
    gc.collect()


def _remove_tree(path):
    import shutil
    shutil.rmtree(path)


def _hms(seconds):
    seconds = int(seconds)
    return f"{seconds // 3600:02d}h {seconds % 3600 // 60:02d}m {seconds % 60:02d}s"


def _executor_for(value):
    """A TrialExecutor for `executor=` / `distribution=`: an executor as it is, a Dask Client
    or "dask" wrapped in a DaskExecutor."""
    if isinstance(value, TrialExecutor):
        return value
    from .dask_executor import DaskExecutor, is_dask_client
    if value == "dask" or is_dask_client(value):
        return DaskExecutor(None if value == "dask" else value)
    if all(hasattr(value, m) for m in ("submit", "wait_first", "shutdown")):
        return value
    raise TypeError("executor/distribution must be a TrialExecutor (submit(fn, *args), "
                    "wait_first(futures), shutdown()), a dask.distributed.Client or \"dask\". "
                    f"Received: {value!r}")


def _run_trial_in_worker(tuner, trial_state, fit_args, fit_kwargs):
    """Runs in a worker process: one trial, its metrics back to the parent's oracle."""
    trial = Trial.from_state(trial_state)
    tuner.verbose = 0
    try:
        results = tuner.run_trial(trial, *fit_args, **fit_kwargs)
        metrics, best_step = tuner._results_to_metrics(results)
    except ObjectiveNotFoundError as error:
        return {"status": "objective_error", "message": str(error)}
    except Exception:
        return {"status": "failed", "message": traceback.format_exc()}
    finally:
        _free_memory()
    return {"status": "ok", "metrics": metrics, "best_step": best_step,
            "trial": trial.get_state()}


# --- the tuners users construct ----------------------------------------------------------------
_ORACLE_ARGS = ("hyperparameters", "tune_new_entries", "allow_new_entries",
                "max_retries_per_trial", "max_consecutive_failed_trials")


def _split_oracle_kwargs(kwargs):
    return {k: kwargs.pop(k) for k in _ORACLE_ARGS if k in kwargs}


class RandomSearch(Tuner):
    """Tuner trying hyperparameter values drawn at random.

    Args:
      hypermodel: A `HyperModel`, or a function `build_model(hp)` returning a compiled model.
      objective: What to optimise: a metric name such as "val_loss" (direction inferred), an
        `Objective`, or a list of them.
      max_trials: The number of models to try (default 10).
      seed: Optional int seed.
      **kwargs: The `Tuner` options: `directory`, `project_name`, `overwrite`,
        `executions_per_trial`, `max_parallel_trials`, `executor`, ... and oracle options
        (`hyperparameters`, `tune_new_entries`, `allow_new_entries`...).

    Example:

    >>> import ndflow.tuner as kt
    >>> hp = kt.HyperParameters()
    >>> hp.Int("units", 8, 64, step=8)
    8
    """
    def __init__(self, hypermodel=None, objective=None, max_trials=10, seed=None, **kwargs):
        oracle = oracle_module.RandomSearchOracle(objective=objective, max_trials=max_trials,
                                                  seed=seed, **_split_oracle_kwargs(kwargs))
        super().__init__(oracle, hypermodel, **kwargs)


class GridSearch(Tuner):
    """Tuner trying every combination of the hyperparameters' values, in order.

    Args:
      hypermodel: A `HyperModel`, or a function `build_model(hp)`.
      objective: What to optimise (a metric name, an `Objective` or a list).
      max_trials: Optional limit on the number of trials (default: the whole grid).
      seed: Optional int seed.
      **kwargs: The `Tuner` options: `directory`, `project_name`, `overwrite`,
        `executions_per_trial`, `max_parallel_trials`, `executor`, ... and oracle options
        (`hyperparameters`, `tune_new_entries`, `allow_new_entries`...).
    """
    def __init__(self, hypermodel=None, objective=None, max_trials=None, seed=None, **kwargs):
        oracle = oracle_module.GridSearchOracle(objective=objective, max_trials=max_trials,
                                                seed=seed, **_split_oracle_kwargs(kwargs))
        super().__init__(oracle, hypermodel, **kwargs)


class BayesianOptimization(Tuner):
    """Tuner choosing each trial with a Gaussian-process model of past results.

    After `num_initial_points` random trials, the next values optimise an acquisition function
    of the model's prediction: by default the confidence bound `mean - beta * std` of the
    (minimised) objective, or the expected improvement.

    Args:
      hypermodel: A `HyperModel`, or a function `build_model(hp)`.
      objective: What to optimise (a metric name, an `Objective` or a list).
      max_trials: The number of trials (default 10).
      num_initial_points: Random trials before the model is used (default: 3 times the number
        of tuned hyperparameters, at least 3).
      alpha: Noise added to the Gaussian process's kernel diagonal (default 1e-4).
      beta: The exploration factor of the confidence bound (default 2.6).
      acquisition: "ucb" (default) or "ei".
      seed: Optional int seed.
      **kwargs: The `Tuner` options: `directory`, `project_name`, `overwrite`,
        `executions_per_trial`, `max_parallel_trials`, `executor`, ... and oracle options
        (`hyperparameters`, `tune_new_entries`, `allow_new_entries`...).
    """
    def __init__(self, hypermodel=None, objective=None, max_trials=10, num_initial_points=None,
                 alpha=1e-4, beta=2.6, acquisition="ucb", seed=None, **kwargs):
        oracle = oracle_module.BayesianOptimizationOracle(
            objective=objective, max_trials=max_trials, num_initial_points=num_initial_points,
            alpha=alpha, beta=beta, acquisition=acquisition, seed=seed,
            **_split_oracle_kwargs(kwargs))
        super().__init__(oracle, hypermodel, **kwargs)


class Hyperband(Tuner):
    """Each trial trains for `tuner/epochs` epochs; a continued trial starts from its
    parent trial's best checkpoint at `tuner/initial_epoch`."""

    def __init__(self, hypermodel=None, objective=None, max_epochs=100, factor=3,
                 hyperband_iterations=1, seed=None, **kwargs):
        oracle = oracle_module.HyperbandOracle(
            objective=objective, max_epochs=max_epochs, factor=factor,
            hyperband_iterations=hyperband_iterations, seed=seed,
            **_split_oracle_kwargs(kwargs))
        super().__init__(oracle, hypermodel, **kwargs)

    def run_trial(self, trial, *args, **kwargs):
        hp = trial.hyperparameters
        if "tuner/epochs" in hp.values:
            kwargs["epochs"] = hp.values["tuner/epochs"]
            kwargs["initial_epoch"] = hp.values["tuner/initial_epoch"]
        return super().run_trial(trial, *args, **kwargs)

    def _build_for_trial(self, trial):
        model = super()._build_for_trial(trial)
        parent = trial.hyperparameters.values.get("tuner/trial_id")
        if parent is not None:
            path = os.path.join(self.oracle.trial_dir(parent), CHECKPOINT_NAME)
            if os.path.exists(path):
                _ensure_built(model, trial.extra.get("input_shape"))
                model.load_weights(path)
            else:
                warnings.warn(f"Hyperband: trial {parent} left no checkpoint; trial "
                              f"{trial.trial_id} starts from fresh weights.")
        return model
