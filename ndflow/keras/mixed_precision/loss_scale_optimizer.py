"""LossScaleOptimizer: dynamic loss scaling for float16 training (Keras 3's rules).

`model.fit` multiplies the loss by `scale_loss` before differentiating, so small float16
gradients do not flush to zero; `apply` then checks the gradients: all finite, they are
divided by the scale and handed to the wrapped optimizer, and after `dynamic_growth_steps`
such steps in a row the scale doubles; any inf or NaN, the step is skipped (no variable,
slot or `iterations` changes) and the scale halves. Inside a compiled train step the
choice is a `cond`, so the same function serves both cases.
"""
import numpy as np

from ...framework import dtypes
from ...framework.errors import InvalidArgumentError
from ...ops import array_ops as A
from ...ops import functional_ops, join_ops
from ...ops import math_ops as M
from ..optimizers.base import Optimizer, _ScalarVariable

_INNER_ONLY = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None,
               "clipvalue": None, "use_ema": False, "ema_momentum": 0.99,
               "ema_overwrite_frequency": None, "loss_scale_factor": None,
               "gradient_accumulation_steps": None}


class LossScaleOptimizer(Optimizer):
    """An optimizer that scales the loss dynamically so float16 gradients do not underflow.

    Args:
      inner_optimizer: The `keras.optimizers.Optimizer` that applies the unscaled gradients.
      initial_scale: The first loss scale (default 2**15).
      dynamic_growth_steps: After this many consecutive steps with finite gradients the
        scale doubles (default 2000).
      name: The optimizer's name.
      **kwargs: Keras 3 accepts the base optimizer arguments only at their defaults (set
        them on `inner_optimizer`); `dynamic=False` is refused as in Keras 3.

    Raises:
      ValueError: For `dynamic=False`, a non-default base argument or an unknown one.
      TypeError: If `inner_optimizer` is not an Optimizer.

    Example:

    >>> from ndflow import keras
    >>> opt = keras.mixed_precision.LossScaleOptimizer(keras.optimizers.SGD(0.1))
    >>> float(opt.scale_loss(ndflow.constant(1.0)))
    32768.0
    """

    def __init__(self, inner_optimizer, initial_scale=2.0 ** 15, dynamic_growth_steps=2000,
                 name=None, **kwargs):
        if not kwargs.pop("dynamic", True):
            raise ValueError("LossScaleOptimizer no longer supports `dynamic=False`. Instead, "
                             "simply set `loss_scale_factor` directly on the "
                             "`inner_optimizer`.")
        for arg, default in _INNER_ONLY.items():
            if arg in kwargs and kwargs.pop(arg) != default:
                raise ValueError(f"LossScaleOptimizer does not support `{arg}`. Instead, set "
                                 f"`{arg}` on the `inner_optimizer`.")
        if kwargs:
            raise ValueError("LossScaleOptimizer does not support arguments: "
                             f"`{'`, `'.join(kwargs)}`.")
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError("LossScaleOptimizer: `inner_optimizer` must be a keras Optimizer. "
                            f"Received: inner_optimizer={inner_optimizer!r}")
        if int(dynamic_growth_steps) < 1:
            raise ValueError("LossScaleOptimizer: `dynamic_growth_steps` must be >= 1. "
                             f"Received: dynamic_growth_steps={dynamic_growth_steps!r}")
        super().__init__(learning_rate=0.0, name=name or "loss_scale_optimizer")
        self.inner_optimizer = inner_optimizer
        self.initial_scale = float(initial_scale)
        self.dynamic_growth_steps = int(dynamic_growth_steps)
        self.step_counter = None
        self.dynamic_scale = None

    # the wrapped optimizer's state is the optimizer's state
    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @iterations.setter
    def iterations(self, value):  # the base class's own counter: kept, as Keras 3 keeps it
        self.__dict__["_nd_own_iterations"] = value

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if "inner_optimizer" in self.__dict__:
            self.inner_optimizer.learning_rate = value

    lr = learning_rate

    @property
    def variables(self):
        """Keras 3's order: this optimizer's own iteration and learning-rate variables (never
        used), step_counter and dynamic_scale once built, then the inner optimizer's."""
        own = [self._nd_own_iterations, self._learning_rate]
        if self.step_counter is not None:
            own += [self.step_counter, self.dynamic_scale]
        return own + self.inner_optimizer.variables

    def build(self, var_list):
        if self.step_counter is None:
            self.step_counter = _ScalarVariable(np.int64(0), trainable=False,
                                                dtype=dtypes.int64,
                                                name=f"{self.name}/step_counter")
            self.dynamic_scale = _ScalarVariable(np.float32(self.initial_scale),
                                                 trainable=False, dtype=dtypes.float32,
                                                 name=f"{self.name}/dynamic_scale")
        self.inner_optimizer.build(var_list)
        self.built = True

    def scale_loss(self, loss):
        """`loss` times the current loss scale (`initial_scale` before the first step)."""
        scale = self.dynamic_scale if self.dynamic_scale is not None else self.initial_scale
        loss = A.convert_to_tensor(loss)
        if isinstance(scale, float):
            return loss * scale
        return loss * (scale if loss.dtype == dtypes.float32 else A.cast(scale, loss.dtype))

    def check_finite(self, grads):
        """A boolean scalar tensor: True when every gradient is free of inf and NaN."""
        flags = [M.reduce_all(M.is_finite(A.convert_to_tensor(g))) for g in grads
                 if g is not None]
        if not flags:
            return A.constant(True)
        return M.reduce_all(join_ops.stack(flags)) if len(flags) > 1 else flags[0]

    def apply(self, grads, trainable_variables=None):
        grads = list(grads)
        if trainable_variables is None:
            if not self.built:
                raise InvalidArgumentError("When passing `grads` without "
                                           "`trainable_variables`, the optimizer must already "
                                           "be built.")
            trainable_variables = self.inner_optimizer._tracked
        trainable_variables = list(trainable_variables)
        self.build([v for g, v in zip(grads, trainable_variables) if g is not None])
        finite = self.check_finite(grads)
        functional_ops.cond(finite, lambda: self._finite_step(grads, trainable_variables),
                            self._skip_step)
        return self.iterations

    def _finite_step(self, grads, variables):
        unscaled = [None if g is None else _divide(A.convert_to_tensor(g), self.dynamic_scale)
                    for g in grads]
        self.inner_optimizer.apply(unscaled, variables)
        grow = M.equal(self.step_counter, self.dynamic_growth_steps - 1)
        counter = A.where(grow, A.constant(0, dtypes.int64), self.step_counter + 1)
        factor = A.where(grow, A.constant(2.0), A.constant(1.0))
        self.step_counter.assign(counter)
        self.dynamic_scale.assign(self.dynamic_scale * factor)
        return A.constant(True)

    def _skip_step(self):
        self.step_counter.assign(A.constant(0, dtypes.int64))
        self.dynamic_scale.assign(self.dynamic_scale * 0.5)
        return A.constant(False)

    def apply_gradients(self, grads_and_vars):
        grads_and_vars = list(grads_and_vars)
        return self.apply([g for g, _ in grads_and_vars], [v for _, v in grads_and_vars])

    def get_config(self):
        from ..saving.serialization_lib import serialize_keras_object
        return {"name": self.name,
                "inner_optimizer": serialize_keras_object(self.inner_optimizer),
                "initial_scale": self.initial_scale,
                "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..saving.serialization_lib import deserialize_keras_object
        config = dict(config)
        inner = deserialize_keras_object(config.pop("inner_optimizer"),
                                         custom_objects=custom_objects)
        return cls(inner, **config)


def _divide(grad, scale):
    return grad / (scale if grad.dtype == dtypes.float32 else A.cast(scale, grad.dtype))
