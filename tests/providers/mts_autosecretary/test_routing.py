"""Inbound calls to a UN distributed over its DN list: schedule, priority, channels, locks, queue,
voice mail, short numbers, time zone; every call leaves a CDR."""
import pytest

from .helpers import call, send

SLUG = "mts-autosecretary"
UN = "4954071111"
LONG_CALLER = {"answer_after": 0, "hangup_after": 600}


async def configure(simulator, dn_list, **fields):
    status, payload, _, _ = await call(simulator, "PUT", "/api/v1/un",
                                       body={"phone": UN, "dn_list": dn_list, **fields})
    assert status == 200, payload
    return payload["value"]


async def last_cdrs(simulator, un=UN, n=None):
    _, payload, _, _ = await call(simulator, "GET", f"/api/v1/cdr/byid?phone={un}&start_id=35000000")
    records = [r for r in payload["value"] if r["id"] >= simulator.sim.providers[SLUG].first_live_id]
    return records if n is None else records[-n:]


def tokens(record):
    return record["log"].split(")--", 1)[1]


async def place(simulator, script=None, caller=None, frm="+79161000932", to=UN):
    return await simulator.start_call(SLUG, frm, to, script=script or {}, caller=caller or LONG_CALLER)


async def test_answered_call_leaves_a_cdr(simulator):
    await configure(simulator, [{"phone": "89161000232"}])
    c = await place(simulator, script={"89161000232": {"answer_after": 5, "hangup_after": 100}})
    await simulator.advance(200)
    assert c.ended
    (record,) = await last_cdrs(simulator)
    assert record["an"] == "9161000932" and record["un"] == UN
    assert tokens(record) == "TryToCall:89161000232-Conn"
    assert record["log"].startswith("SIP:ANI(9161000932@mdd-mg1-1ld-msk2:5061)-DNIS(4954071111@11.241.37.199:5061)--")
    # greeting 3 s + ringing 5 s, then 100 s of talk
    assert record["talk_duration"] == 100 and record["duration"] == 108
    assert record["start_time"] == "2026-11-23T09:00:00"


async def test_priority_order_and_locks(simulator):
    await configure(simulator, [
        {"phone": "89160000001", "priority": 2},
        {"phone": "89160000002", "priority": 0, "locked": True},
        {"phone": "89160000003", "priority": 1},
        {"phone": "89160000004", "priority": 0},
    ], make_call_time=10)
    c = await place(simulator, script={
        "89160000004": {"busy": True},
        "89160000003": {"no_answer": 0},
        "89160000001": {"answer_after": 2, "hangup_after": 10},
    })
    await simulator.advance(100)
    (record,) = await last_cdrs(simulator)
    assert tokens(record) == ("TryToCall:89160000004-Busy(89160000004)-TryToCall:89160000003-NoAnswer"
                              "-TryToCall:89160000001-Conn")
    dialled = [leg.number for leg in c.legs.values() if leg.role == "dialled"]
    assert dialled == ["89160000004", "89160000003", "89160000001"]
    # make_call_time bounds the unanswered attempt: 3 greeting + 10 no answer + 2 ring + 10 talk
    assert record["duration"] == 25 and record["talk_duration"] == 10


async def test_schedule_by_window_and_weekday(simulator):
    await configure(simulator, [
        {"phone": "89160000001", "begin": "09:00:00", "end": "18:00:00"},
        {"phone": "89160000002", "priority": 1, "begin": "09:00:00", "end": "21:00:00", "day": 1},
        {"phone": "89160000003", "priority": 1, "day": 2},  # Tuesdays only
    ])
    script = {n: {"answer_after": 1, "hangup_after": 5} for n in ("89160000001", "89160000002", "89160000003")}
    await place(simulator, script=script)                 # Monday 09:00: the office DN
    await simulator.advance(3600 * 10)                    # Monday 19:00: only the evening DN
    await place(simulator, script=script)
    await simulator.advance(3600 * 3)                     # Monday 22:00: nobody on duty
    await place(simulator, script=script)
    await simulator.advance(3600 * 3)                     # Tuesday 01:00: the Tuesday DN
    await place(simulator, script=script)
    await simulator.advance(60)
    records = await last_cdrs(simulator)
    assert [tokens(r) for r in records] == [
        "TryToCall:89160000001-Conn",
        "TryToCall:89160000002-Conn",
        "NO_DNS",
        "TryToCall:89160000003-Conn",
    ]
    assert records[2]["duration"] == 1 and records[2]["talk_duration"] == 0  # as the document's sample
    assert [r["start_time"][:13] for r in records] == ["2026-11-23T09", "2026-11-23T19", "2026-11-23T22",
                                                       "2026-11-24T01"]


