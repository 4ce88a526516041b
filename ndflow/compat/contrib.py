"""tf.contrib.layers and tf.contrib.framework: the TF 1.x contrib names classic programs use.

`fully_connected` and `conv2d` default to a ReLU and Xavier weights, named
`<scope>/weights` and `<scope>/biases` (scopes `fully_connected`, `Conv`, made unique like
TF1's); `batch_norm` defaults to `is_training=True`, `decay=0.999`, no scale and updates in
UPDATE_OPS; `dropout` takes `keep_prob`; the regularizers return functions of a weight.
(tf.contrib.rnn and seq2seq live in ndflow/compat/rnn.py.)
"""
import contextlib
import functools
import math
import numbers
import threading

from ..framework import dtypes
from ..framework.graph import get_default_graph, graph_for_building
from ..framework.ordering import control_dependencies
from ..initializers import (Initializer, _fans, ones_initializer, random_uniform_initializer,
                            truncated_normal_initializer, zeros_initializer)
from ..ops import array_ops as A
from ..ops import math_ops as M
from ..ops import conv_ops, embedding_ops, nn_ops, pooling_ops
from ..ops.clip_ops import clip_by_global_norm
from ..ops.linalg_ops import matmul, tensordot
from ..ops.normalization_ops import batch_normalization
from .. import train as _train
from ..train.optimizer import Optimizer
from . import layers as L
from . import variable_scope as vs

UPDATE_OPS = "update_ops"
REGULARIZATION_LOSSES = "regularization_losses"
WEIGHTS, MODEL_VARIABLES = "weights", "model_variables"


def _graph():
    return graph_for_building() or get_default_graph()


# --- initializers --------------------------------------------------------------------------------

class variance_scaling_initializer(Initializer):
    """tf.contrib.layers.variance_scaling_initializer: variance `factor / n` where n is
    FAN_IN, FAN_OUT or FAN_AVG; `uniform` draws from [-sqrt(3 factor / n), +...], else a
    normal truncated at two standard deviations of stddev sqrt(1.3 factor / n)."""

    def __init__(self, factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                 dtype=dtypes.float32):
        if mode not in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
            raise TypeError(f"Unknown mode {mode} [FAN_IN, FAN_OUT, FAN_AVG]")
        if not dtypes.as_dtype(dtype).is_floating:
            raise TypeError("Cannot create initializer for non-floating point type.")
        self.factor, self.mode, self.uniform = float(factor), mode, bool(uniform)
        self.seed, self.dtype = seed, dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        fan_in, fan_out = _fans(list(shape))
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[
            self.mode]
        dtype = dtype or self.dtype
        if self.uniform:
            limit = math.sqrt(3.0 * self.factor / n)
            return random_uniform_initializer(-limit, limit, self.seed, dtype)(shape, dtype)
        stddev = math.sqrt(1.3 * self.factor / n)
        return truncated_normal_initializer(0.0, stddev, self.seed, dtype)(shape, dtype)


def xavier_initializer(uniform=True, seed=None, dtype=dtypes.float32):
    """Glorot & Bengio's initializer: variance_scaling_initializer(1.0, 'FAN_AVG', uniform)."""
    return variance_scaling_initializer(1.0, "FAN_AVG", uniform, seed, dtype)


xavier_initializer_conv2d = xavier_initializer


# --- regularizers --------------------------------------------------------------------------------

def _check_scale(scale, fn):
    if isinstance(scale, numbers.Integral):
        raise ValueError(f"{fn}: scale cannot be an integer: {scale}")
    if isinstance(scale, numbers.Real):
        if scale < 0.0:
            raise ValueError(f"{fn}: setting a scale less than 0 on a regularizer: {scale}")
        return float(scale)
    raise ValueError(f"{fn}: scale must be a float, got {scale!r}")


def l1_regularizer(scale, scope=None):
    """A function `weights -> scale * sum(|weights|)` (None when scale is 0)."""
    scale = _check_scale(scale, "l1_regularizer")
    if scale == 0.0:
        return lambda _: None
    return lambda weights: M.multiply(M.reduce_sum(M.abs(weights)), scale,
                                      name=scope or "l1_regularizer")


def l2_regularizer(scale, scope=None):
    """A function `weights -> scale * sum(weights ** 2) / 2` (None when scale is 0)."""
    scale = _check_scale(scale, "l2_regularizer")
    if scale == 0.0:
        return lambda _: None
    return lambda weights: M.multiply(nn_ops.l2_loss(weights), scale,
                                      name=scope or "l2_regularizer")


def l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0, scope=None):
    """The sum of l1_regularizer(scale_l1) and l2_regularizer(scale_l2)."""
    return sum_regularizer([l1_regularizer(scale_l1), l2_regularizer(scale_l2)], scope)


