"""A Horovod-compatible API (`horovod.tensorflow`) on ndflow's MPI collectives.

    import ndflow.horovod as hvd          # instead of `import horovod.tensorflow as hvd`
    hvd.init()
    opt = hvd.DistributedOptimizer(tf.train.AdamOptimizer(0.001 * hvd.size()))
    hooks = [hvd.BroadcastGlobalVariablesHook(0)]

Every rank runs the same program; collectives (allreduce, allgather, broadcast) are graph
ops, so they run eagerly, in tf.function and in TF1 Sessions. The gradients of a
DistributedOptimizer or DistributedGradientTape are reduced in one fused allreduce. Keras
programs use `ndflow.horovod.keras`.
"""
import enum as _enum
import types as _types

from ..framework.graph import graph_for_building
from ..framework.tensor import TensorLike
from ..distribute import _comm
from ..distribute import collective_ops as _ops

_initialized = False


class ReduceOp(_enum.Enum):
    """How `allreduce` combines the tensors of all processes: Average, Sum, Adasum, Min, Max or
    Product.
    """
    Average = "mean"
    Sum = "sum"
    Adasum = "adasum"
    Min = "min"
    Max = "max"
    Product = "prod"


Average, Sum, Adasum = ReduceOp.Average, ReduceOp.Sum, ReduceOp.Adasum
Min, Max, Product = ReduceOp.Min, ReduceOp.Max, ReduceOp.Product


class _NoCompression:
    """Compression.none: tensors travel as they are."""
    @staticmethod
    def compress(tensor):
        return tensor, None

    @staticmethod
    def decompress(tensor, ctx):
        return tensor


class _FP16Compression:
    """Compression.fp16: floating tensors travel as float16 (half the bytes)."""
    @staticmethod
    def compress(tensor):
        from ..ops import math_ops
        if tensor.dtype.is_floating and tensor.dtype.name != "float16":
            return math_ops.cast(tensor, "float16"), tensor.dtype
        return tensor, None

    @staticmethod
    def decompress(tensor, ctx):
        from ..ops import math_ops
        return tensor if ctx is None else math_ops.cast(tensor, ctx)


Compression = _types.SimpleNamespace(none=_NoCompression, fp16=_FP16Compression)


# --- the job ---------------------------------------------------------------------------------

def init(comm=None, process_sets=None):
    """Joins the MPI job (idempotent). `comm` other than COMM_WORLD is not supported."""
    global _initialized
    if comm is not None and not isinstance(comm, (list, tuple)):
        MPI = _comm.mpi_module()
        if comm != MPI.COMM_WORLD:
            raise NotImplementedError("ndflow.horovod runs on MPI.COMM_WORLD only.")
    _comm.world()
    _initialized = True


def shutdown():
    """Marks Horovod as shut down; `init()` must be called again before collectives."""
    global _initialized
    _initialized = False


def is_initialized():
    """Tells whether `init()` has been called (and not `shutdown()`).

    Returns:
      A bool.
    """
    return _initialized


def _world():
    if not _initialized:
        raise ValueError("Horovod has not been initialized; use hvd.init().")
    return _comm.world()


def rank():
    """Returns this process's rank in the job: 0 .. size() - 1 (rank 0 writes files).

    Returns:
      An int.

    Raises:
      ValueError: If `init()` has not been called.
    """
    return _world().rank


def size():
    """Returns the number of processes in the job.

    Returns:
      An int.

    Raises:
      ValueError: If `init()` has not been called.
    """
    return _world().size


def local_rank():
    """Returns this process's rank among the processes on its host.

    Returns:
      An int (use it to pick a GPU).

    Raises:
      ValueError: If `init()` has not been called.
    """
    return _world().local_rank


def local_size():
    """Returns the number of processes on this process's host.

    Returns:
      An int.

    Raises:
      ValueError: If `init()` has not been called.
    """
    return _world().local_size


def cross_size():
    """How many hosts the job spans."""
    return len(set(_world().hosts))


def cross_rank():
    """Returns the index of this process's host among the job's hosts.

    Returns:
      An int.

    Raises:
      ValueError: If `init()` has not been called.
    """
    hosts = list(dict.fromkeys(_world().hosts))
    return hosts.index(_world().hosts[_world().rank])


