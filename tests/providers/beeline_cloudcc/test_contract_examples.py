"""Every documented example validates against the published contract, and the backend
accepts every request example and answers in the documented shapes."""

import json
from pathlib import Path

import jsonschema
import pytest
from lxml import etree
from referencing import Registry, Resource

from simulator.conformance.examples import load_examples
from simulator.providers.beeline_cloudcc import wav, xmlmsg
from simulator.providers.beeline_cloudcc.errors import BeelineError
from simulator.providers.beeline_cloudcc.multipart import file_part as Part

CONTRACTS = Path(__file__).resolve().parents[3] / "contracts" / "beeline-cloudcc"
INDEX = list(load_examples("beeline-cloudcc"))
SCHEMAS = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (CONTRACTS / "schemas").glob("*.json")}
REGISTRY = Registry().with_resources(
    (s["$id"], Resource.from_contents(s)) for s in SCHEMAS.values())
XSD = etree.XMLSchema(etree.parse(str(CONTRACTS / "beeline-cloudcc.xsd")))


def validate(instance, schema_file):
    schema = SCHEMAS[schema_file]
    jsonschema.Draft202012Validator(schema, registry=REGISTRY).validate(instance)


def load(entry):
    text = (CONTRACTS / "examples" / entry["file"]).read_text(encoding="utf-8")
    return json.loads(text) if entry["file"].endswith(".json") else text


def test_index_lists_every_fixture():
    listed = {e["file"] for e in INDEX}
    present = {p.name for p in (CONTRACTS / "examples").iterdir() if p.name != "index.yaml"}
    assert listed == present
    for entry in INDEX:
        assert entry["kind"] in {"request", "response", "event", "error"}
        assert entry["section"] and entry["method"] == "POST" and entry["path"] and entry["status"] in (200, 404)


def test_every_command_has_schemas():
    from simulator.providers.beeline_cloudcc.commands import COMMANDS
    for name in COMMANDS:
        assert f"{name}.request.schema.json" in SCHEMAS
        assert f"{name}.response.schema.json" in SCHEMAS
    commands_with_examples = {e.get("command") for e in INDEX if e["kind"] == "request"}
    assert set(COMMANDS) <= commands_with_examples


@pytest.mark.parametrize("entry", INDEX, ids=lambda e: e["file"])
def test_fixture_matches_contract(entry):
    body = load(entry)
    if entry["file"].endswith(".xml"):
        doc = etree.fromstring(body.encode())
        assert XSD.validate(doc), XSD.error_log
        xmlmsg.parse_element(body.encode())
    else:
        validate(body, entry["schema"].split("/")[-1])


REQUESTS = [e for e in INDEX if e["kind"] == "request" and e["file"].endswith(".json")]


@pytest.mark.parametrize("entry", REQUESTS, ids=lambda e: e["file"])
def test_backend_accepts_request_example(api, ready_files, entry, clock, tenant):
    form = load(entry)
    name = form["Command"]
    files = []
    if name == "VFILE":
        files = [Part("vfile", wav.make(0.2), filename="hello.wav")]
    if name == "STATCDR":
        api.execute({"Command": "REQCDR", "ConfData": {"DT_BEGIN": "20240301", "DT_END": "20240302"}})
    if name == "DELBLIST" or name == "LBLIST":
        api.execute(load(next(e for e in INDEX if e["file"] == "4.6-SETBLIST.request.json")))
    answer = api.execute(form, files)
    validate(answer, f"{name}.response.schema.json")


def test_documented_answers_are_reproduced(api, ready_files, tenant, clock):
    """The response fixtures are what the backend says after the matching request fixtures."""
    def run(file):
        return api.execute(load(next(e for e in INDEX if e["file"] == file)))

    def expected(file):
        return load(next(e for e in INDEX if e["file"] == file))

    run("4.1-REDIRECT.request.json")
    assert api.execute({"Command": "RLIST"}) == expected("4.2-RLIST.response.json")
    run("4.4-PREMEDIA.request.json")
    assert api.execute({"Command": "MLIST"}) == expected("4.5-MLIST.response.json")
    run("4.6-SETBLIST.request.json")
    assert api.execute({"Command": "LBLIST"}) == expected("4.9-LBLIST.response.json")
    assert run("4.8.1-ABLIST.request.json") == expected("4.8-ABLIST.response.json")
    run("4.10.1-ARECORD.request.json")
    assert run("4.12-LRECORD.request.json") == expected("4.12-LRECORD.response.json")
    run("4.10.2-ARECORD.request.json")
    assert run("4.12-LRECORD.request.json") == expected("4.12-LRECORD-all.response.json")
    assert run("4.13.1-REQCDR.request.json") == expected("4.13-REQCDR.response.json")
    assert run("4.14-STATCDR.request.json") == expected("4.14-STATCDR-not-ready.response.json")
    assert run("4.18-HLRTZ.request.json") == expected("4.18-HLRTZ.response.json")
    with pytest.raises(BeelineError) as err:
        api.execute({"Command": "STATCDR", "CDRID": "nope"})
    body = err.value.body("119-00000001")
    assert body.keys() == expected("4.19-error.error.json").keys()
    validate(body, "error.schema.json")
