"""Whole models in the legacy HDF5 format of Keras 2 (`model.save("m.h5")`), read and written.

Layout (one HDF5 file): root attributes `model_config` (JSON of the Keras 2 config: the
model and its layer entries as `{"class_name", "config"}` without "module" keys, dtypes as
strings, InputLayer's `batch_input_shape`, Functional nodes as lists `[layer, node_index,
tensor_index, kwargs]`), `training_config` (JSON of the compile arguments, the optimizer
under `optimizer_config`) when compiled, `keras_version` and `backend`; group
`model_weights` in the layout legacy_h5.py reads (layer_names / weight_names); group
`optimizer_weights` whose `weight_names` attribute lists the optimizer's variables in order
(Keras 2: the iteration, then the slots; Keras 3, and ndflow when writing, put the learning
rate after the iteration, so Keras 3 restores ndflow's optimizer state and tf_keras starts
a fresh one, with its warning).

ndflow's own files also carry checksums (the weights' and the JSON attributes'), which
Keras ignores.

Reading converts the Keras 2 config to the Keras 3 form serialization_lib rebuilds, so
exactly the same classes are reachable as from a `.keras` file (registered ones, those in
custom_objects, ndflow's Keras). A Keras 2 `Lambda` holding marshalled bytecode is refused:
ndflow never executes code from a file.
"""
import io
import json
import os
import warnings

import numpy as np

from ...framework.errors import DataLossError, ResourceExhaustedError
from . import keras_compat, legacy_h5, object_registration, serialization_lib

_MAX_ATTR_JSON = 64 << 20
_ATTR_CHUNK = 60_000  # HDF5 keeps attributes in the 64 KiB object header

# Keras 2 layer arguments ndflow's layers do not take, with the values that mean "unused".
_KERAS2_NEUTRAL = {"time_major": (False,), "renorm_clipping": (None,), "fused": (None, True),
                   "virtual_batch_size": (None,), "adjustment": (None,),
                   "input_length": (None,), "ragged": (False,), "optional": (False,)}
# Keras 2 optimizer arguments with no meaning for ndflow's optimizers.
_KERAS2_OPTIMIZER_DROP = ("jit_compile", "is_legacy_optimizer")


def is_model_file(h5file):
    """Whether an open HDF5 file holds a whole Keras 2 style model (not only weights)."""
    return "model_config" in h5file.attrs


def _error(path, message):
    return DataLossError(f"Cannot load '{path}' (Keras 2 `.h5` model file): {message}")


def _json_attr(h5file, name, path):
    if name not in h5file.attrs:
        return None
    raw = h5file.attrs[name]
    if isinstance(raw, np.ndarray) and raw.shape == ():
        raw = raw[()]
    if isinstance(raw, (bytes, np.bytes_)):
        raw = bytes(raw)
        if len(raw) > _MAX_ATTR_JSON:
            raise _error(path, f"its {name} attribute is {len(raw)} bytes, too large.")
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _error(path, f"its {name} attribute is not UTF-8 text.") from None
    if not isinstance(raw, str):
        raise _error(path, f"its {name} attribute holds {type(raw).__name__} data, "
                           "expected JSON text.")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as e:
        raise _error(path, f"its {name} attribute is not valid JSON ({e}).") from None
    except RecursionError:
        raise _error(path, f"its {name} attribute is nested too deeply.") from None
    if not isinstance(value, dict):
        raise _error(path, f"its {name} attribute is not a JSON object.")
    from .saving_lib import _check_config
    _check_config(value, f"{path} ({name})")
    return value


# --- Keras 2 config -> the Keras 3 form serialization_lib rebuilds -----------------------------

def _keras_tensor(ref):
    return {"class_name": "__keras_tensor__", "config": {"keras_history": list(ref[:3])}}


_MODEL_CLASS_NAMES = ("Sequential", "Functional", "Model")


