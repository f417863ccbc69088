"""Request validation (simulator/conformance/: each validator's check_request), the traffic
sources and formats of ``telsim validate``."""
from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from simulator.cli import main
from simulator.conformance.traffic import RawRequest, check_requests, from_har, from_jsonl

EXAMPLES = Path(__file__).resolve().parents[2] / "contracts"
TOKEN = {"X-AUTH-TOKEN": "t"}
JSON = {"Content-Type": "application/json"}


def rules(method, path, *, body=b"", headers=None, query="", host=None):
    checked = check_requests([RawRequest(method, path, query, host, dict(headers or {}), body)])[0]
    return checked, sorted({(d.rule, d.where) for d in checked.deviations})


# ------------------------------------------------------------------ REST (OpenAPI)
def test_rest_clean_request_and_its_operation():
    checked, found = rules("GET", "/mts-vpbx/api/abonents", headers=TOKEN)
    assert checked.provider == "mts-vpbx" and checked.operation == "GET /api/abonents"
    assert found == [] and checked.section == "4.4"


def test_rest_unknown_query_parameter_and_body_field():
    _, found = rules("GET", "/mts-vpbx/api/abonents", headers=TOKEN, query="page=1")
    assert ("unknown-field", "query page") in found
    body = json.dumps({"callbackUrl": "http://127.0.0.1/hook", "colour": "red"}).encode()
    checked, found = rules("POST", "/mts-vpbx/api/service/webhook", body=body, headers={**TOKEN, **JSON})
    assert ("unknown-field", "body/colour") in found
    deviation = next(d for d in checked.deviations if d.where == "body/colour")
    assert deviation.section == "4.2" and deviation.title  # the document section that defines it


def test_rest_wrong_content_type_and_not_json():
    body = b'{"callbackUrl": "http://127.0.0.1/hook"}'
    _, found = rules("POST", "/mts-vpbx/api/service/webhook", body=body,
                     headers={**TOKEN, "Content-Type": "text/plain"})
    assert found == [("content-type", "header Content-Type")]
    _, found = rules("POST", "/mts-vpbx/api/service/webhook", body=b"{nope", headers={**TOKEN, **JSON})
    assert found == [("not-parseable", "body")]


def test_rest_wrong_type_and_missing_body():
    _, found = rules("POST", "/mts-vpbx/api/service/webhook", body=b'{"callbackUrl": 5}', headers={**TOKEN, **JSON})
    assert ("wrong-type", "body/callbackUrl") in found
    _, found = rules("POST", "/mts-vpbx/api/service/apicrm", headers=TOKEN)
    assert ("missing-field", "body") in found


def test_rest_by_host_header_and_unknown_paths():
    checked, found = rules("GET", "/api/abonents", headers=TOKEN, host="vpbx.mts.ru:443")
    assert checked.provider == "mts-vpbx" and found == []
    checked, found = rules("GET", "/mts-vpbx/api/nothing", headers=TOKEN)
    assert [r for r, _ in found] == ["unknown-operation"]
    checked, found = rules("GET", "/nowhere/at/all")
    assert checked.provider is None and [r for r, _ in found] == ["unknown-operation"]


def test_catch_all_route_named_by_method_path_and_query():
    """@втосекретарь serves everything on one route: the name tells the operation."""
    checked, _ = rules("GET", "/API/v1/UN", query="phone=4954071111", host="aa.mts.ru")
    assert checked.operation == "GET /api/v1/un?phone={phone}"
    checked, _ = rules("GET", "/api/v1/un", host="aa.mts.ru")
    assert checked.operation == "GET /api/v1/un"


# ------------------------------------------------------------------ XML (XSD)
INIT = (EXAMPLES / "beeline-cloudcc/examples/2.1-InitCall.request.xml").read_bytes()


