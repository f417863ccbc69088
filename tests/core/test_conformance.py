"""The core's contract checker: one validator per transport, applied to journal entries,
and the documented examples of every provider through them."""
import base64
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import conformance
from simulator.catalogue import CallbackSpec, Catalogue, Operation
from simulator.conformance import (TRANSPORTS, Contract, ContractViolation, JsonSchemaValidator,
                                   OpenApiValidator, SoapValidator, XsdValidator, check_journal,
                                   register_transport, sniff_transport)
from simulator.conformance.examples import load_examples
from simulator.journal import Journal
from simulator.testing.contracts import check_contracts

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
VPBX_KEY = {"X-AUTH-TOKEN": "215ef687-e898-419d-810c-2864efc0b1d0"}
BEELINE_AUTH = {"Authorization": "Basic " + base64.b64encode(b"cloudcc-demo:cloudcc-demo-pass").decode()}
AA_AUTH = {"Authorization": "Basic " + base64.b64encode(b"user:password").decode()}
ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def contract(slug, **options):
    return Contract.from_files(slug, options=options)


def entry(direction="in", operation="op", provider="p", **fields):
    return Journal(lambda: 0.0).add(direction, operation, provider, **fields)


def test_each_provider_directory_gives_its_validators():
    assert set(contract("mts-vpbx").validators) == {"rest"}
    assert set(contract("beeline-cloudcc").validators) == {"xml", "multipart"}
    assert set(contract("mts-autosecretary").validators) == {"rest", "soap"}
    assert Contract.from_files("no-such-provider").validators == {}


def test_the_transport_registry_is_open(tmp_path):
    class Rpc:
        def __init__(self, path):
            self.path = path

        @classmethod
        def discover(cls, directory):
            path = directory / "openrpc.json"
            return cls(path) if path.is_file() else None

        def check_entry(self, entry, spec):
            if json.loads(entry.to_json()["response_body"]).get("jsonrpc") != "2.0":
                raise ContractViolation("not JSON-RPC 2.0")
            return True

    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "openrpc.json").write_text("{}")
    registered = TRANSPORTS.get("jsonrpc")  # the core's OpenRPC validator: restored after the test
    register_transport("jsonrpc", Rpc)
    try:
        c = Contract.from_files("p", contracts=tmp_path, catalogue=Catalogue(
            "p", "doc", operations=(Operation("getX", "1", "jsonrpc", "POST", "/rpc", selector="getX"),)))
        assert set(c.validators) == {"jsonrpc"}
        assert c.check(entry(operation="getX", status=200, response_body='{"jsonrpc": "2.0"}'))
        with pytest.raises(ContractViolation, match="journal #1 in 'getX'.*not JSON-RPC"):
            c.check(entry(operation="getX", status=200, response_body='{"id": 1}'))
    finally:
        if registered is None:
            del TRANSPORTS["jsonrpc"]
        else:
            TRANSPORTS["jsonrpc"] = registered


# ---------------------------------------------------------------------- REST (OpenAPI)
VPBX_RESPONSES = [e for e in load_examples("mts-vpbx").of_kind("response")
                  if e.file.endswith(".json") and not e.file.endswith(".record.json")
                  and not e.file.startswith("4.12.1")]


@pytest.mark.parametrize("example", VPBX_RESPONSES, ids=lambda e: e.file)
def test_documented_answers_pass_and_broken_ones_fail(example):
    validator = OpenApiValidator(CONTRACTS / "mts-vpbx" / "openapi.yaml")
    ok = entry(method=example.method, path=example.path, status=example.status,
               response_headers={"Content-Type": "application/json"}, response_body=example.text())
    assert validator.check_entry(ok)
    with pytest.raises(ContractViolation):
        validator.check_entry(entry(method=example.method, path=example.path, status=example.status,
                                    response_headers={"Content-Type": "application/json"},
                                    response_body='"not the documented shape"'))