def _skips_first_node(entries):
    """Names of nested models whose own input node Keras 2 leaves out of the config: a
    model built on an InputLayer numbers its calls in the outer model from 1, not 0."""
    found = set()
    for entry in entries:
        inner = entry.get("config") if isinstance(entry, dict) else None
        layers = inner.get("layers") if isinstance(inner, dict) else None
        if entry.get("class_name") in _MODEL_CLASS_NAMES and isinstance(layers, list) and \
                layers and isinstance(layers[0], dict) and \
                layers[0].get("class_name") == "InputLayer":
            found.add(entry.get("name", inner.get("name")))
    return found


def _shift_ref(ref, skips, delta):
    if isinstance(ref, list) and len(ref) >= 3 and ref[0] in skips and \
            isinstance(ref[1], int) and ref[1] + delta >= 0:
        return [ref[0], ref[1] + delta] + list(ref[2:])
    return ref


def _shift_refs(refs, skips, delta):
    """Output/input layer references of a Functional config, node indices moved."""
    if isinstance(refs, list) and refs and isinstance(refs[0], str):
        return _shift_ref(refs, skips, delta)
    if isinstance(refs, list):
        return [_shift_refs(r, skips, delta) for r in refs]
    if isinstance(refs, dict):
        return {k: _shift_refs(v, skips, delta) for k, v in refs.items()}
    return refs


def _node_from_keras2(node, where, skips=()):
    """A Keras 2 node (a list of inbound `[layer, node, tensor, kwargs]`) as a Keras 3 one."""
    if isinstance(node, dict):
        return node  # already Keras 3
    if not isinstance(node, list) or not node:
        raise ValueError(f"{where}: an inbound node must be a non-empty list. Received: "
                         f"{str(node)[:200]}")
    refs = []
    for entry in node:
        if not (isinstance(entry, list) and len(entry) in (3, 4) and isinstance(entry[0], str)
                and isinstance(entry[1], int) and isinstance(entry[2], int)):
            raise ValueError(f"{where}: an inbound entry must be [layer name, node index, "
                             f"tensor index, kwargs]. Received: {str(entry)[:200]}")
        refs.append(_shift_ref(entry, skips, -1))
    kwargs = refs[0][3] if len(refs[0]) == 4 and isinstance(refs[0][3], dict) else {}
    tensors = [_keras_tensor(r) for r in refs]
    return {"args": [tensors[0] if len(tensors) == 1 else tensors], "kwargs": kwargs}


def _strip_keras2_layer_args(inner):
    out = _drop_neutral(inner, _KERAS2_NEUTRAL)
    if out.get("renorm") is False:
        out.pop("renorm_momentum", None)
    if isinstance(out.get("axis"), list) and len(out["axis"]) == 1 and \
            "moving_mean_initializer" in out:  # BatchNormalization: Keras 3 takes an int
        out["axis"] = out["axis"][0]
    return out


def _lambda_from_keras2(inner, safe_mode):
    kind = inner.get("function_type")
    function = inner.get("function")
    if kind == "lambda" or isinstance(function, list):
        serialization_lib.raise_for_lambda(safe_mode)  # bytecode: never executed
    if kind == "function" and isinstance(function, str):
        inner = dict(inner, function={"class_name": "function", "config": function,
                                      "registered_name": function})
    for key in ("function_type", "module", "output_shape_type", "output_shape_module"):
        inner.pop(key, None)
    if isinstance(inner.get("output_shape"), list) and inner.get("output_shape") and \
            isinstance(inner["output_shape"][0], str):
        raise ValueError("A Lambda layer's output_shape is stored as Python bytecode; it is "
                         "never executed. Pass a shape tuple instead and save again.")
    return inner


