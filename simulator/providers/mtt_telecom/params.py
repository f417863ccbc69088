"""Checks of method parameters, with the document's -32602 data texts."""
from __future__ import annotations

import re
from typing import Any, Optional

from ...digits import parse_int
from . import errors as E

NUMBER = re.compile(r"^\+?[0-9]{10,15}$")


def as_int(value: Any, name: str, *, default: Optional[int] = None, minimum: int = 0,
           maximum: Optional[int] = None) -> int:
    """An integer parameter (JSON number or digit string); else "Unknown param 'name' value"."""
    if value is None or value == "":
        if default is None:
            raise E.unknown_value(name)
        return default
    if isinstance(value, bool):
        raise E.unknown_value(name)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        # the platform trims ASCII spaces; more than 19 digits is no number (and int() would raise)
        value = parse_int(value.strip(" \t\r\n"))
    if not isinstance(value, int) or value < minimum or (maximum is not None and value > maximum):
        raise E.unknown_value(name)
    return value


def as_str(value: Any, name: str, *, required: bool = True) -> Optional[str]:
    """A string parameter (numbers are taken as their digits: clients send sip_ids both ways)."""
    if isinstance(value, bool):
        raise E.unknown_value(name)
    if isinstance(value, int):
        value = str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise E.bad_param(f"Missing required parameter '{name}'")
        return None
    if not isinstance(value, str):
        raise E.unknown_value(name)
    return value.strip()


def phone(value: Any) -> Optional[str]:
    """A phone number as digits (a leading + dropped), or None when it is not one."""
    if type(value) is str and 10 <= len(value) <= 15 and value.isascii() and value.isdigit():
        return value  # 10-15 ASCII digits (most numbers): what NUMBER and the strips leave
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not NUMBER.match(value.strip()):
        return None
    return value.strip().lstrip("+")
