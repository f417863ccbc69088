"""The routes the HTTP benchmark loads: a read route of every provider and a write route of
each that sets one of a few values in turn (``Target.variants``: every write changes what
the one before set, and the world does not grow during the run), all with the default
world's own credentials.

Each target is measured against a bare aiohttp handler in the same run that returns the
same answer bytes and, for a request with a body, first parses that body as the real
route must (``request.json()`` for JSON, ``request.post()`` for multipart, ``request.read()``
otherwise).
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path

from bench.probe import ROUTE as PROBE_ROUTE, SLUG as PROBE_SLUG, TOKEN as PROBE_TOKEN
from bench.probe import WRITE_BODY as PROBE_WRITE_BODY, WRITE_ROUTE as PROBE_WRITE_ROUTE

ROOT = Path(__file__).resolve().parents[1]
VPBX_KEY = "215ef687-e898-419d-810c-2864efc0b1d0"  # the VPBX document's own API key
MTT_BUSINESS_TOKEN = "MMRLZJU5NTETMTNHZIOZNIYLWJHOTGTNJY1M2ZMM2YZNMYX"
BOUNDARY = "telsim-bench-boundary"


def basic(login: str, password: str) -> str:
    return "Authorization: Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def _form(api_form: dict) -> bytes:
    """A multipart/form-data body with the one ``api_form`` JSON part Beeline's commands take."""
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"api_form\"\r\n"
            f"Content-Type: application/json\r\n\r\n").encode() + _json(api_form) + \
        f"\r\n--{BOUNDARY}--\r\n".encode()


@dataclass(frozen=True)
class Target:
    label: str
    path: str
    headers: tuple[str, ...] = ()
    method: str = "GET"
    body: bytes = b""
    content_type: str | None = None
    server: str = "telsim"   # telsim | probe | quiet (telsim serve --quiet)
    provider: str | None = None  # measured only when this provider is registered
    group: str = "provider"  # control | provider | probe | access-log
    #: a PATCH /_sim/world the bench sends first (e.g. a provider's request rate limit)
    world_patch: dict | None = None
    #: a write target's other bodies, sent in turn with ``body`` so that every write sets
    #: something other than the write before it did (a handler that keeps an unchanged
    #: record would otherwise be measured doing nothing); the world still does not grow
    variants: tuple[bytes, ...] = ()
    #: bursts on each side are ``--rounds`` times this: the access log's row measures a cost
    #: of a few % that the pairs' ratios scatter by more, so it takes more pairs
    rounds_factor: int = 1

    @property
    def parse(self) -> str:
        """How the bare baseline handler reads the body."""
        if not self.body:
            return "none"
        ct = (self.content_type or "").lower()
        return "json" if "json" in ct else "post" if ct.startswith("multipart/") else "read"

    def all_headers(self) -> list[str]:
        extra = [f"Content-Type: {self.content_type}"] if self.content_type else []
        return [*self.headers, *extra]


AA_AUTH = basic("user", "password")
TELECOM_AUTH = basic("romashka-api", "Gnezdo-Api-2026")
BEELINE_AUTH = basic("cloudcc-demo", "cloudcc-demo-pass")
JSON = "application/json"
FORM = f"multipart/form-data; boundary={BOUNDARY}"

#: abonent 1735's schedule as the document's 4.12.1 answer shows it (the default world's own)
VPBX_SCHEDULE = json.loads((ROOT / "contracts" / "mts-vpbx" / "examples" /
                            "4.12.1-schedules-abonent.response.json").read_text("utf-8"))
FOLLOWME = ["74951345897", [{"timeout": 15, "redirect_number": "79684881033",
                             "name": "79684881033", "active": "Y", "period": "always",
                             "period_description": "Always", "follow_order": 1}]]
CALL_HISTORY = {"sip_id": "74996480000", "date_from": "01.02.2018 00:00:00",
                "date_to": "30.10.2019 22:23:35"}



def _schedule_at(start: str) -> dict:
    """The 4.12.1 schedule with its work-day rule starting at ``start``."""
    rule = {**VPBX_SCHEDULE["workDaysRules"][0], "startTime": start}
    return {**VPBX_SCHEDULE, "workDaysRules": [rule]}


def _followme(timeout: int) -> list:
    return [FOLLOWME[0], [{**FOLLOWME[1][0], "timeout": timeout}]]


#: ¹ the document's 5 requests a second (§6.7) would answer the load 429; the bench lifts it
NO_RATE_LIMIT = {"providers": {"mtt-business": {"settings": {"rps_limit": 1_000_000}}}}

