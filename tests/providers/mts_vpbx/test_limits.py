"""Issue 14 findings on the portal: large valid bodies, ASCII-only numbers, 405 Allow,
server and OpenAPI in agreement, the cost of an advance (stalled receiver, CHECK_ALIVE)."""
import asyncio
import time

import pytest

from simulator.providers.mts_vpbx.validators import MAX_SCHEDULE_RULES
from simulator.world.models import CallbackSettings

from .helpers import OPENAPI

RULE = {"startTime": "08:00", "endTime": "18:00", "allDayEvent": False, "monday": True}


@pytest.mark.parametrize("field,rule", [("workDaysRules", RULE), ("holidaysRules", {"startDate": "01-01-2027"}),
                                        ("excludedDaysRules", {"startDate": "02-01-2027"})])
async def test_a_schedule_of_many_rules_is_refused_before_parsing(simulator, api, field, rule):
    body = {"name": "huge", field: [rule] * 1_000}
    status, err = await api("POST", "/api/schedules/abonent/1735", json=body)
    assert status == 400 and f"at most {MAX_SCHEDULE_RULES}" in err["message"]
    status, _ = await api("POST", "/api/schedules/abonent/1735",
                          json={"name": "full", field: [rule] * MAX_SCHEDULE_RULES})
    assert status == 200


@pytest.mark.parametrize("path", ["/api/findMe/1_735", "/api/findMe/%D9%A1", "/api/findMe/%EF%BC%91",
                                  "/api/findMe/%201735", "/api/findMe/1735%20"])
async def test_ids_are_ascii_digits_only(simulator, api, path):
    status, err = await api("GET", path)
    assert status == 400 and "required type 'long'" in err["message"]


async def test_json_numbers_in_strings_are_ascii_digits_only(simulator, api):
    for bad in ("1_735", " 1735", "١٧٣٥"):
        status, err = await api("POST", "/api/subscription", json={"abonentId": bad})
        assert status == 400, bad
    status, _ = await api("POST", "/api/subscription", json={"abonentId": "1735"})
    assert status == 200
    status, _ = await api("GET", "/api/v1/callHistory/enterprise", params={"dateFrom": "١٧٠٠٠٠٠٠٠٠٠٠٠"})
    assert status == 400


async def test_405_names_the_allowed_methods(simulator, api):
    async with simulator.request("PATCH", simulator.url("mts-vpbx", "/api/abonents"),
                                 headers={"X-AUTH-TOKEN": "x"}) as resp:
        assert resp.status == 405 and set(resp.headers["Allow"].split(",")) >= {"GET"}
        assert (await resp.json())["message"] == "Request method 'PATCH' not supported"


def _schema(name):
    return OPENAPI.document["components"]["schemas"][name]


def test_the_openapi_requires_what_the_server_requires():
    assert _schema("ServiceActivation")["required"] == ["callbackUrl"]                # 4.2
    assert _schema("ServiceActivationApiCrm")["required"] == ["callbackUrl", "clientApiKey"]  # 4.1
    assert _schema("ScheduleUpdate")["required"] == ["recordId", "name"]              # 4.12.4/5
    assert _schema("ScheduleIn")["properties"]["workDaysRules"]["maxItems"] == MAX_SCHEDULE_RULES
    history = OPENAPI.document["paths"]["/api/v1/callHistory/enterprise"]["get"]["parameters"]
    params = {p["name"]: p["schema"] for p in history}
    assert "" in params["status"]["enum"] and "minimum" not in params["size"]


@pytest.mark.parametrize("query,status", [({"size": "0"}, 200), ({"status": ""}, 200), ({"direction": ""}, 200),
                                          ({"status": "SOMETIMES"}, 400), ({"page": "-1"}, 200)])
async def test_history_parameters_as_the_openapi_says(simulator, api, query, status):
    got, body = await api("GET", "/api/v1/callHistory/enterprise", params=query)
    assert got == status
    if status == 200:
        assert "content" in body


@pytest.mark.parametrize("body", [{}, {"callbackUrl": None, "clientApiKey": "1"}, {"callbackUrl": "x", "clientApiKey": "1"}])
async def test_activation_without_a_callback_url_is_refused(simulator, api, body):
    assert (await api("POST", "/api/service/apicrm", json=body))[0] == 400


def test_the_attempt_timeout_is_small_on_a_manual_or_advancing_clock():
    default = CallbackSettings()
    assert default.attempt_timeout("manual", False) == 1.0
    assert default.attempt_timeout("real", True) == 1.0
    assert default.attempt_timeout("accelerated", False) == 5.0
    assert CallbackSettings(timeout=0.2).attempt_timeout("real", False) == 0.2


async def test_an_advance_past_a_stalled_receiver_costs_its_attempts_times_the_timeout(simulator, api, callback_sink):
    release = asyncio.Event()

    async def stall(request):
        await release.wait()
        return 200, b""

    callback_sink.respond("/stall", handler=stall)
    simulator.patch_world({"callbacks": {"timeout": 0.05}})
    try:
        status, _ = await api("POST", "/api/service/webhook", json={"callbackUrl": callback_sink.url("/stall")})
        assert status == 200
        started = time.perf_counter()
        await simulator.advance(3600)
        elapsed = time.perf_counter() - started
        attempts = simulator.journal(provider="mts-vpbx", direction="out", operation="CHECK_ALIVE")
        assert attempts and all(e["error"] == "timeout" for e in attempts)
        assert len(attempts) <= 3   # 4.3: three failed attempts 5 minutes apart switch the service off
        assert elapsed < len(attempts) * 0.05 + 1.0
    finally:
        release.set()


async def test_check_alive_checks_an_advance_jumps_over_are_coalesced(simulator, api, callback_sink):
    status, _ = await api("POST", "/api/service/webhook", json={"callbackUrl": callback_sink.url("/wh")})
    assert status == 200
    await simulator.settle()
    await simulator.advance(30 * 86400)
    checks = [r for r in callback_sink.received("/wh") if r.json()["eventType"] == "CHECK_ALIVE"]
    # at activation, the first check due in the advance, and the last one before it ends (not 721)
    assert len(checks) == 3
    await simulator.advance(3600)
    await simulator.advance(3600)
    checks = [r for r in callback_sink.received("/wh") if r.json()["eventType"] == "CHECK_ALIVE"]
    assert len(checks) == 5  # a step of one period each: every check is sent


def test_the_count_comes_before_the_rules_are_validated():
    from pydantic import ValidationError

    from simulator.providers.mts_vpbx.models import ScheduleIn
    started = time.perf_counter()
    with pytest.raises(ValidationError):
        ScheduleIn.model_validate({"name": "x", "workDaysRules": [RULE] * 100_000})
    assert time.perf_counter() - started < 0.5  # validating them all takes seconds
