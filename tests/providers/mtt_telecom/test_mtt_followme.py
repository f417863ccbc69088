"""setFollowme / getFollowme, PERIOD expressions (property tests) and follow-me routing of
inbound calls on the simulated clock (the default world starts on Monday 09:00 MSK)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.providers.mtt_telecom.period import PeriodError, parse

from .conftest import OTHER

MSK = timezone(timedelta(hours=3))
EXAMPLE = ["74951345897", [
    {"timeout": 15, "redirect_number": "79684881033", "name": "79684881033", "active": "Y", "period": "always",
     "period_description": "Always", "follow_order": 1},
    {"timeout": 15, "redirect_number": "79636793312", "name": "79636793312", "active": "Y", "period": "always",
     "period_description": "Always", "follow_order": 2}]]


async def test_documented_examples(rpc):
    status, body = await rpc("setFollowme", EXAMPLE)
    assert status == 200 and body == {"jsonrpc": "2.0", "id": "1", "result": {"success": 1}}
    status, body = await rpc("getFollowme", ["74951345987"])
    result = body["result"]
    assert result["sip_id"] == "883140776011039" and result["i_account"] == "44635974"
    assert result["followme_struct"][0] == 3
    assert result["followme_struct"][1][2] == {
        "I_FOLLOW_ORDER": "3", "ACTIVE": "Y", "NAME": "79684881035", "REDIRECT_NUMBER": "79684881035",
        "PERIOD": "hr{13}min{0-59}wd{mo-fr},hr{14-17}wd{mo-fr},hr{18}min{0-58}wd{mo-fr}",
        "PERIOD_DESCRIPTION": "hr{13}min{0-59}wd{mo-fr},hr{14-17}wd{mo-fr},hr{18}min{0-58}wd{mo-fr}", "TIMEOUT": "15"}


async def test_set_then_get_orders_by_follow_order_and_keeps_optional_fields(rpc, simulator):
    rows = [{"timeout": "20", "redirect_number": "+79161234567", "follow_order": 2, "keep_original_cli": "N",
             "use_tcp": "Y", "domain": "sip.example.ru"},
            {"redirect_number": "79684881033", "follow_order": 1, "period": "wd{sa-su}", "active": "N"}]
    assert (await rpc("setFollowme", ["74951345897", rows]))[1]["result"] == {"success": 1}
    status, body = await rpc("getFollowme", {"sip_id": "74951345897"})
    count, items = body["result"]["followme_struct"]
    assert count == 2 and [i["REDIRECT_NUMBER"] for i in items] == ["79684881033", "79161234567"]
    assert items[0] == {"I_FOLLOW_ORDER": "1", "ACTIVE": "N", "NAME": "79684881033", "REDIRECT_NUMBER": "79684881033",
                        "PERIOD": "wd{sa-su}", "PERIOD_DESCRIPTION": "wd{sa-su}", "TIMEOUT": "15"}
    assert items[1]["TIMEOUT"] == "20" and "USE_TCP" not in items[1]
    account = simulator.sim.providers["mtt-telecom"].state.account("74951345897").account
    assert account.followme[1].keep_original_cli == "N" and account.followme[1].domain == "sip.example.ru"
    # a single row is order 1 whatever follow_order says
    await rpc("setFollowme", ["74951345897", [{"redirect_number": "79684881033", "follow_order": 7}]])
    assert (await rpc("getFollowme", ["74951345897"]))[1]["result"]["followme_struct"][1][0]["I_FOLLOW_ORDER"] == "1"


async def test_followme_errors(rpc):
    status, body = await rpc("setFollowme", ["74951345897", []])
    assert status == 404 and body["error"] == {"code": -32001, "message": "Data not found",
                                               "data": "No followMe on this account"}
    status, body = await rpc("setFollowme", ["70000000000", EXAMPLE[1]])
    assert status == 404 and body["error"] == {"code": -32001, "message": "Data not found"}
    status, body = await rpc("setFollowme", ["74950009999", EXAMPLE[1]])
    assert status == 200 and body["error"] == {"code": -32002, "message": "Permission denied",
                                               "data": "You can not access to this sip_id"}
    status, body = await rpc("getFollowme", ["74951345897"], auth=OTHER)
    assert body["error"]["data"] == "You can not access to this sip_id"
    status, body = await rpc("getFollowme", ["70000000000"])
    assert status == 404 and body["error"]["data"] == "This account does not exist"
    status, body = await rpc("getFollowme", ["74951001010"])
    assert status == 404 and body["error"]["data"] == "No followMe on this account"
    for bad, name in (({"redirect_number": "12ab"}, "redirect_number"),
                      ({"redirect_number": "79684881033", "period": "hr{25}"}, "period"),
                      ({"redirect_number": "79684881033", "active": "maybe"}, "active"),
                      ({"redirect_number": "79684881033", "keep_original_cli": "X"}, "keep_original_cli"),
                      ({"redirect_number": "79684881033", "timeout": "soon"}, "timeout")):
        status, body = await rpc("setFollowme", ["74951345897", [bad]])
        assert body["error"] == {"code": -32602, "message": "Invalid params", "data": f"Unknown param '{name}' value"}
    status, body = await rpc("setFollowme", ["74951345897"])
    assert body["error"]["code"] == -32602


# ------------------------------------------------------------------ PERIOD
def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23 + day, hour, minute, tzinfo=MSK)   # day 0 = Monday


@pytest.mark.parametrize("expr, when, expected", [
    ("always", at(5, 3), True), ("", at(0, 0), True), ("never", at(0, 9), False),
    ("hr{9}min{0-59}wd{mo-fr},hr{10}min{0-58}wd{mo-fr}", at(0, 9, 30), True),
    ("hr{9}min{0-59}wd{mo-fr},hr{10}min{0-58}wd{mo-fr}", at(0, 10, 59), False),
    ("hr{9}min{0-59}wd{mo-fr},hr{10}min{0-58}wd{mo-fr}", at(5, 9, 30), False),
    ("hr{14-17}wd{mo-fr}", at(4, 17, 59), True), ("wd{fr-mo}", at(0, 12), True), ("wd{fr-mo}", at(2, 12), False),
    ("hr{9am-5pm}", at(1, 16), True), ("hr{9am-5pm}", at(1, 18), False), ("wd {sa su}", at(6, 1), True),
    ("mo{nov} md{23}", at(0, 1), True), ("yr{2027}", at(0, 1), False), ("wk{4}", at(0, 1), True),
])
def test_period_examples(expr, when, expected):
    assert parse(expr).matches(when) is expected


@pytest.mark.parametrize("bad", ["hr{24}", "hr{}", "foo{1}", "hr{1-}", "hr{9}hr{10}", "hr{9},", "hr{9", "wd{xx}",
                                 "min{60}", "hr{13pm}"])
def test_bad_periods(bad):
    with pytest.raises(PeriodError):
        parse(bad)


SCALES = {"hr": (0, 23), "min": (0, 59), "wd": (1, 7), "md": (1, 31), "mo": (1, 12)}
term = st.sampled_from(sorted(SCALES)).flatmap(
    lambda s: st.lists(st.tuples(st.integers(*SCALES[s]), st.integers(*SCALES[s])), min_size=1, max_size=3)
    .map(lambda rs: (s, " ".join(f"{a}-{b}" for a, b in rs))))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(term, min_size=1, max_size=4, unique_by=lambda t: t[0]), min_size=1, max_size=3),
       st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_generated_periods_parse_and_evaluate(parts, when):
    expr = ",".join("".join(f"{s}{{{body}}}" for s, body in part) for part in parts)
    assert isinstance(parse(expr).matches(when), bool)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="hrminwdmoyrsk{}-, 0123456789apm", max_size=40))
def test_any_text_parses_or_raises_period_error(text):
    try:
        parse(text)
    except PeriodError:
        pass


# ----------------------------------------------------------------- routing
def dialled(call):
    return [leg.number for leg in call.legs.values() if leg.role == "dialled"]


async def test_inbound_call_rings_followme_in_order(simulator):
    call = await simulator.start_call("mtt-telecom", "+79031234567", "+74951345897")
    await simulator.advance(5)
    assert dialled(call) == ["79684881033"] and call.state != "ended"
    assert any(e["event"] == "call.bridged" for e in call.timeline)


async def test_periods_choose_by_simulated_time(simulator):
    call = await simulator.start_call("mtt-telecom", "79031234567", "74951345987")   # Monday 09:00
    await simulator.advance(1)
    assert dialled(call) == ["79684881033"]
    await simulator.advance(2 * 3600)                                                  # 11:00
    call = await simulator.start_call("mtt-telecom", "79031234567", "74951345987")
    await simulator.advance(1)
    assert dialled(call) == ["79684881034"]
    await simulator.advance(5 * 86400)                                                 # Saturday: no row
    call = await simulator.start_call("mtt-telecom", "79031234567", "74951345987")
    await simulator.advance(1)
    assert dialled(call) == [] and call.ended and call.cause == 20


async def test_no_answer_goes_to_the_next_row_and_keep_original_cli(rpc, simulator):
    await rpc("setFollowme", ["74951345897", [
        {"redirect_number": "79684881035", "timeout": 10, "follow_order": 1},
        {"redirect_number": "79636793312", "timeout": 15, "follow_order": 2, "keep_original_cli": "N"}]])
    call = await simulator.start_call("mtt-telecom", "79031234567", "74951345897")
    await simulator.advance(20)
    legs = [leg for leg in call.legs.values() if leg.role == "dialled"]
    assert [leg.number for leg in legs] == ["79684881035", "79636793312"]
    assert legs[0].cause == 19 and legs[0].caller_id == "79031234567"
    assert legs[1].caller_id == "74951345897" and legs[1].answered_at is not None
