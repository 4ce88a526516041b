"""Variable reads and writes as functions (tf.assign and friends)."""
from ..framework.variables import Variable


def _check(ref, fn):
    if not isinstance(ref, Variable):
        raise TypeError(f"{fn}: expected a Variable as the first argument, got {ref!r}.")


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    _check(ref, "assign")
    return ref.assign(value, name=name)


def assign_add(ref, value, use_locking=None, name=None):
    _check(ref, "assign_add")
    return ref.assign_add(value, name=name)


def assign_sub(ref, value, use_locking=None, name=None):
    _check(ref, "assign_sub")
    return ref.assign_sub(value, name=name)


from ..util.export import export_many  # noqa: E402

export_many("v1", {"assign": assign, "assign_add": assign_add, "assign_sub": assign_sub})
