"""The core idioms providers share: client base URL, prefix stripping, audio answers, typed
event names, dispatch by event type, per-call contexts, world diffs, the import graph."""
import subprocess
import sys

import pytest
from aiohttp.test_utils import make_mocked_request
from hypothesis import given
from hypothesis import strategies as st

from simulator.engine import (LEG_ENDED, CallContexts, CallEngine, Event, EventBus, EventHandlers,
                              EventType, VirtualClock, on)
from simulator.engine.audio import Recording, wav_info
from simulator.http import audio_response, came_by_prefix, client_base_url, strip_prefix
from simulator.world import HistorySettings, changed_fields, map_diff, section_diff

START = 1_700_000_000.0


# ------------------------------------------------------------------------ http helpers
@pytest.mark.parametrize("path,inner", [
    ("/mts-vpbx/api/abonents", "/api/abonents"), ("/mts-vpbx", "/"), ("/mts-vpbx/", "/"),
    ("/api/abonents", "/api/abonents"), ("/mts-vpbxx/api", "/mts-vpbxx/api"),
])
def test_strip_prefix(path, inner):
    assert strip_prefix(path, "mts-vpbx") == inner


@given(st.text(alphabet="abc/-", max_size=20))
def test_strip_prefix_of_a_prefixed_path_is_the_path(tail):
    path = "/" + tail.lstrip("/")
    assert strip_prefix("/p" + path, "p") == path
    assert strip_prefix(path, "p") == path or path.startswith("/p/") or path == "/p"


@pytest.mark.parametrize("path,headers,base", [
    ("/mts-vpbx/api/abonents", {"Host": "127.0.0.1:8080"}, "http://127.0.0.1:8080/mts-vpbx"),
    ("/api/abonents", {"Host": "vpbx.mts.ru"}, "http://vpbx.mts.ru"),
    ("/api/abonents", {"Host": "vpbx.mts.ru", "X-Forwarded-Proto": "https, http"}, "https://vpbx.mts.ru"),
    ("/mts-vpbx/x", {"Host": "10.0.0.1", "X-Forwarded-Host": "sim.example, other"},
     "http://sim.example/mts-vpbx"),
])
def test_client_base_url(path, headers, base):
    request = make_mocked_request("GET", path, headers=headers)
    assert client_base_url(request, "mts-vpbx") == base
    assert came_by_prefix(request, "mts-vpbx") == path.startswith("/mts-vpbx")


async def test_audio_response_from_a_recording_or_seconds():
    request = make_mocked_request("GET", "/x")
    rec = Recording("rec-1", "call-1", "p", "t", START, 2.0)
    wav = await audio_response(request, rec, "wav", filename="r.wav")
    assert wav.content_type == "audio/wav" and wav.headers["Content-Disposition"] == 'attachment; filename="r.wav"'
    assert wav_info(wav.body)[3] == pytest.approx(2.0)
    mp3 = await audio_response(request, 1.5, "mp3", headers={"X-Id": "1"})
    assert mp3.content_type == "audio/mpeg" and mp3.headers["X-Id"] == "1" and len(mp3.body) > 100
    with pytest.raises(ValueError):
        await audio_response(request, rec, "ogg")


# ---------------------------------------------------------------------------- events
def test_event_types_are_the_wire_strings():
    assert EventType.LEG_ANSWERED == "leg.answered" and str(EventType.CALL_FINISHED) == "call.finished"
    assert {"leg.failed": 1}[EventType.LEG_FAILED] == 1 and "leg.detached" in LEG_ENDED
    assert Event(EventType.LEG_DTMF, 1.0).to_json()["type"] == "leg.dtmf"


