"""How the journal keeps bodies: as they are up to :data:`MAX_BODY` bytes, else clipped to
their head with their size and sha256 (:class:`ClippedBody`); as text once somebody reads
the entry (binary bodies summarised, long ones cut)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

MAX_BODY = 64 * 1024


@dataclass(slots=True, frozen=True)
class ClippedBody:
    """A body longer than MAX_BODY as the journal keeps it."""

    head: bytes   # its first MAX_BODY bytes
    size: int     # its whole length in bytes
    sha256: str   # of the whole body, hex


def clip(body: Any) -> Any:
    """``body`` as the journal keeps it: as it is up to MAX_BODY bytes, else a ClippedBody.
    Hashing a body of several MiB takes milliseconds: async callers do it in a thread."""
    if isinstance(body, str):
        if len(body) <= MAX_BODY // 4:  # at most 4 UTF-8 bytes a character: short enough
            return body
        body = body.encode("utf-8", "surrogatepass")
    if isinstance(body, (bytes, bytearray, memoryview)) and len(body) > MAX_BODY:
        return ClippedBody(bytes(body[:MAX_BODY]), len(body), hashlib.sha256(body).hexdigest())
    return body


def stored_size(body: Any) -> int:
    """What a kept body costs the journal's byte budget."""
    if body is None:
        return 0
    if isinstance(body, ClippedBody):
        return len(body.head)
    return len(body)


def _utf8_head(head: bytes) -> str | None:
    """The text of a cut body; a character the cut split is left out."""
    for end in range(len(head), max(len(head) - 4, -1), -1):
        try:
            return head[:end].decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < end - 4:  # not at the cut: the body is not UTF-8
                return None
    return None


def body_text(body: bytes | str | ClippedBody | None) -> str | None:
    """Bodies as text for the journal (binary bodies are summarised, long ones cut)."""
    if body is None:
        return None
    if isinstance(body, ClippedBody):
        text = _utf8_head(body.head)
        return f"<{body.size} bytes of binary data>" if text is None else text + "…"
    if isinstance(body, str):
        return body if len(body) <= MAX_BODY else body[:MAX_BODY] + "…"
    if not body:
        return ""
    try:
        text = body[:MAX_BODY].decode("utf-8")
    except UnicodeDecodeError:
        return f"<{len(body)} bytes of binary data>"
    return text if len(body) <= MAX_BODY else text + "…"


def as_text(value: Any) -> Any:
    if isinstance(value, ClippedBody):
        return body_text(value)
    return body_text(bytes(value)) if isinstance(value, (bytes, bytearray, memoryview)) else value
