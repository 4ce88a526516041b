"""Cases run by both TensorFlow (tools/make_tf_signal_fixtures.py) and ndflow
(test_against_tf.py): `cases(tf)` maps a name to a function of the given module. A
function returns an array, or a list of arrays (gradients, one per source)."""
import struct

import numpy as np


def _grad(tf, fn, *xs):
    xs = [tf.Variable(x) for x in xs]
    with tf.GradientTape() as tape:
        y = fn(*xs)
    return [tf.convert_to_tensor(g).numpy() for g in tape.gradient(y, xs)]


def _weighted(tf, z, w):
    """A real loss of a complex tensor that sees both of its parts."""
    return tf.reduce_sum(tf.math.real(z) * w) + tf.reduce_sum(tf.math.imag(z) * (w * w))


def _wav(channels, frames, rate=8000, extra=b""):
    """A 16-bit PCM WAV file (with an optional chunk before the data) and its samples."""
    samples = (np.arange(frames * channels, dtype=np.int64) * 2654435761 % 65536 - 32768)
    payload = samples.astype("<i2").tobytes()
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * 2 * channels, 2 * channels, 16)
    body = b"WAVEfmt " + struct.pack("<I", 16) + fmt + extra + b"data" + struct.pack(
        "<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _bytes(t):
    return np.frombuffer(t.numpy(), np.uint8)


def audio_cases(tf):
    rng = np.random.RandomState(3)
    stereo, mono = _wav(2, 7, 16000), _wav(1, 5, 44100, extra=b"LIST" + struct.pack(
        "<I", 4) + b"abcd")
    tones = np.concatenate([np.sin(np.arange(50) / 3.0)[:, None] * 0.9,
                            rng.uniform(-1.2, 1.2, (50, 1))], axis=1).astype(np.float32)
    halves = (np.array([0.5, 1.5, 2.5, -2.5, -1.5, 3276.5, -0.5], np.float32) / 32768.0)
    a = tf.audio
    return {
        "wav_stereo": lambda: a.decode_wav(stereo)[0],
        "wav_stereo_rate": lambda: a.decode_wav(stereo)[1],
        "wav_stereo_to_mono": lambda: a.decode_wav(stereo, desired_channels=1)[0],
        "wav_stereo_to_3": lambda: a.decode_wav(stereo, desired_channels=3)[0],
        "wav_stereo_cut": lambda: a.decode_wav(stereo, desired_samples=4)[0],
        "wav_stereo_padded": lambda: a.decode_wav(stereo, 2, 10)[0],
        "wav_mono_list_chunk": lambda: a.decode_wav(mono)[0],
        "wav_mono_to_stereo": lambda: a.decode_wav(mono, desired_channels=2)[0],
        "wav_mono_rate": lambda: a.decode_wav(mono)[1],
        "encode_wav": lambda: _bytes(a.encode_wav(tones, 16000)),
        "encode_wav_rounding": lambda: _bytes(a.encode_wav(halves[:, None], 8000)),
        "encode_wav_empty": lambda: _bytes(a.encode_wav(np.zeros((0, 2), np.float32), 22050)),
        "encode_decode": lambda: a.decode_wav(a.encode_wav(tones, 16000))[0],
        "confusion_matrix": lambda: tf.math.confusion_matrix([1, 2, 4, 0, 2], [2, 2, 4, 0, 1]),
        "confusion_matrix_weighted": lambda: tf.math.confusion_matrix(
            np.array([0, 1, 1]), np.array([1, 1, 0]), num_classes=3, weights=[0.5, 2.0, 1.5],
            dtype=tf.float32),
    }


def cases(tf):
    rng = np.random.RandomState(7)
    x = rng.randn(3, 16).astype(np.float32)
    odd = rng.randn(2, 15).astype(np.float32)
    x3 = rng.randn(2, 4, 6).astype(np.float32)
    re, im = rng.randn(3, 9).astype(np.float32), rng.randn(3, 9).astype(np.float32)
    re3, im3 = rng.randn(2, 3, 4, 5).astype(np.float32), rng.randn(2, 3, 4, 5).astype(
        np.float32)
    audio = rng.randn(2, 1000).astype(np.float32)
    short = rng.randn(2, 300).astype(np.float32)
    w9 = rng.randn(3, 9).astype(np.float32)
    w_stft = rng.rand(2, 3, 65).astype(np.float32)
    mel_in = np.abs(rng.randn(4, 5, 40)).astype(np.float32) + 0.1
    s = tf.signal
    z = lambda: tf.complex(re, im)  # noqa: E731
    z3 = lambda: tf.complex(re3, im3)  # noqa: E731
    c = {
        "fft": lambda: s.fft(z()),
        "ifft": lambda: s.ifft(z()),
        "fft2d": lambda: s.fft2d(z3()),
        "ifft2d": lambda: s.ifft2d(z3()),
        "fft3d": lambda: s.fft3d(z3()),
        "ifft3d": lambda: s.ifft3d(z3()),
        "rfft": lambda: s.rfft(x),
        "rfft_odd": lambda: s.rfft(odd),
        "rfft_crop": lambda: s.rfft(x, [10]),
        "rfft_pad": lambda: s.rfft(x, [21]),
        "irfft": lambda: s.irfft(z()),
        "irfft_odd_length": lambda: s.irfft(z(), [17]),
        "irfft_crop": lambda: s.irfft(z(), [8]),
        "irfft_pad": lambda: s.irfft(z(), [30]),
        "rfft2d": lambda: s.rfft2d(x3),
        "rfft2d_len": lambda: s.rfft2d(x3, [5, 8]),
        "irfft2d": lambda: s.irfft2d(z3()),
        "irfft2d_len": lambda: s.irfft2d(z3(), [4, 7]),
        "rfft3d": lambda: s.rfft3d(x3),
        "irfft3d": lambda: s.irfft3d(z3()),
        "fftshift": lambda: s.fftshift(x3),
        "fftshift_axis": lambda: s.fftshift(x3, axes=1),
        "ifftshift": lambda: s.ifftshift(x3),
        "ifftshift_axes": lambda: s.ifftshift(odd, axes=[-1]),
        "frame": lambda: s.frame(x, 5, 3),
        "frame_pad_end": lambda: s.frame(x, 5, 3, pad_end=True, pad_value=-1.0),
        "frame_axis0": lambda: s.frame(x3, 2, 1, axis=0),
        "frame_axis1": lambda: s.frame(x3, 3, 1, axis=1, pad_end=True),
        "frame_long": lambda: s.frame(x, 20, 4),
        "overlap_and_add": lambda: s.overlap_and_add(x3, 2),
        "overlap_and_add_gap": lambda: s.overlap_and_add(x3, 8),
        "hann_8": lambda: s.hann_window(8),
        "hann_7": lambda: s.hann_window(7),
        "hann_8_symmetric": lambda: s.hann_window(8, periodic=False),
        "hann_1": lambda: s.hann_window(1),
        "hamming_8": lambda: s.hamming_window(8),
        "hamming_9_symmetric": lambda: s.hamming_window(9, periodic=False),
        "hann_f64": lambda: s.hann_window(6, dtype=tf.float64),
        "kaiser_8": lambda: s.kaiser_window(8),
        "kaiser_5_beta": lambda: s.kaiser_window(5, beta=5.0),
        "kaiser_1": lambda: s.kaiser_window(1),
        "kbd_8": lambda: s.kaiser_bessel_derived_window(8, beta=5.0),
        "kbd_7": lambda: s.kaiser_bessel_derived_window(7),
        "kbd_2": lambda: s.kaiser_bessel_derived_window(2, dtype=tf.float64),
        "vorbis_12": lambda: s.vorbis_window(12),
        "mdct": lambda: s.mdct(audio, 64),
        "mdct_ortho_pad_end": lambda: s.mdct(short, 12, pad_end=True, norm="ortho"),
        "mdct_no_window": lambda: s.mdct(short, 16, window_fn=None),
        "mdct_kbd": lambda: s.mdct(short, 16, window_fn=s.kaiser_bessel_derived_window),
        "inverse_mdct": lambda: s.inverse_mdct(s.mdct(audio, 64)),
        "inverse_mdct_ortho": lambda: s.inverse_mdct(s.mdct(short, 12, norm="ortho"),
                                                     norm="ortho"),
        "inverse_mdct_no_window": lambda: s.inverse_mdct(x3, window_fn=None),
        "grad_mdct": lambda: _grad(tf, lambda v: tf.reduce_sum(tf.square(s.mdct(v, 16))),
                                   short),
        "grad_inverse_mdct": lambda: _grad(tf, lambda v: tf.reduce_sum(
            s.inverse_mdct(v, norm="ortho") * tf.range(30, dtype=tf.float32)), x3),
        "stft": lambda: s.stft(audio, 255, 128),
        "stft_fft_length": lambda: s.stft(audio, 200, 80, fft_length=300),
        "stft_pad_end": lambda: s.stft(audio, 64, 32, pad_end=True),
        "stft_no_window": lambda: s.stft(short, 100, 50, window_fn=None),
        "stft_hamming": lambda: s.stft(short, 128, 64, window_fn=s.hamming_window),
        "inverse_stft": lambda: s.inverse_stft(s.stft(audio, 256, 64), 256, 64),
        "inverse_stft_window_fn": lambda: s.inverse_stft(
            s.stft(audio, 256, 64), 256, 64, window_fn=s.inverse_stft_window_fn(64)),
        "inverse_stft_short_fft": lambda: s.inverse_stft(
            s.stft(short, 100, 25, fft_length=64), 100, 25, fft_length=64),
        "mel_default": lambda: s.linear_to_mel_weight_matrix(),
        "mel_16k": lambda: s.linear_to_mel_weight_matrix(40, 257, 16000, 80.0, 7600.0),
        "mel_f64": lambda: s.linear_to_mel_weight_matrix(10, 33, 8000, 0.0, 4000.0,
                                                         dtype=tf.float64),
        "mfccs": lambda: s.mfccs_from_log_mel_spectrograms(tf.math.log(mel_in)),
        "dct1": lambda: s.dct(x, type=1),
        "dct2": lambda: s.dct(x),
        "dct2_ortho": lambda: s.dct(odd, norm="ortho"),
        "dct2_n": lambda: s.dct(x, n=10),
        "dct2_n_pad": lambda: s.dct(odd, n=20, norm="ortho"),
        "dct3": lambda: s.dct(x, type=3),
        "dct3_ortho": lambda: s.dct(odd, type=3, norm="ortho"),
        "dct4": lambda: s.dct(x, type=4),
        "dct4_ortho": lambda: s.dct(odd, type=4, norm="ortho"),
        "idct2": lambda: s.idct(x),
        "idct3_ortho": lambda: s.idct(odd, type=3, norm="ortho"),
        "idct1": lambda: s.idct(x, type=1),
        "real": lambda: tf.math.real(z()),
        "imag": lambda: tf.math.imag(z()),
        "conj": lambda: tf.math.conj(z()),
        "angle": lambda: tf.math.angle(z()),
        "abs_complex": lambda: tf.abs(z()),
        # gradients
        "grad_fft": lambda: _grad(tf, lambda a, b: _weighted(tf, s.fft(tf.complex(a, b)), w9),
                                  re, im),
        "grad_ifft": lambda: _grad(tf, lambda a, b: _weighted(tf, s.ifft(tf.complex(a, b)),
                                                              w9), re, im),
        "grad_fft2d": lambda: _grad(tf, lambda a, b: tf.reduce_sum(tf.abs(s.fft2d(
            tf.complex(a, b))) * re3), re3, im3),
        "grad_ifft3d": lambda: _grad(tf, lambda a, b: tf.reduce_sum(tf.abs(s.ifft3d(
            tf.complex(a, b))) * re3), re3, im3),
        "grad_rfft": lambda: _grad(tf, lambda v: _weighted(tf, s.rfft(v), w9), x),
        "grad_rfft_odd": lambda: _grad(tf, lambda v: _weighted(tf, s.rfft(v), w9[:2, :8]),
                                       odd),
        # (TensorFlow's rfft and irfft gradients fail when fft_length crops or pads the
        # input; tests/gradcheck/samples_signal.py checks ndflow's by finite differences)
        "grad_irfft": lambda: _grad(tf, lambda a, b: tf.reduce_sum(
            s.irfft(tf.complex(a, b)) * tf.range(16, dtype=tf.float32)), re, im),
        "grad_irfft_odd": lambda: _grad(tf, lambda a, b: tf.reduce_sum(tf.square(
            s.irfft(tf.complex(a, b), [17]))), re, im),
        "grad_rfft2d": lambda: _grad(tf, lambda v: tf.reduce_sum(tf.abs(s.rfft2d(v, [5, 8]))),
                                     x3),
        "grad_irfft2d": lambda: _grad(tf, lambda a, b: tf.reduce_sum(tf.square(s.irfft2d(
            tf.complex(a, b), [4, 8]))), re3, im3),
        # (TensorFlow has no gradient for RFFT3D/IRFFT3D; finite differences check ndflow's)
        "grad_frame": lambda: _grad(tf, lambda v: tf.reduce_sum(tf.square(
            s.frame(v, 5, 3, pad_end=True))), x),
        "grad_frame_axis1": lambda: _grad(tf, lambda v: tf.reduce_sum(tf.square(
            s.frame(v, 3, 2, axis=1))), x3),
        "grad_overlap_and_add": lambda: _grad(tf, lambda v: tf.reduce_sum(tf.square(
            s.overlap_and_add(v, 4))), x3),
        "grad_stft": lambda: _grad(tf, lambda v: tf.reduce_sum(tf.abs(
            s.stft(v, 128, 64)) * w_stft[:, :14, :1]), short),
        "grad_spectrogram_mel": lambda: _grad(tf, lambda v: tf.reduce_sum(tf.math.log(
            tf.tensordot(tf.abs(s.stft(v, 128, 64)), s.linear_to_mel_weight_matrix(
                8, 65, 8000, 100.0, 3000.0), 1) + 1e-3)), short),
        "grad_inverse_stft": lambda: _grad(tf, lambda a, b: tf.reduce_sum(tf.square(
            s.inverse_stft(tf.complex(a, b), 8, 4))), re3[0], im3[0]),
        "grad_dct2_ortho": lambda: _grad(tf, lambda v: tf.reduce_sum(tf.square(
            s.dct(v, norm="ortho")) * x), x),
        "grad_mfccs": lambda: _grad(tf, lambda v: tf.reduce_sum(tf.square(
            s.mfccs_from_log_mel_spectrograms(v)[..., :13])), mel_in),
        "grad_angle": lambda: _grad(tf, lambda a, b: tf.reduce_sum(tf.math.angle(
            tf.complex(a, b)) * w9), re, im),
        "grad_abs_complex": lambda: _grad(tf, lambda a, b: tf.reduce_sum(tf.abs(
            tf.complex(a, b)) * w9), re, im),
    }
    c.update(audio_cases(tf))
    return c
