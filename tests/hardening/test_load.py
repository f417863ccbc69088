"""Bounded load: N calls produce exactly the expected callbacks, each delivered once (or retried
by the provider's documented policy when the application failed it), every attempt in the journal."""
from __future__ import annotations

from collections import Counter, defaultdict
from urllib.parse import parse_qs

from lxml import etree

from .conftest import AUTH, basic

CALLS = 200
SPACING = 10.0  # simulated seconds between two calls: each is over before the next starts
# these tests are about retries after failed answers, not timeouts: a loaded machine may take longer
# than the manual clock's 1 s attempt timeout to answer on loopback
PATIENT = {"callbacks": {"timeout": 30}}


def failing_every(n: int, skip=lambda req: False):
    """A sink handler answering 500 to every n-th request it does not skip, 200 to the rest."""
    seen = {"count": 0}

    def handler(req):
        if skip(req):
            return 200, ""
        seen["count"] += 1
        return (500, "boom") if seen["count"] % n == 0 else (200, "")
    return handler


async def test_mts_vpbx_200_calls_each_event_delivered_once_or_retried(simulator, callback_sink):
    simulator.patch_world(PATIENT)
    callback_sink.respond("/hook", handler=failing_every(7, skip=lambda r: r.json()["eventType"] == "CHECK_ALIVE"))
    async with simulator.request("POST", simulator.url("mts-vpbx", "/api/service/apicrm"), headers=AUTH["mts-vpbx"],
                                 json={"callbackUrl": callback_sink.url("/hook"), "clientApiKey": "k"}) as resp:
        assert resp.status == 200
    await simulator.settle()
    calls = []
    for _ in range(CALLS):  # abonent 1735 is subscribed; the caller gives up while it rings
        calls.append(await simulator.start_call("mts-vpbx", "+79161234567", "+79160001735",
                                                caller={"give_up_after": 2}))
        await simulator.advance(SPACING)
    await simulator.advance(120)  # the last retries (5 s after a failure)

    received = [r.json() for r in callback_sink.received("/hook") if r.json()["eventType"] != "CHECK_ALIVE"]
    sent = [e for e in simulator.callbacks(provider="mts-vpbx") if e["operation"] != "CHECK_ALIVE"]
    assert len(sent) == len(received)  # every attempt the application saw is in the journal
    by_event = defaultdict(list)
    for entry in sent:
        by_event[(entry["call_id"], entry["operation"])].append(entry)
    assert set(by_event) == {(c.id, kind) for c in calls for kind in ("CALL_RECEIVED", "CALL_RELEASED")}
    for attempts in by_event.values():
        statuses = [e["status"] for e in attempts]
        assert statuses[-1] == 200 and set(statuses[:-1]) <= {500}, statuses    # once, after its failures
        assert [e["attempt"] for e in attempts] == list(range(1, len(attempts) + 1))
        times = [e["sim_time"] for e in attempts]
        assert [round(b - a, 3) for a, b in zip(times, times[1:])] == [5.0 * n for n in range(1, len(times))]
    delivered = Counter((e["payload"]["extTrackingId"], e["eventType"]) for e in received)
    assert len(delivered) == 2 * CALLS
    retried = sum(len(a) - 1 for a in by_event.values())
    assert retried == len(received) - 2 * CALLS and retried >= (2 * CALLS) // 7 - 1


def messages(entries: list[dict]) -> list[list[dict]]:
    """Journal attempts grouped into messages: a target's queue holds later messages back while
    one is retried, so a message's attempts follow one another and a new one starts at attempt 1."""
    out: list[list[dict]] = []
    for entry in entries:
        if entry["attempt"] == 1:
            out.append([entry])
        else:
            assert out and out[-1][-1]["attempt"] == entry["attempt"] - 1, entry
            out[-1].append(entry)
    return out


