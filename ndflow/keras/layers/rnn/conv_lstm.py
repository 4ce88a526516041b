"""ConvLSTM2D (Shi et al. 2015): an LSTM whose input and recurrent transformations are
convolutions, Keras 3 layout: kernel `(kh, kw, channels, 4 * filters)`, recurrent_kernel
`(kh, kw, filters, 4 * filters)`, bias `(4 * filters,)`, gates i, f, c, o along the last
axis. The input convolution (strides, padding, dilation) of every timestep runs as one
convolution over the batch of all timesteps before the loop over time; the loop does the
recurrent convolution (stride 1, "same" padding, as Keras) and the gates.
"""
import ndflow
from ....framework.graph import graph_for_building
from ....ops import conv_ops
from ... import activations, backend, constraints, initializers, regularizers
from ..base import InputSpec, Layer, shape_tuple
from .base_cell import _serialize
from .dropout_rnn_cell import DropoutRNNCell, check_rate
from .lstm import _UnitForgetBias
from .rnn import RNN


def _pair(value, what):
    if isinstance(value, int):
        return (value, value)
    value = tuple(int(v) for v in value)
    if len(value) != 2:
        raise ValueError(f"The `{what}` argument must be a tuple of 2 integers. Received "
                         f"{what}={value}")
    return value


