"""Record URLs (REST on rc.mtt.ru, Basic auth with the tenant's rc credentials):
GET /v1/records/{h323_conf_id}/urls -> WAV links, GET /v2/records/{h323_conf_id}/urls?format=mp3
-> MP3 links, and the direct links themselves, which download real audio (engine recordings
or the world's records, rendered off the event loop)."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from aiohttp import web

from ...catalogue import Operation
from ...engine.audio import render
from .auth import authenticate, challenge

if TYPE_CHECKING:
    from .provider import MttTelecomProvider

SECTION = "Record URLs (rc.mtt.ru)"
RC, RS = "rc.mtt.ru", "rs.mtt.ru"
#: a record longer than this is split into parts (_1.wav, _2.wav ...), as the document shows
PART_MAX = 1200.0
_CONF = re.compile(r"^[0-9A-Fa-f]{8}(?:[ _][0-9A-Fa-f]{8}){3}$")
_FILE = re.compile(r"^(?P<key>[0-9A-F]{8}(?:_[0-9A-F]{8}){3})_(?P<part>[0-9]{1,2})\.(?P<ext>wav|mp3)$")
CONTENT_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg"}

OPERATIONS = (
    Operation("GET /v1/records/{h323_conf_id}/urls", SECTION, "rest", "GET", "/v1/records/{h323_conf_id}/urls",
              host=RC, summary="direct links to the call's WAV record parts"),
    Operation("GET /v2/records/{h323_conf_id}/urls", SECTION, "rest", "GET", "/v2/records/{h323_conf_id}/urls",
              host=RC, summary="links in the format asked (format=mp3)"),
    Operation("GET record file", SECTION, "download", "GET", r"/{owner:[0-9]+}/{tail:.+}", host=RC,
              summary="a record part (the direct link of the urls answers, on rc.mtt.ru or rs.mtt.ru)"),
)


@dataclass
class Record:
    key: str                  # h323_conf_id with underscores, upper case
    tenant_id: str
    owner: str                # i_customer (or customer_name) in the link
    duration: float
    recording_id: Optional[str] = None
    parts: int = 1

    def part_duration(self, n: int) -> float:
        if self.parts == 1:
            return self.duration
        each = self.duration / self.parts
        return each if n < self.parts else self.duration - each * (self.parts - 1)

    def urls(self, ext: str, hosts: tuple[str, str] = (RC, RS)) -> list[str]:
        """Links on ``hosts`` (settings.record_hosts: one-part records, split records)."""
        if self.parts == 1:
            dirs = "/".join(self.key.replace("_", "")[i:i + 2] for i in range(0, 32, 2))
            return [f"http://{hosts[0]}/{self.owner}/{dirs}/{self.key}_1.{ext}"]
        # the document's split links read rs.mtt.ru/%/...: "%" stands for the customer's folder
        return [f"http://{hosts[-1]}/{self.owner}/{self.key}_{n}.{ext}" for n in range(1, self.parts + 1)]


def conf_key(h323_conf_id: str) -> Optional[str]:
    """The h323_conf_id of the history ("0000B3A4 55F311E4 ...") as record URLs write it."""
    if not isinstance(h323_conf_id, str) or not _CONF.match(h323_conf_id.strip()):
        return None
    return h323_conf_id.strip().replace(" ", "_").upper()


def _store(p: "MttTelecomProvider") -> dict[str, Record]:
    return p.state.extra.setdefault("records", {})


def register(p: "MttTelecomProvider", tenant_id: str, customer_name: str, h323_conf_id: str, duration: float,
             recording_id: Optional[str] = None, parts: Optional[int] = None) -> Optional[Record]:
    key = conf_key(h323_conf_id)
    ref = p.state.customer(customer_name)
    if key is None or ref is None:
        return None
    owner = str(ref.customer.i_customer or ref.name)
    rec = Record(key, tenant_id, owner, max(duration, 0.1), recording_id,
                 parts or max(1, math.ceil(duration / PART_MAX)))
    _store(p)[key] = rec
    return rec


def reset(p: "MttTelecomProvider") -> None:
    for tid, tenant in p.state.world.tenants.items():
        for cname, customer in tenant.customers.items():
            for key, seed in customer.records.items():
                register(p, tid, cname, key, seed.duration, parts=seed.parts)


def world_changed(p: "MttTelecomProvider") -> None:
    """Records a patch adds to the world are served too (the ones already known stay)."""
    reset(p)


def find(p: "MttTelecomProvider", h323_conf_id: str) -> Optional[Record]:
    key = conf_key(h323_conf_id)
    return _store(p).get(key) if key else None


def _not_found() -> web.Response:
    return web.json_response({"error": "record not found"}, status=404)


def handlers(p: "MttTelecomProvider") -> dict:
    async def urls(request: web.Request, ext: str) -> web.StreamResponse:
        tenant_id = authenticate(request, p.state, "rc")
        if tenant_id is None:
            return web.json_response({"error": "Unauthorized"}, status=401, headers=challenge(RC))
        rec = find(p, request.match_info["h323_conf_id"])
        if rec is None or rec.tenant_id != tenant_id:
            return _not_found()
        return web.json_response(rec.urls(ext, tuple(p.state.world.settings.record_hosts) or (RC, RS)))

    async def v1(request: web.Request) -> web.StreamResponse:
        return await urls(request, "wav")

    async def v2(request: web.Request) -> web.StreamResponse:
        fmt = request.query.get("format", "wav").lower()
        if fmt not in CONTENT_TYPES:
            return web.json_response({"error": f"unsupported format {fmt!r}: wav or mp3"}, status=400)
        return await urls(request, fmt)

    async def download(request: web.Request) -> web.StreamResponse:
        owner, tail = request.match_info["owner"], request.match_info["tail"]
        m = _FILE.match(tail.rsplit("/", 1)[-1])
        rec = _store(p).get(m["key"]) if m else None
        if rec is None or rec.owner != owner or not 1 <= int(m["part"]) <= rec.parts:
            return _not_found()
        if tail not in {u.split(f"/{owner}/", 1)[1] for u in rec.urls(m["ext"])}:
            return _not_found()
        audio = None
        if rec.recording_id:
            recording = p.sim.engine.recordings.get(rec.recording_id)
            if recording is not None and rec.parts == 1:
                audio = await recording.render(m["ext"])
        if audio is None:
            audio = await render(rec.part_duration(int(m["part"])), m["ext"])
        return web.Response(body=audio, content_type=CONTENT_TYPES[m["ext"]],
                            headers={"Content-Disposition": f'attachment; filename="{m["key"]}_{m["part"]}.{m["ext"]}"'})

    return {OPERATIONS[0].name: v1, OPERATIONS[1].name: v2, OPERATIONS[2].name: download}
