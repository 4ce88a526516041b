"""Reading Keras 2's legacy `.h5` weights layout (the files keras.applications publishes).

Layout: the root (or the `model_weights` group of a whole-model file) has an attribute
`layer_names` (possibly split into `layer_names0`, `layer_names1`... when it outgrew the
64 KiB HDF5 object header), and one group per layer whose attribute `weight_names` lists
the layer's datasets in the legacy order: the layer's trainable weights, then its
non-trainable ones (BatchNormalization: gamma, beta, moving_mean, moving_variance).

Keras matches the file's weighted layers to the model's weighted layers by position, or by
name with `by_name=True`. ndflow does the same, with one safety net: when both sides have
the same set of layer names, each layer is matched by name (the result Keras gets whenever
the two orders agree, and still right if they do not). Every value is read and checked
before any variable is assigned, so a mismatch leaves the model untouched.
"""
import warnings

import numpy as np

from ...framework.errors import DataLossError

_MAX_NAMES = 1_000_000


def _error(label, message):
    return DataLossError(f"Cannot load weights from '{label}' (Keras 2 .h5 layout): {message}")


def _text(value, what, label):
    if isinstance(value, (bytes, np.bytes_)):
        try:
            return bytes(value).decode("utf8")
        except UnicodeDecodeError:
            raise _error(label, f"{what} holds a name that is not UTF-8.") from None
    if isinstance(value, str):
        return value
    raise _error(label, f"{what} holds {value!r}, expected layer or weight names "
                        "(strings).")


def _names_attr(group, name, label):
    """The list of strings stored in attribute `name` (or its chunks name0, name1...)."""
    chunks = []
    if name in group.attrs:
        chunks.append(group.attrs[name])
    else:
        i = 0
        while f"{name}{i}" in group.attrs:
            chunks.append(group.attrs[f"{name}{i}"])
            i += 1
    names = []
    for chunk in chunks:
        values = np.asarray(chunk).reshape(-1)
        if values.size == 0:  # h5py stores an empty list as an empty float array
            continue
        if values.dtype.kind not in "SUO":
            raise _error(label, f"attribute '{name}' of '{group.name}' has dtype "
                                f"{values.dtype}, expected strings.")
        if len(names) + values.size > _MAX_NAMES:
            raise _error(label, f"attribute '{name}' lists more than {_MAX_NAMES} names.")
        names.extend(_text(v, f"attribute '{name}' of '{group.name}'", label) for v in values)
    return names


def weights_root(h5file):
    """The group holding `layer_names`: the root of a weights file, or `model_weights` of
    a whole-model file."""
    if "layer_names" not in h5file.attrs and "layer_names0" not in h5file.attrs and \
            "model_weights" in h5file:
        return h5file["model_weights"]
    return h5file


def read_layers(h5file, label):
    """[(layer name, [numpy arrays])] for every layer of the file that holds weights, in
    the file's order."""
    import h5py
    root = weights_root(h5file)
    out = []
    for name in _names_attr(root, "layer_names", label):
        group = root.get(name)
        if not isinstance(group, h5py.Group):
            raise _error(label, f"layer '{name}' is listed in layer_names but has no group "
                                "in the file.")
        weight_names = _names_attr(group, "weight_names", label)
        if not weight_names:
            continue
        values = []
        for weight_name in weight_names:
            dataset = group.get(weight_name)
            if not isinstance(dataset, h5py.Dataset):
                raise _error(label, f"weight '{weight_name}' of layer '{name}' is missing.")
            if dataset.dtype.kind not in "biuf":
                raise _error(label, f"weight '{weight_name}' of layer '{name}' has "
                                    f"non-numeric dtype {dataset.dtype}.")
            values.append(np.asarray(dataset[()]))
        out.append((name, values))
    return out


def _legacy_weights(layer):
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def plan_assignments(model, h5file, label, by_name=False, skip_mismatch=False):
    """[(variable, value)] to assign, all checked; raises DataLossError (nothing assigned)
    when the file does not match, ValueError for a layer count mismatch like Keras."""
    saved = read_layers(h5file, label)
    layers = [layer for layer in model.layers if _legacy_weights(layer)]
    saved_names = [name for name, _ in saved]
    model_names = [layer.name for layer in layers]
    if by_name or (len(set(saved_names)) == len(saved_names) and
                   set(saved_names) == set(model_names)):
        index = {layer.name: layer for layer in layers}
        pairs = [(index[name], name, values) for name, values in saved if name in index]
    else:
        if len(saved) != len(layers):
            raise ValueError(f"Layer count mismatch when loading weights from file '{label}' "
                             f"(Keras 2 .h5 layout). Model expected {len(layers)} layers with "
                             f"weights, found {len(saved)} saved layers.")
        pairs = [(layer, name, values) for layer, (name, values) in zip(layers, saved)]
    plan, problems = [], []
    for layer, name, values in pairs:
        variables = _legacy_weights(layer)
        issue = None
        if len(variables) != len(values):
            issue = (f"layer '{layer.name}' has {len(variables)} weights but the file's layer "
                     f"'{name}' holds {len(values)}")
        else:
            for variable, value in zip(variables, values):
                want = tuple(variable.shape.as_list())
                if tuple(value.shape) != want:
                    issue = (f"layer '{layer.name}': weight {variable.name} has shape {want} "
                             f"but the file's layer '{name}' holds shape {tuple(value.shape)}")
                    break
        if issue is not None:
            if skip_mismatch:
                warnings.warn(f"Skipping loading weights for {issue} ('{label}').",
                              stacklevel=4)
                continue
            problems.append(issue)
            continue
        plan.extend((v, np.asarray(x).astype(v.dtype._np, copy=False))
                    for v, x in zip(variables, values))
    if problems:
        listed = "\n  - ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise _error(label, f"the file does not match the "
                            f"model (nothing was changed):\n  - {listed}{more}")
    return plan


def load_weights(model, h5file, label, by_name=False, skip_mismatch=False):
    """Assigns the weights of an open legacy Keras `.h5` file to `model`, all or nothing."""
    for variable, value in plan_assignments(model, h5file, label, by_name, skip_mismatch):
        variable.assign(value)
