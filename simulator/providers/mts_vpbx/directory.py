"""The enterprise's directory (4.4, 4.10): abonents, groups and the services (IVR, queue) its
numbers reach, indexed by extension, phone number and BWKS id."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from . import errors as E
from .errors import VpbxError
from pydantic_core import to_json

from .models import Abonent, Group
from .validators import digits_key
from .world import AbonentConfig, EnterpriseConfig


def _tz_offset(tz: str) -> timedelta:
    sign = 1 if tz[3] == "+" else -1
    hh, mm = tz[4:].split(":")
    return sign * timedelta(hours=int(hh), minutes=int(mm))



@dataclass
class AbonentState:
    cfg: AbonentConfig
    bwksUserId: str
    groupBwksId: str
    last_received: Optional[str] = None   # address of the last received or missed call (CallReturn)
    last_dialed: Optional[str] = None     # last address dialed (LastNumberRedial)

    @property
    def userId(self) -> int:
        return self.cfg.userId

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.cfg.firstName, self.cfg.lastname) if p)

    @property
    def number(self) -> str:
        """The number the abonent is known by in call records: mobile number, else extension."""
        return self.cfg.phoneNumber or self.cfg.extension or str(self.cfg.userId)



class Directory:
    """Mixin of :class:`~.backend.Enterprise`: who and what the enterprise's numbers reach."""

    cfg: EnterpriseConfig

    def _init_directory(self, cfg: EnterpriseConfig) -> None:
        self.tz_offset = _tz_offset(cfg.timeZone)
        self.groups: dict[int, Group] = {gid: Group(id=gid, name=g.name, parentId=g.parentId)
                                         for gid, g in cfg.groups.items()}
        self.group_bwks: dict[int, str] = {}
        for i, (gid, g) in enumerate(cfg.groups.items(), start=1):
            self.group_bwks[gid] = g.bwksId or f"{cfg.bwksId}G{i}"
        self.abonents: dict[int, AbonentState] = {}
        self._abonents_json: bytes | None = None
        self.by_extension: dict[str, int] = {}
        self.by_phone: dict[str, int] = {}
        self.by_bwks: dict[str, int] = {}
        for a in cfg.abonents.values():
            self._add_abonent(a)
        # enterprise services (IVR, queue) by extension and by number
        self.services_by_number: dict[str, tuple[str, Any]] = {}
        for aa in cfg.autoAttendants.values():
            for n in ([aa.extension] if aa.extension else []):
                self.services_by_number[n] = ("ivr", aa)
            for n in aa.numbers:
                self.services_by_number[digits_key(n)] = ("ivr", aa)
        for cc in cfg.callCenters.values():
            self.services_by_number[cc.extension] = ("queue", cc)
            for n in cc.numbers:
                self.services_by_number[digits_key(n)] = ("queue", cc)

    def _add_abonent(self, a: AbonentConfig) -> None:
        group_bwks = self.group_bwks.get(a.groupId or -1, f"{self.cfg.bwksId}G1")
        if a.bwksUserId:
            bwks = a.bwksUserId
        elif a.phoneNumber:
            key = digits_key(a.phoneNumber)
            bwks = f"{'7' + key if len(key) == 10 else key}@vpbx.mts.ru"
        else:
            bwks = f"{group_bwks}A{a.userId}I@{self.cfg.domain}"
        st = AbonentState(cfg=a, bwksUserId=bwks, groupBwksId=group_bwks)
        self.abonents[a.userId] = st
        self.directory_changed()
        if a.extension:
            self.by_extension[a.extension] = a.userId
        if a.phoneNumber:
            self.by_phone[digits_key(a.phoneNumber)] = a.userId
        self.by_bwks[bwks] = a.userId

    def abonent(self, user_id: int) -> AbonentState:
        st = self.abonents.get(user_id)
        if st is None:
            raise VpbxError(404, E.ABONENT_NOT_FOUND.format(id=user_id))
        return st

    def group(self, group_id: int) -> Group:
        g = self.groups.get(group_id)
        if g is None:
            raise VpbxError(404, E.GROUP_NOT_FOUND.format(id=group_id))
        return g

    def abonent_view(self, st: AbonentState) -> Abonent:
        a = st.cfg
        return Abonent(callingLineIdPhoneNumber=a.callingLineIdPhoneNumber, department=a.department, email=a.email,
                       extension=a.extension, firstName=a.firstName, groupId=a.groupId, lastname=a.lastname,
                       phoneNumber=a.phoneNumber, serviceProviderId=self.id, userId=a.userId)

    def list_abonents(self, phone: Optional[str] = None, extension: Optional[str] = None) -> list[Abonent]:
        if phone:
            uid = self.by_phone.get(digits_key(phone))
            found = [self.abonents[uid]] if uid is not None else []
            if extension:
                found = [s for s in found if s.cfg.extension == extension]
        elif extension:
            uid = self.by_extension.get(extension)
            found = [self.abonents[uid]] if uid is not None else []
        else:
            found = list(self.abonents.values())
        return [self.abonent_view(s) for s in found]

    def abonents_json(self) -> bytes:
        """The JSON of GET /api/abonents without filters, serialised once per change of the
        directory (every call renders the same list: 1 µs instead of a model per abonent)."""
        if self._abonents_json is None:
            self._abonents_json = to_json(self.list_abonents())
        return self._abonents_json

    def directory_changed(self) -> None:
        """Drop what was serialised from the directory (call after any change of it)."""
        self._abonents_json = None

    def find_abonent_by_number(self, number: str) -> Optional[AbonentState]:
        uid = self.by_extension.get(number)
        if uid is None:
            uid = self.by_phone.get(digits_key(number))
        return self.abonents.get(uid) if uid is not None else None

    def resolve(self, number: str) -> Optional[tuple[str, Any]]:
        """What a number or extension of the enterprise reaches: ("abonent"|"ivr"|"queue", object)."""
        hit = self.services_by_number.get(number) or self.services_by_number.get(digits_key(number))
        if hit is not None:
            return hit
        st = self.find_abonent_by_number(number)
        return ("abonent", st) if st is not None else None

    def group_chain(self, group_id: Optional[int]) -> list[int]:
        out, seen = [], set()
        while group_id is not None and group_id in self.groups and group_id not in seen:
            seen.add(group_id)
            out.append(group_id)
            group_id = self.groups[group_id].parentId
        return out

    def local_time(self, epoch: float) -> datetime:
        return datetime.fromtimestamp(epoch, tz=timezone.utc).replace(tzinfo=None) + self.tz_offset
