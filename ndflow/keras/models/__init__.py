"""keras.models: Model, Sequential, clone_model (and load_model/save_model from saving)."""
import json

from .functional import Functional
from .model import Model
from .sequential import Sequential


def clone_model(model, input_tensors=None, clone_function=None, **kwargs):
    """A new model with the same architecture and freshly initialized weights."""
    from .serialization import deserialize_layer, serialize_layer
    if not isinstance(model, (Sequential, Functional)):
        raise ValueError("clone_model() expects a Sequential or Functional model; a subclassed "
                         f"model cannot be cloned from its config. Received: {model!r}")
    custom = {type(layer).__name__: type(layer) for layer in model._flatten_layers()}
    if clone_function is not None and isinstance(model, Sequential):
        clone = Sequential(name=model.name)
        if model._input_layer is not None:
            from ..layers.input_layer import InputLayer
            clone.add(InputLayer(batch_shape=model._input_layer.batch_shape))
        for layer in model.layers:
            clone.add(clone_function(layer))
        return clone
    return deserialize_layer(serialize_layer(model), custom_objects=custom)


def model_from_json(json_string, custom_objects=None):
    """Rebuilds a model (architecture only, freshly initialised weights) from `model.to_json()`.

    Args:
      json_string: The JSON string.
      custom_objects: Optional dict mapping names to user-defined classes or functions.

    Returns:
      A `Model`.
    """
    from .serialization import deserialize_layer
    return deserialize_layer(json.loads(json_string), custom_objects)


def model_from_config(config, custom_objects=None):
    """Rebuilds a model from the dict `{"class_name": ..., "config": ...}` of its config.

    Args:
      config: The model's config dict.
      custom_objects: Optional dict mapping names to user-defined classes or functions.

    Returns:
      A `Model` with freshly initialised weights.
    """
    from .serialization import deserialize_layer
    return deserialize_layer(config, custom_objects)


def __getattr__(name):
    if name in ("load_model", "save_model"):
        from .. import saving
        return getattr(saving, name)
    raise AttributeError(f"module 'ndflow.keras.models' has no attribute {name!r}")
