"""The Simulator: one object holding the world, clock, engine, journal, faults, delivery
and the providers. ``create_app`` serves it over HTTP; tests may use it directly."""
from __future__ import annotations

import asyncio
import copy
import logging
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .conformance.strict import StrictMode
from .engine import EventBus, VirtualClock
from .engine.clock import parse_time
from .faults import Faults
from .journal import Journal
from .numbers import digits
from .providers import registry
from .providers.base import Provider
from .providers.lazy import Providers
from .settings import Settings
from .world import DEFAULT_WORLD, WorldError, WorldStore, load_world, validate_world
from .world.loader import CoreSettings, field_name, proven_core_settings, proven_default_world

if TYPE_CHECKING:
    from .delivery import Deliverer
    from .engine import CallEngine
    from .engine.behaviour import PartyBehaviour
    from .providers.call_request import CallRequest

log = logging.getLogger("simulator")


class UnknownProvider(KeyError):
    """A provider slug that no registered provider has; the message names the known ones."""

    def __init__(self, slug: str, known: Any):
        super().__init__(f"unknown provider {slug!r}; known: {', '.join(sorted(known))}")
        self.slug = slug

    def __str__(self) -> str:
        return str(self.args[0])


class Simulator:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings = settings or Settings()
        listings = registry.listings()
        raw, source, model, deferred, core = _load_world(settings, listings)
        self.world_store = WorldStore(raw, source, model, lambda: _section_models(listings), deferred)
        #: the initial world's clock, seed and strict switch (what every reset returns to), read
        #: without building the world when it is the default one
        self.core_settings = core
        mode, speed = core.mode, core.speed
        if settings.manual_clock:
            mode = "manual"
        elif settings.speed is not None:
            mode, speed = ("real" if settings.speed == 1 else "accelerated"), settings.speed
        self.clock = VirtualClock(core.start, mode, speed)
        self._clock_mode = (mode, speed)
        self.bus = EventBus()
        self._building = threading.Lock()  # see _first_use
        self.journal = Journal(self.clock.now, settings.journal_size, settings.journal_bytes)
        self.strict = StrictMode(self)  # the journal's first listener: flags before anyone reads
        self.faults = Faults(core.seed)
        self._parties: dict[str, Any] | None = None  # parties.numbers by digits, made on first use
        #: every provider by slug, built on first use (simulator/providers/lazy.py)
        self.providers = Providers(self, listings, {slug: _raw_section(raw, slug) for slug in listings})
        built = set(_built_at_start(raw, listings))
        for slug in listings:  # in slug order, as a reset arms them
            if slug in built:
                self.providers[slug]
            else:
                self.providers.arm_stand_ins(slug)

    # ------------------------------------------------------------------ world
    @property
    def world(self) -> Any:
        return self.world_store.world

    def world_section(self, slug: str) -> Any:
        return self.world_store.section(field_name(slug))

    def party_behaviour(self, number: str) -> PartyBehaviour | None:
        parties = self._parties
        if parties is None:
            parties = self._parties = {digits(n): b for n, b in self.world.parties.numbers.items()}
        return parties.get(digits(number)) or self.world.parties.default

    def patch_world(self, patch: dict) -> dict:
        # every provider first, as of the reset, so that each takes the change as a built one
        # does (world_changed) and none builds later from a world its reset never saw
        self.providers.build_all()
        old, new = self.world_store.patch(patch)
        self._parties = None
        for slug, provider in self.providers.items():
            o = getattr(old.providers, field_name(slug), None)
            n = getattr(new.providers, field_name(slug), None)
            if o != n:
                provider.world_changed(o, n)
        return self.world_store.dump()

    # The engine and the deliverer are built by their first use (the first call, the first
    # callback): their modules were ~15 ms of every start. A cached_property: from then on a
    # plain attribute of the instance, read as before.
    @cached_property
    def engine(self) -> CallEngine:
        from .engine import CallEngine

        return self._first_use("engine", lambda: CallEngine(self.clock, self.bus, self.party_behaviour))

    @cached_property
    def delivery(self) -> Deliverer:
        from .delivery import Deliverer

        # read per callback: the store's live world, not the `world` property (one call less each)
        store, clock = self.world_store, self.clock
        return self._first_use("delivery", lambda: Deliverer(
            clock, self.journal, lambda: store.world.callbacks.allow_hosts,
            lambda: store.world.callbacks.attempt_timeout(clock.mode, clock.advance_target is not None),
            lambda: store.world.callbacks.connections))

    def _first_use(self, name: str, build: Callable[[], Any]) -> Any:
        # under a lock: a sync test's thread and the loop may both be first, and 3.12's
        # cached_property has no lock of its own
        with self._building:
            if name not in self.__dict__:
                self.__dict__[name] = build()
            return self.__dict__[name]

    def _built(self, name: str) -> Any:
        """The engine or the deliverer if it has been built, else None."""
        return self.__dict__.get(name)

    # ------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        self.clock.start()
        self.providers.loop = asyncio.get_running_loop()
        self.providers.started = True  # a provider built from now on starts at once
        for provider in self.providers.built().values():
            await provider.startup()

    async def stop(self) -> None:
        self.providers.started = False
        for provider in self.providers.built().values():
            await provider.shutdown()
        if (delivery := self._built("delivery")) is not None:
            await delivery.stop()
        await self.clock.stop()

    async def reset(self) -> None:
        """Back to the initial world exactly: same data, no calls, journal or faults,
        the clock at its start."""
        if (engine := self._built("engine")) is not None:
            engine.reset()
        if (delivery := self._built("delivery")) is not None:
            delivery.reset()
        self.world_store.reset()
        self._parties = None
        mode, speed = self._clock_mode
        self.clock.reset(self.core_settings.start, mode, speed)
        self.journal.clear()
        self.faults.clear(self.core_settings.seed)
        self.providers.reset()

    # ----------------------------------------------------------------- calls
    def provider(self, slug: str) -> Provider:
        """The provider of ``slug``; UnknownProvider (a KeyError) names the known slugs."""
        provider = self.providers.get(slug)
        if provider is None:
            raise UnknownProvider(slug, self.providers)
        return provider

    async def start_call(self, req: CallRequest):
        provider = self.provider(req.provider)
        if not req.allow_unknown:
            _check_owned(provider, req)
        return await provider.start_call(req)


