"""Composite tensors: values made of several dense tensors (SparseTensor, RaggedTensor).

A composite tensor subclasses `CompositeTensor` and has a `TypeSpec` (its `_type_spec`)
that knows how to take such a value apart into dense component tensors and put it back
together. The engine never looks inside a composite: `tf.function` (arguments and return
values), `Session.run` (fetches and feeds) and `tf.data` flatten it into its components with
`ndflow.util.nest` (`expand_composites=True`) and rebuild it from the spec afterwards.

To add a composite: subclass `CompositeTensor` (give it `_type_spec` and `_to_components`)
and `TypeSpec` (give it `value_type`, `_component_specs`, `_to_components`,
`_from_components`; optionally `_from_numpy_components` for what Session.run returns and
the `_batch`/`_unbatch`/`_to_rows`/`_from_rows` group for tf.data's slicing and batching).
"""


class CompositeTensor:
    """Base class of tensors made of several dense tensors."""

    __slots__ = ()

    @property
    def _type_spec(self):
        """The TypeSpec describing this value (shape, dtype, how it is made)."""
        raise NotImplementedError

    def _to_components(self):
        """The dense tensors this value is made of, in the order its spec rebuilds them."""
        return self._type_spec._to_components(self)


class TypeSpec:
    """The type of a composite: what its components are and how to rebuild it."""

    __slots__ = ()
    value_type = None

    @property
    def _component_specs(self):
        """A list of TensorSpecs, one per component (None where a dimension varies)."""
        raise NotImplementedError

    def _to_components(self, value):
        """The components of `value`: a composite of this type, or its NumPy value form
        (e.g. SparseTensorValue, or an (indices, values, dense_shape) tuple), as fed to
        Session.run. Returns a list of tensors or arrays."""
        return value._to_components()

    def _from_components(self, components):
        """The composite made of `components` (tensors: eager or symbolic)."""
        raise NotImplementedError

    def _from_numpy_components(self, arrays):
        """What Session.run returns for a fetched composite (e.g. a SparseTensorValue)."""
        return self._from_components(arrays)

    # tf.data: a composite component flows through a pipeline as one value; slicing and
    # batching it need these. A spec without them passes through from_tensors and iteration.
    def _batch(self, batch_size):
        """The spec of `batch_size` values of this type stacked (batch_size may be None)."""
        raise NotImplementedError(f"{type(self).__name__} cannot be batched.")

    def _unbatch(self):
        """The spec of one row of a value of this type."""
        raise NotImplementedError(f"{type(self).__name__} cannot be sliced.")

    def _to_rows(self, value):
        """The rows (first dimension) of `value`, each a value of `self._unbatch()`."""
        raise NotImplementedError(f"{type(self).__name__} cannot be sliced.")

    def _from_rows(self, rows):
        """The value of this (batched) spec made of `rows` (values of `self._unbatch()`)."""
        raise NotImplementedError(f"{type(self).__name__} cannot be batched.")


def is_composite(x):
    return isinstance(x, CompositeTensor)


def is_composite_or_spec(x):
    return isinstance(x, (CompositeTensor, TypeSpec))


def feed_items(feed_dict):
    """(key, value) pairs of a Session feed_dict with composite keys (a sparse_placeholder)
    replaced by their component placeholders and the matching parts of the value."""
    for key, value in feed_dict.items():
        if isinstance(key, CompositeTensor):
            keys = key._to_components()
            values = key._type_spec._to_components(value)
            if len(values) != len(keys):
                raise ValueError(f"Cannot feed {value!r} for {key!r}: it has {len(values)} "
                                 f"parts where {len(keys)} are needed.")
            yield from zip(keys, values)
        else:
            yield key, value
