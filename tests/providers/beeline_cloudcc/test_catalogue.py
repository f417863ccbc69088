"""The catalogue: part 1's messages, part 2's commands and the downloads, named as the document does."""
import json

import aiohttp

from simulator.providers.beeline_cloudcc.catalogue import CATALOGUE, SECTIONS
from simulator.providers.beeline_cloudcc.commands import COMMANDS

from .helpers import AUTH, SLUG, send


def test_every_command_and_message_is_catalogued():
    assert {op.selector for op in CATALOGUE.operations if op.transport == "multipart"} == set(COMMANDS)
    assert {op.name for op in CATALOGUE.operations if op.transport == "xml"} == {"InitCall", "AnnCall", "AgentInfo"}
    assert {cb.name for cb in CATALOGUE.callbacks} == {"callStatus", "AgentRequest"}
    assert {op.section for op in CATALOGUE.operations} <= set(SECTIONS)


async def test_journal_names_the_recognised_operation(simulator):
    form = aiohttp.FormData()
    form.add_field("api_form", json.dumps({"Command": "lrecord"}), content_type="application/json")
    assert (await send(simulator, SLUG, "POST", "/api/request", data=form, headers=AUTH)).status == 200
    assert (await send(simulator, SLUG, "POST", "/", data=b"<nonsense", headers=AUTH)).status == 400
    assert (await send(simulator, SLUG, "GET", "/api/download/zzz", headers=AUTH)).status == 404
    assert [e["operation"] for e in simulator.journal(provider=SLUG)] == ["LRECORD", "request", "GET /api/download"]


async def test_the_declared_contract_checks_xml_and_command_answers(simulator):
    from simulator.conformance import check_journal

    form = aiohttp.FormData()
    form.add_field("api_form", json.dumps({"Command": "RLIST"}), content_type="application/json")
    assert (await send(simulator, SLUG, "POST", "/api/request", data=form, headers=AUTH)).status == 200
    xml = b'<InitCall request_id="r1" B0="79031234567" B1="79261234567"/>'
    assert (await send(simulator, SLUG, "POST", "/", data=xml, headers={**AUTH, "Content-Type": "text/xml"})).status == 200
    assert check_journal(SLUG, simulator.sim.journal.query(provider=SLUG)) == 2
