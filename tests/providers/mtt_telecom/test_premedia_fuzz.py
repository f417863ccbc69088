"""Random parameters for every gapi.mtt.ru method (premedia, addNumbers, GBL) get a JSON-RPC
answer with a documented code, never an internal error; random client answers to
getControlCallFollowMe are either usable or refused with ValueError."""
import json

from hypothesis import HealthCheck, given, settings, strategies as st

from simulator.providers.mtt_telecom.callcontrol import parse_answer
from simulator.providers.mtt_telecom.catalogue import ENDPOINTS

from .rest_client import GAPI, basic

METHODS = next(e for e in ENDPOINTS if e.path == "/v1/api").methods
values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.text(max_size=12) | st.sampled_from(
        ["110000777", "74951348579", "116.mp3", "TTS_116.mp3", "A", "B", "MOW", "495", "79266966166", "Order",
         "aGVsbG8=", "file", "text"]),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(
        st.sampled_from(["redirect_number", "timeout", "active", "follow_order", "name"]), c, max_size=4),
    max_leaves=10)


@st.composite
def calls(draw):
    method = METHODS.get(draw(st.sampled_from(METHODS.names)))
    names = [p.name for p in method.params]
    params = {n: draw(values) for n in names if draw(st.booleans())}
    return {"jsonrpc": "2.0", "method": method.name, "params": params, "id": draw(st.integers(0, 99))}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=calls())
async def test_random_params(simulator, body):
    async with simulator.request("POST", simulator.url("mtt-telecom", "/v1/api"), data=json.dumps(body),
                                 headers=basic(*GAPI)) as r:
        assert r.status in (200, 404), await r.text()
        answer = await r.json()
    assert answer["id"] == body["id"]
    assert "result" in answer or answer["error"]["code"] in (-32001, -32002, -32601, -32602, -32603), answer
    simulator.sim.journal.clear()


answers = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 700) | st.text(max_size=8) | st.sampled_from(
        ["Y", "N", "always", "79684881033", "w1W2#"]),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.sampled_from(
        ["redirect_type", "followme_struct", "ACTIVE", "REDIRECT_NUMBER", "TIMEOUT", "DTMF", "PERIOD", "masking",
         "answer", "event_URL", "event_extended", "client_id", "file_to_A"]), c, max_size=5), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(answers)
def test_client_answers_are_usable_or_refused(result):
    try:
        answer = parse_answer(result)
    except ValueError:
        return
    assert answer.redirect_type in (1, 2, 3)
