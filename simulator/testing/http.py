"""The one HTTP helper of the provider tests: a request to a provider of the in-process
simulator, read in full and answered as a :class:`Reply`::

    from simulator.testing.http import basic_auth, call

    reply = await call(simulator, "mts-vpbx", "GET", "/api/abonents", headers={"X-AUTH-TOKEN": key})
    assert reply.status == 200 and reply.json()[0]["userId"] == 1735

``path`` is relative to the provider (the ``/<slug>`` prefix is added); ``full_url=True`` takes
a link the simulator handed out (pagination, downloads) as it is.
"""
from __future__ import annotations

import base64
import json as _json
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from multidict import CIMultiDict, CIMultiDictProxy


@dataclass(frozen=True)
class Reply:
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return _json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return None


def basic_auth(login: str, password: str) -> dict[str, str]:
    """An ``Authorization: Basic`` header."""
    token = base64.b64encode(f"{login}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


async def call(simulator: Any, provider: str, method: str, path: str, *,
               headers: Optional[Mapping[str, str]] = None, json: Any = None, data: Any = None,
               params: Any = None, full_url: bool = False) -> Reply:
    """Send one request to ``provider`` and read the whole answer.

    ``json`` is sent as a JSON body (``Content-Type: application/json`` unless ``headers``
    name another); ``data`` is sent as it is (bytes, str, ``aiohttp.FormData``)."""
    url = path if full_url else simulator.url(provider, path)
    hdrs = dict(headers or {})
    if json is not None:
        data = _json.dumps(json).encode()
        if not any(k.lower() == "content-type" for k in hdrs):
            hdrs["Content-Type"] = "application/json"
    async with simulator.request(method, url, headers=hdrs, data=data, params=params) as resp:
        body = await resp.read()
        return Reply(resp.status, CIMultiDictProxy(CIMultiDict(resp.headers)), body)
