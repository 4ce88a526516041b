"""User functions of dataset transformations (map, filter, scan...), traced once.

As in TensorFlow, a function given to `Dataset.map` is traced with `tf.function` semantics
into a graph when the transformation is created; each element then runs the compiled plan
on its arrays. A tuple element is passed as separate arguments, any other structure as one.
`tf.data.experimental.enable_debug_mode()` runs the functions eagerly instead.
"""
import threading

import numpy as np

from ..framework.errors import InvalidArgumentError, OpError, OutOfRangeError
from ..framework import function as _function
from ..framework.function import Function
from ..framework.constant_op import convert_to_tensor
from ..framework.tensor import EagerTensor, TensorSpec
from ..framework.tensor_shape import TensorShape
from ..util import nest
from ..util.composite import CompositeTensor
from . import composites, structure

_debug_mode = [False]


def enable_debug_mode():
    """tf.data.experimental.enable_debug_mode: dataset functions run eagerly (Python
    debuggers and print work inside them)."""
    _debug_mode[0] = True


def disable_debug_mode():
    """Turns off tf.data debug mode (see `enable_debug_mode`): functions are traced again."""
    _debug_mode[0] = False


def _outputs(value, top=True):
    """A function's result as tf.data takes it: a returned list is a tuple, but a list
    inside the result is one value (tf.data's structures do not enter lists), converted
    to a tensor as Python and NumPy values are."""
    if isinstance(value, list):
        return tuple(_outputs(v, False) for v in value) if top else _as_tensor(value)
    if isinstance(value, tuple):
        items = [_outputs(v, False) for v in value]
        return type(value)(*items) if hasattr(type(value), "_fields") else tuple(items)
    if isinstance(value, dict):
        return {k: _outputs(v, False) for k, v in value.items()}
    return _as_tensor(value)


def _as_tensor(value):
    """A returned Python or NumPy value as a tensor of TensorFlow's default dtype (an int
    is int32, a float float32, a str a string)."""
    if isinstance(value, (str, bytes)) or (isinstance(value, np.ndarray) and
                                           value.dtype.kind in "OSU"):
        return convert_to_tensor(structure.string_array(value))
    if isinstance(value, (bool, int, float, complex, list, np.ndarray, np.generic)):
        return convert_to_tensor(value)
    return value  # tensors, composites, None (reported by the caller) as they are


def _call_with_element(fn, element, extra=()):
    if isinstance(element, tuple) and not hasattr(type(element), "_fields"):
        return fn(*extra, *element)
    return fn(*extra, element)


