"""``telsim validate --format text|json|junit``: the checked requests as a terminal listing,
a JSON document or a JUnit XML report (one test case per request, a failure per deviating
request listing its deviations), for CI systems that show JUnit results."""
from __future__ import annotations

import json
from collections import Counter
from typing import Any

from .deviations import RULES
from .traffic import Checked


def summary(results: list[Checked]) -> dict[str, Any]:
    bad = [r for r in results if r.deviations]
    rules = Counter(d.rule for r in bad for d in r.deviations)
    return {"requests": len(results), "clean": len(results) - len(bad), "deviating": len(bad),
            "deviations": sum(rules.values()), "by_rule": dict(sorted(rules.items()))}


def as_json(results: list[Checked]) -> str:
    return json.dumps({"summary": summary(results), "requests": [r.to_json() for r in results]},
                      indent=2, ensure_ascii=False) + "\n"


def as_text(results: list[Checked]) -> str:
    lines = []
    for r in results:
        req = r.request
        head = (f"{'FAIL' if r.deviations else 'ok  '} {req.source}: {r.provider or '?'} {r.operation!r} "
                f"{req.method} {req.path}{'?' + req.query if req.query else ''}")
        lines.append(head)
        lines.extend(f"     - {d}" for d in r.deviations)
        if r.note:
            lines.append(f"     ({r.note})")
    s = summary(results)
    lines.append(f"{s['requests']} requests: {s['clean']} clean, {s['deviating']} with {s['deviations']} deviations"
                 + (" (" + ", ".join(f"{k} {v}" for k, v in s["by_rule"].items()) + ")" if s["by_rule"] else ""))
    return "\n".join(lines) + "\n"


def as_junit(results: list[Checked]) -> str:
    from xml.etree import ElementTree as ET

    suites = ET.Element("testsuites", name="telsim validate")
    by_provider: dict[str, list[Checked]] = {}
    for r in results:
        by_provider.setdefault(r.provider or "unknown provider", []).append(r)
    for provider, items in by_provider.items():
        suite = ET.SubElement(suites, "testsuite", name=provider, tests=str(len(items)),
                              failures=str(sum(1 for r in items if r.deviations)), errors="0", skipped="0")
        for r in items:
            req = r.request
            case = ET.SubElement(suite, "testcase", classname=f"{provider}.{r.operation}",
                                 name=f"{req.source} {req.method} {req.path}")
            if r.deviations:
                failure = ET.SubElement(case, "failure", type=r.deviations[0].rule,
                                        message=f"{len(r.deviations)} deviation(s): {r.deviations[0]}")
                failure.text = "\n".join(f"{d} -- {RULES.get(d.rule, '')}" for d in r.deviations)
            if r.note:
                ET.SubElement(case, "system-out").text = r.note
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


FORMATS = {"text": as_text, "json": as_json, "junit": as_junit}
