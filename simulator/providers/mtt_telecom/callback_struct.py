"""The CallBack structure (callBackFollowmeStruct / simpleCallBackFollowmeStruct): numbers of
side A to ring (ringall: together, lineral/linal: one after another) and messages (text: TTS,
file: a prompt uploaded with setCallBackPrompt) for side A or B. setCallBackFollowme,
getCallBackFollowme, deleteCallBackFollowme keep one structure per customer."""
from __future__ import annotations

from typing import Any, Optional

from ...jsonrpc import MethodSet, Param
from . import errors as E
from .params import as_int, as_str, phone
from .world import CallBackSettings, CallBackStep

RPC = MethodSet()
SECTION = "CallBack API"
RING_TYPES = {"ringall": "ringall", "lineral": "linal", "linal": "linal", "linear": "linal"}
MESSAGE_TYPES = ("text", "file")
SIDE_A_NOT_CLEAR = "Side A not clear. Delete before insert"
#: timeouts when a row has none: 15 s in makeCallBackCallFollowme, 10 s in setCallBackFollowme
MAKE_TIMEOUT, SET_TIMEOUT = 15, 10


class StructError(Exception):
    """A row the platform refuses; ``result`` is the document's {"error": 1, ...} answer."""

    def __init__(self, result: dict):
        super().__init__(result)
        self.result = result


MAX_STEPS = 50  # rows of one structure: the document names no limit; a call tries far fewer numbers


def parse_steps(rows: Any, *, default_timeout: int, name: str) -> list[CallBackStep]:
    """Rows of a structure, sorted by order. Types in any case (wire-facts 4.3); -32602
    "Invalid type" for others; an unusable number is the documented result error."""
    if not isinstance(rows, list) or not rows or len(rows) > MAX_STEPS:
        raise E.unknown_value(name)
    steps = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise E.unknown_value(name)
        kind = str(row.get("type", "")).strip().lower()
        order = as_int(row.get("order"), "order", default=i + 1, minimum=1)
        if kind in RING_TYPES:
            number = phone(row.get("redirect_number"))
            if number is None:
                raise StructError({"error": 1, "message": "Incorrect redirect_number format"})
            caller = row.get("caller_id")
            steps.append(CallBackStep(
                order=order, type=kind,
                timeout=as_int(row.get("timeout"), "timeout", default=default_timeout, minimum=1, maximum=120),
                redirect_number=number, name=str(row["name"]) if row.get("name") not in (None, "") else None,
                caller_id=phone(caller) if caller not in (None, "") else None))
        elif kind in MESSAGE_TYPES:
            side = str(row.get("side", "")).strip().upper()
            value = row.get("value")
            if side not in ("A", "B"):
                raise E.unknown_value("side")
            if not isinstance(value, str) or not value.strip():
                raise E.unknown_value("value")
            steps.append(CallBackStep(order=order, type=kind, side=side, value=value))
        else:
            raise E.bad_param(E.INVALID_TYPE)
    return sorted(steps, key=lambda s: s.order)


def step_json(step: CallBackStep) -> dict:
    out: dict[str, Any] = {"order": step.order}
    if step.type in MESSAGE_TYPES:
        out.update(type=step.type, value=step.value, side=step.side)
        return out
    out.update(timeout=step.timeout, redirect_number=step.redirect_number, type=step.type)
    if step.name is not None:
        out["name"] = step.name
    if step.caller_id is not None:
        out["caller_id"] = step.caller_id
    return out


def stored(customer) -> Optional[CallBackSettings]:
    cb = customer.callback
    return cb if cb is not None and cb.callBackFollowmeStruct else None


@RPC.method("setCallBackFollowme", [
    Param("customer_name"),
    Param("callBackFollowmeStruct", "array"),
    Param("caller_id", optional=True, description="the number side B sees"),
    Param("defaultBNumber", optional=True, description="side B when makeCallBackCallFollowme names none"),
], returns="object", section=SECTION)
async def set_callback_followme(ctx, customer_name, callBackFollowmeStruct, caller_id, defaultBNumber):
    """Sets the CallBack structure of side A (delete the old one first)."""
    customer = ctx.customer(as_str(customer_name, "customer_name")).customer
    if stored(customer) is not None:
        return {"error": 1, "error_description": SIDE_A_NOT_CLEAR}
    try:
        steps = parse_steps(callBackFollowmeStruct, default_timeout=SET_TIMEOUT, name="callBackFollowmeStruct")
    except StructError as exc:
        return exc.result
    numbers = {}
    for key, value in (("caller_id", caller_id), ("defaultBNumber", defaultBNumber)):
        if value not in (None, ""):
            numbers[key] = phone(value)
            if numbers[key] is None:
                raise E.unknown_value(key)
    customer.callback = CallBackSettings(callBackFollowmeStruct=steps, **numbers)
    return {"success": 1}


@RPC.method("getCallBackFollowme", [Param("customer_name")], returns="object", section=SECTION)
async def get_callback_followme(ctx, customer_name):
    """The CallBack structure of side A, its caller_id and defaultBNumber."""
    customer = ctx.customer(as_str(customer_name, "customer_name")).customer
    cb = stored(customer)
    if cb is None:
        raise E.data_not_found(E.FOLLOWME_NOT_FOUND)
    out: dict[str, Any] = {"callBackFollowmeStruct": [step_json(s) for s in cb.callBackFollowmeStruct]}
    if cb.caller_id:
        out["caller_id"] = cb.caller_id
    if cb.defaultBNumber:
        out["defaultBNumber"] = cb.defaultBNumber
    return out


@RPC.method("deleteCallBackFollowme", [Param("customer_name")], returns="object", section=SECTION)
async def delete_callback_followme(ctx, customer_name):
    """Deletes the CallBack structure of side A."""
    customer = ctx.customer(as_str(customer_name, "customer_name")).customer
    if stored(customer) is None:
        raise E.data_not_found(E.FOLLOWME_NOT_FOUND)
    customer.callback = None
    return {"success": 1}
