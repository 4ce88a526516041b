"""keras.ops.nn: activations, normalization, losses and convolutions, Keras's arguments."""
import ndflow as tf

from ._dtypes import as_float, tensor


def relu(x):
    return tf.nn.relu(tensor(x))


def relu6(x):
    return tf.nn.relu6(tensor(x))


def sigmoid(x):
    return tf.sigmoid(as_float(x))


def softplus(x):
    return tf.nn.softplus(as_float(x))


def softsign(x):
    return tf.nn.softsign(as_float(x))


def silu(x):
    x = as_float(x)
    return x * tf.sigmoid(x)


swish = silu


def log_sigmoid(x):
    return -tf.nn.softplus(-as_float(x))


def leaky_relu(x, negative_slope=0.2):
    return tf.nn.leaky_relu(as_float(x), alpha=negative_slope)


def hard_sigmoid(x):
    return tf.clip_by_value(as_float(x) / 6.0 + 0.5, 0.0, 1.0)


def hard_silu(x):
    x = as_float(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def elu(x, alpha=1.0):
    x = as_float(x)
    return tf.where(x > 0, x, alpha * (tf.exp(x) - 1))


def selu(x):
    return tf.nn.selu(as_float(x))


def gelu(x, approximate=True):
    """GELU; Keras's op defaults to the tanh approximation (the layer activation does not)."""
    return tf.nn.gelu(as_float(x), approximate=approximate)


def softmax(x, axis=-1):
    return tf.nn.softmax(as_float(x), axis=axis)


def log_softmax(x, axis=-1):
    return tf.nn.log_softmax(as_float(x), axis=axis)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    return tf.one_hot(tf.cast(x, "int32"), num_classes, axis=axis, dtype=dtype or "float32")


def multi_hot(inputs, num_classes, axis=-1, dtype=None, sparse=False):
    hot = one_hot(inputs, num_classes, axis=axis, dtype=dtype)
    reduce_axis = -2 if axis == -1 else axis + 1 if axis >= 0 else axis - 1
    return tf.reduce_max(hot, axis=reduce_axis) if tensor(inputs).shape.rank > 1 else hot


def moments(x, axes, keepdims=False, synchronized=False):
    return tf.nn.moments(as_float(x), axes=list(axes), keepdims=keepdims)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x = as_float(x)
    shape = [1] * x.shape.rank
    shape[axis] = -1

    def shaped(v):
        return None if v is None else tf.reshape(tensor(v), shape)
    return tf.nn.batch_normalization(x, shaped(mean), shaped(variance), shaped(offset),
                                     shaped(scale), epsilon)


def normalize(x, axis=-1, order=2):
    return tf.math.l2_normalize(as_float(x), axis=axis) if order == 2 else \
        as_float(x) / tf.norm(as_float(x), ord=order, axis=axis, keepdims=True)


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary cross-entropy (no mean over the last axis, as Keras's op)."""
    target, output = tensor(target, "float32"), as_float(output)
    if from_logits:
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    eps = 1e-7
    output = tf.clip_by_value(output, eps, 1.0 - eps)
    return -(target * tf.math.log(output) + (1.0 - target) * tf.math.log(1.0 - output))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    from .. import losses
    return losses.categorical_crossentropy(target, as_float(output), from_logits=from_logits,
                                           axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    from .. import losses
    return losses.sparse_categorical_crossentropy(target, as_float(output),
                                                  from_logits=from_logits, axis=axis)


def _padding(padding):
    return padding.upper()


def _channels_last(data_format):
    return data_format in (None, "channels_last")


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-d convolution of channels-last `inputs` with a `(*spatial, in, out)` kernel."""
    if not _channels_last(data_format):
        raise NotImplementedError("keras.ops.conv: only channels_last inputs are supported.")
    inputs, kernel = as_float(inputs), tensor(kernel)
    rank = inputs.shape.rank - 2
    fn = {1: tf.nn.conv1d, 2: tf.nn.conv2d, 3: tf.nn.conv3d}[rank]
    return fn(inputs, kernel, strides, _padding(padding), dilations=dilation_rate)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    strides = [1, strides, strides, 1] if isinstance(strides, int) else [1, *strides, 1]
    return tf.nn.depthwise_conv2d(as_float(inputs), kernel, strides, _padding(padding),
                                  dilations=dilation_rate if isinstance(dilation_rate, (
                                      list, tuple)) else [dilation_rate] * 2)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return tf.nn.max_pool(as_float(inputs), pool_size, strides or pool_size, _padding(padding))


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return tf.nn.avg_pool(as_float(inputs), pool_size, strides or pool_size, _padding(padding))


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """CTC loss per sample of `[batch, frames, classes]` logits; `mask_index` is the blank."""
    from ...ops.ctc_ops import ctc_loss as _ctc_loss
    return _ctc_loss(target, as_float(output), target_length, output_length,
                     logits_time_major=False, blank_index=mask_index)


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    """CTC decoding of `[batch, frames, classes]` scores, greedy or by beam search.

    `mask_index` is the blank; `merge_repeated` applies to greedy decoding (beam search
    merges repeats by the CTC rule only). Beam search treats the scores as logits.

    Returns:
      `(decoded, scores)`: `[top_paths, batch, frames]` int32 labels padded with -1 (one
      path for greedy), and `[batch, top_paths]` scores: minus the sum of each frame's best
      score (greedy) or the log probabilities of the paths (beam search).
    """
    from ...ops.ctc_beam_search import ctc_beam_search_decoder
    from ...ops.ctc_ops import ctc_greedy_decoder, padded_decoding
    inputs = as_float(inputs)
    time_major = tf.transpose(inputs, [1, 0, 2])
    if strategy == "greedy":
        decoded, scores = ctc_greedy_decoder(time_major, sequence_lengths,
                                             merge_repeated=merge_repeated,
                                             blank_index=mask_index)
    elif strategy == "beam_search":
        classes = inputs.shape[-1]
        if mask_index is not None:  # the decoder's blank is the last class
            mask_index %= classes
            time_major = tf.concat([time_major[..., :mask_index], time_major[..., mask_index + 1:],
                                    time_major[..., mask_index:mask_index + 1]], axis=-1)
        decoded, scores = ctc_beam_search_decoder(time_major, sequence_lengths, beam_width,
                                                  top_paths)
    else:
        raise ValueError(f"keras.ops.ctc_decode: strategy must be 'greedy' or 'beam_search', "
                         f"got {strategy!r}.")
    dense = tf.cast(tf.stack([padded_decoding(d, tf.shape(inputs)[:2]) for d in decoded]),
                    "int32")
    if strategy == "beam_search" and mask_index is not None:  # labels back to their columns
        dense = tf.where(dense >= mask_index, dense + 1, dense)
    return dense, scores


__all__ = ["ctc_loss", "ctc_decode", "relu", "relu6", "sigmoid", "softplus", "softsign", "silu",
           "swish", "log_sigmoid", "leaky_relu", "hard_sigmoid", "hard_silu", "hard_swish", "elu", "selu", "gelu",
           "softmax", "log_softmax", "one_hot", "multi_hot", "moments", "batch_normalization",
           "normalize", "binary_crossentropy", "categorical_crossentropy",
           "sparse_categorical_crossentropy", "conv", "depthwise_conv", "max_pool",
           "average_pool"]
