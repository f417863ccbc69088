"""SOAP twin through the in-process spyne bridge, on a bare aiohttp app (no simulator core)."""
import base64

import pytest
from aiohttp import web
from lxml import etree

from mtsaa_data import NOW
from simulator.providers.mts_autosecretary.routes import Api

AUTH = {"Authorization": "Basic " + base64.b64encode(b"user:password").decode()}
ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def envelope(body: str) -> bytes:
    return (f'<s:Envelope xmlns:s="{ENV}"><s:Body>{body}</s:Body></s:Envelope>').encode()


@pytest.fixture
async def client(aiohttp_client, backend):
    api = Api(lambda: backend, lambda: NOW)
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", api.handle)
    return await aiohttp_client(app)


async def test_wsdl_variants(client):
    for query in ("wsdl", "WSDL", "singleWsdl", "xsd=xsd0", "xsd=xsd1", "xsd=xsd2"):
        resp = await client.get(f"/api/v1/un.svc?{query}")
        assert resp.status == 200, query
        assert resp.content_type == "text/xml"
        etree.fromstring(await resp.read())
    resp = await client.get("/api/v1/un.svc?xsd=xsd9")
    assert resp.status == 404
    wsdl = await (await client.get("/api/v1/un.svc?wsdl")).text()
    assert '<wsdl:service name="un">' in wsdl
    assert 'soapAction="http://tempuri.org/Iun/GetUN"' in wsdl
    cdr = await (await client.get("/api/v1/cdr.svc?singleWsdl")).text()
    assert '<wsdl:service name="cdr">' in cdr


async def test_get_un_over_soap(client):
    resp = await client.post("/api/v1/un.svc", headers={**AUTH, "Content-Type": "text/xml; charset=utf-8",
                                                          "SOAPAction": '"http://tempuri.org/Iun/GetUN"'},
                             data=envelope('<GetUN xmlns="http://tempuri.org/"><phone>4954071111</phone></GetUN>'))
    text = await resp.text()
    assert resp.status == 200, text
    assert "89161000232" in text and "2012-10-1T11:25:06" in text


async def test_fault_for_foreign_un_and_auth(client):
    body = envelope('<GetUN xmlns="http://tempuri.org/"><phone>4954072222</phone></GetUN>')
    resp = await client.post("/api/v1/un.svc", headers={**AUTH, "Content-Type": "text/xml"}, data=body)
    assert resp.status == 500
    doc = etree.fromstring(await resp.read())
    assert doc.findtext(f".//{{{ENV}}}Fault/faultstring") == "UN 4954072222 is not available for management via API"
    assert doc.findtext(f".//{{{ENV}}}Fault/faultcode").endswith("Client")
    resp = await client.post("/api/v1/un.svc", headers={"Content-Type": "text/xml"}, data=body)
    assert resp.status == 401
    resp = await client.post("/api/v1/un.svc", headers={**AUTH, "Content-Type": "text/xml"}, data=b"<not-xml")
    assert resp.status == 500
    resp = await client.post("/api/v1/un.svc", headers={**AUTH, "Content-Type": "application/soap+xml"}, data=body)
    assert resp.status == 415


async def test_mex_get_metadata(client):
    for soap_ns in (ENV, "http://www.w3.org/2003/05/soap-envelope"):
        body = (f'<s:Envelope xmlns:s="{soap_ns}" xmlns:a="http://www.w3.org/2005/08/addressing">'
                '<s:Header><a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action>'
                '<a:MessageID>urn:uuid:1</a:MessageID><a:To>x</a:To></s:Header><s:Body/></s:Envelope>')
        resp = await client.post("/api/v1/un.svc/mex", data=body.encode(),
                                 headers={"Content-Type": "application/soap+xml; charset=utf-8"})
        assert resp.status == 200
        doc = etree.fromstring(await resp.read())
        assert doc.find(".//{http://schemas.xmlsoap.org/wsdl/}definitions") is not None
        assert doc.findtext(".//{http://www.w3.org/2005/08/addressing}RelatesTo") == "urn:uuid:1"
    body = envelope('<wsx:GetMetadata xmlns:wsx="http://schemas.xmlsoap.org/ws/2004/09/mex"/>')
    resp = await client.post("/api/v1/cdr.svc", data=body, headers={"Content-Type": "text/xml"})
    assert resp.status == 200
    assert b'name="cdr"' in await resp.read()


@pytest.mark.parametrize("inner,expected", [
    ("<a:dn_list/>", 0),                              # an empty list clears
    ('<a:dn_list xsi:nil="true"/>', 1),               # nil = not given
    ("", 1),                                          # absent = not given
])
async def test_update_un_dn_list_semantics(client, backend, inner, expected):
    body = ('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><s:Body><UpdateUN xmlns="http://tempuri.org/">'
            '<un xmlns:a="http://schemas.datacontract.org/2004/07/AutoSecretary.Api">'
            f'{inner}<a:phone>4954071111</a:phone></un></UpdateUN></s:Body></s:Envelope>').encode()
    resp = await client.post("/api/v1/un.svc", headers={**AUTH, "Content-Type": "text/xml"}, data=body)
    assert resp.status == 200, await resp.text()
    assert len(backend.uns["4954071111"].dn_list) == expected
    assert backend.uns["4954071111"].description == "test"
