"""The WCF-compatible SOAP twin: metadata, golden WSDL, MEX, faults, and zeep == REST for every operation."""
import asyncio
import json

import pytest
from lxml import etree

from .data import CONTRACTS
from .helpers import SLUG, USER, call, send

zeep = pytest.importorskip("zeep")
from requests import Session  # noqa: E402  (zeep's dependency)
from zeep.exceptions import Fault, TransportError  # noqa: E402
from zeep.helpers import serialize_object  # noqa: E402
from zeep.transports import Transport  # noqa: E402

ENV = "http://schemas.xmlsoap.org/soap/envelope/"
GOLDEN = CONTRACTS / "wsdl"


def plain(obj):
    """zeep objects -> the REST JSON shape (arrays are wrapped in their item element)."""
    data = serialize_object(obj)
    return json.loads(json.dumps(data, default=str))


STRING_FIELDS = ("conf_email", "description", "fax_email", "updated_by", "updated_on", "voice_email")


def un_from_soap(data):
    data = dict(data)
    for name in STRING_FIELDS:
        # an empty element reads as None in zeep (a .NET proxy reads ""); REST says ""
        if data.get(name) is None:
            data[name] = ""
    data["dn_list"] = list((data.get("dn_list") or {}).get("DN") or [])
    return data


def page_from_soap(data):
    value = list((data.get("value") or {}).get("CDR") or [])
    return value, data.get("links")


def soap_client(simulator, service, variant="wsdl", user=("user", "password")):
    session = Session()
    session.auth = user
    session.trust_env = False
    url = simulator.url("mts-autosecretary", f"/api/v1/{service}.svc?{variant}")
    return zeep.Client(url, transport=Transport(session=session))


async def in_thread(fn, *args):
    # zeep is a blocking client; the simulator serves on this loop meanwhile
    return await asyncio.to_thread(fn, *args)


async def test_metadata_matches_golden_copy(simulator):
    names = sorted(p.name for p in GOLDEN.iterdir())
    assert len(names) == 9
    for name in names:
        service, _, rest = name.partition(".svc.")
        kind = rest.rsplit(".", 1)[0]
        query = {"wsdl": "wsdl", "singleWsdl": "singleWsdl"}.get(kind, f"xsd={kind}")
        reply = await send(simulator, SLUG, "GET", f"/api/v1/{service}.svc?{query}",
                           headers={"Host": "aa.mts.ru", "X-Forwarded-Proto": "https"}, full_url=True)
        assert reply.status == 200
        assert reply.headers["Content-Type"].startswith("text/xml")
        assert reply.body == (GOLDEN / name).read_bytes(), f"{name} changed: update the golden copy deliberately"


async def test_wcf_names(simulator):
    _, _, un_wsdl, _ = await call(simulator, "GET", "/api/v1/un.svc?wsdl")
    doc = etree.fromstring(un_wsdl.encode())
    ns = {"w": "http://schemas.xmlsoap.org/wsdl/", "soap": "http://schemas.xmlsoap.org/wsdl/soap/"}
    assert doc.get("targetNamespace") == "http://tempuri.org/"
    assert doc.xpath("w:service/@name", namespaces=ns) == ["un"]
    assert doc.xpath("w:portType/@name", namespaces=ns) == ["Iun"]
    assert doc.xpath("w:binding/@name", namespaces=ns) == ["BasicHttpBinding_Iun"]
    assert sorted(doc.xpath("w:binding/w:operation/soap:operation/@soapAction", namespaces=ns)) == [
        "http://tempuri.org/Iun/GetUN", "http://tempuri.org/Iun/GetUNList", "http://tempuri.org/Iun/UpdateUN"]
    address = doc.xpath("w:service/w:port/soap:address/@location", namespaces=ns)[0]
    assert address == simulator.url("mts-autosecretary", "/api/v1/un.svc")
    _, _, cdr_wsdl, _ = await call(simulator, "GET", "/api/v1/cdr.svc?singleWsdl")
    doc = etree.fromstring(cdr_wsdl.encode())
    assert doc.xpath("w:service/@name", namespaces=ns) == ["cdr"]
    assert doc.xpath("w:portType/@name", namespaces=ns) == ["Icdr"]
    status, _, help_page, _ = await call(simulator, "GET", "/api/v1/cdr.svc")
    assert status == 200 and "svcutil.exe" in help_page


