"""A synchronous client of a running simulator's control API (``/_sim``), for plain tests,
other test frameworks and scripts: every control operation over HTTP, standard library only.

    client = SimulatorClient("http://127.0.0.1:8080")
    client.set_clock(mode="manual")
    client.patch_world({"providers": {"mts-vpbx": {...}}})
    call = client.start_call("mts-vpbx", "+79161234567", "+79160001735")
    entry = client.wait_for_callback(kind="CALL_RECEIVED", timeout=60)
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable

from .nearmiss import timeout_message


class SimulatorError(Exception):
    """The control API refused a request: ``status`` and its JSON ``error`` message."""

    def __init__(self, status: int, message: str, method: str, path: str):
        super().__init__(f"{method} {path}: {status} {message}")
        self.status = status
        self.message = message


class SimulatorClient:
    def __init__(self, base_url: str, timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout  # wall seconds per HTTP request
        # the simulator is on loopback: never through a proxy from the environment
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # ------------------------------------------------------------------ HTTP
    def request(self, method: str, path: str, body: Any = None,
                query: dict[str, Any] | None = None) -> Any:
        """One control API request; the decoded JSON answer, or SimulatorError."""
        raw = self.request_bytes(method, path, body, query)
        return json.loads(raw) if raw else None

    def request_bytes(self, method: str, path: str, body: Any = None,
                      query: dict[str, Any] | None = None) -> bytes:
        """One control API request; the answer's body as sent, or SimulatorError."""
        params = {k: _query_value(v) for k, v in (query or {}).items() if v is not None}
        url = self.base_url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"} if data else {})
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                message = json.loads(raw)["error"]
            except (ValueError, KeyError, TypeError):
                message = raw.decode("utf-8", "replace")[:500]
            raise SimulatorError(exc.code, message, method, path) from None
        return raw

    def url(self, slug: str, path: str = "") -> str:
        """Base URL of a provider (with ``path`` appended), e.g. url("mts-vpbx", "/api/abonents")."""
        return f"{self.base_url}/{slug}{path}"

    # ------------------------------------------------------------ operations
    def health(self) -> dict:
        return self.request("GET", "/_sim/health")

    def providers(self) -> list[dict]:
        return self.request("GET", "/_sim/providers")

    def provider_state(self, slug: str) -> dict:
        return self.request("GET", f"/_sim/providers/{_quote(slug)}")

    def world(self) -> dict:
        return self.request("GET", "/_sim/world")

    def patch_world(self, patch: dict) -> dict:
        """A JSON merge patch (RFC 7396) of the live world; answers the new world."""
        return self.request("PATCH", "/_sim/world", patch)

    def reset(self) -> dict:
        """Back to the initial world, clock and ids."""
        return self.request("POST", "/_sim/reset")

    def clock(self) -> dict:
        return self.request("GET", "/_sim/clock")

    def set_clock(self, *, mode: str | None = None, speed: float | None = None,
                  advance: float | None = None) -> dict:
        body = {k: v for k, v in (("mode", mode), ("speed", speed), ("advance", advance)) if v is not None}
        return self.request("POST", "/_sim/clock", body)

    def advance(self, seconds: float) -> int:
        """Move the simulated clock (instantly); the number of timers fired."""
        return self.set_clock(advance=seconds)["fired"]

    def start_call(self, provider: str, from_: str, to: str, **fields: Any) -> dict:
        """POST /_sim/calls; ``fields`` are the other CallRequest fields (direction, tenant,
        caller, script, record, timeout, meta)."""
        return self.request("POST", "/_sim/calls", {"provider": provider, "from": from_, "to": to, **fields})

    def calls(self, provider: str | None = None, finished: bool = False) -> list[dict]:
        return self.request("GET", "/_sim/calls", query={"provider": provider,
                                                         "finished": "true" if finished else None})

    def call(self, call_id: str) -> dict:
        """A call with its legs and timeline."""
        return self.request("GET", f"/_sim/calls/{_quote(call_id)}")

    def hangup(self, call_id: str) -> dict:
        return self.request("POST", f"/_sim/calls/{_quote(call_id)}/hangup")

    def recording(self, recording_id: str, fmt: str = "wav") -> bytes:
        """A call's recording (``call["recording_id"]``) as WAV or MP3 bytes."""
        return self.request_bytes("GET", f"/_sim/recordings/{_quote(recording_id)}.{fmt}")

    def openapi(self) -> dict:
        """The control API's OpenAPI document."""
        return self.request("GET", "/_sim/openapi.json")

    def journal(self, *, provider: str | None = None, direction: str | None = None,
                kind: str | None = None, tenant: str | None = None, call_id: str | None = None,
                since: int | None = None, limit: int | None = None) -> list[dict]:
        return self.request("GET", "/_sim/journal", query={
            "provider": provider, "direction": direction, "kind": kind, "tenant": tenant,
            "call_id": call_id, "since": since, "limit": limit})

    def callbacks(self, **filters: Any) -> list[dict]:
        """Outbound callback attempts (journal entries with direction "out")."""
        return self.journal(direction="out", **filters)

    def flagged(self, **filters: Any) -> list[dict]:
        """Inbound entries strict mode flagged (``entry["flags"]``: how each breaks its document)."""
        return self.request("GET", "/_sim/journal", query={
            "direction": "in", "flagged": "1", **{k: v for k, v in filters.items() if k != "direction"}})

    def assert_clean(self, **filters: Any) -> None:
        """Fail unless every request the application sent (journal filters: provider, since ...)
        keeps its provider's document, as ``simulator.assert_clean()`` does in-process; the
        requests are checked here, so strict mode need not be on."""
        from ..conformance.traffic import check_requests, from_record

        entries = self.journal(direction="in", **{k: v for k, v in filters.items() if k != "direction"})
        found = [c for c in check_requests(from_record(e, f"journal #{e.get('id')}") for e in entries)
                 if c.deviations]
        if found:
            lines = [f"{len(found)} request(s) break the providers' documents:"]
            for c in found[:10]:
                r = c.request
                lines.append(f"  {r.source} {c.provider} {c.operation!r} {r.method} {r.path}"
                             f"{'?' + r.query if r.query else ''}")
                lines.extend(f"    - {d}" for d in c.deviations[:10])
            if len(found) > 10:
                lines.append(f"  ... and {len(found) - 10} more")
            raise AssertionError("\n".join(lines))

    def faults(self) -> list[dict]:
        return self.request("GET", "/_sim/faults")

    def add_fault(self, **rule: Any) -> dict:
        """POST /_sim/faults, e.g. add_fault(provider="mts-vpbx", action="respond", status=503, times=1)."""
        return self.request("POST", "/_sim/faults", rule)

    def remove_fault(self, rule_id: int) -> dict:
        return self.request("DELETE", f"/_sim/faults/{int(rule_id)}")

    def clear_faults(self) -> None:
        self.request("DELETE", "/_sim/faults")

    def wait_for_callback(self, predicate: Callable[[dict], bool] | None = None,
                          timeout: float = 60.0, *, wall_timeout: float = 60.0,
                          **filters: Any) -> dict:
        """The first outbound callback matching the journal ``filters`` and ``predicate``.

        On a manual clock the clock is advanced timer by timer, at most ``timeout`` simulated
        seconds; on a running clock this waits for up to ``timeout`` simulated seconds to pass
        (and at most ``wall_timeout`` wall seconds). TimeoutError lists what did arrive."""
        clock = self.clock()
        deadline = clock["epoch"] + timeout
        wall_deadline = time.monotonic() + wall_timeout
        seen = 0
        events = None  # on a running clock: the event stream, read until something happens
        try:
            while True:
                for entry in self.callbacks(since=seen, **filters):
                    seen = max(seen, entry["id"])
                    if predicate is None or predicate(entry):
                        return entry
                clock = self.clock()
                if clock["epoch"] >= deadline or time.monotonic() >= wall_deadline:
                    raise TimeoutError(timeout_message(predicate, filters, timeout, self.callbacks()))
                if clock["mode"] != "manual":
                    if events is None:  # opened before the journal is read again: nothing is missed
                        events = self._opener.open(self.base_url + "/_sim/events", timeout=WAKE_WALL_SECONDS)
                    elif not _next_event(events):
                        events.close()
                        events = None
                    continue
                due = clock.get("next_due")
                step = (min(due, deadline) if due is not None else deadline) - clock["epoch"]
                self.advance(max(step, 0.0))
        finally:
            if events is not None:
                events.close()


WAKE_WALL_SECONDS = 0.5  # a running clock's deadline is looked at again at least this often


def _next_event(events: Any) -> bool:
    """Blocks until the event stream ends its next event: True; False when the stream timed out
    or ended (it is then opened again: a read that timed out leaves it in no known state)."""
    try:
        while True:
            line = events.readline()
            if line == b"":
                return False
            if line == b"\n":
                return True
    except (TimeoutError, OSError):
        return False


def _query_value(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _quote(part: str) -> str:
    return urllib.parse.quote(str(part), safe="")
