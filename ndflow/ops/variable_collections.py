"""TF1's queries of the variable collections and the initializer ops built from them
(`global_variables`, `global_variables_initializer`, ...). As in TensorFlow, where they live
in ops/variables.py, they sit above the engine: they only read a graph's collections."""
from ..framework.graph import get_default_graph
from ..framework.ordering import group
from ..framework.variables import GLOBAL_VARIABLES, LOCAL_VARIABLES, TRAINABLE_VARIABLES



def global_variables(scope=None):
    """TF1: the variables of the default graph's GLOBAL_VARIABLES collection.

    Args:
      scope: Optional regular expression; only variables whose name matches it from the start
        are returned.

    Returns:
      A list of `Variable`s, in creation order.
    """
    return get_default_graph().get_collection(GLOBAL_VARIABLES, scope)


def trainable_variables(scope=None):
    """TF1: the variables created with `trainable=True` in the default graph.

    Args:
      scope: Optional regular expression; only variables whose name matches it from the start
        are returned.

    Returns:
      A list of `Variable`s, in creation order.
    """
    return get_default_graph().get_collection(TRAINABLE_VARIABLES, scope)


def local_variables(scope=None):
    """TF1: the variables of the default graph's LOCAL_VARIABLES collection (e.g. metric counters).

    Args:
      scope: Optional regular expression; only variables whose name matches it from the start
        are returned.

    Returns:
      A list of `Variable`s.
    """
    return get_default_graph().get_collection(LOCAL_VARIABLES, scope)


def variables_initializer(var_list, name="init"):
    """TF1: an op that runs the initializers of `var_list`.

    Args:
      var_list: A list of `Variable`s.
      name: The op's name (default "init").

    Returns:
      An `Operation` to pass to `Session.run`.
    """
    return group(*[v.initializer for v in var_list if v.initializer is not None], name=name)


def global_variables_initializer():
    """TF1: an op initialising every global variable of the default graph.

    Run it once in each new `Session` before reading variables (each session has its own
    values).

    Returns:
      An `Operation`.

    Example:

    >>> import ndflow.compat.v1 as tf1
    >>> with tf1.Graph().as_default():
    ...     v = tf1.Variable(3.0)
    ...     with tf1.Session() as sess:
    ...         _ = sess.run(tf1.global_variables_initializer())
    ...         float(sess.run(v))
    3.0
    """
    return variables_initializer(global_variables())


def local_variables_initializer():
    """TF1: an op initialising every local variable of the default graph.

    Returns:
      An `Operation`.
    """
    return variables_initializer(local_variables(), name="local_init")
