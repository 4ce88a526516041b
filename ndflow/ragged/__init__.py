"""tf.ragged: tensors whose rows have different lengths (RaggedTensor) and their ops."""
from ..util.export import export_many as _export_many
from . import ragged_dispatch  # noqa: F401  (ops on ragged inputs)
from .dynamic_ragged_shape import DynamicRaggedShape  # noqa: F401  (tf.shape of ragged)
from .ragged_factory import (boolean_mask, constant, constant_value, map_flat_values,  # noqa: F401
                             placeholder, range, stack)
from .ragged_tensor import RaggedTensor, RaggedTensorSpec, RaggedTensorValue  # noqa: F401

_export_many("ragged", {"constant": constant, "range": range, "map_flat_values": map_flat_values,
                        "boolean_mask": boolean_mask, "stack": stack,
                        "RaggedTensor": RaggedTensor, "RaggedTensorSpec": RaggedTensorSpec})
_export_many("v1.ragged", {"constant": constant, "constant_value": constant_value,
                           "placeholder": placeholder, "range": range,
                           "map_flat_values": map_flat_values, "boolean_mask": boolean_mask,
                           "stack": stack, "RaggedTensorValue": RaggedTensorValue})

