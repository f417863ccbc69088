"""Small HTTP helpers for providers.

The core reads every inbound body once (for the journal) before the handler runs, so a
handler must not stream it again: use ``await request.read()``/``.text()``/``.json()``,
and :func:`read_multipart` instead of ``request.post()`` for multipart/form-data.
"""
from __future__ import annotations

import asyncio
import json
import quopri
import re
import sys
import base64
import binascii
from dataclasses import dataclass, field
from email.parser import HeaderParser
from email.policy import HTTP, compat32
from typing import TYPE_CHECKING, Any, Mapping

import pydantic_core
from aiohttp import web

if TYPE_CHECKING:
    from .engine.audio import Recording


class MultipartError(ValueError):
    pass


class TooManyParts(MultipartError):
    """A multipart body with more parts than the provider allows (counted before parsing)."""


#: bodies larger than this are parsed in a worker thread (the stdlib parser is pure Python)
MULTIPART_OFF_LOOP = 64 * 1024
MULTIPART_PARTS_ON_LOOP = 16  # ... and so are bodies of more parts (~0.2 ms a part)
DEFAULT_MAX_PARTS = 100


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
    value = parsed_plain(raw, allow_inf_nan=True)
    if value is not NOT_PLAIN:
        return value
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


#: what :func:`parsed_plain` answers for a body it leaves to the stdlib parser
NOT_PLAIN = object()
#: pydantic-core reads integers of up to 4300 digits, Python's default limit
_PLAIN_INT_DIGITS = 4300
#: digits as NUL, "E" as "e": a number's exponent or a long run of digits is then found by
#: C-speed substring searches (a NUL in the body itself only sends it the stdlib's way)
_NUMBER_SHAPE = bytes.maketrans(b"0123456789E", b"\0" * 10 + b"e")
_FLOAT_RANGE = b"\0" * 309   # a longer run of digits may be a float past float range


def parsed_plain(raw: bytes | bytearray, *, allow_inf_nan: bool) -> Any:
    """The value of a plain body read by pydantic-core's parser (2-4x faster than
    ``json.loads``), or :data:`NOT_PLAIN` for any other body, which the caller parses as
    before: its value and its error stay the stdlib's.

    On the bodies it reads the two parsers give the same value (tests/core/test_json_fast_path.py:
    the same strings, ints, correctly rounded floats, the last of duplicate keys); it refuses,
    and so leaves to the stdlib, what the stdlib would refuse or read otherwise: a BOM,
    UTF-16/32, invalid UTF-8, lone surrogates, control characters, nesting past 200, integers
    past 4300 digits (while Python's limit is not lower). ``allow_inf_nan=False`` refuses NaN
    and Infinity; then a number with an exponent or 309 digits, which may overflow to inf, is
    left to the stdlib too."""
    limit = sys.get_int_max_str_digits()
    if 0 < limit < _PLAIN_INT_DIGITS:
        return NOT_PLAIN
    if not allow_inf_nan:
        shape = raw.translate(_NUMBER_SHAPE)
        if b"\0e" in shape or (len(shape) >= len(_FLOAT_RANGE) and _FLOAT_RANGE in shape):
            return NOT_PLAIN
    try:
        return pydantic_core.from_json(raw, allow_inf_nan=allow_inf_nan)
    except ValueError:
        return NOT_PLAIN


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


def count_parts(boundary: str, body: bytes) -> int:
    """How many parts the delimiters of ``body`` open (RFC 2046 5.1.1): a C-speed count,
    made before any parsing."""
    delimiter = f"--{boundary}".encode()
    opened = body.count(b"\n" + delimiter) + body.startswith(delimiter)
    return max(opened - (f"--{boundary}--".encode() in body), 0)


def parse_multipart(content_type_header: str, body: bytes,
                    max_parts: int = DEFAULT_MAX_PARTS) -> list[FormPart]:
    """Parse a multipart/form-data body (RFC 7578); raises MultipartError when it is
    malformed and TooManyParts when it has more than ``max_parts`` parts.

    The body is split at its delimiters with ``bytes.find`` (linear, at C speed); only each
    part's few header lines go through the stdlib ``email`` parser (RFC 2231 parameters,
    quoting). The whole-body ``email`` parser took 2.5 ms per part and 3 s for 32 MiB."""
    boundary = boundary_of(content_type_header)
    if boundary is None:
        raise MultipartError("Content-Type is not multipart/form-data with a boundary")
    delimiter = f"--{boundary}".encode()
    if delimiter not in body:
        raise MultipartError("no part delimited by the boundary")
    if count_parts(boundary, body) > max_parts:
        raise TooManyParts(f"more than {max_parts} parts")
    return [_form_part(body, start, end) for start, end in _split_parts(body, delimiter)]


def _split_parts(body: bytes, delimiter: bytes) -> list[tuple[int, int]]:
    """Where each part (headers and content) lies between the delimiters; the preamble and
    the epilogue are dropped, a body without its close delimiter is malformed."""
    marker = b"\n" + delimiter
    at = 0 if body.startswith(delimiter) else body.find(marker) + 1
    if at <= 0 and not body.startswith(delimiter):
        raise MultipartError("no part delimited by the boundary")
    parts = []
    start = None  # where the current part's bytes begin
    while True:
        after = at + len(delimiter)
        if body.startswith(b"--", after):  # the close delimiter
            if start is not None:
                parts.append(_content(body, start, at))
            return parts
        line_end = body.find(b"\n", after)
        if line_end < 0 or body[after:line_end].strip(b" \t\r"):
            # the boundary text followed by more than padding is content, not a delimiter
            found = body.find(marker, after)
        else:
            if start is not None:
                parts.append(_content(body, start, at))
            start = line_end + 1
            found = body.find(marker, start - 1)
        if found < 0:
            raise MultipartError("malformed multipart body: no close delimiter")
        at = found + 1


