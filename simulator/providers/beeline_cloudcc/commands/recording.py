"""4.10 - 4.12: call recording (ARECORD, CRECORD, LRECORD)."""
from __future__ import annotations

from typing import Any

from simulator.http import FormPart as Part

from .form import MISSING, _get, _is_all
from .base import CommandBase


class Recording(CommandBase):
    def cmd_arecord(self, form: dict[str, Any], _files: list[Part]) -> dict[str, Any]:
        conf = _get(form, "ConfData")
        if conf is MISSING or conf is None or _is_all(conf):  # 4.10.2
            self.t.record_all = True
            return self._ok("ARECORD")
        keys = self._bnumbers(conf)
        if not self.t.record_all:  # 4.10 note: ignored while recording is on for all numbers
            for key in keys:
                self.t.record_numbers[key] = None
        return self._ok("ARECORD")

    def cmd_crecord(self, form: dict[str, Any], _files: list[Part]) -> dict[str, Any]:
        conf = _get(form, "ConfData")
        if conf is MISSING or conf is None or _is_all(conf):  # 4.11.2
            self.t.record_all = False
            self.t.record_numbers.clear()
            return self._ok("CRECORD")
        keys = self._bnumbers(conf)
        if not self.t.record_all:
            for key in keys:
                self.t.record_numbers.pop(key, None)
        return self._ok("CRECORD")

    def cmd_lrecord(self, form: dict[str, Any], _files: list[Part]) -> dict[str, Any]:
        if self.t.record_all:
            return {"ConfData": ["*"]}
        return {"ConfData": [self.t.display(k) for k in self.t.record_numbers]}
