"""Public names, declared once next to their definitions.

`export("reduce_sum", "math.reduce_sum")(fn)` records where `fn` appears in the public
API; the namespace modules (ndflow, ndflow.math, ndflow.nn, ...) are filled from this
table, so adding an op never means editing a namespace file.
"""
EXPORTS = {}  # namespace -> {name: object}; namespace "" is the top level


def export(*paths):
    def register(obj):
        for path in paths:
            namespace, _, name = path.rpartition(".")
            EXPORTS.setdefault(namespace, {})[name] = obj
        return obj
    return register


def export_many(namespace, objects):
    """Exports each `name: object` of `objects` under `namespace`."""
    EXPORTS.setdefault(namespace, {}).update(objects)


def populate(module_globals, namespace):
    module_globals.update(EXPORTS.get(namespace, {}))
