"""TF1 variable_scope / get_variable: named, reusable graph variables.

TF1-only machinery, so it lives with compat.v1 rather than in the engine. As in TF1, the
scope stack belongs to the graph (under a collection key that is not a string, so
`get_all_collection_keys` does not list it): resetting the default graph resets it.
"""
import contextlib

from ..framework import dtypes
from ..framework.graph import get_default_graph, graph_for_building
from ..framework.tensor_shape import as_shape
from ..framework.variables import Variable
from ..initializers import glorot_uniform_initializer

AUTO_REUSE = "AUTO_REUSE"
_SCOPE_STACK_KEY = ("__variable_scope_stack",)
_SCOPE_COUNTS_KEY = ("__variable_scope_counts",)  # full scope name -> times opened


class VariableScope:
    def __init__(self, name="", reuse=None, initializer=None, regularizer=None, dtype=None):
        self.name = name
        self.reuse = reuse
        self.initializer = initializer
        self.regularizer = regularizer
        self.dtype = dtype

    @property
    def original_name_scope(self):
        return self.name + "/" if self.name else ""

    def reuse_variables(self):
        self.reuse = True


def _scope_stack():
    g = graph_for_building() or get_default_graph()
    stack = g.get_collection_ref(_SCOPE_STACK_KEY)
    if not stack:
        stack.append(VariableScope())
    return stack


def _scope_counts():
    g = graph_for_building() or get_default_graph()
    ref = g.get_collection_ref(_SCOPE_COUNTS_KEY)
    if not ref:
        ref.append({})
    return ref[0]


def get_variable_scope():
    """TF1: the innermost `variable_scope` (the root scope, named "", outside any).

    Returns:
      A `VariableScope` (with `name`, `reuse`, `initializer`...).
    """
    return _scope_stack()[-1]


