"""tf.Module: a named container that finds the variables and submodules in its attributes."""
from .framework.variables import Variable


class Module:
    """Base class of objects that own variables and sub-modules (`tf.Module`).

    `variables` and `trainable_variables` collect every `Variable` reachable through the
    module's attributes (including lists, dicts and nested modules), which is what optimizers and
    checkpoints need. Keras layers are Modules.

    Args:
      name: The module's name (default: the class name in snake_case).

    Example:

    >>> class Scale(ndflow.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.w = ndflow.Variable(2.0)
    ...     def __call__(self, x):
    ...         return self.w * x
    >>> len(Scale().trainable_variables)
    1
    """
    def __init__(self, name=None):
        self._name = name or _snake(type(self).__name__)

    @property
    def name(self):
        return self._name

    @property
    def name_scope(self):
        from . import name_scope
        return name_scope(self._name)

    def _walk(self):
        """(variables, submodules) reachable through attributes, lists, tuples and dicts,
        each once, in attribute order."""
        seen, variables, modules = set(), [], []
        stack = [v for _, v in sorted(vars(self).items())][::-1]
        while stack:
            x = stack.pop()
            if id(x) in seen:
                continue
            seen.add(id(x))
            if isinstance(x, Variable):
                variables.append(x)
            elif isinstance(x, Module):
                modules.append(x)
                stack.extend([v for _, v in sorted(vars(x).items())][::-1])
            elif isinstance(x, (list, tuple)):
                stack.extend(reversed(x))
            elif isinstance(x, dict):
                stack.extend([x[k] for k in sorted(x, key=str)][::-1])
        return variables, modules

    @property
    def variables(self):
        return tuple(self._walk()[0])

    @property
    def trainable_variables(self):
        return tuple(v for v in self._walk()[0] if v.trainable)

    @property
    def non_trainable_variables(self):
        return tuple(v for v in self._walk()[0] if not v.trainable)

    @property
    def submodules(self):
        return tuple(self._walk()[1])

    @classmethod
    def with_name_scope(cls, method):
        def wrapped(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)
        return wrapped


def _snake(name):
    out = []
    for i, c in enumerate(name):
        if c.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(c.lower())
    return "".join(out)

