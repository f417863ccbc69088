"""Strict mode: requests that break the documented format are answered as usual and flagged
(journal ``flags``, ``GET /_sim/journal?flagged=1``, ``simulator.assert_clean()``); and the
conformance report in docs/conformance.md is the generator's latest output."""
from __future__ import annotations

from pathlib import Path

import pytest

from simulator.conformance.report import conformance_markdown
from simulator.providers.registry import discover

STRICT = {"conformance": {"strict": True}}
TOKEN = {"X-AUTH-TOKEN": "t"}


async def _get(simulator, path, **kw):
    async with simulator.request("GET", path, **kw) as resp:
        return resp.status, await resp.json()


@pytest.mark.telsim_patch(STRICT)
async def test_strict_flags_and_still_answers(simulator):
    url = simulator.url("mts-vpbx", "/api/abonents")
    async with simulator.request("GET", url + "?page=1", headers=TOKEN) as resp:
        answered = resp.status
    async with simulator.request("GET", url, headers=TOKEN) as resp:
        assert resp.status == answered  # the flag changes nothing in the answer
    status, flagged = await _get(simulator, "/_sim/journal?flagged=1")
    assert status == 200 and len(flagged) == 1
    (flag,) = flagged[0]["flags"]
    assert flag["rule"] == "unknown-field" and flag["where"] == "query page" and flag["section"] == "4.4"
    status, clean = await _get(simulator, "/_sim/journal?flagged=0&direction=in")
    assert [e["query"] for e in clean] == [""]
    assert (await _get(simulator, "/_sim/journal?flagged=yes"))[0] == 400
    assert simulator.flagged(provider="mts-vpbx")[0]["id"] == flagged[0]["id"]
    with pytest.raises(AssertionError, match=r"unknown-field at query page.*section 4\.4"):
        simulator.assert_clean()
    simulator.assert_clean(since=flagged[0]["id"])


async def test_strict_is_a_world_switch_and_assert_clean_checks_without_it(simulator):
    url = simulator.url("mts-vpbx", "/api/abonents")
    async with simulator.request("GET", url + "?page=1", headers=TOKEN) as resp:
        await resp.read()
    assert simulator.flagged() == []  # strict is off by default
    with pytest.raises(AssertionError, match="query page"):
        simulator.assert_clean()  # the same check, run now
    async with simulator.request("PATCH", "/_sim/world", json=STRICT) as resp:
        assert resp.status == 200
    assert simulator.sim.strict.enabled
    async with simulator.request("GET", url + "?page=2", headers=TOKEN) as resp:
        await resp.read()
    assert [e["query"] for e in simulator.flagged()] == ["page=2"]


@pytest.mark.telsim_patch(STRICT)
async def test_strict_soap_without_soapaction(simulator):
    """@втосекретарь answers a SOAP call without SOAPAction as it does (leniency kept) and
    strict mode flags it."""
    body = ('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
            '<GetUNList xmlns="http://tempuri.org/"/></s:Body></s:Envelope>')
    async with simulator.request("POST", simulator.url("mts-autosecretary", "/api/v1/un.svc"), data=body,
                                 headers={"Content-Type": "text/xml; charset=utf-8"}) as resp:
        await resp.read()
    (entry,) = simulator.flagged()
    assert [f["rule"] for f in entry["flags"]] == ["soap-action"]


def test_serve_strict_flag_sets_strict():
    from simulator.cli import build_parser

    assert build_parser().parse_args(["serve", "--strict"]).strict is True


def test_conformance_doc_is_the_generated_report():
    path = Path(__file__).resolve().parents[2] / "docs" / "conformance.md"
    assert path.read_text(encoding="utf-8") == conformance_markdown(discover()), \
        "docs/conformance.md is stale: run python -m simulator.contracts"


def test_report_counts_examples_by_the_contracts():
    from simulator.conformance.report import provider_report

    report = provider_report("mtt-business", discover()["mtt-business"])
    assert report["examples"] == {"request": 10, "response": 10, "error": 0, "event": 10}
    assert report["requests_accepted"] == 10 and report["answers_matching"]["event"] == 10
    assert report["implemented"] == report["operations"] and report["tested"] <= report["operations"]
    section = next(s for s in report["sections"] if s["section"] == "10.3.1")
    assert section["tests"] and all(t.startswith("tests/providers/mtt_business/") for t in section["tests"])
