"""Scatter ops: tensor_scatter_nd_update/add/sub and scatter_nd on tensors; TF1's
tf.scatter_update/add/sub/mul/div and scatter_nd_update/add/sub on variables; and the
Variable methods scatter_update/add/sub, scatter_nd_add/sub and count_up_to.

`indices` has shape `[..., K]`: each row holds K leading coordinates of `tensor`, and
`updates` has shape `indices.shape[:-1] + tensor.shape[K:]`. A variable's scatter is an
assign of the scattered read, so it runs eagerly, in tf.function and in a Session alike.
"""
from ..framework.errors import InvalidArgumentError, OutOfRangeError
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape
from ..framework.variables import Variable, _var_spec
from .array_ops import cast, convert_to_tensor, expand_dims, zeros, zeros_like
from .indexing_ops import gather_nd

_NO = {}


def _key(xp, name, tensor_shape, indices):
    indices = xp.asarray(indices)
    depth = indices.shape[-1]
    limits = xp.asarray(tuple(tensor_shape[:depth]))
    bad = ((indices < 0) | (indices >= limits)).any(axis=-1)
    if bool(bad.any()):
        where = tuple(xp.argwhere(bad)[0].tolist())
        raise InvalidArgumentError(
            f"{name}: indices{list(where)} = {indices[where].tolist()} does not index into "
            f"shape {list(tensor_shape)}.")
    return tuple(xp.moveaxis(indices, -1, 0))


def _same_as_tensor(ts, attrs):
    return [(ts[0].shape, ts[0].dtype)]


@op("TensorScatterUpdate", grad_inputs=(0, 2), infer=_same_as_tensor)
def TENSOR_SCATTER_UPDATE(xp, tensor, indices, updates):
    out = tensor.copy()
    out[_key(xp, "tensor_scatter_nd_update", tensor.shape, indices)] = updates
    return out


@op("TensorScatterAdd", grad_inputs=(0, 2), infer=_same_as_tensor)
def TENSOR_SCATTER_ADD(xp, tensor, indices, updates):
    out = tensor.copy()
    xp.add.at(out, _key(xp, "tensor_scatter_nd_add", tensor.shape, indices), updates)
    return out


@op("TensorScatterSub", grad_inputs=(0, 2), infer=_same_as_tensor)
def TENSOR_SCATTER_SUB(xp, tensor, indices, updates):
    out = tensor.copy()
    xp.subtract.at(out, _key(xp, "tensor_scatter_nd_sub", tensor.shape, indices), updates)
    return out


@TENSOR_SCATTER_UPDATE.gradient
def _update_grad(op, g):
    indices, updates = op.inputs[1], op.inputs[2]
    return [execute(TENSOR_SCATTER_UPDATE, (g, indices, zeros_like(updates)), _NO), None,
            gather_nd(g, indices)]


@TENSOR_SCATTER_ADD.gradient
def _add_grad(op, g):
    return [g, None, gather_nd(g, op.inputs[1])]


@TENSOR_SCATTER_SUB.gradient
def _sub_grad(op, g):
    return [g, None, -gather_nd(g, op.inputs[1])]


def _scatter_nd_infer(ts, attrs):
    return [(TensorShape(attrs["shape"]), ts[1].dtype)]


@op("ScatterNd", grad_inputs=(1,), infer=_scatter_nd_infer)
def SCATTER_ND(xp, indices, updates, shape):
    out = xp.zeros(shape, updates.dtype)
    xp.add.at(out, _key(xp, "scatter_nd", shape, indices), updates)
    return out


@SCATTER_ND.gradient
def _scatter_nd_grad(op, g):
    return [None, gather_nd(g, op.inputs[0])]


def _operands(fn, tensor, indices, updates):
    tensor = convert_to_tensor(tensor)
    indices = convert_to_tensor(indices)
    if not indices.dtype.is_integer:
        raise TypeError(f"{fn}: indices must be int32 or int64, got {indices.dtype.name}.")
    updates = convert_to_tensor(updates, dtype_hint=tensor.dtype)
    if updates.dtype != tensor.dtype:
        updates = cast(updates, tensor.dtype)
    depth = indices.shape[-1] if indices.shape.rank else None
    if depth is not None and tensor.shape.rank is not None:
        if depth > tensor.shape.rank:
            raise ValueError(f"{fn}: indices of depth {depth} (shape {indices.shape}) do not "
                             f"fit a tensor of shape {tensor.shape}.")
        want = TensorShape(indices.shape.dims[:-1] + tensor.shape.dims[depth:])
        if not updates.shape.is_compatible_with(want):
            raise ValueError(f"{fn}: updates must have shape indices.shape[:-1] + "
                             f"tensor.shape[{depth}:] = {want}, got {updates.shape}.")
    return tensor, indices, updates


