"""More TF1 cells: `tf.nn.rnn_cell.ResidualWrapper` / `DeviceWrapper` and the
`tf.contrib.rnn` wrappers and block cells classic programs use (`OutputProjectionWrapper`,
`InputProjectionWrapper`, `EmbeddingWrapper`, `LSTMBlockCell`, `GRUBlockCell`).

The projection and embedding wrappers create their variables under the wrapper's own scope
(`output_projection_wrapper/kernel`, `.../bias`; the wrapped cell's beneath it), as TensorFlow
1.x's contrib cells did. The block cells are TensorFlow's fused-kernel spellings of the LSTM
and GRU: the same math and variable names as `LSTMCell` (`lstm_cell/kernel`, gates i, j, f, o)
and `GRUCell`.
"""
import ndflow
from . import variable_scope as _vs
from .rnn import GRUCell, LSTMCell, Wrapper, _flatten, _pack, _var


class ResidualWrapper(Wrapper):
    """Adds the inputs to the wrapped cell's outputs: `output = inputs + cell(inputs)`.

    Args:
      cell: The `RNNCell`; its output size must equal the input depth.
      residual_fn: Optional `fn(inputs, outputs)` used instead of addition.
    """

    def __init__(self, cell, residual_fn=None):
        super().__init__(cell)
        self._residual_fn = residual_fn

    def __call__(self, inputs, state, scope=None):
        out, new_state = self._cell(inputs, state, scope)
        if self._residual_fn is not None:
            return self._residual_fn(inputs, out), new_state
        outs = [ndflow.convert_to_tensor(x) + y for x, y in zip(_flatten(inputs),
                                                                 _flatten(out))]
        return _pack(out, outs), new_state


class DeviceWrapper(Wrapper):
    """Runs the wrapped cell on `device` (ndflow places ops itself: the device is recorded)."""

    def __init__(self, cell, device):
        super().__init__(cell)
        self.device = device

    def __call__(self, inputs, state, scope=None):
        return self._cell(inputs, state, scope)


class _Projecting(Wrapper):
    """Shared by the wrappers that own variables: they live under the wrapper's scope."""

    def __call__(self, inputs, state, scope=None):
        with _vs.variable_scope(scope or self._name or self._default_name) as vs:
            if self._weights is None:
                self._weights = {}
            result = self._wrapped_call(ndflow.convert_to_tensor(inputs), state)
        self._scope_name = vs.name
        return result

    def _cells(self):  # its own weights are read once before a while loop, too
        return [self] + self._cell._cells()

    def _get(self, name, shape, dtype, initializer=None):
        if name not in self._weights:
            self._weights[name] = _var(name, shape, dtype, initializer)
        return self._weight(name)

    def _project(self, x, size, activation):
        depth = x.shape.as_list()[-1]
        y = ndflow.matmul(x, self._get("kernel", [depth, size], x.dtype)) + self._get(
            "bias", [size], x.dtype, ndflow.zeros_initializer())
        return activation(y) if activation is not None else y


class OutputProjectionWrapper(_Projecting):
    """Projects the wrapped cell's outputs to `output_size` with a dense layer.

    Args:
      cell: The `RNNCell`.
      output_size: The width of the projected outputs.
      activation: Optional activation of the projection.
    """

    _default_name = "output_projection_wrapper"

    def __init__(self, cell, output_size, activation=None, reuse=None):
        super().__init__(cell)
        self._output_size, self._activation_fn = int(output_size), activation

    @property
    def output_size(self):
        return self._output_size

    def _wrapped_call(self, inputs, state):
        out, new_state = self._cell(inputs, state)
        return self._project(out, self._output_size, self._activation_fn), new_state


class InputProjectionWrapper(_Projecting):
    """Projects the inputs to `num_proj` with a dense layer before the wrapped cell.

    Args:
      cell: The `RNNCell`.
      num_proj: The width the inputs are projected to.
      activation: Optional activation of the projection.
      input_size: Accepted for TF1 compatibility.
    """

    _default_name = "input_projection_wrapper"

    def __init__(self, cell, num_proj, activation=None, input_size=None, reuse=None):
        super().__init__(cell)
        self._num_proj, self._activation_fn = int(num_proj), activation

    def _wrapped_call(self, inputs, state):
        return self._cell(self._project(inputs, self._num_proj, self._activation_fn), state)


class EmbeddingWrapper(_Projecting):
    """Looks the integer inputs up in an `[embedding_classes, embedding_size]` embedding
    before the wrapped cell (inputs of shape `[batch]` or `[batch, 1]`).

    Args:
      cell: The `RNNCell`.
      embedding_classes: The number of ids.
      embedding_size: The width of each embedding.
      initializer: The embedding's initializer (default uniform in [-sqrt(3), sqrt(3)]).
    """

    _default_name = "embedding_wrapper"

    def __init__(self, cell, embedding_classes, embedding_size, initializer=None, reuse=None):
        super().__init__(cell)
        if embedding_classes <= 0 or embedding_size <= 0:
            raise ValueError(f"EmbeddingWrapper: embedding_classes and embedding_size must be "
                             f"positive, got {embedding_classes} and {embedding_size}.")
        self._classes, self._size = int(embedding_classes), int(embedding_size)
        self._initializer = initializer

    def _wrapped_call(self, inputs, state):
        dtype = _flatten(state)[0].dtype
        init = self._initializer or ndflow.random_uniform_initializer(-3 ** 0.5, 3 ** 0.5)
        table = self._get("embedding", [self._classes, self._size], dtype, init)
        embedded = ndflow.nn.embedding_lookup(table, ndflow.reshape(inputs, [-1]))
        return self._cell(embedded, state)


class LSTMBlockCell(LSTMCell):
    """TensorFlow's fused-kernel LSTM cell: `LSTMCell`'s math and variables
    (`lstm_cell/kernel` `[input_depth + units, 4 * units]`, gates i, j, f, o).

    Args:
      num_units: The number of units.
      forget_bias: Added to the forget gate's bias (default 1.0).
      cell_clip: Optional value the cell state is clipped to.
      use_peephole: Whether to use peephole connections.
      reuse, dtype, name: As in TensorFlow 1.
    """

    _default_name = "lstm_cell"
    _fuses_as = LSTMCell  # runs the fused recurrence as LSTMCell does

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False,
                 dtype=None, reuse=None, name="lstm_cell"):
        super().__init__(num_units, use_peepholes=use_peephole, cell_clip=cell_clip,
                         forget_bias=forget_bias, name=name, dtype=dtype)


class GRUBlockCell(GRUCell):
    """TensorFlow's fused-kernel GRU cell: `GRUCell`'s math and variables.

    Args:
      num_units: The number of units (`cell_size` is its older name).
      reuse, name: As in TensorFlow 1.
    """

    _fuses_as = GRUCell

    def __init__(self, num_units=None, cell_size=None, reuse=None, name="gru_cell"):
        if num_units is None:
            num_units = cell_size
        if num_units is None:
            raise ValueError("GRUBlockCell: give num_units.")
        super().__init__(num_units, name=name)


CORE = {"ResidualWrapper": ResidualWrapper, "DeviceWrapper": DeviceWrapper}
CONTRIB = {**CORE, "OutputProjectionWrapper": OutputProjectionWrapper,
           "InputProjectionWrapper": InputProjectionWrapper,
           "EmbeddingWrapper": EmbeddingWrapper, "LSTMBlockCell": LSTMBlockCell,
           "GRUBlockCell": GRUBlockCell}
