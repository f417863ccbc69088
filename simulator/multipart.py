"""multipart/form-data bodies as providers read them (Beeline's commands, uploads): parsed
from the bytes the core has already read, on the loop when small, in a worker thread when large.
Imported from :mod:`simulator.http` as before."""
from __future__ import annotations

import asyncio
import base64
import binascii
import quopri
import re
from dataclasses import dataclass, field
from email.parser import HeaderParser
from email.policy import HTTP, compat32

from aiohttp import web


class MultipartError(ValueError):
    pass


class TooManyParts(MultipartError):
    """A multipart body with more parts than the provider allows (counted before parsing)."""


#: bodies larger than this are parsed in a worker thread (the stdlib parser is pure Python)
MULTIPART_OFF_LOOP = 64 * 1024
MULTIPART_PARTS_ON_LOOP = 16  # ... and so are bodies of more parts (~0.2 ms a part)
DEFAULT_MAX_PARTS = 100


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
