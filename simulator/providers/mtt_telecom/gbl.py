"""The Global Black List (JSON-RPC on gapi.mtt.ru /v1/api): addGBLRule, deleteGBLRule,
getGBLRules. A listed number is refused both ways (decisions.md, mtt-telecom): an inbound
call from it to any of the agent's numbers is rejected before any routing (router
``route_inbound``), and a redirect to it is not connected."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ...engine import Cause
from ...jsonrpc import MethodSet, Param
from ...numbers import digits
from . import gapi_errors as G

if TYPE_CHECKING:
    from .endpoint import Ctx
    from .state import AccountRef

SECTION = "Global Black List"
RULE = re.compile(r"^\+?[0-9]{3,16}$")

GAPI_RPC = MethodSet()


def _index(provider) -> dict[str, set[str]]:
    """tenant id -> normalised listed numbers (kept beside the tenant's list)."""
    index = provider.state.extra.get("gbl")
    if index is None:
        index = provider.state.extra["gbl"] = {
            tid: {digits(n) for n in t.gbl_rules} for tid, t in provider.state.world.tenants.items()}
    return index


def reset(provider) -> None:
    provider.state.extra.pop("gbl", None)
    _index(provider)


def world_changed(provider) -> None:
    reset(provider)


def rules_of(provider, tenant_id: str) -> set[str]:
    return _index(provider).get(tenant_id, set())


def blocked(provider, tenant_id: str, number: str) -> bool:
    return digits(number) in rules_of(provider, tenant_id)


def _rule(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not RULE.match(str(value).strip()):
        raise G.internal("A_CAPI_CREATE_RATE", "Destination", "Failed to create new rate for {attribute} «{value}»",
                         {"value": str(value), "attribute": "Destination"})
    return str(value).strip().lstrip("+")


@GAPI_RPC.method("addGBLRule", [Param("gbl_rule", ("string", "integer"))], returns="object", section=SECTION)
async def add_gbl_rule(ctx: "Ctx", gbl_rule):
    """Adds a number to the Global Black List."""
    number = _rule(gbl_rule)
    rules = ctx.tenant.gbl_rules
    if number in rules:
        # the platform cannot create a second rate for one destination
        raise G.internal("A_CAPI_CREATE_RATE", "Destination", "Failed to create new rate for {attribute} «{value}»",
                         {"value": number, "attribute": "Destination"})
    rules.append(number)
    _index(ctx.provider).setdefault(ctx.tenant_id, set()).add(digits(number))
    return {"success": 1}


@GAPI_RPC.method("deleteGBLRule", [Param("gbl_rule", ("string", "integer"))], returns="object", section=SECTION)
async def delete_gbl_rule(ctx: "Ctx", gbl_rule):
    """Removes a number from the Global Black List."""
    number = str(gbl_rule).strip().lstrip("+") if isinstance(gbl_rule, (str, int)) else None
    rules = ctx.tenant.gbl_rules
    if number is None or isinstance(gbl_rule, bool) or number not in rules:
        raise G.not_found("gbl_rule", gbl_rule if isinstance(gbl_rule, (str, int)) else str(gbl_rule))
    rules.remove(number)
    _index(ctx.provider).get(ctx.tenant_id, set()).discard(digits(number))
    return {"success": 1}


@GAPI_RPC.method("getGBLRules", [], returns="array", section=SECTION)
async def get_gbl_rules(ctx: "Ctx"):
    """Every number of the agent's Global Black List, as integers."""
    return [int(n) for n in ctx.tenant.gbl_rules]


async def route_inbound(provider, call, origin, ref: "AccountRef") -> bool:
    """A caller on the agent's Global Black List is rejected before anything else."""
    if not blocked(provider, ref.tenant_id, origin.number):
        return False
    call.meta["gbl"] = True
    provider.sim.engine.hangup(origin, Cause.CALL_REJECTED, by="system")
    return True
