"""Smart calls with IVR (method "ivr-api"): the key the subscriber presses transfers the call
or notifies the client; events are JSON."""
from pathlib import Path

import pytest

from simulator.scenario import run_scenario_file

from .rest_client import SB, send

B = "79103880489"
OPERATOR = "74997090111"
TEXT = "Здравствуйте, нажмите 1 если готовы к самовывозу, 2 нужна доставка, 3 оператор"
SCENARIO = Path(__file__).resolve().parents[3] / "scenarios" / "mtt-telecom" / "ivr-transfer-section-3.yaml"


@pytest.fixture
def sink(simulator, callback_sink):
    simulator.patch_world({"providers": {"mtt-telecom": {"tenants": {"romashka": {"sb_api": {
        "event_url": callback_sink.url("/events")}}}}}})
    return callback_sink


def ivr(sink, *, dtmf_beside=False, **data):
    actions = [{"dtmf_id": "1", "type": "notify", "value": sink.url("/notify")},
               {"dtmf_id": "2", "type": "notify", "value": sink.url("/notify2")},
               {"dtmf_id": "3", "type": "transfer", "value": OPERATOR}]
    body = {"messId": "12345678", "sip_id": "74996489150", "a_number": "74996489150", "b_number": B,
            "messText": TEXT, "lang_code": "ru-RU", "voice_name": "oksana", "emotion": "neutral", "speed_speech": 1}
    body.update(data)
    body = {k: v for k, v in body.items() if v is not None}
    if dtmf_beside:
        return {"method": "ivr-api", "data": body, "dtmf": actions}
    return {"method": "ivr-api", "data": {**body, "dtmf": actions}}


def subscriber(simulator, **behaviour):
    simulator.patch_world({"parties": {"numbers": {"+" + B: behaviour}}})


def events(sink, path="/events"):
    out = []
    for r in sink.received(path):
        assert r.content_type.startswith("application/json")
        out.append(r.json())
    return out


async def test_transfer_to_the_operator(simulator, sink):
    subscriber(simulator, answer_after=2, dtmf=[{"at": 3, "digits": "3"}], hangup_after=600)
    status, body = await send(simulator, "POST", "/v1/sb", auth=SB, json=ivr(sink))
    assert body["result"] == {"success": 1} and body["id"] == "12345678"
    await simulator.advance(120)
    got = events(sink)
    assert [(e["event"], e.get("dtmf"), e.get("type")) for e in got] == [
        (f"o_{B}", None, None), (f"o_{OPERATOR}", "3", "transfer"), (f"h_{OPERATOR}_16_30", "3", "transfer"),
        (got[-1]["event"], None, None)]
    # the whole call: the text, the ringing operator (5 s) and the 30 s conversation
    total = int(got[-1]["event"].rsplit("_", 1)[1])
    assert got[-1]["event"].startswith(f"h_{B}_16_") and total >= 35
    assert all(e["CallID"] == body["CallID"] and e["id"] == "12345678" for e in got)


async def test_notify_then_goodbye(simulator, sink):
    subscriber(simulator, answer_after=1, dtmf="1", hangup_after=600)
    status, body = await send(simulator, "POST", "/v1/sb", auth=SB, json=ivr(sink))
    await simulator.advance(120)
    notes = events(sink, "/notify")
    assert len(notes) == 1
    assert {k: notes[0][k] for k in ("id", "CallID", "dtmf", "type", "event")} == {
        "id": "12345678", "CallID": body["CallID"], "dtmf": "1", "type": "notify", "event": f"n_{B}"}
    assert not sink.received("/notify2")
    assert [e["event"].split("_")[0] for e in events(sink)] == ["o", "h"]
    # the goodbye phrase was spoken after the notification
    call = next(iter(simulator.engine.finished.values()))
    spoken = [e.get("text") for e in call.timeline if e["event"] == "prompt.started"]
    assert spoken == [TEXT, "Спасибо за Ваш выбор, до свидания!"]


async def test_no_choice_notifies_null(simulator, sink):
    subscriber(simulator, answer_after=1, hangup_after=600)
    await send(simulator, "POST", "/v1/sb", auth=SB, json=ivr(sink, dtmf_beside=True))
    await simulator.advance(120)
    for path in ("/notify", "/notify2"):
        (note,) = events(sink, path)
        assert note["dtmf"] == "null" and note["type"] == "notify" and note["event"] == f"n_{B}"
    assert [e["event"].split("_")[0] for e in events(sink)] == ["o", "h"]


async def test_transfer_target_busy(simulator, sink):
    subscriber(simulator, answer_after=1, dtmf="3", hangup_after=600)
    simulator.patch_world({"providers": {"mtt-telecom": {"tenants": {"romashka": {"employees": {
        OPERATOR: {"name": "Оператор", "party": {"busy": True}}}}}}}})
    await send(simulator, "POST", "/v1/sb", auth=SB, json=ivr(sink))
    await simulator.advance(120)
    assert [e["event"] for e in events(sink)][1:3] == [f"o_{OPERATOR}", f"h_{OPERATOR}_17_0"]


async def test_turkish_is_an_ivr_language(simulator, sink):
    status, body = await send(simulator, "POST", "/v1/sb", auth=SB, json=ivr(sink, lang_code=None, langCode="tr-TR"))
    assert body["result"] == {"success": 1}


@pytest.mark.parametrize("change,error", [
    ({"a_number": None}, "\"a_number\" not found in request body"),
    ({"b_number": "7910388048"}, "\"b_number\" should be in e164 format"),
])
async def test_ivr_failures(simulator, sink, change, error):
    status, body = await send(simulator, "POST", "/v1/sb", auth=SB, json=ivr(sink, **change))
    assert body["result"] == {"success": 0, "error": error}


@pytest.mark.parametrize("actions,error", [
    ([{"dtmf_id": "1", "type": "notify", "value": "http://domain.ru/mtt/event.php"}], "\"notify\" value is not allowed"),
    ([{"dtmf_id": "0", "type": "notify", "value": "https://domain.ru/e"}], "\"dtmf_id\" should be a number from 1 to 9"),
    ([{"dtmf_id": "1", "type": "call", "value": "https://domain.ru/e"}], "\"type\" value is not allowed"),
    ([{"dtmf_id": "1", "type": "transfer", "value": "7499709011"}], "\"transfer\" value is not allowed"),
    ([{"dtmf_id": 1, "type": "transfer", "value": OPERATOR}, {"dtmf_id": "1", "type": "transfer", "value": OPERATOR}],
     "\"dtmf_id\" 1 is duplicated"),
    ([], "\"dtmf\" should be a non-empty array"),
])
async def test_dtmf_validation(simulator, sink, actions, error):
    body = ivr(sink)
    body["data"]["dtmf"] = actions
    status, answer = await send(simulator, "POST", "/v1/sb", auth=SB, json=body)
    assert answer["result"] == {"success": 0, "error": error} and answer["CallID"]


async def test_plain_http_loopback_needs_the_world_setting(simulator, sink):
    simulator.patch_world({"providers": {"mtt-telecom": {"settings": {"loopback_receivers": False}}}})
    status, answer = await send(simulator, "POST", "/v1/sb", auth=SB, json=ivr(sink))
    assert answer["result"] == {"success": 0, "error": "\"notify\" value is not allowed"}


async def test_section_3_scenario():
    report = await run_scenario_file(SCENARIO)
    assert report.passed, report.text()
