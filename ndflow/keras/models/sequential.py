"""keras.Sequential: a plain stack of layers.

With an input shape (an `Input` first, or `input_shape=` on the first layer) the stack is
built at once by calling the layers on a Keras tensor, so shapes and parameter counts are
known before any data arrives; otherwise it builds on its first call.
"""
from .. import backend
from ..layers.base import Layer, shape_tuple
from ..layers.input_layer import InputLayer
from ..layers.keras_tensor import KerasTensor
from .model import Model


class Sequential(Model):
    """A model that is a plain stack of layers, each feeding the next.

    Layers can be given at construction or appended with `add`; the model is built when the
    input shape is known (from `keras.Input`, a first layer's `input_shape`, or the first call).

    Args:
      layers: Optional list of layers.
      trainable: Whether its weights are trained.
      name: The model's name.
      **kwargs: Base `Layer` options.

    Example:

    >>> from ndflow import keras
    >>> model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    >>> model.output_shape
    (None, 1)
    """
    def __init__(self, layers=None, trainable=True, name=None, **kwargs):
        Model.__init__(self, trainable=trainable,
                       name=name or backend.unique_object_name("sequential"), **kwargs)
        self._seq_layers = []
        self._nd_output = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    # --- structure -------------------------------------------------------------------------
    @property
    def _input_layer(self):
        if self._seq_layers and isinstance(self._seq_layers[0], InputLayer):
            return self._seq_layers[0]
        return None

    @property
    def layers(self):
        return [layer for layer in self._seq_layers if not isinstance(layer, InputLayer)]

    def add(self, layer, rebuild=True):
        if isinstance(layer, KerasTensor):  # Input(...) gives a tensor; its layer is wanted
            layer = layer._keras_history[0]
        if not isinstance(layer, Layer):
            raise TypeError("Only instances of `keras.Layer` can be added to a Sequential "
                            f"model. Received: {layer!r} (of type {type(layer)})")
        if isinstance(layer, InputLayer):
            if self._seq_layers:
                raise ValueError(f"Sequential model '{self.name}' has already been configured "
                                 "to use input shape; an Input can only be its first layer.")
        elif not self._seq_layers and layer._nd_batch_input_shape is not None:
            self._seq_layers.append(InputLayer(batch_shape=layer._nd_batch_input_shape,
                                               dtype=layer.dtype))
        # the same instance may come twice (its weights are then shared), as in Keras
        if any(existing.name == layer.name and existing is not layer
               for existing in self._seq_layers):
            raise ValueError("All layers added to a Sequential model should have unique names. "
                             f"Name '{layer.name}' is already the name of a layer in this "
                             "model. Update the `name` argument to pass a unique name.")
        self._seq_layers.append(layer)
        self.built = False
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild=True):
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        layer = self._seq_layers.pop()
        self.built = False
        self._nd_output = None
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self):
        self.built = False
        if self._input_layer is not None and len(self._seq_layers) > 1:
            self._build_graph()

    def _build_graph(self):
        x = self._input_layer._nd_output
        for layer in self.layers:
            x = layer(x)
            if isinstance(x, (list, tuple)) and len(x) != 1:
                raise ValueError("All layers in a Sequential model should have a single "
                                 f"output tensor; layer {layer.name} returned {len(x)}.")
            x = x[0] if isinstance(x, (list, tuple)) else x
            layer._nd_seq_output_shape = x.shape
        self._nd_output = x
        self._build_shapes = self._input_layer.batch_shape
        self.built = True

    def build(self, input_shape=None):
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError("You must provide an `input_shape` argument.")
        else:
            shape = tuple(input_shape)
            if self._input_layer is None:
                self._seq_layers.insert(0, InputLayer(batch_shape=shape))
            elif tuple(self._input_layer.batch_shape) != shape and self.built:
                return
        if not self.layers:
            raise ValueError(f"Sequential model {self.name} cannot be built because it has no "
                             "layers. Call `model.add(layer)`.")
        self._build_graph()

    def _maybe_build(self, first_input):
        if self.built:
            return
        if self._input_layer is None:
            shape = shape_tuple(first_input) if hasattr(first_input, "shape") else None
            if shape is None:
                raise ValueError(f"Sequential model {self.name} needs a single tensor input.")
            dtype = getattr(first_input, "dtype", None)
            if getattr(dtype, "name", None) == "string" or getattr(dtype, "kind", "") in (
                    "U", "S", "O"):  # text for a leading TextVectorization: a string input
                self._seq_layers.insert(0, InputLayer(batch_shape=(None,) + tuple(shape[1:]),
                                                      dtype="string"))
            self.build((None,) + tuple(shape[1:]))
        else:
            self.build()

    def call(self, inputs, training=None, mask=None):
        x = inputs
        if self._input_layer is not None and not isinstance(x, (list, tuple, dict)):
            # as the functional model Keras 3 runs a Sequential through: the input's dtype
            # (integer features for float layers) and rank (1-D data for a (None, 1) input)
            from .functional import Functional
            x = Functional._standardize(self, x, self._input_layer._nd_output)
        for layer in self.layers:
            x = layer(x)
        return x

    # --- functional views --------------------------------------------------------------------
    def _require_graph(self, what):
        if self._nd_output is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined {what}: it is "
                                 "not built yet (give it an Input or call it on data).")

    @property
    def inputs(self):
        self._require_graph("inputs")
        return [self._input_layer._nd_output]

    @property
    def outputs(self):
        self._require_graph("outputs")
        return [self._nd_output]

    @property
    def input(self):
        return self.inputs[0]

    @property
    def output(self):
        return self.outputs[0]

    @property
    def input_shape(self):
        return self.input.shape

    @property
    def output_shape(self):
        return self.output.shape

    @property
    def output_names(self):
        return [self.layers[-1].name] if self.layers else []

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for layer in self.layers:
            shape = layer.compute_output_shape(shape)
        return shape

    # --- serialization -----------------------------------------------------------------------
    def get_config(self):
        from .serialization import serialize_layer
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype,
                  "layers": [serialize_layer(layer) for layer in self._seq_layers]}
        if self.built and self._build_shapes is not None:
            config["build_input_shape"] = list(self._build_shapes)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from .serialization import deserialize_layer
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config["layers"]:
            model.add(deserialize_layer(layer_config, custom_objects), rebuild=False)
        model._maybe_rebuild()
        shape = config.get("build_input_shape")
        if not model.built and shape is not None:
            model.build(tuple(shape))
        return model
