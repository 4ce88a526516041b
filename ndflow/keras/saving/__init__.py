"""keras.saving: `.keras` model files (and Keras 2 style whole-model `.h5` files),
`.weights.h5` weights, and the registry of custom objects that saved configs refer to."""
from .object_registration import (CustomObjectScope, custom_object_scope, get_custom_objects,
                                  get_registered_name, get_registered_object,
                                  register_keras_serializable)
from .saving_lib import load_model, load_weights, save_model, save_weights
from .serialization_lib import (SafeModeScope, deserialize_keras_object, in_safe_mode,
                                serialize_keras_object)

__all__ = ["CustomObjectScope", "custom_object_scope", "get_custom_objects",
           "get_registered_name", "get_registered_object", "register_keras_serializable",
           "load_model", "load_weights", "save_model", "save_weights", "SafeModeScope",
           "deserialize_keras_object", "in_safe_mode", "serialize_keras_object"]
