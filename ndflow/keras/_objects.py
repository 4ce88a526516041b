"""Name tables of the Keras component modules (initializers, regularizers, constraints,
losses, metrics): Keras 3's config dicts in and out, and clear errors for unknown names."""
from ..framework.errors import InvalidArgumentError


class ObjectTable:
    def __init__(self, kind, module, classes, aliases):
        self.kind = kind            # "initializer", "loss", ... (for error messages)
        self.module = module        # "keras.initializers", ...
        self.classes = classes      # class name -> class
        self.aliases = aliases      # snake_case names and other spellings -> class or factory

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

    def lookup(self, name, case_insensitive=False):
        """The class or factory a string names, or a clear error listing the known names."""
        found = self.aliases.get(name) or self.classes.get(name)
        if found is None and case_insensitive:
            found = self.aliases.get(name.lower())
        if found is None:
            raise InvalidArgumentError(f"Could not interpret {self.kind} identifier: {name!r}. "
                                       f"Expected one of {sorted(self.aliases)}.")
        return found
