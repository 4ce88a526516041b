"""HyperParameters: the search space and the values of one trial (Keras Tuner's API).

`hp.Int("units", 32, 512, step=32)` registers a hyperparameter the first time it is seen
and returns its value in the current trial (its default when it is new). Hyperparameters
declared under `hp.conditional_scope(parent, values)` (or with parent_name/parent_values)
are active only while the parent's value is one of `values`; an inactive one returns None.
"""
import contextlib
import math

import numpy as np

_SAMPLINGS = ("linear", "log", "reverse_log")


class Condition:
    """Active when the parent hyperparameter's value is in `values`."""

    def __init__(self, name, values):
        self.name = name
        self.values = list(values) if isinstance(values, (list, tuple, set)) else [values]

    def is_active(self, values):
        return self.name in values and values[self.name] in self.values

    def get_config(self):
        return {"class_name": "Parent", "config": {"name": self.name, "values": self.values}}

    @classmethod
    def from_config(cls, config):
        return cls(config["config"]["name"], config["config"]["values"])


class HyperParameter:
    """One dimension of the search space."""
    kind = None

    def __init__(self, name, default=None, conditions=None):
        self.name = name
        self._default = default
        self.conditions = list(conditions or [])

    @property
    def default(self):
        return self._default

    def random_sample(self, rng):
        raise NotImplementedError

    def grid_values(self):
        raise NotImplementedError

    # The unit-cube encoding used by Bayesian optimisation.
    def value_to_unit(self, value):
        values = self.grid_values()
        return (values.index(value) + 0.5) / len(values)

    def unit_to_value(self, unit):
        values = self.grid_values()
        return values[min(int(unit * len(values)), len(values) - 1)]

    def _base_config(self):
        return {"name": self.name, "default": self.default,
                "conditions": [c.get_config() for c in self.conditions]}

    def get_config(self):
        return self._base_config()

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["conditions"] = [Condition.from_config(c) for c in config.get("conditions", [])]
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}({self.get_config()})"


class _Numerical(HyperParameter):
    def __init__(self, name, min_value, max_value, step=None, sampling="linear", default=None,
                 conditions=None):
        super().__init__(name, default, conditions)
        if sampling not in _SAMPLINGS:
            raise ValueError(f"{type(self).__name__} '{name}': `sampling` must be one of "
                             f"{list(_SAMPLINGS)}. Received: {sampling!r}")
        if min_value > max_value:
            raise ValueError(f"{type(self).__name__} '{name}': min_value {min_value} is "
                             f"greater than max_value {max_value}.")
        if sampling != "linear" and min_value <= 0:
            raise ValueError(f"{type(self).__name__} '{name}': {sampling} sampling needs "
                             f"min_value > 0. Received: min_value={min_value}")
        if step is not None and step <= 0:
            raise ValueError(f"{type(self).__name__} '{name}': step must be > 0. "
                             f"Received: {step}")
        if sampling != "linear" and step is not None and step <= 1:
            raise ValueError(f"{type(self).__name__} '{name}': with {sampling} sampling "
                             f"the step is a multiplier and must be > 1. Received: {step}")
        self.min_value = min_value
        self.max_value = max_value
        self.step = step
        self.sampling = sampling

    def _to_unit(self, value):
        lo, hi = self.min_value, self.max_value
        if hi == lo:
            return 0.5
        if self.sampling == "linear":
            return (value - lo) / (hi - lo)
        if self.sampling == "log":
            return math.log(value / lo) / math.log(hi / lo)
        return 1.0 - math.log((hi - value + lo) / lo) / math.log(hi / lo)

    def _from_unit(self, unit):
        lo, hi = self.min_value, self.max_value
        if self.sampling == "linear":
            return lo + unit * (hi - lo)
        if self.sampling == "log":
            return lo * (hi / lo) ** unit
        return hi + lo - lo * (hi / lo) ** (1.0 - unit)

    def _grid(self):
        """The values a step allows: lo, lo+step, ... (linear) or lo, lo*step, ... (log)."""
        values, v = [], self.min_value
        while v <= self.max_value * (1 + 1e-12):
            values.append(v)
            v = v + self.step if self.sampling == "linear" else v * self.step
        return values

    def _snap(self, value):
        if self.step is None:
            return value
        grid = self._grid()
        return min(grid, key=lambda g: abs(self._to_unit(g) - self._to_unit(value)))

    def random_sample(self, rng):
        return self.unit_to_value(rng.uniform())

    def value_to_unit(self, value):
        return float(np.clip(self._to_unit(value), 0.0, 1.0))

    def get_config(self):
        config = self._base_config()
        config.update(min_value=self.min_value, max_value=self.max_value, step=self.step,
                      sampling=self.sampling)
        return config


