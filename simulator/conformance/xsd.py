"""XML messages (Beeline cloudcc's online API) against an XML Schema.

* in: a non-empty XML answer must be valid; when the catalogue's operation names its
  answer (``response="beeline-cloudcc.xsd#Info"``) the root element must be that one.
* out: the callback's body must be valid (``body="...#callStatus"`` likewise).
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from .openapi import ContractViolation


def parse_xml(body: str | bytes, where: str):
    from lxml import etree

    data = body.encode("utf-8") if isinstance(body, str) else body
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ContractViolation(f"{where}: not well-formed XML: {exc}") from None


def xml_deviations(schema: Any, doc: Any, name: str) -> list:
    """The schema's complaints about ``doc`` as deviations (lxml's error log, classified)."""
    from .deviations import Deviation

    if schema.validate(doc):
        return []
    out = []
    for error in list(schema.error_log)[:20]:
        text = error.message
        rule = ("unknown-field" if "not expected" in text or "is not allowed" in text
                else "missing-field" if "Missing child" in text or "is required but missing" in text
                else "wrong-format" if "not a valid value" in text or "facet" in text
                else "xml-schema")
        out.append(Deviation(rule, f"{name}: {text}", f"line {error.line}" + (f" {error.path}" if error.path else "")))
    return out


def request_root(spec: Any) -> str | None:
    """The root element an operation's request must have: its XML ``selector`` or the element
    named by its ``request`` reference."""
    return expected_root(getattr(spec, "request", None)) or getattr(spec, "selector", None)


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def expected_root(reference: Any) -> str | None:
    """``"file.xsd#Element"`` -> ``"Element"``; anything else -> None."""
    if isinstance(reference, str) and "#" in reference:
        return reference.rsplit("#", 1)[1] or None
    return None


class XsdValidator:
    def __init__(self, path: Path | str):
        self.path = Path(path)

    @classmethod
    def discover(cls, directory: Path, **kw: Any) -> "XsdValidator | None":
        found = sorted(directory.glob("*.xsd"))
        return cls(found[0], **kw) if len(found) == 1 else None

    @cached_property
    def schema(self):
        from lxml import etree

        return etree.XMLSchema(etree.parse(str(self.path)))

    def validate(self, body: str | bytes, where: str, root: str | None = None) -> None:
        doc = parse_xml(body, where)
        if root is not None and local_name(doc.tag) != root:
            raise ContractViolation(f"{where}: root element {local_name(doc.tag)!r}, the contract says {root!r}")
        if not self.schema.validate(doc):
            raise ContractViolation(f"{where}: {self.path.name}: {self.schema.error_log.last_error}")

    def check_request(self, entry: Any, spec: Any = None) -> list | None:
        """The XML the application sent: well-formed, the operation's root element, valid."""
        from .deviations import Deviation

        if entry.direction != "in":
            return None
        body = entry.request.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        if not body or not body.strip():
            return [Deviation("missing-field", "the document requires an XML body", "body")]
        try:
            doc = parse_xml(body, "request")
        except ContractViolation as exc:
            return [Deviation("not-parseable", str(exc), "body")]
        root = request_root(spec)
        if root is not None and local_name(doc.tag) != root:
            return [Deviation("xml-schema", f"root element {local_name(doc.tag)!r}, the operation's is {root!r}",
                              "body")]
        return xml_deviations(self.schema, doc, self.path.name)

    def check_entry(self, entry: Any, spec: Any = None) -> bool:
        data = entry.to_json()
        if entry.direction == "in":
            body, where = data["response_body"], f"answer {data['status']}"
            root = expected_root(getattr(spec, "response", None))
        else:
            body, where = data["request_body"], "callback body"
            root = expected_root(getattr(spec, "body", None))
        if not body or not body.lstrip().startswith("<") or body.endswith("…"):
            return False
        self.validate(body, where, root)
        return True
