"""tf.train (TF1 optimizers) and checkpoint helpers."""
from .optimizer import (AdagradOptimizer, AdamOptimizer, GradientDescentOptimizer,  # noqa: F401
                        MomentumOptimizer, Optimizer, RMSPropOptimizer)


def get_or_create_global_step(graph=None):
    """Returns the graph's global step variable, creating it (an `int64` 0) if needed.

    The variable is kept in the graph's "global_step" collection; passing it as
    `minimize(global_step=...)` increments it at every training step.

    Args:
      graph: The graph (default: the default graph).

    Returns:
      The global step `Variable`.
    """
    from ..framework.graph import get_default_graph
    from ..framework.context import building_graph
    from ..framework.variables import Variable
    from ..framework import dtypes
    g = graph or get_default_graph()
    existing = g.get_collection("global_step")
    if existing:
        return existing[0]
    with building_graph(g):
        step = Variable(0, trainable=False, name="global_step", dtype=dtypes.int64)
    g.add_to_collection("global_step", step)
    return step


def get_global_step(graph=None):
    """Returns the graph's global step variable, or None if none was created.

    Args:
      graph: The graph (default: the default graph).

    Returns:
      A `Variable` or None.
    """
    from ..framework.graph import get_default_graph
    found = (graph or get_default_graph()).get_collection("global_step")
    return found[0] if found else None


from .optimizers_v1 import (AdadeltaOptimizer, FtrlOptimizer,  # noqa: E402,F401
                            ProximalAdagradOptimizer, ProximalGradientDescentOptimizer)
from .learning_rate_decay import (cosine_decay, cosine_decay_restarts,  # noqa: E402,F401
                                  exponential_decay, inverse_time_decay, linear_cosine_decay,
                                  natural_exp_decay, piecewise_constant, polynomial_decay)
from .moving_averages import ExponentialMovingAverage  # noqa: E402,F401
from .saver import (CheckpointState, Saver, checkpoint_exists, get_checkpoint_state,  # noqa: E402,F401
                    latest_checkpoint)
from .checkpoint import (Checkpoint, CheckpointManager,  # noqa: E402,F401
                         CheckpointLoadStatus)


def __getattr__(name):  # tf.train.Example, Features, Feature...: protos load on first use
    from ..compat.input_v1 import train_getattr
    return train_getattr(name)
