"""The offline request's form (3.6, 3.7, 4.15) read with the core's multipart parser, its
failures mapped to the 4.19 codes: 400.7 for the Content-Type, 400.8 for the body."""

from __future__ import annotations

import re

from simulator.http import FormPart, MultipartError, boundary_of as core_boundary, parse_multipart

from .errors import INCORRECT_FORM, NO_FORM_PART, BeelineError

_BOUNDARY_CHARS = re.compile(r"^[0-9A-Za-z'()+_,\-./:=? ]{1,70}$")
# 4.15.2 writes ``form-data; name="vfile",filename="filename"``: the core parser reads no
# filename from that, so it is taken from the raw header line.
_COMMA_FILENAME = re.compile(
    rb'(?im)^content-disposition:[^\r\n]*?name="?([^";,\r\n]+)"?\s*,\s*filename="?([^";\r\n]*)"?')


def boundary_of(content_type: str | None) -> str:
    """The boundary of a multipart/form-data Content-Type, else 400.7."""
    boundary = core_boundary(content_type or "")
    if boundary is None or not _BOUNDARY_CHARS.match(boundary):
        raise BeelineError("400.7")
    return boundary


def read_form(content_type: str | None, body: bytes) -> list[FormPart]:
    """The form parts of an /api/request body."""
    boundary = boundary_of(content_type)
    if b"--" + boundary.encode("ascii") not in body:
        raise BeelineError("400.8", NO_FORM_PART)
    try:
        parts = parse_multipart(content_type or "", body)
    except MultipartError:
        raise BeelineError("400.8", INCORRECT_FORM) from None
    if not parts:
        raise BeelineError("400.8", NO_FORM_PART)
    if any(p.filename is None for p in parts):
        comma = {m.group(1).decode("latin-1"): m.group(2).decode("utf-8", "replace")
                 for m in _COMMA_FILENAME.finditer(body)}
        for part in parts:
            if part.filename is None and part.name in comma:
                part.filename = comma[part.name]
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
