"""Smart calls with TTS (sb-api.mtt.ru POST /v1/sb, the account's method "metod")."""
from urllib.parse import parse_qs

import pytest

from simulator.providers.mtt_telecom.smartcall_flow import speech_seconds

from .rest_client import SB, send

B = "79101234567"
TEXT = "Информационное сообщение для Вас"


def tts(**data):
    body = {"messId": "1255490", "sip_id": "79580000000", "a_number": "79581000000", "b_number": B,
            "messText": TEXT}
    body.update(data)
    return {"method": "metod", "data": {k: v for k, v in body.items() if v is not None}}


@pytest.fixture
def events(simulator, callback_sink):
    simulator.patch_world({"providers": {"mtt-telecom": {"tenants": {"romashka": {"sb_api": {
        "event_url": callback_sink.url("/sb")}}}}}})
    return callback_sink


def party(simulator, number, **behaviour):
    simulator.patch_world({"parties": {"numbers": {"+" + number: behaviour}}})


def received(sink):
    out = []
    for r in sink.received("/sb"):
        assert r.content_type == "application/x-www-form-urlencoded"
        out.append({k: v[0] for k, v in parse_qs(r.text).items()})
    return out


async def test_answered_call_speaks_the_text(simulator, events):
    party(simulator, B, answer_after=2, hangup_after=120)
    status, body = await send(simulator, "POST", "/v1/sb", auth=SB, json=tts())
    assert status == 200 and body["result"] == {"success": 1} and body["id"] == "1255490"
    call_id = body["CallID"]
    assert len(call_id) == 16
    await simulator.advance(30)
    got = received(events)
    assert [e["event"] for e in got] == [f"o_{B}", f"h_{B}_16_{round(speech_seconds(TEXT, 1.0))}"]
    assert all(e["id"] == "1255490" and e["CallID"] == call_id for e in got)
    assert all(len(e["date_time"]) == 19 for e in got)
    # the raw body is the document's query string, in its order
    assert events.received("/sb")[0].text.startswith("date_time=")
    assert "&id=1255490&CallID=" in events.received("/sb")[0].text


async def test_slow_speech_lasts_longer(simulator, events):
    party(simulator, B, answer_after=1, hangup_after=300)
    await send(simulator, "POST", "/v1/sb", auth=SB, json=tts(speed_speech=0.5))
    await simulator.advance(60)
    assert received(events)[-1]["event"] == f"h_{B}_16_{round(speech_seconds(TEXT, 0.5))}"
    assert speech_seconds(TEXT, 0.5) == pytest.approx(2 * speech_seconds(TEXT, 1.0))


async def test_listener_hangs_up_early(simulator, events):
    party(simulator, B, answer_after=1, hangup_after=1)
    await send(simulator, "POST", "/v1/sb", auth=SB, json=tts(messText="Очень длинное сообщение " * 5))
    await simulator.advance(60)
    assert received(events)[-1]["event"] == f"h_{B}_16_1"


@pytest.mark.parametrize("behaviour,cause", [({"busy": True}, 17), ({"unavailable": True}, 20),
                                             ({"no_answer": 0}, 19)])
async def test_not_reached(simulator, events, behaviour, cause):
    party(simulator, B, **behaviour)
    status, body = await send(simulator, "POST", "/v1/sb", auth=SB, json=tts())
    assert body["result"]["success"] == 1
    await simulator.advance(60)
    assert [e["event"] for e in received(events)] == [f"o_{B}", f"h_{B}_{cause}_0"]


async def test_defaults_and_a_number(simulator, events):
    party(simulator, B, answer_after=1, hangup_after=60)
    status, body = await send(simulator, "POST", "/v1/sb", auth=SB, json=tts(a_number=None))
    assert body["result"]["success"] == 1
    await simulator.settle()
    call = [c for c in simulator.engine.calls.values() if c.provider == "mtt-telecom"][0]
    assert call.from_ == "79580000000"  # a_number defaults to sip_id


@pytest.mark.parametrize("data,error", [
    ({"b_number": "7910000000"}, "\"b_number\" should be in e164 format"),
    ({"b_number": "+79101234567"}, "\"b_number\" should be in e164 format"),
    ({"a_number": "7958100000"}, "\"a_number\" should be in e164 format"),
    ({"a_number": "79990000000"}, "\"a_number\" is not allowed"),
    ({"sip_id": "74996489151"}, "Forbidden"),
    ({"messText": ""}, "\"messText\" not found in request body"),
    ({"langCode": "tr-TR"}, "\"langCode\" value is not allowed"),
    ({"voice_name": "alice"}, "\"voice_name\" value is not allowed"),
    ({"emotion": "happy"}, "\"emotion\" value is not allowed"),
    ({"speed_speech": 3.5}, "\"speed_speech\" should be a number from 0.1 to 3.0"),
    ({"speed_speech": "fast"}, "\"speed_speech\" should be a number from 0.1 to 3.0"),
])
async def test_documented_failures(simulator, data, error):
    status, body = await send(simulator, "POST", "/v1/sb", auth=SB, json=tts(**data))
    assert status == 200
    assert body["result"] == {"success": 0, "error": error}
    assert body["id"] == "1255490" and len(body["CallID"]) == 16


async def test_no_mess_id_gets_a_generated_id_and_no_call_id(simulator):
    status, body = await send(simulator, "POST", "/v1/sb", auth=SB, json=tts(messId=None))
    assert body["result"] == {"success": 0, "error": "\"messId\" not found in request body"}
    assert "CallID" not in body and len(body["id"]) == 16


async def test_wrong_method_and_credentials(simulator):
    status, body = await send(simulator, "POST", "/v1/sb", auth=SB, json={**tts(), "method": "other"})
    assert status == 403 and body == {"message": "access forbidden"}
    status, body = await send(simulator, "POST", "/v1/sb", auth=("romashka-sb", "nope"), json=tts())
    assert status == 401 and body == {"message": "access forbidden"}
    status, body = await send(simulator, "POST", "/v1/sb", auth=SB, data=b"not json")
    assert status == 200 and body["result"]["success"] == 0


async def test_via_the_real_host(simulator, events):
    status, body = await send(simulator, "POST", "/v1/sb", auth=SB, host="sb-api.mtt.ru", json=tts())
    assert status == 200 and body["result"]["success"] == 1


async def test_wrong_http_method(simulator):
    status, body = await send(simulator, "GET", "/v1/sb", auth=SB)
    assert status == 405 and set(body) == {"message"}


async def test_deeply_nested_body(simulator):
    status, body = await send(simulator, "POST", "/v1/sb", auth=SB, data=b"[" * 100000 + b"]" * 100000,
                              headers={"Content-Type": "application/json"})
    assert status == 200 and body["result"]["success"] == 0
