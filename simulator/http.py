"""Small HTTP helpers for providers.

The core reads every inbound body once (for the journal) before the handler runs, so a
handler must not stream it again: use ``await request.read()``/``.text()``/``.json()``,
and :func:`read_multipart` instead of ``request.post()`` for multipart/form-data.
"""
from __future__ import annotations

import asyncio
import json
import re
import base64
import binascii
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import TYPE_CHECKING, Any, Mapping

from aiohttp import web

if TYPE_CHECKING:
    from .engine.audio import Recording


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


OFF_LOOP_JSON = 256 * 1024  # bytes: a larger body is parsed on a worker thread (~10 ms per 256 KiB)


async def loads_json_off_loop(data: bytes | str) -> Any:
    """:func:`loads_json`, on a worker thread for a body over ``OFF_LOOP_JSON`` bytes, so a
    large valid body never stalls the event loop while it is parsed."""
    if len(data) <= OFF_LOOP_JSON:
        return loads_json(data)
    return await asyncio.to_thread(loads_json, data)


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


# ------------------------------------------------------------ where the client came from
def _first(value: str) -> str:
    return value.split(",")[0].strip()


def strip_prefix(path: str, slug: str) -> str:
    """The path inside the provider: ``/mts-vpbx/api/abonents`` -> ``/api/abonents``; a path
    that came by the provider's Host header (no prefix) is returned as it is."""
    prefix = f"/{slug}"
    if path == prefix or path.startswith(prefix + "/"):
        return path[len(prefix):] or "/"
    return path


def came_by_prefix(request: web.Request, slug: str) -> bool:
    """True when the client reached the provider as ``/<slug>/...`` (not by Host)."""
    prefix = f"/{slug}"
    return request.path == prefix or request.path.startswith(prefix + "/")


def client_base_url(request: web.Request, slug: str) -> str:
    """The provider's root URL as the client sees it, without a trailing slash, for links in
    answers (record URLs, pagination, download links):

    * ``http://127.0.0.1:8080/mts-vpbx`` when the client used the ``/<slug>`` prefix,
    * ``https://vpbx.mts.ru`` when it came by the real Host (behind a TLS proxy that sends
      ``X-Forwarded-Proto`` / ``X-Forwarded-Host``, their first value wins).
    """
    proto = _first(request.headers.get("X-Forwarded-Proto", "")) or request.scheme
    host = _first(request.headers.get("X-Forwarded-Host", "")) or request.host
    root = f"{proto}://{host}"
    return root + f"/{slug}" if came_by_prefix(request, slug) else root


# ------------------------------------------------------------------------ recordings
AUDIO_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg"}


async def audio_response(request: web.Request, recording: "Recording | float", fmt: str, *,
                         filename: str | None = None, status: int = 200,
                         headers: Mapping[str, str] | None = None) -> web.Response:
    """A recording (or ``seconds`` of call audio) as a WAV or MP3 answer, encoded in a worker
    thread so the event loop never waits for the encoder (an hour of MP3 takes ~1 s).

    ``filename`` adds ``Content-Disposition: attachment; filename="<filename>"``; ``headers``
    are added as given. Every provider serves recordings through this one function.
    """
    from .engine.audio import render

    if fmt not in AUDIO_TYPES:
        raise ValueError(f"audio format is wav or mp3, not {fmt!r}")
    seconds = recording if isinstance(recording, (int, float)) else recording.duration
    body = await render(float(seconds), fmt)
    out = dict(headers or {})
    if filename is not None:
        out.setdefault("Content-Disposition", f'attachment; filename="{filename}"')
    return web.Response(body=body, status=status, content_type=AUDIO_TYPES[fmt], headers=out)


def parse_basic_auth(header: str | None, fallback_encoding: str | None = None) -> tuple[str, str] | None:
    """(login, password) of an ``Authorization: Basic ...`` value, or None when it is not one.
    The credentials are UTF-8 (RFC 7617); ``fallback_encoding`` (e.g. "latin-1") reads what
    older clients send when it is not."""
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "basic" or not token.strip():
        return None
    try:
        raw = base64.b64decode(token.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        if fallback_encoding is None:
            return None
        text = raw.decode(fallback_encoding)
    login, sep, password = text.partition(":")
    return (login, password) if sep else None


def basic_credentials(request: web.Request) -> tuple[str, str] | None:
    """The request's HTTP Basic credentials (UTF-8), or None."""
    return parse_basic_auth(request.headers.get("Authorization"))
