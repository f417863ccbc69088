"""Issue 14 findings on @втосекретарь: DN lists counted before parsing, ASCII-only numbers,
`phone=` as the contract says, SOAP answered as a WCF basicHttpBinding service answers."""
import time

import pytest
from lxml import etree
from pydantic import ValidationError

from simulator.providers.mts_autosecretary.validators import MAX_DNS, UNUpdate

from .data import DN_EXAMPLE
from .helpers import USER, call

ENV = "http://schemas.xmlsoap.org/soap/envelope/"
GET_UN = (f'<s:Envelope xmlns:s="{ENV}"><s:Body><GetUN xmlns="http://tempuri.org/"><phone>4954071111</phone>'
          '</GetUN></s:Body></s:Envelope>').encode()


async def test_a_put_of_many_dns_is_refused_before_they_are_parsed(simulator):
    body = {"phone": "4954071111", "dn_list": [dict(DN_EXAMPLE)] * 1_000}
    status, payload, _, _ = await call(simulator, "PUT", "/api/v1/un", body=body)
    assert status == 400 and f"at most {MAX_DNS} DNs" in payload["status_msg"]


def test_the_dn_count_comes_first():
    started = time.perf_counter()
    with pytest.raises(ValidationError):
        UNUpdate.model_validate({"phone": "4954071111", "dn_list": [dict(DN_EXAMPLE)] * 100_000})
    assert time.perf_counter() - started < 0.5  # validating 100k DNs took 2.1 s


@pytest.mark.parametrize("query", ["start_id=%D9%A1", "start_id=%EF%BC%91", "start_id=1_0", "limit=%D9%A1",
                                   "limit=1_0"])
async def test_numbers_are_ascii_digits_only(simulator, query):
    status, payload, _, _ = await call(simulator, "GET", f"/api/v1/cdr/byid?phone=4954071111&{query}")
    assert status == 400 and "Invalid" in payload["status_msg"]


async def test_dotnet_int_parsing_takes_padding_and_a_sign(simulator):
    status, _, _, _ = await call(simulator, "GET", "/api/v1/cdr/byid?phone=4954071111&start_id=%200&limit=%2B5")
    assert status == 200


async def test_an_empty_phone_is_a_400_as_the_contract_says(simulator):
    import yaml
    from pathlib import Path
    doc = yaml.safe_load((Path(__file__).resolve().parents[3] / "contracts" / "mts-autosecretary"
                          / "openapi.yaml").read_text(encoding="utf-8"))
    get = doc["paths"]["/api/v1/un"]["get"]["parameters"][0]
    assert get["name"] == "phone" and get["schema"]["pattern"]
    status, payload, _, _ = await call(simulator, "GET", "/api/v1/un?phone=")
    assert status == 400 and "phone" in payload["status_msg"]


@pytest.mark.parametrize("ctype", ["application/json", "text/plain", "", "application/soap+xml; charset=utf-8"])
async def test_soap_with_a_wrong_content_type_is_415(simulator, ctype):
    headers = {**USER, "SOAPAction": '"http://tempuri.org/Iun/GetUN"'}
    if ctype:
        headers["Content-Type"] = ctype
    status, _, text, _ = await call(simulator, "POST", "/api/v1/un.svc", headers=headers, raw=GET_UN)
    assert status == 415 and "was not the expected type 'text/xml; charset=utf-8'" in text


@pytest.mark.parametrize("action", ["", '""', '"http://tempuri.org/IUNService/GetUN"', "GetUN",
                                    '"http://tempuri.org/Icdr/GetCdrById"'])
@pytest.mark.telsim_no_contract
async def test_an_unknown_or_missing_soap_action_is_action_not_supported(simulator, action):
    headers = {**USER, "Content-Type": "text/xml; charset=utf-8", "SOAPAction": action}
    status, _, text, _ = await call(simulator, "POST", "/api/v1/un.svc", headers=headers, raw=GET_UN)
    assert status == 500
    fault = etree.fromstring(text.encode()).find(f".//{{{ENV}}}Fault")
    assert fault.findtext("faultcode") == "a:ActionNotSupported"
    assert "ContractFilter mismatch at the EndpointDispatcher" in fault.findtext("faultstring")
    assert fault.find("faultstring").get("{http://www.w3.org/XML/1998/namespace}lang") == "en-US"


async def test_the_documented_action_quoted_or_not_is_served(simulator):
    for action in ('"http://tempuri.org/Iun/GetUN"', "http://tempuri.org/Iun/GetUN"):
        headers = {**USER, "Content-Type": "text/xml; charset=utf-8", "SOAPAction": action}
        status, _, text, _ = await call(simulator, "POST", "/api/v1/un.svc", headers=headers, raw=GET_UN)
        assert status == 200 and "4954071111" in text


@pytest.mark.telsim_no_contract
async def test_a_body_of_another_operation_than_the_action_fails_in_the_formatter(simulator):
    headers = {**USER, "Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"http://tempuri.org/Iun/GetUNList"'}
    status, _, text, _ = await call(simulator, "POST", "/api/v1/un.svc", headers=headers, raw=GET_UN)
    assert status == 500
    fault = etree.fromstring(text.encode()).find(f".//{{{ENV}}}Fault")
    assert fault.findtext("faultcode") == "a:DeserializationFailed"
    assert "operation 'GetUNList'" in fault.findtext("faultstring") and "name 'GetUN'" in fault.findtext("faultstring")
