"""Name tables of the Keras component modules (initializers, regularizers, constraints,
losses, metrics): Keras 3's config dicts in and out, and clear errors for unknown names."""
from ..framework.errors import InvalidArgumentError


class ObjectTable:
    """`serialize`, `deserialize` and `get` of one component module. `get` takes a name, a
    config dict, an instance or any callable (returned as is); None stays None."""

    def __init__(self, kind, module, classes, aliases, case_insensitive=False, base=None):
        self.kind = kind            # "initializer", "loss", ... (for error messages)
        self.module = module        # "keras.initializers", ...
        self.classes = classes      # class name -> class
        self.aliases = aliases      # snake_case names and other spellings -> class or factory
        self.case_insensitive = case_insensitive  # names also looked up in lower case
        self.base = base            # a subclass of `base` given to `get` is instantiated

    def serialize(self, obj):
        return {"module": self.module, "class_name": type(obj).__name__,
                "config": obj.get_config(), "registered_name": None}

    def from_config_dict(self, config, custom_objects=None):
        name = config["class_name"]
        cls = (custom_objects or {}).get(name) or self.classes.get(name) or \
            self.aliases.get(name)
        if cls is None:
            raise InvalidArgumentError(f"Unknown {self.kind}: {name!r}.")
        return cls.from_config(config.get("config", {}))

    def deserialize(self, config, custom_objects=None):
        if isinstance(config, str):
            return self.get(config)
        return self.from_config_dict(config, custom_objects)

    def get(self, identifier):
        if identifier is None:
            return None
        if isinstance(identifier, dict):
            return self.from_config_dict(identifier)
        if isinstance(identifier, str):
            return self.lookup(identifier)()
        if self.base is not None and isinstance(identifier, type) and \
                issubclass(identifier, self.base):
            return identifier()
        if callable(identifier):
            return identifier
        raise InvalidArgumentError(f"Could not interpret {self.kind} identifier: "
                                   f"{identifier!r}")

    def lookup(self, name, case_insensitive=None):
        """The class or factory a string names, or a clear error listing the known names."""
        if case_insensitive is None:
            case_insensitive = self.case_insensitive
        found = self.aliases.get(name) or self.classes.get(name)
        if found is None and case_insensitive:
            found = self.aliases.get(name.lower())
        if found is None:
            raise InvalidArgumentError(f"Could not interpret {self.kind} identifier: {name!r}. "
                                       f"Expected one of {sorted(self.aliases)}.")
        return found
