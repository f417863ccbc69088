"""Models against the document's fixtures, and the pure backend state."""
import json
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from simulator.providers.mts_vpbx import models as m
from simulator.providers.mts_vpbx.backend import SUBSCRIPTION_LIFETIME, Backend
from simulator.providers.mts_vpbx.errors import VpbxError
from simulator.providers.mts_vpbx.schedule import schedule_active
from simulator.providers.mts_vpbx.world import MtsVpbxWorld

HERE = Path(__file__).parent
EXAMPLES = HERE.parents[2] / "contracts" / "mts-vpbx" / "examples"
TOKEN = "215ef687-e898-419d-810c-2864efc0b1d0"
NOW = 1795420800.0  # 2026-11-23 09:00 MSK


def load(name):
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


DEFAULT_WORLD = HERE.parents[2] / "simulator" / "world" / "default.yaml"


def section() -> dict:
    return yaml.safe_load(DEFAULT_WORLD.read_text(encoding="utf-8"))["providers"]["mts-vpbx"]


@pytest.fixture
def backend():
    return Backend(MtsVpbxWorld.model_validate(section()), seed=1, now=NOW)


@pytest.fixture
def ent(backend):
    return backend.enterprise_for_token(TOKEN)


def test_document_response_examples_parse():
    m.Abonent.model_validate(load("4.4-abonents.response.json")[0])
    m.CallHistoryPage.model_validate(load("4.5-callHistory-enterprise.response.json"))
    for n in ("4.5.1-1-ivr", "4.5.1-2-queue", "4.5.1-3-agent-busy", "4.5.1-4-agent-answered"):
        m.CallHistoryRecord.model_validate(load(f"{n}.record.json"))
    m.Subscription.model_validate(load("4.6.1-subscription-post.response.json"))
    m.Group.model_validate(load("4.10-groups.response.json")[0])
    m.FindMe.model_validate({"sequentialRules": [], "redirectRules": [], **load("4.11.1-findMe.response.json")})
    m.FindMe.model_validate(load("4.11.1-findMe-full.response.json"))
    m.Schedule.model_validate(load("4.12.1-schedules-abonent.response.json"))


def test_document_request_examples_parse():
    assert m.RedirectRuleIn.model_validate(load("4.11.2-findMe-redirect.request.json")).ifNoAnswerTimeout is None
    seq = m.SequentialRuleIn.model_validate(load("4.11.2-findMe-sequential.request.json"))
    assert seq.ruleNumbers[0].timeout == 3 and seq.continueSearchIfBusy
    s = m.ScheduleIn.model_validate(load("4.12.3-schedules-abonent-post.request.json"))
    assert s.workDaysRules[0].startTime == "00:00" and s.excludedDaysRules[0].endTime == "23:59"


def test_rule_limits():
    with pytest.raises(ValidationError, match="30"):
        m.ParallelRuleIn.model_validate({"ruleName": "x" * 31, "ruleNumbers": []})
    nums = [{"number": str(100 + i), "status": True, "name": "n"} for i in range(11)]
    with pytest.raises(ValidationError, match="10"):
        m.ParallelRuleIn.model_validate({"ruleName": "ok", "ruleNumbers": nums})
    m.ParallelRuleIn.model_validate({"ruleName": "x" * 30, "ruleNumbers": nums[:10]})


def test_schedudy_alias():
    r = m.RedirectRuleIn.model_validate({"ruleName": "r", "schedudyId": 1348})
    assert r.scheduleId == 1348


def test_world_loads_document_ids(backend, ent):
    assert ent.abonent(1735).bwksUserId == "X214G1A2I@nvg.ru"
    fm = ent.findme_of(1233).view()
    assert fm.parallelRules[0].id == 1066 and [n.ruleId for n in fm.parallelRules[0].ruleNumbers] == [1069, 1070]
    assert fm.redirectRules[0].alwaysRedirect == "650"
    assert {s.recordId for s in ent.schedules_for_abonent(1735)} >= {1348, 215695, 1349, 1350}
    assert ent.is_subscribed(1735, NOW)


def test_abonent_filters(ent):
    assert [a.userId for a in ent.list_abonents(extension="201")] == [1735]
    assert [a.userId for a in ent.list_abonents(phone="89160001234")] == [1234]
    assert ent.list_abonents(phone="+70000000000") == []
    assert len(ent.list_abonents()) == 4


