"""HTTP behaviour: auth, tenants, directory, history, recordings, subscriptions, find-me, schedules."""
import io
import wave

import pytest

from .helpers import DOC_SCHEDULE, SLUG, TOKEN, TOKEN_E30770, send


async def test_token_in_header_or_query(simulator, api):
    status, body = await api("GET", "/api/abonents")
    assert status == 200 and {a["userId"] for a in body} == {1735, 1233, 1234, 1236}
    assert body[0]["lastname"] == "Петров" and body[0]["serviceProviderId"] == 214
    status, body = await api("GET", "/api/abonents", token=None, params={"X-AUTH-TOKEN": TOKEN})
    assert status == 200 and len(body) == 4


@pytest.mark.parametrize("token,message", [(None, "Full authentication"), ("nope", "Invalid X-AUTH-TOKEN")])
async def test_missing_or_unknown_token_is_401(simulator, api, token, message):
    status, body = await api("GET", "/api/groups", token=token)
    assert status == 401 and body["status"] == 401 and body["error"] == "Unauthorized"
    assert message in body["message"] and body["path"] == "/api/groups"


async def test_real_host_routing(simulator):
    r = await send(simulator, SLUG, "GET", "/api/groups", headers={"Host": "vpbx.mts.ru", "X-AUTH-TOKEN": TOKEN},
                   full_url=True)
    assert r.status == 200
    assert [g["parentId"] for g in r.json()] == [None, 1, 1]


async def test_unknown_path_and_method_use_the_error_body(simulator, api):
    status, body = await api("GET", "/api/nothing")
    assert status == 404 and body["error"] == "Not Found" and body["path"] == "/api/nothing"
    status, body = await api("PATCH", "/api/abonents")
    assert status == 405 and "PATCH" in body["message"]


async def test_tenant_isolation(simulator, api):
    # E30770's token does not see X214's abonents, history, rules, schedules, recordings or subscriptions
    for method, path, kw in [
        ("GET", "/api/v1/callHistory/user/1735", {}), ("GET", "/api/findMe/1233", {}),
        ("GET", "/api/schedules/abonent/1735", {}), ("GET", "/api/user/1735/calls", {}),
        ("GET", "/api/callRecording/11122233:1", {}), ("GET", "/api/v1/callHistory/group/1", {}),
        ("GET", "/api/subscription", {"json": {"abonentId": 1735, "subscriptionId": "1s9s000w"}}),
        ("POST", "/api/subscription", {"json": {"abonentId": 1735}}),
        ("POST", "/api/user/1735/calls", {"params": {"address": "+79161234567"}}),
    ]:
        status, body = await api(method, path, token=TOKEN_E30770, **kw)
        assert status == 404, (method, path, status, body)
    status, body = await api("GET", "/api/abonents", token=TOKEN_E30770)
    assert {a["userId"] for a in body} == {30801, 30802}
    status, page = await api("GET", "/api/v1/callHistory/enterprise", token=TOKEN_E30770)
    assert page["totalElements"] == 0


async def test_abonent_filters(simulator, api):
    _, body = await api("GET", "/api/abonents", params={"extension": "203"})
    assert [a["userId"] for a in body] == [1234]
    _, body = await api("GET", "/api/abonents", params={"phoneNumber": "+79160001735"})
    assert [a["userId"] for a in body] == [1735]
    _, body = await api("GET", "/api/abonents", params={"phoneNumber": "89160001735", "extension": "999"})
    assert body == []


async def test_history_filters_and_paging(simulator, api):
    status, page = await api("GET", "/api/v1/callHistory/enterprise", params={"page": "0", "size": "10"})
    assert status == 200 and page["totalElements"] == 144 and page["totalPages"] == 15
    total = page["totalElements"]
    seen = []
    for p in range(page["totalPages"]):
        _, chunk = await api("GET", "/api/v1/callHistory/enterprise", params={"page": str(p), "size": "10"})
        seen += [r["extTrackingId"] for r in chunk["content"]]
    assert len(seen) == total == len(set(seen))
    _, page = await api("GET", "/api/v1/callHistory/enterprise",
                        params={"direction": "TERMINATING", "status": "PLACED", "dateFrom": "1558971019000",
                                "dateTo": "1558972471000", "calledNumber": "201", "callingNumber": "202"})
    assert [r["extTrackingId"] for r in page["content"]] == ["21289855:1", "21289875:1", "21289355:1"]
    _, page = await api("GET", "/api/v1/callHistory/user/1735", params={"size": "1000"})
    assert page["content"] and all(r["userId"] == "X214G1A2I@nvg.ru" for r in page["content"])
    _, page = await api("GET", "/api/v1/callHistory/group/2", params={"size": "1000"})
    assert page["content"] and all(r["groupBwksId"] == "X214G2" for r in page["content"])


