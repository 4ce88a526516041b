"""Layering of ndflow (issue 9): the engine imports nothing above it.

Every import of every module under ndflow/ is read with `ast` (module level and inside
functions, relative and absolute) and resolved to the absolute module it names."""
import ast
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "ndflow")

# What each layer may import of ndflow (besides itself). No per-file exceptions.
ALLOWED = {
    "ndflow.framework": ("ndflow.framework", "ndflow.util"),
    "ndflow.ops": ("ndflow.framework", "ndflow.util", "ndflow.ops"),
    # What holds for keras today: the engine, the ops, its own modules, the update rules of
    # ndflow.train (keras optimizers), ndflow.summary (TensorBoard callback), ndflow.plotting
    # (dot graphs for plot_model) and the root package `ndflow` itself: `import ndflow` in
    # keras/layers/rnn/*, keras/layers/masking.py, keras/layers/ops_layers.py and
    # keras/models/training.py (keras/layers/core.py and keras/utils use the ops modules).
    # ndflow.data: fit/evaluate/predict take tf.data datasets (keras/models/data_adapter.py)
    # and keras.utils.image_dataset_from_directory builds them.
    "ndflow.keras": ("ndflow.framework", "ndflow.util", "ndflow.ops", "ndflow.keras",
                     "ndflow.train", "ndflow.summary", "ndflow.plotting", "ndflow",
                     "ndflow.data"),
}


def _modules():
    for dirpath, dirnames, filenames in os.walk(PACKAGE):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in filenames:
            if name.endswith(".py"):
                path = os.path.join(dirpath, name)
                parts = os.path.relpath(path, ROOT)[:-3].split(os.sep)
                is_package = parts[-1] == "__init__"
                if is_package:
                    parts = parts[:-1]
                yield path, ".".join(parts), is_package


def _imports(path, module, is_package):
    """(line, absolute name imported) for each ndflow import in the file."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                if node.module:
                    yield node.lineno, ".".join(base + [node.module])
                else:  # `from .. import x`: x is a module or a name of the package
                    for alias in node.names:
                        yield node.lineno, ".".join(base + [alias.name])
            else:
                yield node.lineno, node.module


def _within(name, prefix):
    return name == prefix or name.startswith(prefix + ".")


def _violations(layer):
    allowed = ALLOWED[layer]
    found = []
    for path, module, is_package in _modules():
        if not _within(module, layer):
            continue
        for line, name in _imports(path, module, is_package):
            if not _within(name, "ndflow"):
                continue
            ok = any(name == a if a == "ndflow" else _within(name, a) for a in allowed)
            if not ok:
                found.append(f"{os.path.relpath(path, ROOT)}:{line} imports {name}")
    return found


def test_import_resolution_sees_relative_and_nested_imports():
    imports = dict()
    for path, module, is_package in _modules():
        if module == "ndflow.ops.array_ops":
            imports = {name for _, name in _imports(path, module, is_package)}
    assert "ndflow.framework.constant_op" in imports


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports(layer):
    assert _violations(layer) == []


def test_framework_line_budget():
    script = os.path.join(ROOT, "tools", "line_budget.py")
    proc = subprocess.run([sys.executable, script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "framework total:" in proc.stdout
