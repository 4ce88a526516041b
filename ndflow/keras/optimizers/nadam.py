"""Nadam: Adam with Nesterov momentum and Keras's 0.96 momentum schedule."""
import numpy as np

from ...framework import dtypes
from ...framework.variables import Variable
from ...ops import array_ops as A
from ...ops import math_ops as M
from ...ops import update_rules as R
from .base import Optimizer

_DECAY = 0.96


class Nadam(Optimizer):
    """Nadam: Adam with Nesterov momentum.

    Like Adam, but the first-moment term looks one step ahead (with Keras's momentum schedule).

    Args:
      learning_rate: A float, or a `LearningRateSchedule` called with the step (default 0.001).
      beta_1: Decay rate of the first-moment average (default 0.9).
      beta_2: Decay rate of the second-moment average (default 0.999).
      epsilon: Small constant for numerical stability (default 1e-7).
      name: The optimizer's name.
      **kwargs: The base `Optimizer`'s options: `weight_decay`, `clipnorm`, `clipvalue`,
        `global_clipnorm` (and Keras 2's `lr` and `decay`).
    """
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="nadam", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)
        # running product of the momentum coefficients u_1 ... u_t
        self._u_product = Variable(np.float32(1.0), trainable=False, dtype=dtypes.float32,
                                   name=f"{self.name}/u_product")

    def _slot_groups(self):
        return [[("momentum", 0.0), ("velocity", 0.0)]]

    def _extra_variables(self):
        return [self._u_product]

    def _prepare_step(self):
        t = A.cast(self.iterations.read_value() + 1, dtypes.float32)
        u_t = self.beta_1 * (1.0 - 0.5 * M.pow(_DECAY, t))
        u_t_next = self.beta_1 * (1.0 - 0.5 * M.pow(_DECAY, t + 1.0))
        u_product = self._u_product.read_value() * u_t
        self._u_product.assign(u_product)
        return u_t, u_t_next, u_product, M.pow(self.beta_2, t)

    def _update(self, grad, var, slots, lr, step):
        u_t, u_t_next, u_product, beta2_power = step
        R.nadam(var, grad, slots["momentum"], slots["velocity"], lr, self.beta_1, self.beta_2,
                self.epsilon, u_t, u_t_next, u_product, beta2_power)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
