"""A bounded in-memory log of every inbound provider request, outbound callback attempt and
notice, as typed records (:class:`JournalEntry`).

The control API, scenarios, the contract checker and (later) persistence read the same
record. Its JSON form (:meth:`JournalEntry.to_json`, also its read-only mapping view
``entry["status"]``) is flat::

    id, direction (in | out | notice), provider, tenant, operation (= kind), call_id,
    method, path, query, host, url, params, request_headers, request_body,
    status, response_headers, response_body, attempt, error, detail,
    sim_time, wall_time, latency_ms, and any provider fields of a notice (to, text, ...)

Bodies and headers are kept as the raw bytes / header objects on the hot path and turned
into text and dicts the first time somebody reads the entry.

The journal is bounded twice: by entries (``maxlen``, ``journal_size``) and by bytes
(``max_bytes``, ``journal_bytes``: the bodies it keeps plus :data:`ENTRY_OVERHEAD` an
entry), dropping the oldest entries first. A body longer than :data:`MAX_BODY` is kept as
its first MAX_BODY bytes with its size and sha256 (:class:`ClippedBody`); its JSON form
then also has ``request_body_size`` / ``request_body_sha256`` (``response_...`` alike).
"""
from __future__ import annotations

import itertools
import json
import time
from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from .bodies import MAX_BODY, ClippedBody, body_text, clip
from .bodies import stored_size as _stored_size
from .bodies import as_text as _text

__all__ = ["MAX_BODY", "DEFAULT_MAX_BYTES", "ENTRY_OVERHEAD", "JSON_PART", "DIRECTIONS", "ClippedBody",
           "clip", "body_text", "HttpRequest", "HttpResponse", "JournalEntry", "Journal", "json_parts"]

#: the default byte budget of a journal: kept bodies plus ENTRY_OVERHEAD per entry
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: what an entry costs the budget besides its bodies (the record, its headers, its dict form)
ENTRY_OVERHEAD = 1024
#: characters of JSON per piece of a journal answer (json_parts): ~5 ms of encoding each
JSON_PART = 256 * 1024

#: journal directions: requests to the simulator, callbacks it sends, and notices it "sends"
#: by channels no test can receive (e-mail or SMS to an administrator, voice-mail e-mail)
DIRECTIONS: tuple[str, ...] = ("in", "out", "notice")


def _headers(value: Any) -> dict[str, str] | None:
    return value if value is None or isinstance(value, dict) else dict(value)


@dataclass(slots=True, eq=False)
class HttpRequest:
    """The request of an entry: what the client sent (in) or what the simulator sent (out)."""

    method: str | None = None
    path: str | None = None
    query: str | None = None
    host: str | None = None
    headers: Any = None          # dict once read (CIMultiDict on the hot path)
    body: Any = None             # text once read (bytes or a ClippedBody on the hot path)
    clipped: ClippedBody | None = None  # set when the body was longer than MAX_BODY

    def materialize(self) -> None:
        self.headers = _headers(self.headers)
        if isinstance(self.body, ClippedBody):
            self.clipped = self.body
        self.body = _text(self.body)


@dataclass(slots=True, eq=False)
class HttpResponse:
    """The answer of an entry: the simulator's (in) or the application's (out)."""

    status: int | None = None
    headers: Any = None
    body: Any = None
    clipped: ClippedBody | None = None

    def materialize(self) -> None:
        self.headers = _headers(self.headers)
        if isinstance(self.body, ClippedBody):
            self.clipped = self.body
        self.body = _text(self.body)


