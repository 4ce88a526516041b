"""Keras 3 config dicts for layers and models (what `.keras` files hold in config.json)."""
import inspect

from ...util import nest
from ..layers.keras_tensor import KerasTensor


def _module_of(obj):
    from ..layers.base import Layer
    from .functional import Functional
    from .model import Model
    from .sequential import Sequential
    cls = type(obj)
    if cls is Sequential:
        return "keras", None
    if cls is Functional:
        return "keras.src.models.functional", "Functional"
    if cls.__module__.startswith("ndflow.keras.layers"):
        return "keras.layers", None
    if isinstance(obj, (Model, Layer)):  # a user class: found back by registration
        registered = None
        try:
            from .. import saving
            registered = saving.get_registered_name(cls)
        except (ImportError, AttributeError):
            registered = f"Custom>{cls.__name__}"
        return cls.__module__, registered
    return cls.__module__, None


def serialize_layer(layer):
    module, registered = _module_of(layer)
    config = {"module": module, "class_name": type(layer).__name__,
              "config": layer.get_config(), "registered_name": registered}
    build_config = layer.get_build_config()
    if build_config is not None:
        config["build_config"] = build_config
    return config


def _keras_op_class(config):
    """The node class of a `keras.ops` call (`x + 1`: module keras.src.ops.numpy, class Add;
    merge layers share some of these names, the module tells them apart), or None."""
    if not str(config.get("module") or "").startswith("keras.src.ops."):
        return None
    from ..layers.ops_layers import KERAS_OPS_BY_NAME
    return KERAS_OPS_BY_NAME.get(config["class_name"])


def _lookup_class(class_name, registered_name, custom_objects):
    custom_objects = custom_objects or {}
    for key in (registered_name, class_name):
        if key and key in custom_objects:
            return custom_objects[key]
    try:
        from .. import saving
        for key in (registered_name, class_name):
            if key:
                obj = saving.get_registered_object(key, custom_objects)
                if obj is not None:
                    return obj
    except (ImportError, AttributeError):
        pass
    from .. import layers
    from . import Functional, Sequential
    builtin = {"Sequential": Sequential, "Functional": Functional, "Model": Functional}
    if class_name in builtin:
        return builtin[class_name]
    cls = getattr(layers, class_name, None)
    if inspect.isclass(cls):
        return cls
    raise TypeError(f"Could not locate class '{class_name}'. Make sure custom classes are "
                    "decorated with `@keras.saving.register_keras_serializable()` or passed in "
                    "`custom_objects`.")


