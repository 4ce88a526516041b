"""Variables: state that persists across runs.

An eager variable keeps its value in `_value`. A TF1 graph variable (created while a
graph is being built) has an initial-value tensor and an initializer; each Session keeps
its own value for it. Every use of a variable inside a graph adds a `ReadVariable` node,
so reads and writes happen in program order.
"""
import enum
import functools
import itertools
import operator

import numpy as np

from . import dtypes
from .context import state, init_scope
from .device import EagerStore
from .errors import InvalidArgumentError
from .graph import FuncGraph, graph_for_building
from .registry import cast_array, default_array, execute, op
from .tensor import EagerTensor, SymbolicTensor, TensorLike, Reference, numpy_text
from .tensor_shape import TensorShape, as_shape

GLOBAL_VARIABLES = "variables"
TRAINABLE_VARIABLES = "trainable_variables"
LOCAL_VARIABLES = "local_variables"
_uids = itertools.count()


# --- the state ops -------------------------------------------------------------------------

def _var_spec(ts, attrs):
    return [(attrs["var"].shape, attrs["var"].dtype)]


@op("ReadVariable", uses_store=True, differentiable=False, infer=_var_spec)
def READ(xp, store, var):
    return store.read(var)


@op("AssignVariable", uses_store=True, side_effect=True, differentiable=False,
    infer=_var_spec)
def ASSIGN(xp, store, value, var):
    store.write(var, value)
    return value


@op("AssignAddVariable", uses_store=True, side_effect=True, differentiable=False, infer=_var_spec)
def ASSIGN_ADD(xp, store, delta, var):
    value = store.read(var) + delta
    store.write(var, value)
    return value


@op("AssignSubVariable", uses_store=True, side_effect=True, differentiable=False, infer=_var_spec)
def ASSIGN_SUB(xp, store, delta, var):
    value = store.read(var) - delta
    store.write(var, value)
    return value


class VariableSynchronization(enum.Enum):
    """tf.VariableSynchronization: when a distributed variable is aggregated."""
    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation(enum.Enum):
    """tf.VariableAggregation: how a distributed variable's updates are combined."""
    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3


