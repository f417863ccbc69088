"""A bounded in-memory log of every inbound provider request and outbound callback attempt."""
from __future__ import annotations

import itertools
import time
from collections import deque
from typing import Any, Callable

MAX_BODY = 64 * 1024


def body_text(body: bytes | str | None) -> str | None:
    """Bodies as text for the journal (binary bodies are summarised, long ones cut)."""
    if body is None:
        return None
    if isinstance(body, str):
        return body if len(body) <= MAX_BODY else body[:MAX_BODY] + "…"
    if not body:
        return ""
    try:
        text = body[:MAX_BODY].decode("utf-8")
    except UnicodeDecodeError:
        return f"<{len(body)} bytes of binary data>"
    return text if len(body) <= MAX_BODY else text + "…"


_BODY_FIELDS = ("request_body", "response_body")
_HEADER_FIELDS = ("request_headers", "response_headers")


def _materialize(entry: dict) -> dict:
    """Entries keep raw bytes and header objects (cheap on the hot path); they become
    JSON-able text and dicts the first time somebody reads them."""
    if entry.pop("_raw", False):
        for key in _BODY_FIELDS:
            value = entry.get(key)
            if isinstance(value, (bytes, bytearray, memoryview)):
                entry[key] = body_text(bytes(value))
        for key in _HEADER_FIELDS:
            value = entry.get(key)
            if value is not None and not isinstance(value, dict):
                entry[key] = dict(value)
    return entry


class Journal:
    def __init__(self, now: Callable[[], float], maxlen: int = 20_000):
        self._now = now
        self._entries: deque[dict] = deque(maxlen=maxlen)
        self._ids = itertools.count(1)
        self._listeners: list[Callable[[dict], None]] = []

    def clear(self) -> None:
        # ids keep growing across resets so that "since" cursors never see old ids again
        self._entries.clear()

    def subscribe(self, listener: Callable[[dict], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def add(self, direction: str, kind: str, provider: str | None, tenant: str | None = None,
            **fields: Any) -> dict:
        # "operation" is the catalogue name; "kind" the same value under its older name
        entry = {"id": next(self._ids), "direction": direction, "kind": kind, "operation": kind,
                 "provider": provider, "tenant": tenant, "sim_time": self._now(),
                 "wall_time": time.time(), "_raw": True, **fields}
        self._entries.append(entry)
        if self._listeners:
            _materialize(entry)
            for listener in self._listeners:
                listener(entry)
        return entry

    def query(self, *, provider: str | None = None, direction: str | None = None,
              kind: str | None = None, tenant: str | None = None, call_id: str | None = None,
              since: int | None = None, limit: int | None = None) -> list[dict]:
        entries = self._entries
        start = 0
        if since is not None and entries:
            start = max(0, min(len(entries), since + 1 - entries[0]["id"]))
        out = []
        for i in range(start, len(entries)):
            e = entries[i]
            if ((provider is None or e["provider"] == provider)
                    and (direction is None or e["direction"] == direction)
                    and (kind is None or e["kind"] == kind)
                    and (tenant is None or e["tenant"] == tenant)
                    and (call_id is None or e.get("call_id") == call_id)):
                out.append(e)
        if limit is not None:
            out = out[len(out) - limit:] if limit < len(out) else out
        return [_materialize(e) for e in out]

    @property
    def last_id(self) -> int:
        return self._entries[-1]["id"] if self._entries else 0

    def __len__(self) -> int:
        return len(self._entries)
