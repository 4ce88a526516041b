"""tf.nn.compute_average_loss and tf.nn.scale_regularization_loss: losses of one replica
scaled so that summing the replicas' gradients (what optimizers do in `strategy.run`) gives
the gradient of the loss averaged over the global batch."""
from ..framework.constant_op import convert_to_tensor
from ..ops import array_ops, math_ops
from .strategy import get_strategy


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """`sum(per_example_loss * sample_weight) / global_batch_size`.

    Args:
      per_example_loss: the replica's per-example losses (first dimension: its batch).
      sample_weight: optional weights broadcastable to `per_example_loss`.
      global_batch_size: the batch over all replicas (default: this replica's batch size
        times `num_replicas_in_sync`).
    Returns:
      a scalar of the loss's dtype.
    """
    loss = convert_to_tensor(per_example_loss)
    if not loss.dtype.is_floating:
        raise TypeError(f"compute_average_loss: per_example_loss must be floating point; "
                        f"received dtype {loss.dtype.name}")
    if sample_weight is not None:
        loss = loss * math_ops.cast(sample_weight, loss.dtype)
    if global_batch_size is None:
        n = get_strategy().num_replicas_in_sync
        local = array_ops.shape(loss)[0] if loss.shape.rank else 1
        global_batch_size = math_ops.cast(local, loss.dtype) * float(n)
    else:
        if isinstance(global_batch_size, (int, float)) and global_batch_size <= 0:
            raise ValueError(f"compute_average_loss: global_batch_size must be positive, "
                             f"received {global_batch_size}")
        global_batch_size = math_ops.cast(global_batch_size, loss.dtype)
    return math_ops.reduce_sum(loss) / global_batch_size


def scale_regularization_loss(regularization_loss):
    """The summed regularization losses divided by `num_replicas_in_sync`."""
    if isinstance(regularization_loss, (list, tuple)):
        regularization_loss = math_ops.add_n([convert_to_tensor(t) for t in regularization_loss])
    loss = convert_to_tensor(regularization_loss)
    return loss / float(get_strategy().num_replicas_in_sync)