def sum_regularizer(regularizer_list, scope=None):
    """A function adding the (non-None) penalties of `regularizer_list`."""
    def regularize(weights):
        penalties = [p for p in (r(weights) for r in regularizer_list) if p is not None]
        return M.add_n(penalties) if penalties else None
    return regularize


def apply_regularization(regularizer, weights_list=None):
    """Adds the sum of `regularizer(w)` over `weights_list` (default: the WEIGHTS
    collection, which, as in TF1, only programs fill: `tf.add_to_collection(
    tf.GraphKeys.WEIGHTS, w)` or `variables_collections=`) to REGULARIZATION_LOSSES and
    returns it.

    Raises:
      ValueError: if there are no weights.
    """
    g = _graph()
    weights_list = weights_list or g.get_collection(WEIGHTS)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    penalties = [p for p in (regularizer(w) for w in weights_list) if p is not None]
    total = M.add_n(penalties) if penalties else A.constant(0.0)
    g.add_to_collection(REGULARIZATION_LOSSES, total)
    return total


# --- arg_scope -----------------------------------------------------------------------------------

_arg_scopes = threading.local()


def _scope_stack():
    if not hasattr(_arg_scopes, "stack"):
        _arg_scopes.stack = [{}]
    return _arg_scopes.stack


def arg_scope_func_key(op):
    """The key under which `arg_scope` keeps the defaults of `op` (an add_arg_scope
    function, or a wrapper of one)."""
    return getattr(op, "_key_op", str(op))


def current_arg_scope():
    """The innermost arg_scope: a dict from function key to its default keyword arguments."""
    return _scope_stack()[-1]


def has_arg_scope(func):
    """Tells whether `func` was decorated with `add_arg_scope`."""
    return hasattr(func, "_key_op")


def arg_scoped_arguments(func):
    """The names of the arguments `func` (an add_arg_scope function) accepts."""
    import inspect
    return [n for n in inspect.signature(getattr(func, "__wrapped__", func)).parameters]


def add_arg_scope(func):
    """Decorates `func` so that `arg_scope([func], **defaults)` supplies default keyword
    arguments to its calls (explicit keyword arguments win).

    Args:
      func: A function.

    Returns:
      The decorated function.
    """
    key = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def func_with_args(*args, **kwargs):
        scoped = current_arg_scope().get(key)
        if scoped:
            merged = dict(scoped)
            merged.update(kwargs)
            kwargs = merged
        return func(*args, **kwargs)
    func_with_args._key_op = key
    return func_with_args


@contextlib.contextmanager
def arg_scope(list_ops_or_scope, **kwargs):
    """Sets default keyword arguments of the listed functions inside the `with` block.

        with arg_scope([layers.conv2d, layers.fully_connected], activation_fn=tf.nn.tanh,
                       weights_initializer=tf.truncated_normal_initializer(stddev=0.1)):
            net = layers.conv2d(images, 32, [3, 3])   # tanh, truncated-normal weights

    Scopes nest: an inner scope adds to (and overrides) the outer one's defaults. The
    context value is the scope (a dict), which `arg_scope(scope)` re-enters.

    Args:
      list_ops_or_scope: A list or tuple of `add_arg_scope` functions, or a scope to reuse.
      **kwargs: The default keyword arguments.

    Yields:
      The current scope (a dict).

    Raises:
      TypeError: if `list_ops_or_scope` is neither a list/tuple nor a dict.
      ValueError: a function not decorated with `add_arg_scope`, or kwargs with a reused
        scope.
    """
    stack = _scope_stack()
    if isinstance(list_ops_or_scope, dict):
        if kwargs:
            raise ValueError("When attempting to re-use a scope by suppling a dictionary, "
                             "kwargs must be empty.")
        scope = dict(list_ops_or_scope)
    else:
        if not isinstance(list_ops_or_scope, (list, tuple)):
            raise TypeError("list_ops_or_scope must either be a list/tuple or reused scope "
                            "(i.e. dict)")
        scope = dict(stack[-1])
        for op in list_ops_or_scope:
            if not has_arg_scope(op):
                raise ValueError(f"{getattr(op, '__name__', op)} is not decorated with "
                                 "@add_arg_scope")
            key = arg_scope_func_key(op)
            merged = dict(scope.get(key, {}))
            merged.update(kwargs)
            scope[key] = merged
    stack.append(scope)
    try:
        yield scope
    finally:
        stack.pop()


# --- layers --------------------------------------------------------------------------------------

def _collect(variables_collections, key, var, *defaults):
    g = var.graph
    for c in defaults:
        g.add_to_collection(c, var)
    if isinstance(variables_collections, dict):
        names = variables_collections.get(key, ())
    else:
        names = variables_collections or ()
    for c in ([names] if isinstance(names, str) else names):
        g.add_to_collection(c, var)


