"""keras.config: global Keras settings (Keras 3's spelling of the backend setters)."""
from .backend import (backend, epsilon, floatx, image_data_format, set_epsilon,  # noqa: F401
                      set_floatx, set_image_data_format)


def dtype_policy():
    """The global dtype policy (`keras.mixed_precision.global_policy()`)."""
    from .mixed_precision import global_policy
    return global_policy()


def set_dtype_policy(policy):
    """Sets the global dtype policy, e.g. "mixed_float16"."""
    from .mixed_precision import set_global_policy
    set_global_policy(policy)


def is_interactive_logging_enabled():
    return True


def disable_traceback_filtering():
    """Accepted for Keras compatibility: ndflow does not filter tracebacks."""


def enable_traceback_filtering():
    """Accepted for Keras compatibility: ndflow does not filter tracebacks."""
