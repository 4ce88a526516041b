"""Export to ONNX: a traced graph's ops, in creation order, become ONNX nodes.

Keras models and plain callables are traced through `ndflow.function` with the input
signature first, so everything exports through the same path: walk the FuncGraph of a
ConcreteFunction, turn placeholders into graph inputs, constants and variable reads into
initializers, and each op into one or a few ONNX nodes (built with `onnx.helper`).
"""

from ..framework.tensor import TensorSpec
from ..util.atomic import atomic_write_bytes
from . import onnx_fused_conv, onnx_ops, onnx_rnn  # noqa: F401  (they register converters)

MIN_OPSET = 13


def _onnx_modules():
    try:
        import onnx
        from onnx import helper, numpy_helper
    except ImportError as e:
        raise ImportError("ndflow.export.onnx needs the `onnx` package: `pip install onnx` "
                          "(and `pip install onnxruntime` to run the exported file).") from e
    return onnx, helper, numpy_helper


def export_onnx(model_or_function, path, input_signature=None, opset=17, model_name=None):
    """Writes `model_or_function` to the ONNX file `path` and returns the ModelProto.

    Accepts a Keras model (traced as `model(x, training=False)`), an `ndflow.function`, a
    ConcreteFunction, or a Python callable of tensors. `input_signature`: a list of
    `ndflow.TensorSpec` (None dims are dynamic); optional where the model or function knows
    its inputs. Ops ONNX cannot express here raise UnimplementedError naming the op type.
    """
    onnx, helper, numpy_helper = _onnx_modules()
    if int(opset) < MIN_OPSET:
        raise ValueError(f"ndflow.export.onnx supports opset {MIN_OPSET} or later; received "
                         f"opset={opset}.")
    concrete, input_names = _concrete_function(model_or_function, input_signature)
    builder = onnx_ops.GraphBuilder(helper, numpy_helper, int(opset))
    proto_graph = builder.convert(concrete, input_names,
                                  model_name or _default_name(model_or_function))
    model = helper.make_model(proto_graph, producer_name="ndflow",
                              opset_imports=[helper.make_opsetid("", int(opset))])
    model.ir_version = min(model.ir_version, 8 if int(opset) <= 17 else 9)
    onnx.checker.check_model(model)
    if path is not None:
        atomic_write_bytes(path, model.SerializeToString())
    return model


def _default_name(obj):
    return getattr(obj, "name", None) or getattr(obj, "__name__", None) or "ndflow_model"


def _is_keras_model(obj):
    try:
        from ..keras.models import Model
    except ImportError:
        return False
    return isinstance(obj, Model)


def _concrete_function(obj, input_signature):
    """(ConcreteFunction, input names) for a model, function or callable."""
    from ..framework.function import ConcreteFunction, Function, function
    if isinstance(obj, ConcreteFunction):
        return obj, None
    if _is_keras_model(obj):
        signature, names = _keras_signature(obj, input_signature)
        single = len(signature) == 1

        def forward(*inputs):
            return obj(inputs[0] if single else list(inputs), training=False)
        traced = function(forward, input_signature=signature)
        return traced.get_concrete_function(), names
    if isinstance(obj, Function):
        if input_signature is not None:
            return obj.get_concrete_function(*_specs(input_signature)), None
        if obj.input_signature is None:
            raise ValueError("ndflow.export.onnx: this ndflow.function has no input_signature; "
                             "pass input_signature=[ndflow.TensorSpec(shape, dtype), ...].")
        return obj.get_concrete_function(), None
    if callable(obj):
        if input_signature is None:
            raise ValueError("ndflow.export.onnx: a Python function needs input_signature="
                             "[ndflow.TensorSpec(shape, dtype), ...] to be traced.")
        return function(obj, input_signature=_specs(input_signature)).get_concrete_function(), None
    raise TypeError("ndflow.export.onnx expects a Keras model, an ndflow.function, a "
                    f"ConcreteFunction or a callable; received {type(obj).__name__}.")


def _specs(signature):
    specs = []
    for s in signature:
        if isinstance(s, TensorSpec):
            specs.append(s)
        elif hasattr(s, "shape") and hasattr(s, "dtype"):
            specs.append(TensorSpec(s.shape, s.dtype, getattr(s, "name", None)))
        else:
            raise TypeError("input_signature entries must be ndflow.TensorSpec(shape, dtype); "
                            f"received {s!r}.")
    return specs


def _keras_signature(model, input_signature):
    if input_signature is not None:
        specs = _specs(input_signature)
        return specs, [s.name or f"input_{i}" for i, s in enumerate(specs)]
    try:
        inputs = list(model.inputs)
    except (AttributeError, ValueError, TypeError):
        inputs = []
    if not inputs:
        raise ValueError(f"ndflow.export.onnx: model {getattr(model, 'name', '')!r} does not know "
                         "its inputs (a subclassed model); pass input_signature="
                         "[ndflow.TensorSpec((None, ...), 'float32')].")
    specs, names = [], []
    for i, t in enumerate(inputs):
        name = _keras_input_name(t, i)
        specs.append(TensorSpec(t.shape, t.dtype, name))
        names.append(name)
    if len(set(names)) != len(names):
        names = [f"{n}_{i}" for i, n in enumerate(names)]
    return specs, names


def _keras_input_name(tensor, index):
    history = getattr(tensor, "_keras_history", None)
    layer = getattr(history, "layer", None) if history is not None else None
    name = getattr(layer, "name", None) or getattr(tensor, "name", None)
    if not isinstance(name, str) or not name:
        return f"input_{index}"
    return name.split(":")[0]