def from_keras2(config, custom_objects=None, safe_mode=True):
    """The Keras 3 form of a (nested) Keras 2 config; a Keras 3 config passes unchanged."""
    custom_objects = custom_objects or {}
    if isinstance(config, list):
        return [from_keras2(c, custom_objects, safe_mode) for c in config]
    if not isinstance(config, dict):
        return config
    if "class_name" not in config or "config" not in config:
        return {k: from_keras2(v, custom_objects, safe_mode) for k, v in config.items()}
    out = dict(config)
    name = out["class_name"]
    if isinstance(name, str) and name.startswith("Custom>") and \
            object_registration.get_registered_object(name, custom_objects) is None:
        out["class_name"] = name = name[len("Custom>"):]  # tf_keras's built-in optimizers
    inner = out["config"]
    if name == "Sequential" and isinstance(inner, list):
        inner = {"layers": inner}  # Keras <= 2.2.2 stored a Sequential as its layer list
    if isinstance(inner, dict):
        if name == "Lambda":
            inner = _lambda_from_keras2(dict(inner), safe_mode)
        inner = _strip_keras2_layer_args(inner)
        if isinstance(inner.get("layers"), list) and "input_layers" in inner:  # Functional
            entries = [e for e in inner["layers"] if isinstance(e, dict)]
            keras2 = any(isinstance(n, list) for e in entries
                         for n in (e.get("inbound_nodes") or []))
            skips = _skips_first_node(entries) if keras2 else set()
            layers = []
            for entry in entries:
                entry = dict(entry)
                nodes = entry.get("inbound_nodes") or []
                where = f"layer '{entry.get('name', '?')}'"
                entry["inbound_nodes"] = [_node_from_keras2(n, where, skips) for n in nodes]
                layers.append(entry)
            inner = dict(inner, layers=layers,
                         output_layers=_shift_refs(inner.get("output_layers"), skips, -1))
        out["config"] = {k: from_keras2(v, custom_objects, safe_mode) for k, v in inner.items()}
    return out


def _metric_from_keras2(metric):
    if isinstance(metric, dict) and metric.get("class_name") == "MeanMetricWrapper":
        inner = metric.get("config") or {}
        name, fn = inner.get("name"), inner.get("fn")
        return name if name in ("accuracy", "acc") or not isinstance(fn, str) else fn
    return metric


def _loss_from_keras2(loss):
    if isinstance(loss, dict) and "class_name" in loss and isinstance(loss.get("config"), dict):
        inner = {k: v for k, v in loss["config"].items() if k != "fn"}
        if inner.get("reduction") == "auto":
            inner["reduction"] = "sum_over_batch_size"
        return dict(loss, config=inner)
    if isinstance(loss, dict):
        return {k: _loss_from_keras2(v) for k, v in loss.items()}
    if isinstance(loss, list):
        return [_loss_from_keras2(v) for v in loss]
    return loss


def _metrics_from_keras2(metrics, outputs):
    if isinstance(metrics, dict):
        return {k: _metrics_from_keras2(v, 1) for k, v in metrics.items()}
    if not isinstance(metrics, list):
        return metrics
    converted = [[_metric_from_keras2(m) for m in per] if isinstance(per, list)
                 else _metric_from_keras2(per) for per in metrics]
    if outputs == 1 and len(converted) == 1 and isinstance(converted[0], list):
        return converted[0]  # Keras 2 keeps one list per output
    return converted


def compile_config_from_keras2(training_config, outputs, custom_objects=None):
    """ndflow's compile_config from a Keras 2 (or Keras 3 legacy) `training_config`."""
    optimizer = training_config.get("optimizer_config")
    if isinstance(optimizer, dict) and isinstance(optimizer.get("config"), dict):
        inner = {k: v for k, v in optimizer["config"].items()
                 if k not in _KERAS2_OPTIMIZER_DROP}
        optimizer = dict(optimizer, config=inner)
    config = {"optimizer": optimizer,
              "loss": _loss_from_keras2(training_config.get("loss")),
              "metrics": _metrics_from_keras2(training_config.get("metrics"), outputs),
              "weighted_metrics": _metrics_from_keras2(
                  training_config.get("weighted_metrics"), outputs),
              "loss_weights": training_config.get("loss_weights")}
    config = {k: v for k, v in config.items() if v is not None}
    return keras_compat.strip_neutral_extras(from_keras2(config, custom_objects))


