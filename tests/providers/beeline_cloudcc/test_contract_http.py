"""The live simulator against the published contract: every request example of the document
is accepted and answered in the documented shape; callbacks match the XSD; scenario replay."""

import json
from pathlib import Path

import aiohttp
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from referencing import Registry, Resource

from simulator.conformance.examples import load_examples
from simulator.providers.beeline_cloudcc import wav
from simulator.scenario import run_scenario_file

from .helpers import AUTH, SLUG, send

ROOT = Path(__file__).resolve().parents[3]
CONTRACTS = ROOT / "contracts" / "beeline-cloudcc"
INDEX = list(load_examples(SLUG))
SCHEMAS = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (CONTRACTS / "schemas").glob("*.json")}
REGISTRY = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in SCHEMAS.values())
XSD = etree.XMLSchema(etree.parse(str(CONTRACTS / "beeline-cloudcc.xsd")))


def validate(instance, name):
    jsonschema.Draft202012Validator(SCHEMAS[name], registry=REGISTRY).validate(instance)


def example(file):
    return (CONTRACTS / "examples" / file).read_text(encoding="utf-8")


async def command(simulator, api_form, vfile=None):
    data = aiohttp.FormData()
    data.add_field("api_form", json.dumps(api_form, ensure_ascii=False), content_type="application/json")
    if vfile is not None:
        data.add_field("vfile", vfile, filename="hello.wav", content_type="application/octet-stream")
    r = await send(simulator, SLUG, "POST", "/api/request", data=data, headers=AUTH)
    return r.status, r.json()


JSON_REQUESTS = [e for e in INDEX if e["kind"] == "request" and e["file"].endswith(".json")]


@pytest.mark.parametrize("entry", JSON_REQUESTS, ids=lambda e: e["file"])
async def test_request_example_over_http(simulator, entry):
    form = json.loads(example(entry["file"]))
    name = form["Command"]
    if name == "STATCDR":
        await command(simulator, json.loads(example("4.13.2-REQCDR.request.json")))
    if name in ("DELBLIST", "LBLIST"):
        await command(simulator, json.loads(example("4.6-SETBLIST.request.json")))
    status, answer = await command(simulator, form, wav.make(0.5) if name == "VFILE" else None)
    assert status == 200, answer
    validate(answer, f"{name}.response.schema.json")


async def test_online_examples_answer_per_xsd(simulator, callback_sink):
    simulator.patch_world({"providers": {SLUG: {"tenants": {"demo": {"client_url": callback_sink.url("/")}}}}})
    for file in ("2.1-InitCall.request.xml", "2.2-AnnCall.request.xml"):
        r = await send(simulator, SLUG, "POST", "/", data=example(file).encode(), headers={**AUTH, "Content-Type": "text/xml"})
        body = r.body
        assert r.status == 200
        doc = etree.fromstring(body)
        assert doc.tag == "Info" and XSD.validate(doc), XSD.error_log
        assert doc.get("ScriptID")
    callback_sink.respond("/", handler=lambda req: (200, example("2.4-AgentInfo.response.xml").replace(
        "186770949540981", etree.fromstring(req.body).get("ScriptID") or ""))
        if b"<AgentRequest" in req.body else (200, ""))
    await simulator.start_call(SLUG, "79091112233", "74957850000")
    await simulator.advance(200)
    kinds = set()
    for req in callback_sink.received("/"):
        doc = etree.fromstring(req.body)
        kinds.add(doc.tag)
        assert XSD.validate(doc), (req.body, XSD.error_log)
    assert kinds == {"callStatus", "AgentRequest"}


async def test_scenario_replay():
    for path in sorted((ROOT / "scenarios" / SLUG).glob("*.yaml")):
        report = await run_scenario_file(path)
        assert report.passed, report.text()


xml_inputs = st.one_of(
    st.binary(max_size=120),
    st.builds(lambda tag, attrs: f"<{tag} " + " ".join(f'{k}="{v}"' for k, v in attrs.items()) + "/>",
              st.sampled_from(["InitCall", "AnnCall", "AgentInfo", "Info", "x"]),
              st.dictionaries(st.sampled_from(["request_id", "A0", "B0", "A1", "B1", "F0", "F1", "REC", "btn",
                                               "ScriptID", "HostID", "AddPar"]),
                              st.sampled_from(["", "r1", "79031234567", "74957850000", "hello.wav", "1", "#", "x&amp;y"]),
                              max_size=8)).map(str.encode),
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(xml_inputs)
async def test_online_never_500(simulator, body):
    r = await send(simulator, SLUG, "POST", "/", data=body, headers={**AUTH, "Content-Type": "text/xml"})
    assert r.status < 500
    answer = r.body
    if answer:
        assert etree.fromstring(answer).tag == "Info"
    await simulator.advance(5)
