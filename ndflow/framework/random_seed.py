"""Seeds: a global seed plus op-level seeds, following TensorFlow's rules.

- global and op seed unset: fresh entropy every run;
- global seed set, op seed unset: a deterministic sequence that restarts on set_seed;
- op seed set (global unset: TensorFlow's default 87654321): its own deterministic stream.
"""
import random

from .context import state

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1


def set_seed(seed):
    """ndflow.random.set_seed / tf.random.set_seed."""
    state.global_seed = None if seed is None else int(seed)
    state.eager_generators.clear()  # TensorFlow clears its kernel cache: streams restart
    from .graph import graph_for_building
    g = graph_for_building()
    if g is not None:  # in a graph: its graph-level seed (op seeds keep counting, as in TF)
        g.seed = state.global_seed


def get_seed(op_seed):
    """(global seed, op seed) as TensorFlow's get_seed computes them for eager ops."""
    g = state.global_seed
    if g is None and op_seed is None:
        return None, None
    if g is None:
        g = DEFAULT_GRAPH_SEED
    return g, op_seed


def _pair(gseed, op_seed):
    seeds = (int(gseed) % _MAXINT32, int(op_seed) % _MAXINT32)
    return (0, _MAXINT32) if seeds == (0, 0) else seeds  # (0, 0) would mean "unseeded"


def eager_seeds(op_seed):
    """(seed, seed2) of an eager random op as TensorFlow 2 derives them (None: unseeded): an
    unset op seed is drawn from a Python `random.Random(global seed)`, restarted by set_seed."""
    gseed = state.global_seed
    if gseed is None:
        return None if op_seed is None else _pair(DEFAULT_GRAPH_SEED, op_seed)
    if op_seed is None:
        draw = state.eager_generators.get("op seeds")
        if draw is None:
            draw = state.eager_generators["op seeds"] = random.Random(gseed)
        op_seed = draw.randint(0, _MAXINT32)
    return _pair(gseed, op_seed)


def eager_generator(attrs, op=None):
    """The generator an eager random op draws from (made by the current device). With
    `seeds` (eager_seeds) one generator serves each (op, dtype, seeds) whose op seed was
    given, like TensorFlow's kernel cache; a drawn op seed makes a fresh one."""
    if "seeds" in attrs:
        seeds = attrs["seeds"]
        if seeds is None or attrs.get("seed") is None:
            return state.device.generator_from_seeds(seeds)
        key = (op.name.replace("Dynamic", ""), attrs.get("dtype"), seeds)
        if key not in state.eager_generators:
            state.eager_generators[key] = state.device.generator_from_seeds(seeds)
        return state.eager_generators[key]
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
    return _pair(gseed, op_seed)

