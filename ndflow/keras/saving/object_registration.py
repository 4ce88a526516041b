"""Where saved objects come back from: the registry of custom classes and functions.

A saved config names a class or function by its registered name ("Package>Name"). Loading
finds it here (or in `custom_objects`, or among ndflow's own Keras objects) and nowhere
else: nothing is imported by a name read from a file, nothing is unpickled.
"""
import inspect
import threading

_GLOBAL_CUSTOM_OBJECTS = {}   # "Package>Name" -> class or function
_GLOBAL_CUSTOM_NAMES = {}     # class or function -> "Package>Name"
_scopes = threading.local()   # per thread: the stack of active CustomObjectScope dicts


def _scope_stack():
    if not hasattr(_scopes, "stack"):
        _scopes.stack = []
    return _scopes.stack


def register_keras_serializable(package="Custom", name=None):
    """Class/function decorator: saved configs refer to it as "package>name"."""
    if not isinstance(package, str) or ">" in package:
        raise ValueError(f"`package` must be a string without '>'. Received: package={package!r}")

    def decorator(arg):
        class_name = name if name is not None else arg.__name__
        registered_name = f"{package}>{class_name}"
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method. "
                             f"Received: {arg!r}")
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        _GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg

    return decorator


def get_registered_name(obj):
    """The name `obj` is saved under: its registered name, else its own `__name__`."""
    if obj in _GLOBAL_CUSTOM_NAMES:
        return _GLOBAL_CUSTOM_NAMES[obj]
    return getattr(obj, "__name__", type(obj).__name__)


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The class or function saved as `name`, or None: active custom-object scopes first,
    then the global registry, then `custom_objects`, then `module_objects`."""
    for scope in reversed(_scope_stack()):
        if name in scope:
            return scope[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def get_custom_objects():
    """The global registry dict ("Package>Name" -> object); entries added here also count."""
    return _GLOBAL_CUSTOM_OBJECTS


class CustomObjectScope:
    """`with CustomObjectScope({"MyLayer": MyLayer}):` makes those names resolvable while
    loading, as if they had been registered."""

    def __init__(self, custom_objects=None, *more):
        merged = {}
        for objects in (custom_objects,) + more:
            if objects is None:
                continue
            if not isinstance(objects, dict):
                raise TypeError("CustomObjectScope expects dicts of name -> object. Received: "
                                f"{objects!r}")
            merged.update(objects)
        self.custom_objects = merged

    def __enter__(self):
        _scope_stack().append(self.custom_objects)
        return self

    def __exit__(self, *exc_info):
        _scope_stack().pop()
        return False


custom_object_scope = CustomObjectScope
