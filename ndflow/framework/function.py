"""tf.function: traces a Python function into a graph per input signature and runs the
graph as a compiled plan afterwards.

Tensor and NumPy arguments are keyed by shape and dtype; other Python values by value
(as TensorFlow does). Variables the function touches are read and written in place
(their eager store); every stateful op traced runs at each call, in program order.
"""
import functools
import weakref

import numpy as np

from ..util.composite import CompositeTensor
from ..util.nest import expanding as nest  # composites as their component tensors
from . import dtypes
from .context import building_graph, building_here, state
from .graph import FuncGraph
from .plan import Plan
from .registry import default_array, cast_array
from .tensor import EagerTensor, SymbolicTensor, TensorLike, TensorSpec
from .variables import Variable


# ndflow.autograph installs its converters here (the engine imports nothing above it): one
# converts a tf.function's body, the other a user function that converted or Keras code calls.
AUTOGRAPH_CONVERTER = [None]
AUTOGRAPH_CALL_CONVERTER = [None]


class ConcreteFunction:
    """One traced graph of a Function, for one input signature."""

    def __init__(self, graph, placeholders, outputs_structure, flat_outputs, plan):
        self.graph = graph
        self.inputs = placeholders
        self.structured_outputs = outputs_structure
        self.outputs = flat_outputs
        self._plan = plan
        self._constant_outputs = {}

    def _set_input_signature(self, args, kwargs, traced_flat):
        """structured_input_signature: the (args, kwargs) traced, tensors as TensorSpecs."""
        specs = [TensorSpec(t.shape, t.dtype, t.op.name) if isinstance(t, SymbolicTensor) else t
                 for t in traced_flat]
        self.structured_input_signature = nest.pack_sequence_as((tuple(args), dict(kwargs)),
                                                                specs)

    def _call_flat(self, arrays):
        values = self._plan(*arrays)
        return [EagerTensor(v) for v in values]

    def __call__(self, *args):
        if len(args) != len(self.inputs) and len(nest.flatten(args)) == len(self.inputs):
            args = nest.flatten(args)  # nested arguments, as in the traced signature
        arrays = [_arg_array(a, p.dtype) for a, p in zip(args, self.inputs)]
        return nest.pack_sequence_as(self.structured_outputs, self._call_flat(arrays))


def _arg_array(value, dtype=None):
    if isinstance(value, EagerTensor):
        return value._value
    if isinstance(value, Variable):
        return value._value
    if dtype is not None:
        return cast_array(value, dtype._np)
    return default_array(value)