# --- reading ----------------------------------------------------------------------------------

def _wrap(e, path):
    if isinstance(e, KeyError):
        return _error(path, f"its model_config lacks the key {e.args[0] if e.args else '?'!r} "
                            "needed to rebuild the model.")
    if isinstance(e, (IndexError, AttributeError, RecursionError, OverflowError, LookupError)):
        return _error(path, f"its model_config is malformed ({type(e).__name__}: {e}).")
    message = f"Cannot load '{path}' (Keras 2 `.h5` model file): {e}"
    try:
        return type(e)(message)
    except Exception:
        return DataLossError(message)


def _load_optimizer_weights(model, h5file, path):
    """Assigns the file's optimizer variables when they line up with the optimizer's (by
    position and shape, as Keras does); otherwise warns and leaves the fresh state."""
    import h5py
    group = h5file.get("optimizer_weights")
    optimizer = getattr(model, "optimizer", None)
    if not isinstance(group, h5py.Group) or optimizer is None:
        return
    names = legacy_h5._names_attr(group, "weight_names", path)
    values = []
    for name in names:
        dataset = group.get(name)
        if not isinstance(dataset, h5py.Dataset) or dataset.dtype.kind not in "biuf":
            raise _error(path, f"optimizer weight '{name}' is missing or not numeric.")
        values.append(np.asarray(dataset[()]))
    if not values:
        return
    if not getattr(optimizer, "built", True) and model.trainable_variables:
        optimizer.build(model.trainable_variables)
    variables = list(optimizer.variables)
    lr = getattr(optimizer, "_learning_rate", None)
    if len(values) == len(variables) - 1 and any(v is lr for v in variables):
        variables = [v for v in variables if v is not lr]  # Keras 2 keeps no lr variable
    problem = None
    legacy = any(n.split("/")[-1] == "iter:0" for n in names)
    if legacy and len(values) - 1 > len(model.trainable_variables):
        # TF's pre-2.11 optimizers list each slot for all variables in turn (every m, then
        # every v), ndflow per variable: equal shapes could pair the wrong arrays
        problem = ("it was saved by a pre-2.11 (`legacy`) optimizer whose slots are "
                   "ordered differently")
    elif len(values) != len(variables):
        problem = (f"the optimizer has {len(variables)} variables but the file holds "
                   f"{len(values)}")
    else:
        for variable, value in zip(variables, values):
            if tuple(variable.shape.as_list()) != tuple(value.shape):
                problem = (f"variable {variable.name} has shape "
                           f"{tuple(variable.shape.as_list())} but the file's holds "
                           f"{tuple(value.shape)}")
                break
    if problem is not None:
        warnings.warn(f"Loading '{path}': the saved optimizer state was not restored "
                      f"({problem}); the optimizer starts from a fresh state.", stacklevel=4)
        return
    for variable, value in zip(variables, values):
        variable.assign(value.astype(variable.dtype._np, copy=False))


_CONFIG_DIGEST_ATTR = "ndflow_config_sha256"


def _config_digest(*texts):
    import hashlib
    digest = hashlib.sha256()
    for text in texts:
        data = (text or "").encode("utf-8", "surrogateescape")
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def _attr_text(h5file, name):
    raw = h5file.attrs.get(name)
    if isinstance(raw, (bytes, np.bytes_)):
        return bytes(raw).decode("utf-8", "replace")
    return raw if isinstance(raw, str) else None


def _check_config_digest(h5file, path):
    """Files ndflow wrote carry a digest of their JSON attributes (the weights' checksum
    covers only datasets): a changed config is refused instead of rebuilt silently."""
    if _CONFIG_DIGEST_ATTR not in h5file.attrs:
        return
    stored = h5file.attrs[_CONFIG_DIGEST_ATTR]
    stored = bytes(stored).decode("ascii", "replace") if isinstance(
        stored, (bytes, np.bytes_)) else str(stored)
    texts = [_attr_text(h5file, n) for n in ("model_config", "training_config")]
    if stored != _config_digest(*texts):
        raise _error(path, "its model_config/training_config do not match the digest ndflow "
                           "stored with them (the file is corrupted, or was edited: delete "
                           f"the file's {_CONFIG_DIGEST_ATTR!r} attribute to load an edited "
                           "config).")


