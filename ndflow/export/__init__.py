"""ndflow.export: models and traced functions to other runtimes.

    ndflow.export.onnx(model, "model.onnx")                      # Keras model
    ndflow.export.onnx(fn, "f.onnx", input_signature=[ndflow.TensorSpec([None, 4])])
"""
from .onnx_export import export_onnx as onnx  # noqa: F401
from .onnx_ops import CONVERTERS as _CONVERTERS


def supported_onnx_ops():
    """The ndflow op types ONNX export converts."""
    return sorted(_CONVERTERS)