TARGETS: tuple[Target, ...] = (
    Target("GET /_sim/clock (control)", "/_sim/clock", group="control"),
    Target(f"GET /{PROBE_SLUG}{PROBE_ROUTE} (bench probe)", f"/{PROBE_SLUG}{PROBE_ROUTE}",
           (f"X-AUTH-TOKEN: {PROBE_TOKEN}",), server="probe", group="probe"),
    Target(f"PUT /{PROBE_SLUG}{PROBE_WRITE_ROUTE} (bench probe, JSON body)",
           f"/{PROBE_SLUG}{PROBE_WRITE_ROUTE}", (f"X-AUTH-TOKEN: {PROBE_TOKEN}",), "PUT",
           _json(PROBE_WRITE_BODY), JSON, server="probe", group="probe"),
    Target("@втосекретарь GET /api/v1/un?phone= (Basic)",
           "/mts-autosecretary/api/v1/un?phone=4954071111", (AA_AUTH,),
           provider="mts-autosecretary"),
    Target("  the same with --quiet (no access log)",
           "/mts-autosecretary/api/v1/un?phone=4954071111", (AA_AUTH,), server="quiet",
           provider="mts-autosecretary", group="access-log", rounds_factor=3),
    Target("@втосекретарь PUT /api/v1/un (write)", "/mts-autosecretary/api/v1/un", (AA_AUTH,),
           "PUT", _json({"phone": "4954071111", "description": "bench"}), JSON,
           provider="mts-autosecretary",
           variants=tuple(_json({"phone": "4954071111", "description": f"bench {n}"})
                          for n in (2, 3, 4))),
    Target("VPBX GET /api/abonents", "/mts-vpbx/api/abonents", (f"X-AUTH-TOKEN: {VPBX_KEY}",),
           provider="mts-vpbx"),
    Target("  the same with --quiet (no access log)", "/mts-vpbx/api/abonents",
           (f"X-AUTH-TOKEN: {VPBX_KEY}",), server="quiet", provider="mts-vpbx", group="access-log",
           rounds_factor=3),
    Target("VPBX PUT /api/schedules/abonent/1735 (write)", "/mts-vpbx/api/schedules/abonent/1735",
           (f"X-AUTH-TOKEN: {VPBX_KEY}",), "PUT", _json(VPBX_SCHEDULE), JSON, provider="mts-vpbx",
           variants=tuple(_json(_schedule_at(t)) for t in ("08:30", "09:00", "09:30"))),
    Target("Beeline POST /api/request RLIST (multipart)", "/beeline-cloudcc/api/request",
           (BEELINE_AUTH,), "POST", _form({"Command": "RLIST"}), FORM, provider="beeline-cloudcc"),
    Target("Beeline POST /api/request REDIRECT (write)", "/beeline-cloudcc/api/request",
           (BEELINE_AUTH,), "POST",
           _form({"Command": "REDIRECT", "ConfData": [{"BNumber": "74957850000",
                                                        "RNumber": "79161234567"}]}),
           FORM, provider="beeline-cloudcc",
           variants=tuple(_form({"Command": "REDIRECT", "ConfData": [{"BNumber": "74957850000",
                                                                     "RNumber": f"7916123456{n}"}]})
                          for n in (8, 9, 6))),
    Target("MTT Business GET /externalNumbersInfo (Bearer)¹", "/mtt-business/externalNumbersInfo",
           (f"Authorization: Bearer {MTT_BUSINESS_TOKEN}",), provider="mtt-business",
           world_patch=NO_RATE_LIMIT),
    Target("MTT Business POST /setParkingNumbers (write)¹", "/mtt-business/setParkingNumbers",
           (f"Authorization: Bearer {MTT_BUSINESS_TOKEN}",), "POST",
           _json({"params": {"numbers": ["880023213", "880034344"], "isParking": True}}), JSON,
           provider="mtt-business", world_patch=NO_RATE_LIMIT,
           variants=(_json({"params": {"numbers": ["880023213", "880034344"], "isParking": False}}),)),
    Target("MTT Telecom POST /index.php getCallHistory", "/mtt-telecom/index.php", (TELECOM_AUTH,),
           "POST", _json({"id": "3", "jsonrpc": "2.0", "method": "getCallHistory",
                          "params": CALL_HISTORY}), JSON, provider="mtt-telecom"),
    Target("MTT Telecom POST /index.php setFollowme (write)", "/mtt-telecom/index.php",
           (TELECOM_AUTH,), "POST", _json({"id": "1", "jsonrpc": "2.0", "method": "setFollowme",
                                          "params": FOLLOWME}), JSON, provider="mtt-telecom",
           variants=tuple(_json({"id": "1", "jsonrpc": "2.0", "method": "setFollowme",
                                 "params": _followme(t)}) for t in (20, 25, 30))),
)


def selected(registered: set[str], groups: set[str] | None = None) -> list[Target]:
    return [t for t in TARGETS if (t.provider is None or t.provider in registered)
            and (groups is None or t.group in groups)]


@dataclass
class BaselineSpec:
    """What the bare aiohttp server serves for one target (written as JSON for servers.py)."""

    method: str
    path: str
    parse: str
    status: int
    content_type: str
    body_hex: str
    json_body: bool = field(default=False)

    def to_json(self) -> dict:
        return self.__dict__.copy()
