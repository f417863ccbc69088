"""Voice file check for VFILE (4.15.6): WAV PCM 8 kHz, 16 bit, mono ("8M16")."""

from __future__ import annotations

import struct
from dataclasses import dataclass


class InvalidVoiceFile(ValueError):
    """Anything but a WAV PCM 8M16 file (415.1)."""


@dataclass(frozen=True)
class WavInfo:
    sample_rate: int
    channels: int
    bits: int
    frames: int

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate


def inspect(data: bytes) -> WavInfo:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise InvalidVoiceFile("not a RIFF/WAVE file")
    pos, fmt, data_len = 12, None, None
    while pos + 8 <= len(data):
        chunk_id = data[pos:pos + 4]
        (size,) = struct.unpack("<I", data[pos + 4:pos + 8])
        body = data[pos + 8:pos + 8 + size]
        if chunk_id == b"fmt ":
            if len(body) < 16:
                raise InvalidVoiceFile("short fmt chunk")
            fmt = struct.unpack("<HHIIHH", body[:16])
        elif chunk_id == b"data":
            data_len = len(body)
            break
        pos += 8 + size + (size & 1)
    if fmt is None or data_len is None:
        raise InvalidVoiceFile("missing fmt or data chunk")
    audio_format, channels, rate, _byte_rate, _align, bits = fmt
    if audio_format != 1 or channels != 1 or rate != 8000 or bits != 16:
        raise InvalidVoiceFile(f"format {audio_format}, {channels} ch, {rate} Hz, {bits} bit")
    return WavInfo(sample_rate=rate, channels=channels, bits=bits, frames=data_len // 2)


def make(seconds: float = 1.0, *, rate: int = 8000, channels: int = 1, bits: int = 16) -> bytes:
    """A silent WAV file (for default-world voice files and tests)."""
    frames = int(seconds * rate)
    block = channels * bits // 8
    payload = b"\x00" * (frames * block)
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * block, block, bits)
    return (
        b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(payload)) + b"WAVE"
        + b"fmt " + struct.pack("<I", len(fmt)) + fmt
        + b"data" + struct.pack("<I", len(payload)) + payload
    )
