"""Keras masks carried beside tensors (Keras 3's `tensor._keras_mask`).

ndflow tensors have fixed slots, so a mask is kept in a side table keyed by the tensor's
identity; the entry goes away with the tensor. `Layer.__call__` reads the masks of its
inputs (passing them as `mask=` to a `call` that takes one) and attaches the result of
`compute_mask` to its outputs, so masks flow through Sequential, Functional and
subclassed models alike; losses and metrics read the mask of `y_pred`.
"""
import weakref

from ...util import nest

_MASKS = {}  # id(tensor) -> (weakref to tensor, mask)


def _forget(key):
    def callback(_):
        _MASKS.pop(key, None)
    return callback


def get_keras_mask(x):
    """The mask attached to tensor `x`, or None."""
    entry = _MASKS.get(id(x))
    if entry is None:
        return None
    ref, mask = entry
    if ref() is not x:
        return None
    return mask


def set_keras_mask(x, mask):
    """Attaches `mask` to tensor `x` (None removes it)."""
    key = id(x)
    if mask is None:
        _MASKS.pop(key, None)
        return
    try:
        ref = weakref.ref(x, _forget(key))
    except TypeError:  # Python values, NumPy arrays: not tensors, no mask
        return
    _MASKS[key] = (ref, mask)


def masks_of(structure):
    """The masks of a structure of tensors: a single mask, a list, or None if there are none."""
    flat = nest.flatten(structure)
    masks = [get_keras_mask(t) for t in flat]
    if all(m is None for m in masks):
        return None
    if len(flat) == 1 and not isinstance(structure, (list, tuple, dict)):
        return masks[0]
    return nest.pack_sequence_as(structure, masks)


def attach_masks(outputs, masks):
    """Attaches `masks` (one mask for every output, or a matching structure) to `outputs`."""
    flat = nest.flatten(outputs)
    if masks is None:
        return
    if isinstance(masks, (list, tuple)) and len(masks) == len(flat):
        flat_masks = list(masks)
    elif isinstance(masks, (list, tuple, dict)):
        flat_masks = nest.flatten(masks)
        if len(flat_masks) != len(flat):
            flat_masks = [flat_masks[0]] * len(flat)
    else:
        flat_masks = [masks] * len(flat)
    for t, m in zip(flat, flat_masks):
        set_keras_mask(t, m)
