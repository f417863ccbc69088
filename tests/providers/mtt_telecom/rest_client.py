"""Requests to the REST and gapi hosts of mtt-telecom (part 2 tests): Basic auth, JSON answers."""
from __future__ import annotations

import base64
import json
from typing import Any

SMS_SID = "accefd5c385-f2aa-3dd4-9c0b-01abf00ccfe"
SMS_TOKEN = "7c1e9a2b4d6f48a0b3c5d7e9f1a2b3c4"
SMS_SID2 = "acc560115b3-4831-3618-9c44-959590da3d44"
SMS_TOKEN2 = "2f8d6b4a0c9e47b1a3d5f7b9c1e3a5d7"
SB = ("romashka-sb", "Gnezdo-Sb-2026")
GAPI = ("romashka-gapi", "Gnezdo-Gapi-2026")
API = ("romashka-api", "Gnezdo-Api-2026")
OTHER_API = ("other-api", "Other-Api-2026")


def basic(login: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()}


async def send(simulator, method: str, path: str, *, auth: tuple[str, str] | None = None,
               host: str | None = None, **kw: Any) -> tuple[int, Any]:
    headers = dict(kw.pop("headers", {}) or {})
    if auth:
        headers.update(basic(*auth))
    if path.startswith("/_sim/"):
        url = simulator.base_url + path
    elif host:
        headers["Host"] = host
        url = simulator.base_url + path
    else:
        url = simulator.url("mtt-telecom", path)
    async with simulator.request(method, url, headers=headers, **kw) as r:
        raw = await r.read()
        if r.headers.get("Content-Type", "").startswith("application/json"):
            return r.status, json.loads(raw)
        return r.status, raw


async def rpc(simulator, path: str, method: str, params: Any = None, *, auth=GAPI, id_: Any = "1"):
    """A JSON-RPC call: (HTTP status, the response object)."""
    body = {"jsonrpc": "2.0", "id": id_, "method": method}
    if params is not None:
        body["params"] = params
    return await send(simulator, "POST", path, auth=auth, json=body)