async def test_time_zone_shifts_the_schedule(simulator):
    await configure(simulator, [{"phone": "89160000001", "begin": "09:00:00", "end": "18:00:00"}], time_zone=4)
    await simulator.advance(3600 * 6)  # 15:00 Moscow = 19:00 at MSK+4
    await place(simulator)
    await simulator.advance(30)
    (record,) = await last_cdrs(simulator)
    assert tokens(record) == "NO_DNS"


async def test_channels_queue_and_max_queue_time(simulator):
    await configure(simulator, [{"phone": "89160000001", "channels": 1}], max_queue_time=20)
    script = {"89160000001": {"answer_after": 1, "hangup_after": 100}}
    first = await place(simulator, script=script)
    await simulator.advance(10)
    second = await place(simulator, script=script, frm="+79160000777")
    await simulator.advance(30)
    assert second.ended and not first.ended
    await simulator.advance(200)
    first_cdr, second_cdr = await last_cdrs(simulator)
    assert tokens(first_cdr) == "TryToCall:89160000001-Conn"
    assert tokens(second_cdr) == "MaxQueueExceeded"
    assert second_cdr["duration"] == 3 + 20 + 1  # greeting, queue, announcement
    assert second_cdr["an"] == "9160000777"


async def test_queued_call_gets_the_channel_when_it_frees(simulator):
    await configure(simulator, [{"phone": "89160000001", "channels": 1}], max_queue_time=60)
    first = await place(simulator, script={"89160000001": {"answer_after": 1, "hangup_after": 20}})
    await simulator.advance(5)
    second = await place(simulator, frm="+79160000777", script={"89160000001": {"answer_after": 1, "hangup_after": 20}})
    await simulator.advance(100)
    first_cdr, second_cdr = await last_cdrs(simulator)
    assert tokens(second_cdr) == "TryToCall:89160000001-Conn"
    # first ends at 3+1+20 = 24 s; the second waited from 8 s and rang at 24 s
    second_answer = [leg for leg in second.legs.values() if leg.role == "dialled"][0]
    assert second_answer.created_at - second.started_at == pytest.approx(19)


def dial_times(call, t0):
    return [(leg.number, leg.created_at - t0) for leg in call.legs.values() if leg.role == "dialled"]


async def test_queue_keeps_order_and_serves_whoever_can_use_the_freed_channel(simulator):
    # A waits for DN2 only (DN1 did not answer it); C, behind A, waits for DN1. When DN1 frees, C
    # must get it although A is ahead of it, and A must still be first when DN2 frees.
    await configure(simulator, [{"phone": "89160000001", "channels": 1},
                                {"phone": "89160000002", "channels": 1, "priority": 1}],
                    max_queue_time=300, make_call_time=10)
    t0 = simulator.sim.clock.now()
    await place(simulator, script={"89160000001": {"answer_after": 1, "hangup_after": 30}})          # DN1 3..34
    await place(simulator, frm="+79160000001",
                script={"89160000002": {"answer_after": 1, "hangup_after": 100}})                  # DN2 3..104
    await simulator.advance(1)
    a = await place(simulator, frm="+79160000002", script={"89160000001": {"no_answer": 0},
                                                           "89160000002": {"answer_after": 1, "hangup_after": 5}})
    await simulator.advance(1)
    b = await place(simulator, frm="+79160000003",
                    script={"89160000001": {"answer_after": 1, "hangup_after": 20}})
    await simulator.advance(48)
    c = await place(simulator, frm="+79160000004",
                    script={"89160000001": {"answer_after": 1, "hangup_after": 10}})
    await simulator.advance(300)
    assert dial_times(a, t0) == [("89160000001", 34), ("89160000002", 104)]  # first in the queue
    assert dial_times(b, t0) == [("89160000001", 44)]
    assert dial_times(c, t0) == [("89160000001", 65)]  # DN1 freed at 65: not held back by A
    records = await last_cdrs(simulator)
    assert [tokens(r) for r in records[2:]] == [
        "TryToCall:89160000001-NoAnswer-TryToCall:89160000002-Conn",
        "TryToCall:89160000001-Conn",
        "TryToCall:89160000001-Conn",
    ]
    assert not simulator.sim.providers[SLUG].channels.queued(UN)


