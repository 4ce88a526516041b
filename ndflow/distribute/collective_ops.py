"""Collective ops: allreduce, allgather and broadcast across the ranks of an MPI job.

They are registered ops like any other, so they run eagerly, inside `tf.function` (Keras's
compiled train step) and in TF1 Sessions. They are stateful host ops: never folded, merged
or skipped, and every rank must run the same collectives in the same order (the same
program does). A fused op takes a list of tensors and reduces them in a few flat buffers.
The attribute `group` names the communicator: "world" (every rank) or "self" (this process,
for single-worker strategies).
"""
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape
from ..ops import array_ops, math_ops
from . import _comm


def communicator(group):
    if group == "world":
        return _comm.world()
    if group == "self":
        return _comm.local()
    raise ValueError(f"Unknown communicator group {group!r}; expected 'world' or 'self'.")


def _same_specs(ts, attrs):
    return [(t.shape, t.dtype) for t in ts]


@op("CollectiveAllReduce", multi_output=True, stateful=True, host=True, infer=_same_specs)
def ALL_REDUCE(xp, *xs, reduction="sum", group="world"):
    return communicator(group).allreduce(list(xs), reduction)


@ALL_REDUCE.gradient
def _all_reduce_grad(o, *grads):
    # the sum (mean) over ranks is linear: each rank's input gets the sum (mean) of the
    # ranks' output gradients
    reduction = o.attrs.get("reduction", "sum")
    if reduction not in ("sum", "mean"):
        return [None] * len(grads)
    grads = [array_ops.zeros_like(x) if g is None else g for g, x in zip(grads, o.inputs)]
    return execute(ALL_REDUCE, tuple(grads), dict(o.attrs), "CollectiveAllReduceGrad")


@op("CollectiveBroadcast", multi_output=True, stateful=True, host=True, differentiable=False,
    infer=_same_specs)
def BROADCAST(xp, *xs, root=0, group="world"):
    return communicator(group).broadcast(list(xs), root)


def _gather_infer(ts, attrs):
    t = ts[0]
    if t.shape.rank is None:
        return [(TensorShape(None), t.dtype)]
    return [(TensorShape([None] + t.shape.as_list()[1:]), t.dtype)]


@op("CollectiveAllGather", stateful=True, host=True, infer=_gather_infer)
def ALL_GATHER(xp, x, group="world"):
    return communicator(group).allgather(x)


@ALL_GATHER.gradient
def _all_gather_grad(o, grad):
    # every rank's rows of the gathered tensor fed every rank's loss: sum the gradients over
    # ranks, then keep this rank's rows
    x = o.inputs[0]
    group = o.attrs.get("group", "world")
    comm = communicator(group)
    total = execute(ALL_REDUCE, (grad,), {"reduction": "sum", "group": group},
                    "CollectiveAllGatherGrad")[0]
    if comm.size == 1:
        return [total]
    rows = array_ops.shape(x, out_type="int64")[:1]
    counts = execute(ALL_GATHER, (rows,), {"group": group})
    start = math_ops.reduce_sum(counts[:comm.rank])
    from ..ops.creation_ops import range as _range
    from ..ops.indexing_ops import gather
    return [gather(total, _range(start, start + rows[0]))]


def all_reduce(tensors, reduction="sum", group="world", name=None):
    """The elementwise `reduction` of each tensor over the group's ranks (fused)."""
    tensors = list(tensors)
    if not tensors:
        return []
    return list(execute(ALL_REDUCE, tuple(tensors), {"reduction": reduction, "group": group},
                        name or "CollectiveAllReduce"))


def broadcast(tensors, root=0, group="world", name=None):
    """Each tensor's value on rank `root`, on every rank (fused)."""
    tensors = list(tensors)
    if not tensors:
        return []
    communicator(group)._check_root(root)
    return list(execute(BROADCAST, tuple(tensors), {"root": int(root), "group": group},
                        name or "CollectiveBroadcast"))


def all_gather(tensor, group="world", name=None):
    """The ranks' tensors concatenated along axis 0, in rank order."""
    return execute(ALL_GATHER, (tensor,), {"group": group}, name or "CollectiveAllGather")
