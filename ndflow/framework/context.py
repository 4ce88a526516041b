"""Process-wide execution state, in one object: which graph receives new ops, the default
graph and session stacks, active tapes, seeds, the Keras learning phase and the device
kernels run on.

Kept in one plain object (not thread-local) so the eager dispatch reads it with a
single attribute lookup; ndflow runs one model per process and uses processes,
not threads, for parallel work. The one exception is the graph being built: it belongs to
the thread that entered `building_graph` (`builder`), so a background thread (a tf.data
prefetch running a generator) keeps executing eagerly while another thread traces.
`reset()` returns it to a fresh process's state (tests call it before each test).
"""
from threading import get_ident

from . import device as _device


class _State:
    def __init__(self):
        self.reset()

    def reset(self):
        self.building = None          # Graph receiving new nodes; None means eager
        self.builder = None           # the thread (get_ident) that set `building`
        self.eager_disabled = False   # compat.v1.disable_eager_execution()
        self.tapes = []               # recording GradientTapes, innermost last
        self.run_functions_eagerly = False
        self.global_seed = None       # ndflow.random.set_seed
        self.eager_generators = {}    # (global seed, op seed) -> random generator
        self.graph_stack = []         # graphs made default by `with g.as_default()`
        self.global_graph = None      # the default graph outside any as_default (made lazily)
        self.session_stack = []       # default Sessions (`with sess.as_default()`, Interactive)
        self.learning_phase = None    # keras.backend.set_learning_phase (None: unset)
        self.device = _device.CPU     # where eager kernels run and eager variables live
        self.strategy = None          # tf.distribute strategy in scope (ndflow.distribute)
        self.eager_threads = set()    # threads running a py_function body: eager (eager_here)


state = _State()


def reset():
    """Forgets every graph, session, tape and seed of this process (for tests)."""
    state.reset()


def executing_eagerly():
    """Tells whether ops run at once (eager mode) rather than adding graph nodes.

    False while a `tf.function` is tracing, inside a TF1 graph, and after
    `compat.v1.disable_eager_execution()`.

    Returns:
      A bool.
    """
    return building_here() is None and not tf1_graph_mode_here()


def building_here():
    """The graph this thread is building (another thread's trace is not this one's)."""
    g = state.building
    if g is None or (state.builder == get_ident() and get_ident() not in state.eager_threads):
        return g
    return None


def tf1_graph_mode_here():
    """True when TF1 graph mode (disable_eager_execution) applies to this thread."""
    return state.eager_disabled and get_ident() not in state.eager_threads


class eager_here:
    """Context manager: this thread runs ops eagerly (a py_function's body, run by a kernel
    in any thread), leaving the graph being built and TF1 graph mode as they are for the
    other threads (unlike `building_graph(None)`, which changes the process-wide state)."""

    __slots__ = ("_added",)

    def __enter__(self):
        me = get_ident()
        self._added = me not in state.eager_threads
        state.eager_threads.add(me)

    def __exit__(self, *exc):
        if self._added:
            state.eager_threads.discard(get_ident())
        return False


class building_graph:
    """Context manager: route new ops into `graph` (None: run them eagerly)."""

    __slots__ = ("graph", "_saved")

    def __init__(self, graph):
        self.graph = graph

    def __enter__(self):
        self._saved = (state.building, state.eager_disabled, state.builder)
        state.building, state.builder = self.graph, get_ident()
        if self.graph is None:
            state.eager_disabled = False
        return self.graph

    def __exit__(self, *exc):
        state.building, state.eager_disabled, state.builder = self._saved
        return False


def init_scope():
    """Leaves any function graph being traced so variables are created eagerly."""
    from .graph import FuncGraph
    g = state.building
    if isinstance(g, FuncGraph):
        return building_graph(g.outer_graph)
    return building_graph(g)
