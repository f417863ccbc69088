"""The api_form of part 2 (3.4 - 3.11): decoding, the command name, and the helpers every command
uses to read ConfData with the per-field error codes of 4.19."""
from __future__ import annotations

import json
from typing import Any

from simulator.http import loads_json

from ....digits import parse_int
from .. import dates
from ..backend import BLACK_LISTS
from ..errors import BeelineError

MISSING: Any = object()
COMMANDS = (
    "REDIRECT", "RLIST", "RCANCEL", "PREMEDIA", "MLIST", "SETBLIST", "DELBLIST", "ABLIST",
    "LBLIST", "ARECORD", "CRECORD", "LRECORD", "REQCDR", "STATCDR", "VFILE", "DELFILE",
    "LVFILES", "HLRTZ",
)
MAX_COMMENT = 255


def parse_api_form(data: bytes, max_bytes: int) -> dict[str, Any]:
    """Decode the api_form part: 413.1 when too big, 400.2 when not a JSON object."""
    if len(data) > max_bytes:
        raise BeelineError("413.1")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251", errors="replace")  # Russian clients may still send cp1251
    try:
        form = loads_json(text)
    except ValueError:
        raise BeelineError("400.2") from None
    if not isinstance(form, dict):
        raise BeelineError("400.2")
    return form


def command_name(form: dict[str, Any]) -> str:
    value = _get(form, "Command")
    if value is MISSING or not isinstance(value, str) or not value.strip():
        raise BeelineError("400.6")
    name = value.strip().upper()
    if name not in COMMANDS:
        raise BeelineError("501.1", command=value.strip())
    return name


# ----------------------------------------------------------------------------- helpers


def _get(obj: dict[str, Any], key: str) -> Any:
    """Keys are matched case-insensitively (clients write BNumber and bnumber)."""
    if key in obj:
        return obj[key]
    lowered = key.lower()
    for k, v in obj.items():
        if isinstance(k, str) and k.lower() == lowered:
            return v
    return MISSING


def _dedupe(items: list[Any]) -> list[Any]:
    """3.11: duplicates in arrays are collapsed, first occurrence kept."""
    seen: set[str] = set()
    out = []
    for item in items:
        marker = json.dumps(item, sort_keys=True)
        if marker not in seen:
            seen.add(marker)
            out.append(item)
    return out


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, (str, int)) and not isinstance(value, bool) else value


def _elements(value: Any, missing_code: str) -> list[dict[str, Any]]:
    """ConfData as a list of objects (a single object is taken as a list of one)."""
    if value is MISSING or value is None:
        raise BeelineError(missing_code)
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise BeelineError("400.1")
    return value


def _list_id(value: Any, *, default: int | None = 0, missing_code: str = "404.105",
             bad_type_code: str = "404.105") -> int:
    if value is MISSING or value is None:
        if default is None:
            raise BeelineError(missing_code)
        return default
    if isinstance(value, str) and parse_int(value.strip()) is not None:
        value = parse_int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise BeelineError(bad_type_code)
    if not 0 <= value < BLACK_LISTS:
        raise BeelineError("404.105")
    return value


def _date(value: Any) -> float:
    if value is MISSING or value is None:
        raise BeelineError("400.3")
    try:
        return dates.parse_cdr_date(value)
    except dates.DateValueError:
        raise BeelineError("400.4") from None
    except dates.DateFormatError:
        raise BeelineError("400.3") from None


def _is_all(conf: Any) -> bool:
    """``["*"]``, what LRECORD answers for "all numbers" (4.12), sent back means all numbers."""
    return conf == "*" or conf == ["*"]


def _first(obj: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = _get(obj, key)
        if value is not MISSING:
            return value
    return MISSING
