"""Converting a Python function: source -> AST passes -> code object with the original
filename/line numbers, rebuilt on the function's own globals and closure cells."""
import ast
import inspect
import os
import sysconfig
import textwrap
import types
import warnings
import weakref

from . import operators
from .transformer import ConversionError, convert_function_node

_CACHE = weakref.WeakKeyDictionary()  # function -> (converted function, source)

# Functions defined under these directories are library code (the standard library, installed
# packages, ndflow itself): converted code calls them as they are, as TensorFlow's AutoGraph
# leaves its own and other libraries' functions alone.
_LIBRARY_DIRS = tuple(sorted({os.path.abspath(p) + os.sep for p in (
    sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
    sysconfig.get_paths()["platlib"], os.path.dirname(os.path.dirname(__file__)))}))


def _parse(fn):
    try:
        lines, first = inspect.getsourcelines(fn)
        filename = inspect.getsourcefile(fn) or fn.__code__.co_filename
    except (OSError, TypeError):
        return None
    try:
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except SyntaxError:
        return None
    if not tree.body or not isinstance(tree.body[0], ast.FunctionDef):
        return None
    ast.increment_lineno(tree, first - 1)
    return tree.body[0], filename


def _entry(fn):
    hit = _CACHE.get(fn)
    if hit is not None:
        return hit
    parsed = _parse(fn)
    if parsed is None:
        _CACHE[fn] = (fn, None)
        return _CACHE[fn]
    fdef, filename = parsed
    fdef.decorator_list = []

    def loc(node):
        return f"{filename}:{getattr(node, 'lineno', '?')}"
    convert_function_node(fdef, loc)
    ast.fix_missing_locations(fdef)
    source = ast.unparse(fdef)
    freevars = fn.__code__.co_freevars
    outer = ast.FunctionDef(
        name="__ag_outer", args=ast.arguments(posonlyargs=[], args=[ast.arg(arg=a) for a in
                                                                    ("ag__",) + freevars],
                                              vararg=None, kwonlyargs=[], kw_defaults=[],
                                              kwarg=None, defaults=[]),
        body=[fdef, ast.Return(value=ast.Name(id=fdef.name, ctx=ast.Load()))],
        decorator_list=[], returns=None)
    ast.copy_location(outer, fdef)
    module = ast.Module(body=[outer], type_ignores=[])
    ast.fix_missing_locations(module)
    code = compile(module, filename, "exec")
    outer_code = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    inner_code = next(c for c in outer_code.co_consts if isinstance(c, types.CodeType)
                      and c.co_name == fdef.name)
    cells = dict(zip(freevars, fn.__closure__ or ()))
    cells["ag__"] = types.CellType(operators)
    closure = tuple(cells.get(n) or types.CellType() for n in inner_code.co_freevars)
    new = types.FunctionType(inner_code, fn.__globals__, fn.__name__, fn.__defaults__,
                             closure or None)
    new.__kwdefaults__ = fn.__kwdefaults__
    new.__dict__.update(fn.__dict__)
    new.__doc__, new.__qualname__, new.__module__ = fn.__doc__, fn.__qualname__, fn.__module__
    new.__annotations__ = dict(getattr(fn, "__annotations__", {}))
    _CACHE[fn] = (new, source)
    return _CACHE[fn]


def convert(fn):
    """The converted version of `fn` (itself where it cannot or must not be converted)."""
    if getattr(fn, "__ag_do_not_convert__", False):
        return fn
    if inspect.ismethod(fn):
        conv = convert(fn.__func__)
        return fn if conv is fn.__func__ else types.MethodType(conv, fn.__self__)
    if not inspect.isfunction(fn) or fn.__name__ == "<lambda>" or hasattr(fn, "__wrapped__"):
        return fn
    return _entry(fn)[0]


def _is_user_function(fn):
    code = getattr(fn, "__code__", None)
    return code is not None and not os.path.abspath(code.co_filename).startswith(_LIBRARY_DIRS)


def convert_called(fn):
    """What converted code calls in place of `fn`: a user-written function or method is
    converted too (AutoGraph's recursive conversion); anything else is called as it is."""
    target = fn.__func__ if inspect.ismethod(fn) else fn
    if not inspect.isfunction(target) or not _is_user_function(target):
        return fn
    try:
        return convert(fn)
    except ConversionError:
        raise  # names the line and what to write instead
    except Exception as e:  # noqa: BLE001 - run it unconverted, as TensorFlow does
        warnings.warn(f"AutoGraph could not convert {target.__qualname__} and will run it "
                      f"as-is: {e}", stacklevel=2)
        _CACHE[target] = (target, None)
        return fn


def source_of(fn):
    """Returns the Python source AutoGraph generated for `fn` (what `tf.autograph.to_code` shows).

    Args:
      fn: A Python function, method or `ndflow.function`.

    Returns:
      The converted source, a string.

    Raises:
      TypeError: If `fn` is not a Python function.
      ValueError: If its source is not available.
    """
    if inspect.ismethod(fn):
        fn = fn.__func__
    if hasattr(fn, "python_function"):
        fn = fn.python_function
    if not inspect.isfunction(fn):
        raise TypeError(f"to_code: {fn!r} is not a Python function.")
    src = _entry(fn)[1]
    if src is None:
        raise ValueError(f"to_code: the source of {fn!r} is not available.")
    return src