class Function:
    def __init__(self, python_function, input_signature=None, autograph=True,
                 jit_compile=None, reduce_retracing=False, experimental_relax_shapes=None,
                 name=None):
        self._python_function = python_function
        self._autograph, self._converted = autograph, None
        self.input_signature = None if input_signature is None else list(input_signature)
        self._cache = {}
        self._name = name or getattr(python_function, "__name__", "function")
        self._instance_cache = weakref.WeakKeyDictionary()
        functools.update_wrapper(self, python_function)

    @property
    def python_function(self):
        return self._python_function

    def __get__(self, instance, owner):
        if instance is None:
            return self
        bound = self._instance_cache.get(instance)
        if bound is None:
            bound = Function(self._python_function.__get__(instance, owner),
                             self.input_signature, self._autograph, name=self._name)
            self._instance_cache[instance] = bound
        return bound

    # --- calling ------------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        building = building_here()
        if state.run_functions_eagerly or building is not None or state.tapes:
            # Inside another trace: inline. Eagerly requested, or under a GradientTape that
            # must see the ops: run the Python function itself.
            fn = self._traced_function() if building is not None else self._python_function
            return fn(*args, **kwargs)
        key, tensors = None, args
        if not kwargs and self.input_signature is None:
            key = _flat_key(args)  # fast path: only tensors/arrays as positional arguments
            if key is None and len(args) == 1 and args[0].__class__ is tuple:  # (x, y) batches
                key, tensors = _flat_key(args[0], ("tuple",)), args[0]
        if key is None:
            key, tensors = self._signature(args, kwargs)
        concrete = self._cache.get(key)
        if concrete is None:
            concrete = self._trace(args, kwargs)
            self._cache[key] = concrete
        outputs = concrete._call_flat([_arg_array(t) for t in tensors])
        structure = concrete.structured_outputs
        if structure.__class__ is SymbolicTensor:  # one tensor: no structure to rebuild
            return outputs[0]
        return nest.pack_sequence_as(structure, outputs)

    def _signature(self, args, kwargs):
        if self.input_signature is not None:
            flat, specs = nest.flatten(args), nest.flatten(self.input_signature)
            if len(flat) != len(specs):
                raise TypeError(f"{self._name}: expected {len(specs)} arguments "
                                f"for input_signature, got {len(flat)}.")
            for value, spec in zip(flat, specs):
                shape = np.shape(value._value if isinstance(value, EagerTensor) else value)
                dtype = getattr(value, "dtype", None) if isinstance(value, TensorLike) else None
                if not spec.shape.is_compatible_with(shape) or (  # TypeError, as in TensorFlow
                        dtype is not None and getattr(spec, "dtype", dtype) != dtype):
                    raise TypeError(f"{self._name}: argument of shape {shape}, dtype {dtype} is "
                                    f"not compatible with input_signature {spec}.")
            return "signature", flat
        key = []
        tensors = []
        for leaf in nest.flatten((args, kwargs)):
            c = leaf.__class__
            if c is EagerTensor or c is np.ndarray:
                tensors.append(leaf)
                v = leaf if c is np.ndarray else leaf._value
                key.append((v.shape, v.dtype))
            elif isinstance(leaf, Variable):
                key.append(("var", id(leaf)))
            elif isinstance(leaf, SymbolicTensor):
                raise TypeError("Cannot pass a symbolic tensor to a tf.function from outside a "
                                "graph.")
            else:
                try:
                    hash(leaf)
                    key.append((c, leaf))
                except TypeError:
                    key.append((c, id(leaf)))
        structure = _structure_key(args, kwargs)
        return (structure, tuple(key)), tensors

    def get_concrete_function(self, *args, **kwargs):
        if not args and not kwargs and self.input_signature is not None:
            args = tuple(self.input_signature)
        key, _ = self._signature_for_specs(args, kwargs)
        concrete = self._cache.get(key)
        if concrete is None:
            concrete = self._trace(args, kwargs)
            self._cache[key] = concrete
        return concrete

    def _signature_for_specs(self, args, kwargs):
        if self.input_signature is not None:
            return "signature", None
        if any(isinstance(a, TensorSpec) for a in nest.flatten((args, kwargs))):
            return ("specs", repr(nest.flatten((args, kwargs)))), None
        return self._signature(args, kwargs)

    def experimental_get_tracing_count(self):
        return len(self._cache)

    # --- tracing ------------------------------------------------------------------------------
    def _trace(self, args, kwargs):
        graph = FuncGraph(self._name)
        placeholders = []
        from .constant_op import convert_to_tensor, placeholder
        with building_graph(graph):
            flat = nest.flatten((args, kwargs))
            specs = self.input_signature and nest.flatten(self.input_signature)
            new_flat = []
            spec_iter = iter(specs) if specs is not None else None
            for leaf in flat:
                spec = None
                if spec_iter is not None:
                    spec = next(spec_iter)
                elif isinstance(leaf, TensorSpec):
                    spec = leaf
                elif isinstance(leaf, (EagerTensor, np.ndarray)):
                    spec = TensorSpec(leaf.shape, dtypes.from_numpy(leaf.dtype)
                                      if isinstance(leaf, np.ndarray) else leaf.dtype)
                if spec is None:
                    new_flat.append(leaf)
                    continue
                p = placeholder(spec.dtype, spec.shape,
                                name=spec.name or _leaf_names(self, args, kwargs)[len(new_flat)])
                placeholders.append(p)
                new_flat.append(p)
            t_args, t_kwargs = nest.pack_sequence_as((args, kwargs), new_flat)
            outputs = self._traced_function()(*t_args, **t_kwargs)
            flat_out = [None if o is None else o.read_value() if isinstance(o, Variable)
                        else convert_to_tensor(o) for o in nest.flatten(outputs)]
        fetches = [o for o in flat_out if o is not None]
        targets = [op for op in graph._ops if op.op_def.side_effect]
        plan = Plan(fetches, placeholders, targets, state.device.store)
        structure = nest.map_structure(lambda x: x, outputs) if outputs is not None else None
        concrete = ConcreteFunction(graph, placeholders, structure, fetches, plan)
        concrete._set_input_signature(args, kwargs, new_flat)
        if any(o is None for o in flat_out):
            concrete._call_flat = _with_nones(concrete._call_flat, flat_out)
        return concrete

    def _traced_function(self):
        """The function traced: its AutoGraph conversion when autograph is on (cached)."""
        if not self._autograph:
            return self._python_function
        if self._converted is None:
            convert = AUTOGRAPH_CONVERTER[0]
            self._converted = convert(self._python_function) if convert is not None \
                else self._python_function
        return self._converted

    def __repr__(self):
        return f"<ndflow.function {self._name}>"


