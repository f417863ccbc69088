"""The catalogue: the REST methods, the WSDL's operations and the e-mails, named as the document does."""
from lxml import etree

from simulator.providers.mts_autosecretary.catalogue import CATALOGUE, SECTIONS

from .data import CONTRACTS
from .helpers import SLUG, USER, call

WSDL = "{http://schemas.xmlsoap.org/wsdl/}"


async def soap(simulator, operation, body=""):
    envelope = (f'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
                f'<{operation} xmlns="http://tempuri.org/">{body}</{operation}></s:Body></s:Envelope>')
    status, _, text, _ = await call(simulator, "POST", "/api/v1/un.svc",
                                    {**USER, "Content-Type": "text/xml; charset=utf-8",
                                     "SOAPAction": f'"http://tempuri.org/Iun/{operation}"'}, raw=envelope.encode())
    assert status == 200, text


def test_every_wsdl_operation_is_catalogued():
    for service in ("un", "cdr"):
        doc = etree.parse(str(CONTRACTS / "wsdl" / f"{service}.svc.singleWsdl.wsdl"))
        names = {op.get("name") for op in doc.iter(f"{WSDL}operation")}
        assert {f"{service}.svc {n}" for n in names} <= {op.name for op in CATALOGUE.operations}
    assert {op.section for op in CATALOGUE.operations} - set(SECTIONS) == {"wire-facts 2.3"}
    assert {cb.name: cb.direction for cb in CATALOGUE.callbacks} == {"voice_email": "notice", "conf_email": "notice"}


async def test_journal_names_rest_and_soap_operations(simulator):
    assert (await call(simulator, "GET", "/api/v1/un"))[0] == 200
    assert (await call(simulator, "GET", "/API/V1/UN?phone=4954071111"))[0] == 200
    await soap(simulator, "GetUNList")
    assert (await call(simulator, "GET", "/api/v1/nothing"))[0] == 404
    assert [e["operation"] for e in simulator.journal(provider=SLUG)] == [
        "GET /api/v1/un", "GET /api/v1/un?phone={phone}", "un.svc GetUNList", "request"]


async def test_the_declared_contract_checks_rest_and_soap_answers(simulator):
    from simulator.conformance import check_journal

    assert (await call(simulator, "GET", "/api/v1/un?phone=4954071111"))[0] == 200
    await soap(simulator, "GetUN", "<phone>4954071111</phone>")
    assert check_journal(SLUG, simulator.sim.journal.query(provider=SLUG)) == 2
