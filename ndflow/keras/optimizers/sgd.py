"""SGD with optional momentum and Nesterov momentum (Keras 3 rule: v = m*v - lr*g)."""
from ...framework.errors import InvalidArgumentError
from ...ops import update_rules as R
from .base import Optimizer


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum.

    Without momentum: `w -= learning_rate * g`. With momentum: `v = momentum * v - learning_rate *
    g; w += v` (Nesterov: `w += momentum * v - learning_rate * g`).

    Args:
      learning_rate: A float, or a `LearningRateSchedule` called with the step (default 0.01).
      momentum: A float >= 0 (default 0).
      nesterov: Whether to use Nesterov momentum.
      name: The optimizer's name.
      **kwargs: The base `Optimizer`'s options: `weight_decay`, `clipnorm`, `clipvalue`,
        `global_clipnorm` (and Keras 2's `lr` and `decay`).

    Example:

    >>> from ndflow import keras
    >>> w = ndflow.Variable(1.0)
    >>> _ = keras.optimizers.SGD(learning_rate=0.1).apply([ndflow.constant(2.0)], [w])
    >>> round(float(w.numpy()), 4)
    0.8
    """
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
