"""Iterators over datasets: eager (`iter(ds)`), inside tf.function, and TF1's
`make_one_shot_iterator` / `make_initializable_iterator` under Session.run.

In a graph an iterator is a resource object held by its ops: `IteratorGetNext` returns the
next element's components or raises OutOfRangeError at the end; `MakeIterator` starts a
fresh pass. Each Session (each store a plan runs on) keeps its own position, as each
TensorFlow session owns its iterator resources.
"""
import itertools
import threading

import numpy as np

from ..framework import dtypes
from ..framework.context import building_graph, building_here
from ..framework.errors import (FailedPreconditionError, InvalidArgumentError,
                                OutOfRangeError)
from ..framework.registry import execute, op
from ..framework.tensor import TensorSpec
from ..framework.tensor_shape import TensorShape
from ..util import nest
from . import structure


def _specs_infer(tensors, attrs):
    return [(s.shape, s.dtype) for s in attrs["specs"]]


def _optional_infer(tensors, attrs):
    return [(TensorShape([]), dtypes.bool)] + _specs_infer(tensors, attrs)


@op("IteratorGetNext", host=True, multi_output=True, stateful=True, uses_store=True,
    differentiable=False, infer=_specs_infer)
def ITERATOR_GET_NEXT(xp, store, *tokens, resource, specs):
    element = resource.next(store)
    if element is None:
        raise OutOfRangeError("End of sequence")
    return list(element)


@op("IteratorGetNextAsOptional", host=True, multi_output=True, stateful=True, uses_store=True,
    differentiable=False, infer=_optional_infer)
def ITERATOR_GET_NEXT_AS_OPTIONAL(xp, store, *tokens, resource, specs):
    element = resource.next(store)
    if element is None:
        return [np.asarray(False)] + [_empty(s) for s in specs]
    return [np.asarray(True)] + list(element)


@op("MakeIterator", host=True, stateful=True, uses_store=True, differentiable=False,
    infer=lambda ts, a: [(TensorShape([]), dtypes.int64)])
def MAKE_ITERATOR(xp, store, *tokens, resource):
    resource.start(store)
    return np.asarray(resource.generation(store), np.int64)


def _empty(spec):
    shape = [0 if d is None else d for d in spec.shape.dims] if spec.shape.rank is not None else []
    if spec.dtype == dtypes.string or spec.dtype._np is None:
        return np.full(shape, b"", dtype=object)
    return np.zeros(shape, spec.dtype._np)


class _Resource:
    """Iterator positions, one per store (Session), for a dataset."""

    def __init__(self, dataset, needs_init):
        self.dataset = dataset
        self._needs_init = needs_init
        self._passes = {}  # id(store) -> [iterator, generation]
        self._lock = threading.Lock()

    def start(self, store):
        with self._lock:
            entry = self._passes.get(id(store))
            gen = entry[1] + 1 if entry else 1
            self._passes[id(store)] = [self.dataset._iterate(), gen, store]

    def generation(self, store):
        return self._passes[id(store)][1]

    def next(self, store):
        entry = self._passes.get(id(store))
        if entry is None or entry[2] is not store:
            if self._needs_init:
                raise FailedPreconditionError(
                    "GetNext() failed because the iterator has not been initialized. Ensure "
                    "that you have run the initializer operation for this iterator before "
                    "getting the next element.")
            self.start(store)
            entry = self._passes[id(store)]
        element = next(entry[0], None)
        return element


class _EagerResource:
    """Wraps one eager OwnedIterator so a traced function advances it (`next(it)` inside a
    tf.function that receives the iterator)."""

    def __init__(self, owned):
        self.owned = owned

    def next(self, store):
        return self.owned._next_flat()


def _graph():
    from ..framework.graph import get_default_graph
    return building_here() or get_default_graph()


def _get_next(resource, specs, tokens=(), optional=False, name=None):
    opdef = ITERATOR_GET_NEXT_AS_OPTIONAL if optional else ITERATOR_GET_NEXT
    g = _graph()
    with building_graph(g):
        return execute(opdef, tuple(tokens), {"resource": resource, "specs": tuple(specs)},
                       name or "IteratorGetNext")


