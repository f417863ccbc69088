"""How long an uploaded MP3 plays: the first MPEG audio Layer III frame header gives the
bit rate (constant bit rate assumed, as prompts are), the size gives the duration."""
from __future__ import annotations

from typing import Optional

# kbit/s by bitrate index: MPEG-1 Layer III, MPEG-2/2.5 Layer III
_BITRATES = {
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SEARCH = 64 * 1024


def mp3_seconds(data: bytes) -> Optional[float]:
    """Seconds of audio, or None when ``data`` holds no MPEG Layer III frame."""
    start = 0
    if data[:3] == b"ID3" and len(data) >= 10:
        size = (data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F)
        start = 10 + size
    end = min(len(data) - 3, start + _SEARCH)
    for i in range(start, max(end, start)):
        if data[i] != 0xFF or data[i + 1] & 0xE0 != 0xE0:
            continue
        version = (data[i + 1] >> 3) & 0x03   # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5, 1: reserved
        layer = (data[i + 1] >> 1) & 0x03     # 1: Layer III
        index = data[i + 2] >> 4
        if version == 1 or layer != 1 or index in (0, 15) or (data[i + 2] >> 2) & 0x03 == 3:
            continue
        kbps = _BITRATES[3 if version == 3 else 2][index]
        return (len(data) - i) * 8 / (kbps * 1000)
    return None
