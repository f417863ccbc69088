"""Recordings of simulated calls: real WAV (PCM 8 kHz 16-bit mono) and MP3 bytes.

Audio is synthesised on request from the recording's length (a quiet two-tone hum), so
10,000 stored recordings cost a few hundred bytes each until someone downloads one.
"""
from __future__ import annotations

import asyncio
import io
import itertools
import math
import struct
from array import array
from dataclasses import dataclass
from functools import lru_cache

SAMPLE_RATE = 8000


@dataclass(slots=True)
class Recording:
    """A call's recording: its audio is made when asked for (wav, mp3)."""

    id: str
    call_id: str
    provider: str | None
    tenant: str | None
    started_at: float
    duration: float

    def wav(self) -> bytes:
        return wav_bytes(self.duration)

    def mp3(self) -> bytes:
        return mp3_bytes(self.duration)

    async def render(self, fmt: str) -> bytes:
        """``"wav"`` or ``"mp3"`` bytes, made off the event loop: use this in handlers."""
        return await render(self.duration, fmt)


class RecordingStore:
    def __init__(self) -> None:
        self._by_id: dict[str, Recording] = {}
        self._by_call: dict[str, Recording] = {}
        self._seq = itertools.count(1)

    def clear(self) -> None:
        self._by_id.clear()
        self._by_call.clear()
        self._seq = itertools.count(1)

    def add(self, call_id: str, provider: str | None, tenant: str | None,
            started_at: float, duration: float) -> Recording:
        rec = Recording(f"rec-{next(self._seq):06d}", call_id, provider, tenant, started_at, duration)
        self._by_id[rec.id] = rec
        self._by_call[call_id] = rec
        return rec

    def get(self, rec_id: str) -> Recording | None:
        return self._by_id.get(rec_id)

    def for_call(self, call_id: str) -> Recording | None:
        return self._by_call.get(call_id)

    def __len__(self) -> int:
        return len(self._by_id)


@lru_cache(maxsize=1)
def _one_second_pcm() -> bytes:
    samples = array("h", (int(900 * math.sin(2 * math.pi * 425 * i / SAMPLE_RATE)
                              + 300 * math.sin(2 * math.pi * 1000 * i / SAMPLE_RATE))
                          for i in range(SAMPLE_RATE)))
    return samples.tobytes() if struct.pack("=h", 1) == struct.pack("<h", 1) else _swap(samples)


def _swap(samples: array) -> bytes:
    samples.byteswap()
    return samples.tobytes()


def pcm_bytes(duration: float) -> bytes:
    n = max(0, int(round(duration * SAMPLE_RATE)))
    second = _one_second_pcm()
    whole, rest = divmod(n, SAMPLE_RATE)
    return second * whole + second[: rest * 2]


def wav_bytes(duration: float) -> bytes:
    import wave  # on first use, like mp3's encoder: no start-up needs it

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm_bytes(duration))
    return buf.getvalue()


def mp3_bytes(duration: float) -> bytes:
    import lameenc

    enc = lameenc.Encoder()
    enc.set_bit_rate(16)
    enc.set_in_sample_rate(SAMPLE_RATE)
    enc.set_channels(1)
    enc.set_quality(7)
    return bytes(enc.encode(pcm_bytes(duration)) + enc.flush())


async def render(duration: float, fmt: str) -> bytes:
    """WAV or MP3 bytes of ``duration`` seconds, made in a worker thread: an hour of MP3
    takes about a second to encode, which must not stall the server."""
    return await asyncio.to_thread(mp3_bytes if fmt == "mp3" else wav_bytes, duration)


def wav_info(data: bytes) -> tuple[int, int, int, float]:
    """(channels, sample width bytes, frame rate, duration s) of a WAV file; raises
    ValueError when it is not a readable PCM WAV."""
    import wave

    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            frames = w.getnframes()
            rate = w.getframerate()
            return w.getnchannels(), w.getsampwidth(), rate, frames / rate if rate else 0.0
    except (wave.Error, EOFError, struct.error) as exc:
        raise ValueError(f"not a PCM WAV file: {exc}") from exc
