"""Gradient-check samples for the complex ops (ndflow/ops/complex_ops.py, complex Abs) and
tf.signal's transforms and framing (ndflow/ops/signal_ops.py).

Complex values are built from two real inputs with `tf.complex`, and complex results are
checked through their real and imaginary parts, so the finite differences stay real; that
is TensorFlow's convention (the gradient for `x + iy` is `dL/dx + i dL/dy`). The gradient
ops (RFFTGrad, SignalFrameGrad, ...) take the forward input as a constant for its shape.
The rfft/irfft samples with a cropping or padding fft_length and the 3-D real transforms
have no TensorFlow reference (its gradients fail or do not exist there)."""
import numpy as np

import ndflow as tf
from ndflow.framework.registry import REGISTRY as R, execute
from ndflow.ops import signal_ops as S

from .spec import Sample

s = tf.signal


def _parts(z):
    return [tf.math.real(z), tf.math.imag(z)]


def _c(fn):
    """A sample function of two real inputs (the real and imaginary parts of a complex
    one) returning the parts of fn's complex result."""
    return lambda a, b: _parts(fn(tf.complex(a, b)))


def _grad_op(opdef, forward_input, **attrs):
    return lambda g: execute(opdef, (g, tf.constant(forward_input)), attrs)


def _grad_op_c(opdef, forward_input, **attrs):
    return lambda a, b: execute(opdef, (tf.complex(a, b), tf.constant(forward_input)), attrs)


_X = np.zeros((2, 8))
_W = np.zeros((2, 5), np.complex128)
_X2 = np.zeros((2, 3, 6))
_W2 = np.zeros((2, 3, 4), np.complex128)
_X3 = np.zeros((2, 2, 3, 4))
_W3 = np.zeros((2, 2, 3, 3), np.complex128)

