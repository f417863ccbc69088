"""Engine state machine: every party behaviour, transfers, hold, DTMF, park, recording."""
import pytest

from simulator.engine import CallEngine, Cause, EventBus, LegState, PartyBehaviour, VirtualClock
from simulator.engine.audio import wav_info

START = 1_700_000_000.0


@pytest.fixture
def engine():
    bus = EventBus()
    eng = CallEngine(VirtualClock(START, "manual"), bus)
    eng.events = []
    bus.subscribe(lambda e: eng.events.append((e.type, e.leg_id, round(e.time - START, 3), e.data)))
    return eng


def kinds(engine, leg=None):
    return [k for k, l, *_ in engine.events if leg is None or l == leg.id]


async def place(engine, behaviour, **kw):
    call = engine.create_call("p", "t", "inbound", "+74950000001", "+74950000002")
    origin = engine.add_origin(call, "+74950000001")
    leg = engine.dial(call, "+74950000002", behaviour=behaviour, **kw)

    async def connect():
        if await engine.wait_answer(leg):
            engine.bridge(origin, leg)
        else:
            engine.hangup(origin, leg.cause)

    engine.spawn(call, connect())
    return call, origin, leg


async def test_answer_then_hang_up_after(engine):
    call, origin, leg = await place(engine, PartyBehaviour(answer_after=5, hangup_after=30))
    await engine.clock.advance(4)
    assert leg.state is LegState.ALERTING
    await engine.clock.advance(1)
    assert leg.state is LegState.ACTIVE and call.state == "active"
    await engine.clock.advance(30)
    assert leg.state is LegState.RELEASED and leg.ended_by == "party"
    assert origin.state is LegState.RELEASED and origin.ended_by == "peer"
    assert call.ended and call.cause == Cause.NORMAL_CLEARING
    assert kinds(engine, leg) == ["leg.dialing", "leg.alerting", "leg.answered", "leg.released"]
    record = [d["record"] for k, _, _, d in engine.events if k == "call.finished"][0]
    assert record.talk_duration == 30 and record.duration == 35


@pytest.mark.parametrize("behaviour,cause,alerted", [
    (PartyBehaviour(busy=True), Cause.USER_BUSY, False),
    (PartyBehaviour(unavailable=True), Cause.SUBSCRIBER_ABSENT, False),
    (PartyBehaviour(unassigned=True), Cause.UNASSIGNED_NUMBER, False),
    (PartyBehaviour(reject=4), Cause.CALL_REJECTED, True),
    (PartyBehaviour(no_answer=20), Cause.NO_ANSWER, True),
])
async def test_failures_carry_their_q850_cause(engine, behaviour, cause, alerted):
    call, origin, leg = await place(engine, behaviour)
    await engine.clock.advance(60)
    assert leg.state is LegState.FAILED and leg.cause == cause
    assert ("leg.alerting" in kinds(engine, leg)) == alerted
    assert call.ended and call.cause == cause and call.answered_at is None


async def test_dial_timeout_cancels_a_ringing_leg(engine):
    call, origin, leg = await place(engine, PartyBehaviour(no_answer=0), timeout=15)
    await engine.clock.advance(14.9)
    assert leg.state is LegState.ALERTING
    await engine.clock.advance(0.1)
    assert leg.state is LegState.FAILED and leg.cause == Cause.NO_ANSWER and leg.ended_by == "timeout"


async def test_caller_giving_up_cancels_the_ringing_leg(engine):
    call = engine.create_call("p", "t", "inbound", "a", "b")
    origin = engine.add_origin(call, "a", behaviour={"give_up_after": 10})
    leg = engine.dial(call, "b", behaviour={"no_answer": 0})
    await engine.clock.advance(10)
    assert origin.ended and origin.ended_by == "party"
    assert leg.state is LegState.FAILED and leg.ended_by == "peer"
    assert call.ended


async def test_dtmf_is_collected_from_the_party(engine):
    call = engine.create_call("p", "t", "inbound", "a", "ivr")
    origin = engine.add_origin(call, "a", behaviour={"dtmf": [{"at": 2, "digits": "2"},
                                                             {"at": 4, "digits": "15#"}]})
    got = []

    async def ivr():
        engine.answer(origin)
        await engine.play(origin, text="Нажмите 1 или 2")
        got.append(await engine.collect_dtmf(origin, max_digits=1, timeout=5))
        got.append(await engine.collect_dtmf(origin, max_digits=5, timeout=5))
        got.append(await engine.collect_dtmf(origin, max_digits=1, timeout=5))
        engine.hangup(origin)

    engine.spawn(call, ivr())
    await engine.clock.advance(30)
    assert got == ["2", "15", ""]
    assert kinds(engine).count("leg.dtmf") == 4
    assert "prompt.started" in kinds(engine) and "prompt.finished" in kinds(engine)


