"""Every reachable code of table 4.19 over HTTP, each by the input that causes it, with the
documented body and the code's integer part as the HTTP status; HLRTZ for the regions."""

import json

import pytest

from simulator.providers.beeline_cloudcc import wav
from simulator.providers.beeline_cloudcc.errors import ERROR_TABLE

from .helpers import AUTH, SLUG, basic, send


B1 = "74957850000"
OTHER_TENANT_NUMBER = "74957859999"
FORM_CT = "multipart/form-data; boundary=zz"


def multipart(*parts):
    out = b""
    for name, data, filename in parts:
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += b"--zz\r\nContent-Disposition: " + disp.encode() + b"\r\n\r\n" + data + b"\r\n"
    return out + b"--zz--\r\n"


def api(form, vfile=None):
    parts = [("api_form", json.dumps(form).encode() if isinstance(form, dict) else form, None)]
    if vfile is not None:
        parts.append(("vfile", vfile, "upload.wav"))
    return FORM_CT, multipart(*parts)


PATCHES = {
    "413.1": {"limits": {"max_json_bytes": 40}},
    "413.2": {"limits": {"blacklist_limit": 1}},
}
# code -> (description, command in the body, request: (method, path, content type, body) or an api_form)
CASES = [
    ("400.1", "REDIRECT", api({"Command": "REDIRECT", "ConfData": "x"})),
    ("400.2", "", api(b"{not json")),
    ("400.3", "REQCDR", api({"Command": "REQCDR", "ConfData": {"DT_BEGIN": "2026-11-01", "DT_END": "20261102"}})),
    ("400.4", "REQCDR", api({"Command": "REQCDR", "ConfData": {"DT_BEGIN": "20261301", "DT_END": "20261302"}})),
    ("400.4", "REQCDR", api({"Command": "REQCDR", "ConfData": {"DT_BEGIN": "20261105", "DT_END": "20261101"}})),
    ("400.5", "VFILE", api({"Command": "VFILE", "Comment": {"x": 1}}, wav.make(0.1))),
    ("400.6", "", api({"ConfData": [B1]})),
    ("400.7", "", ("application/json", b'{"Command":"RLIST"}')),
    ("400.7", "", ("multipart/form-data", multipart(("api_form", b'{"Command":"RLIST"}', None)))),
    ("400.8", "", (FORM_CT, multipart(("other", b'{"Command":"RLIST"}', None)))),
    ("400.8", "", (FORM_CT, b"--zz\r\nno headers here\r\n\r\n{}\r\n--zz--\r\n")),
    ("400.8", "VFILE", api({"Command": "VFILE"})),
    ("400.9", "HLRTZ", api({"Command": "HLRTZ", "ConfData": "8-495-123"})),
    ("404.100", "RLIST", api({"Command": "RLIST", "ConfData": ["74951111111"]})),
    ("404.100", "ARECORD", api({"Command": "ARECORD", "ConfData": [OTHER_TENANT_NUMBER]})),
    ("404.101", "REDIRECT", api({"Command": "REDIRECT", "ConfData": [{"BNumber": B1}]})),
    ("404.102", "SETBLIST", api({"Command": "SETBLIST", "ConfData": [{"BNumber": [B1], "ANumber": ["spam"]}]})),
    ("404.104", "PREMEDIA", api({"Command": "PREMEDIA", "ConfData": [{"BNumber": B1, "FileA": "nope.wav"}]})),
    ("404.104", "DELFILE", api({"Command": "DELFILE", "ConfData": ["nope.wav"]})),
    ("404.105", "ABLIST", api({"Command": "ABLIST", "ConfData": 3})),
    ("404.105", "DELBLIST", api({"Command": "DELBLIST", "ConfData": {"ListID": [7]}})),
    ("404.106", "STATCDR", api({"Command": "STATCDR", "CDRID": "1"})),
    ("404.107", "LBLIST", api({"Command": "LBLIST", "ConfData": ["first"]})),
    ("404.108", "SETBLIST", api({"Command": "SETBLIST", "ConfData": [{"BNumber": [B1]}]})),
    ("404.109", "PREMEDIA", api({"Command": "PREMEDIA", "ConfData": [{"BNumber": B1}]})),
    ("404.109", "DELFILE", api({"Command": "DELFILE", "ConfData": []})),
    ("404.110", "RCANCEL", api({"Command": "RCANCEL", "ConfData": ["not-a-number"]})),
    ("404.111", "STATCDR", api({"Command": "STATCDR"})),
    ("404.114", "HLRTZ", api({"Command": "HLRTZ"})),
    ("409.1", "DELFILE", api({"Command": "DELFILE", "ConfData": ["hello.wav"]})),  # PREMEDIA of 74957850003
    ("413.1", "", api({"Command": "RLIST", "ConfData": [B1, "74957850001", "74957850002"]})),
    ("413.2", "SETBLIST", api({"Command": "SETBLIST", "ConfData": [{"BNumber": [B1], "ANumber": ["79030000001"]}]})),
    ("415.1", "VFILE", api({"Command": "VFILE"}, b"ID3\x03mp3 data")),
    ("415.1", "VFILE", api({"Command": "VFILE"}, wav.make(0.1, rate=44100))),
    ("501.1", "RCTN", api({"Command": "RCTN", "ConfData": ["79031234567"]})),
]


