"""Every operation and notification the document names is in the catalogue, under its name."""
from simulator.providers.mtt_business.catalogue import CATALOGUE

from .conftest import SLUG

DOCUMENT_NAMES = {"/oauth/authorize": "8.1", "/oauth/token": "8.2", "externalNumbersInfo": "9.1",
                  "workplacesInfo": "9.2", "terminalsinfo": "9.3", "setParkingNumbers": "10.2",
                  "makeCall": "10.3.1", "terminateCall": "10.3.2", "transferCall": "10.3.3", "records": "10.1.3"}


def test_document_names_find_their_operation():
    for name, section in DOCUMENT_NAMES.items():
        found = [op for op in CATALOGUE.operations if name in op.name]
        assert found and found[0].section == section, name
    assert CATALOGUE.callback("callNotifications").section == "10.1"
    assert CATALOGUE.callback("vpbxNotifications").section == "9.4"
    sections = {op.section for op in CATALOGUE.operations} | {cb.section for cb in CATALOGUE.callbacks}
    assert sections <= set(CATALOGUE.sections)


async def test_journal_names_every_request_by_its_catalogue_operation(simulator, api):
    await api("GET", "/workplacesInfo")
    await api("POST", "/makeCall", json={"params": {"calleid": "89219462761", "callerId": "883140582526566"}})
    async with simulator.request("POST", simulator.url(SLUG, "/oauth/token"), data={"grant_type": "x"}) as r:
        assert r.status == 401
    async with simulator.request("GET", simulator.url(SLUG, "/oauth/authorize")) as r:
        assert r.status == 400
    names = [e["operation"] for e in simulator.journal(provider=SLUG, direction="in")]
    assert names == ["GET workplacesInfo", "POST makeCall", "POST /oauth/token", "GET /oauth/authorize"]
    assert all(CATALOGUE.has_operation(n) for n in names)
    await simulator.advance(30)
    assert {e["operation"] for e in simulator.journal(provider=SLUG, direction="out")} == {"callNotifications"}


async def test_provider_state_shows_customers_calls_and_tokens(simulator):
    await simulator.start_call(SLUG, "78124241500", "74996497803")
    async with simulator.request("GET", f"/_sim/providers/{SLUG}") as r:
        state = (await r.json())["state"]
    assert state["customers"]["67821426"]["parking"] == {"74996497803": True}
    assert state["calls"][0]["legs"][0]["parked"] is True and state["tokens"] >= 1
