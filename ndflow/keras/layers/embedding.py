"""Embedding: integer ids -> dense vectors (a gather from the `embeddings` weight)."""
import warnings

from ...ops import array_ops, indexing_ops, math_ops
from .. import constraints, initializers, regularizers
from .base import Layer


class Embedding(Layer):
    """Maps non-negative integer ids to dense vectors of size `output_dim`.

    The layer holds an `[input_dim, output_dim]` matrix and returns its rows at the ids.

    Args:
      input_dim: The vocabulary size (ids lie in `[0, input_dim)`).
      output_dim: The size of each vector.
      embeddings_initializer: Initializer of the matrix (default "uniform").
      embeddings_regularizer: Optional regularizer of the matrix.
      embeddings_constraint: Optional constraint on the matrix.
      mask_zero: If true, id 0 is padding: the layer produces a mask for later layers (so
        `input_dim` should count it).
      **kwargs: Base `Layer` options (`name`, `dtype`, `trainable`, Keras 2's `input_shape`...).

    Raises:
      ValueError: If `input_dim` or `output_dim` is not positive.

    Example:

    >>> from ndflow import keras
    >>> keras.layers.Embedding(10, 4)(ndflow.constant([[1, 2, 3]])).shape
    TensorShape([1, 3, 4])
    """
    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 **kwargs):
        if "input_length" in kwargs:
            warnings.warn("Embedding(input_length=...) is a Keras 2 argument and is ignored.",
                          DeprecationWarning, stacklevel=2)
            kwargs.pop("input_length")
        activity_regularizer = kwargs.pop("activity_regularizer", None)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if int(input_dim) <= 0 or int(output_dim) <= 0:
            raise ValueError("Both `input_dim` and `output_dim` should be positive, Received "
                             f"input_dim = {input_dim} and output_dim = {output_dim}")
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self.autocast = False

    def build(self, input_shape=None):
        self.embeddings = self.add_weight(name="embeddings",
                                          shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)

    def call(self, inputs):
        if not inputs.dtype.is_integer:
            inputs = array_ops.cast(inputs, "int32")
        return indexing_ops.gather(self.embeddings, inputs)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return math_ops.not_equal(inputs, 0)

    def get_config(self):
        config = super().get_config()
        config.update({
            "input_dim": self.input_dim, "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": None if self.embeddings_regularizer is None
            else regularizers.serialize(self.embeddings_regularizer),
            "embeddings_constraint": None if self.embeddings_constraint is None
            else constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero})
        return config