def load_model(path, h5file, size, custom_objects=None, compile=True, safe_mode=True):
    """Rebuilds the model of an open Keras 2 style `.h5` file (see the module docstring)."""
    from . import saving_lib
    _check_config_digest(h5file, path)
    config = _json_attr(h5file, "model_config", path)
    if config is None or not isinstance(config.get("class_name"), str) or \
            not isinstance(config.get("config"), (dict, list)):
        raise _error(path, "its model_config does not describe a Keras model (expected "
                           "a JSON object with 'class_name' and 'config').")
    training_config = _json_attr(h5file, "training_config", path) if compile else None
    budget = 2 * size + (1 << 20)  # the weights and optimizer slots are all in the file
    with object_registration.CustomObjectScope(custom_objects), \
            serialization_lib.SafeModeScope(safe_mode), \
            saving_lib._weight_budget(budget, path):
        try:
            config = keras_compat.strip_neutral_extras(
                from_keras2(config, custom_objects, safe_mode))
            model = serialization_lib.deserialize_keras_object(
                config, custom_objects=custom_objects, safe_mode=safe_mode)
        except (DataLossError, ResourceExhaustedError):
            raise
        except (TypeError, ValueError, KeyError, AttributeError, IndexError, LookupError,
                RecursionError, OverflowError) as e:
            raise _wrap(e, path) from e
    try:
        saving_lib._check_model(model, "load_model")
    except TypeError as e:
        raise _error(path, f"its model_config does not rebuild a model ({e}).") from None
    if "model_weights" not in h5file:
        raise _error(path, "it has no model_weights group.")
    legacy_h5.load_weights(model, h5file["model_weights"], path)
    if training_config is not None:
        outputs = len(getattr(model, "outputs", None) or [None])
        compile_config = compile_config_from_keras2(training_config, outputs, custom_objects)
        serialization_lib.compile_from_config(model, compile_config, custom_objects,
                                              safe_mode)
        if getattr(model, "optimizer", None) is not None:
            _load_optimizer_weights(model, h5file, path)
    elif compile and "optimizer_weights" in h5file:
        warnings.warn(f"Loading '{path}': it holds no training configuration, so the model "
                      "is not compiled and its optimizer state is not loaded.", stacklevel=3)
    return model


# --- ndflow's Keras 3 config -> Keras 2 form --------------------------------------------------

def _history(value):
    config = value.get("config") or {}
    return list(config.get("keras_history") or [])[:3]


def _is_tensor_ref(value):
    return isinstance(value, dict) and value.get("class_name") == "__keras_tensor__"


def _node_to_keras2(node, where, skips=()):
    args, kwargs = node.get("args") or [], dict(node.get("kwargs") or {})
    if not args:
        raise ValueError(f"{where}: a node without inputs cannot be written in the Keras 2 "
                         "format.")
    first = args[0]
    tensors = first if isinstance(first, list) else [first]
    if not all(_is_tensor_ref(t) for t in tensors) or len(args) > 1:
        raise ValueError(f"{where}: the Keras 2 `.h5` format stores a layer call on one "
                         "tensor or one list of tensors; this call passes other positional "
                         "arguments. Save the model as `.keras` instead.")
    for key, value in kwargs.items():
        if _is_tensor_ref(value) or (isinstance(value, list) and any(map(_is_tensor_ref,
                                                                         value))):
            raise ValueError(f"{where}: the call passes a tensor as keyword argument "
                             f"'{key}', which the Keras 2 `.h5` format cannot store. Save the "
                             "model as `.keras` instead.")
    return [_shift_ref(_history(t), skips, 1) + [kwargs] for t in tensors]