def _outputs(outputs, outputs_collections):
    for c in outputs_collections or ():
        outputs.graph.add_to_collection(c, outputs)
    return outputs


def _weights_and_biases(shape, out, weights_initializer, weights_regularizer,
                        biases_initializer, biases_regularizer, variables_collections,
                        trainable, with_biases):
    weights = vs.get_variable("weights", shape, initializer=weights_initializer,
                              regularizer=weights_regularizer, trainable=trainable)
    _collect(variables_collections, "weights", weights, MODEL_VARIABLES)
    biases = None
    if with_biases and biases_initializer is not None:
        biases = vs.get_variable("biases", [out], initializer=biases_initializer,
                                 regularizer=biases_regularizer, trainable=trainable)
        _collect(variables_collections, "biases", biases, MODEL_VARIABLES)
    return weights, biases


def _finish(outputs, biases, normalizer_fn, normalizer_params, activation_fn,
            data_format=None):
    if biases is not None:
        outputs = conv_ops.bias_add(outputs, biases, data_format=data_format)
    if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    return outputs


@add_arg_scope
def fully_connected(inputs, num_outputs, activation_fn=nn_ops.relu, normalizer_fn=None,
                    normalizer_params=None, weights_initializer=None,
                    weights_regularizer=None, biases_initializer=zeros_initializer(),
                    biases_regularizer=None, reuse=None, variables_collections=None,
                    outputs_collections=None, trainable=True, scope=None):
    """`activation_fn(inputs @ weights + biases)` (default ReLU; no biases when a
    `normalizer_fn` is given), with Xavier-uniform weights by default."""
    if not isinstance(num_outputs, numbers.Integral):
        raise ValueError(f"num_outputs type should be one of (int, long), got "
                         f"{type(num_outputs)}.")
    inputs = A.convert_to_tensor(inputs)
    with vs.variable_scope(scope, "fully_connected", reuse=reuse):
        fan_in = L._last_dim(inputs.shape, "fully_connected")
        weights, biases = _weights_and_biases(
            [fan_in, int(num_outputs)], int(num_outputs),
            weights_initializer or xavier_initializer(), weights_regularizer,
            biases_initializer, biases_regularizer, variables_collections, trainable,
            normalizer_fn is None)
        rank = inputs.shape.rank
        if rank is not None and rank > 2:
            outputs = tensordot(inputs, weights, [[rank - 1], [0]])
        else:
            outputs = matmul(inputs, weights)
        outputs = _finish(outputs, biases, normalizer_fn, normalizer_params, activation_fn)
    return _outputs(outputs, outputs_collections)


@add_arg_scope
def conv2d(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
           rate=1, activation_fn=nn_ops.relu, normalizer_fn=None, normalizer_params=None,
           weights_initializer=None, weights_regularizer=None,
           biases_initializer=zeros_initializer(), biases_regularizer=None, reuse=None,
           variables_collections=None, outputs_collections=None, trainable=True, scope=None):
    """A 2-D convolution (`Conv/weights` of shape kernel + [in, num_outputs]) then biases,
    the optional normalizer and the activation (default ReLU); padding defaults to SAME."""
    inputs = A.convert_to_tensor(inputs)
    fmt = data_format or "NHWC"
    if fmt not in ("NHWC", "NCHW"):
        raise ValueError(f"conv2d: data_format must be 'NHWC' or 'NCHW', got {data_format!r}.")
    kernel = L._tuple(kernel_size, 2, "kernel_size")
    strides = L._tuple(stride, 2, "stride")
    rates = L._tuple(rate, 2, "rate")
    with vs.variable_scope(scope, "Conv", reuse=reuse):
        dims = inputs.shape.as_list() if inputs.shape.rank == 4 else None
        channels = dims and (dims[1] if fmt == "NCHW" else dims[3])
        if channels is None:
            raise ValueError(f"conv2d: the channel dimension of inputs {inputs.shape} must be "
                             "known.")
        weights, biases = _weights_and_biases(
            list(kernel) + [channels, int(num_outputs)], int(num_outputs),
            weights_initializer or xavier_initializer(), weights_regularizer,
            biases_initializer, biases_regularizer, variables_collections, trainable,
            normalizer_fn is None)
        full_strides = (1, 1) + strides if fmt == "NCHW" else (1,) + strides + (1,)
        outputs = conv_ops.conv2d(inputs, weights, full_strides, L._padding(padding),
                                  data_format=fmt, dilations=rates)
        outputs = _finish(outputs, biases, normalizer_fn, normalizer_params, activation_fn,
                          fmt)
    return _outputs(outputs, outputs_collections)


convolution2d = conv2d


@add_arg_scope
def flatten(inputs, outputs_collections=None, scope=None):
    """(batch, ...) -> (batch, k)."""
    inputs = A.convert_to_tensor(inputs)
    with vs.variable_scope(scope, "Flatten"):
        outputs = L.Flatten().call(inputs)
    return _outputs(outputs, outputs_collections)


