"""Small HTTP helpers for the @втосекретарь tests (simulator fixture)."""
import base64
import json

SLUG = "mts-autosecretary"


def basic(user="user", password="password"):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


USER = basic()
OTHER = basic("other@mts.ru", "other-password")


async def call(simulator, method, path, headers=USER, body=None, raw=None, full_url=False):
    url = path if full_url else simulator.url(SLUG, path)
    kwargs = {"headers": dict(headers or {})}
    if body is not None:
        kwargs["data"] = json.dumps(body).encode()
        kwargs["headers"]["Content-Type"] = "application/json"
    if raw is not None:
        kwargs["data"] = raw
    async with simulator.request(method, url, **kwargs) as resp:
        text = await resp.text()
        try:
            payload = json.loads(text)
        except ValueError:
            payload = None
        return resp.status, payload, text, resp.headers


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