class OwnedIterator:
    """The iterator `iter(dataset)` returns when executing eagerly."""

    def __init__(self, dataset):
        self._dataset = dataset
        self._spec = dataset._spec
        self._it = dataset._iterate()
        self._resource = None

    @property
    def element_spec(self):
        return self._spec

    def __iter__(self):
        return self

    def _next_flat(self):
        if self._it is None:
            return None
        element = next(self._it, None)
        if element is None:
            self._it = None
        return element

    def __next__(self):
        if building_here() is not None:
            return self.get_next()
        element = self._next_flat()
        if element is None:
            raise StopIteration
        return structure.to_tensors(self._spec, element)

    def get_next(self, name=None):
        """The next element; raises OutOfRangeError at the end."""
        if building_here() is not None:
            if self._resource is None:
                self._resource = _EagerResource(self)
            flat = _get_next(self._resource, structure.flatten(self._spec), name=name)
            return structure.pack(self._spec, flat)
        element = self._next_flat()
        if element is None:
            raise OutOfRangeError("End of sequence")
        return structure.to_tensors(self._spec, element)

    def get_next_as_optional(self):
        from .optional import Optional
        element = self._next_flat()
        if element is None:
            return Optional.empty(self._spec)
        return Optional.from_value(structure.to_tensors(self._spec, element))

    def _autograph_for(self, extra_test, body, get_state, set_state, names, live, loc,
                       try_loc):
        if self._resource is None:
            self._resource = _EagerResource(self)
        _dataset_for(self._resource, self._spec, (), extra_test, body, get_state, set_state,
                     names, live, loc, try_loc)

    def __del__(self):
        it = getattr(self, "_it", None)
        close = getattr(it, "close", None)
        if close is not None:
            try:
                close()
            except Exception:  # noqa: BLE001 - never raise from a finalizer
                pass


class GraphIterator:
    """`iter(dataset)` while a tf.function is traced: each call of the function starts a
    fresh pass (a MakeIterator op) and `next()` adds IteratorGetNext ops."""

    def __init__(self, dataset):
        self._spec = dataset._spec
        self._resource = _Resource(dataset, needs_init=True)
        with building_graph(_graph()):
            self._token = execute(MAKE_ITERATOR, (), {"resource": self._resource},
                                  "MakeIterator")

    @property
    def element_spec(self):
        return self._spec

    def __iter__(self):
        return self

    def __next__(self):
        return self.get_next()

    def get_next(self, name=None):
        flat = _get_next(self._resource, structure.flatten(self._spec), (self._token,), name=name)
        return structure.pack(self._spec, flat)

    def _autograph_for(self, extra_test, body, get_state, set_state, names, live, loc,
                       try_loc):
        _dataset_for(self._resource, self._spec, (self._token,), extra_test, body, get_state,
                     set_state, names, live, loc, try_loc)


def dataset_autograph_for(dataset, extra_test, body, get_state, set_state, names, live, loc,
                          try_loc):
    """`for element in dataset:` inside a tf.function: a tf.while_loop that runs while the
    dataset has elements (AutoGraph calls this for a Dataset being iterated)."""
    GraphIterator(dataset)._autograph_for(extra_test, body, get_state, set_state, names, live,
                                          loc, try_loc)


def _dataset_for(resource, spec, tokens, extra_test, body, get_state, set_state, names, live,
                 loc, try_loc):
    from ..autograph import operators as ag
    from ..ops import math_ops
    specs = structure.flatten(spec)
    carried = list(_get_next(resource, specs, tokens, optional=True))
    n = len(carried)

    def get():
        return tuple(get_state()) + tuple(carried)

    def set_(values):
        set_state(tuple(values[:-n]))
        carried[:] = list(values[-n:])

    def test():
        c = carried[0]
        if extra_test is not None:
            c = math_ops.logical_and(c, ag._as_bool(extra_test()))
        return c

    def loop_body():
        body(structure.pack(spec, carried[1:]))
        carried[:] = list(_get_next(resource, specs, tokens, optional=True))

    extra = tuple(f"dataset_component_{i}__" for i in range(n))
    ag._tf_while(test, loop_body, get, set_, tuple(names) + extra, tuple(live), loc, try_loc)


