"""The @втосекретарь provider: registration, state life cycle, routes and inbound calls."""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys
from typing import Any

from aiohttp import web

from ...http import set_tenant
from ...numbers import digits
from ...conformance import Contract
from ...engine import CallContexts
from ...world import map_diff, rng_for
from ..base import Provider
from ..registry import register
from . import calllog, history
from .backend import Account, Backend
from .channels import ChannelBook
from .distribution import Distributor, FlowState
from .catalogue import CATALOGUE, ROUTE
from .errors import ApiError
from .events import EventAdapter
from .routes import SLUG, Api, error_response
from .timefmt import SecondStamps, to_msk
from .world import AutosecretarySection, build_backend

RECORD_KEEP_DAYS = 30
# the SOAP stack's third-party part, loaded off the loop at start-up. Only third-party modules:
# pytest's assertion rewriting parses the project's own modules to an AST as they are imported,
# and CPython 3.11's AST constructor state is shared between threads (gh-106905: "AST
# constructor recursion depth mismatch" when two threads parse at once). soap/endpoint.py
# itself (~30 ms once these are loaded) is imported by the first SOAP request.
_SOAP_STACK = ("lxml.etree", "spyne", "spyne.protocol.soap", "spyne.server", "spyne.interface.wsdl")

log = logging.getLogger(__name__)


def _import_all(names: tuple[str, ...]) -> None:
    for name in names:
        importlib.import_module(name)


def caller_number(number: str) -> str:
    """The AN as the platform logs it: 10 digits for Russian numbers (9161000932)."""
    d = digits(number)
    if len(d) == 11 and d[0] == "7":
        return d[1:]
    return d or number


