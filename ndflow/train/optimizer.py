"""TF1 optimizers (tf.compat.v1.train.*Optimizer) on the shared update rules."""
from ..framework import dtypes
from ..framework.autodiff import GradientTape, gradients
from ..framework.graph import graph_for_building
from ..framework.tensor import EagerTensor, TensorLike
from ..framework.variables import Variable
from ..ops.variable_collections import trainable_variables
from ..ops import array_ops
from ..framework.ordering import group
from ..ops import update_rules as R


class Optimizer:
    """Base class of the TF1 optimizers (`tf.compat.v1.train.*Optimizer`).

    `minimize(loss)` = `compute_gradients` + `apply_gradients`: in a graph it returns the train
    op to run in a `Session`; eagerly `loss` must be a callable and the variables update at
    once. Slot variables (momenta, accumulators) are created per variable on first use.

    Args:
      use_locking: Accepted for TF1 compatibility.
      name: The optimizer's name, used for slot variable names.
    """
    GATE_NONE, GATE_OP, GATE_GRAPH = 0, 1, 2

    def __init__(self, use_locking=False, name="Optimizer"):
        self._name = name
        self._slots = {}  # (slot name, Variable) -> slot Variable

    def get_name(self):
        return self._name

    def _slot(self, var, slot_name, initial=0.0, suffix=None):
        """The slot `slot_name` of `var`, made on first use as the variable
        `<var>/<suffix or optimizer name>` (made unique in a graph, as TF1's `w/Adam`,
        `w/Adam_1`)."""
        key = (slot_name, var)
        s = self._slots.get(key)
        if s is None:
            s = _make_like(var, lambda: array_ops.constant(initial, var.dtype,
                                                           shape=var.shape.as_list()),
                           suffix or self._name)
            self._slots[key] = s
        return s

    def get_slot(self, var, name):
        return self._slots.get((name, var))

    def get_slot_names(self):
        return sorted({k[0] for k in self._slots})

    def variables(self):
        return list(self._slots.values())

    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None):
        if callable(loss):
            with GradientTape() as tape:
                value = loss()
            var_list = var_list if var_list is not None else tape.watched_variables()
            grads = tape.gradient(value, list(var_list), output_gradients=grad_loss)
            return list(zip(grads, var_list))
        if isinstance(loss, EagerTensor):
            raise RuntimeError("compute_gradients: when eager execution is enabled, loss must be "
                               "a callable.")
        if var_list is None:
            var_list = [v for v in trainable_variables() if v.graph is loss.graph] or \
                trainable_variables()
        var_list = list(var_list)
        grads = gradients(loss, var_list, grad_ys=grad_loss)
        return list(zip(grads, var_list))

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        grads_and_vars = [(g, v) for g, v in grads_and_vars if g is not None]
        if not grads_and_vars:
            raise ValueError("No gradients provided for any variable.")
        self._prepare()
        updates = []
        for g, v in grads_and_vars:
            if g.dtype != v.dtype:
                g = array_ops.cast(g, v.dtype)
            out = self._apply_dense(g, v)
            updates.extend(out if isinstance(out, tuple) else (out,))
        updates.extend(self._finish())
        if global_step is not None:
            updates.append(global_step.assign_add(1))
        if graph_for_building() is None and not any(
                isinstance(u, TensorLike) and hasattr(u, "op") for u in updates):
            return None
        return group(*[u for u in updates if not isinstance(u, Variable)], name=name or self._name)

    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        grads_and_vars = self.compute_gradients(loss, var_list, grad_loss=grad_loss)
        if not [g for g, _ in grads_and_vars if g is not None]:
            raise ValueError("No gradients provided for any variable, check your graph for ops "
                             "that do not support gradients, between variables "
                             f"{[v.name for _, v in grads_and_vars]} and loss {loss}.")
        return self.apply_gradients(grads_and_vars, global_step, name)

    def _prepare(self):
        pass

    def _finish(self):
        return []

    def _apply_dense(self, grad, var):
        raise NotImplementedError


def _make_like(var, value, slot_name):
    """A slot variable living where `var` lives (graph or eager)."""
    from ..framework.context import building_graph
    g = var.graph
    with building_graph(g):
        return Variable(value, trainable=False, name=f"{var.name.split(':')[0]}/{slot_name}",
                        collections=None if g is None else ["variables"])


def _hyper(value):
    return value() if callable(value) else value


class GradientDescentOptimizer(Optimizer):
    """TF1 optimizer applying plain gradient descent: `var -= learning_rate * grad`.

    Args:
      learning_rate: A float (or tensor): the step size.
      use_locking: Accepted for TF1 compatibility.
      name: The optimizer's name (default "GradientDescent").

    Example:

    >>> import ndflow.compat.v1 as tf1
    >>> w = ndflow.Variable(1.0)
    >>> _ = tf1.train.GradientDescentOptimizer(0.1).minimize(lambda: w * w, var_list=[w])
    >>> round(float(w.numpy()), 4)
    0.8
    """
    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._lr = learning_rate

    def _apply_dense(self, grad, var):
        return R.sgd(var, grad, _hyper(self._lr))


