"""tf.sparse: SparseTensor and the ops on it (ndflow/ops/sparse_ops.py, segment_ops.py)."""
from .. import ops as _ops  # noqa: F401  (registers every op)
from ..util.export import populate as _populate

_populate(globals(), "sparse")
