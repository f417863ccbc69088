"""PUT /api/v1/un's fast paths answer as the general ones: the body validated by pydantic-core
over its bytes, ``updated_on`` formatted once a second, a write that changes nothing, a header
that logged in remembered, the UN replaced without ``model_copy``, the ten-digit phone."""
import json
from datetime import datetime, timezone
from pathlib import Path

from hypothesis import given, settings, strategies as st

from simulator.providers.mts_autosecretary.auth import authenticate
from simulator.providers.mts_autosecretary.backend import Account, Backend
from simulator.providers.mts_autosecretary.errors import ApiError
from simulator.providers.mts_autosecretary.models import DN, UN
from simulator.providers.mts_autosecretary.operations import apply_un_update, replaced
from simulator.providers.mts_autosecretary.timefmt import SecondStamps, format_doc_datetime, to_msk
from simulator.providers.mts_autosecretary.validators import parse_un_update, parse_un_update_json

from .helpers import basic as basic_headers


def basic(user="user", password="password") -> str:
    return basic_headers(user, password)["Authorization"]

EXAMPLES = Path(__file__).parents[3] / "contracts" / "mts-autosecretary" / "examples"

text = st.text(max_size=12)
scalars = st.none() | st.booleans() | st.integers(-5, 400) | st.floats(allow_nan=False) | text
phones = st.sampled_from(["4954071111", "+74954071111", "84954071111", " 4954071111 ", "", "  ", "123"]) | text
emails = st.sampled_from(["a@b.ru", " a@b.ru ", "", "bad", "a@b"]) | scalars
hms = st.sampled_from(["00:00:00", "09:00:00", "18:00:00", "23:59:59", "24:00:00", "9:00"]) | scalars
dn = st.fixed_dictionaries({"phone": st.sampled_from(["79161234567", "+79161234567", "123", " 79161234568 "]) | scalars},
                           optional={"begin": hms, "end": hms, "channels": scalars, "day": scalars,
                                     "ext": st.sampled_from(["12", " 12 ", "", "abc", "1234567"]) | scalars,
                                     "priority": scalars, "locked": scalars, "record": scalars,
                                     "extra": scalars})
field_values = {
    "description": text | scalars, "conf_email": emails, "fax_email": emails, "voice_email": emails,
    "enabled": scalars, "say_ani": scalars, "make_call_time": scalars, "max_queue_time": scalars,
    "time_zone": scalars, "dn_list": st.none() | st.lists(dn, max_size=3) | scalars,
    "ab_ext_enabled": scalars, "updated_on": scalars, "unknown": scalars,
}
bodies = st.fixed_dictionaries({}, optional={"phone": phones | scalars, **field_values})


def outcome(fn, *args):
    try:
        return "ok", fn(*args)
    except ApiError as exc:
        return "error", exc.status_code, exc.status_msg


@settings(max_examples=300, deadline=None)
@given(bodies, st.booleans(), st.sampled_from(["", " ", "\n"]))
def test_the_fast_path_answers_as_the_general_one(body, ascii_only, pad):
    raw = (pad + json.dumps(body, ensure_ascii=ascii_only) + pad).encode("utf-8")
    fast = outcome(parse_un_update_json, raw)
    if fast == ("ok", None):
        return  # the general way takes it, as before
    assert fast == outcome(parse_un_update, json.loads(raw))


@given(st.binary(max_size=64) | st.sampled_from([b'\xef\xbb\xbf{"phone":"4954071111"}', b'[]', b'null',
                                                 b'{"phone":"4954071111","a":NaN}', b'{"phone":"4954071111"}x']))
def test_bytes_json_refuses_never_pass_the_fast_path(raw):
    try:
        json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        assert parse_un_update_json(raw) is None


def test_the_documented_body_takes_the_fast_path():
    raw = (EXAMPLES / "4-un.request.json").read_bytes()
    fast = parse_un_update_json(raw)
    assert fast is not None and fast == parse_un_update(json.loads(raw))
    assert fast[1]["dn_list"] and all(type(d).__name__ == "DN" for d in fast[1]["dn_list"])


@settings(max_examples=300)
@given(st.floats(0, 4e9) | st.integers(0, 4_000_000_000).map(lambda s: s + 0.9999995)
       | st.integers(0, 4_000_000_000).map(float))