async def test_caller_hangs_up_in_the_queue(simulator):
    await configure(simulator, [{"phone": "89160000001", "channels": 1}], max_queue_time=60)
    await place(simulator, script={"89160000001": {"answer_after": 1, "hangup_after": 100}})
    await simulator.advance(5)
    queued = await place(simulator, frm="+79160000777", caller={"answer_after": 0, "hangup_after": 15})
    await simulator.advance(10)
    channels = simulator.sim.providers[SLUG].channels
    assert channels.queued(UN) == 1
    await simulator.advance(10)
    assert queued.ended and channels.queued(UN) == 0
    (record,) = await last_cdrs(simulator)  # the first call still talks
    assert tokens(record) == "HgUp_DurMC" and record["duration"] == 15 and record["an"] == "9160000777"


async def test_no_queue_means_no_channels(simulator):
    await configure(simulator, [{"phone": "89160000001", "channels": 1}], max_queue_time=0)
    await place(simulator, script={"89160000001": {"answer_after": 1, "hangup_after": 60}})
    await simulator.advance(5)
    await place(simulator, frm="+79160000777")
    await simulator.advance(100)
    _, second_cdr = await last_cdrs(simulator)
    assert tokens(second_cdr) == "NoChannels"


async def test_two_channels_take_two_calls(simulator):
    await configure(simulator, [{"phone": "89160000001", "channels": 2}], max_queue_time=120)
    script = {"89160000001": {"answer_after": 1, "hangup_after": 60}}
    await place(simulator, script=script)
    await place(simulator, script=script, frm="+79160000777")
    await place(simulator, script=script, frm="+79160000888")
    await simulator.advance(5)
    provider = simulator.sim.providers[SLUG]
    assert provider.channels.in_use(UN, "89160000001") == 2
    await simulator.advance(300)
    records = await last_cdrs(simulator)
    assert [tokens(r) for r in records] == ["TryToCall:89160000001-Conn"] * 3
    assert provider.channels.in_use(UN, "89160000001") == 0
    ids = [r["id"] for r in records]
    seqids = [r["seqid"] for r in records]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert len(set(seqids)) == 3


async def test_unanswered_call_goes_to_voice_mail(simulator):
    await configure(simulator, [{"phone": "89160000001"}], need_record=True, make_call_time=15,
                    voice_email="inbox@romashka.example")
    c = await place(simulator, script={"89160000001": {"no_answer": 0}},
                    caller={"answer_after": 0, "hangup_after": 40})
    await simulator.advance(120)
    (record,) = await last_cdrs(simulator)
    assert tokens(record) == "TryToCall:89160000001-NoAnswer-No_AvDNS-Rec_Start-Rec_Stop"
    mails = simulator.journal(provider=SLUG, kind="voice_email")
    assert len(mails) == 1 and mails[0]["direction"] == "notice"
    assert mails[0]["to"] == "inbox@romashka.example" and mails[0]["an"] == "9161000932"
    assert mails[0]["recording_id"] and mails[0]["cdr_id"] == record["id"]
    assert simulator.engine.recordings.get(mails[0]["recording_id"]) is not None


async def test_unanswered_without_voice_mail_ends(simulator):
    await configure(simulator, [{"phone": "89160000001"}, {"phone": "89160000002"}], need_record=False)
    c = await place(simulator, script={"89160000001": {"unavailable": True}, "89160000002": {"reject": 2}})
    await simulator.advance(60)
    assert c.ended
    (record,) = await last_cdrs(simulator)
    assert tokens(record) == "TryToCall:89160000001-NoAnswer-TryToCall:89160000002-Busy(89160000002)-No_AvDNS"
    assert not simulator.journal(provider=SLUG, kind="voice_email")


async def test_disabled_un_rejects(simulator):
    await configure(simulator, [{"phone": "89160000001"}], enabled=False)
    c = await place(simulator)
    await simulator.advance(5)
    assert c.ended and c.cause == 21
    (record,) = await last_cdrs(simulator)
    assert tokens(record) == "UN_Disabled"


async def test_caller_hangs_up_while_dialing(simulator):
    await configure(simulator, [{"phone": "89160000001"}])
    await place(simulator, script={"89160000001": {"no_answer": 0}}, caller={"answer_after": 0, "hangup_after": 10})
    await simulator.advance(60)
    (record,) = await last_cdrs(simulator)
    assert tokens(record) == "TryToCall:89160000001-HgUp_DurMC"
    assert record["duration"] == 10 and record["talk_duration"] == 0
    assert simulator.sim.providers[SLUG].channels.in_use(UN, "89160000001") == 0


