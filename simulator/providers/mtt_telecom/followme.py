"""setFollowme / getFollowme, and the follow-me routing of inbound calls to a sip_id: the
active rows whose PERIOD matches the simulated time are rung in order, each for its TIMEOUT."""
from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ...jsonrpc import MethodSet, Param
from ...world import rng_for
from . import errors as E
from . import ringing
from .models import FollowmeStruct
from .params import as_int, as_str, phone
from .period import PeriodError, parse
from .state import number_of
from .world import FollowmeEntry

if TYPE_CHECKING:
    from ...engine.calls import Call, Leg
    from .provider import MttTelecomProvider
    from .state import AccountRef

RPC = MethodSet()
YN = ("Y", "N")
_OPTIONAL = {"domain": None, "use_tcp": YN, "keep_original_cli": ("Y", "N", "I"), "keep_original_cld": YN}
_OPTIONAL_KEYS = frozenset(_OPTIONAL)
_NO_OPTIONAL = dict.fromkeys(_OPTIONAL)  # every optional field None (copied into each row's fields)


@RPC.method("setFollowme", [
    Param("sip_id", description="the account (sid_id in the document's table)"),
    Param("followmeStruct", "array", description="followmeStruct rows"),
], returns="object", section="setFollowme")
async def set_followme(ctx, sip_id, followmeStruct):
    """Replaces the numbers an inbound call to the sip_id is forwarded to."""
    ref = ctx.account(as_str(sip_id, "sip_id"))
    if not isinstance(followmeStruct, list):
        raise E.unknown_value("followmeStruct")
    if not followmeStruct:
        raise E.data_not_found(E.NO_FOLLOWME)
    rows = [(_order(item, i), _entry(item)) for i, item in enumerate(followmeStruct)]
    if len(rows) > 1:
        rows.sort(key=_follow_order)  # stable: rows of one follow_order keep the given order
    ref.account.followme = [entry for _, entry in rows]
    return {"success": 1}


def _follow_order(row: tuple[int, FollowmeEntry]) -> int:
    return row[0]


def _order(item: Any, index: int) -> int:
    if not isinstance(item, dict):
        raise E.unknown_value("followmeStruct")
    return as_int(item.get("follow_order"), "follow_order", default=index + 1)


def _entry(item: dict) -> FollowmeEntry:
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
    given = set(_GIVEN)
    if _OPTIONAL_KEYS.isdisjoint(item):  # most rows: none of them given
        extra = _NO_OPTIONAL
    else:
        extra = {}
        for key, allowed in _OPTIONAL.items():   # the model's order: domain, use_tcp, keep_original_*
            value = item.get(key)
            if value is None or value == "":
                extra[key] = None
                continue
            if not isinstance(value, str) or (allowed and value.upper() not in allowed):
                raise E.unknown_value(key)
            extra[key] = value.upper() if allowed else value
            given.add(key)
    name = item.get("name")
    fields = {
        "redirect_number": number, "name": str(name) if name not in (None, "") else number,
        "timeout": as_int(item.get("timeout"), "timeout", default=15, minimum=1, maximum=600), "active": active,
        "period": period, "period_description": str(item.get("period_description") or
                                                    ("Always" if period.lower() == "always" else period)),
        "dtmf": None, **extra}
    return _checked_entry(fields, given)


#: the fields every setFollowme row sets (the rest keep their defaults unless given)
_GIVEN = ("redirect_number", "name", "timeout", "active", "period", "period_description")


def _checked_entry(fields: dict[str, Any], given: set[str]) -> FollowmeEntry:
    """``FollowmeEntry(**{k: fields[k] for k in given})`` without validating again what
    _entry checked, more strictly than the model's own rules (a 10-15 digit number, a timeout
    of 1-600, Y/N, the listed values): what pydantic's ``model_construct`` does, without its
    pure-Python loop over the fields, which made it slower than validating (docs/decisions.md,
    mtt-telecom). ``fields`` holds every field, in the model's order. The slots are set
    through their descriptors (``object.__setattr__`` looks each up along the MRO first)."""
    entry = _new(FollowmeEntry)
    _set_dict(entry, fields)
    _set_fields_set(entry, given)
    _set_extra(entry, None)
    _set_private(entry, None)
    return entry