@add_arg_scope
def dropout(inputs, keep_prob=0.5, noise_shape=None, is_training=True,
            outputs_collections=None, scope=None, seed=None):
    """Keeps each input with probability `keep_prob` (scaled by 1 / keep_prob) when
    `is_training` (a bool or boolean tensor, default True)."""
    inputs = A.convert_to_tensor(inputs)
    with vs.variable_scope(scope, "Dropout"):
        if L._is_python_bool(keep_prob) or isinstance(keep_prob, numbers.Real):
            rate = 1.0 - float(keep_prob)
        else:
            rate = 1.0 - keep_prob
        outputs = L._smart_cond(is_training,
                                lambda: nn_ops.dropout(inputs, rate=rate,
                                                       noise_shape=noise_shape, seed=seed),
                                lambda: A.identity(inputs))
    return _outputs(outputs, outputs_collections)


@add_arg_scope
def batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001,
               activation_fn=None, param_initializers=None, param_regularizers=None,
               updates_collections=UPDATE_OPS, is_training=True, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               batch_weights=None, fused=None, data_format="NHWC",
               zero_debias_moving_mean=False, scope=None, renorm=False, renorm_clipping=None,
               renorm_decay=0.99, adjustment=None):
    """Batch normalization over the last axis (axis 1 for NCHW) with TF1 contrib defaults.

    Training (`is_training`, a bool or boolean tensor) uses the batch statistics and
    updates `BatchNorm/moving_mean` and `moving_variance` (for 2-D and 4-D inputs with the
    unbiased batch variance, as the fused kernel TF1 picks for them does): the update ops
    go to `updates_collections`, or run with the output when it is None.
    """
    if batch_weights is not None or renorm or adjustment is not None or \
            zero_debias_moving_mean:
        raise NotImplementedError("batch_norm: batch_weights, renorm, adjustment and "
                                  "zero_debias_moving_mean are not supported.")
    inputs = A.convert_to_tensor(inputs)
    rank = inputs.shape.rank
    if rank is None or rank < 2:
        raise ValueError(f"batch_norm: inputs must have a known rank >= 2, got "
                         f"{inputs.shape}.")
    axis = 1 if data_format == "NCHW" else rank - 1
    dim = inputs.shape.as_list()[axis]
    if dim is None:
        raise ValueError(f"batch_norm: axis {axis} of inputs {inputs.shape} must be known.")
    inits = param_initializers or {}
    regs = param_regularizers or {}
    with vs.variable_scope(scope, "BatchNorm", reuse=reuse):
        def param(name, default, train):
            v = vs.get_variable(name, [dim], initializer=inits.get(name, default),
                                regularizer=regs.get(name), trainable=train and trainable,
                                collections=None if train and trainable else
                                ["variables", "moving_average_variables"] if
                                name.startswith("moving") else ["variables"])
            _collect(variables_collections, name, v, MODEL_VARIABLES)
            return v
        beta = param("beta", zeros_initializer(), True) if center else None
        gamma = param("gamma", ones_initializer(), True) if scale else None
        moving_mean = param("moving_mean", zeros_initializer(), False)
        moving_var = param("moving_variance", ones_initializer(), False)
        reduce_axes = [a for a in range(rank) if a != axis]
        bshape = [1] * rank
        bshape[axis] = -1

        def shaped(t):
            return t if t is None or axis == rank - 1 else A.reshape(t, bshape)
        updates = []
        if L._is_python_bool(is_training) and not is_training:
            mean, variance = moving_mean.read_value(), moving_var.read_value()
        else:
            batch_mean, batch_var = nn_ops.moments(inputs, reduce_axes)
            update_var = batch_var
            if rank in (2, 4) and fused is not False:  # TF1 fuses these: unbiased update
                n = M.cast(A.size(inputs) // A.size(batch_var), batch_var.dtype)
                update_var = batch_var * n / M.maximum(n - 1.0, 1.0)
            mean = L._smart_cond(is_training, lambda: batch_mean,
                                 lambda: moving_mean.read_value())
            variance = L._smart_cond(is_training, lambda: batch_var,
                                     lambda: moving_var.read_value())
            new_var = L._smart_cond(is_training, lambda: update_var,
                                    lambda: moving_var.read_value())
            for var, value in ((moving_mean, mean), (moving_var, new_var)):
                updates.append(var.assign_sub((var - value) * (1.0 - decay)))
        outputs = batch_normalization(inputs, shaped(mean), shaped(variance), shaped(beta),
                                      shaped(gamma), epsilon)
        if updates:
            if updates_collections is None:
                with control_dependencies(updates):
                    outputs = A.identity(outputs)
            else:
                for c in ([updates_collections] if isinstance(updates_collections, str)
                          else updates_collections):
                    for u in updates:
                        u.graph.add_to_collection(c, u)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
    return _outputs(outputs, outputs_collections)


@add_arg_scope
def layer_norm(inputs, center=True, scale=True, activation_fn=None, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               begin_norm_axis=1, begin_params_axis=-1, scope=None):
    """Layer normalization (Ba et al., 2016): each example normalized over the axes from
    `begin_norm_axis` on (epsilon 1e-12), then `LayerNorm/gamma` and `LayerNorm/beta` of
    shape `inputs.shape[begin_params_axis:]`.

    Raises:
      ValueError: for an unknown rank or an axis out of range.
    """
    inputs = A.convert_to_tensor(inputs)
    rank = inputs.shape.rank
    if rank is None:
        raise ValueError(f"layer_norm: inputs {inputs.name} has undefined rank.")
    norm_axis = begin_norm_axis + rank if begin_norm_axis < 0 else begin_norm_axis
    params_axis = begin_params_axis + rank if begin_params_axis < 0 else begin_params_axis
    if not 0 <= params_axis < rank or not 0 < norm_axis < rank:
        raise ValueError(f"layer_norm: begin_params_axis ({begin_params_axis}) and "
                         f"begin_norm_axis ({begin_norm_axis}) must be < rank ({rank}).")
    params_shape = inputs.shape.as_list()[params_axis:]
    if any(d is None for d in params_shape):
        raise ValueError(f"layer_norm: inputs {inputs.shape} has undefined dimensions in "
                         f"{params_shape}.")
    with vs.variable_scope(scope, "LayerNorm", reuse=reuse):
        def param(name, init):
            v = vs.get_variable(name, params_shape, initializer=init, trainable=trainable)
            _collect(variables_collections, name, v, MODEL_VARIABLES)
            return v
        beta = param("beta", zeros_initializer()) if center else None
        gamma = param("gamma", ones_initializer()) if scale else None
        mean, variance = nn_ops.moments(inputs, list(range(norm_axis, rank)), keepdims=True)
        outputs = batch_normalization(inputs, mean, variance, beta, gamma, 1e-12)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
    return _outputs(outputs, outputs_collections)


@add_arg_scope
def max_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
               outputs_collections=None, scope=None):
    """2-D max pooling with TF1 contrib defaults (stride 2, VALID padding).

    Args:
      inputs: A 4-D tensor (NHWC, or NCHW with `data_format`).
      kernel_size: An int or a pair: the pooling window.
      stride: An int or a pair (default 2).
      padding: 'VALID' (default) or 'SAME'.
      data_format: 'NHWC' or 'NCHW'.
      outputs_collections: Collections to add the output to.
      scope: The name scope.

    Returns:
      The pooled tensor.
    """
    return _pool(pooling_ops.max_pool2d, "MaxPool2D", inputs, kernel_size, stride, padding,
                 data_format, outputs_collections, scope)