@contextlib.contextmanager
def variable_scope(name_or_scope=None, default_name=None, values=None, initializer=None,
                   regularizer=None, reuse=None, dtype=None, auxiliary_name_scope=True, **kwargs):
    """TF1: a context manager opening a scope for `get_variable` names (and op names).

    Variables created by `get_variable` inside are named `scope/name`. With `reuse=True` the
    scope returns existing variables instead of creating them (an error if one is missing);
    `reuse=AUTO_REUSE` creates or reuses. Reuse is inherited by nested scopes.

    Args:
      name_or_scope: The scope's name, or a `VariableScope` to re-enter.
      default_name: The name when `name_or_scope` is None (made unique: "dense", "dense_1"...).
      values: Accepted for TF1 compatibility.
      initializer: The default initializer of variables created inside.
      regularizer: The default regularizer of variables created inside.
      reuse: None (inherit), True, False or `AUTO_REUSE`.
      dtype: The default dtype of variables created inside.
      auxiliary_name_scope: Whether to open a name scope of the same name too.
      **kwargs: Other TF1 options, accepted.

    Returns:
      A context manager yielding the `VariableScope`.

    Raises:
      ValueError: If both `name_or_scope` and `default_name` are None.
    """
    stack = _scope_stack()
    parent = stack[-1]
    counts = _scope_counts()
    if isinstance(name_or_scope, VariableScope):
        name = name_or_scope.name
    else:
        base = name_or_scope if name_or_scope is not None else default_name
        if base is None:
            raise ValueError("variable_scope: name_or_scope or default_name must be given.")
        name = f"{parent.name}/{base}" if parent.name else base
        if name_or_scope is None:  # a default name is made unique among the opened scopes
            stem, idx = name, 0
            while counts.get(name, 0) > 0:
                idx += 1
                name = f"{stem}_{idx}"
    # as in TF1, (re)opening a scope restarts the unique names of its sub-scopes, so the
    # unnamed layers of a re-entered scope (reuse=True) find the variables they made before
    for key in [k for k in counts if k.startswith(name + "/")]:
        counts[key] = 0
    counts[name] = counts.get(name, 0) + 1
    inherit = parent.reuse if reuse is None else reuse
    if reuse is False:
        inherit = False
    scope = VariableScope(name, inherit, initializer or parent.initializer,
                          regularizer or parent.regularizer, dtype or parent.dtype)
    stack.append(scope)
    g = graph_for_building() or get_default_graph()
    try:
        if auxiliary_name_scope:
            with g.name_scope(name + "/"):
                yield scope
        else:
            yield scope
    finally:
        stack.pop()


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                 trainable=None, collections=None, caching_device=None, partitioner=None,
                 validate_shape=True, use_resource=None, custom_getter=None, constraint=None,
                 **kwargs):
    """TF1: gets an existing variable of the current variable scope, or creates one.

    The full name is `scope_name/name`. A new variable is created unless the scope reuses; an
    existing name without reuse is an error, as is a missing one with `reuse=True`.

    Args:
      name: The variable's name within the scope.
      shape: Its shape (needed when `initializer` is a callable).
      dtype: Its dtype (default: the scope's dtype, else `float32`).
      initializer: An initializer, a tensor or a value (default: the scope's initializer, else
        glorot_uniform, as in TF1).
      regularizer: Optional function of the variable whose result joins the
        REGULARIZATION_LOSSES collection.
      trainable: Whether it joins TRAINABLE_VARIABLES (default True).
      collections: The collections to add it to.
      caching_device: Accepted for TF1 compatibility.
      partitioner: Accepted for TF1 compatibility.
      validate_shape: Whether later assignments must keep the shape.
      use_resource: Accepted for TF1 compatibility.
      custom_getter: Accepted for TF1 compatibility.
      constraint: Optional projection applied after optimizer updates.
      **kwargs: Other TF1 options, accepted.

    Returns:
      The `Variable`.

    Raises:
      ValueError: If the variable exists and the scope does not reuse, does not exist and the
        scope has `reuse=True`, has an incompatible shape, or needs a shape that is missing.

    Example:

    >>> import ndflow.compat.v1 as tf1
    >>> with tf1.Graph().as_default():
    ...     with tf1.variable_scope("layer"):
    ...         w = tf1.get_variable("w", shape=[2, 3])
    ...     w.name
    'layer/w:0'
    """
    scope = _scope_stack()[-1]
    full = f"{scope.name}/{name}" if scope.name else name
    g = graph_for_building() or get_default_graph()
    store = g._variable_store
    existing = store.get(full)
    if scope.reuse is True or scope.reuse == AUTO_REUSE:
        if existing is not None:
            if shape is not None and not as_shape(shape).is_compatible_with(existing.shape):
                raise ValueError(f"Trying to share variable {full}, but specified shape "
                                 f"{as_shape(shape)} and found shape {existing.shape}.")
            return existing
        if scope.reuse is True:
            raise ValueError(f"Variable {full} does not exist, or was not created with "
                             "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in "
                             "VarScope?")
    elif existing is not None:
        raise ValueError(f"Variable {full} already exists, disallowed. Did you mean to set "
                         "reuse=True or reuse=tf.AUTO_REUSE in VarScope?")
    dtype = dtypes.as_dtype(dtype or scope.dtype or dtypes.float32)
    init = initializer if initializer is not None else scope.initializer
    if init is None:
        init = glorot_uniform_initializer()  # TF1's default for get_variable
    if callable(init):
        if shape is None:
            raise ValueError(f"get_variable: the shape of new variable {full} must be known.")
        shape_list = as_shape(shape).as_list()
        try:
            value = init(shape_list, dtype=dtype)
        except TypeError:
            value = init(shape_list)
    else:
        value = init
    # (a graph names it inside the scope's name scope; eagerly there is none: the full name)
    var = Variable(value, trainable=trainable, name=name if graph_for_building() else full,
                   dtype=dtype, collections=collections, validate_shape=validate_shape,
                   constraint=constraint)
    store[full] = var
    reg = regularizer or scope.regularizer
    if reg is not None:
        loss = reg(var)
        if loss is not None:
            g.add_to_collection("regularization_losses", loss)
    return var
