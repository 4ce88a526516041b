"""tf.autograph: converts Python control flow on tensors (if/while/for, break, continue,
return, print) in tf.function bodies into If/While ops.

Modules: `transformer` (the AST passes), `operators` (the `ag__` runtime the converted code
calls), `conversion` (source, compilation, closures, cache)."""
import functools

from .conversion import convert, convert_called, source_of
from .operators import Undefined  # noqa: F401
from .transformer import ConversionError  # noqa: F401
from ..framework import function as _function

_function.AUTOGRAPH_CONVERTER[0] = convert
_function.AUTOGRAPH_CALL_CONVERTER[0] = convert_called


def to_code(entity, recursive=True, experimental_optional_features=None):
    """The converted source of `entity`, as a string."""
    return source_of(entity)


def to_graph(entity, recursive=True, experimental_optional_features=None):
    """The converted Python function (call it inside a graph to build If/While ops)."""
    if hasattr(entity, "python_function"):
        entity = entity.python_function
    return convert(entity)


def _do_not_convert(func=None):
    """Decorator keeping AutoGraph from converting a function (its Python control flow stays
    Python).

    Args:
      func: The function (or None, to use as `@do_not_convert()`).

    Returns:
      The function, marked (or a marked wrapper when it cannot take attributes).
    """
    if func is None:
        return _do_not_convert
    try:
        func.__ag_do_not_convert__ = True
        return func
    except (AttributeError, TypeError):
        @functools.wraps(func)
        def wrapper(*a, **k):
            return func(*a, **k)
        wrapper.__ag_do_not_convert__ = True
        return wrapper


class experimental:
    """tf.autograph.experimental: `do_not_convert` and `set_loop_options` (accepted, no effect)."""
    do_not_convert = staticmethod(_do_not_convert)

    @staticmethod
    def set_loop_options(parallel_iterations=None, swap_memory=None, maximum_iterations=None,
                         shape_invariants=None):
        """Accepted for compatibility; ndflow loops take no options from here."""


do_not_convert = _do_not_convert
