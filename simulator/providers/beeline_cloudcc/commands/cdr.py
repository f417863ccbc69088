"""4.13 - 4.14: statistics (REQCDR, STATCDR)."""
from __future__ import annotations

from typing import Any

from simulator.http import FormPart as Part

from ..backend import CdrRequest
from ..errors import BeelineError
from .form import MISSING, _date, _elements, _first, _get
from .base import CommandBase


class Statistics(CommandBase):
    def cmd_reqcdr(self, form: dict[str, Any], _files: list[Part]) -> dict[str, Any]:
        conf = _get(form, "ConfData")
        intervals: dict[str, tuple[float, float]] = {}
        if isinstance(conf, dict) and _get(conf, "BNumber") is MISSING:  # 4.13.2
            start = _date(_first(conf, "DT_BEGIN", "DateFrom"))
            end = _date(_first(conf, "DT_END", "DateTo"))
            if start > end:
                raise BeelineError("400.4")
            intervals["*"] = (start, end)
        else:  # 4.13.1
            for element in _elements(conf, "400.1"):
                keys = self._bnumbers(_get(element, "BNumber"))
                start = _date(_first(element, "DateFrom", "DT_BEGIN"))
                end = _date(_first(element, "DateTo", "DT_END"))
                if start > end:
                    raise BeelineError("400.4")
                for key in keys:  # 4.13.4: repeated numbers get one merged interval
                    old = intervals.get(key)
                    intervals[key] = (start, end) if old is None else (min(old[0], start), max(old[1], end))
        now = self.now()
        limits = self.t.limits
        request = CdrRequest(
            cdrid=self.new_cdrid(),
            intervals=intervals,
            created_at=now,
            ready_at=now + limits.cdr_ready_delay,
            expires_at=now + max(limits.cdr_lifetime, limits.cdr_ready_delay),
        )
        self.t.cdr_requests[request.cdrid] = request
        self.t.cdr_files[request.file_name] = request.cdrid
        return {"CDRID": request.cdrid}

    def cmd_statcdr(self, form: dict[str, Any], _files: list[Part]) -> dict[str, Any]:
        cdrid = _get(form, "CDRID")
        if cdrid is MISSING:
            conf = _get(form, "ConfData")
            cdrid = _get(conf, "CDRID") if isinstance(conf, dict) else conf
        if isinstance(cdrid, int) and not isinstance(cdrid, bool):
            cdrid = str(cdrid)
        if cdrid is MISSING or not isinstance(cdrid, str) or not cdrid.strip():
            raise BeelineError("404.111")
        request = self.t.cdr_requests.get(cdrid.strip())
        if request is None:
            raise BeelineError("404.106")
        status = request.status(self.now())
        answer: dict[str, Any] = {"CDRID": request.cdrid, "STATUS": status}
        if status == "READY":
            answer["URL"] = f"{self.base_url}/api/download/s/{request.file_name}"
        return {"ConfData": answer}
