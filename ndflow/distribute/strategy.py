"""tf.distribute strategies over MPI.

Each process of an `mpiexec -n N` (or `srun --mpi=pmi2`) job is one worker holding one
replica: `MultiWorkerMirroredStrategy` makes the N processes train one model synchronously.
Variables created in `strategy.scope()` are broadcast from rank 0 when they are made, so
every rank starts from the same values; Keras `fit` under the strategy splits each global
batch over the ranks and averages the gradients with one fused allreduce inside the compiled
train step (see `StrategyExtended._nd_average_gradients`). `MirroredStrategy` and
`OneDeviceStrategy` hold one replica in this process (ndflow runs a process on one device).
"""
import contextlib
import enum

import numpy as np

from ..framework.context import state
from ..framework.tensor import EagerTensor, TensorLike
from ..ops import array_ops, math_ops
from ..util import nest
from . import _comm, collective_ops, input as _input

_replica_stack = []   # ReplicaContexts entered by Strategy.run, innermost last


class ReduceOp(enum.Enum):
    """tf.distribute.ReduceOp: how values from the replicas are combined."""
    SUM = "SUM"
    MEAN = "MEAN"

    @staticmethod
    def from_variable_aggregation(aggregation):
        name = getattr(aggregation, "name", str(aggregation)).upper()
        if name == "SUM":
            return ReduceOp.SUM
        if name == "MEAN":
            return ReduceOp.MEAN
        raise ValueError(f"Could not convert from `tf.VariableAggregation` {aggregation} to "
                         "`tf.distribute.ReduceOp` type")


def _reduction(reduce_op):
    if isinstance(reduce_op, str):
        try:
            reduce_op = ReduceOp[reduce_op.upper()]
        except KeyError:
            raise ValueError(f"reduce_op must be ReduceOp.SUM or ReduceOp.MEAN, received: "
                             f"{reduce_op!r}") from None
    if not isinstance(reduce_op, ReduceOp):
        raise ValueError(f"reduce_op must be ReduceOp.SUM or ReduceOp.MEAN, received: "
                         f"{reduce_op!r}")
    return reduce_op.value.lower()


# --- experimental options ------------------------------------------------------------------------

class CommunicationImplementation(enum.Enum):
    """tf.distribute.experimental.CommunicationImplementation (ndflow always uses MPI)."""
    AUTO = "AUTO"
    RING = "RING"
    NCCL = "NCCL"


class CommunicationOptions:
    """tf.distribute.experimental.CommunicationOptions: accepted; `bytes_per_pack` > 0 sets
    the size of the fused gradient buffers."""

    def __init__(self, bytes_per_pack=0, timeout_seconds=None,
                 implementation=CommunicationImplementation.AUTO):
        if bytes_per_pack < 0:
            raise ValueError(f"bytes_per_pack must be non-negative, got {bytes_per_pack}.")
        self.bytes_per_pack = bytes_per_pack
        self.timeout_seconds = timeout_seconds
        self.implementation = implementation


# --- the cluster ---------------------------------------------------------------------------------

class ClusterSpec:
    """The jobs of a cluster and their tasks' addresses (tf.train.ClusterSpec's reading
    side)."""

    def __init__(self, cluster):
        self._cluster = {job: list(tasks) for job, tasks in dict(cluster).items()}

    jobs = property(lambda self: sorted(self._cluster))

    def as_dict(self):
        return {job: list(tasks) for job, tasks in self._cluster.items()}

    def num_tasks(self, job_name):
        return len(self._cluster[job_name])

    def task_address(self, job_name, task_index):
        return self._cluster[job_name][task_index]

    def __repr__(self):
        return f"ClusterSpec({self._cluster!r})"


class MPIClusterResolver:
    """The cluster of an MPI job: one task of type "worker" per rank (rank 0 is the chief)."""

    def __init__(self, communicator=None):
        self._comm = communicator or _comm.world()
        self.task_type = "worker"
        self.task_id = self._comm.rank
        self.rpc_layer = None
        self.environment = "mpi"

    def cluster_spec(self):
        return ClusterSpec({"worker": list(self._comm.hosts)})

    def num_accelerators(self, task_type=None, task_id=None, config_proto=None):
        return {}

    def master(self, task_type=None, task_id=None, rpc_layer=None):
        return ""


