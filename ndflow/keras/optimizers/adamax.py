"""Adamax: Adam with the infinity norm (Kingma & Ba, section 7)."""
from ...ops import update_rules as R
from .adam import beta_powers
from .base import Optimizer


class Adamax(Optimizer):
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
