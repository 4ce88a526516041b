"""Distributed input: each rank iterates its own part of every global batch.

`experimental_distribute_dataset(dataset)` takes a dataset (or any iterable) that yields
*global* batches and gives each rank the rows `[rank * b / N, (rank + 1) * b / N)` of every
batch, so the union over the ranks of one step's local batches is exactly that step's
global batch, in order (the same training as one process reading the global batch).
`distribute_datasets_from_function(fn)` calls `fn(InputContext)` on each rank; the function
shards and batches its own dataset (`dataset.shard(ctx.num_input_pipelines,
ctx.input_pipeline_id)`, `ctx.get_per_replica_batch_size(global_batch_size)`).
"""
import numpy as np

from ..framework.tensor import EagerTensor, TensorLike
from ..util import nest


class InputContext:
    """tf.distribute.InputContext: which input pipeline this rank runs."""

    def __init__(self, num_input_pipelines=1, input_pipeline_id=0, num_replicas_in_sync=1):
        self.num_input_pipelines = num_input_pipelines
        self.input_pipeline_id = input_pipeline_id
        self.num_replicas_in_sync = num_replicas_in_sync

    def get_per_replica_batch_size(self, global_batch_size):
        """`global_batch_size / num_replicas_in_sync`; raises ValueError if not divisible."""
        if global_batch_size % self.num_replicas_in_sync:
            raise ValueError(f"The `global_batch_size` {global_batch_size} is not divisible by "
                             f"`num_replicas_in_sync` {self.num_replicas_in_sync}")
        return global_batch_size // self.num_replicas_in_sync

    def __repr__(self):
        return (f"tf.distribute.InputContext(input pipeline id {self.input_pipeline_id}, "
                f"total: {self.num_input_pipelines})")


class InputOptions:
    """tf.distribute.InputOptions: accepted; ndflow's input runs on the host."""

    def __init__(self, experimental_fetch_to_device=None, experimental_replication_mode=None,
                 experimental_place_dataset_on_device=False,
                 experimental_per_replica_buffer_size=1):
        self.experimental_fetch_to_device = experimental_fetch_to_device
        self.experimental_replication_mode = experimental_replication_mode
        self.experimental_place_dataset_on_device = experimental_place_dataset_on_device
        self.experimental_per_replica_buffer_size = experimental_per_replica_buffer_size


def local_rows(n, rank, size):
    """The [start, stop) rows of a global batch of `n` rows that `rank` of `size` takes."""
    return rank * n // size, (rank + 1) * n // size


def local_part(element, rank, size):
    """This rank's rows of every component of a global batch (a nested structure)."""
    if size == 1:
        return element
    leaves = nest.flatten(element)
    sized = [x for x in leaves if np.ndim(_arr(x)) > 0]
    if not sized:
        return element
    n = int(np.shape(_arr(sized[0]))[0])
    start, stop = local_rows(n, rank, size)

    def take(x):
        a = _arr(x)
        if np.ndim(a) == 0:
            return x
        if np.shape(a)[0] != n:
            raise ValueError(f"Cannot split a batch over {size} workers: its components have "
                             f"different first dimensions ({n} and {np.shape(a)[0]}).")
        part = a[start:stop]
        return EagerTensor(part) if isinstance(x, TensorLike) else part
    return nest.map_structure(take, element)


def _arr(x):
    if isinstance(x, EagerTensor):
        return x._value
    if isinstance(x, TensorLike):
        return x.numpy()
    return x


class DistributedDataset:
    """What `experimental_distribute_dataset` returns: iterating it yields this rank's part
    of each element of the wrapped dataset (the whole element when `split` is False)."""

    def __init__(self, dataset, rank, size, split=True):
        self._dataset = dataset
        self._rank, self._size, self._split = rank, size, split

    def __iter__(self):
        return DistributedIterator(iter(self._dataset), self._rank, self._size, self._split,
                                   getattr(self._dataset, "element_spec", None))

    @property
    def element_spec(self):
        return getattr(self._dataset, "element_spec", None)

    def __repr__(self):
        return f"<DistributedDataset rank {self._rank} of {self._size}>"


class DistributedIterator:
    """An iterator over a DistributedDataset (`next`, `get_next`, `get_next_as_optional`)."""

    def __init__(self, iterator, rank, size, split, element_spec=None):
        self._iterator = iterator
        self._rank, self._size, self._split = rank, size, split
        self.element_spec = element_spec

    def __iter__(self):
        return self

    def __next__(self):
        element = next(self._iterator)
        return local_part(element, self._rank, self._size) if self._split else element

    def get_next(self):
        try:
            return next(self)
        except StopIteration:
            from ..framework.errors import OutOfRangeError
            raise OutOfRangeError("End of sequence") from None

    def get_next_as_optional(self):
        from ..data.optional import Optional
        try:
            return Optional.from_value(next(self))
        except StopIteration:
            return Optional.empty(self.element_spec)
