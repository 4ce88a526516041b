"""The HDF5 layout of Keras 3 weights (`model.weights.h5` inside `.keras`, and `.weights.h5`).

Each saveable object (layer, model, optimizer) owns the group `<path>/vars` holding its own
variables as datasets "0", "1", ... (a layer's `_trainable_variables` then
`_non_trainable_variables`, in creation order; an optimizer's `variables`). Paths follow
Keras's `saving_lib` walk: Sequential and Functional models put their layers under
`layers/`, named by class (`dense`, `dense_1`, `conv2d`...); other attributes follow in
sorted order (public before private), a list/dict attribute being a container whose
items are again named by class; each object is written once, where first met.
"""
import re
import warnings

import numpy as np

from ...framework.errors import DataLossError


CHECKSUM_ATTR = "ndflow_sha256"   # root attribute of files ndflow writes; Keras ignores it
_MAX_OBJECTS = 1_000_000           # groups + datasets in one weights file
_HASH_CHUNK_BYTES = 16 << 20


def to_snake_case(name):
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _is_layer(obj):
    from ..layers.base import Layer
    return isinstance(obj, Layer)


def _is_optimizer(obj):
    try:
        from ..optimizers.base import Optimizer
    except ImportError:
        return False
    return isinstance(obj, Optimizer)


def _is_saveable(obj):
    return _is_layer(obj) or _is_optimizer(obj)


def own_variables(obj):
    if _is_optimizer(obj):
        return list(obj.variables)
    return list(obj._trainable_variables) + list(obj._non_trainable_variables)


def _name_key(name):
    return f"~{name}" if name.startswith("_") else name  # private attributes come last


def _children(obj):
    """(attribute name, value) pairs in the order Keras's walk visits them."""
    if not _is_layer(obj):
        return []
    from ..models import Functional, Model, Sequential
    structural = isinstance(obj, (Sequential, Functional))
    attrs = {}
    for name, value in obj._tracked_attrs.items():
        if structural and name.startswith("_"):
            continue  # the engine's own bookkeeping of the layers listed under "layers"
        attrs[name] = value
    if isinstance(obj, Model):
        attrs["layers"] = obj.layers
        optimizer = getattr(obj, "optimizer", None)
        if optimizer is not None:
            attrs["optimizer"] = optimizer
    ordered = [(name, attrs[name]) for name in sorted(attrs, key=_name_key)]
    if structural:
        ordered.insert(0, ("layers", obj.layers))
    return ordered


def collect_saveables(model, include_optimizer=True):
    """[(h5 path, saveable object)] for `model` and everything it holds, Keras's order."""
    found = []
    visited = set()

    def walk(obj, path):
        if id(obj) in visited:
            return
        visited.add(id(obj))
        found.append((path, obj))
        for attr, child in _children(obj):
            if attr == "optimizer" and not include_optimizer:
                continue
            child_path = f"{path}/{attr}" if path else attr
            if _is_saveable(child):
                walk(child, child_path)
            elif isinstance(child, (list, tuple, dict)):
                walk_container(child, child_path, set())

    def walk_container(container, path, seen_containers):
        if id(container) in seen_containers:
            return
        seen_containers.add(id(container))
        used = {}
        items = container.values() if isinstance(container, dict) else container
        for item in items:
            if _is_saveable(item):
                walk(item, f"{path}/{_unique(to_snake_case(type(item).__name__), used)}")
            elif isinstance(item, (list, tuple, dict)):
                walk_container(item, f"{path}/{_unique('container', used)}", seen_containers)

    walk(model, "")
    return found


def _unique(name, used):
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


# --- writing ------------------------------------------------------------------------------------

def write_weights(h5file, model, include_optimizer=True):
    """Writes every saveable's variables into the open (writable) h5py File."""
    for path, obj in collect_saveables(model, include_optimizer):
        group = h5file.create_group(f"{path}/vars" if path else "vars")
        name = getattr(obj, "name", None)
        if isinstance(name, str):
            group.attrs["name"] = name
        for i, variable in enumerate(own_variables(obj)):
            group.create_dataset(str(i), data=np.asarray(variable.numpy()))
        if _custom_state(obj, "save_own_variables"):  # Keras 3's hook (lookup layers)
            store = {}
            obj.save_own_variables(store)
            for key, value in store.items():
                group.create_dataset(str(key), data=np.asarray(value))


def _custom_state(obj, method):
    """Whether `obj` keeps state outside its variables through Keras 3's
    save_own_variables / load_own_variables (e.g. the lookup layers' idf weights)."""
    return _is_layer(obj) and callable(getattr(obj, method, None))


