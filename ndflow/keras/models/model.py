"""keras.Model: one base for Sequential, Functional and subclassed models.

`Model(inputs=..., outputs=...)` returns a Functional model; a subclass of Model with its
own `call` is a subclassed model. Training (compile/fit/evaluate/predict) comes from
`Trainer` in training.py.
"""
import json

from ..layers.base import Layer
from ..layers.keras_tensor import KerasTensor
from .training import Trainer


def _functional_arguments(args, kwargs):
    """Whether a Model subclass is being called with Keras tensors as inputs and outputs."""
    from ...util import nest
    inputs = kwargs.get("inputs", args[0] if args else None)
    outputs = kwargs.get("outputs", args[1] if len(args) > 1 else None)
    flat = nest.flatten(inputs) if inputs is not None and outputs is not None else []
    return bool(flat) and all(isinstance(t, KerasTensor) for t in flat)


_FUNCTIONAL_FORMS = {}


def _functional_form(cls):
    """`cls` with Functional behind it: a subclass that overrides train_step (or adds methods)
    built from inputs and outputs keeps its methods and gets the functional graph's call,
    as Keras 3 does for `class MyModel(keras.Model)` called as `MyModel(inputs, outputs)`."""
    from .functional import Functional
    if issubclass(cls, Functional):
        return cls
    if cls not in _FUNCTIONAL_FORMS:
        _FUNCTIONAL_FORMS[cls] = type(cls.__name__, (cls, Functional),
                                      {"__module__": cls.__module__,
                                       "__qualname__": cls.__qualname__})
    return _FUNCTIONAL_FORMS[cls]