def is_homogeneous():
    """Tells whether every host runs the same number of processes.

    Returns:
      A bool.

    Raises:
      ValueError: If `init()` has not been called.
    """
    hosts = _world().hosts
    counts = {h: hosts.count(h) for h in hosts}
    return len(set(counts.values())) == 1


def mpi_enabled():
    """Tells whether the job runs over MPI (more than one process, or started by an MPI launcher).

    Returns:
      A bool.

    Raises:
      ValueError: If `init()` has not been called.
    """
    return _world().size > 1 or _comm.launched_by_mpi()


def mpi_built():
    """Tells whether MPI is available (mpi4py imports).

    Returns:
      A bool.
    """
    try:
        _comm.mpi_module()
        return True
    except ImportError:
        return False


def gloo_enabled():
    """Tells whether the Gloo controller is in use: always False (ndflow uses MPI).

    Returns:
      False.
    """
    return False


gloo_built = gloo_enabled


def nccl_built():
    """Tells whether NCCL support is built in: always 0 in ndflow.

    Returns:
      0.
    """
    return 0


def mpi_threads_supported():
    """Tells whether MPI multi-threading is supported: False in ndflow.

    Returns:
      False.
    """
    return False


def barrier(process_set=None):
    """Blocks until every process of the job reaches this call.

    Args:
      process_set: Accepted for Horovod compatibility (the whole job is used).

    Raises:
      ValueError: If `init()` has not been called.
    """
    _world().barrier()


# --- collectives -----------------------------------------------------------------------------

def _reduction(average, op):
    if average is not None and op is not None:
        raise ValueError("The op parameter supersedes average; set only one of them.")
    if op is None:
        op = Sum if average is False else Average
    if isinstance(op, str):
        op = {"average": Average, "mean": Average, "sum": Sum, "min": Min, "max": Max,
              "product": Product}.get(op.lower(), op)
    if op is Adasum:
        raise NotImplementedError("Adasum is not supported by ndflow.horovod; use Average.")
    if not isinstance(op, ReduceOp):
        raise ValueError(f"op must be one of hvd.Average, hvd.Sum, hvd.Min, hvd.Max, "
                         f"hvd.Product; received: {op!r}")
    return op.value


def _dense(t):
    from ..framework.constant_op import convert_to_tensor
    return t if isinstance(t, TensorLike) else convert_to_tensor(t)


def grouped_allreduce(tensors, average=None, device_dense="", device_sparse="",
                      compression=Compression.none, op=None, prescale_factor=1.0,
                      postscale_factor=1.0, process_set=None, name=None):
    """Reduces each tensor over the ranks in one fused collective (default: the average).

    Args:
      tensors: a list of tensors (or IndexedSlices, reduced dense).
      op: hvd.Average (default), hvd.Sum, hvd.Min, hvd.Max or hvd.Product.
      compression: Compression.none or Compression.fp16.
      prescale_factor, postscale_factor: multiply before / after the reduction.
    Returns:
      the reduced tensors, in order.
    """
    reduction = _reduction(average, op)
    comm = _world()
    tensors = [_dense(t) for t in tensors]
    if prescale_factor != 1.0:
        tensors = [t * prescale_factor for t in tensors]
    packed = [compression.compress(t) for t in tensors]
    out = _ops.all_reduce([p for p, _ in packed], reduction, "world", name) \
        if comm.size > 1 or graph_for_building() is not None else [p for p, _ in packed]
    out = [compression.decompress(o, ctx) for o, (_, ctx) in zip(out, packed)]
    if postscale_factor != 1.0:
        out = [o * postscale_factor for o in out]
    return out


def allreduce(tensor, average=None, device_dense="", device_sparse="",
              compression=Compression.none, op=None, prescale_factor=1.0,
              postscale_factor=1.0, name=None, process_set=None):
    """`tensor` reduced over the ranks (default: averaged); see grouped_allreduce."""
    return grouped_allreduce([tensor], average, compression=compression, op=op,
                             prescale_factor=prescale_factor,
                             postscale_factor=postscale_factor, name=name)[0]