# --- replica and cross-replica contexts ---------------------------------------------------------

class ReplicaContext:
    """tf.distribute.ReplicaContext: inside `strategy.run`, this worker's replica."""

    def __init__(self, strategy, replica_id_in_sync_group=0):
        self._strategy = strategy
        self._replica_id = replica_id_in_sync_group

    strategy = property(lambda self: self._strategy)
    num_replicas_in_sync = property(lambda self: self._strategy.num_replicas_in_sync)

    @property
    def replica_id_in_sync_group(self):
        return array_ops.constant(self._replica_id, "int32")

    def all_reduce(self, reduce_op, value, options=None):
        """`value` (a nested structure of tensors) summed or averaged over the replicas; works
        eagerly and inside tf.function (one fused collective)."""
        flat = nest.flatten(value)
        out = self._strategy.extended._all_reduce(_reduction(reduce_op), flat)
        return nest.pack_sequence_as(value, out)

    def all_gather(self, value, axis, options=None):
        return nest.map_structure(lambda v: self._strategy.gather(v, axis), value)

    def merge_call(self, merge_fn, args=(), kwargs=None):
        """Calls `merge_fn(strategy, *args, **kwargs)` in the cross-replica context."""
        _replica_stack.append(None)
        try:
            return merge_fn(self._strategy, *args, **(kwargs or {}))
        finally:
            _replica_stack.pop()

    def __enter__(self):
        _replica_stack.append(self)
        return self

    def __exit__(self, *exc):
        _replica_stack.pop()
        return False


