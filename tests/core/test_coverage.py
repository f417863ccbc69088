"""telsim coverage and docs/coverage.md: generated from the catalogues, never stale."""
from pathlib import Path

from simulator.catalogue import CallbackSpec, Catalogue, Operation
from simulator.cli import main
from simulator.coverage import coverage_markdown, coverage_text, provider_coverage, section_of
from simulator.providers.registry import discover

DOC = Path(__file__).resolve().parents[2] / "docs" / "coverage.md"


def test_docs_coverage_is_the_generated_output():
    assert DOC.read_text(encoding="utf-8") == coverage_markdown(discover()), \
        "docs/coverage.md is stale: run python -m simulator.contracts"


def test_section_of_finds_the_nearest_listed_parent():
    listed = ["4", "4.11", "4.1"]
    assert section_of("4.11.2", listed) == "4.11" and section_of("4.1", listed) == "4.1"
    assert section_of("4.12", listed) == "4" and section_of("5", listed) is None


class Fake:
    slug = "mts-vpbx"  # its examples index is real
    title = "fake"
    catalogue = Catalogue(
        "mts-vpbx", "doc.txt",
        operations=(Operation("GET /a", "4.4", "rest", "GET", "/a"), Operation("GET /b", "9.1", "rest", "GET", "/b")),
        callbacks=(CallbackSpec("EVT", "4.7", "rest", "url"),
                   CallbackSpec("mail", "4.3", "email", "admin", direction="notice")),
        sections={"4.4": "Abonents", "4.7": "Events", "4.3": "Check", "4.12": "Schedules"})


def test_provider_coverage_counts_from_the_catalogue():
    r = provider_coverage("mts-vpbx", Fake)
    assert (r["sections"], r["covered"], r["operations"], r["callbacks"], r["notices"]) == (4, 3, 2, 1, 1)
    table = {t["section"]: t for t in r["table"]}
    assert table["4.4"]["operations"] == ["GET /a"] and table["4.3"]["notices"] == ["mail"]
    assert table["4.12"]["examples"] and not table["4.12"]["operations"]
    assert [t["section"] for t in r["outside_sections"]][0] == "4.1"  # examples of unlisted sections
    assert any(t["operations"] == ["GET /b"] for t in r["outside_sections"])
    text = coverage_text({"mts-vpbx": Fake})
    assert text.startswith("mts-vpbx (doc.txt): 3/4 sections") and "  - 4.12" in text


def test_the_command(capsys):
    assert main(["coverage"]) == 0
    out = capsys.readouterr().out
    assert all(out.count(f"{slug}") for slug in discover())
    assert main(["coverage", "--markdown"]) == 0
    assert capsys.readouterr().out == DOC.read_text(encoding="utf-8")
    assert main(["coverage", "mtt-telecom"]) == 0
    one = capsys.readouterr().out
    assert one.startswith("mtt-telecom") and "mts-vpbx" not in one
    assert main(["coverage", "nope"]) == 2
    assert "unknown provider 'nope'" in capsys.readouterr().err
