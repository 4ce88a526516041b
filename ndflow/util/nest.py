"""Nested structures (lists, tuples, namedtuples, dicts) as TensorFlow's tf.nest treats them."""
import collections.abc as _abc

from . import composite


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_nested(x, expand_composites=False):
    return isinstance(x, (list, tuple, dict, _abc.Mapping)) or (
        expand_composites and composite.is_composite_or_spec(x))


def _children(x):
    if isinstance(x, (dict, _abc.Mapping)):
        return [x[k] for k in _sorted_keys(x)]
    if isinstance(x, composite.TypeSpec):
        return list(x._component_specs)
    if isinstance(x, composite.CompositeTensor):
        return list(x._to_components())
    return list(x)


def _sorted_keys(d):
    try:
        return sorted(d)
    except TypeError:  # keys of mixed types: keep insertion order
        return list(d)


def flatten(structure, expand_composites=False):
    """Leaves of `structure` in TensorFlow's order (dicts by sorted key). With
    `expand_composites`, a composite tensor (SparseTensor...) is replaced by its component
    tensors and a composite's TypeSpec by its components' TensorSpecs."""
    out = []
    stack = [structure]
    while stack:
        x = stack.pop()
        if is_nested(x, expand_composites):
            stack.extend(reversed(_children(x)))
        else:
            out.append(x)
    return out


def _rebuild(template, children, numpy=False):
    if isinstance(template, composite.TypeSpec):
        return template._from_components(children)
    if isinstance(template, composite.CompositeTensor):
        spec = template._type_spec
        return spec._from_numpy_components(children) if numpy else \
            spec._from_components(children)
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


def pack_sequence_as(structure, flat, expand_composites=False, numpy=False):
    """`flat` nested as `structure`. `numpy` (Session.run's fetches): composites are rebuilt
    as their NumPy value types (SparseTensorValue)."""
    flat = list(flat)
    pos = [0]

    def build(s):
        if is_nested(s, expand_composites):
            return _rebuild(s, [build(c) for c in _children(s)], numpy)
        v = flat[pos[0]]
        pos[0] += 1
        return v

    result = build(structure)
    if pos[0] != len(flat):
        raise ValueError(f"Structure has {pos[0]} leaves but {len(flat)} values were given.")
    return result


def map_structure(fn, *structures, check_types=True, expand_composites=False):
    """`fn` applied to the leaves of `structures` (zipped), in the first one's structure."""
    flats = [flatten(s, expand_composites) for s in structures]
    n = len(flats[0])
    if any(len(f) != n for f in flats):
        raise ValueError("map_structure: the structures do not have the same number of leaves.")
    return pack_sequence_as(structures[0], [fn(*xs) for xs in zip(*flats)], expand_composites)


def assert_same_structure(nest1, nest2, check_types=True, expand_composites=False):
    """Raises ValueError (TypeError for different sequence types) unless the two structures
    nest the same way."""
    def walk(a, b):
        if is_nested(a, expand_composites) != is_nested(b, expand_composites):
            raise ValueError(f"The two structures don't have the same nested structure: "
                             f"{nest1!r} and {nest2!r}.")
        if not is_nested(a, expand_composites):
            return
        if check_types and type(a) is not type(b) and not (
                isinstance(a, _abc.Mapping) and isinstance(b, _abc.Mapping)):
            raise TypeError(f"The two structures don't have the same sequence type: "
                            f"{type(a).__name__} and {type(b).__name__}.")
        ca, cb = _children(a), _children(b)
        if len(ca) != len(cb) or (isinstance(a, _abc.Mapping) and
                                  _sorted_keys(a) != _sorted_keys(b)):
            raise ValueError(f"The two structures don't have the same nested structure: "
                             f"{nest1!r} and {nest2!r}.")
        for x, y in zip(ca, cb):
            walk(x, y)
    walk(nest1, nest2)


class _Expanding:
    """This module's functions with composites expanded: tf.function and Session.run see a
    SparseTensor or RaggedTensor as the dense tensors it is made of."""
    is_nested = staticmethod(lambda x: is_nested(x, True))
    flatten = staticmethod(lambda s: flatten(s, True))
    map_structure = staticmethod(lambda fn, *s: map_structure(fn, *s, expand_composites=True))

    @staticmethod
    def pack_sequence_as(structure, flat, numpy=False):
        return pack_sequence_as(structure, flat, True, numpy)


expanding = _Expanding()
