"""Offline API over HTTP: multipart transport, auth, every command on the default world, downloads."""

import json

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.providers.beeline_cloudcc import wav

from .helpers import AUTH, SLUG, basic, send


B1, B2, B3, B4 = "74957850000", "74957850001", "74957850002", "74957850003"


def form(api_form, vfile=None, filename="hello.wav"):
    data = aiohttp.FormData()
    data.add_field("api_form", json.dumps(api_form, ensure_ascii=False), content_type="application/json")
    if vfile is not None:
        data.add_field("vfile", vfile, filename=filename, content_type="application/octet-stream")
    return data


async def post(simulator, api_form, vfile=None, *, auth=AUTH, filename="hello.wav", path="/api/request"):
    r = await send(simulator, SLUG, "POST", path, data=form(api_form, vfile, filename), headers=auth or {})
    return r.status, r.json()


async def raw(simulator, body, content_type, *, auth=AUTH, method="POST"):
    headers = {"Content-Type": content_type} if content_type else {}
    headers.update(auth or {})
    r = await send(simulator, SLUG, method, "/api/request", data=body, headers=headers)
    return r.status, r.json()


def is_error(answer, code, command=""):
    assert answer["STATUS"] == "ERROR"
    assert answer["ERR_CODE"] == code, answer
    assert answer["COMMAND"] == command
    assert set(answer) == {"STATUS", "AUXCODE", "COMMAND", "ERR_CODE", "ERR_DESCRIPTION"}
    return True


async def test_redirect_round_trip_over_http(simulator):
    status, answer = await post(simulator, {"Command": "REDIRECT", "ConfData": [{"BNumber": B1, "RNumber": "79161234567"}]})
    assert (status, answer) == (200, {"STATUS": "OK", "COMMAND": "REDIRECT"})
    status, answer = await post(simulator, {"Command": "RLIST"})
    assert status == 200
    assert answer == {"ConfData": [{"BNumber": B1, "RNumber": "79161234567"}, {"BNumber": B4, "RNumber": "79161234567"}]}


async def test_host_header_routing(simulator):
    r = await send(simulator, SLUG, "POST", simulator.base_url + "/api/request", data=form({"Command": "LRECORD"}),
                   headers={**AUTH, "Host": "cloudcc.beeline.ru"}, full_url=True)
    assert r.status == 200
    assert r.json() == {"ConfData": [B1]}


@pytest.mark.parametrize("auth", [None, basic("cloudcc-demo", "wrong"), basic("nobody", "x"), {"Authorization": "Basic !!"}])
async def test_bad_credentials_401_1(simulator, auth):
    status, answer = await post(simulator, {"Command": "RLIST"}, auth=auth)
    assert status == 401 and is_error(answer, "401.1")


async def test_ip_allow_list(simulator):
    simulator.patch_world({"providers": {SLUG: {"tenants": {"demo": {"allowed_ips": ["10.0.0.1"]}}}}})
    status, answer = await post(simulator, {"Command": "RLIST"})
    assert status == 401 and is_error(answer, "401.1")
    simulator.patch_world({"providers": {SLUG: {"tenants": {"demo": {"allowed_ips": ["127.0.0.1"]}}}}})
    assert (await post(simulator, {"Command": "RLIST"}))[0] == 200


@pytest.mark.parametrize("body,ctype,code", [
    (b'{"Command":"RLIST"}', "application/json", "400.7"),
    (b"x", None, "400.7"),
    (b"x", "multipart/form-data", "400.7"),
    (b"garbage", "multipart/form-data; boundary=abc", "400.8"),
    (b'--abc\r\nContent-Disposition: form-data; name="other"\r\n\r\n{}\r\n--abc--\r\n',
     "multipart/form-data; boundary=abc", "400.8"),
    (b'--abc\r\nContent-Disposition: form-data; name="api_form"\r\n\r\n{bad\r\n--abc--\r\n',
     "multipart/form-data; boundary=abc", "400.2"),
    (b'--abc\r\nContent-Disposition: form-data; name="api_form"\r\n\r\n{"ConfData":[]}\r\n--abc--\r\n',
     "multipart/form-data; boundary=abc", "400.6"),
])
async def test_transport_errors(simulator, body, ctype, code):
    status, answer = await raw(simulator, body, ctype)
    assert status == int(code.split(".")[0]) and is_error(answer, code)