async def test_unknown_xsd(simulator):
    status, _, _, _ = await call(simulator, "GET", "/api/v1/un.svc?xsd=xsd7")
    assert status == 404


MEX_CASES = [
    (ENV, "http://www.w3.org/2005/08/addressing", ""),
    ("http://www.w3.org/2003/05/soap-envelope", "http://www.w3.org/2005/08/addressing", ""),
    (ENV, "http://schemas.xmlsoap.org/ws/2004/08/addressing",
     '<wsx:GetMetadata xmlns:wsx="http://schemas.xmlsoap.org/ws/2004/09/mex"/>'),
]


async def test_ws_metadata_exchange(simulator):
    for service in ("un", "cdr"):
        for soap_ns, wsa, body in MEX_CASES:
            await _mex_case(simulator, service, soap_ns, wsa, body)


async def _mex_case(simulator, service, soap_ns, wsa, body):
    action = ("http://schemas.xmlsoap.org/ws/2004/09/mex/GetMetadata/Request" if body
              else "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get")
    envelope = (f'<s:Envelope xmlns:s="{soap_ns}" xmlns:a="{wsa}"><s:Header>'
                f'<a:Action s:mustUnderstand="1">{action}</a:Action><a:MessageID>urn:uuid:42</a:MessageID>'
                f'</s:Header><s:Body>{body}</s:Body></s:Envelope>')
    ctype = "application/soap+xml; charset=utf-8" if "2003/05" in soap_ns else "text/xml; charset=utf-8"
    for path in (f"/api/v1/{service}.svc/mex", f"/api/v1/{service}.svc"):
        status, _, text, headers = await call(simulator, "POST", path, headers={"Content-Type": ctype},
                                              raw=envelope.encode())
        assert status == 200, text
        assert headers["Content-Type"].split(";")[0] == ctype.split(";")[0]
        doc = etree.fromstring(text.encode())
        assert doc.tag == f"{{{soap_ns}}}Envelope"
        assert doc.findtext(f".//{{{wsa}}}RelatesTo") == "urn:uuid:42"
        section = doc.find(".//{http://schemas.xmlsoap.org/ws/2004/09/mex}MetadataSection")
        assert section.get("Dialect") == "http://schemas.xmlsoap.org/wsdl/"
        assert section.find("{http://schemas.xmlsoap.org/wsdl/}definitions").get("name") == service