def to_keras2(config, nested=False):
    """The Keras 2 form of a (nested) Keras 3 config written by serialize_keras_object.

    As tf_keras writes it: the model and the entries of its layer list carry only
    class_name (the registered name for a custom class) and config; objects nested in a
    layer's config (initializers, a wrapped layer...) keep `module` and `registered_name`,
    which Keras 3's reader needs to find a wrapped layer's class."""
    if isinstance(config, list):
        return [to_keras2(c, nested) for c in config]
    if not isinstance(config, dict):
        return config
    if "class_name" not in config or "config" not in config:
        return {k: to_keras2(v, nested) for k, v in config.items()}
    name, inner = config["class_name"], config["config"]
    if name == "function":
        return inner  # Keras 2 names a function by its (registered) name
    if name in ("DTypePolicy", "FloatDTypePolicy") and isinstance(inner, dict):
        return inner.get("name")
    if name.startswith("__"):
        return config  # __numpy__, __bytes__...: the same in both
    if isinstance(inner, dict):
        inner = dict(inner)
        if name == "InputLayer" and "batch_shape" in inner:
            inner["batch_input_shape"] = inner.pop("batch_shape")
        if name == "Lambda" and isinstance(inner.get("function"), str):
            inner["function_type"] = "function"
        if isinstance(inner.get("layers"), list) and "input_layers" in inner:
            layers = []
            skips = _skips_first_node(inner["layers"])
            for entry in inner["layers"]:
                where = f"layer '{entry.get('name', '?')}'"
                nodes = [_node_to_keras2(n, where, skips)
                         for n in entry.get("inbound_nodes") or []]
                entry = to_keras2({k: v for k, v in entry.items()
                                   if k not in ("build_config", "inbound_nodes")})
                entry["inbound_nodes"] = nodes
                layers.append(entry)
            inner = {k: to_keras2(v, True) for k, v in inner.items() if k != "layers"}
            inner["layers"] = layers
            inner["output_layers"] = _shift_refs(inner.get("output_layers"), skips, 1)
        else:
            model = name in _MODEL_CLASS_NAMES
            inner = {k: to_keras2(v, not (model and k == "layers")) for k, v in inner.items()}
    if nested and "module" in config:
        return {"module": config["module"], "class_name": name, "config": inner,
                "registered_name": config.get("registered_name")}
    out = {"class_name": config.get("registered_name") or name, "config": inner}
    for key in ("name", "inbound_nodes"):  # a Functional's layer entries
        if key in config:
            out[key] = config[key]
    return out


# Optimizer arguments of Keras >= 2.11 that the older optimizers do not take. tf_keras
# rebuilds a config without `is_legacy_optimizer: false` as its older optimizer, and Keras 3
# refuses that flag, so a file both can read leaves these out when they are unused.
_WRITE_NEUTRAL_OPTIMIZER = {"weight_decay": (None,), "use_ema": (False,),
                            "ema_momentum": (0.99,), "ema_overwrite_frequency": (None,)}


def _drop_neutral(config, table):
    return {k: v for k, v in config.items()
            if not (k in table and any(v is n or (v == n and type(v) is type(n))
                                       for n in table[k]))}


def _training_config(model):
    compile_config = model.get_compile_config() if hasattr(model, "get_compile_config") \
        else None
    if not compile_config:
        return None
    plain = keras_compat.strip_neutral_extras(
        serialization_lib.serialize_keras_object(compile_config))
    optimizer = to_keras2(plain.get("optimizer"))
    if isinstance(optimizer, str):
        optimizer = {"class_name": optimizer, "config": {}}
    if isinstance(optimizer, dict) and isinstance(optimizer.get("config"), dict):
        inner = _drop_neutral(optimizer["config"], _WRITE_NEUTRAL_OPTIMIZER)
        if "use_ema" not in inner:  # unused: its settings mean nothing
            inner.pop("ema_momentum", None)
            inner.pop("ema_overwrite_frequency", None)
        optimizer["config"] = inner
    loss = to_keras2(plain.get("loss"))
    if isinstance(loss, dict) and loss.get("class_name") == "SparseCategoricalCrossentropy" \
            and isinstance(loss.get("config"), dict):
        loss["config"] = _drop_neutral(loss["config"], {"axis": (-1,)})
    return {"loss": loss, "metrics": to_keras2(plain.get("metrics")),
            "weighted_metrics": to_keras2(plain.get("weighted_metrics")),
            "loss_weights": plain.get("loss_weights"), "optimizer_config": optimizer}


