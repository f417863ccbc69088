"""Fixtures of the MTT Telecom tests. Every journal entry of every test is checked against
contracts/mtt-telecom/ (OpenRPC + OpenAPI) by the core's autouse fixture (tests/conftest.py,
simulator.testing.contracts) through ``MttTelecomProvider.contract()``."""
from __future__ import annotations

import json
from typing import Any

import pytest

from .rest_client import API, GAPI, OTHER_API as OTHER, basic  # noqa: F401 (tests import them from here)

SLUG = "mtt-telecom"
RC = ("romashka-rc", "Gnezdo-Rc-2026")


@pytest.fixture
def rpc(simulator):
    """``await rpc("getFollowme", ["74951345987"])`` -> (HTTP status, parsed answer).
    ``raw=`` sends a body as given; ``path=`` another endpoint; ``auth=`` other credentials;
    ``host=`` a real host name in the Host header instead of the /mtt-telecom prefix."""
    async def call(method: str | None = None, params: Any = None, *, id: Any = "1", raw: Any = None,
                   path: str = "/index.php", auth: tuple[str, str] | None = API, headers=None,
                   host: str | None = None):
        if raw is None:
            body: Any = {"jsonrpc": "2.0", "method": method, "id": id}
            if params is not None:
                body["params"] = params
            raw = json.dumps(body)
        elif not isinstance(raw, (str, bytes)):
            raw = json.dumps(raw)
        hdrs = {"Content-Type": "application/json", **(basic(*auth) if auth else {}), **(headers or {})}
        url = simulator.url(SLUG, path)
        if host is not None:   # the real host name instead of the /mtt-telecom prefix
            url, hdrs["Host"] = simulator.base_url + path, host
        async with simulator.request("POST", url, data=raw, headers=hdrs) as r:
            text = await r.text()
            return r.status, (json.loads(text) if text else None)
    return call


@pytest.fixture
def rest(simulator):
    """``await rest("GET", "/v1/records/.../urls", auth=RC)`` -> (status, JSON or bytes, headers)."""
    async def call(method: str, path: str, *, auth: tuple[str, str] | None = None, host: str | None = None,
                   **kw):
        hdrs = {**(basic(*auth) if auth else {}), **kw.pop("headers", {})}
        url = simulator.url(SLUG, path)
        if host is not None:
            url, hdrs["Host"] = simulator.base_url + path, host
        async with simulator.request(method, url, headers=hdrs, **kw) as r:
            raw = await r.read()
            if r.content_type == "application/json":
                return r.status, json.loads(raw), r.headers
            return r.status, raw, r.headers
    return call
