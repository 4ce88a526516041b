"""Configs written by newer Keras 3 releases carry arguments that ndflow's classes do not
take (quantization, LoRA, initializer axes...). When such an argument holds its neutral
default it changes nothing, so it is dropped before the config is rebuilt; a non-default
value is left in place for the class to reject with a clear error."""

# argument -> the values that mean "feature not used"
_NEUTRAL_EXTRAS = {
    "quantization_config": (None,),
    "lora_rank": (None, 0),
    "lora_alpha": (None,),
    "input_axes": (None,),
    "output_axes": (None,),
    "gradient_accumulation_steps": (None,),
    "loss_scale_factor": (None,),
}


def strip_neutral_extras(config):
    """A copy of a (nested) Keras config without neutral-valued extra arguments."""
    if isinstance(config, list):
        return [strip_neutral_extras(c) for c in config]
    if not isinstance(config, dict):
        return config
    out = {k: strip_neutral_extras(v) for k, v in config.items()}
    inner = out.get("config")
    if "class_name" in out and isinstance(inner, dict):
        out["config"] = {k: v for k, v in inner.items()
                         if not (k in _NEUTRAL_EXTRAS and _is_neutral(k, v))}
    return out


def _is_neutral(key, value):
    return any(value is n or (n is not None and value == n and type(value) is type(n))
               for n in _NEUTRAL_EXTRAS[key])


def register_keras_op_layers():
    """Makes the `keras.ops` nodes of Keras 3 Functional graphs (the mask computations
    `NotEqual`, `Any`...) resolvable by their registered names when a file is loaded."""
    from ..layers.ops_layers import KERAS_OP_CLASSES
    from . import object_registration
    for cls in KERAS_OP_CLASSES:
        object_registration._GLOBAL_CUSTOM_OBJECTS.setdefault(cls.__name__, cls)
        object_registration._GLOBAL_CUSTOM_NAMES.setdefault(cls, cls.__name__)
