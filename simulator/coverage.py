"""``telsim coverage``: per provider, the document's sections that name operations or
callbacks, the operations and callbacks the catalogue implements for each, and the
documented examples under contracts/<slug>/examples/. Generated from the catalogues and the
example indexes only; docs/coverage.md holds the output (``python -m simulator.contracts``).
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from .conformance.examples import has_examples, load_examples


def section_of(section: str, listed: Iterable[str]) -> str | None:
    """The listed section ``section`` belongs to: itself or its nearest listed parent
    (``4.11.2`` -> ``4.11``)."""
    best = None
    for s in listed:
        if (section == s or section.startswith(s + ".")) and (best is None or len(s) > len(best)):
            best = s
    return best


def provider_coverage(slug: str, cls: Any) -> dict[str, Any]:
    """The numbers and the per-section table of one provider, JSON-able."""
    catalogue = getattr(cls, "catalogue", None)
    examples = list(load_examples(slug)) if has_examples(slug) else []
    out: dict[str, Any] = {"provider": slug, "title": getattr(cls, "title", ""),
                           "catalogued": catalogue is not None, "examples": len(examples)}
    if catalogue is None:
        return out
    sections = dict(catalogue.sections)
    rows: dict[str, dict[str, list]] = {s: {"operations": [], "callbacks": [], "notices": [], "examples": []}
                                        for s in sections}
    unlisted: dict[str, dict[str, list]] = {}

    def row(section: str) -> dict[str, list]:
        key = section_of(section, sections)
        if key is None:
            return unlisted.setdefault(section, {"operations": [], "callbacks": [], "notices": [], "examples": []})
        return rows[key]

    for op in catalogue.operations:
        row(op.section)["operations"].append(op.name)
    for cb in catalogue.callbacks:
        row(cb.section)["notices" if cb.direction == "notice" else "callbacks"].append(cb.name)
    for ex in examples:
        row(ex.section)["examples"].append(ex.file)
    covered = [s for s, r in rows.items() if r["operations"] or r["callbacks"] or r["notices"]]
    out.update({
        "document": catalogue.document, "sections": len(sections), "covered": len(covered),
        "operations": len(catalogue.operations),
        "callbacks": sum(1 for cb in catalogue.callbacks if cb.direction != "notice"),
        "notices": sum(1 for cb in catalogue.callbacks if cb.direction == "notice"),
        "table": [{"section": s, "title": sections[s], **rows[s]} for s in sections],
        "outside_sections": [{"section": s, "title": "", **r} for s, r in sorted(unlisted.items())],
    })
    return out


def _names(names: list[str]) -> str:
    return "<br>".join(f"`{n}`" for n in names) if names else "—"


def coverage_markdown(providers: Mapping[str, Any]) -> str:
    """docs/coverage.md: every provider's coverage as Markdown."""
    lines = ["# Coverage of the providers' documents", "",
             "Generated from the operation catalogues (simulator/providers/*/catalogue.py) and the example",
             "indexes (contracts/*/examples/index.yaml) by `telsim coverage`; regenerate with",
             "`python -m simulator.contracts`; do not edit.", "",
             "| provider | document | sections | covered | operations | callbacks | notices | examples |",
             "|---|---|---|---|---|---|---|---|"]
    reports = [provider_coverage(slug, cls) for slug, cls in providers.items()]
    for r in reports:
        if r["catalogued"]:
            lines.append(f"| {r['provider']} | {r['document']} | {r['sections']} | {r['covered']} | "
                         f"{r['operations']} | {r['callbacks']} | {r['notices']} | {r['examples']} |")
        else:
            lines.append(f"| {r['provider']} | no catalogue yet | | | | | | {r['examples']} |")
    for r in reports:
        lines += ["", f"## {r['provider']}" + (f" — {r['title']}" if r["title"] else ""), ""]
        if not r["catalogued"]:
            lines.append(f"No catalogue yet; {r['examples']} documented examples.")
            continue
        lines += [f"Document `{r['document']}`: {r['covered']} of {r['sections']} sections covered; "
                  f"{r['operations']} operations, {r['callbacks']} callbacks, {r['notices']} notices, "
                  f"{r['examples']} examples.", "",
                  "| section | title | operations | callbacks and notices | examples |",
                  "|---|---|---|---|---|"]
        for t in r["table"] + r["outside_sections"]:
            title = t["title"] or "(not a section of the catalogue's list)"
            lines.append(f"| {t['section']} | {title} | {_names(t['operations'])} | "
                         f"{_names(t['callbacks'] + t['notices'])} | {len(t['examples']) or '—'} |")
    return "\n".join(lines) + "\n"


def coverage_text(providers: Mapping[str, Any]) -> str:
    """The terminal form of ``telsim coverage``: one block per provider."""
    out = []
    for slug, cls in providers.items():
        r = provider_coverage(slug, cls)
        if not r["catalogued"]:
            out.append(f"{slug}: no catalogue yet; {r['examples']} examples")
            continue
        out.append(f"{slug} ({r['document']}): {r['covered']}/{r['sections']} sections, "
                   f"{r['operations']} operations, {r['callbacks']} callbacks, {r['notices']} notices, "
                   f"{r['examples']} examples")
        for t in r["table"] + r["outside_sections"]:
            mark = "+" if t["operations"] or t["callbacks"] or t["notices"] else "-"
            out.append(f"  {mark} {t['section']:<8} {t['title'][:60]:<60} ops={len(t['operations'])} "
                       f"callbacks={len(t['callbacks']) + len(t['notices'])} examples={len(t['examples'])}")
    return "\n".join(out) + "\n"