@pytest.mark.parametrize("params", [{"direction": "UP"}, {"status": "x"}, {"dateFrom": "yesterday"},
                                    {"dateTo": "1.5e3x"}])
async def test_history_bad_filters_are_400(simulator, api, params):
    status, body = await api("GET", "/api/v1/callHistory/enterprise", params=params)
    assert status == 400 and body["status"] == 400


@pytest.mark.parametrize("params,page_size", [({"page": "-1", "size": "0"}, 20), ({"page": "x", "size": "5"}, 5),
                                              ({"size": "999999"}, 144)])
async def test_history_paging_is_lenient_like_spring_data(simulator, api, params, page_size):
    status, body = await api("GET", "/api/v1/callHistory/enterprise", params=params)
    assert status == 200 and len(body["content"]) == page_size


async def test_history_unknown_scope_is_404_and_bad_id_400(simulator, api):
    assert (await api("GET", "/api/v1/callHistory/user/999"))[0] == 404
    assert (await api("GET", "/api/v1/callHistory/group/999"))[0] == 404
    assert (await api("GET", "/api/v1/callHistory/user/abc"))[0] == 400


async def test_legacy_history_with_body(simulator, api):
    status, rows = await api("GET", "/api/callHistory", json={"abonentId": 1735, "callDirection": None,
                                                              "dateFrom": 1558971000000, "dateTo": 1558972000000})
    assert status == 200 and [r["extTrackingId"] for r in rows] == ["21289855:1", "21289875:1"]


async def test_recordings_wav_and_mp3(simulator, api):
    status, wav = await api("GET", "/api/callRecording/21289855:1")
    assert status == 200
    with wave.open(io.BytesIO(wav)) as w:
        assert w.getnframes() / w.getframerate() == pytest.approx(7.0)
    r = await send(simulator, SLUG, "GET", "/api/callRecording/mp3/11122233:1", headers={"X-AUTH-TOKEN": TOKEN})
    assert r.status == 200 and r.headers["Content-Type"] == "audio/mpeg"
    assert r.body[:3] == b"ID3" or (r.body[0] == 0xFF and r.body[1] & 0xE0 == 0xE0)
    status, body = await api("GET", "/api/callRecording/mp3/99999:1")
    assert status == 404 and body["status"] == 404


# --- subscriptions ---------------------------------------------------------------------

async def test_subscription_crud(simulator, api):
    status, sub = await api("POST", "/api/subscription", json={"abonentId": 1234})
    assert status == 200 and sub["expires"] == 3600 and len(sub["subscriptionId"]) == 8
    ref = {"abonentId": 1234, "subscriptionId": sub["subscriptionId"]}
    await simulator.advance(600)
    assert (await api("GET", "/api/subscription", json=ref))[1]["expires"] == 3000
    assert (await api("PUT", "/api/subscription", json=ref))[1]["expires"] == 3600
    status, body = await api("DELETE", "/api/subscription", json=ref)
    assert status == 200 and body == b""
    status, body = await api("GET", "/api/subscription", json=ref)
    assert status == 404 and sub["subscriptionId"] in body["message"]


async def test_document_subscription_exists(simulator, api):
    status, body = await api("GET", "/api/subscription", json={"abonentId": 1735, "subscriptionId": "1s9s000w"})
    assert status == 200 and body == {"expires": 3600, "subscriptionId": "1s9s000w"}


@pytest.mark.parametrize("method,body,code", [
    ("POST", {"abonentId": 4242}, 404), ("POST", {}, 400), ("POST", {"abonentId": "x"}, 400),
    ("GET", {"abonentId": 1735}, 400), ("PUT", {"abonentId": 1735, "subscriptionId": "zzzzzzzz"}, 404),
    ("DELETE", {"abonentId": 1233, "subscriptionId": "1s9s000w"}, 404), ("POST", None, 400),
])
async def test_subscription_errors(simulator, api, method, body, code):
    kw = {"json": body} if body is not None else {"data": b"{not json"}
    status, resp = await api(method, "/api/subscription", **kw)
    assert status == code and resp["status"] == code


# --- activation ------------------------------------------------------------------------

@pytest.mark.parametrize("path,body,field", [
    ("/api/service/apicrm", {"callbackUrl": "http://127.0.0.1:1/h"}, "clientApiKey"),
    ("/api/service/apicrm", {"clientApiKey": "1"}, "callbackUrl"),
    ("/api/service/webhook", {"callbackUrl": "not a url"}, "callbackUrl"),
    ("/api/service/webhook", {}, "callbackUrl"),
])
async def test_activation_validation(simulator, api, path, body, field):
    status, resp = await api("POST", path, json=body)
    assert status == 400 and field in resp["message"]