async def test_get_on_request_and_unknown_paths(simulator):
    status, answer = await raw(simulator, None, None, method="GET")
    assert status == 400 and is_error(answer, "400.7")
    r = await send(simulator, SLUG, "POST", "/api/nothing", headers=AUTH)
    assert r.status == 404 and is_error(r.json(), "404.112")


async def test_unknown_command_and_sizes(simulator):
    status, answer = await post(simulator, {"Command": "RCTN", "ConfData": []})
    assert status == 501 and is_error(answer, "501.1", "RCTN")
    simulator.patch_world({"providers": {SLUG: {"tenants": {"demo": {"limits": {"max_json_bytes": 100}}}}}})
    status, answer = await post(simulator, {"Command": "RLIST", "ConfData": [B1] * 20})
    assert status == 413 and is_error(answer, "413.1")
    simulator.patch_world({"providers": {SLUG: {"tenants": {"demo": {"limits": {"max_body_bytes": 1000}}}}}})
    status, answer = await post(simulator, {"Command": "VFILE"}, wav.make(1))
    assert status == 413 and is_error(answer, "413.1")


async def test_command_errors_carry_command(simulator):
    status, answer = await post(simulator, {"Command": "STATCDR", "CDRID": "1"})
    assert status == 404 and is_error(answer, "404.106", "STATCDR")
    assert answer["ERR_DESCRIPTION"] == "Invalid CDRID"
    status, answer = await post(simulator, {"Command": "REDIRECT", "ConfData": [{"BNumber": "74950000000", "RNumber": "7916"}]})
    assert status == 404 and is_error(answer, "404.100", "REDIRECT")


async def test_injected_500_faults(simulator):
    async with simulator.request("POST", "/_sim/faults", json={
            "provider": SLUG, "path": "/api/request", "action": "native", "native": "500.3"}) as r:
        assert r.status < 300, await r.text()
    status, answer = await post(simulator, {"Command": "RLIST"})
    assert status == 500 and is_error(answer, "500.3")
    assert answer["ERR_DESCRIPTION"] == "DB Connection Error"


async def test_cdr_and_download_lifecycle(simulator):
    status, answer = await post(simulator, {"Command": "REQCDR",
                                            "ConfData": {"DT_BEGIN": "20261101", "DT_END": "20261124"}})
    cdrid = answer["CDRID"]
    status, answer = await post(simulator, {"Command": "STATCDR", "CDRID": cdrid})
    assert answer == {"ConfData": {"CDRID": cdrid, "STATUS": "NOT READY"}}
    await simulator.advance(30)
    status, answer = await post(simulator, {"Command": "STATCDR", "CDRID": cdrid})
    url = answer["ConfData"]["URL"]
    assert answer["ConfData"]["STATUS"] == "READY" and "/api/download/s/" + cdrid + "_" in url
    r = await send(simulator, SLUG, "GET", url, headers=AUTH, full_url=True)
    assert r.status == 200
    text = r.text
    lines = text.strip().split("\r\n")
    assert lines[0].startswith("CALL_ID;DIRECTION;BNUMBER") and "DT_END" in lines[0]
    assert len(lines) > 50
    recorded = [l.split(";")[-1] for l in lines[1:] if l.split(";")[-1]]
    assert recorded
    r = await send(simulator, SLUG, "GET", recorded[0], headers=AUTH, full_url=True)
    assert r.status == 200 and r.body[:4] == b"RIFF"
    r = await send(simulator, SLUG, "GET", url, full_url=True)
    assert r.status == 401 and is_error(r.json(), "401.1")
    bad = url.rsplit("/", 1)[0] + "/0000000_20200101000000"
    r = await send(simulator, SLUG, "GET", bad, headers=AUTH, full_url=True)
    assert r.status == 404 and is_error(r.json(), "404.113")
    r = await send(simulator, SLUG, "GET", "/api/download/zzz", headers=AUTH)
    assert r.status == 404 and is_error(r.json(), "404.112")
    r = await send(simulator, SLUG, "GET", "/api/download/r/1_2.wav", headers=AUTH)
    assert r.status == 404 and is_error(r.json(), "404.113")
    await simulator.advance(24 * 3600)
    status, answer = await post(simulator, {"Command": "STATCDR", "CDRID": cdrid})
    assert answer == {"ConfData": {"CDRID": cdrid, "STATUS": "EXPIRED"}}
    r = await send(simulator, SLUG, "GET", url, headers=AUTH, full_url=True)
    assert r.status == 404 and is_error(r.json(), "404.113")


