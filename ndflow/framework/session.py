"""TF1 Session: runs fetches of a graph with feeds, keeping its own variable values."""
import numpy as np

from ..util.composite import feed_items
from ..util.nest import expanding as nest  # composites as their component tensors
from .errors import FailedPreconditionError, InvalidArgumentError
from .graph import Operation, get_default_graph
from .plan import Plan
from .context import state
from .device import RandomStreams
from .registry import cast_array
from .tensor import EagerTensor, SymbolicTensor
from .variables import Variable, _read_op



class _SessionStore(RandomStreams, dict):
    """Variable values of one Session; a missing value is an uninitialized variable."""

    def __init__(self, device):
        super().__init__()
        self.device = device
        self._generators = {}

    def __missing__(self, var):
        raise FailedPreconditionError(
            f"Attempting to use uninitialized value {var.name.split(':')[0]}. Run its "
            "initializer first (e.g. sess.run(tf.global_variables_initializer())).")

    def read(self, var):
        return var._value if var._graph is None else self[var]

    def write(self, var, value):
        if var._graph is None:
            var._check_assign_shape(value)
            var._value = value
            return
        if var._validate_shape and var._shape.is_fully_defined() and \
                np.shape(value) != tuple(var._shape.as_list()):
            raise InvalidArgumentError(
                f"Cannot assign a value of shape {np.shape(value)} to variable "
                f"{var.name} of shape {var._shape}.")
        self[var] = value


