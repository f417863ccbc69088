"""Runs a spyne Application in-process on one request body, without WSGI and without blocking the loop.

Spyne's own servers are WSGI/Twisted. We perform the steps spyne's WsgiApplication performs, split in
three: parsing and schema validation of the body (CPU work proportional to the body) and serializing
the answer (proportional to the page of CDRs) run on one dedicated worker thread, so a large envelope
never stalls the event loop; the operation itself runs on the loop, because it reads and changes the
provider's state, which only the loop touches. Operations return copies (models dumped to new spyne
objects), so serializing them on the worker cannot race with the loop.
"""

from __future__ import annotations

import asyncio
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Optional

from spyne import Application, Fault, MethodContext
from spyne import const as spyne_const
from spyne.server import ServerBase

log = logging.getLogger(__name__)

SOAP_HTTP_TRANSPORT = "http://schemas.xmlsoap.org/soap/http"

# One thread: spyne's protocol objects (and lxml's schema validator) are shared by all requests, so
# their work is serialized; the loop stays free meanwhile.
_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="telsim-spyne")

# MethodContext.close() runs a full gc.collect() at most once a second, "to return file descriptors"
# of its WSGI/Twisted servers. We hold none, and in a process with a large heap (a long-running
# sandbox, a test session) each collection holds the GIL for up to a second: every SOAP request paid it.
spyne_const.MIN_GC_INTERVAL = float("inf")

_DTD = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
DTD_PROHIBITED = (
    "For security reasons DTD is prohibited in this XML document. To enable DTD processing set the "
    "DtdProcessing property on XmlReaderSettings to Parse and pass the settings into XmlReader.Create method."
)


@dataclass
class SoapResult:
    status: int  # 200, or 500 with a fault (SOAP 1.1)
    body: bytes
    operation: Optional[str]  # the operation's local name, for the journal


class SpyneBridge(ServerBase):
    transport = SOAP_HTTP_TRANSPORT

    def __init__(self, app: Application):
        super().__init__(app)

    async def handle(self, body: bytes, udc: Any) -> SoapResult:
        loop = asyncio.get_running_loop()
        contexts, p_ctx = await loop.run_in_executor(_WORKER, self._parse, body, udc)
        if p_ctx.in_error is None:
            self._call(p_ctx)
        return await loop.run_in_executor(_WORKER, self._serialize, contexts, p_ctx)

    # -- steps

    def _parse(self, body: bytes, udc: Any) -> tuple[list, MethodContext]:
        ctx = MethodContext(self, MethodContext.SERVER)
        ctx.udc = udc
        ctx.in_string = [body]
        if _DTD.search(body):
            ctx.in_error = Fault("Client", DTD_PROHIBITED)
            return [ctx], ctx
        try:
            contexts = self.generate_contexts(ctx, "utf-8")
        except Exception as exc:  # e.g. lxml's validator giving up on an unresolvable entity
            log.debug("SOAP request could not be parsed", exc_info=True)
            ctx.in_error = Fault("Client", f"The message could not be read: {type(exc).__name__}")
            return [ctx], ctx
        p_ctx = contexts[0]
        p_ctx.udc = udc
        if p_ctx.in_error is None:
            try:
                self.get_in_object(p_ctx)
            except Exception as exc:
                log.debug("SOAP request could not be deserialized", exc_info=True)
                p_ctx.in_error = Fault("Client", f"The message could not be read: {type(exc).__name__}")
        return contexts, p_ctx

    def _call(self, p_ctx: MethodContext) -> None:
        try:
            self.get_out_object(p_ctx)
        except Fault as exc:
            p_ctx.out_error = exc
        except Exception as exc:  # a bug must still answer with a fault, not a traceback
            log.exception("SOAP operation failed")
            p_ctx.out_error = Fault("Server", f"Internal error: {type(exc).__name__}")

    def _serialize(self, contexts: list, p_ctx: MethodContext) -> SoapResult:
        if p_ctx.in_error is not None:
            p_ctx.out_error = p_ctx.in_error
        if p_ctx.out_error is not None:
            p_ctx.out_object = None
            p_ctx.out_document = None
        try:
            self.get_out_string(p_ctx)
        except Exception as exc:
            log.exception("SOAP serialization failed")
            p_ctx.out_error = Fault("Server", f"Internal error: {type(exc).__name__}")
            p_ctx.out_object = None
            p_ctx.out_document = None
            p_ctx.out_string = None
            self.get_out_string(p_ctx)
        payload = b"".join(
            part if isinstance(part, bytes) else str(part).encode("utf-8") for part in p_ctx.out_string
        )
        operation = (getattr(p_ctx, "method_request_string", None) or "").rpartition("}")[2] or None
        for c in contexts:
            c.close()
        return SoapResult(500 if p_ctx.out_error is not None else 200, payload, operation)
