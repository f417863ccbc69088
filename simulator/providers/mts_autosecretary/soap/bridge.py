"""Runs a spyne Application in-process on one request body, without WSGI or threads.

Spyne's own servers are WSGI/Twisted. Its handling is pure CPU on an in-memory body (our services
touch only in-memory state), so the aiohttp handler calls ``SpyneBridge.handle`` directly: the same
steps spyne's WsgiApplication performs (generate contexts, deserialize, call, serialize), minus the
WSGI environ.
"""

from __future__ import annotations

import logging
from typing import Any

from spyne import Application, Fault, MethodContext
from spyne.server import ServerBase

log = logging.getLogger(__name__)

SOAP_HTTP_TRANSPORT = "http://schemas.xmlsoap.org/soap/http"


class SpyneBridge(ServerBase):
    transport = SOAP_HTTP_TRANSPORT

    def __init__(self, app: Application):
        super().__init__(app)
        self.last_operation: str | None = None  # of the latest handle(); read at once (no await between)

    def handle(self, body: bytes, udc: Any) -> tuple[int, bytes]:
        """Returns (HTTP status, SOAP envelope bytes); faults come with 500 as SOAP 1.1 requires."""
        ctx = MethodContext(self, MethodContext.SERVER)
        ctx.udc = udc
        ctx.in_string = [body]
        contexts = self.generate_contexts(ctx, "utf-8")
        p_ctx = contexts[0]
        p_ctx.udc = udc
        if p_ctx.in_error is None:
            self.get_in_object(p_ctx)
        if p_ctx.in_error is None:
            try:
                self.get_out_object(p_ctx)
            except Fault as exc:
                p_ctx.out_error = exc
            except Exception as exc:  # a bug must still answer with a fault, not a traceback
                log.exception("SOAP operation failed")
                p_ctx.out_error = Fault("Server", f"Internal error: {type(exc).__name__}")
        else:
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
        self.last_operation = (p_ctx.method_request_string or "").rpartition("}")[2] or None
        for c in contexts:
            c.close()
        return (500 if p_ctx.out_error is not None else 200), payload
