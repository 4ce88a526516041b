"""Adadelta (Zeiler 2012), Keras 3 defaults: learning_rate 0.001, rho 0.95, epsilon 1e-7."""
from ...ops import update_rules as R
from .base import Optimizer


class Adadelta(Optimizer):
    """Adadelta: steps scaled by running averages of squared gradients and updates.

    `acc_g = rho * acc_g + (1 - rho) * g**2; d = sqrt(acc_d + eps) / sqrt(acc_g + eps) * g; acc_d =
    rho * acc_d + (1 - rho) * d**2; w -= learning_rate * d`.

    Args:
      learning_rate: A float, or a `LearningRateSchedule` called with the step (default 0.001).
      rho: Decay rate of the averages (default 0.95).
      epsilon: Small constant for numerical stability (default 1e-7).
      name: The optimizer's name.
      **kwargs: The base `Optimizer`'s options: `weight_decay`, `clipnorm`, `clipvalue`,
        `global_clipnorm` (and Keras 2's `lr` and `decay`).
    """
    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name="adadelta", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho, self.epsilon = float(rho), float(epsilon)

    def _slot_groups(self):
        return [[("accumulated_grad", 0.0), ("accumulated_delta_var", 0.0)]]

    def _update(self, grad, var, slots, lr, step):
        R.adadelta(var, grad, slots["accumulated_grad"], slots["accumulated_delta_var"], lr,
                   self.rho, self.epsilon)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
