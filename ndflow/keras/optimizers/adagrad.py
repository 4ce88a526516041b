"""Adagrad (Keras 3: accumulators start at 0.1, epsilon 1e-7 inside the square root)."""
from ...ops import update_rules as R
from .base import Optimizer


class Adagrad(Optimizer):
    """Adagrad: per-parameter learning rates from accumulated squared gradients.

    `acc += g**2; w -= learning_rate * g / sqrt(acc + epsilon)`.

    Args:
      learning_rate: A float, or a `LearningRateSchedule` called with the step (default 0.001).
      initial_accumulator_value: The starting value of `acc` (default 0.1).
      epsilon: Small constant for numerical stability (default 1e-7).
      name: The optimizer's name.
      **kwargs: The base `Optimizer`'s options: `weight_decay`, `clipnorm`, `clipvalue`,
        `global_clipnorm` (and Keras 2's `lr` and `decay`).
    """
    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 name="adagrad", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = float(epsilon)

    def _slot_groups(self):
        return [[("accumulator", self.initial_accumulator_value)]]

    def _update(self, grad, var, slots, lr, step):
        R.keras_adagrad(var, grad, slots["accumulator"], lr, self.epsilon)

    def get_config(self):
        return {**super().get_config(),
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
