"""Objective, metric histories and Trial: what a search records about each configuration."""
import numpy as np

from .hyperparameters import HyperParameters


class ObjectiveNotFoundError(ValueError):
    """The objective names no metric the model logs (a configuration error, not a failed
    trial: the search stops with it)."""


class Objective:
    """Objective(name, direction): `direction` "min" or "max"."""

    def __init__(self, name, direction):
        if direction not in ("min", "max"):
            raise ValueError(f"Objective {name!r}: direction must be 'min' or 'max'. "
                             f"Received: {direction!r}")
        self.name = name
        self.direction = direction

    def better(self, a, b):
        """Whether score a is better than score b."""
        if b is None:
            return a is not None
        if a is None:
            return False
        return a > b if self.direction == "max" else a < b

    def best_of(self, values):
        return max(values) if self.direction == "max" else min(values)

    def sort_key(self, score):
        """Ascending key: best first; trials without a score last."""
        if score is None or not np.isfinite(score):
            return float("inf")
        return -score if self.direction == "max" else score

    def get_config(self):
        return {"name": self.name, "direction": self.direction}

    def __eq__(self, other):
        return isinstance(other, Objective) and self.get_config() == other.get_config()

    def __repr__(self):
        return f'Objective(name="{self.name}", direction="{self.direction}")'


def infer_direction(name):
    """Keras Tuner's rule: losses and errors go down, everything else (accuracy, auc...) up."""
    base = name[4:] if name.startswith("val_") else name
    lowered = base.lower()
    if "loss" in lowered or "error" in lowered or lowered in ("mse", "mae", "mape", "msle",
                                                              "rmse", "crossentropy"):
        return "min"
    return "max"


def to_objective(objective):
    if objective is None:
        return Objective("default_objective", "min")
    if isinstance(objective, Objective):
        return objective
    if isinstance(objective, str):
        return Objective(objective, infer_direction(objective))
    if isinstance(objective, (list, tuple)) and len(objective) == 1:
        return to_objective(objective[0])
    raise TypeError("objective must be a metric name, an Objective(name, direction) or None. "
                    f"Received: {objective!r}")


class MetricHistory:
    def __init__(self, direction="max"):
        self.direction = direction
        self.observations = []   # [{"value": float, "step": int}]

    def update(self, value, step=0):
        self.observations.append({"value": float(value), "step": int(step)})

    def get_best_value(self):
        values = [o["value"] for o in self.observations]
        if not values:
            return None
        return max(values) if self.direction == "max" else min(values)


class MetricsTracker:
    """trial.metrics: per-metric histories; get_last_value / get_best_value / get_history."""

    def __init__(self):
        self.metrics = {}

    def register(self, name, direction=None):
        if name not in self.metrics:
            self.metrics[name] = MetricHistory(direction or infer_direction(name))

    def exists(self, name):
        return name in self.metrics

    def update(self, name, value, step=0):
        self.register(name)
        self.metrics[name].update(value, step)

    def _history(self, name):
        if name not in self.metrics:
            raise KeyError(f"No metric {name!r} was recorded; recorded: {sorted(self.metrics)}")
        return self.metrics[name]

    def get_history(self, name):
        return list(self._history(name).observations)

    def get_last_value(self, name):
        observations = self._history(name).observations
        return observations[-1]["value"] if observations else None

    def get_best_value(self, name):
        return self._history(name).get_best_value()

    def get_config(self):
        return {"metrics": {name: {"direction": h.direction, "observations": h.observations}
                            for name, h in self.metrics.items()}}

    @classmethod
    def from_config(cls, config):
        tracker = cls()
        for name, item in config.get("metrics", {}).items():
            tracker.register(name, item["direction"])
            tracker.metrics[name].observations = list(item["observations"])
        return tracker


class TrialStatus:
    """The states of a trial: RUNNING, IDLE, INVALID, STOPPED, COMPLETED and FAILED."""
    RUNNING = "RUNNING"
    IDLE = "IDLE"
    INVALID = "INVALID"
    STOPPED = "STOPPED"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


_STATUSES = {v for k, v in vars(TrialStatus).items() if k.isupper()}


class Trial:
    """One run of the search: its hyperparameter values, status, metrics and score.

    Args:
      hyperparameters: The trial's `HyperParameters` (with values set).
      trial_id: Its id (a string).
      status: A `TrialStatus` value (default RUNNING).
    """
    def __init__(self, hyperparameters, trial_id=None, status=TrialStatus.RUNNING):
        self.hyperparameters = hyperparameters
        self.trial_id = trial_id
        self.status = status
        self.metrics = MetricsTracker()
        self.score = None
        self.best_step = 0
        self.message = None
        self.extra = {}   # what the tuner keeps about the trial (input shape, checkpoint...)

    def summary(self, print_fn=print):
        print_fn(f"Trial {self.trial_id} summary")
        print_fn("Hyperparameters:")
        for name, value in self.hyperparameters.values.items():
            print_fn(f"{name}: {value}")
        if self.score is not None:
            print_fn(f"Score: {self.score}")
        if self.message is not None:
            print_fn(self.message)

    def get_state(self):
        return {"trial_id": self.trial_id,
                "hyperparameters": self.hyperparameters.get_config(),
                "metrics": self.metrics.get_config(),
                "score": None if self.score is None else float(self.score),
                "best_step": int(self.best_step),
                "status": self.status,
                "message": self.message,
                "extra": self.extra}

    @classmethod
    def from_state(cls, state):
        """The trial `get_state()` described. Raises TypeError/ValueError/KeyError for a
        state of the wrong form (the oracle names the file)."""
        status, score, step = state["status"], state["score"], state["best_step"]
        message, extra = state["message"], state.get("extra", {})
        if status not in _STATUSES:
            raise ValueError(f"unknown trial status {status!r}")
        if score is not None and (isinstance(score, bool) or
                                  not isinstance(score, (int, float))):
            raise TypeError(f"score must be a number or null, not {score!r}")
        if isinstance(step, bool) or not isinstance(step, int):
            raise TypeError(f"best_step must be an integer, not {step!r}")
        if message is not None and not isinstance(message, str) or not isinstance(extra, dict):
            raise TypeError("message must be a string or null and extra an object")
        trial = cls(HyperParameters.from_config(state["hyperparameters"]), state["trial_id"],
                    status)
        trial.metrics = MetricsTracker.from_config(state["metrics"])
        trial.score, trial.best_step, trial.message, trial.extra = score, step, message, extra
        return trial

    def __repr__(self):
        return (f"Trial(trial_id={self.trial_id!r}, status={self.status}, score={self.score}, "
                f"values={self.hyperparameters.values})")