@dataclass(slots=True, eq=False)
class JournalEntry(Mapping):
    """One journal record. Read it typed (``entry.response.status``) or as the flat JSON
    mapping of today's keys (``entry["status"]``, ``entry.get("call_id")``, ``dict(entry)``)."""

    id: int
    direction: str
    provider: str | None
    tenant: str | None
    #: the catalogue name of the operation, callback or notice
    operation: str
    sim_time: float
    wall_time: float
    request: HttpRequest = field(default_factory=HttpRequest)
    response: HttpResponse = field(default_factory=HttpResponse)
    call_id: str | None = None
    attempt: int | None = None
    error: str | None = None
    latency_ms: float | None = None
    #: the callback's target (out)
    url: str | None = None
    params: dict[str, str] | None = None
    detail: str | None = None
    #: fields a provider adds to a notice (to, text, service ...)
    extra: dict[str, Any] = field(default_factory=dict)
    _json: dict | None = None
    _cost: int = 0  # what the entry counts against the journal's byte budget

    @property
    def kind(self) -> str:
        """The older name of :attr:`operation`."""
        return self.operation

    @property
    def status(self) -> int | None:
        return self.response.status

    def to_json(self) -> dict[str, Any]:
        """The flat JSON form (made once; bodies as text, headers as dicts)."""
        if self._json is None:
            req, resp = self.request, self.response
            req.materialize()
            resp.materialize()
            out = {"id": self.id, "direction": self.direction, "kind": self.operation,
                   "operation": self.operation, "provider": self.provider, "tenant": self.tenant,
                   "call_id": self.call_id, "sim_time": self.sim_time, "wall_time": self.wall_time,
                   "method": req.method, "path": req.path, "query": req.query, "host": req.host,
                   "url": self.url, "params": self.params, "request_headers": req.headers,
                   "request_body": req.body, "status": resp.status,
                   "response_headers": resp.headers, "response_body": resp.body,
                   "attempt": self.attempt, "error": self.error, "detail": self.detail,
                   "latency_ms": self.latency_ms}
            for side, part in (("request", req), ("response", resp)):
                if part.clipped is not None:
                    out[f"{side}_body_size"] = part.clipped.size
                    out[f"{side}_body_sha256"] = part.clipped.sha256
            for key, value in self.extra.items():
                out.setdefault(key, value)
            self._json = out
        return self._json

    # the read-only mapping view: the JSON form
    def __getitem__(self, key: str) -> Any:
        return self.to_json()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_json())

    def __len__(self) -> int:
        return len(self.to_json())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, JournalEntry):
            return self.to_json() == other.to_json()
        return isinstance(other, Mapping) and self.to_json() == dict(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"JournalEntry(#{self.id} {self.direction} {self.provider} {self.operation!r} "
                f"status={self.response.status} error={self.error!r})")


def json_parts(entries: list[JournalEntry], part: int | None = None) -> Iterator[str]:
    """``json.dumps([e.to_json() for e in entries])`` in pieces of about ``part`` characters
    (joined, the same text): a caller answering a journal of MiBs lets the event loop run
    between the pieces instead of stalling it for the whole encoding."""
    part = part or JSON_PART
    dumps = json.dumps
    pending: list[str] = ["["]
    size = 0
    for i, entry in enumerate(entries):
        text = dumps(entry.to_json())
        pending.append(text if i == 0 else ", " + text)
        size += len(text)
        if size >= part:
            yield "".join(pending)
            pending.clear()
            size = 0
    pending.append("]")
    yield "".join(pending)


def _matches(e: JournalEntry, provider: str | None, direction: str | None, operation: str | None,
             tenant: str | None) -> bool:
    return ((provider is None or e.provider == provider)
            and (direction is None or e.direction == direction)
            and (operation is None or e.operation == operation)
            and (tenant is None or e.tenant == tenant))


