"""A provider's contract: one validator per transport, applied to journal entries.

A validator checks the entries of one transport (REST/webhooks by OpenAPI, Beeline XML by
XSD, SOAP by the WSDL's schemas, multipart commands by JSON Schema, JSON-RPC by OpenRPC
next). :data:`TRANSPORTS` maps a transport name to its validator class and is open:
``register_transport("jsonrpc", OpenRpcValidator)`` from the module that defines it.

A provider declares its contract with ``Provider.contract()`` (a classmethod)::

    @classmethod
    def contract(cls):
        return Contract.from_files(cls.slug, catalogue=cls.catalogue)

and :func:`check_journal` checks every journal entry of that provider against it; the pytest
helper in simulator/testing/contracts.py does so after every test.

Which validator checks an entry: the catalogue's transport of the entry's operation (or
callback); without a catalogue entry, what the entry looks like (:func:`sniff_transport`).
Entries a fault rule answered, notices (no wire format) and dropped connections are not
checked.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Protocol, Sequence

from .openapi import ContractViolation

if TYPE_CHECKING:
    from ..catalogue import CallbackSpec, Catalogue, Operation
    from ..journal import JournalEntry

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"


class Validator(Protocol):
    """Checks journal entries of one transport against one contract document."""

    def check_entry(self, entry: "JournalEntry", spec: "Operation | CallbackSpec | None") -> bool:
        """Raise :class:`ContractViolation` when the entry breaks the contract; return True
        when something was checked, False when the entry has nothing this validator knows."""
        ...


#: transport name -> validator class (open: other modules register theirs); the core's own are
#: registered first, by the first use of the package or of :func:`register_transport`
TRANSPORTS: dict[str, type] = {}
#: the core's validators: (transport, module, class)
BUILTIN_TRANSPORTS = (("rest", "openapi", "OpenApiValidator"), ("xml", "xsd", "XsdValidator"),
                      ("soap", "soap", "SoapValidator"), ("multipart", "schemas", "JsonSchemaValidator"),
                      ("jsonrpc", "openrpc", "OpenRpcValidator"))
_builtins_registered = False


def register_builtin_transports() -> None:
    """Register the core's validators (once, before any other registration)."""
    global _builtins_registered
    if _builtins_registered:
        return
    _builtins_registered = True
    import importlib

    for name, module, cls in BUILTIN_TRANSPORTS:
        TRANSPORTS[name] = getattr(importlib.import_module(f"{__package__}.{module}"), cls)


def register_transport(name: str, validator: type) -> type:
    register_builtin_transports()
    TRANSPORTS[name] = validator
    return validator


def sniff_transport(entry: "JournalEntry") -> str | None:
    """The transport an entry looks like, for operations no catalogue names: what the
    request carried (a multipart form, an XML or SOAP document), else what came back."""
    request_ctype = header(_dict(entry.request.headers), "Content-Type").lower()
    if request_ctype.startswith("multipart/form-data"):
        return "multipart"
    for body in ((entry.request.body,) if entry.direction == "out"
                 else (entry.request.body, entry.response.body)):
        head = _text(body).lstrip()[:400]
        if head.startswith("<"):
            return "soap" if ":Envelope" in head or "<Envelope" in head else "xml"
    if "soap" in request_ctype or request_ctype.startswith("text/xml"):
        return "soap" if entry.request.headers and header(_dict(entry.request.headers), "SOAPAction") else "xml"
    return "rest"


def _dict(headers: Any) -> dict[str, str]:
    return headers if isinstance(headers, dict) else dict(headers or {})


def _text(body: Any) -> str:
    body = getattr(body, "head", body)  # a journal ClippedBody: its first bytes
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body[:400]).decode("utf-8", "replace")
    return body or ""