def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """Returns a copy of `tensor` with the elements or slices at `indices` replaced by `updates`.

    Args:
      tensor: The `Tensor` to copy.
      indices: An integer tensor `[..., K]`: each row indexes the first K dimensions.
      updates: The values, of shape `indices.shape[:-1] + shape[K:]`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `tensor`'s shape and dtype.

    Raises:
      InvalidArgumentError: If an index is out of range.
    """
    args = _operands("tensor_scatter_nd_update", tensor, indices, updates)
    return execute(TENSOR_SCATTER_UPDATE, args, _NO, name)


def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    """Returns a copy of `tensor` with `updates` added at `indices` (repeated indices add up).

    Args:
      tensor: The `Tensor` to copy.
      indices: An integer tensor `[..., K]`: each row indexes the first K dimensions.
      updates: The values, of shape `indices.shape[:-1] + shape[K:]`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `tensor`'s shape and dtype.

    Raises:
      InvalidArgumentError: If an index is out of range.
    """
    args = _operands("tensor_scatter_nd_add", tensor, indices, updates)
    return execute(TENSOR_SCATTER_ADD, args, _NO, name)


def tensor_scatter_nd_sub(tensor, indices, updates, name=None):
    """Returns a copy of `tensor` with `updates` subtracted at `indices`.

    Args:
      tensor: The `Tensor` to copy.
      indices: An integer tensor `[..., K]`: each row indexes the first K dimensions.
      updates: The values, of shape `indices.shape[:-1] + shape[K:]`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `tensor`'s shape and dtype.

    Raises:
      InvalidArgumentError: If an index is out of range.
    """
    args = _operands("tensor_scatter_nd_sub", tensor, indices, updates)
    return execute(TENSOR_SCATTER_SUB, args, _NO, name)


def scatter_nd(indices, updates, shape, name=None):
    """Creates a tensor of zeros of `shape` and adds `updates` at `indices`.

    Repeated indices add up.

    Args:
      indices: An integer tensor `[..., K]`: each row indexes the first K dimensions.
      updates: The values, of shape `indices.shape[:-1] + shape[K:]`.
      shape: The result's shape (a list or 1-D integer tensor).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `shape` and `updates`' dtype.

    Raises:
      InvalidArgumentError: If an index is out of range.

    Example:

    >>> ndflow.scatter_nd([[1], [3]], [9, 8], [5]).numpy()
    array([0, 9, 0, 8, 0], dtype=int32)
    """
    shape = [int(d) for d in (shape.numpy() if hasattr(shape, "numpy") else shape)]
    updates = convert_to_tensor(updates)
    _, indices, updates = _operands("scatter_nd", zeros(shape, updates.dtype), indices,
                                    updates)
    return execute(SCATTER_ND, (indices, updates), {"shape": tuple(shape)}, name)


# --- on variables --------------------------------------------------------------------------------

def _check_ref(ref, fn):
    if not isinstance(ref, Variable):
        raise TypeError(f"{fn}: expected a Variable as `ref`, got {ref!r}.")


def _rows(indices):
    """First-axis indices (any shape) as [..., 1] coordinates."""
    return expand_dims(convert_to_tensor(indices), -1)


def _scatter_var(fn, ref, indices, updates, combine, name):
    _check_ref(ref, fn)
    value = combine(ref.read_value(), indices, updates, name=name)
    return ref.assign(value)


def _multiply_at(tensor, indices, updates, name=None):
    return _combine_at("scatter_mul", tensor, indices, updates, lambda old, u: old * u)


def _divide_at(tensor, indices, updates, name=None):
    return _combine_at("scatter_div", tensor, indices, updates, lambda old, u: old / u)


def _combine_at(fn, tensor, indices, updates, combine):
    tensor, indices, updates = _operands(fn, tensor, indices, updates)
    old = gather_nd(tensor, indices)
    return execute(TENSOR_SCATTER_UPDATE, (tensor, indices, combine(old, updates)), _NO)


def scatter_update(ref, indices, updates, use_locking=True, name=None):
    """tf.scatter_update: `ref[indices, ...] = updates` (indices along the first axis)."""
    return _scatter_var("scatter_update", ref, _rows(indices), updates,
                        tensor_scatter_nd_update, name)


def scatter_add(ref, indices, updates, use_locking=False, name=None):
    """tf.scatter_add: `ref[indices, ...] += updates` (repeated indices add up)."""
    return _scatter_var("scatter_add", ref, _rows(indices), updates, tensor_scatter_nd_add,
                        name)


