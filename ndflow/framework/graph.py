"""Graph and Operation: the dataflow graph TF1 code builds and tf.function traces into."""
import contextlib
import itertools
import re

from . import context
from .context import building_here, state
from .tensor import SymbolicTensor

_graph_ids = itertools.count()


class Operation:
    """A node: an op definition applied to input tensors, producing output tensors."""
    __slots__ = ("graph", "op_def", "name", "inputs", "outputs", "attrs",
                 "control_inputs", "_id", "__weakref__")

    def __init__(self, graph, op_def, name, inputs, attrs, control_inputs):
        self.graph = graph
        self.op_def = op_def
        self.name = name
        self.inputs = inputs
        self.attrs = attrs
        self.control_inputs = control_inputs
        self.outputs = ()
        self._id = 0

    @property
    def type(self):
        return self.op_def.name

    def get_attr(self, name):
        return self.attrs[name]

    def run(self, feed_dict=None, session=None):
        from .session import _session_for
        _session_for(session, self).run(self, feed_dict)

    def __repr__(self):
        return f"<tf.Operation '{self.name}' type={self.type}>"


class Graph:
    """A TF1 dataflow graph: operations in creation order, collections, name scopes."""

    def __init__(self):
        self._ops = []
        self._names = {}
        self._name_stack = ""
        self._collections = {}
        self._control_stack = []
        self._var_reads = {}      # Variable -> list of read tensors in this graph
        self._const_cache = {}    # id(eager tensor) -> (tensor, Const output)
        self.seed = None          # graph-level seed (compat.v1.set_random_seed)
        self._seed_counter = 0
        self._id = next(_graph_ids)
        self._finalized = False
        self._variable_store = {}  # compat.v1.get_variable: full name -> Variable

    # --- building ------------------------------------------------------------------------
    def unique_name(self, name, mark_as_used=True):
        if self._name_stack:
            name = self._name_stack + "/" + name
        key = name.lower()
        count = self._names.get(key, 0)
        if mark_as_used:
            self._names[key] = count + 1
        if count:
            candidate = f"{name}_{count}"
            while candidate.lower() in self._names:
                count += 1
                candidate = f"{name}_{count}"
            if mark_as_used:
                self._names[candidate.lower()] = 1
            return candidate
        return name

    def _create_op(self, op_def, inputs, attrs, out_specs, name=None):
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        name = self.unique_name(_valid_name(name) if name else op_def.name)
        control = [op for deps in self._control_stack for op in deps]
        op = Operation(self, op_def, name, tuple(inputs), attrs, control)
        op.outputs = tuple(SymbolicTensor(op, i, shape, dtype)
                           for i, (shape, dtype) in enumerate(out_specs))
        op._id = len(self._ops)
        self._ops.append(op)
        return op

    def get_operations(self):
        return list(self._ops)

    def get_operation_by_name(self, name):
        for op in self._ops:
            if op.name == name:
                return op
        raise KeyError(f"The name {name!r} refers to an Operation not in the graph.")

    def get_tensor_by_name(self, name):
        op_name, _, index = name.rpartition(":")
        if not op_name:
            raise ValueError(f"Tensor names look like 'op_name:0'; got {name!r}.")
        return self.get_operation_by_name(op_name).outputs[int(index)]

    def as_graph_element(self, obj):
        if isinstance(obj, str):
            return self.get_tensor_by_name(obj) if ":" in obj else self.get_operation_by_name(obj)
        return obj

    def finalize(self):
        self._finalized = True

    @property
    def finalized(self):
        return self._finalized

    # --- scopes --------------------------------------------------------------------------
    @contextlib.contextmanager
    def name_scope(self, name):
        saved = self._name_stack
        if name is None or name == "":
            self._name_stack = ""
        elif name.endswith("/"):
            self._name_stack = name[:-1]
        else:
            self._name_stack = self.unique_name(_valid_name(name))
        try:
            yield self._name_stack + "/" if self._name_stack else ""
        finally:
            self._name_stack = saved

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        if control_inputs is None:
            saved, self._control_stack = self._control_stack, []
            try:
                yield
            finally:
                self._control_stack = saved
            return
        ops = [x if isinstance(x, Operation) else _op_of(x) for x in control_inputs]
        self._control_stack.append(ops)
        try:
            yield
        finally:
            self._control_stack.pop()

    def as_default(self):
        return _DefaultGraph(self)

    # --- collections ---------------------------------------------------------------------
    def add_to_collection(self, name, value):
        self._collections.setdefault(name, []).append(value)

    def get_collection(self, name, scope=None):
        items = self._collections.get(name, [])
        if scope is None:
            return list(items)
        pattern = re.compile(scope)
        return [x for x in items if pattern.match(getattr(x, "name", "") or "")]

    def get_collection_ref(self, name):
        return self._collections.setdefault(name, [])

    def clear_collection(self, name):
        self._collections.pop(name, None)

    @property
    def collections(self):
        return [k for k in self._collections if isinstance(k, str)]  # tuple keys are private

    def get_all_collection_keys(self):
        return self.collections

    def __repr__(self):
        return f"<ndflow.Graph {self._id} with {len(self._ops)} ops>"