#: the slots of a pydantic model (BaseModel's), set by _checked_entry
_SLOTS = vars(next(c for c in FollowmeEntry.__mro__ if "__pydantic_fields_set__" in vars(c)))
_new = FollowmeEntry.__new__
_set_dict = _SLOTS["__dict__"].__set__
_set_fields_set = _SLOTS["__pydantic_fields_set__"].__set__
_set_extra = _SLOTS["__pydantic_extra__"].__set__
_set_private = _SLOTS["__pydantic_private__"].__set__


@RPC.method("getFollowme", [Param("sip_id", description="sip_id or its phone number")], returns="object",
            section="getFollowme")
async def get_followme(ctx, sip_id):
    """The numbers an inbound call to the sip_id is forwarded to."""
    ref = ctx.account(as_str(sip_id, "sip_id"), by_number=True, unknown=E.data_not_found(E.NO_ACCOUNT))
    rows = ref.account.followme
    if not rows:
        raise E.data_not_found(E.NO_FOLLOWME)
    return {"sip_id": ref.sip_id, "i_account": str(i_account(ref)),
            "followme_struct": [len(rows), [FollowmeStruct(
                I_FOLLOW_ORDER=str(n), ACTIVE=r.active, NAME=r.name, REDIRECT_NUMBER=r.redirect_number,
                PERIOD=r.period, PERIOD_DESCRIPTION=r.period_description, TIMEOUT=str(r.timeout),
            ).model_dump() for n, r in enumerate(rows, 1)]]}


def i_account(ref: "AccountRef") -> int:
    """The account's PortaBilling id: the world's, or a stable 8-digit one from the sip_id."""
    if ref.account.i_account is not None:
        return ref.account.i_account
    return 10_000_000 + int(hashlib.sha256(ref.sip_id.encode()).hexdigest()[:12], 16) % 90_000_000


# ------------------------------------------------------------------- routing
def active_rows(p: "MttTelecomProvider", ref: "AccountRef") -> list[FollowmeEntry]:
    when = p.sim.clock.datetime().astimezone(ZoneInfo(p.state.world.settings.period_timezone))
    return [r for r in ref.account.followme if r.active == "Y" and parse(r.period).matches(when)]


def caller_id(ref: "AccountRef", row: FollowmeEntry, caller: str) -> str:
    """keep_original_cli: Y (default) and I show the caller, N the sip_id's number."""
    return number_of(ref.sip_id, ref.account) if row.keep_original_cli == "N" else caller


async def route_inbound(p: "MttTelecomProvider", call: "Call", origin: "Leg", ref: "AccountRef") -> bool:
    """Forward by the account's follow-me (Order: in turn; Simultaneous: together; Random: in
    a seeded random order); False when the account has no follow-me at all."""
    if not ref.account.followme:
        return False
    rows = active_rows(p, ref)
    targets = [ringing.Target(r.redirect_number, r.timeout, caller_id(ref, r, origin.number),
                              {"followme": r.name}) for r in rows]
    mode = ref.account.followme_sequence
    if mode == "Random":
        rng_for(getattr(p.sim.world, "seed", 0), call.id).shuffle(targets)
    if mode == "Simultaneous":
        outcome = await ringing.all_at_once(p, call, targets, alive=origin)
    else:
        outcome = await ringing.one_by_one(p, call, targets, alive=origin)
    engine = p.sim.engine
    if outcome.leg is not None and not origin.ended:
        engine.bridge(origin, outcome.leg)
    elif not origin.ended:
        engine.hangup(origin, outcome.last_cause if rows else 20)
    return True
