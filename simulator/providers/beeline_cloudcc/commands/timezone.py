"""4.18: time zone of a number (HLRTZ)."""
from __future__ import annotations

from typing import Any

from simulator.http import FormPart as Part

from .. import hlrtz
from ..errors import BeelineError
from .form import MISSING, _get
from .base import CommandBase


class TimeZone(CommandBase):
    def cmd_hlrtz(self, form: dict[str, Any], _files: list[Part]) -> dict[str, Any]:
        ctn = _get(form, "ConfData")
        if isinstance(ctn, list) and len(ctn) == 1:
            ctn = ctn[0]
        if isinstance(ctn, int) and not isinstance(ctn, bool):
            ctn = str(ctn)
        if ctn is MISSING or ctn is None or ctn == "":
            raise BeelineError("404.114")
        try:
            return {"ConfData": hlrtz.offset(ctn)}
        except hlrtz.InvalidCtn:
            raise BeelineError("400.9") from None