def _flat_key(args, prefix=()):
    key = list(prefix)
    for a in args:
        c = a.__class__
        if c is not EagerTensor and c is not np.ndarray:
            return None
        v = a._value if c is EagerTensor else a
        key += (v.shape, v.dtype)
    return tuple(key)


def _leaf_names(function, args, kwargs):
    """The parameter name each flattened leaf of (args, kwargs) belongs to (TF names traced
    placeholders after the Python arguments: `x`, and `x`, `x_1`... for a nested one)."""
    cached = getattr(function, "_leaf_names_cache", None)
    key = _structure_key(args, kwargs)
    if cached is not None and cached[0] == key:
        return cached[1]
    import inspect
    try:
        params = list(inspect.signature(function._python_function).parameters.values())
    except (TypeError, ValueError):
        params = []
    positional = [p.name for p in params
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    varargs = next((p.name for p in params if p.kind is p.VAR_POSITIONAL), "args")
    names = []
    for i, a in enumerate(args):
        names += [positional[i] if i < len(positional) else varargs] * len(nest.flatten(a))
    for k in sorted(kwargs):
        names += [k] * len(nest.flatten(kwargs[k]))
    if len(names) != len(nest.flatten((args, kwargs))):
        names = ["args"] * len(nest.flatten((args, kwargs)))
    function._leaf_names_cache = (key, names)
    return names


def _with_nones(call_flat, flat_out):
    def call(arrays):
        values = iter(call_flat(arrays))
        return [None if o is None else next(values) for o in flat_out]
    return call


def _structure_key(args, kwargs):
    def shape(x):
        if isinstance(x, (list, tuple)):
            return (type(x).__name__, tuple(shape(v) for v in x))
        if isinstance(x, dict):
            return ("dict", tuple((k, shape(x[k])) for k in sorted(x)))
        return x._type_spec if isinstance(x, CompositeTensor) else None
    return shape(args), shape(kwargs)


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_relax_shapes=None, **kwargs):
    """Compiles a Python function into a graph that is traced once and run as a cached plan.

    Use as `@ndflow.function` or `@ndflow.function(input_signature=...)`. The first call with a
    new input signature (dtypes and shapes of tensor arguments, values of Python arguments)
    traces the function into a graph; later calls run that graph. AutoGraph turns Python
    `if`/`while`/`for` over tensors into graph control flow. Variables are read and written in
    their eager stores; random and stateful ops run anew at every call.

    Args:
      func: The function to compile (omit it to get a decorator with the other options).
      input_signature: Optional list of `TensorSpec`s fixing the argument types; one trace
        then serves every call, and dimensions left None accept any size.
      autograph: Whether to convert Python control flow on tensors (default True).
      jit_compile: Accepted for compatibility (no XLA in ndflow).
      reduce_retracing: If true, shapes generalise after a retrace so fewer traces are made.
      experimental_relax_shapes: TF 2.x's older name for `reduce_retracing`.
      **kwargs: Other TensorFlow options, accepted.

    Returns:
      A callable `Function` (with `get_concrete_function`, `python_function`...), or a
      decorator when `func` is None.

    Example:

    >>> @ndflow.function
    ... def square_sum(x):
    ...     return ndflow.reduce_sum(x * x)
    >>> float(square_sum(ndflow.constant([1.0, 2.0])))
    5.0
    """
    if func is None:
        return lambda f: Function(f, input_signature, autograph, jit_compile, reduce_retracing)
    return Function(func, input_signature, autograph, jit_compile, reduce_retracing)


def run_functions_eagerly(run_eagerly):
    """Makes every `ndflow.function` run its Python body eagerly instead of a traced graph.

    Useful for debugging (print and breakpoints work); it also affects Keras's compiled train
    steps.

    Args:
      run_eagerly: A bool.
    """
    state.run_functions_eagerly = bool(run_eagerly)


def functions_run_eagerly():
    """Tells whether `run_functions_eagerly(True)` is in effect.

    Returns:
      A bool.
    """
    return state.run_functions_eagerly
