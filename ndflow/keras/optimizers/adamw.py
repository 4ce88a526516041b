"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter), Keras 3 default 0.004."""
from ...framework.errors import InvalidArgumentError
from .adam import Adam


class AdamW(Adam):
    """Adam with decoupled weight decay.

    Each step applies Adam's update and subtracts `learning_rate * weight_decay * w`.

    Args:
      learning_rate: A float, or a `LearningRateSchedule` called with the step (default 0.001).
      weight_decay: The decay factor (default 0.004).
      beta_1: Decay rate of the first-moment average (default 0.9).
      beta_2: Decay rate of the second-moment average (default 0.999).
      epsilon: Small constant for numerical stability (default 1e-7).
      amsgrad: Whether to use the AMSGrad variant.
      name: The optimizer's name.
      **kwargs: The base `Optimizer`'s options: `weight_decay`, `clipnorm`, `clipvalue`,
        `global_clipnorm` (and Keras 2's `lr` and `decay`).
    """
    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, name="adamw", **kwargs):
        if weight_decay is None:
            raise InvalidArgumentError("Argument `weight_decay` must be a float. Received: "
                                       "weight_decay=None")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, name=name,
                         weight_decay=weight_decay, **kwargs)