class Contract:
    """The validators of one provider, by transport.

    ``checks`` are provider-specific extra checks run on every checked entry
    (``fn(entry)`` raising ContractViolation), e.g. a pydantic model of documented value lists.
    """

    def __init__(self, provider: str, validators: Mapping[str, Validator], *,
                 catalogue: "Catalogue | None" = None,
                 transport_of: Callable[["JournalEntry"], str | None] | None = None,
                 checks: Sequence[Callable[["JournalEntry"], None]] = ()):
        self.provider = provider
        self.validators = dict(validators)
        self.catalogue = catalogue
        self._transport_of = transport_of
        self.checks = tuple(checks)

    @classmethod
    def from_files(cls, slug: str, *, contracts: Path = CONTRACTS, options: Mapping[str, Mapping] | None = None,
                   **kw: Any) -> "Contract":
        """The validators for what ``contracts/<slug>/`` holds: ``openapi.yaml`` (rest),
        a top-level ``*.xsd`` (xml), ``schemas/*.json`` (multipart), ``wsdl/`` (soap), and
        any registered transport whose validator class has a ``discover(directory)``.
        ``options`` gives a transport's validator keyword arguments."""
        from . import discover_validators

        return cls(slug, discover_validators(contracts / slug, options or {}), **kw)

    # ---------------------------------------------------------------- lookup
    def spec(self, entry: "JournalEntry") -> "Operation | CallbackSpec | None":
        cat = self.catalogue
        if cat is None:
            return None
        name = entry.operation
        if entry.direction == "in":
            return cat.operation(name) if cat.has_operation(name) else None
        return cat.callback(name) if cat.has_callback(name) else None

    def transport(self, entry: "JournalEntry") -> str | None:
        if self._transport_of is not None:
            found = self._transport_of(entry)
            if found is not None:
                return found
        spec = self.spec(entry)
        if spec is not None:
            return spec.transport
        return sniff_transport(entry)

    # ----------------------------------------------------------------- check
    def applies(self, entry: "JournalEntry") -> bool:
        if entry.provider != self.provider or entry.direction == "notice":
            return False
        if entry.extra.get("fault") is not None or entry.error == "dropped":
            return False
        if entry.direction == "in" and _refused_by_transport(entry):
            return False
        return entry.direction == "out" or entry.response.status is not None

    def check(self, entry: "JournalEntry") -> bool:
        """Check one entry; True when a validator checked it."""
        if not self.applies(entry):
            return False
        validator = self.validators.get(self.transport(entry) or "")
        if validator is None:
            return False
        try:
            checked = validator.check_entry(entry, self.spec(entry))
            if checked:
                for extra in self.checks:
                    extra(entry)
        except ContractViolation as exc:
            raise ContractViolation(f"journal #{entry.id} {entry.direction} {entry.operation!r} "
                                    f"{entry.request.method or ''} {entry.request.path or entry.url or ''}: "
                                    f"{exc}") from None
        return checked

    def section_title(self, section: str | None) -> str | None:
        """The title of ``section`` (or of its nearest listed parent) in the catalogue."""
        if section is None or self.catalogue is None:
            return None
        from ..coverage import section_of

        listed = section_of(section, self.catalogue.sections)
        return self.catalogue.sections.get(listed) if listed is not None else None

    def check_request(self, entry: "JournalEntry", transport: str | None = None) -> list:
        """What the application sent in an inbound entry, against the document: the
        :class:`~.deviations.Deviation` list (empty: clean; also for transports whose
        validator has no request check), each naming the operation's section. ``transport``:
        the route's, for a request whose operation could not be told."""
        if entry.direction != "in" or entry.provider != self.provider:
            return []
        spec = self.spec(entry)
        validator = self.validators.get((self.transport(entry) if spec is not None or transport is None
                                         else transport) or "")
        check = getattr(validator, "check_request", None)
        if check is None:
            return []
        found = check(entry, spec) or []
        section = spec.section if spec is not None else None
        return [d.at(section, self.section_title(section)) for d in found]

    def check_journal(self, entries: Iterable["JournalEntry"]) -> int:
        """Check every entry of this provider; the number checked. Raises on the first
        violation (its message names the entry)."""
        return sum(1 for entry in entries if self.check(entry))


def _refused_by_transport(entry: "JournalEntry") -> bool:
    """A body the core's transport refused (too large, too slow, an unknown encoding) before
    any operation ran: the documents define no such answer, the provider's error format is
    all there is to keep (tests/core/test_limits.py checks it)."""
    from ..catalogue import UNRECOGNISED
    from ..limits import REFUSAL_STATUSES

    return entry.operation == UNRECOGNISED and entry.response.status in REFUSAL_STATUSES


# ------------------------------------------------------------------ helpers for validators
def json_body(text: str | None, where: str) -> Any:
    try:
        return json.loads(text or "null")
    except (json.JSONDecodeError, TypeError) as exc:
        raise ContractViolation(f"{where}: the body is not JSON: {exc}") from None


def cut(text: Any) -> bool:
    """True when the journal cut a long body (it cannot be parsed whole)."""
    return isinstance(text, str) and text.endswith("…")


def header(headers: Mapping[str, str] | None, name: str) -> str:
    if not headers:
        return ""
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return ""