class FuncGraph(Graph):
    """The graph a tf.function traces into; `outer_graph` is where it was called from."""

    def __init__(self, name, outer_graph=None):
        super().__init__()
        self.name = name
        self.outer_graph = outer_graph
        self.captures = {}   # id(outer tensor) -> (outer tensor, placeholder here)

    def is_inside(self, graph):
        """Whether `graph` is this graph or one it is nested in (so its tensors can be
        captured)."""
        g = self
        while g is not None:
            if g is graph:
                return True
            g = getattr(g, "outer_graph", None)
        return False

    def capture(self, tensor):
        """A placeholder of this graph standing for `tensor` of an enclosing graph.

        Control-flow branches and loop bodies use tensors of the graph they are built in;
        each such tensor becomes an input of the cond/while op, fed to this placeholder."""
        if tensor.op.graph is self:
            return tensor
        if not self.is_inside(tensor.op.graph):
            raise ValueError(f"Tensor {tensor.name} belongs to a graph this one is not nested in.")
        if self.outer_graph is not tensor.op.graph:
            tensor = self.outer_graph.capture(tensor)
        hit = self.captures.get(id(tensor))
        if hit is not None:
            return hit[1]
        from .registry import REGISTRY, _execute_graph
        from .context import building_graph
        with building_graph(self):
            inner = _execute_graph(REGISTRY["Placeholder"], (),
                                   {"dtype": tensor.dtype, "shape": tensor.shape},
                                   "capture", self)
        self.captures[id(tensor)] = (tensor, inner)
        return inner


def _op_of(x):
    op = getattr(x, "op", None)
    if isinstance(op, Operation):
        return op
    from .variables import Variable
    if isinstance(x, Variable):
        return x.initializer
    raise TypeError(f"control_dependencies expects Operations or Tensors, got {x!r}.")


_NAME_BAD = re.compile(r"[^A-Za-z0-9_.\-/]")


def _valid_name(name):
    return _NAME_BAD.sub("_", str(name))


# --- the default graph stack (kept in context.state) ------------------------------------------

def get_default_graph():
    """TF1: returns the graph new ops are added to.

    The innermost `graph.as_default()` block's graph, else the process-wide global graph
    (created on first use).

    Returns:
      A `Graph`.
    """
    if state.graph_stack:
        return state.graph_stack[-1]
    if state.global_graph is None:
        state.global_graph = Graph()
    return state.global_graph


def reset_default_graph():
    """TF1: replaces the global default graph with a new, empty one.

    Also drops a default `InteractiveSession`.

    Raises:
      AssertionError: If called inside a `with graph.as_default()` block.
    """
    if state.graph_stack:
        raise AssertionError("Do not use reset_default_graph() inside a `with graph.as_default()` "
                             "block.")
    state.global_graph = Graph()
    from . import session
    session._clear_default_session()


class _DefaultGraph:
    """`with graph.as_default():` — makes `graph` the default and builds ops into it."""

    def __init__(self, graph):
        self.graph = graph

    def __enter__(self):
        state.graph_stack.append(self.graph)
        self._building = context.building_graph(self.graph)
        self._building.__enter__()
        return self.graph

    def __exit__(self, *exc):
        self._building.__exit__(*exc)
        state.graph_stack.pop()
        return False


def graph_for_building():
    """The graph ops should go into, or None when executing eagerly."""
    if state.building is None and not state.eager_disabled:
        return None  # (eager code: the common case, checked first)
    g = building_here()
    if g is None and state.eager_disabled and context.tf1_graph_mode_here():
        return get_default_graph()
    return g
