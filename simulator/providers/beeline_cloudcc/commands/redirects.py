"""4.1 - 4.3: redirection (REDIRECT, RLIST, RCANCEL)."""
from __future__ import annotations

from typing import Any

from simulator.http import FormPart as Part

from ..backend import Redirect
from ..errors import BeelineError
from ..numbers import is_phone
from .form import MISSING, _elements, _get
from .base import CommandBase


class Redirects(CommandBase):
    def cmd_redirect(self, form: dict[str, Any], _files: list[Part]) -> dict[str, Any]:
        planned: dict[str, Redirect] = {}
        for element in _elements(_get(form, "ConfData"), "404.110"):
            keys = self._bnumbers(_get(element, "BNumber"))
            rnumber = _get(element, "RNumber")
            if isinstance(rnumber, int) and not isinstance(rnumber, bool):
                rnumber = str(rnumber)
            if rnumber is MISSING or not is_phone(rnumber):
                raise BeelineError("404.101")
            anumber = _get(element, "ANumber")
            if anumber is MISSING or anumber in (None, ""):
                anumber = None
            elif not is_phone(anumber):
                raise BeelineError("400.1")
            rule_id = _get(element, "RuleID")
            if rule_id is MISSING or rule_id is None:
                rule_id = None
            elif isinstance(rule_id, bool) or not isinstance(rule_id, int):
                raise BeelineError("400.1")
            for key in keys:
                planned[key] = Redirect(rnumber.strip(), anumber.strip() if anumber else None, rule_id)
        for key, redirect in planned.items():
            self.t.redirects[key] = redirect
            self.t.blocked.discard(key)
        return self._ok("REDIRECT")

    def cmd_rlist(self, form: dict[str, Any], _files: list[Part]) -> dict[str, Any]:
        keys = self._named_or(form, lambda: [k for k in self.t.numbers if k in self.t.redirects])
        out = []
        for key in keys:
            redirect = self.t.redirects.get(key)
            if redirect is None:
                continue
            item: dict[str, Any] = {"BNumber": self.t.display(key), "RNumber": redirect.rnumber}
            if redirect.anumber:
                item["ANumber"] = redirect.anumber
            if redirect.rule_id is not None:
                item["RuleID"] = redirect.rule_id
            out.append(item)
        return {"ConfData": out}

    def cmd_rcancel(self, form: dict[str, Any], _files: list[Part]) -> dict[str, Any]:
        keys = self._named_or(form, lambda: list(self.t.redirects))
        for key in keys:
            # A forwarded number has no other route left, so its inbound calls are blocked (4.3).
            if self.t.redirects.pop(key, None) is not None:
                self.t.blocked.add(key)
        return self._ok("RCANCEL")