async def test_faults_and_http_errors(simulator):
    path = "/api/v1/un.svc"
    headers = {**USER, "Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"http://tempuri.org/Iun/GetUN"'}
    envelope = (f'<s:Envelope xmlns:s="{ENV}"><s:Body><GetUN xmlns="http://tempuri.org/"><phone>4954072222</phone>'
                '</GetUN></s:Body></s:Envelope>').encode()
    status, _, text, _ = await call(simulator, "POST", path, headers=headers, raw=envelope)
    assert status == 500
    doc = etree.fromstring(text.encode())
    assert doc.findtext(f".//{{{ENV}}}Fault/faultstring") == "UN 4954072222 is not available for management via API"
    # garbage, an unknown operation, SOAP 1.2 content type, no credentials
    for raw in (b"garbage", b"<x/>", f'<s:Envelope xmlns:s="{ENV}"><s:Body><Nope xmlns="http://tempuri.org/"/></s:Body></s:Envelope>'.encode()):
        status, _, text, _ = await call(simulator, "POST", path, headers=headers, raw=raw)
        assert status == 500 and "Fault" in text, raw
    status, _, _, _ = await call(simulator, "POST", path, headers={**headers, "Content-Type": "application/soap+xml"},
                                 raw=envelope)
    assert status == 415
    status, _, text, resp_headers = await call(simulator, "POST", path, headers={"Content-Type": "text/xml"}, raw=envelope)
    assert status == 401 and "Fault" in text and resp_headers["WWW-Authenticate"].startswith("Basic")
    status, _, _, _ = await call(simulator, "PUT", path, headers=headers, raw=envelope)
    assert status == 405


async def test_zeep_equals_rest_for_every_operation(simulator):
    await simulator.start_call("mts-autosecretary", "+79161000932", "9854071111")
    await simulator.advance(200)

    def soap_side():
        un = soap_client(simulator, "un")
        un_single = soap_client(simulator, "un", "singleWsdl")
        cdr = soap_client(simulator, "cdr")
        out = {
            "list": plain(un.service.GetUNList()),
            "un": un_from_soap(plain(un.service.GetUN("4954071111"))),
            "un_single": un_from_soap(plain(un_single.service.GetUN(phone="74954071111"))),
            "bytime_doc": page_from_soap(plain(cdr.service.GetCdrByTime("4954071111", "01.10.2012", "03.10.2012"))),
            "bytime_page": page_from_soap(plain(cdr.service.GetCdrByTime(
                phone="9854071111", begin="2026-11-16T00:00:00", end="2026-11-24T00:00:00", start_id=None, limit=25))),
            "bytime_today": page_from_soap(plain(cdr.service.GetCdrByTime(phone="9854071111"))),
            "byid": page_from_soap(plain(cdr.service.GetCdrById("9854071111", 0, 30))),
        }
        factory = un.type_factory("ns1")
        dn_type = un.get_type("{http://schemas.datacontract.org/2004/07/AutoSecretary.Api}DN")
        un_type = un.get_type("{http://schemas.datacontract.org/2004/07/AutoSecretary.Api}UN")
        array_type = un.get_type("{http://schemas.datacontract.org/2004/07/AutoSecretary.Api}ArrayOfDN")
        new_un = un_type(phone="9854079998", say_tone=True, description="через SOAP",
                         dn_list=array_type(DN=[dn_type(phone="89161000250", begin="08:00:00", end="20:00:00",
                                                        channels=3, day=0, priority=0, locked=False, record=True),
                                                dn_type(phone="89161000251", ext="301", priority=-1)]))
        out["update"] = un_from_soap(plain(un.service.UpdateUN(un=new_un)))
        try:
            un.service.UpdateUN(un=un_type(phone="9854079998", dn_list=array_type(DN=[dn_type(phone="89161000252", begin="10:00:00", end="09:00:00")])))
        except Fault as exc:
            out["update_fault"] = exc.message
        try:
            un.service.GetUN("4954072222")
        except Fault as exc:
            out["foreign_fault"] = exc.message
        try:
            cdr.service.GetCdrById("9854071111", 0, 0)
        except Fault as exc:
            out["limit_fault"] = exc.message
        try:
            soap_client(simulator, "un", user=("user", "bad")).service.GetUNList()
        except Fault as exc:  # 401 with a SOAP fault body
            out["auth_status"] = exc.message
        except TransportError as exc:
            out["auth_status"] = exc.status_code
        return out

    soap = await in_thread(soap_side)

    _, rest, _, _ = await call(simulator, "GET", "/api/v1/un")
    assert soap["list"] == rest["value"]
    _, rest, _, _ = await call(simulator, "GET", "/api/v1/un?phone=4954071111")
    assert soap["un"] == rest["value"] == soap["un_single"]
    _, rest, _, _ = await call(simulator, "GET", "/api/v1/cdr/bytime?phone=4954071111&begin=01.10.2012&end=03.10.2012")
    assert soap["bytime_doc"] == (rest["value"], None)
    _, rest, _, _ = await call(simulator, "GET",
                               "/api/v1/cdr/bytime?phone=9854071111&begin=2026-11-16T00:00:00&end=2026-11-24T00:00:00&limit=25")
    assert soap["bytime_page"][0] == rest["value"]
    assert soap["bytime_page"][1] == rest["links"]["next"]
    _, rest, _, _ = await call(simulator, "GET", "/api/v1/cdr/bytime?phone=9854071111")
    assert soap["bytime_today"] == (rest["value"], rest.get("links", {}).get("next"))
    assert rest["value"] and rest["value"][-1]["start_time"] == "2026-11-23T09:00:00"
    _, rest, _, _ = await call(simulator, "GET", "/api/v1/cdr/byid?phone=9854071111&start_id=0&limit=30")
    assert soap["byid"] == (rest["value"], rest["links"]["next"])
    _, rest, _, _ = await call(simulator, "GET", "/api/v1/un?phone=9854079998")
    assert soap["update"] == rest["value"]
    assert rest["value"]["say_tone"] is True and rest["value"]["description"] == "через SOAP"
    assert [dn["phone"] for dn in rest["value"]["dn_list"]] == ["89161000250", "89161000251"]
    assert rest["value"]["dn_list"][1]["ext"] == "301"
    assert rest["value"]["voice_email"] == "support@romashka.example"  # not sent: kept
    assert "must be earlier than end" in soap["update_fault"]
    assert soap["foreign_fault"] == "UN 4954072222 is not available for management via API"
    assert "Invalid limit" in soap["limit_fault"]
    assert soap["auth_status"] == "Unauthorized: wrong login or password"


async def test_injected_fault_on_soap_is_a_soap_fault(simulator):
    from simulator.faults import FaultRule
    simulator.sim.faults.add(FaultRule(provider="mts-autosecretary", path="/api/v1/un.svc", method="POST",
                                       action="native", native="503:Service unavailable", times=1))
    envelope = (f'<s:Envelope xmlns:s="{ENV}"><s:Body><GetUNList xmlns="http://tempuri.org/"/></s:Body></s:Envelope>')
    status, _, text, headers = await call(simulator, "POST", "/api/v1/un.svc",
                                          headers={**USER, "Content-Type": "text/xml"}, raw=envelope.encode())
    assert status == 503 and headers["Content-Type"].startswith("text/xml")
    doc = etree.fromstring(text.encode())
    assert doc.findtext(f".//{{{ENV}}}Fault/faultstring") == "Service unavailable"
    assert doc.findtext(f".//{{{ENV}}}Fault/faultcode") == "s:Server"
    status, _, text, _ = await call(simulator, "POST", "/api/v1/un.svc",
                                    headers={**USER, "Content-Type": "text/xml"}, raw=envelope.encode())
    assert status == 200 and "4954071111" in text


async def test_journal_names_the_soap_operation(simulator):
    envelope = (f'<s:Envelope xmlns:s="{ENV}"><s:Body><GetUN xmlns="http://tempuri.org/"><phone>4954071111</phone>'
                '</GetUN></s:Body></s:Envelope>')
    status, _, _, _ = await call(simulator, "POST", "/api/v1/un.svc", headers={**USER, "Content-Type": "text/xml"},
                                 raw=envelope.encode())
    assert status == 200
    entries = simulator.journal(provider="mts-autosecretary", kind="un.svc GetUN")
    assert len(entries) == 1 and entries[0]["tenant"] == "user"


async def test_dtd_is_refused_with_a_client_fault(simulator):
    envelope = (b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                + f'<s:Envelope xmlns:s="{ENV}"><s:Body><GetUN xmlns="http://tempuri.org/"><phone>&x;</phone>'
                  '</GetUN></s:Body></s:Envelope>'.encode())
    status, _, text, _ = await call(simulator, "POST", "/api/v1/un.svc",
                                    headers={**USER, "Content-Type": "text/xml"}, raw=envelope)
    assert status == 500
    doc = etree.fromstring(text.encode())
    assert doc.findtext(f".//{{{ENV}}}Fault/faultcode").endswith(":Client")
    assert "DTD is prohibited" in doc.findtext(f".//{{{ENV}}}Fault/faultstring")
    assert "root:" not in text


async def test_spyne_parses_and_serializes_off_the_event_loop(simulator, monkeypatch):
    import threading

    from simulator.providers.mts_autosecretary.soap.bridge import SpyneBridge

    threads = {}

    def spy(name):
        original = getattr(SpyneBridge, name)

        def wrapper(self, *args):
            threads[name] = threading.current_thread()
            return original(self, *args)
        monkeypatch.setattr(SpyneBridge, name, wrapper)

    for name in ("_parse", "_call", "_serialize"):
        spy(name)
    envelope = (f'<s:Envelope xmlns:s="{ENV}"><s:Body><GetCdrById xmlns="http://tempuri.org/">'
                '<phone>9854071111</phone><limit>1000</limit></GetCdrById></s:Body></s:Envelope>')
    status, _, text, _ = await call(simulator, "POST", "/api/v1/cdr.svc",
                                    headers={**USER, "Content-Type": "text/xml"}, raw=envelope.encode())
    assert status == 200 and text.count("<s0:CDR>") > 100
    loop_thread = threading.current_thread()
    assert threads["_call"] is loop_thread  # the operation touches state: on the loop
    assert threads["_parse"] is not loop_thread and threads["_serialize"] is not loop_thread


@pytest.mark.parametrize("inner,expected", [
    ("<a:dn_list/>", 0),                              # an empty list clears
    ('<a:dn_list xsi:nil="true"/>', 1),               # nil = not given
    ("", 1),                                          # absent = not given
])
async def test_update_un_dn_list_semantics(simulator, inner, expected):
    body = (f'<s:Envelope xmlns:s="{ENV}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><s:Body>'
            '<UpdateUN xmlns="http://tempuri.org/"><un xmlns:a="http://schemas.datacontract.org/2004/07/AutoSecretary.Api">'
            f'{inner}<a:phone>4954071111</a:phone></un></UpdateUN></s:Body></s:Envelope>').encode()
    status, _, text, _ = await call(simulator, "POST", "/API/V1/UN.SVC", headers={**USER, "Content-Type": "text/xml"},
                                    raw=body)
    assert status == 200, text
    _, rest, _, _ = await call(simulator, "GET", "/api/v1/un?phone=4954071111")
    assert len(rest["value"]["dn_list"]) == expected
    assert rest["value"]["description"] == "test"


async def test_metadata_query_is_case_insensitive(simulator):
    for query in ("WSDL", "SingleWsdl", "XSD=XSD1"):
        status, _, text, headers = await call(simulator, "GET", f"/api/v1/un.svc?{query}", headers={})
        assert status == 200 and headers["Content-Type"].startswith("text/xml"), query
        etree.fromstring(text.encode())


async def test_concurrent_soap_calls_get_their_own_answers(simulator):
    phones = ["4954071111", "9854071111", "9854079998", "4954072222"] * 5

    async def get_un(phone):
        envelope = (f'<s:Envelope xmlns:s="{ENV}"><s:Body><GetUN xmlns="http://tempuri.org/"><phone>{phone}</phone>'
                    '</GetUN></s:Body></s:Envelope>')
        status, _, text, _ = await call(simulator, "POST", "/api/v1/un.svc",
                                        headers={**USER, "Content-Type": "text/xml"}, raw=envelope.encode())
        return phone, status, etree.fromstring(text.encode())

    results = await asyncio.gather(*(get_un(p) for p in phones))
    dc = "{http://schemas.datacontract.org/2004/07/AutoSecretary.Api}"
    for phone, status, doc in results:
        if phone == "4954072222":
            assert status == 500 and phone in doc.findtext(f".//{{{ENV}}}Fault/faultstring")
        else:
            assert status == 200 and doc.findtext(f".//{{http://tempuri.org/}}GetUNResult/{dc}phone") == phone
    kinds = [e["kind"] for e in simulator.journal(provider="mts-autosecretary", direction="in")]
    assert kinds.count("un.svc GetUN") == len(phones)