def allgather(tensor, name=None, ignore_name_scope=False, process_set=None):
    """The ranks' tensors concatenated along the first dimension, in rank order (their
    first dimensions may differ). Differentiable."""
    _world()
    return _ops.all_gather(_dense(tensor), "world", name)


def broadcast(tensor, root_rank, name=None, ignore_name_scope=False, process_set=None):
    """Rank `root_rank`'s value of `tensor`, on every rank."""
    _world()
    return _ops.broadcast([_dense(tensor)], root_rank, "world", name)[0]


def broadcast_variables(variables, root_rank, process_set=None, inplace=False):
    """Assigns every variable rank `root_rank`'s value of it. Eagerly it is done at once;
    in a graph it returns the op doing it (one fused broadcast)."""
    from ..framework.ordering import group
    variables = list(variables)
    _world()
    if not variables:
        return None if graph_for_building() is None else group()
    values = _ops.broadcast([v.read_value() for v in variables], root_rank, "world",
                            "BroadcastVariables")
    assigns = [v.assign(value) for v, value in zip(variables, values)]
    if graph_for_building() is None:
        return None
    return group(*assigns, name="broadcast_variables")


def broadcast_global_variables(root_rank):
    """The TF1 op assigning every global variable rank `root_rank`'s value."""
    from ..framework.context import executing_eagerly
    from ..ops.variable_collections import global_variables
    if executing_eagerly() and graph_for_building() is None:
        raise RuntimeError("hvd.broadcast_global_variables() does not support eager "
                           "execution. Please use `hvd.broadcast_variables(<model/optimizer "
                           "variables>)` instead.")
    return broadcast_variables(global_variables(), root_rank)


class BroadcastGlobalVariablesHook:
    """A TF1 session hook broadcasting the global variables from `root_rank` once the
    session is created (after the variables are initialized). With a plain Session:

        hook = hvd.BroadcastGlobalVariablesHook(0)
        hook.begin()                       # while building the graph
        sess.run(tf.global_variables_initializer())
        hook.after_create_session(sess, None)
    """

    def __init__(self, root_rank, device=""):
        self.root_rank = root_rank
        self.bcast_op = None
        self._graph = None

    def begin(self):
        from ..framework.graph import get_default_graph
        graph = get_default_graph()
        if self.bcast_op is None or self._graph is not graph:
            with graph.as_default():
                self.bcast_op = broadcast_global_variables(self.root_rank)
            self._graph = graph

    def after_create_session(self, session, coord=None):
        if self.bcast_op is None:
            self.begin()
        session.run(self.bcast_op)

    def before_run(self, run_context):
        return None

    def after_run(self, run_context, run_values):
        pass

    def end(self, session):
        pass


# --- gradients -------------------------------------------------------------------------------

def _reduce_gradients(grads, op, compression, prescale=1.0, postscale=1.0):
    present = [i for i, g in enumerate(grads) if g is not None]
    if not present:
        return list(grads)
    reduced = grouped_allreduce([grads[i] for i in present], op=op, compression=compression,
                                prescale_factor=prescale, postscale_factor=postscale,
                                name="DistributedGradients")
    out = list(grads)
    for i, r in zip(present, reduced):
        out[i] = r
    return out


def _predivide(op, factor):
    """Horovod's gradient_predivide_factor: divide by `factor` before summing and by
    size / factor after (the average is unchanged)."""
    if factor == 1.0:
        return op, 1.0, 1.0
    if op is not Average and op is not None:
        raise ValueError("gradient_predivide_factor not supported with op != Average")
    return Sum, 1.0 / factor, factor / size()