class _StateLoader:
    """A plan entry that hands a layer its saved datasets (load_own_variables)."""

    def __init__(self, obj):
        self.obj = obj

    def assign(self, store):
        self.obj.load_own_variables(store)


def _datasets(h5file, label):
    """[(path, dataset)] of every dataset in the file, sorted by path, walked without
    recursion and without following any link; refuses what could read outside the file."""
    import h5py
    found, stack, count = [], [("", h5file)], 0
    while stack:
        prefix, group = stack.pop()
        for name in group:
            count += 1
            if count > _MAX_OBJECTS:
                raise DataLossError(f"Cannot load weights from '{label}': more than "
                                    f"{_MAX_OBJECTS} objects, not a weights file.")
            path = f"{prefix}/{name}"
            link = group.get(name, getlink=True)
            if not isinstance(link, h5py.HardLink):
                raise DataLossError(f"Cannot load weights from '{label}': '{path}' is a "
                                    f"{type(link).__name__}; ndflow does not follow links in "
                                    "weights files (they could read other files).")
            item = group[name]
            if isinstance(item, h5py.Group):
                stack.append((path, item))
            elif isinstance(item, h5py.Dataset):
                found.append((path, item))
            else:
                raise DataLossError(f"Cannot load weights from '{label}': '{path}' is a "
                                    f"{type(item).__name__}, neither a group nor a dataset.")
    return sorted(found, key=lambda pair: pair[0])


def _declared_bytes(dataset):
    count = 1
    for d in dataset.shape or ():
        count *= int(d)
    return count * dataset.dtype.itemsize


def check_h5_file(h5file, label, size):
    """Checks an open weights file before its data is read: every dataset stored inside
    the file (no external storage, no virtual datasets), none claiming more bytes than the
    file could hold uncompressed, and for files ndflow wrote (root attribute
    `ndflow_sha256`) the checksum of all their data. Raises DataLossError naming `label`."""
    datasets = _datasets(h5file, label)
    checksum = _read_checksum(h5file, label)
    for path, dataset in datasets:
        if dataset.is_virtual:
            raise DataLossError(f"Cannot load weights from '{label}': dataset '{path}' is a "
                                "virtual dataset (its data lives in other files); refused.")
        if dataset.external:
            raise DataLossError(f"Cannot load weights from '{label}': dataset '{path}' uses "
                                "HDF5 external storage (its data lives in another file); "
                                "refused.")
        compressed = dataset.compression is not None or bool(
            dataset.id.get_create_plist().get_nfilters())
        if (checksum is not None or not compressed) and _declared_bytes(dataset) > size:
            raise DataLossError(f"Cannot load weights from '{label}': dataset '{path}' claims "
                                f"shape {dataset.shape} ({_declared_bytes(dataset)} bytes), "
                                f"more than the {size} bytes of the file; it is corrupted.")
    if checksum is not None:
        if weights_digest(h5file, datasets) != checksum:
            raise DataLossError(f"Cannot load weights from '{label}': its data does not match "
                                "the checksum ndflow stored with it (the file is corrupted).")


def _read_checksum(h5file, label):
    """The checksum attribute (64 hex digits) or None; its type and size are checked with
    the low-level API before it is read, so a corrupted attribute cannot claim a huge
    string."""
    import h5py
    name = CHECKSUM_ATTR.encode()
    if not h5py.h5a.exists(h5file.id, name):
        return None
    attr = h5py.h5a.open(h5file.id, name)
    dtype = attr.dtype
    if attr.shape != () or dtype.kind != "S" or dtype.itemsize != 64 or \
            attr.get_storage_size() != 64:
        raise DataLossError(f"Cannot load weights from '{label}': its {CHECKSUM_ATTR} "
                            "attribute is damaged.")
    value = np.zeros((), dtype)
    attr.read(value)
    try:
        return bytes(value.item()).decode("ascii")
    except UnicodeDecodeError:
        raise DataLossError(f"Cannot load weights from '{label}': its {CHECKSUM_ATTR} "
                            "attribute is damaged.") from None