class MomentumOptimizer(Optimizer):
    """TF1 optimizer with momentum: `accum = momentum * accum + grad; var -= learning_rate * accum`.

    With `use_nesterov`, `var -= learning_rate * (grad + momentum * accum)`.

    Args:
      learning_rate: A float (or tensor): the step size.
      momentum: The momentum factor.
      use_locking: Accepted for TF1 compatibility.
      name: The optimizer's name (default "Momentum").
      use_nesterov: Whether to use Nesterov momentum.
    """
    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum",
                 use_nesterov=False):
        super().__init__(use_locking, name)
        self._lr, self._momentum, self._nesterov = learning_rate, momentum, use_nesterov

    def _apply_dense(self, grad, var):
        return R.momentum(var, grad, self._slot(var, "momentum"), _hyper(self._lr),
                          _hyper(self._momentum), self._nesterov)


class AdamOptimizer(Optimizer):
    """TF1 Adam optimizer.

    `lr_t = learning_rate * sqrt(1 - beta2**t) / (1 - beta1**t)`, then
    `m = beta1 * m + (1 - beta1) * g`, `v = beta2 * v + (1 - beta2) * g**2` and
    `var -= lr_t * m / (sqrt(v) + epsilon)` (TF1's epsilon placement).

    Args:
      learning_rate: The step size (default 0.001).
      beta1: Decay rate of the first moment (default 0.9).
      beta2: Decay rate of the second moment (default 0.999).
      epsilon: Small constant for numerical stability (default 1e-8).
      use_locking: Accepted for TF1 compatibility.
      name: The optimizer's name (default "Adam").
    """
    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="Adam"):
        super().__init__(use_locking, name)
        self._lr, self._beta1, self._beta2, self._eps = learning_rate, beta1, beta2, epsilon
        self._powers = {}

    def _power_vars(self, var):
        from ..framework.context import building_graph
        g = var.graph
        p = self._powers.get(g)
        if p is None:
            with building_graph(g):
                p = (Variable(float(self._beta1), trainable=False, name="beta1_power",
                              dtype=dtypes.float32),
                     Variable(float(self._beta2), trainable=False, name="beta2_power",
                              dtype=dtypes.float32))
            self._powers[g] = p
        return p

    def _prepare(self):
        self._used_powers = []

    def _apply_dense(self, grad, var):
        b1p, b2p = self._power_vars(var)
        if (b1p, b2p) not in self._used_powers:
            self._used_powers.append((b1p, b2p))
        return R.adam(var, grad, self._slot(var, "m"), self._slot(var, "v"), _hyper(self._lr),
                      _hyper(self._beta1), _hyper(self._beta2), _hyper(self._eps),
                      array_ops.cast(b1p, var.dtype) if var.dtype != b1p.dtype else b1p,
                      array_ops.cast(b2p, var.dtype) if var.dtype != b2p.dtype else b2p)

    def _finish(self):
        # TF1 updates the beta powers once per step, after all variables.
        out = []
        for b1p, b2p in self._used_powers:
            out.append(b1p.assign(b1p * _hyper(self._beta1)))
            out.append(b2p.assign(b2p * _hyper(self._beta2)))
        return out


class RMSPropOptimizer(Optimizer):
    """TF1 RMSProp optimizer.

    `ms = decay * ms + (1 - decay) * g**2`, `mom = momentum * mom + learning_rate * g /
    sqrt(ms + epsilon)`, `var -= mom` (with `centered`, `ms` minus the squared mean gradient).
    The mean square starts at 1, as in TF1.

    Args:
      learning_rate: A float (or tensor): the step size.
      decay: Decay rate of the mean square (default 0.9).
      momentum: The momentum factor (default 0).
      epsilon: Small constant for numerical stability (default 1e-10).
      use_locking: Accepted for TF1 compatibility.
      centered: Whether to normalise by the estimated variance.
      name: The optimizer's name (default "RMSProp").
    """
    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False,
                 centered=False, name="RMSProp"):
        super().__init__(use_locking, name)
        self._lr, self._decay, self._momentum = learning_rate, decay, momentum
        self._eps, self._centered = epsilon, centered

    def _apply_dense(self, grad, var):
        rms = self._slot(var, "rms", 1.0)  # TF1's order: rms, mg, momentum (always made)
        mg = self._slot(var, "mg") if self._centered else None
        return R.rmsprop(var, grad, rms, self._slot(var, "momentum"), _hyper(self._lr),
                         _hyper(self._decay), _hyper(self._momentum), _hyper(self._eps), mg)


class AdagradOptimizer(Optimizer):
    """TF1 Adagrad optimizer: `accum += g**2; var -= learning_rate * g / sqrt(accum)`.

    Args:
      learning_rate: A float (or tensor): the step size.
      initial_accumulator_value: The starting value of the accumulators (default 0.1).
      use_locking: Accepted for TF1 compatibility.
      name: The optimizer's name (default "Adagrad").
    """
    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False,
                 name="Adagrad"):
        super().__init__(use_locking, name)
        self._lr, self._init = learning_rate, initial_accumulator_value

    def _apply_dense(self, grad, var):
        return R.adagrad(var, grad, self._slot(var, "accumulator", self._init), _hyper(self._lr))