def test_rest_answers_status_route_and_body_rules():
    c = contract("mts-vpbx", rest={"unknown_route_schema": "ErrorBody"})
    get = dict(method="GET", path="/api/abonents", response_headers={"Content-Type": "application/json"})
    with pytest.raises(ContractViolation, match="status 299"):
        c.check(entry(provider="mts-vpbx", status=299, response_body="[]", **get))
    with pytest.raises(ContractViolation, match="not in openapi.yaml but answered 200"):
        c.check(entry(provider="mts-vpbx", method="GET", path="/nowhere", status=200, response_body="{}"))
    with pytest.raises(ContractViolation):
        c.check(entry(provider="mts-vpbx", method="GET", path="/nowhere", status=404, response_body="{}"))
    # not checked: notices, other providers, fault answers, dropped connections
    assert not c.check(entry("notice", provider="mts-vpbx"))
    assert not c.check(entry(provider="other", status=299, **get))
    assert not c.check(entry(provider="mts-vpbx", status=299, fault=3, **get))
    assert not c.check(entry(provider="mts-vpbx", status=None, error="dropped", **get))


def test_webhooks_are_checked_by_name_method_and_content_type():
    event = load_examples("mts-vpbx").file("4.7-event.event.json")
    validator = OpenApiValidator(CONTRACTS / "mts-vpbx" / "openapi.yaml",
                                 webhook_name=lambda e: json.loads(e.to_json()["request_body"])["eventType"])
    sent = dict(method="POST", url="http://127.0.0.1/h", request_body=event.text())
    assert validator.check_entry(entry("out", request_headers={"Content-Type": "application/json"}, **sent))
    with pytest.raises(ContractViolation, match="content type"):
        validator.check_entry(entry("out", request_headers={"Content-Type": "text/plain"}, **sent))
    with pytest.raises(ContractViolation, match="not in openapi.yaml"):
        OpenApiValidator(CONTRACTS / "mts-vpbx" / "openapi.yaml").check_entry(
            entry("out", "NO_SUCH_HOOK", request_headers={"Content-Type": "application/json"}, **sent))
    assert not validator.check_entry(entry("out", method="POST", request_body=None))


def test_case_insensitive_paths_for_services_that_match_them_so():
    path = CONTRACTS / "mts-autosecretary" / "openapi.yaml"
    answer = dict(method="GET", path="/API/V1/Un", status=401, response_headers={"Content-Type": "application/json"},
                  response_body='{"value": null, "status_code": 401, "status_msg": "Unauthorized"}')
    assert OpenApiValidator(path, case_insensitive_paths=True).check_entry(entry(**answer))
    with pytest.raises(ContractViolation):
        OpenApiValidator(path).check_entry(entry(**answer))


# ------------------------------------------------------------------------ XML (XSD)
BEELINE = load_examples("beeline-cloudcc")


@pytest.mark.parametrize("example", [e for e in BEELINE if e.file.endswith(".xml")], ids=lambda e: e.file)
def test_beeline_xml_examples_are_valid(example):
    validator = XsdValidator(CONTRACTS / "beeline-cloudcc" / "beeline-cloudcc.xsd")
    validator.validate(example.text(), example.file, example.schema.split("#")[1])
    with pytest.raises(ContractViolation, match="root element"):
        validator.validate(example.text(), example.file, "SomethingElse")


def test_xml_entries_follow_the_catalogue_names_of_answers_and_bodies():
    validator = XsdValidator(CONTRACTS / "beeline-cloudcc" / "beeline-cloudcc.xsd")
    info = BEELINE.file("2.1-Info.response.xml").text()
    op = Operation("InitCall", "2.1", "xml", "POST", "/", selector="InitCall", response="beeline-cloudcc.xsd#Info")
    assert validator.check_entry(entry(status=200, response_body=info), op)
    status = BEELINE.file("2.3-callStatus.event.xml").text()
    cb = CallbackSpec("callStatus", "2.3", "xml", "client_url", body="beeline-cloudcc.xsd#callStatus")
    assert validator.check_entry(entry("out", request_body=status), cb)
    with pytest.raises(ContractViolation, match="root element"):
        validator.check_entry(entry("out", request_body=info), cb)
    with pytest.raises(ContractViolation, match="well-formed"):
        validator.check_entry(entry(status=200, response_body="<Info"), None)
    with pytest.raises(ContractViolation, match="beeline-cloudcc.xsd"):
        validator.check_entry(entry(status=200, response_body="<Info Bogus='1'/>"), None)
    assert not validator.check_entry(entry(status=200, response_body=""), None)