async def test_short_number_dialled_by_the_caller(simulator):
    # 9854079998 in the default world: ab_ext_enabled, ext 201 -> 89161000237 (priority -1, not in the hunt)
    c = await place(simulator, to="9854079998",
                    caller={"answer_after": 0, "hangup_after": 60, "dtmf": [{"at": 1, "digits": "201#"}]},
                    script={"89161000237": {"answer_after": 2, "hangup_after": 30}})
    await simulator.advance(120)
    (record,) = await last_cdrs(simulator, "9854079998")
    assert tokens(record) == "Extension-201-TryToCall:89161000237-Conn"
    # without digits the short numbers are never dialled
    c = await place(simulator, to="9854079998", script={"89161000234": {"busy": True}})
    await simulator.advance(120)
    record = (await last_cdrs(simulator, "9854079998"))[-1]
    assert "89161000237" not in record["log"] and "89161000236" not in record["log"]  # short number, locked


async def test_short_number_off_duty_falls_back_to_the_hunt(simulator):
    # ext 202 -> 89161000238 works 09:00-18:00; at 19:00 the digits are ignored and the DNs are hunted
    await simulator.advance(3600 * 10)
    await place(simulator, to="9854079998",
                caller={"answer_after": 0, "hangup_after": 60, "dtmf": [{"at": 1, "digits": "202#"}]},
                script={"89161000238": {"answer_after": 1, "hangup_after": 30},
                        "89161000234": {"answer_after": 1, "hangup_after": 30}})
    await simulator.advance(120)
    (record,) = await last_cdrs(simulator, "9854079998")
    assert tokens(record) == "TryToCall:89161000234-Conn"


async def test_recorded_dn_mails_the_conversation(simulator):
    await configure(simulator, [{"phone": "89160000001", "record": True}], conf_email="calls@romashka.example",
                    say_ani=True)
    c = await place(simulator, script={"89160000001": {"answer_after": 1, "hangup_after": 30}})
    await simulator.advance(100)
    assert c.recording_id
    (mail,) = simulator.journal(provider=SLUG, kind="conf_email")
    assert mail["to"] == "calls@romashka.example" and mail["dn"] == "89160000001"
    (record,) = await last_cdrs(simulator)
    # say_ani: the operator hears the caller's number first (2 s), then talks 30 s
    assert record["talk_duration"] == 28


async def test_calls_to_non_uns_are_refused(simulator):
    for to in ("4950000000", "12345"):
        with pytest.raises(LookupError):
            await simulator.start_call(SLUG, "+79161000932", to)
    async with simulator.request("POST", "/_sim/calls", json={"provider": SLUG, "from": "+79161000932",
                                                              "to": "4950000000"}) as resp:
        assert resp.status == 422
    async with simulator.request("POST", "/_sim/calls", json={"provider": SLUG, "from": "+79161000932",
                                                              "to": "+74954071111"}) as resp:
        assert resp.status == 201


async def test_dn_list_change_during_queue_is_seen(simulator):
    await configure(simulator, [{"phone": "89160000001", "channels": 1}], max_queue_time=60)
    await place(simulator, script={"89160000001": {"answer_after": 1, "hangup_after": 300}})
    await simulator.advance(5)
    second = await place(simulator, frm="+79160000777", script={"89160000002": {"answer_after": 1, "hangup_after": 10}})
    await simulator.advance(10)
    await configure(simulator, [{"phone": "89160000001", "channels": 1}, {"phone": "89160000002", "priority": 1}],
                    max_queue_time=60)
    await simulator.advance(30)
    assert second.ended
    records = await last_cdrs(simulator)
    assert tokens(records[-1]) == "TryToCall:89160000002-Conn"


async def test_reset_restores_the_world(simulator):
    await configure(simulator, [{"phone": "89160000009"}], description="changed")
    await place(simulator)
    await simulator.advance(100)
    await simulator.reset()
    _, payload, _, _ = await call(simulator, "GET", "/api/v1/un?phone=4954071111")
    assert payload["value"]["description"] == "test"
    assert payload["value"]["dn_list"][0]["phone"] == "89161000232"
    assert await last_cdrs(simulator) == []


