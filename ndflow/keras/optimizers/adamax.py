"""Adamax: Adam with the infinity norm (Kingma & Ba, section 7)."""
from ...ops import update_rules as R
from .adam import beta_powers
from .base import Optimizer


class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm in place of the second moment.

    `m = beta_1 * m + (1 - beta_1) * g; u = max(beta_2 * u, |g|); w -= learning_rate / (1 -
    beta_1**t) * m / (u + epsilon)`.

    Args:
      learning_rate: A float, or a `LearningRateSchedule` called with the step (default 0.001).
      beta_1: Decay rate of the first-moment average (default 0.9).
      beta_2: Decay rate of the infinity norm (default 0.999).
      epsilon: Small constant for numerical stability (default 1e-7).
      name: The optimizer's name.
      **kwargs: The base `Optimizer`'s options: `weight_decay`, `clipnorm`, `clipvalue`,
        `global_clipnorm` (and Keras 2's `lr` and `decay`).
    """
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="adamax", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)

    def _slot_groups(self):
        return [[("momentum", 0.0), ("norm", 0.0)]]

    def _prepare_step(self):
        return beta_powers(self, self.beta_1)[0]

    def _update(self, grad, var, slots, lr, step):
        R.adamax(var, grad, slots["momentum"], slots["norm"], lr, self.beta_1, self.beta_2,
                 self.epsilon, step)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
