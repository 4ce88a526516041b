"""Splitting a `(batch, gates * units)` pre-activation into its gates."""
import ndflow


def split_gates(z, n):
    """The `n` equal column blocks of `z` (the last axis), in order."""
    return ndflow.split(z, n, axis=-1)
