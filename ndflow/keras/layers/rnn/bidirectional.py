"""Bidirectional: a recurrent layer run forwards and backwards, outputs merged."""
import ndflow
from ..base import Layer

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _removeprefix(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else name


class Bidirectional(Layer):
    """Bidirectional wrapper for RNNs.

    Args:
        layer: `keras.layers.RNN` instance, such as `keras.layers.LSTM` or
            `keras.layers.GRU`. It could also be a `keras.layers.Layer` instance that meets
            the following criteria: be a sequence-processing layer (accepts 3D+ inputs);
            have a `go_backwards`, `return_sequences` and `return_state` attribute (with
            the same semantics as for the `RNN` class); have an `input_spec` attribute;
            implement serialization via `get_config()` and `from_config()`.
        merge_mode: Mode by which outputs of the forward and backward RNNs will be
            combined. One of `{"sum", "mul", "concat", "ave", None}`. If `None`, the
            outputs will not be combined, they will be returned as a list.
            Defaults to `"concat"`.
        backward_layer: Optional `keras.layers.RNN` instance to be used to handle
            backwards input processing. If `backward_layer` is not provided, the layer
            instance passed as the `layer` argument will be used to generate the backward
            layer automatically. Its `go_backwards` must be the opposite of `layer`'s, and
            `return_sequences` and `return_state` must match.

    Call arguments:
        The call arguments for this layer are the same as those of the wrapped RNN layer.
        An `initial_state` holds the forward states followed by the backward states.
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None,
                 **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError("Please initialize `Bidirectional` layer with a "
                             f"`keras.layers.Layer` instance. Received: {layer}")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError("`backward_layer` need to be a `keras.layers.Layer` instance. "
                             f"Received: {backward_layer}")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Invalid merge mode. Received: {merge_mode}. Merge mode should "
                             "be one of {'sum', 'mul', 'ave', 'concat', None}")
        super().__init__(**kwargs)
        from ...models.serialization import deserialize_layer, serialize_layer
        config = serialize_layer(layer)
        config["config"]["name"] = "forward_" + _removeprefix(layer.name, "forward_")
        config.pop("build_config", None)
        self.forward_layer = deserialize_layer(config)
        if backward_layer is None:
            config = serialize_layer(layer)
            config.pop("build_config", None)
            config["config"]["go_backwards"] = not layer.go_backwards
            config["config"]["name"] = "backward_" + _removeprefix(layer.name, "backward_")
            self.backward_layer = deserialize_layer(config)
            self._nd_user_backward = False
        else:
            self.backward_layer = backward_layer
            self._nd_user_backward = True
            self._verify_layer_config()
        for sub in (self.forward_layer, self.backward_layer):
            if getattr(sub, "zero_output_for_mask", None) is not None:
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.stateful = getattr(layer, "stateful", False)
        self.supports_masking = True
        self.input_spec = layer.input_spec
        self._nd_initial_weights = weights

    def _verify_layer_config(self):
        f, b = self.forward_layer, self.backward_layer
        if f.go_backwards == b.go_backwards:
            raise ValueError("Forward layer and backward layer should have different "
                             "`go_backwards` value. Received: forward_layer.go_backwards "
                             f"{f.go_backwards}, backward_layer.go_backwards={b.go_backwards}")
        for attr in ("stateful", "return_sequences", "return_state"):
            if getattr(f, attr) != getattr(b, attr):
                raise ValueError("Forward layer and backward layer are expected to have the "
                                 f"same value for attribute '{attr}', got "
                                 f"'{getattr(f, attr)}' for forward layer and "
                                 f"'{getattr(b, attr)}' for backward layer")

    def build(self, sequences_shape, initial_state_shape=None):
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub._maybe_build_from_shapes(tuple(sequences_shape))
        self.built = True

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {}
        if training is not None:
            kwargs["training"] = training
        if mask is not None:
            kwargs["mask"] = mask[0] if isinstance(mask, (list, tuple)) else mask
        f_kwargs, b_kwargs = dict(kwargs), dict(kwargs)
        if initial_state is not None:
            states = list(initial_state)
            half = len(states) // 2
            f_kwargs["initial_state"] = states[:half]
            b_kwargs["initial_state"] = states[half:]
        y = self.forward_layer(sequences, **f_kwargs)
        y_rev = self.backward_layer(sequences, **b_kwargs)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ndflow.reverse(y_rev, [1])
        if self.merge_mode == "concat":
            output = ndflow.concat([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            output = y + y_rev
        elif self.merge_mode == "ave":
            output = (y + y_rev) / 2.0
        elif self.merge_mode == "mul":
            output = y * y_rev
        else:
            output = [y, y_rev]
        if self.return_state:
            if self.merge_mode is None:
                return tuple(output) + tuple(states)
            return (output,) + tuple(states)
        return output

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        masks = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            n = len(getattr(self.forward_layer, "states", None) or []) or \
                _state_count(self.forward_layer)
            masks = masks + [None] * (2 * n)
        return masks if len(masks) > 1 else masks[0]

    def reset_states(self):
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    reset_state = reset_states

    def get_config(self):
        from ...models.serialization import serialize_layer
        config = super().get_config()
        config["merge_mode"] = self.merge_mode
        config["layer"] = _strip(serialize_layer(self.forward_layer))
        if self._nd_user_backward:
            config["backward_layer"] = _strip(serialize_layer(self.backward_layer))
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ...models.serialization import deserialize_layer
        config = dict(config)
        config["layer"] = deserialize_layer(config["layer"], custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = deserialize_layer(config["backward_layer"],
                                                         custom_objects)
        return super().from_config(config)


def _state_count(layer):
    from .rnn import flat_state_sizes
    cell = getattr(layer, "cell", None)
    return len(flat_state_sizes(cell.state_size)) if cell is not None else 0


def _strip(config):
    config.pop("build_config", None)
    return config

