"""tf.distribute: data-parallel training over the processes of an MPI job.

    strategy = tf.distribute.MultiWorkerMirroredStrategy()   # under `mpiexec -n 4 python ...`
    with strategy.scope():
        model = make_model()
        model.compile(...)
    model.fit(x, y, batch_size=64 * strategy.num_replicas_in_sync)

Without an MPI launcher (or without mpi4py) every strategy has one replica. See
docs/distributed.md for running on Slurm and MPI clusters.
"""
import types as _types

from .input import DistributedDataset, DistributedIterator, InputContext, InputOptions
from .strategy import (ClusterSpec, CommunicationImplementation, CommunicationOptions,
                       MirroredStrategy, MPIClusterResolver, MultiWorkerMirroredStrategy,
                       OneDeviceStrategy, ReduceOp, ReplicaContext, Strategy, StrategyExtended,
                       ValueContext, experimental_set_strategy, get_cross_replica_context,
                       get_replica_context, get_strategy, has_strategy,
                       in_cross_replica_context)

experimental = _types.SimpleNamespace(
    CommunicationOptions=CommunicationOptions,
    CollectiveCommunication=CommunicationImplementation,
    CommunicationImplementation=CommunicationImplementation,
    MultiWorkerMirroredStrategy=MultiWorkerMirroredStrategy,
    ValueContext=ValueContext,
)
cluster_resolver = _types.SimpleNamespace(MPIClusterResolver=MPIClusterResolver,
                                          ClusterSpec=ClusterSpec)

__all__ = ["MultiWorkerMirroredStrategy", "MirroredStrategy", "OneDeviceStrategy", "Strategy",
           "StrategyExtended", "ReduceOp", "ReplicaContext", "InputContext", "InputOptions",
           "DistributedDataset", "DistributedIterator", "get_strategy", "has_strategy",
           "in_cross_replica_context", "get_replica_context", "get_cross_replica_context",
           "experimental_set_strategy", "experimental", "cluster_resolver"]