def test_xml_clean_missing_attribute_wrong_value_and_not_xml():
    checked, found = rules("POST", "/beeline-cloudcc/", body=INIT, headers={"Content-Type": "text/xml"})
    assert checked.operation == "InitCall" and found == []
    _, found = rules("POST", "/beeline-cloudcc/", body=INIT.replace(b'B0="79031234567" ', b"").replace(b'REC="1"', b'REC="yes"'))
    assert {rule for rule, _ in found} == {"missing-field", "wrong-format"}
    _, found = rules("POST", "/beeline-cloudcc/", body=INIT.replace(b"/>", b"><Colour/></InitCall>"))
    assert [rule for rule, _ in found] == ["unknown-field"]
    _, found = rules("POST", "/beeline-cloudcc/", body=b"<InitCall")
    assert {r for r, _ in found} == {"unknown-operation", "not-parseable"}


# ------------------------------------------------------------------ multipart (JSON Schema)
def form(parts: dict[str, bytes], boundary: str = "b0undary") -> tuple[dict, bytes]:
    chunks = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + data
              for name, data in parts.items()]
    return ({"Content-Type": f"multipart/form-data; boundary={boundary}"},
            b"\r\n".join(chunks) + f"\r\n--{boundary}--\r\n".encode())


SETBLIST = json.dumps({"Command": "SETBLIST", "ConfData": [{"BNumber": ["74950000000"], "ANumber": ["79160000000"]}]})


def test_multipart_clean_and_layout_errors():
    headers, body = form({"api_form": SETBLIST.encode()})
    checked, found = rules("POST", "/beeline-cloudcc/api/request", body=body, headers=headers)
    assert checked.operation == "SETBLIST" and found == []
    headers, body = form({"api_form": SETBLIST.encode(), "extra": b"1"})
    _, found = rules("POST", "/beeline-cloudcc/api/request", body=body, headers=headers)
    assert found == [("multipart-layout", "part extra")]
    _, found = rules("POST", "/beeline-cloudcc/api/request", body=SETBLIST.encode(), headers=JSON)
    assert ("content-type", "header Content-Type") in found
    headers, body = form({"form": SETBLIST.encode()})
    _, found = rules("POST", "/beeline-cloudcc/api/request", body=body, headers=headers)
    assert ("multipart-layout", "body") in found


def test_multipart_command_against_its_schema():
    bad = json.dumps({"Command": "SETBLIST", "ConfData": [{"BNumber": ["12"], "Colour": 1}]}).encode()
    headers, body = form({"api_form": bad})
    _, found = rules("POST", "/beeline-cloudcc/api/request", body=body, headers=headers)
    assert ("missing-field", "api_form/ConfData/0") in found          # ANumber
    assert ("wrong-format", "api_form/ConfData/0/BNumber/0") in found  # pattern
    assert ("unknown-field", "api_form/ConfData/0") in found           # Colour (closed schema)


# ------------------------------------------------------------------ SOAP (WSDL)
def envelope(inner: str, ns: str = "http://schemas.xmlsoap.org/soap/envelope/") -> bytes:
    return (f'<s:Envelope xmlns:s="{ns}"><s:Body>{inner}</s:Body></s:Envelope>').encode()


GET_UN = '<GetUN xmlns="http://tempuri.org/"><phone>74954071111</phone></GetUN>'
SOAP = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"http://tempuri.org/Iun/GetUN"'}


def test_soap_clean_and_envelope_errors():
    checked, found = rules("POST", "/mts-autosecretary/api/v1/un.svc", body=envelope(GET_UN), headers=SOAP)
    assert checked.operation == "un.svc GetUN" and found == []
    _, found = rules("POST", "/mts-autosecretary/api/v1/un.svc", body=envelope(GET_UN),
                     headers={"Content-Type": "application/json"})
    assert ("content-type", "header Content-Type") in found and ("soap-action", "header SOAPAction") in found
    _, found = rules("POST", "/mts-autosecretary/api/v1/un.svc", body=envelope(GET_UN),
                     headers={**SOAP, "SOAPAction": "http://tempuri.org/Iun/GetUNList"})
    assert ("soap-action", "header SOAPAction") in found
    _, found = rules("POST", "/mts-autosecretary/api/v1/un.svc",
                     body=envelope(GET_UN, "http://www.w3.org/2003/05/soap-envelope"), headers=SOAP)
    assert ("soap-envelope", "body") in found