class BaseSession:
    def __init__(self, target="", graph=None, config=None):
        self.graph = graph if graph is not None else get_default_graph()
        self._store = _SessionStore(state.device)
        self._plans = {}
        self._fast = {}  # see run
        self._fetches = {}  # fetched leaves (names, ids) -> their resolution (see _resolve_fetches)
        self._closed = False
        self._var_fetch = {}
        self.sess_str = target
        self._config = config
        self._context = None

    # --- running ----------------------------------------------------------------------------
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        # A repeated run (the same graph elements, fed NumPy arrays of the dtypes and shapes
        # checked at an earlier run) is one lookup. The entry keeps the ids in its key alive.
        c, feeds = fetches.__class__, feed_dict or {}
        try:
            values = [*feeds.values()]
            key = (c, *(map(id, fetches) if c is list or c is tuple else (id(fetches),)),
                   *map(id, feeds), *[(v.__class__, v.dtype, v.shape) for v in values])
            plan, positions, pack, _ = self._fast[key]
        except (KeyError, AttributeError, TypeError):
            return self._run(fetches, feed_dict)
        return self._execute(plan, positions, values, pack)

    def _run(self, fetches, feed_dict):
        flat_sequence = _is_flat_sequence(fetches)  # [train_op, loss]: no tf.nest walk
        nested = flat_sequence or nest.is_nested(fetches)
        leaves = fetches if flat_sequence else nest.flatten(fetches) if nested else [fetches]
        # Names are keyed by value; other fetches by id, and the entry keeps them alive so
        # that an id in a key cannot be reused by another object while the entry exists.
        fetch_key = tuple([x if x.__class__ is str else id(x) for x in leaves])
        resolved = self._fetches.get(fetch_key)
        if resolved is None:
            resolved = self._resolve_fetches(leaves) + (tuple(leaves),)
            self._fetches[fetch_key] = resolved
        positions, tensors, targets, _ = resolved
        feed_tensors, feed_values = self._feeds(feed_dict)
        feed_shapes = tuple(v.shape for v in feed_values)
        key = (fetch_key, tuple(map(id, feed_tensors)), feed_shapes)
        plan = self._plans.get(key)
        if plan is None:  # compiled for these fetches, feeds and feed shapes
            plan = Plan(tensors, feed_tensors, targets, self._store, feed_shapes=feed_shapes)
            plan.copy_out = [i for i, t in enumerate(tensors) if t.op.type == "ReadVariable"]
            self._plans[key] = plan
        c, feeds = fetches.__class__, feed_dict or {}
        pack = c if flat_sequence else fetches if nested else None
        if (flat_sequence or c in _FETCH_LEAVES) and all(  # then, the fast path's entry
                k.__class__ is SymbolicTensor and v.__class__ is np.ndarray and v is f
                for (k, v), f in zip(feeds.items(), feed_values)):
            self._fast[(c, *map(id, leaves), *map(id, feeds), *[
                (v.__class__, v.dtype, v.shape) for v in feed_values])] = plan, positions, pack, (
                tuple(leaves), tuple(feeds))
        return self._execute(plan, positions, feed_values, pack)

    def _execute(self, plan, positions, feed_values, pack):
        """Runs a plan; its values at the fetch positions, packed as `pack` says: list or tuple
        (a flat sequence), None (a single fetch) or the nested structure to fill."""
        snapshot = dict(self._store) if plan.has_side_effects else None
        try:
            values = plan(*feed_values)
        except BaseException:
            if snapshot is not None:  # a failed run changes no variable
                self._store.clear()
                self._store.update(snapshot)
            raise
        if plan.copy_out:  # (a variable's value: the caller may write into what it gets)
            values = [np.array(v, copy=True) if i in plan.copy_out else v
                      for i, v in enumerate(values)]
        results = [None if p is None else _to_numpy(values[p]) for p in positions]
        if pack is None:
            return results[0]
        return results if pack is list else tuple(results) if pack is tuple else \
            nest.pack_sequence_as(pack, results, numpy=True)

    def _resolve_fetches(self, leaves):
        """(position of each leaf's value or None for ops, unique tensors, target ops)."""
        tensors, targets, tensor_pos, positions = [], [], {}, []
        for e in (self._as_fetch(x) for x in leaves):
            if isinstance(e, Operation):
                if e not in targets:
                    targets.append(e)
                positions.append(None)
                continue
            if id(e) not in tensor_pos:
                tensor_pos[id(e)] = len(tensors)
                tensors.append(e)
            positions.append(tensor_pos[id(e)])
        return positions, tensors, targets

    def _as_fetch(self, x):
        if isinstance(x, str):
            x = self.graph.as_graph_element(x)
        if isinstance(x, (Operation, SymbolicTensor)):
            self._check_graph(x.graph, x.name)
            return x
        if isinstance(x, Variable):
            t = self._var_fetch.get(x)
            if t is None:
                if x._graph is not None:
                    self._check_graph(x._graph, x.name)
                t = _read_op(x, self.graph)
                self._var_fetch[x] = t
            return t
        if isinstance(x, EagerTensor):
            raise TypeError(f"Fetch argument {x!r} is an eager tensor: it already has a value; "
                            "Session.run fetches graph tensors and operations.")
        if x is None:
            raise TypeError("Fetch argument None has invalid type <class 'NoneType'>")
        raise TypeError(f"Fetch argument {x!r} has invalid type {type(x)}, must be a string, "
                        "Tensor, Operation or Variable.")

    def _check_graph(self, graph, name):
        if graph is not self.graph:
            raise ValueError(f"Fetch {name} is not an element of this Session's graph.")

    def _feeds(self, feed_dict):
        if not feed_dict:
            return [], []
        tensors, values = [], []
        for key, value in feed_items(feed_dict):
            if key.__class__ is not SymbolicTensor:  # a name, a Variable
                if isinstance(key, str):
                    key = self.graph.as_graph_element(key)
                if isinstance(key, Variable):
                    key = self._as_fetch(key)
                if not isinstance(key, SymbolicTensor):
                    raise TypeError(f"Cannot interpret feed_dict key {key!r} as a Tensor: feed "
                                    "keys must be placeholders or other graph tensors.")
            if key.graph is not self.graph:
                raise ValueError(f"Cannot interpret feed_dict key as Tensor: Tensor {key.name} "
                                 "is not an element of this graph.")
            tensors.append(key)
            values.append(_feed_value(key, value))
        return tensors, values

    def make_callable(self, fetches, feed_list=None, accept_options=False):
        feed_list = list(feed_list or [])

        def call(*args):
            return self.run(fetches, dict(zip(feed_list, args)))
        return call

    # --- lifetime -------------------------------------------------------------------------
    def close(self):
        self._closed = True
        for cache in (self._plans, self._fast, self._fetches, self._store):
            cache.clear()

    def as_default(self):
        return _DefaultSession(self)

    def __enter__(self):
        self._context = _DefaultSession(self)
        self._context.__enter__()
        return self

    def __exit__(self, *exc):
        self._context.__exit__(*exc)
        self.close()
        return False

    def list_devices(self):
        return ["/job:localhost/replica:0/task:0/device:CPU:0"]


