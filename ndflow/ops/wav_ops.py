"""tf.audio.decode_wav and encode_wav: 16-bit PCM WAV files, parsed with the standard
library (the RIFF chunks read one by one).

Every size a header states is checked against the bytes that are really there before
anything is read or allocated, so a damaged or hostile file gives an
InvalidArgumentError that says what is wrong, never a crash or a huge allocation.
Like TensorFlow, only 16-bit integer PCM is read (WAVE_FORMAT_EXTENSIBLE files whose
sub-format is PCM too); unlike TensorFlow's parser, odd-sized chunks are followed by the
pad byte the RIFF format prescribes.
"""
import struct

import numpy as np

from ..framework import dtypes
from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..framework.tensor_shape import TensorShape
from .array_ops import convert_to_tensor

_PCM, _EXTENSIBLE = 1, 0xFFFE
_INT32_MAX = 2 ** 31 - 1


def _contents(value):
    data = value[()] if isinstance(value, np.ndarray) else value
    if isinstance(data, str):
        data = data.encode("latin-1")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InvalidArgumentError(f"decode_wav: contents must be a scalar string tensor of "
                                   f"WAV bytes. Received: {type(data).__name__}")
    return bytes(data)


def _read_fmt(body):
    if len(body) < 16:
        raise InvalidArgumentError(f"decode_wav: the fmt chunk has {len(body)} bytes; a PCM "
                                   "format needs 16.")
    fmt, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", body)
    if fmt == _EXTENSIBLE and len(body) >= 26:
        fmt = struct.unpack_from("<H", body, 24)[0]  # the sub-format GUID's first two bytes
    if fmt != _PCM:
        raise InvalidArgumentError(f"decode_wav: bad audio format: expected 1 (PCM), got "
                                   f"{fmt}.")
    if channels < 1:
        raise InvalidArgumentError(f"decode_wav: bad number of channels: expected at least "
                                   f"1, got {channels}.")
    if bits != 16:
        raise InvalidArgumentError(f"decode_wav: can only read 16-bit WAV files, but the file "
                                   f"has {bits}-bit samples.")
    if rate > _INT32_MAX:
        raise InvalidArgumentError(f"decode_wav: the sample rate {rate} does not fit in int32.")
    return channels, rate