class Int(_Numerical):
    """An integer in [min_value, max_value] (both included), on a grid of `step`."""
    kind = "Int"

    def __init__(self, name, min_value, max_value, step=None, sampling="linear", default=None,
                 conditions=None):
        super().__init__(name, int(min_value), int(max_value), step, sampling, default,
                         conditions)

    @property
    def default(self):
        return self.min_value if self._default is None else self._default

    def grid_values(self):
        if self.step is None:
            if self.sampling == "linear":
                return list(range(self.min_value, self.max_value + 1))
            return sorted({int(round(self._from_unit(u))) for u in np.linspace(0, 1, 10)})
        return [int(round(v)) for v in self._grid()]

    def unit_to_value(self, unit):
        if self.step is None and self.sampling == "linear":
            # Equal-width bins, so every integer is as likely.
            n = self.max_value - self.min_value + 1
            return self.min_value + min(int(unit * n), n - 1)
        value = self._snap(self._from_unit(unit))
        return int(np.clip(round(value), self.min_value, self.max_value))


class Float(_Numerical):
    """A float in [min_value, max_value]; `sampling="log"` for learning rates and the like."""
    kind = "Float"

    def __init__(self, name, min_value, max_value, step=None, sampling="linear", default=None,
                 conditions=None):
        super().__init__(name, float(min_value), float(max_value), step, sampling, default,
                         conditions)

    @property
    def default(self):
        return self.min_value if self._default is None else self._default

    def grid_values(self):
        if self.step is None:  # no grid given: ten points evenly spread in the sampling scale
            return [float(self._from_unit(u)) for u in np.linspace(0, 1, 10)]
        return [float(v) for v in self._grid()]

    def unit_to_value(self, unit):
        return float(np.clip(self._snap(self._from_unit(unit)), self.min_value, self.max_value))


class Choice(HyperParameter):
    """One of `values` (all ints, all floats, all strings or all bools)."""
    kind = "Choice"

    def __init__(self, name, values, ordered=None, default=None, conditions=None):
        super().__init__(name, default, conditions)
        if not values:
            raise ValueError(f"Choice '{name}': `values` must be a non-empty list.")
        kinds = {type(v) for v in values}
        if len(kinds) > 1 and not kinds <= {int, float}:
            raise TypeError(f"Choice '{name}': values must all be of one type (int, float, "
                            f"str or bool). Received: {list(values)}")
        if default is not None and default not in values:
            raise ValueError(f"Choice '{name}': default {default!r} is not one of "
                             f"{list(values)}.")
        self.values = list(values)
        self.ordered = ordered if ordered is not None else kinds <= {int, float}

    @property
    def default(self):
        return self.values[0] if self._default is None else self._default

    def random_sample(self, rng):
        return self.values[rng.randint(len(self.values))]

    def grid_values(self):
        return list(self.values)

    def get_config(self):
        config = self._base_config()
        config.update(values=self.values, ordered=self.ordered)
        return config


class Boolean(HyperParameter):
    kind = "Boolean"

    def __init__(self, name, default=False, conditions=None):
        super().__init__(name, bool(default), conditions)

    def random_sample(self, rng):
        return bool(rng.randint(2))

    def grid_values(self):
        return [False, True]


class Fixed(HyperParameter):
    """A value that is part of the configuration but never tuned."""
    kind = "Fixed"

    def __init__(self, name, value, conditions=None, default=None):
        super().__init__(name, value, conditions)
        self.value = value

    def random_sample(self, rng):
        return self.value

    def grid_values(self):
        return [self.value]

    def get_config(self):
        config = self._base_config()
        config["value"] = config.pop("default")
        return config


_CLASSES = {cls.kind: cls for cls in (Int, Float, Choice, Boolean, Fixed)}