async def test_voice_file_upload_and_download(simulator):
    data = wav.make(1.0)
    status, answer = await post(simulator, {"Command": "VFILE", "Comment": "Новый"}, data, filename="new.wav")
    assert (status, answer) == (200, {"STATUS": "OK", "COMMAND": "VFILE"})
    status, answer = await post(simulator, {"Command": "LVFILES"})
    entry = [e for e in answer["ConfData"] if e["filename"] == "new.wav"][0]
    assert entry["PENDNIG"] == "YES" and entry["PENDING"] == "YES" and entry["Comment"] == "Новый"
    r = await send(simulator, SLUG, "GET", entry["URL"], headers=AUTH, full_url=True)
    assert r.status == 404 and is_error(r.json(), "404.113")
    status, answer = await post(simulator, {"Command": "PREMEDIA", "ConfData": [{"BNumber": B1, "FileA": "new.wav"}]})
    assert status == 404 and is_error(answer, "404.104", "PREMEDIA")
    await simulator.advance(10)
    r = await send(simulator, SLUG, "GET", entry["URL"], headers=AUTH, full_url=True)
    assert r.status == 200 and r.body == data
    status, answer = await post(simulator, {"Command": "PREMEDIA", "ConfData": [{"BNumber": B1, "FileA": "new.wav"}]})
    assert status == 200
    status, answer = await post(simulator, {"Command": "VFILE"}, b"not a wav", filename="x.wav")
    assert status == 415 and is_error(answer, "415.1", "VFILE")
    status, answer = await post(simulator, {"Command": "VFILE", "Comment": ["x"]}, data)
    assert status == 400 and is_error(answer, "400.5", "VFILE")
    status, answer = await post(simulator, {"Command": "DELFILE", "ConfData": ["new.wav"]})
    assert status == 409 and is_error(answer, "409.1", "DELFILE")


async def test_vfile_without_file_part(simulator):
    status, answer = await post(simulator, {"Command": "VFILE"})
    assert status == 400 and is_error(answer, "400.8", "VFILE")
    assert answer["ERR_DESCRIPTION"] == "Bad Content (Incorrect Form)"


async def test_state_survives_reset_only_by_world(simulator):
    await post(simulator, {"Command": "ARECORD"})
    assert (await post(simulator, {"Command": "LRECORD"}))[1] == {"ConfData": ["*"]}
    await simulator.reset()
    assert (await post(simulator, {"Command": "LRECORD"}))[1] == {"ConfData": [B1]}


# ------------------------------------------------------------------ property: no 500, no lost state

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["", B1, B2, "74950000000", "hello.wav", "x", "*"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["BNumber", "ANumber", "RNumber", "ListID", "FileA", "FileB", "DateFrom", "DateTo",
                         "DT_BEGIN", "DT_END", "CDRID"]), children, max_size=3),
    max_leaves=8)
api_forms = st.fixed_dictionaries(
    {"Command": st.sampled_from(["REDIRECT", "RLIST", "RCANCEL", "PREMEDIA", "MLIST", "SETBLIST", "DELBLIST",
                                 "ABLIST", "LBLIST", "ARECORD", "CRECORD", "LRECORD", "REQCDR", "STATCDR",
                                 "VFILE", "DELFILE", "LVFILES", "HLRTZ", "NOPE", ""])},
    optional={"ConfData": json_values, "CDRID": json_values, "Comment": json_values})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.one_of(api_forms, st.binary(max_size=60)))
