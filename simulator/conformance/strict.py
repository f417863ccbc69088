"""Strict mode: every request the application sends is checked against the provider's
document as it arrives; what breaks the documented format is answered as usual (the real
service would accept much of it) and flagged in the journal.

On with ``telsim serve --strict`` (``SIM_STRICT=1``) or the world's ``conformance.strict``
(``PATCH /_sim/world {"conformance": {"strict": true}}``). A flagged entry carries
``flags``: its deviations (:class:`~.deviations.Deviation` as JSON); ``GET
/_sim/journal?flagged=1`` lists them, the dashboard counts them and the pytest plugin's
``simulator.assert_clean()`` fails on them.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Iterable

from ..journal import ClippedBody

if TYPE_CHECKING:
    from .deviations import Deviation

log = logging.getLogger("simulator.conformance")

FLAGS = "flags"
#: bodies above this are not checked in strict mode (the check runs on the event loop); the
#: journal keeps only the head of a longer body (ClippedBody), which cannot be checked anyway
MAX_CHECKED_BODY = 1024 ** 2


def request_deviations(entry: Any) -> list[Deviation]:
    """The deviations of an inbound entry's request from its provider's contract (none for
    other entries and providers without a contract)."""
    from . import contract_for

    if entry.direction != "in" or entry.provider is None:
        return []
    contract = contract_for(entry.provider)
    if contract is None:
        return []
    return contract.check_request(entry)


def flags_of(entry: Any) -> list[dict]:
    return list(entry.extra.get(FLAGS, ())) if hasattr(entry, "extra") else list(entry.get(FLAGS) or ())


class StrictMode:
    """Flags inbound journal entries while on (a journal listener, added first)."""

    def __init__(self, sim: Any):
        self.sim = sim
        self._failed: set[str] = set()
        sim.journal.subscribe(self._on_entry)

    @property
    def enabled(self) -> bool:
        return bool(getattr(self.sim.settings, "strict", False) or self._world_strict())

    def _world_strict(self) -> bool:
        if not self.sim.world_store.built:  # the default world before its first use
            return self.sim.core_settings.strict
        conformance = getattr(self.sim.world, "conformance", None)
        return conformance is not None and bool(conformance.strict)

    def _on_entry(self, entry: Any) -> None:
        # the setting first (an attribute), the world's switch only when it is off: what
        # every request pays while strict mode is off
        if entry.direction != "in" or not (getattr(self.sim.settings, "strict", False)
                                           or self._world_strict()):
            return
        body = entry.request.body
        if isinstance(body, ClippedBody) or (body is not None and len(body) > MAX_CHECKED_BODY):
            return
        try:
            found = request_deviations(entry)
        except Exception:  # a checker bug must never break the answer it runs beside
            key = f"{entry.provider} {entry.operation}"
            if key not in self._failed:
                self._failed.add(key)
                log.exception("strict mode could not check %s", key)
            return
        if found:
            entry.extra[FLAGS] = [d.to_json() for d in found]
            entry._json = None  # the JSON form now carries the flags


def flagged(entries: Iterable[Any]) -> list[Any]:
    return [e for e in entries if flags_of(e)]


def unclean(entries: Iterable[Any], *, checked: bool) -> list[tuple[Any, list[Deviation]]]:
    """(entry, deviations) of every inbound entry that breaks its document: by the flags strict
    mode set (``checked``), else checked now."""
    from .deviations import Deviation

    out = []
    for entry in entries:
        if entry.direction != "in":
            continue
        found = ([Deviation.from_json(f) for f in flags_of(entry)] if checked
                 else request_deviations(entry))
        if found:
            out.append((entry, found))
    return out


def describe_unclean(found: list[tuple[Any, list[Deviation]]], limit: int = 10) -> str:
    lines = [f"{len(found)} request(s) break the providers' documents:"]
    for entry, deviations in found[:limit]:
        req = entry.request
        lines.append(f"  journal #{entry.id} {entry.provider} {entry.operation!r} {req.method} {req.path}"
                     f"{'?' + req.query if req.query else ''}")
        lines.extend(f"    - {d}" for d in deviations[:10])
    if len(found) > limit:
        lines.append(f"  ... and {len(found) - limit} more")
    return "\n".join(lines)