@add_arg_scope
def avg_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
               outputs_collections=None, scope=None):
    """2-D average pooling with TF1 contrib defaults (stride 2, VALID padding).

    Args:
      inputs: A 4-D tensor (NHWC, or NCHW with `data_format`).
      kernel_size: An int or a pair: the pooling window.
      stride: An int or a pair (default 2).
      padding: 'VALID' (default) or 'SAME'.
      data_format: 'NHWC' or 'NCHW'.
      outputs_collections: Collections to add the output to.
      scope: The name scope.

    Returns:
      The pooled tensor.
    """
    return _pool(pooling_ops.avg_pool2d, "AvgPool2D", inputs, kernel_size, stride, padding,
                 data_format, outputs_collections, scope)


def _pool(fn, default, inputs, kernel_size, stride, padding, data_format, collections, scope):
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"data_format has to be either NCHW or NHWC; got {data_format!r}.")
    inputs = A.convert_to_tensor(inputs)
    kernel = L._tuple(kernel_size, 2, "kernel_size")
    strides = L._tuple(stride, 2, "stride")
    with vs.variable_scope(scope, default):
        if data_format == "NCHW":
            ksize, full = (1, 1) + kernel, (1, 1) + strides
        else:
            ksize, full = (1,) + kernel + (1,), (1,) + strides + (1,)
        outputs = fn(inputs, ksize, full, L._padding(padding), data_format=data_format)
    return _outputs(outputs, collections)