def _content(body: bytes, start: int, delimiter_at: int) -> tuple[int, int]:
    """A part's span, without the line break that belongs to the next delimiter."""
    end = delimiter_at - 1  # the \n before the delimiter
    if end > start and body[end - 1] == 0x0D:
        end -= 1
    return start, max(end, start)


# compat32: the default policy's header registry costs ~2 ms per part
_HEADER_PARSER = HeaderParser(policy=compat32)


def _form_part(body: bytes, start: int, end: int) -> FormPart:
    if body.startswith(b"\r\n", start, end) or body.startswith(b"\n", start, end):
        head, data_at = b"", start + (2 if body.startswith(b"\r\n", start, end) else 1)
    else:
        cut = body.find(b"\r\n\r\n", start, end)
        lf = body.find(b"\n\n", start, end if cut < 0 else cut + 2)
        if cut < 0 and lf < 0:
            raise MultipartError("malformed multipart body: a part without a blank line after its headers")
        if lf >= 0:
            head, data_at = body[start:lf + 1], lf + 2
        else:
            head, data_at = body[start:cut + 2], cut + 4
    data = body[data_at:end]
    try:
        # header bytes are UTF-8 as browsers send file names (RFC 7578 4.2)
        msg = _HEADER_PARSER.parsestr(head.decode("utf-8", "replace"))
        disposition, params = _disposition(str(msg.get("Content-Disposition", "")))
        filename = params.get("filename")
        if filename is None:  # as email's get_filename(): the Content-Type's name
            filename = msg.get_param("name", header="content-type") if "Content-Type" in msg else None
            filename = filename if isinstance(filename, str) else None
        content_type = msg.get_content_type()
        headers = {k: str(v) for k, v in msg.items()}
    except Exception as exc:  # the email parser raises many kinds on garbage
        raise MultipartError(f"malformed multipart body: {exc}") from None
    if msg.defects:
        raise MultipartError("malformed multipart body: malformed part headers")
    if disposition != "form-data":
        raise MultipartError("a part without Content-Disposition: form-data")
    return FormPart(params.get("name"), filename, content_type,
                    _decode(str(msg.get("Content-Transfer-Encoding", "")).strip().lower(), data), headers)


_SIMPLE_DISPOSITION = re.compile(
    r'\s*([A-Za-z-]+)\s*((?:;\s*[A-Za-z-]+\s*=\s*(?:"[^"\\]*"|[^;"\s,*\\]+)\s*)*);?\s*')
_SIMPLE_PARAM = re.compile(r'([A-Za-z-]+)\s*=\s*(?:"([^"]*)"|([^;"\s]+))')


def _disposition(value: str) -> tuple[str, dict[str, str]]:
    """(disposition type, parameters) of a Content-Disposition: the usual
    ``form-data; name="x"; filename="y"`` by a regular expression, anything else (RFC 2231
    ``filename*=``, escapes, odd separators) by the email package's full header parser,
    which costs ~0.5 ms a header."""
    simple = _SIMPLE_DISPOSITION.fullmatch(value)
    if simple is not None:
        params = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
                  for m in _SIMPLE_PARAM.finditer(simple.group(2))}
        return simple.group(1).lower(), params
    header = HTTP.header_factory("content-disposition", value)
    params = {k.lower(): str(v) for k, v in header.params.items()}
    return (header.content_disposition or "").lower(), params


def _decode(transfer_encoding: str, data: bytes) -> bytes:
    """A part's content; RFC 7578 4.7 deprecates Content-Transfer-Encoding but old clients
    still send base64 or quoted-printable."""
    if transfer_encoding == "base64":
        try:
            return base64.b64decode(b"".join(data.split()))
        except (binascii.Error, ValueError):
            raise MultipartError("malformed multipart body: a part's base64 is invalid") from None
    if transfer_encoding == "quoted-printable":
        return quopri.decodestring(data)
    return data


async def parse_multipart_async(content_type_header: str, body: bytes,
                                max_parts: int = DEFAULT_MAX_PARTS) -> list[FormPart]:
    """:func:`parse_multipart`, in a worker thread when the body is large, so the event loop
    goes on serving meanwhile."""
    boundary = boundary_of(content_type_header)
    parts = count_parts(boundary, body) if boundary is not None else 0
    if parts > max_parts:
        raise TooManyParts(f"more than {max_parts} parts")  # refused without a thread
    if len(body) <= MULTIPART_OFF_LOOP and parts <= MULTIPART_PARTS_ON_LOOP:
        return parse_multipart(content_type_header, body, max_parts)
    return await asyncio.to_thread(parse_multipart, content_type_header, body, max_parts)


async def read_multipart(request: web.Request, max_parts: int = DEFAULT_MAX_PARTS) -> list[FormPart]:
    return await parse_multipart_async(request.headers.get("Content-Type", ""), await request.read(),
                                       max_parts)


from . import catalogue as _catalogue
from .catalogue import OPERATION_KEY

set_operation = _catalogue.set_operation  # the catalogue's, importable from here as before

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


def routed_allow(request: web.BaseRequest) -> str | None:
    """The ``Allow`` header of the router's 405 for ``request``, or None (also for a request the
    router never saw: the transport's answers to requests that could not be parsed)."""
    try:
        routing = request.match_info.http_exception  # type: ignore[attr-defined]
    except (AttributeError, AssertionError):
        return None
    return routing.headers.get("Allow") if routing is not None else None


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
