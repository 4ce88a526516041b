"""tf.roll and the block rearrangements tf.nn.space_to_depth / depth_to_space.

`space_to_depth` moves each `block_size x block_size` patch of pixels into the channels
(channel `(row_in_block * block_size + col_in_block) * C + c`), halving-style downsampling
without loss; `depth_to_space` is its inverse (the "pixel shuffle" of super-resolution
models). Each is the other's gradient.
"""
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.shape_fns import unary
from ..framework.tensor_shape import TensorShape
from .array_ops import _static_ints, transpose


@op("Roll", infer=unary)
def ROLL(xp, x, shift, axis):
    for a in axis:
        if not -x.ndim <= a < x.ndim:
            raise InvalidArgumentError(f"roll: axis {a} is out of range for a tensor of rank "
                                       f"{x.ndim}.")
    return xp.roll(x, shift, axis)


@ROLL.gradient
def _roll_grad(op, g):
    return [execute(ROLL, (g,), {"shift": tuple(-s for s in op.attrs["shift"]),
                                 "axis": op.attrs["axis"]})]


def roll(input, shift, axis, name=None):  # noqa: A002
    """Rolls the elements of `input` along `axis` by `shift` places (elements leaving one end
    come back at the other).

    Args:
      input: A `Tensor`.
      shift: An int or list of ints: how far to roll (negative: towards the start).
      axis: An int or list of ints, as many as `shift`; an axis listed twice rolls by the sum.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `input`'s shape and dtype.
    """
    shift = tuple(int(s) for s in _static_ints(shift, "shift", "roll"))
    axis = tuple(int(a) for a in _static_ints(axis, "axis", "roll"))
    if len(shift) != len(axis):
        raise ValueError(f"roll: shift and axis must have the same length, got {len(shift)} "
                         f"and {len(axis)}.")
    return execute(ROLL, (input,), {"shift": shift, "axis": axis}, name)


def _blocks_infer(to_depth):
    def infer(ts, attrs):
        s, b = ts[0].shape, attrs["block_size"]
        if s.rank != 4:
            return [(TensorShape(None) if s.rank is None else TensorShape([None] * 4),
                     ts[0].dtype)]
        n, h, w, c = s.as_list()
        scale = (lambda d, f: None if d is None else f(d))
        if to_depth:
            dims = [n, scale(h, lambda d: d // b), scale(w, lambda d: d // b),
                    scale(c, lambda d: d * b * b)]
        else:
            dims = [n, scale(h, lambda d: d * b), scale(w, lambda d: d * b),
                    scale(c, lambda d: d // (b * b))]
        return [(TensorShape(dims), ts[0].dtype)]
    return infer


@op("SpaceToDepth", infer=_blocks_infer(True))
def SPACE_TO_DEPTH(xp, x, block_size):
    n, h, w, c = x.shape
    b = block_size
    if h % b or w % b:
        raise InvalidArgumentError(f"space_to_depth: the height {h} and width {w} must be "
                                   f"divisible by block_size {b}.")
    blocks = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
    return xp.ascontiguousarray(blocks).reshape(n, h // b, w // b, b * b * c)


@op("DepthToSpace", infer=_blocks_infer(False))
def DEPTH_TO_SPACE(xp, x, block_size):
    n, h, w, c = x.shape
    b = block_size
    if c % (b * b):
        raise InvalidArgumentError(f"depth_to_space: the depth {c} must be divisible by "
                                   f"block_size * block_size = {b * b}.")
    pixels = x.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5)
    return xp.ascontiguousarray(pixels).reshape(n, h * b, w * b, c // (b * b))


@SPACE_TO_DEPTH.gradient
def _space_to_depth_grad(op, g):
    return [execute(DEPTH_TO_SPACE, (g,), op.attrs)]


@DEPTH_TO_SPACE.gradient
def _depth_to_space_grad(op, g):
    return [execute(SPACE_TO_DEPTH, (g,), op.attrs)]


def _blocks(kernel, what, input, block_size, data_format, name):  # noqa: A002
    if int(block_size) < 2:
        raise ValueError(f"{what}: block_size must be at least 2, got {block_size}.")
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"{what}: data_format must be 'NHWC' or 'NCHW', got "
                         f"{data_format!r}.")
    attrs = {"block_size": int(block_size)}
    if data_format == "NCHW":
        out = execute(kernel, (transpose(input, [0, 2, 3, 1]),), attrs)
        return transpose(out, [0, 3, 1, 2], name=name)
    return execute(kernel, (input,), attrs, name)


def space_to_depth(input, block_size, data_format="NHWC", name=None):  # noqa: A002
    """Moves each `block_size x block_size` block of pixels into the channels.

    Args:
      input: A 4-D `Tensor` `[batch, height, width, channels]` (NHWC) or NCHW; height and
        width must be multiples of `block_size`.
      block_size: An int >= 2.
      data_format: "NHWC" (default) or "NCHW".
      name: A name for the operation (optional).

    Returns:
      `[batch, height / block_size, width / block_size, channels * block_size**2]` (NHWC).
    """
    return _blocks(SPACE_TO_DEPTH, "space_to_depth", input, block_size, data_format, name)


def depth_to_space(input, block_size, data_format="NHWC", name=None):  # noqa: A002
    """Moves channels into `block_size x block_size` blocks of pixels (space_to_depth's
    inverse).

    Args:
      input: A 4-D `Tensor` (NHWC or NCHW) whose channels are a multiple of
        `block_size**2`.
      block_size: An int >= 2.
      data_format: "NHWC" (default) or "NCHW".
      name: A name for the operation (optional).

    Returns:
      `[batch, height * block_size, width * block_size, channels / block_size**2]` (NHWC).
    """
    return _blocks(DEPTH_TO_SPACE, "depth_to_space", input, block_size, data_format, name)


def _v1_blocks(fn):
    def v1(input, block_size, name=None, data_format="NHWC"):  # noqa: A002
        return fn(input, block_size, data_format, name)
    v1.__doc__ = f"TF1's argument order for `{fn.__name__}` (name before data_format)."
    return v1


from ..util.export import export_many  # noqa: E402

export_many("", {"roll": roll})
export_many("nn", {"space_to_depth": space_to_depth, "depth_to_space": depth_to_space})
export_many("v1", {"roll": roll, "space_to_depth": _v1_blocks(space_to_depth),
                   "depth_to_space": _v1_blocks(depth_to_space)})
export_many("v1.nn", {"space_to_depth": _v1_blocks(space_to_depth),
                      "depth_to_space": _v1_blocks(depth_to_space)})