async def test_no_input_gives_500_or_loses_state(simulator, api_form):
    before = {c: (await post(simulator, {"Command": c}))[1] for c in ("RLIST", "MLIST", "LBLIST", "LRECORD", "ABLIST")}
    if isinstance(api_form, bytes):
        boundary = "b0undary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"api_form\"\r\n\r\n").encode() + api_form + \
            f"\r\n--{boundary}--\r\n".encode()
        status, answer = await raw(simulator, body, f"multipart/form-data; boundary={boundary}")
    else:
        status, answer = await post(simulator, api_form)
    assert status < 500 or answer.get("ERR_CODE") == "501.1"
    if status != 200:
        assert answer["STATUS"] == "ERROR"
        after = {c: (await post(simulator, {"Command": c}))[1] for c in before}
        assert after == before


async def test_portal_change_keeps_stored_settings(simulator):
    await post(simulator, {"Command": "REDIRECT", "ConfData": [{"BNumber": B2, "RNumber": "79161234567"}]})
    simulator.patch_world({"providers": {SLUG: {"tenants": {"demo": {
        "password": "new-secret", "numbers": [B1, B2, B3, B4, "74957850004"]}}}}})
    status, answer = await post(simulator, {"Command": "RLIST"})
    assert status == 401
    status, answer = await post(simulator, {"Command": "RLIST", "ConfData": [B2, "74957850004"]},
                                auth=basic("cloudcc-demo", "new-secret"))
    assert answer == {"ConfData": [{"BNumber": B2, "RNumber": "79161234567"}]}


async def test_errors_as_200_switch(simulator):
    simulator.patch_world({"providers": {SLUG: {"tenants": {"demo": {"errors_as_200": True}}}}})
    status, answer = await post(simulator, {"Command": "STATCDR", "CDRID": "1"})
    assert status == 200 and is_error(answer, "404.106", "STATCDR")


async def test_vfile_with_the_documents_literal_headers(simulator):
    """4.15.1 / 4.15.2 written out exactly: a comma before filename, Content-Type octet-stream."""
    body = (b'--Q\r\nContent-Disposition: form-data; name="api_form"\r\n\r\n'
            b'{"Command":"VFILE","Comment":"comment","RequestID":"requestid"}\r\n'
            b'--Q\r\nContent-Disposition: form-data; name="vfile",filename="doc.wav"\r\n'
            b'Content-Type: application/octet-stream\r\n\r\n' + wav.make(0.3) + b'\r\n--Q--\r\n')
    status, answer = await raw(simulator, body, "multipart/form-data; boundary=Q")
    assert (status, answer) == (200, {"STATUS": "OK", "COMMAND": "VFILE"})
    listed = {e["filename"]: e for e in (await post(simulator, {"Command": "LVFILES"}))[1]["ConfData"]}
    assert listed["doc.wav"]["Comment"] == "comment" and listed["doc.wav"]["PENDING"] == "YES"


async def test_another_tenants_ids_are_not_found(simulator):
    simulator.patch_world({"providers": {SLUG: {"tenants": {"other": {
        "login": "other", "password": "other-pass", "numbers": ["74957859999"],
        "voice_files": {"theirs.wav": {}}}}}}})
    other = basic("other", "other-pass")
    _, answer = await post(simulator, {"Command": "REQCDR", "ConfData": {"DT_BEGIN": "20261101", "DT_END": "20261124"}})
    cdrid = answer["CDRID"]
    await simulator.advance(30)
    url = (await post(simulator, {"Command": "STATCDR", "CDRID": cdrid}))[1]["ConfData"]["URL"]
    status, answer = await post(simulator, {"Command": "STATCDR", "CDRID": cdrid}, auth=other)
    assert status == 404 and is_error(answer, "404.106", "STATCDR")
    r = await send(simulator, SLUG, "GET", url, headers=other, full_url=True)
    assert r.status == 404 and is_error(r.json(), "404.113")
    r = await send(simulator, SLUG, "GET", "/api/download/v/theirs.wav", headers=AUTH)
    assert r.status == 404 and is_error(r.json(), "404.113")
    status, answer = await post(simulator, {"Command": "PREMEDIA", "ConfData": [{"BNumber": B1, "FileA": "theirs.wav"}]})
    assert status == 404 and is_error(answer, "404.104", "PREMEDIA")
    status, answer = await post(simulator, {"Command": "RLIST", "ConfData": ["74957859999"]})
    assert status == 404 and is_error(answer, "404.100", "RLIST")


