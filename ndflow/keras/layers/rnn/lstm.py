"""LSTMCell and LSTM (Hochreiter 1997), Keras 3 weight layout: kernel `(input, 4 * units)`,
recurrent_kernel `(units, 4 * units)`, bias `(4 * units,)`, gates in the order i, f, c, o."""

import ndflow
from ... import activations, initializers
from .base_cell import RecurrentCell, cell_property, layer_config
from .rnn import RNN
from ._split import split_gates


class _UnitForgetBias(initializers.Initializer):
    """The LSTM bias with ones for the forget gate and `base` elsewhere."""

    def __init__(self, base, units):
        self.base, self.units = base, units

    def __call__(self, shape, dtype=None):
        u = self.units
        first = ndflow.convert_to_tensor(self.base((u,), dtype=dtype))
        rest = ndflow.convert_to_tensor(self.base((2 * u,), dtype=dtype))
        # ops, not NumPy: under a TF1 graph the base initializer gives symbolic tensors
        return ndflow.concat([first, ndflow.ones([u], first.dtype), rest], axis=0)


class LSTMCell(RecurrentCell):
    """Cell class for the LSTM layer.

    Args:
        units: Positive integer, dimensionality of the output space.
        activation: Activation function to use. Default: hyperbolic tangent (`tanh`).
        recurrent_activation: Activation function to use for the recurrent step.
            Default: sigmoid (`sigmoid`).
        use_bias: Boolean, (default `True`), whether the layer should use a bias vector.
        kernel_initializer, recurrent_initializer, bias_initializer: Initializers
            (default `"glorot_uniform"`, `"orthogonal"`, `"zeros"`).
        unit_forget_bias: Boolean (default `True`). If `True`, add 1 to the bias of the
            forget gate at initialization (and use `bias_initializer="zeros"` for the rest).
        kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
        recurrent_constraint, bias_constraint: As in `SimpleRNNCell`.
        dropout, recurrent_dropout, seed: As in `SimpleRNNCell`.

    Call arguments:
        inputs: A 2D tensor, with shape `(batch, features)`.
        states: A 2D tensor with shape `(batch, units)`, which is the state from the
            previous time step.
        training: Python boolean (relevant with dropout).
    """

    gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)

    @property
    def state_size(self):
        return [self.units, self.units]

    def _bias_init(self):
        if self.unit_forget_bias:
            return _UnitForgetBias(self.bias_initializer, self.units)
        return self.bias_initializer

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        inputs, h_tm1 = self._dropped(inputs, h_tm1, training)
        z = ndflow.matmul(inputs, self.kernel) + ndflow.matmul(h_tm1, self.recurrent_kernel)
        if self.bias is not None:
            z = z + self.bias
        z0, z1, z2, z3 = split_gates(z, 4)
        i = self.recurrent_activation(z0)
        f = self.recurrent_activation(z1)
        c = f * c_tm1 + i * self.activation(z2)
        o = self.recurrent_activation(z3)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        config = super().get_config()
        config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        config["unit_forget_bias"] = self.unit_forget_bias
        return config


class LSTM(RNN):
    """Long Short-Term Memory layer - Hochreiter 1997.

    Args:
        units: Positive integer, dimensionality of the output space.
        activation, recurrent_activation, use_bias, kernel_initializer,
        recurrent_initializer, bias_initializer, unit_forget_bias, kernel_regularizer,
        recurrent_regularizer, bias_regularizer, kernel_constraint, recurrent_constraint,
        bias_constraint, dropout, recurrent_dropout, seed: As in `LSTMCell`.
        activity_regularizer: Regularizer function applied to the output of the layer.
        return_sequences, return_state, go_backwards, stateful, unroll: As in `RNN`.
        use_cudnn: Accepted for compatibility; ndflow has one implementation.

    Call arguments:
        inputs: A 3D tensor, with shape `(batch, timesteps, feature)`.
        mask: Binary tensor of shape `(samples, timesteps)`.
        training: Python boolean (relevant with dropout).
        initial_state: List of initial state tensors `[h, c]`.
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, use_cudnn="auto", **kwargs):
        kwargs.pop("implementation", None)
        cell = LSTMCell(
            units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed, dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True), name="lstm_cell")
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.use_cudnn = use_cudnn

    units = cell_property("units")
    activation = cell_property("activation")
    recurrent_activation = cell_property("recurrent_activation")
    use_bias = cell_property("use_bias")
    unit_forget_bias = cell_property("unit_forget_bias")
    kernel_initializer = cell_property("kernel_initializer")
    recurrent_initializer = cell_property("recurrent_initializer")
    bias_initializer = cell_property("bias_initializer")
    dropout = cell_property("dropout")
    recurrent_dropout = cell_property("recurrent_dropout")

    def get_config(self):
        return layer_config(self, super().get_config())
