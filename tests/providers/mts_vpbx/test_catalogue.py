"""The catalogue: every operation of the document has its route, and the journal and the control
API name requests and callbacks by it."""
from pathlib import Path

import yaml

from simulator.providers.mts_vpbx.catalogue import CATALOGUE, SECTIONS

from .helpers import SLUG

OPENAPI = Path(__file__).resolve().parents[3] / "contracts" / "mts-vpbx" / "openapi.yaml"


def test_the_catalogue_is_the_contract_s_list_of_operations():
    doc = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    documented = {f"{method.upper()} {path}" for path, item in doc["paths"].items() for method in item
                  if method in ("get", "post", "put", "delete")}
    assert {op.name for op in CATALOGUE.operations} == documented
    assert {cb.name for cb in CATALOGUE.callbacks if cb.direction == "out"} == set(doc["webhooks"])
    assert {".".join(op.section.split(".")[:2]) for op in CATALOGUE.operations} <= set(SECTIONS)
    assert {cb.name for cb in CATALOGUE.callbacks if cb.direction == "notice"} == {
        "admin-email", "admin-sms", "service-disabled"}


async def test_journal_and_control_api_use_the_catalogue_names(simulator, api, callback_sink):
    assert (await api("GET", "/api/abonents"))[0] == 200
    assert (await api("GET", "/api/findMe/1735"))[0] == 200
    assert (await api("POST", "/api/service/webhook", json={"callbackUrl": callback_sink.url("/wh")}))[0] == 200
    await simulator.settle()
    names = [e["operation"] for e in simulator.journal(provider=SLUG)]
    assert names[:3] == ["GET /api/abonents", "GET /api/findMe/{userId}", "POST /api/service/webhook"]
    assert "CHECK_ALIVE" in names
    async with simulator.request("GET", f"/_sim/providers/{SLUG}/operations") as r:
        listing = await r.json()
    calls = {op["name"]: op["calls"] for op in listing["operations"]}
    assert calls["GET /api/abonents"] == 1 and calls["DELETE /api/subscription"] == 0
    assert {cb["name"]: cb["sent"] for cb in listing["callbacks"]}["CHECK_ALIVE"] == 1
