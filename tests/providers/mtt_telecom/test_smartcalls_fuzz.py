"""Random smart-call requests always get one of the documented answers."""
import json

from hypothesis import HealthCheck, given, settings, strategies as st

from .rest_client import SB, send

scalars = st.none() | st.booleans() | st.integers(-10, 10**12) | st.floats(allow_nan=False, allow_infinity=False) \
    | st.text(max_size=15) | st.sampled_from(["79580000000", "79581000000", "74996489150", "79103880489", "ru-RU",
                                             "tr-TR", "oksana", "good", "https://domain.ru/e", "notify", "transfer"])
dtmf = st.lists(st.dictionaries(st.sampled_from(["dtmf_id", "type", "value"]), scalars, max_size=3), max_size=3)
data = st.dictionaries(st.sampled_from(["messId", "sip_id", "a_number", "b_number", "messText", "langCode", "lang_code",
                                        "voice_name", "emotion", "speed_speech"]), scalars, max_size=10)


@st.composite
def requests(draw):
    body = {"method": draw(st.sampled_from(["metod", "ivr-api", "other"]) | scalars), "data": draw(data | scalars)}
    if isinstance(body["data"], dict) and draw(st.booleans()):
        body["data"]["dtmf"] = draw(dtmf | scalars)
    return body


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=requests())
async def test_random_requests(simulator, body):
    status, answer = await send(simulator, "POST", "/v1/sb", auth=SB, data=json.dumps(body),
                                headers={"Content-Type": "application/json"})
    assert status in (200, 403), answer
    if status == 403:
        assert answer == {"message": "access forbidden"}
    else:
        assert answer["result"]["success"] in (0, 1) and "id" in answer
        if answer["result"]["success"] == 0:
            assert isinstance(answer["result"]["error"], str)
    await simulator.advance(120)
    simulator.sim.journal.clear()
