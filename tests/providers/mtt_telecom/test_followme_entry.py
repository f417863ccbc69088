"""setFollowme's rows are built without a second validation (followme._checked_entry): every
row, good or bad, gives the entry or the error the validated model gave."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from simulator.jsonrpc import JsonRpcError
from simulator.providers.mtt_telecom import errors as E
from simulator.providers.mtt_telecom.followme import _OPTIONAL, YN, _entry
from simulator.providers.mtt_telecom.params import as_int, phone
from simulator.providers.mtt_telecom.period import PeriodError, parse
from simulator.providers.mtt_telecom.world import FollowmeEntry


def validated_entry(item: dict) -> FollowmeEntry:
    """_entry as it was: the same checks, then the model validated."""
    number = phone(item.get("redirect_number"))
    if number is None:
        raise E.unknown_value("redirect_number")
    active = str(item.get("active", "Y")).upper()
    if active not in YN:
        raise E.unknown_value("active")
    period = item.get("period") or "always"
    try:
        parse(period)
    except PeriodError:
        raise E.unknown_value("period") from None
    extra = {}
    for key, allowed in _OPTIONAL.items():
        value = item.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str) or (allowed and value.upper() not in allowed):
            raise E.unknown_value(key)
        extra[key] = value.upper() if allowed else value
    name = item.get("name")
    return FollowmeEntry(
        redirect_number=number, name=str(name) if name not in (None, "") else number,
        timeout=as_int(item.get("timeout"), "timeout", default=15, minimum=1, maximum=600), active=active,
        period=period, period_description=str(item.get("period_description") or
                                              ("Always" if period.lower() == "always" else period)),
        **extra)


def outcome(fn, item):
    try:
        entry = fn(item)
    except JsonRpcError as exc:
        return "error", exc.to_json()
    return "ok", (entry, entry.model_dump_json(), entry.model_dump(exclude_unset=True), entry.model_fields_set,
                  repr(entry), entry.model_copy(deep=True))


ANY = st.none() | st.booleans() | st.integers(-5, 700) | st.text(max_size=8)
ITEMS = st.fixed_dictionaries({}, optional={
    "redirect_number": st.sampled_from(["79684881033", "+74951234567", "123", "7968488103x", 79684881033, ""]) | ANY,
    "name": ANY, "timeout": st.sampled_from(["20", " 30 ", 0, 1, 600, 601, 15.0, "x"]) | ANY,
    "active": st.sampled_from(["Y", "n", "N", "yes"]) | ANY,
    "period": st.sampled_from(["always", "Always", "wd{1-5}", "hr{9-18}", "bogus{"]) | ANY,
    "period_description": ANY, "follow_order": ANY,
    **{key: st.sampled_from(["Y", "n", "i", "I", "tcp.example"]) | ANY for key in _OPTIONAL},
})


@settings(max_examples=500, deadline=None)
@given(ITEMS)
def test_rows_are_the_entries_or_errors_the_model_gave(item):
    assert outcome(_entry, item) == outcome(validated_entry, item)


def test_the_bench_row_and_every_field_of_the_model():
    item = {"timeout": 15, "redirect_number": "79684881033", "name": "79684881033", "active": "Y",
            "period": "always", "period_description": "Always", "follow_order": 1,
            "domain": "sip.example", "use_tcp": "y", "keep_original_cli": "i", "keep_original_cld": "N"}
    assert outcome(_entry, item) == outcome(validated_entry, item)
    # a field added to the model must be added to _entry's fields too
    assert list(_entry(item).__dict__) == list(FollowmeEntry.model_fields)
    assert FollowmeEntry.__private_attributes__ == {} and FollowmeEntry.model_config["extra"] == "forbid"


def phone_by_pattern(value):
    """params.phone as it was: the pattern on the stripped text, whatever the value."""
    from simulator.providers.mtt_telecom.params import NUMBER

    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not NUMBER.match(value.strip()):
        return None
    return value.strip().lstrip("+")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789+ \t\n٣१x", max_size=18) | st.integers(-10, 10 ** 16) | st.booleans()
       | st.sampled_from(["79684881033", "7968488103", "796848810330000", "7968488103300001", "+79684881033",
                          " 79684881033\n", "7968488103٣", "79684881033\n"]))
def test_a_phone_number_reads_as_the_pattern_reads_it(value):
    # phone()'s shortcut for 10-15 ASCII digits gives what the pattern and the strips gave
    assert phone(value) == phone_by_pattern(value)


def test_rows_are_kept_in_follow_order_and_given_order():
    import asyncio
    from types import SimpleNamespace

    from simulator.providers.mtt_telecom.followme import set_followme

    account = SimpleNamespace(followme=[])
    ctx = SimpleNamespace(account=lambda sip_id: SimpleNamespace(account=account))
    rows = [{"redirect_number": f"7968488100{n}", "follow_order": order} for n, order in
            enumerate([3, 1, 2, 1, "2", None])]
    assert asyncio.run(set_followme(ctx, "74951345897", rows)) == {"success": 1}
    # a missing follow_order is the row's place (6); equal orders keep the order given
    assert [e.redirect_number[-1] for e in account.followme] == ["1", "3", "2", "4", "0", "5"]