def test_tenants_do_not_share(backend, ent):
    other = backend.by_id[30770]
    with pytest.raises(VpbxError) as e:
        other.abonent(1735)
    assert e.value.status == 404


def test_subscription_lifecycle(ent):
    sub = ent.subscribe(1234, NOW)
    assert ent.subscription_view(sub, NOW).expires == 3600
    assert ent.subscription_view(ent.subscription(1234, sub.subscriptionId, NOW + 600), NOW + 600).expires == 3000
    ent.renew(1234, sub.subscriptionId, NOW + 600)
    assert ent.subscription_view(sub, NOW + 600).expires == 3600
    assert ent.expire(sub.subscriptionId, 0, NOW + SUBSCRIPTION_LIFETIME) is None  # stale timer after renewal
    assert ent.expire(sub.subscriptionId, sub.generation, NOW + 600 + SUBSCRIPTION_LIFETIME) is sub
    with pytest.raises(VpbxError):
        ent.subscription(1234, sub.subscriptionId, NOW + 5000)


def test_subscription_errors(ent):
    with pytest.raises(VpbxError) as e:
        ent.subscription(1735, "nope", NOW)
    assert e.value.status == 404
    with pytest.raises(VpbxError) as e:
        ent.subscribe(999999, NOW)
    assert e.value.status == 404


def test_activation_rules(ent):
    with pytest.raises(VpbxError) as e:
        ent.activate("apicrm", "http://x/y", None)
    assert e.value.status == 400 and "clientApiKey" in e.value.message
    with pytest.raises(VpbxError, match="callbackUrl"):
        ent.activate("webhook", "no url", None)
    svc = ent.activate("webhook", "http://127.0.0.1:1/h", None)
    svc.errorCount = 1999
    assert ent.delivery_failed("webhook") and not svc.active
    ent.activate("webhook", "http://127.0.0.1:1/h", None)
    assert svc.active and svc.errorCount == 0


def test_check_alive_three_failures_disable(ent):
    ent.activate("apicrm", "http://127.0.0.1:1/h", "k")
    assert not ent.check_alive_result("apicrm", True, NOW)
    assert not ent.check_alive_result("apicrm", False, NOW)  # a success resets the run
    assert not ent.check_alive_result("apicrm", True, NOW)
    assert not ent.check_alive_result("apicrm", True, NOW)
    assert ent.check_alive_result("apicrm", True, NOW)
    assert not ent.services["apicrm"].active
    assert [n["kind"] for n in ent.notices] == ["email", "sms"]
    assert "после 3 неудачных попыток" in ent.notices[1]["text"]


def test_findme_crud_and_ids(ent):
    body = m.SequentialRuleIn.model_validate(load("4.11.2-findMe-sequential.request.json"))
    rule = ent.save_rule(1735, "sequential", body)
    assert rule.id > 1256 and rule.ruleNumbers[0].ruleId != rule.id
    upd = m.SequentialRuleIn.model_validate({**body.model_dump(), "ruleName": "новое",
                                             "ruleNumbers": [{"ruleId": rule.ruleNumbers[0].ruleId, "number": "004",
                                                              "status": True, "name": "x", "timeout": 2}]})
    rule2 = ent.save_rule(1735, "sequential", upd, rule.id)
    assert rule2.id == rule.id and rule2.ruleNumbers[0].ruleId == rule.ruleNumbers[0].ruleId
    assert ent.findme_of(1735).view().sequentialRules[0].ruleName == "новое"
    ent.delete_rule(1735, "sequential", rule.id)
    with pytest.raises(VpbxError) as e:
        ent.delete_rule(1735, "sequential", rule.id)
    assert e.value.status == 404


def test_rule_schedule_must_exist(ent):
    with pytest.raises(VpbxError) as e:
        ent.save_rule(1735, "redirect", m.RedirectRuleIn(ruleName="r", alwaysRedirect="650", scheduleId=424242))
    assert e.value.status == 400


