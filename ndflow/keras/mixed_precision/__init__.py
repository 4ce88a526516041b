"""keras.mixed_precision: dtype policies (float16/bfloat16 compute, float32 variables) and
dynamic loss scaling, with Keras 3's names and Keras 2's (`Policy`, `set_global_policy`).

    keras.mixed_precision.set_global_policy("mixed_float16")
    model = keras.Sequential([..., keras.layers.Dense(10),
                              keras.layers.Activation("softmax", dtype="float32")])
    model.compile(...)   # the optimizer is wrapped in a LossScaleOptimizer, as in Keras 3
"""
from .. import optimizers as _optimizers  # noqa: F401  (it imports loss_scale_optimizer)
from .loss_scale_optimizer import LossScaleOptimizer
from .policy import (DTypePolicy, FloatDTypePolicy, Policy, dtype_policy, get,
                     global_policy, set_dtype_policy, set_global_policy)

__all__ = ["DTypePolicy", "FloatDTypePolicy", "Policy", "LossScaleOptimizer", "dtype_policy",
           "global_policy", "set_dtype_policy", "set_global_policy", "get"]