def one_hot_encoding(labels, num_classes, on_value=1.0, off_value=0.0, outputs_collections=None,
                     scope=None):
    """The one-hot float encoding of integer `labels`: shape `labels.shape + [num_classes]`.

    Args:
      labels: An integer tensor of class ids.
      num_classes: The depth of the encoding.
      on_value: The value at each label's position (default 1.0).
      off_value: The value elsewhere (default 0.0).
      outputs_collections: Collections to add the output to.
      scope: The name scope.

    Returns:
      A float32 tensor.
    """
    labels = A.convert_to_tensor(labels)
    if labels.dtype == dtypes.int32:
        labels = A.cast(labels, dtypes.int64)
    with vs.variable_scope(scope, "OneHotEncoding"):
        outputs = A.one_hot(labels, num_classes, on_value=on_value, off_value=off_value,
                            dtype=dtypes.float32)
    return _outputs(outputs, outputs_collections)


def embed_sequence(ids, vocab_size=None, embed_dim=None, unique=False, initializer=None,
                   regularizer=None, trainable=True, scope=None, reuse=None):
    """Embeds a batch of id sequences: looks `ids` ([batch, time]) up in the variable
    `EmbedSequence/embeddings` of shape [vocab_size, embed_dim].

    Args:
      ids: An integer tensor [batch_size, doc_length].
      vocab_size: The number of distinct ids.
      embed_dim: The embedding size.
      unique: Accepted for TF1 compatibility (the lookup is the same).
      initializer: The embeddings' initializer (default: the scope's, Glorot uniform).
      regularizer: Optional regularizer of the embeddings.
      trainable: Whether the embeddings are trained.
      scope: The variable scope (default "EmbedSequence").
      reuse: Whether to reuse the scope's variables.

    Returns:
      A float32 tensor [batch_size, doc_length, embed_dim].

    Raises:
      ValueError: if vocab_size or embed_dim is missing.
    """
    if not (vocab_size and embed_dim):
        raise ValueError("Must specify vocab size and embedding dimension when not reusing. "
                         f"Got vocab_size={vocab_size} and embed_dim={embed_dim}")
    ids = A.convert_to_tensor(ids)
    with vs.variable_scope(scope, "EmbedSequence", reuse=reuse):
        embeddings = vs.get_variable("embeddings", [int(vocab_size), int(embed_dim)],
                                     initializer=initializer, regularizer=regularizer,
                                     trainable=trainable)
        _collect(None, "embeddings", embeddings, MODEL_VARIABLES)
        return embedding_ops.embedding_lookup(embeddings, ids)


# --- optimize_loss -------------------------------------------------------------------------------

OPTIMIZER_CLS_NAMES = {
    "Adagrad": _train.AdagradOptimizer, "Adam": _train.AdamOptimizer,
    "Ftrl": _train.FtrlOptimizer, "Momentum": lambda lr: _train.MomentumOptimizer(lr, 0.9),
    "RMSProp": _train.RMSPropOptimizer, "SGD": _train.GradientDescentOptimizer,
}


def optimize_loss(loss, global_step, learning_rate, optimizer, gradient_noise_scale=None,
                  gradient_multipliers=None, clip_gradients=None, learning_rate_decay_fn=None,
                  update_ops=None, variables=None, name=None, summaries=None,
                  colocate_gradients_with_ops=False, increment_global_step=True):
    """The training op for `loss`: runs UPDATE_OPS first, computes the gradients of
    `variables` (default: trainable), optionally clips them by global norm, applies them
    with `optimizer` (a name such as 'SGD'/'Adam', a class, a function of the learning
    rate, or an Optimizer) and increments `global_step`. Returns the loss after the step.

    Raises:
      ValueError: for an unknown optimizer name or a missing learning rate or step.
    """
    from ..summary import v1 as summary
    g = _graph()
    if global_step is None:
        global_step = _train.get_global_step(g)
    with vs.variable_scope(name, "OptimizeLoss"):
        if update_ops is None:
            update_ops = g.get_collection(UPDATE_OPS)
        if update_ops:
            with control_dependencies(list(update_ops)):
                loss = A.identity(loss)
        lr = None
        if learning_rate is not None:
            if isinstance(learning_rate, numbers.Real):
                lr = vs.get_variable("learning_rate", [], trainable=False,
                                     initializer=_constant(float(learning_rate)))
            else:
                lr = learning_rate
        if learning_rate_decay_fn is not None:
            if global_step is None:
                raise ValueError("global_step is required for learning_rate_decay_fn.")
            lr = learning_rate_decay_fn(lr, global_step)
        opt = _make_optimizer(optimizer, lr)
        summaries = ["loss", "learning_rate", "global_gradient_norm"] if summaries is None \
            else summaries
        if "loss" in summaries:
            summary.scalar("loss", loss)
        if lr is not None and "learning_rate" in summaries:
            summary.scalar("learning_rate", lr)
        grads_and_vars = opt.compute_gradients(loss, variables)
        if gradient_multipliers:
            grads_and_vars = [(g_ * gradient_multipliers.get(v, gradient_multipliers.get(
                v.name, 1.0)) if g_ is not None else None, v) for g_, v in grads_and_vars]
        if clip_gradients is not None:
            if callable(clip_gradients):
                grads_and_vars = clip_gradients(grads_and_vars)
            else:
                grads = [g_ for g_, _ in grads_and_vars]
                clipped, _ = clip_by_global_norm(grads, float(clip_gradients))
                grads_and_vars = list(zip(clipped, [v for _, v in grads_and_vars]))
        update = opt.apply_gradients(grads_and_vars, global_step=global_step if
                                     increment_global_step else None)
        with control_dependencies([update]):
            return A.identity(loss)


