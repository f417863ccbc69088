"""``telsim contracts report``: per provider, how much of its document the simulator holds.

* operations: the catalogue's (named from the document; ``wire-facts`` ones beyond it), all
  served (``Catalogue.mount`` refuses an operation without a handler), and how many a test names;
* documented examples (contracts/<slug>/examples/, report_examples.py): each request example checked as an
  application's request (``telsim validate``: strict mode would accept it unflagged), each
  response, error and callback example against the contract every answer and callback of
  the simulator is checked against in the test suite;
* document sections and the tests that exercise them: a test covers a section when it names
  one of the section's operations or callbacks (catalogue name, selector, or a path the
  operation's route matches) — read from the test files, so the report is reproducible.

Generated only; docs/conformance.md is its Markdown (``python -m simulator.contracts``), and a
test fails when that file is stale.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from ..catalogue import Catalogue, Operation
from ..coverage import section_of
from .recognise import route_regex
from .report_examples import check_examples

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"


# ------------------------------------------------------------------ tests
_STRING = re.compile(r"""(?:[rbuRBU]{0,2}[fF]?[rbRB]?)("|')((?:\\.|(?!\1).)*)\1""")
_FIELD = re.compile(r"\{[^{}]*\}")


def _strings(source: str) -> set[str]:
    """The string literals of a test's source (an f-string's fields read as ``x``)."""
    return {_FIELD.sub("x", m.group(2)) for m in _STRING.finditer(source)}


_DEF = re.compile(r"^([ \t]*)(?:async[ \t]+)?def[ \t]+(test_\w+)", re.M)
_LINE = re.compile(r"^([ \t]*)[^\s)\]}#]", re.M)


