"""RMSprop (Keras 3: rho 0.9, epsilon 1e-7 inside the square root, zero-initialised
velocity, optional momentum and centering)."""
from ...ops import update_rules as R
from .base import Optimizer


class RMSprop(Optimizer):
    """RMSprop: divides the gradient by a running RMS of recent gradients.

    `ms = rho * ms + (1 - rho) * g**2; w -= learning_rate * g / sqrt(ms + epsilon)` (with optional
    momentum, and `centered` subtracting the squared mean gradient).

    Args:
      learning_rate: A float, or a `LearningRateSchedule` called with the step (default 0.001).
      rho: Decay rate of the mean square (default 0.9).
      momentum: A float >= 0 (default 0).
      epsilon: Small constant for numerical stability (default 1e-7).
      centered: Whether to normalise by the estimated variance instead of the mean square.
      name: The optimizer's name.
      **kwargs: The base `Optimizer`'s options: `weight_decay`, `clipnorm`, `clipvalue`,
        `global_clipnorm` (and Keras 2's `lr` and `decay`).
    """
    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, name="rmsprop", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho, self.momentum, self.epsilon = float(rho), float(momentum), float(epsilon)
        self.centered = bool(centered)

    def _slot_groups(self):
        groups = [[("velocity", 0.0)]]
        if self.momentum > 0:
            groups.append([("momentum", 0.0)])
        if self.centered:
            groups.append([("average_gradient", 0.0)])
        return groups

    def _update(self, grad, var, slots, lr, step):
        R.rmsprop(var, grad, slots["velocity"], slots.get("momentum"), lr, self.rho,
                  self.momentum, self.epsilon, slots.get("average_gradient"))

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}