def _constant(value):
    return lambda shape, dtype=None, partition_info=None: A.constant(value, dtypes.float32,
                                                                     shape=shape)


def _make_optimizer(optimizer, lr):
    if isinstance(optimizer, str):
        if optimizer not in OPTIMIZER_CLS_NAMES:
            raise ValueError(f"Optimizer name should be one of "
                             f"[{', '.join(OPTIMIZER_CLS_NAMES)}], you provided {optimizer}.")
        if lr is None:
            raise ValueError("Learning rate is None, but should be specified if optimizer "
                             "is string.")
        return OPTIMIZER_CLS_NAMES[optimizer](lr)
    if isinstance(optimizer, Optimizer):
        return optimizer
    if callable(optimizer):
        made = optimizer(lr) if lr is not None else optimizer()
        if not isinstance(made, Optimizer):
            raise ValueError(f"Unrecognized optimizer: function should return subclass of "
                             f"Optimizer. Got {made}.")
        return made
    raise ValueError(f"Unrecognized optimizer: should be string, subclass of Optimizer, "
                     f"instance of subclass of Optimizer or function with one argument. "
                     f"Got {optimizer}.")


def linear(inputs, num_outputs, **kwargs):
    """tf.contrib.layers.linear: `fully_connected` without an activation (x @ W + b).

    Args:
      inputs: a tensor of rank >= 2.
      num_outputs: the number of output units.
      **kwargs: any other `fully_connected` argument except `activation_fn`.

    Returns:
      The tensor of shape `inputs.shape[:-1] + [num_outputs]`.
    """
    return fully_connected(inputs, num_outputs, activation_fn=None, **kwargs)


LAYERS = {
    "xavier_initializer": xavier_initializer,
    "xavier_initializer_conv2d": xavier_initializer_conv2d,
    "variance_scaling_initializer": variance_scaling_initializer,
    "l1_regularizer": l1_regularizer, "l2_regularizer": l2_regularizer,
    "l1_l2_regularizer": l1_l2_regularizer, "sum_regularizer": sum_regularizer,
    "apply_regularization": apply_regularization, "fully_connected": fully_connected,
    "linear": linear,
    "conv2d": conv2d, "convolution2d": convolution2d, "flatten": flatten,
    "dropout": dropout, "batch_norm": batch_norm, "layer_norm": layer_norm,
    "optimize_loss": optimize_loss,
    "OPTIMIZER_CLS_NAMES": OPTIMIZER_CLS_NAMES,
    "max_pool2d": max_pool2d, "avg_pool2d": avg_pool2d, "one_hot_encoding": one_hot_encoding,
    "embed_sequence": embed_sequence,
}
FRAMEWORK = {
    "get_or_create_global_step": _train.get_or_create_global_step,
    "get_global_step": _train.get_global_step,
    "arg_scope": arg_scope, "add_arg_scope": add_arg_scope, "has_arg_scope": has_arg_scope,
    "arg_scoped_arguments": arg_scoped_arguments, "current_arg_scope": current_arg_scope,
    "arg_scope_func_key": arg_scope_func_key,
}


# --- tf.contrib.eager ----------------------------------------------------------------------------

def _value_and_grads(f, params, args, kwargs):
    from ..framework.autodiff import GradientTape
    from ..framework.tensor import TensorLike
    names = list(__import__("inspect").signature(f).parameters)
    if params is None:
        chosen = list(range(len(args)))
    else:
        chosen = [names.index(p) if isinstance(p, str) else int(p) for p in params]
        if any(i >= len(args) for i in chosen):
            raise ValueError(f"gradients_function: params {params} name arguments that were "
                             f"not passed positionally (got {len(args)} arguments).")
    args = list(args)
    for i in chosen:
        if not isinstance(args[i], TensorLike):
            args[i] = A.convert_to_tensor(args[i], dtype=dtypes.float32 if isinstance(
                args[i], (float, int)) else None)
    with GradientTape(watch_accessed_variables=False) as tape:
        for i in chosen:
            tape.watch(args[i])
        value = f(*args, **kwargs)
    if value is None:
        raise ValueError("Cannot differentiate a function that returns None; did you forget "
                         "to return a value from f?")
    grads = tape.gradient(value, [args[i] for i in chosen])
    return value, grads


