"""Adadelta (Zeiler 2012), Keras 3 defaults: learning_rate 0.001, rho 0.95, epsilon 1e-7."""
from ...ops import update_rules as R
from .base import Optimizer


class Adadelta(Optimizer):
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
