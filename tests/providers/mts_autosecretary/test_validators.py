import copy

import pytest
from hypothesis import given, settings, strategies as st

from simulator.providers.mts_autosecretary.errors import ApiError
from simulator.providers.mts_autosecretary.validators import (
    normalize_un_phone,
    parse_limit,
    parse_start_id,
    parse_un_update,
)

from .data import DN_EXAMPLE


def msg(body):
    with pytest.raises(ApiError) as info:
        parse_un_update(body)
    assert info.value.status_code == 400
    return info.value.status_msg


def test_document_example_is_valid():
    phone, changes = parse_un_update({"phone": "4954071111", "dn_list": [DN_EXAMPLE]})
    assert phone == "4954071111"
    assert changes["dn_list"][0].model_dump() == dict(DN_EXAMPLE, ext=None)


@pytest.mark.parametrize("raw,expected", [
    ("4954071111", "4954071111"),
    ("74954071111", "4954071111"),
    ("84954071111", "4954071111"),
    ("+74954071111", "4954071111"),
    (" 4954071111 ", "4954071111"),
])
def test_un_phone_normalisation(raw, expected):
    assert normalize_un_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "495407111", "49540711111", "abc4954071", "94954071111", None, 4954071111])
def test_un_phone_rejected(raw):
    with pytest.raises(ApiError) as info:
        normalize_un_phone(raw)
    assert info.value.status_code == 400


@given(st.from_regex(r"\A[0-9]{10}\Z"))
def test_any_ten_digits_is_a_un(phone):
    assert normalize_un_phone(phone) == phone
    assert normalize_un_phone("+7" + phone) == phone
    assert normalize_un_phone("8" + phone) == phone


@given(st.text(max_size=20))
def test_phone_parser_never_crashes(text):
    try:
        result = normalize_un_phone(text)
    except ApiError as exc:
        assert exc.status_code == 400
    else:
        assert len(result) == 10 and result.isdigit()


def test_phone_required():
    assert msg({"dn_list": []}) == "Field 'phone' is required"
    assert msg({"phone": ""}) == "Field 'phone' is required"
    assert "must be a string" in msg({"phone": 4954071111})


def test_body_must_be_object():
    assert "JSON object" in msg([1, 2])
    assert "JSON object" in msg("x")


@pytest.mark.parametrize("field,value,fragment", [
    ("begin", "25:00:00", "dn_list[0].begin"),
    ("begin", "9:00", "is not a time HH:MM:SS"),
    ("end", "23:60:00", "dn_list[0].end"),
    ("channels", 0, "between 1 and"),
    ("channels", "1", "must be an integer"),
    ("day", 8, "between 0 and 7"),
    ("day", -1, "between 0 and 7"),
    ("priority", -1, "priority -1 is only for short numbers"),
    ("priority", 101, "priority must be between"),
    ("locked", "false", "must be true or false"),
    ("record", 1, "must be true or false"),
    ("phone", "abc", "is not a phone number"),
])
def test_dn_field_errors(field, value, fragment):
    dn = dict(DN_EXAMPLE, **{field: value})
    text = msg({"phone": "4954071111", "dn_list": [dn]})
    assert fragment in text, text
    assert text.startswith("Invalid value of field 'dn_list[0]")


def test_begin_before_end():
    text = msg({"phone": "4954071111", "dn_list": [dict(DN_EXAMPLE, begin="18:00:00", end="09:00:00")]})
    assert "begin 18:00:00 must be earlier than end 09:00:00" in text


def test_dn_phone_required():
    dn = dict(DN_EXAMPLE)
    del dn["phone"]
    assert msg({"phone": "4954071111", "dn_list": [dn]}) == "Field 'dn_list[0].phone' is required"


