"""getCustomerBalance and getPersonalAccountList: a customer's balance and its accounts."""
from __future__ import annotations

from ...jsonrpc import MethodSet, Param
from .params import as_int, as_str

RPC = MethodSet()


@RPC.method("getCustomerBalance", [Param("customer_name", description="лицевой счёт")], returns="object",
            section="getCustomerBalance")
async def get_customer_balance(ctx, customer_name):
    """The customer's balance, full balance and pending payment."""
    customer = ctx.customer(as_str(customer_name, "customer_name")).customer
    return {"balance": round(customer.balance, 2), "real_balance": round(customer.real_balance, 2),
            "pending_payment": round(customer.pending_payment or 0.0, 2)}


@RPC.method("getPersonalAccountList", [
    Param("customer_name"),
    Param("limit", "integer", optional=True, description="accounts to return (all by default)"),
    Param("offset", "integer", optional=True, default=0),
], returns="array", section="getPersonalAccountList")
async def get_personal_account_list(ctx, customer_name, limit, offset):
    """The accounts (numbers) of a customer in activation order."""
    customer = ctx.customer(as_str(customer_name, "customer_name")).customer
    limit = as_int(limit, "limit", default=ctx.state.world.settings.history_limit, minimum=1)
    offset = as_int(offset, "offset", default=0)
    rows = list(customer.accounts.items())[offset:offset + limit]
    return [{"account_number": sip_id, "activation_date": acc.activation_date, "status": acc.status}
            for sip_id, acc in rows]