def test_too_many_rules(ent):
    for i in range(10):
        ent.save_rule(1234, "parallel", m.ParallelRuleIn(ruleName=f"r{i}"))
    with pytest.raises(VpbxError) as e:
        ent.save_rule(1234, "parallel", m.ParallelRuleIn(ruleName="r11"))
    assert e.value.status == 400


def test_schedule_crud(ent):
    body = m.ScheduleIn.model_validate(load("4.12.2-schedules-group-post.request.json"))
    s = ent.create_schedule("group", 2, body)
    assert s.type == "group" and s.recordId > 215695
    assert s.recordId in {x.recordId for x in ent.schedules_for_abonent(1234)}  # abonent of group 2
    upd = body.model_copy(update={"recordId": s.recordId, "name": "renamed"})
    assert ent.update_schedule("group", 2, upd).name == "renamed"
    ent.delete_schedule("group", 2, s.recordId)
    with pytest.raises(VpbxError) as e:
        ent.delete_schedule("group", 1, 1349)
    assert e.value.status == 400  # notBeRemoved
    with pytest.raises(VpbxError) as e:
        ent.delete_schedule("abonent", 1735, None)
    assert e.value.status == 400


def test_schedule_evaluation():
    s = m.ScheduleIn.model_validate(load("4.12.1-schedules-abonent.response.json"))
    assert schedule_active(s, datetime(2026, 11, 25, 10, 0))        # Wednesday 10:00
    assert not schedule_active(s, datetime(2026, 11, 25, 17, 0))    # end is exclusive
    assert not schedule_active(s, datetime(2026, 11, 23, 10, 0))    # Monday
    assert schedule_active(s, datetime(2020, 4, 11, 9, 0))          # excluded (extra working) day, a Saturday
    s2 = s.model_copy(update={"holidaysRules": [m.HolidayRule(startDate="25-11-2026")]})
    assert not schedule_active(s2, datetime(2026, 11, 25, 10, 0))


def test_history_query_and_paging(ent):
    page = ent.history.query(m.CallHistoryQuery(size=10))
    assert page.totalElements == 144 and page.totalPages == 15 and len(page.content) == 10
    times = [r.callTime for r in ent.history.query(m.CallHistoryQuery(size=1000)).content]
    assert times == sorted(times)
    q = m.CallHistoryQuery(dateFrom=1558971019000, dateTo=1558971666000, size=10)
    assert [r.extTrackingId for r in ent.history.query(q).content] == ["21289855:1", "21289875:1"]
    q = m.CallHistoryQuery(dateFrom=1558971019, dateTo=1558971666, size=10)  # seconds work too
    assert ent.history.query(q).totalElements == 2
    user = ent.history.query(m.CallHistoryQuery(size=1000), user_id=1735)
    assert all(r.userId == "X214G1A2I@nvg.ru" for r in user.content)
    grp = ent.history.query(m.CallHistoryQuery(size=1000), group_id=1)
    assert grp.totalElements == page.totalElements  # group 1 is the root of every group
    missed = ent.history.query(m.CallHistoryQuery(status="MISSED", direction="TERMINATING", size=1000))
    assert all(r.status == "MISSED" and r.direction == "TERMINATING" for r in missed.content)


def test_history_is_deterministic():
    raw = section()
    a = Backend(MtsVpbxWorld.model_validate(raw), seed=7, now=NOW).enterprise_for_token(TOKEN)
    b = Backend(MtsVpbxWorld.model_validate(raw), seed=7, now=NOW).enterprise_for_token(TOKEN)
    qa = a.history.query(m.CallHistoryQuery(size=1000)).model_dump()
    assert qa == b.history.query(m.CallHistoryQuery(size=1000)).model_dump()


def test_recording_key_long_form(ent):
    assert ent.recording_key("11122233:1") == "11122233:1"
    assert ent.recording_key("11122233:1callhalf-3659097569:0") == "11122233:1"
    assert ent.recording_key("nope") is None


def test_snapshot_is_stable_for_a_seed():
    from simulator.settings import Settings
    from simulator.sim import Simulator

    a = Simulator(Settings(manual_clock=True, access_log=False)).providers["mts-vpbx"].snapshot()
    b = Simulator(Settings(manual_clock=True, access_log=False)).providers["mts-vpbx"].snapshot()
    assert a == b and len(a["X214"]) == 144
