"""keras.ops: Keras 3's backend-independent ops (NumPy's names and arguments) on ndflow.

    from keras import ops
    x = ops.reshape(ops.arange(6), (2, 3))
    ops.mean(x, axis=-1)        # float32, as Keras gives for integer inputs

Each op runs eagerly on arrays and tensors and builds graph ops on symbolic ones (Keras
functional-model inputs, tf.function arguments), so custom layers written with `keras.ops`
work in every mode. Dtypes follow Keras: float32 by default, integer inputs to means,
divisions and transcendental functions give float32, `arange`/`argmax` give int32.

The ops are grouped as in Keras: `keras.ops.numpy` (also the top level), `keras.ops.nn`,
`keras.ops.core`, `keras.ops.image`, `keras.ops.linalg`, `keras.ops.math`.
"""
from .core import *  # noqa: F401,F403
from .nn import *  # noqa: F401,F403
from .numpy import *  # noqa: F401,F403
from .math import *  # noqa: F401,F403
from .linalg import norm  # noqa: F401
from . import core, image, linalg, math, nn, numpy  # noqa: F401
