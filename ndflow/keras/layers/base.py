"""keras.layers.Layer (the Keras 3 contract) and InputSpec.

A layer stores its configuration in `__init__`, creates weights in `build(input_shape)`
(called on the first `__call__`) with `add_weight`, computes in `call`. Sublayers and
variables assigned as attributes (also inside lists and dicts) are tracked, so a
subclassed layer or model knows its weights without registering them.
"""
import functools
import inspect
import re
import warnings

import numpy as np

from ... import ops as _ops  # noqa: F401  (registers every op)
from ...framework import dtypes
from ...framework import context as _context
from ...framework import function as _function
from ...framework.context import init_scope, building_graph
from ...framework.graph import FuncGraph
from ...framework.tensor import TensorLike
from ...framework.variables import Variable
from ...ops import array_ops, math_ops
from ...util import nest
from .. import backend
from ..mixed_precision import policy as _dtype_policy
from .keras_tensor import KerasTensor, Node, any_keras_tensor
from .masks import attach_masks, masks_of

# The `training` value of the outermost layer call in progress: sublayers called without an
# explicit `training=` inherit it (Keras's call context).
_TRAINING_CONTEXT = []

# Attributes never scanned for sublayers/variables (engine bookkeeping); names starting
# with "_nd_" are skipped as well.
_NOT_TRACKED = frozenset({"_inbound_nodes", "_outbound_nodes", "_tracked_attrs", "_losses",
                          "_trainable_variables", "_non_trainable_variables", "_regularized",
                          "_build_shapes", "optimizer", "history", "compiled_loss",
                          "compiled_metrics", "loss", "input_spec"})

_SIGNATURES = {}  # class -> (call accepts training, call accepts mask, build overridden)


