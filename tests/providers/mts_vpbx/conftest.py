import json

import pytest

from .contract import check_journal

TOKEN = "215ef687-e898-419d-810c-2864efc0b1d0"
TOKEN_E30770 = "7d3c9b1e-30f7-4c70-9e77-e30770e30770"
H = {"X-AUTH-TOKEN": TOKEN}


@pytest.fixture
async def simulator(simulator):
    """The plugin's simulator; afterwards every response and event it produced in the test
    must match the contract."""
    yield simulator
    check_journal(simulator.journal(provider="mts-vpbx"))


@pytest.fixture
def api(simulator):
    """``await api("GET", "/api/abonents", token=..., json=...)`` -> (status, parsed body or text)."""
    async def call(method, path, *, token=TOKEN, headers=None, **kw):
        hdrs = {"X-AUTH-TOKEN": token} if token else {}
        hdrs.update(headers or {})
        async with simulator.request(method, simulator.url("mts-vpbx", path), headers=hdrs, **kw) as r:
            raw = await r.read()
            ctype = r.headers.get("Content-Type", "")
            if ctype.startswith("application/json"):
                return r.status, json.loads(raw)
            return r.status, raw
    return call
