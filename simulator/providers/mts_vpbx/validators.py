"""Parsers and validators for the value forms the document uses (no I/O, no state)."""
from __future__ import annotations

import functools
import re
from datetime import date
from typing import Any, Optional
from urllib.parse import urlsplit

MAX_RULE_NAME = 30
MAX_RULE_NUMBERS = 10
MAX_RULES_PER_TYPE = 10
MAX_SCHEDULE_RULES = 100  # per list of a schedule (4.12 names none; a year's holidays fit many times)

_DIALABLE = re.compile(r"^\+?[0-9*#]{1,20}$")
_TIME = re.compile(r"^([0-9]{1,2})[:\-.]([0-9]{2})$")
_DATE_DMY = re.compile(r"^([0-9]{1,2})[\-./]([0-9]{1,2})[\-./]([0-9]{4})$")
_DATE_ISO = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")


def is_dialable(value: str) -> bool:
    """A phone number (optionally +international) or an extension such as "003" or "718"."""
    return bool(_DIALABLE.match(value))


def normalize_time(value: Any) -> Optional[str]:
    """Accepts "08:00" (GET form) and "00-00" (the POST examples' form); returns "HH:MM" or None."""
    if isinstance(value, str):
        return _time_text(value) if len(value) <= _CACHED_TEXT else _time_text.__wrapped__(value)
    if value is None:
        return None
    raise ValueError("time must be a string HH:MM")


# the forms a schedule writes are few and come again on every request: their results are kept
# (a failure raises, so it is never kept); short texts only, so the cache stays small
_CACHED_TEXT = 16


@functools.lru_cache(maxsize=4096)
def _time_text(value: str) -> Optional[str]:
    if value.strip() == "":
        return None
    m = _TIME.match(value.strip())
    if not m:
        raise ValueError(f"time '{value}' must be HH:MM or HH-MM")
    hh, mm = int(m.group(1)), int(m.group(2))
    if hh > 23 or mm > 59:
        raise ValueError(f"time '{value}' is out of range")
    return f"{hh:02d}:{mm:02d}"


def time_to_minutes(value: Optional[str], default: int) -> int:
    if value is None:
        return default
    hh, mm = value.split(":")
    return int(hh) * 60 + int(mm)


def normalize_date(value: Any) -> str:
    """Accepts dd-mm-yyyy (the document's form; also dd.mm.yyyy) and yyyy-mm-dd; returns dd-mm-yyyy."""
    if not isinstance(value, str):
        raise ValueError("date must be a string dd-mm-yyyy")
    return _date_text(value) if len(value) <= _CACHED_TEXT else _date_text.__wrapped__(value)


@functools.lru_cache(maxsize=4096)
def _date_text(value: str) -> str:
    s = value.strip()
    m = _DATE_DMY.match(s)
    if m:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _DATE_ISO.match(s)
        if not m:
            raise ValueError(f"date '{value}' must be dd-mm-yyyy")
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        date(y, mo, d)
    except ValueError:
        raise ValueError(f"date '{value}' is not a calendar date") from None
    return f"{d:02d}-{mo:02d}-{y:04d}"


def parse_date(value: str) -> date:
    d, m, y = value.split("-")
    return date(int(y), int(m), int(d))


def is_callback_url(value: Any) -> bool:
    if not isinstance(value, str) or not value or len(value) > 2048 or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
        port = parts.port  # raises on a bad port
    except ValueError:
        return False
    del port
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def parse_address(value: Any) -> Optional[str]:
    """The ``address`` of 4.8.2 / 4.8.5: ``tel:+79101234567``, ``+79101234567``, ``8800200500``, an extension.

    A ``+`` written literally in a query string arrives as a space after form decoding
    (``tel: 78002500990``); that space is read back as ``+``. Returns the normalized number or None.
    """
    if not isinstance(value, str):
        return None
    s = value.strip()
    if s.lower().startswith("tel:"):
        s = s[4:]
    if s.startswith(" "):
        s = "+" + s.strip()
    s = s.strip().replace("-", "").replace("(", "").replace(")", "")
    s = re.sub(r"\s+", "", s)
    if not s or not is_dialable(s) or s.count("+") > 1:
        return None
    return s


def digits_key(number: Optional[str]) -> str:
    """Index key for a phone number: the last 10 digits for long numbers (8/7/+7 prefixes agree)."""
    if not number:
        return ""
    d = re.sub(r"[^0-9]", "", number)
    return d[-10:] if len(d) >= 10 else d


def to_international(number: str) -> str:
    """Russian numbers in +7 form as the history shows them; extensions unchanged."""
    d = re.sub(r"[^0-9]", "", number)
    if len(d) == 11 and d[0] in "78":
        return "+7" + d[1:]
    if len(d) == 10 and d[0] == "9":
        return "+7" + d
    if number.startswith("+"):
        return "+" + d
    return number
