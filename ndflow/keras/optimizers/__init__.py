"""keras.optimizers: Keras 3 optimizers on the update rules shared with compat.v1.train."""
from ...framework.errors import InvalidArgumentError
from . import schedules  # noqa: F401
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .base import Optimizer
from .nadam import Nadam
from .rmsprop import RMSprop
from .sgd import SGD

_CLASSES = {c.__name__: c for c in (SGD, Adam, AdamW, RMSprop, Adagrad, Nadam, Adadelta,
                                     Adamax)}
_ALIASES = {name.lower(): cls for name, cls in _CLASSES.items()}
from ..mixed_precision.loss_scale_optimizer import LossScaleOptimizer  # noqa: E402
_CLASSES["LossScaleOptimizer"] = LossScaleOptimizer


def serialize(optimizer):
    """Describes an optimizer as JSON-compatible data.

    Args:
      optimizer: An `Optimizer`.

    Returns:
      A dict with "module", "class_name" and "config".
    """
    return {"module": "keras.optimizers", "class_name": type(optimizer).__name__,
            "config": optimizer.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    """Creates an optimizer from the output of `serialize`, or from a name.

    Args:
      config: A dict with "class_name" and "config", or a name such as "adam".
      custom_objects: Optional dict mapping names to user-defined optimizers.

    Returns:
      An `Optimizer`.

    Raises:
      InvalidArgumentError: If the class name is unknown.
    """
    if isinstance(config, str):
        return get(config)
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _CLASSES.get(name) or _ALIASES.get(name.lower())
    if cls is None:
        raise InvalidArgumentError(f"Unknown optimizer: {name!r}.")
    return cls.from_config(config.get("config", {}), custom_objects)


def get(identifier):
    """An Optimizer from a name ("adam", "sgd", "rmsprop"...), a config dict or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _ALIASES.get(identifier.lower())
        if cls is None:
            raise InvalidArgumentError(f"Could not interpret optimizer identifier: "
                                       f"{identifier!r}. Expected one of {sorted(_ALIASES)}.")
        return cls()
    raise InvalidArgumentError(f"Could not interpret optimizer identifier: {identifier!r}")


__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Nadam", "Adadelta",
           "Adamax", "LossScaleOptimizer", "schedules", "get", "serialize", "deserialize"]