def weights_digest(h5file, datasets=None):
    """SHA-256 (hex) of every dataset of an open weights file: paths, dtypes, shapes and
    values, read in bounded chunks."""
    import hashlib
    import json
    digest = hashlib.sha256()
    for path, dataset in datasets if datasets is not None else _datasets(h5file, "?"):
        dtype = dataset.dtype
        header = json.dumps([path, dtype.str, list(dataset.shape)]).encode("utf-8")
        digest.update(len(header).to_bytes(8, "little") + header)
        if dataset.shape is None:
            continue
        if len(dataset.shape) == 0:
            digest.update(np.ascontiguousarray(dataset[()]).tobytes())
            continue
        row = max(1, _declared_bytes(dataset) // max(1, dataset.shape[0]))
        step = max(1, _HASH_CHUNK_BYTES // row)
        for start in range(0, dataset.shape[0], step):
            digest.update(np.ascontiguousarray(dataset[start:start + step]).tobytes())
    return digest.hexdigest()


# --- reading ------------------------------------------------------------------------------------

def _vars_group(h5file, path):
    import h5py
    key = f"{path}/vars" if path else "vars"
    item = h5file.get(key)
    if item is None:
        return None
    if not isinstance(item, h5py.Group):
        raise DataLossError(f"'{key}' is a {type(item).__name__}, expected a group")
    return item


def _describe(obj, path):
    kind = "optimizer" if _is_optimizer(obj) else "layer"
    return f"{kind} '{getattr(obj, 'name', '?')}' (at '{path or '/'}')"


def plan_assignments(h5file, model, source, include_optimizer=True, skip_mismatch=False):
    """Reads and checks every value the file holds for `model` BEFORE anything is assigned:
    returns [(variable, numpy value)], or raises DataLossError listing every problem."""
    import h5py
    plan = []
    problems = []
    for path, obj in collect_saveables(model, include_optimizer):
        expected = own_variables(obj)
        try:
            group = _vars_group(h5file, path)
        except DataLossError as e:
            problems.append(f"{_describe(obj, path)}: {e}")
            continue
        if _custom_state(obj, "load_own_variables") and not own_variables(obj):
            store = {}
            for key in ([] if group is None else list(group.keys())):
                dataset = group[key]
                if not isinstance(dataset, h5py.Dataset) or dataset.dtype.kind not in "biuf":
                    problems.append(f"{_describe(obj, path)}: entry {key} is not a numeric "
                                    "dataset")
                    continue
                store[key] = np.asarray(dataset[()])
            plan.append((_StateLoader(obj), store))
            continue
        keys = [] if group is None else list(group.keys())
        if _is_optimizer(obj) and len(keys) != len(expected):
            if keys:  # Keras too skips an optimizer state that does not line up
                warnings.warn(f"Skipping variable loading for optimizer '{obj.name}', because "
                              f"it has {len(expected)} variables whereas the saved optimizer "
                              f"in '{source}' has {len(keys)} variables.", stacklevel=4)
            continue
        layer_problems = []
        if len(keys) != len(expected):
            hint = " (the layer is not built: build or call the model first)" \
                if not expected and not getattr(obj, "built", True) else ""
            layer_problems.append(f"{_describe(obj, path)} has {len(expected)} variables but "
                                  f"the file holds {len(keys)}{hint}")
        layer_plan = []
        for i, variable in enumerate(expected):
            if group is None or str(i) not in group:
                if not layer_problems:
                    layer_problems.append(f"{_describe(obj, path)}: variable {i} "
                                          f"({variable.name}) is missing")
                continue
            dataset = group[str(i)]
            want = tuple(variable.shape.as_list())
            if not isinstance(dataset, h5py.Dataset):
                layer_problems.append(f"{_describe(obj, path)}: entry {i} is not a dataset")
                continue
            if tuple(dataset.shape) != want:
                layer_problems.append(f"{_describe(obj, path)}: variable {i} "
                                      f"({variable.name}) has shape {want} but the file holds "
                                      f"shape {tuple(dataset.shape)}")
                continue
            if dataset.dtype.kind not in "biuf":
                layer_problems.append(f"{_describe(obj, path)}: variable {i} is stored with "
                                      f"non-numeric dtype {dataset.dtype}")
                continue
            try:
                value = np.asarray(dataset[()])
            except (OSError, ValueError, KeyError) as e:
                layer_problems.append(f"{_describe(obj, path)}: variable {i} cannot be read "
                                      f"({e})")
                continue
            layer_plan.append((variable, value.astype(variable.dtype._np, copy=False)))
        if layer_problems and skip_mismatch:
            warnings.warn(f"Skipping loading weights for {_describe(obj, path)} from "
                          f"'{source}': {'; '.join(layer_problems)}", stacklevel=4)
            continue
        problems.extend(layer_problems)
        plan.extend(layer_plan)
    if problems:
        listed = "\n  - ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise DataLossError(f"Cannot load weights from '{source}': the file does not match the "
                            f"model (nothing was changed):\n  - {listed}{more}")
    return plan


def has_optimizer_state(h5file):
    group = h5file.get("optimizer/vars")
    return group is not None and len(group) > 0


def is_legacy_keras2_h5(h5file):
    """Keras 2 `.h5` files keep `layer_names` attributes (whole models under model_weights)."""
    return "layer_names" in h5file.attrs or "layer_names0" in h5file.attrs or \
        "model_weights" in h5file or "keras_version" in h5file.attrs
