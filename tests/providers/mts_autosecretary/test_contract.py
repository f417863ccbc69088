"""Contract tests: every example of the document (contracts/mts-autosecretary/examples) against the
simulator, and live answers against the OpenAPI 3.1 description."""
import json
import re

import pytest
import yaml

from simulator.conformance.examples import load_examples

from .data import CONTRACTS
from .helpers import call

jsonschema = pytest.importorskip("jsonschema")

EXAMPLES = CONTRACTS / "examples"
INDEX = list(load_examples("mts-autosecretary"))
OPENAPI = yaml.safe_load((CONTRACTS / "openapi.yaml").read_text(encoding="utf-8"))


def validator(name):
    schema = {"$ref": f"#/components/schemas/{name}", "components": OPENAPI["components"]}
    return jsonschema.Draft202012Validator(schema)


def assert_schema(name, payload):
    errors = sorted(validator(name).iter_errors(payload), key=str)
    assert not errors, [e.message for e in errors[:3]]


def fixture(name):
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else text


def request_path(name):
    line = fixture(name).strip()
    method, url = line.split(" ", 1)
    return method, url.replace("https://aa.mts.ru", "")


def without_null_ext(un):
    un = dict(un)
    un["dn_list"] = [{k: v for k, v in dn.items() if not (k == "ext" and v is None)} for dn in un["dn_list"]]
    return un


def test_index_lists_every_fixture():
    listed = {f["file"] for f in INDEX}
    present = {p.name for p in EXAMPLES.iterdir() if p.name != "index.yaml"}
    assert listed == present
    for entry in INDEX:
        assert entry["kind"] in ("request", "response", "event", "error")
        assert entry["section"] in {"2", "3", "4", "5", "6", "7"}
        if entry["kind"] == "response" and entry["file"].endswith(".json"):
            assert isinstance(entry["status"], int)


@pytest.mark.parametrize("name,schema", [
    ("3-un.response.json", "UNEnvelope"),
    ("5-cdr-bytime.response.json", "CdrEnvelope"),
    ("5-cdr-bytime-links.response.json", "CdrEnvelope"),
    ("7-un-list.response.json", "UNListEnvelope"),
])
def test_document_examples_fit_the_openapi_schemas(name, schema):
    payload = fixture(name)
    if schema == "UNEnvelope":  # the document's DN has no ext member; ours always sends it
        for dn in payload["value"]["dn_list"]:
            dn.setdefault("ext", None)
    assert_schema(schema, payload)


@pytest.mark.parametrize("raw,repaired", [
    ("3-un.response.txt", "3-un.response.json"),
    ("5-cdr-bytime.response.txt", "5-cdr-bytime.response.json"),
])
def test_repaired_examples_keep_every_member(raw, repaired):
    raw_keys = set(re.findall(r'"(\w+)"\s*:', fixture(raw)))
    text = json.dumps(fixture(repaired))
    assert raw_keys == set(re.findall(r'"(\w+)"\s*:', text))


async def test_section_3_get_un(simulator):
    method, path = request_path("3-un.request.txt")
    status, payload, _, _ = await call(simulator, method, path)
    assert status == 200
    assert_schema("UNEnvelope", payload)
    expected = fixture("3-un.response.json")
    assert {**payload, "value": without_null_ext(payload["value"])} == expected
    assert list(payload["value"]) == list(expected["value"])


async def test_section_4_put_un(simulator):
    body = fixture("4-un.request.json")
    status, payload, _, _ = await call(simulator, "PUT", "/api/v1/un", body=body)
    assert status == 200
    assert_schema("UNEnvelope", payload)
    assert without_null_ext(payload["value"])["dn_list"] == body["dn_list"]


async def test_section_5_cdr_bytime(simulator):
    method, path = request_path("5-cdr-bytime.request.txt")
    status, payload, _, _ = await call(simulator, method, path)
    assert status == 200
    assert payload == fixture("5-cdr-bytime.response.json")


async def test_section_5_links_shape(simulator):
    expected = fixture("5-cdr-bytime-links.response.json")
    status, payload, text, _ = await call(
        simulator, "GET", "/api/v1/cdr/bytime?phone=9854071111&begin=2011-10-02T00:00:00&end=2026-11-23T00:00:00&limit=100")
    assert status == 200
    assert_schema("CdrEnvelope", payload)
    assert list(payload) == list(expected)
    assert list(payload["links"]) == list(expected["links"])
    assert re.search(r"bytime\?phone=9854071111&begin=2011-10-02T00:00:00&end=2026-11-23T00:00:00"
                     r"&start_id=\d+&limit=100$", payload["links"]["next"])
    assert list(payload["value"][0]) == list(expected["value"][0])


async def test_section_6_cdr_byid(simulator):
    method, path = request_path("6-cdr-byid.request.txt")
    status, payload, _, _ = await call(simulator, method, path)
    assert status == 200
    assert_schema("CdrEnvelope", payload)
    assert len(payload["value"]) == 100


async def test_section_7_un_list(simulator):
    method, path = request_path("7-un-list.request.txt")
    status, payload, _, _ = await call(simulator, method, path)
    assert status == 200
    assert_schema("UNListEnvelope", payload)
    assert set(fixture("7-un-list.response.json")["value"]) <= set(payload["value"])


ERRORS = [
    ("GET", "/api/v1/un?phone=4954072222", 403),
    ("GET", "/api/v1/un?phone=12", 400),
    ("GET", "/api/v1/cdr/bytime?phone=4954071111&begin=x", 400),
    ("GET", "/api/v1/cdr/byid?phone=4954071111&limit=0", 400),
    ("PUT", "/api/v1/un", 400),
    ("GET", "/api/v1/missing", 404),
    ("DELETE", "/api/v1/un", 405),
]


async def test_errors_fit_the_error_envelope(simulator):
    for method, path, status in ERRORS:
        got, payload, _, _ = await call(simulator, method, path, raw=b"{}" if method == "PUT" else None)
        assert got == status, path
        assert_schema("ErrorEnvelope", payload)
        got, payload, _, headers = await call(simulator, method, path, headers={})
        assert got in (401, 404, 405)
        assert_schema("ErrorEnvelope", payload)


def test_openapi_document_is_well_formed():
    assert OPENAPI["openapi"].startswith("3.1")
    for name, schema in OPENAPI["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(schema)
    for path, item in OPENAPI["paths"].items():
        for method, op in item.items():
            assert op["operationId"] and op["responses"], (path, method)


def test_openapi_covers_every_rest_route():
    from simulator.providers.mts_autosecretary.routes import _REST
    documented = {(path, method.upper()) for path, item in OPENAPI["paths"].items() for method in item}
    served = {(path, method) for path, methods in _REST.items() for method in methods}
    assert documented == served
