"""Spyne services ``un`` and ``cdr``; each operation delegates to operations.py.

The aiohttp handler authenticates the caller and puts a ``SoapCall`` in ``ctx.udc``; API errors become
SOAP faults (``s:Client`` for 4xx, ``s:Server`` for 5xx) with the REST status_msg as faultstring.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from spyne import Application, Fault, Integer32, Integer64, ServiceBase, Unicode, rpc
from spyne.protocol.soap import Soap11

from .. import operations
from ..backend import Account, Backend
from ..cdr import CdrRecord
from ..errors import ApiError
from ..models import UN as UNModel
from . import types as t

# Spyne logs every Fault raised by a service with a traceback; API errors are expected outcomes.
logging.getLogger("spyne.application").setLevel(logging.CRITICAL)
logging.getLogger("spyne.application.server").setLevel(logging.CRITICAL)


@dataclass
class SoapCall:
    backend: Backend
    account: Account
    now: datetime
    base: str  # provider root as the client reached it, for CDR `links`
    on_change: Callable[[str], None] | None = None  # called with the UN phone after UpdateUN


class ApiFault(Fault):
    def __init__(self, error: ApiError):
        code = "Client" if error.is_client_error else "Server"
        super().__init__(faultcode=code, faultstring=error.status_msg)
        self.status_code = error.status_code


def _call(ctx) -> SoapCall:
    return ctx.udc


def _run(fn, *args):
    try:
        return fn(*args)
    except ApiError as exc:
        raise ApiFault(exc) from None


def un_to_soap(un: UNModel) -> t.UN:
    data = un.model_dump()
    data["dn_list"] = [t.DN(**dn) for dn in data["dn_list"]]
    return t.UN(**data)


def _strip_none(obj: Any) -> Any:
    if obj is None:
        return None
    result: dict[str, Any] = {}
    for name in type(obj)._type_info:
        value = getattr(obj, name, None)
        if value is None:
            continue
        result[name] = value
    return result


def un_from_soap(value: t.UN | None) -> dict[str, Any]:
    """The UN a client sent, as the JSON-like dict the REST validator takes (absent = not given)."""
    if value is None:
        return {}
    data = _strip_none(value)
    if "dn_list" in data:
        data["dn_list"] = [_strip_none(dn) if dn is not None else {} for dn in data["dn_list"]]
    return data


def cdr_to_soap(record: CdrRecord) -> t.CDR:
    return t.CDR(**record.to_json())


class UnService(ServiceBase):
    __service_name__ = "un"

    @rpc(_returns=t.ArrayOfstring, _operation_name="GetUNList")
    def GetUNList(ctx):
        call = _call(ctx)
        return _run(operations.list_uns, call.backend, call.account)

    @rpc(Unicode, _returns=t.UN, _operation_name="GetUN")
    def GetUN(ctx, phone):
        call = _call(ctx)
        return un_to_soap(_run(operations.get_un, call.backend, call.account, phone))

    @rpc(t.UN, _returns=t.UN, _operation_name="UpdateUN")
    def UpdateUN(ctx, un):
        call = _call(ctx)
        updated = _run(operations.update_un, call.backend, call.account, un_from_soap(un), call.now)
        if call.on_change is not None:
            call.on_change(updated.phone)
        return un_to_soap(updated)


def _page(result: operations.CdrResult) -> t.CDRPage:
    return t.CDRPage(links=result.next_url, value=[cdr_to_soap(r) for r in result.records])


class CdrService(ServiceBase):
    __service_name__ = "cdr"

    @rpc(Unicode, Unicode, Unicode, Integer64, Integer32, _returns=t.CDRPage, _operation_name="GetCdrByTime")
    def GetCdrByTime(ctx, phone, begin, end, start_id, limit):
        call = _call(ctx)
        return _page(
            _run(operations.cdr_by_time, call.backend, call.account, phone, begin, end, start_id, limit,
                 call.now, call.base)
        )

    @rpc(Unicode, Integer64, Integer32, _returns=t.CDRPage, _operation_name="GetCdrById")
    def GetCdrById(ctx, phone, start_id, limit):
        call = _call(ctx)
        return _page(_run(operations.cdr_by_id, call.backend, call.account, phone, start_id, limit, call.base))


def _application(service, name: str) -> Application:
    return Application(
        [service],
        tns=t.TNS,
        name=name,
        in_protocol=Soap11(validator="lxml"),
        out_protocol=Soap11(),
    )


UN_APP = _application(UnService, "un")
CDR_APP = _application(CdrService, "cdr")