async def test_hold_and_unhold_from_behaviour(engine):
    call, origin, leg = await place(engine, PartyBehaviour(answer_after=1, hold=[{"at": 5, "duration": 10}],
                                                           hangup_after=60))
    await engine.clock.advance(7)
    assert leg.state is LegState.HELD and leg.held
    await engine.clock.advance(10)
    assert leg.state is LegState.ACTIVE
    assert kinds(engine, leg)[-2:] == ["leg.held", "leg.unheld"]


async def test_blind_transfer_connects_the_peer_to_the_target(engine):
    call, origin, agent = await place(engine, PartyBehaviour(answer_after=1, hangup_after=600))
    await engine.clock.advance(2)
    target = engine.blind_transfer(call, agent, "+74957777777", behaviour={"answer_after": 3, "hangup_after": 20})
    assert agent.state is LegState.DETACHED
    await engine.clock.advance(3)
    assert call.peers(origin) == [target]
    await engine.clock.advance(20)
    assert call.ended and origin.state is LegState.RELEASED


async def test_blind_transfer_to_a_busy_number_releases_the_peer(engine):
    call, origin, agent = await place(engine, PartyBehaviour(answer_after=1, hangup_after=600))
    await engine.clock.advance(2)
    engine.blind_transfer(call, agent, "x", behaviour={"busy": True})
    await engine.clock.advance(1)
    assert origin.ended and origin.cause == Cause.USER_BUSY and call.ended


async def test_consult_transfer_joins_two_calls(engine):
    call1, caller, agent1 = await place(engine, PartyBehaviour(answer_after=1, hangup_after=600))
    await engine.clock.advance(2)
    engine.hold(agent1)
    call2 = engine.create_call("p", "t", "outbound", "agent", "+74958888888")
    agent2 = engine.add_origin(call2, "agent")
    expert = engine.dial(call2, "+74958888888", behaviour={"answer_after": 2, "hangup_after": 100})

    async def connect():
        if await engine.wait_answer(expert):
            engine.bridge(agent2, expert)

    engine.spawn(call2, connect())
    await engine.clock.advance(3)
    engine.consult_transfer(agent1, agent2)
    assert agent1.state is LegState.DETACHED and agent2.state is LegState.DETACHED
    assert call1.peers(caller) == [expert] and call2.ended
    await engine.clock.advance(100)
    assert call1.ended


async def test_park_times_out_to_the_fallback_or_takes_the_decision(engine):
    call = engine.create_call("p", "t", "inbound", "a", "b")
    engine.add_origin(call, "a")
    results = []

    async def wait(key):
        results.append(await engine.park(call, key, timeout=90, fallback="reserve"))

    engine.spawn(call, wait("k1"))
    engine.spawn(call, wait("k2"))
    await engine.clock.advance(10)
    assert engine.decide("k1", "agent-7") and not engine.decide("nope", 1)
    await engine.clock.advance(80)
    assert results == ["agent-7", "reserve"]


async def test_recorded_call_leaves_real_audio(engine):
    call = engine.create_call("p", "t", "inbound", "a", "b", record=True)
    origin = engine.add_origin(call, "a")
    leg = engine.dial(call, "b", behaviour={"answer_after": 2, "hangup_after": 12})

    async def connect():
        await engine.wait_answer(leg)
        engine.bridge(origin, leg)

    engine.spawn(call, connect())
    await engine.clock.advance(20)
    rec = engine.recordings.for_call(call.id)
    assert rec is not None and rec.duration == 12 and call.recording_id == rec.id
    channels, width, rate, seconds = wav_info(rec.wav())
    assert (channels, width, rate, seconds) == (1, 2, 8000, 12)
    assert rec.mp3()[:2] in (b"\xff\xe3", b"\xff\xf3", b"\xff\xfb", b"ID")