def test_second_stamps_format_the_clock_as_the_datetime_does(seconds):
    stamps = SecondStamps()
    expected = format_doc_datetime(to_msk(datetime.fromtimestamp(seconds, timezone.utc)))
    assert stamps(seconds) == expected
    assert stamps(seconds) == expected  # kept
    assert stamps(seconds + 1) == format_doc_datetime(to_msk(datetime.fromtimestamp(seconds + 1, timezone.utc)))


def _backend() -> tuple[Backend, Account]:
    backend = Backend()
    account = Account(login="user", password="password")
    backend.add_account(account)
    backend.add_un("user", UN(phone="4954071111", description="old"))
    return backend, account


def test_a_write_that_changes_nothing_keeps_the_stored_un():
    backend, account = _backend()
    first = apply_un_update(backend, account, "4954071111", {"description": "new"}, "2026-12-1T10:00:00")
    assert first.description == "new" and backend.uns["4954071111"] is first
    again = apply_un_update(backend, account, "4954071111", {"description": "new"}, "2026-12-1T10:00:00")
    assert again is first
    later = apply_un_update(backend, account, "4954071111", {"description": "new"}, "2026-12-1T10:00:01")
    assert later is not first and later.updated_on == "2026-12-1T10:00:01"
    other = apply_un_update(backend, account, "4954071111", {"description": "other"}, "2026-12-1T10:00:01")
    assert other.description == "other" and backend.uns["4954071111"] is other


def test_a_remembered_login_is_forgotten_when_credentials_change():
    backend, account = _backend()
    assert authenticate(backend, basic()) is account
    assert authenticate(backend, basic()) is account  # remembered
    backend.set_credentials("user", "changed", None)
    for header in (basic(), basic("user", "wrong")):
        try:
            authenticate(backend, header)
        except ApiError as exc:
            assert exc.status_code == 401
        else:
            raise AssertionError("the old password still logs in")
    assert authenticate(backend, basic("user", "changed")) is account
    backend.remove_account("user")
    try:
        authenticate(backend, basic("user", "changed"))
    except ApiError as exc:
        assert exc.status_code == 401
    else:
        raise AssertionError("a removed account still logs in")


dns = st.lists(st.builds(DN, phone=st.sampled_from(["79161234567", "89161000232"]), ext=st.none() | st.just("12")),
               max_size=2)
writes = st.fixed_dictionaries({}, optional={"description": st.text(max_size=8), "enabled": st.booleans(),
                                             "time_zone": st.integers(-1, 9), "dn_list": dns,
                                             "updated_on": st.just("2026-12-1T10:00:00"), "updated_by": st.just("u")})


@given(writes, writes)
def test_a_replaced_un_is_the_model_copy(first, then):
    un = UN(**{"phone": "4954071111", "description": "old", **first})
    fast, copied = replaced(un, then), un.model_copy(update=then)
    assert fast == copied and type(fast) is UN
    assert fast.__dict__ == copied.__dict__ and fast.__pydantic_fields_set__ == copied.__pydantic_fields_set__
    assert fast.__pydantic_extra__ is copied.__pydantic_extra__ is None
    assert fast.__pydantic_private__ is copied.__pydantic_private__ is None
    assert fast.model_dump_json() == copied.model_dump_json() and fast.model_dump() == copied.model_dump()
    assert un.__dict__ == UN(**{"phone": "4954071111", "description": "old", **first}).__dict__  # the original unchanged


@given(st.text(max_size=12) | st.sampled_from(["4954071111", "0000000000", "+74954071111", "٤٩٥٤٠٧١١١١"]))
def test_the_ten_digit_phone_answers_as_the_general_steps(raw):
    from simulator.providers.mts_autosecretary import validators
    assert outcome(validators.normalize_un_phone, raw) == outcome(_general_phone, raw)


def _general_phone(raw):
    """normalize_un_phone without its ten-digit shortcut (the steps as they were)."""
    from simulator.providers.mts_autosecretary.validators import UN_PHONE_RE, bad_request, is_ascii_digits
    if not isinstance(raw, str) or not raw.strip():
        raise bad_request("Parameter 'phone' is required")
    text = raw.strip()
    digits = text[1:] if text.startswith("+") else text
    if len(digits) == 11 and digits[0] in "78" and is_ascii_digits(digits):
        digits = digits[1:]
    if not UN_PHONE_RE.match(digits):
        raise bad_request(f"Invalid phone '{raw}': a UN number has 10 digits, e.g. 4954071111")
    return digits
