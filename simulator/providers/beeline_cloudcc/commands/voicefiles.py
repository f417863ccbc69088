"""4.15 - 4.17: voice files (VFILE, DELFILE, LVFILES)."""
from __future__ import annotations

import posixpath
from typing import Any
from urllib.parse import quote

from simulator.http import FormPart as Part

from .. import dates, wav
from ..backend import StoredVoiceFile
from ..errors import INCORRECT_FORM, BeelineError
from ..multipart import normal_name
from .form import MISSING, MAX_COMMENT, _as_list, _dedupe, _get
from .base import CommandBase


class VoiceFiles(CommandBase):
    def cmd_vfile(self, form: dict[str, Any], files: list[Part]) -> dict[str, Any]:
        comment = _get(form, "Comment")
        if comment is MISSING or comment is None:
            comment = ""
        if not isinstance(comment, str) or len(comment) > MAX_COMMENT or any(
            ord(ch) < 32 for ch in comment
        ):
            raise BeelineError("400.5")
        part = next((p for p in files if normal_name(p.name) == "vfile"), None)
        if part is None or not part.filename or not posixpath.basename(part.filename.replace("\\", "/")).strip():
            raise BeelineError("400.8", INCORRECT_FORM)
        name = posixpath.basename(part.filename.replace("\\", "/")).strip()
        try:
            info = wav.inspect(part.data)
        except wav.InvalidVoiceFile:
            raise BeelineError("415.1") from None
        if name not in self.t.vfiles and len(self.t.vfiles) >= self.t.vfile_limit():
            raise BeelineError("413.1")
        now = self.now()
        self.t.vfiles.pop(name, None)  # 4.15.5: overwrite, listed again as a fresh upload
        self.t.vfiles[name] = StoredVoiceFile(
            name=name, comment=comment, data=part.data, uploaded_at=now,
            ready_at=now + self.t.limits.vfile_pending_delay, duration=info.duration,
        )
        return self._ok("VFILE")

    def cmd_delfile(self, form: dict[str, Any], _files: list[Part]) -> dict[str, Any]:
        conf = _get(form, "ConfData")
        if conf is MISSING or conf is None:  # 4.16.2
            names = list(self.t.vfiles)
            if not names:
                return self._ok("DELFILE")
        else:
            conf = _as_list(conf)
            if not isinstance(conf, list) or not conf:
                raise BeelineError("404.109")
            if not all(isinstance(n, str) and n.strip() for n in conf):
                raise BeelineError("404.109")
            names = _dedupe([n.strip() for n in conf])
            if any(n not in self.t.vfiles for n in names):
                raise BeelineError("404.104")
        free = [n for n in names if not self.t.file_in_use(n)]
        if not free:
            raise BeelineError("409.1")
        for name in free:
            del self.t.vfiles[name]
        return self._ok("DELFILE")

    def cmd_lvfiles(self, form: dict[str, Any], _files: list[Part]) -> dict[str, Any]:
        now = self.now()
        out = []
        for name, stored in self.t.vfiles.items():
            pending = "YES" if stored.pending(now) else "NO"
            users = self.t.file_users.get(name, set())
            out.append({
                "filename": name,
                "Comment": stored.comment,
                "DT": dates.human(stored.uploaded_at),
                "BNumber": [self.t.display(k) for k in self.t.numbers if k in users],
                "PENDNIG": pending,
                "PENDING": pending,
                "URL": f"{self.base_url}/api/download/v/{quote(name)}",
            })
        return {"ConfData": out}