class StrategyExtended:
    """tf.distribute.StrategyExtended: the strategy's workers and its collectives."""

    def __init__(self, strategy, communicator, group):
        self._container_strategy = strategy
        self._comm = communicator
        self._group = group
        self._bytes_per_pack = 0

    # --- TensorFlow's attributes -------------------------------------------------------------
    @property
    def worker_devices(self):
        return (f"/job:worker/replica:0/task:{self._comm.rank}/device:CPU:0",)

    parameter_devices = worker_devices
    experimental_require_static_shapes = property(lambda self: False)
    experimental_between_graph = property(lambda self: self._comm.size > 1)
    experimental_should_init = property(lambda self: True)
    should_checkpoint = property(lambda self: self._comm.rank == 0)
    should_save_summary = property(lambda self: self._comm.rank == 0)

    def _in_multi_worker_mode(self):
        return self._comm.size > 1

    def variable_created_in_scope(self, v):
        return getattr(v, "_nd_strategy", None) is self._container_strategy

    def colocate_vars_with(self, colocate_with_variable):
        return contextlib.nullcontext()

    def reduce_to(self, reduce_op, value, destinations, options=None):
        return self._container_strategy.reduce(reduce_op, value, axis=None)

    def batch_reduce_to(self, reduce_op, value_destination_pairs, options=None):
        values = [v for v, _ in value_destination_pairs]
        return self._all_reduce(_reduction(reduce_op), values)

    def update(self, var, fn, args=(), kwargs=None, group=True):
        return fn(var, *args, **(kwargs or {}))

    def value_container(self, value):
        return value

    # --- collectives -------------------------------------------------------------------------
    def _all_reduce(self, reduction, values):
        tensors = [v if isinstance(v, TensorLike) else array_ops.constant(v) for v in values]
        if self._comm.size == 1:
            return tensors
        return collective_ops.all_reduce(tensors, reduction, self._group)

    def _nd_replica_gradients(self, grads):
        """Called by Keras optimizers' `apply`: inside `strategy.run` the replicas' gradients
        are summed (TensorFlow's rule; scale the loss with tf.nn.compute_average_loss)."""
        if self._comm.size == 1 or not _replica_stack or _replica_stack[-1] is None:
            return grads
        return collective_ops.all_reduce(list(grads), "sum", self._group, "ReplicaGradients")

    def _nd_variable_created(self, var):
        """Called by the framework for each eager variable created in the scope: every rank
        takes rank 0's initial value."""
        var._nd_strategy = self._container_strategy
        if self._comm.size > 1:
            var._value = self._comm.broadcast([var._value], 0)[0]

    def _nd_broadcast_variables(self, variables):
        variables = [v for v in variables if getattr(v, "_graph", None) is None]
        if self._comm.size > 1 and variables:
            values = self._comm.broadcast([v.numpy() for v in variables], 0)
            for v, value in zip(variables, values):
                v.assign(value)

    # --- what Keras fit/evaluate/predict ask of a multi-worker strategy --------------------------
    def _nd_average_gradients(self, grads, local_count):
        """Each gradient averaged over the global batch: every rank's gradient (of a loss
        averaged over its `local_count` rows) is weighted by its row count, the weighted
        gradients and the counts are summed in one fused allreduce, and the sum is divided by
        the global count. This equals one process's gradient over the global batch even when
        the ranks' batches differ in size (the last batch of an epoch)."""
        if self._comm.size == 1:
            return grads
        present = [i for i, g in enumerate(grads) if g is not None]
        if not present:
            return grads
        tensors = [_dense(grads[i]) for i in present]
        count = math_ops.cast(local_count, "float32") if isinstance(local_count, TensorLike) \
            else array_ops.constant(float(local_count), "float32")
        weighted = []
        for g in tensors:
            w = math_ops.cast(count, g.dtype)
            if isinstance(local_count, TensorLike):  # a rank with no rows adds zeros, not nan
                weighted.append(array_ops.where(w > 0, g * w, array_ops.zeros_like(g)))
            else:
                weighted.append(g * w if local_count else array_ops.zeros_like(g))
        summed = collective_ops.all_reduce(weighted + [array_ops.reshape(count, [1])], "sum",
                                           self._group, "GradientAllReduce")
        total = summed[-1][0]
        out = list(grads)
        for i, s in zip(present, summed[:-1]):
            out[i] = s / math_ops.cast(total, s.dtype)
        return out

    def _nd_local_batches(self, batches):
        for batch in batches:
            yield _input.local_part(batch, self._comm.rank, self._comm.size)

    def _nd_shared_rng(self, rng):
        """The shuffling generator of rank 0 (every rank must shuffle alike)."""
        if rng is None:
            return None
        seed = self._comm.broadcast_value(int(rng.integers(0, 2**31 - 1)), 0)
        return np.random.default_rng(seed)

    def _nd_global_logs(self, model, logs):
        """The logs of a step as floats over every rank's data: the metrics' state variables
        (totals and counts) are summed over the ranks and the results computed from the sums;
        logs not produced by the model's own metrics are averaged over the ranks."""
        metrics = list(getattr(model, "metrics", []))
        state_of = getattr(model, "_nd_compiled_state", None)
        names = list(getattr(model, "metrics_names", []))
        if state_of is not None and names and set(names) == set(logs):
            variables = [v for m in metrics for v in m.variables]
            local = [v.numpy() for v in variables]
            summed = self._comm.allreduce(local, "sum")
            try:
                for v, s in zip(variables, summed):
                    v.assign(s)
                results = model._results(state_of)
                out = {k: float(np.asarray(_value(results[k]))) for k in logs}
            finally:
                for v, value in zip(variables, local):
                    v.assign(value)
            return out
        keys = sorted(logs)
        values = np.array([float(np.asarray(_value(logs[k]))) for k in keys], np.float64)
        means = self._comm.allreduce([values], "mean")[0]
        out = dict(zip(keys, means.tolist()))
        return {k: out[k] for k in logs}

    def _nd_gather(self, outputs):
        """Every rank's predictions of a global batch, concatenated in rank order."""
        return nest.map_structure(lambda a: self._comm.allgather(np.asarray(a)), outputs)

    def _nd_barrier(self):
        self._comm.barrier()


