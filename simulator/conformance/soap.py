"""SOAP answers against the schemas of a service's WSDL (``contracts/<slug>/wsdl/``).

The directory holds, per service ``<name>.svc``, the WSDL and its schemas
``<name>.svc.xsd0.xsd``, ``.xsd1.xsd`` ... as the service publishes them (``?xsd=xsd0``).
The schemas import each other by their published URL (``...<name>.svc?xsd=xsd1``); those
imports are resolved to the files next to them, never fetched.

* in, POST to ``.../<name>.svc``: the answer must be a SOAP envelope whose body holds a
  Fault (faultcode and faultstring, or SOAP 1.2 Code and Reason) or an element the
  service's schemas declare, valid against them. GET (``?wsdl``, ``?xsd=``) and
  metadata exchange answers (WS-MetadataExchange) are documents, not messages: only their
  envelope is checked.
"""
from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Any

from .openapi import ContractViolation
from .xsd import local_name, parse_xml

SOAP_NS = ("http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope")
#: WS-MetadataExchange answers carry the WSDL and schemas themselves, not a service message
MEX_NS = "http://schemas.xmlsoap.org/ws/2004/09/mex"
#: a metadata exchange request names one of these (its action or its body's namespace)
METADATA_MARKS = ("http://schemas.xmlsoap.org/ws/2004/09/transfer/Get", MEX_NS)
_XSD_REF = re.compile(r"([\w.-]+\.svc)\?xsd=(xsd\d+)$")
_SERVICE = re.compile(r"/([\w.-]+\.svc)$")