# ---------------------------------------------------------- multipart (JSON Schema)
@pytest.mark.parametrize("example", [e for e in BEELINE if e.kind in ("response", "error")
                                     and e.file.endswith(".json")], ids=lambda e: e.file)
def test_beeline_answers_by_command(example):
    validator = JsonSchemaValidator(CONTRACTS / "beeline-cloudcc" / "schemas")
    command = example.get("command") or example.file.split("-")[1].split(".")[0]
    validator.check_answer(command, example.json())


def test_multipart_answers_are_the_commands_or_the_error_structure():
    validator = JsonSchemaValidator(CONTRACTS / "beeline-cloudcc" / "schemas")
    error = BEELINE.file("4.19-error.error.json").text()
    assert validator.check_entry(entry(operation="RLIST", status=200, response_body=error))
    assert validator.check_entry(entry(operation="api/request", status=400, response_body=error))
    with pytest.raises(ContractViolation, match="RLIST.response.schema.json"):
        validator.check_entry(entry(operation="RLIST", status=200, response_body='{"STATUS": 5}'))
    with pytest.raises(ContractViolation, match="error.schema.json"):
        validator.check_entry(entry(operation="api/request", status=200, response_body='{"x": 1}'))
    assert not validator.check_entry(entry(operation="download", status=200, response_body="RIFF...."))


# ----------------------------------------------------------------- SOAP (WSDL/XSD)
def soap(inner):
    return f'<s:Envelope xmlns:s="{ENV}"><s:Body>{inner}</s:Body></s:Envelope>'


def test_soap_answers_against_the_services_schemas():
    validator = SoapValidator(CONTRACTS / "mts-autosecretary" / "wsdl")
    assert set(validator.services) == {"un.svc", "cdr.svc"}
    fault = soap("<s:Fault><faultcode>s:Client</faultcode><faultstring>no</faultstring></s:Fault>")
    assert validator.check_entry(entry(method="POST", path="/api/v1/un.svc", status=500, response_body=fault))
    with pytest.raises(ContractViolation, match="un.svc"):
        validator.check_entry(entry(method="POST", path="/api/v1/un.svc", status=200,
                                    response_body=soap('<Nope xmlns="http://tempuri.org/"/>')))
    with pytest.raises(ContractViolation, match="SOAP envelope"):
        validator.check_entry(entry(method="POST", path="/api/v1/un.svc", status=200, response_body="<x/>"))
    with pytest.raises(ContractViolation, match="code and reason"):
        validator.check_entry(entry(method="POST", path="/api/v1/un.svc", status=500,
                                    response_body=soap("<s:Fault><faultcode>x</faultcode></s:Fault>")))
    assert not validator.check_entry(entry(method="GET", path="/api/v1/un.svc", status=200, response_body="<x/>"))
    assert not validator.check_entry(entry(method="POST", path="/api/v1/other.svc", status=200, response_body="<x/>"))


def test_sniffing_the_transport_of_an_uncatalogued_entry():
    assert sniff_transport(entry(request_headers={"Content-Type": "multipart/form-data; boundary=x"})) == "multipart"
    assert sniff_transport(entry(request_body=soap(""))) == "soap"
    assert sniff_transport(entry(request_body=b"<InitCall/>")) == "xml"
    assert sniff_transport(entry("out", request_body='{"a": 1}')) == "rest"
    assert sniff_transport(entry(method="GET", response_body="<Info/>")) == "xml"
    assert sniff_transport(entry(request_headers={"Content-Type": "text/xml", "SOAPAction": "x"})) == "soap"


