"""The hostile-input corpus: inputs real attackers and broken clients send, each replayed
against every route of every provider (test_hostile.py).

Left out on purpose, because other work covers them with their own tests: bodies over the
size limits, compressed bombs, multipart part counts and HTTP-layer errors (issue 14,
"transport"); large valid bodies, non-ASCII digits, the VPBX 405 Allow header and SOAP
content types / SOAPAction (issue 14, "limits")."""
from __future__ import annotations

from dataclasses import dataclass, field

BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']>\n<lolz>&lol9;</lolz>')
XXE_FILE = (b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            b'<r><InitCall>&xxe;</InitCall></r>')
XXE_REMOTE_DTD = (b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY % ext SYSTEM "http://127.0.0.1:9/evil.dtd"> %ext;]>\n'
                  b'<r/>')
SOAP_XXE = (b'<?xml version="1.0"?>\n<!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
            b'<GetUN xmlns="http://tempuri.org/"><phone>&xxe;</phone></GetUN></s:Body></s:Envelope>')
DEEP_JSON = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 5000 + b"1" + b"}" * 5000
HUGE_NUMBERS = (b'{"id": 1e999, "abonentId": -1e400, "userId": ' + b"9" * 4400 + b', "size": 1.5e308,'
                b' "page": -0, "jsonrpc": "2.0", "method": "getFollowme", "params": [1e999]}')
NUL_JSON = b'{"callbackUrl": "http://127.0.0.1/\\u0000", "phone": "\\u0000495", "method": "\\u0000"}'
DUPLICATE_KEYS = (b'{"phone": "4954071111", "phone": {"x": 1}, "jsonrpc": "2.0", "jsonrpc": 2,'
                  b' "method": "getFollowme", "method": null, "id": 1, "id": [1]}')
INVALID_UTF8 = b'{"name": "\xff\xfe\xc3\x28", "phone": "\xed\xa0\x80"}'
LONE_SURROGATE = b'{"callbackUrl": "\\ud800", "phone": "\\udfff", "jsonrpc": "2.0", "method": "\\ud800"}'
BROKEN_MULTIPART = (b'--xx\r\nContent-Disposition: form-data; name="api_form"\r\n\r\n{"Command": "RLIST"'
                    b'\r\n--xx\r\nContent-Disposition: form-data; name=\x00"\r\n\r\n\xff\xfe')
TRAVERSAL = "..%2F..%2F..%2F..%2Fetc%2Fpasswd"
TRAVERSAL_FILE = "../../../../etc/passwd"


@dataclass(frozen=True)
class Hostile:
    name: str
    body: bytes = b""
    content_type: str | None = "application/json"
    #: what fills the route's path parameters (already percent-encoded where needed)
    ident: str = "1735"
    #: what every query parameter of QUERY_KEYS gets (percent-encoded)
    query: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    #: false: not sent to SOAP routes (their content types are another engineer's work)
    soap: bool = True


#: query parameters the documents use; a hostile value goes into each of them
QUERY_KEYS = ("phone", "id", "start_id", "count", "dateFrom", "dateTo", "page", "size", "abonentId",
              "address", "token", "state", "client_id", "from", "to", "limit", "direction", "status")

CORPUS: tuple[Hostile, ...] = (
    Hostile("billion-laughs", BILLION_LAUGHS, "text/xml; charset=utf-8"),
    Hostile("xxe-file", XXE_FILE, "text/xml; charset=utf-8"),
    Hostile("xxe-remote-dtd", XXE_REMOTE_DTD, "application/xml"),
    Hostile("soap-xxe", SOAP_XXE, "text/xml; charset=utf-8"),
    Hostile("traversal-id", b"{}", ident=TRAVERSAL),
    Hostile("traversal-file", b"", None, ident=TRAVERSAL_FILE),
    Hostile("nul-in-id", b"{}", ident="1735%00"),
    Hostile("invalid-utf8-body", INVALID_UTF8),
    Hostile("invalid-utf8-query", b"", None, query="%FF%FE%C3%28"),
    Hostile("nul-in-query", b"", None, query="4954071111%00"),
    Hostile("invalid-auth-header", b"{}", headers={"Authorization": "Basic \u00ff\u00fe==",
                                                    "X-AUTH-TOKEN": "\u00ff\u00e9"}),
    Hostile("json-as-text-plain", b'{"phone": "4954071111"}', "text/plain", soap=False),
    Hostile("xml-as-json", b"<InitCall/>", "application/json", soap=False),
    Hostile("multipart-without-boundary", b"--x\r\n\r\n--x--", "multipart/form-data", soap=False),
    Hostile("broken-multipart", BROKEN_MULTIPART, "multipart/form-data; boundary=xx", soap=False),
    Hostile("deep-json", DEEP_JSON),
    Hostile("deep-object", DEEP_OBJECT),
    Hostile("huge-numbers", HUGE_NUMBERS),
    Hostile("nul-bytes", NUL_JSON),
    Hostile("raw-nul", b"\x00" * 64, "application/json"),
    Hostile("duplicate-keys", DUPLICATE_KEYS),
    Hostile("lone-surrogate", LONE_SURROGATE),
    Hostile("empty-json", b"", "application/json"),
    Hostile("empty-no-type", b"", None),
)