@pytest.mark.parametrize("code,command,request_", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
async def test_error_code_by_its_input(simulator, code, command, request_):
    simulator.patch_world({"providers": {SLUG: {"tenants": {
        "demo": PATCHES.get(code, {}),
        "other": {"login": "other", "password": "other-pass", "numbers": [OTHER_TENANT_NUMBER]}}}}})
    content_type, body = request_
    r = await send(simulator, SLUG, "POST", "/api/request", data=body, headers={**AUTH, "Content-Type": content_type})
    answer = r.json()
    assert r.status == int(code.split(".")[0]), answer
    assert r.content_type == "application/json"
    assert list(answer) == ["STATUS", "AUXCODE", "COMMAND", "ERR_CODE", "ERR_DESCRIPTION"]
    assert (answer["STATUS"], answer["ERR_CODE"], answer["COMMAND"]) == ("ERROR", code, command)
    assert answer["ERR_DESCRIPTION"] in (ERROR_TABLE[code], "Bad Content (Incorrect Form)") and answer["AUXCODE"]


@pytest.mark.parametrize("path,code", [
    ("/api/download/zzz", "404.112"), ("/api/download/s/../../etc", "404.112"),
    ("/api/download/r/1_2.wav", "404.113"), ("/api/download/s/abc_20261123090000", "404.113"),
    ("/api/download/v/nope.wav", "404.113"),
])
async def test_download_errors(simulator, path, code):
    r = await send(simulator, SLUG, "GET", path, headers=AUTH)
    answer = r.json()
    assert r.status == 404 and answer["ERR_CODE"] == code
    assert answer["ERR_DESCRIPTION"] == ERROR_TABLE[code]


async def test_401_1_on_every_offline_path(simulator):
    bad = basic("cloudcc-demo", "nope")
    for method, path in (("POST", "/api/request"), ("GET", "/api/download/v/hello.wav")):
        r = await send(simulator, SLUG, method, path, headers=bad)
        assert r.status == 401 and r.json()["ERR_CODE"] == "401.1"


@pytest.mark.parametrize("code", ["500.1", "500.2", "500.3"])
async def test_500_codes_as_injected_faults(simulator, code):
    async with simulator.request("POST", "/_sim/faults", json={
            "provider": SLUG, "path": "/api/request", "action": "native", "native": code}) as r:
        assert r.status < 300
    content_type, body = api({"Command": "LRECORD"})
    r = await send(simulator, SLUG, "POST", "/api/request", data=body, headers={**AUTH, "Content-Type": content_type})
    answer = r.json()
    assert r.status == 500 and answer["ERR_CODE"] == code and answer["ERR_DESCRIPTION"] == ERROR_TABLE[code]


HLRTZ_CASES = [
    ("74951234567", 0), ("+74991234567", 0), ("79161234567", 0), ("79031234567", 0),  # Moscow
    ("74012123456", -1), ("79114512345", -1), ("79062112345", -1),  # Kaliningrad
    ("78462123456", 1), ("78482123456", 1), ("79272012345", 1),  # Samara, Tolyatti
    ("73432123456", 2), ("79126012345", 2), ("79221012345", 2),  # Yekaterinburg
    ("73832123456", 4), ("79139012345", 4), ("79232212345", 4),  # Novosibirsk
    ("74232123456", 7), ("79147012345", 7), ("79242012345", 7),  # Vladivostok
    ("74152123456", 9), ("79147812345", 9), ("79098312345", 9),  # Kamchatka
]


async def test_hlrtz_regions_over_http(simulator):
    """Landline and mobile numbers of the seven regions the issue names give their real offsets."""
    for ctn, tz in HLRTZ_CASES:
        content_type, body = api({"Command": "HLRTZ", "ConfData": ctn, "RequestID": "tz"})
        r = await send(simulator, SLUG, "POST", "/api/request", data=body, headers={**AUTH, "Content-Type": content_type})
        assert r.status == 200
        assert r.json() == {"ConfData": tz}, ctn


def test_every_table_code_is_covered_or_unreachable():
    unreachable = {"400.10", "400.11", "404.103", "404.115", "409.2",  # RCTN/CCTN/SCTN/FCTN and "Reserved"
                   "401.1", "404.112", "404.113", "500.1", "500.2", "500.3"}  # tested by the tests above
    assert set(ERROR_TABLE) - unreachable == {c[0] for c in CASES}
