"""The synchronous SimulatorClient against a simulator in a background thread (plain tests)."""
import urllib.error
import urllib.request

import pytest

from simulator.engine.audio import wav_info
from simulator.testing import SimulatorClient, SimulatorError, ThreadedSimulator

HOOK = "/hook"


def _point_vpbx_at(server, path=HOOK):
    server.client.patch_world({"providers": {"mts-vpbx": {"enterprises": {"X214": {
        "webhook": {"active": True, "callbackUrl": server.sink_url(path)}}}}}})


def test_a_call_and_its_callback_from_a_plain_test(telsim_server):
    client = telsim_server.client
    assert client.health()["status"] == "ok" and client.clock()["mode"] == "manual"
    _point_vpbx_at(telsim_server)
    call = client.start_call("mts-vpbx", "+79161234567", "+79160001735")
    entry = client.wait_for_callback(kind="CALL_RECEIVED", timeout=60)
    assert entry["status"] == 200 and entry["provider"] == "mts-vpbx"
    assert "CALL_RECEIVED" in [r.json()["eventType"] for r in telsim_server.received(HOOK)]
    assert [c["id"] for c in client.calls()] == [call["id"]]
    client.advance(600)
    assert client.call(call["id"])["state"] == "ended"
    assert client.calls() == [] and client.calls(finished=True)[0]["id"] == call["id"]
    assert client.journal(direction="out", kind="CALL_RECEIVED", limit=1)[0]["id"] == entry["id"]
    assert client.journal(call_id="no-such-call") == []


def test_world_clock_faults_and_reset(telsim_server):
    client = telsim_server.client
    before = client.world()
    client.patch_world({"seed": 4242})
    assert client.world()["seed"] == 4242
    assert client.set_clock(advance=30)["fired"] >= 0
    rule = client.add_fault(provider="mts-vpbx", action="respond", status=503, times=1)
    assert [f["id"] for f in client.faults()] == [rule["id"]]
    assert client.remove_fault(rule["id"]) == {"deleted": rule["id"]}
    client.add_fault(provider="mts-vpbx", action="respond", status=503)
    client.clear_faults()
    assert client.faults() == []
    assert {p["slug"] for p in client.providers()} >= {"mts-vpbx", "beeline-cloudcc"}
    assert "state" in client.provider_state("mts-vpbx")
    client.reset()
    assert client.world() == before


def test_hangup_recordings_and_openapi(telsim_server):
    client = telsim_server.client
    recorded = client.start_call("mtt-telecom", "+74950000001", "+79161234567", record=True, allow_unknown=True,
                                 script={"+79161234567": {"answer_after": 1, "hangup_after": 4}})
    held = client.start_call("mtt-telecom", "+74950000001", "+79161234568", allow_unknown=True)
    assert client.hangup(held["id"])["id"] == held["id"]
    client.advance(10)
    assert client.call(held["id"])["state"] == "ended"
    recording_id = client.call(recorded["id"])["recording_id"]
    assert wav_info(client.recording(recording_id)) == (1, 2, 8000, 4)
    assert client.recording(recording_id, "mp3")[:1] in (b"\xff", b"I")
    assert "/_sim/calls" in client.openapi()["paths"]


def test_errors_carry_the_control_api_message(telsim_server):
    client = telsim_server.client
    with pytest.raises(SimulatorError) as info:
        client.call("no-such-call")
    assert info.value.status == 404 and info.value.message == "no such call"
    with pytest.raises(SimulatorError) as info:
        client.start_call("mts_vpbx", "+79161234567", "+79160001735")
    assert info.value.status == 404 and "mts-vpbx" in info.value.message


def test_wait_for_callback_names_what_it_waited_for_and_what_came(telsim_server):
    client = telsim_server.client
    _point_vpbx_at(telsim_server)
    telsim_server.respond(HOOK, status=500)
    client.start_call("mts-vpbx", "+79161234567", "+79160001735")
    with pytest.raises(TimeoutError) as info:
        client.wait_for_callback(lambda e: e["status"] == 200, timeout=5, kind="CALL_RECEIVED")
    message = str(info.value)
    assert "kind='CALL_RECEIVED'" in message and 'e["status"] == 200' in message
    assert "within 5 simulated s" in message
    assert f"CALL_RECEIVED POST {telsim_server.sink_url(HOOK)} -> 500" in message


def test_threaded_simulator_as_a_context_manager():
    with ThreadedSimulator(patch={"seed": 7}) as server:
        client = SimulatorClient(server.base_url)
        assert client.world()["seed"] == 7
        assert server.run(_clock_mode(server)) == "manual"
    with pytest.raises(OSError):
        client.health()


async def _clock_mode(server):
    return server.harness.sim.clock.mode


def test_wait_for_callback_on_a_running_clock_wakes_on_the_event_stream():
    with ThreadedSimulator() as server:
        client = server.client
        _point_vpbx_at(server)
        client.set_clock(speed=50)  # accelerated: time moves by itself, the client only waits
        client.start_call("mts-vpbx", "+79161234567", "+79160001735")
        entry = client.wait_for_callback(kind="CALL_RELEASED", timeout=600, wall_timeout=30)
        assert entry["status"] == 200 and client.clock()["mode"] == "accelerated"
        with pytest.raises(TimeoutError):
            client.wait_for_callback(kind="NO_SUCH_EVENT", timeout=5, wall_timeout=2)


def test_assert_clean_and_flagged_from_a_plain_test(telsim_server):
    client = telsim_server.client
    url = client.url("mts-vpbx", "/api/abonents")

    def get(query=""):
        req = urllib.request.Request(url + query, headers={"X-AUTH-TOKEN": "t"})
        try:
            urllib.request.urlopen(req, timeout=10).read()
        except urllib.error.HTTPError as exc:
            exc.read()

    get()
    client.assert_clean()
    first = client.journal(direction="in")[-1]["id"]
    get("?page=1")
    assert client.flagged() == []  # strict mode is off
    with pytest.raises(AssertionError, match=r"unknown-field at query page.*section 4\.4"):
        client.assert_clean()
    bad = client.journal(direction="in", since=first)[0]["id"]
    client.assert_clean(since=bad)  # only what came after it
    client.patch_world({"conformance": {"strict": True}})
    get("?page=2")
    assert [e["query"] for e in client.flagged()] == ["page=2"]
