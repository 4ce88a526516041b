"""Every public function and class of ndflow's namespaces has a docstring, and `help(ndflow)`
names the namespaces (issue 16).

The walk visits each public namespace (and the sub-namespaces it holds: `compat.v1.nn`,
`data.experimental`, SimpleNamespace groups such as `distribute.cluster_resolver`), takes every
public name bound to a function or class defined in ndflow, and reports each undocumented object
once, with all the names it is reachable under. A namespace that does not import is skipped
with the import error as the reason. Run this file as a script to print the report.
"""
import importlib
import inspect
import re
import sys
import types

import pytest

NAMESPACES = [
    "ndflow", "ndflow.nn", "ndflow.math", "ndflow.linalg", "ndflow.random", "ndflow.train",
    "ndflow.image", "ndflow.strings", "ndflow.sparse", "ndflow.ragged", "ndflow.sets",
    "ndflow.lookup", "ndflow.lookup.experimental", "ndflow.data", "ndflow.data.experimental",
    "ndflow.io", "ndflow.distribute", "ndflow.compat.v1", "ndflow.keras",
] + ["ndflow.keras." + sub for sub in (
    "layers", "models", "losses", "metrics", "optimizers", "optimizers.schedules", "callbacks",
    "activations", "initializers", "regularizers", "constraints", "utils", "backend",
    "applications")] + [
    "ndflow.tuner", "ndflow.sklearn", "ndflow.summary", "ndflow.config", "ndflow.debugging",
    "ndflow.errors", "ndflow.initializers", "ndflow.horovod",
    # further TensorFlow namespaces ndflow has
    "ndflow.dtypes", "ndflow.io.gfile", "ndflow.testing", "ndflow.autograph",
    "ndflow.keras.datasets", "ndflow.keras.saving", "ndflow.keras.wrappers",
    # classes standing for TensorFlow namespaces
    "ndflow.config.experimental", "ndflow.config.threading", "ndflow.test",
    # tf.estimator and feature columns (TF2 forms, and TF1's under compat.v1)
    "ndflow.estimator", "ndflow.feature_column", "ndflow.compat.v1.estimator",
    "ndflow.compat.v1.feature_column", "ndflow.estimator.inputs",
]

# Namespaces whose module-valued attributes are sub-namespaces of the public API (TF1's
# `tf.compat.v1.nn`, `tf.compat.v1.train`, ... are modules bound in ndflow.compat.v1).
_WALK_MODULE_ATTRS = ("ndflow.compat.v1",)
_MAX_DEPTH = 3


def _documented(obj):
    doc = obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__
    return bool(doc and doc.strip())


def _is_ndflow_api_object(obj):
    if not (inspect.isfunction(obj) or inspect.isclass(obj)):
        return False
    return (getattr(obj, "__module__", None) or "").startswith("ndflow")


def _sub_namespaces(label, module):
    """(label, namespace) pairs for the sub-namespaces bound in `module`."""
    for name in sorted(dir(module)):
        if name.startswith("_"):
            continue
        value = getattr(module, name, None)
        if isinstance(value, types.SimpleNamespace):
            yield f"{label}.{name}", value
        elif isinstance(value, types.ModuleType):
            module_name = value.__name__ or ""
            # compat.v1's own namespaces at any depth (v1.lookup.experimental); the other
            # ndflow modules it binds (v1.errors, v1.summary) only directly under it
            if module_name.startswith(tuple(ns + "." for ns in _WALK_MODULE_ATTRS)) or (
                    label in _WALK_MODULE_ATTRS and module_name.startswith("ndflow.")):
                yield f"{label}.{name}", value


def _walk(label, namespace, visit, depth=0, seen=None):
    seen = set() if seen is None else seen
    if id(namespace) in seen:
        return
    seen.add(id(namespace))
    for name in sorted(dir(namespace)):
        if name.startswith("_"):
            continue
        try:
            value = getattr(namespace, name)
        except AttributeError:  # a lazily loaded name that is not available here
            continue
        if _is_ndflow_api_object(value):
            visit(f"{label}.{name}", value)
    if depth < _MAX_DEPTH:
        for sub_label, sub in _sub_namespaces(label, namespace):
            _walk(sub_label, sub, visit, depth + 1, seen)


def _resolve(path):
    """The module `path`, or the attribute it names (`ndflow.dtypes`, `ndflow.io.gfile`)."""
    try:
        return importlib.import_module(path)
    except ModuleNotFoundError:
        parent, _, name = path.rpartition(".")
        return getattr(_resolve(parent), name)


def collect():
    """Returns (import_errors, missing).

    `import_errors`: namespace -> error text for namespaces that do not import.
    `missing`: namespace -> {object key: [names]}: undocumented objects, each assigned to the
    first namespace (in NAMESPACES order) that reaches it; wrappers made with functools.wraps
    count as the object they wrap.
    """
    import_errors, missing, found = {}, {}, {}
    for ns in NAMESPACES:
        try:
            module = _resolve(ns)
        except Exception as e:  # noqa: BLE001  (reported as the skip reason)
            import_errors[ns] = f"{type(e).__name__}: {e}"
            continue
        missing.setdefault(ns, {})

        def visit(qualified, obj, ns=ns):
            if _documented(obj):
                return
            target = inspect.unwrap(obj) if inspect.isfunction(obj) else obj
            key = id(target)
            if key not in found:
                found[key] = (ns, target, [])
                missing[ns][key] = found[key]
            if qualified not in found[key][2]:
                found[key][2].append(qualified)
        _walk(ns, module, visit, seen=set())
    return import_errors, missing


