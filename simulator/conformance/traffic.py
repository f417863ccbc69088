"""``telsim validate``: an application's requests against the providers' documents.

Sources, each read into journal entries (direction ``in``) so that the contracts check them
as they check the simulator's own journal:

* a running simulator's journal (``--simulator URL``: ``GET /_sim/journal?direction=in``);
* a HAR file (``log.entries[].request``: method, url, headers, postData text, base64 too);
* a JSONL log, one request a line: ``{"method", "url" (or "path" and "host"), "headers"
  (an object or HAR's name/value list), "body" (text) or "body_base64"}``; lines in the
  journal's own JSON form (``request_headers``, ``request_body``) are read too.

Provider and operation come from the catalogues (:mod:`.recognise`); a journal entry keeps
the operation the simulator named unless it named none.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlencode, urlsplit

from ..catalogue import UNRECOGNISED
from ..journal import Journal, JournalEntry
from .deviations import Deviation
from .recognise import Recogniser


class TrafficError(ValueError):
    """A source that cannot be read (the message names it)."""


@dataclass
class RawRequest:
    method: str
    path: str
    query: str = ""
    host: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    provider: str | None = None      # known already (a journal entry)
    operation: str | None = None
    source: str = ""                 # where it came from: "file.har entry 3"
    #: the journal kept only part of the body (cut at its limit, or binary): not checked
    partial: bool = False


def _headers(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, list):  # HAR: [{"name": ..., "value": ...}]
        return {str(h.get("name")): str(h.get("value", "")) for h in value
                if isinstance(h, dict) and h.get("name") and not str(h.get("name")).startswith(":")}
    return {}


def _split(url: str) -> tuple[str | None, str, str]:
    parts = urlsplit(url)
    return parts.netloc.rsplit("@", 1)[-1] or None, parts.path or "/", parts.query


def from_har(path: Path) -> list[RawRequest]:
    data = _load_json(path)
    entries = data.get("log", {}).get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise TrafficError(f"{path}: not a HAR file (no log.entries)")
    out = []
    for i, entry in enumerate(entries):
        req = entry.get("request") if isinstance(entry, dict) else None
        if not isinstance(req, dict) or not isinstance(req.get("url"), str):
            raise TrafficError(f"{path}: log.entries[{i}] has no request url")
        host, path_, query = _split(req["url"])
        headers = _headers(req.get("headers"))
        post = req.get("postData") or {}
        text = post.get("text") or ""
        if not text and isinstance(post.get("params"), list):  # a form given as its fields
            text = urlencode([(p.get("name", ""), p.get("value", "")) for p in post["params"] if isinstance(p, dict)])
        try:
            body = base64.b64decode(text) if post.get("encoding") == "base64" else text.encode("utf-8")
        except ValueError:
            raise TrafficError(f"{path}: log.entries[{i}] postData is not base64") from None
        if post.get("mimeType") and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = post["mimeType"]
        out.append(RawRequest(str(req.get("method", "GET")).upper(), path_, query,
                              _host(headers) or host, headers, body, source=f"{path.name} entry {i}"))
    return out


def _host(headers: dict[str, str]) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == "host"), None)


def from_jsonl(path: Path) -> list[RawRequest]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise TrafficError(f"{path}: cannot read: {exc}") from None
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise TrafficError(f"{path}:{n}: not JSON: {exc}") from None
        if not isinstance(item, dict):
            raise TrafficError(f"{path}:{n}: a JSON object per line")
        out.append(from_record(item, f"{path.name}:{n}"))
    return out


def from_record(item: dict, source: str) -> RawRequest:
    """One request as a JSON object: a log line or a journal entry's JSON form."""
    if item.get("direction") not in (None, "in"):
        raise TrafficError(f"{source}: not a request to a provider (direction {item['direction']!r})")
    headers = _headers(item.get("headers", item.get("request_headers")))
    if isinstance(item.get("url"), str) and ("://" in item["url"] or item["url"].startswith("/")):
        host, path, query = _split(item["url"])
        host = _host(headers) or host or item.get("host")
    elif isinstance(item.get("path"), str):
        host, path, query = item.get("host") or _host(headers), item["path"], item.get("query") or ""
    else:
        raise TrafficError(f"{source}: a request needs url or path")
    partial = False
    if "body_base64" in item:
        try:
            body = base64.b64decode(item["body_base64"] or "")
        except ValueError:
            raise TrafficError(f"{source}: body_base64 is not base64") from None
    else:
        text = item.get("body", item.get("request_body"))
        body = text.encode("utf-8") if isinstance(text, str) else b""
        partial = "request_body" in item and isinstance(text, str) and (
            text.endswith("…") or (text.startswith("<") and text.endswith(" bytes of binary data>")))
    if not isinstance(item.get("method"), str):
        raise TrafficError(f"{source}: a request needs its method")
    operation = item.get("operation") if item.get("operation") != UNRECOGNISED else None
    return RawRequest(item["method"].upper(), path, query or "", host, headers, body,
                      provider=item.get("provider") if "operation" in item else None,
                      operation=operation, source=source, partial=partial)