def test_short_number_priority_rules():
    phone, changes = parse_un_update({"phone": "4954071111", "dn_list": [dict(DN_EXAMPLE, ext="101", priority=-1)]})
    assert changes["dn_list"][0].priority == -1
    _, changes = parse_un_update({"phone": "4954071111", "dn_list": [{"phone": "89161000232", "ext": "102"}]})
    assert changes["dn_list"][0].priority == -1
    assert "must be -1" in msg({"phone": "4954071111", "dn_list": [dict(DN_EXAMPLE, ext="101", priority=0)]})
    assert "short number 101 is used by dn_list[0] and dn_list[1]" in msg(
        {"phone": "4954071111", "dn_list": [dict(DN_EXAMPLE, ext="101", priority=-1),
                                            dict(DN_EXAMPLE, ext="101", priority=-1)]})


@pytest.mark.parametrize("field,value,fragment", [
    ("conf_email", "not-an-email", "is not an e-mail address"),
    ("voice_email", "a@b", "is not an e-mail address"),
    ("fax_email", 5, "must be a string"),
    ("enabled", "true", "must be true or false"),
    ("need_record", None, None),
    ("make_call_time", 0, "between 5 and"),
    ("make_call_time", 30.5, "must be an integer"),
    ("max_queue_time", -1, "between 0 and"),
    ("time_zone", 10, "between -1 and 9"),
    ("description", "x" * 300, "at most 255"),
    ("dn_list", {"phone": "1"}, "must be a list"),
    ("dn_list", ["x"], "must be an object"),
])
def test_un_field_errors(field, value, fragment):
    body = {"phone": "4954071111", field: value}
    if fragment is None:
        parse_un_update(body)  # null means "not given"
        return
    text = msg(body)
    assert fragment in text, text
    assert field in text


def test_changes_only_given_fields():
    _, changes = parse_un_update({"phone": "4954071111", "say_ani": True, "updated_by": "hacker", "unknown": 1})
    assert changes == {"say_ani": True}


def test_table_spelling_ap_ext_enabled_accepted():
    _, changes = parse_un_update({"phone": "4954071111", "ap_ext_enabled": True})
    assert changes == {"ab_ext_enabled": True}


def test_empty_email_clears():
    _, changes = parse_un_update({"phone": "4954071111", "fax_email": ""})
    assert changes == {"fax_email": ""}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
dn_keys = st.sampled_from(["begin", "channels", "day", "end", "ext", "locked", "phone", "priority", "record"])
un_keys = st.sampled_from(["ab_ext_enabled", "conf_email", "description", "menu_allowed", "make_call_time",
                           "enabled", "max_queue_time", "time_zone", "voice_email", "dn_list", "phone"])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(un_keys, json_values, max_size=6),
       st.lists(st.dictionaries(dn_keys, json_values, max_size=9), max_size=3))
def test_update_parser_total(body, dns):
    """Any JSON gives either a valid change set or a 400 with a message naming something; never a crash."""
    body = copy.deepcopy(body)
    body.setdefault("phone", "4954071111")
    if dns:
        body["dn_list"] = dns
    try:
        phone, changes = parse_un_update(body)
    except ApiError as exc:
        assert exc.status_code == 400
        assert exc.status_msg
    else:
        assert len(phone) == 10
        for dn in changes.get("dn_list", []):
            assert (dn.ext is None) == (dn.priority >= 0)
            assert dn.begin < dn.end


@pytest.mark.parametrize("raw,expected", [(None, 1000), ("", 1000), ("5", 5), ("1000", 1000), ("5000", 1000)])
def test_limit(raw, expected):
    assert parse_limit(raw, 1000, 1000) == expected


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "1.5"])
def test_limit_rejected(raw):
    with pytest.raises(ApiError):
        parse_limit(raw, 1000, 1000)


def test_start_id():
    assert parse_start_id(None) == 0
    assert parse_start_id("12345") == 12345
    with pytest.raises(ApiError):
        parse_start_id("-5")
    with pytest.raises(ApiError):
        parse_start_id("x")
