"""More TF1 optimizers: Adadelta, FTRL-Proximal and proximal gradient descent, with TF1's
update rules (the ApplyAdadelta / ApplyFtrlV2 / ApplyProximalGradientDescent kernels)."""
from ..ops import math_ops as M
from ..ops import update_rules as R
from .optimizer import Optimizer, _hyper


def _proximal_step(prox, lr, l1, l2):
    """The proximal operator of lr * (l1 * |w| + l2/2 * w^2) at `prox` (soft threshold)."""
    if l1 > 0:
        prox = M.sign(prox) * M.maximum(M.abs(prox) - lr * l1, 0.0)
    return prox / (1.0 + lr * l2)


class AdadeltaOptimizer(Optimizer):
    """Adadelta: `accum = rho*accum + (1-rho)*g^2`; `update = sqrt(accum_update + eps) /
    sqrt(accum + eps) * g`; `var -= lr * update`; `accum_update = rho*accum_update +
    (1-rho)*update^2` (slots `accum`, `accum_update`)."""

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-8, use_locking=False,
                 name="Adadelta"):
        super().__init__(use_locking, name)
        self._lr, self._rho, self._eps = learning_rate, rho, epsilon

    def _apply_dense(self, grad, var):
        return R.adadelta(var, grad, self._slot(var, "accum"), self._slot(var, "accum_update"),
                          _hyper(self._lr), _hyper(self._rho), _hyper(self._eps))


class FtrlOptimizer(Optimizer):
    """FTRL-Proximal (McMahan et al., 2013) with TF1's L1, L2 and L2-shrinkage terms (slots
    `accum`, starting at `initial_accumulator_value`, and `linear`)."""

    def __init__(self, learning_rate, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="Ftrl", accum_name=None, linear_name=None,
                 l2_shrinkage_regularization_strength=0.0, beta=None):
        super().__init__(use_locking, name)
        checks = {"learning_rate_power": (learning_rate_power, learning_rate_power <= 0),
                  "initial_accumulator_value": (initial_accumulator_value,
                                                initial_accumulator_value >= 0),
                  "l1_regularization_strength": (l1_regularization_strength,
                                                 l1_regularization_strength >= 0),
                  "l2_regularization_strength": (l2_regularization_strength,
                                                 l2_regularization_strength >= 0),
                  "l2_shrinkage_regularization_strength": (
                      l2_shrinkage_regularization_strength,
                      l2_shrinkage_regularization_strength >= 0)}
        for arg, (value, ok) in checks.items():
            if not ok:
                raise ValueError(f"FtrlOptimizer: {arg} must be "
                                 f"{'<= 0' if arg == 'learning_rate_power' else '>= 0'}, "
                                 f"got {value}.")
        self._lr, self._power = learning_rate, float(learning_rate_power)
        self._init = float(initial_accumulator_value)
        self._l1, self._l2 = float(l1_regularization_strength), float(l2_regularization_strength)
        self._shrink = float(l2_shrinkage_regularization_strength)
        self._beta = 0.0 if beta is None else float(beta)
        self._accum_name, self._linear_name = accum_name or name, linear_name or name + "_1"

    def _apply_dense(self, grad, var):
        lr = _hyper(self._lr)
        l2 = self._l2 + self._beta / (2.0 * lr)
        accum = self._slot(var, "accum", self._init, self._accum_name)
        linear = self._slot(var, "linear", 0.0, self._linear_name)
        shrunk = grad + var * (2.0 * self._shrink) if self._shrink else grad
        new_accum = accum + M.square(grad)
        if self._power == -0.5:
            new_root, old_root = M.sqrt(new_accum), M.sqrt(accum)
        else:
            new_root, old_root = M.pow(new_accum, -self._power), M.pow(accum, -self._power)
        new_linear = linear + shrunk - (new_root - old_root) / lr * var
        quadratic = new_root / lr + 2.0 * l2
        pre_shrink = (M.sign(new_linear) * self._l1 - new_linear) / quadratic
        new_var = M.cast(M.greater(M.abs(new_linear), self._l1), var.dtype) * pre_shrink
        return var.assign(new_var), linear.assign(new_linear), accum.assign(new_accum)


class ProximalGradientDescentOptimizer(Optimizer):
    """Gradient descent then the proximal step of L1 (soft threshold) and L2 (shrink)."""

    def __init__(self, learning_rate, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, use_locking=False,
                 name="ProximalGradientDescent"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._l1, self._l2 = float(l1_regularization_strength), float(l2_regularization_strength)

    def _apply_dense(self, grad, var):
        lr = _hyper(self._lr)
        return var.assign(_proximal_step(var - lr * grad, lr, self._l1, self._l2))


class ProximalAdagradOptimizer(Optimizer):
    """Adagrad's step size then the proximal step of L1 and L2 (slot `ProximalAdagrad`)."""

    def __init__(self, learning_rate, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="ProximalAdagrad"):
        super().__init__(use_locking, name)
        self._lr, self._init = learning_rate, float(initial_accumulator_value)
        self._l1, self._l2 = float(l1_regularization_strength), float(l2_regularization_strength)

    def _apply_dense(self, grad, var):
        accum = self._slot(var, "accumulator", self._init)
        new_accum = accum + M.square(grad)
        lr = _hyper(self._lr) * M.rsqrt(new_accum)
        prox = var - lr * grad
        if self._l1 > 0:
            prox = M.sign(prox) * M.maximum(M.abs(prox) - lr * self._l1, 0.0)
        return var.assign(prox / (1.0 + lr * self._l2)), accum.assign(new_accum)
