"""The 18 offline commands of part 2: api_form JSON in, answer dict out.

Every command validates its whole input before changing anything, so a request that
fails leaves the stored state exactly as it was.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any, Callable, Optional
from urllib.parse import quote

from simulator.http import FormPart as Part, loads_json

from . import dates, hlrtz, wav
from .backend import BLACK_LISTS, CdrRequest, Redirect, StoredVoiceFile, TenantState
from .errors import INCORRECT_FORM, BeelineError
from .multipart import normal_name
from .numbers import canonical, is_phone

MISSING: Any = object()
COMMANDS = (
    "REDIRECT", "RLIST", "RCANCEL", "PREMEDIA", "MLIST", "SETBLIST", "DELBLIST", "ABLIST",
    "LBLIST", "ARECORD", "CRECORD", "LRECORD", "REQCDR", "STATCDR", "VFILE", "DELFILE",
    "LVFILES", "HLRTZ",
)
MAX_COMMENT = 255


def parse_api_form(data: bytes, max_bytes: int) -> dict[str, Any]:
    """Decode the api_form part: 413.1 when too big, 400.2 when not a JSON object."""
    if len(data) > max_bytes:
        raise BeelineError("413.1")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251", errors="replace")  # Russian clients may still send cp1251
    try:
        form = loads_json(text)
    except ValueError:
        raise BeelineError("400.2") from None
    if not isinstance(form, dict):
        raise BeelineError("400.2")
    return form


def command_name(form: dict[str, Any]) -> str:
    value = _get(form, "Command")
    if value is MISSING or not isinstance(value, str) or not value.strip():
        raise BeelineError("400.6")
    name = value.strip().upper()
    if name not in COMMANDS:
        raise BeelineError("501.1", command=value.strip())
    return name


# ----------------------------------------------------------------------------- helpers


def _get(obj: dict[str, Any], key: str) -> Any:
    """Keys are matched case-insensitively (clients write BNumber and bnumber)."""
    if key in obj:
        return obj[key]
    lowered = key.lower()
    for k, v in obj.items():
        if isinstance(k, str) and k.lower() == lowered:
            return v
    return MISSING


def _dedupe(items: list[Any]) -> list[Any]:
    """3.11: duplicates in arrays are collapsed, first occurrence kept."""
    seen: set[str] = set()
    out = []
    for item in items:
        marker = json.dumps(item, sort_keys=True)
        if marker not in seen:
            seen.add(marker)
            out.append(item)
    return out


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, (str, int)) and not isinstance(value, bool) else value


def _elements(value: Any, missing_code: str) -> list[dict[str, Any]]:
    """ConfData as a list of objects (a single object is taken as a list of one)."""
    if value is MISSING or value is None:
        raise BeelineError(missing_code)
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise BeelineError("400.1")
    return value


def _list_id(value: Any, *, default: int | None = 0, missing_code: str = "404.105",
             bad_type_code: str = "404.105") -> int:
    if value is MISSING or value is None:
        if default is None:
            raise BeelineError(missing_code)
        return default
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise BeelineError(bad_type_code)
    if not 0 <= value < BLACK_LISTS:
        raise BeelineError("404.105")
    return value


def _date(value: Any) -> float:
    if value is MISSING or value is None:
        raise BeelineError("400.3")
    try:
        return dates.parse_cdr_date(value)
    except dates.DateValueError:
        raise BeelineError("400.4") from None
    except dates.DateFormatError:
        raise BeelineError("400.3") from None


class OfflineApi:
    """Executes one api_form against one tenant's state."""

    def __init__(self, tenant: TenantState, *, now: Callable[[], float], new_cdrid: Callable[[], str],
                 base_url: str) -> None:
        self.t = tenant
        self.now = now
        self.new_cdrid = new_cdrid
        self.base_url = base_url.rstrip("/")

    def execute(self, form: dict[str, Any], files: list[Part] | None = None) -> dict[str, Any]:
        name = command_name(form)
        handler = getattr(self, "cmd_" + name.lower())
        try:
            return handler(form, files or [])
        except BeelineError as exc:
            exc.command = exc.command or name
            raise

    # ------------------------------------------------------------------ validation
    def _bnumbers(self, value: Any, *, allow_missing: bool = False) -> Optional[list[str]]:
        """Tenant B-numbers -> canonical keys; 404.110 malformed/missing, 404.100 not the tenant's."""
        if value is MISSING and allow_missing:
            return None
        value = _as_list(value)
        if not isinstance(value, list) or not value:
            raise BeelineError("404.110")
        keys: list[str] = []
        for item in value:
            if isinstance(item, int) and not isinstance(item, bool):
                item = str(item)
            if not is_phone(item):
                raise BeelineError("404.110")
            key = canonical(item)
            if key not in self.t.numbers:
                raise BeelineError("404.100")
            if key not in keys:
                keys.append(key)
        return keys

    @staticmethod
    def _anumbers(value: Any, *, missing_code: str, bad_code: str) -> list[str]:
        value = _as_list(value)
        if value is MISSING or not isinstance(value, list) or not value:
            raise BeelineError(missing_code)
        out: list[str] = []
        for item in _dedupe(value):
            if isinstance(item, int) and not isinstance(item, bool):
                item = str(item)
            if not is_phone(item):
                raise BeelineError(bad_code)
            out.append(item.strip())
        return out

    def _ok(self, name: str) -> dict[str, Any]:
        return {"STATUS": "OK", "COMMAND": name}

    # ------------------------------------------------------------------ 4.1 - 4.3 redirects
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

    def _named_or(self, form: dict[str, Any], every: Callable[[], list[str]]) -> list[str]:
        """The B-numbers ConfData names, or ``every()`` when it names none."""
        conf = _get(form, "ConfData")
        if conf is None or conf is MISSING:
            return every()
        if not isinstance(conf, (list, str, int)) or isinstance(conf, bool):
            raise BeelineError("400.1")
        return self._bnumbers(conf)

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

    # ------------------------------------------------------------------ 4.4 - 4.5 pre-media
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

    # ------------------------------------------------------------------ 4.6 - 4.9 black lists
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

    # ------------------------------------------------------------------ 4.10 - 4.12 recording
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

    # ------------------------------------------------------------------ 4.13 - 4.14 CDR
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

    # ------------------------------------------------------------------ 4.15 - 4.17 voice files
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

    # ------------------------------------------------------------------ 4.18 HLRTZ
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


def _is_all(conf: Any) -> bool:
    """``["*"]``, what LRECORD answers for "all numbers" (4.12), sent back means all numbers."""
    return conf == "*" or conf == ["*"]


def _first(obj: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = _get(obj, key)
        if value is not MISSING:
            return value
    return MISSING
