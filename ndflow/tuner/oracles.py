"""Oracles decide which configuration each trial tries; the search's state lives with them.

An oracle's state on disk: `oracle.json` (seed, search space, ids) in the project
directory and one `trial_<id>/trial.json` per trial, all written atomically. Reloading
reads them back; a trial still RUNNING (the process died during it) is run again with the
same id and values, finished trials are never repeated.

Randomness is drawn from a generator seeded by (seed, trial index), so the same seed gives
the same sequence of trials, also across an interruption.
"""
import hashlib
import json
import math
import os
import random
import re
import warnings

import numpy as np

from ..framework.errors import DataLossError
from . import storage
from .hyperparameters import Fixed, HyperParameters
from .trial import ObjectiveNotFoundError, Trial, TrialStatus, to_objective


class Oracle:
    """Base class of search algorithms: decides the hyperparameter values of each trial.

    A tuner asks `create_trial(tuner_id)` for new trials and reports results with
    `update_trial` and `end_trial`; subclasses implement `populate_space(trial_id)`, returning
    `{"status": ..., "values": {...}}`.

    Args:
      objective: What to optimise (a metric name, an `Objective` or a list).
      max_trials: The most trials to run (None: until the space is exhausted).
      hyperparameters: Optional `HyperParameters` to start from.
      allow_new_entries: Whether the model may register new hyperparameters.
      tune_new_entries: Whether newly registered hyperparameters are tuned (else defaults).
      seed: Optional int seed.
      max_retries_per_trial: How often a failed trial is retried.
      max_consecutive_failed_trials: The search stops after this many failures in a row.

    Raises:
      ValueError: If `max_trials` is below 1.
    """
    def __init__(self, objective=None, max_trials=None, hyperparameters=None,
                 allow_new_entries=True, tune_new_entries=True, seed=None,
                 max_retries_per_trial=0, max_consecutive_failed_trials=3):
        self.objective = to_objective(objective)
        if max_trials is not None and max_trials < 1:
            raise ValueError(f"max_trials must be >= 1 or None. Received: {max_trials}")
        self.max_trials = max_trials
        self.hyperparameters = hyperparameters.copy() if hyperparameters else HyperParameters()
        self.allow_new_entries = allow_new_entries
        self.tune_new_entries = tune_new_entries
        self.seed = int(seed) if seed is not None else random.randint(1, 2 ** 30)
        self.max_retries_per_trial = max_retries_per_trial
        self.max_consecutive_failed_trials = max_consecutive_failed_trials
        self.trials = {}
        self.ongoing_trials = set()
        self._retry_queue = []
        self._tried_so_far = set()
        self._consecutive_failures = 0
        self.project_dir = None

    # --- the project directory -----------------------------------------------------------------
    def _set_project_dir(self, project_dir, overwrite):
        self.project_dir = project_dir
        if not overwrite and os.path.exists(self._oracle_file()):
            self.reload()

    def _oracle_file(self):
        return os.path.join(self.project_dir, "oracle.json")

    def trial_dir(self, trial_id):
        """The trial's directory in the project; `trial_id` must be a plain name, so no
        stored state can make the tuner write outside the project."""
        if not isinstance(trial_id, str) or not _TRIAL_ID.fullmatch(trial_id):
            raise ValueError(f"Invalid trial_id {trial_id!r}: expected 1 to 64 letters, digits, "
                             "'_', '-' or '.', not starting with '.'.")
        return os.path.join(self.project_dir, f"trial_{trial_id}")

    def _trial_file(self, trial_id):
        return os.path.join(self.trial_dir(trial_id), "trial.json")

    def save(self):
        if self.project_dir is not None:
            storage.write_json(self._oracle_file(), self.get_state())

    def save_trial(self, trial):
        if self.project_dir is not None:
            storage.write_json(self._trial_file(trial.trial_id), trial.get_state())

    def get_state(self):
        return {"seed": self.seed, "objective": self.objective.get_config(),
                "max_trials": self.max_trials,
                "hyperparameters": self.hyperparameters.get_config(),
                "trial_ids": sorted(self.trials),
                "tried_so_far": sorted(self._tried_so_far),
                "consecutive_failures": self._consecutive_failures}

    def set_state(self, state):
        seed, tried = state["seed"], state["tried_so_far"]
        failures = state.get("consecutive_failures", 0)
        if not _is_int(seed) or not _is_int(failures) or not isinstance(tried, list) or \
                not all(isinstance(t, str) for t in tried):
            raise TypeError("seed and consecutive_failures must be integers and tried_so_far "
                            "a list of strings")
        hyperparameters = HyperParameters.from_config(state["hyperparameters"])
        self.seed, self._tried_so_far, self._consecutive_failures = seed, set(tried), failures
        self.hyperparameters.merge(hyperparameters)

    def reload(self):
        """Restores the oracle and its trials from the project directory.

        Raises:
          DataLossError: naming the file, when `oracle.json` or a `trial.json` is not a
            valid state file (nothing is changed then).
        """
        path = self._oracle_file()
        state = storage.read_json(path)
        trials = {}
        for entry in sorted(os.listdir(self.project_dir)):
            trial_path = os.path.join(self.project_dir, entry, "trial.json")
            if entry.startswith("trial_") and os.path.exists(trial_path):
                trial = _stored(Trial.from_state, storage.read_json(trial_path), trial_path)
                if _stored(self.trial_dir, trial.trial_id, trial_path) != \
                        os.path.join(self.project_dir, entry):
                    raise DataLossError(f"{trial_path}: records trial_id {trial.trial_id!r}, "
                                        f"which is not its directory's ({entry!r}).")
                trials[trial.trial_id] = trial
        _stored(self.set_state, state, path)
        self.trials = trials
        # Trials the previous process did not finish run again, same id and values.
        self._retry_queue = sorted(t.trial_id for t in self.trials.values()
                                   if t.status == TrialStatus.RUNNING)
        self.ongoing_trials = set()

    # --- trials --------------------------------------------------------------------------------
    def _new_trial_id(self):
        width = max(2, len(str(self.max_trials - 1))) if self.max_trials else 4
        return f"{len(self.trials):0{width}d}"

    def _rng(self, index):
        return np.random.RandomState((self.seed * 1_000_003 + index) % (2 ** 32))

    def _max_trials_reached(self):
        return self.max_trials is not None and len(self.trials) >= self.max_trials

    def create_trial(self, tuner_id="tuner0"):
        """The next trial to run: status RUNNING, IDLE (wait for running trials to end) or
        STOPPED (the search is over)."""
        if self._retry_queue:
            trial = self.trials[self._retry_queue.pop(0)]
            trial.status = TrialStatus.RUNNING
            self.ongoing_trials.add(trial.trial_id)
            return trial
        if self._max_trials_reached():
            return Trial(self.hyperparameters.copy(), status=TrialStatus.STOPPED)
        trial_id = self._new_trial_id()
        response = self.populate_space(trial_id, self._rng(len(self.trials)))
        status = response["status"]
        if status != TrialStatus.RUNNING:
            return Trial(self.hyperparameters.copy(), status=status)
        hp = self.hyperparameters.copy()
        hp.values = dict(response["values"])
        trial = Trial(hp, trial_id=trial_id)
        self.trials[trial_id] = trial
        self.ongoing_trials.add(trial_id)
        self._tried_so_far.add(_values_hash(hp.values))
        self.save_trial(trial)
        self.save()
        return trial

    def populate_space(self, trial_id, rng):
        raise NotImplementedError

    def update_space(self, hyperparameters):
        """Adds hyperparameters a model declared that the oracle did not know yet."""
        if not self.allow_new_entries:
            new = [hp.name for hp in hyperparameters.space
                   if hp.name not in self.hyperparameters]
            if new:
                raise RuntimeError(f"New hyperparameters {new} were declared but "
                                   "allow_new_entries=False.")
        for hp in hyperparameters.space:
            if hp.name not in self.hyperparameters:
                if not self.tune_new_entries:
                    hp = Fixed(hp.name, hyperparameters.values.get(hp.name, hp.default),
                               conditions=hp.conditions)
                self.hyperparameters.merge([hp])

    def update_trial(self, trial_id, metrics, step=0):
        """Records metric values {name: value} at `step` (epoch) for a running trial."""
        trial = self.trials[trial_id]
        for name, value in metrics.items():
            trial.metrics.update(name, value, step)
        return trial.status

    def end_trial(self, trial, status=TrialStatus.COMPLETED, message=None):
        trial = self.trials[trial.trial_id]
        trial.status = status
        trial.message = message
        self.ongoing_trials.discard(trial.trial_id)
        if status == TrialStatus.COMPLETED:
            self._score_trial(trial)
            self._consecutive_failures = 0
        elif status == TrialStatus.FAILED:
            self._consecutive_failures += 1
        self._tried_so_far.add(_values_hash(trial.hyperparameters.values))
        self.save_trial(trial)
        self.save()
        if (status == TrialStatus.FAILED and self.max_consecutive_failed_trials
                and self._consecutive_failures >= self.max_consecutive_failed_trials):
            raise RuntimeError("Number of consecutive failures exceeded the limit of "
                               f"{self.max_consecutive_failed_trials}.\n{message}")

    def _score_trial(self, trial):
        name = self.objective.name
        if not trial.metrics.exists(name):
            raise ObjectiveNotFoundError(
                f"Objective {name!r} is not among the metrics trial {trial.trial_id} "
                f"reported: {sorted(trial.metrics.metrics)}. Use one of these names (for "
                "'val_...' objectives pass validation_data or validation_split to search).")
        history = trial.metrics.metrics[name]
        history.direction = self.objective.direction
        best = history.get_best_value()
        trial.score = best
        for obs in history.observations:
            if obs["value"] == best:
                trial.best_step = obs["step"]
                break

    def get_best_trials(self, num_trials=1):
        done = [t for t in self.trials.values()
                if t.status == TrialStatus.COMPLETED and t.score is not None]
        done.sort(key=lambda t: (self.objective.sort_key(t.score), t.trial_id))
        return done[:num_trials]

    def get_trial(self, trial_id):
        return self.trials[trial_id]

    def _completed(self):
        return [t for t in self.trials.values() if t.status == TrialStatus.COMPLETED]

    def _exhausted(self):
        """No untried values left. With trials still running the space may yet grow
        (hyperparameters declared during a trial): wait for them rather than stop."""
        status = TrialStatus.IDLE if self.ongoing_trials else TrialStatus.STOPPED
        return {"status": status, "values": None}