async def test_webhook_key_is_optional(simulator, api):
    status, _ = await api("POST", "/api/service/webhook", json={"callbackUrl": "http://127.0.0.1:9/hook"})
    assert status == 200
    assert simulator.sim.providers["mts-vpbx"].backend.by_id[214].services["webhook"].active


# --- find me ---------------------------------------------------------------------------

async def test_findme_document_rules(simulator, api):
    status, fm = await api("GET", "/api/findMe/1233")
    assert status == 200
    assert fm["parallelRules"][0]["id"] == 1066 and fm["sequentialRules"][0]["id"] == 1093
    assert fm["redirectRules"][0] == {"id": 1256, "ruleName": "Переадресация", "calledNumber": None,
                                      "alwaysRedirect": "650", "ifBusyRedirect": None, "ifNoAnswerRedirect": None,
                                      "ifNoAnswerTimeout": None, "ifNoAccessRedirect": None, "conditional": "",
                                      "scheduleId": None}
    assert (await api("GET", "/api/findMe/1735"))[1] == {"parallelRules": [], "sequentialRules": [],
                                                        "redirectRules": []}


async def test_findme_crud(simulator, api):
    status, rule = await api("POST", "/api/findMe/1735/sequential", json={
        "ruleName": "Последовательный", "calledNumber": None, "continueSearchIfBusy": True,
        "ruleNumbers": [{"number": "003", "status": True, "name": "Основной", "timeout": 3}]})
    assert status == 200 and rule["id"] > 1256 and rule["ruleNumbers"][0]["ruleId"] > 1256
    status, upd = await api("PUT", f"/api/findMe/1735/sequential/{rule['id']}", json={
        "id": 1234, "ruleName": "новое имя", "continueSearchIfBusy": False,
        "ruleNumbers": [{"ruleId": rule["ruleNumbers"][0]["ruleId"], "number": "+79161234567", "status": True,
                         "name": "моб", "timeout": 4}]})
    assert status == 200 and upd["id"] == rule["id"] and upd["ruleNumbers"][0]["ruleId"] == rule["ruleNumbers"][0]["ruleId"]
    _, fm = await api("GET", "/api/findMe/1735")
    assert fm["sequentialRules"] == [upd]
    assert (await api("DELETE", f"/api/findMe/1735/sequential/{rule['id']}"))[0] == 200
    assert (await api("DELETE", f"/api/findMe/1735/sequential/{rule['id']}"))[0] == 404
    assert (await api("PUT", "/api/findMe/1735/parallel/424242", json={"ruleName": "x"}))[0] == 404


@pytest.mark.parametrize("kind,body,needle", [
    ("parallel", {"ruleName": "x" * 31, "ruleNumbers": []}, "30"),
    ("parallel", {"ruleName": "ok", "ruleNumbers": [{"number": str(100 + i), "status": True} for i in range(11)]},
     "10"),
    ("parallel", {"ruleNumbers": []}, "ruleName"),
    ("sequential", {"ruleName": "s", "ruleNumbers": [{"number": "abc", "status": True, "timeout": 3}]}, "number"),
    ("redirect", {"ruleName": "r", "alwaysRedirect": "650", "ifNoAnswerTimeout": "много"}, "ifNoAnswerTimeout"),
    ("redirect", {"ruleName": "r", "alwaysRedirect": "650", "scheduleId": 99999}, "scheduleId"),
])
async def test_findme_validation(simulator, api, kind, body, needle):
    status, resp = await api("POST", f"/api/findMe/1735/{kind}", json=body)
    assert status == 400 and needle in resp["message"], resp


async def test_findme_rule_count_limit(simulator, api):
    for i in range(10):
        assert (await api("POST", "/api/findMe/1234/redirect", json={"ruleName": f"r{i}"}))[0] == 200
    status, body = await api("POST", "/api/findMe/1234/redirect", json={"ruleName": "r10"})
    assert status == 400 and "10" in body["message"]


# --- schedules -------------------------------------------------------------------------

async def test_schedules_of_an_abonent(simulator, api):
    status, items = await api("GET", "/api/schedules/abonent/1735")
    assert status == 200
    by_id = {s["recordId"]: s for s in items}
    assert by_id[1348] == DOC_SCHEDULE
    assert by_id[1349]["type"] == "group" and by_id[1349]["notBeRemoved"] is True