def parse_wav(data):
    """(int16 samples [frames, channels], sample rate) of 16-bit PCM WAV bytes."""
    if len(data) < 12:
        raise InvalidArgumentError(f"decode_wav: {len(data)} bytes are too short for a WAV "
                                   "file's RIFF header (12 bytes).")
    if data[:4] != b"RIFF":
        raise InvalidArgumentError(f"decode_wav: header mismatch: expected RIFF but found "
                                   f"{data[:4]!r}.")
    if data[8:12] != b"WAVE":
        raise InvalidArgumentError(f"decode_wav: header mismatch: expected WAVE but found "
                                   f"{data[8:12]!r}.")
    pos, layout = 12, None
    while pos + 8 <= len(data):
        chunk, size = data[pos:pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        start = pos + 8
        if size > len(data) - start:
            raise InvalidArgumentError(f"decode_wav: the {chunk!r} chunk at byte {pos} "
                                       f"claims {size} bytes, but only {len(data) - start} "
                                       "follow.")
        if chunk == b"fmt ":
            layout = _read_fmt(data[start:start + size])
        elif chunk == b"data":
            if layout is None:
                raise InvalidArgumentError("decode_wav: the data chunk comes before any fmt "
                                           "chunk.")
            channels, rate = layout
            block = 2 * channels
            if size % block:
                raise InvalidArgumentError(f"decode_wav: the data chunk's {size} bytes are "
                                           f"not whole frames of {channels} 16-bit "
                                           "samples.")
            samples = np.frombuffer(data, "<i2", size // 2, start)
            return samples.reshape(size // block, channels), rate
        pos = start + size + (size & 1)  # chunks are padded to an even length
    if layout is None:
        raise InvalidArgumentError("decode_wav: no fmt chunk found in the WAV data.")
    raise InvalidArgumentError("decode_wav: no data chunk found in the WAV data.")


def _decode_infer(ts, attrs):
    samples, channels = attrs["desired_samples"], attrs["desired_channels"]
    return [(TensorShape([samples if samples >= 0 else None,
                          channels if channels >= 0 else None]), dtypes.float32),
            (TensorShape([]), dtypes.int32)]


@op("DecodeWav", multi_output=True, host=True, differentiable=False, infer=_decode_infer)
def DECODE_WAV(xp, contents, desired_channels, desired_samples):
    samples, rate = parse_wav(_contents(contents))
    frames, channels = samples.shape
    if desired_channels >= 0 and desired_channels != channels:
        # fewer: the first ones; more: the last channel repeated (mono becomes dual mono)
        samples = samples[:, np.minimum(np.arange(desired_channels), channels - 1)]
    if desired_samples >= 0 and desired_samples != frames:
        kept = samples[:desired_samples]
        samples = np.zeros((desired_samples, samples.shape[1]), np.int16)
        samples[:len(kept)] = kept
    audio = samples.astype(np.float32) * np.float32(1.0 / 32768.0)
    return audio, np.asarray(rate, np.int32)


def wav_bytes(audio, sample_rate):
    """16-bit PCM WAV bytes of float audio [samples, channels] (TensorFlow's encoding:
    clipped to [-1, 1], scaled by 32768, rounded half away from zero, 1.0 -> 32767)."""
    audio = np.asarray(audio, np.float32)
    if audio.ndim != 2:
        raise InvalidArgumentError(f"encode_wav: audio must be 2-D [samples, channels]. "
                                   f"Received: shape {audio.shape}")
    rate = int(np.asarray(sample_rate).reshape(()))
    frames, channels = audio.shape
    if not 0 < rate <= _INT32_MAX or channels > 0xFFFF or channels < 1 and frames:
        raise InvalidArgumentError(f"encode_wav: bad sample rate {rate} or channel count "
                                   f"{channels}.")
    scaled = np.clip(np.nan_to_num(audio, nan=0.0), -1.0, 1.0).astype(np.float64) * 32768.0
    values = np.clip(np.trunc(scaled + np.copysign(0.5, scaled)), -32768, 32767)
    payload = values.astype("<i2").tobytes()
    if len(payload) + 36 > 0xFFFFFFFF:
        raise InvalidArgumentError("encode_wav: the audio is too long for a WAV file (4 GiB).")
    return b"RIFF" + struct.pack("<I", 36 + len(payload)) + b"WAVEfmt " + struct.pack(
        "<IHHIIHH", 16, _PCM, channels, rate, rate * channels * 2, channels * 2, 16) + \
        b"data" + struct.pack("<I", len(payload)) + payload


@op("EncodeWav", host=True, differentiable=False,
    infer=lambda ts, a: [(TensorShape([]), dtypes.string)])
def ENCODE_WAV(xp, audio, sample_rate):
    out = np.empty((), dtype=object)
    out[()] = wav_bytes(audio, sample_rate)
    return out


def decode_wav(contents, desired_channels=-1, desired_samples=-1, name=None):
    """Decodes a 16-bit PCM WAV file into float audio.

    Args:
      contents: A scalar `string` tensor (or bytes): the WAV file's contents.
      desired_channels: The number of channels to return (-1: the file's). Fewer keep the
        first channels; more repeat the last one.
      desired_samples: The number of samples (frames) to return (-1: the file's). Fewer
        keep the first; more are zero-padded at the end.
      name: A name for the operation (optional).

    Returns:
      A tuple `(audio, sample_rate)`: `audio` a `float32` tensor `[samples, channels]` in
      [-1, 1) (each 16-bit value divided by 32768) and `sample_rate` an `int32` scalar.

    Raises:
      InvalidArgumentError: If the contents are not a 16-bit PCM WAV file, naming what is
        wrong (a bad header, a chunk longer than the data, another sample format, ...).
    """
    return tuple(execute(DECODE_WAV, (contents,), {
        "desired_channels": int(desired_channels), "desired_samples": int(desired_samples)},
        name))


def encode_wav(audio, sample_rate, name=None):
    """Encodes float audio as a 16-bit PCM WAV file.

    Args:
      audio: A `float32` tensor `[samples, channels]`; values are clipped to [-1, 1] and
        scaled by 32768 (rounded half away from zero, 1.0 becomes 32767).
      sample_rate: An `int32` scalar tensor (or int): samples per second.
      name: A name for the operation (optional).

    Returns:
      A scalar `string` tensor: the WAV file's bytes.
    """
    audio = convert_to_tensor(audio, dtype=dtypes.float32)
    rate = convert_to_tensor(sample_rate, dtype=dtypes.int32)
    return execute(ENCODE_WAV, (audio, rate), {}, name)


from ..util.export import export_many  # noqa: E402

export_many("audio", {"decode_wav": decode_wav, "encode_wav": encode_wav})
