"""Every REST route with good and bad input, against the in-process simulator."""
import copy

import pytest

from .data import DN_EXAMPLE, UN_EXAMPLE
from .helpers import OTHER, USER, basic, call

UN_PATH = "/api/v1/un"


def error(payload, status):
    assert payload["status_code"] == status
    assert payload["value"] is None
    assert payload["status_msg"] and payload["status_msg"] != "OK"
    return payload["status_msg"]


# ------------------------------------------------------------------ auth

BAD_AUTH = [
    {},
    basic("user", "wrong"),
    basic("nobody", "password"),
    {"Authorization": "Basic %%%"},
    {"Authorization": "Bearer abc def"},
    {"Authorization": "Api-Key wrong"},
]


async def test_unauthorized(simulator):
    for headers in BAD_AUTH:
        for method, path in (("GET", UN_PATH), ("PUT", UN_PATH), ("GET", "/api/v1/cdr/byid?phone=4954071111")):
            status, payload, _, resp_headers = await call(simulator, method, path, headers)
            assert status == 401, (headers, path)
            error(payload, 401)
            assert resp_headers["WWW-Authenticate"] == 'Basic realm="aa.mts.ru"'
            assert list(payload) == ["status_code", "status_msg", "value"]


async def test_api_key(simulator):
    for header in ("Api-Key aa-5f0c2b7e9d4a4c1b8e6f3a2d1c0b9a87", "Api-key aa-5f0c2b7e9d4a4c1b8e6f3a2d1c0b9a87",
                   "aa-5f0c2b7e9d4a4c1b8e6f3a2d1c0b9a87"):
        status, payload, _, _ = await call(simulator, "GET", UN_PATH, {"Authorization": header})
        assert status == 200 and payload["value"] == ["4954071111", "9854071111", "9854079998"], header


# ------------------------------------------------------------------ GET un

async def test_list(simulator):
    status, payload, text, headers = await call(simulator, "GET", UN_PATH)
    assert status == 200
    assert payload == {"status_code": 200, "status_msg": "OK", "value": ["4954071111", "9854071111", "9854079998"]}
    assert headers["Content-Type"].startswith("application/json")
    status, payload, _, _ = await call(simulator, "GET", UN_PATH, OTHER)
    assert payload["value"] == ["4954072222"]


async def test_get_document_example(simulator):
    status, payload, text, _ = await call(simulator, "GET", UN_PATH + "?phone=4954071111")
    assert status == 200
    assert list(payload) == ["status_code", "status_msg", "value"]
    expected = copy.deepcopy(UN_EXAMPLE)
    expected["dn_list"] = [dict(DN_EXAMPLE, ext=None)]
    assert payload["value"] == expected
    assert list(payload["value"]) == list(expected)  # the document's field order
    assert list(payload["value"]["dn_list"][0]) == ["begin", "channels", "day", "end", "ext", "locked", "phone",
                                                    "priority", "record"]


async def test_get_accepts_eleven_digits(simulator):
    for phone in ("74954071111", "84954071111", "%2B74954071111"):
        status, payload, _, _ = await call(simulator, "GET", f"{UN_PATH}?phone={phone}")
        assert status == 200 and payload["value"]["phone"] == "4954071111", phone


async def test_get_foreign_and_unknown_un(simulator):
    for phone in ("4954072222", "4950000000"):
        status, payload, text, _ = await call(simulator, "GET", f"{UN_PATH}?phone={phone}")
        assert status == 403
        assert error(payload, 403) == f"UN {phone} is not available for management via API"
        assert "89161000299" not in text
    status, payload, _, _ = await call(simulator, "GET", f"{UN_PATH}?phone=4954072222", OTHER)
    assert status == 200


async def test_get_bad_phone(simulator):
    for query in ("phone=", "phone=123", "phone=abcdefghij", "phone=495407111122"):
        status, payload, _, _ = await call(simulator, "GET", f"{UN_PATH}?{query}")
        assert status == 400, query
        assert "phone" in error(payload, 400)


# ------------------------------------------------------------------ PUT un

async def test_put_document_example(simulator):
    body = {"phone": "4954071111", "dn_list": [
        dict(DN_EXAMPLE),
        {"phone": "89161000240", "priority": 1, "channels": 2, "day": 1, "begin": "09:00:00", "end": "18:00:00"},
    ]}
    status, payload, _, _ = await call(simulator, "PUT", UN_PATH, body=body)
    assert status == 200, payload
    value = payload["value"]
    assert [dn["phone"] for dn in value["dn_list"]] == ["89161000232", "89161000240"]
    assert value["dn_list"][1] == {"begin": "09:00:00", "channels": 2, "day": 1, "end": "18:00:00", "ext": None,
                                   "locked": False, "phone": "89161000240", "priority": 1, "record": False}
    assert value["updated_by"] == "user"
    assert value["updated_on"] == "2026-11-23T09:00:00"  # simulated Moscow time, document form
    assert value["description"] == "test"  # not given: kept
    status, again, _, _ = await call(simulator, "GET", UN_PATH + "?phone=4954071111")
    assert again["value"] == value


async def test_put_partial_keeps_dn_list(simulator):
    status, payload, _, _ = await call(simulator, "PUT", UN_PATH, body={"phone": "74954071111", "say_ani": True,
                                                                      "description": "новое описание"})
    assert status == 200
    assert payload["value"]["say_ani"] is True
    assert payload["value"]["description"] == "новое описание"
    assert payload["value"]["dn_list"][0]["phone"] == "89161000232"


