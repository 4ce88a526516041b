"""Nested structures (lists, tuples, namedtuples, dicts) as TensorFlow's tf.nest treats them."""
import collections.abc as _abc


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_nested(x):
    return isinstance(x, (list, tuple, dict, _abc.Mapping))


def _children(x):
    if isinstance(x, (dict, _abc.Mapping)):
        return [x[k] for k in _sorted_keys(x)]
    return list(x)


def _sorted_keys(d):
    try:
        return sorted(d)
    except TypeError:  # keys of mixed types: keep insertion order
        return list(d)


def flatten(structure):
    """Leaves of `structure` in TensorFlow's order (dicts by sorted key)."""
    out = []
    stack = [structure]
    while stack:
        x = stack.pop()
        if is_nested(x):
            stack.extend(reversed(_children(x)))
        else:
            out.append(x)
    return out


def _rebuild(template, children):
    if isinstance(template, (dict, _abc.Mapping)):
        keys = _sorted_keys(template)
        mapping = dict(zip(keys, children))
        result = type(template)() if type(template) is not dict else {}
        for k in template:  # keep the template's own order
            result[k] = mapping[k]
        return result
    if _is_namedtuple(template):
        return type(template)(*children)
    if isinstance(template, tuple):
        return tuple(children)
    return list(children)


def pack_sequence_as(structure, flat):
    flat = list(flat)
    pos = [0]

    def build(s):
        if is_nested(s):
            return _rebuild(s, [build(c) for c in _children(s)])
        v = flat[pos[0]]
        pos[0] += 1
        return v

    result = build(structure)
    if pos[0] != len(flat):
        raise ValueError(f"Structure has {pos[0]} leaves but {len(flat)} values were given.")
    return result


def map_structure(fn, *structures):
    flats = [flatten(s) for s in structures]
    n = len(flats[0])
    if any(len(f) != n for f in flats):
        raise ValueError("map_structure: the structures do not have the same number of leaves.")
    return pack_sequence_as(structures[0], [fn(*xs) for xs in zip(*flats)])