def to_snake_case(name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _is_basic_config_value(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        return True
    if isinstance(v, (list, tuple)):
        return all(_is_basic_config_value(x) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and _is_basic_config_value(x) for k, x in v.items())
    return False


def shape_tuple(t):
    """The shape of a tensor-like as a tuple with None for unknown dims (None if rank unknown)."""
    s = t.shape
    if isinstance(s, tuple):
        return s
    if hasattr(s, "as_list"):
        return None if s.rank is None else tuple(s.as_list())
    return tuple(s)


class InputSpec:
    """Constraints on a layer's input: ndim, min/max ndim, dtype, known axes, shape."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None, allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = None if dtype is None else dtypes.as_dtype(dtype).name
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name
        self.optional = optional

    def check(self, layer_name, shape):
        if shape is None:
            return
        rank = len(shape)
        if self.ndim is not None and rank != self.ndim:
            raise ValueError(f'Input 0 of layer "{layer_name}" is incompatible with the layer: '
                             f"expected ndim={self.ndim}, found ndim={rank}. "
                             f"Full shape received: {tuple(shape)}")
        if self.min_ndim is not None and rank < self.min_ndim:
            raise ValueError(f'Input 0 of layer "{layer_name}" is incompatible with the layer: '
                             f"expected min_ndim={self.min_ndim}, found ndim={rank}. "
                             f"Full shape received: {tuple(shape)}")
        if self.max_ndim is not None and rank > self.max_ndim:
            raise ValueError(f'Input 0 of layer "{layer_name}" is incompatible with the layer: '
                             f"expected max_ndim={self.max_ndim}, found ndim={rank}. "
                             f"Full shape received: {tuple(shape)}")
        for axis, value in self.axes.items():
            d = shape[axis] if -rank <= axis < rank else None
            if value is not None and d is not None and d != value:
                raise ValueError(f'Input 0 of layer "{layer_name}" is incompatible with the '
                                 f"layer: expected axis {axis} of input shape to have value "
                                 f"{value}, but received input with shape {tuple(shape)}")

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim,
                "max_ndim": self.max_ndim, "min_ndim": self.min_ndim, "axes": self.axes}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        parts = [f"{k}={v}" for k, v in self.get_config().items() if v]
        return f"InputSpec({', '.join(parts)})"


def _marking_built(build):
    """A subclass's `build` that leaves the layer built when it is called directly
    (`layer.build(shape)`), as Keras 3 does: the next call must not build again and reset
    weights set in between. Only the outermost build of a `super().build()` chain marks it."""
    @functools.wraps(build)
    def build_and_mark(self, *args, **kwargs):
        depth = self.__dict__.get("_nd_build_depth", 0)
        self.__dict__["_nd_build_depth"] = depth + 1
        try:
            out = build(self, *args, **kwargs)
        finally:
            self.__dict__["_nd_build_depth"] = depth
        if depth == 0 and not self.built:
            self._nd_finish_build(args[0] if args else kwargs.get("input_shape"))
        return out
    build_and_mark._nd_marks_built = True
    return build_and_mark


class Layer:
    """Base class of every Keras layer and model.

    The Keras 3 contract: `__init__` stores the configuration, `build(input_shape)` creates the
    weights with `add_weight` (called automatically on the first call), `call(inputs,
    training=None, mask=None)` computes, and `get_config()` returns what `__init__` needs to
    rebuild the layer. Calling a layer on a `keras.Input` tensor adds it to a functional model
    instead of computing. Layers track their variables (`weights`, `trainable_weights`),
    sub-layers and the losses added with `add_loss` (`losses`).

    Args:
      trainable: Whether the layer's weights are trained.
      name: The layer's name (default: the class name in snake_case, made unique: "dense",
        "dense_1", ...).
      dtype: The dtype of its weights and computations (default `floatx()`).
      autocast: Whether floating inputs are cast to the layer's dtype.
      activity_regularizer: Optional regularizer applied to the layer's output.
      **kwargs: Keras 2's `input_shape`, `input_dim`, `batch_input_shape`, `batch_size` (make
        a first Sequential layer declare its input) and `weights` (initial weights).

    Raises:
      TypeError: For unknown keyword arguments.

    Example:

    >>> from ndflow import keras
    >>> class Scale(keras.layers.Layer):
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
    ...     def call(self, inputs):
    ...         return inputs * self.w
    >>> Scale()(ndflow.ones([2, 3])).shape
    TensorShape([2, 3])
    """

    def __new__(cls, *args, **kwargs):
        self = super().__new__(cls)
        d = self.__dict__
        d["_tracked_attrs"] = {}
        d["_trainable_variables"] = []
        d["_non_trainable_variables"] = []
        d["_regularized"] = []          # (variable, regularizer) pairs
        d["_losses"] = []               # add_loss during the last call
        d["_inbound_nodes"] = []
        d["_outbound_nodes"] = []
        d["_build_shapes"] = None
        d["_trainable"] = True
        d["built"] = False
        d["_nd_init_done"] = False
        try:  # remembered for get_config of subclasses that do not write one (Keras 3 too)
            bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
            bound.apply_defaults()
            init_args = {k: v for k, v in list(bound.arguments.items())[1:]
                         if k not in ("kwargs", "args")}
            init_args.update(bound.arguments.get("kwargs", {}))
        except TypeError:
            init_args = {}
        d["_nd_init_args"] = init_args
        return self

    def __init__(self, trainable=True, name=None, dtype=None, autocast=True,
                 activity_regularizer=None, **kwargs):
        input_shape = kwargs.pop("input_shape", None)
        input_dim = kwargs.pop("input_dim", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        batch_size = kwargs.pop("batch_size", None)
        initial_weights = kwargs.pop("weights", None)
        for legacy in ("dynamic", "experimental_autocast"):
            kwargs.pop(legacy, None)
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments passed to {type(self).__name__}: "
                            f"{kwargs}")
        if input_dim is not None or batch_input_shape is not None:
            warnings.warn(f"{type(self).__name__}: `input_dim` and `batch_input_shape` are "
                          "Keras 2 arguments; pass `keras.Input(shape=...)` as the model's "
                          "first layer instead.", DeprecationWarning, stacklevel=2)
        if batch_input_shape is not None:
            self._nd_batch_input_shape = tuple(batch_input_shape)
        elif input_shape is not None or input_dim is not None:
            shape = tuple(input_shape) if input_shape is not None else (int(input_dim),)
            self._nd_batch_input_shape = (batch_size,) + shape
        else:
            self._nd_batch_input_shape = None
        self._nd_initial_weights = initial_weights
        self._nd_set_policy(dtype)
        self.autocast = autocast
        self.name = name if name is not None else backend.unique_object_name(
            to_snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self.input_spec = None
        self.supports_masking = False
        self._nd_activity_regularizer = None
        if activity_regularizer is not None:
            from .. import regularizers
            self._nd_activity_regularizer = regularizers.get(activity_regularizer)
        self._nd_init_done = True

    # --- attribute tracking -------------------------------------------------------------
    def __setattr__(self, name, value):
        if name not in _NOT_TRACKED and not name.startswith("_nd_"):
            tracked = self.__dict__["_tracked_attrs"]
            if isinstance(value, (Layer, list, tuple, dict)):
                tracked[name] = value
            elif isinstance(value, Variable):
                own = (self._trainable_variables if value.trainable
                       else self._non_trainable_variables)
                if not any(v is value for v in own):
                    own.append(value)
            else:
                tracked.pop(name, None)
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        self.__dict__["_tracked_attrs"].pop(name, None)
        object.__delattr__(self, name)

    def _sublayers(self):
        """Directly tracked sublayers, in attribute order, without duplicates."""
        out = []
        seen = set()

        def collect(v, depth):
            if isinstance(v, Layer):
                if id(v) not in seen and v is not self:
                    seen.add(id(v))
                    out.append(v)
            elif depth < 4 and isinstance(v, (list, tuple)):
                for x in v:
                    collect(x, depth + 1)
            elif depth < 4 and isinstance(v, dict):
                for x in v.values():
                    collect(x, depth + 1)

        for value in self._tracked_attrs.values():
            collect(value, 0)
        return out

    def _flatten_layers(self, include_self=True, recursive=True):
        out = [self] if include_self else []
        seen = {id(self)}
        stack = list(reversed(self._sublayers()))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            if recursive:
                stack.extend(reversed(layer._sublayers()))
        return out

    # --- dtype ---------------------------------------------------------------------------
    # `_nd_dtype` is the compute dtype; `_nd_vdtype` the variable dtype of a mixed policy
    # ("mixed_float16": float16 and float32), None when both are the same.
    def _nd_set_policy(self, dtype):
        policy = _dtype_policy.get(dtype)
        self._nd_dtype, self._nd_vdtype = policy.layer_dtypes()
        if policy.is_mixed:
            _dtype_policy.ANY_MIXED[0] = True

    @property
    def dtype(self):
        return self.variable_dtype

    @property
    def compute_dtype(self):
        return self._nd_dtype.name

    def _nd_mixed_vdtype(self):
        """The variable dtype of a mixed policy (None when not mixed, or when a subclass
        such as InputLayer set a non-float compute dtype of its own)."""
        vdtype = self.__dict__.get("_nd_vdtype")
        return vdtype if vdtype is not None and vdtype != self._nd_dtype and \
            self._nd_dtype.name in ("float16", "bfloat16") else None

    @property
    def variable_dtype(self):
        return (self._nd_mixed_vdtype() or self._nd_dtype).name

    @property
    def dtype_policy(self):
        mixed = {"float16": "mixed_float16", "bfloat16": "mixed_bfloat16"}
        return _dtype_policy.DTypePolicy(mixed[self._nd_dtype.name] if self._nd_mixed_vdtype()
                                         else self._nd_dtype.name)

    @dtype_policy.setter
    def dtype_policy(self, value):
        self._nd_set_policy(value)

    # --- weights -------------------------------------------------------------------------
    def add_weight(self, name=None, shape=None, dtype=None, initializer=None, regularizer=None,
                   trainable=True, constraint=None, autocast=True, aggregation=None,
                   synchronization=None, use_resource=None, **kwargs):
        """Creates an eager ndflow.Variable owned by this layer (also while tracing)."""
        if name is not None and not isinstance(name, str):
            # Keras 3 order: add_weight(shape, initializer, dtype, trainable, ...)
            name, shape, initializer, dtype = None, name, shape, initializer
            if not (dtype is None or isinstance(dtype, (str, dtypes.DType, type, np.dtype))):
                dtype = None
        if kwargs:
            raise TypeError(f"add_weight got unexpected keyword arguments: {sorted(kwargs)}")
        shape = () if shape is None else tuple(int(d) for d in shape)
        dtype = dtypes.as_dtype(dtype or self.variable_dtype)
        from .. import initializers
        if initializer is None:
            initializer = "glorot_uniform" if dtype.is_floating else "zeros"
        init = initializers.get(initializer)
        name = name or f"variable_{len(self._trainable_variables) + len(self._non_trainable_variables)}"
        from .. import constraints
        constraint = constraints.get(constraint) if constraint is not None else None
        from ..saving.saving_lib import check_weight_budget
        check_weight_budget(self, name, shape, dtype)  # a loaded config's sizes, bounded
        with init_scope():
            value = init(shape, dtype=dtype)
            # read in the compute dtype inside a mixed-precision call (keras.mixed_precision)
            cls = _dtype_policy.AutocastVariable if autocast and dtype.is_floating and \
                dtype != self._nd_dtype else Variable
            var = cls(value, trainable=trainable, name=f"{self.name}/{name}", dtype=dtype,
                      constraint=constraint)
        var._nd_keras_name = name
        if "_nd_deferred_restore" in self.__dict__:  # a tf.train.Checkpoint restored it early
            from ...train.checkpoint import restore_deferred
            restore_deferred(self, name, var)
        (self._trainable_variables if trainable else self._non_trainable_variables).append(var)
        if regularizer is not None:
            from .. import regularizers
            reg = regularizers.get(regularizer)
            if reg is not None:
                self._regularized.append((var, reg))
        return var

    add_variable = add_weight

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        for layer in self._flatten_layers():
            layer._trainable = value
            for v in layer._trainable_variables:
                v._trainable = value

    @property
    def weights(self):
        out = []
        seen = set()
        for v in self._trainable_variables + self._non_trainable_variables:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        for layer in self._sublayers():
            for v in layer.weights:
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    @property
    def trainable_weights(self):
        if not self._trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self):
        if not self._trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def get_weights(self):
        """Returns the values of the layer's weights as a list of NumPy arrays.

        Returns:
          A list, in the order of `layer.weights`.
        """
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        """Sets the layer's weights from a list of arrays (as `get_weights` returns them).

        Args:
          weights: A list of arrays, one per weight, of matching shapes.

        Raises:
          ValueError: If the number of arrays or a shape does not match.
        """
        params = self.weights
        weights = list(weights)
        if len(params) != len(weights):
            raise ValueError(f"Layer {self.name} expected {len(params)} weights, but received "
                             f"{len(weights)} weights: you called set_weights(weights) on a "
                             f"layer with weights of shapes {[tuple(v.shape) for v in params]}.")
        for v, w in zip(params, weights):
            w = np.asarray(w)
            if tuple(v.shape) != w.shape:
                raise ValueError(f"Layer {self.name} weight shape {tuple(v.shape)} is not "
                                 f"compatible with provided weight shape {w.shape}.")
            v.assign(w.astype(v.dtype._np, copy=False))

    def count_params(self):
        if not self.built and not self.weights:
            raise ValueError(f"You tried to call `count_params` on layer '{self.name}', but the "
                             "layer isn't built. You can build it manually via: "
                             f"`{self.name}.build(batch_input_shape)`.")
        return int(sum(int(np.prod(v.shape.as_list())) for v in self.weights))

    # --- losses --------------------------------------------------------------------------
    def add_loss(self, loss):
        for t in nest.flatten(loss):
            self._losses.append(t if isinstance(t, TensorLike) else array_ops.constant(t))

    def add_metric(self, *args, **kwargs):
        """Removed in Keras 3, as here: raises NotImplementedError saying what to use."""
        raise NotImplementedError(
            "Layer.add_metric() is not available (Keras 3 removed it). Pass metrics to "
            "Model.compile(metrics=[...]), or create metric objects in __init__() or build() "
            "and call metric.update_state() where needed.")

    def _own_losses(self):
        out = list(self._losses)
        for var, reg in self._regularized:
            out.append(reg(var))
        return out

    @property
    def losses(self):
        out = []
        for layer in self._flatten_layers():
            out.extend(layer._own_losses())
        return out

    @property
    def activity_regularizer(self):
        return self._nd_activity_regularizer

    @activity_regularizer.setter
    def activity_regularizer(self, value):
        from .. import regularizers
        self._nd_activity_regularizer = regularizers.get(value)

    # --- build and call ------------------------------------------------------------------
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_nd_marks_built", False):
            cls.build = _marking_built(build)

    def build(self, input_shape):
        self.built = True

    def _nd_finish_build(self, shapes):
        """After the outermost `build`: the layer is built, and weights given to the
        constructor (`weights=`) are set."""
        self.built = True
        self._build_shapes = shapes
        if self._nd_initial_weights is not None:
            self.set_weights(self._nd_initial_weights)
            self._nd_initial_weights = None

    def call(self, inputs, *args, **kwargs):
        return inputs

    def _signature_info(self):
        cls = type(self)
        info = _SIGNATURES.get(cls)
        if info is None:
            params = inspect.signature(self.call).parameters
            has_var_kw = any(p.kind is p.VAR_KEYWORD for p in params.values())
            info = ("training" in params or has_var_kw, "mask" in params)
            _SIGNATURES[cls] = info
        return info

    def _maybe_build(self, first_input):
        if self.built:
            return
        shapes = nest.map_structure(
            lambda t: shape_tuple(t) if hasattr(t, "shape") else None, first_input)
        if self.input_spec is not None and isinstance(self.input_spec, InputSpec):
            self.input_spec.check(self.name, shapes if isinstance(shapes, tuple) else None)
        with init_scope():
            self.build(shapes)
        self._nd_finish_build(shapes)

    def _convert_input(self, x):
        """NumPy/Python inputs become tensors; floating inputs take the layer's dtype."""
        c = x.__class__
        # a Functional model under a mixed policy leaves the casting to its Inputs (Keras 3)
        autocast = self.autocast and not (
            "_nd_nodes" in self.__dict__ and self._nd_mixed_vdtype() is not None)
        if c is np.ndarray or isinstance(x, (np.generic, float)):
            arr = np.asarray(x)
            if arr.dtype.kind == "f" and autocast and arr.dtype != self._nd_dtype._np:
                arr = arr.astype(self._nd_dtype._np)
            return array_ops.convert_to_tensor(arr)
        if isinstance(x, TensorLike) and autocast:
            d = x.dtype
            if d.is_floating and d != self._nd_dtype and not isinstance(x, Variable):
                return array_ops.cast(x, self._nd_dtype)
        return x

    def __call__(self, *args, **kwargs):
        if not self._nd_init_done:
            raise RuntimeError(f"{type(self).__name__}: super().__init__() was not called in "
                               "the layer's constructor.")
        if any_keras_tensor((args, kwargs)):
            return self._symbolic_call(args, kwargs)
        if args:
            first = nest.map_structure(self._convert_input, args[0])
            args = (first,) + args[1:]
        elif "inputs" in kwargs:
            first = kwargs["inputs"] = nest.map_structure(self._convert_input, kwargs["inputs"])
        else:
            first = None
        if not self.built:
            self._maybe_build(first)
        elif self.input_spec is not None and first is not None and hasattr(first, "shape"):
            self.input_spec.check(self.name, shape_tuple(first))
        return self._call_with_context(args, kwargs)

    def _call_with_context(self, args, kwargs):
        accepts_training, accepts_mask = self._signature_info()
        training = kwargs.pop("training", None)
        if training is None and _TRAINING_CONTEXT:
            training = _TRAINING_CONTEXT[-1]
        if training is None and _context.state.learning_phase is not None:
            training = bool(_context.state.learning_phase)  # keras.backend.set_learning_phase
        if accepts_training and training is not None:
            kwargs["training"] = training
        first = args[0] if args else kwargs.get("inputs")
        if accepts_mask:
            if kwargs.get("mask") is None and first is not None:
                found = masks_of(first)
                if found is not None:
                    kwargs["mask"] = found
            previous_mask = kwargs.get("mask")
        else:
            previous_mask = kwargs.pop("mask", None)
            if previous_mask is None and self.supports_masking and first is not None:
                previous_mask = masks_of(first)
        if self._losses:
            self._losses.clear()
        pushed = training is not None
        if pushed:
            _TRAINING_CONTEXT.append(training)
        call = self.call
        if isinstance(_context.state.building, FuncGraph) and _function.AUTOGRAPH_CALL_CONVERTER[0]:
            call = _function.AUTOGRAPH_CALL_CONVERTER[0](call)  # tensor `if`s in a user's call
        scope = _dtype_policy.layer_scope(self) if _dtype_policy.ANY_MIXED[0] else None
        try:
            if scope is None:
                outputs = call(*args, **kwargs)
            else:
                with scope:  # autocast variables read in the compute dtype
                    outputs = call(*args, **kwargs)
        finally:
            if pushed:
                _TRAINING_CONTEXT.pop()
        if self.supports_masking or type(self).compute_mask is not Layer.compute_mask:
            if previous_mask is None and not accepts_mask and first is not None:
                previous_mask = masks_of(first)
            attach_masks(outputs, self.compute_mask(first, previous_mask))
        if self._nd_activity_regularizer is not None:
            for out in nest.flatten(outputs):
                batch = math_ops.cast(array_ops.shape(out)[0], out.dtype)
                self.add_loss(self._nd_activity_regularizer(out) / batch)
        return outputs

    def compute_mask(self, inputs, previous_mask=None):
        """The mask of the outputs: the inputs' mask for a layer that supports masking."""
        if not self.supports_masking:
            return None
        return previous_mask

    # --- the Functional API --------------------------------------------------------------
    def _trace_specs(self, args, kwargs):
        """Traces `call` on placeholders standing for Keras tensors; returns the outputs'
        symbolic tensors (their shapes and dtypes)."""
        graph = FuncGraph(f"{self.name}_spec")
        with building_graph(graph):
            def placeholder(t):
                if isinstance(t, KerasTensor) and t.ragged_rank:
                    import ndflow  # a RaggedTensor of placeholders (ndflow.ragged sits above)
                    return ndflow.compat.v1.ragged.placeholder(
                        t.dtype, t.ragged_rank, t.shape[t.ragged_rank + 1:])
                if isinstance(t, KerasTensor) and t.sparse:  # a SparseTensor of placeholders
                    from ...ops.sparse_ops import sparse_placeholder
                    return sparse_placeholder(t.dtype, t.shape)
                if isinstance(t, KerasTensor):
                    return array_ops.placeholder(t.dtype, t.shape)
                return t
            sym_args = nest.map_structure(placeholder, list(args))
            if sym_args:  # cast as a call on tensors is (to the compute dtype)
                sym_args[0] = nest.map_structure(self._convert_input, sym_args[0])
            sym_kwargs = nest.map_structure(placeholder, dict(kwargs))
            outputs = self._call_with_context(sym_args, sym_kwargs)
        self._losses.clear()
        return outputs

    def _symbolic_call(self, args, kwargs):
        first = args[0] if args else kwargs.get("inputs")
        if not self.built:
            shapes = nest.map_structure(
                lambda t: t.shape if isinstance(t, KerasTensor) else None, first)
            self._maybe_build_from_shapes(shapes)
        elif self.input_spec is not None and isinstance(first, KerasTensor):
            self.input_spec.check(self.name, first.shape)
        outputs = self._trace_specs(args, kwargs)
        kt_outputs = nest.map_structure(
            lambda s: KerasTensor(shape_tuple(s) or (), s.dtype,
                                  ragged=bool(getattr(s, "ragged_rank", 0)),
                                  ragged_rank=getattr(s, "ragged_rank", None)), outputs)
        Node(self, list(args), dict(kwargs), kt_outputs)
        return kt_outputs

    def _maybe_build_from_shapes(self, shapes):
        if self.built:
            return
        if self.input_spec is not None and isinstance(shapes, tuple):
            self.input_spec.check(self.name, shapes)
        with init_scope():
            self.build(shapes)
        self._nd_finish_build(shapes)

    def compute_output_shape(self, input_shape):
        """Output shape(s) for `input_shape` (tuples with None), by tracing `call`."""
        def kt(s):
            return KerasTensor(s, self.compute_dtype)
        is_shape = isinstance(input_shape, (tuple, list)) and all(
            d is None or isinstance(d, (int, np.integer)) for d in input_shape)
        inputs = kt(tuple(input_shape)) if is_shape else nest.map_structure(
            kt, _shapes_as_structure(input_shape))
        if not self.built:
            self._maybe_build_from_shapes(
                nest.map_structure(lambda t: t.shape, inputs) if not is_shape
                else tuple(input_shape))
        outputs = self._trace_specs((inputs,), {})
        return nest.map_structure(lambda s: shape_tuple(s), outputs)

    def compute_output_spec(self, *args, **kwargs):
        outputs = self._trace_specs(args, kwargs)
        return nest.map_structure(lambda s: KerasTensor(shape_tuple(s) or (), s.dtype), outputs)

    def _node_attr(self, attr, what):
        if not self._inbound_nodes:
            raise AttributeError(f"The layer {self.name} has never been called and thus has no "
                                 f"defined {what}.")
        value = getattr(self._inbound_nodes[0], attr)
        return value[0] if isinstance(value, list) and len(value) == 1 else value

    @property
    def input(self):
        return self._node_attr("input_tensors", "input")

    @property
    def output(self):
        return self._node_attr("output_tensors", "output")

    @property
    def input_shape(self):
        return self._node_attr("input_shapes", "input shape")

    @property
    def output_shape(self):
        return self._node_attr("output_shapes", "output shape")

    # --- configuration -------------------------------------------------------------------
    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._nd_mixed_vdtype() is not None:  # a mixed policy: Keras 3's form
            config["dtype"] = {"module": "keras", "class_name": "DTypePolicy", "config":
                               {"name": self.dtype_policy.name}, "registered_name": None}
        if self._nd_batch_input_shape is not None:
            config["batch_input_shape"] = list(self._nd_batch_input_shape)
        if self._nd_activity_regularizer is not None:
            from .. import regularizers
            config["activity_regularizer"] = regularizers.serialize(
                self._nd_activity_regularizer)
        cls = type(self)
        if cls.__module__.startswith("ndflow.keras.") or cls.get_config is not Layer.get_config:
            return config
        # A user subclass without get_config: its constructor arguments, when plain values.
        extra = {k: v for k, v in self._nd_init_args.items()
                 if k not in ("name", "trainable", "dtype")}
        if not all(_is_basic_config_value(v) for v in extra.values()):
            raise NotImplementedError(
                f"Layer {cls.__name__} was created with constructor arguments that are not "
                "plain values; override get_config() to make it serializable.")
        config.update(extra)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):  # Keras 3.4+ DTypePolicy
            config["dtype"] = config["dtype"].get("config", {}).get("name")
        shape = config.pop("batch_input_shape", None)
        if shape is not None and "batch_shape" not in inspect.signature(cls.__init__).parameters:
            config["input_shape"] = tuple(shape[1:])
        elif shape is not None:
            config["batch_shape"] = shape
        try:
            return cls(**config)
        except TypeError as e:
            raise TypeError(f"Error when deserializing class '{cls.__name__}' using config="
                            f"{config}.\n\nException encountered: {e}") from e

    def get_build_config(self):
        if self._build_shapes is not None:
            return {"input_shape": _jsonable_shape(self._build_shapes)}
        return None

    def build_from_config(self, config):
        if config and "input_shape" in config and not self.built:
            self._maybe_build_from_shapes(_shapes_as_structure(config["input_shape"]))

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _jsonable_shape(shapes):
    if isinstance(shapes, tuple) and all(d is None or isinstance(d, int) for d in shapes):
        return list(shapes)
    if isinstance(shapes, dict):
        return {k: _jsonable_shape(v) for k, v in shapes.items()}
    if isinstance(shapes, (list, tuple)):
        return [_jsonable_shape(s) for s in shapes]
    return shapes


def _shapes_as_structure(shapes):
    """JSON shapes back to tuples: [None, 3] -> (None, 3); [[None, 3], [None, 2]] -> list."""
    if isinstance(shapes, (list, tuple)) and all(d is None or isinstance(d, int)
                                                 for d in shapes):
        return tuple(shapes)
    if isinstance(shapes, dict):
        return {k: _shapes_as_structure(v) for k, v in shapes.items()}
    return [_shapes_as_structure(s) for s in shapes]