class Model(Trainer, Layer):
    """A trainable group of layers: `compile`, `fit`, `evaluate`, `predict`, `save`.

    There are three ways to make one, sharing this class:

    - functional: `Model(inputs, outputs)` on `keras.Input` tensors (a `Functional` model);
    - subclassing: define layers in `__init__` and the computation in `call(inputs, training)`;
    - `Sequential([...])`, a plain stack of layers.

    `fit` builds a train step from `call`, the compiled loss and the optimizer and runs it with
    `tf.function` unless `run_eagerly=True`.

    Args:
      *args: For the functional form, `inputs` and `outputs`.
      **kwargs: `inputs`, `outputs`, `name` and `trainable`.

    Example:

    >>> from ndflow import keras
    >>> inputs = keras.Input(shape=(4,))
    >>> outputs = keras.layers.Dense(2)(inputs)
    >>> model = keras.Model(inputs, outputs)
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> model.predict(ndflow.ones([3, 4]), verbose=0).shape
    (3, 2)
    """
    def __new__(cls, *args, **kwargs):
        if cls is Model and (("inputs" in kwargs and "outputs" in kwargs) or len(args) >= 2):
            from .functional import Functional
            return Functional.__new__(Functional, *args, **kwargs)
        if cls is not Model and _functional_arguments(args, kwargs):
            cls = _functional_form(cls)   # `MyModel(inputs, outputs)`, as Keras allows
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if len(args) == 1 and args[0] is self:
            args = ()  # `super().__init__(self)`, as TF2's text-generation tutorial writes it;
            # tf.keras 2 ignored it
        if args or "inputs" in kwargs:
            raise TypeError(f"{type(self).__name__}: pass `inputs` and `outputs` only to "
                            "keras.Model itself (the Functional API); a subclassed model "
                            "defines `call` instead.")
        Layer.__init__(self, **kwargs)
        Trainer.__init__(self)

    # --- structure -------------------------------------------------------------------------
    @property
    def layers(self):
        return self._sublayers()

    @layers.setter
    def layers(self, value):
        raise AttributeError("`Model.layers` attribute is reserved and should not be used. "
                             "Please use another name.")

    def get_layer(self, name=None, index=None):
        if index is not None and name is not None:
            raise ValueError("Provide only a layer name or a layer index. Received: "
                             f"index={index}, name={name}.")
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only "
                                 f"has {len(self.layers)} layers.")
            return self.layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(f"No such layer: {name}. Existing layers are: "
                             f"{[layer.name for layer in self.layers]}.")
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    def _maybe_build(self, first_input):
        # A subclassed model builds its sublayers as `call` first runs them, after its own
        # `build(input_shape)` where it defines one (as Keras calls it before `call`).
        if not self.built:
            from ..layers.base import shape_tuple
            from ...util import nest
            shapes = nest.map_structure(
                lambda t: shape_tuple(t) if hasattr(t, "shape") else None, first_input)
            if type(self).build is not Model.build:
                from ...framework.context import init_scope
                with init_scope():
                    self.build(shapes)
            self._build_shapes = shapes
            self.built = True

    def build(self, input_shape=None):
        """Builds a subclassed model by running `call` on symbolic inputs of `input_shape`
        (reached through `super().build()` from a model's own build, it only marks the
        model built, as in Keras)."""
        if self.built or input_shape is None or type(self).build is not Model.build:
            self.built = True
            return
        from ..layers.base import _shapes_as_structure
        shapes = _shapes_as_structure(input_shape)
        inputs = _symbolic_inputs(shapes, self.compute_dtype)
        self._trace_specs((inputs,), {})
        self._build_shapes = shapes
        self.built = True

    def reset_states(self):
        """Resets the state of every stateful layer in the model (Keras 2's API, kept for
        the callbacks that reset a stateful RNN at each epoch; Keras 3 programs call each
        layer's `reset_state()`)."""
        for layer in self._flatten_layers(include_self=False):
            if getattr(layer, "stateful", False) and hasattr(layer, "reset_states"):
                layer.reset_states()

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Prints a table of the model's layers, their output shapes and parameter counts.

        Args:
          line_length: The table's width.
          positions: Column positions (fractions or absolute).
          print_fn: The function printing each line (default `print`).
          expand_nested: Whether to list the layers of nested models.
          show_trainable: Whether to add a column saying if each layer is trainable.
          layer_range: Accepted for compatibility.
        """
        from .summary import print_summary
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable)

    # --- serialization ---------------------------------------------------------------------
    @classmethod
    def from_config(cls, config, custom_objects=None):
        if cls is Model and "input_layers" in config and "output_layers" in config:
            from .serialization import functional_from_config
            return functional_from_config(config, custom_objects)
        return super().from_config(config)

    def to_json(self, **kwargs):
        """Returns the model's architecture (no weights) as a JSON string.

        Args:
          **kwargs: Passed to `json.dumps` (e.g. `indent=2`).

        Returns:
          A string for `keras.models.model_from_json`.
        """
        from .serialization import serialize_layer
        return json.dumps(serialize_layer(self), **kwargs)

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Saves the whole model (architecture, weights, optimizer state) to a `.keras` file.

        The Keras 3 format (a zip of the JSON config and HDF5 weights), readable by Keras 3; a
        `.h5`/`.hdf5` path (or `save_format="h5"`) writes Keras 2's whole-model HDF5 file
        instead, readable by Keras 3 and tf_keras. The file is written to a temporary name and
        renamed, so a crash leaves no half-written file.

        Args:
          filepath: A path ending in `.keras`, `.h5` or `.hdf5`.
          overwrite: Whether an existing file may be replaced.
          zipped: False writes a directory of the parts instead of a zip.
          **kwargs: `include_optimizer` (default True); Keras 2's `save_format`/`options`.

        Raises:
          ValueError: For another extension (SavedModel directories are not supported, as in
            Keras 3).
        """
        from .. import saving
        if zipped is not None:
            kwargs["zipped"] = zipped
        return saving.save_model(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath, overwrite=True, **kwargs):
        """Saves the model's weights (and optimizer state) to a `.weights.h5` file.

        Args:
          filepath: A path ending in `.weights.h5`.
          overwrite: Whether an existing file may be replaced.
          **kwargs: Accepted Keras 2 options (`save_format`, `options`).

        Raises:
          ValueError: If the filename does not end in `.weights.h5` (or `.h5`).
        """
        from .. import saving
        return saving.save_weights(self, filepath, overwrite=overwrite, **kwargs)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Loads weights saved by `save_weights` or `save` (or a Keras 2 `.h5` weights file).

        All or nothing: on an error the model's weights are unchanged.

        Args:
          filepath: A `.weights.h5`, `.keras` or Keras 2 `.h5` file.
          skip_mismatch: Skip (with a warning) layers whose weights do not match.
          **kwargs: `by_name` for Keras 2 `.h5` files.

        Raises:
          NotFoundError: If the file does not exist.
          DataLossError: If it is corrupted or does not match the model.
        """
        from .. import saving
        return saving.load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _symbolic_inputs(shapes, dtype):
    if isinstance(shapes, tuple):
        return KerasTensor(shapes, dtype)
    if isinstance(shapes, dict):
        return {k: _symbolic_inputs(v, dtype) for k, v in shapes.items()}
    return [_symbolic_inputs(s, dtype) for s in shapes]