def _conv_length(size, kernel, padding, stride, dilation):
    if size is None:
        return None
    extent = (kernel - 1) * dilation + 1
    if padding == "same":
        return -(-size // stride)
    return max(0, (size - extent) // stride + 1)


class ConvLSTMCell(DropoutRNNCell, Layer):
    """The cell of ConvLSTM2D: one step on `(batch, rows, cols, channels)` inputs (channels
    last; the layer transposes channels-first data). Arguments as in `ConvLSTM2D`."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if int(filters) <= 0:
            raise ValueError("Invalid value for argument `filters`. Expected a strictly "
                             f"positive value. Received filters={filters}.")
        self.filters = int(filters)
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.strides = _pair(strides, "strides")
        self.dilation_rate = _pair(dilation_rate, "dilation_rate")
        self.padding = str(padding).lower()
        if self.padding not in ("valid", "same"):
            raise ValueError("The `padding` argument must be one of ('valid', 'same'). "
                             f"Received: padding={padding}")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = check_rate("dropout", dropout)
        self.recurrent_dropout = check_rate("recurrent_dropout", recurrent_dropout)
        self.seed = seed
        self.projected = False   # set by the layer while `call` receives input convolutions
        self._nd_state_shape = None

    @property
    def state_size(self):
        return [self._nd_state_shape, self._nd_state_shape]

    @property
    def output_size(self):
        return self._nd_state_shape

    def build(self, input_shape):
        _, rows, cols, channels = tuple(input_shape)
        if channels is None:
            raise ValueError(f"ConvLSTM2D {self.name}: the channel dimension of the inputs "
                             f"must be defined. Received input_shape={input_shape}")
        out = [_conv_length(n, k, self.padding, s, d) for n, k, s, d in
               zip((rows, cols), self.kernel_size, self.strides, self.dilation_rate)]
        if None in out:
            raise ValueError(f"ConvLSTM2D {self.name}: ndflow needs known rows and columns "
                             f"(the states' shape). Received input_shape={input_shape}")
        self._nd_state_shape = (out[0], out[1], self.filters)
        n = 4 * self.filters
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (channels, n),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            name="recurrent_kernel", shape=self.kernel_size + (self.filters, n),
            initializer=self.recurrent_initializer, regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            init = (_UnitForgetBias(self.bias_initializer, self.filters)
                    if self.unit_forget_bias else self.bias_initializer)
            self.bias = self.add_weight(name="bias", shape=(n,), initializer=init,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def input_conv(self, x):
        """The input convolution (and bias) of a `(batch, rows, cols, channels)` tensor."""
        out = conv_ops.conv2d(x, self.kernel, strides=list(self.strides),
                              padding=self.padding.upper(), dilations=list(self.dilation_rate))
        return out + self.bias if self.bias is not None else out

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        if self.projected:
            x = inputs
        else:
            if training and 0.0 < self.dropout < 1.0:
                inputs = inputs * self.get_dropout_mask(inputs)
            x = self.input_conv(inputs)
        h_rec = h_tm1
        if training and 0.0 < self.recurrent_dropout < 1.0:
            h_rec = h_tm1 * self.get_recurrent_dropout_mask(h_tm1)
        z = x + conv_ops.conv2d(h_rec, self.recurrent_kernel, strides=[1, 1], padding="SAME")
        z_i, z_f, z_c, z_o = ndflow.split(z, 4, axis=-1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_tm1 + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]

    def get_initial_state(self, batch_size=None):
        from .rnn import zero_states
        return zero_states(self.state_size, batch_size, self.compute_dtype)


class ConvLSTM2D(RNN):
    """2D Convolutional LSTM.

    Similar to an LSTM layer, but the input transformations and recurrent transformations
    are both convolutional.

    Args:
        filters: int, the dimension of the output space (the number of filters in the
            convolution).
        kernel_size: int or tuple/list of 2 integers, the size of the convolution window.
        strides: int or tuple/list of 2 integers, the strides of the input convolution.
        padding: string, `"valid"` or `"same"` (case-insensitive).
        data_format: string, `"channels_last"` (inputs `(batch, time, rows, cols,
            channels)`) or `"channels_first"` (`(batch, time, channels, rows, cols)`).
            Defaults to the `image_data_format` value of the Keras config.
        dilation_rate: int or tuple/list of 2 integers, the dilation rate of the input
            convolution.
        activation, recurrent_activation, use_bias, kernel_initializer,
        recurrent_initializer, bias_initializer, unit_forget_bias, kernel_regularizer,
        recurrent_regularizer, bias_regularizer, activity_regularizer, kernel_constraint,
        recurrent_constraint, bias_constraint, dropout, recurrent_dropout, seed: As in
            `LSTM`.
        return_sequences, return_state, go_backwards, stateful: As in `RNN`.

    Call arguments:
        inputs: A 5D tensor.
        mask: Binary tensor of shape `(samples, timesteps)`.
        training: Python boolean (relevant with dropout).
        initial_state: List of initial state tensors `[h, c]`.

    Input shape: `(batch, time, rows, cols, channels)` for channels_last. Output shape:
    `(batch, [time,] new_rows, new_cols, filters)` (channels_last).
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        kwargs.pop("unroll", None)
        kwargs.pop("zero_output_for_mask", None)
        cell = ConvLSTMCell(
            filters, kernel_size, strides=strides, padding=padding,
            dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
            dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
            name="conv_lstm_cell")
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=5)

    def _channels_last(self, shape):
        shape = tuple(shape)
        if self.data_format == "channels_first":
            return shape[:2] + shape[3:] + shape[2:3]
        return shape

    def build(self, sequences_shape, initial_state_shape=None):
        super().build(self._channels_last(sequences_shape))

    def call(self, sequences, initial_state=None, mask=None, training=False):
        first = self.data_format == "channels_first"
        if first:
            sequences = ndflow.transpose(sequences, [0, 1, 3, 4, 2])
            if initial_state is not None:
                initial_state = [ndflow.transpose(s, [0, 2, 3, 1]) for s in initial_state]
        out = super().call(sequences, initial_state=initial_state, mask=mask,
                           training=training)
        if not first:
            return out
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        outs = [ndflow.transpose(t, [0, 1, 4, 2, 3] if t.shape.rank == 5 else [0, 3, 1, 2])
                for t in outs]
        return tuple(outs) if isinstance(out, (list, tuple)) else outs[0]

    def _fused_loop(self, x, states, mask, training):
        """Every timestep's input convolution at once, then the loop over time."""
        cell = self.cell
        if training and 0.0 < cell.dropout < 1.0:
            x = x * ndflow.expand_dims(cell.get_dropout_mask(x[:, 0]), 1)
        dims = ndflow.shape(x)
        static = shape_tuple(x)
        flat = ndflow.reshape(x, [-1] + list(static[2:]))
        conv = cell.input_conv(flat)
        rows, cols, _ = cell._nd_state_shape
        projected = ndflow.reshape(conv, ndflow.stack(
            [dims[0], dims[1], rows, cols, 4 * cell.filters]))
        if hasattr(projected, "set_shape"):
            projected.set_shape([static[0], static[1], rows, cols, 4 * cell.filters])
        cell.projected = True
        try:
            graph = graph_for_building() is not None
            if not graph or static[1] is not None and self.unroll:
                return self._python_loop(projected, states, mask, training)
            return self._while_loop(projected, states, mask, training)
        finally:
            cell.projected = False

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        shape = self._channels_last(sequences_shape)
        rows, cols = (_conv_length(n, k, self.cell.padding, s, d) for n, k, s, d in
                      zip(shape[2:4], self.cell.kernel_size, self.cell.strides,
                          self.cell.dilation_rate))
        if self.data_format == "channels_first":
            step = (self.cell.filters, rows, cols)
        else:
            step = (rows, cols, self.cell.filters)
        output = (shape[0],) + ((shape[1],) if self.return_sequences else ()) + step
        if self.return_state:
            return (output, (shape[0],) + step, (shape[0],) + step)
        return output

    def get_config(self):
        config = super().get_config()
        config.pop("cell", None)
        c = self.cell
        config.update({
            "filters": c.filters, "kernel_size": list(c.kernel_size),
            "strides": list(c.strides), "padding": c.padding, "data_format": self.data_format,
            "dilation_rate": list(c.dilation_rate),
            "activation": activations.serialize(c.activation),
            "recurrent_activation": activations.serialize(c.recurrent_activation),
            "use_bias": c.use_bias,
            "kernel_initializer": initializers.serialize(c.kernel_initializer),
            "recurrent_initializer": initializers.serialize(c.recurrent_initializer),
            "bias_initializer": initializers.serialize(c.bias_initializer),
            "unit_forget_bias": c.unit_forget_bias,
            "kernel_regularizer": _serialize(regularizers, c.kernel_regularizer),
            "recurrent_regularizer": _serialize(regularizers, c.recurrent_regularizer),
            "bias_regularizer": _serialize(regularizers, c.bias_regularizer),
            "activity_regularizer": _serialize(regularizers, self.activity_regularizer),
            "kernel_constraint": _serialize(constraints, c.kernel_constraint),
            "recurrent_constraint": _serialize(constraints, c.recurrent_constraint),
            "bias_constraint": _serialize(constraints, c.bias_constraint),
            "dropout": c.dropout, "recurrent_dropout": c.recurrent_dropout, "seed": c.seed})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)
