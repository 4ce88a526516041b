"""TimeDistributed: applies a layer to every temporal slice of an input."""
import ndflow
from ..base import Layer, shape_tuple


class TimeDistributed(Layer):
    """This wrapper allows to apply a layer to every temporal slice of an input.

    Every input should be at least 3D, and the dimension of index one of the first input
    will be considered to be the temporal dimension. The wrapped layer sees the batch and
    time axes folded into one (the same weights for every timestep).

    Args:
        layer: a `keras.layers.Layer` instance.

    Call arguments:
        inputs: Input tensor of shape (batch, time, ...) or nested tensors, and each of
            which has shape (batch, time, ...).
        training: Python boolean indicating whether the layer should behave in training
            mode or in inference mode. This argument is passed to the wrapped layer
            (only if the layer supports this argument).
        mask: Binary tensor of shape `(samples, timesteps)` indicating whether a given
            timestep should be masked. This argument is passed to the wrapped layer (only
            if the layer supports this argument).
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError("Please initialize `TimeDistributed` layer with a "
                             f"`keras.layers.Layer` instance. Received: {layer}")
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def _child_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError("`TimeDistributed` Layer should be passed an `input_shape` with "
                             f"at least 3 dimensions, received: {input_shape}")
        return (None,) + tuple(input_shape[2:])

    def build(self, input_shape):
        if not self.layer.built:
            self.layer._maybe_build_from_shapes(self._child_shape(tuple(input_shape)))
        self.built = True

    def call(self, inputs, training=None, mask=None):
        shape = shape_tuple(inputs)
        self._child_shape(shape)
        dyn = ndflow.shape(inputs)
        inner = list(shape[2:])
        if any(d is None for d in inner):
            flat_shape = ndflow.concat([[-1], dyn[2:]], axis=0)
        else:
            flat_shape = [-1] + inner
        flat = ndflow.reshape(inputs, flat_shape)
        kwargs = {}
        if training is not None:
            kwargs["training"] = training
        if mask is not None and self.layer._signature_info()[1]:
            kwargs["mask"] = ndflow.reshape(mask, [-1] + list(shape_tuple(mask)[2:]))
        y = self.layer(flat, **kwargs)
        y_shape = shape_tuple(y)
        out_inner = list(y_shape[1:])
        if any(d is None for d in out_inner):
            out_shape = ndflow.concat([dyn[:2], ndflow.shape(y)[1:]], axis=0)
        else:
            batch = shape[0] if shape[0] is not None else -1
            steps = shape[1] if shape[1] is not None else (dyn[1] if batch != -1 else None)
            if steps is None:
                out_shape = ndflow.concat([dyn[:2], out_inner], axis=0)
            else:
                out_shape = [batch, steps] + out_inner
        out = ndflow.reshape(y, out_shape)
        if hasattr(out, "set_shape"):
            out.set_shape([shape[0], shape[1]] + out_inner)
        return out

    def get_config(self):
        from ...models.serialization import serialize_layer
        config = super().get_config()
        layer_config = serialize_layer(self.layer)
        layer_config.pop("build_config", None)
        config["layer"] = layer_config
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ...models.serialization import deserialize_layer
        config = dict(config)
        config["layer"] = deserialize_layer(config["layer"], custom_objects)
        return super().from_config(config)