class SoapValidator:
    def __init__(self, directory: Path | str):
        self.directory = Path(directory)

    @classmethod
    def discover(cls, directory: Path, **kw: Any) -> "SoapValidator | None":
        wsdl = directory / "wsdl"
        return cls(wsdl, **kw) if wsdl.is_dir() and any(wsdl.glob("*.svc.xsd0.xsd")) else None

    @cached_property
    def services(self) -> dict[str, Any]:
        """``{"un.svc": XMLSchema}``: each service's schemas as one schema."""
        from lxml import etree

        directory = self.directory

        class Local(etree.Resolver):
            def resolve(self, url, public_id, context):
                match = _XSD_REF.search(url or "")
                if match:
                    local = directory / f"{match.group(1)}.{match.group(2)}.xsd"
                    if local.is_file():
                        return self.resolve_filename(str(local), context)
                return None

        out = {}
        for main in sorted(directory.glob("*.svc.xsd0.xsd")):
            parser = etree.XMLParser(no_network=True)
            parser.resolvers.add(Local())
            out[main.name[: -len(".xsd0.xsd")]] = etree.XMLSchema(etree.parse(str(main), parser))
        return out

    def service_of(self, path: str | None) -> str | None:
        match = _SERVICE.search(path or "")
        return match.group(1) if match and match.group(1) in self.services else None

    def validate(self, service: str, body: str | bytes, where: str) -> None:
        from lxml import etree

        envelope = parse_xml(body, where)
        ns = envelope.tag[1:].split("}")[0] if envelope.tag.startswith("{") else ""
        if local_name(envelope.tag) != "Envelope" or ns not in SOAP_NS:
            raise ContractViolation(f"{where}: not a SOAP envelope (root {envelope.tag!r})")
        body_el = envelope.find(f"{{{ns}}}Body")
        if body_el is None or len(body_el) != 1:
            raise ContractViolation(f"{where}: the SOAP Body must hold exactly one element")
        message = body_el[0]
        if local_name(message.tag) == "Fault" and message.tag.startswith(f"{{{ns}}}"):
            names = {local_name(child.tag) for child in message}
            if not ({"faultcode", "faultstring"} <= names or {"Code", "Reason"} <= names):
                raise ContractViolation(f"{where}: a Fault without its code and reason: {sorted(names)}")
            return
        if message.tag.startswith(f"{{{MEX_NS}}}"):
            return
        schema = self.services[service]
        doc = etree.fromstring(etree.tostring(message))
        if not schema.validate(doc):
            raise ContractViolation(f"{where}: {service}: {schema.error_log.last_error}")

    @cached_property
    def actions(self) -> dict[str, dict[str, str]]:
        """{"un.svc": {"GetUN": "http://tempuri.org/Iun/GetUN"}}: each operation's SOAPAction
        (the WSDL's soap 1.1 binding)."""
        out: dict[str, dict[str, str]] = {}
        for wsdl in sorted(self.directory.glob("*.svc.wsdl")):
            found = re.findall(r'soapAction="([^"]+)"', wsdl.read_text(encoding="utf-8"))
            out[wsdl.name[: -len(".wsdl")]] = {action.rsplit("/", 1)[-1]: action for action in found}
        return out

    def check_request(self, entry: Any, spec: Any = None) -> list | None:
        """A SOAP 1.1 request (basicHttpBinding): text/xml, the SOAPAction of the operation in the
        body, an envelope whose Body holds that operation's element, valid against the service's
        schemas. GET (the WSDL) and metadata exchange carry no message to check."""
        from lxml import etree

        from .contract import header
        from .deviations import Deviation
        from .xsd import xml_deviations

        req = entry.request
        service = self.service_of(req.path)
        if entry.direction != "in" or req.method != "POST" or service is None:
            return None
        headers = dict(req.headers or {})
        raw = req.body.encode("utf-8") if isinstance(req.body, str) else (req.body or b"")
        if any(m.encode() in raw or m in header(headers, "Content-Type") for m in METADATA_MARKS):
            return []  # WS-MetadataExchange (GetMetadata, WS-Transfer Get): the WSDL, not a message
        out = []
        ctype = header(headers, "Content-Type").split(";", 1)[0].strip().lower()
        if ctype != "text/xml":
            out.append(Deviation("content-type", f"Content-Type {ctype or 'none'!r}; a basicHttpBinding "
                                 "(SOAP 1.1) service takes text/xml", "header Content-Type"))
        actions = self.actions.get(service, {})
        action = header(headers, "SOAPAction").strip().strip('"')
        by_action = {v: k for k, v in actions.items()}
        if not action:
            out.append(Deviation("soap-action", "no SOAPAction header", "header SOAPAction"))
        elif action not in by_action:
            out.append(Deviation("soap-action", f"SOAPAction {action!r} is not an operation of {service}",
                                 "header SOAPAction"))
        body = req.body.encode("utf-8") if isinstance(req.body, str) else (req.body or b"")
        try:
            envelope = parse_xml(body, "request")
        except ContractViolation as exc:
            return out + [Deviation("not-parseable", str(exc), "body")]
        if local_name(envelope.tag) != "Envelope" or not envelope.tag.startswith(f"{{{SOAP_NS[0]}}}"):
            return out + [Deviation("soap-envelope", f"root {envelope.tag!r}; a SOAP 1.1 Envelope "
                                    f"({SOAP_NS[0]}) is expected", "body")]
        body_el = envelope.find(f"{{{SOAP_NS[0]}}}Body")
        if body_el is None or len(body_el) != 1:
            return out + [Deviation("soap-envelope", "the SOAP Body must hold exactly one element", "Body")]
        message = body_el[0]
        name = local_name(message.tag)
        if name not in actions:
            return out + [Deviation("soap-envelope", f"{name!r} is not an operation of {service}", "Body")]
        if action in by_action and by_action[action] != name:
            out.append(Deviation("soap-action", f"SOAPAction names {by_action[action]}, the Body holds {name}",
                                 "header SOAPAction"))
        try:
            doc = etree.fromstring(etree.tostring(message))
        except etree.XMLSyntaxError as exc:  # an entity the document never declared, ...
            return out + [Deviation("not-parseable", f"the Body's element cannot be read: {exc}", "Body")]
        return out + xml_deviations(self.services[service], doc, service)

    def check_entry(self, entry: Any, spec: Any = None) -> bool:
        data = entry.to_json()
        if entry.direction != "in" or data["method"] != "POST":
            return False
        service = self.service_of(data["path"])
        body = data["response_body"]
        if service is None or not body or body.endswith("…") or not body.lstrip().startswith("<"):
            return False
        self.validate(service, body, f"{service} answer {data['status']}")
        return True
