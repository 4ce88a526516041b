"""Adagrad (Keras 3: accumulators start at 0.1, epsilon 1e-7 inside the square root)."""
from ...ops import update_rules as R
from .base import Optimizer


class Adagrad(Optimizer):
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
