"""Optimizer update rules, written once in ndflow ops.

Each rule takes the variable, its gradient, its slot variables and the
hyperparameters (floats or tensors) and performs the update with assign ops, so the
same code runs eagerly, inside tf.function and in a TF1 graph. Used by the TF1
`train.*Optimizer` classes and by `keras.optimizers`.
"""
from . import math_ops as M


def sgd(var, grad, lr):
    return var.assign_sub(lr * grad)


def momentum(var, grad, accum, lr, momentum_, nesterov=False):
    """TF1 MomentumOptimizer: accum = m*accum + g; var -= lr*accum (Nesterov: lr*(g + m*accum))."""
    new_accum = accum * momentum_ + grad
    a = accum.assign(new_accum)
    if nesterov:
        return var.assign_sub(lr * (grad + momentum_ * new_accum)), a
    return var.assign_sub(lr * new_accum), a


def keras_sgd_momentum(var, grad, velocity, lr, momentum_, nesterov=False):
    """Keras SGD: v = m*v - lr*g; var += v (Nesterov: var += m*v - lr*g)."""
    new_v = velocity * momentum_ - lr * grad
    v = velocity.assign(new_v)
    if nesterov:
        return var.assign_add(new_v * momentum_ - lr * grad), v
    return var.assign_add(new_v), v


def adam(var, grad, m, v, lr, beta1, beta2, epsilon, beta1_power, beta2_power, amsgrad_v=None):
    """Adam with the bias correction folded into the step size (TF1 and Keras alike)."""
    alpha = lr * M.sqrt(1.0 - beta2_power) / (1.0 - beta1_power)
    new_m = m + (grad - m) * (1.0 - beta1)
    new_v = v + (M.square(grad) - v) * (1.0 - beta2)
    um = m.assign(new_m)
    uv = v.assign(new_v)
    denom_v = new_v
    if amsgrad_v is not None:
        denom_v = M.maximum(amsgrad_v, new_v)
        amsgrad_v.assign(denom_v)
    return var.assign_sub(new_m * alpha / (M.sqrt(denom_v) + epsilon)), um, uv


def rmsprop(var, grad, ms, mom, lr, rho, momentum_, epsilon, centered_mg=None):
    new_ms = ms * rho + M.square(grad) * (1.0 - rho)
    ums = ms.assign(new_ms)
    denom = new_ms
    if centered_mg is not None:
        new_mg = centered_mg * rho + grad * (1.0 - rho)
        centered_mg.assign(new_mg)
        denom = new_ms - M.square(new_mg)
    step = lr * grad / M.sqrt(denom + epsilon)
    if mom is not None:
        new_mom = mom * momentum_ + step
        mom.assign(new_mom)
        return var.assign_sub(new_mom), ums
    return var.assign_sub(step), ums


def adagrad(var, grad, accum, lr, epsilon=0.0):
    new_acc = accum + M.square(grad)
    a = accum.assign(new_acc)
    return var.assign_sub(lr * grad / (M.sqrt(new_acc) + epsilon)), a


# --- rules where Keras 3 differs from TF1 (keras.optimizers) -----------------------------------

def decoupled_weight_decay(var, lr, weight_decay):
    """AdamW-style decay applied to the variable itself: var -= var * lr * wd."""
    return var.assign_sub(var * (lr * weight_decay))


def keras_adagrad(var, grad, accum, lr, epsilon):
    """Keras Adagrad: epsilon inside the square root (TF1 adds it outside)."""
    new_acc = accum + M.square(grad)
    a = accum.assign(new_acc)
    return var.assign_sub(lr * grad / M.sqrt(new_acc + epsilon)), a


def nadam(var, grad, m, v, lr, beta1, beta2, epsilon, u_t, u_t_next, u_product, beta2_power):
    """Keras Nadam (Dozat 2016 with the 0.96 momentum schedule): `u_t`, `u_t_next` are this
    and the next step's momentum coefficients, `u_product` their running product up to t."""
    new_m = m + (grad - m) * (1.0 - beta1)
    new_v = v + (M.square(grad) - v) * (1.0 - beta2)
    um = m.assign(new_m)
    uv = v.assign(new_v)
    m_hat = u_t_next * new_m / (1.0 - u_product * u_t_next) + \
        (1.0 - u_t) * grad / (1.0 - u_product)
    v_hat = new_v / (1.0 - beta2_power)
    return var.assign_sub(m_hat * lr / (M.sqrt(v_hat) + epsilon)), um, uv


def adadelta(var, grad, accum_grad, accum_delta, lr, rho, epsilon):
    """Keras Adadelta: delta = -sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) * g; var += lr*delta."""
    new_ag = accum_grad * rho + M.square(grad) * (1.0 - rho)
    ag = accum_grad.assign(new_ag)
    delta = -(M.sqrt(accum_delta + epsilon) / M.sqrt(new_ag + epsilon)) * grad
    ad = accum_delta.assign(accum_delta * rho + M.square(delta) * (1.0 - rho))
    return var.assign_add(lr * delta), ag, ad


def adamax(var, grad, m, u, lr, beta1, beta2, epsilon, beta1_power):
    """Keras Adamax: the infinity-norm variant of Adam."""
    new_m = m + (grad - m) * (1.0 - beta1)
    new_u = M.maximum(u * beta2, M.abs(grad))
    um = m.assign(new_m)
    uu = u.assign(new_u)
    return var.assign_sub(lr * new_m / ((1.0 - beta1_power) * (new_u + epsilon))), um, uu
