"""Small HTTP helpers for providers.

The core reads every inbound body once (for the journal) before the handler runs, so a
handler must not stream it again: use ``await request.read()``/``.text()``/``.json()``,
and :func:`read_multipart` instead of ``request.post()`` for multipart/form-data.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from aiohttp import web


class MultipartError(ValueError):
    pass


class JsonBodyError(ValueError):
    """A request body that is not usable JSON (the message says why, in one line)."""


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def loads_json(data: bytes | str) -> Any:
    """``json.loads`` for request bodies: every body Python's parser fails on, or that could
    not be sent back, raises :class:`JsonBodyError` (a ValueError), never anything else:
    malformed JSON or bytes; nesting deeper than the interpreter's stack (RecursionError);
    integers longer than ``sys.get_int_max_str_digits()``; strings holding a lone UTF-16
    surrogate (``"\\ud800"``), which no UTF-8 answer or journal entry could carry."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    try:
        value = json.loads(raw)
    except RecursionError:
        raise JsonBodyError("JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, the int digits limit
        raise JsonBodyError(str(exc).split("\n")[0]) from None
    if _SURROGATE_ESCAPE.search(raw):  # escaped pairs are fine; only lone halves fail here
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise JsonBodyError("a string holds an unpaired UTF-16 surrogate") from None
    return value


@dataclass
class FormPart:
    name: str | None
    filename: str | None
    content_type: str
    data: bytes
    headers: dict[str, str] = field(default_factory=dict)  # the part's own headers, as sent

    def text(self, encoding: str = "utf-8") -> str:
        return self.data.decode(encoding)


def boundary_of(content_type_header: str) -> str | None:
    """The boundary of a multipart/form-data Content-Type, or None if it has none."""
    parts = [p.strip() for p in content_type_header.split(";")]
    if not parts or parts[0].lower() != "multipart/form-data":
        return None
    for p in parts[1:]:
        key, _, value = p.partition("=")
        if key.strip().lower() == "boundary" and value.strip().strip('"'):
            return value.strip().strip('"')
    return None


def parse_multipart(content_type_header: str, body: bytes) -> list[FormPart]:
    """Parse a multipart/form-data body; raises MultipartError when it is malformed."""
    boundary = boundary_of(content_type_header)
    if boundary is None:
        raise MultipartError("Content-Type is not multipart/form-data with a boundary")
    if f"--{boundary}".encode() not in body:
        raise MultipartError("no part delimited by the boundary")
    head = f'Content-Type: multipart/form-data; boundary="{boundary}"\r\nMIME-Version: 1.0\r\n\r\n'
    try:
        msg = BytesParser(policy=HTTP).parsebytes(head.encode() + body)
    except Exception as exc:  # the email parser raises many kinds on garbage
        raise MultipartError(f"malformed multipart body: {exc}") from None
    if not msg.is_multipart() or msg.defects:
        raise MultipartError("malformed multipart body")
    parts = []
    for part in msg.iter_parts():
        disposition = part.get("Content-Disposition", "")
        if "form-data" not in disposition.lower():
            raise MultipartError("a part without Content-Disposition: form-data")
        payload = part.get_payload(decode=True)
        parts.append(FormPart(part.get_param("name", header="content-disposition"),
                              part.get_filename(), part.get_content_type(),
                              payload if isinstance(payload, bytes) else b"",
                              {k: str(v) for k, v in part.items()}))
    return parts


async def read_multipart(request: web.Request) -> list[FormPart]:
    return parse_multipart(request.headers.get("Content-Type", ""), await request.read())


from .catalogue import OPERATION_KEY, set_operation  # noqa: F401  (re-exported)

_RequestKey = getattr(web, "RequestKey", None)
TENANT_KEY = _RequestKey("tenant", str) if _RequestKey else "tenant"
JOURNAL_KIND_KEY = OPERATION_KEY  # the journal entry's operation name


def set_tenant(request: web.Request, tenant: str | None) -> None:
    """Name the tenant a request belongs to, for the access log and the journal."""
    request[TENANT_KEY] = tenant


def set_journal_kind(request: web.Request, kind: str) -> None:
    """Deprecated: use :func:`simulator.catalogue.set_operation` (the same key)."""
    request[OPERATION_KEY] = kind
