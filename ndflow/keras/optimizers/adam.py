"""Adam (Kingma & Ba) with optional AMSGrad; Keras 3 defaults (epsilon 1e-7)."""
from ...framework import dtypes
from ...ops import array_ops as A
from ...ops import math_ops as M
from ...ops import update_rules as R
from .base import Optimizer, _cast


def beta_powers(optimizer, *betas):
    """beta ** t for the step about to be taken (t = iterations + 1), once per step."""
    t = A.cast(optimizer.iterations.read_value() + 1, dtypes.float32)
    return [M.pow(float(beta), t) for beta in betas]


class Adam(Optimizer):
    """Adam: adaptive moment estimation.

    Keeps running averages of the gradient `m` and of its square `v`, and steps by `learning_rate *
    m_hat / (sqrt(v_hat) + epsilon)` with bias-corrected `m_hat`, `v_hat`.

    Args:
      learning_rate: A float, or a `LearningRateSchedule` called with the step (default 0.001).
      beta_1: Decay rate of the first-moment average (default 0.9).
      beta_2: Decay rate of the second-moment average (default 0.999).
      epsilon: Small constant for numerical stability (default 1e-7).
      amsgrad: Whether to use the AMSGrad variant (the maximum of past `v`).
      name: The optimizer's name.
      **kwargs: The base `Optimizer`'s options: `weight_decay`, `clipnorm`, `clipvalue`,
        `global_clipnorm` (and Keras 2's `lr` and `decay`).
    """
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, name="adam", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)
        self.amsgrad = bool(amsgrad)

    def _slot_groups(self):
        groups = [[("momentum", 0.0), ("velocity", 0.0)]]
        if self.amsgrad:
            groups.append([("velocity_hat", 0.0)])
        return groups

    def _prepare_step(self):
        return beta_powers(self, self.beta_1, self.beta_2)

    def _update(self, grad, var, slots, lr, step):
        beta1_power, beta2_power = step
        R.adam(var, grad, slots["momentum"], slots["velocity"], lr, self.beta_1, self.beta_2,
               self.epsilon, beta1_power, beta2_power, slots.get("velocity_hat"))

    def _update_all(self, grads, variables, lr, step, decays=None):
        # One fused op for all variables (with AdamW's decay inside it: a decay assigned
        # beforehand would replace every variable's value, and the flat buffers would then
        # copy themselves at every step).
        if self.amsgrad or type(self)._update is not Adam._update:
            return False
        state = self._flat_state(grads, variables, ["momentum", "velocity"])
        if state is None:
            return False
        from ...ops.optimizer_ops import fused_adam
        beta1_power, beta2_power = step
        fused_adam(state, grads, _cast(lr, dtypes.float32), self.beta_1, self.beta_2,
                   self.epsilon, beta1_power, beta2_power,
                   decays=decays and tuple(decays), weight_decay=self.weight_decay)
        return True

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}
