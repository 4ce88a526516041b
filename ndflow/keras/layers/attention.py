"""Attention layers: Attention (Luong dot-product), AdditiveAttention (Bahdanau) and
MultiHeadAttention (Vaswani et al.), with Keras 3's arguments, masks and weight layout."""
import math

import ndflow
from .. import constraints, initializers, regularizers
from .base import Layer
from .core import dropout as _dropout
from .masks import get_keras_mask

_LARGE = 1.0e9


def _serialize(module, obj):
    return None if obj is None else module.serialize(obj)


def _causal_mask(q_len, v_len):
    """(1, q_len, v_len) booleans: query step i sees value steps j <= i."""
    rows = ndflow.expand_dims(ndflow.range(q_len), 1)
    cols = ndflow.expand_dims(ndflow.range(v_len), 0)
    return ndflow.expand_dims(ndflow.greater_equal(rows, cols), 0)


def _masked_softmax(scores, mask):
    if mask is not None:
        scores = scores - _LARGE * ndflow.cast(ndflow.logical_not(mask), scores.dtype)
    return ndflow.nn.softmax(scores, axis=-1)


class _BaseDenseAttention(Layer):
    """What Attention and AdditiveAttention share: masks, softmax, dropout."""

    def __init__(self, dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.dropout = float(dropout)
        if not 0.0 <= self.dropout <= 1.0:
            raise ValueError("Invalid value received for argument `dropout`. Expected a "
                             f"float value between 0 and 1. Received: dropout={dropout}")
        self.seed = seed
        self.supports_masking = True

    def _validate_inputs(self, inputs, mask=None):
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)) or len(inputs) not in (2, 3):
            raise ValueError(f"{name} layer must be called on a list of inputs, namely "
                             f"[query, value] or [query, value, key]. Received: {inputs}.")
        if mask is not None and (not isinstance(mask, (list, tuple)) or
                                 len(mask) not in (2, 3)):
            raise ValueError(f"{name} layer mask must be a list of length 2, namely "
                             f"[query_mask, value_mask]. Received: mask={mask}.")

    def call(self, inputs, mask=None, training=False, return_attention_scores=False,
             use_causal_mask=False):
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask else None
        scores = self._calculate_scores(query, key)
        scores_mask = None
        if v_mask is not None:
            scores_mask = ndflow.expand_dims(ndflow.cast(v_mask, "bool"), -2)
        if use_causal_mask:
            dyn = ndflow.shape(scores)
            causal = _causal_mask(dyn[-2], dyn[-1])
            scores_mask = causal if scores_mask is None else ndflow.logical_and(scores_mask,
                                                                                causal)
        weights = _masked_softmax(scores, scores_mask)
        dropped = weights
        if training and self.dropout > 0:
            dropped = _dropout(weights, self.dropout, seed=self.seed)
        result = ndflow.matmul(dropped, value)
        if q_mask is not None:
            result = result * ndflow.expand_dims(ndflow.cast(q_mask, result.dtype), -1)
        if return_attention_scores:
            return result, weights
        return result

    def compute_mask(self, inputs, mask=None):
        if not mask or mask[0] is None:
            return None
        return mask[0]

    def get_config(self):
        config = super().get_config()
        config.update({"dropout": self.dropout, "seed": self.seed})
        return config