class HyperParameters:
    """A search space (`space`) plus the current values (`values`)."""

    def __init__(self):
        self._space = {}          # name -> HyperParameter, in registration order
        self.values = {}
        self._conditions = []     # the stack of conditional_scope conditions

    # --- registration --------------------------------------------------------------------------
    def Int(self, name, min_value, max_value, step=None, sampling="linear", default=None,
            parent_name=None, parent_values=None):
        return self._retrieve(Int(name, min_value, max_value, step, sampling, default,
                                  self._conditions_for(parent_name, parent_values)))

    def Float(self, name, min_value, max_value, step=None, sampling="linear", default=None,
              parent_name=None, parent_values=None):
        return self._retrieve(Float(name, min_value, max_value, step, sampling, default,
                                    self._conditions_for(parent_name, parent_values)))

    def Choice(self, name, values, ordered=None, default=None, parent_name=None,
               parent_values=None):
        return self._retrieve(Choice(name, values, ordered, default,
                                     self._conditions_for(parent_name, parent_values)))

    def Boolean(self, name, default=False, parent_name=None, parent_values=None):
        return self._retrieve(Boolean(name, default,
                                      self._conditions_for(parent_name, parent_values)))

    def Fixed(self, name, value, parent_name=None, parent_values=None):
        return self._retrieve(Fixed(name, value,
                                    self._conditions_for(parent_name, parent_values)))

    @contextlib.contextmanager
    def conditional_scope(self, parent_name, parent_values):
        """Hyperparameters declared inside are active only when parent's value is in
        parent_values."""
        if parent_name not in self._space:
            raise ValueError(f"conditional_scope: `{parent_name}` is not a hyperparameter "
                             f"declared so far ({list(self._space)}).")
        self._conditions.append(Condition(parent_name, parent_values))
        try:
            yield
        finally:
            self._conditions.pop()

    def _conditions_for(self, parent_name, parent_values):
        conditions = list(self._conditions)
        if parent_name is not None:
            if parent_values is None:
                raise ValueError(f"parent_name={parent_name!r} needs parent_values too.")
            conditions.append(Condition(parent_name, parent_values))
        return conditions

    def _retrieve(self, hp):
        if hp.name not in self._space:
            self._space[hp.name] = hp
        if not self.is_active(hp.name):
            return None
        if hp.name not in self.values:
            self.values[hp.name] = self._space[hp.name].default
        return self.values[hp.name]

    # --- queries -------------------------------------------------------------------------------
    @property
    def space(self):
        return list(self._space.values())

    def is_active(self, name_or_hp):
        hp = self._space[getattr(name_or_hp, "name", name_or_hp)]
        return all(c.is_active(self.values) for c in hp.conditions)

    def get(self, name):
        if name in self.values:
            return self.values[name]
        if name in self._space:
            return None  # declared but inactive
        raise KeyError(f"{name!r} is not a hyperparameter; known: {list(self._space)}")

    def __getitem__(self, name):
        return self.get(name)

    def __contains__(self, name):
        return name in self._space or name in self.values

    def copy(self):
        return HyperParameters.from_config(self.get_config())

    def merge(self, other):
        """Adds `other`'s hyperparameters (and values) that this space does not have."""
        for hp in (other.space if isinstance(other, HyperParameters) else other):
            self._space.setdefault(hp.name, hp)
        if isinstance(other, HyperParameters):
            for name, value in other.values.items():
                self.values.setdefault(name, value)

    def active_space(self):
        return [hp for hp in self.space if self.is_active(hp)]

    # --- sampling ------------------------------------------------------------------------------
    def sample(self, rng, fixed=None):
        """A new HyperParameters with the same space and random values for active entries
        (parents first, so children see their parents' values)."""
        result = self.copy()
        result.values = {}
        for hp in result.space:
            if all(c.is_active(result.values) for c in hp.conditions):
                result.values[hp.name] = (fixed or {}).get(hp.name, hp.random_sample(rng))
        return result

    # --- serialisation -------------------------------------------------------------------------
    def get_config(self):
        return {"space": [{"class_name": hp.kind, "config": hp.get_config()}
                          for hp in self.space],
                "values": _jsonable(self.values)}

    @classmethod
    def from_config(cls, config):
        hps = cls()
        for item in config["space"]:
            hp_cls = _CLASSES[item["class_name"]]
            item_config = dict(item["config"])
            if hp_cls is Fixed:
                item_config.pop("default", None)
            hps._space[item_config["name"]] = hp_cls.from_config(item_config)
        hps.values = dict(config.get("values", {}))
        return hps

    def __repr__(self):
        return f"HyperParameters(values={self.values})"


def _jsonable(values):
    out = {}
    for name, value in values.items():
        if isinstance(value, np.generic):
            value = value.item()
        out[name] = value
    return out