# --------------------------------------------------------------- live journals
async def test_live_journals_of_the_three_providers_pass_their_contracts(simulator):
    async with simulator.request("GET", simulator.url("mts-vpbx", "/api/abonents"), headers=VPBX_KEY):
        pass
    async with simulator.request("GET", simulator.url("mts-vpbx", "/api/nowhere"), headers=VPBX_KEY):
        pass
    form = {"Command": "RLIST"}
    body = (b'--b\r\nContent-Disposition: form-data; name="api_form"\r\nContent-Type: application/json\r\n\r\n'
            + json.dumps(form).encode() + b"\r\n--b--\r\n")
    async with simulator.request("POST", simulator.url("beeline-cloudcc", "/api/request"), data=body,
                                 headers={**BEELINE_AUTH, "Content-Type": "multipart/form-data; boundary=b"}):
        pass
    async with simulator.request("POST", simulator.url("beeline-cloudcc", "/"),
                                 data=BEELINE.file("2.1-InitCall.request.xml").bytes(),
                                 headers={**BEELINE_AUTH, "Content-Type": "text/xml"}):
        pass
    async with simulator.request("GET", simulator.url("mts-autosecretary", "/api/v1/un?phone=4954071111"),
                                 headers=AA_AUTH):
        pass
    get_un = soap('<GetUN xmlns="http://tempuri.org/"><phone>4954071111</phone></GetUN>')
    async with simulator.request("POST", simulator.url("mts-autosecretary", "/api/v1/un.svc"), data=get_un,
                                 headers={**AA_AUTH, "Content-Type": "text/xml",
                                          "SOAPAction": '"http://tempuri.org/Iun/GetUN"'}) as r:
        assert r.status == 200, await r.text()
    entries = simulator.journal()
    options = {"mts-vpbx": {"rest": {"unknown_route_schema": "ErrorBody"}},
               "mts-autosecretary": {"rest": {"case_insensitive_paths": True}}}
    checked = {slug: Contract.from_files(slug, options=options.get(slug)).check_journal(entries)
               for slug in ("mts-vpbx", "beeline-cloudcc", "mts-autosecretary")}
    assert all(n >= 2 for n in checked.values()), checked


async def test_check_journal_uses_the_contract_a_provider_declares(simulator, monkeypatch):
    provider = type(simulator.sim.providers["mtt-telecom"])
    monkeypatch.setattr(conformance, "_CONTRACTS", {})
    assert check_journal("mtt-telecom", []) == 0 and check_journal("no-such", []) == 0

    class Strict:
        def check_entry(self, entry, spec):
            if entry.to_json()["status"] != 204:
                raise ContractViolation("only 204")
            return True

    monkeypatch.setattr(conformance, "_CONTRACTS", {})
    monkeypatch.setattr(provider, "contract", classmethod(lambda cls: Contract(cls.slug, {"rest": Strict()})))
    async with simulator.request("GET", "/mtt-telecom/x"):
        pass
    with pytest.raises(ContractViolation, match="only 204"):
        check_contracts(simulator)
    monkeypatch.setattr(conformance, "_CONTRACTS", {})


# ------------------------------------------------------------------- examples
@pytest.mark.parametrize("slug", sorted(p.parent.name for p in CONTRACTS.glob("*/examples")))
def test_every_example_index_is_complete(slug):
    index = load_examples(slug)
    assert index.provider == slug and index.examples and index.problems() == []
    assert (Path("/work/shared/seeds") / index.document).name == index.document
    for example in index:
        assert example.location.is_file() and example["file"] == example.file


