"""Small HTTP helpers for providers.

The core reads every inbound body once (for the journal) before the handler runs, so a
handler must not stream it again: use ``await request.read()``/``.text()``/``.json()``,
and :func:`read_multipart` (simulator/multipart.py) instead of ``request.post()`` for
multipart/form-data.
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import json
import re
import sys
from typing import TYPE_CHECKING, Any, Mapping

from aiohttp import web

# multipart bodies live in simulator/multipart.py; importable from here as they always were
# (through __getattr__ at the end: imported by the first provider that reads one)
_MULTIPART = frozenset({"DEFAULT_MAX_PARTS", "MULTIPART_OFF_LOOP", "MULTIPART_PARTS_ON_LOOP", "FormPart",
                        "MultipartError", "TooManyParts", "boundary_of", "count_parts", "parse_multipart",
                        "parse_multipart_async", "read_multipart"})

__all__ = ["JsonBodyError", "loads_json", "NOT_PLAIN", "parsed_plain", "OFF_LOOP_JSON",
           "loads_json_off_loop", "OPERATION_KEY", "set_operation", "TENANT_KEY",
           "JOURNAL_KIND_KEY", "set_tenant", "set_journal_kind", "strip_prefix", "routed_allow",
           "came_by_prefix", "client_base_url", "AUDIO_TYPES", "audio_response",
           "parse_basic_auth", "basic_credentials", "DEFAULT_MAX_PARTS", "MULTIPART_OFF_LOOP",
           "MULTIPART_PARTS_ON_LOOP", "FormPart", "MultipartError", "TooManyParts", "boundary_of",
           "count_parts", "parse_multipart", "parse_multipart_async", "read_multipart"]

if TYPE_CHECKING:
    from .engine.audio import Recording


class JsonBodyError(ValueError):
    """A request body that is not usable JSON (the message says why, in one line)."""


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
#: a UTF-16 surrogate written out in UTF-8 bytes (CESU-8): invalid UTF-8, which json.loads
#: still reads (it decodes bytes with "surrogatepass")
_ENCODED_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")


def loads_json(data: bytes | str) -> Any:
    """``json.loads`` for request bodies: every body Python's parser fails on, or that could
    not be sent back, raises :class:`JsonBodyError` (a ValueError), never anything else:
    malformed JSON or bytes; nesting deeper than the interpreter's stack (RecursionError);
    integers longer than ``sys.get_int_max_str_digits()``; strings holding a lone UTF-16
    surrogate (``"\\ud800"``, or the surrogate's own bytes), which no UTF-8 answer or journal
    entry could carry."""
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
    if _ENCODED_SURROGATE.search(raw) and json.detect_encoding(raw).startswith("utf-8"):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:  # what any strict UTF-8 reader says about it
            raise JsonBodyError(str(exc)) from None
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
_from_json: Any = None  # pydantic_core.from_json, imported by parsed_plain's first use


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
    global _from_json
    if _from_json is None:  # pydantic-core's import is ~30 ms: by the first JSON body, not at start-up
        from pydantic_core import from_json as _from_json
    try:
        return _from_json(raw, allow_inf_nan=allow_inf_nan)
    except ValueError:
        return NOT_PLAIN


OFF_LOOP_JSON = 256 * 1024  # bytes: a larger body is parsed on a worker thread (~10 ms per 256 KiB)


async def loads_json_off_loop(data: bytes | str) -> Any:
    """:func:`loads_json`, on a worker thread for a body over ``OFF_LOOP_JSON`` bytes, so a
    large valid body never stalls the event loop while it is parsed."""
    if len(data) <= OFF_LOOP_JSON:
        return loads_json(data)
    return await asyncio.to_thread(loads_json, data)


from .operation import OPERATION_KEY, set_operation  # the catalogue's, importable from here as before

_RequestKey = getattr(web, "RequestKey", None)
TENANT_KEY = _RequestKey("tenant", str) if _RequestKey else "tenant"
JOURNAL_KIND_KEY = OPERATION_KEY  # the journal entry's operation name


def set_tenant(request: web.Request, tenant: str | None) -> None:
    """Name the tenant a request belongs to, for the access log and the journal."""
    request._state[TENANT_KEY] = tenant  # request[key] = ...: a Python frame and a key check


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


def __getattr__(name: str) -> Any:
    if name in _MULTIPART:
        from . import multipart

        return getattr(multipart, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
