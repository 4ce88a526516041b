"""tf.train.ExponentialMovingAverage: shadow variables that follow other variables."""
import contextlib

from ..framework.context import building_graph
from ..framework.graph import get_default_graph, graph_for_building
from ..framework.ordering import group
from ..framework.variables import Variable
from ..ops.variable_collections import global_variables, trainable_variables
from ..ops import array_ops as A
from ..ops import math_ops as M

MOVING_AVERAGE_VARIABLES = "moving_average_variables"


def _op_name(var):
    return var.name.split(":")[0]


def assign_moving_average(variable, value, decay, zero_debias=False, name=None):
    """`variable -= (variable - value) * (1 - decay)`, TF1's moving-average update."""
    if zero_debias:
        raise NotImplementedError("assign_moving_average: zero_debias=True is not supported.")
    return variable.assign_sub((variable - value) * (1.0 - M.cast(decay, variable.dtype)),
                               name=name)


class ExponentialMovingAverage:
    """Keeps `shadow = decay * shadow + (1 - decay) * variable` for the variables given to
    `apply`; with `num_updates` the decay is `min(decay, (1 + n) / (10 + n))`.

    Args:
      decay: the decay (e.g. 0.999).
      num_updates: an optional count of updates (tensor or variable) that lowers the
        decay early in training.
      name: the shadow variables are named `<variable>/<name>`.
    """

    def __init__(self, decay, num_updates=None, zero_debias=False,
                 name="ExponentialMovingAverage"):
        if zero_debias:
            raise NotImplementedError("ExponentialMovingAverage: zero_debias=True is not "
                                      "supported.")
        self._decay, self._num_updates, self._name = decay, num_updates, name
        self._averages = {}  # Reference of the variable -> shadow variable

    @property
    def name(self):
        return self._name

    def apply(self, var_list=None):
        """Creates the shadow variables (first time) and returns the op updating them all.

        Raises:
          TypeError: for a variable that is not floating point.
          ValueError: for a variable given twice.
        """
        var_list = list(trainable_variables() if var_list is None else var_list)
        refs = [v.ref() for v in var_list]
        if len(set(refs)) != len(refs):
            raise ValueError("ExponentialMovingAverage.apply: a variable was given twice.")
        g = graph_for_building() or next((v.graph for v in var_list if v.graph is not None),
                                         None)
        with building_graph(g) if g is not None else contextlib.nullcontext():
            for var in var_list:
                if not var.dtype.is_floating:
                    raise TypeError(f"ExponentialMovingAverage.apply: {var.name} has dtype "
                                    f"{var.dtype.name}; only floating-point variables can be "
                                    "averaged.")
                if var.ref() not in self._averages:
                    init = var.initialized_value() if isinstance(var, Variable) else \
                        A.zeros_like(var)
                    # a trailing "/" names a graph variable from the root name scope
                    shadow = Variable(init, trainable=False, name=f"{_op_name(var)}/"
                                      f"{self._name}" + ("/" if g is not None else ""))
                    self._averages[var.ref()] = shadow
                    if g is not None and isinstance(var, Variable):
                        g.add_to_collection(MOVING_AVERAGE_VARIABLES, var)
            decay = A.convert_to_tensor(self._decay)
            if self._num_updates is not None:
                n = M.cast(self._num_updates, decay.dtype)
                decay = M.minimum(decay, (1.0 + n) / (10.0 + n))
            updates = [assign_moving_average(self._averages[v.ref()], v, decay)
                       for v in var_list]
            return group(*updates, name=self._name)

    def average(self, var):
        """The shadow variable of `var` (None if `apply` never saw it)."""
        return self._averages.get(var.ref())

    def average_name(self, var):
        """The name of `var`'s shadow variable, `<var op name>/<name>`."""
        return f"{_op_name(var)}/{self._name}"

    def variables_to_restore(self, moving_avg_variables=None):
        """{name: variable} for a Saver that loads the averages into the variables: each
        averaged variable maps from its shadow's name, every other global from its own."""
        g = graph_for_building() or get_default_graph()
        if moving_avg_variables is None:
            moving_avg_variables = g.get_collection(MOVING_AVERAGE_VARIABLES) + \
                trainable_variables()
        averaged = {v.ref() for v in moving_avg_variables}
        names = {self.average_name(v): v for v in moving_avg_variables}
        for v in global_variables():
            if v.ref() not in averaged and _op_name(v) not in names:
                names[_op_name(v)] = v
        return names
