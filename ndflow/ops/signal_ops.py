"""tf.signal: discrete Fourier transforms (fft, rfft and their inverses in 1, 2 and 3
dimensions, fftshift), framing (frame, overlap_and_add), windows (hann, hamming, kaiser,
kaiser-bessel-derived, vorbis), short-time Fourier transforms (stft, inverse_stft), MDCTs,
mel filterbanks, DCTs and MFCCs.

The transforms run the array module's FFT (NumPy 2's computes float32/complex64 input in
single precision, as TensorFlow does; older NumPy in double precision) and return
TensorFlow's dtypes: complex64 from float32/complex64 input, complex128 from
float64/complex128, and the inverse real transforms float32/float64. Gradients use TensorFlow's convention for a real
loss of complex values (the gradient for `z = x + iy` is `dL/dx + i dL/dy`), so a linear
transform's gradient is its adjoint: `fft`'s is `n * ifft(dy)`, `rfft`'s the real part of
the zero-extended `n * ifft`, `irfft`'s `rfft(dy) / n` with the doubled middle bins.
Everything else (stft, dct, mfccs) is composed from those ops, so it is differentiable.
"""
import math

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape
from .array_ops import cast, convert_to_tensor, reshape, shape, transpose
from .indexing_ops import gather, slice as slice_
from .join_ops import pad, tile
from .linalg_ops import tensordot
from .creation_ops import range as range_
from .math_ops import floormod, reduce_prod, reduce_sum, square
from .complex_ops import complex_dtype, real_dtype

_NO = {}


# --- Fourier transforms -----------------------------------------------------------------------

def _inner(rank):
    return tuple(range(-rank, 0))


def _check_rank(x_shape, rank, name):
    if x_shape.rank is not None and x_shape.rank < rank:
        raise InvalidArgumentError(f"{name}: input must have rank at least {rank}. "
                                   f"Received: shape {x_shape}")


def _c2c(name, rank, inverse):
    fn_name = "ifftn" if inverse else "fftn"

    def kernel(xp, x):
        if x.ndim < rank:
            raise InvalidArgumentError(f"{name}: input must have rank at least {rank}. "
                                       f"Received: shape {x.shape}")
        return getattr(xp.fft, fn_name)(x, axes=_inner(rank)).astype(x.dtype, copy=False)

    def infer(ts, attrs):
        _check_rank(ts[0].shape, rank, name)
        _check_dtype(ts[0], name, True)
        return [(ts[0].shape, ts[0].dtype)]
    return op(name, infer=infer)(kernel)


FFT, IFFT = _c2c("FFT", 1, False), _c2c("IFFT", 1, True)
FFT2D, IFFT2D = _c2c("FFT2D", 2, False), _c2c("IFFT2D", 2, True)
FFT3D, IFFT3D = _c2c("FFT3D", 3, False), _c2c("IFFT3D", 3, True)
_C2C = {(1, False): FFT, (1, True): IFFT, (2, False): FFT2D, (2, True): IFFT2D,
        (3, False): FFT3D, (3, True): IFFT3D}


def _inner_size(x, rank, dtype):
    """The number of elements in the inner `rank` dimensions of `x`, as a `dtype` scalar."""
    return cast(reduce_prod(shape(x)[-rank:]), dtype)


def _c2c_grad(rank, inverse):
    def grad(op, g):
        n = _inner_size(g, rank, g.dtype)
        adjoint = execute(_C2C[(rank, not inverse)], (g,), _NO)
        return [adjoint / n if inverse else adjoint * n]
    return grad


for (_rank, _inv), _opdef in _C2C.items():
    _opdef.gradient(_c2c_grad(_rank, _inv))


def _fit(x, dims, rank):
    """`x` cropped or zero-padded at the end of each of its inner `rank` axes to `dims`
    (static shapes; for dct's `n`)."""
    shape = x.shape.as_list()
    lead = len(shape) - rank
    if any(d is None for d in shape[lead:]):
        raise InvalidArgumentError(f"Expected static inner dimensions. Received: {x.shape}")
    inner = shape[lead:]
    if any(have > want for have, want in zip(inner, dims)):
        x = slice_(x, [0] * len(shape), [-1] * lead + [min(h, w) for h, w in zip(inner, dims)])
    if any(have < want for have, want in zip(inner, dims)):
        x = pad(x, [[0, 0]] * lead + [[0, max(w - h, 0)] for h, w in zip(inner, dims)])
    return x


def _fit_array(xp, a, dims):
    """Array `a` cropped or zero-padded at the end of its last `len(dims)` axes to `dims`."""
    lead = a.ndim - len(dims)
    a = a[(Ellipsis,) + tuple(slice(0, d) for d in dims)]
    widths = [(0, 0)] * lead + [(0, d - s) for s, d in zip(a.shape[lead:], dims)]
    return xp.pad(a, widths) if any(w for _, w in widths) else a


def _lengths(shape, fft_length, rank, inverse):
    """The transform lengths: `fft_length`, or (None) the input's inner dimensions, whose
    innermost is `2 * (n - 1)` for an inverse real transform."""
    if fft_length is not None:
        return tuple(fft_length)
    dims = list(shape[-rank:])
    if inverse and dims[-1] is not None:
        dims[-1] = 2 * (dims[-1] - 1)
    return tuple(dims)


def _complex_of(a):
    return np.complex64 if a.dtype in (np.float32, np.complex64) else np.complex128