@settings(deadline=None, max_examples=60)
@given(st.dictionaries(st.sampled_from(["provider", "document", "examples", "fixtures"]),
                       st.one_of(st.none(), st.text(max_size=5), st.integers(),
                                 st.lists(st.dictionaries(st.sampled_from(["file", "section", "kind", "status",
                                                                           "headers", "x"]),
                                                          st.one_of(st.text(max_size=3), st.integers(),
                                                                    st.sampled_from(["request", "event"]),
                                                                    st.dictionaries(st.text(max_size=2),
                                                                                    st.text(max_size=2))),
                                                          max_size=6), max_size=3)),
                       max_size=4))
def test_the_index_loader_accepts_or_refuses_with_its_own_error(tmp_path_factory, data):
    import yaml

    from simulator.conformance.examples import ExampleIndexError, _load

    root = tmp_path_factory.mktemp("examples")
    (root / "index.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    try:
        index = _load(root)
    except ExampleIndexError:
        return
    assert all(e.kind in ("request", "response", "event", "error") for e in index)


@pytest.mark.telsim_no_contract  # a core test: a provider stands in with made-up operation names
async def test_entries_must_carry_a_catalogue_name(simulator, monkeypatch):
    cat = Catalogue("mtt-telecom", "doc", operations=(Operation("GET /a", "1", "rest", "GET", "/a"),),
                    callbacks=(CallbackSpec("EVT", "2", "rest", "url"),))
    monkeypatch.setattr(simulator.sim.providers["mtt-telecom"], "catalogue", cat, raising=False)
    monkeypatch.setattr(simulator.sim.providers["mtt-business"], "catalogue", None, raising=False)
    monkeypatch.setattr(conformance, "_CONTRACTS", {})
    journal = simulator.sim.journal
    journal.add("in", "request", "mtt-telecom")          # unrecognised: allowed
    journal.add("in", "GET /a", "mtt-telecom")
    journal.add("out", "EVT", "mtt-telecom", attempt=1)
    journal.add("in", "whatever", "mtt-business")        # another provider's
    assert check_contracts(simulator)["mtt-telecom"] == 0
    journal.add("notice", "sms", "mtt-telecom")
    with pytest.raises(ContractViolation, match="1 journal entries name no catalogue operation.*'sms'"):
        check_contracts(simulator)
    assert [e.operation for e in cat.unnamed(journal.query())] == ["sms"]
    journal.clear()


VALIDATORS = {
    "rest": OpenApiValidator(CONTRACTS / "mts-vpbx" / "openapi.yaml", unknown_route_schema="ErrorBody"),
    "xml": XsdValidator(CONTRACTS / "beeline-cloudcc" / "beeline-cloudcc.xsd"),
    "soap": SoapValidator(CONTRACTS / "mts-autosecretary" / "wsdl"),
    "multipart": JsonSchemaValidator(CONTRACTS / "beeline-cloudcc" / "schemas"),
}
bodies = st.one_of(st.none(), st.text(max_size=60), st.sampled_from(
    ["<", "<Info/>", soap(""), soap("<x/>"), '{"STATUS": "OK"}', "[]", "{", "null", "…", "<?xml version='1.0'?><a>"]))


@settings(deadline=None, max_examples=150)
@given(st.sampled_from(sorted(VALIDATORS)), st.sampled_from(["in", "out"]),
       st.sampled_from(["GET", "POST", "PUT", None]),
       st.sampled_from(["/api/abonents", "/api/v1/un.svc", "/", "/x/{y}", None]),
       st.one_of(st.none(), st.integers(100, 599)), bodies, bodies,
       st.sampled_from(["RLIST", "CALL_RECEIVED", "request", ""]))
def test_validators_answer_or_raise_their_own_error(transport, direction, method, path, status, req, resp, name):
    e = entry(direction, name, method=method, path=path, status=status, request_body=req, response_body=resp,
              request_headers={"Content-Type": "application/json"}, response_headers={"Content-Type": "application/json"})
    try:
        assert VALIDATORS[transport].check_entry(e, None) in (True, False)
    except ContractViolation:
        pass