async def test_flow_exception_releases_the_call(engine):
    call = engine.create_call("p", "t", "inbound", "a", "b")
    engine.add_origin(call, "a")

    async def broken():
        raise RuntimeError("boom")

    engine.spawn(call, broken())
    await engine.clock.settle()
    assert call.ended and call.cause == Cause.TEMPORARY_FAILURE


async def test_reset_forgets_calls(engine):
    await place(engine, PartyBehaviour(answer_after=1))
    engine.reset()
    assert engine.calls == {} and not engine.finished


async def test_originate_two_legs_the_second_after_the_first_answers(engine):
    """Click-to-call: ring the employee first, then the customer once the employee answers."""
    call = engine.create_call("p", "t", "outbound", "emp", "cust")
    first = engine.dial(call, "emp", behaviour={"answer_after": 3, "hangup_after": 100})

    async def originate():
        if await engine.wait_answer(first):
            second = engine.dial(call, "cust", caller_id="emp", behaviour={"answer_after": 5, "hangup_after": 20})
            if await engine.wait_answer(second):
                engine.bridge(first, second)

    engine.spawn(call, originate())
    await engine.clock.advance(3)
    assert first.state is LegState.ACTIVE and len(call.legs) == 2
    second = list(call.legs.values())[1]
    assert second.created_at - START == 3 and second.caller_id == "emp"
    await engine.clock.advance(5)
    assert call.peers(first) == [second] and call.answered_at - START == 8
    await engine.clock.advance(20)
    assert call.ended and first.ended_by == "peer" and second.ended_by == "party"


async def test_prompt_length_from_the_file_or_the_text(engine):
    call = engine.create_call("p", "t", "inbound", "a", "ivr")
    origin = engine.add_origin(call, "a")
    done = []

    async def ivr():
        engine.answer(origin)
        done.append(await engine.play(origin, "greeting.wav", duration=3.5))
        done.append(await engine.play(origin, text="x" * 60))  # 60 chars at 12/s: 5 s
        done.append(await engine.play(origin, "bye.wav", duration=10))

    engine.spawn(call, ivr())
    await engine.clock.advance(8.5)
    starts = [round(t, 3) for k, _, t, _ in engine.events if k == "prompt.started"]
    assert starts == [0, 3.5, 8.5] and done == [True, True]
    engine.hangup(origin)  # the caller hangs up during the last prompt: the flow ends with the call
    await engine.clock.settle()
    assert done == [True, True] and not call.tasks and kinds(engine).count("prompt.finished") == 2


async def test_recording_started_and_stopped_by_hand_sums_its_segments(engine):
    call, origin, leg = await place(engine, PartyBehaviour(answer_after=1, hangup_after=60))
    await engine.clock.advance(1)
    engine.start_recording(call)
    await engine.clock.advance(10)
    engine.stop_recording(call)
    await engine.clock.advance(20)
    engine.start_recording(call)
    await engine.clock.advance(30)  # the party hangs up at 61 s: recording stops with the call
    rec = engine.recordings.for_call(call.id)
    assert rec.duration == 10 + 30 and rec.started_at - START == 1
    assert kinds(engine).count("recording.started") == 2 and "recording.ready" in kinds(engine)
    assert wav_info(rec.wav())[3] == 40


async def test_a_late_decision_is_refused_after_the_fallback(engine):
    call = engine.create_call("p", "t", "inbound", "a", "b")
    engine.add_origin(call, "a")
    got = []

    async def wait():
        got.append(await engine.park(call, "k", timeout=5, fallback="voicemail"))

    engine.spawn(call, wait())
    await engine.clock.advance(5)
    assert got == ["voicemail"] and not engine.decide("k", "agent") and not engine.is_parked("k")
    unparked = [d for k, _, _, d in engine.events if k == "call.unparked"]
    assert unparked == [{"key": "k", "timed_out": True, "decision": "voicemail"}]


async def test_hold_by_the_system_and_dtmf_shorthand(engine):
    call, origin, leg = await place(engine, PartyBehaviour(answer_after=1, hangup_after=60, dtmf="5"))
    await engine.clock.advance(1)
    engine.hold(origin)
    engine.hold(origin)  # already held: no second event
    await engine.clock.advance(1)
    engine.unhold(origin)
    assert kinds(engine, origin).count("leg.held") == 1 and origin.state is LegState.ACTIVE
    assert [d["digit"] for k, _, _, d in engine.events if k == "leg.dtmf"] == ["5"]