_TRIAL_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _stored(restore, state, path):
    """restore(state), with a malformed state (missing keys, wrong types or values, a bad
    trial_id) reported as a DataLossError naming the file it came from."""
    try:
        return restore(state)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
        raise DataLossError(f"{path}: not a valid tuner state file "
                            f"({type(e).__name__}: {e}).") from None


def _values_hash(values):
    text = json.dumps({k: values[k] for k in sorted(values)}, default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class RandomSearchOracle(Oracle):
    """Each trial draws every active hyperparameter at random (no repeats)."""

    def populate_space(self, trial_id, rng):
        for _ in range(100):
            values = self.hyperparameters.sample(rng).values
            if _values_hash(values) not in self._tried_so_far:
                return {"status": TrialStatus.RUNNING, "values": values}
        return self._exhausted()

class GridSearchOracle(Oracle):
    """Every combination of the hyperparameters' values, the last declared changing
    fastest. Floats without a step contribute ten values spread in their sampling scale."""

    def populate_space(self, trial_id, rng):
        for values in self._combinations(self.hyperparameters.space, {}):
            if _values_hash(values) not in self._tried_so_far:
                return {"status": TrialStatus.RUNNING, "values": values}
        return self._exhausted()

    def _combinations(self, space, values):
        if not space:
            yield dict(values)
            return
        hp, rest = space[0], space[1:]
        if not all(c.is_active(values) for c in hp.conditions):
            yield from self._combinations(rest, values)
            return
        for value in hp.grid_values():
            values[hp.name] = value
            yield from self._combinations(rest, values)
            del values[hp.name]


class HyperbandOracle(Oracle):
    """Hyperband (Li et al., 2018): brackets s = s_max..0, each starting n configurations
    at r epochs and keeping the best 1/factor for factor times more epochs, round after
    round, until max_epochs. A continued trial trains on from its parent's checkpoint
    (`tuner/trial_id`, `tuner/initial_epoch`)."""

    def __init__(self, objective=None, max_epochs=100, factor=3, hyperband_iterations=1,
                 seed=None, hyperparameters=None, allow_new_entries=True,
                 tune_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3):
        super().__init__(objective=objective, max_trials=None, hyperparameters=hyperparameters,
                         allow_new_entries=allow_new_entries, tune_new_entries=tune_new_entries,
                         seed=seed, max_retries_per_trial=max_retries_per_trial,
                         max_consecutive_failed_trials=max_consecutive_failed_trials)
        if factor < 2:
            raise ValueError(f"Hyperband: factor must be >= 2. Received: {factor}")
        if max_epochs < 1:
            raise ValueError(f"Hyperband: max_epochs must be >= 1. Received: {max_epochs}")
        self.max_epochs = int(max_epochs)
        self.factor = int(factor)
        self.hyperband_iterations = int(hyperband_iterations)
        self.s_max = int(math.floor(math.log(self.max_epochs) / math.log(self.factor) + 1e-9))
        self._position = 0        # index into the schedule of (iteration, bracket)
        self._rounds = []         # for the current bracket: trial ids per round

    # The schedule of the paper: bracket s starts n configs at r epochs.
    def bracket_plan(self, s):
        n = int(math.ceil((self.s_max + 1) / (s + 1) * self.factor ** s))
        rounds = []
        for i in range(s + 1):
            n_i = max(1, int(n * self.factor ** (-i)))
            r_i = max(1, int(round(self.max_epochs * self.factor ** (i - s))))
            rounds.append((n_i, r_i))
        return rounds

    def _schedule(self):
        return [(it, s) for it in range(self.hyperband_iterations)
                for s in range(self.s_max, -1, -1)]

    def total_trials(self):
        return sum(n for _, s in self._schedule() for n, _ in self.bracket_plan(s))

    def populate_space(self, trial_id, rng):
        schedule = self._schedule()
        while self._position < len(schedule):
            _, s = schedule[self._position]
            plan = self.bracket_plan(s)
            if not self._rounds:
                self._rounds = [[]]
            round_index = len(self._rounds) - 1
            n_i, r_i = plan[round_index]
            if len(self._rounds[round_index]) < n_i:
                if round_index == 0:
                    values = self._new_values(rng)
                    if values is None:
                        return {"status": TrialStatus.STOPPED, "values": None}
                    values.update({"tuner/epochs": r_i, "tuner/initial_epoch": 0,
                                   "tuner/bracket": s, "tuner/round": 0})
                    self._rounds[0].append(trial_id)
                    return {"status": TrialStatus.RUNNING, "values": values}
                previous = [self.trials[t] for t in self._rounds[round_index - 1] if t]
                if any(t.status == TrialStatus.RUNNING for t in previous):
                    return {"status": TrialStatus.IDLE, "values": None}
                parent = self._next_to_promote(previous, round_index, n_i)
                if parent is None:
                    # Fewer survivors than planned (failed trials): close the round.
                    self._rounds[round_index].extend(
                        [None] * (n_i - len(self._rounds[round_index])))
                    continue
                values = dict(self.trials[parent].hyperparameters.values)
                values.update({"tuner/epochs": r_i,
                               "tuner/initial_epoch": plan[round_index - 1][1],
                               "tuner/bracket": s, "tuner/round": round_index,
                               "tuner/trial_id": parent})
                self._rounds[round_index].append(trial_id)
                return {"status": TrialStatus.RUNNING, "values": values}
            if round_index + 1 < len(plan):
                self._rounds.append([])
                continue
            # Bracket fully created: move on (its last trials may still be running).
            self._position += 1
            self._rounds = []
        return {"status": TrialStatus.STOPPED, "values": None}

    def _new_values(self, rng):
        for _ in range(100):
            values = self.hyperparameters.sample(rng).values
            values = {k: v for k, v in values.items() if not k.startswith("tuner/")}
            if _values_hash(values) not in self._tried_so_far:
                self._tried_so_far.add(_values_hash(values))
                return values
        return None

    def _next_to_promote(self, previous, round_index, n_i):
        """The best trial of the previous round not promoted yet (None when none is left)."""
        ranked = sorted((t for t in previous if t.status == TrialStatus.COMPLETED),
                        key=lambda t: (self.objective.sort_key(t.score), t.trial_id))
        promoted = {self.trials[t].hyperparameters.values.get("tuner/trial_id")
                    for t in self._rounds[round_index] if t and t in self.trials}
        for t in ranked[:n_i]:
            if t.trial_id not in promoted:
                return t.trial_id
        return None

    def get_state(self):
        state = super().get_state()
        state.update(position=self._position, rounds=self._rounds)
        return state

    def set_state(self, state):
        super().set_state(state)
        self._position = state.get("position", 0)
        self._rounds = state.get("rounds", [])


class BayesianOptimizationOracle(Oracle):
    """A Gaussian process (scikit-learn's GaussianProcessRegressor, Matern 5/2 kernel) over
    the hyperparameters scaled to [0, 1], and an acquisition function — upper confidence
    bound `mu + beta * sigma` ("ucb") or expected improvement ("ei") — maximised over
    random candidates. The first `num_initial_points` trials are random."""

    def __init__(self, objective=None, max_trials=10, num_initial_points=None, alpha=1e-4,
                 beta=2.6, acquisition="ucb", num_candidates=2000, seed=None,
                 hyperparameters=None, allow_new_entries=True, tune_new_entries=True,
                 max_retries_per_trial=0, max_consecutive_failed_trials=3):
        super().__init__(objective=objective, max_trials=max_trials,
                         hyperparameters=hyperparameters, allow_new_entries=allow_new_entries,
                         tune_new_entries=tune_new_entries, seed=seed,
                         max_retries_per_trial=max_retries_per_trial,
                         max_consecutive_failed_trials=max_consecutive_failed_trials)
        if acquisition not in ("ucb", "ei"):
            raise ValueError(f"acquisition must be 'ucb' or 'ei'. Received: {acquisition!r}")
        self.num_initial_points = num_initial_points
        self.alpha = alpha
        self.beta = beta
        self.acquisition = acquisition
        self.num_candidates = num_candidates

    def _tunable(self):
        return [hp for hp in self.hyperparameters.space if not isinstance(hp, Fixed)]

    def populate_space(self, trial_id, rng):
        space = self._tunable()
        n_initial = self.num_initial_points
        if n_initial is None:
            n_initial = max(3 * len(space), 3)
        completed = [t for t in self._completed() if t.score is not None
                     and np.isfinite(t.score)]
        if len(completed) < max(n_initial, 2) or not space:
            return RandomSearchOracle.populate_space(self, trial_id, rng)
        X = np.array([self._encode(t.hyperparameters.values, space) for t in completed])
        # The GP models a quantity to minimise.
        y = np.array([t.score if self.objective.direction == "min" else -t.score
                      for t in completed])
        gp = self._fit_gp(X, y, rng)
        candidates = rng.uniform(size=(self.num_candidates, len(space)))
        mu, sigma = gp.predict(candidates, return_std=True)
        if self.acquisition == "ucb":
            acquisition = -(mu - self.beta * sigma)
        else:
            acquisition = _expected_improvement(mu, sigma, y.min())
        for index in np.argsort(-acquisition):
            values = self._decode(candidates[index], space, rng)
            if _values_hash(values) not in self._tried_so_far:
                return {"status": TrialStatus.RUNNING, "values": values}
        return RandomSearchOracle.populate_space(self, trial_id, rng)

    def _fit_gp(self, X, y, rng):
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import ConstantKernel, Matern
        kernel = ConstantKernel(1.0) * Matern(length_scale=np.ones(X.shape[1]), nu=2.5)
        gp = GaussianProcessRegressor(kernel=kernel, alpha=self.alpha, normalize_y=True,
                                      n_restarts_optimizer=1,
                                      random_state=int(rng.randint(2 ** 31 - 1)))
        from sklearn.exceptions import ConvergenceWarning
        with warnings.catch_warnings():
            # a kernel hyperparameter at its bound, or L-BFGS stopping early, still gives a
            # usable surrogate for proposing the next trial: not the user's concern
            warnings.simplefilter("ignore", ConvergenceWarning)
            return gp.fit(X, y)

    def _encode(self, values, space):
        vector = []
        for hp in space:
            value = values.get(hp.name, hp.default)
            try:
                vector.append(hp.value_to_unit(value))
            except (ValueError, TypeError):
                vector.append(0.5)  # an inactive or unknown value: the middle
        return vector

    def _decode(self, vector, space, rng):
        values = {}
        for hp, unit in zip(self.hyperparameters.space, _expand(vector, space,
                                                                  self.hyperparameters.space)):
            if not all(c.is_active(values) for c in hp.conditions):
                continue
            values[hp.name] = hp.value if isinstance(hp, Fixed) else hp.unit_to_value(unit)
        return values


def _expand(vector, tunable, full_space):
    units = dict(zip((hp.name for hp in tunable), vector))
    return [units.get(hp.name, 0.5) for hp in full_space]


def _expected_improvement(mu, sigma, best):
    from scipy.stats import norm
    sigma = np.maximum(sigma, 1e-12)
    z = (best - mu) / sigma
    return (best - mu) * norm.cdf(z) + sigma * norm.pdf(z)


