"""The operation a request is, by its catalogue name (simulator/catalogue.py): the key a route's
handler sets with :func:`set_operation`, which the journal reads (``UNRECOGNISED`` when no
handler named one). Apart from the catalogue so that the request path needs no catalogue
before a provider is built; the catalogue exports all three as its own."""
from __future__ import annotations

from aiohttp import web

#: the journal's operation for a request no handler named (unknown path, refused early)
UNRECOGNISED = "request"

_RequestKey = getattr(web, "RequestKey", None)
OPERATION_KEY = _RequestKey("operation", str) if _RequestKey else "operation"


def set_operation(request: web.Request, name: str) -> None:
    """Name the catalogue operation a shared route recognised (journal, counts, contracts)."""
    request._state[OPERATION_KEY] = name  # request[key] = ...: a Python frame and a key check