class StructuredFunction:
    """`fn` traced for elements of `input_spec` (and, for scan, a leading state).

    Args:
      fn: the user's Python function.
      input_specs: list of nested specs, one per positional argument group; a tuple spec
        in the last group is unpacked into separate arguments.
      transformation: the method name, for error messages ("Dataset.map()").
    """

    def __init__(self, fn, input_specs, transformation):
        if not callable(fn):
            raise TypeError(f"{transformation} expects a callable, got {fn!r}.")
        self._fn = fn
        self._transformation = transformation
        self._input_specs = list(input_specs)
        self._flat_counts = [len(nest.flatten(s, expand_composites=True))
                             for s in self._input_specs]
        self._debug = _debug_mode[0]
        if self._debug:
            self._eager_trace()
            return
        cache = getattr(_reuse, "traces", None)
        key = _reuse_key(fn, self._input_specs, transformation) if cache is not None else None
        done = cache.get(key[0]) if key is not None else None
        if done is not None:
            self.__dict__.update(done[0].__dict__)
            return
        self._trace()
        if key is not None:
            cache[key[0]] = (self, key[1])

    def _unflatten_args(self, flat):
        groups, pos = [], 0
        for spec, n in zip(self._input_specs, self._flat_counts):
            groups.append(nest.pack_sequence_as(spec, list(flat[pos:pos + n]),
                                                expand_composites=True))
            pos += n
        return groups

    def _python_call(self, *flat):
        groups = self._unflatten_args(flat)
        if len(groups) == 1:  # map/filter: a tuple element is unpacked into arguments
            out = _call_with_element(self._fn, groups[0])
        else:
            out = self._fn(*groups)  # scan/reduce: fn(state, element)
        return _outputs(out)

    def _trace(self):
        convert = _function.AUTOGRAPH_CONVERTER[0]
        if convert is not None:  # AutoGraph for the user's function, not for this wrapper
            try:
                self._fn = convert(self._fn)
            except Exception:  # noqa: BLE001 - unconvertible (a builtin...): trace it as is
                pass
        flat_specs = [TensorSpec(s.shape, s.dtype, f"args_{i}")
                      for i, s in enumerate(nest.flatten(self._input_specs,
                                                         expand_composites=True))]
        traced = Function(self._python_call, input_signature=flat_specs, autograph=False,
                          name=getattr(self._fn, "__name__", "dataset_fn"))
        try:
            concrete = traced.get_concrete_function()
        except OpError:
            raise
        except (TypeError, ValueError, AttributeError, NotImplementedError) as e:
            raise type(e)(f"{self._transformation}: tracing the function "
                          f"{getattr(self._fn, '__name__', self._fn)!r} failed: {e}") from e
        outputs = concrete.structured_outputs
        flat_out = nest.flatten(outputs)
        if any(o is None for o in flat_out) or outputs is None:
            raise TypeError(f"{self._transformation}: the function must return tensors, "
                            f"got {outputs!r}.")
        self.output_structure = nest.pack_sequence_as(
            outputs, [composites.spec_of_output(t) for t in flat_out])
        plan = getattr(concrete, "_plan", None)
        if plan is not None and "_call_flat" not in vars(concrete):
            self._run = plan  # the compiled plan itself: arrays in, arrays out
        else:
            def run(*arrays, _call=concrete._call_flat):
                return [t._value for t in _call(list(arrays))]
            self._run = run
        self.concrete = concrete

    def _eager_trace(self):
        zeros = []
        for s in nest.flatten(self._input_specs):
            probe = composites.probe(s)
            zeros.extend(probe if probe is not None else [np.zeros(
                [0 if d is None else d for d in s.shape.dims] if s.shape.rank is not None
                else [], s.dtype._np if s.dtype._np is not None else object)])
        out = self._python_call(*[EagerTensor(z) for z in zeros])
        self.output_structure = nest.map_structure(_relaxed_spec, out)

        def run(*arrays):
            result = self._python_call(*[EagerTensor(a) for a in arrays])
            return [structure.to_array(o) for o in nest.flatten(result, expand_composites=True)]
        self._run = run

    @property
    def flat_output_specs(self):
        return nest.flatten(self.output_structure)

    def __call__(self, arrays, index=None):
        """Runs the function on flat `arrays`; returns the flat output arrays."""
        try:
            return self._run(*arrays)
        except OutOfRangeError:
            raise
        except OpError as e:
            where = "" if index is None else f" on element {index}"
            raise type(e)(f"{self._transformation}: the function failed{where}: {e.message}",
                          e.op) from e
        except (ValueError, TypeError, IndexError, ArithmeticError, KeyError) as e:
            where = "" if index is None else f" on element {index}"
            raise InvalidArgumentError(
                f"{self._transformation}: the function failed{where}: {e}") from e


# --- trace reuse inside flat_map / interleave ------------------------------------------------
# A function given to flat_map/interleave runs eagerly once per element, and the datasets it
# builds would trace their own functions (`.map(f)` inside it) each time; TensorFlow traces
# the outer function once, so they are traced once there. While it runs, a trace is reused
# for a function with the same code, the same captured objects and the same input specs.
# A capture of the element itself (an eager tensor, new for each element) never repeats,
# so such a function is traced again with each element's value.
_reuse = threading.local()


class reusing_traces:
    """Context manager: StructuredFunctions made inside it reuse the equal traces kept in
    `traces` (a dict the caller keeps between calls; emptied when it grows past
    MAX_REUSED, as closures over per-element tensors never repeat)."""

    MAX_REUSED = 64

    def __init__(self, traces):
        if len(traces) > self.MAX_REUSED:
            traces.clear()
        self._traces = traces

    def __enter__(self):
        self._saved = getattr(_reuse, "traces", None)
        _reuse.traces = self._traces
        return self

    def __exit__(self, *exc):
        _reuse.traces = self._saved
        return False


def _reuse_key(fn, input_specs, transformation):
    """A key for `fn` traced on `input_specs` (None if `fn` is not a Python function)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    try:
        captured = tuple(c.cell_contents for c in (fn.__closure__ or ()))
    except ValueError:  # an empty cell
        return None
    captured += tuple(fn.__defaults__ or ())
    # by identity; the cache entry keeps the objects alive, so an id is never reused
    return (code, id(fn.__globals__), tuple(id(c) for c in captured),
            tuple(repr(s) for s in input_specs), transformation), captured


def _relaxed_spec(value):
    """The spec of a debug-mode output: every dimension unknown (composites: their spec)."""
    if isinstance(value, CompositeTensor):
        return value._type_spec
    a = structure.to_array(value)
    return TensorSpec(TensorShape([None] * a.ndim), structure.dtype_of(a))


class EagerFunction:
    """A function whose result is not a tensor (a Dataset for flat_map/interleave, a key
    for group_by_window's window function): called eagerly on the element's tensors."""

    def __init__(self, fn, input_spec, transformation):
        if not callable(fn):
            raise TypeError(f"{transformation} expects a callable, got {fn!r}.")
        self._fn = fn
        self._spec = input_spec
        self._transformation = transformation

    def __call__(self, arrays, extra=()):
        element = structure.to_tensors(self._spec, arrays)
        return _call_with_element(self._fn, element, tuple(extra))
