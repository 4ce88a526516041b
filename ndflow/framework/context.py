"""Process-wide execution state: which graph receives new ops, active tapes, seeds.

Kept in one plain object (not thread-local) so the eager dispatch reads it with a
single attribute lookup; ndflow runs one model per process and uses processes,
not threads, for parallel work.
"""


class _State:
    def __init__(self):
        self.building = None          # Graph receiving new nodes; None means eager
        self.eager_disabled = False   # compat.v1.disable_eager_execution()
        self.tapes = []               # recording GradientTapes, innermost last
        self.run_functions_eagerly = False
        self.global_seed = None       # ndflow.random.set_seed
        self.seed_counter = 0         # op seeds handed out since set_seed
        self.eager_generators = {}    # (global seed, op seed) -> numpy Generator


state = _State()


def executing_eagerly():
    return state.building is None and not state.eager_disabled


class building_graph:
    """Context manager: route new ops into `graph` (None: run them eagerly)."""

    __slots__ = ("graph", "_saved")

    def __init__(self, graph):
        self.graph = graph

    def __enter__(self):
        self._saved = (state.building, state.eager_disabled)
        state.building = self.graph
        if self.graph is None:
            state.eager_disabled = False
        return self.graph

    def __exit__(self, *exc):
        state.building, state.eager_disabled = self._saved
        return False


def init_scope():
    """Leaves any function graph being traced so variables are created eagerly."""
    from .graph import FuncGraph
    g = state.building
    if isinstance(g, FuncGraph):
        return building_graph(g.outer_graph)
    return building_graph(g)
