"""4.6 - 4.9: black lists (SETBLIST, DELBLIST, ABLIST, LBLIST)."""
from __future__ import annotations

from typing import Any, Optional

from simulator.http import FormPart as Part

from ..backend import BLACK_LISTS
from ..errors import BeelineError
from ..numbers import canonical
from .form import MISSING, _as_list, _elements, _get, _list_id
from .base import CommandBase


class BlackLists(CommandBase):
    def cmd_setblist(self, form: dict[str, Any], _files: list[Part]) -> dict[str, Any]:
        planned: list[tuple[int, list[str], list[str]]] = []
        for element in _elements(_get(form, "ConfData"), "404.110"):
            keys = self._bnumbers(_get(element, "BNumber"))
            anumbers = self._anumbers(_get(element, "ANumber"), missing_code="404.108", bad_code="404.102")
            list_id = _list_id(_get(element, "ListID"))
            planned.append((list_id, keys, anumbers))
        for list_id in range(BLACK_LISTS):
            bkeys = [k for lid, keys, _ in planned if lid == list_id for k in keys]
            if not bkeys:
                continue
            total = self.t.blacklist_sizes[list_id]
            # counted per B-number against its A-numbers from all elements of this list
            per_b: dict[str, set[str]] = {}
            for lid, keys, anumbers in planned:
                if lid == list_id:
                    for k in keys:
                        per_b.setdefault(k, set()).update(canonical(a) for a in anumbers)
            for k, akeys in per_b.items():
                total += len(akeys - self.t.blacklists[list_id].get(k, {}).keys())
            if total > self.t.limits.blacklist_limit:
                raise BeelineError("413.2")
        for list_id, keys, anumbers in planned:
            for key in keys:
                self.t.add_black(list_id, key, anumbers)
        return self._ok("SETBLIST")

    def cmd_delblist(self, form: dict[str, Any], _files: list[Part]) -> dict[str, Any]:
        conf = _get(form, "ConfData")
        if conf is MISSING or conf is None:  # 4.7.4
            for list_id in range(BLACK_LISTS):
                self.t.clear_black(list_id)
            return self._ok("DELBLIST")
        if isinstance(conf, dict) and _get(conf, "BNumber") is MISSING:  # 4.7.3
            ids = _as_list(_get(conf, "ListID"))
            if ids is MISSING or not isinstance(ids, list) or not ids:
                raise BeelineError("404.105")
            list_ids = {_list_id(i, default=None) for i in ids}
            for list_id in sorted(list_ids):
                self.t.clear_black(list_id)
            return self._ok("DELBLIST")
        planned: list[tuple[int, list[str], Optional[list[str]]]] = []
        for element in _elements(conf, "404.110"):  # 4.7.1 / 4.7.2
            keys = self._bnumbers(_get(element, "BNumber"))
            raw_a = _get(element, "ANumber")
            anumbers = None if raw_a is MISSING else self._anumbers(
                raw_a, missing_code="404.102", bad_code="404.102")
            planned.append((_list_id(_get(element, "ListID")), keys, anumbers))
        for list_id, keys, anumbers in planned:
            for key in keys:
                self.t.remove_black(list_id, key, anumbers)
        return self._ok("DELBLIST")

    def cmd_ablist(self, form: dict[str, Any], _files: list[Part]) -> dict[str, Any]:
        conf = _get(form, "ConfData")
        if conf is not MISSING:  # 4.8.1
            self.t.active_list = _list_id(conf, default=None, missing_code="404.107", bad_type_code="404.107")
        return {"ConfData": self.t.active_list}

    def cmd_lblist(self, form: dict[str, Any], _files: list[Part]) -> dict[str, Any]:
        conf = _get(form, "ConfData")
        if conf is MISSING:  # 4.9.2
            list_ids = list(range(BLACK_LISTS))
        else:
            conf = _as_list(conf)
            if not isinstance(conf, list) or not conf:
                raise BeelineError("404.107")
            list_ids = []
            for item in conf:
                list_id = _list_id(item, default=None, missing_code="404.107", bad_type_code="404.107")
                if list_id not in list_ids:
                    list_ids.append(list_id)
        out = []
        for list_id in list_ids:
            for key, entry in self.t.blacklists[list_id].items():
                out.append({"ListID": list_id, "BNumber": [self.t.display(key)], "ANumber": list(entry.values())})
        return {"ConfData": out}
