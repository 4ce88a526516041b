"""`horovod.tensorflow.keras` (and `horovod.keras`) on ndflow:

    import ndflow.horovod.keras as hvd
    hvd.init()
    model.compile(optimizer=hvd.DistributedOptimizer(keras.optimizers.Adam(1e-3 * hvd.size())),
                  loss=...)
    model.fit(x, y, batch_size=32,  # per rank
              callbacks=[hvd.callbacks.BroadcastGlobalVariablesCallback(0),
                         hvd.callbacks.MetricAverageCallback()],
              verbose=1 if hvd.rank() == 0 else 0)
"""
from .. import (Average, Compression, Max, Min, Product, Sum, allgather, allreduce, barrier,
                broadcast, broadcast_variables, cross_rank, cross_size, grouped_allreduce, init,
                is_initialized, local_rank, local_size, mpi_built, mpi_enabled, rank, shutdown,
                size)
from .. import DistributedOptimizer as _DistributedOptimizer
from . import callbacks


def DistributedOptimizer(optimizer, name=None, device_dense="", device_sparse="",
                         compression=Compression.none, sparse_as_dense=False,
                         gradient_predivide_factor=1.0, op=Average,
                         backward_passes_per_step=1, average_aggregated_gradients=False,
                         num_groups=0, groups=None, process_set=None):
    """A Keras optimizer of the same class whose gradients are averaged (op) over the ranks
    before they are applied."""
    return _DistributedOptimizer(optimizer, name=name, compression=compression, op=op,
                                 gradient_predivide_factor=gradient_predivide_factor,
                                 backward_passes_per_step=backward_passes_per_step)


def broadcast_global_variables(root_rank):
    """Keras 2 programs' call: there are no TF1 global variables in a Keras program, so this
    needs a model; use hvd.callbacks.BroadcastGlobalVariablesCallback(root_rank)."""
    raise RuntimeError("broadcast_global_variables() has no global variables to broadcast in "
                       "a Keras program: pass hvd.callbacks.BroadcastGlobalVariablesCallback("
                       f"{root_rank}) to fit, or hvd.broadcast_variables(model.variables, "
                       f"{root_rank}).")


def load_model(filepath, custom_optimizers=None, custom_objects=None,
               compression=Compression.none):
    """keras.models.load_model, with the model's optimizer wrapped in DistributedOptimizer."""
    from ...keras import models
    model = models.load_model(filepath, custom_objects=custom_objects)
    if getattr(model, "optimizer", None) is not None and \
            not getattr(type(model.optimizer), "_nd_horovod", False):
        model.optimizer = DistributedOptimizer(model.optimizer, compression=compression)
        model._nd_reset_compile()
    return model


__all__ = ["init", "shutdown", "is_initialized", "rank", "size", "local_rank", "local_size",
           "cross_rank", "cross_size", "allreduce", "grouped_allreduce", "allgather",
           "broadcast", "broadcast_variables", "broadcast_global_variables", "barrier",
           "DistributedOptimizer", "load_model", "callbacks", "Compression", "Average", "Sum",
           "Min", "Max", "Product", "mpi_built", "mpi_enabled"]