class Variable(TensorLike):
    """A mutable tensor whose value persists across calls: the weights models train.

    Created outside graph building it is an eager variable, holding its value in its own
    store; `assign`, `assign_add` and `assign_sub` change it and `numpy()` reads it. Created
    while building a TF1 graph it is a graph variable: its value lives in each `Session`, which
    must run its initializer first. Variables behave like tensors in ops.

    Args:
      initial_value: A tensor, a convertible value, or a callable returning one.
      trainable: Whether optimizers and `GradientTape` watch it (default True; False for
        `synchronization=ON_READ`).
      validate_shape: If false, later assignments may change the shape (the static shape is
        then unknown).
      caching_device: Accepted for TF1 compatibility.
      name: The variable's name (default "Variable"; made unique in a graph).
      variable_def: Accepted for TF1 compatibility (ignored).
      dtype: Optional dtype; the initial value is converted to it.
      import_scope: Accepted for TF1 compatibility.
      constraint: Optional function applied to the value after optimizer updates.
      synchronization: A `VariableSynchronization` (for distribution strategies).
      aggregation: A `VariableAggregation`: how replica updates combine.
      shape: Optional static shape (e.g. with None dimensions when `validate_shape` is false).
      collections: TF1: the graph collections to add it to (default GLOBAL_VARIABLES, plus
        TRAINABLE_VARIABLES when trainable).
      use_resource: Accepted for TF1 compatibility.
      expected_shape: Accepted for TF1 compatibility.
      experimental_enable_variable_lifting: Accepted for compatibility.

    Raises:
      ValueError: If `initial_value` is None.

    Example:

    >>> v = ndflow.Variable([1.0, 2.0])
    >>> _ = v.assign_add([1.0, 1.0])
    >>> v.numpy()
    array([2., 3.], dtype=float32)
    """

    def __init__(self, initial_value=None, trainable=None, validate_shape=True,
                 caching_device=None, name=None, variable_def=None, dtype=None,
                 import_scope=None, constraint=None, synchronization=None, aggregation=None,
                 shape=None, collections=None, use_resource=None, expected_shape=None,
                 experimental_enable_variable_lifting=True):
        if initial_value is None:
            raise ValueError("Variable: initial_value must be given.")
        if constraint is not None and not callable(constraint):
            raise ValueError(f"Variable: constraint must be callable, received: {constraint!r}")
        self._uid = next(_uids)
        self.constraint = constraint
        synchronization = VariableSynchronization.AUTO if synchronization is None else \
            VariableSynchronization(synchronization)
        aggregation = VariableAggregation.NONE if aggregation is None else \
            VariableAggregation(aggregation)
        if synchronization is VariableSynchronization.ON_READ:
            if trainable:
                raise ValueError(
                    "Synchronization value can be set to VariableSynchronization.ON_READ only "
                    "for non-trainable variables. You have specified trainable=True and "
                    "synchronization=VariableSynchronization.ON_READ.")
            trainable = False
        self.synchronization = synchronization
        self.aggregation = aggregation
        self._trainable = True if trainable is None else bool(trainable)
        self._validate_shape = validate_shape
        dtype = None if dtype is None else dtypes.as_dtype(dtype)
        g = graph_for_building()
        if isinstance(g, FuncGraph):  # variables made while tracing live outside the trace
            with init_scope():
                self.__init__(initial_value, trainable, validate_shape, name=name, dtype=dtype,
                              constraint=constraint, shape=shape, collections=collections,
                              synchronization=synchronization, aggregation=aggregation)
            return
        if g is None:
            self._init_eager(initial_value() if callable(initial_value) else initial_value,
                             name, dtype, shape)
        else:
            self._init_graph(g, initial_value, name, dtype, shape, collections)

    def _init_eager(self, initial_value, name, dtype, shape):
        self._graph = None
        value = _eager_value(initial_value, dtype)
        self._dtype = dtypes.from_numpy(value.dtype)
        self._value = np.array(value, copy=True)  # own our storage
        self._shape = TensorShape(value.shape) if shape is None else as_shape(shape)
        self._name = (name or "Variable") + ":0"
        self._initial_value = None
        self.initializer = None
        if state.strategy is not None:  # the strategy makes it equal on every worker
            state.strategy.extended._nd_variable_created(self)

    def _init_graph(self, g, initial_value, name, dtype, shape, collections):
        from .constant_op import convert_to_tensor
        from .registry import get_op
        self._graph = g
        # as TF1's init_scope: an initializer never waits on the caller's control dependencies
        with g.control_dependencies(None), g.name_scope(name or "Variable") as scope:
            base = scope[:-1]
            initial_value = initial_value() if callable(initial_value) else initial_value
            init = convert_to_tensor(initial_value, dtype=dtype, graph=g, name="initial_value")
            if init.dtype.is_integer is False and dtype is not None and init.dtype != dtype:
                init = execute(get_op("Cast"), (init,), {"dtype": dtypes.as_dtype(dtype)})
            self._dtype = init.dtype
            self._shape = init.shape if shape is None else as_shape(shape)
            self._initial_value = init
            self._name = base + ":0"
            self.initializer = execute(ASSIGN, [init], {"var": self}, "Assign").op
        if collections is None:
            collections = [GLOBAL_VARIABLES] + ([TRAINABLE_VARIABLES] if self._trainable else [])
        for c in collections:
            g.add_to_collection(c, self)
        self._value = None

    # --- properties ----------------------------------------------------------------------
    name = property(lambda self: self._name)
    dtype = property(lambda self: self._dtype)
    shape = property(lambda self: self._shape)
    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):  # Keras freezes layers by flipping their variables
        self._trainable = bool(value)

    graph = property(lambda self: self._graph)
    initial_value = property(lambda self: self._initial_value)

    @property
    def op(self):
        if self._graph is None:
            raise AttributeError("Variable.op is not defined for eager variables.")
        return self.initializer

    @property
    def device(self):
        return "/job:localhost/replica:0/task:0/device:CPU:0"

    @property
    def ndim(self):
        return self._shape.rank

    def get_shape(self):
        return self._shape

    def set_shape(self, shape):
        self._shape = self._shape.merge_with(as_shape(shape))

    def ref(self):
        return Reference(self)

    __hash__ = object.__hash__

    # --- reading ---------------------------------------------------------------------------
    def read_value(self):
        g = graph_for_building()
        if g is None and self._graph is None:
            t = EagerTensor(self._value)
            for tape in state.tapes:
                tape._variable_read(self, t)
            return t
        return self._read_in_graph(g if g is not None else self._graph)

    value = read_value

    def _read_in_graph(self, g):
        if self._graph is not None and self._graph is not g and not (
                isinstance(g, FuncGraph) and g.is_inside(self._graph)):
            raise ValueError(f"Variable {self.name} belongs to another graph than the one being "
                             "built.")
        return _read_op(self, g)

    def numpy(self):
        if self._graph is not None:
            raise NotImplementedError(
                f"Variable {self.name} is a graph variable: its value lives in a Session. "
                "Use sess.run(var) or var.eval().")
        return np.array(self._value, copy=True)

    def __array__(self, dtype=None, copy=None):
        v = self.numpy()
        return v if dtype is None else v.astype(dtype)

    def __float__(self):
        return float(self.numpy())

    def __int__(self):
        return int(self.numpy())

    def __index__(self):
        return int(self.numpy())

    def eval(self, session=None):
        from .session import _session_for
        return _session_for(session, self).run(self)

    def initialized_value(self):
        return self._initial_value if self._graph is not None else self.read_value()

    def _check_assign_shape(self, value):
        if self._validate_shape and np.shape(value) != self._value_shape():
            raise InvalidArgumentError(
                f"Cannot assign a value of shape {tuple(np.shape(value))} to variable "
                f"{self.name} of shape {self._shape}.")

    def _value_shape(self):
        if self._value is not None:
            return self._value.shape
        return tuple(self._shape.as_list()) if self._shape.is_fully_defined() else np.shape(None)

    # --- writing ---------------------------------------------------------------------------
    def _assign(self, opdef, value, read_value=True, name=None):
        g = graph_for_building()
        if g is None and self._graph is None:
            v = value._value if value.__class__ is EagerTensor else None
            if v.__class__ is not np.ndarray or v.dtype != self._value.dtype:
                v = _eager_value(value, self._dtype)
            if opdef is ASSIGN_ADD:
                v = self._value + v
            elif opdef is ASSIGN_SUB:
                v = self._value - v
            if self._validate_shape and v.shape != self._value.shape:
                raise InvalidArgumentError(
                    f"Cannot assign a value of shape {v.shape} to variable {self.name} "
                    f"of shape {self._shape}.")
            self._value = v if v.dtype == self._value.dtype else v.astype(self._value.dtype)
            return self
        g = g if g is not None else self._graph
        from .constant_op import convert_to_tensor
        value = convert_to_tensor(value, dtype=self._dtype, graph=g)
        if self._validate_shape and not value.shape.is_compatible_with(self._shape):
            raise ValueError(f"Cannot assign a value of shape {value.shape} to variable "
                             f"{self.name} of shape {self._shape}.")
        return execute(opdef, [value], {"var": self}, name or opdef.name.replace("Variable", ""))

    def assign(self, value, use_locking=None, name=None, read_value=True):
        return self._assign(ASSIGN, value, read_value, name)

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        return self._assign(ASSIGN_ADD, delta, read_value, name)

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        return self._assign(ASSIGN_SUB, delta, read_value, name)

    def load(self, value, session=None):
        if self._graph is None:
            self.assign(value)
        else:
            from .session import _session_for
            sess = _session_for(session, self)
            sess._store[self] = cast_array(value, self._dtype._np)

    def __repr__(self):
        if self._graph is None:
            return (f"<tf.Variable '{self.name}' shape={self._shape} dtype={self._dtype.name}, "
                    f"numpy={numpy_text(self._value)}>")
        return f"<tf.Variable '{self.name}' shape={self._shape} dtype={self._dtype.name}>"

    def __reduce__(self):
        raise TypeError("Variables cannot be pickled; save them with a checkpoint or "
                        "get_weights().")


