"""Property test: whatever body a /_sim route gets, it answers JSON, and a 4xx for bad input;
never a 500 or a traceback."""
import asyncio
import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from simulator.testing import SimulatorHarness

ROUTES = [("POST", "/_sim/clock"), ("POST", "/_sim/calls"), ("PATCH", "/_sim/world"),
          ("POST", "/_sim/faults"), ("GET", "/_sim/journal"), ("GET", "/_sim/calls/{id}"),
          ("POST", "/_sim/calls/{id}/hangup"), ("DELETE", "/_sim/faults/{id}"),
          ("GET", "/_sim/providers/{id}"), ("GET", "/_sim/recordings/{id}.wav")]

KEYS = ["advance", "speed", "mode", "provider", "from", "to", "direction", "tenant", "caller",
        "script", "record", "timeout", "meta", "action", "delay", "status", "body", "headers",
        "content_type", "native", "times", "probability", "method", "path", "seed", "name",
        "clock", "callbacks", "parties", "providers", "answer_after", "busy", "dtmf", "hold"]
WORDS = ["manual", "real", "accelerated", "mts-vpbx", "mtt-telecom", "beeline-cloudcc",
         "mts-autosecretary", "mtt-business", "+74950000001", "respond", "delay", "native", "drop",
         "inbound", "outbound", "", "*", "503", "\x00", "../.."]
scalars = (st.none() | st.booleans() | st.sampled_from(WORDS) | st.text(max_size=8)
           | st.integers(min_value=-2**70, max_value=2**70)
           | st.floats(allow_nan=True, allow_infinity=True))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=3),
                      max_leaves=8)
numbers = st.sampled_from(WORDS) | st.text(max_size=12) | st.from_regex(r"\+?[78]?[0-9]{4,11}", fullmatch=True)
calls = st.fixed_dictionaries(
    {"provider": st.sampled_from(WORDS[3:8]), "from": numbers, "to": numbers},
    optional={"direction": st.sampled_from(["inbound", "outbound", "internal"]), "tenant": numbers,
              "record": st.booleans(), "timeout": st.floats(min_value=0.1, max_value=1e6),
              "script": st.dictionaries(numbers, st.fixed_dictionaries({}, optional={
                  "answer_after": st.floats(0, 100), "busy": st.booleans(), "dtmf": st.sampled_from(["1", "#"]),
                  "hangup_after": st.floats(1, 100)}), max_size=2)})
bodies = (st.dictionaries(st.sampled_from(KEYS), values, max_size=5).map(json.dumps) | calls.map(json.dumps)
          | values.map(json.dumps) | st.binary(max_size=20).map(lambda b: b.decode("latin-1")))
ids = st.sampled_from(["call-000001", "1", "-1", "99999999999999999999999", "%00", "x" * 300, "rec-000001"])
queries = st.dictionaries(st.sampled_from(["provider", "direction", "kind", "since", "limit", "tenant"]),
                          st.sampled_from(["", "-1", "0", "in", "x", "1e9", "99999999999999999999"]),
                          max_size=3)


@pytest.fixture(scope="module")
def live():
    """One simulator for all examples, on its own event loop."""
    loop = asyncio.new_event_loop()
    harness = loop.run_until_complete(SimulatorHarness().start())
    yield loop, harness
    loop.run_until_complete(harness.stop())
    loop.close()


async def _send(harness, method, path, body, query):
    async with harness.request(method, path, data=body.encode("utf-8", "surrogatepass"), params=query,
                               headers={"Content-Type": "application/json"}) as resp:
        return resp.status, resp.headers.get("Content-Type", ""), await resp.read()


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(ROUTES), body=bodies, ident=ids, query=queries)
def test_control_api_answers_json_and_never_fails(live, route, body, ident, query):
    loop, harness = live
    method, path = route
    status, content_type, text = loop.run_until_complete(
        _send(harness, method, path.replace("{id}", ident), body, query if method == "GET" else {}))
    loop.run_until_complete(harness.advance(120))  # let started calls run their course
    assert status < 500, text
    if status >= 400:
        assert content_type.startswith("application/json") and json.loads(text)["error"]
    elif content_type.startswith("application/json"):
        json.loads(text)
    # keep the shared simulator on the manual clock with no faults for the next example
    harness.sim.clock.set_mode("manual")
    harness.sim.faults.clear()
