"""4.4 - 4.5: pre-media (PREMEDIA, MLIST)."""
from __future__ import annotations

from typing import Any, Optional

from simulator.http import FormPart as Part

from ..errors import BeelineError
from .form import MISSING, _elements, _get
from .base import CommandBase


class PreMedia(CommandBase):
    def cmd_premedia(self, form: dict[str, Any], _files: list[Part]) -> dict[str, Any]:
        now = self.now()
        planned: dict[str, tuple[Optional[str], Optional[str]]] = {}
        for element in _elements(_get(form, "ConfData"), "404.110"):
            keys = self._bnumbers(_get(element, "BNumber"))
            sides: list[Optional[str]] = []
            for field_name in ("FileA", "FileB"):
                value = _get(element, field_name)
                if value is MISSING:
                    sides.append(None)
                    continue
                if value is None:
                    value = ""
                if not isinstance(value, str):
                    raise BeelineError("400.1")
                value = value.strip()
                if value and not self.t.file_ready(value, now):
                    raise BeelineError("404.104")
                sides.append(value)
            if sides == [None, None]:
                raise BeelineError("404.109")
            for key in keys:
                prev = planned.get(key, (None, None))
                planned[key] = (
                    sides[0] if sides[0] is not None else prev[0],
                    sides[1] if sides[1] is not None else prev[1],
                )
        for key, (file_a, file_b) in planned.items():
            self.t.set_premedia(key, file_a, file_b)
        return self._ok("PREMEDIA")

    def cmd_mlist(self, form: dict[str, Any], _files: list[Part]) -> dict[str, Any]:
        keys = self._named_or(form, lambda: [k for k in self.t.numbers if k in self.t.premedia])
        out = []
        for key in keys:
            file_a, file_b = self.t.premedia.get(key, ("", ""))
            out.append({"BNumber": self.t.display(key), "FileA": file_a, "FileB": file_b})
        return {"ConfData": out}
