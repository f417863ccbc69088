"""Validation of UN numbers and of the PUT /api/v1/un body (shared by REST and SOAP).

Every failure is an ``ApiError(400, <clear text naming the field>)``; nothing is applied unless the
whole body is valid.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from ...digits import is_ascii_digits, parse_int
from ...limits import counted_first
from .errors import ApiError, bad_request
from .models import DN, UN_WRITABLE_FIELDS
from .timefmt import parse_hms

UN_PHONE_RE = re.compile(r"^[0-9]{10}\Z")
DN_PHONE_RE = re.compile(r"^\+?[0-9]{5,15}\Z")
EXT_RE = re.compile(r"^[0-9]{1,6}\Z")
EMAIL_RE = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")

MAX_DESCRIPTION = 255
MAX_DNS = 100
CHANNELS_RANGE = (1, 100)
PRIORITY_RANGE = (0, 100)
DAY_RANGE = (0, 7)
MAKE_CALL_TIME_RANGE = (5, 300)
MAX_QUEUE_TIME_RANGE = (0, 3600)
TIME_ZONE_RANGE = (-1, 9)  # hours relative to Moscow, Kaliningrad (-1) .. Kamchatka (+9)


def normalize_un_phone(raw: Any) -> str:
    """10-digit UN number; accepts 11 digits with a leading 7/8 and a leading '+'."""
    if type(raw) is str and len(raw) == 10 and raw.isascii() and raw.isdigit():
        return raw  # the form every client sends, as the steps below would return it
    if not isinstance(raw, str) or not raw.strip():
        raise bad_request("Parameter 'phone' is required")
    text = raw.strip()
    digits = text[1:] if text.startswith("+") else text
    if len(digits) == 11 and digits[0] in "78" and is_ascii_digits(digits):
        digits = digits[1:]
    if not UN_PHONE_RE.match(digits):
        raise bad_request(f"Invalid phone '{raw}': a UN number has 10 digits, e.g. 4954071111")
    return digits


def _in_range(value: int, bounds: tuple[int, int]) -> int:
    low, high = bounds
    if not low <= value <= high:
        raise ValueError(f"must be between {low} and {high}, got {value}")
    return value


class DNInput(BaseModel):
    """One DN of a PUT body. ``phone`` is required, the rest default as a new DN in the cabinet."""

    model_config = ConfigDict(extra="ignore", strict=True)

    begin: StrictStr = "00:00:00"
    channels: StrictInt = 1
    day: StrictInt = 0
    end: StrictStr = "23:59:59"
    ext: Optional[StrictStr] = None
    locked: StrictBool = False
    phone: StrictStr
    priority: Optional[StrictInt] = None
    record: StrictBool = False

    @field_validator("begin", "end")
    @classmethod
    def _hms(cls, value: str) -> str:
        parse_hms(value)
        return value

    @field_validator("channels")
    @classmethod
    def _channels(cls, value: int) -> int:
        return _in_range(value, CHANNELS_RANGE)

    @field_validator("day")
    @classmethod
    def _day(cls, value: int) -> int:
        return _in_range(value, DAY_RANGE)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if not DN_PHONE_RE.match(value.strip()):
            raise ValueError(f"'{value}' is not a phone number (5-15 digits)")
        return value.strip()

    @field_validator("ext")
    @classmethod
    def _ext(cls, value: Optional[str]) -> Optional[str]:
        if value is None or value.strip() == "":
            return None
        if not EXT_RE.match(value.strip()):
            raise ValueError(f"'{value}' is not a short number (1-6 digits)")
        return value.strip()

    @model_validator(mode="after")
    def _cross(self) -> "DNInput":
        if parse_hms(self.begin) >= parse_hms(self.end):
            raise ValueError(f"begin {self.begin} must be earlier than end {self.end}")
        if self.ext is not None:
            if self.priority is None:
                self.priority = -1
            elif self.priority != -1:
                raise ValueError(
                    f"priority of a short number (ext {self.ext}) must be -1, got {self.priority}"
                )
        else:
            if self.priority is None:
                self.priority = 0
            elif self.priority == -1:
                raise ValueError("priority -1 is only for short numbers (set ext)")
            else:
                low, high = PRIORITY_RANGE
                if not low <= self.priority <= high:
                    raise ValueError(
                        f"priority must be between {low} and {high} (-1 for short numbers), "
                        f"got {self.priority}"
                    )
        return self

    def to_dn(self) -> DN:
        # the fields are DN's, validated: DN's own validation of them only copies
        return DN.model_validate(self.__dict__)


class UNUpdate(BaseModel):
    """Body of PUT /api/v1/un. Fields left out (or null) keep their values; dn_list replaces the list."""

    model_config = ConfigDict(extra="ignore", strict=True, populate_by_name=True)

    phone: StrictStr
    ab_ext_enabled: Optional[StrictBool] = None
    conf_email: Optional[StrictStr] = None
    description: Optional[StrictStr] = None
    dn_list: Optional[list[DNInput]] = Field(default=None)
    menu_allowed: Optional[StrictBool] = None
    make_call_time: Optional[StrictInt] = None
    need_begin_ivr: Optional[StrictBool] = None
    enabled: Optional[StrictBool] = None
    ext_queue: Optional[StrictBool] = None
    fax_email: Optional[StrictStr] = None
    max_queue_time: Optional[StrictInt] = None
    need_advert: Optional[StrictBool] = None
    need_record: Optional[StrictBool] = None
    op_ext_enabled: Optional[StrictBool] = None
    say_ani: Optional[StrictBool] = None
    say_tone: Optional[StrictBool] = None
    time_zone: Optional[StrictInt] = None
    voice_email: Optional[StrictStr] = None

    @field_validator("conf_email", "fax_email", "voice_email")
    @classmethod
    def _email(cls, value: Optional[str]) -> Optional[str]:
        if value is None or value == "":
            return value
        if not EMAIL_RE.match(value.strip()):
            raise ValueError(f"'{value}' is not an e-mail address")
        return value.strip()

    @field_validator("description")
    @classmethod
    def _description(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and len(value) > MAX_DESCRIPTION:
            raise ValueError(f"must be at most {MAX_DESCRIPTION} characters")
        return value

    @field_validator("make_call_time")
    @classmethod
    def _make_call_time(cls, value: Optional[int]) -> Optional[int]:
        return value if value is None else _in_range(value, MAKE_CALL_TIME_RANGE)

    @field_validator("max_queue_time")
    @classmethod
    def _max_queue_time(cls, value: Optional[int]) -> Optional[int]:
        return value if value is None else _in_range(value, MAX_QUEUE_TIME_RANGE)

    @field_validator("time_zone")
    @classmethod
    def _time_zone(cls, value: Optional[int]) -> Optional[int]:
        return value if value is None else _in_range(value, TIME_ZONE_RANGE)

    @field_validator("dn_list", mode="before")
    @classmethod
    def _dn_count(cls, value: Any) -> Any:
        return counted_first(value, MAX_DNS, "at most {limit} DNs are allowed, got {n}")

    @field_validator("dn_list")
    @classmethod
    def _dn_list(cls, value: Optional[list[DNInput]]) -> Optional[list[DNInput]]:
        if value is None:
            return value
        seen: dict[str, int] = {}
        for index, dn in enumerate(value):
            if dn.ext is None:
                continue
            if dn.ext in seen:
                raise ValueError(
                    f"short number {dn.ext} is used by dn_list[{seen[dn.ext]}] and dn_list[{index}]"
                )
            seen[dn.ext] = index
        return value

    def changes(self) -> dict[str, Any]:
        """The writable fields the client gave (null counts as not given)."""
        # the fields are phone and UN_WRITABLE_FIELDS
        out = {name: value for name, value in self.__dict__.items() if value is not None}
        del out["phone"]
        dns = out.get("dn_list")
        if dns is not None:
            out["dn_list"] = [dn.to_dn() for dn in dns]
        return out


assert tuple(UNUpdate.model_fields) == ("phone", *UN_WRITABLE_FIELDS)  # what changes() relies on

_TYPE_MESSAGES = {
    "bool_type": "must be true or false",
    "int_type": "must be an integer",
    "int_from_float": "must be an integer",
    "string_type": "must be a string",
    "list_type": "must be a list of DN objects",
    "model_type": "must be an object",
    "dict_type": "must be an object",
    "model_attributes_type": "must be an object",
}


def _loc_text(loc: tuple) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def describe_validation_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = _loc_text(tuple(first.get("loc", ())))
    kind = first.get("type", "")
    if kind == "missing":
        return f"Field '{where}' is required"
    if kind in _TYPE_MESSAGES:
        return f"Invalid value of field '{where}': {_TYPE_MESSAGES[kind]}"
    message = str(first.get("msg", "invalid value"))
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    if where:
        return f"Invalid value of field '{where}': {message}"
    return f"Invalid UN data: {message}"


def parse_un_update(body: Any) -> tuple[str, dict[str, Any]]:
    """Validate a PUT body. Returns (normalised UN phone, changes). Raises ApiError(400)."""
    if not isinstance(body, dict):
        raise bad_request("Request body must be a JSON object with the UN structure")
    data = dict(body)
    # The document's field table spells the flag "ap_ext_enabled"; its JSON says "ab_ext_enabled".
    if "ab_ext_enabled" not in data and "ap_ext_enabled" in data:
        data["ab_ext_enabled"] = data["ap_ext_enabled"]
    phone = data.get("phone")
    if phone is None or (isinstance(phone, str) and not phone.strip()):
        raise bad_request("Field 'phone' is required")
    if not isinstance(phone, str):
        raise bad_request("Invalid value of field 'phone': must be a string")
    normalized = normalize_un_phone(phone)
    try:
        update = UNUpdate.model_validate(data)
    except ValidationError as exc:
        raise bad_request(describe_validation_error(exc)) from None
    return normalized, update.changes()


# The common body (small, no escapes, no alias) is validated in one pass of pydantic-core over its
# bytes; every other body, and every body that fails, goes the general way above, which words
# the errors. For a body both accept the result is the same (tests/providers/mts_autosecretary/
# test_put_fast_path.py): pydantic's JSON parser refuses everything json.loads refuses here.
_FAST_BODY = 1024  # bytes: as routes._DEEP_BODY, a body this small needs no nesting check
_VALIDATE_JSON = UNUpdate.__pydantic_validator__.validate_json


def parse_un_update_json(raw: bytes) -> Optional[tuple[str, dict[str, Any]]]:
    """:func:`parse_un_update` of ``json.loads(raw)`` for the common body, or None: take the general way."""
    if len(raw) > _FAST_BODY or b"\\u" in raw or b"ap_ext_enabled" in raw:
        return None
    try:
        update = _VALIDATE_JSON(raw)
    except ValidationError:
        return None
    if not update.phone.strip():
        return None
    return normalize_un_phone(update.phone), update.changes()


def parse_limit(raw: Optional[str], default: int, maximum: int) -> int:
    """``limit`` query parameter: positive integer, capped at ``maximum``."""
    if raw is None or raw.strip() == "":
        return default
    text = raw.strip()
    value = parse_int(text, signed=True)
    if value is None or value < 1:
        raise ApiError(400, f"Invalid limit '{raw}': must be a positive integer")
    return min(value, maximum)


def parse_start_id(raw: Optional[str]) -> int:
    """``start_id`` query parameter: non-negative integer; absent means from the first record."""
    if raw is None or raw.strip() == "":
        return 0
    value = parse_int(raw.strip(), signed=True)
    if value is None or value < 0:
        raise ApiError(400, f"Invalid start_id '{raw}': must be a non-negative integer")
    return value