async def test_recording_download(simulator):
    await configure(simulator, [{"phone": "89160000001", "record": True}])
    await place(simulator, script={"89160000001": {"answer_after": 1, "hangup_after": 12}})
    await simulator.advance(60)
    (record,) = await last_cdrs(simulator)
    reply = await send(simulator, SLUG, "GET", f"/api/v4/record?phone={UN}&id={record['id']}",
                       headers={"Authorization": "Api-Key aa-5f0c2b7e9d4a4c1b8e6f3a2d1c0b9a87"})
    assert reply.status == 200
    assert reply.content_type == "audio/mpeg"
    assert reply.headers["Content-Disposition"] == f'attachment; filename="{record["id"]}.mp3"'
    assert len(reply.body) > 100
    status, payload, _, _ = await call(simulator, "GET", f"/api/v4/record?phone={UN}&id=34460583")
    assert status == 404 and payload["value"] is None
    status, payload, _, _ = await call(simulator, "GET", f"/api/v4/record?phone=9854071111&id={record['id']}")
    assert status == 404
    status, payload, _, _ = await call(simulator, "GET", f"/api/v4/record?phone={UN}")
    assert status == 400


async def test_nobody_on_duty_with_voice_mail(simulator):
    await configure(simulator, [{"phone": "89160000001", "day": 2}], need_record=True)  # Tuesdays only
    await place(simulator, caller={"answer_after": 0, "hangup_after": 20})
    await simulator.advance(60)
    (record,) = await last_cdrs(simulator)
    assert tokens(record) == "NO_DNS-Rec_Start-Rec_Stop"
    assert record["duration"] == 20
    assert len(simulator.journal(provider=SLUG, kind="voice_email")) == 1


async def test_distribution_matches_a_model_on_random_dn_lists(simulator):
    """Property-style: random DN lists and party behaviours (seeded), one call each, against a model."""
    import random

    rng = random.Random(20261123)
    outcomes = {
        "answer": {"answer_after": 2, "hangup_after": 10},
        "busy": {"busy": True},
        "no_answer": {"no_answer": 0},
        "unavailable": {"unavailable": True},
    }
    for case in range(30):
        await simulator.reset()
        dns, script, phones = [], {}, []
        for i in range(rng.randint(0, 4)):
            phone = f"8916000{case:02d}{i:02d}"
            begin = rng.randint(0, 12)
            end = rng.randint(begin, 23)
            dn = {"phone": phone, "priority": rng.randint(0, 3), "locked": rng.random() < 0.2,
                  "day": rng.choice([0, 0, 1, 2]), "begin": f"{begin:02d}:00:00", "end": f"{end:02d}:59:59"}
            kind = rng.choice(list(outcomes))
            dns.append((dn, kind))
            script[phone] = outcomes[kind]
        await configure(simulator, [dn for dn, _ in dns], make_call_time=15, need_record=False)
        c = await place(simulator, script=script)
        await simulator.advance(400)
        assert c.ended
        (record,) = await last_cdrs(simulator)

        # the model: Monday 09:00, on duty, unlocked, by priority then list order
        on_duty = [(dn["priority"], i, dn, kind) for i, (dn, kind) in enumerate(dns)
                   if not dn["locked"] and dn["day"] in (0, 1) and dn["begin"] <= "09:00:00" <= dn["end"]]
        on_duty.sort(key=lambda t: (t[0], t[1]))
        expected = []
        if not on_duty:
            expected = ["NO_DNS"]
        else:
            for _, _, dn, kind in on_duty:
                expected.append(f"TryToCall:{dn['phone']}")
                if kind == "answer":
                    expected.append("Conn")
                    break
                expected.append(f"Busy({dn['phone']})" if kind == "busy" else "NoAnswer")
            else:
                expected.append("No_AvDNS")
        assert tokens(record) == "-".join(expected), (case, dns)


async def test_control_api_describes_live_state(simulator):
    await configure(simulator, [{"phone": "89160000001", "channels": 1}], max_queue_time=60)
    first = await place(simulator, script={"89160000001": {"answer_after": 1, "hangup_after": 100}})
    await simulator.advance(5)
    await place(simulator, frm="+79160000777")
    await simulator.advance(5)
    async with simulator.request("GET", "/_sim/providers/mts-autosecretary") as resp:
        assert resp.status == 200
        state = (await resp.json())["state"]
    un = state["uns"][UN]
    assert un["owner"] == "user" and un["channels_in_use"] == {"89160000001": 1} and un["queued"] == 1
    calls = {c["call_id"]: c for c in state["live_calls"]}
    assert calls[first.id]["phase"] == "connected"
    assert calls[first.id]["log"].endswith("--TryToCall:89160000001-Conn")
    assert sorted(c["phase"] for c in calls.values()) == ["connected", "queue"]
    assert state["accounts"]["user"]["uns"] == ["4954071111", "9854071111", "9854079998"]