_REPORT = []


def _report():
    if not _REPORT:
        _REPORT.append(collect())
    return _REPORT[0]


def _describe(entry):
    _, obj, names = entry
    where = f"{obj.__module__}.{obj.__qualname__}"
    shown = ", ".join(names[:4]) + (f" (+{len(names) - 4} more)" if len(names) > 4 else "")
    return f"  {shown}  [defined as {where}]"


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_public_functions_and_classes_have_docstrings(namespace):
    import_errors, missing = _report()
    if namespace in import_errors:
        pytest.skip(f"{namespace} does not import: {import_errors[namespace]}")
    entries = list(missing[namespace].values())
    if entries:
        pytest.fail(f"{len(entries)} public functions/classes first reached in {namespace} "
                    "have no docstring:\n" + "\n".join(_describe(e) for e in entries),
                    pytrace=False)


def test_the_walk_finds_undocumented_names():
    """The check itself can fail: an undocumented function in a namespace is reported."""
    fake = types.ModuleType("ndflow_fake_namespace")

    def undocumented(x):
        return x

    def documented(x):
        """Returns x."""
        return x

    class Plain:
        pass

    class Child(Plain):
        """A class documents itself; its base's docstring does not count."""

    class Bare(Child):
        pass

    for fn in (undocumented, documented, Plain, Child, Bare):
        fn.__module__ = "ndflow.fake"
    fake.undocumented = fake.alias = undocumented
    fake.documented, fake.Plain, fake.Child, fake.Bare = documented, Plain, Child, Bare
    fake._private = lambda: None  # private names are not walked
    fake._private.__module__ = "ndflow.fake"
    seen = []
    _walk("fake", fake, lambda q, o: None if _documented(o) else seen.append(q))
    assert sorted(seen) == ["fake.Bare", "fake.Plain", "fake.alias", "fake.undocumented"]


def test_docstring_examples_run():
    """Every `>>>` example in a reachable public docstring runs and prints what it shows."""
    import doctest

    import numpy as np

    import ndflow
    objects = {}
    for ns in NAMESPACES:
        try:
            module = _resolve(ns)
        except Exception:  # noqa: BLE001  (the namespace's own test reports it)
            continue

        def visit(qualified, obj):
            target = inspect.unwrap(obj) if inspect.isfunction(obj) else obj
            objects.setdefault(id(target), (qualified, target))
        _walk(ns, module, visit)
    finder = doctest.DocTestFinder(recurse=False)
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    failures, ran = [], 0
    for qualified, obj in objects.values():
        doc = obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__
        if not doc or ">>>" not in doc:
            continue
        for test in finder.find(obj, qualified, globs={"ndflow": ndflow, "tf": ndflow,
                                                        "np": np}):
            ran += 1
            out = []
            result = doctest.DocTestRunner(optionflags=flags).run(test, out=out.append)
            if result.failed:
                failures.append("".join(out))
    assert ran > 100, f"only {ran} docstrings with examples found"
    if failures:
        pytest.fail(f"{len(failures)} docstring examples fail:\n" + "\n".join(failures),
                    pytrace=False)


def _listed_namespaces(doc):
    """Names in the 'Namespaces:' block of a docstring (one `name  description` a line)."""
    lines = doc.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "Namespaces:")
    except StopIteration:
        return set()
    names = set()
    for line in lines[start + 1:]:
        if not line.strip():
            if names:
                break
            continue
        match = re.match(r"\s+([a-z_.0-9]+)(\s|$)", line)
        if not match:
            break
        names.add(match.group(1))
    return names


def test_help_ndflow_lists_the_namespaces():
    import ndflow
    listed = _listed_namespaces(ndflow.__doc__ or "")
    wanted = {ns.split(".", 1)[1] for ns in NAMESPACES if "." in ns}
    wanted = {ns for ns in wanted if ("." not in ns or ns == "compat.v1")
              and isinstance(_resolve("ndflow." + ns), types.ModuleType)}
    assert wanted <= listed, f"ndflow.__doc__ does not list {sorted(wanted - listed)}"
    for name in listed:  # every listed namespace exists
        assert isinstance(_resolve("ndflow." + name), types.ModuleType), name
    import pydoc
    assert "Namespaces:" in pydoc.render_doc(ndflow)


if __name__ == "__main__":
    errors, missing = collect()
    for ns, err in errors.items():
        print(f"IMPORT FAILED {ns}: {err}")
    total = 0
    for ns, entries in missing.items():
        for entry in entries.values():
            total += 1
            if "-q" not in sys.argv:
                print(ns, _describe(entry))
    print(total, "undocumented objects")
