"""tfa.seq2seq.loss: `sequence_loss` and the Keras loss `SequenceLoss`."""
from ...compat.rnn import sequence_loss
from ...keras.losses import Loss


class SequenceLoss(Loss):
    """tfa.seq2seq.SequenceLoss: `sequence_loss` of `[batch, time, classes]` logits
    against `[batch, time]` ids, as a Keras loss (`sample_weight` the `[batch, time]`
    weights, ones by default).

    Args:
      average_across_timesteps, average_across_batch, sum_over_timesteps, sum_over_batch,
        softmax_loss_function: as in `sequence_loss`.
    """

    def __init__(self, average_across_timesteps=False, average_across_batch=False,
                 sum_over_timesteps=True, sum_over_batch=True, softmax_loss_function=None,
                 name="sequence_loss"):
        super().__init__(name=name, reduction="none")
        self._flags = dict(average_across_timesteps=average_across_timesteps,
                           average_across_batch=average_across_batch,
                           sum_over_timesteps=sum_over_timesteps,
                           sum_over_batch=sum_over_batch,
                           softmax_loss_function=softmax_loss_function)

    def __call__(self, y_true, y_pred, sample_weight=None):
        import ndflow
        if sample_weight is None:
            sample_weight = ndflow.ones(ndflow.shape(y_true)[:2], dtype=y_pred.dtype)
        return sequence_loss(y_pred, y_true, sample_weight, **self._flags)

    def call(self, y_true, y_pred):
        return self(y_true, y_pred)