# --- TF1 -----------------------------------------------------------------------------------

class Iterator:
    """tf.compat.v1.data.Iterator: an iterator resource in the default graph."""

    def __init__(self, dataset_or_spec, resource, initializer=None):
        self._spec = dataset_or_spec
        self._resource = resource
        self._initializer = initializer
        self._next = None

    @property
    def element_spec(self):
        return self._spec

    @property
    def output_types(self):
        return structure.spec_types(self._spec)

    @property
    def output_shapes(self):
        return structure.spec_shapes(self._spec)

    @property
    def initializer(self):
        if self._initializer is None:
            raise ValueError("This iterator has no initializer: it is a one-shot iterator "
                             "(make_one_shot_iterator), which starts by itself.")
        return self._initializer

    def get_next(self, name=None):
        """A (nested) tensor that takes the next element each time it is run; running it
        after the last element raises OutOfRangeError."""
        flat = _get_next(self._resource, structure.flatten(self._spec), name=name)
        return structure.pack(self._spec, flat)

    def make_initializer(self, dataset, name=None):
        """An op that (re)starts this iterator on `dataset` (for Iterator.from_structure)."""
        structure.check_same_structure(self._spec, dataset._spec, "make_initializer()")
        resource = self._resource

        class _Switch:
            def __init__(self, ds):
                self.dataset = ds

            def start(self, store):
                resource.dataset = self.dataset
                resource.start(store)

            def generation(self, store):
                return resource.generation(store)

        with building_graph(_graph()):
            return execute(MAKE_ITERATOR, (), {"resource": _Switch(dataset)},
                           name or "make_initializer").op

    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None,
                       output_classes=None):
        types = structure.normalize_structure(output_types)
        if output_shapes is None:
            spec = nest.map_structure(lambda t: TensorSpec(TensorShape(None), t), types)
        else:
            from .sources import _flatten_shapes
            flat_t = nest.flatten(types)
            shapes = _flatten_shapes(structure.normalize_structure(output_shapes), len(flat_t))
            spec = nest.pack_sequence_as(types, [TensorSpec(s, t)
                                                 for t, s in zip(flat_t, shapes)])
        return Iterator(spec, _Resource(None, needs_init=True), initializer=None)

    def string_handle(self, name=None):
        """A scalar string tensor naming this iterator, to feed the placeholder of an
        iterator made by `Iterator.from_string_handle` (switching datasets by feed)."""
        from ..framework.constant_op import constant
        with building_graph(_graph()):
            return constant(_handles.register(self), name=name or "IteratorToStringHandle")

    @staticmethod
    def from_string_handle(string_handle, output_types, output_shapes=None,
                           output_classes=None):
        """An iterator whose `get_next()` advances the iterator named by the value of
        `string_handle` (a scalar tf.string tensor, usually a placeholder) at each run.

        Args:
          string_handle: a scalar `tf.string` tensor; its value is the result of running
            another iterator's `string_handle()`.
          output_types, output_shapes: the element structure; the iterators fed must
            have these dtypes and compatible shapes.

        Returns:
          An `Iterator` (it has no initializer: the iterators fed have their own).
        """
        spec = Iterator.from_structure(output_types, output_shapes)._spec
        from ..framework.constant_op import convert_to_tensor
        handle = convert_to_tensor(string_handle, dtype=dtypes.string)
        if handle.shape.rank not in (None, 0):
            raise ValueError(f"from_string_handle(): `string_handle` must be a scalar string "
                             f"tensor; received shape {handle.shape}.")
        return _FeedableIterator(spec, handle)


