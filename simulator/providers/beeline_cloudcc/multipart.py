"""The offline request's form (3.6, 3.7, 4.15) read with the core's multipart parser, its
failures mapped to the 4.19 codes: 400.7 for the Content-Type, 400.8 for the body."""

from __future__ import annotations

import re

from simulator.http import (FormPart, MultipartError, TooManyParts, boundary_of as core_boundary,
                            parse_multipart, parse_multipart_async)

from .errors import INCORRECT_FORM, NO_FORM_PART, BeelineError

_BOUNDARY_CHARS = re.compile(r"^[0-9A-Za-z'()+_,\-./:=? ]{1,70}$")
# 4.15.2 writes ``form-data; name="vfile",filename="filename"``: the core parser reads no
# filename from that, so it is taken from the part's Content-Disposition as sent.
_COMMA_FILENAME = re.compile(r'(?i)name="?([^";,]+)"?\s*,\s*filename="?([^";]*)"?')


def boundary_of(content_type: str | None) -> str:
    """The boundary of a multipart/form-data Content-Type, else 400.7."""
    boundary = core_boundary(content_type or "")
    if boundary is None or not _BOUNDARY_CHARS.match(boundary):
        raise BeelineError("400.7")
    return boundary


# a form is api_form and at most a few files (4.15); more parts than this are 413.1
MAX_PARTS = 50


def read_form(content_type: str | None, body: bytes, max_parts: int = MAX_PARTS) -> list[FormPart]:
    """The form parts of an /api/request body."""
    _has_delimiter(content_type, body)
    try:
        parts = parse_multipart(content_type or "", body, max_parts)
    except MultipartError as exc:
        raise _form_error(exc) from None
    return _named(parts)


async def read_form_async(content_type: str | None, body: bytes, max_parts: int = MAX_PARTS) -> list[FormPart]:
    """:func:`read_form`, parsed in a worker thread when the body is large."""
    _has_delimiter(content_type, body)
    try:
        parts = await parse_multipart_async(content_type or "", body, max_parts)
    except MultipartError as exc:
        raise _form_error(exc) from None
    return _named(parts)


def _has_delimiter(content_type: str | None, body: bytes) -> None:
    if b"--" + boundary_of(content_type).encode("ascii") not in body:
        raise BeelineError("400.8", NO_FORM_PART)


def _form_error(exc: MultipartError) -> BeelineError:
    return BeelineError("413.1") if isinstance(exc, TooManyParts) else BeelineError("400.8", INCORRECT_FORM)


def _named(parts: list[FormPart]) -> list[FormPart]:
    if not parts:
        raise BeelineError("400.8", NO_FORM_PART)
    for part in parts:
        if part.filename is None:
            comma = _COMMA_FILENAME.search(part.headers.get("Content-Disposition", ""))
            if comma is not None and comma.group(1) == part.name:
                part.filename = comma.group(2)
    return parts


def normal_name(name: str | None) -> str:
    """Form names compared loosely: the document itself writes ``api form`` in places."""
    return (name or "").strip().lower().replace(" ", "_")


def find(parts: list[FormPart], name: str) -> FormPart | None:
    wanted = normal_name(name)
    return next((p for p in parts if normal_name(p.name) == wanted), None)


def file_part(name: str, data: bytes, filename: str | None = None) -> FormPart:
    """A form part as the parser returns it (VFILE's ``vfile``)."""
    return FormPart(name=name, filename=filename, content_type="application/octet-stream", data=data)