@register
class MtsAutosecretaryProvider(Provider):
    slug = SLUG
    title = 'MTS "@втосекретарь" API v1 (REST + WCF SOAP)'
    hosts = ("aa.mts.ru",)
    section_model = AutosecretarySection
    catalogue = CATALOGUE

    def __init__(self, sim: Any):
        super().__init__(sim)
        self._backend: Backend | None = Backend()
        self._pending: tuple | None = None  # what reset() saw, for the backend built on first use
        self._first_live_id = 0
        self.channels = ChannelBook()
        self.flows: CallContexts[FlowState] = CallContexts(sim.bus, SLUG)
        self.distributor = Distributor(self)
        stamps = SecondStamps()
        self.api = Api(lambda: self.backend, self._now, self._un_changed, self._account_seen, self._recording,
                       lambda: stamps(self.sim.clock.now()))
        self._unsubscribe = None

    # ------------------------------------------------------------ life cycle

    @property
    def section(self) -> AutosecretarySection:
        return super().section or AutosecretarySection()

    def _now(self):
        return to_msk(self.sim.clock.datetime())

    def describe(self) -> dict:
        """GET /_sim/providers/mts-autosecretary: accounts, UNs with channels in use and queue lengths,
        calls being distributed (with their log so far), CDR counters."""
        backend = self.backend
        in_use = self.channels.in_use_by_un()
        return {
            "accounts": {login: {"uns": list(account.uns)} for login, account in backend.accounts.items()},
            "uns": {
                phone: {
                    "owner": backend.owner.get(phone),
                    "enabled": un.enabled,
                    "channels_in_use": in_use.get(phone, {}),
                    "queued": self.channels.queued(phone),
                    "cdrs": backend.cdrs.count(phone),
                }
                for phone, un in backend.uns.items()
            },
            "live_calls": [
                {"call_id": call_id, "id": state.cdr_id, "un": state.un, "an": state.an, "phase": state.phase,
                 "log": state.log.render()}
                for call_id, state in self.flows.items()
            ],
            "cdrs": len(backend.cdrs),
            "next_id": backend.peek_call_id(),
        }

    def snapshot(self) -> dict:
        """Generated data (the CDR history): identical for one seed."""
        from dataclasses import asdict
        return [asdict(rec) for rec in self.backend.cdrs.all()]

    def reset(self) -> None:
        # the accounts, UNs and generated CDR history are built on the first use of the backend
        # (the provider's first request or call), from the world and clock as they are now: most
        # of the provider's start-up and of every reset, paid only by a test that uses it
        self._pending = (self.section, self._now(), self.sim.clock.datetime(), self.sim.world.seed)
        self._backend = None
        self.channels.reset()
        self.flows.clear()

    @property
    def backend(self) -> Backend:
        backend = self._backend
        if backend is None:
            backend = self._backend = self._build_backend(*self._pending)
        return backend

    @property
    def first_live_id(self) -> int:
        """The id of the first call made after the reset (generated history's ids come before)."""
        self.backend
        return self._first_live_id

    def _build_backend(self, section: AutosecretarySection, now: Any, clock: Any, seed: int) -> Backend:
        backend = build_backend(section, now)
        history.generate(backend, clock, section.history.days, section.history.calls_per_day, rng_for, seed)
        self._first_live_id = backend.peek_call_id()
        return backend

    def world_changed(self, old: Any, new: Any) -> None:
        """A change in the portal: the accounts and the UNs that differ between the old and the new
        section follow the world; UNs the world did not touch keep what the API changed; history stays."""
        old = old or AutosecretarySection()
        new = new or AutosecretarySection()
        backend = self.backend
        fresh = build_backend(new, self._now())
        for login in [name for name in backend.accounts if name not in fresh.accounts]:
            backend.remove_account(login)
        for login, account in fresh.accounts.items():
            if login in backend.accounts:
                backend.set_credentials(login, account.password, account.api_key)
            else:
                backend.add_account(Account(login, account.password, account.api_key))
            d = map_diff(old.accounts[login].uns if login in old.accounts else None, new.accounts[login].uns)
            for phone in d.removed:
                if backend.owner.get(phone) == login:  # not moved to an account handled before
                    backend.remove_un(phone)
            for phone in d.new:
                if phone not in d.added and phone not in d.changed and backend.owner.get(phone) == login:
                    continue
                backend.remove_un(phone)
                backend.add_un(login, fresh.uns[phone])
                self.channels.wake(phone)
        for key in new.cdrs:
            record = fresh.cdrs.get(int(key))
            if record is not None and backend.cdrs.get(record.id) is None:
                try:
                    backend.add_cdr(record)
                except ValueError:  # its start does not fit between its id's neighbours: left out
                    log.warning("fixed CDR %s left out: %s", record.id, "breaks the arrival order of ids")

    async def startup(self) -> None:
        if self._unsubscribe is None:
            self._unsubscribe = self.sim.bus.subscribe(EventAdapter(self), provider=self.slug)
        if _SOAP_STACK[-1] not in sys.modules:
            # the SOAP stack loads off the loop once the server runs, so neither start-up nor
            # the first SOAP request waits for it (the request path imports it when it must)
            # spyne imports on Python 3.12+ only after our compat finder is in place (a spyne
            # that failed in the thread would stay half imported for every later request)
            importlib.import_module("simulator.spyne_compat")
            asyncio.get_running_loop().run_in_executor(None, _import_all, _SOAP_STACK)

    async def shutdown(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    @classmethod
    def contract(cls):
        """contracts/mts-autosecretary/: openapi.yaml for REST (paths in any case, as WCF matches
        them), the WSDL's schemas for SOAP."""
        return Contract.from_files(cls.slug, catalogue=cls.catalogue, options={"rest": {"case_insensitive_paths": True}})

    # ------------------------------------------------------------------ HTTP

    def setup_routes(self, app: web.Application) -> None:
        CATALOGUE.mount(app, {ROUTE: self.api.handle})

    def error_response(self, request: web.Request, status: int, message: str) -> web.StreamResponse:
        if ".svc" in request.path.lower():
            from .soap.endpoint import client_fault  # spyne and lxml load on the first SOAP request
            return Api._reply(client_fault(status, message))
        return error_response(ApiError(status, message))

    def native_fault(self, request: web.Request, code: str) -> web.StreamResponse:
        """An injected fault: ``"503"`` or ``"503:Service temporarily unavailable"``; the REST envelope,
        or a SOAP fault on the .svc endpoints."""
        text = str(code)
        head, _, message = text.partition(":")
        try:
            status = int(head.split(".")[0])
        except ValueError:
            status = 500
        if not 400 <= status <= 599:
            status = 500
        default = "Internal server error" if status >= 500 else "Bad request"
        return self.error_response(request, status, message.strip() or default)

    def _recording(self, un: str, cdr_id: int):
        """The recording of a call of ``un`` (records are kept 30 days, wire-facts 2.3)."""
        record = self.backend.cdrs.get(cdr_id)
        rec_id = self.backend.recordings.get(cdr_id)
        if record is None or rec_id is None or record.un != un:
            return None
        if (self._now() - record.start).days >= RECORD_KEEP_DAYS:
            return None
        return self.sim.engine.recordings.get(rec_id)

    def _un_changed(self, phone: str) -> None:
        # a new DN list may free a queued call
        self.channels.wake(phone)

    @staticmethod
    def _account_seen(request: web.Request, account: Account) -> None:
        set_tenant(request, account.login)

    # ----------------------------------------------------------------- calls

    def number_owner(self, number: str, direction: str) -> str | None:
        return self.backend.owner.get(caller_number(number)) if direction == "inbound" else None

    def call_numbers(self, direction: str) -> dict[str, list[str]] | None:
        if direction != "inbound":
            return None  # start_call says it only receives calls
        out: dict[str, list[str]] = {}
        for phone, login in self.backend.owner.items():
            out.setdefault(login, []).append(phone)
        return out

    async def start_call(self, req):
        engine = self.sim.engine
        if req.direction != "inbound":
            raise ValueError("@втосекретарь only receives calls: direction must be inbound")
        phone = caller_number(req.to)
        if len(phone) != 10:
            raise LookupError(f"{req.to} is not a UN number (10 digits)")
        owner = self.backend.owner.get(phone)
        if owner is None:
            raise LookupError(f"{req.to} is not a UN of this world")
        if req.tenant and req.tenant != owner:
            raise LookupError(f"{req.to} is not a UN of {req.tenant!r}")
        an = caller_number(req.from_)
        call = engine.create_call(self.slug, owner, "inbound", req.from_, req.to, record=req.record,
                                  script=req.script, meta={**req.meta, "un": phone})
        origin = engine.add_origin(call, req.from_, behaviour=req.caller)
        state = FlowState(
            cdr_id=self.backend.take_call_id(),
            un=phone,
            an=an,
            tenant=owner,
            start=self._now(),
            log=calllog.CallLog(an, phone),
        )
        call.meta["cdr_id"] = state.cdr_id
        self.flows.open(call.id, state)
        engine.spawn(call, self.distributor.run(call, origin, state))
        return call