class DistributedGradientTape:
    """Wraps a GradientTape: `gradient()` returns the gradients reduced over the ranks
    (averaged by default) in one fused allreduce."""

    def __init__(self, gradtape, device_dense="", device_sparse="",
                 compression=Compression.none, sparse_as_dense=False, op=Average,
                 gradient_predivide_factor=1.0, num_groups=0, groups=None, process_set=None):
        _world()
        self._tape = gradtape
        self._compression = compression
        self._op, self._pre, self._post = _predivide(op, gradient_predivide_factor)

    def gradient(self, target, sources, output_gradients=None, unconnected_gradients=None):
        kwargs = {} if unconnected_gradients is None else \
            {"unconnected_gradients": unconnected_gradients}
        grads = self._tape.gradient(target, sources, output_gradients=output_gradients,
                                    **kwargs)
        from ..util import nest
        flat = nest.flatten(grads) if not isinstance(grads, TensorLike) else [grads]
        reduced = _reduce_gradients(flat, self._op, self._compression, self._pre, self._post)
        if isinstance(grads, TensorLike) or grads is None:
            return reduced[0]
        return nest.pack_sequence_as(grads, reduced)

    def __getattr__(self, name):  # watch, stop_recording, watched_variables, ...
        return getattr(self._tape, name)

    def __enter__(self):
        self._tape.__enter__()
        return self

    def __exit__(self, *exc):
        return self._tape.__exit__(*exc)


def DistributedOptimizer(optimizer, name=None, use_locking=False, device_dense="",
                         device_sparse="", compression=Compression.none,
                         sparse_as_dense=False, backward_passes_per_step=1, op=Average,
                         gradient_predivide_factor=1.0, average_aggregated_gradients=False,
                         num_groups=0, groups=None, process_set=None):
    """An optimizer whose gradients are reduced over the ranks (averaged by default) before
    they are applied: a TF1 `tf.train.Optimizer` (compute_gradients reduces) or a Keras
    optimizer (apply / apply_gradients reduce)."""
    _world()
    if backward_passes_per_step != 1:
        raise NotImplementedError("backward_passes_per_step > 1 (local gradient aggregation) "
                                  "is not supported by ndflow.horovod.")
    from ..train.optimizer import Optimizer as V1Optimizer
    if isinstance(optimizer, V1Optimizer):
        return _DistributedV1Optimizer(optimizer, name, compression, op,
                                       gradient_predivide_factor)
    from ._keras_optimizer import distributed_keras_optimizer
    return distributed_keras_optimizer(optimizer, name, compression, op,
                                       gradient_predivide_factor)


from ..train.optimizer import Optimizer as _V1Optimizer  # noqa: E402


class _DistributedV1Optimizer(_V1Optimizer):
    """Wraps a TF1 optimizer: compute_gradients reduces the gradients over the ranks; the
    update itself (slots, apply_gradients) is the wrapped optimizer's."""

    def __init__(self, optimizer, name, compression, op, predivide):
        super().__init__(name=name or f"Distributed{type(optimizer).__name__}")
        self._optimizer = optimizer
        self._compression = compression
        self._op, self._pre, self._post = _predivide(op, predivide)

    def compute_gradients(self, *args, **kwargs):
        pairs = self._optimizer.compute_gradients(*args, **kwargs)
        grads = _reduce_gradients([g for g, _ in pairs], self._op, self._compression,
                                  self._pre, self._post)
        return list(zip(grads, [v for _, v in pairs]))

    def apply_gradients(self, *args, **kwargs):
        return self._optimizer.apply_gradients(*args, **kwargs)

    def get_slot(self, *args, **kwargs):
        return self._optimizer.get_slot(*args, **kwargs)

    def get_slot_names(self, *args, **kwargs):
        return self._optimizer.get_slot_names(*args, **kwargs)

    def variables(self, *args, **kwargs):
        return self._optimizer.variables(*args, **kwargs)


__all__ = ["init", "shutdown", "is_initialized", "rank", "size", "local_rank", "local_size",
           "cross_rank", "cross_size", "is_homogeneous", "allreduce", "grouped_allreduce",
           "allgather", "broadcast", "broadcast_variables", "broadcast_global_variables",
           "BroadcastGlobalVariablesHook", "DistributedOptimizer", "DistributedGradientTape",
           "Compression", "Average", "Sum", "Adasum", "Min", "Max", "Product", "barrier",
           "mpi_enabled", "mpi_built", "gloo_enabled", "gloo_built", "nccl_built",
           "mpi_threads_supported", "ReduceOp"]
