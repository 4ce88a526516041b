"""keras.utils.audio_dataset_from_directory: Keras's batching (padded to the longest file,
fixed output_sequence_length, ragged), labels, splits and argument errors; and decode_wav's
refusals of files it cannot read."""
import os
import struct

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework.errors import InvalidArgumentError

LENGTHS = {"no": [100, 130, 90], "yes": [120, 80, 110, 105]}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("audio")
    rng = np.random.RandomState(1)
    for label, lengths in LENGTHS.items():
        os.makedirs(root / label)
        for i, n in enumerate(lengths):
            clip = rng.uniform(-0.9, 0.9, (n, 1)).astype(np.float32)
            (root / label / f"{i}.wav").write_bytes(tf.audio.encode_wav(clip, 8000).numpy())
    (root / "yes" / "notes.txt").write_text("not audio")
    return str(root)


def _all(ds):
    return list(ds)


def test_padded_batches_and_int_labels(folder):
    ds = tf.keras.utils.audio_dataset_from_directory(folder, batch_size=3, seed=2,
                                                     verbose=False)
    assert ds.class_names == ["no", "yes"]
    assert ds.element_spec[0].shape.as_list() == [None, None, None]
    batches = _all(ds)
    assert sum(int(y.shape[0]) for _, y in batches) == 7
    lengths = []
    for x, y in batches:
        assert x.dtype == tf.float32 and y.dtype == tf.int32 and x.shape[2] == 1
        ends = [int(np.flatnonzero(a[:, 0]).max()) + 1 for a in x.numpy()]
        assert x.shape[1] == max(ends)  # padded (with zeros at the end) to its longest file
        lengths += ends
    assert sorted(lengths) == sorted(sum(LENGTHS.values(), []))


def test_fixed_length_categorical_split(folder):
    train, val = tf.keras.utils.audio_dataset_from_directory(
        folder, batch_size=2, output_sequence_length=100, label_mode="categorical",
        validation_split=0.3, subset="both", seed=5, verbose=False)
    assert train.element_spec[0].shape.as_list() == [None, 100, None]
    xs = [x for x, _ in _all(train)] + [x for x, _ in _all(val)]
    assert all(x.shape[1:] == (100, 1) for x in xs)
    ys = np.concatenate([y.numpy() for _, y in _all(train)] + [y.numpy() for _, y in _all(val)])
    assert ys.shape == (7, 2) and ys.dtype == np.float32 and ys.sum() == 7
    assert sum(int(x.shape[0]) for x, _ in _all(val)) == 2  # int(0.3 * 7)
    only_val = tf.keras.utils.audio_dataset_from_directory(
        folder, batch_size=2, output_sequence_length=100, validation_split=0.3,
        subset="validation", seed=5, verbose=False)
    assert sum(int(x.shape[0]) for x, _ in _all(only_val)) == 2


def test_ragged_without_labels(folder):
    ds = tf.keras.utils.audio_dataset_from_directory(folder, labels=None, batch_size=4,
                                                     ragged=True, shuffle=False,
                                                     verbose=False)
    lengths = []
    for x in ds:
        assert isinstance(x, tf.RaggedTensor) and x.shape.as_list()[0] in (3, 4)
        lengths += x.row_lengths().numpy().tolist()
    assert sorted(lengths) == sorted(sum(LENGTHS.values(), []))


def test_unbatched_binary(folder):
    ds = tf.keras.utils.audio_dataset_from_directory(folder, batch_size=None,
                                                     label_mode="binary", seed=0,
                                                     verbose=False)
    x, y = next(iter(ds))
    assert x.shape.rank == 2 and y.shape == (1,) and y.dtype == tf.float32


def test_decoded_values_are_the_files(folder):
    ds = tf.keras.utils.audio_dataset_from_directory(folder, batch_size=None, shuffle=False,
                                                     verbose=False)
    x, y = next(iter(ds))
    want, rate = tf.audio.decode_wav(tf.io.read_file(os.path.join(folder, "no", "0.wav")))
    np.testing.assert_array_equal(x.numpy(), want.numpy())
    assert int(y) == 0 and int(rate) == 8000


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(ragged=True, output_sequence_length=10), ValueError, "Cannot set both"),
    (dict(sampling_rate=16000.0), ValueError, "integer value"),
    (dict(sampling_rate=0), ValueError, "higher than 0"),
    (dict(sampling_rate=16000), ImportError, "tensorflow-io"),
    (dict(labels="folders"), ValueError, "list/tuple"),
    (dict(labels=[0] * 7, class_names=["a"]), ValueError, "class_names"),
    (dict(label_mode="sparse"), ValueError, "label_mode"),
    (dict(validation_split=0.2, subset="train", seed=1), ValueError, "subset"),
])
def test_argument_errors(folder, kwargs, error, match):
    with pytest.raises(error, match=match):
        tf.keras.utils.audio_dataset_from_directory(folder, verbose=False, **kwargs)


def test_a_bad_file_is_named(tmp_path):
    os.makedirs(tmp_path / "a")
    (tmp_path / "a" / "broken.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEdata\xff\xff\xff\x7f")
    ds = tf.keras.utils.audio_dataset_from_directory(str(tmp_path), verbose=False)
    with pytest.raises(InvalidArgumentError, match="broken.wav.*claims"):
        _all(ds)


def _wav(fmt=1, channels=1, bits=16, extensible=False):
    body = struct.pack("<HHIIHH", 0xFFFE if extensible else fmt, channels, 8000,
                       16000 * channels, 2 * channels, bits)
    if extensible:
        body += struct.pack("<HHI", 22, bits, 0) + struct.pack("<H", fmt) + bytes(14)
    data = bytes(4 * channels)
    chunks = b"fmt " + struct.pack("<I", len(body)) + body + b"data" + struct.pack(
        "<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks


@pytest.mark.parametrize("data, match", [
    (b"", "too short"),
    (b"RIFX" + _wav()[4:], "expected RIFF"),
    (_wav()[:8] + b"AVI " + _wav()[12:], "expected WAVE"),
    (_wav(bits=8), "16-bit"),
    (_wav(bits=24), "16-bit"),
    (_wav(fmt=3, bits=32), r"expected 1 \(PCM\), got 3"),
    (_wav(fmt=3, bits=32, extensible=True), r"expected 1 \(PCM\), got 3"),
    (_wav(channels=0), "channels"),
    (_wav()[:-1], "claims 4 bytes, but only 3"),
    (_wav()[:36], "no data chunk"),
    (_wav()[:12], "no fmt chunk"),
    (b"RIFF\x04\x00\x00\x00WAVEdata\x00\x00\x00\x00", "before any fmt"),
])
def test_decode_wav_refuses(data, match):
    with pytest.raises(InvalidArgumentError, match=match):
        tf.audio.decode_wav(data)


def test_extensible_pcm_and_odd_frames():
    audio, _ = tf.audio.decode_wav(_wav(channels=2, extensible=True))
    assert audio.shape == (2, 2)
    odd = _wav()[:40] + struct.pack("<I", 3) + b"\x00\x01\x02"
    with pytest.raises(InvalidArgumentError, match="not whole frames"):
        tf.audio.decode_wav(odd)


def test_graph_mode_shapes():
    @tf.function(input_signature=[tf.TensorSpec([], tf.string)])
    def decode(contents):
        audio, rate = tf.audio.decode_wav(contents, desired_channels=2, desired_samples=50)
        assert audio.shape.as_list() == [50, 2] and rate.dtype == tf.int32
        return audio, rate
    audio, rate = decode(tf.constant(_wav()))
    assert audio.shape == (50, 2) and int(rate) == 8000