def _eager_value(value, dtype):
    if isinstance(value, Variable):
        value = value.read_value()
    if isinstance(value, EagerTensor):
        value = value._value
    elif isinstance(value, SymbolicTensor):
        raise TypeError(f"Cannot use symbolic tensor {value.name} as an eager variable's value.")
    if dtype is None:
        return np.asarray(default_array(value))
    return np.asarray(cast_array(value, dtype._np))


def _read_op(var, g):
    base = var._name.split(":")[0]
    from .registry import _execute_graph
    t = _execute_graph(READ, (), {"var": var}, base + "/read", g)
    g._var_reads.setdefault(var, []).append(t)
    for tape in state.tapes:
        tape._variable_read(var, t)
    return t


# --- plan specialisations of the state ops: read and write without extra call layers --------

def _static_shape_matches(var, shape):
    return (var._shape.is_fully_defined() and shape.is_fully_defined()
            and shape.as_list() == var._shape.as_list())


def _eager(var, store):
    return isinstance(store, EagerStore) or var._graph is None


@READ.bind_to
def _bind_read(xp, operation, store, shapes=None):
    var = operation.attrs["var"]
    if _eager(var, store):
        return _inline(functools.partial(getattr, var, "_value"), "{0}v._value", v=var)
    return _inline(functools.partial(operator.getitem, store, var),  # missing: an error
                   "{0}s[{0}v]", s=store, v=var)