async def test_mtt_business_100_calls_each_notification_delivered_once_or_retried(simulator, callback_sink):
    slug, sever = "mtt-business", "67821426"
    world = simulator.sim.world_section(slug)
    simulator.patch_world(PATIENT)
    simulator.patch_world({"providers": {slug: {"tenants": {sever: {"integrations": {
        i: {"notification_url": callback_sink.url("/n")} for i in world.tenants[sever].integrations}}}}}})
    callback_sink.respond("/n", handler=failing_every(7))
    calls = []
    for _ in range(CALLS // 2):  # nine notifications a call; 74996497803 is parked 5 s, then its workplace answers for 4 s (§10.1.1)
        calls.append(await simulator.start_call(slug, "78124241500", "74996497803"))
        await simulator.advance(4 * SPACING)
    await simulator.advance(60)

    sent = [e for e in simulator.callbacks(provider=slug) if e["url"].endswith("/n")]
    received = callback_sink.received("/n")
    assert len(sent) == len(received)  # every attempt the application saw is journaled
    arrival = {entry["id"]: n for n, entry in enumerate(sent)}
    by_call: dict[str, list[str]] = defaultdict(list)
    attempts = 3  # the world's notification_attempts
    for message in messages(sent):
        statuses = [e["status"] for e in message]
        assert statuses[-1] == 200 and set(statuses[:-1]) <= {500} and len(message) <= attempts, statuses
        times = [e["sim_time"] for e in message]
        assert all(round(b - a, 3) == 2.0 for a, b in zip(times, times[1:]))  # notification_retry_delay
        body = received[arrival[message[-1]["id"]]].json()
        if body["event"] == "callNotifications":
            by_call[message[0]["call_id"]].append(body["result"]["callInfo"]["state"])
    documented = ["trying", "showing", "showing", "connected", "connected", "finished", "finished",
                  "recorded", "recorded"]
    assert set(by_call) == {c.id for c in calls}
    assert all(states == documented for states in by_call.values())
    assert sum(len(m) - 1 for m in messages(sent)) >= len(sent) // 7 - 1  # failures were retried


def delivered_once(sent: list[dict], received: list, *, attempts: int, delay: float) -> list:
    """Checks each message of ``sent`` (journal attempts in order, one target) ends with its one 200
    after at most ``attempts`` tries ``delay`` apart, and returns the delivered bodies in order."""
    assert len(sent) == len(received)  # every attempt the application saw is journaled
    arrival = {entry["id"]: n for n, entry in enumerate(sent)}
    out = []
    for message in messages(sent):
        statuses = [e["status"] for e in message]
        assert statuses[-1] == 200 and set(statuses[:-1]) <= {500} and len(message) <= attempts, statuses
        times = [e["sim_time"] for e in message]
        assert all(round(b - a, 3) == delay for a, b in zip(times, times[1:]))
        out.append((message[0]["call_id"], received[arrival[message[-1]["id"]]]))
    assert sum(len(m) - 1 for m in messages(sent)) >= len(sent) // 7 - 1  # failures were retried
    return out


async def test_beeline_cloudcc_50_calls_each_call_status_delivered_once_or_retried(simulator, callback_sink):
    simulator.patch_world(PATIENT)
    slug, b0, b1 = "beeline-cloudcc", "+79265551000", "+79265551001"
    simulator.patch_world({"providers": {slug: {"tenants": {"demo": {"client_url": callback_sink.url("/cs")}}}},
                           "parties": {"numbers": {b0: {"answer_after": 2, "hangup_after": 10},
                                                   b1: {"answer_after": 3, "hangup_after": 100}}}})
    callback_sink.respond("/cs", handler=failing_every(7))
    init_call = f'<InitCall request_id="load" A0="74957850001" B0="{b0}" A1="74957850001" B1="{b1}"/>'
    for _ in range(CALLS // 4):  # the operator hangs up 10 s after the subscriber answers: five callStatus
        async with simulator.request("POST", simulator.url(slug, "/"), data=init_call.encode(),
                                     headers={**AUTH[slug], "Content-Type": "text/xml"}) as resp:
            assert resp.status == 200
        await simulator.advance(4 * SPACING)
    await simulator.advance(60)

    sent = [e for e in simulator.callbacks(provider=slug) if e["url"].endswith("/cs")]
    assert {e["operation"] for e in sent} == {"callStatus"}
    by_call: dict[str, list[tuple]] = defaultdict(list)
    for call_id, request in delivered_once(sent, callback_sink.received("/cs"), attempts=3, delay=5.0):
        status = etree.fromstring(request.body).attrib
        by_call[call_id].append((status["b0_state"], status["b1_state"], status["Reason"]))
    documented = [("CALLING", "", "-1"), ("CONNECTED", "", "-1"), ("CONNECTED", "CALLING", "-1"),
                  ("CONNECTED", "CONNECTED", "-1"), ("SUCCESS", "SUCCESS", "0")]
    assert len(by_call) == CALLS // 4 and all(states == documented for states in by_call.values())


async def test_mtt_telecom_50_smart_calls_each_event_delivered_once_or_retried(simulator, callback_sink):
    simulator.patch_world(PATIENT)
    slug, b = "mtt-telecom", "79101234567"
    simulator.patch_world({"providers": {slug: {"tenants": {"romashka": {"sb_api": {"event_url": callback_sink.url("/sb")}}}}},
                           "parties": {"numbers": {"+" + b: {"answer_after": 2, "hangup_after": 5}}}})
    callback_sink.respond("/sb", handler=failing_every(7))
    ids = [str(1000 + n) for n in range(CALLS // 4)]
    for mess_id in ids:  # the listener hangs up 5 s into the message: o_ and h_ events (TTS smart call)
        body = {"method": "metod", "data": {"messId": mess_id, "sip_id": "79580000000", "a_number": "79581000000",
                                            "b_number": b, "messText": "Информационное сообщение для Вас " * 3}}
        async with simulator.request("POST", simulator.url(slug, "/v1/sb"), json=body,
                                     headers={"Authorization": basic("romashka-sb", "Gnezdo-Sb-2026")}) as resp:
            assert resp.status == 200 and (await resp.json())["result"] == {"success": 1}
        await simulator.advance(4 * SPACING)
    await simulator.advance(60)

    sent = [e for e in simulator.callbacks(provider=slug) if e["url"].endswith("/sb")]
    by_id: dict[str, list[str]] = defaultdict(list)
    for _, request in delivered_once(sent, callback_sink.received("/sb"), attempts=3, delay=10.0):
        event = {k: v[0] for k, v in parse_qs(request.text).items()}
        by_id[event["id"]].append(event["event"])
    assert by_id == {mess_id: [f"o_{b}", f"h_{b}_16_5"] for mess_id in ids}


async def test_mtt_telecom_25_callbacks_each_progress_event_sent_once(simulator, callback_sink):
    simulator.patch_world(PATIENT)
    """CallBack progress events have no retries (one GET each): a failed one stays failed, journaled."""
    slug = "mtt-telecom"
    callback_sink.respond("/cb/event.php", handler=failing_every(7))
    host = callback_sink.base_url.removeprefix("http://") + "/cb"
    ids = []
    for n in range(CALLS // 8):  # side A answers after 3 s, B after 4 s and hangs up 45 s later
        rpc = {"jsonrpc": "2.0", "id": n, "method": "makeCallBackCallFollowme",
               "params": {"customer_name": "88314050000000", "b_number": "+79157775533", "callBackURL": host}}
        async with simulator.request("POST", simulator.url(slug, "/index.php"), json=rpc,
                                     headers=AUTH[slug]) as resp:
            ids.append((await resp.json())["result"]["callBackCall_id"])
        await simulator.advance(8 * SPACING)

    sent = [e for e in simulator.callbacks(provider=slug) if "/cb/event.php" in e["url"]]
    received = callback_sink.received("/cb/event.php")
    assert len(sent) == len(received) and all(e["attempt"] == 1 for e in sent)
    assert [e["status"] for e in sent] == [500 if n % 7 == 0 else 200 for n in range(1, len(sent) + 1)]
    by_id: dict[str, list[str]] = defaultdict(list)
    for request in received:
        by_id[request.query["id"]].append(request.query["event"])
    documented = ["start_side_A", "pickup_side_A", "start_side_B", "start_talk", "end_side_B", "end_side_A"]
    assert by_id == {cid: documented for cid in ids}