SAMPLES = [
    Sample("Complex", lambda a, b: _parts(tf.complex(a, b)), shapes=[(2, 3), (2, 3)]),
    Sample("Complex", lambda a, b: _parts(tf.complex(a, b)), shapes=[(2, 3), (3,)]),
    Sample("Real", lambda a, b: tf.math.real(tf.complex(a, b)) * a, shapes=[(4,), (4,)],
           second_order=True),
    Sample("Imag", lambda a, b: tf.math.imag(tf.complex(a, b)) * a, shapes=[(4,), (4,)],
           second_order=True),
    Sample("Conj", _c(tf.math.conj), shapes=[(2, 3), (2, 3)]),
    Sample("Angle", lambda a, b: tf.math.angle(tf.complex(a, b)), shapes=[(3, 2), (3, 2)],
           away_from=(0.0,), second_order=True),
    Sample("Abs", lambda a, b: tf.abs(tf.complex(a, b)), shapes=[(3, 2), (3, 2)],
           away_from=(0.0,), second_order=True),
    Sample("FFT", _c(s.fft), shapes=[(2, 6), (2, 6)]),
    Sample("IFFT", _c(s.ifft), shapes=[(2, 5), (2, 5)]),
    Sample("FFT2D", _c(s.fft2d), shapes=[(2, 3, 4), (2, 3, 4)]),
    Sample("IFFT2D", _c(s.ifft2d), shapes=[(3, 4), (3, 4)]),
    Sample("FFT3D", _c(s.fft3d), shapes=[(2, 2, 3), (2, 2, 3)]),
    Sample("IFFT3D", _c(s.ifft3d), shapes=[(2, 3, 2), (2, 3, 2)]),
    Sample("RFFT", lambda x: _parts(s.rfft(x)), shapes=[(2, 8)]),
    Sample("RFFT", lambda x: _parts(s.rfft(x)), shapes=[(3, 7)]),
    Sample("RFFT", lambda x: _parts(s.rfft(x, [5])), shapes=[(2, 8)]),
    Sample("RFFT", lambda x: _parts(s.rfft(x, [12])), shapes=[(2, 7)]),
    Sample("IRFFT", lambda a, b: s.irfft(tf.complex(a, b)), shapes=[(2, 5), (2, 5)]),
    Sample("IRFFT", lambda a, b: s.irfft(tf.complex(a, b), [9]), shapes=[(2, 5), (2, 5)]),
    Sample("IRFFT", lambda a, b: s.irfft(tf.complex(a, b), [4]), shapes=[(2, 5), (2, 5)]),
    Sample("IRFFT", lambda a, b: s.irfft(tf.complex(a, b), [13]), shapes=[(2, 5), (2, 5)]),
    Sample("RFFT2D", lambda x: _parts(s.rfft2d(x)), shapes=[(2, 3, 6)]),
    Sample("RFFT2D", lambda x: _parts(s.rfft2d(x, [4, 5])), shapes=[(3, 6)]),
    Sample("IRFFT2D", lambda a, b: s.irfft2d(tf.complex(a, b)), shapes=[(3, 4), (3, 4)]),
    Sample("IRFFT2D", lambda a, b: s.irfft2d(tf.complex(a, b), [2, 5]),
           shapes=[(3, 4), (3, 4)]),
    Sample("RFFT3D", lambda x: _parts(s.rfft3d(x)), shapes=[(2, 3, 4)]),
    Sample("IRFFT3D", lambda a, b: s.irfft3d(tf.complex(a, b)), shapes=[(2, 2, 3), (2, 2, 3)]),
    Sample("RFFTGrad", _grad_op_c(R["RFFTGrad"], _X, fft_length=None), shapes=[(2, 5)] * 2),
    Sample("RFFTGrad", _grad_op_c(R["RFFTGrad"], _X, fft_length=(6,)), shapes=[(2, 4)] * 2),
    Sample("IRFFTGrad", lambda g: _parts(_grad_op(R["IRFFTGrad"], _W, fft_length=None)(g)),
           shapes=[(2, 8)]),
    Sample("IRFFTGrad", lambda g: _parts(_grad_op(R["IRFFTGrad"], _W, fft_length=(7,))(g)),
           shapes=[(2, 7)]),
    Sample("RFFT2DGrad", _grad_op_c(R["RFFT2DGrad"], _X2, fft_length=None),
           shapes=[(2, 3, 4)] * 2),
    Sample("IRFFT2DGrad", lambda g: _parts(_grad_op(R["IRFFT2DGrad"], _W2,
                                                    fft_length=None)(g)), shapes=[(2, 3, 6)]),
    Sample("RFFT3DGrad", _grad_op_c(R["RFFT3DGrad"], _X3, fft_length=None),
           shapes=[(2, 2, 3, 3)] * 2),
    Sample("IRFFT3DGrad", lambda g: _parts(_grad_op(R["IRFFT3DGrad"], _W3,
                                                    fft_length=None)(g)), shapes=[(2, 2, 3, 4)]),
    Sample("SignalFrame", lambda x: s.frame(x, 3, 2), shapes=[(2, 9)]),
    Sample("SignalFrame", lambda x: s.frame(x, 4, 3, pad_end=True, pad_value=0.5),
           shapes=[(2, 8)]),
    Sample("SignalFrame", lambda x: s.frame(x, 2, 3, axis=1), shapes=[(2, 7, 3)]),
    Sample("SignalFrame", lambda x: s.frame(x, 5, 1, axis=0, pad_end=True), shapes=[(4, 2)]),
    Sample("SignalFrameGrad", _grad_op(S.FRAME_GRAD, np.zeros((2, 9)), frame_length=3,
                                       frame_step=2, pad_end=False), shapes=[(2, 4, 3)]),
    Sample("SignalFrameGrad", _grad_op(S.FRAME_GRAD, np.zeros((2, 8)), frame_length=4,
                                       frame_step=3, pad_end=True), shapes=[(2, 3, 4)]),
    Sample("SignalOverlapAndAdd", lambda x: s.overlap_and_add(x, 2), shapes=[(2, 4, 3)]),
    Sample("SignalOverlapAndAdd", lambda x: s.overlap_and_add(x, 4), shapes=[(3, 3)]),
    Sample("SignalOverlapAndAddGrad", _grad_op(S.OVERLAP_AND_ADD_GRAD, np.zeros((2, 4, 3)),
                                               frame_step=2), shapes=[(2, 9)]),
    Sample("SignalOverlapAndAddGrad", _grad_op(S.OVERLAP_AND_ADD_GRAD, np.zeros((3, 3)),
                                               frame_step=4), shapes=[(11,)]),
    # composed transforms: stft (frame, window, rfft) into a magnitude, and inverse_stft
    Sample("RFFT", lambda x: tf.abs(s.stft(x, 8, 4)), shapes=[(2, 20)], away_from=(0.0,)),
    Sample("IRFFT", lambda a, b: s.inverse_stft(tf.complex(a, b), 8, 4),
           shapes=[(3, 5), (3, 5)]),
]
