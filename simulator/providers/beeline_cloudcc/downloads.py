"""GET /api/download/... (3.3): statistics files, call records and voice files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Optional
from urllib.parse import unquote

from . import dates
from .backend import CallRecord, TenantState
from .errors import BeelineError

CDR_COLUMNS = (
    "CALL_ID", "DIRECTION", "BNUMBER", "ANUMBER", "TARGET", "DT_BEGIN", "DT_END",
    "DURATION", "TALK_DURATION", "A_RELEASE_CODE", "B_RELEASE_CODE", "RECORD_URL",
)

_STATS = re.compile(r"^s/([0-9a-f]+_[0-9]{14})$")
_RECORD = re.compile(r"^r/([0-9]+_[0-9]+\.wav)$")
_VOICE = re.compile(r"^v/([^/]+)$")


@dataclass
class Download:
    body: bytes
    content_type: str
    filename: str
    #: a call record: seconds of call audio the handler renders off the event loop (body empty)
    audio_seconds: Optional[float] = None


def stats_file(tenant: TenantState, rows: list[CallRecord], base_url: str) -> bytes:
    lines = [";".join(CDR_COLUMNS)]
    for row in rows:
        record_url = f"{base_url}/api/download/r/{row.record_file}" if row.record_file else ""
        lines.append(";".join([
            row.call_id, row.direction, tenant.display(row.bnumber) if row.bnumber else "",
            row.anumber, row.target, dates.human(row.dt_begin), dates.human(row.dt_end),
            str(row.duration), str(row.talk_duration), str(row.a_release), str(row.b_release), record_url,
        ]))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def resolve(tenant: TenantState, path: str, now: float, base_url: str,
            recording_seconds: Optional[Callable[[CallRecord], Optional[float]]] = None) -> Download:
    """``path`` is what follows /api/download/; 404.112 for a malformed URL, 404.113 for a missing file."""
    path = path.strip("/")
    if match := _STATS.match(path):
        name = match.group(1)
        cdrid = tenant.cdr_files.get(name)
        request = tenant.cdr_requests.get(cdrid) if cdrid else None
        if request is None or request.status(now) != "READY":
            raise BeelineError("404.113")
        body = stats_file(tenant, tenant.cdr_rows(request), base_url.rstrip("/"))
        return Download(body, "text/csv; charset=utf-8", name + ".csv")
    if match := _RECORD.match(path):
        name = match.group(1)
        record = tenant.recordings.get(name)
        if record is None:
            raise BeelineError("404.113")
        seconds = recording_seconds(record) if recording_seconds is not None else None
        if seconds is None:  # generated history has no engine recording: audio of the talk time (capped)
            seconds = float(min(record.talk_duration, 60))
        return Download(b"", "audio/wav", name, audio_seconds=seconds)
    if match := _VOICE.match(path):
        name = match.group(1)
        stored = tenant.vfiles.get(name) or tenant.vfiles.get(unquote(name))
        if stored is None or stored.pending(now):  # 4.17.4
            raise BeelineError("404.113")
        return Download(stored.data, "audio/wav", name)
    raise BeelineError("404.112")
