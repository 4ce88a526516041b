"""Kernels compute with the array module they receive (`xp`), never with NumPy directly.

Every op in the registry is walked: its kernel, its plan binder (`bind_to`) and every
function of ndflow they call (module-level helpers, closures such as a pooling kernel's NHWC
function) are read with `inspect` and `ast`. A use of `np.<name>` (whatever name NumPy is
bound to in that module) fails the test unless <name> is in `NOT_ARRAY_MATH`: names that
describe data instead of computing on arrays. Array functions (np.zeros, np.cumsum,
np.moveaxis, ...) must come from `xp`, so that a CuPy device runs the same kernels.
"""
import ast
import functools
import inspect
import types

import numpy as np
import pytest

import ndflow  # noqa: F401  (registers every op)
from ndflow.framework.registry import REGISTRY

# Names of NumPy that are not array math, allowed in kernels. Keep it short; each entry says
# why it is safe on any device.
NOT_ARRAY_MATH = {
    # scalar types and dtype objects, used as dtype arguments or in dtype tests (CuPy uses
    # NumPy's dtypes itself)
    "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128", "intp",
    "dtype", "integer", "floating", "generic",
    # dtype limits: Python numbers describing a dtype, no array involved
    "iinfo", "finfo",
    # Python constants
    "inf", "pi", "e", "nan", "newaxis",
}


def _numpy_names(fn):
    """The global names that NumPy is bound to in fn's module (usually just `np`)."""
    return {name for name, value in fn.__globals__.items() if value is np}


@functools.lru_cache(maxsize=None)
def _module_tree(path):
    with open(path, encoding="utf-8") as f:
        return ast.parse(f.read(), path)


def _source_node(fn):
    """The ast node (def or lambda) of fn, read from its whole module; None without source."""
    try:
        path = inspect.getsourcefile(fn)
    except TypeError:
        return None
    if path is None:
        return None
    code = fn.__code__
    params = list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
    for node in ast.walk(_module_tree(path)):
        first = getattr(node, "lineno", None)
        if getattr(node, "decorator_list", None):  # co_firstlineno is the first decorator's
            first = node.decorator_list[0].lineno
        if first != code.co_firstlineno:
            continue
        if fn.__name__ == "<lambda>" and isinstance(node, ast.Lambda):
            if [a.arg for a in node.args.args + node.args.kwonlyargs] == params:
                return node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                node.name == fn.__name__:
            return node
    return None


def _ours(obj, modules):
    """A Python function of one of `modules` (functools.partial unwrapped), else None."""
    while isinstance(obj, functools.partial):
        obj = obj.func
    if isinstance(obj, types.FunctionType) and any(
            (obj.__module__ or "") == m or (obj.__module__ or "").startswith(m + ".")
            for m in modules):
        return obj
    return None


def _body(node):
    """The nodes of a def's or lambda's body: not its decorators (an op's `infer=` function
    is no kernel) nor its default values."""
    for stmt in node.body if isinstance(node.body, list) else [node.body]:
        yield from ast.walk(stmt)


def _bound_names(node):
    """Names that node binds itself (parameters, assignments, loops...): locals, not callees."""
    names = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
    for sub in _body(node):
        if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
            names.add(sub.id)
        elif isinstance(sub, ast.arg):
            names.add(sub.arg)
    return names


def _callees(fn, node, modules=("ndflow.ops",)):
    """Functions of `modules` that fn's body names: the helpers it calls and the functions
    it closes over (a pooling kernel's NHWC function)."""
    found = []
    closure = dict(zip(fn.__code__.co_freevars,
                       (c.cell_contents if _cell_filled(c) else None
                        for c in fn.__closure__ or ())))
    local = _bound_names(node)
    for sub in _body(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load) and sub.id not in local:
            target = closure[sub.id] if sub.id in closure else fn.__globals__.get(sub.id)
            callee = _ours(target, modules)
            if callee is not None:
                found.append(callee)
    return found


def _cell_filled(cell):
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


def _numpy_uses(fn, seen, modules=("ndflow.ops",)):
    """(function name, file, line, attribute) of each disallowed np.<attr> in fn and in the
    functions of `modules` it reaches."""
    if fn in seen:
        return []
    seen.add(fn)
    node = _source_node(fn)
    if node is None:
        return []
    numpy_names = _numpy_names(fn)
    uses = []
    for sub in _body(node):
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and \
                sub.value.id in numpy_names and sub.attr not in NOT_ARRAY_MATH:
            uses.append((fn.__qualname__, inspect.getsourcefile(fn), sub.lineno,
                         f"{sub.value.id}.{sub.attr}"))
    for callee in _callees(fn, node, modules):
        uses.extend(_numpy_uses(callee, seen, modules))
    return uses


def _kernel_functions(op_def):
    for fn in (op_def.kernel, op_def.binder):
        fn = _ours(fn, ("ndflow",))
        if fn is not None:
            yield fn


def _kernel_modules():
    """Modules that define kernels (each tested on its own, so a failure names its owner)."""
    return sorted({fn.__module__ for op_def in REGISTRY.values()
                   for fn in _kernel_functions(op_def)})


def _violations(module):
    found = []
    for name in sorted(REGISTRY):
        if REGISTRY[name].host:
            continue  # host ops (files, strings, queues) run on NumPy by design
        seen = set()
        for fn in _kernel_functions(REGISTRY[name]):
            if fn.__module__ != module:
                continue
            # helpers are followed into the op libraries and the kernel's own module (the
            # engine's conversion code, reached through composite calls, is not kernel code)
            modules = ("ndflow.ops", fn.__module__)
            for qualname, path, line, attr in _numpy_uses(fn, seen, modules):
                where = path.split("ndflow/", 1)[-1] if path else "?"
                found.append(f"{name}: {attr} in {qualname} (ndflow/{where}:{line})")
    return sorted(set(found))


def test_the_walk_sees_kernels_helpers_and_closures():
    seen = set()
    conv = REGISTRY["Conv2D"].kernel
    reached = {f.__name__ for f in [conv] + _callees(conv, _source_node(conv))}
    assert {"_conv_forward", "_to_nhwc"} <= reached
    pool = REGISTRY["MaxPool"].kernel  # a closure over its NHWC function
    assert "_max_pool_nhwc" in {f.__name__ for f in _callees(pool, _source_node(pool))}
    assert _numpy_uses(REGISTRY["AddV2"].kernel, seen) == []  # a lambda kernel is read


def test_the_walk_reports_a_numpy_call():
    def kernel(xp, x):
        return np.cumsum(x)
    uses = _numpy_uses(kernel, set())
    assert [u[3] for u in uses] == ["np.cumsum"]


def test_host_ops_get_numpy_whatever_the_device():
    fake_xp = object()
    assert REGISTRY["Const"].leading_args(fake_xp, None, None) == (fake_xp,)
    host_op = next((d for d in REGISTRY.values() if d.host and not d.uses_store
                    and not d.needs_rng), None)
    if host_op is None:
        pytest.skip("no host op registered")
    assert host_op.leading_args(fake_xp, None, None) == (np,)


def test_every_op_library_is_walked():
    modules = _kernel_modules()
    assert {"ndflow.ops.array_ops", "ndflow.ops.math_ops", "ndflow.ops.conv_ops"} <= \
        set(modules)


@pytest.mark.parametrize("module", _kernel_modules())
def test_kernels_call_xp_not_numpy(module):
    violations = _violations(module)
    assert not violations, f"kernels of {module} call NumPy directly instead of xp:\n  " + \
        "\n  ".join(violations)
