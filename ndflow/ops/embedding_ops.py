"""tf.nn.embedding_lookup: rows of an embedding table (or of a table split in shards)."""
from ..util.export import export_many
from . import math_ops as M
from .array_ops import cast, convert_to_tensor
from .clip_ops import clip_by_norm
from .indexing_ops import gather
from .join_ops import concat


def _shard_rows(params):
    rows = []
    for i, p in enumerate(params):
        n = p.shape.as_list()[0] if p.shape.rank else None
        if n is None:
            raise ValueError(f"embedding_lookup: the number of rows of shard {i} must be known "
                             f"to look up a sharded table. Received: shape {p.shape}")
        rows.append(n)
    return rows


def _positions(ids, rows, partition_strategy):
    """Where each id's row lies in the shards concatenated in order: TensorFlow's "mod"
    (id p goes to shard p % n, row p // n) or "div" (contiguous blocks, the first
    `total % n` shards one row longer) assignment."""
    n, total = len(rows), sum(rows)
    offsets = convert_to_tensor([sum(rows[:i]) for i in range(n)], dtype=ids.dtype)
    if partition_strategy == "mod":
        shard, row = M.floormod(ids, n), M.floordiv(ids, n)
    elif partition_strategy == "div":
        per, extras = total // n, total % n
        long_block = per + 1
        shard = M.maximum(M.floordiv(ids, long_block),
                          M.floordiv(ids - extras, per) if per else ids * 0)
        in_long = M.less(shard, extras)
        row = M.floormod(ids, long_block) * cast(in_long, ids.dtype) + (
            M.floormod(ids - extras, per) if per else ids * 0) * cast(
                M.logical_not(in_long), ids.dtype)
    else:
        raise ValueError(f"embedding_lookup: partition_strategy must be 'mod' or 'div'. "
                         f"Received: {partition_strategy!r}")
    return gather(offsets, shard) + row


def embedding_lookup_v1(params, ids, partition_strategy="mod", name=None,
                        validate_indices=True, max_norm=None):
    """Looks up the rows `ids` of the embedding table `params`.

    Args:
      params: A tensor (or variable) of shape `[vocabulary, ...]`, or a list of them: the
        table split in shards along its first axis, assigned as `partition_strategy` says.
      ids: An int32 or int64 tensor of row ids, of any shape.
      partition_strategy: `"mod"` (row `i` in shard `i % len(params)`) or `"div"` (shards
        hold contiguous blocks of rows). Only used for a list of several shards.
      name: A name for the operation (optional).
      validate_indices: Ignored (ids out of range are always an error).
      max_norm: If given, each looked-up embedding with an L2 norm above it is rescaled to
        that norm.

    Returns:
      A tensor of shape `ids.shape + params.shape[1:]`.

    Raises:
      ValueError: `params` is empty, shards of unknown size, or a bad `partition_strategy`.
    """
    del validate_indices
    shards = list(params) if isinstance(params, (list, tuple)) else [params]
    if not shards:
        raise ValueError("embedding_lookup: params must hold at least one tensor. "
                         "Received: an empty list")
    ids = convert_to_tensor(ids)
    if not ids.dtype.is_integer:
        raise TypeError(f"embedding_lookup: ids must be integers. Received: {ids.dtype.name}")
    if len(shards) == 1:
        out = gather(shards[0], ids, name=None if max_norm else name)
    else:
        shards = [convert_to_tensor(s) for s in shards]
        table = concat(shards, axis=0)
        out = gather(table, _positions(ids, _shard_rows(shards), partition_strategy),
                     name=None if max_norm else name)
    if max_norm is None:
        return out
    if ids.shape.rank is None or out.shape.rank is None:
        raise ValueError("embedding_lookup: max_norm needs ids and params of known rank.")
    axes = list(range(ids.shape.rank, out.shape.rank)) or None
    return clip_by_norm(out, max_norm, axes=axes, name=name)


def embedding_lookup(params, ids, max_norm=None, name=None):
    """Looks up the rows `ids` of the embedding table `params` (TensorFlow 2's signature:
    a list of shards is read with the "div" strategy). See `embedding_lookup_v1`."""
    return embedding_lookup_v1(params, ids, "div", name, max_norm=max_norm)


export_many("nn", {"embedding_lookup": embedding_lookup})
export_many("v1.nn", {"embedding_lookup": embedding_lookup_v1})
