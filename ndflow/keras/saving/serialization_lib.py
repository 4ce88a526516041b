"""Keras 3 object configs: `serialize_keras_object` / `deserialize_keras_object`.

A config is `{"module", "class_name", "config", "registered_name"}` (plus `build_config`
and `compile_config` for layers and models). Deserialization only ever instantiates
classes that are registered, passed in `custom_objects`, or part of ndflow's Keras; a
Python lambda stored as bytecode (Keras's `__lambda__`) is never executed.
"""
import importlib
import inspect
import threading
import types
import warnings

import numpy as np

from . import object_registration as registration

_safe_mode = threading.local()

# ndflow.keras submodules whose classes and functions a config may name, with the Keras
# module-path component that points at each (a config's "module" is e.g. "keras.layers",
# "keras.src.losses.losses" or "keras.src.backend.torch.optimizers.torch_adam").
_BUILTIN_SUBMODULES = (("schedules", "optimizers.schedules"), ("layers", "layers"),
                       ("optimizers", "optimizers"), ("losses", "losses"),
                       ("metrics", "metrics"), ("initializers", "initializers"),
                       ("regularizers", "regularizers"), ("constraints", "constraints"),
                       ("activations", "activations"), ("models", "models"))
_MODEL_CLASSES = ("Sequential", "Functional", "Model")
_DTYPE_POLICIES = ("DTypePolicy", "FloatDTypePolicy", "Policy")


class SafeModeScope:
    """`with SafeModeScope(False):` lets nested `from_config` calls see the caller's choice."""

    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self._previous = getattr(_safe_mode, "value", None)
        _safe_mode.value = self.safe_mode
        return self

    def __exit__(self, *exc_info):
        _safe_mode.value = self._previous
        return False


def in_safe_mode():
    """The innermost SafeModeScope's setting, or None outside any (callers treat None as safe)."""
    return getattr(_safe_mode, "value", None)


# --- serialization ----------------------------------------------------------------------------

def _public_module(obj_module):
    """The Keras module path ndflow's own objects are saved under ("keras.layers"...)."""
    if not obj_module.startswith("ndflow.keras."):
        return None
    rest = obj_module[len("ndflow.keras."):]
    for component, submodule in _BUILTIN_SUBMODULES:
        if rest == submodule or rest.startswith(submodule + ".") or rest.split(".")[0] == component:
            if submodule == "models":
                return "keras"
            return f"keras.{submodule}"
    return "keras"


