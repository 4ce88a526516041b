"""The Keras 3 optimizer base: learning rate (Variable or schedule), iterations, slot
variables, gradient clipping and decoupled weight decay.

Subclasses declare their slot variables in `_slot_groups` and implement
`_update(grad, var, slots, lr, step)` (slots: name -> Variable) with a rule from
`ndflow.ops.update_rules`; `_prepare_step` computes per-step values (powers of beta...)
once for all variables, so per-variable Python work stays small.
"""
import warnings

import numpy as np

from ...framework import dtypes
from ...framework.context import state as _context
from ...framework.graph import FuncGraph, graph_for_building
from ...framework.ordering import control_dependencies
from ...framework.errors import InvalidArgumentError
from ...framework.variables import Variable
from ...ops import array_ops as A
from ...ops import clip_ops
from ...ops import math_ops as M
from ...ops import update_rules as R
from . import schedules as S


class _ScalarVariable(Variable):
    """A Variable that converts to a Python number (float(opt.learning_rate))."""

    def __float__(self):
        return float(self.numpy())

    def __int__(self):
        return int(self.numpy())


class Optimizer:
    """Base class of Keras optimizers.

    An optimizer keeps its state (the step count `iterations` and per-variable slots such as
    momenta) in variables created on the first `apply`, and updates variables from gradients with
    `apply(grads, variables)`, `apply_gradients(zip(grads, variables))` or `minimize(loss,
    var_list, tape)`. Update rules are shared with the TF1 `train.*Optimizer` classes.

    Args:
      learning_rate: A float, or a `LearningRateSchedule` called with the step.
      weight_decay: Optional decoupled weight decay: each step subtracts
        `learning_rate * weight_decay * variable`.
      clipnorm: Optional: clip each gradient to this L2 norm.
      clipvalue: Optional: clip each gradient elementwise to `[-clipvalue, clipvalue]`.
      global_clipnorm: Optional: clip all gradients together to this global norm.
      use_ema: Not supported (must be False).
      ema_momentum: Accepted for compatibility.
      ema_overwrite_frequency: Accepted for compatibility.
      loss_scale_factor: Not supported (must be None).
      gradient_accumulation_steps: Not supported (must be None).
      name: The optimizer's name.
      **kwargs: Keras 2's `lr` (deprecated alias of `learning_rate`) and `decay` (applied as
        `lr / (1 + decay * iterations)`).

    Raises:
      InvalidArgumentError: If more than one clipping option is set, or one is negative.
      NotImplementedError: For `use_ema`, `loss_scale_factor` or
        `gradient_accumulation_steps`.
      TypeError: For unknown keyword arguments.
    """
    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if "lr" in kwargs:
            warnings.warn("The `lr` argument is deprecated, use `learning_rate` instead.",
                          DeprecationWarning, stacklevel=3)
            learning_rate = kwargs.pop("lr")
        self.decay = kwargs.pop("decay", 0.0) or 0.0
        if self.decay:
            warnings.warn("The `decay` argument is Keras 2's; it is applied as "
                          "lr / (1 + decay * iterations). Prefer "
                          "keras.optimizers.schedules.InverseTimeDecay.",
                          DeprecationWarning, stacklevel=3)
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected keyword arguments "
                            f"{sorted(kwargs)}.")
        if use_ema or gradient_accumulation_steps or loss_scale_factor:
            raise NotImplementedError("use_ema, gradient_accumulation_steps and "
                                      "loss_scale_factor are not supported yet.")
        if sum(x is not None for x in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise InvalidArgumentError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}")
        for arg, value in (("clipnorm", clipnorm), ("clipvalue", clipvalue),
                           ("global_clipnorm", global_clipnorm),
                           ("weight_decay", weight_decay)):
            if value is not None and (not isinstance(value, (int, float)) or value < 0):
                raise InvalidArgumentError(f"Argument `{arg}` must be a non-negative float. "
                                           f"Received: {arg}={value!r}")
        self.name = name or _snake(type(self).__name__)
        self.weight_decay, self.clipnorm, self.clipvalue = weight_decay, clipnorm, clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema, self.ema_momentum = False, ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor, self.gradient_accumulation_steps = None, None
        self._exclude_from_weight_decay = set()
        self.iterations = _ScalarVariable(np.int64(0), trainable=False, dtype=dtypes.int64,
                                          name=f"{self.name}/iteration")
        self._learning_rate = self._make_learning_rate(learning_rate)
        self._slots = {}        # variable -> {slot name: slot Variable}
        self._tracked = []      # variables in build order
        self._fused_states = {}  # ids of variables updated by one fused op -> FlatState
        self.built = False

    # --- learning rate ----------------------------------------------------------------------
    def _make_learning_rate(self, value):
        if isinstance(value, S.LearningRateSchedule):
            return value
        if callable(value) and not isinstance(value, Variable):
            return value  # a zero-argument callable, read at each step (Keras 2)
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise InvalidArgumentError(f"Argument `learning_rate` should be a float, a "
                                       f"LearningRateSchedule or a callable. Received: "
                                       f"learning_rate={value!r}") from None
        return _ScalarVariable(np.float32(value), trainable=False, dtype=dtypes.float32,
                               name=f"{self.name}/learning_rate")

    def _current_learning_rate(self):
        lr = self._learning_rate
        if isinstance(lr, S.LearningRateSchedule):
            lr = lr(self.iterations)
        elif not isinstance(lr, Variable):
            lr = A.convert_to_tensor(lr(), dtype=dtypes.float32)
        if self.decay:
            lr = lr / (1.0 + self.decay * A.cast(self.iterations, dtypes.float32))
        return lr

    @property
    def learning_rate(self):
        if isinstance(self._learning_rate, Variable) and not self.decay:
            return self._learning_rate
        return self._current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, S.LearningRateSchedule) or not isinstance(
                self._learning_rate, Variable):
            if not isinstance(value, S.LearningRateSchedule) and \
                    isinstance(self._learning_rate, S.LearningRateSchedule):
                raise TypeError("This optimizer was created with a `LearningRateSchedule` "
                                "object as its `learning_rate` constructor argument, hence its "
                                "learning rate is not settable.")
            self._learning_rate = self._make_learning_rate(value)
            return
        self._learning_rate.assign(float(value) if not hasattr(value, "dtype") else value)

    lr = learning_rate  # Keras 2 spelling

    # --- variables --------------------------------------------------------------------------
    def _slot_groups(self):
        """Slot variables each model variable gets: groups of (name, initial value). Keras 3
        creates each group for all variables in turn, interleaving the names within a group;
        `variables` follows that order so saved optimizer states line up with Keras's."""
        return []

    @property
    def variables(self):
        out = [self.iterations]
        if isinstance(self._learning_rate, Variable):
            out.append(self._learning_rate)
        for group in self._slot_groups():
            for var in self._tracked:
                out.extend(self._slots[var][name] for name, _ in group)
        out.extend(self._extra_variables())
        return out

    def _extra_variables(self):
        return []

    def build(self, var_list):
        """Creates the slot variables for any variable in `var_list` not seen yet."""
        groups = self._slot_groups()
        for var in var_list:
            if var in self._slots:
                continue
            base = var.name.split(":")[0].replace("/", "_")
            slots = {}
            for group in groups:
                for slot_name, initial in group:
                    value = np.full(var.shape.as_list(), initial, dtype=var.dtype._np)
                    slots[slot_name] = Variable(value, trainable=False, dtype=var.dtype,
                                                name=f"{self.name}/{base}_{slot_name}")
            self._slots[var] = slots
            self._tracked.append(var)
        self.built = True

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        value = np.zeros(reference_variable.shape.as_list(), reference_variable.dtype._np)
        if initializer not in ("zeros", None):
            from .. import initializers
            value = initializers.get(initializer)(reference_variable.shape.as_list(),
                                                  reference_variable.dtype)
        return Variable(value, trainable=False, name=f"{self.name}/{name}")

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        self._exclude_from_weight_decay.update(var_names or [])
        self._exclude_from_weight_decay.update(v.name for v in (var_list or []))

    def _decays(self, var):
        return not any(key in var.name for key in self._exclude_from_weight_decay)

    # --- applying gradients -----------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        grads_and_vars = list(grads_and_vars)
        return self.apply([g for g, _ in grads_and_vars], [v for _, v in grads_and_vars])

    def apply(self, grads, trainable_variables=None):
        if trainable_variables is None:
            if not self.built:
                raise InvalidArgumentError("When passing `grads` without `trainable_variables`, "
                                           "the optimizer must already be built.")
            trainable_variables = self._tracked
        pairs = [(g, v) for g, v in zip(grads, trainable_variables) if g is not None]
        if not pairs:
            if not list(trainable_variables):
                return self.iterations
            raise InvalidArgumentError(
                f"No gradients provided for any variable: "
                f"{[v.name for v in trainable_variables]}.")
        tf1_graph = graph_for_building()
        if isinstance(tf1_graph, FuncGraph):
            tf1_graph = None  # tf.function runs side effects in program order by itself
        first_op = len(tf1_graph.get_operations()) if tf1_graph is not None else 0
        grads = [A.convert_to_tensor(g) for g, _ in pairs]
        variables = [v for _, v in pairs]
        if _context.strategy is not None:  # in tf.distribute's strategy.run: sum the replicas'
            grads = _context.strategy.extended._nd_replica_gradients(grads)
        self.build(variables)
        grads = self._clip(grads)
        lr = self._current_learning_rate()
        decays = [self._decays(var) for var in variables] if self.weight_decay else None
        step = self._prepare_step()
        if not self._update_all(grads, variables, lr, step, decays):
            for var, decayed in zip(variables, decays or ()):
                if decayed:
                    R.decoupled_weight_decay(var, _cast(lr, var.dtype), self.weight_decay)
            for grad, var in zip(grads, variables):
                if grad.dtype != var.dtype:
                    grad = A.cast(grad, var.dtype)
                self._update(grad, var, self._slots[var], _cast(lr, var.dtype), step)
        for var in variables:
            if getattr(var, "constraint", None) is not None:
                var.assign(var.constraint(var))
        if tf1_graph is not None:  # a TF1 Session runs only what it fetches: as Keras 2 did,
            # the returned step runs every update made above (then counts the iteration)
            updates = [op for op in tf1_graph.get_operations()[first_op:]
                       if op.op_def.stateful]
            with control_dependencies(updates):
                return self.iterations.assign_add(1)
        return self.iterations.assign_add(1)

    def minimize(self, loss, var_list, tape=None):
        """Keras 2 / TF2 convenience: gradients of `loss` (a callable or, with `tape`, a
        tensor) with respect to `var_list`, then apply them."""
        from ...framework.autodiff import GradientTape
        if callable(var_list):
            var_list = var_list()
        if tape is None:
            with GradientTape() as tape:
                value = loss()
        else:
            value = loss() if callable(loss) else loss
        grads = tape.gradient(value, list(var_list))
        return self.apply_gradients(zip(grads, var_list))

    def _prepare_step(self):
        """Values shared by every variable's update in this step."""
        return None

    def _update(self, grad, var, slots, lr, step):
        raise NotImplementedError

    def _update_all(self, grads, variables, lr, step, decays=None):
        """Optimizers with a fused rule update every variable at once here and return True;
        the default updates them one by one through `_update`. `decays`: None, or for each
        variable whether the decoupled weight decay applies to it first (a fused rule that
        returns True applies it itself)."""
        return False

    def _flat_state(self, grads, variables, slot_names):
        """The flat buffers (`ndflow.ops.optimizer_ops.FlatState`) of one fused update of
        `variables` and their slots `slot_names`, or None where no fused op may update them:
        only plain float32 eager variables, each gradient of its variable's static shape (a
        gradient that broadcasts to its variable takes the per-variable rule)."""
        if not variables or any(
                v.graph is not None or v.dtype != dtypes.float32 or g.dtype != dtypes.float32
                or not _same_shape(g, v) for g, v in zip(grads, variables)):
            return None
        key = tuple(id(v) for v in variables)
        state = self._fused_states.get(key)
        if state is None:
            from ...ops.optimizer_ops import FlatState
            state = self._fused_states[key] = FlatState(
                variables, [[self._slots[v][name] for v in variables] for name in slot_names])
        return state

    def _clip(self, grads):
        if self.clipnorm:
            return [_clip_by_norm(g, float(self.clipnorm)) for g in grads]
        if self.global_clipnorm:
            return _clip_by_global_norm(grads, float(self.global_clipnorm))
        if self.clipvalue is not None:
            v = float(self.clipvalue)
            return [clip_ops.clip_by_value(g, -v, v) for g in grads]
        return grads

    # --- config -----------------------------------------------------------------------------
    def get_config(self):
        lr = self._learning_rate
        if isinstance(lr, S.LearningRateSchedule):
            lr = S.serialize(lr)
        elif isinstance(lr, Variable):
            lr = float(lr.numpy())
        config = {"name": self.name, "learning_rate": lr, "weight_decay": self.weight_decay,
                  "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm,
                  "clipvalue": self.clipvalue, "use_ema": False,
                  "ema_momentum": self.ema_momentum,
                  "ema_overwrite_frequency": self.ema_overwrite_frequency,
                  "loss_scale_factor": None, "gradient_accumulation_steps": None}
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        lr = config.get("learning_rate")
        if isinstance(lr, dict):
            config["learning_rate"] = S.deserialize(lr, custom_objects)
        config.pop("is_legacy_optimizer", None)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _cast(lr, dtype):
    return lr if lr.dtype == dtype else A.cast(lr, dtype)


def _same_shape(grad, var):
    """Whether the gradient's static shape is known and is the variable's."""
    if grad.shape.rank is None:
        return False
    shape = grad.shape.as_list()
    return None not in shape and shape == var.shape.as_list()


def _snake(name):
    from ..losses import _snake as snake
    return snake(name)


def _clip_by_norm(grad, clip_norm):
    """g * clip_norm / max(||g||, clip_norm): unchanged when the norm is within bounds."""
    norm = M.sqrt(M.reduce_sum(M.square(grad)))
    return grad * clip_norm / M.maximum(norm, clip_norm)


def _clip_by_global_norm(grads, clip_norm):
    total = M.sqrt(M.add_n([M.reduce_sum(M.square(g)) for g in grads]))
    scale = clip_norm / M.maximum(total, clip_norm)
    return [g * A.cast(scale, g.dtype) if g.dtype != scale.dtype else g * scale for g in grads]