async def test_voice_file_count_follows_number_count(simulator):
    """4.15.3: the limit is vfiles_per_number x the tenant's B-numbers (4 numbers, 3 files stored)."""
    simulator.patch_world({"providers": {SLUG: {"tenants": {"demo": {"limits": {"vfiles_per_number": 1}}}}}})
    assert (await post(simulator, {"Command": "VFILE"}, wav.make(0.1), filename="four.wav"))[0] == 200
    status, answer = await post(simulator, {"Command": "VFILE"}, wav.make(0.1), filename="five.wav")
    assert status == 413 and is_error(answer, "413.1", "VFILE")
    assert (await post(simulator, {"Command": "VFILE", "Comment": "v2"}, wav.make(0.2), filename="four.wav"))[0] == 200
    simulator.patch_world({"providers": {SLUG: {"tenants": {"demo": {
        "numbers": [B1, B2, B3, B4, "74957850004"]}}}}})
    assert (await post(simulator, {"Command": "VFILE"}, wav.make(0.1), filename="five.wav"))[0] == 200
    names = [e["filename"] for e in (await post(simulator, {"Command": "LVFILES"}))[1]["ConfData"]]
    assert sorted(names) == ["five.wav", "four.wav", "goodbye.wav", "hello.wav", "silence.wav"]


multipart_bodies = st.one_of(
    st.binary(max_size=200),
    st.binary(max_size=200).map(lambda b: b"--fz\r\n" + b),
    st.tuples(st.sampled_from([b"api_form", b"api form", b"vfile", b"x", b""]), st.binary(max_size=80),
              st.sampled_from([b"", b"; filename=\"a.wav\"", b",filename=a.wav", b"; filename*=utf-8''%D0%B0"]),
              st.sampled_from([b"\r\n--fz--\r\n", b"\r\n--fz--", b"", b"\r\n--fz\r\n"])).map(
        lambda t: b'--fz\r\nContent-Disposition: form-data; name="' + t[0] + b'"' + t[2] + b"\r\n\r\n" + t[1] + t[3]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(multipart_bodies)
async def test_no_multipart_body_gives_500_or_loses_state(simulator, body):
    before = {c: (await post(simulator, {"Command": c}))[1] for c in ("RLIST", "MLIST", "LBLIST", "LRECORD")}
    status, answer = await raw(simulator, body, "multipart/form-data; boundary=fz")
    assert status < 500
    assert answer.get("STATUS") == "ERROR" or status == 200
    if status != 200:
        assert answer["ERR_CODE"].startswith("400.") or answer["ERR_CODE"] in ("404.110", "415.1", "501.1")
    after = {c: (await post(simulator, {"Command": c}))[1] for c in before}
    assert after == before


async def test_vfile_with_a_cyrillic_name(simulator):
    data = wav.make(0.2)
    body = ('--Q\r\nContent-Disposition: form-data; name="api_form"\r\n\r\n{"Command":"VFILE"}\r\n'
            '--Q\r\nContent-Disposition: form-data; name="vfile"; filename="привет.wav"\r\n\r\n').encode() + data + \
        b"\r\n--Q--\r\n"
    status, answer = await raw(simulator, body, "multipart/form-data; boundary=Q")
    assert status == 200, answer
    await simulator.advance(10)
    entry = [e for e in (await post(simulator, {"Command": "LVFILES"}))[1]["ConfData"] if e["filename"] == "привет.wav"][0]
    r = await send(simulator, SLUG, "GET", entry["URL"], headers=AUTH, full_url=True)
    assert r.status == 200 and r.body == data