class Journal:
    def __init__(self, now: Callable[[], float], maxlen: int = 20_000,
                 max_bytes: int = DEFAULT_MAX_BYTES):
        self._now = now
        self.maxlen = maxlen
        self.max_bytes = max_bytes
        self._bytes = 0
        self._entries: deque[JournalEntry] = deque()
        self._by_call: dict[str, deque[JournalEntry]] = {}  # call id -> its entries, oldest first
        self._ids = itertools.count(1)
        self._listeners: list[Callable[[JournalEntry], None]] = []
        self._counts: Counter[tuple[str | None, str]] = Counter()

    def clear(self) -> None:
        # ids keep growing across resets so that "since" cursors never see old ids again
        self._entries.clear()
        self._by_call.clear()
        self._counts.clear()
        self._bytes = 0

    @property
    def bytes(self) -> int:
        """What the kept entries count against ``max_bytes``."""
        return self._bytes

    def _keep(self, entry: JournalEntry) -> None:
        body, answer = entry.request.body, entry.response.body
        # bytes within MAX_BODY (every callback attempt's, most requests') are kept as they are
        # and cost their length: clip and _stored_size only for the rest
        if body is None:
            cost = ENTRY_OVERHEAD
        elif type(body) is bytes and len(body) <= MAX_BODY:
            cost = ENTRY_OVERHEAD + len(body)
        else:
            entry.request.body = body = clip(body)
            cost = ENTRY_OVERHEAD + _stored_size(body)
        if answer is not None:
            if type(answer) is bytes and len(answer) <= MAX_BODY:
                cost += len(answer)
            else:
                entry.response.body = answer = clip(answer)
                cost += _stored_size(answer)
        entry._cost = cost
        entries = self._entries
        entries.append(entry)
        if entry.call_id is not None:
            of_call = self._by_call.get(entry.call_id)
            if of_call is None:
                of_call = self._by_call[entry.call_id] = deque()
            of_call.append(entry)
        self._bytes += cost
        # the newest entry is always kept, whatever it costs
        while len(entries) > self.maxlen or (self._bytes > self.max_bytes and len(entries) > 1):
            gone = entries.popleft()
            self._bytes -= gone._cost
            if gone.call_id is not None:  # the oldest of its call's entries too
                of_call = self._by_call[gone.call_id]
                of_call.popleft()
                if not of_call:
                    del self._by_call[gone.call_id]

    def subscribe(self, listener: Callable[[JournalEntry], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def add(self, direction: str, kind: str, provider: str | None, tenant: str | None = None,
            **fields: Any) -> JournalEntry:
        """Record one entry; ``kind`` is the operation's catalogue name. Keywords are the
        flat JSON keys (method, path, request_body, status, ...); others are kept as the
        entry's ``extra`` fields (a notice's ``to``, ``text`` ...)."""
        f = fields
        entry = JournalEntry(
            next(self._ids), direction, provider, tenant, kind, self._now(), time.time(),
            HttpRequest(f.pop("method", None), f.pop("path", None), f.pop("query", None),
                        f.pop("host", None), f.pop("request_headers", None), f.pop("request_body", None)),
            HttpResponse(f.pop("status", None), f.pop("response_headers", None), f.pop("response_body", None)),
            f.pop("call_id", None), f.pop("attempt", None), f.pop("error", None), f.pop("latency_ms", None),
            f.pop("url", None), f.pop("params", None), f.pop("detail", None), f)
        return self._added(entry)

    def add_request(self, provider: str, tenant: str | None, operation: str, method: str,
                    path: str, query: str, host: str | None, request_headers: Any,
                    request_body: Any, status: int | None, response_headers: Any,
                    response_body: Any, error: str | None, latency_ms: float,
                    extra: dict[str, Any]) -> JournalEntry:
        """An inbound request (direction ``in``): :meth:`add` without the keyword parsing,
        for the request path."""
        entry = JournalEntry(
            next(self._ids), "in", provider, tenant, operation, self._now(), time.time(),
            HttpRequest(method, path, query, host, request_headers, request_body),
            HttpResponse(status, response_headers, response_body), None, None, error,
            latency_ms, None, None, None, extra)
        return self._added(entry)

    def add_out(self, operation: str, provider: str | None, tenant: str | None,
                call_id: str | None, method: str, url: str, attempt: int,
                params: dict[str, str] | None, request_headers: Any, request_body: Any,
                status: int | None, response_headers: Any, response_body: Any,
                error: str | None, latency_ms: float | None,
                sim_time: float | None = None) -> JournalEntry:
        """A callback attempt (direction ``out``): :meth:`add` without the keyword parsing,
        for the delivery path. Bodies may be bytes (made text when the entry is read).
        ``sim_time``: when the attempt was sent (default: now)."""
        entry = JournalEntry(
            next(self._ids), "out", provider, tenant, operation,
            self._now() if sim_time is None else sim_time, time.time(),
            HttpRequest(method, None, None, None, request_headers, request_body),
            HttpResponse(status, response_headers, response_body), call_id, attempt, error,
            latency_ms, url, params, None, {})
        return self._added(entry)

    def _added(self, entry: JournalEntry) -> JournalEntry:
        self._keep(entry)
        direction, provider, kind = entry.direction, entry.provider, entry.operation
        # counts since reset: every request and notice, every callback once (its first attempt)
        if direction != "out" or (entry.attempt in (None, 1) and entry.error != "dropped"):
            self._counts[(provider, kind)] += 1
        for listener in self._listeners:
            listener(entry)
        return entry

    def counts(self, provider: str | None) -> dict[str, int]:
        """How many times each operation / callback / notice of ``provider`` happened since
        the last reset (callbacks count once however many attempts they took)."""
        return {name: n for (slug, name), n in self._counts.items() if slug == provider}

    def query(self, *, provider: str | None = None, direction: str | None = None,
              kind: str | None = None, operation: str | None = None, tenant: str | None = None,
              call_id: str | None = None, since: int | None = None,
              limit: int | None = None) -> list[JournalEntry]:
        """Entries matching every filter given, oldest first (``kind`` is ``operation``)."""
        name = operation if operation is not None else kind
        if call_id is not None:  # one call's entries through the index, not the whole journal
            entries = self._by_call.get(call_id) or ()
            candidates = (e for e in entries if since is None or e.id > since)
        else:
            entries = self._entries
            start = 0
            if since is not None and entries:
                start = max(0, min(len(entries), since + 1 - entries[0].id))
            if limit is not None:
                # the newest ``limit`` matches: walk back from the end and stop there, so a
                # filtered page of the latest entries does not read the whole journal
                newest = itertools.islice(reversed(entries), len(entries) - start)
                out = list(itertools.islice(
                    (e for e in newest if _matches(e, provider, direction, name, tenant)), limit))
                out.reverse()
                return out
            candidates = itertools.islice(entries, start, None)
        out = [e for e in candidates if _matches(e, provider, direction, name, tenant)]
        if limit is not None:
            out = out[len(out) - limit:] if limit < len(out) else out
        return out

    @property
    def last_id(self) -> int:
        return self._entries[-1].id if self._entries else 0

    def __len__(self) -> int:
        return len(self._entries)
