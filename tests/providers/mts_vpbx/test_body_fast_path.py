"""A small body validated by pydantic-core over its bytes (wire.body_as) gives what the
general way (loads_json, then the model's Python validation) gives, for every body both accept;
a body only the general way accepts, or none does, goes the general way and is worded by it."""
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from simulator.http import JsonBodyError, loads_json
from simulator.providers.mts_vpbx.models import (
    ParallelRuleIn, RedirectRuleIn, ScheduleIn, SequentialRuleIn, ServiceActivation,
)

EXAMPLES = Path(__file__).parents[3] / "contracts" / "mts-vpbx" / "examples"
MODELS = (ScheduleIn, ParallelRuleIn, SequentialRuleIn, RedirectRuleIn, ServiceActivation)

scalars = (st.none() | st.booleans() | st.integers(-3, 30) | st.integers() | st.floats(allow_nan=False)
           | st.sampled_from(["", " ", "0", "1", "12", "true", "yes", "off", "08:00", "8-00", "24:00",
                              "08-03-2020", "2020-03-08", "31-02-2020", "+74951234567", "100", "Y"])
           | st.text(max_size=8))
values = st.recursive(scalars, lambda children: st.lists(children, max_size=3)
                      | st.dictionaries(st.text(max_size=4), children, max_size=3), max_leaves=6)
rule = st.fixed_dictionaries({}, optional={k: scalars for k in (
    "startTime", "endTime", "allDayEvent", "monday", "sunday", "startDate", "number", "status", "name",
    "timeout", "ruleId")})
field_values = st.one_of(scalars, st.lists(rule, max_size=3), values)
names = ["recordId", "name", "workDaysRules", "holidaysRules", "excludedDaysRules", "id", "ruleName",
         "calledNumber", "scheduleId", "schedudyId", "ruleNumbers", "continueSearchIfBusy", "alwaysRedirect",
         "ifBusyRedirect", "ifNoAnswerRedirect", "ifNoAnswerTimeout", "ifNoAccessRedirect", "conditional",
         "callbackUrl", "clientApiKey", "unknown"]
bodies = st.fixed_dictionaries({}, optional={name: field_values for name in names})


def general(model, raw: bytes):
    try:
        data = loads_json(raw)
    except JsonBodyError:
        return "refused"
    if not isinstance(data, dict):
        return "refused"
    try:
        return model.model_validate(data)
    except ValidationError:
        return "refused"


def fast(model, raw: bytes):
    try:
        return model.__pydantic_validator__.validate_json(raw)
    except ValidationError:
        return None  # the general way takes it


def check(model, raw: bytes) -> None:
    got = fast(model, raw)
    if got is not None:
        expected = general(model, raw)
        assert expected != "refused", raw
        assert got == expected and got.__dict__ == expected.__dict__


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(MODELS), bodies, st.booleans())
def test_the_fast_path_validates_as_the_general_one(model, body, ascii_only):
    check(model, json.dumps(body, ensure_ascii=ascii_only).encode("utf-8"))


@given(st.sampled_from(MODELS), st.binary(max_size=40) | st.sampled_from(
    [b'{"name":"\\ud800"}', b'\xef\xbb\xbf{"name":"x"}', b'{"name":"x"}x', b'[{"name":"x"}]', b'{"name":"x","a":NaN}',
     b'{"ruleName":"x","id":' + b"1" * 4400 + b"}"]))
def test_bytes_the_general_way_refuses_never_pass(model, raw):
    check(model, raw)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("4.1[12]*.request.json")) + sorted(EXAMPLES.glob("4.[12]-*.request.json")),
                         ids=lambda p: p.name)
def test_the_documented_bodies_take_the_fast_path(path):
    raw = path.read_bytes()
    model = (ScheduleIn if "schedules" in path.name else ServiceActivation if "service" in path.name
             else {"parallel": ParallelRuleIn, "sequential": SequentialRuleIn, "redirect": RedirectRuleIn}[
                 path.name.split("-")[2].split(".")[0]])
    got = fast(model, raw)
    assert got is not None and got == general(model, raw)
