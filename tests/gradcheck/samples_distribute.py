"""Gradient-check samples for the collective ops (ndflow.distribute.collective_ops). In a
single process the allreduce of a tensor is the tensor itself and the allgather is its
concatenation with nothing, so these check the gradients' wiring; the multi-rank values are
checked by tests/distribute (mpiexec -n 2)."""
import ndflow as tf
from ndflow.distribute import collective_ops as C

from .spec import Sample

SAMPLES = [
    Sample("CollectiveAllReduce", lambda x, y: C.all_reduce([x * y, tf.sin(x)], "sum")[0] *
           C.all_reduce([tf.sin(x), y], "mean")[1], shapes=[(2, 3), (2, 3)],
           second_order=True),
    Sample("CollectiveAllGather", lambda x: C.all_gather(tf.sin(x) * x), shapes=[(3, 2)],
           second_order=True),
]
