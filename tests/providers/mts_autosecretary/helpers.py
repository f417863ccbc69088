"""What the @втосекретарь tests share: the default world's accounts and the request helper."""
import re

from simulator.testing.http import basic_auth
from simulator.testing.http import call as send

SLUG = "mts-autosecretary"


def basic(user="user", password="password"):
    return basic_auth(user, password)


USER = basic()
OTHER = basic("other@mts.ru", "other-password")


_BODY_OPERATION = re.compile(rb"<(?:\w+:)?Body[^>]*>\s*<(?:\w+:)?(\w+)")


def with_action(path, headers, raw):
    """A WCF client always sends its operation's SOAPAction: a SOAP call of a test that names
    none gets the one of its body's operation (a test of a missing action sends ``SOAPAction: ""``)."""
    if not isinstance(raw, bytes) or ".svc" not in path.lower() or headers is None or "SOAPAction" in headers:
        return headers
    match = _BODY_OPERATION.search(raw)
    if match is None:
        return headers
    service = "cdr" if "cdr.svc" in path.lower() else "un"
    return {**headers, "SOAPAction": f'"http://tempuri.org/I{service}/{match.group(1).decode()}"'}


async def call(simulator, method, path, headers=USER, body=None, raw=None, full_url=False):
    """-> (status, parsed JSON or None, text, headers)."""
    headers = with_action(path, headers, raw)
    reply = await send(simulator, SLUG, method, path, headers=headers, json=body, data=raw, full_url=full_url)
    return reply.status, reply.json(), reply.text, reply.headers


async def all_pages(simulator, first_path, headers=USER):
    """Follow links.next until a page has none; returns (records, pages)."""
    records, pages = [], 0
    status, payload, _, _ = await call(simulator, "GET", first_path, headers)
    while True:
        assert status == 200, payload
        pages += 1
        records.extend(payload["value"])
        links = payload.get("links")
        if not links:
            return records, pages
        status, payload, _, _ = await call(simulator, "GET", links["next"], headers, full_url=True)
