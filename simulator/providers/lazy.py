"""``Simulator.providers``: every provider by slug, each imported and built on first use.

Looking a provider up (``providers[slug]``, ``.get``, ``.values()``, ``.items()``) builds it if it
is not built yet: its package is imported, its world section validated (WorldStore's deferred
sections), and it is reset **as of the simulator's last reset**: the clock reads the time of that
reset meanwhile and the world is the one of that reset (the first patch after a reset builds every
provider first, see :meth:`Simulator.patch_world`), so it holds exactly the state an eager build
would have held, and answers alike. Once the simulator runs, its ``startup`` runs at once too.
``slug in providers``, ``len`` and iterating the slugs build nothing.
"""
from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Coroutine, Iterator

from ..engine.clock import TimerHandle
from .base import Provider
from .registry import Listing, provider_class

if TYPE_CHECKING:
    from ..sim import Simulator


class Providers(Mapping[str, Provider]):
    def __init__(self, sim: "Simulator", listings: dict[str, Listing], raw_sections: dict[str, Any] | None = None):
        self._sim = sim
        self.listings = listings
        self._built: dict[str, Provider] = {}
        #: the world's sections as written at start: what a listing's ``reset_timers`` reads (an
        #: unbuilt provider has seen no patch: the first patch builds every provider)
        self._raw_sections = raw_sections or {}
        #: slug -> the stand-in timers of a provider not built yet (arm_stand_ins)
        self._stand_ins: dict[str, list[TimerHandle]] = {}
        #: when the last reset happened (the time a provider built later resets at)
        self.reset_at = sim.clock.now()
        #: host (lower case) -> slug; the first provider naming a host keeps it
        self.by_host: dict[str, str] = {}
        for slug, listing in listings.items():
            for host in listing.hosts:
                self.by_host.setdefault(host.lower(), slug)
        self.started = False
        self.loop: asyncio.AbstractEventLoop | None = None  # the loop the simulator runs on

    # ---------------------------------------------------------------- Mapping
    def __getitem__(self, slug: str) -> Provider:
        provider = self._built.get(slug)
        if provider is None:
            if slug not in self.listings:
                raise KeyError(slug)
            provider = self._build(slug)
        return provider

    def __contains__(self, slug: object) -> bool:
        return slug in self.listings

    def __iter__(self) -> Iterator[str]:
        return iter(self.listings)

    def __len__(self) -> int:
        return len(self.listings)

    # ---------------------------------------------------------------- building
    def built(self) -> dict[str, Provider]:
        """The providers built so far, in slug order (the others have done nothing yet)."""
        return {slug: self._built[slug] for slug in self.listings if slug in self._built}

    def build_all(self) -> None:
        for slug in self.listings:
            self[slug]

    def _build(self, slug: str) -> Provider:
        provider = provider_class(slug)(self._sim)
        self._built[slug] = provider  # before its reset: a reset that looks itself up finds it
        stand_ins = self._stand_ins.pop(slug, [])
        try:
            with self._sim.clock.frozen_at(self.reset_at), self._sim.clock.adopting(stand_ins):
                provider.reset()
        except BaseException:
            del self._built[slug]  # not half built: the next lookup tries again (and fails alike)
            raise
        finally:
            for handle in stand_ins:  # a timer the listing named that the reset did not arm
                if isinstance(handle.fn, _StandIn):
                    handle.cancel()
        if self.started:
            _start_late(provider, self.loop)
        return provider

    def reset(self) -> None:
        """POST /_sim/reset: the built providers reset now; the others build from this reset
        (the clock's reset dropped their stand-ins: new ones are armed, in slug order as the
        resets arm their timers)."""
        self.reset_at = self._sim.clock.now()
        self._stand_ins = {}
        for slug in self.listings:
            provider = self._built.get(slug)
            if provider is not None:
                provider.reset()
            else:
                self.arm_stand_ins(slug)

    def arm_stand_ins(self, slug: str) -> None:
        """For a provider not built, whose listing names the timers its reset arms: one stand-in
        timer at each of their instants, so the clock shows (pending timers, next due) and fires
        what it would with the provider built. The first due builds the provider, whose reset
        then takes over every stand-in's place in the clock (same instant and order, see
        VirtualClock.adopting) and runs its own timer in the first one's place."""
        reset_timers = self.listings[slug].reset_timers
        delays = reset_timers(self._raw_sections.get(slug)) if reset_timers is not None else None
        if not delays:
            return
        clock = self._sim.clock
        handles = []
        for delay in delays:
            stand_in = _StandIn(self, slug)
            stand_in.handle = clock.call_at(self.reset_at + delay, stand_in)
            handles.append(stand_in.handle)
        self._stand_ins[slug] = handles


class _StandIn:
    """The callback of a stand-in timer: builds its provider, then runs the timer that took its place."""
    __slots__ = ("providers", "slug", "handle")

    def __init__(self, providers: Providers, slug: str):
        self.providers, self.slug = providers, slug
        self.handle: TimerHandle | None = None

    def __call__(self) -> Any:
        self.providers[self.slug]
        handle = self.handle
        if handle is None or handle.fn is self:
            return None  # the reset armed no timer here (cancelled with the other strays)
        return handle.fn(*handle.args)


def _start_late(provider: Provider, loop: asyncio.AbstractEventLoop | None) -> None:
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if loop is not None and running is not loop and loop.is_running():
        # looked up from another thread (a test beside ThreadedSimulator's loop): start it there
        asyncio.run_coroutine_threadsafe(provider.startup(), loop).result()
    elif loop is not None and running is None:
        # between the loop's runs on its own thread (a plain fixture of an async test): waiting
        # for the loop there would wait forever; it runs the startup itself
        loop.run_until_complete(provider.startup())
    else:
        _run_now(provider.startup())


def _run_now(coro: Coroutine[Any, Any, None]) -> None:
    """Run a provider's ``startup`` to its end now (they subscribe to the bus and start
    background imports: a call placed right after the build must find them done). A startup
    never waits (``Provider.startup``); one that does is refused rather than left half run."""
    try:
        coro.send(None)
    except StopIteration:
        return
    coro.close()
    raise RuntimeError("a provider's startup waited; it must run to its end without waiting")
