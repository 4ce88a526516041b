"""StackedRNNCells: several cells run as one, each feeding the next at every timestep."""
from ....util import nest
from ..base import Layer
from .rnn import _call_accepts, flat_state_sizes, pack_states, zero_states


class StackedRNNCells(Layer):
    """Wrapper allowing a stack of RNN cells to behave as a single cell.

    Used to implement efficient stacked RNNs.

    Args:
        cells: List of RNN cell instances.

    Example:

    ```python
    batch_size = 3
    sentence_length = 5
    num_features = 2
    new_shape = (batch_size, sentence_length, num_features)
    x = np.reshape(np.arange(30), new_shape)

    rnn_cells = [keras.layers.LSTMCell(128) for _ in range(2)]
    stacked_lstm = keras.layers.StackedRNNCells(rnn_cells)
    lstm_layer = keras.layers.RNN(stacked_lstm)

    result = lstm_layer(x)
    ```
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        for cell in cells:
            if "call" not in dir(cell):
                raise ValueError("All cells must have a `call` method. Received cell without "
                                 f"a `call` method: {cell}")
            if "state_size" not in dir(cell):
                raise ValueError("All cells must have a `state_size` attribute. Received "
                                 f"cell without a `state_size`: {cell}")
        self.cells = list(cells)
        self.supports_masking = True

    @property
    def state_size(self):
        return [c.state_size for c in self.cells]

    @property
    def output_size(self):
        last = self.cells[-1]
        if getattr(last, "output_size", None) is not None:
            return last.output_size
        return flat_state_sizes(last.state_size)[0]

    def get_initial_state(self, batch_size=None):
        states = []
        for cell in self.cells:
            fn = getattr(cell, "get_initial_state", None)
            if fn is not None:
                states.append(fn(batch_size))
            else:
                states.append(zero_states(cell.state_size, batch_size, self.compute_dtype))
        return states

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            flat = nest.flatten(cell_states)
            packed = pack_states(cell.state_size, flat)
            if _call_accepts(cell.call, "training"):
                inputs, new = cell.call(inputs, packed, training=training)
            else:
                inputs, new = cell.call(inputs, packed)
            new_states.append(nest.flatten(new))
        return inputs, new_states

    def build(self, input_shape):
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell._maybe_build_from_shapes(shape)
            size = getattr(cell, "output_size", None)
            if size is None:
                size = flat_state_sizes(cell.state_size)[0]
            dims = list(size) if isinstance(size, tuple) else [size]
            shape = (shape[0],) + tuple(dims)
        self.built = True

    def get_config(self):
        from ...models.serialization import serialize_layer
        config = super().get_config()
        config["cells"] = [serialize_layer(cell) for cell in self.cells]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ...models.serialization import deserialize_layer
        config = dict(config)
        config["cells"] = [deserialize_layer(c, custom_objects) for c in config["cells"]]
        return super().from_config(config)