def from_simulator(url: str, timeout: float = 30.0) -> list[RawRequest]:
    from urllib.error import URLError
    from urllib.request import urlopen

    target = url.rstrip("/") + "/_sim/journal?direction=in"
    try:
        with urlopen(target, timeout=timeout) as resp:  # noqa: S310 (the user's simulator)
            entries = json.loads(resp.read())
    except (URLError, OSError, ValueError, RecursionError) as exc:
        raise TrafficError(f"{target}: cannot read the journal: {getattr(exc, 'reason', exc)}") from None
    if not isinstance(entries, list):
        raise TrafficError(f"{target}: not a journal")
    return [from_record(e, f"journal #{e.get('id')}") for e in entries if isinstance(e, dict)]


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise TrafficError(f"{path}: cannot read: {exc}") from None
    except (ValueError, RecursionError) as exc:
        raise TrafficError(f"{path}: not JSON: {exc}") from None


# ------------------------------------------------------------------ checking
@dataclass
class Checked:
    request: RawRequest
    provider: str | None
    operation: str
    section: str | None
    deviations: list[Deviation]
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        r = self.request
        return {"source": r.source, "method": r.method, "path": r.path, "query": r.query,
                "provider": self.provider, "operation": self.operation, "section": self.section,
                "deviations": [d.to_json() for d in self.deviations], "note": self.note}


def check_requests(requests: Iterable[RawRequest], providers: dict[str, Any] | None = None) -> list[Checked]:
    from . import contract_for
    from ..providers.registry import discover

    providers = providers if providers is not None else discover()
    recogniser = Recogniser(providers)
    journal = Journal(lambda: 0.0, maxlen=1)
    out = []
    for r in requests:
        slug, path = (r.provider, r.path) if r.provider in providers else recogniser.provider_of(r.host, r.path)
        if slug is None:
            out.append(Checked(r, None, UNRECOGNISED, None, [Deviation(
                "unknown-operation", "neither the path prefix nor the Host names a provider", "url")]))
            continue
        operation = r.operation or recogniser.operation(slug, r.method, path, r.query, r.headers, r.body)
        entry: JournalEntry = journal.add("in", operation, slug, method=r.method, path=path, query=r.query,
                                          host=r.host, request_headers=dict(r.headers), request_body=r.body)
        contract = contract_for(slug)
        catalogue = getattr(providers[slug], "catalogue", None)
        spec = catalogue.operation(operation) if catalogue is not None and catalogue.has_operation(operation) else None
        note = None
        if r.partial:
            found, note = [], "the journal kept only part of the body: its body was not checked"
        else:
            transport = recogniser.route_transport(slug, r.method, path) if spec is None else None
            try:
                found = contract.check_request(entry, transport) if contract is not None else []
            except Exception as exc:  # a checker bug: say so for this request, check the others
                found, note = [], f"not checked: the check failed ({type(exc).__name__}: {exc})"
        if spec is None and not any(d.rule == "unknown-operation" for d in found):
            found = [Deviation("unknown-operation", f"{r.method} {path} names no operation of "
                               f"{catalogue.document if catalogue else slug}", "path"), *found]
        out.append(Checked(r, slug, operation, spec.section if spec else None, found, note))
    return out
