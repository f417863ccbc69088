"""Bad input to the SMS API always gets the documented error envelope, never a 500."""
import json

from hypothesis import HealthCheck, given, settings, strategies as st

from .rest_client import SMS_SID, SMS_TOKEN, send

BASE = f"/v2/accounts/{SMS_SID}"
AUTH = (SMS_SID, SMS_TOKEN)
scalars = st.none() | st.booleans() | st.integers(-10**6, 10**12) | st.text(max_size=20) | st.sampled_from(
    ["79587625004", "35800445016", "79587643270", ""])
bodies = st.dictionaries(st.sampled_from(["from", "to", "text", "tag", "x"]), scalars | st.lists(scalars, max_size=2),
                         max_size=5) | st.lists(scalars, max_size=2) | scalars


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
async def test_random_send_bodies(simulator, body):
    status, answer = await send(simulator, "POST", BASE + "/messages", auth=AUTH, data=json.dumps(body),
                                headers={"Content-Type": "application/json"})
    assert status in (201, 400), answer
    assert answer["status_code"] == status
    simulator.sim.journal.clear()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.dictionaries(st.sampled_from(["limit", "offset", "status", "direction", "number", "number_sid",
                                             "message_sid", "external_number"]),
                             st.text(alphabet="0123456789-+abcdx", max_size=8), max_size=4))
async def test_random_history_queries(simulator, query):
    status, answer = await send(simulator, "GET", BASE + "/messages", auth=AUTH, params=query)
    assert status in (200, 400), answer
    if status == 200:
        assert len(answer["messages"]) <= answer["limit"] <= 20
    simulator.sim.journal.clear()
