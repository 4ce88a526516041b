"""keras.Variable: Keras 3's variable constructor, giving an ndflow Variable."""
import numpy as np

import ndflow


def Variable(initializer, shape=None, dtype=None, trainable=True, autocast=True,  # noqa: N802
             aggregation="none", synchronization="auto", name=None):
    """A variable from a value, or from an initializer (name or callable) and a shape.

    Args:
      initializer: An array-like value, or an initializer (`"glorot_uniform"`, a
        `keras.initializers` object, any `fn(shape, dtype)`), which then needs `shape`.
      shape: The shape, for an initializer.
      dtype: The dtype (default float32, as Keras's floatx).
      trainable: Whether optimizers update it.
      name: Its name.

    Returns:
      An `ndflow.Variable`.
    """
    dtype = dtype or "float32"
    if callable(initializer) or isinstance(initializer, str):
        if shape is None:
            raise ValueError("keras.Variable: when `initializer` is an initializer, pass "
                             "`shape` too.")
        from . import initializers
        value = initializers.get(initializer)(tuple(shape), dtype=dtype)
    else:
        value = ndflow.cast(initializer, dtype) if ndflow.is_tensor(initializer) else \
            np.asarray(initializer, dtype=ndflow.as_dtype(dtype).as_numpy_dtype)
        if shape is not None and tuple(np.shape(value)) != tuple(shape):
            raise ValueError(f"keras.Variable: the initial value has shape "
                             f"{tuple(np.shape(value))}, not the given shape {tuple(shape)}.")
    return ndflow.Variable(value, trainable=trainable, name=name, dtype=dtype)
