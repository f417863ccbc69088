"""An in-process simulator on a free loopback port, for tests (the ``simulator`` fixture)."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Callable

import aiohttp
from aiohttp import web

from ..app import create_app
from ..engine.calls import Call
from ..settings import Settings
from ..transport import TransportRunner
from ..sim import CallRequest, Simulator
from ..world import DEFAULT_WORLD, read_world_file
from ..world.store import merge_patch
from .nearmiss import timeout_message
from .sink import serve_on_loopback


_PARSED: dict[tuple[Path, int], dict] = {}


def _parsed_world(path: Path) -> dict:
    """A world file parsed once per test session (per modification), copied per test."""
    key = (path.resolve(), path.stat().st_mtime_ns if path.exists() else 0)
    if key not in _PARSED:
        _PARSED[key] = read_world_file(path)
    return copy.deepcopy(_PARSED[key])


class SimulatorHarness:
    def __init__(self, world: str | Path | dict | None = None, patch: dict | None = None,
                 manual_clock: bool = True):
        if world is None and not patch:
            # the default world as `telsim serve` loads it (each provider's section validated
            # and the provider built on first use)
            settings = Settings(manual_clock=manual_clock, access_log=False)
        else:
            raw = copy.deepcopy(world) if isinstance(world, dict) else _parsed_world(Path(world or DEFAULT_WORLD))
            if patch:
                raw = merge_patch(raw, patch)
            settings = Settings(world_data=raw, manual_clock=manual_clock, access_log=False)
        self.sim = Simulator(settings)
        self.app: web.Application = create_app(self.sim)
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.session: aiohttp.ClientSession | None = None

    async def start(self) -> "SimulatorHarness":
        runner = TransportRunner(self.app, self.sim, shutdown_timeout=1.0)
        self._runner, self.base_url = await serve_on_loopback(self.app, runner)
        self.session = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        if self.session is not None:
            await self.session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # ------------------------------------------------------------ shortcuts
    @property
    def clock(self):
        return self.sim.clock

    @property
    def engine(self):
        return self.sim.engine

    def url(self, slug: str, path: str = "") -> str:
        """Base URL of a provider (with ``path`` appended), e.g. url("mts-vpbx", "/api/abonents")."""
        self.sim.provider(slug)  # a wrong slug names the known ones
        return f"{self.base_url}/{slug}{path}"

    def request(self, method: str, url: str, **kw: Any):
        """``session.request`` with a URL relative to the simulator when it starts with /."""
        assert self.session is not None
        if url.startswith("/"):
            url = self.base_url + url
        return self.session.request(method, url, **kw)

    async def advance(self, seconds: float) -> int:
        return await self.sim.clock.advance(seconds)

    async def settle(self) -> None:
        await self.sim.clock.settle()

    def journal(self, **filters: Any) -> list[dict]:
        self._known(filters)
        return self.sim.journal.query(**filters)

    def flagged(self, **filters: Any) -> list:
        """Inbound entries strict mode flagged (``entry["flags"]``: how each breaks its document)."""
        from ..conformance.strict import flagged

        self._known(filters)
        return flagged(self.sim.journal.query(direction="in", **filters))

    def assert_clean(self, **filters: Any) -> None:
        """Fail unless every request the application sent (journal filters: provider, since ...)
        keeps its provider's document: unknown or missing fields, wrong types and formats,
        content types, multipart layout, JSON-RPC envelopes, XML and SOAP. In strict mode the
        flags set as the requests arrived; otherwise the same check, run now."""
        from ..conformance.strict import describe_unclean, unclean

        self._known(filters)
        found = unclean(self.sim.journal.query(direction="in", **filters), checked=self.sim.strict.enabled)
        if found:
            raise AssertionError(describe_unclean(found))

    def callbacks(self, **filters: Any) -> list[dict]:
        """Outbound callback attempts (journal entries with direction "out")."""
        self._known(filters)
        return self.sim.journal.query(direction="out", **filters)

    def _known(self, filters: dict[str, Any]) -> None:
        """A misspelled provider filter would only ever match nothing: say so instead."""
        if filters.get("provider") is not None:
            self.sim.provider(filters["provider"])

    async def wait_for_callback(self, predicate: Callable[[dict], bool] | None = None,
                                timeout: float = 60.0, **filters: Any) -> dict:
        """Advance the clock timer by timer (at most ``timeout`` simulated seconds) until an
        outbound callback matching ``filters`` and ``predicate`` is in the journal."""
        self._known(filters)
        clock = self.sim.clock
        deadline = clock.now() + timeout
        seen = 0  # callbacks sent before the wait count too
        while True:
            await clock.settle()
            entries = self.sim.journal.query(direction="out", since=seen, **filters)
            for entry in entries:
                if predicate is None or predicate(entry):
                    return entry
            seen = self.sim.journal.last_id
            due = clock.next_due()
            if clock.now() >= deadline:
                arrived = self.sim.journal.query(direction="out")
                raise TimeoutError(timeout_message(predicate, filters, timeout, arrived))
            step = (min(due, deadline) if due is not None else deadline) - clock.now()
            await clock.advance(max(step, 0.0))

    async def start_call(self, provider: str, from_: str, to: str, **kw: Any) -> Call:
        req = CallRequest.model_validate({"provider": provider, "from": from_, "to": to, **kw})
        call = await self.sim.start_call(req)
        await self.sim.clock.settle()
        return call

    async def reset(self) -> None:
        await self.sim.reset()

    def patch_world(self, patch: dict) -> dict:
        return self.sim.patch_world(patch)