def deserialize_layer(config, custom_objects=None):
    """A layer (or model) from its Keras config dict."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not deserialize layer: expected a dict with 'class_name'. "
                         f"Received: {config!r}")
    cls = _keras_op_class(config) or _lookup_class(config["class_name"],
                                                   config.get("registered_name"), custom_objects)
    inner = config.get("config", {})
    params = inspect.signature(cls.from_config).parameters
    if "custom_objects" in params:
        layer = cls.from_config(inner, custom_objects=custom_objects)
    else:
        layer = cls.from_config(inner)
    build_config = config.get("build_config")
    if build_config and not layer.built:
        layer.build_from_config(build_config)
    return layer


# --- Functional --------------------------------------------------------------------------------

def functional_config(model):
    node_index = {}  # node id -> its index among the layer's nodes that belong to `model`
    nodes_of = {}
    for layer in model.layers:
        kept = [n for n in layer._inbound_nodes
                if n.is_input or any(n is m for m in model._nd_nodes)]
        if isinstance(layer, _input_layer_class()):
            kept = kept[:1]
        nodes_of[id(layer)] = kept
        for i, n in enumerate(kept):
            node_index[n.id] = i

    def history(t):
        layer, idx, tensor_index = t._keras_history
        node = layer._inbound_nodes[idx]
        return [layer.name, node_index.get(node.id, idx), tensor_index]

    def serialize_arg(v):
        if isinstance(v, KerasTensor):
            return {"class_name": "__keras_tensor__",
                    "config": {"shape": list(v.shape), "dtype": v.dtype.name,
                               "keras_history": history(v)}}
        if isinstance(v, (list, tuple)):
            return [serialize_arg(x) for x in v]
        if isinstance(v, dict):
            return {k: serialize_arg(x) for k, x in v.items()}
        if isinstance(v, slice) or v is Ellipsis:  # a GetItem node's key
            from ..saving.serialization_lib import serialize_keras_object
            return serialize_keras_object(v)
        return v

    layer_configs = []
    for layer in model.layers:
        entry = serialize_layer(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = [
            {"args": serialize_arg(list(n.call_args)), "kwargs": serialize_arg(n.call_kwargs)}
            for n in nodes_of[id(layer)] if not n.is_input]
        layer_configs.append(entry)

    def tensor_refs(structure):
        # a model made from one tensor (not a list of one) records one flat reference, as
        # Keras 3 writes it, so Keras called with a tensor finds the structure it expects
        if isinstance(structure, KerasTensor):
            return history(structure)
        return nest.map_structure(history, structure)

    return {"name": model.name, "trainable": model.trainable, "layers": layer_configs,
            "input_layers": tensor_refs(model._nd_inputs_struct),
            "output_layers": tensor_refs(model._nd_outputs_struct)}


def _input_layer_class():
    from ..layers.input_layer import InputLayer
    return InputLayer


def _is_ref(v):
    return (isinstance(v, (list, tuple)) and len(v) == 3 and isinstance(v[0], str)
            and isinstance(v[1], int) and isinstance(v[2], int))


def functional_from_config(config, custom_objects=None):
    from .functional import Functional
    layers = {}
    order = []
    for entry in config["layers"]:
        layer = deserialize_layer({k: entry[k] for k in entry if k != "build_config"}
                                  if entry.get("inbound_nodes") else entry, custom_objects)
        layers[entry.get("name", layer.name)] = layer
        order.append((layer, entry.get("inbound_nodes", [])))
    outputs = {}  # (layer name, node index) -> output structure
    for name, layer in layers.items():
        if isinstance(layer, _input_layer_class()):
            outputs[(name, 0)] = layer._nd_output

    def resolve(v):
        if isinstance(v, dict) and v.get("class_name") == "__keras_tensor__":
            lname, idx, tidx = v["config"]["keras_history"]
            out = outputs.get((lname, idx))
            if out is None:
                raise LookupError
            return nest.flatten(out)[tidx]
        if isinstance(v, dict) and v.get("class_name") in ("__slice__", "__ellipsis__"):
            from ..saving.serialization_lib import deserialize_keras_object
            return deserialize_keras_object(v)
        if isinstance(v, list):
            return [resolve(x) for x in v]
        if isinstance(v, dict):
            return {k: resolve(x) for k, x in v.items()}
        return v

    pending = [(layer, i, node) for layer, nodes in order for i, node in enumerate(nodes)]
    created = {}
    while pending:
        progress = False
        remaining = []
        for layer, i, node in pending:
            if i > created.get(layer.name, 0):  # a layer's nodes are made in order
                remaining.append((layer, i, node))
                continue
            try:
                args = resolve(node.get("args", []))
                kwargs = resolve(node.get("kwargs", {}))
            except LookupError:
                remaining.append((layer, i, node))
                continue
            base = 1 if isinstance(layer, _input_layer_class()) else 0
            outputs[(layer.name, i + base)] = layer(*args, **kwargs)
            created[layer.name] = i + 1
            progress = True
        if not progress:
            raise ValueError("Functional.from_config: could not connect the layers (missing "
                             f"inputs for {[layer.name for layer, _, _ in remaining]}).")
        pending = remaining

    def refs(structure):
        if _is_ref(structure):
            lname, idx, tidx = structure
            return nest.flatten(outputs[(lname, idx)])[tidx]
        if isinstance(structure, dict):
            return {k: refs(v) for k, v in structure.items()}
        return [refs(s) for s in structure]

    inputs = refs(config["input_layers"])
    outs = refs(config["output_layers"])
    return Functional(inputs=inputs, outputs=outs, name=config.get("name"),
                      trainable=config.get("trainable", True))