def _real_of(a):
    return np.float32 if a.dtype in (np.float32, np.complex64) else np.float64


def _rfftn(xp, x, lengths, rank):
    if not all(lengths):
        return xp.zeros(x.shape[:-rank] + tuple(lengths[:-1]) + (lengths[-1] // 2 + 1,),
                        _complex_of(x))
    return xp.fft.rfftn(x, s=lengths, axes=_inner(rank)).astype(_complex_of(x), copy=False)


def _irfftn(xp, w, lengths, rank):
    if not all(lengths):
        return xp.zeros(w.shape[:-rank] + tuple(lengths), _real_of(w))
    return xp.fft.irfftn(w, s=lengths, axes=_inner(rank)).astype(_real_of(w), copy=False)


def _check_dtype(t, name, complex_input):
    ok = t.dtype.is_complex if complex_input else t.dtype.is_floating
    if not ok:
        wanted = "complex64 or complex128" if complex_input else "float32 or float64"
        raise InvalidArgumentError(f"{name}: input must be {wanted}. Received: "
                                   f"dtype={t.dtype.name}")


def _real_infer(name, rank, inverse):
    def infer(ts, attrs):
        x = ts[0]
        _check_rank(x.shape, rank, name)
        _check_dtype(x, name, inverse)
        if x.shape.rank is None:
            return [(TensorShape(None), real_dtype(x.dtype) if inverse else
                     complex_dtype(x.dtype))]
        dims = x.shape.as_list()
        lengths = list(_lengths(dims, attrs["fft_length"], rank, inverse))
        if inverse:
            return [(TensorShape(dims[:-rank] + lengths), real_dtype(x.dtype))]
        last = None if lengths[-1] is None else lengths[-1] // 2 + 1
        return [(TensorShape(dims[:-rank] + lengths[:-1] + [last]), complex_dtype(x.dtype))]
    return infer


def _like_second(ts, attrs):  # a gradient op: the shape and dtype of the forward input
    return [(ts[1].shape, ts[1].dtype)]


def _real_ops(rank, suffix):
    """RFFT<suffix>, IRFFT<suffix> and their gradient ops. Each gradient op takes the
    forward input too (for its shape, known only at run time in a graph with unknown
    dimensions) and is the adjoint of its forward op, so the gradient of a gradient op
    is the forward op again."""
    @op("RFFT" + suffix, infer=_real_infer("RFFT" + suffix, rank, False))
    def forward(xp, x, fft_length):
        return _rfftn(xp, x, _lengths(x.shape, fft_length, rank, False), rank)

    @op("IRFFT" + suffix, infer=_real_infer("IRFFT" + suffix, rank, True))
    def inverse(xp, w, fft_length):
        return _irfftn(xp, w, _lengths(w.shape, fft_length, rank, True), rank)

    @op("RFFT" + suffix + "Grad", infer=_like_second, grad_inputs=(0,))
    def forward_grad(xp, g, x, fft_length):
        """Re(n * ifft) of the half spectrum zero-extended to the full one."""
        lengths = _lengths(x.shape, fft_length, rank, False)
        full = _fit_array(xp, g, lengths)
        gx = xp.real(xp.fft.ifftn(full, axes=_inner(rank))) * float(math.prod(lengths)) \
            if all(lengths) else xp.zeros(full.shape)
        return xp.ascontiguousarray(_fit_array(xp, gx, x.shape[-rank:])).astype(x.dtype)

    @op("IRFFT" + suffix + "Grad", infer=_like_second, grad_inputs=(0,))
    def inverse_grad(xp, g, w, fft_length):
        """rfft(dy) / n, doubled on the bins that stand for two (their mirrored twins)."""
        lengths = _lengths(w.shape, fft_length, rank, True)
        half = lengths[-1] // 2 + 1
        mask = xp.full(half, 2.0)
        mask[0] = 1.0
        if lengths[-1] % 2 == 0:
            mask[-1] = 1.0
        gw = _rfftn(xp, g, lengths, rank) * (mask / max(float(math.prod(lengths)), 1.0))
        return xp.ascontiguousarray(_fit_array(xp, gw, w.shape[-rank:])).astype(w.dtype)

    forward.gradient(lambda op, g: [execute(forward_grad, (g, op.inputs[0]), op.attrs)])
    inverse.gradient(lambda op, g: [execute(inverse_grad, (g, op.inputs[0]), op.attrs)])
    forward_grad.gradient(lambda op, g: [execute(forward, (g,), op.attrs), None])
    inverse_grad.gradient(lambda op, g: [execute(inverse, (g,), op.attrs), None])
    return forward, inverse


_RFFT, _IRFFT = {}, {}
for _rank, _suffix in ((1, ""), (2, "2D"), (3, "3D")):
    _RFFT[_rank], _IRFFT[_rank] = _real_ops(_rank, _suffix)
RFFT, IRFFT = _RFFT[1], _IRFFT[1]


def _fft_lengths(fft_length, rank):
    """A given fft_length as a tuple of ints (None stays None: the input's lengths)."""
    if fft_length is None:
        return None
    lengths = np.asarray(fft_length.numpy() if hasattr(fft_length, "numpy") else fft_length)
    lengths = tuple(int(v) for v in lengths.reshape(-1))
    if len(lengths) != rank or any(v < 0 for v in lengths):
        raise InvalidArgumentError(f"fft_length must hold {rank} non-negative lengths. "
                                   f"Received: fft_length={list(lengths)}")
    return lengths


def _public_c2c(rank, inverse, tf_name):
    def fn(input, name=None):  # noqa: A002
        x = convert_to_tensor(input)
        _check_dtype(x, tf_name, True)
        return execute(_C2C[(rank, inverse)], (x,), _NO, name)
    what = "inverse " if inverse else ""
    axes = "innermost dimension" if rank == 1 else f"{rank} innermost dimensions"
    fn.__name__ = tf_name
    fn.__doc__ = (f"The {what}discrete Fourier transform over the {axes} of a complex "
                  f"`input`.\n\n    Args:\n      input: A `complex64` or `complex128` "
                  f"`Tensor` of rank >= {rank}.\n      name: A name for the operation "
                  f"(optional).\n\n    Returns:\n      A `Tensor` of the shape and dtype of "
                  f"`input`{' (scaled by 1/n)' if inverse else ''}.\n\n    Gradient: "
                  f"{'fft(dy) / n' if inverse else 'n * ifft(dy)'} over the same axes, n the "
                  f"number of transformed elements.\n")
    return fn


def _public_rfft(rank, inverse, tf_name):
    opdef = (_IRFFT if inverse else _RFFT)[rank]

    def fn(input_tensor, fft_length=None, name=None):
        x = convert_to_tensor(input_tensor)
        _check_dtype(x, tf_name, inverse)
        _check_rank(x.shape, rank, tf_name)
        return execute(opdef, (x,), {"fft_length": _fft_lengths(fft_length, rank)}, name)
    axes = "innermost dimension" if rank == 1 else f"{rank} innermost dimensions"
    fn.__name__ = tf_name
    if inverse:
        fn.__doc__ = (f"The inverse of `rfft{'' if rank == 1 else f'{rank}d'}`: the real "
                      f"signal whose half spectrum over the {axes} is `input_tensor`.\n\n"
                      "    Args:\n      input_tensor: A `complex64` or `complex128` `Tensor`."
                      "\n      fft_length: The output's inner lengths (a list of "
                      f"{rank}); the innermost input dimension is cropped or zero-padded to "
                      "`fft_length[-1] // 2 + 1`, the others to `fft_length`. Default: the "
                      "input's, with the innermost `2 * (n - 1)`.\n      name: A name for "
                      "the operation (optional).\n\n    Returns:\n      A `float32` "
                      "(`float64` for `complex128`) `Tensor`. The imaginary parts of the bins "
                      "without a mirrored twin (0 and, for even lengths, n / 2) are ignored."
                      "\n\n    Gradient: `rfft(dy) / n`, doubled on the bins that stand for "
                      "two.\n")
    else:
        fn.__doc__ = (f"The discrete Fourier transform of a real signal over its {axes}, "
                      "keeping the non-negative frequencies of the innermost one.\n\n"
                      "    Args:\n      input_tensor: A `float32` or `float64` `Tensor`.\n"
                      f"      fft_length: The transform's lengths (a list of {rank}); the "
                      "input is cropped or zero-padded to them. Default: the input's inner "
                      "dimensions.\n      name: A name for the operation (optional).\n\n"
                      "    Returns:\n      A `complex64` (`complex128` for `float64`) "
                      "`Tensor` whose innermost dimension is `fft_length[-1] // 2 + 1`.\n\n"
                      "    Gradient: the real part of `n * ifft` of the zero-extended `dy`.\n")
    return fn


fft, ifft = _public_c2c(1, False, "fft"), _public_c2c(1, True, "ifft")
fft2d, ifft2d = _public_c2c(2, False, "fft2d"), _public_c2c(2, True, "ifft2d")
fft3d, ifft3d = _public_c2c(3, False, "fft3d"), _public_c2c(3, True, "ifft3d")
rfft, irfft = _public_rfft(1, False, "rfft"), _public_rfft(1, True, "irfft")
rfft2d, irfft2d = _public_rfft(2, False, "rfft2d"), _public_rfft(2, True, "irfft2d")
rfft3d, irfft3d = _public_rfft(3, False, "rfft3d"), _public_rfft(3, True, "irfft3d")


def _shift(x, axes, sign):
    """Rolls each of `axes` by `sign * (n // 2)`: a gather with a constant permutation when
    the size is static, one computed at run time (floormod of a range) when it is not."""
    x = convert_to_tensor(x)
    rank = x.shape.rank
    if rank is None:
        raise InvalidArgumentError("fftshift/ifftshift need an input of known rank.")
    axes = range(rank) if axes is None else ([axes] if np.ndim(axes) == 0 else list(axes))
    for a in axes:
        a = int(a) % rank
        n = x.shape.as_list()[a]
        if n is None:
            size = shape(x)[a]
            index = floormod(range_(size) - sign * (size // 2), size)
        elif n == 0:
            continue
        else:
            index = (np.arange(n) - sign * (n // 2)) % n
        x = gather(x, index, axis=a)
    return x


def fftshift(x, axes=None, name=None):
    """Moves the zero-frequency bin to the centre of the spectrum: rolls each of `axes`
    (default all) by `n // 2`. The inverse is `ifftshift`."""
    return _shift(x, axes, 1)


def ifftshift(x, axes=None, name=None):
    """The inverse of `fftshift`: rolls each of `axes` (default all) by `-(n // 2)`."""
    return _shift(x, axes, -1)


# --- framing ----------------------------------------------------------------------------------

def _frame_count(n, length, step, pad_end):
    if n is None:
        return None
    return -(-n // step) if pad_end else max(0, 1 + (n - length) // step)


def _frame_infer(ts, attrs):
    shape = ts[0].shape
    if shape.rank is None:
        return [(TensorShape(None), ts[0].dtype)]
    frames = _frame_count(shape.as_list()[-1], attrs["frame_length"], attrs["frame_step"],
                          attrs["pad_end"])
    return [(TensorShape(shape.as_list()[:-1] + [frames, attrs["frame_length"]]),
             ts[0].dtype)]


def _frame_array(xp, x, length, step, pad_end=False, pad_value=0):
    n = x.shape[-1]
    frames = _frame_count(n, length, step, pad_end)
    extra = max(0, length + step * (frames - 1) - n) if pad_end else 0
    if extra:
        x = xp.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, extra)], constant_values=pad_value)
    index = step * xp.arange(frames)[:, None] + xp.arange(length)[None, :]
    return x[..., index]


def _overlap_array(xp, frames, step):
    """[..., frames, length] -> [..., (frames - 1) * step + length], overlapping parts summed
    (one slice-add per step-wide piece of a frame, not one per frame)."""
    *lead, count, length = frames.shape
    lead = tuple(lead)
    pieces = max(1, -(-length // step))
    padded = xp.zeros(lead + (count, pieces * step), frames.dtype)
    padded[..., :length] = frames
    padded = padded.reshape(lead + (count, pieces, step))
    out = xp.zeros(lead + ((count + pieces - 1) * step,), frames.dtype)
    for j in range(pieces):
        out[..., j * step:(j + count) * step] += padded[..., :, j, :].reshape(
            lead + (count * step,))
    return out[..., :0 if count == 0 else (count - 1) * step + length]


@op("SignalFrame", infer=_frame_infer)
def FRAME(xp, x, frame_length, frame_step, pad_end, pad_value):
    """[..., n] -> [..., frames, frame_length] (the end padded with pad_value first when
    pad_end)."""
    return _frame_array(xp, x, frame_length, frame_step, pad_end, pad_value)


@op("SignalFrameGrad", infer=_like_second, grad_inputs=(0,))
def FRAME_GRAD(xp, g, x, frame_length, frame_step, pad_end):
    """The frames' gradients summed back onto the samples (the padding's dropped)."""
    return xp.ascontiguousarray(_fit_array(xp, _overlap_array(xp, g, frame_step),
                                           (x.shape[-1],)))


def _overlap_infer(ts, attrs):
    shape = ts[0].shape
    if shape.rank is None:
        return [(TensorShape(None), ts[0].dtype)]
    count, length = shape.as_list()[-2:]
    n = None if count is None or length is None else \
        0 if count == 0 else (count - 1) * attrs["frame_step"] + length
    return [(TensorShape(shape.as_list()[:-2] + [n]), ts[0].dtype)]


@op("SignalOverlapAndAdd", infer=_overlap_infer)
def OVERLAP_AND_ADD(xp, frames, frame_step):
    return _overlap_array(xp, frames, frame_step)


@op("SignalOverlapAndAddGrad", infer=_like_second, grad_inputs=(0,))
def OVERLAP_AND_ADD_GRAD(xp, g, frames, frame_step):
    """The signal's gradient cut back into the frames' layout."""
    return _frame_array(xp, g, frames.shape[-1], frame_step)


FRAME.gradient(lambda op, g: [execute(FRAME_GRAD, (g, op.inputs[0]), {
    k: op.attrs[k] for k in ("frame_length", "frame_step", "pad_end")})])
FRAME_GRAD.gradient(lambda op, g: [execute(FRAME, (g,), dict(op.attrs, pad_value=0)), None])
OVERLAP_AND_ADD.gradient(
    lambda op, g: [execute(OVERLAP_AND_ADD_GRAD, (g, op.inputs[0]), op.attrs)])
OVERLAP_AND_ADD_GRAD.gradient(lambda op, g: [execute(OVERLAP_AND_ADD, (g,), op.attrs), None])


def _static_int(value, what):
    value = value.numpy() if hasattr(value, "numpy") else value
    if np.ndim(value) != 0:
        raise InvalidArgumentError(f"{what} must be a scalar. Received: {what}={value!r}")
    return int(value)


def _scalar(value):
    value = value.numpy() if hasattr(value, "numpy") else value
    return np.asarray(value).item()


def _to_last(x, axis):
    rank = x.shape.rank
    axis = axis % rank
    if axis == rank - 1:
        return x, None
    perm = [i for i in range(rank) if i != axis] + [axis]
    return transpose(x, perm), axis


def frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1, name=None):
    """Slices `signal` along `axis` into frames of `frame_length` samples, `frame_step`
    apart (they overlap when the step is shorter).

    Args:
      signal: A `Tensor` of shape `[..., samples, ...]`.
      frame_length: The number of samples per frame (an int).
      frame_step: The number of samples between frame starts (an int).
      pad_end: Whether to pad the end of `signal` with `pad_value` so that every sample
        is in a frame: then there are `ceil(samples / frame_step)` frames; otherwise
        `max(0, 1 + (samples - frame_length) // frame_step)`.
      pad_value: The value padding uses.
      axis: The axis to frame.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of shape `signal.shape[:axis] + [frames, frame_length] +
      signal.shape[axis + 1:]`.

    Gradient: the frames' gradients summed back onto the samples they came from.

    Example:

    >>> ndflow.signal.frame([1, 2, 3, 4, 5], 3, 2).numpy()
    array([[1, 2, 3],
           [3, 4, 5]], dtype=int32)
    """
    x = convert_to_tensor(signal)
    length = _static_int(frame_length, "frame_length")
    step = _static_int(frame_step, "frame_step")
    if length <= 0 or step <= 0:
        raise InvalidArgumentError(f"frame_length and frame_step must be positive. Received: "
                                   f"frame_length={length}, frame_step={step}")
    if x.shape.rank is None or x.shape.rank == 0:
        raise InvalidArgumentError(f"frame: signal must have rank >= 1. Received: {x.shape}")
    x, moved = _to_last(x, _static_int(axis, "axis"))
    out = execute(FRAME, (x,), {"frame_length": length, "frame_step": step,
                                "pad_end": bool(pad_end),
                                "pad_value": _scalar(pad_value)}, name)
    if moved is not None:  # frames and frame_length back at the framed axis
        rank = out.shape.rank
        perm = list(range(moved)) + [rank - 2, rank - 1] + list(range(moved, rank - 2))
        out = transpose(out, perm)
    return out


def overlap_and_add(signal, frame_step, name=None):
    """Sums overlapping frames back into a signal: the inverse layout of `frame`.

    Args:
      signal: A `Tensor` of shape `[..., frames, frame_length]`.
      frame_step: The number of samples between frame starts (an int).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of shape `[..., (frames - 1) * frame_step + frame_length]`.

    Gradient: `frame(dy, frame_length, frame_step)`.
    """
    x = convert_to_tensor(signal)
    step = _static_int(frame_step, "frame_step")
    if step <= 0:
        raise InvalidArgumentError(f"frame_step must be positive. Received: {step}")
    if x.shape.rank is None or x.shape.rank < 2:
        raise InvalidArgumentError(f"overlap_and_add: signal must have rank >= 2. "
                                   f"Received: {x.shape}")
    return execute(OVERLAP_AND_ADD, (x,), {"frame_step": step}, name)


# --- windows ----------------------------------------------------------------------------------

def _raised_cosine(window_length, periodic, dtype, a, b):
    n = _static_int(window_length, "window_length")
    dtype = _window_dtype(dtype)
    if n == 1:
        return convert_to_tensor(np.ones(1, dtype._np))
    # TensorFlow's periodic window divides by n only for even lengths; odd lengths are
    # always symmetric (denominator n - 1)
    denominator = n - 1 + (1 if periodic and n % 2 == 0 else 0)
    count = np.arange(n, dtype=np.float64)
    return convert_to_tensor((a - b * np.cos(2.0 * np.pi * count / max(denominator, 1)))
                             .astype(dtype._np))


def hann_window(window_length, periodic=True, dtype=dtypes.float32, name=None):
    """A Hann window of `window_length` samples: `0.5 - 0.5 cos(2 pi n / N)`.

    `periodic=True` (for spectral analysis) uses `N = window_length` for even lengths;
    otherwise, and for every odd length (as TensorFlow does), `N = window_length - 1`.
    Returns a `Tensor` of `dtype` (floating point)."""
    return _raised_cosine(window_length, periodic, dtype, 0.5, 0.5)


def hamming_window(window_length, periodic=True, dtype=dtypes.float32, name=None):
    """A Hamming window of `window_length` samples: `0.54 - 0.46 cos(2 pi n / N)`, `N` as in
    `hann_window`. Returns a `Tensor` of `dtype` (floating point)."""
    return _raised_cosine(window_length, periodic, dtype, 0.54, 0.46)


def _window_dtype(dtype):
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"window dtype must be floating point. Received: dtype={dtype.name}")
    return dtype


def _kaiser(n, beta):
    if n == 1:
        return np.ones(1)
    ratio = 2.0 * np.arange(n, dtype=np.float64) / max(n - 1, 1) - 1.0
    return np.i0(beta * np.sqrt(np.maximum(0.0, 1.0 - ratio * ratio))) / np.i0(beta)


def kaiser_window(window_length, beta=12.0, dtype=dtypes.float32, name=None):
    """A Kaiser window of `window_length` samples: `I0(beta sqrt(1 - (2n / (N - 1) - 1)**2))
    / I0(beta)` (I0 the modified Bessel function of order 0). Larger `beta` narrows it."""
    dtype = _window_dtype(dtype)
    n = _static_int(window_length, "window_length")
    return convert_to_tensor(_kaiser(n, float(beta)).astype(dtype._np))


def kaiser_bessel_derived_window(window_length, beta=12.0, dtype=dtypes.float32, name=None):
    """The Kaiser-Bessel-derived window (for MDCTs): the square roots of the normalised
    running sums of a Kaiser window of `window_length // 2 + 1` samples, mirrored, so that
    `w[n]**2 + w[n + N/2]**2 == 1`. Its length is `2 * (window_length // 2)`."""
    dtype = _window_dtype(dtype)
    half = _static_int(window_length, "window_length") // 2
    sums = np.cumsum(_kaiser(half + 1, float(beta)))
    rising = np.sqrt(sums[:half] / sums[-1])
    return convert_to_tensor(np.concatenate([rising, rising[::-1]]).astype(dtype._np))


def vorbis_window(window_length, dtype=dtypes.float32, name=None):
    """The Vorbis power-complementary window: `sin(pi / 2 * sin(pi (n + 0.5) / N)**2)`."""
    dtype = _window_dtype(dtype)
    n = _static_int(window_length, "window_length")
    inner = np.sin(np.pi * (np.arange(n, dtype=np.float64) + 0.5) / max(n, 1))
    return convert_to_tensor(np.sin(np.pi / 2.0 * inner * inner).astype(dtype._np))


def _mdct_basis(half, dtype):
    """`[2 * half, half]`: cos(pi / half * (n + 1/2 + half / 2) * (k + 1/2))."""
    n = np.arange(2 * half, dtype=np.float64)[:, None]
    k = np.arange(half, dtype=np.float64)[None, :]
    return np.cos(np.pi / half * (n + 0.5 + half / 2.0) * (k + 0.5)).astype(dtype._np)


def _mdct_norm(norm):
    if norm not in (None, "ortho"):
        raise ValueError(f"norm must be None or 'ortho'. Received: norm={norm!r}")


def mdct(signals, frame_length, window_fn=vorbis_window, pad_end=False, norm=None,
         name=None):
    """The modified discrete cosine transform of real `signals`: frames of `frame_length`
    samples (a multiple of 4), `frame_length // 2` apart, windowed by `window_fn` (none:
    scaled by `1 / sqrt(2)`), each mapped to `frame_length // 2` coefficients.

    Returns `[..., frames, frame_length // 2]`, scaled by 2 (`norm=None`) or by
    `sqrt(2 / (frame_length / 2))` (`norm="ortho"`), as TensorFlow scales them."""
    _mdct_norm(norm)
    x = convert_to_tensor(signals)
    if not x.dtype.is_floating:
        raise InvalidArgumentError(f"mdct: signals must be float32 or float64. Received: "
                                   f"dtype={x.dtype.name}")
    length = _static_int(frame_length, "frame_length")
    if length % 4:
        raise ValueError(f"The frame length must be a multiple of 4. Received: {length}")
    half = length // 2
    framed = frame(x, length, half, pad_end=pad_end)
    if window_fn is not None:
        framed = framed * window_fn(length, dtype=x.dtype)
    else:
        framed = framed * cast(1.0 / math.sqrt(2.0), x.dtype)
    scale = 2.0 if norm is None else math.sqrt(2.0 / half)
    return tensordot(framed, convert_to_tensor(_mdct_basis(half, x.dtype) * scale), 1)


def inverse_mdct(mdcts, window_fn=vorbis_window, norm=None, name=None):
    """Signals rebuilt from `mdct` coefficients `[..., frames, N]`: each frame's inverse
    transform (`2 N` samples), windowed by `window_fn` (none: scaled by `1 / sqrt(2)`) and
    overlap-added `N` apart. Scaled by `1 / N` (`norm=None`) or `sqrt(2 / N)` ("ortho"), so
    it inverts `mdct` with the same window and norm for power-complementary windows."""
    _mdct_norm(norm)
    z = convert_to_tensor(mdcts)
    if not z.dtype.is_floating:
        raise InvalidArgumentError(f"inverse_mdct: mdcts must be float32 or float64. "
                                   f"Received: dtype={z.dtype.name}")
    half = z.shape.as_list()[-1] if z.shape.rank else None
    if half is None:
        raise InvalidArgumentError("inverse_mdct needs a static innermost dimension.")
    scale = 1.0 / half if norm is None else math.sqrt(2.0 / half)
    frames = tensordot(z, convert_to_tensor(_mdct_basis(half, z.dtype).T * scale), 1)
    if window_fn is not None:
        frames = frames * window_fn(2 * half, dtype=z.dtype)
    else:
        frames = frames * cast(1.0 / math.sqrt(2.0), z.dtype)
    return overlap_and_add(frames, half, name=name)


# --- short-time Fourier transforms --------------------------------------------------------

def _default_fft_length(frame_length):
    return 1 << max(0, int(math.ceil(math.log2(frame_length)))) if frame_length > 0 else 0


def stft(signals, frame_length, frame_step, fft_length=None, window_fn=hann_window,
         pad_end=False, name=None):
    """The short-time Fourier transform of real `signals`: windowed frames, each rfft'd.

    Args:
      signals: A `float32`/`float64` `Tensor` of shape `[..., samples]`.
      frame_length: Samples per frame (an int).
      frame_step: Samples between frame starts (an int).
      fft_length: The FFT length (frames are zero-padded to it). Default: the smallest
        power of 2 holding `frame_length`.
      window_fn: `window_fn(frame_length, dtype=...)` gives the window; None for none.
      pad_end: Whether to pad the end of `signals` with zeros (see `frame`).
      name: A name for the operation (optional).

    Returns:
      A `complex64` (`complex128` for `float64`) `Tensor` of shape
      `[..., frames, fft_length // 2 + 1]`.

    Gradient: through `frame`, the window product and `rfft`.
    """
    x = convert_to_tensor(signals)
    if not x.dtype.is_floating:
        raise InvalidArgumentError(f"stft: signals must be float32 or float64. Received: "
                                   f"dtype={x.dtype.name}")
    length = _static_int(frame_length, "frame_length")
    fft_length = _default_fft_length(length) if fft_length is None else \
        _static_int(fft_length, "fft_length")
    framed = frame(x, length, frame_step, pad_end=pad_end)
    if window_fn is not None:
        framed = framed * window_fn(length, dtype=x.dtype)
    return rfft(framed, [fft_length], name=name)


def inverse_stft_window_fn(frame_step, forward_window_fn=hann_window, name=None):
    """A window function for `inverse_stft` that undoes `forward_window_fn`'s weighting:
    the forward window divided by the sum of its squares over the frames that overlap
    each sample (perfect reconstruction for windows whose squares overlap-add to a
    constant)."""
    step = _static_int(frame_step, "frame_step")

    def inverse_window_fn(frame_length, dtype):
        length = _static_int(frame_length, "frame_length")
        window = convert_to_tensor(forward_window_fn(length, dtype=dtype))
        overlaps = -(-length // step)
        squares = pad(square(window), [[0, overlaps * step - length]])
        denominator = reduce_sum(reshape(squares, [overlaps, step]), 0, keepdims=True)
        denominator = reshape(tile(denominator, [overlaps, 1]), [overlaps * step])
        return window / denominator[:length]
    return inverse_window_fn


def inverse_stft(stfts, frame_length, frame_step, fft_length=None, window_fn=hann_window,
                 name=None):
    """Rebuilds signals from `stft` output: each frame irfft'd, cut (or zero-padded) to
    `frame_length`, windowed by `window_fn` and overlap-added.

    For reconstruction, pass `window_fn=inverse_stft_window_fn(frame_step)` (with the
    forward window). Returns a `float32` (`float64` for `complex128`) `Tensor` of shape
    `[..., (frames - 1) * frame_step + frame_length]`."""
    z = convert_to_tensor(stfts)
    length = _static_int(frame_length, "frame_length")
    fft_length = _default_fft_length(length) if fft_length is None else \
        _static_int(fft_length, "fft_length")
    frames = irfft(z, [fft_length])
    if length < fft_length:
        frames = frames[..., :length]
    elif length > fft_length:
        frames = pad(frames, [[0, 0]] * (frames.shape.rank - 1) + [[0, length - fft_length]])
    if window_fn is not None:
        frames = frames * window_fn(length, dtype=frames.dtype)
    return overlap_and_add(frames, frame_step, name=name)


# --- mel filterbanks, DCT, MFCCs ------------------------------------------------------------

_MEL_BREAK_HZ, _MEL_HIGH_Q = 700.0, 1127.0


def _hertz_to_mel(hz):
    return _MEL_HIGH_Q * np.log1p(np.asarray(hz, np.float64) / _MEL_BREAK_HZ)


def linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129, sample_rate=8000,
                                lower_edge_hertz=125.0, upper_edge_hertz=3800.0,
                                dtype=dtypes.float32, name=None):
    """A `[num_spectrogram_bins, num_mel_bins]` matrix that maps linear-frequency magnitude
    bins (of an rfft of length `2 * (num_spectrogram_bins - 1)`) to mel bands: triangular
    filters evenly spaced on the HTK mel scale `1127 ln(1 + f / 700)` between the edges.
    The DC bin's row is zero. Multiply a spectrogram by it with `tensordot(..., 1)`."""
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"dtype must be a floating point type. Received: {dtype.name}")
    mels, bins = int(num_mel_bins), int(num_spectrogram_bins)
    rate = float(sample_rate.numpy() if hasattr(sample_rate, "numpy") else sample_rate)
    lower, upper = float(lower_edge_hertz), float(upper_edge_hertz)
    if mels <= 0:
        raise ValueError(f"num_mel_bins must be positive. Received: {mels}")
    if rate <= 0.0:
        raise ValueError(f"sample_rate must be positive. Received: {rate}")
    if lower < 0.0:
        raise ValueError(f"lower_edge_hertz must be non-negative. Received: {lower}")
    if lower >= upper:
        raise ValueError(f"lower_edge_hertz {lower} >= upper_edge_hertz {upper}")
    if upper > rate / 2:
        raise ValueError(f"upper_edge_hertz must not be larger than the Nyquist frequency "
                         f"(sample_rate / 2). Received: {upper} for sample_rate: {rate}")
    # in float64, then cast: TensorFlow computes in `dtype`, and float32 mel values
    # (~3000, ulp 2.4e-4) move its weights by up to ~1e-5 from the exact ones
    spectrogram_mel = _hertz_to_mel(np.linspace(0.0, rate / 2, bins)[1:])[:, None]
    edges = np.linspace(_hertz_to_mel(lower), _hertz_to_mel(upper), mels + 2)
    low, centre, high = edges[:-2], edges[1:-1], edges[2:]
    rising = (spectrogram_mel - low) / (centre - low)
    falling = (high - spectrogram_mel) / (high - centre)
    weights = np.maximum(0.0, np.minimum(rising, falling))
    weights = np.concatenate([np.zeros((1, mels)), weights], axis=0)
    return convert_to_tensor(weights.astype(dtype._np))


def _dct_basis(n_in, dct_type, norm):
    """The `[n, n]` matrix `B` with `dct(x) = x @ B` (in float64)."""
    n = n_in
    i = np.arange(n, dtype=np.float64)[:, None]   # input index
    k = np.arange(n, dtype=np.float64)[None, :]   # output index
    if dct_type == 1:
        basis = 2.0 * np.cos(np.pi * i * k / max(n - 1, 1))
        basis[0, :] = 1.0
        basis[-1, :] = (-1.0) ** np.arange(n)
    elif dct_type == 2:
        basis = 2.0 * np.cos(np.pi * k * (2.0 * i + 1.0) / (2.0 * n))
        if norm == "ortho":
            basis[:, 0] *= np.sqrt(1.0 / (4.0 * n))
            basis[:, 1:] *= np.sqrt(1.0 / (2.0 * n))
    elif dct_type == 3:
        basis = 2.0 * np.cos(np.pi * i * (2.0 * k + 1.0) / (2.0 * n))
        basis[0, :] = 1.0
        if norm == "ortho":
            basis[0, :] /= np.sqrt(n)
            basis[1:, :] *= np.sqrt(1.0 / (2.0 * n))
    else:
        basis = 2.0 * np.cos(np.pi * (2.0 * i + 1.0) * (2.0 * k + 1.0) / (4.0 * n))
        if norm == "ortho":
            basis *= np.sqrt(1.0 / (2.0 * n))
    return basis


def dct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002
    """The discrete cosine transform of types I-IV over the innermost axis.

    Args:
      input: A `float32` or `float64` `Tensor` `[..., samples]`.
      type: 1, 2 (the default; the DCT of MFCCs), 3 (the inverse of 2, up to scale) or 4.
      n: The transform length: the input is cropped or zero-padded to it (default: as is).
      axis: Must be -1 (the innermost axis), as in TensorFlow.
      norm: None (unscaled) or "ortho" (orthonormal basis; not for type 1).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `input`'s dtype, shape `[..., n]`.

    Gradient: the transpose of the (constant) DCT matrix applied to `dy`.
    """
    x = convert_to_tensor(input)
    if not x.dtype.is_floating:
        raise InvalidArgumentError(f"dct: input must be float32 or float64. Received: "
                                   f"dtype={x.dtype.name}")
    if type not in (1, 2, 3, 4):
        raise ValueError(f"Types I, II, III and IV (I)DCT are supported. Received: {type}")
    if axis != -1:
        raise NotImplementedError(f"axis must be -1. Received: axis={axis}")
    if norm not in (None, "ortho"):
        raise ValueError(f"Unknown normalization. Expected None or 'ortho', got: {norm}")
    if type == 1 and norm == "ortho":
        raise ValueError("Normalization is not supported for the Type-I DCT.")
    if n is not None:
        n = _static_int(n, "n")
        if n < 1:
            raise ValueError(f"n should be a positive integer or None. Received: {n}")
        x = _fit(x, [n], 1)
    size = x.shape.as_list()[-1]
    if size is None:
        raise InvalidArgumentError("dct needs a static innermost dimension.")
    if type == 1 and size < 2:
        raise ValueError("The Type-I DCT requires the dimension to be greater than one.")
    basis = convert_to_tensor(_dct_basis(size, type, norm).astype(x.dtype._np))
    return tensordot(x, basis, 1)


def idct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002
    """The inverse DCT: the DCT of the inverse type (I->I, II->III, III->II, IV->IV).

    With `norm="ortho"` it inverts `dct(type=type, norm="ortho")` exactly; with `norm=None`,
    as in TensorFlow, the result is unscaled: divide by `2 * N` (`2 * (N - 1)` for type I)
    to invert `dct(type=type)`."""
    inverse_type = {1: 1, 2: 3, 3: 2, 4: 4}.get(type)
    if inverse_type is None:
        raise ValueError(f"Types I, II, III and IV (I)DCT are supported. Received: {type}")
    return dct(input, inverse_type, n, axis, norm, name)


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms, name=None):
    """Mel-frequency cepstral coefficients of `[..., num_mel_bins]` log-magnitude mel
    spectrograms: their type-II DCT scaled by `1 / sqrt(2 * num_mel_bins)` (every
    coefficient, as TensorFlow does, which differs from `norm="ortho"` only in the first).
    Keep the first few (e.g. `[..., :13]`) for speech features."""
    x = convert_to_tensor(log_mel_spectrograms)
    bins = x.shape.as_list()[-1] if x.shape.rank else None
    if bins is None:
        raise InvalidArgumentError("mfccs_from_log_mel_spectrograms needs a static number of "
                                   "mel bins.")
    return dct(x, type=2) * cast(1.0 / math.sqrt(2.0 * bins), x.dtype)


from ..util.export import export_many  # noqa: E402

export_many("signal", {
    "fft": fft, "ifft": ifft, "fft2d": fft2d, "ifft2d": ifft2d, "fft3d": fft3d,
    "ifft3d": ifft3d, "rfft": rfft, "irfft": irfft, "rfft2d": rfft2d, "irfft2d": irfft2d,
    "rfft3d": rfft3d, "irfft3d": irfft3d, "fftshift": fftshift, "ifftshift": ifftshift,
    "frame": frame, "overlap_and_add": overlap_and_add, "hann_window": hann_window,
    "hamming_window": hamming_window, "kaiser_window": kaiser_window,
    "kaiser_bessel_derived_window": kaiser_bessel_derived_window,
    "vorbis_window": vorbis_window, "mdct": mdct, "inverse_mdct": inverse_mdct, "stft": stft,
    "inverse_stft": inverse_stft,
    "inverse_stft_window_fn": inverse_stft_window_fn,
    "linear_to_mel_weight_matrix": linear_to_mel_weight_matrix, "dct": dct, "idct": idct,
    "mfccs_from_log_mel_spectrograms": mfccs_from_log_mel_spectrograms})