async def test_schedule_crud_and_time_forms(simulator, api):
    body = {"name": "workdays",
            "workDaysRules": [{"startTime": "00-00", "endTime": None, "allDayEvent": False, "monday": True}],
            "excludedDaysRules": [{"startDate": "01-01-2019", "startTime": "00-00", "endTime": "23-59"}],
            "holidaysRules": [{"startDate": "01-01-2019"}]}
    status, s = await api("POST", "/api/schedules/group/2", json=body)
    assert status == 200 and s["type"] == "group" and s["workDaysRules"][0]["startTime"] == "00:00"
    assert s["excludedDaysRules"][0]["endTime"] == "23:59"
    _, items = await api("GET", "/api/schedules/abonent/1234")
    assert s["recordId"] in {x["recordId"] for x in items}
    status, upd = await api("PUT", "/api/schedules/group/2", json={**body, "recordId": s["recordId"], "name": "n2"})
    assert status == 200 and upd["name"] == "n2"
    assert (await api("DELETE", "/api/schedules/group/2", params={"recordId": str(s["recordId"])}))[0] == 200
    assert (await api("DELETE", "/api/schedules/group/2", params={"recordId": str(s["recordId"])}))[0] == 404


@pytest.mark.parametrize("method,path,kw,code", [
    ("DELETE", "/api/schedules/group/1", {"params": {"recordId": "1349"}}, 400),          # notBeRemoved
    ("DELETE", "/api/schedules/abonent/1735", {}, 400),                                    # which one?
    ("DELETE", "/api/schedules/abonent/1735", {"json": {"recordId": 1349}}, 404),          # not its own
    ("PUT", "/api/schedules/abonent/1735", {"json": {"name": "x"}}, 400),                  # recordId missing
    ("POST", "/api/schedules/abonent/1735", {"json": {"name": "x", "workDaysRules": [{"startTime": "25:00"}]}}, 400),
    ("POST", "/api/schedules/abonent/1735", {"json": {"name": "x", "holidaysRules": [{"startDate": "31-02-2020"}]}}, 400),
    ("POST", "/api/schedules/group/777", {"json": {"name": "x"}}, 404),
])
async def test_schedule_errors(simulator, api, method, path, kw, code):
    status, body = await api(method, path, **kw)
    assert status == code, body


async def test_failed_request_loses_nothing(simulator, api):
    before = (await api("GET", "/api/findMe/1233"))[1]
    await api("PUT", "/api/findMe/1233/parallel/1066", json={"ruleName": "x" * 40})
    await api("POST", "/api/schedules/abonent/1735", json={"name": "x", "holidaysRules": [{"startDate": "bad"}]})
    assert (await api("GET", "/api/findMe/1233"))[1] == before
    _, items = await api("GET", "/api/schedules/abonent/1735")
    assert len(items) == 4


GARBAGE = [b"", b"null", b"[]", b"42", b'{"x": 1}', b'{"abonentId": {}}', b"\xff\xfe", b'{"ruleName": 5}',
           b'{"name": "", "workDaysRules": "x"}', b'{"abonentId": 1e400}']
BODY_ROUTES = [("POST", "/api/service/apicrm"), ("POST", "/api/service/webhook"), ("POST", "/api/subscription"),
               ("GET", "/api/subscription"), ("PUT", "/api/subscription"), ("DELETE", "/api/subscription"),
               ("POST", "/api/findMe/1735/parallel"), ("POST", "/api/findMe/1735/sequential"),
               ("PUT", "/api/findMe/1233/redirect/1256"), ("POST", "/api/schedules/abonent/1735"),
               ("PUT", "/api/schedules/group/1"), ("DELETE", "/api/schedules/abonent/1735"),
               ("GET", "/api/callHistory")]


async def test_garbage_bodies_get_the_error_body_never_500(simulator, api):
    for method, path in BODY_ROUTES:
        for body in GARBAGE:
            status, resp = await api(method, path, data=body, headers={"Content-Type": "application/json"})
            assert status in (200, 400, 404), (method, path, body, status, resp)
            if status != 200:
                assert resp["status"] == status and resp["path"] == path


async def test_document_history_request_finds_data(simulator, api):
    status, page = await api("GET", "/api/v1/callHistory/enterprise", params={
        "direction": "ORIGINATING", "status": "PLACED", "dateFrom": "1586250115000", "dateTo": "1586253915000",
        "page": "0", "size": "10"})
    assert status == 200 and [r["extTrackingId"] for r in page["content"]] == ["21291533:1"]


async def test_subscription_by_query_parameters(simulator, api):
    status, body = await api("GET", "/api/subscription", params={"abonentId": "1735", "subscriptionId": "1s9s000w"})
    assert status == 200 and body["subscriptionId"] == "1s9s000w"


async def test_generated_history_has_recordings(simulator, api):
    _, page = await api("GET", "/api/v1/callHistory/enterprise", params={"status": "PLACED", "size": "200"})
    generated = [r for r in page["content"] if r["callTime"] > 1700000000000]
    assert generated
    status, _ = await api("GET", f"/api/callRecording/{generated[0]['extTrackingId']}")
    assert status == 200