def test_soap_body_against_the_service_schema():
    inner = '<GetUN xmlns="http://tempuri.org/"><telephone>1</telephone></GetUN>'
    _, found = rules("POST", "/mts-autosecretary/api/v1/un.svc", body=envelope(inner), headers=SOAP)
    assert found and found[0][0] == "unknown-field"


# ------------------------------------------------------------------ JSON-RPC (OpenRPC)
RPC = (EXAMPLES / "mtt-telecom/examples/getCallHistory.request.json").read_bytes()


def test_jsonrpc_clean_and_envelope_errors():
    checked, found = rules("POST", "/mtt-telecom/index.php", body=RPC, headers=JSON)
    assert checked.operation == "getCallHistory" and found == []
    call = json.loads(RPC)
    broken = {**call, "jsonrpc": "1.0", "extra": 1, "id": {"a": 1}}
    _, found = rules("POST", "/mtt-telecom/index.php", body=json.dumps(broken).encode(), headers=JSON)
    assert {("jsonrpc-envelope", "body/jsonrpc"), ("jsonrpc-envelope", "body/extra"),
            ("jsonrpc-envelope", "body/id")} <= set(found)
    _, found = rules("POST", "/mtt-telecom/index.php", body=b"[]", headers=JSON)
    assert ("jsonrpc-envelope", "body") in found


def test_jsonrpc_params_by_the_method():
    call = json.loads(RPC)
    call["params"] = {"date_from": 5, "colour": "red"}
    _, found = rules("POST", "/mtt-telecom/index.php", body=json.dumps(call).encode(), headers=JSON)
    assert {("missing-field", "body/params/sip_id"), ("unknown-field", "body/params/colour"),
            ("wrong-type", "body/params/date_from")} <= set(found)
    _, found = rules("POST", "/mtt-telecom/index.php", body=json.dumps([call]).encode(), headers={})
    assert ("content-type", "header Content-Type") in found and ("missing-field", "body/0/params/sip_id") in found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(["/mts-vpbx/api/service/webhook", "/beeline-cloudcc/", "/beeline-cloudcc/api/request",
                             "/mts-autosecretary/api/v1/un.svc", "/mtt-telecom/index.php", "/mtt-business/makeCall"]),
       ctype=st.sampled_from(["application/json", "text/xml", "multipart/form-data; boundary=x", "", "a/b;;="]),
       body=st.binary(max_size=200) | st.text(max_size=200).map(str.encode),
       query=st.text(max_size=30))
def test_request_checks_never_raise(path, ctype, body, query):
    """Whatever the application sends, the check answers with deviations, never an exception."""
    checked = check_requests([RawRequest("POST", path, query, None, {"Content-Type": ctype}, body)])[0]
    assert all(d.rule and d.message for d in checked.deviations)


