"""Merging layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, and
their function forms (`add([a, b])`, `concatenate([a, b])`...)."""
from ...ops import join_ops, math_ops
from .base import Layer


class _Merge(Layer):
    def _check(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(f"A merge layer ({type(self).__name__}) should be called on a list "
                             f"of at least 2 inputs. Received: inputs={inputs}")
        return list(inputs)

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not input_shape or \
                not isinstance(input_shape[0], (list, tuple)):
            raise ValueError(f"A merge layer ({type(self).__name__}) should be called on a list "
                             f"of inputs. Received: input_shape={input_shape}")
        if type(self) is not Concatenate:
            ranks = {len(s) for s in input_shape}
            last = {s[-1] for s in input_shape if s[-1] is not None}
            if len(ranks) == 1 and len(last) > 1 and 1 not in last:
                raise ValueError("Inputs have incompatible shapes. Received shapes "
                                 f"{' and '.join(str(tuple(s)) for s in input_shape)}")

    def call(self, inputs):
        inputs = self._check(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = self._merge(out, x)
        return self._finish(out, len(inputs))

    def _finish(self, out, n):
        return out


def _merged_mask(self, inputs, mask=None):
    """A merge's output mask (Keras 3): None unless every input has a mask, else a
    timestep is kept where any input keeps it."""
    if mask is None:
        return None
    masks = list(mask) if isinstance(mask, (list, tuple)) else [mask]
    if any(m is None for m in masks):
        return None
    import ndflow
    out = ndflow.cast(masks[0], "bool")
    for m in masks[1:]:
        out = ndflow.logical_or(out, ndflow.cast(m, "bool"))
    return out


_Merge.compute_mask = _merged_mask


class Add(_Merge):
    """Merge layer returning the elementwise sum of a list of inputs.

    The inputs must have the same shape (or shapes that broadcast); masks are combined.

    Args:
      **kwargs: Base `Layer` options (`name`, `dtype`...).

    Example:

    >>> from ndflow import keras
    >>> keras.layers.Add()([ndflow.ones([2]), ndflow.ones([2])]).numpy()
    array([2., 2.], dtype=float32)
    """
    def _merge(self, a, b):
        return a + b


class Subtract(_Merge):
    """Merge layer returning the difference `inputs[0] - inputs[1]` of exactly two inputs.

    The inputs must have the same shape (or shapes that broadcast); masks are combined.

    Args:
      **kwargs: Base `Layer` options (`name`, `dtype`...).
    """
    def call(self, inputs):
        inputs = self._check(inputs)
        if len(inputs) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs. "
                             f"Received: inputs={inputs}")
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    """Merge layer returning the elementwise product of a list of inputs.

    The inputs must have the same shape (or shapes that broadcast); masks are combined.

    Args:
      **kwargs: Base `Layer` options (`name`, `dtype`...).
    """
    def _merge(self, a, b):
        return a * b


class Average(_Merge):
    """Merge layer returning the elementwise mean of a list of inputs.

    The inputs must have the same shape (or shapes that broadcast); masks are combined.

    Args:
      **kwargs: Base `Layer` options (`name`, `dtype`...).
    """
    def _merge(self, a, b):
        return a + b

    def _finish(self, out, n):
        return out / float(n)


class Maximum(_Merge):
    """Merge layer returning the elementwise maximum of a list of inputs.

    The inputs must have the same shape (or shapes that broadcast); masks are combined.

    Args:
      **kwargs: Base `Layer` options (`name`, `dtype`...).
    """
    def _merge(self, a, b):
        return math_ops.maximum(a, b)


class Minimum(_Merge):
    """Merge layer returning the elementwise minimum of a list of inputs.

    The inputs must have the same shape (or shapes that broadcast); masks are combined.

    Args:
      **kwargs: Base `Layer` options (`name`, `dtype`...).
    """
    def _merge(self, a, b):
        return math_ops.minimum(a, b)


class Concatenate(_Merge):
    """Merge layer joining a list of inputs along `axis`.

    All dimensions but `axis` must match.

    Args:
      axis: The axis to concatenate along (default -1).
      **kwargs: Base `Layer` options (`name`, `dtype`...).

    Raises:
      ValueError: If the shapes do not match outside `axis`.
    """
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)

    def build(self, input_shape):
        super().build(input_shape)
        ranks = {len(s) for s in input_shape}
        if len(ranks) != 1:
            raise ValueError("A `Concatenate` layer requires inputs with matching shapes except "
                             f"for the concatenation axis. Received: input_shape={input_shape}")
        rank = ranks.pop()
        axis = self.axis % rank
        for d in range(rank):
            if d == axis:
                continue
            sizes = {s[d] for s in input_shape if s[d] is not None}
            if len(sizes) > 1:
                raise ValueError("A `Concatenate` layer requires inputs with matching shapes "
                                 "except for the concatenation axis. Received: "
                                 f"input_shape={input_shape}")

    def call(self, inputs):
        return join_ops.concat(self._check(inputs), axis=self.axis)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


def add(inputs, **kwargs):
    """Functional form of the `Add` layer: the elementwise sum of `inputs`.

    Args:
      inputs: A list of tensors (or KerasTensors) of the same shape.
      **kwargs: Options of the `Add` layer (`name`...).

    Returns:
      A tensor: `Add(**kwargs)(inputs)`.
    """
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of the `Subtract` layer: `inputs[0] - inputs[1]` of `inputs`.

    Args:
      inputs: A list of tensors (or KerasTensors) of the same shape.
      **kwargs: Options of the `Subtract` layer (`name`...).

    Returns:
      A tensor: `Subtract(**kwargs)(inputs)`.
    """
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of the `Multiply` layer: the elementwise product of `inputs`.

    Args:
      inputs: A list of tensors (or KerasTensors) of the same shape.
      **kwargs: Options of the `Multiply` layer (`name`...).

    Returns:
      A tensor: `Multiply(**kwargs)(inputs)`.
    """
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of the `Average` layer: the elementwise mean of `inputs`.

    Args:
      inputs: A list of tensors (or KerasTensors) of the same shape.
      **kwargs: Options of the `Average` layer (`name`...).

    Returns:
      A tensor: `Average(**kwargs)(inputs)`.
    """
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of the `Maximum` layer: the elementwise maximum of `inputs`.

    Args:
      inputs: A list of tensors (or KerasTensors) of the same shape.
      **kwargs: Options of the `Maximum` layer (`name`...).

    Returns:
      A tensor: `Maximum(**kwargs)(inputs)`.
    """
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of the `Minimum` layer: the elementwise minimum of `inputs`.

    Args:
      inputs: A list of tensors (or KerasTensors) of the same shape.
      **kwargs: Options of the `Minimum` layer (`name`...).

    Returns:
      A tensor: `Minimum(**kwargs)(inputs)`.
    """
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of the `Concatenate` layer: joins `inputs` along `axis`.

    Args:
      inputs: A list of tensors (or KerasTensors).
      axis: The axis to join along (default -1).
      **kwargs: Options of the `Concatenate` layer (`name`...).

    Returns:
      The concatenated tensor.
    """
    return Concatenate(axis=axis, **kwargs)(inputs)


from ._keras2_paths import install as _install  # noqa: E402

_install(globals(), "merge")  # Keras 2 names this module path held, defined elsewhere
