"""Property test: whatever a client sends to the Open API or oauth.mtt.ru, the answer is the
documented error format with a 4xx (or a success), never a 500 or a traceback; and every answer
matches the contract."""
import asyncio
import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from simulator.testing import SimulatorHarness
from simulator.testing.contracts import check_contracts

from .conftest import CLIENT, SECRET, SLUG, TOKEN

API = [("POST", "/setParkingNumbers"), ("POST", "/makeCall"), ("POST", "/terminateCall"),
       ("POST", "/transferCall"), ("GET", "/externalNumbersInfo"), ("GET", "/terminalsinfo")]
KEYS = ["params", "numbers", "isParking", "calleid", " calleid ", "calleeId", "callerId", "call", "id", "tag",
        "transportId"]
WORDS = ["883140582526566", "883140582526570", "880023213", "74996497803", "10.133.51.137:5070", "", "~1o",
         "\x00", "x" * 70, "+79219462761", "0079581234567"]
scalars = (st.none() | st.booleans() | st.sampled_from(WORDS) | st.text(max_size=6)
           | st.integers(min_value=-2**70, max_value=2**70) | st.floats(allow_nan=True, allow_infinity=True))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=3),
                      max_leaves=10)
bodies = (values.map(lambda v: json.dumps({"params": v})) | values.map(json.dumps)
          | st.binary(max_size=24).map(lambda b: b.decode("latin-1")))
FORM_KEYS = ["grant_type", "client_id", "client_secret", "code", "redirect_uri", "scope", "refresh_token",
             "response_type", "state", "login", "password"]
FORM_WORDS = ["authorization_code", "refresh_token", "code", CLIENT, SECRET, "Yzk5ZDczMzRINDEwY",
              "http://localhost:9090/callback", "https://mtt.ru/auth.tokens.readwrite", "romashka", "", "%", "\x00"]
forms = st.dictionaries(st.sampled_from(FORM_KEYS), st.sampled_from(FORM_WORDS) | st.text(max_size=8), max_size=6)


@pytest.fixture(scope="module")
def live():
    loop = asyncio.new_event_loop()
    harness = loop.run_until_complete(SimulatorHarness(
        patch={"providers": {SLUG: {"settings": {"rps_limit": 10 ** 6}}}}).start())
    yield loop, harness
    loop.run_until_complete(harness.stop())
    loop.close()


async def _send(harness, method, path, **kw):
    async with harness.request(method, harness.url(SLUG, path), allow_redirects=False, **kw) as resp:
        return resp.status, resp.headers.get("Content-Type", ""), await resp.read()


def _check(harness, status, content_type, raw):
    assert status < 500, raw
    if content_type.startswith("application/json"):
        body = json.loads(raw)
        if status >= 400:
            assert ("error" in body) and (body.get("success") == 0 or isinstance(body["error"], str))
    check_contracts(harness)   # the module's harness: the autouse check does not see it
    harness.sim.journal.clear()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(API), body=bodies, auth=st.sampled_from([TOKEN, "nope", ""]))
def test_api_methods_never_fail(live, route, body, auth):
    loop, harness = live
    method, path = route
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {auth}"}
    status, ctype, raw = loop.run_until_complete(_send(harness, method, path, headers=headers,
                                                       data=body.encode("utf-8", "surrogatepass")))
    loop.run_until_complete(harness.advance(200))   # let started calls run their course
    _check(harness, status, ctype, raw)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["/oauth/token", "/oauth/authorize"]), form=forms, in_query=st.booleans(),
       method=st.sampled_from(["GET", "POST"]))
def test_oauth_endpoints_never_fail(live, path, form, in_query, method):
    loop, harness = live
    kw = {"params": form} if in_query or method == "GET" else {"data": form}
    status, ctype, raw = loop.run_until_complete(_send(harness, method, path, **kw))
    _check(harness, status, ctype, raw)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(action=st.sampled_from(["authorization-code", "token", "nope"]), body=bodies)
def test_control_actions_answer_json_errors(live, action, body):
    loop, harness = live

    async def send():
        async with harness.request("POST", f"/_sim/providers/{SLUG}/actions/{action}",
                                   data=body.encode("utf-8", "surrogatepass")) as resp:
            return resp.status, await resp.json()
    status, answer = loop.run_until_complete(send())
    assert status in (200, 400, 404, 422), answer
    assert (status == 200) != ("error" in answer)
