"""tf.nn."""
from .. import ops as _ops  # noqa: F401  (registers every op)
from ..util.export import populate as _populate

_populate(globals(), "nn")


def __getattr__(name):  # the tf.distribute loss helpers load with ndflow.distribute
    if name in ("compute_average_loss", "scale_regularization_loss"):
        from ..distribute import losses
        return getattr(losses, name)
    raise AttributeError(f"module 'ndflow.nn' has no attribute {name!r}")
