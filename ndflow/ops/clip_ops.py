"""Clipping: by value, by norm, and a list of tensors by their global norm."""
from ..framework.tensor import TensorLike
from . import math_ops as M
from .array_ops import cast, convert_to_tensor, ones_like, where


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clips every element of `t` into `[clip_value_min, clip_value_max]`.

    Args:
      t: A numeric `Tensor` (or `IndexedSlices`).
      clip_value_min: The lower bound: a scalar or a tensor broadcastable to `t`.
      clip_value_max: The upper bound, likewise.
      name: A name for the operation (optional).

    Returns:
      A clipped `Tensor` of `t`'s shape and dtype.

    Raises:
      InvalidArgumentError: If the bounds do not broadcast to `t`'s shape.

    Gradient: `dy` where the value was inside the bounds, 0 where it was clipped.

    Example:

    >>> ndflow.clip_by_value([-2.0, 0.5, 3.0], -1.0, 1.0).numpy()
    array([-1. ,  0.5,  1. ], dtype=float32)
    """
    return M.minimum(M.maximum(t, clip_value_min), clip_value_max, name=name)


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """Rescales `t` so that its L2 norm is at most `clip_norm`.

    Computes `t * clip_norm / max(norm(t), clip_norm)`: unchanged when the norm is small
    enough. With `axes`, each slice along them is clipped separately.

    Args:
      t: A floating-point `Tensor` (or `IndexedSlices`).
      clip_norm: A positive scalar: the largest norm allowed.
      axes: Optional list of axes the norm is taken over (default: all).
      name: A name for the operation (optional).

    Returns:
      A clipped `Tensor` of `t`'s shape.

    Example:

    >>> ndflow.clip_by_norm([3.0, 4.0], 1.0).numpy()
    array([0.6, 0.8], dtype=float32)
    """
    t = convert_to_tensor(t)
    square_sum = M.reduce_sum(M.square(t), axis=axes, keepdims=True)
    positive = M.greater(square_sum, 0)
    # sqrt has an infinite gradient at 0: take it of a safe value and select afterwards
    safe = where(positive, square_sum, ones_like(square_sum))
    l2norm = where(positive, M.sqrt(safe), square_sum)
    clip_norm = cast(clip_norm, t.dtype) if isinstance(clip_norm, TensorLike) else clip_norm
    return M.truediv(t * clip_norm, M.maximum(l2norm, clip_norm), name=name)


def global_norm(t_list, name=None):
    """sqrt(sum of squares of every element of every tensor in t_list); None entries skipped."""
    tensors = [convert_to_tensor(t) for t in t_list if t is not None]
    if not tensors:
        raise ValueError("global_norm: t_list must contain at least one tensor.")
    sums = [M.reduce_sum(M.square(t)) for t in tensors]
    return M.sqrt(M.add_n(sums) if len(sums) > 1 else sums[0], name=name)


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Rescales a list of tensors so that their joint L2 norm is at most `clip_norm`.

    Every tensor is multiplied by `clip_norm / max(global_norm, clip_norm)`, where
    `global_norm = sqrt(sum(norm(t)**2 for t in t_list))`: the usual gradient clipping, which
    keeps the gradients' direction.

    Args:
      t_list: A list of tensors (None entries are kept as None).
      clip_norm: A positive scalar: the largest global norm allowed.
      use_norm: Optional precomputed global norm.
      name: A name for the operation (optional).

    Returns:
      A pair `(clipped_list, global_norm)`.
    """
    if isinstance(t_list, TensorLike) or not isinstance(t_list, (list, tuple)):
        raise TypeError("clip_by_global_norm: t_list should be a sequence of tensors.")
    norm_ = global_norm(t_list) if use_norm is None else use_norm
    first = next(t for t in t_list if t is not None)
    dtype = convert_to_tensor(first).dtype
    clip = cast(clip_norm, dtype) if isinstance(clip_norm, TensorLike) else clip_norm
    scale = clip * M.minimum(1.0 / norm_, 1.0 / clip)
    clipped = [None if t is None else M.multiply(t, scale) for t in t_list]
    return clipped, norm_


from ..util.export import export_many  # noqa: E402

export_many("", {"clip_by_value": clip_by_value, "clip_by_norm": clip_by_norm,
                 "clip_by_global_norm": clip_by_global_norm})
export_many("linalg", {"global_norm": global_norm})
export_many("v1", {"global_norm": global_norm})
