"""multipart/form-data parsing for /api/request (3.6, 3.7, 4.15).

Written out rather than taken from aiohttp so that every malformed input maps to the
documented 400.7 / 400.8 errors and the parser can be property-tested on raw bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from .errors import INCORRECT_FORM, NO_FORM_PART, BeelineError

_BOUNDARY_CHARS = re.compile(r"^[0-9A-Za-z'()+_,\-./:=? ]{1,70}$")


@dataclass
class Part:
    name: str
    data: bytes
    filename: str | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def _split_params(value: str) -> list[str]:
    """Split a header value on ``;`` (and ``,``, which the document uses in 4.15.2) outside quotes."""
    items, buf, quoted, escaped = [], [], False, False
    for ch in value:
        if escaped:
            buf.append(ch)
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
            buf.append(ch)
        elif ch in ";," and not quoted:
            items.append("".join(buf).strip())
            buf = []
        else:
            buf.append(ch)
    items.append("".join(buf).strip())
    return [item for item in items if item]


def header_params(value: str) -> tuple[str, dict[str, str]]:
    """``form-data; name="x"; filename="y"`` -> ("form-data", {"name": "x", "filename": "y"})."""
    items = _split_params(value)
    if not items:
        return "", {}
    params: dict[str, str] = {}
    for item in items[1:]:
        key, sep, val = item.partition("=")
        if not sep:
            continue
        key = key.strip().lower()
        val = val.strip()
        if len(val) >= 2 and val[0] == val[-1] == '"':
            val = val[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        if key.endswith("*"):
            # RFC 5987: charset'lang'percent-encoded
            charset, _, rest = val.partition("'")
            _, _, encoded = rest.partition("'")
            try:
                val = unquote(encoded, encoding=charset or "utf-8", errors="strict")
            except (LookupError, UnicodeDecodeError):
                continue
            key = key[:-1]
        params[key] = val
    return items[0].lower(), params


def boundary_of(content_type: str | None) -> str:
    """The boundary of a multipart/form-data Content-Type, else 400.7."""
    if not content_type:
        raise BeelineError("400.7")
    kind, params = header_params(content_type)
    boundary = params.get("boundary", "")
    if kind != "multipart/form-data" or not boundary or not _BOUNDARY_CHARS.match(boundary):
        raise BeelineError("400.7")
    return boundary


def _parse_headers(raw: bytes) -> dict[str, str]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    headers: dict[str, str] = {}
    for line in re.split(r"\r?\n", text):
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise BeelineError("400.8", INCORRECT_FORM)
        headers[name.strip().lower()] = value.strip()
    return headers


def parse(body: bytes, boundary: str) -> list[Part]:
    """Split a multipart body into its form parts; malformed bodies raise 400.8."""
    delim = b"--" + boundary.encode("latin-1")
    # The first delimiter may start the body or follow a preamble line.
    if body.startswith(delim):
        pos = 0
    else:
        pos = body.find(b"\n" + delim)
        if pos < 0:
            raise BeelineError("400.8", NO_FORM_PART)
        pos += 1
    parts: list[Part] = []
    while True:
        pos += len(delim)
        if body[pos:pos + 2] == b"--":
            break
        # Skip transport padding, then the line break after the delimiter.
        while body[pos:pos + 1] in (b" ", b"\t"):
            pos += 1
        if body[pos:pos + 2] == b"\r\n":
            pos += 2
        elif body[pos:pos + 1] == b"\n":
            pos += 1
        else:
            raise BeelineError("400.8", INCORRECT_FORM)
        end = body.find(b"\n" + delim, pos)
        if end < 0:
            raise BeelineError("400.8", INCORRECT_FORM)
        chunk = body[pos:end]
        if chunk.endswith(b"\r"):
            chunk = chunk[:-1]
        parts.append(_parse_part(chunk))
        pos = end + 1
    if not parts:
        raise BeelineError("400.8", NO_FORM_PART)
    return parts


def _parse_part(chunk: bytes) -> Part:
    match = re.search(rb"\r?\n\r?\n", chunk)
    if chunk.startswith(b"\r\n"):
        head, data = b"", chunk[2:]
    elif chunk.startswith(b"\n"):
        head, data = b"", chunk[1:]
    elif match is None:
        raise BeelineError("400.8", INCORRECT_FORM)
    else:
        head, data = chunk[:match.start()], chunk[match.end():]
    headers = _parse_headers(head)
    disposition = headers.get("content-disposition")
    if disposition is None:
        raise BeelineError("400.8", INCORRECT_FORM)
    kind, params = header_params(disposition)
    if kind != "form-data" or "name" not in params:
        raise BeelineError("400.8", INCORRECT_FORM)
    return Part(
        name=params["name"],
        data=data,
        filename=params.get("filename"),
        content_type=headers.get("content-type"),
        headers=headers,
    )


def normal_name(name: str) -> str:
    """Form names compared loosely: the document itself writes ``api form`` in places."""
    return name.strip().lower().replace(" ", "_")


def find(parts: list[Part], name: str) -> Part | None:
    wanted = normal_name(name)
    for part in parts:
        if normal_name(part.name) == wanted:
            return part
    return None
