"""How the lean client reads an HTTP/1.1 answer (simulator/delivery/http1.py): its head
(status, headers as aiohttp shows them, keep-alive, framing), a chunked body, the
content-encodings aiohttp undoes."""
from __future__ import annotations

import zlib


class ResponseError(Exception):
    """The answer could not be read as HTTP/1.1 (the journal's error names it)."""


def read_head(text: str) -> tuple[int, dict[str, str], bool, bool, int | None, str]:
    """An answer's head as _try_parse reads it: status, the headers (see parse_head), keep
    the connection, chunked, Content-Length (None: absent, -1: not a length) and the
    content-encoding to undo ("" for none): worked out once per distinct head."""
    status, first, lower, keep = parse_head(text)
    chunked = "chunked" in lower.get("transfer-encoding", "").lower()
    length: int | None = None
    if "content-length" in lower:
        try:
            length = int(lower["content-length"])
        except ValueError:
            length = -1
        if length < 0:
            length = -1
    encoding = lower.get("content-encoding", "").strip().lower()
    return status, first, keep, chunked, length, encoding if encoding in ("gzip", "deflate") else ""


def parse_head(text: str) -> tuple[int, dict[str, str], dict[str, str], bool]:
    """Status, the headers as dict(aiohttp's headers) makes them (the first value of a name
    in its first spelling), the same by lower-case name, and whether to keep the connection."""
    status_line, _, rest = text.partition("\r\n")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or len(parts[1]) != 3 or not parts[1].isdigit():
        raise ResponseError(f"invalid status line {status_line[:100]!r}")
    first: dict[str, str] = {}
    lower: dict[str, str] = {}
    for line in rest.split("\r\n") if rest else ():
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise ResponseError(f"invalid header line {line[:100]!r}")
        low = name.lower()
        if low not in lower:
            lower[low] = first[name] = value.strip(" \t")
    conn = lower.get("connection", "").lower()
    keep = "keep-alive" in conn if parts[0] == "HTTP/1.0" else "close" not in conn
    return int(parts[1]), first, lower, keep


def dechunk(buf: bytearray, pos: int) -> tuple[bytes, int] | ResponseError | None:
    """A chunked body from ``pos``: (the body, the end of the answer), an error, or None while
    it is not all here."""
    out = bytearray()
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return None
        size_text = bytes(buf[pos:eol]).split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return ResponseError("invalid chunk size")
        pos = eol + 2
        if size == 0:
            while True:  # trailers up to the empty line
                eol = buf.find(b"\r\n", pos)
                if eol < 0:
                    return None
                if eol == pos:
                    return bytes(out), eol + 2
                pos = eol + 2
        if len(buf) < pos + size + 2:
            return None
        out += buf[pos:pos + size]
        pos += size + 2


def decompress(body: bytes, encoding: str) -> bytes:
    """Undo gzip or deflate (zlib or raw) as aiohttp does; zlib.error on a bad body."""
    if encoding == "gzip":
        return zlib.decompress(body, 16 + zlib.MAX_WBITS)
    try:
        return zlib.decompress(body)
    except zlib.error:
        return zlib.decompress(body, -zlib.MAX_WBITS)  # raw deflate, as aiohttp accepts
