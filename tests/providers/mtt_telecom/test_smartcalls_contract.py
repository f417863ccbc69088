"""The examples of the smart-call sections validate against openapi-smartcalls.yaml; the example
requests get the answers their index entries expect from the default world."""
import pytest

from .part2_examples import check_http, check_webhooks, load, select
from .rest_client import SB, send

SB_FIXTURES = select(contract="openapi-smartcalls.yaml")


@pytest.mark.parametrize("fx", [f for f in SB_FIXTURES if f["format"] != "webhook"], ids=lambda f: f["file"])
def test_examples_match_the_contract(fx):
    check_http(fx)


@pytest.mark.parametrize("fx", [f for f in SB_FIXTURES if f["format"] == "webhook"], ids=lambda f: f["file"])
def test_event_examples_match_the_contract(fx):
    assert check_webhooks(fx) >= 2


@pytest.mark.parametrize("fx", [f for f in SB_FIXTURES if f["format"] == "http-request"], ids=lambda f: f["file"])
async def test_example_requests_on_the_default_world(simulator, fx):
    status, body = await send(simulator, "POST", "/v1/sb", auth=SB, host="sb-api.mtt.ru", json=load(fx))
    assert status == fx["expect"]["status"]
    assert body["result"].get("error") == fx["expect"].get("error")
    assert body["id"] == load(fx)["data"]["messId"]
