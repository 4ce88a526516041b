"""DropoutRNNCell: the dropout masks of a recurrent cell, drawn once per sequence.

A cell with `dropout` / `recurrent_dropout` applies the same mask at every timestep (Gal and
Ghahramani's variational dropout, as Keras does). The RNN layer draws the masks before its
loop over time (so inside `tf.function` they are made once, outside the loop) and resets
them after the call.
"""
import ndflow
from ..core import dropout as _dropout


class DropoutRNNCell:
    """Mixin for cells with `dropout`, `recurrent_dropout` and `seed` attributes."""

    _nd_dropout_mask = None
    _nd_recurrent_dropout_mask = None

    def get_dropout_mask(self, step_input):
        if self._nd_dropout_mask is None and self.dropout > 0:
            ones = ndflow.ones_like(step_input)
            self._nd_dropout_mask = _dropout(ones, self.dropout, seed=self.seed)
        return self._nd_dropout_mask

    def get_recurrent_dropout_mask(self, step_input):
        if self._nd_recurrent_dropout_mask is None and self.recurrent_dropout > 0:
            ones = ndflow.ones_like(step_input)
            self._nd_recurrent_dropout_mask = _dropout(ones, self.recurrent_dropout,
                                                       seed=self.seed)
        return self._nd_recurrent_dropout_mask

    def reset_dropout_mask(self):
        self._nd_dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._nd_recurrent_dropout_mask = None


def check_rate(name, value):
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"Invalid value received for argument `{name}`. Expected a float "
                         f"value between 0 and 1. Received: {name}={value}")
    return min(1.0, max(0.0, value))


def check_units(units):
    if not isinstance(units, int) and not (hasattr(units, "__index__")
                                           and not isinstance(units, bool)):
        raise ValueError("Received an invalid value for argument `units`, expected a "
                         f"positive integer, got {units}.")
    if int(units) <= 0:
        raise ValueError("Received an invalid value for argument `units`, expected a "
                         f"positive integer, got {units}.")
    return int(units)
