"""tf.experimental.Optional: a value that may be absent (Iterator.get_next_as_optional)."""
from ..framework.errors import InvalidArgumentError
from ..framework.tensor import EagerTensor

import numpy as np


class Optional:
    """A value that may be absent: what `iterator.get_next_as_optional()` returns.

    Use `has_value()` to test and `get_value()` to read; `Optional.from_value(v)` and
    `Optional.empty(spec)` create one.

    Args:
      value: The value (ignored when absent).
      spec: The value's `TypeSpec` structure.
      has: Whether a value is present.
    """
    def __init__(self, value, spec, has):
        self._value, self._spec, self._has = value, spec, has

    @staticmethod
    def from_value(value):
        return Optional(value, None, True)

    @staticmethod
    def empty(element_spec):
        return Optional(None, element_spec, False)

    def has_value(self, name=None):
        return EagerTensor(np.asarray(self._has))

    def get_value(self, name=None):
        if not self._has:
            raise InvalidArgumentError("The Optional has no value.")
        return self._value

    @property
    def element_spec(self):
        return self._spec