def _dense(g):
    if hasattr(g, "indices") and hasattr(g, "values") and not isinstance(g, TensorLike):
        from ..framework.constant_op import convert_to_tensor
        return convert_to_tensor(g)  # IndexedSlices travel dense
    return g


def _value(x):
    if isinstance(x, EagerTensor):
        return x._value
    if isinstance(x, TensorLike):
        return x.numpy()
    return x


# --- strategies ------------------------------------------------------------------------------

class Strategy:
    """tf.distribute.Strategy: where variables live and how replicas combine their values."""

    def __init__(self, extended):
        self._extended = extended

    extended = property(lambda self: self._extended)
    num_replicas_in_sync = property(lambda self: self._extended._comm.size)

    @property
    def cluster_resolver(self):
        return getattr(self, "_cluster_resolver", None)

    @contextlib.contextmanager
    def scope(self):
        """Variables created inside are made identically on every worker; Keras models
        created (or compiled) inside train under this strategy."""
        current = state.strategy
        if current is not None and current is not self:
            raise RuntimeError("Mixing different tf.distribute.Strategy objects: "
                               f"{current!r} is already in scope.")
        state.strategy = self
        try:
            yield self
        finally:
            state.strategy = current

    def run(self, fn, args=(), kwargs=None, options=None):
        """Runs `fn(*args, **kwargs)` as this worker's replica and returns its result."""
        with self.scope(), ReplicaContext(self, self._extended._comm.rank):
            return fn(*args, **(kwargs or {}))

    def reduce(self, reduce_op, value, axis=None):
        """The replicas' `value`s summed or averaged (`axis`: also reduced along that axis;
        MEAN then averages over every element along it on every replica)."""
        reduction = _reduction(reduce_op)
        flat = nest.flatten(value)
        ext = self._extended
        if axis is None:
            out = ext._all_reduce(reduction, flat)
            return nest.pack_sequence_as(value, out)
        sums, counts = [], []
        for v in flat:
            v = v if isinstance(v, TensorLike) else array_ops.constant(v)
            sums.append(math_ops.reduce_sum(v, axis=axis))
            counts.append(math_ops.cast(array_ops.shape(v)[axis], v.dtype))
        summed = ext._all_reduce("sum", sums + counts) if reduction == "mean" else \
            ext._all_reduce("sum", sums)
        if reduction == "mean":
            n = len(flat)
            summed = [s / c for s, c in zip(summed[:n], summed[n:])]
        return nest.pack_sequence_as(value, summed)

    def gather(self, value, axis):
        """The replicas' values concatenated along `axis`, in rank order."""
        if self._extended._comm.size == 1:
            return nest.map_structure(
                lambda v: v if isinstance(v, TensorLike) else array_ops.constant(v), value)
        return nest.map_structure(lambda v: _gather_along(v, axis, self._extended._group),
                                  value)

    def experimental_distribute_dataset(self, dataset, options=None):
        """This rank's part of every global batch of `dataset` (see ndflow.distribute.input):
        a tf.data Dataset or any iterable of batches (a list of arrays or (x, y) tuples)."""
        if isinstance(dataset, (np.ndarray, TensorLike, dict)) or (
                isinstance(dataset, tuple) and all(isinstance(d, (np.ndarray, TensorLike))
                                                   for d in dataset)):
            raise TypeError("experimental_distribute_dataset: expected a dataset or an "
                            "iterable of batches, received arrays; batch them first, e.g. "
                            "tf.data.Dataset.from_tensor_slices((x, y)).batch(global_batch). "
                            f"Received: {type(dataset).__name__}")
        comm = self._extended._comm
        return _input.DistributedDataset(dataset, comm.rank, comm.size)

    def distribute_datasets_from_function(self, dataset_fn, options=None):
        """`dataset_fn(InputContext)` on this rank; its elements are this rank's batches."""
        comm = self._extended._comm
        ctx = _input.InputContext(comm.size, comm.rank, comm.size)
        return _input.DistributedDataset(dataset_fn(ctx), comm.rank, comm.size, split=False)

    experimental_distribute_datasets_from_function = distribute_datasets_from_function

    def experimental_distribute_values_from_function(self, value_fn):
        comm = self._extended._comm
        return value_fn(ValueContext(comm.rank, comm.size))

    def experimental_local_results(self, value):
        return (value,)

    def __repr__(self):
        return (f"<{type(self).__name__} rank {self._extended._comm.rank} of "
                f"{self.num_replicas_in_sync}>")