class _HandleRegistry:
    """Iterators by the string handles given out for them (weakly: a handle of an iterator
    that is gone names nothing)."""

    def __init__(self):
        import weakref
        self._by_handle = weakref.WeakValueDictionary()
        self._lock = threading.Lock()
        self._serial = itertools.count()

    def register(self, iterator):
        handle = getattr(iterator, "_string_handle_value", None)
        if handle is None:
            with self._lock:
                handle = f"ndflow-iterator-{next(self._serial)}".encode()
                iterator._string_handle_value = handle
                self._by_handle[handle] = iterator
        return handle

    def lookup(self, handle, specs):
        key = bytes(handle.item() if hasattr(handle, "item") else handle)
        iterator = self._by_handle.get(key)
        if iterator is None:
            raise InvalidArgumentError(f"from_string_handle(): {key!r} is not the string "
                                       f"handle of a live iterator; feed the value of "
                                       f"iterator.string_handle() run in a session.")
        have = structure.flatten(iterator._spec)
        if len(have) != len(specs) or any(
                a.dtype != b.dtype or not a.shape.is_compatible_with(b.shape)
                for a, b in zip(have, specs)):
            raise InvalidArgumentError(
                f"from_string_handle(): the iterator fed has elements of "
                f"{[(str(a.dtype.name), str(a.shape)) for a in have]}, but this iterator "
                f"was made for {[(str(b.dtype.name), str(b.shape)) for b in specs]}.")
        return iterator._resource


_handles = _HandleRegistry()


@op("IteratorFromStringHandleGetNext", host=True, multi_output=True, stateful=True,
    uses_store=True, differentiable=False, infer=_specs_infer)
def ITERATOR_FROM_STRING_HANDLE_GET_NEXT(xp, store, handle, specs):
    element = _handles.lookup(handle, specs).next(store)
    if element is None:
        raise OutOfRangeError("End of sequence")
    return list(element)


class _FeedableIterator(Iterator):
    """The iterator `Iterator.from_string_handle` returns."""

    def __init__(self, spec, handle):
        super().__init__(spec, None)
        self._handle = handle

    def get_next(self, name=None):
        specs = tuple(structure.flatten(self._spec))
        with building_graph(_graph()):
            flat = execute(ITERATOR_FROM_STRING_HANDLE_GET_NEXT, (self._handle,),
                           {"specs": specs}, name or "IteratorGetNext")
        if not isinstance(flat, (list, tuple)):
            flat = [flat]
        return structure.pack(self._spec, flat)

    def make_initializer(self, dataset, name=None):
        raise ValueError("An iterator made by from_string_handle() has no dataset of its "
                         "own: initialize the iterators whose handles it is fed.")

    def string_handle(self, name=None):
        return self._handle


def make_one_shot_iterator(dataset):
    """tf.compat.v1.data.make_one_shot_iterator: an iterator that starts by itself."""
    return Iterator(dataset._spec, _Resource(dataset, needs_init=False))


def make_initializable_iterator(dataset, shared_name=None):
    """tf.compat.v1.data.make_initializable_iterator: run `iterator.initializer` first (and
    again to start over)."""
    resource = _Resource(dataset, needs_init=True)
    with building_graph(_graph()):
        init = execute(MAKE_ITERATOR, (), {"resource": resource}, "MakeIterator").op
    return Iterator(dataset._spec, resource, initializer=init)


def get_output_types(dataset_or_iterator):
    """TF1: the dtypes of a dataset's or iterator's elements.

    Args:
      dataset_or_iterator: A `Dataset` or iterator.

    Returns:
      The element structure with a `DType` in place of each component.
    """
    return structure.spec_types(dataset_or_iterator.element_spec)


def get_output_shapes(dataset_or_iterator):
    """TF1: the static shapes of a dataset's or iterator's elements.

    Args:
      dataset_or_iterator: A `Dataset` or iterator.

    Returns:
      The element structure with a `TensorShape` in place of each component.
    """
    return structure.spec_shapes(dataset_or_iterator.element_spec)
