"""Every example of the gapi.mtt.ru sections (premedia, addNumbers, GBL) validates against
contracts/mtt-telecom/openrpc-gapi.yaml, and every example request, sent unchanged to the
default world, gets the answer its index entry expects (checked against the contract by the
conftest)."""
import pytest

from simulator.providers.mtt_telecom.catalogue import CATALOGUE

from simulator.providers.mtt_telecom.contract import openrpc
from .part2_examples import check_rpc, load, select
from .rest_client import GAPI, send

GAPI_FIXTURES = select(contract="openrpc-gapi.yaml")


def test_every_gapi_method_has_examples_in_contract_and_catalogue():
    methods = set(openrpc("openrpc-gapi.yaml").methods)
    assert methods == {f["name"] for f in GAPI_FIXTURES if f["format"] == "request"}
    for name in methods:
        op = CATALOGUE.operation("gapi." + name)
        assert (op.path, op.selector, op.host) == ("/v1/api", name, "gapi.mtt.ru")


@pytest.mark.parametrize("fx", GAPI_FIXTURES, ids=lambda f: f["file"])
def test_examples_match_the_contract(fx):
    check_rpc(fx)


@pytest.mark.parametrize("fx", [f for f in GAPI_FIXTURES if f["format"] == "request"], ids=lambda f: f["file"])
async def test_example_requests_on_the_default_world(simulator, fx):
    status, body = await send(simulator, "POST", "/v1/api", auth=GAPI, host="gapi.mtt.ru", json=load(fx))
    assert body["id"] == load(fx)["id"]
    assert (fx["expect"] in body), body