def _inline(kernel, template, **names):
    """The kernel, with what a plan writes in its place: a line (`template` formatted with
    the kernel's name and its arguments') that does the same with `names` (suffixes of the
    kernel's name), so that a plan's variable reads and updates make no call."""
    kernel.inline = (template, names)
    return kernel


def _bind_write(combine):
    def binder(xp, operation, store, shapes):
        var = operation.attrs["var"]
        checked = not _static_shape_matches(var, shapes[0])
        eager = _eager(var, store)
        if combine is not None and not checked:  # the common update, in one frame
            if eager:
                def run(delta):
                    var._value = value = combine(var._value, delta)
                    return value
                return _inline(run, "{0}v._value = {0}c({0}v._value, {1})", v=var, c=combine)

            def run(delta):  # (a missing value: FailedPreconditionError)
                store[var] = value = combine(store[var], delta)
                return value
            return _inline(run, "{0}s[{0}v] = {0}c({0}s[{0}v], {1})", s=store, v=var, c=combine)
        if eager:
            def write(value):
                if checked:
                    var._check_assign_shape(value)
                var._value = value
        else:
            write = functools.partial(store.write, var) if checked else \
                functools.partial(operator.setitem, store, var)
        read = _bind_read(xp, operation, store)

        def run(delta):
            value = delta if combine is None else combine(read(), delta)
            write(value)
            return value
        return run
    return binder


ASSIGN.bind_to(_bind_write(None))
ASSIGN_ADD.bind_to(_bind_write(np.add))
ASSIGN_SUB.bind_to(_bind_write(np.subtract))


from ..util.export import export_many  # noqa: E402

export_many("", {"VariableSynchronization": VariableSynchronization,
                 "VariableAggregation": VariableAggregation})
