"""CallBack prompts: setCallBackPrompt, the upload of raw bytes to fuds1.mtt.ru, the status
lifecycle on the virtual clock, getCallBackPromptInfo."""
from __future__ import annotations

from simulator.engine.audio import wav_bytes
from simulator.faults import FaultRule

from .conftest import OTHER, SLUG

CUSTOMER = "883140500000000"


async def new_upload(rpc, name="sound_1.wav"):
    status, body = await rpc("setCallBackPrompt", {"customer_name": CUSTOMER, "file_name": name})
    assert status == 200
    return body["result"]


def path(url):
    return "/" + url.split("/", 3)[3]


async def test_upload_lifecycle(rpc, rest, simulator):
    result = await new_upload(rpc)
    assert result["maxsize"] == 1048576 and result["uploadURL"].startswith("https://fuds1.mtt.ru/upload/")
    assert result["statusURL"].startswith("https://fuds1.mtt.ru/status/")
    assert result["accepted_formats"]["aif"] == ["audio/x-aiff", "audio/aiff"]
    status, body, _ = await rest("GET", path(result["statusURL"]))
    assert body == {"status": "wait_client_upload"}
    status, body, _ = await rest("POST", path(result["uploadURL"]), data=wav_bytes(2.5), host="fuds1.mtt.ru")
    assert status == 200 and body == {"status": "wait_porta_upload"}
    status, body, _ = await rest("POST", path(result["statusURL"]))
    assert body == {"status": "wait_upload"}
    status, body, _ = await rest("POST", path(result["uploadURL"]), data=wav_bytes(1))
    assert body == {"status": "error_invalid_state"}
    await simulator.advance(5)
    status, body, _ = await rest("GET", path(result["statusURL"]))
    assert body == {"status": "ok"}
    status, body = await rpc("getCallBackPromptInfo", {"customer_name": "88314050000000"})
    assert {"file_name": "sound_1.wav", "date_upload": "23.11.2026"} in body["result"]
    prompt = simulator.sim.providers[SLUG].state.customer(CUSTOMER).customer.callback_prompts["sound_1.wav"]
    assert prompt.seconds == 2.5


async def test_upload_errors(rpc, rest, simulator):
    result = await new_upload(rpc, "big.mp3")
    status, body, _ = await rest("POST", path(result["uploadURL"]), data=b"\xff\xfb" + b"0" * 1048576)
    assert body == {"status": "error_maxfilesize"}
    assert (await rest("GET", path(result["statusURL"])))[1] == {"status": "error_maxfilesize"}
    result = await new_upload(rpc, "fake.wav")
    status, body, _ = await rest("POST", path(result["uploadURL"]), data=b"ID3 this is an mp3")
    assert body == {"status": "error_fileformat"}
    status, body, _ = await rest("POST", "/upload/" + "0" * 32, data=b"x")
    assert status == 404 and body == {"status": "error_not_found"}
    result = await new_upload(rpc, "broken.wav")
    await rest("POST", path(result["uploadURL"]), data=b"RIFF\x00\x00\x00\x00WAVEjunk")
    await simulator.advance(6)
    assert (await rest("GET", path(result["statusURL"])))[1] == {"status": "error_upload"}
    simulator.sim.faults.add(FaultRule(provider=SLUG, path="/upload/*", action="native", native="500", times=1))
    result = await new_upload(rpc, "x.wav")
    status, body, _ = await rest("POST", path(result["uploadURL"]), data=wav_bytes(1))
    assert status == 500 and body == {"status": "error_internal"}


async def test_nothing_uploaded_times_out(rpc, rest, simulator):
    result = await new_upload(rpc)
    await simulator.advance(601)
    assert (await rest("GET", path(result["statusURL"])))[1] == {"status": "error_timeout"}
    status, body, _ = await rest("POST", path(result["uploadURL"]), data=wav_bytes(1))
    assert body == {"status": "error_invalid_state"}


async def test_prompt_errors(rpc):
    status, body = await rpc("setCallBackPrompt", {"customer_name": CUSTOMER, "file_name": "sound_1.mp3"},
                             auth=OTHER)
    assert body["error"] == {"code": -32002, "message": "Permission denied",
                             "data": "agent does not have access to this customer"}
    status, body = await rpc("setCallBackPrompt", {"customer_name": CUSTOMER, "file_name": "x" * 300 + ".mp3"})
    assert body["error"]["code"] == -32602
    status, body = await rpc("setCallBackPrompt", {"customer_name": CUSTOMER, "file_name": "notes.txt"})
    assert body["error"]["data"] == "Unknown param 'file_name' value"
    status, body = await rpc("getCallBackPromptInfo", {"customer_name": "110000000"}, id="101")
    assert status == 404 and body == {"jsonrpc": "2.0", "id": "101", "error": {
        "code": -32001, "message": "Data not found", "data": "Error on get CallBack Prompt Info"}}


async def test_uploaded_prompt_plays_in_a_callback(rpc, rest, simulator):
    result = await new_upload(rpc, "hello.wav")
    await rest("POST", path(result["uploadURL"]), data=wav_bytes(7))
    await simulator.advance(5)
    await rpc("makeCallBackCallFollowme", {
        "customer_name": CUSTOMER, "b_number": "79157775533",
        "simpleCallBackFollowmeStruct": [{"order": 1, "redirect_number": "79684881033", "type": "ringall"},
                                         {"order": 2, "type": "file", "value": "hello", "side": "A"}]})
    await simulator.advance(30)
    call = [*simulator.engine.calls.values(), *simulator.engine.finished.values()][-1]
    played = [e for e in call.timeline if e["event"] == "prompt.started"]
    assert played[0]["name"] == "hello" and played[0]["duration"] == 7
