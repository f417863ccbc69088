"""Parsers and validators of the forms the document uses (property tests)."""
import string

import pytest
from hypothesis import given, strategies as st

from simulator.providers.mts_vpbx import validators as v
from simulator.providers.mts_vpbx.notify import VpbxRetry
from simulator.providers.mts_vpbx.services import check_alive_failed


def retry_delay(attempt):
    """Delay after failed attempt ``attempt``: the wait before the next one."""
    return VpbxRetry(max_attempts=1000).delay_before(attempt + 1)


@given(st.integers(0, 23), st.integers(0, 59), st.sampled_from([":", "-"]))
def test_time_forms_normalize_to_colon(h, m, sep):
    assert v.normalize_time(f"{h:02d}{sep}{m:02d}") == f"{h:02d}:{m:02d}"


@given(st.text(max_size=8))
def test_normalize_time_never_crashes_unexpectedly(text):
    try:
        out = v.normalize_time(text)
    except ValueError:
        return
    assert out is None or (len(out) == 5 and out[2] == ":")


@pytest.mark.parametrize("bad", ["24:00", "12:60", "7", "ab:cd", "12:5"])
def test_bad_times_rejected(bad):
    with pytest.raises(ValueError):
        v.normalize_time(bad)


def test_empty_time_is_none():
    assert v.normalize_time(None) is None and v.normalize_time("") is None


@given(st.dates())
def test_dates_round_trip(d):
    text = f"{d.day:02d}-{d.month:02d}-{d.year:04d}"
    if d.year < 1000:
        return
    assert v.normalize_date(text) == text
    assert v.parse_date(text) == d
    assert v.normalize_date(d.isoformat()) == text


@pytest.mark.parametrize("bad", ["31-02-2020", "2020/01/01", "1-1-20", "", "00-01-2020"])
def test_bad_dates_rejected(bad):
    with pytest.raises(ValueError):
        v.normalize_date(bad)


@pytest.mark.parametrize("raw,expected", [
    ("tel:+78002500990", "+78002500990"),
    ("tel: 78002500990", "+78002500990"),   # a literal + decoded as a space
    ("+493089045511", "+493089045511"),
    ("8800200500", "8800200500"),
    ("718", "718"),
    ("tel:+7 (916) 123-45-67", "+79161234567"),
])
def test_parse_address(raw, expected):
    assert v.parse_address(raw) == expected


@pytest.mark.parametrize("bad", ["", "tel:", "abc", "++7916", "tel:+7916abc", None, 123])
def test_parse_address_rejects(bad):
    assert v.parse_address(bad) is None


@given(st.text(alphabet=string.digits + "+ -()tel:", max_size=30))
def test_parse_address_output_is_dialable(text):
    out = v.parse_address(text)
    assert out is None or v.is_dialable(out)


@pytest.mark.parametrize("url,ok", [
    ("http://test117.hopto.org:7771/api/subscription", True),
    ("https://crm.example/hook", True),
    ("ftp://x/y", False), ("not a url", False), ("http://", False), ("http://host:99999/", False), ("", False),
])
def test_callback_url(url, ok):
    assert v.is_callback_url(url) is ok


@given(st.text(max_size=60))
def test_callback_url_total(text):
    assert v.is_callback_url(text) in (True, False)


def test_digits_key_agrees_on_prefixes():
    assert v.digits_key("+79165817777") == v.digits_key("89165817777") == v.digits_key("9165817777")
    assert v.digits_key("718") == "718"


def test_retry_schedule_arithmetic_then_geometric():
    assert [retry_delay(n) for n in range(1, 11)] == [5, 10, 15, 20, 25, 30, 35, 40, 45, 50]
    assert retry_delay(11) == 100 and retry_delay(12) == 200
    assert retry_delay(50) == 3600


@given(st.integers(1, 200))
def test_retry_delays_grow(n):
    assert retry_delay(n + 1) >= retry_delay(n) > 0


def test_attempt_limits_and_check_alive_modes():
    from pydantic import ValidationError

    from simulator.providers.mts_vpbx.world import EnterpriseConfig
    for n in (9, 51):
        with pytest.raises(ValidationError, match="maxDeliveryAttempts"):
            EnterpriseConfig(id=1, token="t", maxDeliveryAttempts=n)
    assert EnterpriseConfig(id=1, token="t", maxDeliveryAttempts=50).maxDeliveryAttempts == 50
    assert check_alive_failed(404, "transition") and not check_alive_failed(500, "transition")
    assert check_alive_failed(500, "strict") and not check_alive_failed(200, "strict")
    assert check_alive_failed(None, "transition")


# --- request parsing never fails with anything but the portal's 400 -----------------------

from hypothesis import HealthCheck, settings  # noqa: E402

from simulator.providers.mts_vpbx import models as m  # noqa: E402
from simulator.providers.mts_vpbx.errors import VpbxError  # noqa: E402
from simulator.providers.mts_vpbx.wire import parse  # noqa: E402

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12)
FIELDS = ["abonentId", "subscriptionId", "callbackUrl", "clientApiKey", "ruleName", "calledNumber", "ruleNumbers",
          "number", "status", "timeout", "alwaysRedirect", "ifNoAnswerTimeout", "scheduleId", "name",
          "workDaysRules", "holidaysRules", "excludedDaysRules", "startTime", "startDate", "recordId", "direction",
          "dateFrom", "page", "size"]
BODIES = st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=6) | JSON


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([m.ServiceActivation, m.SubscriptionRequest, m.ParallelRuleIn, m.SequentialRuleIn,
                        m.RedirectRuleIn, m.ScheduleIn, m.CallHistoryQuery]), BODIES)
def test_parse_accepts_or_answers_400(model, body):
    try:
        parse(model, body)
    except VpbxError as exc:
        assert exc.status == 400 and exc.message


def test_delivery_policy_follows_the_retry_schedule():
    from simulator.providers.mts_vpbx.notify import VpbxRetry

    policy = VpbxRetry(max_attempts=50)
    assert [policy.delay_before(n + 1) for n in range(1, 50)] == [retry_delay(n) for n in range(1, 50)]
    assert policy.delay_before(51) is None
    assert VpbxRetry(max_attempts=50, alive=lambda: False).delay_before(2) is None