# ------------------------------------------------------------------ sources, formats, exit codes
def _jsonl(tmp_path, *records) -> Path:
    path = tmp_path / "requests.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_validate_jsonl_exit_codes_and_formats(tmp_path, capsys):
    clean = {"method": "GET", "url": "http://127.0.0.1:8080/mts-vpbx/api/abonents", "headers": TOKEN}
    assert main(["validate", "--jsonl", str(_jsonl(tmp_path, clean))]) == 0
    assert "1 requests: 1 clean" in capsys.readouterr().out
    bad = {"method": "POST", "path": "/api/service/webhook", "host": "vpbx.mts.ru",
           "headers": {**TOKEN, **JSON}, "body": '{"callbackUrl": 1}'}
    path = _jsonl(tmp_path, clean, bad)
    assert main(["validate", "--jsonl", str(path), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["summary"] == {"requests": 2, "clean": 1, "deviating": 1, "deviations": 1,
                                 "by_rule": {"wrong-type": 1}}
    assert report["requests"][1]["deviations"][0]["section"] == "4.2"
    out = tmp_path / "junit.xml"
    assert main(["validate", "--jsonl", str(path), "--format", "junit", "-o", str(out)]) == 1
    suite = ET.parse(out).getroot().find("testsuite")
    assert suite.get("name") == "mts-vpbx" and suite.get("tests") == "2" and suite.get("failures") == "1"
    assert suite.findall("testcase")[1].find("failure").get("type") == "wrong-type"


def test_validate_har_and_unreadable_sources(tmp_path, capsys):
    har = {"log": {"entries": [{"request": {
        "method": "POST", "url": "https://cloudcc.beeline.ru/", "headers": [{"name": "Content-Type", "value": "text/xml"}],
        "postData": {"mimeType": "text/xml", "text": INIT.decode()}}}]}}
    path = tmp_path / "app.har"
    path.write_text(json.dumps(har), encoding="utf-8")
    (request,) = from_har(path)
    assert request.host == "cloudcc.beeline.ru" and request.body == INIT
    assert main(["validate", "--har", str(path)]) == 0
    assert "'InitCall'" in capsys.readouterr().out
    path.write_text("{}", encoding="utf-8")
    assert main(["validate", "--har", str(path)]) == 2
    assert "not a HAR file" in capsys.readouterr().err
    assert main(["validate", "--jsonl", str(tmp_path / "missing.jsonl")]) == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"method": "GET"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="url or path"):
        from_jsonl(bad)


def test_validate_a_running_simulator(telsim_server, capsys):
    import urllib.request

    base = telsim_server.base_url

    request = urllib.request.Request(f"{base}/mts-vpbx/api/abonents?page=2", headers=TOKEN)
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except Exception:
        pass  # any answer: the request is in the journal
    assert main(["validate", "--simulator", base]) == 1
    out = capsys.readouterr().out
    assert "unknown-field at query page" in out and "section 4.4" in out


def test_har_form_params_and_relative_urls(tmp_path):
    fields = (EXAMPLES / "mtt-business/examples/8.2-token.request.form").read_text(encoding="utf-8").strip()
    params = [dict(zip(("name", "value"), pair.split("=", 1))) for pair in fields.split("&")]
    har = {"log": {"entries": [{"request": {
        "method": "POST", "url": "https://oauth.mtt.ru/oauth/token", "headers": [],
        "postData": {"mimeType": "application/x-www-form-urlencoded", "params": params}}}]}}
    path = tmp_path / "oauth.har"
    path.write_text(json.dumps(har), encoding="utf-8")
    (checked,) = check_requests(from_har(path))
    assert checked.operation == "POST /oauth/token grant_type=authorization_code" and checked.deviations == []
    lines = _jsonl(tmp_path, {"method": "GET", "url": "/mts-vpbx/api/abonents?page=1", "headers": TOKEN})
    (checked,) = check_requests(from_jsonl(lines))
    assert [d.where for d in checked.deviations] == ["query page"]


def test_soap_metadata_exchange_is_not_a_service_message():
    envelope = ('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
                'xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header>'
                '<a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action></s:Header>'
                '<s:Body/></s:Envelope>').encode()
    _, found = rules("POST", "/mts-autosecretary/api/v1/un.svc", body=envelope,
                     headers={"Content-Type": "application/soap+xml; charset=utf-8"})
    assert [r for r, _ in found if r != "unknown-operation"] == []


def test_hostile_bodies_are_deviations_not_crashes():
    deep = b"[" * 5000 + b"]" * 5000
    _, found = rules("PUT", "/mts-autosecretary/api/v1/un", body=deep, host="aa.mts.ru", headers=JSON)
    assert ("not-parseable", "body") in found
    _, found = rules("POST", "/mtt-telecom/index.php", body=deep, headers=JSON)
    assert ("not-parseable", "body") in found
    entity = envelope('<GetUN xmlns="http://tempuri.org/"><phone>&x;</phone></GetUN>')
    _, found = rules("POST", "/mts-autosecretary/api/v1/un.svc", body=b'<!DOCTYPE s [<!ENTITY x "1">]>' + entity,
                     headers=SOAP)
    assert found and all(rule in ("not-parseable", "xml-schema", "wrong-format") for rule, _ in found)
