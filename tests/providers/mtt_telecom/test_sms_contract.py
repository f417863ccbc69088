"""The examples of the SMS API validate against openapi-sms.yaml; the example request works on
the default world."""
import pytest

from .part2_examples import check_http, check_webhooks, load, select
from .rest_client import SMS_SID, SMS_TOKEN, send

SMS_FIXTURES = select(contract="openapi-sms.yaml")


@pytest.mark.parametrize("fx", [f for f in SMS_FIXTURES if f["format"] != "webhook"], ids=lambda f: f["file"])
def test_examples_match_the_contract(fx):
    check_http(fx)


def test_event_examples_match_the_contract():
    (fx,) = [f for f in SMS_FIXTURES if f["format"] == "webhook"]
    assert check_webhooks(fx) == 5


@pytest.mark.parametrize("fx", [f for f in SMS_FIXTURES if f["format"] == "http-request"], ids=lambda f: f["file"])
async def test_example_requests_on_the_default_world(simulator, fx):
    status, body = await send(simulator, "POST", fx["path"], auth=(SMS_SID, SMS_TOKEN), host="msapi.mtt.ru",
                              json=load(fx))
    assert status == fx["expect"]["status"], body
