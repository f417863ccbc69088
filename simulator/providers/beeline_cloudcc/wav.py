"""Voice file check for VFILE (4.15.6): WAV PCM 8 kHz, 16 bit, mono ("8M16")."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ...engine.audio import wav_info


class InvalidVoiceFile(ValueError):
    """Anything but a WAV PCM 8M16 file (415.1)."""


@dataclass(frozen=True)
class WavInfo:
    sample_rate: int
    channels: int
    bits: int
    duration: float


def inspect(data: bytes) -> WavInfo:
    """What an 8M16 voice file is (read by the core's WAV reader); InvalidVoiceFile otherwise."""
    try:
        channels, width, rate, duration = wav_info(data)
    except ValueError as exc:
        raise InvalidVoiceFile(str(exc)) from None
    if channels != 1 or rate != 8000 or width != 2:
        raise InvalidVoiceFile(f"{channels} ch, {rate} Hz, {width * 8} bit")
    return WavInfo(sample_rate=rate, channels=channels, bits=width * 8, duration=duration)


def make(seconds: float = 1.0, *, rate: int = 8000, channels: int = 1, bits: int = 16) -> bytes:
    """A silent WAV file of any format (tests build wrong formats with it)."""
    frames = int(seconds * rate)
    block = channels * bits // 8
    payload = b"\x00" * (frames * block)
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * block, block, bits)
    return (
        b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(payload)) + b"WAVE"
        + b"fmt " + struct.pack("<I", len(fmt)) + fmt
        + b"data" + struct.pack("<I", len(payload)) + payload
    )
