"""The API's operations on the backend, shared by the REST routes and the SOAP services.

Each returns plain values (UN model, lists, CdrPage + link) or raises ApiError; the transports only
parse input and render output.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Optional

from .backend import Account, Backend
from .cdr import MAX_LIMIT, CdrRecord
from .errors import ApiError, bad_request, forbidden_un
from .links import byid_link, bytime_link
from .models import UN
from .timefmt import day_bounds, format_doc_datetime, parse_bound, to_msk
from .validators import normalize_un_phone, parse_un_update

DEFAULT_LIMIT = MAX_LIMIT


@dataclass
class CdrResult:
    records: list[CdrRecord]
    next_url: Optional[str]


def list_uns(backend: Backend, account: Account) -> list[str]:
    return list(account.uns)


def get_un(backend: Backend, account: Account, phone: Any) -> UN:
    normalized = normalize_un_phone(phone)
    un = backend.un_of(account, normalized)
    if un is None:
        raise forbidden_un(normalized)
    return un


def update_un(backend: Backend, account: Account, body: Any, now: datetime) -> UN:
    normalized, changes = parse_un_update(body)
    return apply_un_update(backend, account, normalized, changes, format_doc_datetime(now))


def apply_un_update(backend: Backend, account: Account, phone: str, changes: dict[str, Any],
                    updated_on: str) -> UN:
    """The validated ``changes`` (``parse_un_update``) written to the caller's UN ``phone``."""
    current = backend.un_of(account, phone)
    if current is None:
        raise forbidden_un(phone)
    if (current.updated_on == updated_on and current.updated_by == account.login
            and all(getattr(current, name) == value for name, value in changes.items())):
        # the write changes nothing (the same body again within the second): the stored UN
        # stays, and with it its rendered answer
        return current
    updated = replaced(current, {**changes, "updated_by": account.login, "updated_on": updated_on})
    backend.replace_un(updated)
    return updated


_set = object.__setattr__


def replaced(un: UN, values: dict[str, Any]) -> UN:
    """``un.model_copy(update=values)`` without its generic steps (a UN has no extra or private
    attributes), twice as fast; the same model (tests/providers/mts_autosecretary/test_put_fast_path.py).
    A shallow copy: the values are new (a new dn_list of new DNs), and a UN is replaced on
    change, never changed in place, so the two can share what did not change."""
    cls = type(un)
    new = cls.__new__(cls)
    _set(new, "__dict__", {**un.__dict__, **values})
    _set(new, "__pydantic_extra__", None)
    _set(new, "__pydantic_fields_set__", un.__pydantic_fields_set__ | values.keys())
    _set(new, "__pydantic_private__", None)
    return new


def _check_limit(limit: Optional[int]) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if limit < 1:
        raise bad_request(f"Invalid limit '{limit}': must be a positive integer")
    return min(limit, MAX_LIMIT)


def _check_start_id(start_id: Optional[int]) -> int:
    if start_id is None:
        return 0
    if start_id < 0:
        raise bad_request(f"Invalid start_id '{start_id}': must be a non-negative integer")
    return start_id


def _bound(name: str, raw: Optional[str]) -> Optional[datetime]:
    if raw is None or raw.strip() == "":
        return None
    try:
        return parse_bound(raw)
    except ValueError as exc:
        raise bad_request(f"Invalid {name}: {exc}") from None


def resolve_interval(begin_raw: Optional[str], end_raw: Optional[str], now: datetime) -> tuple[datetime, datetime]:
    """[begin, end) in Moscow time. Neither given: the current (simulated) day.

    Only begin: up to now (end of the current day); only end: the day before end.
    """
    begin = _bound("begin", begin_raw)
    end = _bound("end", end_raw)
    today_start, today_end = day_bounds(to_msk(now).date())
    if begin is None and end is None:
        return today_start, today_end
    try:
        if begin is None:
            begin = end - timedelta(days=1)
        if end is None:
            end = max(today_end, begin + timedelta(days=1))
    except OverflowError:
        raise bad_request(f"Invalid interval: {begin_raw or end_raw} is out of the supported date range") from None
    if begin > end:
        raise bad_request(f"Invalid interval: begin {begin_raw} is later than end {end_raw}")
    return begin, end


def cdr_by_time(
    backend: Backend,
    account: Account,
    phone: Any,
    begin_raw: Optional[str],
    end_raw: Optional[str],
    start_id: Optional[int],
    limit: Optional[int],
    now: datetime,
    base: str,
) -> CdrResult:
    un = get_un(backend, account, phone)
    begin, end = resolve_interval(begin_raw, end_raw, now)
    size = _check_limit(limit)
    first = _check_start_id(start_id)
    page = backend.cdrs.by_time(un.phone, begin, end, first, size)
    url = None
    if page.next_start_id is not None:
        url = bytime_link(base, un.phone, begin, end, page.next_start_id, size)
    return CdrResult(page.records, url)


def cdr_by_id(
    backend: Backend,
    account: Account,
    phone: Any,
    start_id: Optional[int],
    limit: Optional[int],
    base: str,
) -> CdrResult:
    un = get_un(backend, account, phone)
    size = _check_limit(limit)
    first = _check_start_id(start_id)
    page = backend.cdrs.by_id(un.phone, first, size)
    url = None
    if page.next_start_id is not None:
        url = byid_link(base, un.phone, page.next_start_id, size)
    return CdrResult(page.records, url)


__all__ = [
    "ApiError",
    "CdrResult",
    "cdr_by_id",
    "cdr_by_time",
    "get_un",
    "list_uns",
    "resolve_interval",
    "update_un",
    "apply_un_update",
    "replaced",
]