def serialize_keras_object(obj):
    """A JSON-able Keras 3 config for `obj` (a layer, model, optimizer, loss, function...)."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__",
                "config": {"start": serialize_keras_object(obj.start),
                           "stop": serialize_keras_object(obj.stop),
                           "step": serialize_keras_object(obj.step)}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, np.generic) or (isinstance(obj, np.ndarray) and obj.ndim == 0):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(),
                                                      "dtype": obj.dtype.name}}
    if _is_tensor(obj):
        value = np.asarray(obj.numpy())
        return {"class_name": "__tensor__", "config": {"value": value.tolist(),
                                                       "dtype": value.dtype.name}}
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        raise ValueError("Cannot serialize a Python lambda: ndflow never stores code. Use a "
                         "named function decorated with "
                         "`@keras.saving.register_keras_serializable()`. Received: "
                         f"{obj!r}")
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return _serialize_function(obj)
    if inspect.isclass(obj):
        raise TypeError(f"Cannot serialize a class object ({obj!r}); serialize an instance.")
    return _serialize_instance(obj)


def _is_tensor(obj):
    from ...framework.tensor import TensorLike
    return isinstance(obj, TensorLike) and hasattr(obj, "numpy")


def _serialize_function(fn):
    public = _public_module(fn.__module__ or "")
    registered = registration.get_registered_name(fn)
    if public is not None and registered == fn.__name__:
        return {"module": public, "class_name": "function", "config": fn.__name__,
                "registered_name": fn.__name__}
    return {"module": fn.__module__, "class_name": "function", "config": registered,
            "registered_name": registered}


def _serialize_instance(obj):
    cls = type(obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(f"Cannot serialize object {obj!r} of type {cls.__name__}: to be "
                        "serializable, a class must implement `get_config()`.")
    config = obj.get_config()
    if not isinstance(config, dict):
        raise TypeError(f"The `get_config()` method of {obj!r} should return a dict. It "
                        f"returned: {config!r}")
    public = _public_module(cls.__module__)
    registered = registration.get_registered_name(cls)
    if public is not None and registered == cls.__name__:
        module, registered = public, None
        if cls.__name__ == "Functional":
            module, registered = "keras.src.models.functional", "Functional"
    else:
        module = cls.__module__
    out = {"module": module, "class_name": cls.__name__,
           "config": serialize_keras_object(config), "registered_name": registered}
    build_config = obj.get_build_config() if hasattr(obj, "get_build_config") else None
    if build_config is not None:
        out["build_config"] = serialize_keras_object(build_config)
    compile_config = obj.get_compile_config() if hasattr(obj, "get_compile_config") else None
    if compile_config is not None:
        out["compile_config"] = serialize_keras_object(compile_config)
    return out


# --- deserialization --------------------------------------------------------------------------

def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """Rebuilds an object from its Keras 3 config (the inverse of serialize_keras_object).

    `custom_objects` maps names to classes/functions not registered globally. With
    `safe_mode=True` (the default) a stored Python lambda is refused; ndflow refuses it
    with `safe_mode=False` too, because it would mean executing bytecode from the file.
    """
    scoped = in_safe_mode()
    safe_mode = scoped if scoped is not None else safe_mode
    custom_objects = dict(custom_objects or {})
    module_objects = kwargs.pop("module_objects", None)
    if isinstance(config, str) and module_objects and config in module_objects:
        return module_objects[config]
    if config is None or isinstance(config, (bool, int, float, str)):
        return config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(c, custom_objects, safe_mode) for c in config]
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config!r}")
    if "class_name" not in config or "config" not in config:
        return {k: deserialize_keras_object(v, custom_objects, safe_mode)
                for k, v in config.items()}

    class_name = config["class_name"]
    inner = config["config"] if config["config"] is not None else {}
    special = _deserialize_special(class_name, inner, config, custom_objects, safe_mode)
    if special is not _NOT_SPECIAL:
        return special

    module = config.get("module")
    registered_name = config.get("registered_name") or class_name
    if class_name == "function":
        if not isinstance(inner, str):
            raise TypeError("Expected 'config' to be a function name (a str) for class_name "
                            f"'function'. Full config: {config}")
        return _retrieve(inner, registered_name, module, "function", config, custom_objects)
    if class_name in _DTYPE_POLICIES and module in ("keras", "keras.mixed_precision", None):
        return inner.get("name") if isinstance(inner, dict) else inner
    if not isinstance(inner, dict):
        raise TypeError(f"Expected 'config' to be a dict for {class_name}. Full config: "
                        f"{config}")
    cls = _retrieve(class_name, registered_name, module, "class", config, custom_objects)
    if isinstance(cls, types.FunctionType):
        return cls
    if not hasattr(cls, "from_config"):
        raise TypeError(f"Unable to reconstruct an instance of '{class_name}' because the "
                        f"class is missing a `from_config()` method. Full config: {config}")
    with registration.CustomObjectScope(custom_objects), SafeModeScope(safe_mode):
        instance = _from_config(cls, inner, custom_objects)
        build_config = config.get("build_config")
        if build_config and not getattr(instance, "built", True):
            instance.build_from_config(build_config)
        compile_config = config.get("compile_config")
        if compile_config and hasattr(instance, "compile"):
            compile_from_config(instance, compile_config, custom_objects, safe_mode)
    return instance


_NOT_SPECIAL = object()


def _deserialize_special(class_name, inner, config, custom_objects, safe_mode):
    if class_name in ("__numpy__", "__tensor__"):
        value = _stored_array(inner, class_name)
        if class_name == "__numpy__":
            return value
        from ...ops import array_ops
        return array_ops.constant(value)
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__slice__":
        return slice(*(deserialize_keras_object(inner.get(k), custom_objects, safe_mode)
                       for k in ("start", "stop", "step")))
    if class_name == "__tuple__":
        return tuple(deserialize_keras_object(inner["value"], custom_objects, safe_mode))
    if class_name == "__lambda__":
        raise_for_lambda(safe_mode)
    if class_name == "__keras_tensor__":
        return config  # resolved by the Functional model that holds it
    return _NOT_SPECIAL


def plain_dtype(name, where):
    """np.dtype(`name`) when it names a plain dtype (bool, integer, float, complex, or a
    string type), else a ValueError: sub-array dtypes such as "(1000,1000)f8", structured
    and object dtypes are refused, since they allocate what a file merely claims."""
    try:
        dtype = np.dtype(name) if isinstance(name, str) else None
    except (TypeError, ValueError, SyntaxError, RecursionError):
        dtype = None
    if dtype is None or dtype.kind not in "biufcUS" or dtype.shape != () or \
            dtype.fields is not None or dtype.itemsize > 64:
        raise ValueError(f"{where}: dtype must name a plain numeric dtype (e.g. 'float32'). "
                         f"Received: dtype={name!r}")
    return dtype


def _stored_array(inner, class_name):
    if not isinstance(inner, dict) or "value" not in inner:
        raise ValueError(f"A stored {class_name} config must be a dict with 'value' and "
                         f"'dtype'. Received: {str(inner)[:200]}")
    dtype = plain_dtype(inner.get("dtype", "float32"), f"A stored {class_name} value")
    value = inner["value"]
    if not isinstance(value, (list, int, float, bool, str)):
        raise ValueError(f"A stored {class_name} value must be a number or a nested list. "
                         f"Received: {str(value)[:200]}")
    try:
        return np.array(value, dtype=dtype)
    except (TypeError, ValueError, OverflowError) as e:
        raise ValueError(f"A stored {class_name} value cannot be read as {dtype.name}: "
                         f"{e}") from None


def raise_for_lambda(safe_mode):
    """The refusal of a stored Python lambda (Keras's marshal-encoded `__lambda__`)."""
    if safe_mode is None or safe_mode:
        raise ValueError(
            "Requested the deserialization of a Python lambda (e.g. the function of a Lambda "
            "layer). This would execute code stored in the file, so it is disallowed by "
            "default (safe_mode=True). Register the function with "
            "`@keras.saving.register_keras_serializable()` and use a named function, or pass "
            "it in `custom_objects`.")
    raise ValueError(
        "Requested the deserialization of a Python lambda stored as bytecode. ndflow never "
        "executes code stored in a file, even with safe_mode=False (Keras's `__lambda__` "
        "format is marshal-encoded bytecode). Replace the lambda with a named function "
        "registered via `@keras.saving.register_keras_serializable()` (or passed in "
        "`custom_objects`) and save the model again.")


def _from_config(cls, inner, custom_objects):
    try:
        params = inspect.signature(cls.from_config).parameters
    except (TypeError, ValueError):
        params = {}
    try:
        if "custom_objects" in params:
            return cls.from_config(inner, custom_objects=custom_objects)
        return cls.from_config(inner)
    except TypeError as e:
        raise TypeError(f"{cls.__name__} could not be deserialized properly. Please ensure "
                        "that components that are Python object instances (layers, models, "
                        "etc.) returned by `get_config()` are explicitly deserialized in the "
                        f"model's `from_config()` method.\n\nconfig={inner}.\n\nException "
                        f"encountered: {e}") from e


def compile_from_config(model, compile_config, custom_objects=None, safe_mode=True):
    """Compiles `model` from a saved compile_config (optimizer/loss/metrics configs are
    rebuilt here, so Keras's own module paths resolve)."""
    config = dict(compile_config)
    for key in ("optimizer", "loss", "metrics", "weighted_metrics"):
        if isinstance(config.get(key), (dict, list)):
            config[key] = deserialize_keras_object(config[key], custom_objects, safe_mode)
    accepted = inspect.signature(model.compile).parameters
    if not any(p.kind is p.VAR_KEYWORD for p in accepted.values()):
        config = {k: v for k, v in config.items() if k in accepted}
    try:
        model.compile(**config)
    except Exception as e:  # Keras too loads an uncompilable model uncompiled, with a warning
        warnings.warn(f"compile() was not called as part of model loading because it "
                      f"failed with: {type(e).__name__}: {e}. The model is loaded uncompiled; "
                      "call `model.compile()` yourself.", stacklevel=3)


def _builtin_candidates(module):
    """ndflow.keras submodules to search for a class named in a config, best match first."""
    parts = set((module or "").split("."))
    first = [sub for component, sub in _BUILTIN_SUBMODULES if component in parts]
    return first + [sub for _, sub in _BUILTIN_SUBMODULES if sub not in first]


def _serializable_bases():
    """The base classes of what a config may name: layers (and models), losses, metrics,
    optimizers, learning-rate schedules, initializers, regularizers, constraints."""
    from .. import constraints, initializers, losses, metrics, regularizers
    from ..layers.base import Layer
    from ..optimizers import schedules
    from ..optimizers.base import Optimizer
    found = [Layer, Optimizer, losses.Loss, metrics.Metric]
    for module, name in ((schedules, "LearningRateSchedule"), (initializers, "Initializer"),
                         (regularizers, "Regularizer"), (constraints, "Constraint")):
        base = getattr(module, name, None)
        if inspect.isclass(base):
            found.append(base)
    return tuple(found)


def _is_serializable_class(cls):
    return issubclass(cls, _serializable_bases())


def _serializable_functions():
    """The functions a config may name: activations, and the loss and metric functions
    listed under their own names in keras.losses / keras.metrics."""
    from .. import activations, losses, metrics
    found = list(activations._ACTIVATIONS.values())
    for module in (losses, metrics):
        aliases = getattr(module, "_ALIASES", {})
        for fname, fn in vars(module).items():
            if fname in aliases and inspect.isfunction(fn) and \
                    fn.__module__ == module.__name__:
                found.append(fn)
    return found


def _retrieve(name, registered_name, module, kind, full_config, custom_objects):
    if kind == "class" and module and module.startswith("keras.src.ops."):
        from ..layers.ops_layers import KERAS_OPS_BY_NAME  # `keras.ops` nodes (x + 1...)
        if name in KERAS_OPS_BY_NAME:
            return KERAS_OPS_BY_NAME[name]
    for key in dict.fromkeys((registered_name, name)):
        found = registration.get_registered_object(key, custom_objects)
        if found is not None:
            return found
    if kind == "class" and name in _MODEL_CLASSES:
        from .. import models
        return models.Functional if name == "Model" else getattr(models, name)
    is_ours = module is None or module == "builtins" or module == "keras" or \
        module.startswith("keras.")
    if is_ours:
        for submodule in _builtin_candidates(module):
            try:
                mod = importlib.import_module(f"ndflow.keras.{submodule}")
            except ImportError:
                continue
            found = getattr(mod, name, None)
            if found is None or name.startswith("_"):
                continue
            if kind == "class" and inspect.isclass(found) and _is_serializable_class(found):
                return found
            if kind == "function" and any(found is f for f in _serializable_functions()):
                return found
    raise TypeError(f"Could not locate {kind} '{name}'. Make sure custom classes and functions "
                    "are decorated with `@keras.saving.register_keras_serializable()` (and "
                    "imported before loading) or passed in `custom_objects`. Full object "
                    f"config: {full_config}")