@lru_cache(maxsize=16)
def test_strings(directory: Path) -> dict[str, set[str]]:
    """{"file.py::test_name": the strings the test function holds}. A function runs to the
    next line of code indented as much or less (read by indentation, not parsed: the report
    reads every test file of a provider)."""
    out: dict[str, set[str]] = {}
    for path in sorted(directory.rglob("test_*.py")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        rel = path.relative_to(REPO).as_posix()
        lines = [(m.start(), len(m.group(1))) for m in _LINE.finditer(text)]
        for m in _DEF.finditer(text):
            indent, body = len(m.group(1)), text.index("\n", m.start()) if "\n" in text[m.start():] else len(text)
            end = next((pos for pos, depth in lines if pos > body and depth <= indent), len(text))
            out[f"{rel}::{m.group(2)}"] = _strings(text[m.start():end])
    return out


def _matchers(op: Operation):
    names = {op.name}
    if op.selector and op.selector != "*" and len(op.selector) >= 4:
        names.add(op.selector)
    pattern = op.path if op.selector is None else None
    head, _, rest = op.name.partition(" ")
    if pattern is None and rest.startswith("/"):
        pattern = rest.split("?", 1)[0]
    if pattern and (":" in pattern or pattern == "/"):
        pattern = None  # a catch-all or the root matches any string: names only
    rx = route_regex(pattern, ignore_case=True) if pattern else None
    return names, rx


def _names_op(strings: set[str], names: set[str], rx) -> bool:
    if names & strings:
        return True
    if rx is None:
        return False
    for s in strings:
        if s.startswith("/") and rx.match(s.split("?", 1)[0]):
            return True
    return False


def tests_by_section(slug: str, catalogue: Catalogue) -> dict[str, list[str]]:
    directory = TESTS / "providers" / slug.replace("-", "_")
    tests = test_strings(directory) if directory.is_dir() else {}
    out: dict[str, list[str]] = {s: [] for s in catalogue.sections}
    matchers = [(op.section, *_matchers(op)) for op in catalogue.operations]
    matchers += [(cb.section, {cb.name}, None) for cb in catalogue.callbacks]
    keys = {section: section_of(section, catalogue.sections) or section for section, _, _ in matchers}
    for test, strings in tests.items():
        for section, names, rx in matchers:
            key = keys[section]
            if _names_op(strings, names, rx) and test not in out.setdefault(key, []):
                out[key].append(test)
    return out


def tested_operations(slug: str, catalogue: Catalogue) -> int:
    directory = TESTS / "providers" / slug.replace("-", "_")
    tests = test_strings(directory) if directory.is_dir() else {}
    everything = set().union(*tests.values()) if tests else set()
    return sum(1 for op in catalogue.operations if _names_op(everything, *_matchers(op)))


# ------------------------------------------------------------------ the report
def provider_report(slug: str, cls: Any) -> dict[str, Any]:
    catalogue: Catalogue | None = getattr(cls, "catalogue", None)
    examples = check_examples(slug, cls)
    kinds = {k: [e for e in examples if e["kind"] == k] for k in ("request", "response", "error", "event")}
    out: dict[str, Any] = {
        "provider": slug, "title": getattr(cls, "title", ""),
        "examples": {k: len(v) for k, v in kinds.items()},
        "requests_accepted": sum(1 for e in kinds["request"] if e["result"] == "accepted"),
        "requests_deviating": [e for e in kinds["request"] if e["result"] == "deviates"],
        "requests_not_sendable": sum(1 for e in kinds["request"] if e["result"] == "not a request to the provider"),
        "answers_matching": {k: sum(1 for e in kinds[k] if e["result"] == "matches") for k in ("response", "error", "event")},
        "answers_violating": [e for k in ("response", "error", "event") for e in kinds[k] if e["result"] == "violates"],
        "answers_not_checked": [e for k in ("response", "error", "event") for e in kinds[k] if e["result"] == "not checked"],
    }
    if catalogue is None:
        return {**out, "catalogued": False}
    by_section = tests_by_section(slug, catalogue)
    from_document = [op for op in catalogue.operations if not op.section.startswith("wire-facts")]
    out.update({
        "catalogued": True, "document": catalogue.document,
        "operations": len(catalogue.operations), "operations_from_document": len(from_document),
        "implemented": len(catalogue.operations), "tested": tested_operations(slug, catalogue),
        "callbacks": len(catalogue.callbacks),
        "sections": [{"section": s, "title": t, "tests": by_section.get(s, [])} for s, t in catalogue.sections.items()],
    })
    return out


def conformance_report(providers: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [provider_report(slug, cls) for slug, cls in providers.items()]


def _tests(names: list[str], limit: int = 4) -> str:
    if not names:
        return "—"
    shown = ", ".join(f"`{n.split('::', 1)[1]}`" for n in names[:limit])
    return shown + (f" +{len(names) - limit} more" if len(names) > limit else "")


def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def conformance_markdown(providers: Mapping[str, Any]) -> str:
    reports = conformance_report(providers)
    lines = ["# Conformance report", "",
             "Generated by `telsim contracts report --markdown` (simulator/conformance/report.py); regenerate with",
             "`python -m simulator.contracts`; do not edit. A test fails when this file is stale.", "",
             "* **operations**: the catalogue's (those of sections named `wire-facts` come from real clients, not",
             "  the document); every one is served (`Catalogue.mount` refuses one without a handler); **tested**:",
             "  named by a test of the provider (catalogue name, selector or a path its route matches).",
             "* **request examples accepted**: the document's request examples, sent as an application would,",
             "  pass `telsim validate` (strict mode would not flag them).",
             "* **responses, errors, callbacks matching**: the document's answer and callback examples pass the",
             "  contract every answer and callback of the simulator is checked against in the test suite",
             "  (the rest are listed below: violations name the example or contract to fix; some examples",
             "  cannot be checked, e.g. fragments of an answer).", "",
             "| provider | operations (from the document) | tested | callbacks | request examples accepted "
             "| responses matching | errors matching | callbacks matching |",
             "|---|---|---|---|---|---|---|---|"]
    for r in reports:
        ex, ok = r["examples"], r["answers_matching"]
        accepted = f"{r['requests_accepted']} of {ex['request']}"
        answers = f"{ok['response']} of {ex['response']} | {ok['error']} of {ex['error']} | {ok['event']} of {ex['event']}"
        if r.get("catalogued"):
            lines.append(f"| {r['provider']} | {r['operations']} ({r['operations_from_document']}) | {r['tested']} "
                         f"| {r['callbacks']} | {accepted} | {answers} |")
        else:
            lines.append(f"| {r['provider']} | no catalogue | | | {accepted} | {answers} |")
    for r in reports:
        lines += ["", f"## {r['provider']}" + (f" — {r['title']}" if r["title"] else ""), ""]
        if r["requests_deviating"]:
            lines += ["Request examples the request check does not accept (the example or the contract is wrong):", ""]
            for e in r["requests_deviating"]:
                lines.append(f"* `{e['file']}` ({e['operation']}): " + _md("; ".join(e["deviations"])))
            lines.append("")
        if r["answers_violating"]:
            lines += ["Answer and callback examples the contract does not accept:", ""]
            for e in r["answers_violating"]:
                lines.append(f"* `{e['file']}` ({e['kind']}): " + _md(e["why"])
                             + (f" (the index notes: {_md(e['note'])})" if e.get("note") else ""))
            lines.append("")
        if r["answers_not_checked"]:
            lines += ["Answer and callback examples not checked:", ""]
            for e in r["answers_not_checked"]:
                lines.append(f"* `{e['file']}`: {_md(e['why'])}")
            lines.append("")
        if r["requests_not_sendable"]:
            lines += [f"{r['requests_not_sendable']} request examples are not requests to the provider "
                      "(a callback target, a fragment).", ""]
        if not r.get("catalogued"):
            continue
        lines += ["| section | title | tests |", "|---|---|---|"]
        for s in r["sections"]:
            lines.append(f"| {s['section']} | {s['title'].replace('|', '/')} | {len(s['tests'])}: {_tests(s['tests'])} |")
    return "\n".join(lines) + "\n"


def conformance_text(providers: Mapping[str, Any]) -> str:
    out = []
    for r in conformance_report(providers):
        ex = r["examples"]
        ok = r["answers_matching"]
        head = (f"{r['provider']}: request examples accepted {r['requests_accepted']}/{ex['request']}, "
                f"matching the contract: responses {ok['response']}/{ex['response']}, errors {ok['error']}/"
                f"{ex['error']}, callbacks {ok['event']}/{ex['event']}")
        if r.get("catalogued"):
            head += f"; operations {r['operations']} ({r['tested']} tested), callbacks {r['callbacks']}"
        out.append(head)
        for e in r["requests_deviating"]:
            out.append(f"  ! {e['file']}: {'; '.join(e['deviations'])}")
        for e in r["answers_violating"]:
            out.append(f"  ! {e['file']}: {_md(e['why'])}")
        for s in r.get("sections", []):
            out.append(f"  {'+' if s['tests'] else '-'} {s['section']:<10} {s['title'][:50]:<50} tests={len(s['tests'])}")
    return "\n".join(out) + "\n"


def as_json(providers: Mapping[str, Any]) -> str:
    return json.dumps(conformance_report(providers), indent=2, ensure_ascii=False)