def test_event_handlers_dispatch_by_type_and_inherit():
    class Base(EventHandlers):
        def __init__(self):
            self.seen = []

        @on(EventType.LEG_ANSWERED)
        def answered(self, event):
            self.seen.append(("answered", event.leg_id))

    class Adapter(Base):
        @on(EventType.LEG_RELEASED, "leg.failed")
        def ended(self, event):
            self.seen.append(("ended", event.leg_id))

        @on(EventType.LEG_ANSWERED)
        def answered_too(self, event):
            self.seen.append(("also", event.leg_id))

    bus = EventBus()
    adapter = Adapter()
    bus.subscribe(adapter, provider="p")
    for t, leg in (("leg.answered", "a"), ("leg.failed", "b"), ("leg.dtmf", "c"), ("leg.released", "d")):
        bus.publish(Event(t, 0.0, "p", leg_id=leg))
    bus.publish(Event("leg.answered", 0.0, "other", leg_id="x"))
    assert adapter.seen == [("answered", "a"), ("also", "a"), ("ended", "b"), ("ended", "d")]
    with pytest.raises(ValueError):
        on("no.such.event")


async def test_call_contexts_outlive_the_providers_finished_handler():
    bus = EventBus()
    engine = CallEngine(VirtualClock(START, "manual"), bus)
    contexts: CallContexts[dict] = CallContexts(bus, "p")
    seen = []

    class Adapter(EventHandlers):
        @on(EventType.CALL_FINISHED)
        def finished(self, event):
            seen.append(contexts.get(event.call_id))

    call = engine.create_call("p", "t", "inbound", "+74950000001", "+74950000002")
    engine.add_origin(call, "+74950000001")
    contexts.open(call.id, {"mine": 1})
    bus.subscribe(Adapter(), provider="p")  # subscribed after the store: still runs first
    other = engine.create_call("q", "t", "inbound", "+74950000001", "+74950000002")
    engine.add_origin(other, "+74950000001")
    contexts.open(other.id, {"not": "p's call"})
    engine.hangup_call(call)
    engine.hangup_call(other)
    await engine.clock.settle()
    assert seen == [{"mine": 1}] and call.id not in contexts and len(contexts) == 1
    contexts.clear()
    contexts.close()
    assert len(contexts) == 0 and contexts.get(None) is None


# ----------------------------------------------------------------------- world diffs
def test_map_diff_and_changed_fields():
    a, b = HistorySettings(days=1), HistorySettings(days=2)
    d = map_diff({"x": a, "y": a, "z": a}, {"y": b, "z": a, "w": a})
    assert (d.added, d.removed, d.changed) == (("w",), ("x",), ("y",)) and d.touched == ("w", "x", "y")
    assert changed_fields(d.old["y"], d.new["y"]) == {"days"}
    assert changed_fields(a, b, exclude={"days"}) == set()
    assert changed_fields(None, b) == {"days", "calls_per_day"}
    assert not map_diff(None, None) and map_diff(None, {"k": 1}).added == ("k",)

    class Section:
        tenants = {"t": 1}
    assert section_diff(None, Section(), "tenants").added == ("t",)


@given(st.dictionaries(st.sampled_from("abcde"), st.integers(0, 2)),
       st.dictionaries(st.sampled_from("abcde"), st.integers(0, 2)))
def test_map_diff_partitions_the_keys(old, new):
    d = map_diff(old, new)
    assert set(d.added) | set(d.changed) | {k for k in new if k in old and old[k] == new[k]} == set(new)
    assert set(d.removed) == set(old) - set(new)


# ----------------------------------------------------------------------- import graph
def test_the_world_imports_no_provider():
    code = ("import sys, simulator.world as w; w.validate_world({'name': 'x'}, sections={}); "
            "bad = [m for m in sys.modules if m.startswith('simulator.providers') "
            "or m in ('simulator.sim', 'simulator.app')]; print(bad); sys.exit(1 if bad else 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_world_model_takes_the_sections_it_is_given():
    from simulator.world import WorldError, validate_world

    world = validate_world({"providers": {"p": {"days": 3}}}, "w", sections={"p": HistorySettings})
    assert world.providers.p.days == 3
    with pytest.raises(WorldError, match="providers"):
        validate_world({"providers": {"q": {}}}, "w", sections={"p": HistorySettings})


def test_call_request_lives_next_to_provider():
    from simulator import sim
    from simulator.providers.base import CallRequest

    assert sim.CallRequest is CallRequest
    assert CallRequest.model_validate({"provider": "p", "from": "1", "to": "2"}).from_ == "1"
