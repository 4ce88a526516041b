"""keras.Input and InputLayer: where a Functional graph starts."""
import warnings

from ...framework import dtypes
from .. import backend
from .base import Layer
from .keras_tensor import KerasTensor, Node


class InputLayer(Layer):
    """The layer behind `keras.Input`: the entry point of a functional model.

    It makes a symbolic `KerasTensor` of the given shape; Sequential models create one from
    their first layer's `input_shape`.

    Args:
      shape: The shape of one sample (without the batch dimension).
      batch_size: Optional fixed batch size.
      dtype: The input's dtype (default `floatx()`).
      sparse: Whether the input is a `SparseTensor`.
      batch_shape: The full shape including the batch dimension (instead of `shape`).
      input_tensor: Optional existing tensor to wrap.
      optional: Whether the input may be None.
      name: The layer's name.
      ragged: Whether the input is a `RaggedTensor`.
      **kwargs: Keras 2's `input_shape` and `batch_input_shape`.

    Raises:
      ValueError: If both `shape` and `batch_shape` are given.
    """
    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, ragged=False, **kwargs):
        if "input_shape" in kwargs:  # Keras 2 spelling
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        if shape is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `shape` and `batch_shape` at the same time.")
        if input_tensor is not None:
            if not isinstance(input_tensor, KerasTensor):
                raise ValueError("Argument `input_tensor` must be a KerasTensor. "
                                 f"Received: {input_tensor!r}")
            batch_shape = input_tensor.shape
            dtype = dtype or input_tensor.dtype.name
        if batch_shape is None:
            if shape is None:
                raise ValueError("You must pass a `shape` argument to Input/InputLayer.")
            if isinstance(shape, int):
                shape = (shape,)
            batch_shape = (batch_size,) + tuple(shape)
        super().__init__(name=name or backend.unique_object_name("input_layer"), **kwargs)
        self._nd_dtype = dtypes.as_dtype(dtype or backend.floatx())
        self._batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        if self.ragged and len(self._batch_shape) < 2:
            raise ValueError(f"Input(ragged=True) needs a shape of rank >= 1 (e.g. shape=(None,)); "
                             f"got batch shape {self._batch_shape}.")
        self.optional = optional
        self.built = True
        tensor = KerasTensor(self._batch_shape, self._nd_dtype, name=self.name,
                             ragged=self.ragged, sparse=self.sparse)
        Node(self, [], {}, tensor)
        self._nd_output = tensor

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def input(self):
        """The input tensor itself (an input layer's input is its output, as in Keras):
        `keras.Model(model.get_layer("image").input, ...)` builds a sub-model."""
        return self._nd_output

    def call(self, inputs=None):
        return inputs

    def get_config(self):
        return {"batch_shape": list(self._batch_shape), "dtype": self.dtype,
                "sparse": self.sparse, "ragged": self.ragged, "name": self.name}

    def get_build_config(self):
        return None


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None,
          tensor=None, optional=False, **kwargs):
    """Creates a symbolic input tensor (a `KerasTensor`) to build a functional model from.

    Layers called on it record the computation; `keras.Model(inputs, outputs)` then turns the
    graph into a model.

    Args:
      shape: The shape of one sample, without the batch dimension (None for unknown sizes).
      batch_size: Optional fixed batch size.
      dtype: The input's dtype (default `floatx()`).
      sparse: Whether the input is a `SparseTensor`.
      batch_shape: The full shape, batch dimension included (instead of `shape`).
      name: The input's name (made unique: "input_layer", "input_layer_1", ...).
      tensor: Optional existing tensor to wrap.
      optional: Whether the input may be None.
      **kwargs: `ragged=True` for a `RaggedTensor` input; Keras 2's `batch_input_shape`.

    Returns:
      A `KerasTensor`.

    Raises:
      TypeError: For unknown keyword arguments.

    Example:

    >>> from ndflow import keras
    >>> x = keras.Input(shape=(32,))
    >>> x.shape
    (None, 32)
    """
    if "batch_input_shape" in kwargs:
        warnings.warn("Input(batch_input_shape=...) is Keras 2; use batch_shape=.",
                      DeprecationWarning, stacklevel=2)
        batch_shape = kwargs.pop("batch_input_shape")
    ragged = kwargs.pop("ragged", False)
    if kwargs:
        raise TypeError(f"Input() got unexpected keyword arguments: {sorted(kwargs)}")
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       batch_shape=batch_shape, input_tensor=tensor, optional=optional,
                       name=name, ragged=ragged)
    return layer._nd_output
