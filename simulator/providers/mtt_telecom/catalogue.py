"""The operation catalogue of MTT Telecom API, assembled from the provider's modules.

Every module of the provider may declare:

* ``RPC``: a :class:`simulator.jsonrpc.MethodSet` of methods served on POST /index.php
  (webapicommon.mtt.ru); ``GAPI_RPC`` likewise for POST /v1/api (gapi.mtt.ru);
* ``OPERATIONS``: catalogue operations of its other routes (REST, uploads) and
  ``handlers(provider) -> {operation name: aiohttp handler}`` serving them;
* ``CALLBACKS``: the callbacks it sends (catalogue CallbackSpec);
* ``reset(provider)`` (state from the world), ``on_event(provider, event)`` (engine events);
* ``route_inbound(provider, call, origin, account) -> bool`` listed in ``INBOUND``.

Adding a module is one edit of ``MODULES`` (and of ``INBOUND`` when it routes calls).
"""
from __future__ import annotations

from typing import Any

from ...catalogue import Catalogue, operations
from ...jsonrpc import MethodSet
from . import accounts, callback, callback_struct, followme, history, prompts, records
from . import callcontrol, gbl, numbers, premedia, smartcalls, sms
from .endpoint import Endpoint

SLUG = "mtt-telecom"
DOCUMENT = "mtt-telecom-api.txt"
WEBAPI = "webapicommon.mtt.ru"

MODULES: tuple[Any, ...] = (history, records, followme, accounts, callback_struct, callback, prompts,
                             callcontrol, premedia, numbers, gbl, smartcalls, sms)
GAPI = "gapi.mtt.ru"


def methods(attr: str) -> MethodSet:
    return MethodSet.merged(*(getattr(m, attr) for m in MODULES if hasattr(m, attr)))


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("/index.php", WEBAPI, "webapicommon", methods("RPC")),
    # call history before settings.archive_before (wire-facts 4.1), the same protocol
    Endpoint("/archive/index.php", WEBAPI, "webapicommon", history.ARCHIVE_RPC, prefix="archive.",
             section="Call history archive (wire-facts 4.1)"),
    # premedia, addNumbers, Global Black List; "gapi." tells premedia's setFollowme from webapicommon's
    Endpoint("/v1/api", GAPI, "gapi", methods("GAPI_RPC"), prefix="gapi.", smd=False),
)

#: how an inbound call to a sip_id is routed: the first router that takes the call
INBOUND = (gbl.route_inbound, callcontrol.route_inbound, premedia.route_inbound, followme.route_inbound)

CATALOGUE = Catalogue(
    SLUG, DOCUMENT,
    operations(*(e.operations() for e in ENDPOINTS), *(getattr(m, "OPERATIONS", ()) for m in MODULES)),
    tuple(cb for m in MODULES for cb in getattr(m, "CALLBACKS", ())),
)
CATALOGUE.sections = {s: s for s in dict.fromkeys(
    [op.section for op in CATALOGUE.operations] + [cb.section for cb in CATALOGUE.callbacks])}