class ValueContext:
    """tf.distribute.experimental.ValueContext."""

    def __init__(self, replica_id_in_sync_group=0, num_replicas_in_sync=1):
        self.replica_id_in_sync_group = replica_id_in_sync_group
        self.num_replicas_in_sync = num_replicas_in_sync


def _gather_along(v, axis, group):
    v = v if isinstance(v, TensorLike) else array_ops.constant(v)
    rank = v.shape.rank
    if rank is None:
        raise ValueError("gather: the rank of the value must be known.")
    axis = axis + rank if axis < 0 else axis
    if axis == 0:
        return collective_ops.all_gather(v, group)
    perm = [axis] + [i for i in range(rank) if i != axis]
    inverse = list(np.argsort(perm))
    moved = array_ops.transpose(v, perm)
    return array_ops.transpose(collective_ops.all_gather(moved, group), inverse)


class MultiWorkerMirroredStrategy(Strategy):
    """tf.distribute.MultiWorkerMirroredStrategy: synchronous training over the processes of
    an MPI job (one replica per process; a single process is a one-worker strategy)."""

    def __init__(self, cluster_resolver=None, communication_options=None):
        comm = _comm.world()
        super().__init__(StrategyExtended(self, comm, "world"))
        if communication_options is not None and communication_options.bytes_per_pack:
            self._extended._bytes_per_pack = communication_options.bytes_per_pack
        self._cluster_resolver = cluster_resolver or MPIClusterResolver(comm)


class MirroredStrategy(Strategy):
    """tf.distribute.MirroredStrategy: one replica on this process's device."""

    def __init__(self, devices=None, cross_device_ops=None):
        super().__init__(StrategyExtended(self, _comm.local(), "self"))


class OneDeviceStrategy(Strategy):
    """tf.distribute.OneDeviceStrategy: everything on one device."""

    def __init__(self, device="/cpu:0"):
        self._device = device
        super().__init__(StrategyExtended(self, _comm.local(), "self"))


class _DefaultStrategy(Strategy):
    def __init__(self):
        super().__init__(StrategyExtended(self, _comm.local(), "self"))

    @contextlib.contextmanager
    def scope(self):
        yield self


_default = None


def _default_strategy():
    global _default
    if _default is None:
        _default = _DefaultStrategy()
    return _default


def get_strategy():
    """The strategy whose scope is active, else the default (one-replica) strategy."""
    return state.strategy if state.strategy is not None else _default_strategy()


def has_strategy():
    """Tells whether a non-default distribution strategy is in scope.

    Returns:
      A bool.
    """
    return state.strategy is not None


def in_cross_replica_context():
    """True inside `strategy.scope()` but outside `strategy.run`."""
    if _replica_stack:
        return _replica_stack[-1] is None
    return state.strategy is not None


def get_replica_context():
    """The ReplicaContext inside `strategy.run` (or the default one outside any scope);
    None in a cross-replica context."""
    if _replica_stack:
        return _replica_stack[-1]
    if state.strategy is not None:
        return None
    return ReplicaContext(_default_strategy(), 0)


def get_cross_replica_context():
    """Returns the strategy in cross-replica context, or None inside a replica function.

    Returns:
      The current strategy (the default strategy outside any scope), or None within
      `strategy.run`.
    """
    if _replica_stack:
        return None if _replica_stack[-1] is not None else state.strategy
    return get_strategy()


def experimental_set_strategy(strategy):
    """Makes `strategy` current outside any `with scope()` (None: back to the default)."""
    if strategy is not None and not isinstance(strategy, Strategy):
        raise TypeError(f"experimental_set_strategy: expected a Strategy or None, received "
                        f"{strategy!r}")
    state.strategy = strategy