class Session(BaseSession):
    """TF1: runs the graph's ops and holds the values of its variables.

    `run(fetches, feed_dict)` computes the fetched tensors/operations (any nesting of lists,
    tuples, dicts and namedtuples) after checking every fed value against its placeholder's
    dtype and shape; plans are compiled once per (fetches, feeds) and cached. Each session has
    its own variable values, so two sessions train independently. Use it as a context manager
    to make it the default session and close it at the end.

    Args:
      target: Accepted for TF1 compatibility (ndflow runs in-process).
      graph: The graph to run (default: the default graph).
      config: An optional `ConfigProto` (accepted; ndflow's settings do not depend on it).

    Example:

    >>> import ndflow.compat.v1 as tf1
    >>> with tf1.Graph().as_default():
    ...     x = tf1.placeholder(tf1.float32, [None])
    ...     with tf1.Session() as sess:
    ...         sess.run(x * 2, feed_dict={x: [1.0, 2.0]})
    array([2., 4.], dtype=float32)
    """
    pass


class InteractiveSession(BaseSession):
    """Installs itself as the default session, so Tensor.eval() and Operation.run() work."""

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        state.session_stack.append(self)

    def close(self):
        super().close()
        if self in state.session_stack:
            state.session_stack.remove(self)


class _DefaultSession:
    def __init__(self, session):
        self.session = session

    def __enter__(self):
        state.session_stack.append(self.session)
        self._graph_ctx = self.session.graph.as_default()
        self._graph_ctx.__enter__()
        return self.session

    def __exit__(self, *exc):
        self._graph_ctx.__exit__(*exc)
        if self.session in state.session_stack:
            state.session_stack.remove(self.session)
        return False


def get_default_session():
    """TF1: the innermost session entered with `with sess:` (or an InteractiveSession), or None.

    Returns:
      A `Session` or None.
    """
    return state.session_stack[-1] if state.session_stack else None


def _clear_default_session():
    state.session_stack[:] = [s for s in state.session_stack
                              if not isinstance(s, InteractiveSession)]


def _session_for(session, element):
    if session is not None:
        return session
    s = get_default_session()
    if s is None:
        raise ValueError(f"Cannot evaluate {element!r}: no default session is registered. Use "
                         "`with sess.as_default()` or pass an explicit session.")
    return s


def _is_flat_sequence(fetches):
    """True for a list or tuple of single graph elements (not a namedtuple, no nesting)."""
    c = fetches.__class__
    return (c is list or c is tuple) and _FETCH_LEAVES.issuperset(map(type, fetches))


_FETCH_LEAVES = frozenset((SymbolicTensor, Operation))


def _feed_value(t, value):
    if value.__class__ is np.ndarray and value.dtype == t.dtype._np:
        dims = t._shape._dims
        if dims is not None and len(dims) == value.ndim and all(
                d is None or d == n for d, n in zip(dims, value.shape)):
            return value  # the common case, checked without conversions
    if isinstance(value, EagerTensor):
        value = value._value
    try:
        arr = cast_array(value, t.dtype._np)
    except (TypeError, ValueError) as e:
        raise TypeError(f"Cannot feed value {value!r} for Tensor {t.name} of dtype "
                        f"{t.dtype.name}: {e}") from None
    if not t.shape.is_compatible_with(arr.shape):
        raise ValueError(f"Cannot feed value of shape {arr.shape} for Tensor {t.name}, "
                         f"which has shape {t.shape}")
    return arr


def _to_numpy(v):
    return v[()] if isinstance(v, np.ndarray) and v.ndim == 0 else v
