"""tf.signal beyond the TensorFlow fixture: graphs with unknown dimensions, argument
errors, dtypes, and round trips (irfft(rfft(x)) == x, inverse_stft(stft(x)) == x)."""
import numpy as np
import pytest

import ndflow as tf
from ndflow.framework.errors import InvalidArgumentError

s = tf.signal
RNG = np.random.RandomState(0)
X = RNG.randn(2, 400).astype(np.float32)
X1000 = RNG.uniform(-1, 1, (2, 1000)).astype(np.float32)


def test_round_trips():
    np.testing.assert_allclose(s.irfft(s.rfft(X)).numpy(), X, atol=1e-5)
    np.testing.assert_allclose(s.irfft(s.rfft(X[:, :399]), [399]).numpy(), X[:, :399],
                               atol=1e-5)
    z = tf.complex(X[:, :16], X[:, 16:32])
    np.testing.assert_allclose(s.ifft(s.fft(z)).numpy(), z.numpy(), atol=1e-5)
    x3 = X.reshape(2, 4, 10, 10)
    np.testing.assert_allclose(s.irfft3d(s.rfft3d(x3)).numpy(), x3, atol=1e-5)
    np.testing.assert_allclose(s.ifftshift(s.fftshift(x3)).numpy(), x3)
    spectra = s.stft(X, 64, 16)
    back = s.inverse_stft(spectra, 64, 16, window_fn=s.inverse_stft_window_fn(16))
    # samples covered by a full set of overlapping frames come back exactly
    np.testing.assert_allclose(back.numpy()[:, 48:-48], X[:, 48:back.shape[1] - 48],
                               atol=1e-5)
    y = RNG.randn(3, 12).astype(np.float32)
    np.testing.assert_allclose(s.idct(s.dct(y, norm="ortho"), norm="ortho").numpy(), y,
                               atol=1e-5)
    np.testing.assert_allclose(s.idct(s.dct(y)).numpy() / (2 * 12), y, atol=1e-5)


def test_dtypes_follow_the_input():
    x64 = X.astype(np.float64)
    assert s.rfft(X).dtype == tf.complex64 and s.rfft(x64).dtype == tf.complex128
    assert s.irfft(s.rfft(x64)).dtype == tf.float64
    assert s.stft(x64, 32, 16).dtype == tf.complex128
    assert s.dct(x64).dtype == tf.float64
    assert s.hann_window(4, dtype=tf.float64).dtype == tf.float64
    assert s.frame(tf.range(10), 3, 2).dtype == tf.int32


def test_stft_in_a_graph_with_unknown_dimensions():
    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32)])
    def spectrogram(waveform):
        out = tf.abs(s.stft(waveform, frame_length=255, frame_step=128))
        assert out.shape.as_list() == [None, None, 129]
        return out
    got = spectrogram(tf.constant(X))
    np.testing.assert_allclose(got.numpy(), tf.abs(s.stft(X, 255, 128)).numpy(), rtol=1e-6)

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32)])
    def shifted(x):
        return s.ifftshift(s.fftshift(x, axes=1) * 2.0, axes=-1), s.fftshift(x)
    back, centred = shifted(tf.constant(X[:, :9]))
    np.testing.assert_allclose(back.numpy(), 2.0 * X[:, :9])
    np.testing.assert_allclose(centred.numpy(), s.fftshift(X[:, :9]).numpy())

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32)])
    def framed(x):
        return s.frame(x, 50, 30, pad_end=True, axis=-1)
    assert framed(tf.constant(X)).shape == (2, 14, 50)


def test_static_shapes():
    assert s.stft(X, 255, 128).shape == (2, 2, 129)
    assert s.stft(X, 100, 30, pad_end=True).shape == (2, 14, 65)
    assert s.frame(tf.zeros([3, 20, 2]), 4, 4, axis=1).shape == (3, 5, 4, 2)
    assert s.frame(tf.zeros([3, 3]), 5, 1).shape == (3, 0, 5)
    assert s.overlap_and_add(tf.zeros([2, 0, 5]), 2).shape == (2, 0)
    assert s.linear_to_mel_weight_matrix(64, 513, 16000).shape == (513, 64)
    assert s.mfccs_from_log_mel_spectrograms(tf.zeros([2, 5, 40])).shape == (2, 5, 40)
    assert s.hann_window(0).shape == (0,)


@pytest.mark.parametrize("call, error", [
    (lambda: s.fft(X), InvalidArgumentError),
    (lambda: s.rfft(tf.complex(X, X)), InvalidArgumentError),
    (lambda: s.irfft(X), InvalidArgumentError),
    (lambda: s.rfft2d(X[0]), InvalidArgumentError),
    (lambda: s.rfft(X, [3, 4]), InvalidArgumentError),
    (lambda: s.frame(X, 0, 1), InvalidArgumentError),
    (lambda: s.frame(X, 4, -1), InvalidArgumentError),
    (lambda: s.stft(tf.range(10), 4, 2), InvalidArgumentError),
    (lambda: s.dct(X, type=5), ValueError),
    (lambda: s.dct(X, type=1, norm="ortho"), ValueError),
    (lambda: s.dct(X, norm="forward"), ValueError),
    (lambda: s.dct(X, axis=0), NotImplementedError),
    (lambda: s.hann_window(4, dtype=tf.int32), ValueError),
    (lambda: s.linear_to_mel_weight_matrix(upper_edge_hertz=5000.0), ValueError),
    (lambda: s.linear_to_mel_weight_matrix(lower_edge_hertz=4000.0), ValueError),
    (lambda: s.linear_to_mel_weight_matrix(num_mel_bins=0), ValueError),
])
def test_argument_errors(call, error):
    with pytest.raises(error):
        call()


def test_tf1_session_mfcc_pipeline():
    import ndflow.compat.v1 as v1
    graph = v1.Graph()
    with graph.as_default():
        x = v1.placeholder(v1.float32, [None, 1000])
        spec = v1.abs(v1.signal.stft(x, 255, 128))
        mel = v1.tensordot(spec, v1.signal.linear_to_mel_weight_matrix(20, 129, 8000), 1)
        mfccs = v1.signal.mfccs_from_log_mel_spectrograms(v1.log(mel + 1e-6))[..., :13]
        grad = v1.gradients(v1.reduce_sum(mfccs), x)[0]
        decoded, rate = v1.audio.decode_wav(v1.audio.encode_wav(v1.transpose(x[:1]), 8000))
        assert spec.shape.as_list() == [None, 6, 129] and mfccs.shape.as_list() == [None, 6, 13]
        with v1.Session() as sess:
            out, g, d, r = sess.run([mfccs, grad, decoded, rate], {x: X1000})
    assert out.shape == (2, 6, 13) and g.shape == (2, 1000)
    assert np.isfinite(g).all() and d.shape == (1000, 1) and r == 8000
