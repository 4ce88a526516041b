"""SGD with optional momentum and Nesterov momentum (Keras 3 rule: v = m*v - lr*g)."""
from ...framework.errors import InvalidArgumentError
from ...ops import update_rules as R
from .base import Optimizer


class SGD(Optimizer):
    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if not isinstance(momentum, (int, float)) or not 0 <= momentum <= 1:
            raise InvalidArgumentError(f"`momentum` must be a float between [0, 1]. "
                                       f"Received: momentum={momentum!r}")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def _slot_groups(self):
        return [[("momentum", 0.0)]] if self.momentum else []

    def _update(self, grad, var, slots, lr, step):
        if self.momentum:
            R.keras_sgd_momentum(var, grad, slots["momentum"], lr, self.momentum, self.nesterov)
        else:
            R.sgd(var, grad, lr)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