def _load_world(settings: Settings, listings: dict[str, registry.Listing]):
    """(raw, source, the world or what builds it, deferred sections, core settings). The
    default world proven by its snapshot is built on first use (``WorldStore``), its clock and
    seed read from the data as the model reads them, and it keeps the sections of the providers
    not built at start as written, each validated on first use (the snapshot proves the data is
    the file the tests validate); any other world is validated whole now, and a bad one fails
    here."""
    if settings.world_data is not None:
        raw = copy.deepcopy(settings.world_data)
        if settings.seed is not None:
            raw["seed"] = settings.seed
        source = "<world data>"
        world = validate_world(raw, source, _section_models(listings))
        return raw, source, world, {}, _core_of(world)
    path = Path(settings.world) if settings.world else DEFAULT_WORLD
    raw = proven_default_world() if path.resolve() == DEFAULT_WORLD else None
    if raw is None:
        raw, world = load_world(settings.world, settings.seed, _section_models(listings))
        return raw, str(settings.world or "default world"), world, {}, _core_of(world)
    if settings.seed is not None:
        raw["seed"] = settings.seed
    eager = set(_built_at_start(raw, listings))
    deferred = {slug: _section_loader(slug) for slug in listings if slug not in eager
                and isinstance(_raw_section(raw, slug), dict)}
    source = str(settings.world or "default world")

    def build() -> Any:
        sections = {slug: Any if slug in deferred else registry.section_model(slug) for slug in listings}
        return validate_world(raw, source, sections)

    core = proven_core_settings(raw)
    if core is None:  # core settings only the model can read (a seed given as text): validated now
        world = build()
        return raw, source, world, deferred, _core_of(world)
    return raw, source, build, deferred, core


def _core_of(world: Any) -> CoreSettings:
    clock = world.clock
    return CoreSettings(parse_time(clock.start), clock.mode, clock.speed, world.seed, world.conformance.strict)


def _section_models(listings: dict[str, registry.Listing]) -> dict[str, Any]:
    """The section models of the providers this simulator has (imports the section modules)."""
    return {slug: registry.section_model(slug) for slug in listings}


def _section_loader(slug: str):
    return lambda: registry.section_model(slug)


def _raw_section(raw: Any, slug: str) -> Any:
    providers = raw.get("providers") if isinstance(raw, dict) else None
    return providers.get(slug) if isinstance(providers, dict) else None


def _built_at_start(raw: Any, listings: dict[str, registry.Listing]) -> list[str]:
    """The providers whose reset starts work nothing asks for (their listing says when), unless
    the listing names the timers that work is (stand-ins hold their places, lazy.py)."""
    built = []
    for slug, listing in listings.items():
        section = _raw_section(raw, slug)
        if listing.build_at_start is None or not listing.build_at_start(section):
            continue
        if listing.reset_timers is None or listing.reset_timers(section) is None:
            built.append(slug)
    return built


class UnknownNumber(LookupError):
    """A call for a number no tenant of the provider owns (the message names the ones that do)."""


SHOWN_NUMBERS = 8  # per tenant in the message


def _check_owned(provider: Provider, req: CallRequest) -> None:
    inbound = req.direction == "inbound"
    number = req.to if inbound else req.from_
    if provider.number_owner(number, req.direction) is not None:
        return
    known = provider.call_numbers(req.direction)
    if known is None:
        return
    role = "called number of an inbound call" if inbound else f"calling number of an {req.direction} call"
    offers = []
    for tenant, numbers in known.items():
        numbers = list(dict.fromkeys(numbers))  # in order, once each
        if numbers:
            more = f" and {len(numbers) - SHOWN_NUMBERS} more" if len(numbers) > SHOWN_NUMBERS else ""
            offers.append(f"{tenant}: {', '.join(numbers[:SHOWN_NUMBERS])}{more}")
    works = "; ".join(offers) if offers else "none (no tenant has a number)"
    raise UnknownNumber(f"{provider.slug}: no tenant owns {number} (the {role}); numbers that would work: "
                        f"{works}; for a deliberate call into nowhere give \"allow_unknown\": true")


__all__ = ["Simulator", "CallRequest", "UnknownNumber", "UnknownProvider", "WorldError"]


def __getattr__(name: str) -> Any:
    if name == "CallRequest":  # a pydantic model: imported on first use, not at start-up
        from .providers.call_request import CallRequest

        return CallRequest
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