async def test_put_updated_on_moves_with_the_clock(simulator):
    await simulator.advance(3600 * 5 + 7)
    _, payload, _, _ = await call(simulator, "PUT", UN_PATH, headers={"Authorization": "Api-Key aa-5f0c2b7e9d4a4c1b8e6f3a2d1c0b9a87"},
                                  body={"phone": "9854071111", "need_advert": True})
    assert payload["value"]["updated_on"] == "2026-11-23T14:00:07"


PUT_ERRORS = [
    ({"dn_list": []}, "Field 'phone' is required"),
    ({"phone": "4954071111", "dn_list": [dict(DN_EXAMPLE, begin="25:00:00")]}, "dn_list[0].begin"),
    ({"phone": "4954071111", "dn_list": [dict(DN_EXAMPLE, begin="18:00:00", end="09:00:00")]}, "must be earlier than end"),
    ({"phone": "4954071111", "dn_list": [dict(DN_EXAMPLE, day=9)]}, "dn_list[0].day"),
    ({"phone": "4954071111", "dn_list": [dict(DN_EXAMPLE, channels=0)]}, "dn_list[0].channels"),
    ({"phone": "4954071111", "dn_list": [dict(DN_EXAMPLE, priority=-1)]}, "priority -1 is only for short numbers"),
    ({"phone": "4954071111", "dn_list": [dict(DN_EXAMPLE, ext="12", priority=3)]}, "must be -1"),
    ({"phone": "4954071111", "dn_list": [dict(DN_EXAMPLE, locked="no")]}, "must be true or false"),
    ({"phone": "4954071111", "conf_email": "nope"}, "conf_email"),
    ({"phone": "4954071111", "enabled": "yes"}, "enabled"),
    ({"phone": "4954071111", "make_call_time": 1}, "make_call_time"),
    ({"phone": "4954071111", "time_zone": 12}, "time_zone"),
    ({"phone": "4954071111", "dn_list": "89161000232"}, "dn_list"),
    ({"phone": "123"}, "Invalid phone"),
]


async def test_put_validation(simulator):
    _, before, _, _ = await call(simulator, "GET", UN_PATH + "?phone=4954071111")
    for body, fragment in PUT_ERRORS:
        status, payload, _, _ = await call(simulator, "PUT", UN_PATH, body=body)
        assert status == 400, body
        assert fragment in error(payload, 400), (fragment, payload)
        _, after, _, _ = await call(simulator, "GET", UN_PATH + "?phone=4954071111")
        assert after == before  # nothing applied


async def test_put_bad_body(simulator):
    for raw in (b"{not json", b"", b"[1,2]", b"null", "\xff".encode("latin-1"), b"[" * 100000):
        status, payload, _, _ = await call(simulator, "PUT", UN_PATH, raw=raw,
                                           headers={**USER, "Content-Type": "application/json"})
        assert status == 400, raw
        error(payload, 400)


@pytest.mark.parametrize("description,says", [(b"\\ud800", "surrogate"), (b"\xed\xa0\x80", "utf-8")],
                         ids=["escaped", "cesu-8"])
async def test_put_unpaired_surrogate_is_refused_and_nothing_stored(simulator, description, says):
    status, payload, _, _ = await call(simulator, "PUT", UN_PATH,
                                       raw=b'{"phone": "4954071111", "description": "' + description + b'"}',
                                       headers={**USER, "Content-Type": "application/json"})
    assert status == 400 and says in error(payload, 400).lower()
    status, payload, _, _ = await call(simulator, "GET", UN_PATH + "?phone=4954071111")
    assert status == 200 and payload["value"]["description"] == "test"


async def test_put_foreign_un(simulator):
    status, payload, _, _ = await call(simulator, "PUT", UN_PATH, body={"phone": "4954072222", "enabled": False})
    assert status == 403
    _, theirs, _, _ = await call(simulator, "GET", UN_PATH + "?phone=4954072222", OTHER)
    assert theirs["value"]["enabled"] is True


# ------------------------------------------------------------------ routing details

async def test_unknown_path_and_method(simulator):
    status, payload, _, _ = await call(simulator, "GET", "/api/v1/nothing")
    assert status == 404 and error(payload, 404) == "Endpoint not found: /api/v1/nothing"  # no simulator prefix
    status, payload, _, headers = await call(simulator, "DELETE", UN_PATH)
    assert status == 405 and error(payload, 405)
    assert headers["Allow"] == "GET, PUT"
    status, payload, _, _ = await call(simulator, "POST", "/api/v1/cdr/bytime?phone=4954071111")
    assert status == 405


async def test_paths_are_case_insensitive_and_host_routing(simulator):
    status, payload, _, _ = await call(simulator, "GET", "/API/V1/Un?Phone=4954071111")
    assert status == 200 and payload["value"]["phone"] == "4954071111"
    status, payload, _, _ = await call(simulator, "GET", "/api/v1/un", {**USER, "Host": "aa.mts.ru"}, full_url=True)
    assert status == 200 and payload["value"][0] == "4954071111"


async def test_injected_server_fault_uses_the_envelope(simulator):
    from simulator.faults import FaultRule
    simulator.sim.faults.add(FaultRule(provider="mts-autosecretary", action="native", native="503:Service unavailable",
                                       times=1))
    status, payload, _, _ = await call(simulator, "GET", UN_PATH)
    assert status == 503
    assert payload == {"status_code": 503, "status_msg": "Service unavailable", "value": None}
    status, payload, _, _ = await call(simulator, "GET", UN_PATH)
    assert status == 200  # the fault applied once; nothing was lost
