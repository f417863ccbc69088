import json
from urllib.parse import parse_qs, urlsplit

import pytest

SLUG = "mtt-business"
CLIENT = "ccb350cc-6218-40b0-b134-3d290f00b9e7"   # §7.3
SECRET = "iNmTWpDLeYkyzkUTVuCQwa"
TOKEN = "MMRLZJU5NTETMTNHZIOZNIYLWJHOTGTNJY1M2ZMM2YZNMYX"   # §8.2, pre-issued in the default world
REFRESH = "YWFHNGFHMQTMTUYMI01ZTM0LTKZM2QTYZU2YZIWNJQ0MJE0"
CALLBACK = "http://localhost:9090/callback"   # §8.1
ROMASHKA, SEVER, SOKOLOV = "48212857", "67821426", "34380859"
SCOPE = "https://mtt.ru/auth.tokens.readwrite"


@pytest.fixture
async def simulator(simulator):
    """The plugin's simulator with the 5 RPS limit (§6.7, wall clock) lifted, since tests send
    requests faster than a real client may (test_mtt_api.py puts it back). Every request and
    notification of the test is checked against MttBusinessProvider.contract() by the core's
    autouse fixture (simulator.testing.contracts)."""
    simulator.patch_world({"providers": {SLUG: {"settings": {"rps_limit": 100000}}}})
    return simulator


@pytest.fixture
def hooks(simulator, callback_sink):
    """Every integration's notifications go to the sink: /n/<centrexId>."""
    world = simulator.sim.world_section(SLUG)
    patch = {cid: {"integrations": {i: {"notification_url": callback_sink.url(f"/n/{cid}")}
                                    for i in customer.integrations}}
             for cid, customer in world.tenants.items()}
    simulator.patch_world({"providers": {SLUG: {"tenants": patch}}})
    return callback_sink


def notifications(sink, cid: str) -> list[dict]:
    return [r.json() for r in sink.received(f"/n/{cid}")]


def call_infos(sink, cid: str) -> list[dict]:
    return [n["result"]["callInfo"] for n in notifications(sink, cid) if n["event"] == "callNotifications"]


def states(sink, cid: str) -> list[str]:
    return [i["state"] for i in call_infos(sink, cid)]


@pytest.fixture
def api(simulator):
    """``await api("POST", "/makeCall", json=...)`` -> (status, JSON or bytes, headers)."""
    async def call(method, path, *, token=TOKEN, headers=None, **kw):
        hdrs = {"Authorization": f"Bearer {token}"} if token else {}
        hdrs.update(headers or {})
        async with simulator.request(method, simulator.url(SLUG, path), headers=hdrs,
                                     allow_redirects=False, **kw) as r:
            raw = await r.read()
            body = json.loads(raw) if r.headers.get("Content-Type", "").startswith("application/json") else raw
            return r.status, body, r.headers
    return call


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