def gradients_function(f, params=None):
    """tf.contrib.eager.gradients_function: a function returning the gradients of `f` with
    respect to its arguments (all, or those named or numbered in `params`), as a list.

    A non-scalar result is differentiated as its sum.

    Args:
      f: A function of tensors (or numbers) returning a tensor.
      params: Optional list of argument names or positions to differentiate against.

    Returns:
      A function with `f`'s arguments returning the list of gradients.
    """
    @functools.wraps(f)
    def grad_fn(*args, **kwargs):
        return _value_and_grads(f, params, args, kwargs)[1]
    return grad_fn


def value_and_gradients_function(f, params=None):
    """Like `gradients_function`, but the function returns `(f(*args), gradients)`.

    Args:
      f: A function of tensors (or numbers) returning a tensor.
      params: Optional list of argument names or positions to differentiate against.

    Returns:
      A function with `f`'s arguments returning (value, list of gradients).
    """
    @functools.wraps(f)
    def grad_fn(*args, **kwargs):
        return _value_and_grads(f, params, args, kwargs)
    return grad_fn


def implicit_value_and_gradients(f):
    """tf.contrib.eager.implicit_value_and_gradients: a function returning `(f(*args),
    [(gradient, variable), ...])` for every trainable variable `f` read, in reading order.

    Args:
      f: A function reading trainable variables and returning a tensor.

    Returns:
      A function with `f`'s arguments.

    Raises:
      ValueError: when `f` reads no trainable variable.
    """
    @functools.wraps(f)
    def grad_fn(*args, **kwargs):
        from ..framework.autodiff import GradientTape
        with GradientTape() as tape:
            value = f(*args, **kwargs)
        variables = list(tape.watched_variables())
        if not variables:
            raise ValueError("No trainable variables were accessed while the function was "
                             "being computed.")
        grads = tape.gradient(value, variables)
        return value, list(zip(grads, variables))
    return grad_fn


def implicit_gradients(f):
    """tf.contrib.eager.implicit_gradients: a function returning `[(gradient, variable),
    ...]` for every trainable variable `f` read (pass it to `optimizer.apply_gradients`).

    Args:
      f: A function reading trainable variables and returning a tensor.

    Returns:
      A function with `f`'s arguments.
    """
    vg = implicit_value_and_gradients(f)

    @functools.wraps(f)
    def grad_fn(*args, **kwargs):
        return vg(*args, **kwargs)[1]
    return grad_fn


class Iterator:
    """tf.contrib.eager.Iterator(dataset): an eager iterator over a `tf.data.Dataset`;
    `next(it)` or `it.next()` gives the next element, `get_next()` raises OutOfRangeError at
    the end.

    Args:
      dataset: A `tf.data.Dataset`.
    """

    def __init__(self, dataset):
        from ..data.iterator import OwnedIterator
        self._it = OwnedIterator(dataset)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._it)

    def next(self):
        """The next element (StopIteration at the end)."""
        return next(self._it)

    def get_next(self, name=None):
        """The next element (OutOfRangeError at the end)."""
        return self._it.get_next(name)

    @property
    def element_spec(self):
        return self._it.element_spec


def num_gpus():
    """The number of GPUs ndflow can use (CuPy devices; 0 without CuPy).

    Returns:
      An int.
    """
    from ..framework.device import physical_devices
    return sum(1 for _, kind in physical_devices() if kind == "GPU")


def eager_getattr(name):
    """tf.contrib.eager's names that load Keras or checkpoints on first use: `metrics`
    (Mean, Accuracy, ... as Keras metrics: `m(values)` / `m(labels, predictions)`, then
    `m.result()`), `Checkpoint`, `Saver` (tf.train.Checkpoint's save/restore)."""
    if name == "metrics":
        import types
        from ..keras import metrics as km
        return types.SimpleNamespace(Mean=km.Mean, Accuracy=km.Accuracy,
                                     CategoricalAccuracy=km.CategoricalAccuracy,
                                     SparseCategoricalAccuracy=km.SparseCategoricalAccuracy,
                                     BinaryAccuracy=km.BinaryAccuracy)
    if name in ("Checkpoint", "Saver"):
        from ..train.checkpoint import Checkpoint
        return Checkpoint
    raise AttributeError(f"module 'tf.contrib.eager' has no attribute {name!r}")


def eager_names():
    """The names of tf.contrib.eager (compat.v1 adds its enable_eager_execution and
    executing_eagerly)."""
    from ..framework.function import function
    from ..framework.variables import Variable
    return {"Variable": Variable, "gradients_function": gradients_function,
            "value_and_gradients_function": value_and_gradients_function,
            "implicit_gradients": implicit_gradients,
            "implicit_value_and_gradients": implicit_value_and_gradients,
            "Iterator": Iterator, "num_gpus": num_gpus, "defun": function}