# --- writing ----------------------------------------------------------------------------------

def _set_names(group, attr, names):
    """Writes a list of names as UTF-8 byte strings, split into attr0, attr1... when too
    large for one attribute (as Keras does)."""
    data = np.array([n.encode("utf8") for n in names], dtype=object).astype("S") \
        if names else np.array([], dtype="S1")
    if data.nbytes <= _ATTR_CHUNK:
        group.attrs[attr] = data
        return
    chunks = int(np.ceil(data.nbytes / _ATTR_CHUNK))
    for i, part in enumerate(np.array_split(data, chunks)):
        group.attrs[f"{attr}{i}"] = part


def _unique(name, used):
    candidate, i = name, 1
    while candidate in used:
        candidate, i = f"{name}_{i}", i + 1
    used.add(candidate)
    return candidate


def _write_variables(group, variables, prefix=""):
    names, used = [], set()
    for variable in variables:
        name = _unique(prefix + variable.name, used)
        group.create_dataset(name, data=np.asarray(variable.numpy()))
        names.append(name)
    _set_names(group, "weight_names", names)


def model_bytes(model, include_optimizer=True, path="model.h5"):
    """The bytes of a Keras 2 style `.h5` file holding `model` (see the module docstring)."""
    from .. import __version__
    from . import weights_store
    from .saving_lib import _h5py, _warn_for_lambdas
    config = serialization_lib.serialize_keras_object(model)
    _warn_for_lambdas(config, path)
    config = to_keras2(keras_compat.strip_neutral_extras(config))
    training = _training_config(model)
    buffer = io.BytesIO()
    with _h5py().File(buffer, "w", libver=("v108", "v108")) as h5file:
        h5file.attrs["keras_version"] = str(__version__)
        h5file.attrs["backend"] = "tensorflow"
        h5file.attrs["model_config"] = json.dumps(config)
        weights = h5file.create_group("model_weights")
        weights.attrs["keras_version"] = str(__version__)
        weights.attrs["backend"] = "tensorflow"
        layers = list(model.layers)
        _set_names(weights, "layer_names", [layer.name for layer in layers])
        for layer in layers:
            _write_variables(weights.create_group(layer.name),
                             legacy_h5._legacy_weights(layer), f"{layer.name}/"
                             if not any(v.name.startswith(layer.name + "/")
                                        for v in legacy_h5._legacy_weights(layer)) else "")
        optimizer = getattr(model, "optimizer", None)
        if training is not None:
            h5file.attrs["training_config"] = json.dumps(training)
            if include_optimizer and optimizer is not None and \
                    getattr(optimizer, "built", False):
                _write_variables(h5file.create_group("optimizer_weights"),
                                 list(optimizer.variables))
        h5file.attrs[_CONFIG_DIGEST_ATTR] = np.bytes_(_config_digest(
            h5file.attrs["model_config"], h5file.attrs.get("training_config")).encode("ascii"))
        h5file.attrs[weights_store.CHECKSUM_ATTR] = np.bytes_(
            weights_store.weights_digest(h5file).encode("ascii"))
    return buffer.getvalue()


def save_model(model, path, include_optimizer=True):
    """Writes `model` to `path` in the Keras 2 `.h5` format, atomically."""
    from ...util.atomic import atomic_write
    data = model_bytes(model, include_optimizer, path)
    atomic_write(os.fspath(path), lambda f: f.write(data))
