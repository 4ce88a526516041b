"""Seeds: a global seed plus op-level seeds, following TensorFlow's rules.

- global and op seed unset: fresh entropy every run;
- global seed set, op seed unset: a deterministic sequence that restarts on set_seed;
- op seed set (global unset: TensorFlow's default 87654321): its own deterministic stream.
"""
from .context import state

DEFAULT_GRAPH_SEED = 87654321


def set_seed(seed):
    """ndflow.random.set_seed / tf.random.set_seed."""
    state.global_seed = None if seed is None else int(seed)
    state.eager_generators.clear()
    from .graph import graph_for_building
    g = graph_for_building()
    if g is not None:
        g.seed = state.global_seed
        g._seed_counter = 0


def get_seed(op_seed):
    """(global seed, op seed) as TensorFlow's get_seed computes them for eager ops."""
    g = state.global_seed
    if g is None and op_seed is None:
        return None, None
    if g is None:
        g = DEFAULT_GRAPH_SEED
    return g, op_seed


def eager_generator(attrs):
    """The generator an eager random op draws from (made by the current device)."""
    op_seed = attrs.get("seed")
    gseed = state.global_seed
    if op_seed is None:
        if gseed is None:
            return state.device.entropy()
        key = (gseed, None)
    else:
        key = (DEFAULT_GRAPH_SEED if gseed is None else gseed, int(op_seed))
    gen = state.eager_generators.get(key)
    if gen is None:
        gen = state.device.generator(
            [key[0] & 0xFFFFFFFF, 0 if key[1] is None else 1 + (key[1] & 0x7FFFFFFF), 1])
        state.eager_generators[key] = gen
    return gen


def graph_seeds(graph, op_seed):
    """Seeds fixed when a random op is added to `graph` (None: nondeterministic)."""
    from .graph import FuncGraph
    gseed = graph.seed
    if gseed is None and isinstance(graph, FuncGraph):
        gseed = state.global_seed
    if gseed is None and op_seed is None:
        return None
    if gseed is None:
        gseed = DEFAULT_GRAPH_SEED
    if op_seed is None:
        op_seed = graph._seed_counter
        graph._seed_counter += 1
    return (int(gseed), int(op_seed))