class Attention(_BaseDenseAttention):
    """Dot-product attention layer, a.k.a. Luong-style attention.

    Inputs are a list with 2 or 3 elements: a `query` tensor of shape
    `(batch_size, Tq, dim)`, a `value` tensor of shape `(batch_size, Tv, dim)` and an
    optional `key` tensor of shape `(batch_size, Tv, dim)` (`value` when absent). The
    scores `query @ key^T` (times `scale`) go through a softmax over `Tv`, and the result
    is the scores' weighted sum of `value`.

    Args:
        use_scale: If `True`, will create a scalar variable to scale the attention scores.
        dropout: Float between 0 and 1. Fraction of the units to drop for the attention
            scores. Defaults to `0.0`.
        seed: A Python integer to use as random seed in case of `dropout`.
        score_mode: Function to use to compute attention scores, one of
            `{"dot", "concat"}`. `"dot"` refers to the dot product between the query and
            key vectors. `"concat"` refers to the hyperbolic tangent of the concatenation
            of the `query` and `key` vectors.

    Call arguments:
        inputs: List of `[query, value]` or `[query, value, key]`.
        mask: List of `[query_mask, value_mask]` boolean tensors of shape
            `(batch_size, Tq)` and `(batch_size, Tv)`.
        return_attention_scores: bool, if `True`, returns the attention scores (after
            masking and softmax) as an additional output argument.
        training: Python boolean indicating whether the layer should behave in training
            mode (adding dropout) or in inference mode (no dropout).
        use_causal_mask: Boolean. Set to `True` for decoder self-attention: position `i`
            cannot attend to positions `j > i`.

    Output:
        Attention outputs of shape `(batch_size, Tq, dim)`, and optionally the attention
        scores of shape `(batch_size, Tq, Tv)`.
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(dropout=dropout, seed=seed, **kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError("Invalid value for argument score_mode. Expected one of "
                             f"{{'dot', 'concat'}}. Received: score_mode={score_mode}")
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode

    def build(self, input_shape):
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(name="concat_score_weight", shape=(),
                                                       initializer="ones")
        self.built = True

    def _calculate_scores(self, query, key):
        if self.score_mode == "dot":
            scores = ndflow.matmul(query, key, transpose_b=True)
            if self.scale is not None:
                scores = scores * self.scale
            return scores
        q = ndflow.expand_dims(query, -2)
        k = ndflow.expand_dims(key, -3)
        total = q + k if self.scale is None else self.scale * (q + k)
        return self.concat_score_weight * ndflow.reduce_sum(ndflow.tanh(total), axis=-1)

    def get_config(self):
        config = super().get_config()
        config.update({"use_scale": self.use_scale, "score_mode": self.score_mode})
        return config


class AdditiveAttention(_BaseDenseAttention):
    """Additive attention layer, a.k.a. Bahdanau-style attention.

    Inputs are a list with 2 or 3 elements, as for `Attention`. The scores are
    `reduce_sum(scale * tanh(query + key), axis=-1)` for every query and key pair.

    Args:
        use_scale: If `True`, will create a variable to scale the attention scores.
        dropout: Float between 0 and 1. Fraction of the units to drop for the attention
            scores. Defaults to `0.0`.
        seed: A Python integer to use as random seed in case of `dropout`.

    Call arguments:
        The same as `Attention`'s.

    Output:
        Attention outputs of shape `(batch_size, Tq, dim)`, and optionally the attention
        scores of shape `(batch_size, Tq, Tv)`.
    """

    def __init__(self, use_scale=True, dropout=0.0, seed=None, **kwargs):
        super().__init__(dropout=dropout, seed=seed, **kwargs)
        self.use_scale = bool(use_scale)

    def build(self, input_shape):
        dim = input_shape[-1][-1] if isinstance(input_shape[-1], (list, tuple)) else None
        self.scale = None
        if self.use_scale:
            if dim is None:
                raise ValueError("AdditiveAttention: the last dimension of `key` must be "
                                 f"defined. Received input_shape={input_shape}")
            self.scale = self.add_weight(name="scale", shape=(dim,),
                                         initializer="glorot_uniform")
        self.built = True

    def _calculate_scores(self, query, key):
        total = ndflow.tanh(ndflow.expand_dims(query, -2) + ndflow.expand_dims(key, -3))
        if self.scale is not None:
            total = self.scale * total
        return ndflow.reduce_sum(total, axis=-1)

    def get_config(self):
        config = super().get_config()
        config["use_scale"] = self.use_scale
        return config


class _Projection(Layer):
    """The einsum projections of MultiHeadAttention (Keras's EinsumDense weight layout):
    `kernel` of shape `kernel_shape` and `bias` of shape `bias_shape`."""

    def __init__(self, equation, kernel_shape, bias_shape, kernel_initializer,
                 bias_initializer, kernel_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.equation = equation
        self._nd_spec = (tuple(kernel_shape), None if bias_shape is None else tuple(bias_shape),
                         kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, kernel_constraint, bias_constraint)

    def build(self, input_shape):
        (kshape, bshape, kinit, binit, kreg, breg, kcon, bcon) = self._nd_spec
        self.kernel = self.add_weight(name="kernel", shape=kshape, initializer=kinit,
                                      regularizer=kreg, constraint=kcon)
        self.bias = None
        if bshape is not None:
            self.bias = self.add_weight(name="bias", shape=bshape, initializer=binit,
                                        regularizer=breg, constraint=bcon)
        self.built = True

    def call(self, inputs):
        out = ndflow.einsum(self.equation, inputs, self.kernel)
        return out if self.bias is None else out + self.bias


class MultiHeadAttention(Layer):
    """MultiHeadAttention layer.

    This is an implementation of multi-headed attention as described in the paper
    "Attention is all you Need" (Vaswani et al., 2017). `query`, `value` (and `key`) are
    projected to `num_heads` heads of size `key_dim` (`value_dim` for values); the heads'
    scaled dot-product attention results are concatenated and projected back to the
    query's last dimension (or `output_shape`).

    Args:
        num_heads: Number of attention heads.
        key_dim: Size of each attention head for query and key.
        value_dim: Size of each attention head for value (defaults to `key_dim`).
        dropout: Dropout probability applied to the attention scores.
        use_bias: Boolean, whether the dense layers use bias vectors/matrices.
        output_shape: The expected shape of an output tensor, besides the batch and
            sequence dims. If not specified, projects back to the query feature dim.
        attention_axes: axes over which the attention is applied. `None` means attention
            over all axes, but batch, heads, and features. Negative axes count from the
            end of the inputs (Keras counts them in the projected tensors, whose heads
            axis comes before the features).
        kernel_initializer: Initializer for dense layer kernels.
        bias_initializer: Initializer for dense layer biases.
        kernel_regularizer, bias_regularizer, activity_regularizer: Regularizers.
        kernel_constraint, bias_constraint: Constraints for the dense layers' weights.
        seed: Optional integer to seed the dropout layer.

    Call arguments:
        query: Query tensor of shape `(B, T, dim)`.
        value: Value tensor of shape `(B, S, dim)`.
        key: Optional key tensor of shape `(B, S, dim)` (`value` when absent).
        attention_mask: a boolean mask of shape `(B, T, S)`, that prevents attention to
            certain positions.
        return_attention_scores: A boolean to indicate whether the output should be
            `(attention_output, attention_scores)` if `True`, or `attention_output` if
            `False`. Defaults to `False`.
        training: Python boolean indicating whether the layer should behave in training
            mode (adding dropout) or in inference mode (no dropout).
        use_causal_mask: A boolean to indicate whether to apply a causal mask to prevent
            tokens from attending to future tokens (e.g., used in a decoder Transformer).
        query_mask, value_mask, key_mask: masks of shape `(B, T)` / `(B, S)`; by default
            the Keras masks of `query`, `value` and `key`.

    Returns:
        attention_output: The result of the computation, of shape `(B, T, E)`, where `T`
            is for target sequence shapes and `E` is the query input last dimension if
            `output_shape` is `None`. Otherwise, the multi-head outputs are projected to
            the shape specified by `output_shape`.
        attention_scores: (Optional) multi-head attention coefficients over attention
            axes, of shape `(B, num_heads, T, S)`.
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                 output_shape=None, attention_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 seed=None, flash_attention=None, use_gate=False, sliding_window=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if use_gate or sliding_window is not None:
            raise ValueError("MultiHeadAttention: `use_gate=True` and `sliding_window` are "
                             f"not supported by ndflow. Received: use_gate={use_gate}, "
                             f"sliding_window={sliding_window}")
        self.num_heads = int(num_heads)
        self.key_dim = int(key_dim)
        self.value_dim = int(value_dim) if value_dim is not None else self.key_dim
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        if output_shape is not None and not isinstance(output_shape, (list, tuple)):
            output_shape = (int(output_shape),)
        self._nd_output_shape = None if output_shape is None else tuple(output_shape)
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        if attention_axes is not None:
            if not all(isinstance(a, int) for a in attention_axes) or not attention_axes:
                raise ValueError("MultiHeadAttention: `attention_axes` must be None, an int "
                                 f"or a tuple of ints. Received: attention_axes="
                                 f"{attention_axes}")
            attention_axes = tuple(attention_axes)
        self.attention_axes = attention_axes
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self.flash_attention = flash_attention
        self.supports_masking = True

    @property
    def output_shape(self):
        return self._nd_output_shape

    def _projection(self, name, equation, kernel_shape, bias_shape):
        return _Projection(equation, kernel_shape, bias_shape if self.use_bias else None,
                           self.kernel_initializer, self.bias_initializer,
                           self.kernel_regularizer, self.bias_regularizer,
                           self.kernel_constraint, self.bias_constraint, name=name,
                           dtype=self.dtype)

    def build(self, query_shape, value_shape=None, key_shape=None):
        value_shape = query_shape if value_shape is None else value_shape
        key_shape = value_shape if key_shape is None else key_shape
        q_dim, v_dim, k_dim = query_shape[-1], value_shape[-1], key_shape[-1]
        if None in (q_dim, v_dim, k_dim):
            raise ValueError("MultiHeadAttention: the last dimension of query, value and key "
                             f"must be defined. Received: query_shape={query_shape}, "
                             f"value_shape={value_shape}, key_shape={key_shape}")
        h = self.num_heads
        rank = len(query_shape)
        if rank < 3 or len(value_shape) != rank or len(key_shape) != rank:
            raise ValueError("MultiHeadAttention: query, value and key must have the same "
                             "rank, at least 3. Received: query_shape="
                             f"{query_shape}, value_shape={value_shape}, key_shape={key_shape}")
        self._nd_attended = self._attention_axes_for(rank)
        self._nd_equations = _attention_equations(rank, self._nd_attended)
        project = _projection_equation(rank)
        self.query_dense = self._projection("query", project,
                                            (q_dim, h, self.key_dim), (h, self.key_dim))
        self.key_dense = self._projection("key", project,
                                          (k_dim, h, self.key_dim), (h, self.key_dim))
        self.value_dense = self._projection("value", project,
                                            (v_dim, h, self.value_dim), (h, self.value_dim))
        out = self._nd_output_shape or (q_dim,)
        if len(out) != 1:
            raise ValueError("MultiHeadAttention: ndflow supports a 1-D `output_shape` only. "
                             f"Received: output_shape={self._nd_output_shape}")
        self.output_dense = self._projection("attention_output", _output_equation(rank),
                                             (h, self.value_dim, out[0]), (out[0],))
        for sub, shape in ((self.query_dense, query_shape), (self.key_dense, key_shape),
                           (self.value_dense, value_shape)):
            sub._maybe_build_from_shapes(tuple(shape))
        self.output_dense._maybe_build_from_shapes(
            tuple(query_shape[:-1]) + (h, self.value_dim))
        self.built = True

    def __call__(self, query, value=None, key=None, **kwargs):
        if not self.built:
            shapes = [_shape_of(query), _shape_of(value if value is not None else query)]
            shapes.append(_shape_of(key) if key is not None else shapes[1])
            from ...framework.context import init_scope
            with init_scope():
                self.build(*shapes)
            self._build_shapes = shapes[0]
            self._nd_build_shapes_all = shapes
        if value is None:
            raise ValueError("MultiHeadAttention requires `value`: call it as "
                             "layer(query, value) (or layer(query, value, key)).")
        args = (query, value) if key is None else (query, value, key)
        return super().__call__(*args, **kwargs)

    def _attention_mask(self, query, value, query_mask, value_mask, key_mask,
                        attention_mask, use_causal_mask):
        auto = None
        if query_mask is not None:
            auto = ndflow.expand_dims(ndflow.cast(query_mask, "bool"), -1)
        for m in (value_mask, key_mask):
            if m is not None:
                m = ndflow.expand_dims(ndflow.cast(m, "bool"), -2)
                auto = m if auto is None else ndflow.logical_and(auto, m)
        if use_causal_mask:
            causal = _causal_mask(ndflow.shape(query)[1], ndflow.shape(value)[1])
            auto = causal if auto is None else ndflow.logical_and(auto, causal)
        if attention_mask is not None:
            attention_mask = ndflow.cast(attention_mask, "bool")
            return attention_mask if auto is None else ndflow.logical_and(attention_mask, auto)
        return auto

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        key = value if key is None else key
        query_mask = get_keras_mask(query) if query_mask is None else query_mask
        value_mask = get_keras_mask(value) if value_mask is None else value_mask
        key_mask = get_keras_mask(key) if key_mask is None and key is not value else key_mask
        mask = self._attention_mask(query, value, query_mask, value_mask, key_mask,
                                    attention_mask, use_causal_mask)
        q = self.query_dense(query) * (1.0 / math.sqrt(float(self.key_dim)))
        k = self.key_dense(key)
        v = self.value_dense(value)
        dot, combine, n_axes = self._nd_equations
        scores = ndflow.einsum(dot, k, q)
        if mask is not None:
            # one mask for every head: the heads axis sits before the target axes
            for _ in range((scores.shape.rank or 0) - (mask.shape.rank or 0)):
                mask = ndflow.expand_dims(mask, -2 * n_axes - 1)
            scores = scores + (1.0 - ndflow.cast(mask, scores.dtype)) * -_LARGE
        scores = _softmax_last(scores, n_axes)
        dropped = scores
        if training and self.dropout > 0:
            dropped = _dropout(scores, self.dropout, seed=self.seed)
        heads = ndflow.einsum(combine, dropped, v)
        output = self.output_dense(heads)
        if return_attention_scores:
            return output, scores
        return output

    def _attention_axes_for(self, rank):
        """The attended axes of rank-`rank` inputs, as positive input axes."""
        if self.attention_axes is None:
            return tuple(range(1, rank - 1))
        axes = tuple(a % rank for a in self.attention_axes)
        if any(a in (0, rank - 1) for a in axes) or len(set(axes)) != len(axes):
            raise ValueError("MultiHeadAttention: `attention_axes` may name neither the batch "
                             f"nor the feature axis of rank-{rank} inputs. Received: "
                             f"attention_axes={self.attention_axes}")
        return tuple(sorted(axes))

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        out = self._nd_output_shape or (query_shape[-1],)
        return tuple(query_shape[:-1]) + tuple(out)

    def get_config(self):
        config = super().get_config()
        config.update({
            "num_heads": self.num_heads, "key_dim": self.key_dim,
            "value_dim": self.value_dim, "dropout": self.dropout, "use_bias": self.use_bias,
            "output_shape": None if self._nd_output_shape is None
            else list(self._nd_output_shape),
            "attention_axes": list(self._nd_attended) if self.built else (
                None if self.attention_axes is None else list(self.attention_axes)),
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": _serialize(regularizers, self.kernel_regularizer),
            "bias_regularizer": _serialize(regularizers, self.bias_regularizer),
            "activity_regularizer": _serialize(regularizers, self.activity_regularizer),
            "kernel_constraint": _serialize(constraints, self.kernel_constraint),
            "bias_constraint": _serialize(constraints, self.bias_constraint),
            "seed": self.seed})
        return config

    def get_build_config(self):
        shapes = getattr(self, "_nd_build_shapes_all", None)
        if shapes is None:
            return super().get_build_config()
        shapes_dict = {"query_shape": list(shapes[0]), "value_shape": list(shapes[1])}
        if shapes[2] is not None and shapes[2] != shapes[1]:
            shapes_dict["key_shape"] = list(shapes[2])
        return {"shapes_dict": shapes_dict}

    def build_from_config(self, config):
        if self.built or not config:
            return
        shapes = config.get("shapes_dict", config)
        if "query_shape" in shapes:
            query = tuple(shapes["query_shape"])
            value = tuple(shapes.get("value_shape") or query)
            key = tuple(shapes["key_shape"]) if shapes.get("key_shape") else None
        elif "input_shape" in config:
            query = value = tuple(config["input_shape"])
            key = None
        else:
            return
        self.build(query, value, key)
        self._build_shapes = query
        self._nd_build_shapes_all = [query, value, key or value]


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _projection_equation(rank):
    """(batch, ..., dim) x (dim, heads, size) -> (batch, ..., heads, size)."""
    x = _LETTERS[:rank]
    new = _LETTERS[rank:rank + 2]
    return f"{x},{x[-1]}{new}->{x[:-1]}{new}"


def _output_equation(rank):
    """(batch, ..., heads, size) x (heads, size, out) -> (batch, ..., out)."""
    x = _LETTERS[:rank + 1]
    out = _LETTERS[rank + 1]
    return f"{x},{x[-2:]}{out}->{x[:-2]}{out}"


def _attention_equations(rank, axes):
    """(dot product, combination, number of attended axes) einsum equations for projected
    tensors of rank `rank + 1` (the heads axis inserted before the last), attending over
    the input axes `axes`: scores are (other axes, heads, target axes, source axes)."""
    n = rank + 1
    target = _LETTERS[:n]
    attended = set(axes)
    source = "".join(_LETTERS[n + axes.index(i)] if i in attended else target[i]
                     for i in range(n))
    others = [i for i in range(n - 1) if i not in attended]   # batch, free axes, heads
    scores = "".join(target[i] for i in others) + "".join(target[i] for i in axes) + \
        "".join(source[i] for i in axes)
    return (f"{source},{target}->{scores}", f"{scores},{source}->{target}", len(axes))


def _softmax_last(x, n_axes):
    """Softmax over the last `n_axes` axes together."""
    if n_axes == 1:
        return ndflow.nn.softmax(x, axis=-1)
    axes = list(range(-n_axes, 0))
    e = ndflow.exp(x - ndflow.reduce_max(x, axis=axes, keepdims=True))
    return e / ndflow.reduce_sum(e, axis=axes, keepdims=True)


def _shape_of(t):
    shape = getattr(t, "shape", None)
    if shape is None:
        return None
    if isinstance(shape, tuple):
        return shape
    return tuple(shape.as_list()) if hasattr(shape, "as_list") else tuple(shape)
