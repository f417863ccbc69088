"""addNumbers (JSON-RPC on gapi.mtt.ru /v1/api): numbers of a region (and dial code) from
MTT's pool for the agent's gapi customer, who pays for them from its balance. Only regions
the customer already has a number in can be bought ("необходимо добавление хотя бы одного
номера данного региона на лицевой счет"). The new numbers are sip_ids like any other."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Optional

from ...digits import parse_int
from ...jsonrpc import MethodSet, Param
from . import gapi_errors as G
from .state import number_of
from .world import Account

if TYPE_CHECKING:
    from .endpoint import Ctx

SECTION = "Добавление номеров"
MSK = timezone(timedelta(hours=3))
MAX_QUANTITY = 100
#: region_code of a Russian geographic dial code (the codes MTT sells numbers of)
REGIONS = {"495": "MOW", "499": "MOW", "498": "MOS", "496": "MOS", "812": "SPE", "813": "LEN", "343": "SVE",
           "383": "NVS", "846": "SAM", "843": "TA", "863": "ROS", "861": "KDA", "831": "NIZ", "351": "CHE"}

GAPI_RPC = MethodSet()


def region_of(number: str) -> Optional[str]:
    n = number.lstrip("+")
    return REGIONS.get(n[1:4]) if len(n) == 11 and n[0] == "7" else None


def _positive(value: Any) -> Optional[int]:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return parse_int(value.strip())
    return None


@GAPI_RPC.method("addNumbers", [
    Param("region_code"), Param("quantity", ("string", "integer")),
    Param("dial_code", ("string", "integer"), optional=True)], returns="array", section=SECTION)
async def add_numbers(ctx: "Ctx", region_code, quantity, dial_code):
    """Adds numbers of a region (optionally of one dial code) to the agent's customer."""
    gapi = ctx.tenant.gapi
    cust = ctx.state.customer(gapi.customer_name) if gapi is not None else None
    if cust is None:
        raise G.not_found("customer_name", gapi.customer_name if gapi else None, attribute="i_customer")
    count = _positive(quantity)
    if count is None or not 1 <= count <= MAX_QUANTITY:
        raise G.invalid_value("quantity", quantity, f"an integer from 1 to {MAX_QUANTITY}")
    pool = ctx.tenant.number_pool.get(region_code) if isinstance(region_code, str) else None
    owned = {region_of(number_of(sip, acc)) for sip, acc in cust.customer.accounts.items()}
    if pool is None or region_code not in owned:
        raise G.not_in_list("region_code", region_code,
                            ",".join(sorted(r for r in owned if r and r in ctx.tenant.number_pool)) or "none")
    if dial_code is not None and (isinstance(dial_code, bool) or str(dial_code) not in pool.numbers):
        raise G.not_in_list("dial_code", dial_code, ",".join(sorted(pool.numbers)))
    codes = [str(dial_code)] if dial_code is not None else sorted(pool.numbers)
    free = [n for code in codes for n in pool.numbers[code] if ctx.state.account(n) is None]
    if len(free) < count:
        raise G.error(G.INVALID_PARAMS, G.entry("B_NOT_ENOUGH_NUMBERS", "quantity",
                                                "Not enough free numbers to connect {value} numbers",
                                                {"value": count, "attribute": "quantity"}))
    cost = round(pool.price * count, 2)
    customer = cust.customer
    if cost > customer.balance:
        raise G.error(G.INVALID_PARAMS, G.entry("B_INSUFFICIENT_FUNDS_FOR_NUMBERS", "quantity",
                                                "Insufficient funds to connect {value} numbers",
                                                {"value": count, "attribute": "quantity"}))
    customer.balance = round(customer.balance - cost, 2)
    customer.real_balance = round(customer.real_balance - cost, 2)
    activated = datetime.fromtimestamp(ctx.now(), MSK).strftime("%d.%m.%Y %H:%M:%S")
    taken = free[:count]
    for number in taken:
        for code in codes:
            if number in pool.numbers[code]:
                pool.numbers[code].remove(number)
        account = Account(activation_date=activated)
        customer.accounts[number] = account
        ctx.state.index_account(cust.tenant_id, cust.name, number, account)
    return [{"number_list": [{"number": int(n), "result": {"status": "Success"}} for n in taken]}]
