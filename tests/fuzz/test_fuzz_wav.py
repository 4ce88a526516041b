"""Fuzzing the WAV parser (tf.audio.decode_wav, and audio_dataset_from_directory's file
loader): every mutant of a valid file is refused with an InvalidArgumentError (naming the
file, for the loader) or decodes to audio the mutant's bytes really hold; nothing else,
and no allocation above PEAK_BYTES (a header's claimed sizes are never trusted)."""
import os
import struct
import tempfile

import numpy as np
from hypothesis import given

import ndflow as tf
from ndflow.framework.errors import InvalidArgumentError
from ndflow.keras.utils.directory_datasets import _audio_loader

from fuzz_helpers import FUZZ, PEAK_BYTES, assert_clear_error, mutate, mutations, record, \
    run_bounded

_AUDIO = (np.sin(np.arange(120, dtype=np.float32).reshape(60, 2) / 5.0) * 0.8)
_VALID = tf.audio.encode_wav(_AUDIO, 16000).numpy()
# the same audio with a LIST chunk (odd-sized, so padded) between fmt and data
_WITH_LIST = (b"RIFF" + struct.pack("<I", len(_VALID) - 8 + 12) + _VALID[8:36] + b"LIST" +
              struct.pack("<I", 3) + b"abc\x00" + _VALID[36:])


def _plausible(audio, rate, mutant):
    """What any successful decode must satisfy: float32 [frames, channels] in [-1, 1),
    no more samples than the bytes hold, and the original values for the original file."""
    assert audio.dtype == np.float32 and audio.ndim == 2
    assert audio.size * 2 <= len(mutant), "more samples than bytes"
    assert np.all(audio >= -1.0) and np.all(audio < 1.0)
    assert rate.dtype == np.int32
    if mutant in (_VALID, _WITH_LIST):
        np.testing.assert_array_equal(audio, tf.audio.decode_wav(_VALID)[0].numpy())
        return "identical load"
    return "decodes what the bytes hold"


def test_both_originals_decode():
    for data in (_VALID, _WITH_LIST):
        audio, rate = tf.audio.decode_wav(data)
        assert int(rate) == 16000
        np.testing.assert_allclose(audio.numpy(), _AUDIO, atol=1 / 32768)


@FUZZ
@given(edits=mutations(len(_WITH_LIST)))
def test_fuzz_decode_wav(edits):
    mutant = mutate(_WITH_LIST, edits)

    def load():
        audio, rate = tf.audio.decode_wav(mutant)
        return audio.numpy(), rate.numpy()
    result, error, peak, _ = run_bounded(load)
    assert peak < PEAK_BYTES, f"decode_wav: {peak} bytes allocated"
    if error is None:
        record("decode_wav", _plausible(*result, mutant))
    else:
        assert isinstance(error, InvalidArgumentError), f"{type(error).__name__}: {error}"
        assert "decode_wav" in str(error)
        record("decode_wav", "clear error")


@FUZZ
@given(edits=mutations(len(_VALID)))
def test_fuzz_audio_dataset_loader(edits):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "clip.wav")
        mutant = mutate(_VALID, edits)
        with open(path, "wb") as f:
            f.write(mutant)
        load = _audio_loader(None)
        result, error, peak, _ = run_bounded(lambda: load(path.encode()))
        assert peak < PEAK_BYTES, f"audio loader: {peak} bytes allocated"
        assert os.listdir(d) == ["clip.wav"]
        if error is None:
            record("audio_dataset_from_directory", _plausible(result, np.int32(0), mutant))
        else:
            assert_clear_error(error, path)
            record("audio_dataset_from_directory", "clear error")


def test_claimed_sizes_are_checked_against_the_bytes():
    huge = _VALID[:40] + struct.pack("<I", 2 ** 31) + _VALID[44:]
    result, error, peak, _ = run_bounded(lambda: tf.audio.decode_wav(huge))
    assert isinstance(error, InvalidArgumentError) and "claims 2147483648 bytes" in str(error)
    assert peak < PEAK_BYTES
