"""The customers' ВАТС as the API sees it: built from the world section, indexed by every id a
request or a call names (client_id, external number, workplace and terminal SIP IDs)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from simulator.numbers import digits

from .world import Customer, ExternalNumber, Integration, MttBusinessWorld, Terminal, Workplace


@dataclass
class Pbx:
    """One customer's ВАТС: the world's entry plus what the API changed (parking, §10.2)."""

    centrex_id: str
    cfg: Customer
    parking: dict[str, bool] = field(default_factory=dict)
    extensions: dict[str, str] = field(default_factory=dict)   # short number -> workplace SIP ID
    #: the JSON text of the structure answers (§9.1–§9.3), by method: they depend on ``cfg``
    #: only, which a world change replaces with a new Directory (and so new Pbx objects)
    answers: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.extensions = {wp.extension: wid for wid, wp in self.cfg.workplaces.items() if wp.extension}
        self._by_digits: dict[str, str] = {}   # digits -> the first number as the world writes it
        for n in self.cfg.numbers:
            self._by_digits.setdefault(digits(n), n)

    def number(self, number: str) -> Optional[tuple[str, ExternalNumber]]:
        key = number if number in self.cfg.numbers else self._by_digits.get(digits(number))
        return (key, self.cfg.numbers[key]) if key is not None else None

    def workplace(self, sip_id: str) -> Optional[Workplace]:
        return self.cfg.workplaces.get(sip_id)

    def terminals(self) -> list[tuple[str, str, Terminal]]:
        return [(tid, wid, t) for wid, wp in self.cfg.workplaces.items() for tid, t in wp.terminals.items()]


class Directory:
    def __init__(self, section: Optional[MttBusinessWorld]):
        self.section = section or MttBusinessWorld()
        self.settings = self.section.settings
        self.pbx: dict[str, Pbx] = {}
        self.integrations: dict[str, tuple[str, Integration]] = {}
        self.numbers: dict[str, tuple[str, str]] = {}     # digits -> (centrexId, number as in the world)
        self.workplaces: dict[str, str] = {}             # SIP ID -> centrexId
        self.terminals: dict[str, tuple[str, str]] = {}  # SIP ID -> (centrexId, workplace SIP ID)
        for cid, cfg in self.section.tenants.items():
            self.pbx[cid] = Pbx(cid, cfg, {n: e.parking for n, e in cfg.numbers.items()})
            for client_id, integration in cfg.integrations.items():
                self.integrations[client_id] = (cid, integration)
            for number in cfg.numbers:
                self.numbers[digits(number)] = (cid, number)
            for wid, wp in cfg.workplaces.items():
                self.workplaces[wid] = cid
                for tid in wp.terminals:
                    self.terminals.setdefault(tid, (cid, wid))

    def integration(self, client_id: str) -> Optional[tuple[Pbx, Integration]]:
        found = self.integrations.get(client_id)
        if found is None:
            return None
        return self.pbx[found[0]], found[1]

    def by_number(self, number: str) -> Optional[tuple[Pbx, str, ExternalNumber]]:
        found = self.numbers.get(digits(number))
        if found is None:
            return None
        pbx = self.pbx[found[0]]
        return pbx, found[1], pbx.cfg.numbers[found[1]]

    def by_caller(self, sip_id: str) -> Optional[tuple[Pbx, str, Optional[str]]]:
        """A workplace or terminal SIP ID -> (its ВАТС, the workplace, the terminal or None)."""
        if sip_id in self.workplaces:
            return self.pbx[self.workplaces[sip_id]], sip_id, None
        if sip_id in self.terminals:
            cid, wid = self.terminals[sip_id]
            return self.pbx[cid], wid, sip_id
        return None

    def notification_urls(self, pbx: Pbx) -> list[str]:
        """Each enabled integration of the customer is one "instance" that is told (§7.3)."""
        if not pbx.cfg.open_api:
            return []
        return [i.notification_url or i.redirect_uri for i in pbx.cfg.integrations.values() if i.enabled]