def scatter_sub(ref, indices, updates, use_locking=False, name=None):
    """tf.scatter_sub: `ref[indices, ...] -= updates`."""
    return _scatter_var("scatter_sub", ref, _rows(indices), updates, tensor_scatter_nd_sub,
                        name)


def scatter_mul(ref, indices, updates, use_locking=False, name=None):
    """tf.scatter_mul: `ref[indices, ...] *= updates` (unique indices)."""
    return _scatter_var("scatter_mul", ref, _rows(indices), updates, _multiply_at, name)


def scatter_div(ref, indices, updates, use_locking=False, name=None):
    """tf.scatter_div: `ref[indices, ...] /= updates` (unique indices)."""
    return _scatter_var("scatter_div", ref, _rows(indices), updates, _divide_at, name)


def scatter_nd_update(ref, indices, updates, use_locking=True, name=None):
    """tf.scatter_nd_update: the slices of `ref` at `indices` ([..., K]) become updates."""
    return _scatter_var("scatter_nd_update", ref, indices, updates, tensor_scatter_nd_update,
                        name)


def scatter_nd_add(ref, indices, updates, use_locking=False, name=None):
    """tf.scatter_nd_add: `updates` added to `ref` at `indices` ([..., K])."""
    return _scatter_var("scatter_nd_add", ref, indices, updates, tensor_scatter_nd_add, name)


def scatter_nd_sub(ref, indices, updates, use_locking=False, name=None):
    """tf.scatter_nd_sub: `updates` subtracted from `ref` at `indices` ([..., K])."""
    return _scatter_var("scatter_nd_sub", ref, indices, updates, tensor_scatter_nd_sub, name)


@op("CountUpTo", uses_store=True, side_effect=True, differentiable=False, infer=_var_spec)
def COUNT_UP_TO(xp, store, var, limit):
    old = store.read(var)
    if old >= limit:
        raise OutOfRangeError(f"Reached limit of {limit} for {var.name}.")
    store.write(var, old + old.dtype.type(1))
    return old


def count_up_to(ref, limit, name=None):
    """Increments the integer variable `ref` and returns its value before; raises
    OutOfRangeError (when it runs) once that value reached `limit`."""
    _check_ref(ref, "count_up_to")
    if not ref.dtype.is_integer:
        raise TypeError(f"count_up_to: {ref.name} must be int32 or int64, got "
                        f"{ref.dtype.name}.")
    return execute(COUNT_UP_TO, (), {"var": ref, "limit": int(limit)}, name or "CountUpTo")


def _sparse_delta(fn):
    def method(self, sparse_delta, use_locking=False, name=None):
        return fn(self, sparse_delta.indices, sparse_delta.values, name=name)
    method.__name__ = fn.__name__
    method.__doc__ = f"{fn.__name__} with an IndexedSlices (indices, values) delta."
    return method


# thin Variable methods (TF's names), kept out of the framework
Variable.scatter_update = _sparse_delta(scatter_update)
Variable.scatter_add = _sparse_delta(scatter_add)
Variable.scatter_sub = _sparse_delta(scatter_sub)
Variable.scatter_mul = _sparse_delta(scatter_mul)
Variable.scatter_div = _sparse_delta(scatter_div)
Variable.scatter_nd_update = lambda self, indices, updates, name=None: scatter_nd_update(
    self, indices, updates, name=name)
Variable.scatter_nd_add = lambda self, indices, updates, name=None: scatter_nd_add(
    self, indices, updates, name=name)
Variable.scatter_nd_sub = lambda self, indices, updates, name=None: scatter_nd_sub(
    self, indices, updates, name=name)
Variable.count_up_to = lambda self, limit: count_up_to(self, limit)


from ..util.export import export_many  # noqa: E402

_TENSOR_OPS = {"tensor_scatter_nd_update": tensor_scatter_nd_update,
               "tensor_scatter_nd_add": tensor_scatter_nd_add,
               "tensor_scatter_nd_sub": tensor_scatter_nd_sub, "scatter_nd": scatter_nd}
export_many("", _TENSOR_OPS)
export_many("v1", dict(_TENSOR_OPS, scatter_update=scatter_update, scatter_add=scatter_add,
                       scatter_sub=scatter_sub, scatter_mul=scatter_mul, scatter_div=scatter_div,
                       scatter_nd_update=scatter_nd_update, scatter_nd_add=scatter_nd_add,
                       scatter_nd_sub=scatter_nd_sub, count_up_to=count_up_to))
